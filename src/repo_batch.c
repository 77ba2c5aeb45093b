/* SPDX-License-Identifier: ISC */
/* BatchGetItem: items read by their keys, decoded, as stored or as their
 * text, and get_batch's keys asked for once each. */
#include "config.h"

#include "repo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ddbjson.h"
#include "repo_private.h"
#include "request.h"
#include "xmalloc.h"

/* Hand every item of a response to fn as stored (taken). */
static void
repo_deliver_stored(struct response *rs, repo_stored_fn fn, void *ctx)
{
	size_t i;

	for (i = 0; i < rs->nitems; i++) {
		struct value *item = rs->items[i];

		rs->items[i] = NULL;
		fn(ctx, item);
	}
}

/* What one item of a BatchGetItem answer kept as text became: its text
 * and key (offsets in the items' text), or (v not NULL) its value. */
struct repo_stored_item {
	size_t		 off, len, pk, pk_len, sk, sk_len;
	struct value	*v;
};

/* repo_read_stored's work: the items read so far. */
struct repo_stored_work {
	struct repo		*r;
	const char		*start;		/* the items' text */
	struct repo_stored_item	*it;
	size_t			 n, cap;
};

/* One item of a BatchGetItem answer: its text and key, or its value
 * parsed the long way. */
static int
repo_read_stored_item(void *ctx, const char **p, const char *end)
{
	struct repo_stored_work *st = ctx;
	struct repo *r = st->r;
	struct repo_stored_item *it;
	struct ddbjson_text_found pk, sk;
	const char *q = *p;

	if (st->n == st->cap) {
		st->cap = st->cap != 0 ? st->cap * 2 : REPO_BATCH_GET_MAX;
		st->it = xreallocarray(st->it, st->cap, sizeof *st->it);
	}
	it = &st->it[st->n];
	memset(it, 0, sizeof *it);
	if (repo_item_key(r, &r->text_order, &q, end, &r->text_scratch,
	    &r->text_fields, &pk, &sk) == 0) {
		it->off = (size_t)(*p - st->start);
		it->len = (size_t)(q - *p);
		it->pk = (size_t)(pk.s - st->start);
		it->pk_len = pk.len;
		it->sk = (size_t)(sk.s - st->start);
		it->sk_len = sk.len;
	} else if (ddbjson_text_skip_value(&q, end) != 0 ||
	    (it->v = ddbjson_parse_item(*p, (size_t)(q - *p), NULL)) == NULL)
		return -1;
	st->n++;
	*p = q;
	return 0;
}

/*
 * Read the items array of a BatchGetItem answer kept as text whole into
 * *out: each item as its text, or, where repo_item_key leaves it, parsed.
 * -1 when the array or an item is wrong (nothing kept then).
 */
static int
repo_read_stored(struct repo *r, const struct response *rs,
    struct repo_stored_item **out, size_t *nout)
{
	struct repo_stored_work st = { r, rs->items_text, NULL, 0, 0 };
	int rc;

	rc = repo_text_items(rs->items_text, rs->items_text +
	    rs->items_text_len, repo_read_stored_item, &st);
	if (rc != 0) {
		while (st.n > 0)
			value_free(st.it[--st.n].v);
		free(st.it);
		st.it = NULL;
	}
	*out = st.it;
	*nout = st.n;
	return rc;
}

/*
 * Hand every item of a BatchGetItem answer kept as text to text_fn, or,
 * where the text path leaves it to the parser, to fn as stored (taken).
 * The page is read whole before any of it is handed over; when anything
 * in it is wrong, the store parses the whole answer, and every item goes
 * to fn (or the parser's error is returned), as without the text.
 */
static int
repo_deliver_stored_text(struct repo *r, const struct request *rq,
    struct response *rs, repo_stored_fn fn, repo_stored_text_fn text_fn,
    void *ctx, struct err *e)
{
	struct repo_stored_item *it;
	struct repo_stored_text t;
	const char *start = rs->items_text;
	size_t n, i;

	if (repo_read_stored(r, rs, &it, &n) != 0) {
		if (rs->items_reparse(rq, rs, e) != 0)
			return -1;
		repo_deliver_stored(rs, fn, ctx);
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (it[i].v != NULL) {
			fn(ctx, it[i].v);
			continue;
		}
		t.text = start + it[i].off;
		t.len = it[i].len;
		t.pk = start + it[i].pk;
		t.pk_len = it[i].pk_len;
		t.sk = start + it[i].sk;
		t.sk_len = it[i].sk_len;
		text_fn(ctx, &t);
	}
	free(it);
	return 0;
}

