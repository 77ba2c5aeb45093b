/* SPDX-License-Identifier: ISC */
/* dynrepo's private state directory and its files: 0700 directories,
 * 0600 files. */
#ifndef DYNREPO_STATEDIR_H
#define DYNREPO_STATEDIR_H

#include <stddef.h>

#include "err.h"

/*
 * "$XDG_STATE_HOME/dynrepo" (an absolute XDG_STATE_HOME only, as the XDG
 * spec has it), else "$HOME/.local/state/dynrepo", with "/sub" appended
 * when sub is not NULL. NULL with ERR_CONFIG when neither variable is set.
 * Reads the environment, nothing else.
 */
char	*statedir_path(const char *sub, struct err *);

/* Create dir and its missing parents: new ones 0700; dir itself is made
 * 0700 when it already exists with group or other bits. -1 with ERR_IO
 * and the path on failure. */
int	 statedir_mkdir(const char *dir, struct err *);

/* Replace a file atomically: write data to a temporary file in the same
 * directory (0600), fsync it, rename it over path, fsync the directory.
 * Nothing is left behind on failure. -1 with ERR_IO. */
int	 statedir_write_atomic(const char *path, const void *data, size_t len,
	     struct err *);

/* A whole file into *data (NUL-terminated, caller frees). -1 with
 * ERR_NOT_FOUND when it does not exist, ERR_IO otherwise. */
int	 statedir_read_file(const char *path, char **data, size_t *len,
	     struct err *);

/* A name made safe as one path component: bytes outside [A-Za-z0-9._-]
 * become %XX, a leading '.' too, so "a/b" and ".." cannot escape. */
char	*statedir_escape(const char *name);
/* The reverse of statedir_escape; the caller frees. */
char	*statedir_unescape(const char *name);

#endif
