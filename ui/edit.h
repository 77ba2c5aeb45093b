/* SPDX-License-Identifier: ISC */
/* Values typed for a field: a prompt's first text, the answer typed back. */
#ifndef DYNREPO_EDIT_H
#define DYNREPO_EDIT_H

#include "buf.h"
#include "err.h"
#include "value.h"

/* The text an edit prompt starts with for v: a string as it is when it
 * reads back as the same string, anything else as compact JSON. */
void		 edit_prefill(const struct value *v, struct buf *out);

/*
 * Read typed text as the new value of a field that holds old (NULL when
 * absent). The text is a JSON literal, or else taken whole as a string.
 * Without a model the field keeps its DynamoDB type: a string field takes
 * a bare number or true as the string typed; a number field wants a
 * number; sets stay sets; a binary field takes base64; null is always
 * allowed (Optional fields). Numbers are checked against DynamoDB's
 * limits. NULL with ERR_INPUT naming the field on anything else.
 */
struct value	*edit_parse(const struct value *old, const char *field,
		    const char *text, struct err *);

/* An increment typed for a field that holds old (NULL when absent): an
 * integer, for a number field. NULL with ERR_INPUT otherwise. */
struct value	*edit_parse_incr(const struct value *old, const char *field,
		    const char *text, struct err *);
/* Elements typed to append to a list field that holds old (NULL when
 * absent): a JSON list, else one element (a JSON literal, or the text as
 * a string), as an L. NULL with ERR_INPUT when the field holds anything
 * but a list (null included) or nothing is given. */
struct value	*edit_parse_append(const struct value *old, const char *field,
		    const char *text, struct err *);
/* The fields of an item typed as one JSON object. NULL with ERR_INPUT when
 * it is not one. */
struct value	*edit_parse_object(const char *text, struct err *);

#endif
