/* SPDX-License-Identifier: ISC */
/* Plain JSON <-> values, parsed by streaming (jsonlex), numbers kept as
 * text. */
#ifndef DYNREPO_JSON_H
#define DYNREPO_JSON_H

#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "value.h"

/* Parse one JSON document into a tree: object -> M (member order kept;
 * a duplicate name is an error), array -> L, string -> S, number -> N with
 * its text exactly as written (not validated against DynamoDB's limits),
 * true/false -> BOOL, null -> NULL. Strings may hold NUL (\u0000).
 * Trailing garbage, invalid UTF-8 and nesting deeper than 1000 levels are
 * errors. Returns NULL with err (ERR_INPUT, "invalid JSON at byte N: ...")
 * on failure. */
struct value	*json_parse(const char *, size_t, struct err *);
/* json_parse with every value built in the arena a: the document is
 * borrowed from a (not a root, never freed by itself) and lives as long
 * as a does; read-only, as every arena value. */
struct value	*json_parse_in(struct value_arena *a, const char *, size_t,
		     struct err *);
/* Documents json_parse_in's fast path (a whole document, by recursive
 * descent) left to the streaming parse, by all threads so far: what a
 * test sees to know which way a document went. */
unsigned long	 json_parse_fast_misses(void);

enum json_flags {
	JSON_PRETTY = 1 << 0,	/* indent by two spaces, one member a line */
};

/* Plain JSON of a value: S -> string (UTF-8 kept, control characters
 * escaped), N -> the number's text (its canonical text when JSON cannot
 * carry it as written: "+1", ".5", "007"), B -> base64 string, BOOL,
 * NULL -> null, M -> object, L/SS/NS/BS -> array. Appends; no newline at
 * the end. Cannot fail. */
void		 json_emit(struct buf *, const struct value *, int flags);

/* True when text is a number in JSON's own syntax (printed as it is). */
bool	 json_number_ok(const char *, size_t);

#endif