/* repo_batch_get and repo_batch_get_stored: the items decoded to fn, or
 * as stored to stored_fn when it is not NULL (and as text to text_fn,
 * when it is not NULL either and the store keeps them as text). */
static int
repo_batch_get_to(struct repo *r, struct value **keys, size_t n,
    bool consistent, repo_each_fn fn, repo_line_fn line,
    repo_stored_fn stored_fn, repo_stored_text_fn text_fn, void *ctx,
    int *stopped, struct err *e)
{
	struct request rq;
	size_t delivered = 0;
	int rc = 0, idle = 0;

	request_init(&rq, OP_BATCH_GET_ITEM, r->table);
	rq.keys = keys;
	rq.nkeys = n;
	rq.consistent_read = consistent;
	rq.items_as_text = stored_fn != NULL ? text_fn != NULL : line != NULL;
	while (rq.nkeys > 0) {
		struct response rs;
		size_t i;

		response_init(&rs);
		rc = repo_execute(r, &rq, &rs, e);
		if (rc == 0 && stored_fn != NULL && rs.items_text != NULL)
			rc = repo_deliver_stored_text(r, &rq, &rs, stored_fn,
			    text_fn, ctx, e);
		else if (rc == 0 && stored_fn != NULL)
			repo_deliver_stored(&rs, stored_fn, ctx);
		else if (rc == 0 && rs.items_text != NULL)
			rc = repo_deliver_text(r, &rq, &rs, &delivered, line,
			    fn, ctx, e);
		else if (rc == 0)
			rc = repo_deliver(r, &rs, &delivered, 0, fn, ctx, e);
		if (rc == 1) {
			*stopped = 1;
			rc = 0;
			response_cleanup(&rs);
			break;
		}
		if (rc != 0) {
			response_cleanup(&rs);
			break;
		}
		if (rs.nunprocessed_keys > rq.nkeys) {
			rc = err_set(e, ERR_SERVICE, "BatchGetItem: the answer "
			    "lists %zu unprocessed keys of the %zu asked for: "
			    "a protocol error of the server",
			    rs.nunprocessed_keys, rq.nkeys);
			response_cleanup(&rs);
			break;
		}
		idle = rs.nunprocessed_keys < rq.nkeys ? 0 : idle + 1;
		for (i = 0; i < rq.nkeys; i++)
			value_free(rq.keys[i]);
		free(rq.keys);
		rq.keys = rs.unprocessed_keys;
		rq.nkeys = rs.nunprocessed_keys;
		rs.unprocessed_keys = NULL;
		rs.nunprocessed_keys = 0;
		response_cleanup(&rs);
		if (rq.nkeys == 0)
			break;
		if (idle >= REPO_UNPROCESSED_ROUNDS) {
			rc = err_set(e, ERR_THROTTLED, "BatchGetItem: %zu keys "
			    "still unprocessed after %d attempts", rq.nkeys,
			    idle);
			break;
		}
		if ((rc = repo_backoff(r, idle, e)) != 0)
			break;
	}
	request_cleanup(&rq);
	return rc;
}

int
repo_batch_get(struct repo *r, struct value **keys, size_t n, bool consistent,
    repo_each_fn fn, repo_line_fn line, void *ctx, int *stopped,
    struct err *e)
{
	return repo_batch_get_to(r, keys, n, consistent, fn, line, NULL, NULL,
	    ctx, stopped, e);
}

int
repo_batch_get_stored(struct repo *r, struct value **keys, size_t n,
    bool consistent, repo_stored_fn fn, repo_stored_text_fn text_fn,
    void *ctx, struct err *e)
{
	int stopped = 0;

	return repo_batch_get_to(r, keys, n, consistent, NULL, NULL, fn,
	    text_fn, ctx, &stopped, e);
}

/* A key for duplicate detection: a hash of its joined ids, and where it
 * is in the input. */
struct repo_keyref {
	uint64_t	hash;
	size_t		index;
};

/* FNV-1a over ids joined by '#', as the key strings join them. */
static uint64_t
repo_ids_hash(uint64_t h, const struct ids *ids)
{
	const unsigned char *p;
	size_t i;

	for (i = 0; i < ids->n; i++) {
		if (i > 0)
			h = (h ^ '#') * 0x100000001b3ULL;
		for (p = (const unsigned char *)ids->v[i]; *p != '\0'; p++)
			h = (h ^ *p) * 0x100000001b3ULL;
	}
	return h;
}

