/* SPDX-License-Identifier: ISC */
/* The items pane's rows and columns: key ids, fields, then metadata. */
#include "config.h"

#include "table.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddbjson.h"
#include "draw.h"
#include "json.h"
#include "xmalloc.h"

#define TABLE_FIELD_MAX	40	/* widest a field column grows */
#define TABLE_ID_MAX	48

/* How a row keeps its item and the stored item. */
enum table_form {
	TF_ITEM,	/* no stored item: the item's JSON only */
	TF_MASKED,	/* the stored item's JSON; a mask says which of its
			 * members are the item's (the common case: the
			 * item is the stored item less keys and metadata) */
	TF_BOTH		/* the item's JSON, then the stored item's */
};

/*
 * One packed row, one allocation: data holds the content ids, then the
 * partition ids (each NUL-terminated), the first JSON document and a NUL,
 * the second (TF_BOTH) and a NUL, then the mask (TF_MASKED: one byte per
 * member of the stored item, 1 when it is also the item's).
 */
struct table_row {
	long long	 version;
	int64_t		 expiry;
	uint32_t	 json_off, json_len;
	uint32_t	 json2_len;
	uint16_t	 ncids, nparts;
	uint16_t	 nmask;
	unsigned char	 form;		/* enum table_form */
	bool		 has_expiry;
	bool		 loose;		/* table_loose: its cells may show
					 * text its JSON does not hold */
	char		 data[];
};

struct table_cache_slot {
	size_t		 row;
	struct content	*c;		/* NULL: empty */
};

/*
 * The search's index. The rows are in blocks of about TABLE_BLOCK_BYTES
 * of packed text, each with a bitmap of the hashed case-folded bigrams
 * and trigrams of its rows' text (their JSON, version and expiry date,
 * what table_row_may_match reads), and after it one bit for each byte
 * (folded) the text holds. A needle with a gram or a byte whose bit is
 * not set is in no row of the block, so a search that finds nothing
 * tests a few bits a block instead of reading every row. A bitmap takes
 * 1/16 of the text it covers; a block whose rows have ~20,000 distinct
 * grams (varied prose) has about half its bits set.
 *
 * The bitmaps of 64 blocks in a row are kept sliced, a word a bit with a
 * bit a block, so that a gram is tested for 64 blocks at once: at a
 * million rows the bitmaps take 45 MB, and a word read for each block
 * waited on memory ~11,000 times a search.
 */
#define TABLE_BLOCK_BYTES	65536
#define TABLE_BLOCK_SHIFT	15
#define TABLE_GRAM_BITS		(1U << TABLE_BLOCK_SHIFT)
#define TABLE_BYTE_BIT(c)	(TABLE_GRAM_BITS + (c))	/* a byte's bit */
#define TABLE_GROUP_WORDS	(TABLE_GRAM_BITS + 256)
#define TABLE_GRAMS_MAX		32	/* a longer needle tests its first */

struct table_block {
	size_t		 first;		/* its first row */
	size_t		 n;		/* rows; 0 once they all went */
	size_t		 bytes;		/* text it covers */
	bool		 stale;		/* a row changed or went: rebuild it
					 * before it answers */
};

/* Blocks 64g to 64g + 63: bit j of word w is bit w of block 64g + j. */
struct table_group {
	uint64_t	*words;		/* TABLE_GROUP_WORDS */
	uint64_t	 open;		/* blocks with a row without a stored
					 * item (its ids are in no JSON) or a
					 * loose one: it may hold any needle */
};

struct table_index {
	struct table_block	*b;
	size_t			 nb, cap;
	struct table_group	*g;
	size_t			 ng;
	unsigned char		 fold[256];	/* the locale's when built */
	/* The block a search last asked about and the answer, and the
	 * answers for its group: a search asks for every row in turn. */
	unsigned long		 gen, serial;
	size_t			 k, lo, hi;
	bool			 may;
	size_t			 mgroup;
	uint64_t		 mask;
	/* The last block's bitmap while it fills, a bit a bit (it stays
	 * in L1 where the sliced words would not), sliced when full. */
	uint64_t		 fill[TABLE_GROUP_WORDS / 64];
};

/* The needle of a search, made ready once for all the rows it passes. */
struct table_needle {
	char		*text;		/* as given (owned), NULL: none yet */
	size_t		 len;
	bool		 plain;		/* table_needle_plain */
	bool		 number;	/* only [0-9-]: may be in a version */
	bool		 time;		/* only [0-9:+tT-]: may be in a date */
	unsigned char	 fold[256];	/* tolower, as strcasestr folds */
	unsigned char	*folded;	/* text folded (owned) */
	size_t		 pick;		/* the byte looked for first */
	unsigned char	 pick_lo, pick_up;	/* its two cases */
	unsigned long	 serial;	/* bumped when the needle changes */
	bool		 indexed;	/* the index can answer for it */
	uint32_t	 grams[TABLE_GRAMS_MAX];	/* its grams' bits */
	size_t		 ngrams;
	/* Its longest piece without JSON's punctuation, looked for in the
	 * rows' text in its place when it is not plain (owned); NULL when
	 * plain or when it has none. With a quote after the piece, the
	 * text holds the run or run_alt (owned, else NULL). */
	struct table_needle *run, *run_alt;
};

struct table_cache {
	struct table_cache_slot	 slot[TABLE_CACHE_ROWS];
	unsigned long		 decodes;
	unsigned long		 scans;		/* rows whose text was read */
	struct table_needle	 needle;
	struct table_index	 index;
};

static void	table_needle_cleanup(struct table_needle *);

/* Each byte as tolower gives it, as strcasestr folds. */
static void
table_fold_init(unsigned char fold[256])
{
	int i;

	for (i = 0; i < 256; i++)
		fold[i] = (unsigned char)tolower(i);
}

