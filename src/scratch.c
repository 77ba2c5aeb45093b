/* SPDX-License-Identifier: ISC */
/* Files the person's text lives in: the editor's temporary file, copies;
 * and the unlinked temporary files commands spool to. */
#include "config.h"

#include "scratch.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "xmalloc.h"

/* Write all of text to fd. */
static int
scratch_write_fd(int fd, const char *text, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, text, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Where temporary files go: $TMPDIR, else /tmp. */
static const char *
scratch_dir(void)
{
	const char *dir = getenv("TMPDIR");

	return dir != NULL && *dir != '\0' ? dir : "/tmp";
}

/* An unlinked file in dir: made with a name, which is removed at once;
 * -1 with errno. */
static int
scratch_unlinked_fd(const char *dir)
{
	char *p = xasprintf("%s/dynrepo-XXXXXX", dir);
	int fd, saved;

	/* mkostemp makes it 0600 whatever the umask. */
	fd = mkostemp(p, O_CLOEXEC);
	if (fd != -1 && unlink(p) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		fd = -1;
	}
	free(p);
	return fd;
}

/* A FILE over a new unlinked file in $TMPDIR, made with a name first
 * when named; NULL with err. */
static FILE *
scratch_open_tmpfile(bool named, struct err *e)
{
	const char *dir = scratch_dir();
	FILE *f;
	int fd = -1, saved;

	(void)named;
#ifdef O_TMPFILE
	/* Never linked: nothing to remove, even after a crash. A file
	 * system without it (NFS, older overlayfs; EISDIR before Linux
	 * 3.11), or a sandbox refusing it, gets the named way. */
	if (!named)
		fd = open(dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
#endif
	if (fd == -1)
		fd = scratch_unlinked_fd(dir);
	if (fd != -1 && (f = fdopen(fd, "w+")) != NULL)
		return f;
	saved = errno;
	if (fd != -1)
		close(fd);
	err_set(e, ERR_IO, "cannot create a temporary file in %s: %s", dir,
	    strerror(saved));
	return NULL;
}

FILE *
scratch_tmpfile(struct err *e)
{
	return scratch_open_tmpfile(false, e);
}

FILE *
scratch_tmpfile_named(struct err *e)
{
	return scratch_open_tmpfile(true, e);
}

int
scratch_new(const char *name, const char *text, size_t len, char **path,
    struct err *e)
{
	const char *dir = scratch_dir();
	char *p;
	int fd;

	p = xasprintf("%s/dynrepo-%s-XXXXXX.json", dir, name);
	/* mkstemps makes it 0600 whatever the umask. */
	fd = mkstemps(p, 5);
	if (fd == -1) {
		err_set(e, ERR_IO, "%s: %s", p, strerror(errno));
		free(p);
		return -1;
	}
	if (fchmod(fd, 0600) == -1 || scratch_write_fd(fd, text, len) == -1 ||
	    close(fd) == -1) {
		err_set(e, ERR_IO, "%s: %s", p, strerror(errno));
		unlink(p);
		free(p);
		return -1;
	}
	*path = p;
	return 0;
}

/* Open path with flags (mode 0600 when it is made) and write text. */
static int
scratch_put(const char *path, int flags, const char *text, size_t len,
    struct err *e)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW |
	    flags, 0600);

	if (fd == -1)
		return err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
	if (scratch_write_fd(fd, text, len) == -1) {
		err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (close(fd) == -1)
		return err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
	return 0;
}

int
scratch_write(const char *path, const char *text, size_t len, struct err *e)
{
	char *tmp = xasprintf("%s.XXXXXX", path);
	int fd, rc = -1;

	/* Replaced whole (a new file renamed over it): a write cut short
	 * (a full disk, a crash) leaves the old text, which may be the
	 * only copy of an edit that never parsed. mkostemp: 0600. */
	if ((fd = mkostemp(tmp, O_CLOEXEC)) == -1) {
		err_set(e, ERR_IO, "%s: %s", tmp, strerror(errno));
		free(tmp);
		return -1;
	}
	if (scratch_write_fd(fd, text, len) == -1 || fsync(fd) == -1) {
		err_set(e, ERR_IO, "%s: %s", tmp, strerror(errno));
		close(fd);
	} else if (close(fd) == -1 || rename(tmp, path) == -1) {
		err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
	} else {
		rc = 0;
	}
	if (rc == -1)
		unlink(tmp);
	free(tmp);
	return rc;
}

int
scratch_create(const char *path, const char *text, size_t len,
    struct err *e)
{
	return scratch_put(path, O_EXCL, text, len, e);
}

int
scratch_read(const char *path, struct buf *out, struct err *e)
{
	char chunk[8192];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd == -1)
		return err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		buf_add(out, chunk, (size_t)n);
	}
	if (n == -1) {
		err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

int
scratch_edit(const char *path, struct err *e)
{
	const char *ed = getenv("VISUAL");
	struct sigaction ign, oint, oquit;
	pid_t pid;
	int status;

	if (ed == NULL || *ed == '\0')
		ed = getenv("EDITOR");
	if (ed == NULL || *ed == '\0')
		ed = "vi";
	pid = fork();
	if (pid == -1)
		return err_set(e, ERR_IO, "fork: %s", strerror(errno));
	if (pid == 0) {
		/* "$EDITOR" may hold arguments: the shell splits it. */
		execl("/bin/sh", "sh", "-c", "exec $0 \"$1\"", ed, path,
		    (char *)NULL);
		_exit(127);
	}
	memset(&ign, 0, sizeof ign);
	sigemptyset(&ign.sa_mask);
	ign.sa_handler = SIG_IGN;
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR) {
			status = -1;
			break;
		}
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	if (status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		return err_set(e, ERR_IO, "the editor (%s) %s", ed,
		    status != -1 && WIFEXITED(status) &&
		    WEXITSTATUS(status) == 127 ? "could not be run" :
		    "did not exit cleanly");
	return 0;
}

long long
scratch_stamp(const char *path)
{
	struct stat st;

	if (stat(path, &st) == -1)
		return 0;
	return (long long)st.st_mtim.tv_sec * 1000000000LL +
	    st.st_mtim.tv_nsec;
}

void
scratch_remove(const char *path)
{
	if (path != NULL)
		(void)unlink(path);
}
