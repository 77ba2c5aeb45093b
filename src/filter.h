/* SPDX-License-Identifier: ISC */
/* pydantic-dynamo's FilterCommand and the grammar people type filters in. */
#ifndef DYNREPO_FILTER_H
#define DYNREPO_FILTER_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "expr.h"
#include "value.h"

/*
 * pydantic-dynamo's FilterCommand holds a set of attribute names that must
 * not exist and two dicts, equals and not_equals, from attribute name to
 * value. build_filter_expression joins them with AND: every not_exists
 * first, then every equals, then every not_equals.
 *
 * Here one condition is one entry of those collections, in the order the
 * person added them; the set and the dicts stay sets and dicts: adding a
 * condition whose operator and path are already present replaces that
 * entry's value in place (and enables it) instead of adding a second one.
 *
 * The grammar (CLI arguments and the TUI's filter prompt), one condition
 * per string:
 *
 *	FIELD missing		not_exists
 *	FIELD = VALUE		equals
 *	FIELD != VALUE		not_equals
 *
 * FIELD is a dotted path ("address.city", "roles[0].title"). VALUE is a
 * JSON literal ("x", 12, 1.5, true, false, null, [...], {...}) or one bare
 * word, which is a string ("Bob") unless it is a JSON number, true, false
 * or null. Whitespace around the operator is optional ("year!=1999").
 * Values are plain JSON values (string S, number N with its text kept,
 * ...); typing them by a model is the caller's business.
 */
enum filter_op {
	FILTER_MISSING,		/* attribute_not_exists(FIELD) */
	FILTER_EQ,		/* FIELD = VALUE */
	FILTER_NE		/* FIELD <> VALUE */
};

struct filter_cond {
	enum filter_op	 op;
	char		*field;		/* owned: the path as text */
	struct path	 path;
	struct value	*value;		/* owned; NULL for FILTER_MISSING */
	bool		 enabled;	/* false: kept but not applied */
};

/* The conditions, owned, in the order they were added. */
struct filter {
	struct filter_cond	*conds;
	size_t			 n, cap;
};

void	 filter_init(struct filter *);
void	 filter_cleanup(struct filter *);
/* Fill an uninitialised dst with a deep copy of src. */
void	 filter_copy(struct filter *dst, const struct filter *src);

/* Parse one condition of the grammar and add it (enabled). On ERR_INPUT
 * the message quotes the text and shows the grammar; the filter is
 * unchanged. */
int	 filter_add_parse(struct filter *, const char *text, struct err *);
/* Add (enabled) a condition; takes ownership: moves *path, owns value
 * (which must be NULL for FILTER_MISSING and non-NULL otherwise). */
void	 filter_add(struct filter *, enum filter_op, struct path *,
	     struct value *);
/* Remove condition i (< n). */
void	 filter_remove(struct filter *, size_t i);
/* Index of the condition with this operator and path, or -1. */
long	 filter_find(const struct filter *, enum filter_op,
	     const struct path *);

/* The enabled conditions as one expression, ANDed in the library's order
 * (all not_exists, then equals, then not_equals; each group in insertion
 * order); NULL when none is enabled. The caller owns the result. */
struct expr	*filter_to_expr(const struct filter *);

/* One condition back in the grammar ("age != 3", "name = Bob",
 * "note = \"two words\""); the text parses back to the same condition. */
void	 filter_format_cond(const struct filter_cond *, struct buf *);

#endif
