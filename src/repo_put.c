/* SPDX-License-Identifier: ISC */
/* Put in batches: the stream of BatchWriteItems, the puts kept as text,
 * import's raw batch, and put_changed's compare with what is stored. */
#include "config.h"

#include "repo.h"

#include <stdlib.h>
#include <string.h>

#include "ddbjson.h"
#include "repo_private.h"
#include "request.h"
#include "store.h"
#include "xmalloc.h"

/* The arena of a put stream's keys is replaced after this many keys (a
 * key is ~200 bytes: one block of 64 KB); each keeps a reference. */
#define REPO_PUT_KEYS		256
#define REPO_PUT_KEYS_ARENA	(64u << 10)

struct repo_put_stream {
	struct repo		*r;
	struct repo_wave	*w;
	struct value_arena	*keys;	/* where the next keys are made */
	size_t			 nkeys;	/* made there */
};

struct repo_put_stream *
repo_put_stream_new(struct repo *r, struct err *e)
{
	struct repo_put_stream *ps;

	if (repo_check_writable(r, e) == -1 ||
	    repo_journal_start(r, "put-batch", e) == -1)
		return NULL;
	ps = xcalloc(1, sizeof *ps);
	ps->r = r;
	ps->w = repo_wave_new(r);
	return ps;
}

int
repo_put_stream_add(struct repo_put_stream *ps, const struct content *c,
    struct err *e)
{
	/* Each item its own _timestamp, as the library's put_batch. */
	struct write_request wr = { .value = repo_encode(ps->r, c, NULL) };

	return repo_wave_add(ps->w, wr, e);
}

/* A record of repo_put_text: this, the item's text, the key's two
 * strings. */
struct repo_put_text_head {
	size_t	item_len, pk_len, sk_len;
	size_t	stamp_at;	/* in the item: where its _timestamp goes */
	bool	canonical;	/* its numbers as DynamoDB stores them */
};

/* Whether repo_encode(c) is the key, c's item and the library's
 * attributes in that order: no member of the item takes the place of
 * one of them. */
static bool
repo_put_text_plain(const struct repo *r, const struct content *c)
{
	size_t i;

	for (i = 0; c->item != NULL && i < c->item->u.map.len; i++)
		if (repo_member_kind(r, c->item->u.map.items[i].name,
		    c->item->u.map.items[i].name_len) != RM_FIELD)
			return false;
	return true;
}

/* ,"name":{"S":"text"} as ddbjson_emit_item prints it; comma: with the
 * comma. */
static void
repo_put_text_attr(struct buf *b, bool comma, const char *name,
    const char *text, size_t len)
{
	if (comma)
		buf_addc(b, ',');
	buf_add_json_string(b, name, strlen(name));
	buf_add(b, ":{\"S\":", 6);
	buf_add_json_string(b, text, len);
	buf_addc(b, '}');
}

/* ,"name":{"N":"n"}. */
static void
repo_put_text_int(struct buf *b, const char *name, long long n)
{
	/* Digits need no escaping: no snprintf, no scan. */
	buf_addc(b, ',');
	buf_add_json_string(b, name, strlen(name));
	buf_add(b, ":{\"N\":\"", 7);
	buf_add_int(b, n);
	buf_add(b, "\"}", 2);
}

/* repo_encode(c)'s text, printed in pieces without making it (the key
 * strings in key, pk_len bytes then the sort key's), its _timestamp's
 * text left out at *stamp_at; the item's members by pe when given (-1
 * when it cannot print them), *canonical then set by it. */
static int
repo_put_text_pieces(const struct repo *r, const struct content *c,
    const struct repo_put_emit *pe, const struct buf *key, size_t pk_len,
    struct buf *b, size_t *stamp_at, bool *canonical)
{
	buf_addc(b, '{');
	repo_put_text_attr(b, false, r->partition_key, key->data, pk_len);
	repo_put_text_attr(b, true, r->sort_key, key->data + pk_len,
	    key->len - pk_len);
	if (pe != NULL) {
		if (pe->fn(pe->arg, c->item, b, canonical) == -1)
			return -1;
	} else if (c->item != NULL) {
		ddbjson_emit_members(b, c->item);
	}
	repo_put_text_int(b, REPO_VERSION, c->current_version);
	buf_add(b, ",\"" REPO_TIMESTAMP "\":{\"S\":\"",
	    sizeof ",\"" REPO_TIMESTAMP "\":{\"S\":\"" - 1);
	*stamp_at = b->len;
	buf_add(b, "\"}", 2);
	if (c->has_expiry)
		repo_put_text_int(b, REPO_TTL, c->expiry);
	buf_addc(b, '}');
	return 0;
}

/* repo_encode(c)'s text, its _timestamp's text left out at *stamp_at,
 * and its key's strings to key (pk_len bytes, then the sort key's); -1
 * when a key is not a string. */
