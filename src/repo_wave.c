/* SPDX-License-Identifier: ISC */
/* Batch writes in a window: BatchWriteItem chunks kept in flight on the
 * store's lanes. */
#include "config.h"

#include "repo.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "repo_private.h"
#include "request.h"
#include "store.h"
#include "xmalloc.h"

/*
 * Entries are cut into chunks of 25 in input order, and a chunk is sent
 * as soon as one of the in_flight lanes is free: a slow request holds up
 * its own lane only, not the chunks behind it. No key is twice among the
 * entries taken and not yet done (acknowledged, failed, or dropped): an
 * entry whose key is there sends and waits for everything taken first, so
 * the later write of a key starts only after the earlier one was
 * acknowledged, and a put of the same key twice ends with the last line.
 * DynamoDB applies the entries of one BatchWriteItem in no set order, and
 * the chunks in flight hold other keys, so their order does not matter.
 *
 * With a journal, the before-images of `group` full chunks (up to 100
 * keys) are read with one consistent BatchGetItem on the caller's lane,
 * while earlier chunks are in flight (other keys), and before any of these
 * is sent. A chunk is journaled when it is done: its entries that were, or
 * may have been, stored, with one write (so a process killed later loses
 * none of its entries), and synced every few megabytes of them
 * (journal_append) and at the end.
 */

#define RW_N		REPO_BATCH_WRITE_MAX
#define RW_BEFORE_KEPT	(1u << 20)	/* a chunk's before-images' text */
#define RW_KEYS_ARENA	(32u << 10)	/* a BatchGetItem's 100 keys */

enum repo_wave_state {
	RW_FREE,
	RW_FILLING,	/* taking entries */
	RW_FILLED,	/* full; its before-images not read yet */
	RW_READY,	/* to be sent when a lane is free */
	RW_SENT,	/* on a lane */
	RW_WAITING,	/* unprocessed entries, re-sent at due */
};

/* One BatchWriteItem and what became of it. */
struct repo_wave_chunk {
	enum repo_wave_state	 state;
	size_t			 seq;		/* chunks in input order */
	size_t			 n;
	struct write_request	 writes[RW_N];	/* owned, input order */
	const struct value	*pk[RW_N], *sk[RW_N];	/* borrowed */
	uint64_t		 hash[RW_N];	/* of each key */
	/* With a journal, each entry's before-image: its value (owned),
	 * or its text as the service sent it, in before_text (len 0:
	 * none); both absent when there was no item. */
	struct value		*before[RW_N];
	size_t			 before_off[RW_N], before_len[RW_N];
	struct buf		 before_text;
	struct request		 rq;		/* what is still to be sent */
	bool			 borrowed;	/* rq.writes is writes */
	int			 idle;		/* answers without progress */
	int64_t			 due;		/* RW_WAITING: re-send at */
	/* rq failed on the wire with its outcome unknown: what it held
	 * may be stored. Else what rq still holds is known not stored
	 * (unprocessed, or never sent). */
	bool			 maybe_sent;
	struct store_job	 job;
};

struct repo_wave {
	struct repo		*r;
	size_t			 lanes;		/* chunks in flight at most */
	size_t			 group;		/* chunks read before at once */
	struct repo_wave_chunk	*chunks;	/* [nchunks] */
	size_t			 nchunks;
	struct repo_wave_chunk	*filling;	/* or NULL */
	size_t			 nfilled, inflight;
	/* Chunks backing off, and the time they count in: the ms slept
	 * while they wait (the clock is injected; tests never sleep). */
	size_t			 nwaiting;
	int64_t			 waited_ms;
	size_t			 seq;		/* the next chunk's */
	size_t			 done;		/* acknowledged entries */
	/* The entries taken and not done, by key: open addressing, entry
	 * + 1 or 0 (free), an entry being chunk * 25 + its place; twice
	 * the entries or more slots, a power of two. */
	size_t			*slots;
	size_t			 mask;
	/* Nothing more is sent: a failure, or the caller stopped. */
	bool			 failed, stopping;
	/* The failure of the chunk first in input order. */
	bool			 has_err;
	size_t			 err_seq;
	struct err		 err;
	/* The journal could not be written (the first error). */
	bool			 jfailed;
	struct err		 jerr;
};

