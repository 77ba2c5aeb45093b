/* SPDX-License-Identifier: ISC */
/* The items pane's rows and columns: key ids, fields, then metadata. */
#ifndef DYNREPO_TABLE_H
#define DYNREPO_TABLE_H

/* Rows decoded and kept at a time: more than a screen holds. */
#define TABLE_CACHE_ROWS	256

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "content.h"

enum table_col_kind {
	TC_ID,		/* the content ids joined with '#' */
	TC_FIELD,	/* a model field (a top-level attribute) */
	TC_VERSION,	/* _object_version */
	TC_TIMESTAMP,	/* _timestamp */
	TC_TTL		/* _ttl as a date, only when an item has one */
};

struct table_col {
	enum table_col_kind	 kind;
	char			*name;
	int			 width;		/* fitted to the data */
};

/*
 * Columns come from the union of the rows' fields: the id first, the
 * fields in the order first seen, then _object_version, _timestamp and
 * _ttl. Widths fit the widest cell (escaped), capped.
 *
 * A table may hold a million rows, so a row is kept packed, not as a
 * tree of values: one allocation with its ids, version and expiry, and
 * the item as compact DynamoDB JSON (about the size of the item on the
 * wire, where a value tree costs eight times that). table_row decodes a
 * row on demand into a small cache that holds what is on screen.
 */
struct table_row;
struct table_cache;

struct table {
	struct table_row	**rows;		/* owned, packed */
	size_t			 nrows, cap;
	struct table_col	*fields;	/* TC_FIELD columns */
	size_t			 nfields;
	bool			*marked;	/* per row */
	size_t			 nmarked;
	bool			 has_ttl;
	int			 meta_width[3];	/* id, version, timestamp */
	int			 ttl_width;
	unsigned long		 gen;		/* bumped by every change */
	struct table_cache	*cache;		/* decoded rows, owned */
};

void	 table_init(struct table *);
void	 table_cleanup(struct table *);
/* Drop every row and column. */
void	 table_clear(struct table *);
/* Append a row; takes c. */
void	 table_add(struct table *, struct content *c);
/* Replace the row with c's ids by a copy of c; false when none. */
bool	 table_update(struct table *, const struct content *c);
/* Mark or unmark a row (for bulk edits); nmarked follows. */
void	 table_mark(struct table *, size_t row, bool on);
/* Drop the row with these content ids; false when none. */
bool	 table_remove(struct table *, const struct ids *content);
/* The row with these content ids, or -1. */
long	 table_find(const struct table *, const struct ids *content);

/*
 * Row i decoded (borrowed): valid until the table changes or until a
 * row that shares its cache slot is asked for (TABLE_CACHE_ROWS rows
 * apart), so hold one at a time or copy it (table_content_copy).
 */
const struct content *table_row(const struct table *, size_t i);
/* Segment k of row i's content ids (borrowed, NUL-terminated, valid
 * while the row is), and how many there are; no decoding. */
size_t	 table_row_nids(const struct table *, size_t i);
const char *table_row_seg(const struct table *, size_t i, size_t k);
/* Row i's content ids joined with '#', without decoding. */
void	 table_row_id(const struct table *, size_t i, struct buf *);
/* Row i's version, without decoding. */
long long table_row_version(const struct table *, size_t i);
/* Whether row i holds needle (case-insensitive) in any cell. Rows whose
 * packed text cannot hold it are passed over without being decoded, and
 * blocks of rows whose text lacks a pair or triple of the needle's bytes
 * without being read (an index kept as rows come and change). */
bool	 table_row_matches(const struct table *, size_t i, const char *needle);
/* The first row of [lo, hi) that table_row_matches, from lo up (dir > 0)
 * or from hi - 1 down; hi when none. What a search should call: it
 * passes over a block of rows at once, where a call a row costs a few
 * ns a row to check that the needle is the same. */
size_t	 table_search(const struct table *, size_t lo, size_t hi, int dir,
	     const char *needle);
/* Rows decoded so far, rows whose packed text a search read, and bytes
 * held by the packed rows: the work and memory counts the tests bound. */
unsigned long table_decodes(const struct table *);
unsigned long table_scans(const struct table *);
size_t	 table_bytes(const struct table *);

/* Columns: 0 is the id, then the fields, then the metadata. */
size_t	 table_ncols(const struct table *);
enum table_col_kind table_col_kind(const struct table *, size_t col);
const char *table_col_name(const struct table *, size_t col);
int	 table_col_width(const struct table *, size_t col);
/* The raw text of a cell (escape before drawing); *dim says it is a
 * null or absent value. */
void	 table_cell(const struct table *, size_t row, size_t col,
	     struct buf *, bool *dim);
/* A deep copy of a content; cannot fail. */
struct content *table_content_copy(const struct content *);
/* A value as one line: strings and numbers as they are, others as
 * compact JSON. */
void	 table_value_text(const struct value *, struct buf *);

#endif