/* The bit of a gram's key in a block's bitmap (Fibonacci hashing). */
static uint32_t
table_gram_bit(uint32_t key)
{
	return (key * 0x9e3779b1U) >> (32 - TABLE_BLOCK_SHIFT);
}

/* Set bit b of a plain bitmap. */
static void
table_fill_set(uint64_t *f, uint32_t b)
{
	f[b / 64] |= (uint64_t)1 << (b % 64);
}

/* Add the grams of n bytes of text to block k's bitmap. Keys: a bigram's
 * two folded bytes; a trigram's three with bit 24 set, so that the two
 * kinds never share a key. */
static void
table_block_feed(struct table_index *ix, size_t k, const char *p, size_t n)
{
	const unsigned char *s = (const unsigned char *)p, *fold = ix->fold;
	uint64_t *w = ix->g[k / 64].words, m = (uint64_t)1 << (k % 64);
	uint32_t key;
	size_t i;

	ix->b[k].bytes += n;
	if (n == 0)
		return;
	if (k == ix->nb - 1) {
		table_fill_set(ix->fill, TABLE_BYTE_BIT(fold[s[0]]));
		if (n < 2)
			return;
		key = (uint32_t)fold[s[0]] << 8 | fold[s[1]];
		table_fill_set(ix->fill, TABLE_BYTE_BIT(fold[s[1]]));
		table_fill_set(ix->fill, table_gram_bit(key));
		for (i = 2; i < n; i++) {
			key = (key << 8 | fold[s[i]]) & 0xffffff;
			table_fill_set(ix->fill, TABLE_BYTE_BIT(key & 0xff));
			table_fill_set(ix->fill, table_gram_bit(key & 0xffff));
			table_fill_set(ix->fill,
			    table_gram_bit(key | 1U << 24));
		}
		return;
	}
	w[TABLE_BYTE_BIT(fold[s[0]])] |= m;
	if (n < 2)
		return;
	key = (uint32_t)fold[s[0]] << 8 | fold[s[1]];
	w[TABLE_BYTE_BIT(fold[s[1]])] |= m;
	w[table_gram_bit(key)] |= m;
	for (i = 2; i < n; i++) {
		key = (key << 8 | fold[s[i]]) & 0xffffff;
		w[TABLE_BYTE_BIT(key & 0xff)] |= m;
		w[table_gram_bit(key & 0xffff)] |= m;
		w[table_gram_bit(key | 1U << 24)] |= m;
	}
}

/* The last block's bits, filled apart, into its group's sliced words. */
static void
table_index_slice(struct table_index *ix)
{
	size_t k = ix->nb - 1, i;
	uint64_t *w = ix->g[k / 64].words, m = (uint64_t)1 << (k % 64), f;

	for (i = 0; i < TABLE_GROUP_WORDS / 64; i++) {
		for (f = ix->fill[i]; f != 0; f &= f - 1)
			w[i * 64 + (size_t)__builtin_ctzll(f)] |= m;
		ix->fill[i] = 0;
	}
}

/* Add row r's text to block k: each text table_row_may_match looks in,
 * apart, as a needle is never looked for across two of them. */
static void
table_block_add(struct table_index *ix, size_t k, const struct table_row *r)
{
	const char *json = r->data + r->json_off;
	char text[32];
	int n;

	if (r->form == TF_ITEM || r->loose) {
		ix->g[k / 64].open |= (uint64_t)1 << (k % 64);
		ix->b[k].bytes += r->json_len;
		return;
	}
	table_block_feed(ix, k, json, r->json_len);
	if (r->form == TF_BOTH)
		table_block_feed(ix, k, json + r->json_len + 1, r->json2_len);
	n = snprintf(text, sizeof text, "%lld", r->version);
	table_block_feed(ix, k, text, (size_t)n);
	if (r->has_expiry) {
		content_format_time(r->expiry, text);
		table_block_feed(ix, k, text, strlen(text));
	}
}

/* Block k's bitmap made again from its rows. */
static void
table_block_rebuild(const struct table *t, struct table_index *ix, size_t k)
{
	struct table_group *g = &ix->g[k / 64];
	uint64_t keep = ~((uint64_t)1 << (k % 64));
	size_t i;

	for (i = 0; i < TABLE_GROUP_WORDS; i++)
		g->words[i] &= keep;
	if (k == ix->nb - 1)
		memset(ix->fill, 0, sizeof ix->fill);
	g->open &= keep;
	ix->b[k].bytes = 0;
	ix->b[k].stale = false;
	for (i = ix->b[k].first; i < ix->b[k].first + ix->b[k].n; i++)
		table_block_add(ix, k, t->rows[i]);
}

/* Whether the last block's bits, filled apart, have every gram. */
static bool
table_fill_may(const struct table_index *ix, const struct table_needle *nd)
{
	size_t k;

	for (k = 0; k < nd->ngrams; k++)
		if ((ix->fill[nd->grams[k] / 64] >> (nd->grams[k] % 64) &
		    1) == 0)
			return false;
	return true;
}

/* The blocks of group gi that may hold the needle, a bit a block: those
 * with every gram of it, and the open ones. Stale blocks are rebuilt. */
static uint64_t
table_group_may(const struct table *t, struct table_index *ix, size_t gi,
    const struct table_needle *nd)
{
	const struct table_group *g = &ix->g[gi];
	uint64_t m = ~(uint64_t)0;
	size_t k;

	for (k = gi * 64; k < ix->nb && k < gi * 64 + 64; k++)
		if (ix->b[k].stale)
			table_block_rebuild(t, ix, k);
	for (k = 0; k < nd->ngrams && m != 0; k++)
		m &= g->words[nd->grams[k]];
	if (gi == (ix->nb - 1) / 64 && table_fill_may(ix, nd))
		m |= (uint64_t)1 << ((ix->nb - 1) % 64);
	return m | g->open;
}

/* Drop every block and take the locale's case folding: the index is
 * empty, and it folds as strcasestr folds now. */
