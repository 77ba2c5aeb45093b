/* SPDX-License-Identifier: ISC */
/* Files the person's text lives in: the editor's temporary file, copies;
 * and the unlinked temporary files commands spool to. */
#ifndef DYNREPO_SCRATCH_H
#define DYNREPO_SCRATCH_H

#include <stddef.h>
#include <stdio.h>

#include "buf.h"
#include "err.h"

/* A new file of mode 0600 in $TMPDIR (else /tmp), named
 * dynrepo-NAME-XXXXXX.json, holding text. *path belongs to the caller.
 * ERR_IO when it cannot be made or written (nothing is left behind). */
int	 scratch_new(const char *name, const char *text, size_t len,
	     char **path, struct err *);
/* A new, empty, unlinked file in $TMPDIR (else /tmp), mode 0600, open
 * for reading and writing: tmpfile(3), which ignores TMPDIR. NULL with
 * ERR_IO naming the directory when it cannot be made. */
FILE	*scratch_tmpfile(struct err *);
/* The same, made with a name and unlinked at once, as scratch_tmpfile
 * does where the file system has no O_TMPFILE (for the tests). */
FILE	*scratch_tmpfile_named(struct err *);
/* Replace the file at path with one holding text, mode 0600: written
 * beside it, synced, then renamed over it, so a write cut short leaves
 * the old text whole. ERR_IO (path as it was). */
int	 scratch_write(const char *path, const char *text, size_t len,
	     struct err *);
/* A new file at path (an existing one is refused, never replaced), mode
 * 0600, holding text. ERR_IO. */
int	 scratch_create(const char *path, const char *text, size_t len,
	     struct err *);
/* The whole file into out (appended). ERR_IO. */
int	 scratch_read(const char *path, struct buf *out, struct err *);
/* Run the person's editor on path: $VISUAL, else $EDITOR, else vi, as a
 * shell command with the path as its argument, on the terminal as it is
 * (the caller hands the terminal over first). SIGINT and SIGQUIT are
 * ignored here while it runs, so a C-c meant for the editor does not end
 * the program. ERR_IO when it cannot be started or does not exit 0. */
int	 scratch_edit(const char *path, struct err *);
/* When the file was last written (nanoseconds since the epoch), to tell
 * a save of the same text from quitting without saving; 0 when it
 * cannot be read. */
long long scratch_stamp(const char *path);
/* Remove the file; errors are ignored. */
void	 scratch_remove(const char *path);

#endif