static int
repo_put_text_encoded(const struct repo *r, const struct content *c,
    struct buf *key, size_t *pk_len, struct buf *b, size_t *stamp_at,
    bool *canonical)
{
	static const struct timespec zero;
	struct value *m = repo_encode(r, c, &zero);
	const struct value *pk = value_map_get(m, r->partition_key);
	const struct value *sk = value_map_get(m, r->sort_key);
	int rc = -1;

	if (pk->type == VT_S && sk->type == VT_S) {
		buf_add(key, pk->u.str.ptr, pk->u.str.len);
		*pk_len = key->len;
		buf_add(key, sk->u.str.ptr, sk->u.str.len);
		ddbjson_emit_item_hole(b, m, value_map_get(m, REPO_TIMESTAMP),
		    stamp_at);
		*canonical = r->journal != NULL && value_numbers_canonical(m);
		rc = 0;
	}
	value_free(m);
	return rc;
}

/* repo_put_text, the item's members printed by pe when given (NULL:
 * from c's item). */
static size_t
repo_put_text_with(const struct repo *r, const struct content *c,
    const struct repo_put_emit *pe, struct buf *b)
{
	struct repo_put_text_head h;
	struct buf key = BUF_INIT;
	size_t at = b->len;
	bool canonical = true;

	memset(&h, 0, sizeof h);
	buf_add(b, &h, sizeof h);
	if (pe != NULL || repo_put_text_plain(r, c)) {
		repo_partition_value(r, &c->partition_ids, &key);
		h.pk_len = key.len;
		repo_content_value(r, &c->content_ids, &key);
		if (repo_put_text_pieces(r, c, pe, &key, h.pk_len, b,
		    &h.stamp_at, r->journal != NULL ? &canonical : NULL) == -1)
			goto none;
		/* Every attribute's text is longer than its stored size
		 * but _timestamp's (at most 40 bytes): within DynamoDB's
		 * limits, surely, below those. */
		if (pe != NULL && (h.pk_len > 2048 ||
		    key.len - h.pk_len > 1024 ||
		    b->len - at - sizeof h + 40 > 400 * 1024))
			goto none;
		/* Only the journal asks (a tenth of keeping a line). */
		if (pe != NULL)
			h.canonical = r->journal != NULL && canonical;
		else
			h.canonical = r->journal != NULL &&
			    (c->item == NULL ||
			    value_numbers_canonical(c->item));
	} else if (repo_put_text_encoded(r, c, &key, &h.pk_len, b,
	    &h.stamp_at, &h.canonical) == -1) {
		goto none;
	}
	h.stamp_at -= at + sizeof h;
	h.item_len = b->len - at - sizeof h;
	h.sk_len = key.len - h.pk_len;
	buf_add(b, key.data, key.len);
	memcpy(b->data + at, &h, sizeof h);
	buf_cleanup(&key);
	return b->len - at;
none:
	buf_cleanup(&key);
	b->len = at;
	b->data[at] = '\0';
	return 0;
}

size_t
repo_put_text(const struct repo *r, const struct content *c, struct buf *b)
{
	return repo_put_text_with(r, c, NULL, b);
}

size_t
repo_put_text_emit(const struct repo *r, const struct content *c,
    const struct repo_put_emit *pe, struct buf *b)
{
	return repo_put_text_with(r, c, pe, b);
}

bool
repo_field_name(const struct repo *r, const char *name)
{
	return repo_member_kind(r, name, strlen(name)) == RM_FIELD;
}

/* The item of a repo_put_text record, stamped now. */
static void
repo_put_text_item(const struct repo *r, const struct repo_put_text_head *h,
    const char *item, struct buf *out)
{
	char iso[40];
	size_t n;

	repo_timestamp_text(r, NULL, iso);
	n = strlen(iso);
	buf_reserve(out, h->item_len + n);
	buf_add(out, item, h->stamp_at);
	buf_add(out, iso, n);
	buf_add(out, item + h->stamp_at, h->item_len - h->stamp_at);
}

/* The key of a repo_put_text record, made in the stream's arena of keys
 * (one allocation for hundreds of keys, not five for each). */
static struct value *
repo_put_text_key(struct repo_put_stream *ps,
    const struct repo_put_text_head *h, const char *pk)
{
	const struct repo *r = ps->r;
	struct value_arena *a;
	struct value *key;

	if (ps->keys != NULL && ps->nkeys == REPO_PUT_KEYS) {
		value_arena_unref(ps->keys);
		ps->keys = NULL;
	}
	if (ps->keys == NULL) {
		ps->keys = value_arena_new_sized(REPO_PUT_KEYS_ARENA);
		ps->nkeys = 0;
	}
	ps->nkeys++;
	a = ps->keys;
	key = value_arena_new_root_m(a);
	value_arena_map_reserve(a, key, 2);
	value_arena_map_add(a, key, r->partition_key,
	    strlen(r->partition_key),
	    value_arena_new_bytes(a, VT_S, pk, h->pk_len));
	value_arena_map_add(a, key, r->sort_key, strlen(r->sort_key),
	    value_arena_new_bytes(a, VT_S, pk + h->pk_len, h->sk_len));
	return key;
}

