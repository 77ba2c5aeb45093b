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
#define DDBJSON_TEXT_FIELD	2	/* ddbjson_text_item_fields stopped */
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
/* Names an item's reader sets apart from the fields it prints (the keys
 * and the library's own attributes). */
#define DDBJSON_TEXT_APART	8
struct ddbjson_text_apart {
	const char	*name[DDBJSON_TEXT_APART];	/* borrowed */
	size_t		 len[DDBJSON_TEXT_APART];
	size_t		 n;
	uint64_t	 first[4];	/* their first bytes, a bit each */
};
/* An empty set; add a name (at most DDBJSON_TEXT_APART; a name must
 * outlive the set). A member with two of the names is the first's. */
void	 ddbjson_text_apart_init(struct ddbjson_text_apart *);
void	 ddbjson_text_apart_add(struct ddbjson_text_apart *, const char *);
/* What a member set apart held: its tag 'S' or 'N' and the text of its
 * string or number, not NUL-terminated (plain: no escape, quote or
 * control character in it, UTF-8 checked; a number both DynamoDB's and
 * JSON's); tag 0 for any other value (read and checked; s is where it
 * begins). All zero when there was no such member. */
struct ddbjson_text_found {
	char		 tag;
	const char	*s;
	size_t		 len;
};
/*
 * The member names of the items read before, in their order: the items of
 * a page mostly have the same names in the same order, and a name found
 * where the items before had it is known by one comparison of its text,
 * "name": (plain, and none of the item's members before it has it: they
 * were found in their places too). An order serves one apart set.
 */
#define DDBJSON_TEXT_ORDER	64
#define DDBJSON_TEXT_ORDER_TEXT	2048
struct ddbjson_text_order {
	char		 text[DDBJSON_TEXT_ORDER_TEXT + 16];	/* "name": */
	unsigned short	 off[DDBJSON_TEXT_ORDER], len[DDBJSON_TEXT_ORDER];
	signed char	 apart[DDBJSON_TEXT_ORDER];	/* its index, or -1 */
	size_t		 n;
};
/* An empty order (a zeroed one is empty too). */
void	 ddbjson_text_order_init(struct ddbjson_text_order *);
/* An item's text read member by member, in one pass. */
struct ddbjson_text_item {
	const char		*p, *end;	/* where reading goes on */
	const char		*name;		/* a field read up to ':' */
	size_t			 len;
	size_t			 fields;	/* fields printed */
	size_t			 members;	/* members read */
	struct ddbjson_text_order *order;	/* or NULL */
	bool			 in_order;	/* every member so far */
	size_t			 left;		/* where it was not */
	struct ddbjson_text_names names;	/* but those in order */
};
/* Begin at p (the item's '{'); order may be NULL, else it is used and
 * kept up to date (by ddbjson_text_item_fields). */
int	 ddbjson_text_item_begin(struct ddbjson_text_item *, const char *p,
	     const char *end, struct ddbjson_text_order *order);
/*
 * Read the item's members on: one whose name is in apart to found[] (at
 * the index of its name; room for apart->n, zeroed before the first
 * call), any other, a field, printed to out as plain JSON, "name":value,
 * a comma before all but the item's first field. With
 * until_field, stop before the first field: DDBJSON_TEXT_FIELD (it is
 * read by the next call). 0 when the item closed (it->p past it).
 * DDBJSON_TEXT_SLOW for what the text path does not take (a name given
 * twice among them); out may then hold part of the item. scratch is
 * work space.
 */
int	 ddbjson_text_item_fields(struct ddbjson_text_item *,
	     const struct ddbjson_text_apart *apart, bool until_field,
	     struct buf *out, struct buf *scratch,
	     struct ddbjson_text_found *found);
/* Step over one JSON value at *p; -1 when its structure is broken. */
int	 ddbjson_text_skip_value(const char **p, const char *end);
/* p past JSON's whitespace (up to end). */
const char *ddbjson_text_ws(const char *p, const char *end);
/* The plain JSON of an attribute value's text, as json_emit prints the
 * value it types to: {"S":"x"} -> "x", {"M":{"a":{"N":"1"}}} -> {"a":1}.
 * Nothing is added to out for DDBJSON_TEXT_SLOW. */
int	 ddbjson_text_value_json(const char *, size_t, struct buf *out);

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
/* ddbjson_emit_value of an N whose text is a number's (number_check
 * passes: nothing to escape), without looking for what to escape. */
void		 ddbjson_emit_number(struct buf *, const char *text,
		     size_t len);

#endif