static void
table_index_clear(struct table_index *ix)
{
	size_t i;

	for (i = 0; i < ix->ng; i++)
		free(ix->g[i].words);
	free(ix->g);
	free(ix->b);
	ix->g = NULL;
	ix->b = NULL;
	ix->nb = ix->cap = ix->ng = 0;
	ix->lo = ix->hi = 0;
	memset(ix->fill, 0, sizeof ix->fill);
	table_fold_init(ix->fold);
}

/* A new block after the last, from row `row` on. */
static void
table_index_grow(struct table_index *ix, size_t row)
{
	if (ix->nb > 0)
		table_index_slice(ix);
	if (ix->nb == ix->cap) {
		ix->cap = ix->cap == 0 ? 64 : ix->cap * 2;
		ix->b = xreallocarray(ix->b, ix->cap, sizeof *ix->b);
	}
	if (ix->nb % 64 == 0) {
		ix->g = xreallocarray(ix->g, ix->ng + 1, sizeof *ix->g);
		ix->g[ix->ng].words = xcalloc(TABLE_GROUP_WORDS,
		    sizeof *ix->g[ix->ng].words);
		ix->g[ix->ng].open = 0;
		ix->ng++;
	}
	memset(&ix->b[ix->nb], 0, sizeof *ix->b);
	ix->b[ix->nb++].first = row;
}

/* Packed row r appended as row `row`: into the last block, or into a new
 * one when that covers enough text. */
static void
table_index_add(struct table_index *ix, size_t row, const struct table_row *r)
{
	if (ix->nb == 0 || ix->b[ix->nb - 1].bytes >= TABLE_BLOCK_BYTES)
		table_index_grow(ix, row);
	ix->b[ix->nb - 1].n++;
	table_block_add(ix, ix->nb - 1, r);
}

/*
 * The block that holds row i (one does): the last that starts at or
 * before it. A block whose rows all went stays, empty, starting where
 * the next starts, so it is never that one.
 */
