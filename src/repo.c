/* SPDX-License-Identifier: ISC */
/* A pydantic-dynamo repository: the library's layout and semantics over a
 * store. */
#include "config.h"

#include "repo.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddbjson.h"
#include "number.h"
#include "repo_private.h"
#include "request.h"
#include "xmalloc.h"

struct repo *
repo_new(const struct repo_config *cfg, struct store *st,
    const struct clock_ops *clock)
{
	struct repo *r = xcalloc(1, sizeof *r);

	r->table = xstrdup(cfg->table);
	r->partition_key = xstrdup(cfg->partition_key != NULL ?
	    cfg->partition_key : "_table_item_id");
	r->sort_key = xstrdup(cfg->sort_key != NULL ? cfg->sort_key :
	    "_table_content_id");
	r->partition_key_len = strlen(r->partition_key);
	r->sort_key_len = strlen(r->sort_key);
	/* In the order of enum repo_member, which is repo_member_kind's. */
	ddbjson_text_apart_init(&r->text_apart);
	ddbjson_text_apart_add(&r->text_apart, r->partition_key);
	ddbjson_text_apart_add(&r->text_apart, r->sort_key);
	ddbjson_text_apart_add(&r->text_apart, REPO_VERSION);
	ddbjson_text_apart_add(&r->text_apart, REPO_TIMESTAMP);
	ddbjson_text_apart_add(&r->text_apart, REPO_TTL);
	ddbjson_text_order_init(&r->text_order);
	r->partition_prefix = xasprintf("%s#%s#", cfg->partition_prefix,
	    cfg->partition_name);
	r->content_prefix = xasprintf("%s#", cfg->content_type);
	r->partition_prefix_len = strlen(r->partition_prefix);
	r->content_prefix_len = strlen(r->content_prefix);
	r->name = xstrdup(cfg->name != NULL ? cfg->name : cfg->table);
	r->consistent_reads = cfg->consistent_reads;
	r->read_only = cfg->read_only;
	r->journal = cfg->journal;
	r->in_flight = cfg->in_flight > 0 ? cfg->in_flight :
	    REPO_IN_FLIGHT_DEFAULT;
	r->stop = cfg->stop;
	if (r->in_flight > REPO_IN_FLIGHT_MAX)
		r->in_flight = REPO_IN_FLIGHT_MAX;
	r->store = st;
	r->clock = clock != NULL ? clock : clock_system();
	return r;
}

void
repo_free(struct repo *r)
{
	if (r == NULL)
		return;
	free(r->table);
	free(r->partition_key);
	free(r->sort_key);
	free(r->partition_prefix);
	free(r->content_prefix);
	free(r->name);
	buf_cleanup(&r->text_lines);
	buf_cleanup(&r->text_scratch);
	buf_cleanup(&r->text_fields);
	free(r->text_items);
	free(r);
}

struct store *
repo_store(const struct repo *r)
{
	return r->store;
}

const char *
repo_table(const struct repo *r)
{
	return r->table;
}

const char *
repo_name(const struct repo *r)
{
	return r->name;
}

bool
repo_read_only(const struct repo *r)
{
	return r->read_only;
}

bool
repo_stopping(const struct repo *r)
{
	return r->stop != NULL && *r->stop != 0;
}

struct journal *
repo_journal(const struct repo *r)
{
	return r->journal;
}

const struct repo_stats *
repo_stats(const struct repo *r)
{
	return &r->stats;
}

/* Execute through the store, counting. */
int
repo_execute(struct repo *r, const struct request *rq, struct response *rs,
    struct err *e)
{
	int rc;

	r->stats.requests++;
	rc = store_execute(r->store, rq, rs, e);
	r->stats.capacity += rs->consumed_capacity;
	return rc;
}

/* Refuse writes on a read-only repository, in the core. */
int
repo_check_writable(const struct repo *r, struct err *e)
{
	if (r->read_only)
		return err_set(e, ERR_READ_ONLY, "profile %s is read-only: "
		    "nothing was written", r->name);
	return 0;
}

void
repo_partition_value(const struct repo *r, const struct ids *ids,
    struct buf *b)
{
	buf_add(b, r->partition_prefix, r->partition_prefix_len);
	if (ids != NULL)
		ids_join(ids, b);
}

void
repo_content_value(const struct repo *r, const struct ids *ids, struct buf *b)
{
	buf_add(b, r->content_prefix, r->content_prefix_len);
	if (ids != NULL)
		ids_join(ids, b);
}

/* An S value holding a built key string. */
static struct value *
repo_key_string(const struct repo *r, const struct ids *ids, bool partition)
{
	struct buf b = BUF_INIT;
	struct value *v;
	size_t len;
	char *s;

	if (partition)
		repo_partition_value(r, ids, &b);
	else
		repo_content_value(r, ids, &b);
	s = buf_detach(&b, &len);
	v = value_new_owned(VT_S, s, len);
	return v;
}

struct value *
repo_key(const struct repo *r, const struct ids *partition,
    const struct ids *content)
{
	struct value *m = value_new_m();

	value_map_set(m, r->partition_key, repo_key_string(r, partition, true));
	value_map_set(m, r->sort_key, repo_key_string(r, content, false));
	return m;
}

/* How many '#'-separated segments s has: one more than its '#'s. */
static size_t
repo_count_segments(const char *s)
{
	size_t n = 1;

	while ((s = strchr(s, '#')) != NULL) {
		n++;
		s++;
	}
	return n;
}

/* The library reads ids with .replace(prefix, "", 1).split("#"): the first
 * occurrence of the prefix is removed wherever it is, and an empty rest
 * gives one empty id. fn gets each id (not NUL-terminated) in order;
 * returns how many. */
size_t
repo_ids_each(const char *stored, const char *prefix,
    void (*fn)(void *, const char *, size_t), void *ctx)
{
	const char *at = strstr(stored, prefix);
	struct buf rest = BUF_INIT;
	const char *p, *hash;
	size_t n = 0;

	if (at == stored) {
		/* The usual key: the prefix leads, nothing to remove. */
		p = stored + strlen(prefix);
	} else {
		if (at != NULL) {
			buf_add(&rest, stored, (size_t)(at - stored));
			buf_adds(&rest, at + strlen(prefix));
		} else {
			buf_adds(&rest, stored);
		}
		p = buf_cstr(&rest);
	}
	for (;; n++) {
		hash = strchr(p, '#');
		if (hash == NULL) {
			fn(ctx, p, strlen(p));
			break;
		}
		fn(ctx, p, (size_t)(hash - p));
		p = hash + 1;
	}
	buf_cleanup(&rest);
	return n + 1;
}

