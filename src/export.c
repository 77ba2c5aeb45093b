/* SPDX-License-Identifier: ISC */
/* Exports: stored items as DynamoDB JSON lines ({"Item": ...}). */
#include "config.h"

#include "export.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zlib.h>

#include "buf.h"
#include "ddbjson.h"
#include "xmalloc.h"

struct export {
	gzFile		 gz;		/* when compressing */
	FILE		*fp;		/* otherwise */
	struct buf	 line;
	size_t		 count;
	bool		 failed;	/* a write failed */
};

struct export *
export_open(const char *path, bool gzip, bool exclusive, struct err *e)
{
	struct export *x = xcalloc(1, sizeof *x);
	int fd;

	x->fp = stdout;
	if (path != NULL && strcmp(path, "-") != 0) {
		fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | (exclusive ?
		    O_EXCL : O_TRUNC), 0600);
		x->fp = fd == -1 ? NULL : fdopen(fd, "w");
		if (x->fp == NULL) {
			err_set(e, ERR_IO, "cannot write %s: %s", path,
			    strerror(errno));
			if (fd != -1)
				close(fd);
			free(x);
			return NULL;
		}
	}
	if (gzip) {
		fflush(x->fp);
		x->gz = gzdopen(dup(fileno(x->fp)), "wb");
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

int
export_close(struct export *x, struct err *e)
{
	int rc = 0;

	if (x == NULL)
		return 0;
	if (x->gz != NULL && gzclose(x->gz) != Z_OK)
		x->failed = true;
	if (fflush(x->fp) == EOF || (x->fp != stdout && fclose(x->fp) == EOF))
		x->failed = true;
	if (x->failed)
		rc = err_set(e, ERR_IO, "writing the export failed (disk "
		    "full?)");
	buf_cleanup(&x->line);
	free(x);
	return rc;
}