size_t
repo_put_text_size(const char *rec, size_t avail)
{
	struct repo_put_text_head h;

	if (avail < sizeof h)
		return 0;
	memcpy(&h, rec, sizeof h);
	if (h.item_len > avail || h.pk_len > avail || h.sk_len > avail ||
	    sizeof h + h.item_len + h.pk_len + h.sk_len > avail ||
	    h.stamp_at > h.item_len)
		return 0;
	return sizeof h + h.item_len + h.pk_len + h.sk_len;
}

int
repo_put_stream_add_text(struct repo_put_stream *ps, const char *rec,
    size_t *len, struct err *e)
{
	struct repo *r = ps->r;
	bool text = r->store->ops->write_text;
	struct write_request wr = { .is_delete = false };
	struct repo_put_text_head h;
	const char *item = rec + sizeof h;
	struct buf b = BUF_INIT;

	memcpy(&h, rec, sizeof h);
	*len = sizeof h + h.item_len + h.pk_len + h.sk_len;
	repo_put_text_item(r, &h, item, &b);
	/* The window finds entries by their key. The journal takes the
	 * text as the after-image when its numbers are as stored; else it
	 * needs the item, as does a store that cannot send the text. */
	wr.value_is_key = text && (r->journal == NULL || h.canonical);
	if (wr.value_is_key)
		wr.value = repo_put_text_key(ps, &h, item + h.item_len);
	else
		wr.value = ddbjson_parse_item(b.data, b.len, e);
	if (wr.value == NULL) {
		buf_cleanup(&b);
		err_prefix(e, "a put's kept text: ");
		return repo_wave_abort(ps->w, e);
	}
	if (text)
		wr.text = buf_detach(&b, &wr.text_len);
	buf_cleanup(&b);
	return repo_wave_add(ps->w, wr, e);
}

int
repo_put_stream_end(struct repo_put_stream *ps, size_t *written,
    struct err *e)
{
	/* After a failed add, flush sends nothing and says the failure
	 * again. */
	int rc = repo_wave_flush(ps->w, e);

	if (written != NULL)
		*written = repo_wave_done(ps->w);
	repo_wave_free(ps->w);
	value_arena_unref(ps->keys);
	free(ps);
	return rc;
}

int
repo_put_stream_stop(struct repo_put_stream *ps, size_t *written,
    struct err *e)
{
	repo_wave_stop(ps->w, e);
	if (written != NULL)
		*written = repo_wave_done(ps->w);
	repo_wave_free(ps->w);
	value_arena_unref(ps->keys);
	free(ps);
	return -1;
}

int
repo_put_batch(struct repo *r, struct content *const *cs, size_t n,
    size_t *written, struct err *e)
{
	struct repo_put_stream *ps = repo_put_stream_new(r, e);
	size_t i;

	if (written != NULL)
		*written = 0;
	if (ps == NULL)
		return -1;
	for (i = 0; i < n; i++)
		if (repo_put_stream_add(ps, cs[i], e) == -1)
			break;
	return repo_put_stream_end(ps, written, e);
}

/* Write stored items in a window of in_flight chunks of 25, journaled
 * as operation. Takes the items. */
static int
repo_write_items(struct repo *r, struct value **items, size_t n,
    const char *operation, size_t *written, struct err *e)
{
	struct repo_wave *w;
	size_t i;
	int rc = 0;

	if (repo_check_writable(r, e) == -1 ||
	    repo_journal_start(r, operation, e) == -1) {
		for (i = 0; i < n; i++)
			value_free(items[i]);
		return -1;
	}
	w = repo_wave_new(r);
	for (i = 0; i < n; i++) {
		struct write_request wr = { .value = items[i] };

		items[i] = NULL;
		if (rc == 0)
			rc = repo_wave_add(w, wr, e);
		else
			value_free(wr.value);
	}
	if (rc == 0)
		rc = repo_wave_flush(w, e);
	if (written != NULL)
		*written = repo_wave_done(w);
	repo_wave_free(w);
	return rc;
}

int
repo_put_raw_batch(struct repo *r, struct value **items, size_t n,
    size_t *written, struct err *e)
{
	return repo_write_items(r, items, n, "import", written, e);
}

