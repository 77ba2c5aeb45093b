/* SPDX-License-Identifier: ISC */
/* dynrepo's private state directory and its files: 0700 directories,
 * 0600 files. */
#include "config.h"

#include "statedir.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "xmalloc.h"

char *
statedir_path(const char *sub, struct err *e)
{
	const char *xdg = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	char *base, *path;

	if (xdg != NULL && xdg[0] == '/')
		base = xasprintf("%s/dynrepo", xdg);
	else if (home != NULL && home[0] != '\0')
		base = xasprintf("%s/.local/state/dynrepo", home);
	else {
		err_set(e, ERR_CONFIG, "neither XDG_STATE_HOME nor HOME is "
		    "set: no place for dynrepo's state files");
		return NULL;
	}
	if (sub == NULL)
		return base;
	path = xasprintf("%s/%s", base, sub);
	free(base);
	return path;
}

int
statedir_mkdir(const char *dir, struct err *e)
{
	char *p = xstrdup(dir), *slash;
	struct stat st;
	int rc = 0;

	/* Parents first; each one that exists is left as it is. */
	for (slash = strchr(p + 1, '/'); slash != NULL;
	    slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (mkdir(p, 0700) == -1 && errno != EEXIST) {
			rc = err_set(e, ERR_IO, "cannot create %s: %s", p,
			    strerror(errno));
			goto out;
		}
		*slash = '/';
	}
	if (mkdir(p, 0700) == -1 && errno != EEXIST) {
		rc = err_set(e, ERR_IO, "cannot create %s: %s", p,
		    strerror(errno));
		goto out;
	}
	if (stat(p, &st) == -1 || !S_ISDIR(st.st_mode)) {
		rc = err_set(e, ERR_IO, "%s is not a directory", p);
		goto out;
	}
	/* Ours and private: tighten what an older run or umask left. */
	if ((st.st_mode & 077) != 0 && chmod(p, 0700) == -1)
		rc = err_set(e, ERR_IO, "cannot make %s private (0700): %s", p,
		    strerror(errno));
out:
	free(p);
	return rc;
}

/* fsync the directory holding path, so a rename in it is durable. */
static int
statedir_sync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash == NULL ? xstrdup(".") : slash == path ?
	    xstrdup("/") : xstrndup(path, (size_t)(slash - path));
	int fd, rc = 0;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd == -1 || fsync(fd) == -1)
		rc = -1;
	if (fd != -1)
		close(fd);
	free(dir);
	return rc;
}

int
statedir_write_atomic(const char *path, const void *data, size_t len,
    struct err *e)
{
	char *tmp = xasprintf("%s.tmpXXXXXX", path);
	const char *p = data;
	int fd, saved;

	fd = mkstemp(tmp);
	if (fd == -1) {
		err_set(e, ERR_IO, "cannot create a file next to %s: %s", path,
		    strerror(errno));
		free(tmp);
		return -1;
	}
	if (fchmod(fd, 0600) == -1)
		goto fail;
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1)
			goto fail;
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) == -1)
		goto fail;
	if (close(fd) == -1) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, path) == -1)
		goto fail;
	free(tmp);
	if (statedir_sync_parent(path) == -1)
		return err_set(e, ERR_IO, "cannot sync the directory of %s",
		    path);
	return 0;
fail:
	saved = errno;
	if (fd != -1)
		close(fd);
	unlink(tmp);
	free(tmp);
	return err_set(e, ERR_IO, "cannot write %s: %s", path,
	    strerror(saved));
}

int
statedir_read_file(const char *path, char **data, size_t *len,
    struct err *e)
{
	struct buf b = BUF_INIT;
	char chunk[65536];
	int fd;

	*data = NULL;
	*len = 0;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return err_set(e, errno == ENOENT ? ERR_NOT_FOUND : ERR_IO,
		    "cannot open %s: %s", path, strerror(errno));
	for (;;) {
		ssize_t n = read(fd, chunk, sizeof chunk);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			err_set(e, ERR_IO, "cannot read %s: %s", path,
			    strerror(errno));
			close(fd);
			buf_cleanup(&b);
			return -1;
		}
		if (n == 0)
			break;
		buf_add(&b, chunk, (size_t)n);
	}
	close(fd);
	buf_reserve(&b, 1);
	b.data[b.len] = '\0';
	*data = buf_detach(&b, len);
	return 0;
}

char *
statedir_escape(const char *name)
{
	struct buf b = BUF_INIT;
	const unsigned char *p;

	for (p = (const unsigned char *)name; *p != '\0'; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || *p == '_' || *p == '-' ||
		    (*p == '.' && p != (const unsigned char *)name))
			buf_addc(&b, (char)*p);
		else
			buf_printf(&b, "%%%02X", *p);
	}
	if (b.len == 0)
		buf_adds(&b, "%");
	return buf_detach(&b, NULL);
}

/* The value of a hex digit, or -1. */
static int
statedir_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

char *
statedir_unescape(const char *name)
{
	struct buf b = BUF_INIT;
	const char *p;

	if (strcmp(name, "%") == 0)
		return xstrdup("");
	for (p = name; *p != '\0'; p++) {
		int hi, lo;

		if (*p == '%' && (hi = statedir_hex(p[1])) >= 0 &&
		    (lo = statedir_hex(p[2])) >= 0) {
			buf_addc(&b, (char)(hi * 16 + lo));
			p += 2;
		} else {
			buf_addc(&b, *p);
		}
	}
	return buf_detach(&b, NULL);
}