struct repo_wave *
repo_wave_new(struct repo *r)
{
	struct repo_wave *w = xcalloc(1, sizeof *w);
	size_t lanes = store_lanes(r->store);

	w->r = r;
	w->lanes = (size_t)r->in_flight < lanes ? (size_t)r->in_flight :
	    lanes;
	w->group = (size_t)r->in_flight < REPO_BATCH_GET_MAX / RW_N ?
	    (size_t)r->in_flight : REPO_BATCH_GET_MAX / RW_N;
	/* In flight, read or being read, and the one taking entries. */
	w->nchunks = w->lanes + w->group + 1;
	w->chunks = xcalloc(w->nchunks, sizeof *w->chunks);
	for (w->mask = 1; w->mask < 2 * w->nchunks * RW_N; w->mask <<= 1)
		;
	w->slots = xcalloc(w->mask, sizeof *w->slots);
	w->mask--;
	return w;
}

size_t
repo_wave_done(const struct repo_wave *w)
{
	return w->done;
}

/* Whether two key attributes (NULL: absent) are the same. */
static bool
repo_wave_same(const struct value *a, const struct value *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return value_equal(a, b);
}

/* Mix a key attribute (NULL: absent) into h. Numbers are equal by value
 * ("1.0" is 1), not by text: they add their type only. */
static uint64_t
repo_wave_hash(uint64_t h, const struct value *v)
{
	size_t i;

	if (v == NULL)
		return h * 0x100000001b3u;
	h = (h ^ (uint64_t)v->type) * 0x100000001b3u;
	if (v->type == VT_S || v->type == VT_B)
		for (i = 0; i < v->u.str.len; i++)
			h = (h ^ (unsigned char)v->u.str.ptr[i]) *
			    0x100000001b3u;
	return h;
}

/* A key's hash. */
static uint64_t
repo_wave_key_hash(const struct value *pk, const struct value *sk)
{
	uint64_t h = repo_wave_hash(repo_wave_hash(0xcbf29ce484222325u, pk),
	    sk);

	return h ^ (h >> 32);
}

/* The first slot to probe for entry id's key: its hash is kept, so that
 * taking an entry out (which moves the ones after it) hashes nothing. */
static size_t
repo_wave_home(const struct repo_wave *w, size_t id)
{
	return (size_t)w->chunks[id / RW_N].hash[id % RW_N] & w->mask;
}

/* The entry taken with this key (of hash h), or -1. An entry is looked
 * up for every one added, and for every item read or left unprocessed:
 * by hash, not by walking the chunks. */
static long
repo_wave_find_h(const struct repo_wave *w, uint64_t h,
    const struct value *pk, const struct value *sk)
{
	size_t i, k;

	for (i = (size_t)h & w->mask; (k = w->slots[i]) != 0;
	    i = (i + 1) & w->mask) {
		const struct repo_wave_chunk *c = &w->chunks[(k - 1) / RW_N];

		if (c->hash[(k - 1) % RW_N] == h &&
		    repo_wave_same(sk, c->sk[(k - 1) % RW_N]) &&
		    repo_wave_same(pk, c->pk[(k - 1) % RW_N]))
			return (long)(k - 1);
	}
	return -1;
}

/* repo_wave_find_h, hashing the key. */
static long
repo_wave_find(const struct repo_wave *w, const struct value *pk,
    const struct value *sk)
{
	return repo_wave_find_h(w, repo_wave_key_hash(pk, sk), pk, sk);
}

/* Index entry id by its key. */
static void
repo_wave_index(struct repo_wave *w, size_t id)
{
	size_t i = repo_wave_home(w, id);

	while (w->slots[i] != 0)
		i = (i + 1) & w->mask;
	w->slots[i] = id + 1;
}

