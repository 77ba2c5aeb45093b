/* SPDX-License-Identifier: ISC */
/* Batch writes in waves: several BatchWriteItem chunks in flight at once. */
#include "config.h"

#include "repo.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "repo_private.h"
#include "request.h"
#include "xmalloc.h"

/*
 * A wave holds up to in_flight chunks of 25 entries, no key twice in the
 * whole wave: an entry whose key is already there sends the wave first,
 * so the later write of a key starts only after the earlier one was
 * acknowledged, and a put of the same key twice ends with the last line.
 * With a journal, the before-images of the wave are read with one
 * consistent BatchGetItem per 100 keys (the wave has no key twice, which
 * BatchGetItem would refuse), after every earlier wave was written.
 */
struct repo_wave {
	struct repo		*r;
	size_t			 cap;		/* in_flight * 25 */
	size_t			 n;
	struct write_request	*writes;	/* [cap], owned, input order */
	const struct value	**pk, **sk;	/* [cap], borrowed from writes */
	struct value		**before;	/* [cap], owned, with a journal */
	size_t			 done;		/* acknowledged entries */
	/* The entries by key: open addressing, entry + 1 or 0 (free);
	 * twice cap slots or more, a power of two. */
	size_t			*slots;
	size_t			 mask;
};

/* One BatchWriteItem of the wave and what became of it. */
struct repo_wave_chunk {
	size_t			 first, n;	/* its entries in the wave */
	struct request		 rq;		/* what is still to be sent */
	bool			 borrowed;	/* rq.writes is the wave's */
	int			 idle;		/* answers without progress */
	int			 rc;
	struct err		 err;
	/* rq failed on the wire with its outcome unknown: what it held
	 * may be stored. Else what rq still holds is known not stored
	 * (unprocessed, or never sent). */
	bool			 maybe_sent;
};

struct repo_wave *
repo_wave_new(struct repo *r)
{
	struct repo_wave *w = xcalloc(1, sizeof *w);

	w->r = r;
	w->cap = (size_t)r->in_flight * REPO_BATCH_WRITE_MAX;
	w->writes = xcalloc(w->cap, sizeof *w->writes);
	w->pk = xcalloc(w->cap, sizeof *w->pk);
	w->sk = xcalloc(w->cap, sizeof *w->sk);
	w->before = xcalloc(w->cap, sizeof *w->before);
	for (w->mask = 1; w->mask < 2 * w->cap; w->mask <<= 1)
		;
	w->slots = xcalloc(w->mask, sizeof *w->slots);
	w->mask--;
	return w;
}

/* Free the entries and before-images; the wave is empty again. */
static void
repo_wave_clear(struct repo_wave *w)
{
	size_t i;

	for (i = 0; i < w->n; i++) {
		value_free(w->writes[i].value);
		value_free(w->before[i]);
		w->writes[i].value = NULL;
		w->before[i] = NULL;
	}
	w->n = 0;
	memset(w->slots, 0, (w->mask + 1) * sizeof *w->slots);
}

