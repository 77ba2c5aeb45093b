/* SPDX-License-Identifier: ISC */
/* One INI parser for profiles and the AWS config and credentials files. */
#ifndef DYNREPO_INI_H
#define DYNREPO_INI_H

#include <stddef.h>

#include "err.h"

/*
 * The syntax, one construct per line:
 *   [name]          a section; the text inside the brackets, trimmed, kept
 *                   whole ("repository film-actors", "profile prod")
 *   key = value     key and value trimmed; '=' is required; the value may be
 *                   empty and may hold '#', ';', '=' (no inline comments)
 *   # ... or ; ...  a comment (the whole line, after optional blanks)
 *   (blank)         ignored
 * Lines end in "\n" or "\r\n"; a UTF-8 byte order mark at the start is
 * skipped; a NUL byte is an error. A key before any section is an error.
 *
 * With INI_NESTED (the AWS config file's sub-sections), a key with an empty
 * value followed by lines indented deeper than it gives "parent.child"
 * keys:
 *   s3 =
 *     max_concurrent_requests = 20     -> "s3.max_concurrent_requests"
 * The parent itself is reported too, with value "". Blank and comment
 * lines do not end a block; the first line not indented deeper does.
 * Without the flag indentation means nothing.
 */
#define INI_NESTED	0x1

struct ini_handler {
	/* A section header. May be NULL. When error is non-NULL, a bad
	 * header is reported here with name NULL (ending the previous
	 * section) just before error() gets its reason. */
	int	(*section)(void *ctx, const char *name, const char *file,
		    int line, struct err *);
	/* A key in section `section`. May be NULL. */
	int	(*key)(void *ctx, const char *section, const char *key,
		    const char *value, const char *file, int line,
		    struct err *);
	/* A syntax error (reason without location). NULL: the parse stops
	 * with -1 and ERR_CONFIG "FILE:LINE: reason". Non-NULL: the line is
	 * skipped and the parse goes on unless this returns -1. After a bad
	 * section header the keys up to the next good header are skipped
	 * silently, so they are never filed under the wrong section. */
	int	(*error)(void *ctx, const char *file, int line,
		    const char *reason, struct err *);
	void	*ctx;
	int	 flags;		/* INI_NESTED */
};

/* A callback that returns -1 stops the parse; it sets err without a
 * location and the parser puts "FILE:LINE: " in front. Strings passed to
 * callbacks are borrowed for the duration of the call. Lines count from 1.
 * file names the input in messages (NULL: "<string>"). */
int	 ini_parse_buf(const char *data, size_t len, const char *file,
	     const struct ini_handler *, struct err *);
/* Read path and parse it. A file that cannot be opened is ERR_NOT_FOUND
 * (ENOENT) or ERR_IO, with "PATH: reason". */
int	 ini_parse_file(const char *path, const struct ini_handler *,
	     struct err *);

#endif