/* Take entry id out of the index; the entries probed after it move back
 * into the gap when their probe would pass it (no tombstones). */
static void
repo_wave_unindex(struct repo_wave *w, size_t id)
{
	size_t i = repo_wave_home(w, id), j, k;

	while (w->slots[i] != id + 1) {
		assert(w->slots[i] != 0);
		i = (i + 1) & w->mask;
	}
	w->slots[i] = 0;
	for (j = (i + 1) & w->mask; w->slots[j] != 0; j = (j + 1) & w->mask) {
		k = repo_wave_home(w, w->slots[j] - 1);
		/* Stays when its home lies in (i, j], cyclically. */
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		w->slots[i] = w->slots[j];
		w->slots[j] = 0;
		i = j;
	}
}

/* Record a failure of chunk seq: nothing more is sent; the chunk first
 * in input order speaks for the write. */
static void
repo_wave_fail(struct repo_wave *w, size_t seq, const struct err *e)
{
	w->failed = true;
	if (!w->has_err || seq < w->err_seq) {
		w->has_err = true;
		w->err_seq = seq;
		if (e != NULL)
			w->err = *e;
		else
			err_set(&w->err, ERR_INTERNAL, "batch write failed");
	}
}

/* How repo_wave_journal appends. */
enum repo_wave_jmode {
	RW_APPEND,	/* an fsync every few megabytes (journal_append) */
	RW_SYNC,	/* and an fsync now (journal_flush) */
	RW_END		/* and the write's end line (journal_end) */
};

/* Append the journal's queued entries: one write, synced as mode says. */
static void
repo_wave_journal(struct repo_wave *w, enum repo_wave_jmode mode)
{
	struct err je;
	int rc;

	err_clear(&je);
	rc = mode == RW_END ? journal_end(w->r->journal, &je) :
	    mode == RW_SYNC ? journal_flush(w->r->journal, &je) :
	    journal_append(w->r->journal, &je);
	if (rc == -1) {
		if (!w->jfailed)
			w->jerr = je;
		w->jfailed = true;
		w->failed = true;
	}
}

/* Free a chunk's entries and before-images, and take its keys out of the
 * index; the chunk is free again. */
static void
repo_wave_release(struct repo_wave *w, struct repo_wave_chunk *c)
{
	size_t id = (size_t)(c - w->chunks) * RW_N, k;

	for (k = 0; k < c->n; k++) {
		repo_wave_unindex(w, id + k);
		write_request_cleanup(&c->writes[k]);
		value_free(c->before[k]);
		c->before[k] = NULL;
		c->before_len[k] = 0;
	}
	/* Kept for the chunk's next entries, unless large items made it
	 * large. */
	if (c->before_text.cap > RW_BEFORE_KEPT)
		buf_cleanup(&c->before_text);
	buf_reset(&c->before_text);
	if (c->borrowed) {
		c->rq.writes = NULL;
		c->rq.nwrites = 0;
	}
	request_cleanup(&c->rq);
	if (c == w->filling)
		w->filling = NULL;
	if (c->state == RW_FILLED)
		w->nfilled--;
	c->n = 0;
	c->state = RW_FREE;
}

/* A sent chunk is done: journal every entry that was, or may have been,
 * stored (acknowledged, or in a request whose outcome is unknown; not
 * those DynamoDB left unprocessed, nor those never sent), then release
 * it. */