static size_t
table_index_find(const struct table_index *ix, size_t i)
{
	size_t lo = 0, hi = ix->nb, mid;

	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (ix->b[mid].first <= i)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* Row i changed: a bitmap cannot lose a gram, so its block is rebuilt
 * when a search next asks it (an edit does not pay for it). */
static void
table_index_changed(struct table_index *ix, size_t i)
{
	ix->b[table_index_find(ix, i)].stale = true;
}

/* Row i went and the rows after it moved up: its block shrinks and the
 * blocks after it start a row sooner. */
static void
table_index_removed(struct table_index *ix, size_t i)
{
	size_t k = table_index_find(ix, i);

	ix->b[k].stale = true;
	ix->b[k].n--;
	for (k++; k < ix->nb; k++)
		ix->b[k].first--;
}

/*
 * Whether the rows [*lo, *hi) around row i may hold the needle: a block,
 * or every row when the index cannot answer for the needle. The answers
 * are kept until the table or the needle changes, as a search asks for
 * each row of a block in turn, and each block of a group.
 */
static bool
table_index_span(const struct table *t, size_t i,
    const struct table_needle *nd, size_t *lo, size_t *hi)
{
	struct table_index *ix = &t->cache->index;
	size_t k;

	if (!nd->indexed) {
		*lo = 0;
		*hi = t->nrows;
		return true;
	}
	if (ix->gen != t->gen || ix->serial != nd->serial) {
		ix->gen = t->gen;
		ix->serial = nd->serial;
		ix->lo = ix->hi = 0;
		ix->mgroup = SIZE_MAX;
	}
	if (i < ix->lo || i >= ix->hi) {
		/* The next block, as a search goes, or look it up. */
		k = ix->k + 1;
		if (ix->hi != i || k >= ix->nb || ix->b[k].first != i ||
		    ix->b[k].n == 0)
			k = table_index_find(ix, i);
		if (ix->mgroup != k / 64) {
			ix->mgroup = k / 64;
			ix->mask = table_group_may(t, ix, k / 64, nd);
		}
		ix->k = k;
		ix->lo = ix->b[k].first;
		ix->hi = ix->b[k].first + ix->b[k].n;
		ix->may = (ix->mask >> (k % 64) & 1) != 0;
	}
	*lo = ix->lo;
	*hi = ix->hi;
	return ix->may;
}

/* Empty every cache slot (the rows moved or changed). */
static void
table_cache_drop(struct table_cache *tc)
{
	size_t i;

	for (i = 0; i < TABLE_CACHE_ROWS; i++) {
		content_free(tc->slot[i].c);
		tc->slot[i].c = NULL;
	}
}

void
table_init(struct table *t)
{
	memset(t, 0, sizeof *t);
	t->cache = xcalloc(1, sizeof *t->cache);
	table_clear(t);
}

void
table_clear(struct table *t)
{
	size_t i;

	table_cache_drop(t->cache);
	table_index_clear(&t->cache->index);
	for (i = 0; i < t->nrows; i++)
		free(t->rows[i]);
	for (i = 0; i < t->nfields; i++)
		free(t->fields[i].name);
	free(t->rows);
	free(t->fields);
	free(t->marked);
	t->marked = NULL;
	t->nmarked = 0;
	t->rows = NULL;
	t->nrows = t->cap = 0;
	t->fields = NULL;
	t->nfields = 0;
	t->has_ttl = false;
	t->meta_width[0] = 2;		/* "ID" */
	t->meta_width[1] = 1;		/* "v" */
	t->meta_width[2] = 10;		/* "_timestamp" */
	t->ttl_width = 4;
	t->gen++;
}

void
table_cleanup(struct table *t)
{
	table_clear(t);
	table_needle_cleanup(&t->cache->needle);
	free(t->cache);
	t->cache = NULL;
}

/* The mask of the stored members that are the item's, in order; false
 * when the item is not the stored item less some members. */
static bool
table_mask(const struct value *item, const struct value *stored,
    struct buf *mask)
{
	size_t i, j = 0;

	if (item == NULL || item->type != VT_M || stored == NULL ||
	    stored->type != VT_M || stored->u.map.len > UINT16_MAX)
		return false;
	for (i = 0; i < stored->u.map.len; i++) {
		const struct value_member *s = &stored->u.map.items[i];
		const struct value_member *m = j < item->u.map.len ?
		    &item->u.map.items[j] : NULL;
		bool in = m != NULL && m->name_len == s->name_len &&
		    memcmp(m->name, s->name, s->name_len) == 0 &&
		    value_same(m->value, s->value);

		buf_addc(mask, in ? 1 : 0);
		if (in)
			j++;
	}
	return j == item->u.map.len;
}

/* Append ids as NUL-terminated segments. */
static void
table_pack_ids(struct buf *b, const struct ids *ids)
{
	size_t i;

	for (i = 0; i < ids->n; i++)
		buf_add(b, ids->v[i], strlen(ids->v[i]) + 1);
}

/* An empty map's JSON for an item that is missing. */
static void
table_pack_item(struct buf *b, const struct value *item)
{
	if (item != NULL && item->type == VT_M)
		ddbjson_emit_item(b, item);
	else
		buf_adds(b, "{}");
}

/*
 * Whether a cell of item may show text that its DynamoDB JSON does not
 * hold, as folded: a map or a list is shown as JSON, which writes a
 * number that JSON cannot carry as it is (".5", "+1") in its canonical
 * form ("0.5"). DynamoDB writes numbers canonical; other writers may not.
 */
static bool
table_loose(const struct value *v, int depth)
{
	size_t i;

	switch (v->type) {
	case VT_N:
		return depth > 0 && !json_number_ok(v->u.str.ptr,
		    v->u.str.len);
	case VT_M:
		for (i = 0; i < v->u.map.len; i++)
			if (v->u.map.items[i].value != NULL &&
			    table_loose(v->u.map.items[i].value, depth + 1))
				return true;
		return false;
	case VT_L:
	case VT_NS:
		for (i = 0; i < v->u.list.len; i++)
			if (table_loose(v->u.list.items[i], depth + 1))
				return true;
		return false;
	default:
		return false;
	}
}

/* c packed into one allocation. */
static struct table_row *
table_pack(const struct content *c)
{
	struct buf d = BUF_INIT, mask = BUF_INIT;
	struct table_row *r;
	size_t off, len, len2 = 0;
	enum table_form form;

	table_pack_ids(&d, &c->content_ids);
	table_pack_ids(&d, &c->partition_ids);
	off = d.len;
	if (c->stored == NULL || c->stored->type != VT_M) {
		form = TF_ITEM;
		table_pack_item(&d, c->item);
	} else if (table_mask(c->item, c->stored, &mask)) {
		form = TF_MASKED;
		ddbjson_emit_item(&d, c->stored);
	} else {
		form = TF_BOTH;
		table_pack_item(&d, c->item);
	}
	len = d.len - off;
	buf_addc(&d, '\0');
	if (form == TF_BOTH) {
		ddbjson_emit_item(&d, c->stored);
		len2 = d.len - off - len - 1;
		buf_addc(&d, '\0');
	}
	buf_add(&d, mask.data, mask.len);

	r = xmalloc(sizeof *r + d.len);
	memset(r, 0, sizeof *r);
	r->version = c->current_version;
	r->expiry = c->expiry;
	r->has_expiry = c->has_expiry;
	r->loose = c->item != NULL && table_loose(c->item, -1);
	r->form = (unsigned char)form;
	r->ncids = (uint16_t)c->content_ids.n;
	r->nparts = (uint16_t)c->partition_ids.n;
	r->json_off = (uint32_t)off;
	r->json_len = (uint32_t)len;
	r->json2_len = (uint32_t)len2;
	r->nmask = (uint16_t)mask.len;
	memcpy(r->data, d.data, d.len);
	buf_cleanup(&d);
	buf_cleanup(&mask);
	return r;
}

/* Segments from p into ids; the pointer after the last. */
static const char *
table_unpack_ids(const char *p, size_t n, struct ids *ids)
{
	size_t i, len;

	for (i = 0; i < n; i++) {
		len = strlen(p);
		ids_push(ids, p, len);
		p += len + 1;
	}
	return p;
}

/* A JSON document of ours back as a map; an empty one if it fails,
 * which it cannot since we wrote it. In an arena when `shared` (one
 * block instead of a malloc a value; read-only, which a cached row is). */
static struct value *
table_unpack_json(const char *p, size_t len, bool shared)
{
	static const char *const root[] = { "", NULL };
	struct value *v;
	struct err e;

	err_clear(&e);
	v = shared ? ddbjson_parse_page(p, len, root, &e) :
	    ddbjson_parse_item(p, len, &e);
	return v != NULL ? v : value_new_m();
}

/*
 * The item made of the stored members that the mask names. Its values
 * are the stored item's own, in its arena: an arena value is never freed
 * by itself, and content_free frees the item before the stored item
 * that keeps the arena. table_content_copy makes heap copies.
 */
static struct value *
table_unpack_masked(const struct value *stored, const unsigned char *mask,
    size_t nmask)
{
	struct value *item = value_new_m();
	size_t i;

	value_map_reserve(item, nmask);
	for (i = 0; i < nmask && i < stored->u.map.len; i++) {
		const struct value_member *m = &stored->u.map.items[i];

		if (mask[i])
			value_map_add_owned(item, xmemdup(m->name,
			    m->name_len + 1), m->name_len, m->value);
	}
	return item;
}

/* A packed row back as content. */
static struct content *
table_unpack(const struct table_row *r)
{
	struct content *c = content_new();
	const char *p, *json = r->data + r->json_off;
	const char *json2 = json + r->json_len + 1;

	p = table_unpack_ids(r->data, r->ncids, &c->content_ids);
	table_unpack_ids(p, r->nparts, &c->partition_ids);
	c->current_version = r->version;
	c->has_expiry = r->has_expiry;
	c->expiry = r->expiry;
	value_free(c->item);
	switch (r->form) {
	case TF_ITEM:
		c->item = table_unpack_json(json, r->json_len, false);
		break;
	case TF_MASKED:
		c->stored = table_unpack_json(json, r->json_len, true);
		/* Shares the values only when they are in an arena. */
		c->item = c->stored->flags & VALUE_F_ARENA ?
		    table_unpack_masked(c->stored,
		    (const unsigned char *)json2, r->nmask) :
		    value_new_m();
		break;
	default:
		c->item = table_unpack_json(json, r->json_len, false);
		c->stored = table_unpack_json(json2, r->json2_len, false);
		break;
	}
	return c;
}

/* Bytes a packed row takes, its header included. */
static size_t
table_row_size(const struct table_row *r)
{
	size_t n = sizeof *r + r->json_off + r->json_len + 1 + r->nmask;

	if (r->form == TF_BOTH)
		n += r->json2_len + 1;
	return n;
}

const struct content *
table_row(const struct table *t, size_t i)
{
	struct table_cache_slot *s = &t->cache->slot[i % TABLE_CACHE_ROWS];

	if (s->c != NULL && s->row == i)
		return s->c;
	content_free(s->c);
	s->c = table_unpack(t->rows[i]);
	s->row = i;
	t->cache->decodes++;
	return s->c;
}

size_t
table_row_nids(const struct table *t, size_t i)
{
	return t->rows[i]->ncids;
}

const char *
table_row_seg(const struct table *t, size_t i, size_t k)
{
	const char *p = t->rows[i]->data;

	while (k-- > 0)
		p += strlen(p) + 1;
	return p;
}

void
table_row_id(const struct table *t, size_t i, struct buf *b)
{
	const struct table_row *r = t->rows[i];
	const char *p = r->data;
	size_t k, len;

	for (k = 0; k < r->ncids; k++) {
		len = strlen(p);
		if (k > 0)
			buf_addc(b, '#');
		buf_add(b, p, len);
		p += len + 1;
	}
}

long long
table_row_version(const struct table *t, size_t i)
{
	return t->rows[i]->version;
}

unsigned long
table_decodes(const struct table *t)
{
	return t->cache->decodes;
}

size_t
table_bytes(const struct table *t)
{
	size_t i, n = 0;

	for (i = 0; i < t->nrows; i++)
		n += table_row_size(t->rows[i]);
	return n;
}

void
table_value_text(const struct value *v, struct buf *b)
{
	struct buf j = BUF_INIT;

	switch (v->type) {
	case VT_S:
	case VT_N:
		buf_add(b, v->u.str.ptr, v->u.str.len);
		break;
	case VT_BOOL:
		buf_adds(b, v->u.boolean ? "true" : "false");
		break;
	case VT_NULL:
		buf_adds(b, "null");
		break;
	case VT_B:
		/* json_emit gives the base64 in quotes. */
		json_emit(&j, v, 0);
		if (j.len >= 2)
			buf_add(b, j.data + 1, j.len - 2);
		break;
	default:
		json_emit(b, v, 0);
		break;
	}
	buf_cleanup(&j);
}

/* Grow a width to fit text, up to max. */
static void
table_fit(int *w, const char *s, size_t len, int max)
{
	int cw = draw_width(s, len);

	if (cw > max)
		cw = max;
	if (cw > *w)
		*w = cw;
}

/* Fit the columns to one row, adding fields not seen before. */
static void
table_fit_row(struct table *t, const struct content *c)
{
	struct buf b = BUF_INIT;
	size_t i, k;

	ids_join(&c->content_ids, &b);
	table_fit(&t->meta_width[0], buf_cstr(&b), b.len, TABLE_ID_MAX);
	buf_reset(&b);
	buf_printf(&b, "%lld", c->current_version);
	table_fit(&t->meta_width[1], b.data, b.len, 20);
	if (c->stored != NULL) {
		const struct value *ts = value_map_get(c->stored, "_timestamp");

		if (ts != NULL && ts->type == VT_S)
			table_fit(&t->meta_width[2], ts->u.str.ptr,
			    ts->u.str.len, 40);
	}
	if (c->has_expiry) {
		t->has_ttl = true;
		t->ttl_width = 25;
	}
	if (c->item == NULL || c->item->type != VT_M) {
		buf_cleanup(&b);
		return;
	}
	for (i = 0; i < c->item->u.map.len; i++) {
		const struct value_member *m = &c->item->u.map.items[i];

		for (k = 0; k < t->nfields; k++)
			if (strcmp(t->fields[k].name, m->name) == 0)
				break;
		if (k == t->nfields) {
			t->fields = xreallocarray(t->fields, t->nfields + 1,
			    sizeof *t->fields);
			t->fields[k].kind = TC_FIELD;
			t->fields[k].name = xstrdup(m->name);
			t->fields[k].width = 1;
			table_fit(&t->fields[k].width, m->name,
			    strlen(m->name), TABLE_FIELD_MAX);
			t->nfields++;
		}
		/* A column at its widest needs no more text rendered: maps
		 * and lists soon are, and rows come by the million. */
		if (t->fields[k].width >= TABLE_FIELD_MAX)
			continue;
		buf_reset(&b);
		table_value_text(m->value, &b);
		table_fit(&t->fields[k].width, buf_cstr(&b), b.len,
		    TABLE_FIELD_MAX);
	}
	buf_cleanup(&b);
}

void
table_add(struct table *t, struct content *c)
{
	struct table_cache_slot *s;

	if (t->nrows == t->cap) {
		t->cap = t->cap == 0 ? 64 : t->cap * 2;
		t->rows = xreallocarray(t->rows, t->cap, sizeof *t->rows);
		t->marked = xreallocarray(t->marked, t->cap,
		    sizeof *t->marked);
	}
	t->marked[t->nrows] = false;
	table_fit_row(t, c);
	t->rows[t->nrows] = table_pack(c);
	table_index_add(&t->cache->index, t->nrows, t->rows[t->nrows]);
	/* A row whose cache slot is empty keeps c as its decoded form: the
	 * first screen of a list is drawn from the contents the worker
	 * decoded, not by decoding the rows just packed (half the screen's
	 * CPU). c is what table_unpack would give back when its item and
	 * stored item are maps: packing keeps every member, in order. */
	s = &t->cache->slot[t->nrows % TABLE_CACHE_ROWS];
	if (s->c == NULL && c->item != NULL && c->item->type == VT_M &&
	    (c->stored == NULL || c->stored->type == VT_M)) {
		s->c = c;
		s->row = t->nrows;
	} else {
		content_free(c);
	}
	t->nrows++;
	t->gen++;
}

/* Whether packed row r has these content ids. */
static bool
table_row_is(const struct table_row *r, const struct ids *content)
{
	const char *p = r->data;
	size_t k, len;

	if (r->ncids != content->n)
		return false;
	for (k = 0; k < content->n; k++) {
		len = strlen(p);
		if (strcmp(p, content->v[k]) != 0)
			return false;
		p += len + 1;
	}
	return true;
}

long
table_find(const struct table *t, const struct ids *content)
{
	size_t i;

	for (i = 0; i < t->nrows; i++)
		if (table_row_is(t->rows[i], content))
			return (long)i;
	return -1;
}

struct content *
table_content_copy(const struct content *c)
{
	struct content *n = content_new();

	ids_copy(&n->partition_ids, &c->partition_ids);
	ids_copy(&n->content_ids, &c->content_ids);
	value_free(n->item);
	n->item = c->item != NULL ? value_copy(c->item) : NULL;
	n->current_version = c->current_version;
	n->has_expiry = c->has_expiry;
	n->expiry = c->expiry;
	n->stored = c->stored != NULL ? value_copy(c->stored) : NULL;
	return n;
}

bool
table_update(struct table *t, const struct content *c)
{
	long i = table_find(t, &c->content_ids);

	if (i < 0)
		return false;
	free(t->rows[i]);
	t->rows[i] = table_pack(c);
	table_index_changed(&t->cache->index, (size_t)i);
	table_fit_row(t, c);
	table_cache_drop(t->cache);
	t->gen++;
	return true;
}

void
table_mark(struct table *t, size_t row, bool on)
{
	if (t->marked[row] == on)
		return;
	t->marked[row] = on;
	if (on)
		t->nmarked++;
	else
		t->nmarked--;
}

bool
table_remove(struct table *t, const struct ids *content)
{
	long i = table_find(t, content);

	if (i < 0)
		return false;
	free(t->rows[i]);
	table_mark(t, (size_t)i, false);
	memmove(&t->rows[i], &t->rows[i + 1], (t->nrows - (size_t)i - 1) *
	    sizeof *t->rows);
	memmove(&t->marked[i], &t->marked[i + 1], (t->nrows - (size_t)i - 1) *
	    sizeof *t->marked);
	t->nrows--;
	table_index_removed(&t->cache->index, (size_t)i);
	/* The rows after it moved up: their slots are stale. */
	table_cache_drop(t->cache);
	t->gen++;
	return true;
}

size_t
table_ncols(const struct table *t)
{
	return 1 + t->nfields + 2 + (t->has_ttl ? 1 : 0);
}

enum table_col_kind
table_col_kind(const struct table *t, size_t col)
{
	if (col == 0)
		return TC_ID;
	if (col <= t->nfields)
		return TC_FIELD;
	col -= t->nfields + 1;
	return col == 0 ? TC_VERSION : col == 1 ? TC_TIMESTAMP : TC_TTL;
}

const char *
table_col_name(const struct table *t, size_t col)
{
	switch (table_col_kind(t, col)) {
	case TC_ID:
		return "ID";
	case TC_FIELD:
		return t->fields[col - 1].name;
	case TC_VERSION:
		return "v";
	case TC_TIMESTAMP:
		return "_timestamp";
	default:
		return "_ttl";
	}
}

int
table_col_width(const struct table *t, size_t col)
{
	switch (table_col_kind(t, col)) {
	case TC_ID:
		return t->meta_width[0];
	case TC_FIELD:
		return t->fields[col - 1].width;
	case TC_VERSION:
		return t->meta_width[1];
	case TC_TIMESTAMP:
		return t->meta_width[2];
	default:
		return t->ttl_width;
	}
}

void
table_cell(const struct table *t, size_t row, size_t col, struct buf *b,
    bool *dim)
{
	const struct content *c = table_row(t, row);
	const struct value *v;
	char when[32];

	*dim = false;
	switch (table_col_kind(t, col)) {
	case TC_ID:
		ids_join(&c->content_ids, b);
		break;
	case TC_FIELD:
		v = value_map_get(c->item, t->fields[col - 1].name);
		if (v == NULL) {
			*dim = true;
		} else {
			*dim = v->type == VT_NULL;
			table_value_text(v, b);
		}
		break;
	case TC_VERSION:
		buf_printf(b, "%lld", c->current_version);
		break;
	case TC_TIMESTAMP:
		v = c->stored != NULL ? value_map_get(c->stored, "_timestamp") :
		    NULL;
		if (v != NULL && v->type == VT_S)
			buf_add(b, v->u.str.ptr, v->u.str.len);
		break;
	case TC_TTL:
		if (c->has_expiry) {
			content_format_time(c->expiry, when);
			buf_adds(b, when);
		}
		break;
	}
}

/*
 * Whether byte c of a needle may be shown otherwise than the rows' packed
 * JSON holds it: JSON's punctuation (a map or a list in a cell is shown
 * as plain JSON, whose punctuation is not the DynamoDB JSON's), and what
 * a JSON string escapes (a string in a cell is shown unescaped).
 */
static bool
table_needle_breaks(unsigned char c)
{
	return c < 0x20 || strchr("\"\\{}[],:", c) != NULL;
}

/* Whether a needle can be looked for in a row's packed JSON as it is: it
 * has no byte that table_needle_breaks. */
static bool
table_needle_plain(const char *needle, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (table_needle_breaks((unsigned char)needle[i]))
			return false;
	return true;
}

/* How common byte c (folded) is in the rows' JSON: 0 for the rarest,
 * so that the needle's rarest byte is the one looked for. */
static size_t
table_commonness(unsigned char c)
{
	static const char common[] = "\":,{}SMN0123456789 eatoinsrlhdcum";
	const char *p = c != '\0' ? strchr(common, c) : NULL;

	return p != NULL ? sizeof common - (size_t)(p - common) : 0;
}

/* Whether every byte of s is one of set's. */
static bool
table_only(const char *s, const char *set)
{
	for (; *s != '\0'; s++)
		if (strchr(set, *s) == NULL)
			return false;
	return true;
}

/* Add a gram's bit to the needle's, up to TABLE_GRAMS_MAX. */
static void
table_needle_gram(struct table_needle *nd, uint32_t bit)
{
	if (nd->ngrams < TABLE_GRAMS_MAX)
		nd->grams[nd->ngrams++] = bit;
}

/*
 * The bits of the needle's grams, folded as the index was (the locale
 * may have changed since, and then the index cannot answer). A cell that
 * shows the needle shows each piece of it between the bytes that
 * table_needle_breaks, and the rows' text holds such a piece as it is:
 * a byte's bit for a piece of one byte, else its bigram or trigrams.
 * Each byte of the needle but a control byte is in the rows' text too
 * (a quote or a backslash escaped, as one of the DynamoDB JSON's
 * punctuation, or as it is).
 */
static void
table_needle_grams(struct table_needle *nd, const struct table_index *ix)
{
	const unsigned char *f = nd->folded;
	size_t i, a, n;

	nd->ngrams = 0;
	nd->indexed = false;
	if (memcmp(nd->fold, ix->fold, sizeof nd->fold) != 0)
		return;
	for (a = 0; a < nd->len; a = i + 1) {
		for (i = a; i < nd->len && !table_needle_breaks(f[i]); i++)
			continue;
		n = i - a;
		if (n == 1)
			table_needle_gram(nd, TABLE_BYTE_BIT(f[a]));
		else if (n == 2)
			table_needle_gram(nd, table_gram_bit((uint32_t)f[a] <<
			    8 | f[a + 1]));
		for (n = a + 2; n < i; n++)
			table_needle_gram(nd, table_gram_bit(1U << 24 |
			    (uint32_t)f[n - 2] << 16 | (uint32_t)f[n - 1] <<
			    8 | f[n]));
		if (i < nd->len && f[i] >= 0x20)
			table_needle_gram(nd, TABLE_BYTE_BIT(f[i]));
	}
	nd->indexed = nd->ngrams > 0;
}

/* Free what a needle owns, and the needle of its run. */
static void
table_needle_cleanup(struct table_needle *nd)
{
	if (nd->run != NULL) {
		table_needle_cleanup(nd->run);
		free(nd->run);
	}
	if (nd->run_alt != NULL) {
		table_needle_cleanup(nd->run_alt);
		free(nd->run_alt);
	}
	free(nd->text);
	free(nd->folded);
	nd->run = nd->run_alt = NULL;
	nd->text = NULL;
	nd->folded = NULL;
}

/* nd made the needle of len bytes at text, but for its run: what it
 * owned is freed. */
static void
table_needle_base(struct table_needle *nd, const char *text, size_t len)
{
	size_t i;

	table_needle_cleanup(nd);
	nd->text = xstrndup(text, len);
	nd->len = len;
	nd->plain = table_needle_plain(text, len);
	nd->number = table_only(nd->text, "0123456789-");
	nd->time = table_only(nd->text, "0123456789-:+tT");
	table_fold_init(nd->fold);
	nd->folded = xmalloc(nd->len + 1);
	for (i = 0; i < nd->len; i++)
		nd->folded[i] = nd->fold[(unsigned char)text[i]];
	nd->pick = 0;
	for (i = 1; i < nd->len; i++)
		if (table_commonness(nd->folded[i]) <
		    table_commonness(nd->folded[nd->pick]))
			nd->pick = i;
	nd->pick_lo = nd->len > 0 ? nd->folded[nd->pick] : 0;
	nd->pick_up = (unsigned char)toupper(nd->pick_lo);
	if (nd->fold[nd->pick_up] != nd->pick_lo)
		nd->pick_up = nd->pick_lo;
}

/*
 * nd made the needle of len bytes at text, with its run when it is not
 * plain: its longest piece between the bytes that table_needle_breaks,
 * which a row's text must hold for a cell of the row to show the needle.
 * A quote before the piece is kept with it: the row's JSON has one
 * there too (the string's or the key's own, or the end of \", the quote
 * a string in a cell shows unescaped). A quote after it ends a string or
 * a key in a map's cell, and the JSON has it there too, or it is in a
 * string, and the JSON has \": the run ends with the quote, run_alt with
 * the backslash.
 */
static void
table_needle_set(struct table_needle *nd, const char *text, size_t len)
{
	size_t i, a, best = 0, best_len = 0;
	char *alt;

	table_needle_base(nd, text, len);
	if (nd->plain)
		return;
	for (a = 0; a < len; a = i + 1) {
		for (i = a; i < len &&
		    !table_needle_breaks((unsigned char)text[i]); i++)
			continue;
		if (i - a > best_len) {
			best = a;
			best_len = i - a;
		}
	}
	if (best_len == 0)
		return;
	if (best > 0 && text[best - 1] == '"') {
		best--;
		best_len++;
	}
	if (best + best_len < len && text[best + best_len] == '"') {
		alt = xstrndup(text + best, best_len + 1);
		alt[best_len] = '\\';
		nd->run_alt = xcalloc(1, sizeof *nd->run_alt);
		table_needle_base(nd->run_alt, alt, best_len + 1);
		free(alt);
		best_len++;
	}
	nd->run = xcalloc(1, sizeof *nd->run);
	table_needle_base(nd->run, text + best, best_len);
}

/* The needle of table t's search made ready: the one kept when it is
 * the same, else needle's (the cache is the table's mutable part). */
static const struct table_needle *
table_needle_ready(const struct table *t, const char *needle)
{
	struct table_needle *nd = &t->cache->needle;

	if (nd->text != NULL && strcmp(nd->text, needle) == 0)
		return nd;
	table_needle_set(nd, needle, strlen(needle));
	nd->serial++;
	table_needle_grams(nd, &t->cache->index);
	return nd;
}

/* Whether the needle is at each place in [from, to) where byte c is. */
static bool
table_needle_at(const struct table_needle *nd, const unsigned char *from,
    const unsigned char *to, unsigned char c)
{
	const unsigned char *q, *at;
	size_t k;

	while (from < to && (q = memchr(from, c, (size_t)(to - from))) !=
	    NULL) {
		at = q - nd->pick;
		for (k = 0; k < nd->len && nd->fold[at[k]] == nd->folded[k];
		    k++)
			continue;
		if (k == nd->len)
			return true;
		from = q + 1;
	}
	return false;
}

/* Whether the n bytes at p hold the needle, case folded as strcasestr
 * folds. memchr finds the places of the needle's rarest byte (each of
 * its cases in turn), a few bytes a cycle, where strcasestr and a
 * Horspool loop take several cycles for each byte or step. */
static bool
table_needle_in(const struct table_needle *nd, const char *p, size_t n)
{
	const unsigned char *h = (const unsigned char *)p;

	if (nd->len == 0)
		return true;
	if (n < nd->len)
		return false;
	if (table_needle_at(nd, h + nd->pick, h + n - nd->len + nd->pick + 1,
	    nd->pick_lo))
		return true;
	return nd->pick_up != nd->pick_lo && table_needle_at(nd, h + nd->pick,
	    h + n - nd->len + nd->pick + 1, nd->pick_up);
}

/* Whether row r's text holds the needle as it is: its JSON, its version
 * or its expiry. */
static bool
table_row_text_holds(const struct table_row *r,
    const struct table_needle *nd)
{
	const char *json = r->data + r->json_off;
	char text[32];

	if (table_needle_in(nd, json, r->json_len))
		return true;
	if (r->form == TF_BOTH &&
	    table_needle_in(nd, json + r->json_len + 1, r->json2_len))
		return true;
	/* The version's digits and the expiry's date only for a needle
	 * that could be in them: formatting them is most of a miss. */
	if (nd->number) {
		snprintf(text, sizeof text, "%lld", r->version);
		if (strcasestr(text, nd->text) != NULL)
			return true;
	}
	if (r->has_expiry && nd->time) {
		content_format_time(r->expiry, text);
		if (strcasestr(text, nd->text) != NULL)
			return true;
	}
	return false;
}

/* Whether row r could hold the needle in a cell: false only when no cell
 * can (its text does not hold the needle, or for a needle that is not
 * plain, its run). */
static bool
table_row_may_match(const struct table_row *r, const struct table_needle *nd)
{
	/* Without a stored item the ids are not in the JSON; a row whose
	 * maps show a number otherwise than its JSON holds it may show
	 * any needle. */
	if (r->form == TF_ITEM || r->loose)
		return true;
	if (!nd->plain)
		return nd->run == NULL || table_row_text_holds(r, nd->run) ||
		    (nd->run_alt != NULL &&
		    table_row_text_holds(r, nd->run_alt));
	return table_row_text_holds(r, nd);
}

/* Whether row i holds the needle in a cell: its packed text first. */
static bool
table_row_holds(const struct table *t, size_t i, const struct table_needle *nd)
{
	struct buf b = BUF_INIT;
	size_t col, ncols = table_ncols(t);
	bool dim, found = false;

	t->cache->scans++;
	if (!table_row_may_match(t->rows[i], nd))
		return false;
	for (col = 0; col < ncols && !found; col++) {
		buf_reset(&b);
		table_cell(t, i, col, &b, &dim);
		found = b.data != NULL && strcasestr(b.data, nd->text) != NULL;
	}
	buf_cleanup(&b);
	return found;
}

bool
table_row_matches(const struct table *t, size_t i, const char *needle)
{
	const struct table_needle *nd = table_needle_ready(t, needle);
	size_t lo, hi;

	return table_index_span(t, i, nd, &lo, &hi) &&
	    table_row_holds(t, i, nd);
}

size_t
table_search(const struct table *t, size_t lo, size_t hi, int dir,
    const char *needle)
{
	const struct table_needle *nd = table_needle_ready(t, needle);
	size_t i, a, b;

	if (dir > 0) {
		for (i = lo; i < hi; i = b) {
			if (!table_index_span(t, i, nd, &a, &b))
				continue;
			for (b = b < hi ? b : hi; i < b; i++)
				if (table_row_holds(t, i, nd))
					return i;
		}
	} else {
		for (i = hi; i > lo; i = a) {
			if (!table_index_span(t, i - 1, nd, &a, &b))
				continue;
			for (a = a > lo ? a : lo; i > a; i--)
				if (table_row_holds(t, i - 1, nd))
					return i - 1;
		}
	}
	return hi;
}

unsigned long
table_scans(const struct table *t)
{
	return t->cache->scans;
}
