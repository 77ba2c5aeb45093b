/* SPDX-License-Identifier: ISC */
/* Exports: stored items as DynamoDB JSON lines ({"Item": ...}). */
#include "config.h"

#include "export.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "buf.h"
#include "ddbjson.h"
#include "xmalloc.h"

struct export {
	gzFile		 gz;		/* when compressing */
	FILE		*fp;		/* otherwise */
	/* Replacing a file: the export goes to tmp, beside it, renamed over
	 * path only once whole, so a failed export leaves the old file
	 * (yesterday's export, maybe) as it was. */
	char		*path, *tmp;
	struct buf	 line;
	size_t		 count;
	bool		 failed;	/* a write failed */
};

/* The directory part of path ("." for a bare name), for its fsync. */
static char *
export_dir(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (slash == NULL)
		return xstrdup(".");
	if (slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

/* A new file beside path for the export to replace it with: fd, and its
 * name in *tmp; -1 with errno. */
static int
export_tmp(const char *path, char **tmp)
{
	int fd;

	*tmp = xasprintf("%s.dynrepo-XXXXXX", path);
	/* mkostemp makes it 0600 whatever the umask. */
	fd = mkostemp(*tmp, O_CLOEXEC);
	if (fd == -1) {
		free(*tmp);
		*tmp = NULL;
	}
	return fd;
}

/*
 * The file an export to path writes: fd, with *tmp and *target set when
 * it is a new file beside the regular file *target it is to replace; -1
 * with errno. With exclusive, or where path is no regular file to replace
 * (a device, a FIFO, a symbolic link to nowhere), it is path itself,
 * written in place.
 */
static int
export_file(const char *path, bool exclusive, char **target, char **tmp)
{
	struct stat st;
	int fd;

	*target = *tmp = NULL;
	if (exclusive)
		return open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
		    0600);
	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode))
			return open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
		/* Through a symbolic link, the file it names is replaced,
		 * not the link. */
		if ((*target = realpath(path, NULL)) == NULL)
			return -1;
	} else if (errno == ENOENT && lstat(path, &st) == -1) {
		*target = xstrdup(path);
	} else {
		return open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		    0600);
	}
	if ((fd = export_tmp(*target, tmp)) == -1) {
		free(*target);
		*target = NULL;
	}
	return fd;
}

struct export *
export_open(const char *path, bool gzip, bool exclusive, struct err *e)
{
	struct export *x = xcalloc(1, sizeof *x);
	int fd;

	x->fp = stdout;
	if (path != NULL && strcmp(path, "-") != 0) {
		fd = export_file(path, exclusive, &x->path, &x->tmp);
		x->fp = fd == -1 ? NULL : fdopen(fd, "w");
		if (x->fp == NULL) {
			err_set(e, ERR_IO, "cannot write %s: %s",
			    x->tmp != NULL ? x->tmp : path, strerror(errno));
			if (fd != -1)
				close(fd);
			if (x->tmp != NULL)
				(void)unlink(x->tmp);
			free(x->path);
			free(x->tmp);
			free(x);
			return NULL;
		}
	}
	if (gzip) {
		int gfd;

		fflush(x->fp);
		/* Never an uncompressed export asked for as gzip. */
		if ((gfd = dup(fileno(x->fp))) == -1 ||
		    (x->gz = gzdopen(gfd, "wb")) == NULL) {
			err_set(e, ERR_IO, "cannot compress the export: %s",
			    strerror(errno));
			if (gfd != -1)
				close(gfd);
			x->failed = true;
			(void)export_close(x, false, NULL);
			return NULL;
		}
	}
	return x;
}

int
export_item(struct export *x, const struct value *stored)
{
	buf_reset(&x->line);
	buf_adds(&x->line, "{\"Item\":");
	ddbjson_emit_item(&x->line, stored);
	buf_adds(&x->line, "}\n");
	if (x->gz != NULL) {
		if (gzwrite(x->gz, x->line.data, (unsigned)x->line.len) !=
		    (int)x->line.len)
			x->failed = true;
	} else if (fwrite(x->line.data, 1, x->line.len, x->fp) !=
	    x->line.len) {
		x->failed = true;
	}
	if (!x->failed)
		x->count++;
	return x->failed ? -1 : 0;
}

size_t
export_count(const struct export *x)
{
	return x->count;
}

/* The whole export in x->tmp takes path's place, for good: the file
 * forced to the disk, renamed, and the rename to the disk. -1 with
 * errno. */
static int
export_replace(struct export *x)
{
	char *dir;
	int fd;

	if (fsync(fileno(x->fp)) == -1 || rename(x->tmp, x->path) == -1)
		return -1;
	dir = export_dir(x->path);
	if ((fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) != -1) {
		/* Some file systems refuse to sync a directory: the rename
		 * is made either way. */
		(void)fsync(fd);
		close(fd);
	}
	free(dir);
	return 0;
}

int
export_close(struct export *x, bool keep, struct err *e)
{
	int rc = 0;

	if (x == NULL)
		return 0;
	if (x->gz != NULL && gzclose(x->gz) != Z_OK)
		x->failed = true;
	if (fflush(x->fp) == EOF)
		x->failed = true;
	if (x->tmp != NULL && keep && !x->failed &&
	    export_replace(x) == -1) {
		rc = err_set(e, ERR_IO, "cannot put the export in place of "
		    "%s: %s; %s is as it was", x->path, strerror(errno),
		    x->path);
		keep = false;
	}
	if (x->fp != stdout && fclose(x->fp) == EOF)
		x->failed = true;
	if (x->failed && rc == 0)
		rc = err_set(e, ERR_IO, "writing the export failed (disk "
		    "full?)%s%s%s", x->tmp != NULL ? "; " : "",
		    x->tmp != NULL ? x->path : "",
		    x->tmp != NULL ? " is as it was" : "");
	/* Not kept, or not whole: the old file stays. */
	if (x->tmp != NULL && (!keep || x->failed))
		(void)unlink(x->tmp);
	buf_cleanup(&x->line);
	free(x->path);
	free(x->tmp);
	free(x);
	return rc;
}