static void
repo_wave_finish(struct repo_wave *w, struct repo_wave_chunk *c)
{
	struct repo *r = w->r;
	size_t base = (size_t)(c - w->chunks) * RW_N, i, k;
	bool unwritten[RW_N];
	long id;

	if (r->journal == NULL) {
		repo_wave_release(w, c);
		return;
	}
	memset(unwritten, 0, sizeof unwritten);
	for (i = 0; !c->maybe_sent && i < c->rq.nwrites; i++) {
		const struct value *v = c->rq.writes[i].value;

		id = repo_wave_find(w, value_map_get(v, r->partition_key),
		    value_map_get(v, r->sort_key));
		if (id >= 0 && (size_t)id / RW_N == base / RW_N)
			unwritten[(size_t)id % RW_N] = true;
	}
	for (k = 0; k < c->n; k++) {
		struct journal_image before = { c->before[k], NULL, 0 };
		struct repo_key_view key;

		/* A delete of an item gone before its image was read
		 * (another deleter) changed nothing: no entry, which undo
		 * would take for one to re-create. */
		if (unwritten[k] || (c->writes[k].is_delete &&
		    c->before[k] == NULL && c->before_len[k] == 0))
			continue;
		if (c->before_len[k] > 0) {
			before.text = c->before_text.data + c->before_off[k];
			before.len = c->before_len[k];
		}
		repo_journal_add_write(r, repo_key_view(r, c->writes[k].value,
		    &key), &before, &c->writes[k]);
	}
	repo_wave_release(w, c);
	/* In the file before anything else is done: a process killed
	 * after this loses none of the chunk's entries. */
	repo_wave_journal(w, RW_APPEND);
}

/* Send a chunk's request on a free lane. */
static void
repo_wave_start(struct repo_wave *w, struct repo_wave_chunk *c)
{
	c->state = RW_SENT;
	c->job.rq = &c->rq;
	c->job.ctx = c;
	c->job.rc = 0;
	response_init(&c->job.rs);
	err_clear(&c->job.err);
	w->inflight++;
	w->r->stats.requests++;
	store_start(w->r->store, &c->job);
}

/* The chunk first in input order in a state, or NULL. */
static struct repo_wave_chunk *
repo_wave_first(struct repo_wave *w, enum repo_wave_state state)
{
	struct repo_wave_chunk *best = NULL;
	size_t i;

	for (i = 0; i < w->nchunks; i++)
		if (w->chunks[i].state == state && (best == NULL ||
		    w->chunks[i].seq < best->seq))
			best = &w->chunks[i];
	return best;
}

/* The waiting chunk due first, or NULL. */
static struct repo_wave_chunk *
repo_wave_next_due(struct repo_wave *w)
{
	struct repo_wave_chunk *best = NULL;
	size_t i;

	for (i = 0; w->nwaiting > 0 && i < w->nchunks; i++)
		if (w->chunks[i].state == RW_WAITING && (best == NULL ||
		    w->chunks[i].due < best->due))
			best = &w->chunks[i];
	return best;
}

/* Asked to stop (Ctrl-C: repo_config.stop) with something taken and not
 * sent yet (always, from repo_wave_add: its item): that is not sent; the
 * drain takes the answers of what is out and journals them. A window
 * whose requests were all sent ends as it would have. */
static void
repo_wave_check_stop(struct repo_wave *w, bool taking)
{
	struct err se;

	if (w->failed || !repo_stopping(w->r))
		return;
	if (!taking && (w->filling == NULL || w->filling->n == 0) &&
	    w->nfilled == 0 && w->nwaiting == 0 &&
	    repo_wave_first(w, RW_READY) == NULL)
		return;
	err_set(&se, ERR_CANCELLED, "interrupted: the requests sent were "
	    "answered and journaled, the rest not sent");
	se.applied = ERR_APPLIED_NO;
	repo_wave_fail(w, w->seq, &se);
}

/* Send the re-sends that are due, then ready chunks in input order,
 * while a lane is free. */
static void
repo_wave_pump(struct repo_wave *w)
{
	struct repo_wave_chunk *c;

	repo_wave_check_stop(w, false);
	/* A start may wait on a prompt (an MFA code) that a stop ends: the
	 * stop is looked at after each. */
	while (!w->failed && !w->stopping && w->inflight < w->lanes &&
	    (c = repo_wave_next_due(w)) != NULL && c->due <= w->waited_ms) {
		w->nwaiting--;
		repo_wave_start(w, c);
		repo_wave_check_stop(w, false);
	}
	while (!w->failed && !w->stopping && w->inflight < w->lanes &&
	    (c = repo_wave_first(w, RW_READY)) != NULL) {
		repo_wave_start(w, c);
		repo_wave_check_stop(w, false);
	}
}