/* repo_ids_each: one id into the ids. */
static void
repo_add_id(void *ctx, const char *s, size_t len)
{
	struct ids *out = ctx;

	out->v[out->n++] = xstrndup(s, len);
}

static void
repo_read_ids(const char *stored, const char *prefix, struct ids *out)
{
	ids_init(out);
	/* One array for all the segments rather than a regrowth each. */
	out->v = xreallocarray(NULL, repo_count_segments(stored),
	    sizeof *out->v);
	repo_ids_each(stored, prefix, repo_add_id, out);
}

/* True when name (of len bytes) is lit; lengths first, as most names
 * differ there. */
static bool
repo_name_is(const char *name, size_t len, const char *lit, size_t litlen)
{
	return len == litlen && memcmp(name, lit, len) == 0;
}

#define REPO_NAME_IS(name, len, lit) \
	repo_name_is((name), (len), (lit), sizeof(lit) - 1)

/* This runs for every attribute of every listed item. */
enum repo_member
repo_member_kind(const struct repo *r, const char *name, size_t len)
{
	if (repo_name_is(name, len, r->partition_key, r->partition_key_len))
		return RM_PARTITION_KEY;
	if (repo_name_is(name, len, r->sort_key, r->sort_key_len))
		return RM_SORT_KEY;
	if (len == 0 || name[0] != '_')
		return RM_FIELD;
	if (REPO_NAME_IS(name, len, REPO_VERSION))
		return RM_VERSION;
	if (REPO_NAME_IS(name, len, REPO_TIMESTAMP))
		return RM_TIMESTAMP;
	if (REPO_NAME_IS(name, len, REPO_TTL))
		return RM_TTL;
	return RM_FIELD;
}

/* True for a member of a stored item that is one of the model's fields,
 * not a key or one of the library's own attributes; ctx is the repo. */
static bool
repo_is_model_field(const struct value_member *m, const void *ctx)
{
	return repo_member_kind(ctx, m->name, m->name_len) == RM_FIELD;
}

/* A key attribute of a stored item, which must be a string. */
static const char *
repo_stored_key(const struct value *v, const char *name, struct err *e)
{
	if (v == NULL || v->type != VT_S) {
		err_set(e, ERR_INPUT, "stored item has no string key "
		    "attribute %s", name);
		return NULL;
	}
	return v->u.str.ptr;
}

void
repo_set_shared_contents(struct repo *r, bool shared)
{
	r->shared_contents = shared;
}

struct content *
repo_decode(const struct repo *r, struct value *stored, struct err *e)
{
	struct content *c;
	const char *pk, *sk;
	const struct value *v, *kind[RM_TTL + 1] = { NULL };
	long long n;
	size_t i;

	/* The keys and the library's attributes, in one pass. */
	for (i = 0; stored->type == VT_M && i < stored->u.map.len; i++) {
		const struct value_member *m = &stored->u.map.items[i];
		enum repo_member k = repo_member_kind(r, m->name, m->name_len);

		if (kind[k] == NULL)	/* the first, as a lookup finds */
			kind[k] = m->value;
	}
	if ((pk = repo_stored_key(kind[RM_PARTITION_KEY], r->partition_key,
	    e)) == NULL ||
	    (sk = repo_stored_key(kind[RM_SORT_KEY], r->sort_key, e)) == NULL) {
		value_free(stored);
		return NULL;
	}
	c = content_new();
	repo_read_ids(pk, r->partition_prefix, &c->partition_ids);
	repo_read_ids(sk, r->content_prefix, &c->content_ids);

	/* Numbers as the library reads them: "if version := ..." and "if
	 * db_expiry := ..." test the stored Decimal, then int() of it
	 * (pydantic 1's, for the version) drops the fraction. Only a zero
	 * is the default version, 1, or no expiry; 0.5 is version 0, or an
	 * expiry at 1970-01-01. */
	v = kind[RM_VERSION];
	if (v != NULL && v->type == VT_N && number_to_ll_if_true(
	    v->u.str.ptr, v->u.str.len, &n) == 1)
		c->current_version = n;
	v = kind[RM_TTL];
	if (v != NULL && v->type == VT_N && number_to_ll_if_true(
	    v->u.str.ptr, v->u.str.len, &n) == 1) {
		c->expiry = n;
		c->has_expiry = true;
	}

	if (r->shared_contents && value_is_arena_root(stored)) {
		/* No copy: the model's fields are the page's own values. */
		c->item = value_arena_view_m(stored, repo_is_model_field, r);
	} else {
		c->item = value_new_m();
		/* A map's member names are unique: append, without a
		 * lookup each. */
		value_map_reserve(c->item, stored->u.map.len);
		for (i = 0; i < stored->u.map.len; i++) {
			const struct value_member *m = &stored->u.map.items[i];

			if (!repo_is_model_field(m, r))
				continue;
			value_map_add_owned(c->item, xmemdup(m->name,
			    m->name_len + 1), m->name_len,
			    value_copy(m->value));
		}
	}
	c->stored = stored;
	return c;
}

/* An N value from an integer. */
static struct value *
repo_int(long long n)
{
	char text[32];

	snprintf(text, sizeof text, "%lld", n);
	return value_new_n(text, strlen(text));
}

/* The current time (now when not NULL) as the library writes _timestamp;
 * iso holds 40 bytes. */
void
repo_timestamp_text(const struct repo *r, const struct timespec *now,
    char *iso)
{
	struct timespec ts;

	if (now == NULL) {
		r->clock->now(r->clock->ctx, &ts);
		now = &ts;
	}
	clock_format_iso(now, iso);
}

/* The current time as the library writes _timestamp. */
static struct value *
repo_timestamp(const struct repo *r, const struct timespec *now)
{
	char iso[40];

	repo_timestamp_text(r, now, iso);
	return value_new_str(iso);
}

/* Whether a member name is the partition or the sort key's. */
static bool
repo_is_key_name(const struct repo *r, const char *name, size_t len)
{
	return (strlen(r->partition_key) == len &&
	    memcmp(r->partition_key, name, len) == 0) ||
	    (strlen(r->sort_key) == len && memcmp(r->sort_key, name, len) == 0);
}

/* Set an attribute of an item being encoded, in arena a when not NULL
 * (then v is a value of a, or shared with the content's item). */
