/* SPDX-License-Identifier: ISC */
/* The document of a whole-item edit in $EDITOR. */
#ifndef DYNREPO_EDITDOC_H
#define DYNREPO_EDITDOC_H

#include <stddef.h>

#include "err.h"
#include "value.h"

/*
 * The document is comment lines at the top (each starting with "//",
 * blank lines between allowed: what saving does, and why the last try
 * was refused), then the item's fields as one plain JSON object. Nothing
 * but blanks may follow the object.
 */

/* Where the JSON starts in text[0..len): after the leading blanks and
 * comment lines. */
size_t		 editdoc_body(const char *text, size_t len);
/* The fields (a map, plain JSON values), or NULL with ERR_INPUT saying
 * what is wrong: not JSON (with the place), not an object, a NUL byte. */
struct value	*editdoc_parse(const char *text, size_t len, struct err *);

#endif