/* After a failure or a stop, the chunks backing off are done: what they
 * still hold is known not stored. */
static void
repo_wave_end_waiting(struct repo_wave *w)
{
	struct repo_wave_chunk *c;

	while ((c = repo_wave_next_due(w)) != NULL) {
		w->nwaiting--;
		repo_wave_finish(w, c);
	}
}

/* Replace what a chunk still has to send with the unprocessed entries of
 * its answer (taken). */
static void
repo_wave_resend(struct repo_wave_chunk *c, struct response *rs)
{
	size_t i;

	if (!c->borrowed) {
		for (i = 0; i < c->rq.nwrites; i++)
			write_request_cleanup(&c->rq.writes[i]);
		free(c->rq.writes);
	}
	c->borrowed = false;
	c->rq.writes = rs->unprocessed_writes;
	c->rq.nwrites = rs->nunprocessed_writes;
	rs->unprocessed_writes = NULL;
	rs->nunprocessed_writes = 0;
}

/* Take a chunk's answer: count what was acknowledged; re-send what came
 * back unprocessed, with backoff, unless nothing more is to be sent;
 * else the chunk is done. */
static void
repo_wave_answer(struct repo_wave *w, struct store_job *job)
{
	struct repo_wave_chunk *c = job->ctx;
	struct err e;
	size_t unprocessed;

	w->inflight--;
	w->r->stats.capacity += job->rs.consumed_capacity;
	if (job->rc != 0) {
		c->maybe_sent = repo_outcome_uncertain(&job->err);
		repo_wave_fail(w, c->seq, &job->err);
		response_cleanup(&job->rs);
		repo_wave_finish(w, c);
		return;
	}
	/* An earlier attempt of this request may have stored what this
	 * answer lists as unprocessed: were the chunk given up, those items
	 * would be journaled as may have been stored, not left out. */
	if (job->rs.retried_maybe)
		c->maybe_sent = true;
	unprocessed = job->rs.nunprocessed_writes;
	if (unprocessed > c->rq.nwrites) {
		/* Not an answer to this request: what the server did with
		 * it cannot be told, so none of it is counted, and all of
		 * the chunk is journaled as may have been stored. */
		err_set(&e, ERR_SERVICE, "BatchWriteItem: the answer lists "
		    "%zu unprocessed items of the %zu sent: a protocol error "
		    "of the server; the chunk's items may have been stored",
		    unprocessed, c->rq.nwrites);
		e.applied = ERR_APPLIED_MAYBE;
		c->maybe_sent = true;
		repo_wave_fail(w, c->seq, &e);
		response_cleanup(&job->rs);
		repo_wave_finish(w, c);
		return;
	}
	w->done += c->rq.nwrites - unprocessed;
	c->idle = unprocessed < c->rq.nwrites ? 0 : c->idle + 1;
	repo_wave_resend(c, &job->rs);
	response_cleanup(&job->rs);
	if (c->rq.nwrites == 0 || w->failed || w->stopping) {
		repo_wave_finish(w, c);
		return;
	}
	err_clear(&e);
	if (c->idle >= REPO_UNPROCESSED_ROUNDS) {
		err_set(&e, ERR_THROTTLED, "BatchWriteItem: %zu items still "
		    "unprocessed after %d attempts", c->rq.nwrites, c->idle);
		repo_wave_fail(w, c->seq, &e);
		repo_wave_finish(w, c);
		return;
	}
	/* Re-sent when its backoff is over; meanwhile the window goes on
	 * (repo_wave_take sleeps only when nothing else can). */
	c->state = RW_WAITING;
	c->due = w->waited_ms + repo_backoff_ms(w->r, c->idle);
	w->nwaiting++;
}

#define RW_POLL_MS	2	/* backing off with requests out: poll */