static void
repo_encode_set(struct value_arena *a, struct value *m, const char *name,
    size_t len, struct value *v)
{
	if (a != NULL)
		value_arena_map_set(a, m, name, len, v);
	else
		value_map_setn(m, name, len, v);
}

/* Set an S or N attribute from its text. */
static void
repo_encode_text(struct value_arena *a, struct value *m, const char *name,
    enum value_type t, const char *p, size_t len)
{
	repo_encode_set(a, m, name, strlen(name),
	    value_new_bytes_in(a, t, p, len));
}

/* Set an N attribute from an integer. */
static void
repo_encode_int(struct value_arena *a, struct value *m, const char *name,
    long long n)
{
	char text[32];

	snprintf(text, sizeof text, "%lld", n);
	repo_encode_text(a, m, name, VT_N, text, strlen(text));
}

/* Set a key attribute: its ids as the library joins them. */
static void
repo_encode_key(const struct repo *r, struct value_arena *a, struct value *m,
    const struct ids *ids, bool partition)
{
	struct buf b = BUF_INIT;

	if (partition)
		repo_partition_value(r, ids, &b);
	else
		repo_content_value(r, ids, &b);
	repo_encode_text(a, m, partition ? r->partition_key : r->sort_key,
	    VT_S, b.data, b.len);
	buf_cleanup(&b);
}

struct value *
repo_encode(const struct repo *r, const struct content *c,
    const struct timespec *now)
{
	/* A content in an arena is encoded there, sharing its item's
	 * members instead of copying them. */
	struct value_arena *a = c->arena;
	struct value *m = a != NULL ? value_arena_new_root_m(a) :
	    value_new_m();
	char iso[40];
	size_t i;

	if (a != NULL)
		value_arena_map_reserve(a, m, (c->item != NULL ?
		    c->item->u.map.len : 0) + 5);
	repo_encode_key(r, a, m, &c->partition_ids, true);
	repo_encode_key(r, a, m, &c->content_ids, false);
	if (c->item != NULL)
		for (i = 0; i < c->item->u.map.len; i++) {
			const struct value_member *f = &c->item->u.map.items[i];

			if (a == NULL)
				value_map_setn(m, f->name, f->name_len,
				    value_copy(f->value));
			else if (repo_is_key_name(r, f->name, f->name_len))
				value_arena_map_set(a, m, f->name, f->name_len,
				    f->value);
			else
				/* The item's names are unique, and none is
				 * a key's: no lookup. */
				value_arena_map_add(a, m, f->name, f->name_len,
				    f->value);
		}
	repo_encode_int(a, m, REPO_VERSION, c->current_version);
	repo_timestamp_text(r, now, iso);
	repo_encode_text(a, m, REPO_TIMESTAMP, VT_S, iso, strlen(iso));
	if (c->has_expiry)
		repo_encode_int(a, m, REPO_TTL, c->expiry);
	return m;
}

/* Full-jitter exponential backoff for unprocessed batch entries: how
 * long, in ms. */
int64_t
repo_backoff_ms(struct repo *r, int round)
{
	int64_t cap = 50LL << (round < 10 ? round : 10);

	if (cap > 5000)
		cap = 5000;
	return (int64_t)(r->clock->random(r->clock->ctx) %
	    (uint32_t)(cap + 1));
}

int
repo_backoff(struct repo *r, int round, struct err *e)
{
	if (r->clock->sleep_ms(r->clock->ctx, repo_backoff_ms(r, round)) != 0)
		return err_set(e, ERR_CANCELLED, "cancelled");
	return 0;
}

int
repo_get(struct repo *r, const struct ids *partition,
    const struct ids *content, struct content **out, struct err *e)
{
	struct request rq;
	struct response rs;
	int rc;

	*out = NULL;
	request_init(&rq, OP_GET_ITEM, r->table);
	rq.key = repo_key(r, partition, content);
	rq.consistent_read = r->consistent_reads;
	response_init(&rs);
	rc = repo_execute(r, &rq, &rs, e);
	if (rc == 0 && rs.item != NULL) {
		*out = repo_decode(r, rs.item, e);
		rs.item = NULL;
		if (*out == NULL)
			rc = -1;
	}
	response_cleanup(&rs);
	request_cleanup(&rq);
	return rc;
}

/* Hand every item of a response to fn; returns 1 when fn asked to stop. */
int
repo_deliver(struct repo *r, struct response *rs, size_t *delivered,
    long limit, repo_each_fn fn, void *ctx, struct err *e)
{
	size_t i;
	int stop = 0, rc = 0;

	for (i = 0; i < rs->nitems; i++) {
		struct value *item = rs->items[i];
		struct content *c;

		rs->items[i] = NULL;
		if (stop || rc != 0) {
			value_free(item);
			continue;
		}
		c = repo_decode(r, item, e);
		if (c == NULL) {
			rc = -1;
			continue;
		}
		(*delivered)++;
		if (fn(ctx, c) != 0)
			stop = 1;
		if (limit > 0 && *delivered >= (size_t)limit)
			stop = 1;
	}
	return rc != 0 ? -1 : stop;
}

/* Read an items array kept as text, "[...]", each item by fn, which
 * steps *p past it; -1 when fn or the array finds it wrong. As strict
 * as the parser: '[', items one comma apart, ']', whitespace about. */
int
repo_text_items(const char *p, const char *end,
    int (*fn)(void *ctx, const char **p, const char *end), void *ctx)
{
	p = ddbjson_text_ws(p + 1, end);
	if (p < end && *p == ']')
		return ddbjson_text_ws(p + 1, end) == end ? 0 : -1;
	for (;;) {
		if (fn(ctx, &p, end) != 0)
			return -1;
		p = ddbjson_text_ws(p, end);
		if (p < end && *p == ',') {
			p = ddbjson_text_ws(p + 1, end);
			continue;
		}
		if (p < end && *p == ']')
			return ddbjson_text_ws(p + 1, end) == end ? 0 : -1;
		return -1;
	}
}

/* repo_read_text's work: the items read so far. */
struct repo_text_work {
	struct repo		*r;
	struct repo_text_item	*it;
	size_t			 n, cap;
};

/* One item of a text page: its line, or its content made the long
 * way. */