bool
repo_content_equal(const struct content *a, const struct content *b)
{
	if (!ids_equal(&a->partition_ids, &b->partition_ids) ||
	    !ids_equal(&a->content_ids, &b->content_ids) ||
	    a->current_version != b->current_version ||
	    a->has_expiry != b->has_expiry ||
	    (a->has_expiry && a->expiry != b->expiry))
		return false;
	if (a->item == NULL || b->item == NULL)
		return a->item == b->item;
	return value_equal(a->item, b->item);
}

/* Order contents by partition ids, then content ids (segment-wise, as
 * Python compares lists of strings). */
static int
repo_content_cmp(const void *pa, const void *pb)
{
	const struct content *a = *(const struct content *const *)pa;
	const struct content *b = *(const struct content *const *)pb;
	const struct ids *x[2] = { &a->partition_ids, &a->content_ids };
	const struct ids *y[2] = { &b->partition_ids, &b->content_ids };
	size_t k, i;
	int c;

	for (k = 0; k < 2; k++) {
		for (i = 0; i < x[k]->n && i < y[k]->n; i++)
			if ((c = strcmp(x[k]->v[i], y[k]->v[i])) != 0)
				return c;
		if (x[k]->n != y[k]->n)
			return x[k]->n < y[k]->n ? -1 : 1;
	}
	return 0;
}

/* Collects the stored contents of one partition range. */
struct repo_existing {
	struct content	**v;
	size_t		  n;
};

static int
repo_existing_add(void *ctx, struct content *c)
{
	struct repo_existing *x = ctx;

	x->v = xreallocarray(x->v, x->n + 1, sizeof *x->v);
	x->v[x->n++] = c;
	return 0;
}

/* A content and its place in the input. */
struct repo_placed {
	struct content	*c;
	size_t		 at;
};

/* By key, then by place in the input (qsort is not stable). */
static int
repo_placed_cmp(const void *pa, const void *pb)
{
	const struct repo_placed *a = pa, *b = pb;
	int c = repo_content_cmp(&a->c, &b->c);

	if (c != 0)
		return c;
	return a->at < b->at ? -1 : a->at > b->at;
}

/* The contents sorted by key, each key once: its last line, as writing
 * them in order would leave it. Returns how many; *superseded counts the
 * earlier lines dropped. */
static size_t
repo_sort_last_per_key(struct content *const *cs, size_t n,
    struct content **sorted, size_t *superseded)
{
	struct repo_placed *p = xcalloc(n ? n : 1, sizeof *p);
	size_t i, m = 0;

	for (i = 0; i < n; i++) {
		p[i].c = cs[i];
		p[i].at = i;
	}
	qsort(p, n, sizeof *p, repo_placed_cmp);
	for (i = 0; i < n; i++)
		if (i + 1 == n || repo_content_cmp(&p[i].c, &p[i + 1].c) != 0)
			sorted[m++] = p[i].c;
	free(p);
	*superseded = n - m;
	return m;
}

int
repo_put_changed(struct repo *r, struct content *const *cs, size_t n,
    size_t *written, size_t *unchanged, struct err *e)
{
	struct content **sorted, **changed;
	size_t i, j, start, nchanged = 0, same = 0, done = 0;
	int rc = 0;

	if (repo_check_writable(r, e) == -1)
		return -1;
	sorted = xcalloc(n ? n : 1, sizeof *sorted);
	changed = xcalloc(n ? n : 1, sizeof *changed);
	/* A key given twice: the last line decides, compared with what
	 * is stored; the earlier ones count as unchanged (not written). */
	n = repo_sort_last_per_key(cs, n, sorted, &same);
	for (start = 0; start < n && rc == 0; start = i) {
		struct repo_existing x = { NULL, 0 };

		/* Asked to stop (Ctrl-C): nothing more is read or sent. */
		if (repo_stopping(r)) {
			rc = err_set(e, ERR_CANCELLED, "interrupted: what was "
			    "sent is journaled, the rest not sent");
			break;
		}
		/* One partition: [start, i). */
		for (i = start + 1; i < n &&
		    ids_equal(&sorted[i]->partition_ids,
		    &sorted[start]->partition_ids); i++)
			;
		rc = repo_list_between(r, &sorted[start]->partition_ids,
		    &sorted[start]->content_ids, &sorted[i - 1]->content_ids,
		    NULL, repo_existing_add, &x, e);
		for (j = start; j < i && rc == 0; j++) {
			size_t k;
			bool found = false;

			for (k = 0; k < x.n && !found; k++)
				found = repo_content_equal(sorted[j], x.v[k]);
			if (found)
				same++;
			else
				changed[nchanged++] = sorted[j];
		}
		for (j = 0; j < x.n; j++)
			content_free(x.v[j]);
		free(x.v);
	}
	if (rc == 0 && nchanged > 0)
		rc = repo_put_batch(r, changed, nchanged, &done, e);
	free(sorted);
	free(changed);
	if (written != NULL)
		*written = done;
	if (unchanged != NULL)
		*unchanged = same;
	return rc;
}
