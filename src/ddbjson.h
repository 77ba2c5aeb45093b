/* SPDX-License-Identifier: ISC */
/* DynamoDB JSON ({"S": "x"}, {"N": "1"}, ...) <-> typed values. */
#ifndef DYNREPO_DDBJSON_H
#define DYNREPO_DDBJSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "value.h"

/* Type a tree that json_parse produced in DynamoDB-JSON shape.
 * _item_: {"name": {"S": "x"}, ...} -> M of typed values.
 * _value_: {"S": "x"} -> S, {"M": {...}} -> M, {"SS": [...]} -> SS, ...
 * Both always consume `tree` (freed or reused) and return NULL with err
 * (ERR_INPUT, naming the attribute path) on a wrong shape, an unknown type
 * tag, a number DynamoDB refuses (number_check), bad base64, or an empty
 * or duplicated set. */
struct value	*ddbjson_item_from_tree(struct value *tree, struct err *);
struct value	*ddbjson_value_from_tree(struct value *tree, struct err *);
/* The same item as json_parse + ddbjson_item_from_tree (and the same
 * message for a document with one problem), but typed while streaming:
 * no {"S": ...} wrappers are built, about twice as fast. */
struct value	*ddbjson_parse_item(const char *, size_t, struct err *);
/*
 * Parse a document whose items sit at known places, typing them while
 * streaming; everything else is plain JSON as json_parse builds it.
 * items: NULL-terminated patterns, member names joined by '.', "[]" for
 * the elements of an array, "*" for any member name, "" for the root:
 * "Items[]", "Responses.*[]". An item place that holds no object is an
 * error. Errors as json_parse, or (ERR_INPUT) the path from the root and
 * what is wrong: "Items[3].address.city: unknown type tag \"X\"".
 */
struct value	*ddbjson_parse_doc(const char *, size_t,
		     const char *const *items, struct err *);
/* ddbjson_parse_doc for a page of items that are only read (a response):
 * the items' values are made in one arena (value.h) instead of one
 * malloc each; every item is a root that keeps the arena, and the
 * values are read-only. The plain JSON around them is ordinary. */
struct value	*ddbjson_parse_page(const char *, size_t,
		     const char *const *items, struct err *);
/*
 * The same parse fed in pieces as they arrive (an answer read from the
 * network), so the document is never held whole. page: the items in an
 * arena, as ddbjson_parse_page; otherwise as ddbjson_parse_doc.
 * ddbjson_stream_begin throws away what was fed and starts a new
 * document (an attempt that failed half-way); feed cannot fail (the
 * first error is kept and the rest ignored); finish returns the document
 * or NULL with the error ddbjson_parse_doc would give for the bytes fed
 * as one, and leaves the stream to be begun again. Cannot fail otherwise;
 * free with ddbjson_stream_free (NULL is a no-op).
 */
struct ddbjson_stream;
struct ddbjson_stream *ddbjson_stream_new(const char *const *items,
		     bool page);
void		 ddbjson_stream_begin(struct ddbjson_stream *);
void		 ddbjson_stream_feed(struct ddbjson_stream *, const char *,
		     size_t);
struct value	*ddbjson_stream_finish(struct ddbjson_stream *, struct err *);
void		 ddbjson_stream_free(struct ddbjson_stream *);
/* Where items sit in DynamoDB responses and export lines: Item,
 * Attributes, Items[], LastEvaluatedKey, Responses.*[],
 * UnprocessedKeys.*.Keys[], UnprocessedItems.*[].PutRequest.Item,
 * UnprocessedItems.*[].DeleteRequest.Key. */
extern const char *const ddbjson_response_items[];

/*
 * DynamoDB JSON read as text (ddbjson_text.c), for listings that print
 * the items of a page without making values of them. The functions that
 * return int give 0, or DDBJSON_TEXT_SLOW for text they do not take (a
 * set, a binary, an escape, a name given twice, malformed text): the
 * caller then parses it with ddbjson_parse_item, which prints the same or
 * says what is wrong.
 */