static int
repo_read_text_item(void *ctx, const char **p, const char *end)
{
	struct repo_text_work *rt = ctx;
	struct repo *r = rt->r;
	struct content *c = NULL;
	struct value *v;
	const char *q;

	if (repo_item_line(r, &r->text_order, p, end, &r->text_scratch,
	    &r->text_fields, &r->text_lines) != 0) {
		q = *p;
		if (ddbjson_text_skip_value(&q, end) != 0 ||
		    (v = ddbjson_parse_item(*p, (size_t)(q - *p), NULL)) ==
		    NULL || (c = repo_decode(r, v, NULL)) == NULL)
			return -1;
		*p = q;
	}
	if (rt->n == rt->cap) {
		rt->cap = rt->cap != 0 ? rt->cap * 2 : 256;
		rt->it = xreallocarray(rt->it, rt->cap, sizeof *rt->it);
	}
	rt->it[rt->n].end = r->text_lines.len;
	rt->it[rt->n++].c = c;
	return 0;
}

/*
 * Read the items array of a text page whole into r->text_items: each item
 * made into its line (r->text_lines), or, where repo_item_line leaves it,
 * parsed and decoded. -1 when the array or an item is wrong (nothing kept
 * then).
 */
static int
repo_read_text(struct repo *r, const struct response *rs, size_t *nout)
{
	struct repo_text_work rt = { r, r->text_items, 0, r->text_items_cap };
	struct buf *lines = &r->text_lines;
	int rc;

	/* The lines are about as long as the items' DynamoDB JSON: room
	 * for them at once, on huge pages, kept for the next page. */
	if (lines->cap <= rs->items_text_len) {
		buf_cleanup(lines);
		buf_init_huge(lines, rs->items_text_len + 1);
	}
	buf_reset(lines);
	rc = repo_text_items(rs->items_text, rs->items_text +
	    rs->items_text_len, repo_read_text_item, &rt);
	r->text_items = rt.it;
	r->text_items_cap = rt.cap;
	if (rc != 0)
		while (rt.n > 0)
			content_free(rt.it[--rt.n].c);
	*nout = rt.n;
	return rc;
}

/*
 * Hand every item of a page kept as text (response.items_text): as its
 * line, or decoded to fn where the text path leaves it to the parser.
 * The page is read whole before any of it is handed over; when anything
 * in it is wrong, the store parses the whole answer, and it is delivered
 * (or refused, with the parser's message) as repo_deliver does. Returns 1
 * when fn or line asked to stop.
 */
int
repo_deliver_text(struct repo *r, const struct request *rq,
    struct response *rs, size_t *delivered, repo_line_fn line_fn,
    repo_each_fn fn, void *ctx, struct err *e)
{
	struct repo_text_item *it;
	size_t n, i, start = 0;
	int stop = 0;

	if (repo_read_text(r, rs, &n) != 0) {
		if (rs->items_reparse(rq, rs, e) != 0)
			return -1;
		return repo_deliver(r, rs, delivered, 0, fn, ctx, e);
	}
	it = r->text_items;
	for (i = 0; i < n; i++) {
		if (stop)
			content_free(it[i].c);
		else if (it[i].c != NULL)
			stop = fn(ctx, it[i].c) != 0;
		else
			stop = line_fn(ctx, r->text_lines.data + start,
			    it[i].end - start) != 0;
		start = it[i].end;
		if (!stop)
			(*delivered)++;
	}
	return stop;
}

/*
 * The next Query page asked for on a thread of its own while the previous
 * page is delivered. The thread is made at the first page asked for and
 * kept until the query ends (one a page cost a thread's start each time:
 * its stack faulted in again, 32 of them for a filtered list of 100,000
 * items). A request asked for belongs to the thread until it is
 * collected; the repository's store and counters too.
 */
enum repo_prefetch_state { RP_IDLE, RP_ASKED, RP_DONE, RP_STOP };

struct repo_prefetch {
	struct repo		*r;
	const struct request	*rq;
	struct response		 rs;
	struct err		 e;
	int			 rc;
	enum repo_prefetch_state state;
	bool			 started;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	pthread_t		 thread;
};

/* The prefetch thread: one repo_execute, retries and all, for each page
 * asked for, until told to stop. */
static void *
repo_prefetch_run(void *arg)
{
	struct repo_prefetch *pf = arg;

	pthread_mutex_lock(&pf->lock);
	for (;;) {
		while (pf->state == RP_IDLE || pf->state == RP_DONE)
			pthread_cond_wait(&pf->cond, &pf->lock);
		if (pf->state == RP_STOP)
			break;
		pthread_mutex_unlock(&pf->lock);
		pf->rc = repo_execute(pf->r, pf->rq, &pf->rs, &pf->e);
		pthread_mutex_lock(&pf->lock);
		pf->state = RP_DONE;
		pthread_cond_broadcast(&pf->cond);
	}
	pthread_mutex_unlock(&pf->lock);
	return NULL;
}

/* Start fetching rq's page, the thread made the first time; false when
 * it could not be made (the caller then fetches the page itself). */
static bool
repo_prefetch_start(struct repo_prefetch *pf, struct repo *r,
    const struct request *rq)
{
	if (!pf->started) {
		pf->state = RP_IDLE;
		pthread_mutex_init(&pf->lock, NULL);
		pthread_cond_init(&pf->cond, NULL);
		if (store_thread_start(&pf->thread, repo_prefetch_run,
		    pf) != 0) {
			pthread_cond_destroy(&pf->cond);
			pthread_mutex_destroy(&pf->lock);
			return false;
		}
		pf->started = true;
	}
	pthread_mutex_lock(&pf->lock);
	pf->r = r;
	pf->rq = rq;
	pf->rc = -1;
	response_init(&pf->rs);
	err_clear(&pf->e);
	pf->state = RP_ASKED;
	pthread_cond_broadcast(&pf->cond);
	pthread_mutex_unlock(&pf->lock);
	return true;
}

/* Wait for the page: its response moves to *rs, its error to *e. */
static int
repo_prefetch_join(struct repo_prefetch *pf, struct response *rs,
    struct err *e)
{
	pthread_mutex_lock(&pf->lock);
	while (pf->state != RP_DONE)
		pthread_cond_wait(&pf->cond, &pf->lock);
	pf->state = RP_IDLE;
	pthread_mutex_unlock(&pf->lock);
	*rs = pf->rs;
	if (pf->rc != 0 && e != NULL)
		*e = pf->e;
	return pf->rc;
}