/* Take the answers that are in; true when there was one. */
static bool
repo_wave_take_in(struct repo_wave *w)
{
	struct store_job *job;
	bool took = false;

	while (w->inflight > 0 &&
	    (job = store_wait(w->r->store, false)) != NULL) {
		repo_wave_answer(w, job);
		took = true;
	}
	return took;
}

/*
 * Take the answers that are in; with block, first wait until there is
 * something to do: an answer, or a re-send due with a lane free for it
 * (sleeping toward the first due while requests are out, a few ms at a
 * time, to take their answers as they come).
 */
static void
repo_wave_take(struct repo_wave *w, bool block)
{
	struct repo_wave_chunk *c;
	struct store_job *job;
	int64_t ms;
	struct err e;

	for (;;) {
		if (repo_wave_take_in(w) || !block)
			break;
		if (w->failed || w->stopping)
			repo_wave_end_waiting(w);
		c = repo_wave_next_due(w);
		if (c != NULL && c->due <= w->waited_ms &&
		    w->inflight < w->lanes)
			break;
		if (w->inflight > 0 && (c == NULL ||
		    w->inflight == w->lanes)) {
			if ((job = store_wait(w->r->store, true)) != NULL)
				repo_wave_answer(w, job);
			repo_wave_take_in(w);
			break;
		}
		if (c == NULL)
			break;		/* nothing out, nothing waiting */
		ms = c->due - w->waited_ms;
		if (w->inflight > 0 && ms > RW_POLL_MS)
			ms = RW_POLL_MS;
		if (w->r->clock->sleep_ms(w->r->clock->ctx, ms) != 0) {
			err_set(&e, ERR_CANCELLED, "cancelled");
			repo_wave_fail(w, c->seq, &e);
			repo_wave_end_waiting(w);
			break;
		}
		w->waited_ms += ms;
	}
	if (w->failed || w->stopping)
		repo_wave_end_waiting(w);
}

/* The chunk of entry id when it waits for its before-image (and has
 * none yet), else NULL. */
static struct repo_wave_chunk *
repo_wave_wants_before(struct repo_wave *w, long id)
{
	struct repo_wave_chunk *c = id >= 0 ? &w->chunks[id / RW_N] : NULL;

	if (c == NULL || c->state != RW_FILLED ||
	    c->before[id % RW_N] != NULL || c->before_len[id % RW_N] != 0)
		return NULL;
	return c;
}

/* repo_stored_fn: keep a stored item as the before-image of its entry. */
static void
repo_wave_before_each(void *ctx, struct value *stored)
{
	struct repo_wave *w = ctx;
	struct repo *r = w->r;
	long id = repo_wave_find(w, value_map_get(stored, r->partition_key),
	    value_map_get(stored, r->sort_key));
	struct repo_wave_chunk *c = repo_wave_wants_before(w, id);

	if (c != NULL)
		c->before[id % RW_N] = stored;
	else
		value_free(stored);
}

/* repo_stored_text_fn: keep a stored item's text as the before-image of
 * its entry, found by its key's strings as the values would find it. */
static void
repo_wave_before_text(void *ctx, const struct repo_stored_text *t)
{
	struct repo_wave *w = ctx;
	struct repo_wave_chunk *c;
	struct value pk, sk;
	long id;

	/* The strings, plain, are the values' bytes: read in place by
	 * repo_wave_find, never kept nor freed. */
	memset(&pk, 0, sizeof pk);
	memset(&sk, 0, sizeof sk);
	pk.type = sk.type = VT_S;
	pk.u.str.ptr = (char *)t->pk;
	pk.u.str.len = t->pk_len;
	sk.u.str.ptr = (char *)t->sk;
	sk.u.str.len = t->sk_len;
	id = repo_wave_find(w, &pk, &sk);
	if ((c = repo_wave_wants_before(w, id)) == NULL)
		return;
	c->before_off[id % RW_N] = c->before_text.len;
	c->before_len[id % RW_N] = t->len;
	buf_add(&c->before_text, t->text, t->len);
}