#define DDBJSON_TEXT_SLOW	1
#define DDBJSON_TEXT_SKIP_DEPTH	DDBJSON_TEXT_MAX_NESTING
#define DDBJSON_TEXT_MAX_NESTING 1000	/* as the parser's limit */
/* An answer split: its items array's text, and the rest. */
struct ddbjson_text_page {
	const char	*items;		/* "[...]" in the body, or NULL */
	size_t		 items_len;
	struct buf	 rest;		/* the body with the array emptied */
};
/* Split body: a Query or Scan answer's Items (table NULL), or a
 * BatchGetItem answer's Responses.table; -1 when there is no such array
 * where expected (parse the body whole). */
int	 ddbjson_text_page(const char *body, size_t len, const char *table,
	     struct ddbjson_text_page *);
/* The widest instructions ddbjson_text_page's skip may use: by default
 * all the CPU has; tests lower it to check each way against the others. */
enum ddbjson_text_isa {
	DDBJSON_TEXT_ISA_NONE,		/* byte by byte */
	DDBJSON_TEXT_ISA_SSE2,		/* SSE2, PCLMULQDQ, POPCNT */
	DDBJSON_TEXT_ISA_AVX2		/* and AVX2 */
};
void	 ddbjson_text_set_isa(enum ddbjson_text_isa);
/* The names of one map, to find one given twice: a bit each in a
 * filter, compared one by one only when the bit was set already. */
#define DDBJSON_TEXT_NAMES	128	/* a map with more: the long way */
struct ddbjson_text_names {
	uint64_t	 seen[4];
	const char	*name[DDBJSON_TEXT_NAMES];
	size_t		 len[DDBJSON_TEXT_NAMES];
	size_t		 n;
};
/* An item's text read attribute by attribute, in one pass. */
struct ddbjson_text_item {
	const char		*p, *end;	/* where reading goes on */
	struct ddbjson_text_names names;
};
/* Begin at p (the item's '{'). */
int	 ddbjson_text_item_begin(struct ddbjson_text_item *, const char *p,
	     const char *end);
/* The next attribute's name (plain, not NUL-terminated): 1; 0 when the
 * item closed (it->p is then past it); -DDBJSON_TEXT_SLOW. A name given
 * twice is DDBJSON_TEXT_SLOW. */
int	 ddbjson_text_item_next(struct ddbjson_text_item *,
	     const char **name, size_t *len);
/* Its value: as plain JSON appended to out (ddbjson_text_value_json), and
 * its DynamoDB JSON text in *v. */
int	 ddbjson_text_item_value(struct ddbjson_text_item *, struct buf *out,
	     const char **v, size_t *vlen);
/* Step over one JSON value at *p; -1 when its structure is broken. */
int	 ddbjson_text_skip_value(const char **p, const char *end);
/* p past JSON's whitespace (up to end). */
const char *ddbjson_text_ws(const char *p, const char *end);
/* The plain JSON of an attribute value's text, as json_emit prints the
 * value it types to: {"S":"x"} -> "x", {"M":{"a":{"N":"1"}}} -> {"a":1}.
 * Nothing is added to out for DDBJSON_TEXT_SLOW. */
int	 ddbjson_text_value_json(const char *, size_t, struct buf *out);
/* The text of {"S":"..."} or {"N":"..."} (type VT_S or VT_N, a number
 * DynamoDB takes), not NUL-terminated, in *s: plain, as it needs no
 * escaping in JSON (no escape, quote or control character in it; UTF-8
 * checked). */
int	 ddbjson_text_scalar(const char *, size_t, enum value_type type,
	     const char **s, size_t *slen);

/* {"name":{"S":"x"},...} for an M; compact, no spaces. */
void		 ddbjson_emit_item(struct buf *, const struct value *m);
/* ddbjson_emit_item, but the text of the member whose value is hole (an
 * S or N of m's) left out: *at is where in b it goes. */
void		 ddbjson_emit_item_hole(struct buf *, const struct value *m,
		     const struct value *hole, size_t *at);
/* The members of m as ddbjson_emit_item prints them, each after a
 * comma, without the braces: for an item printed in pieces. */
void		 ddbjson_emit_members(struct buf *, const struct value *m);
/* {"S":"x"} for any value. */
void		 ddbjson_emit_value(struct buf *, const struct value *);

#endif