/* Stop the thread, if it was made; no page is asked for then. */
static void
repo_prefetch_end(struct repo_prefetch *pf)
{
	if (!pf->started)
		return;
	pthread_mutex_lock(&pf->lock);
	pf->state = RP_STOP;
	pthread_cond_broadcast(&pf->cond);
	pthread_mutex_unlock(&pf->lock);
	pthread_join(pf->thread, NULL);
	pthread_cond_destroy(&pf->cond);
	pthread_mutex_destroy(&pf->lock);
	pf->started = false;
}

/* Whether repo_query may ask for the next page early: only for a caller
 * that said its fn leaves the repository alone, and when nothing depends
 * on what was delivered (a limit sets the next page's Limit; progress
 * reads the counters the thread updates). */
static bool
repo_query_prefetches(const struct repo *r, const struct repo_list_opts *opts)
{
	return opts != NULL && opts->prefetch && opts->limit == 0 &&
	    opts->progress == NULL && r->store->ops->prefetch;
}

/* Run a query to its end (or the limit), page by page. With prefetch the
 * next page is asked for as soon as this one's LastEvaluatedKey is known,
 * and received and decoded while this one is delivered; errors and the
 * order of the items are the same as without. */
static int
repo_query(struct repo *r, struct expr *key_condition,
    const struct repo_list_opts *opts, repo_each_fn fn, void *ctx,
    struct err *e)
{
	struct request rq;
	struct response rs;
	struct repo_prefetch pf = { .started = false };
	bool prefetch = repo_query_prefetches(r, opts), fetching;
	size_t delivered = 0;
	int rc, fetched;

	request_init(&rq, OP_QUERY, r->table);
	rq.key_condition = key_condition;
	rq.consistent_read = r->consistent_reads;
	rq.items_as_text = opts != NULL && opts->line != NULL &&
	    opts->limit == 0 && opts->progress == NULL;
	if (opts != NULL) {
		rq.scan_forward = !opts->descending;
		if (opts->filter != NULL)
			rq.filter = expr_copy(opts->filter);
	}
	/* DynamoDB's Limit counts items before the filter, so it only
	 * bounds a page when there is no filter; with one, we count
	 * matching items ourselves. */
	if (opts != NULL && opts->limit > 0 && rq.filter == NULL)
		rq.limit = opts->limit;
	else if (opts != NULL && opts->first_page > 0 && rq.filter == NULL)
		rq.limit = opts->first_page;
	response_init(&rs);
	rc = repo_execute(r, &rq, &rs, e);
	if (opts != NULL && opts->limit == 0)
		rq.limit = 0;
	while (rc == 0) {
		value_free(rq.exclusive_start_key);
		rq.exclusive_start_key = rs.last_evaluated_key;
		rs.last_evaluated_key = NULL;
		fetching = prefetch && rq.exclusive_start_key != NULL &&
		    repo_prefetch_start(&pf, r, &rq);
		if (rs.items_text != NULL)
			rc = repo_deliver_text(r, &rq, &rs, &delivered,
			    opts->line, fn, ctx, e);
		else
			rc = repo_deliver(r, &rs, &delivered,
			    opts != NULL ? opts->limit : 0, fn, ctx, e);
		if (rc == 0 && opts != NULL && opts->progress != NULL)
			opts->progress(ctx, delivered, r->stats.capacity);
		response_cleanup(&rs);
		response_init(&rs);
		if (fetching) {
			/* A page asked for after an error or a stop is
			 * thrown away, as if it had not been. */
			fetched = repo_prefetch_join(&pf, &rs,
			    rc == 0 ? e : NULL);
			if (rc == 0)
				rc = fetched;
		} else if (rc == 0 && rq.exclusive_start_key != NULL) {
			if (opts != NULL && opts->limit > 0 &&
			    rq.filter == NULL)
				rq.limit = opts->limit - (long)delivered;
			rc = repo_execute(r, &rq, &rs, e);
		} else {
			break;
		}
	}
	repo_prefetch_end(&pf);
	response_cleanup(&rs);
	request_cleanup(&rq);
	return rc < 0 ? -1 : 0;
}

/* #pk = :p */
static struct expr *
repo_pk_equals(struct repo *r, const struct ids *partition)
{
	return expr_new(EX_EQ, 2, expr_new_name(r->partition_key),
	    expr_new_value(repo_key_string(r, partition, true)));
}

int
repo_list(struct repo *r, const struct ids *partition,
    const struct ids *prefix, const struct repo_list_opts *opts,
    repo_each_fn fn, void *ctx, struct err *e)
{
	struct expr *kc;

	kc = expr_and(repo_pk_equals(r, partition),
	    expr_new(EX_BEGINS_WITH, 2, expr_new_name(r->sort_key),
	    expr_new_value(repo_key_string(r, prefix, false))));
	return repo_query(r, kc, opts, fn, ctx, e);
}

int
repo_list_between(struct repo *r, const struct ids *partition,
    const struct ids *start, const struct ids *end,
    const struct repo_list_opts *opts, repo_each_fn fn, void *ctx,
    struct err *e)
{
	struct expr *kc;

	if (ids_equal(start, end))
		return repo_list(r, partition, start, opts, fn, ctx, e);
	kc = expr_and(repo_pk_equals(r, partition),
	    expr_new(EX_BETWEEN, 3, expr_new_name(r->sort_key),
	    expr_new_value(repo_key_string(r, start, false)),
	    expr_new_value(repo_key_string(r, end, false))));
	return repo_query(r, kc, opts, fn, ctx, e);
}

/* Whether two items carry the same time stamp (_timestamp). */
static bool
repo_same_stamp(const struct value *a, const struct value *b)
{
	const struct value *x = a != NULL ? value_map_get(a, REPO_TIMESTAMP) :
	    NULL;
	const struct value *y = b != NULL ? value_map_get(b, REPO_TIMESTAMP) :
	    NULL;

	return x != NULL && y != NULL && value_equal(x, y);
}

/* PutItem of c under a condition (taken; NULL: none), journaled. */
static int
repo_put_cond(struct repo *r, const struct content *c, struct expr *cond,
    struct err *e)
{
	struct request rq;
	struct response rs;
	int rc;