void
repo_wave_free(struct repo_wave *w)
{
	if (w == NULL)
		return;
	repo_wave_clear(w);
	free(w->writes);
	free(w->pk);
	free(w->sk);
	free(w->before);
	free(w->slots);
	free(w);
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

/* The first slot to probe for a key. */
static size_t
repo_wave_slot(const struct repo_wave *w, const struct value *pk,
    const struct value *sk)
{
	uint64_t h = repo_wave_hash(repo_wave_hash(0xcbf29ce484222325u, pk),
	    sk);

	return (size_t)(h ^ (h >> 32)) & w->mask;
}

/* The entry of the wave with this key, or -1. An entry is looked up for
 * every one added, and for every item read or left unprocessed: by hash,
 * not by walking the wave. */
static long
repo_wave_find(const struct repo_wave *w, const struct value *pk,
    const struct value *sk)
{
	size_t i, k;

	for (i = repo_wave_slot(w, pk, sk); (k = w->slots[i]) != 0;
	    i = (i + 1) & w->mask)
		if (repo_wave_same(sk, w->sk[k - 1]) &&
		    repo_wave_same(pk, w->pk[k - 1]))
			return (long)(k - 1);
	return -1;
}

/* Index the wave's last entry by its key. */
static void
repo_wave_index(struct repo_wave *w)
{
	size_t i = repo_wave_slot(w, w->pk[w->n - 1], w->sk[w->n - 1]);

	while (w->slots[i] != 0)
		i = (i + 1) & w->mask;
	w->slots[i] = w->n;
}

/* repo_stored_fn: keep a stored item as the before-image of its entry. */
static void
repo_wave_before_each(void *ctx, struct value *stored)
{
	struct repo_wave *w = ctx;
	struct repo *r = w->r;
	long i = repo_wave_find(w, value_map_get(stored, r->partition_key),
	    value_map_get(stored, r->sort_key));

	if (i >= 0 && w->before[i] == NULL)
		w->before[i] = stored;
	else
		value_free(stored);
}

/* Read the before-images of the wave: consistent BatchGetItems of up to
 * 100 keys. Entries with no stored item keep NULL. */
static int
repo_wave_read_before(struct repo_wave *w, struct err *e)
{
	size_t i = 0, k;

	while (i < w->n) {
		size_t m = w->n - i < REPO_BATCH_GET_MAX ? w->n - i :
		    REPO_BATCH_GET_MAX;
		struct value **keys = xcalloc(m, sizeof *keys);

		for (k = 0; k < m; k++)
			keys[k] = repo_key_of(w->r, w->writes[i + k].value);
		if (repo_batch_get_stored(w->r, keys, m, true,
		    repo_wave_before_each, w, e) == -1)
			return -1;
		i += m;
	}
	return 0;
}

/* Cut the wave into chunks of 25; the first send borrows the entries. */
static size_t
repo_wave_split(struct repo_wave *w, struct repo_wave_chunk *ch)
{
	size_t nch = 0, i;

	for (i = 0; i < w->n; i += REPO_BATCH_WRITE_MAX, nch++) {
		struct repo_wave_chunk *c = &ch[nch];

		memset(c, 0, sizeof *c);
		c->first = i;
		c->n = w->n - i < REPO_BATCH_WRITE_MAX ? w->n - i :
		    REPO_BATCH_WRITE_MAX;
		request_init(&c->rq, OP_BATCH_WRITE_ITEM, w->r->table);
		c->rq.writes = &w->writes[i];
		c->rq.nwrites = c->n;
		c->borrowed = true;
		err_clear(&c->err);
	}
	return nch;
}

/* Replace what a chunk still has to send with the unprocessed entries of
 * its answer (taken). */
static void
repo_wave_resend(struct repo_wave_chunk *c, struct response *rs)
{
	size_t i;

	if (!c->borrowed) {
		for (i = 0; i < c->rq.nwrites; i++)
			value_free(c->rq.writes[i].value);
		free(c->rq.writes);
	}
	c->borrowed = false;
	c->rq.writes = rs->unprocessed_writes;
	c->rq.nwrites = rs->nunprocessed_writes;
	rs->unprocessed_writes = NULL;
	rs->nunprocessed_writes = 0;
}

/* Free what a chunk did not send; its request is done. */
static void
repo_wave_chunk_cleanup(struct repo_wave_chunk *c)
{
	if (c->borrowed) {
		c->rq.writes = NULL;
		c->rq.nwrites = 0;
	}
	request_cleanup(&c->rq);
}

/* Send every chunk's BatchWriteItem at once; take each answer. Returns
 * the number of chunks that failed. */
static int
repo_wave_send_once(struct repo_wave *w, struct repo_wave_chunk *ch,
    size_t nch)
{
	const struct request *rqs[REPO_IN_FLIGHT_MAX];
	struct response rss[REPO_IN_FLIGHT_MAX];
	struct err errs[REPO_IN_FLIGHT_MAX];
	int rcs[REPO_IN_FLIGHT_MAX];
	size_t idx[REPO_IN_FLIGHT_MAX], m = 0, i;
	int failed = 0;

	for (i = 0; i < nch; i++)
		if (ch[i].rc == 0 && ch[i].rq.nwrites > 0) {
			idx[m] = i;
			rqs[m] = &ch[i].rq;
			response_init(&rss[m]);
			err_clear(&errs[m]);
			m++;
		}
	repo_execute_many(w->r, rqs, rss, errs, rcs, m);
	for (i = 0; i < m; i++) {
		struct repo_wave_chunk *c = &ch[idx[i]];
		size_t unprocessed = rss[i].nunprocessed_writes;

		if (rcs[i] != 0) {
			c->rc = -1;
			c->err = errs[i];
			c->maybe_sent = repo_outcome_uncertain(&errs[i]);
			failed++;
		} else {
			w->done += c->rq.nwrites - unprocessed;
			c->idle = unprocessed < c->rq.nwrites ? 0 : c->idle + 1;
			repo_wave_resend(c, &rss[i]);
		}
		response_cleanup(&rss[i]);
	}
	return failed;
}

/* The rounds of a wave: send, then re-send what came back unprocessed,
 * with backoff, until nothing is left or a chunk fails; the other chunks
 * then stop too, as a put stops at its first failure. */
static int
repo_wave_send(struct repo_wave *w, struct repo_wave_chunk *ch, size_t nch,
    struct err *e)
{
	size_t i;
	int idle;

	for (;;) {
		if (repo_wave_send_once(w, ch, nch) > 0)
			break;
		idle = -1;
		for (i = 0; i < nch; i++) {
			if (ch[i].rq.nwrites == 0)
				continue;
			if (ch[i].idle >= REPO_UNPROCESSED_ROUNDS) {
				ch[i].rc = err_set(&ch[i].err, ERR_THROTTLED,
				    "BatchWriteItem: %zu items still "
				    "unprocessed after %d attempts",
				    ch[i].rq.nwrites, ch[i].idle);
				break;
			}
			if (ch[i].idle > idle)
				idle = ch[i].idle;
		}
		if (i < nch || idle < 0)
			break;
		if (repo_backoff(w->r, idle, e) != 0)
			return -1;
	}
	/* The first chunk that failed speaks for the wave. */
	for (i = 0; i < nch; i++)
		if (ch[i].rc != 0) {
			if (e != NULL)
				*e = ch[i].err;
			return -1;
		}
	return 0;
}

/* Mark the wave's entries a chunk still holds and knows were not
 * stored: left unprocessed, or never sent. */
static void
repo_wave_mark_unwritten(struct repo_wave *w,
    const struct repo_wave_chunk *c, bool *unwritten)
{
	struct repo *r = w->r;
	size_t i;
	long k;

	if (c->maybe_sent)
		return;
	for (i = 0; i < c->rq.nwrites; i++) {
		const struct value *v = c->rq.writes[i].value;

		k = repo_wave_find(w, value_map_get(v, r->partition_key),
		    value_map_get(v, r->sort_key));
		if (k >= 0)
			unwritten[k] = true;
	}
}

/* Journal every entry that was, or may have been, stored: acknowledged,
 * or in a request whose outcome is unknown; not the ones DynamoDB left
 * unprocessed, nor those never sent. One append and one fsync for the
 * wave. Returns rc, or -1 when the wave was written but could not be
 * journaled (also said after another failure). */
static int
repo_wave_journal(struct repo_wave *w, struct repo_wave_chunk *ch,
    size_t nch, int rc, struct err *e)
{
	struct repo *r = w->r;
	bool *unwritten = xcalloc(w->n ? w->n : 1, sizeof *unwritten);
	struct err je;
	size_t i, k;

	for (i = 0; i < nch; i++)
		repo_wave_mark_unwritten(w, &ch[i], unwritten);
	for (k = 0; k < w->n; k++) {
		struct value *key;

		if (unwritten[k])
			continue;
		key = repo_key_of(r, w->writes[k].value);
		repo_journal_add(r, key, w->before[k],
		    w->writes[k].is_delete ? NULL : w->writes[k].value);
		value_free(key);
	}
	free(unwritten);
	err_clear(&je);
	if (journal_flush(r->journal, &je) == -1) {
		if (rc == 0)
			return err_set(e, ERR_IO, "written, but not journaled: "
			    "%s", je.msg);
		/* The write's own error stays first; this is said too. */
		if (e != NULL) {
			char first[sizeof e->msg];

			memcpy(first, e->msg, sizeof first);
			err_set(e, e->code, "%s; and what was written is not "
			    "journaled: %s", first, je.msg);
		}
	}
	return rc;
}

int
repo_wave_flush(struct repo_wave *w, struct err *e)
{
	struct repo_wave_chunk ch[REPO_IN_FLIGHT_MAX];
	size_t nch, i;
	int rc;

	if (w->n == 0)
		return 0;
	if (w->r->journal != NULL && repo_wave_read_before(w, e) == -1) {
		repo_wave_clear(w);
		return -1;
	}
	nch = repo_wave_split(w, ch);
	rc = repo_wave_send(w, ch, nch, e);
	if (w->r->journal != NULL)
		rc = repo_wave_journal(w, ch, nch, rc, e);
	for (i = 0; i < nch; i++)
		repo_wave_chunk_cleanup(&ch[i]);
	repo_wave_clear(w);
	return rc;
}

int
repo_wave_add(struct repo_wave *w, struct write_request wr, struct err *e)
{
	const struct value *pk = value_map_get(wr.value, w->r->partition_key);
	const struct value *sk = value_map_get(wr.value, w->r->sort_key);

	if (w->n == w->cap || repo_wave_find(w, pk, sk) >= 0) {
		if (repo_wave_flush(w, e) != 0) {
			value_free(wr.value);
			return -1;
		}
	}
	w->writes[w->n] = wr;
	w->pk[w->n] = pk;
	w->sk[w->n] = sk;
	w->n++;
	repo_wave_index(w);
	return 0;
}