/* Read the before-images of the filled chunks (consistent BatchGetItems
 * of up to 100 keys), which are then ready. Entries with no stored item
 * keep NULL. A failure is the first of these chunks': none is sent. */
static void
repo_wave_read_before(struct repo_wave *w)
{
	struct value **keys = NULL;
	struct value_arena *a = NULL;	/* the keys', held by them */
	struct repo_wave_chunk *first = NULL;
	size_t i, k, m = 0;
	struct err e;

	err_clear(&e);
	for (i = 0; i < w->nchunks; i++) {
		struct repo_wave_chunk *c = &w->chunks[i];

		if (c->state != RW_FILLED)
			continue;
		if (first == NULL || c->seq < first->seq)
			first = c;
		for (k = 0; k < c->n; k++) {
			if (keys == NULL) {
				keys = xcalloc(REPO_BATCH_GET_MAX,
				    sizeof *keys);
				a = value_arena_new_sized(RW_KEYS_ARENA);
			}
			keys[m++] = repo_key_in(w->r, a, c->writes[k].value);
			if (m < REPO_BATCH_GET_MAX)
				continue;
			/* Takes the keys. */
			m = 0;
			value_arena_unref(a);
			a = NULL;
			if (repo_batch_get_stored(w->r, keys,
			    REPO_BATCH_GET_MAX, true, repo_wave_before_each,
			    repo_wave_before_text, w, &e) == -1)
				goto fail;
			keys = NULL;
		}
	}
	value_arena_unref(a);
	if (m > 0 && repo_batch_get_stored(w->r, keys, m, true,
	    repo_wave_before_each, repo_wave_before_text, w, &e) == -1)
		goto fail;
	for (i = 0; i < w->nchunks; i++)
		if (w->chunks[i].state == RW_FILLED)
			w->chunks[i].state = RW_READY;
	w->nfilled = 0;
	return;
fail:
	repo_wave_fail(w, first->seq, &e);
}

/* The chunk taking entries is complete: ready to be sent, or (with a
 * journal) to have its before-images read, a group of chunks at once. */
static void
repo_wave_seal(struct repo_wave *w)
{
	struct repo_wave_chunk *c = w->filling;

	w->filling = NULL;
	c->rq.writes = c->writes;
	c->rq.nwrites = c->n;
	c->borrowed = true;
	if (w->r->journal == NULL) {
		c->state = RW_READY;
		return;
	}
	c->state = RW_FILLED;
	w->nfilled++;
}

/* Send everything taken (with send; else drop what was not sent yet),
 * wait for every answer, journal and sync, with the write's end line
 * when end (the window's last drain). The window is empty after, its
 * failure (if any) kept. */
static void
repo_wave_drain(struct repo_wave *w, bool send, bool end)
{
	size_t i;

	if (!send)
		w->stopping = true;
	repo_wave_check_stop(w, false);
	if (!w->failed && !w->stopping) {
		if (w->filling != NULL && w->filling->n > 0)
			repo_wave_seal(w);
		if (w->nfilled > 0)
			repo_wave_read_before(w);
	}
	for (;;) {
		repo_wave_pump(w);
		if (w->inflight == 0 && w->nwaiting == 0)
			break;
		repo_wave_take(w, true);
	}
	/* What was never sent is known not stored: not journaled. */
	for (i = 0; i < w->nchunks; i++)
		if (w->chunks[i].state != RW_FREE)
			repo_wave_release(w, &w->chunks[i]);
	if (w->r->journal != NULL)
		repo_wave_journal(w, end ? RW_END : RW_SYNC);
	w->stopping = false;
}

/* The window's result: 0, or -1 with the failure of the chunk first in
 * input order, and what could not be journaled. */
static int
repo_wave_result(const struct repo_wave *w, struct err *e)
{
	if (w->has_err) {
		if (e != NULL) {
			*e = w->err;
			if (w->jfailed) {
				err_set(e, e->code, "%s; and what was written "
				    "is not journaled: %s", w->err.msg,
				    w->jerr.msg);
				e->applied = w->err.applied;
			}
		}
		return -1;
	}
	if (w->jfailed)
		return err_set(e, ERR_IO, "written, but not journaled: %s",
		    w->jerr.msg);
	if (w->failed)
		return err_set(e, ERR_INTERNAL, "batch write stopped");
	return 0;
}