	if (repo_check_writable(r, e) == -1 ||
	    repo_journal_start(r, "put", e) == -1) {
		expr_free(cond);
		return -1;
	}
	request_init(&rq, OP_PUT_ITEM, r->table);
	rq.item = repo_encode(r, c, NULL);
	rq.condition = cond;
	response_init(&rs);
	if (r->journal != NULL)
		rq.return_values = RV_ALL_OLD;
	rc = repo_execute(r, &rq, &rs, e);
	/* Without an answer there is no before-image to keep. An answer to
	 * a retry whose old item has this put's time stamp (new to the
	 * microsecond) had an attempt before it stored, and its answer
	 * lost: what that attempt replaced is unknown, and an entry with
	 * the old item as the before-image would undo to this very item.
	 * The stamp, not the item: DynamoDB may give the item back in
	 * another order, its numbers written otherwise. */
	if (rc == 0 && r->journal != NULL && rs.retried_maybe &&
	    repo_same_stamp(rs.item, rq.item)) {
		err_set(e, ERR_IO, "written, but not journaled: an earlier "
		    "attempt was stored and its answer lost, so the item it "
		    "replaced is unknown and undo cannot restore it");
		if (e != NULL)
			e->applied = ERR_APPLIED_YES;
		rc = repo_journal_finish(r, -1, e);
	} else if (rc == 0 && r->journal != NULL) {
		struct value *key = repo_key_of(r, rq.item);

		repo_journal_add(r, key, rs.item, rq.item);
		value_free(key);
		rc = repo_journal_finish(r, rc, e);
	}
	response_cleanup(&rs);
	request_cleanup(&rq);
	return rc;
}

int
repo_put(struct repo *r, const struct content *c, struct err *e)
{
	return repo_put_cond(r, c, NULL, e);
}

/* The condition of a guarded write: version 0, the item must not exist;
 * else it must exist with _object_version = version (an item without one
 * reads as version 1, so version 1 also accepts none). */
static struct expr *
repo_version_guard(struct repo *r, long long version)
{
	struct expr *eq;

	if (version == 0)
		return expr_new(EX_NOT_EXISTS, 1,
		    expr_new_name(r->partition_key));
	eq = expr_new(EX_EQ, 2, expr_new_name(REPO_VERSION),
	    expr_new_value(repo_int(version)));
	if (version == 1)
		eq = expr_new(EX_OR, 2, expr_new(EX_NOT_EXISTS, 1,
		    expr_new_name(REPO_VERSION)), eq);
	return expr_and(expr_new(EX_EXISTS, 1,
	    expr_new_name(r->partition_key)), eq);
}

/* Say which guard failed, for a write that met ERR_CONFLICT. */
static void
repo_guard_failed(struct repo *r, const struct ids *partition,
    const struct ids *content, long long version, struct err *e)
{
	struct buf key = BUF_INIT;

	if (e == NULL || e->code != ERR_CONFLICT)
		return;
	repo_partition_value(r, partition, &key);
	buf_adds(&key, " / ");
	repo_content_value(r, content, &key);
	if (version == 0)
		err_set(e, ERR_CONFLICT, "%s already exists: nothing was "
		    "overwritten", buf_cstr(&key));
	else
		err_set(e, ERR_CONFLICT, "version condition failed for %s: "
		    "the stored _object_version is not %lld (someone else "
		    "wrote it) or the item is gone", buf_cstr(&key), version);
	e->code = ERR_CONFLICT;
	snprintf(e->aws_type, sizeof e->aws_type,
	    "ConditionalCheckFailedException");
	buf_cleanup(&key);
}

int
repo_put_guarded(struct repo *r, const struct content *c,
    long long version, struct err *e)
{
	int rc = repo_put_cond(r, c, repo_version_guard(r, version), e);

	if (rc != 0)
		repo_guard_failed(r, &c->partition_ids, &c->content_ids,
		    version, e);
	return rc;
}

int
repo_delete_item(struct repo *r, const struct ids *partition,
    const struct ids *content, long long version, struct err *e)
{
	struct request rq;
	struct response rs;
	int rc;

	if (repo_check_writable(r, e) == -1 ||
	    repo_journal_start(r, "delete", e) == -1)
		return -1;
	request_init(&rq, OP_DELETE_ITEM, r->table);
	rq.key = repo_key(r, partition, content);
	rq.condition = repo_version_guard(r, version > 0 ? version : 1);
	response_init(&rs);
	if (r->journal != NULL)
		rq.return_values = RV_ALL_OLD;
	rc = repo_execute(r, &rq, &rs, e);
	if (rc != 0)
		repo_guard_failed(r, partition, content, version, e);
	/* Without an answer there is no before-image to keep. */
	if (rc == 0 && r->journal != NULL) {
		repo_journal_add(r, rq.key, rs.item, NULL);
		rc = repo_journal_finish(r, rc, e);
	}
	response_cleanup(&rs);
	request_cleanup(&rq);
	return rc;
}

/* Send rq page after page (each LastEvaluatedKey the next
 * ExclusiveStartKey) and hand each answer to page, until the last page,
 * a failed request (-1) or page's non-zero, which is returned. */
static int
repo_pages(struct repo *r, struct request *rq,
    int (*page)(void *, struct response *, struct err *), void *ctx,
    struct err *e)
{
	int rc;

	for (;;) {
		struct response rs;

		response_init(&rs);
		rc = repo_execute(r, rq, &rs, e);
		if (rc == 0)
			rc = page(ctx, &rs, e);
		value_free(rq->exclusive_start_key);
		rq->exclusive_start_key = rs.last_evaluated_key;
		rs.last_evaluated_key = NULL;
		response_cleanup(&rs);
		if (rc != 0 || rq->exclusive_start_key == NULL)
			return rc;
	}
}

/* repo_pages page of repo_count: add the page's count. */
static int
repo_count_page(void *ctx, struct response *rs, struct err *e)
{
	size_t *count = ctx;

	(void)e;
	*count += rs->count > 0 ? (size_t)rs->count : 0;
	return 0;
}

int
repo_count(struct repo *r, const struct ids *partition,
    const struct ids *prefix, size_t *count, struct err *e)
{
	struct request rq;
	int rc;

	*count = 0;
	request_init(&rq, OP_QUERY, r->table);
	rq.key_condition = expr_and(repo_pk_equals(r, partition),
	    expr_new(EX_BEGINS_WITH, 2, expr_new_name(r->sort_key),
	    expr_new_value(repo_key_string(r, prefix, false))));
	rq.consistent_read = r->consistent_reads;
	rq.select_count = true;
	rc = repo_pages(r, &rq, repo_count_page, count, e);
	request_cleanup(&rq);
	return rc;
}

/* Type an appended element as the library's `str | dict` does: strings
 * and maps stay, numbers and booleans become their str(), others fail. */