/* A walk over ids joined by '#', a byte at a time, joining nothing. */
struct repo_idwalk {
	const struct ids	*ids;
	size_t			 i;
	const char		*p;
};

/* The next byte of the joined ids; -1 at the end. */
static int
repo_idwalk_next(struct repo_idwalk *w)
{
	if (w->i >= w->ids->n)
		return -1;
	if (w->p == NULL)
		w->p = w->ids->v[w->i];
	if (*w->p != '\0')
		return (unsigned char)*w->p++;
	if (++w->i >= w->ids->n)
		return -1;
	w->p = NULL;
	return '#';
}

/* Whether two ids join to the same string. */
static bool
repo_ids_join_equal(const struct ids *a, const struct ids *b)
{
	struct repo_idwalk x = { a, 0, NULL }, y = { b, 0, NULL };
	int c;

	do {
		if ((c = repo_idwalk_next(&x)) != repo_idwalk_next(&y))
			return false;
	} while (c != -1);
	return true;
}

static int
repo_keyref_cmp(const void *a, const void *b)
{
	const struct repo_keyref *x = a, *y = b;

	if (x->hash != y->hash)
		return x->hash < y->hash ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Mark which of n keys repeat an earlier one: dup[i] is true for every
 * occurrence after the first, wherever it is in the input. Keys are
 * sorted by a hash of their joined ids, and only keys of equal hashes
 * are compared, by walking their ids: no key string is built twice
 * (a copy each was a malloc and two joins a key). */
static bool *
repo_find_duplicates(const struct ids *partitions, const struct ids *contents,
    size_t n)
{
	struct repo_keyref *refs = xcalloc(n ? n : 1, sizeof *refs);
	bool *dup = xcalloc(n ? n : 1, sizeof *dup);
	size_t i, j, k;

	for (i = 0; i < n; i++) {
		/* A byte no id holds between the two, as the NUL was. */
		refs[i].hash = repo_ids_hash(repo_ids_hash(
		    0xcbf29ce484222325ULL, &partitions[i]) * 0x100000001b3ULL,
		    &contents[i]);
		refs[i].index = i;
	}
	qsort(refs, n, sizeof *refs, repo_keyref_cmp);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && refs[j].hash == refs[i].hash; j++)
			;
		/* [i, j): one hash, in input order; rarely more than one. */
		for (k = i + 1; k < j; k++) {
			size_t m, a = refs[k].index;

			for (m = i; m < k && !dup[a]; m++) {
				size_t b = refs[m].index;

				if (!dup[b] && repo_ids_join_equal(
				    &partitions[a], &partitions[b]) &&
				    repo_ids_join_equal(&contents[a],
				    &contents[b]))
					dup[a] = true;
			}
		}
	}
	free(refs);
	return dup;
}

int
repo_get_batch(struct repo *r, const struct ids *partitions,
    const struct ids *contents, size_t n, repo_each_fn fn, repo_line_fn line,
    void *ctx, struct err *e)
{
	struct value **keys = NULL;
	size_t nkeys = 0, i;
	int rc = 0, stopped = 0;
	bool *dup;

	/* BatchGetItem refuses duplicate keys in one request, and a key
	 * asked for twice would print its item twice: ask once. */
	dup = repo_find_duplicates(partitions, contents, n);
	for (i = 0; i < n && rc == 0 && !stopped; i++) {
		if (dup[i])
			continue;
		if (keys == NULL)
			keys = xcalloc(REPO_BATCH_GET_MAX, sizeof *keys);
		keys[nkeys++] = repo_key(r, &partitions[i], &contents[i]);
		if (nkeys == REPO_BATCH_GET_MAX) {
			rc = repo_batch_get(r, keys, nkeys,
			    r->consistent_reads, fn, line, ctx, &stopped, e);
			keys = NULL;
			nkeys = 0;
		}
	}
	if (rc == 0 && !stopped && nkeys > 0) {
		rc = repo_batch_get(r, keys, nkeys, r->consistent_reads, fn,
		    line, ctx, &stopped, e);
		keys = NULL;
		nkeys = 0;
	}
	for (i = 0; i < nkeys; i++)
		value_free(keys[i]);
	free(keys);
	free(dup);
	return rc;
}