int
repo_wave_flush(struct repo_wave *w, struct err *e)
{
	repo_wave_drain(w, true, true);
	return repo_wave_result(w, e);
}

void
repo_wave_stop(struct repo_wave *w, struct err *e)
{
	repo_wave_drain(w, false, true);
	if (w->jfailed && e != NULL) {
		enum err_applied applied = e->applied;
		char first[sizeof e->msg];

		memcpy(first, e->msg, sizeof first);
		err_set(e, e->code, "%s; and what was written is not "
		    "journaled: %s", first, w->jerr.msg);
		e->applied = applied;
	}
}

int
repo_wave_abort(struct repo_wave *w, struct err *e)
{
	/* After every chunk taken: an earlier one's failure comes first. */
	repo_wave_fail(w, w->seq, e);
	repo_wave_drain(w, false, true);
	return repo_wave_result(w, e);
}

void
repo_wave_free(struct repo_wave *w)
{
	size_t i;

	if (w == NULL)
		return;
	/* Answers still out write into the chunks: wait for them. */
	repo_wave_drain(w, false, true);
	for (i = 0; i < w->nchunks; i++)
		buf_cleanup(&w->chunks[i].before_text);
	free(w->chunks);
	free(w->slots);
	free(w);
}

/* A free chunk to take entries, waiting for answers until one is; NULL
 * when the window failed meanwhile. */
static struct repo_wave_chunk *
repo_wave_chunk_new(struct repo_wave *w)
{
	struct repo_wave_chunk *c;

	while ((c = repo_wave_first(w, RW_FREE)) == NULL && !w->failed) {
		assert(w->inflight > 0 || w->nwaiting > 0);
		repo_wave_take(w, true);
		repo_wave_pump(w);
	}
	if (w->failed)
		return NULL;
	c->state = RW_FILLING;
	c->seq = w->seq++;
	c->n = 0;
	c->idle = 0;
	c->maybe_sent = false;
	c->borrowed = false;
	request_init(&c->rq, OP_BATCH_WRITE_ITEM, w->r->table);
	w->filling = c;
	return c;
}

int
repo_wave_add(struct repo_wave *w, struct write_request wr, struct err *e)
{
	const struct value *pk = value_map_get(wr.value, w->r->partition_key);
	const struct value *sk = value_map_get(wr.value, w->r->sort_key);
	uint64_t h = repo_wave_key_hash(pk, sk);
	struct repo_wave_chunk *c;

	/* This item and the rest are not sent once asked to stop. */
	repo_wave_check_stop(w, true);
	/* A key already in the window: what is taken is written first (the
	 * write goes on: its end is not journaled yet). */
	if (!w->failed && repo_wave_find_h(w, h, pk, sk) >= 0)
		repo_wave_drain(w, true, false);
	if (w->failed || ((c = w->filling) == NULL &&
	    (c = repo_wave_chunk_new(w)) == NULL)) {
		write_request_cleanup(&wr);
		repo_wave_drain(w, false, true);
		return repo_wave_result(w, e);
	}
	c->writes[c->n] = wr;
	c->pk[c->n] = pk;
	c->sk[c->n] = sk;
	c->hash[c->n] = h;
	c->before[c->n] = NULL;
	c->before_len[c->n] = 0;
	repo_wave_index(w, (size_t)(c - w->chunks) * RW_N + c->n);
	if (++c->n == RW_N) {
		repo_wave_seal(w);
		if (w->nfilled == w->group)
			repo_wave_read_before(w);
	}
	/* Take the answers that are in; send what is ready. */
	repo_wave_take(w, false);
	repo_wave_pump(w);
	if (w->failed) {
		repo_wave_drain(w, false, true);
		return repo_wave_result(w, e);
	}
	return 0;
}