static struct value *
repo_append_element(const struct value *v, const char *field, struct err *e)
{
	switch (v->type) {
	case VT_S:
	case VT_M:
		return value_copy(v);
	case VT_N:
		return value_new_s(v->u.str.ptr, v->u.str.len);
	case VT_BOOL:
		return value_new_str(v->u.boolean ? "True" : "False");
	default:
		err_set(e, ERR_INPUT, "append_attrs.%s: elements must be "
		    "strings or objects (the library's str | dict), got %s",
		    field, value_type_name(v->type));
		return NULL;
	}
}

/* SET #a = :v, or #a.#b = :v for each member of a map value. */
static void
repo_update_set(struct update *u, const char *name, size_t len,
    const struct value *v)
{
	struct path p;
	size_t i;

	if (v->type == VT_M) {
		for (i = 0; i < v->u.map.len; i++) {
			const struct value_member *m = &v->u.map.items[i];

			path_init(&p);
			path_push_name(&p, name, len);
			path_push_name(&p, m->name, m->name_len);
			update_add(u, UPD_SET, &p,
			    expr_new_value(value_copy(m->value)));
		}
		return;
	}
	path_init(&p);
	path_push_name(&p, name, len);
	update_add(u, UPD_SET, &p, expr_new_value(value_copy(v)));
}

/* #a = if_not_exists(#a, :zero) + :n */
static void
repo_update_incr(struct update *u, const char *name, size_t len,
    struct value *n)
{
	struct path p, q;

	path_init(&p);
	path_push_name(&p, name, len);
	path_copy(&q, &p);
	update_add(u, UPD_SET, &p, expr_new(EX_PLUS, 2,
	    expr_new(EX_IF_NOT_EXISTS, 2, expr_new_path(&q),
	    expr_new_value(repo_int(0))), expr_new_value(n)));
}

/* Check that a map argument of an UpdateCommand is a map. */
static int
repo_check_map(const struct value *v, const char *what, struct err *e)
{
	if (v != NULL && v->type != VT_M)
		return err_set(e, ERR_INPUT, "%s: expected an object", what);
	return 0;
}

int
repo_update_request(struct repo *r, const struct ids *partition,
    const struct ids *content, const struct update_command *cmd,
    bool require_exists, struct request *rq, struct err *e)
{
	struct update *u;
	struct path p;
	size_t i;

	if (repo_check_map(cmd->set_commands, "set_commands", e) == -1 ||
	    repo_check_map(cmd->increment_attrs, "increment_attrs", e) == -1 ||
	    repo_check_map(cmd->append_attrs, "append_attrs", e) == -1)
		return -1;
	request_init(rq, OP_UPDATE_ITEM, r->table);
	rq->key = repo_key(r, partition, content);
	u = &rq->update;

	/* set_commands, then _timestamp and _ttl; a set of
	 * _object_version is dropped, as the library drops it. */
	for (i = 0; cmd->set_commands != NULL &&
	    i < cmd->set_commands->u.map.len; i++) {
		const struct value_member *m =
		    &cmd->set_commands->u.map.items[i];

		if (strcmp(m->name, REPO_VERSION) == 0 ||
		    strcmp(m->name, REPO_TIMESTAMP) == 0 ||
		    (cmd->has_expiry && strcmp(m->name, REPO_TTL) == 0))
			continue;
		repo_update_set(u, m->name, m->name_len, m->value);
	}
	path_init(&p);
	path_set_name(&p, REPO_TIMESTAMP);
	update_add(u, UPD_SET, &p, expr_new_value(repo_timestamp(r, NULL)));
	if (cmd->has_expiry) {
		path_init(&p);
		path_set_name(&p, REPO_TTL);
		update_add(u, UPD_SET, &p,
		    expr_new_value(repo_int(cmd->expiry)));
	}

	/* increment_attrs (integers only), then _object_version + 1. */
	for (i = 0; cmd->increment_attrs != NULL &&
	    i < cmd->increment_attrs->u.map.len; i++) {
		const struct value_member *m =
		    &cmd->increment_attrs->u.map.items[i];

		if (strcmp(m->name, REPO_VERSION) == 0 ||
		    strcmp(m->name, REPO_TIMESTAMP) == 0)
			continue;
		if (m->value->type != VT_N ||
		    !number_is_integer(m->value->u.str.ptr,
		    m->value->u.str.len)) {
			err_set(e, ERR_INPUT, "increment_attrs.%s: expected an "
			    "integer", m->name);
			goto fail;
		}
		repo_update_incr(u, m->name, m->name_len,
		    value_copy(m->value));
	}
	repo_update_incr(u, REPO_VERSION, strlen(REPO_VERSION), repo_int(1));

	/* append_attrs: list_append(if_not_exists(#a, :empty), :list). */
	for (i = 0; cmd->append_attrs != NULL &&
	    i < cmd->append_attrs->u.map.len; i++) {
		const struct value_member *m =
		    &cmd->append_attrs->u.map.items[i];
		struct value *list;
		struct path q;
		size_t j;

		if (strcmp(m->name, REPO_VERSION) == 0 ||
		    strcmp(m->name, REPO_TIMESTAMP) == 0)
			continue;
		if (m->value->type != VT_L) {
			err_set(e, ERR_INPUT,
			    "append_attrs.%s: expected a list", m->name);
			goto fail;
		}
		list = value_new_l();
		for (j = 0; j < m->value->u.list.len; j++) {
			struct value *el = repo_append_element(
			    m->value->u.list.items[j], m->name, e);

			if (el == NULL) {
				value_free(list);
				goto fail;
			}
			value_list_append(list, el);
		}
		path_init(&p);
		path_push_name(&p, m->name, m->name_len);
		path_copy(&q, &p);
		update_add(u, UPD_SET, &p, expr_new(EX_LIST_APPEND, 2,
		    expr_new(EX_IF_NOT_EXISTS, 2, expr_new_path(&q),
		    expr_new_value(value_new_l())), expr_new_value(list)));
	}

	if (require_exists) {
		rq->condition = expr_and(rq->condition, repo_pk_equals(r,
		    partition));
		rq->condition = expr_and(rq->condition, expr_new(EX_EQ, 2,
		    expr_new_name(r->sort_key),
		    expr_new_value(repo_key_string(r, content, false))));
	}
	if (cmd->current_version != 0)
		rq->condition = expr_and(rq->condition, expr_new(EX_EQ, 2,
		    expr_new_name(REPO_VERSION),
		    expr_new_value(repo_int(cmd->current_version))));
	return 0;
fail:
	request_cleanup(rq);
	return -1;
}

