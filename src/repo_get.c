/* SPDX-License-Identifier: ISC */
/*
 * get-batch: its keys asked for once each, in BatchGetItems of 100 kept
 * in a window. While one answer is decoded and printed on this thread,
 * the next requests are with the server, each on a lane of the store's
 * own; answers are handed over in the order their requests were made.
 * A request's UnprocessedKeys go out again as a request of their own at
 * the window's end, once their backoff is over.
 */
#include "config.h"

#include "repo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "repo_private.h"
#include "request.h"
#include "store.h"
#include "xmalloc.h"

#define RG_WINDOW_MAX	16	/* BatchGetItems out at once, at most */

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


/* One BatchGetItem: out with the server, answered, or (a re-send of
 * unprocessed keys) waiting for its time. */
struct rg_req {
	struct store_job job;
	struct request	 rq;
	int		 idle;		/* answers in a row without progress */
	int64_t		 due;		/* monotonic ms it waits for */
	bool		 started;
	bool		 done;
};

struct rg {
	struct repo	*r;
	repo_each_fn	 fn;
	repo_line_fn	 line;
	void		*ctx;
	struct rg_req	*q[RG_WINDOW_MAX];	/* in the order of delivery */
	size_t		 nq;
	size_t		 window;
	size_t		 nout;		/* started, not yet handed back */
	size_t		 delivered;
	/* A request failed (rg_take): this is the result, and nothing
	 * more is asked. */
	bool		 failed;
	struct err	 err;
};

static struct rg_req *
rg_req_new(struct rg *g)
{
	struct rg_req *q = xcalloc(1, sizeof *q);

	request_init(&q->rq, OP_BATCH_GET_ITEM, g->r->table);
	q->rq.consistent_read = g->r->consistent_reads;
	q->rq.items_as_text = g->line != NULL;
	response_init(&q->job.rs);
	q->job.rq = &q->rq;
	q->job.ctx = q;
	return q;
}

static void
rg_req_free(struct rg_req *q)
{
	request_cleanup(&q->rq);
	response_cleanup(&q->job.rs);
	free(q);
}

static void
rg_start(struct rg *g, struct rg_req *q)
{
	g->r->stats.requests++;
	q->started = true;
	g->nout++;
	store_start(g->r->store, &q->job);
}

/* Take one answer, whichever came; false when none is out. */
static bool
rg_take(struct rg *g)
{
	struct store_job *job;
	struct rg_req *q;

	if (g->nout == 0 || (job = store_wait(g->r->store, true)) == NULL)
		return false;
	q = job->ctx;
	q->done = true;
	g->nout--;
	g->r->stats.capacity += job->rs.consumed_capacity;
	if (job->rc != 0 && !g->failed) {
		g->failed = true;
		g->err = job->err;
	}
	return true;
}

/* The next request of up to 100 keys from *i on, duplicates skipped;
 * NULL when no key is left. */
static struct rg_req *
rg_next(struct rg *g, const struct ids *partitions,
    const struct ids *contents, const bool *dup, size_t n, size_t *i)
{
	struct rg_req *q;

	while (*i < n && dup[*i])
		(*i)++;
	if (*i == n)
		return NULL;
	q = rg_req_new(g);
	q->rq.keys = xcalloc(REPO_BATCH_GET_MAX, sizeof *q->rq.keys);
	for (; *i < n && q->rq.nkeys < REPO_BATCH_GET_MAX; (*i)++)
		if (!dup[*i])
			q->rq.keys[q->rq.nkeys++] = repo_key(g->r,
			    &partitions[*i], &contents[*i]);
	return q;
}

/*
 * Hand over the items of the first request's answer, and queue its
 * unprocessed keys as a request of their own, due after a backoff.
 * 1 when fn or line asked to stop, -1 with e on failure.
 */
static int
rg_answer(struct rg *g, struct rg_req *q, struct err *e)
{
	struct response *rs = &q->job.rs;
	struct rg_req *again;
	int rc, idle;

	if (rs->items_text != NULL)
		rc = repo_deliver_text(g->r, &q->rq, rs, &g->delivered,
		    g->line, g->fn, g->ctx, e);
	else
		rc = repo_deliver(g->r, rs, &g->delivered, 0, g->fn, g->ctx,
		    e);
	if (rc != 0 || rs->nunprocessed_keys == 0)
		return rc;
	idle = rs->nunprocessed_keys < q->rq.nkeys ? 0 : q->idle + 1;
	if (idle >= REPO_UNPROCESSED_ROUNDS)
		return err_set(e, ERR_THROTTLED, "BatchGetItem: %zu keys "
		    "still unprocessed after %d attempts",
		    rs->nunprocessed_keys, idle);
	again = rg_req_new(g);
	again->rq.keys = rs->unprocessed_keys;
	again->rq.nkeys = rs->nunprocessed_keys;
	rs->unprocessed_keys = NULL;
	rs->nunprocessed_keys = 0;
	again->idle = idle;
	again->due = g->r->clock->monotonic_ms(g->r->clock->ctx) +
	    repo_backoff_ms(g->r, idle);
	g->q[g->nq++] = again;
	return 0;
}

/* Wait for the first request's answer, starting it first when it is a
 * re-send whose time has come. -1 when cancelled while waiting, or with
 * the failure of any request answered meanwhile. */
static int
rg_wait_first(struct rg *g, struct err *e)
{
	struct rg_req *q = g->q[0];
	int64_t now;

	if (!q->started) {
		now = g->r->clock->monotonic_ms(g->r->clock->ctx);
		if (q->due > now && g->r->clock->sleep_ms(g->r->clock->ctx,
		    q->due - now) != 0)
			return err_set(e, ERR_CANCELLED, "cancelled");
		rg_start(g, q);
	}
	while (!q->done && !g->failed && rg_take(g))
		;
	if (g->failed) {
		if (e != NULL)
			*e = g->err;
		return -1;
	}
	return 0;
}

int
repo_get_batch(struct repo *r, const struct ids *partitions,
    const struct ids *contents, size_t n, repo_each_fn fn, repo_line_fn line,
    void *ctx, struct err *e)
{
	struct rg g = { .r = r, .fn = fn, .line = line, .ctx = ctx };
	struct rg_req *q;
	size_t i = 0, lanes = store_lanes(r->store);
	bool *dup;
	int rc = 0;

	/* BatchGetItem refuses duplicate keys in one request, and a key
	 * asked for twice would print its item twice: ask once. */
	dup = repo_find_duplicates(partitions, contents, n);
	g.window = r->in_flight > 0 ? (size_t)r->in_flight : 1;
	if (g.window > lanes)
		g.window = lanes;
	if (g.window > RG_WINDOW_MAX)
		g.window = RG_WINDOW_MAX;
	while (rc == 0) {
		while (g.nq < g.window && (q = rg_next(&g, partitions,
		    contents, dup, n, &i)) != NULL) {
			g.q[g.nq++] = q;
			rg_start(&g, q);
		}
		if (g.nq == 0)
			break;
		if ((rc = rg_wait_first(&g, e)) != 0)
			break;
		q = g.q[0];
		memmove(g.q, g.q + 1, --g.nq * sizeof *g.q);
		rc = rg_answer(&g, q, e);
		rg_req_free(q);
	}
	/* Stopped or failed: the requests still out are answered first. */
	while (rg_take(&g))
		;
	while (g.nq > 0)
		rg_req_free(g.q[--g.nq]);
	free(dup);
	return rc == 1 ? 0 : rc;
}
