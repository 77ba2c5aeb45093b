/* SPDX-License-Identifier: ISC */
/* Plain JSON <-> values, parsed by streaming (yajl), numbers kept as text. */
#ifndef DYNREPO_JSON_H
#define DYNREPO_JSON_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "value.h"

/* Parse one JSON document into a tree: object -> M (member order kept;
 * a duplicate name is an error), array -> L, string -> S, number -> N with
 * its text exactly as written (not validated against DynamoDB's limits),
 * true/false -> BOOL, null -> NULL. Trailing garbage is an error.
 * Returns NULL with err (ERR_INPUT, with the byte offset) on failure. */
struct value	*json_parse(const char *, size_t, struct err *);

enum json_flags {
	JSON_PRETTY = 1 << 0,	/* indent by two spaces, one member a line */
};

/* Plain JSON of a value: S -> string, N -> the number's text, B -> base64
 * string, BOOL, NULL -> null, M -> object, L/SS/NS/BS -> array. */
void		 json_emit(struct buf *, const struct value *, int flags);

#endif