int
repo_update(struct repo *r, const struct ids *partition,
    const struct ids *content, const struct update_command *cmd,
    bool require_exists, struct err *e)
{
	struct request rq;
	struct response rs;
	struct buf key = BUF_INIT;
	int rc;

	if (repo_check_writable(r, e) == -1 ||
	    repo_journal_start(r, "update", e) == -1)
		return -1;
	if (repo_update_request(r, partition, content, cmd, require_exists,
	    &rq, e) == -1)
		return -1;
	response_init(&rs);
	if (r->journal != NULL)
		rq.return_values = RV_ALL_OLD;
	rc = repo_execute(r, &rq, &rs, e);
	if (rc == 0 && r->journal != NULL)
		rc = repo_journal_update(r, &rq, rs.item, e);
	if (rc != 0 && e != NULL && e->code == ERR_CONFLICT) {
		repo_partition_value(r, partition, &key);
		buf_adds(&key, " / ");
		repo_content_value(r, content, &key);
		err_set(e, ERR_CONFLICT, "%s condition failed for %s: %s",
		    cmd->current_version != 0 ? (require_exists ?
		    "version or existence" : "version") : "existence",
		    buf_cstr(&key), cmd->current_version != 0 ?
		    "the stored _object_version differs (someone else wrote "
		    "it) or the item does not exist" :
		    "the item does not exist");
		e->code = ERR_CONFLICT;
		snprintf(e->aws_type, sizeof e->aws_type,
		    "ConditionalCheckFailedException");
	}
	buf_cleanup(&key);
	response_cleanup(&rs);
	request_cleanup(&rq);
	return rc;
}

int
repo_scan(struct repo *r, int segment, int total_segments, bool keys_only,
    repo_each_fn fn, void *ctx, struct err *e)
{
	struct request rq;
	size_t delivered = 0;
	int rc = 0;

	request_init(&rq, OP_SCAN, r->table);
	rq.consistent_read = r->consistent_reads;
	rq.segment = segment;
	rq.total_segments = total_segments;
	/* Other repositories may share the table: keep to our prefixes. */
	rq.filter = expr_and(expr_new(EX_BEGINS_WITH, 2,
	    expr_new_name(r->partition_key),
	    expr_new_value(value_new_str(r->partition_prefix))),
	    expr_new(EX_BEGINS_WITH, 2, expr_new_name(r->sort_key),
	    expr_new_value(value_new_str(r->content_prefix))));
	if (keys_only) {
		rq.projection = xcalloc(2, sizeof *rq.projection);
		path_init(&rq.projection[0]);
		path_set_name(&rq.projection[0], r->partition_key);
		path_init(&rq.projection[1]);
		path_set_name(&rq.projection[1], r->sort_key);
		rq.nprojection = 2;
	}
	for (;;) {
		struct response rs;

		response_init(&rs);
		rc = repo_execute(r, &rq, &rs, e);
		if (rc == 0)
			rc = repo_deliver(r, &rs, &delivered, 0, fn, ctx, e);
		value_free(rq.exclusive_start_key);
		rq.exclusive_start_key = rs.last_evaluated_key;
		rs.last_evaluated_key = NULL;
		response_cleanup(&rs);
		if (rc != 0 || rq.exclusive_start_key == NULL)
			break;
	}
	request_cleanup(&rq);
	if (rc == -1 && e != NULL && e->code == ERR_ACCESS_DENIED) {
		err_prefix(e, "this needs the dynamodb:Scan permission, which "
		    "the library itself never uses (per-partition reads still "
		    "work): ");
		e->code = ERR_ACCESS_DENIED;
	}
	return rc < 0 ? -1 : 0;
}

/* Collects keys for delete. */
struct repo_delete_ctx {
	struct repo		*r;
	struct repo_wave	*wave;
	int			 rc;
	struct err		*e;
};

/* repo_each_fn for delete: add the key to the window, whose chunks are
 * sent as they fill. */
static int
repo_delete_each(void *ctx, struct content *c)
{
	struct repo_delete_ctx *d = ctx;
	struct write_request wr = { .is_delete = true };

	wr.value = repo_key_of(d->r, c->stored);
	content_free(c);
	if (repo_wave_add(d->wave, wr, d->e) != 0) {
		d->rc = -1;
		return 1;
	}
	return 0;
}

/* repo_pages page of repo_delete: its keys, deleted in chunks of 25. */
static int
repo_delete_page(void *ctx, struct response *rs, struct err *e)
{
	struct repo_delete_ctx *d = ctx;
	size_t got = 0;
	int rc = repo_deliver(d->r, rs, &got, 0, repo_delete_each, d, e);

	return rc == 1 || d->rc != 0 ? -1 : rc;
}

int
repo_delete(struct repo *r, const struct ids *partition,
    const struct ids *prefix, size_t *deleted, struct err *e)
{
	struct repo_delete_ctx d = { .r = r, .e = e };
	struct request rq;
	struct expr *kc;
	struct path p;
	int rc;

	if (repo_check_writable(r, e) == -1 ||
	    repo_journal_start(r, "delete", e) == -1)
		return -1;
	kc = expr_and(repo_pk_equals(r, partition),
	    expr_new(EX_BEGINS_WITH, 2, expr_new_name(r->sort_key),
	    expr_new_value(repo_key_string(r, prefix, false))));
	/* A keys-only query: the projection is the two key attributes. */
	request_init(&rq, OP_QUERY, r->table);
	rq.key_condition = kc;
	rq.consistent_read = r->consistent_reads;
	rq.projection = xcalloc(2, sizeof *rq.projection);
	path_init(&p);
	path_set_name(&p, r->partition_key);
	rq.projection[0] = p;
	path_init(&p);
	path_set_name(&p, r->sort_key);
	rq.projection[1] = p;
	rq.nprojection = 2;
	d.wave = repo_wave_new(r);
	rc = repo_pages(r, &rq, repo_delete_page, &d, e);
	if (rc == 0)
		rc = repo_wave_flush(d.wave, e);
	else if (d.rc == 0)
		repo_wave_stop(d.wave, e);
	request_cleanup(&rq);
	if (deleted != NULL)
		*deleted = repo_wave_done(d.wave);
	repo_wave_free(d.wave);
	return rc;
}
