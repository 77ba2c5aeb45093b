/* SPDX-License-Identifier: ISC */
/* Batch writes in waves: what is in flight together, what is journaled. */
#include "config.h"

#include <criterion/criterion.h>
#include <sys/stat.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "awsclient.h"
#include "creds.h"
#include "expr_eval.h"
#include "http.h"
#include "journal.h"
#include "local_table.h"
#include "json.h"
#include "repo.h"
#include "schema.h"
#include "statedir.h"
#include "store_dynamodb.h"
#include "store_local.h"
#include "xmalloc.h"

static const struct repo_config base_config = {
	.table = "tbl", .partition_prefix = "p", .partition_name = "n",
	.content_type = "c", .name = "wave",
};

/* ---- a store that runs jobs out of order, checking the window ----------- */

#define WAVE_KEYS	100000	/* content ids "a00000".."a99999" */
#define WAVE_LANES	16

struct wave_store {
	struct store	 base;
	size_t		 lanes;			/* 0: WAVE_LANES */
	unsigned long	 batch_writes, batch_gets, writes;
	/* Jobs started and not handed back, and the most at once. */
	struct store_job *flight[WAVE_LANES];
	size_t		 nflight, max_flight;
	unsigned long	 polls, answers_out_of_order;
	bool		 no_poll;		/* answers when waited for */
	/* Every key's state: its writes in flight; read by a BatchGetItem
	 * since its last write was sent. */
	unsigned short	 in_flight[WAVE_KEYS];
	bool		 read_since_write[WAVE_KEYS];
	bool		 journaled;		/* each write read first */
	bool		 key_twice_in_flight;
	bool		 key_read_in_flight;
	bool		 written_unread;
	bool		 key_twice_in_get;
	size_t		 max_keys_in_get;
	/* ERR_OK: every write is stored. Else the first BatchWriteItem
	 * leaves its last 5 writes unprocessed and the next fails with
	 * this code. */
	enum err_code	 fail_resend;
	/* Non-zero: the BatchWriteItem answered this many-th fails (not
	 * applied); nothing may be sent after it. */
	unsigned long	 fail_answer, answers, started;
	bool		 failure_seen, sent_after_failure;
	/* The first BatchWriteItem's answer lists one unprocessed entry
	 * more than it was sent. */
	bool		 too_many_unprocessed;
	/* The journal's file, and its size when the last BatchWriteItem
	 * was sent; and when each was started, with the BatchWriteItems
	 * answered by then. */
	const char	*journal_path;
	off_t		 journal_size_at_last;
	off_t		 size_at_start[512];
	unsigned long	 answered_at_start[512];
	size_t		 nstarts;
};

/* The number of a key's content id ("c#a00042" is 42); 0 for others. */
static size_t
wave_key_no(const struct value *item)
{
	const struct value *sk = value_map_get(item, "_table_content_id");
	size_t n;

	cr_assert_not_null(sk);
	n = strncmp(sk->u.str.ptr, "c#a", 3) == 0 ?
	    strtoul(sk->u.str.ptr + 3, NULL, 10) : 0;
	cr_assert_lt(n, WAVE_KEYS);
	return n;
}

/* Count one request; BatchGetItem keys must be unique (DynamoDB refuses
 * a duplicate), and none may be in flight being written. */
static int
wave_execute(struct store *st, const struct request *rq,
    struct response *rs, struct err *e)
{
	struct wave_store *w = (struct wave_store *)st;
	size_t i, j;

	if (rq->op == OP_BATCH_WRITE_ITEM && w->fail_resend != ERR_OK &&
	    w->batch_writes == 1) {
		w->batch_writes++;
		return err_set(e, w->fail_resend, "scripted failure");
	}
	if (rq->op == OP_BATCH_WRITE_ITEM && w->too_many_unprocessed &&
	    w->batch_writes++ == 0) {
		rs->nunprocessed_writes = rq->nwrites + 1;
		rs->unprocessed_writes = xcalloc(rq->nwrites + 1,
		    sizeof *rs->unprocessed_writes);
		for (i = 0; i <= rq->nwrites; i++) {
			const struct write_request *wr =
			    &rq->writes[i % rq->nwrites];

			rs->unprocessed_writes[i].is_delete = wr->is_delete;
			rs->unprocessed_writes[i].value =
			    value_copy(wr->value);
		}
		return 0;
	}
	if (rq->op == OP_BATCH_WRITE_ITEM) {
		struct stat sb;

		w->batch_writes++;
		w->writes += rq->nwrites;
		if (w->journal_path != NULL && stat(w->journal_path, &sb) == 0)
			w->journal_size_at_last = sb.st_size;
		if (w->fail_resend != ERR_OK && w->batch_writes == 1 &&
		    rq->nwrites > 5) {
			rs->nunprocessed_writes = 5;
			rs->unprocessed_writes = xcalloc(5,
			    sizeof *rs->unprocessed_writes);
			for (i = 0; i < 5; i++) {
				const struct write_request *wr =
				    &rq->writes[rq->nwrites - 5 + i];

				rs->unprocessed_writes[i].is_delete =
				    wr->is_delete;
				rs->unprocessed_writes[i].value =
				    value_copy(wr->value);
			}
			w->writes -= 5;
		}
	} else if (rq->op == OP_BATCH_GET_ITEM) {
		w->batch_gets++;
		if (rq->nkeys > w->max_keys_in_get)
			w->max_keys_in_get = rq->nkeys;
		for (i = 0; i < rq->nkeys; i++) {
			size_t k = wave_key_no(rq->keys[i]);

			if (w->in_flight[k] > 0)
				w->key_read_in_flight = true;
			w->read_since_write[k] = true;
			for (j = 0; j < i; j++)
				if (value_equal(rq->keys[i], rq->keys[j]))
					w->key_twice_in_get = true;
		}
	}
	return 0;
}

static size_t
wave_lanes(const struct store *st)
{
	const struct wave_store *w = (const struct wave_store *)st;

	return w->lanes > 0 ? w->lanes : WAVE_LANES;
}

/* store_ops.start: a BatchWriteItem goes in flight; its keys must not
 * be there already, and (with the journal) each read since its last
 * write. */
static void
wave_start(struct store *st, struct store_job *j)
{
	struct wave_store *w = (struct wave_store *)st;
	size_t i;

	cr_assert_lt(w->nflight, wave_lanes(st), "more jobs than lanes");
	cr_assert_eq(j->rq->op, OP_BATCH_WRITE_ITEM);
	w->started++;
	if (w->journal_path != NULL && w->nstarts < 512) {
		struct stat sb;

		w->size_at_start[w->nstarts] = stat(w->journal_path, &sb) ==
		    0 ? sb.st_size : 0;
		w->answered_at_start[w->nstarts++] = w->answers;
	}
	if (w->failure_seen)
		w->sent_after_failure = true;
	for (i = 0; i < j->rq->nwrites; i++) {
		size_t k = wave_key_no(j->rq->writes[i].value);

		if (w->in_flight[k]++ > 0)
			w->key_twice_in_flight = true;
		if (w->journaled && !w->read_since_write[k])
			w->written_unread = true;
		w->read_since_write[k] = false;
	}
	w->flight[w->nflight++] = j;
	if (w->nflight > w->max_flight)
		w->max_flight = w->nflight;
}

/* store_ops.wait: answer one job in flight, not the oldest when there
 * are several; without block, one poll in 40 finds one done (a chunk's
 * 25 entries poll 25 times). */
static struct store_job *
wave_wait(struct store *st, bool block)
{
	struct wave_store *w = (struct wave_store *)st;
	struct store_job *j;
	size_t at, i;

	if (w->nflight == 0 || (!block && (w->no_poll ||
	    ++w->polls % 40 != 0)))
		return NULL;
	at = (w->polls * 7 + w->batch_writes) % w->nflight;
	if (at != 0)
		w->answers_out_of_order++;
	j = w->flight[at];
	memmove(&w->flight[at], &w->flight[at + 1],
	    (w->nflight - at - 1) * sizeof *w->flight);
	w->nflight--;
	for (i = 0; i < j->rq->nwrites; i++)
		w->in_flight[wave_key_no(j->rq->writes[i].value)]--;
	if (++w->answers == w->fail_answer) {
		w->failure_seen = true;
		j->rc = err_set(&j->err, ERR_AUTH, "scripted failure");
		return j;
	}
	j->rc = wave_execute(st, j->rq, &j->rs, &j->err);
	return j;
}

static void
wave_free(struct store *st)
{
	(void)st;
}

static const struct store_ops wave_ops = {
	.name = "wave", .execute = wave_execute, .free = wave_free,
	.start = wave_start, .wait = wave_wait, .lanes = wave_lanes,
};

/* A wave_store on the heap (its key tables are large). */
static struct wave_store *
wave_store_new(void)
{
	struct wave_store *w = xcalloc(1, sizeof *w);

	w->base.ops = &wave_ops;
	return w;
}

static void
fixed_now(void *ctx, struct timespec *ts)
{
	(void)ctx;
	ts->tv_sec = 1764062043;
	ts->tv_nsec = 512345000;
}

static int64_t
fixed_mono(void *ctx)
{
	(void)ctx;
	return 0;
}

static int
no_sleep(void *ctx, int64_t ms)
{
	(void)ctx;
	(void)ms;
	return 0;
}

static uint32_t
fixed_random(void *ctx)
{
	(void)ctx;
	return 7;
}

static const struct clock_ops fixed_clock = {
	.now = fixed_now, .monotonic_ms = fixed_mono, .sleep_ms = no_sleep,
	.random = fixed_random,
};

/* n contents with content ids "a" + ids[i] and a field v = vals[i]. */
static struct content **
contents(size_t n, const char *(*id)(size_t), const char *(*val)(size_t))
{
	struct content **cs = xcalloc(n, sizeof *cs);
	size_t i;

	for (i = 0; i < n; i++) {
		cs[i] = content_new();
		ids_parse(&cs[i]->partition_ids, "k");
		ids_parse(&cs[i]->content_ids, id(i));
		cs[i]->item = value_new_m();
		value_map_set(cs[i]->item, "v", value_new_str(val(i)));
	}
	return cs;
}

static void
contents_free(struct content **cs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		content_free(cs[i]);
	free(cs);
}

/* "a00000".."a99999", except that line 60 repeats line 10's key. */
static const char *
id_with_repeat(size_t i)
{
	static char buf[16];

	snprintf(buf, sizeof buf, "a%05zu", i == 60 ? (size_t)10 : i);
	return buf;
}

static const char *
val_of_line(size_t i)
{
	static char buf[32];

	snprintf(buf, sizeof buf, "line %zu", i);
	return buf;
}

/* A directory for journals and embedded stores. */
static char dir[64];

static void
setup(void)
{
	snprintf(dir, sizeof dir, "/tmp/dynrepo-wave-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void
teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	cr_assert_eq(system(cmd), 0);
	free(cmd);
}

TestSuite(repo_wave, .init = setup, .fini = teardown);

Test(repo_wave, same_key_twice_never_in_flight_together)
{
	struct wave_store *st = wave_store_new();
	struct repo *r = repo_new(&base_config, &st->base, &fixed_clock);
	struct content **cs = contents(100, id_with_repeat, val_of_line);
	size_t written = 0;
	struct err e;

	/* Line 10's chunk still in flight when line 60 repeats its key:
	 * everything taken before is sent and waited for first (0-24,
	 * 25-49, 50-59), then 60-84, 85-99. */
	st->no_poll = true;
	cr_assert_eq(repo_put_batch(r, cs, 100, &written, &e), 0, "%s",
	    e.msg);
	cr_assert_eq(written, 100);
	cr_assert_eq(st->writes, 100);
	cr_assert(!st->key_twice_in_flight);
	cr_assert_eq(st->batch_writes, 5, "%lu", st->batch_writes);
	cr_assert_eq(st->max_flight, 3);
	cr_assert_eq(st->nflight, 0);
	contents_free(cs, 100);
	repo_free(r);
	free(st);
}

/* "a00000".."a09999". */
static const char *
id_plain(size_t i)
{
	static char buf[16];

	snprintf(buf, sizeof buf, "a%05zu", i);
	return buf;
}

/* The entries of the one write the journal at jpath holds, complete. */
static size_t
journal_one_write(const char *jpath)
{
	struct journal_write *jw = NULL;
	size_t ngroups = 1, n;
	struct err e;

	cr_assert_eq(journal_last_writes(jpath, "wave", "tbl", &jw, &ngroups,
	    &e), 0, "%s", e.msg);
	cr_assert_eq(ngroups, 1);
	cr_assert(jw[0].complete);
	n = jw[0].n;
	journal_writes_free(jw, ngroups);
	return n;
}

/* The whole file at path (*len bytes). */
static char *
journal_text(const char *path, size_t *len)
{
	char *text;
	struct err e;

	cr_assert_eq(statedir_read_file(path, &text, len, &e), 0, "%s",
	    e.msg);
	return text;
}

/* The regression guard of issue 6 with the journal on: a 10k put is 400
 * BatchWriteItems, never more than in_flight at once (and that many at
 * times), answered out of order, and 100 BatchGetItems of before-images
 * (one per four chunks), each of unique keys, none of them in flight,
 * every key read before it is written. */
Test(repo_wave, journaled_put_of_10k_counts_requests)
{
	struct wave_store *st = wave_store_new();
	struct repo_config cfg = base_config;
	char *jpath = xasprintf("%s/journal.jsonl", dir);
	struct journal *j = journal_new(jpath, &fixed_clock);
	struct content **cs = contents(10000, id_plain, val_of_line);
	size_t written = 0, len, i;
	struct repo *r;
	struct err e;
	struct stat sb;
	char *text;

	cfg.journal = j;
	st->journaled = true;
	st->journal_path = jpath;
	/* ~4 MB of entries: synced every 64 KB, not every 100 items */
	journal_sync_every(j, 64 * 1024);
	r = repo_new(&cfg, &st->base, &fixed_clock);
	cr_assert_eq(repo_put_batch(r, cs, 10000, &written, &e), 0, "%s",
	    e.msg);
	cr_assert_eq(written, 10000);
	cr_assert_eq(stat(jpath, &sb), 0);
	/* Entries went to the file as their chunks were done: all but the
	 * last few chunks' before the last request was sent. */
	cr_assert_gt(st->journal_size_at_last, sb.st_size * 9 / 10,
	    "%lld of %lld bytes", (long long)st->journal_size_at_last,
	    (long long)sb.st_size);
	/* Every chunk answered was in the file before the next was sent:
	 * its 25 lines, all of them, not a group's at a time. */
	text = journal_text(jpath, &len);
	cr_assert_eq(st->nstarts, 400);
	for (i = 0; i < st->nstarts; i++) {
		size_t lines = 25 * st->answered_at_start[i], seen = 0;
		off_t at = 0;

		while (seen < lines && (size_t)at < len)
			if (text[at++] == '\n')
				seen++;
		cr_assert_eq(seen, lines);
		cr_assert_leq(at, st->size_at_start[i], "request %zu: %zu "
		    "chunks answered, %lld bytes of their entries, %lld in "
		    "the file", i, (size_t)st->answered_at_start[i],
		    (long long)at, (long long)st->size_at_start[i]);
	}
	free(text);
	cr_assert_geq(journal_syncs(j), (size_t)sb.st_size / (64 * 1024 +
	    100 * 1024));
	cr_assert_leq(journal_syncs(j), (size_t)sb.st_size / (64 * 1024) + 1,
	    "%zu syncs for %lld bytes", journal_syncs(j),
	    (long long)sb.st_size);
	cr_assert_eq(st->batch_writes, 400, "%lu", st->batch_writes);
	cr_assert_eq(st->writes, 10000);
	cr_assert_eq(repo_stats(r)->requests, 500);
	cr_assert_eq(st->max_flight, REPO_IN_FLIGHT_DEFAULT, "%zu at once",
	    st->max_flight);
	cr_assert_gt(st->answers_out_of_order, 0);
	cr_assert_eq(st->batch_gets, 100, "%lu", st->batch_gets);
	cr_assert_eq(st->max_keys_in_get, 100);
	cr_assert(!st->key_twice_in_get);
	cr_assert(!st->key_twice_in_flight);
	cr_assert(!st->key_read_in_flight);
	cr_assert(!st->written_unread, "a key written before it was read");
	cr_assert_eq(journal_one_write(jpath), 10000);
	contents_free(cs, 10000);
	repo_free(r);
	journal_free(j);
	free(jpath);
	free(st);
}

/* A wave ends with one fsync, whether it went through or failed: with no
 * threshold reached on the way, exactly that one. */
Test(repo_wave, journal_synced_once_at_the_end)
{
	unsigned long fail;

	for (fail = 0; fail <= 7; fail += 7) {
		struct wave_store *st = wave_store_new();
		struct repo_config cfg = base_config;
		char *jpath = xasprintf("%s/journal-%lu.jsonl", dir, fail);
		struct journal *j = journal_new(jpath, &fixed_clock);
		struct content **cs = contents(1000, id_plain, val_of_line);
		size_t written = 0;
		struct repo *r;
		struct err e;
		int rc;

		cfg.journal = j;
		st->journaled = true;
		st->fail_answer = fail;	/* 0: none fails */
		journal_sync_every(j, SIZE_MAX);
		r = repo_new(&cfg, &st->base, &fixed_clock);
		rc = repo_put_batch(r, cs, 1000, &written, &e);
		cr_assert_eq(rc, fail == 0 ? 0 : -1, "%s", e.msg);
		cr_assert_gt(written, 0);
		cr_assert_eq(journal_syncs(j), 1, "%zu fsyncs, failing at %lu",
		    journal_syncs(j), fail);
		cr_assert_eq(journal_one_write(jpath), written);
		contents_free(cs, 1000);
		repo_free(r);
		journal_free(j);
		free(jpath);
		free(st);
	}
}

/* Without the journal too: in_flight at once, no key twice. */
Test(repo_wave, put_keeps_in_flight_chunks_at_once)
{
	struct wave_store *st = wave_store_new();
	struct repo_config cfg = base_config;
	struct content **cs = contents(10000, id_plain, val_of_line);
	size_t written = 0;
	struct repo *r;
	struct err e;

	cfg.in_flight = 7;
	r = repo_new(&cfg, &st->base, &fixed_clock);
	cr_assert_eq(repo_put_batch(r, cs, 10000, &written, &e), 0, "%s",
	    e.msg);
	cr_assert_eq(written, 10000);
	cr_assert_eq(st->batch_writes, 400);
	cr_assert_eq(st->batch_gets, 0);
	cr_assert_eq(st->max_flight, 7, "%zu at once", st->max_flight);
	cr_assert(!st->key_twice_in_flight);
	contents_free(cs, 10000);
	repo_free(r);
	free(st);
}

/* A store with fewer lanes than in_flight bounds the window. */
Test(repo_wave, window_is_bounded_by_the_store_lanes)
{
	struct wave_store *st = wave_store_new();
	struct content **cs = contents(1000, id_plain, val_of_line);
	struct repo *r;
	size_t written = 0;
	struct err e;

	st->lanes = 2;
	r = repo_new(&base_config, &st->base, &fixed_clock);
	cr_assert_eq(repo_put_batch(r, cs, 1000, &written, &e), 0, "%s",
	    e.msg);
	cr_assert_eq(written, 1000);
	cr_assert_eq(st->max_flight, 2);
	contents_free(cs, 1000);
	repo_free(r);
	free(st);
}

/* 25 writes: 20 acknowledged, 5 left unprocessed, whose re-send fails
 * with `code`. The journal's entries of the put. */
static struct journal_write *
put_with_failed_resend(enum err_code code, size_t *nw, struct err *e)
{
	struct wave_store *st = wave_store_new();
	struct repo_config cfg = base_config;
	char *jpath = xasprintf("%s/journal-%d.jsonl", dir, (int)code);
	struct journal *j = journal_new(jpath, &fixed_clock);
	struct content **cs = contents(25, id_plain, val_of_line);
	struct journal_write *w;
	struct repo *r;
	size_t written = 0;
	struct err le;

	st->fail_resend = code;
	cfg.journal = j;
	r = repo_new(&cfg, &st->base, &fixed_clock);
	cr_assert_eq(repo_put_batch(r, cs, 25, &written, e), -1);
	cr_assert_eq(e->code, code);
	cr_assert_eq(written, 20);
	cr_assert_eq(st->batch_writes, 2);
	*nw = 5;
	cr_assert_eq(journal_last_writes(jpath, "wave", "tbl", &w, nw, &le),
	    0, "%s", le.msg);
	contents_free(cs, 25);
	repo_free(r);
	journal_free(j);
	free(jpath);
	free(st);
	return w;
}

/* Acknowledged writes are journaled even when the chunk fails later;
 * writes DynamoDB left unprocessed are not, unless the request that
 * carried them again may have been applied. */
Test(repo_wave, journal_holds_what_was_or_may_have_been_stored)
{
	struct journal_write *w;
	size_t nw, i;
	struct err e;

	w = put_with_failed_resend(ERR_AUTH, &nw, &e);
	cr_assert_eq(nw, 1);
	cr_assert_eq(w[0].n, 20, "%zu entries", w[0].n);
	cr_assert(w[0].complete);
	for (i = 0; i < w[0].n; i++)
		cr_assert_str_eq(value_map_get(w[0].entries[i]->after,
		    "v")->u.str.ptr, val_of_line(i));
	journal_writes_free(w, nw);

	w = put_with_failed_resend(ERR_NETWORK, &nw, &e);
	cr_assert_eq(nw, 1);
	cr_assert_eq(w[0].n, 25, "%zu entries", w[0].n);
	cr_assert(w[0].complete);
	journal_writes_free(w, nw);
}

/* An answer listing more unprocessed entries than were sent is the
 * server's protocol error: the put fails saying so, nothing is counted
 * (no wrap of the count) or sent again, and the chunk's entries are
 * journaled as may have been stored. */
Test(repo_wave, more_unprocessed_than_sent_is_a_protocol_error)
{
	struct wave_store *st = wave_store_new();
	struct repo_config cfg = base_config;
	char *jpath = xasprintf("%s/journal-over.jsonl", dir);
	struct journal *j = journal_new(jpath, &fixed_clock);
	struct content **cs = contents(25, id_plain, val_of_line);
	size_t written = 0;
	struct repo *r;
	struct err e;

	cfg.journal = j;
	st->too_many_unprocessed = true;
	r = repo_new(&cfg, &st->base, &fixed_clock);
	cr_assert_eq(repo_put_batch(r, cs, 25, &written, &e), -1);
	cr_assert_eq(e.code, ERR_SERVICE, "%s", e.msg);
	cr_assert_not_null(strstr(e.msg, "26 unprocessed items of the 25 "
	    "sent"), "%s", e.msg);
	cr_assert_eq(written, 0);
	cr_assert_eq(st->batch_writes, 1, "sent again");
	cr_assert_eq(journal_one_write(jpath), 25);
	contents_free(cs, 25);
	repo_free(r);
	journal_free(j);
	free(jpath);
	free(st);
}

/* A chunk fails while others are in flight: nothing more is sent, the
 * others are answered, counted and journaled, and the failure is the
 * write's result. */
Test(repo_wave, failure_stops_the_window_and_counts_what_was_out)
{
	struct wave_store *st = wave_store_new();
	struct repo_config cfg = base_config;
	char *jpath = xasprintf("%s/journal-fail.jsonl", dir);
	struct journal *j = journal_new(jpath, &fixed_clock);
	struct content **cs = contents(1000, id_plain, val_of_line);
	size_t written = 0;
	struct repo *r;
	struct err e;

	cfg.journal = j;
	st->no_poll = true;
	st->fail_answer = 2;
	r = repo_new(&cfg, &st->base, &fixed_clock);
	cr_assert_eq(repo_put_batch(r, cs, 1000, &written, &e), -1);
	cr_assert_eq(e.code, ERR_AUTH, "%s", e.msg);
	cr_assert(!st->sent_after_failure, "a chunk sent after the failure");
	cr_assert_eq(st->nflight, 0, "answers left out");
	cr_assert_eq(st->answers, st->started);
	cr_assert_gt(st->started, 2, "%lu chunks sent", st->started);
	cr_assert_lt(st->started, 40);
	cr_assert_eq(written, st->writes);
	cr_assert_eq(written, (st->started - 1) * 25, "%zu written",
	    written);
	cr_assert_eq(journal_one_write(jpath), written);
	contents_free(cs, 1000);
	repo_free(r);
	journal_free(j);
	free(jpath);
	free(st);
}

Test(repo_wave, in_flight_one_sends_chunks_alone)
{
	struct wave_store *st = wave_store_new();
	struct repo_config cfg = base_config;
	struct content **cs = contents(100, id_plain, val_of_line);
	struct repo *r;
	size_t written = 0;
	struct err e;

	cfg.in_flight = 1;
	r = repo_new(&cfg, &st->base, &fixed_clock);
	cr_assert_eq(repo_put_batch(r, cs, 100, &written, &e), 0, "%s",
	    e.msg);
	cr_assert_eq(st->batch_writes, 4);
	cr_assert_eq(st->max_flight, 1);
	contents_free(cs, 100);
	repo_free(r);
	free(st);
}

/* ---- the embedded store: what is stored, what is journaled -------------- */

/* "a0", "a1", "a0": one key twice. */
static const char *
id_a0_a1_a0(size_t i)
{
	return i == 1 ? "a1" : "a0";
}

static const char *
val_first_second(size_t i)
{
	static const char *const v[] = { "first", "other", "second" };

	return v[i];
}

static const char *
val_old(size_t i)
{
	(void)i;
	return "old";
}

/* The S value of field v of an image (M), or NULL. */
static const char *
image_v(const struct value *image)
{
	const struct value *v = image != NULL ? value_map_get(image, "v") :
	    NULL;

	return v != NULL ? v->u.str.ptr : NULL;
}

Test(repo_wave, key_twice_ends_with_last_line_and_journals_in_order)
{
	char *db = xasprintf("%s/store.db", dir);
	char *jpath = xasprintf("%s/journal.jsonl", dir);
	struct journal *j = journal_new(jpath, &fixed_clock);
	struct repo_config cfg = base_config;
	struct store *st;
	struct content **old, **cs, *got = NULL;
	struct journal_write *jw = NULL;
	struct ids part, a0;
	struct repo *r;
	size_t written = 0, ngroups = 2;
	struct err e;

	st = store_local_open(db, &e);
	cr_assert_not_null(st, "%s", e.msg);
	cr_assert_eq(local_table_create(st, &e), 0, "%s", e.msg);
	cfg.journal = j;
	r = repo_new(&cfg, st, &fixed_clock);

	old = contents(1, id_a0_a1_a0, val_old);
	cr_assert_eq(repo_put_batch(r, old, 1, &written, &e), 0, "%s", e.msg);
	cs = contents(3, id_a0_a1_a0, val_first_second);
	cr_assert_eq(repo_put_batch(r, cs, 3, &written, &e), 0, "%s", e.msg);
	cr_assert_eq(written, 3);

	ids_parse(&part, "k");
	ids_parse(&a0, "a0");
	cr_assert_eq(repo_get(r, &part, &a0, &got, &e), 0, "%s", e.msg);
	cr_assert_str_eq(image_v(got->item), "second", "the last line wins");

	/* The put is one write of three entries: a0 over "old", a1 new, then
	 * a0 over what the first a0 left, read after it was written. */
	cr_assert_eq(journal_last_writes(jpath, "wave", "tbl", &jw, &ngroups,
	    &e), 0, "%s", e.msg);
	cr_assert_eq(ngroups, 2);
	cr_assert_eq(jw[0].n, 3);
	/* The drain for the key seen twice does not end the write: one end
	 * line, after the third entry. */
	cr_assert(jw[0].complete, "the write reads back as not whole");
	cr_assert_not(jw[0].unfinished);
	cr_assert_str_eq(image_v(jw[0].entries[0]->before), "old");
	cr_assert_str_eq(image_v(jw[0].entries[0]->after), "first");
	cr_assert_null(jw[0].entries[1]->before);
	cr_assert_str_eq(image_v(jw[0].entries[2]->before), "first");
	cr_assert_str_eq(image_v(jw[0].entries[2]->after), "second");

	journal_writes_free(jw, ngroups);
	content_free(got);
	ids_cleanup(&part);
	ids_cleanup(&a0);
	contents_free(old, 1);
	contents_free(cs, 3);
	repo_free(r);
	store_free(st);
	journal_free(j);
	free(jpath);
	free(db);
}

/* Line i's value: a string over DynamoDB's 400 KB item limit for line 25
 * (the first of the second chunk), else "line i". */
static const char *
val_too_large_at_25(size_t i)
{
	static char big[401 * 1024];

	if (i != 25)
		return val_of_line(i);
	memset(big, 'x', sizeof big - 1);
	return big;
}

/* A chunk the store refuses (a ValidationException: the item is too
 * large) was not stored: it leaves no entry; the chunk before it does. */
Test(repo_wave, refused_chunk_is_not_journaled)
{
	char *db = xasprintf("%s/store.db", dir);
	char *jpath = xasprintf("%s/journal.jsonl", dir);
	struct journal *j = journal_new(jpath, &fixed_clock);
	struct repo_config cfg = base_config;
	struct content **cs = contents(26, id_plain, val_too_large_at_25);
	struct store *st;
	struct repo *r;
	size_t written = 0;
	struct err e;

	st = store_local_open(db, &e);
	cr_assert_not_null(st, "%s", e.msg);
	cr_assert_eq(local_table_create(st, &e), 0, "%s", e.msg);
	cfg.journal = j;
	cfg.in_flight = 1;
	r = repo_new(&cfg, st, &fixed_clock);
	cr_assert_eq(repo_put_batch(r, cs, 26, &written, &e), -1);
	cr_assert_str_eq(e.aws_type, "ValidationException", "%s", e.msg);
	cr_assert_eq(written, 25);
	cr_assert_eq(journal_one_write(jpath), 25);
	contents_free(cs, 26);
	repo_free(r);
	store_free(st);
	journal_free(j);
	free(jpath);
	free(db);
}

/* ---- BatchWriteItem on the wire: refused, or of unknown outcome --------- */

/* How the fake service answers every BatchWriteItem; BatchGetItem finds
 * nothing stored. */
enum wire_fault {
	WIRE_REFUSED,		/* 400 ValidationException */
	WIRE_500,		/* 500 InternalServerError */
	WIRE_TIMEOUT		/* no answer in time, after sending */
};

static struct {
	enum wire_fault	 fault;
	unsigned long	 batch_writes;
} wire;

/* The operation a request asks for: its X-Amz-Target, or "". */
static const char *
wire_target(const struct http_request *req)
{
	size_t i;

	for (i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].name, "X-Amz-Target") == 0)
			return req->headers[i].value;
	return "";
}

/* http_ops.perform of the fake service. */
static int
wire_perform(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *e)
{
	const char *target = wire_target(req), *body;

	(void)ctx;
	http_response_reset(resp);
	resp->request_sent = true;
	resp->status = 200;
	if (strstr(target, ".BatchGetItem") != NULL)
		body = "{\"Responses\":{\"tbl\":[]}}";
	else {
		cr_assert_not_null(strstr(target, ".BatchWriteItem"), "%s",
		    target);
		wire.batch_writes++;
		switch (wire.fault) {
		case WIRE_REFUSED:
			resp->status = 400;
			body = "{\"__type\":\"com.amazonaws.dynamodb."
			    "v20120810#ValidationException\",\"message\":"
			    "\"One or more parameter values were invalid\"}";
			break;
		case WIRE_500:
			resp->status = 500;
			body = "{\"__type\":\"com.amazon.coral.service#"
			    "InternalServerError\"}";
			break;
		case WIRE_TIMEOUT:
		default:
			resp->status = 0;
			resp->timed_out = true;
			return err_set(e, ERR_NETWORK, "fake: Operation timed "
			    "out after 60000 milliseconds");
		}
	}
	buf_adds(&resp->body, body);
	return 0;
}

static const char *
wire_getenv(void *ctx, const char *name)
{
	(void)ctx;
	return strcmp(name, "AWS_ACCESS_KEY_ID") == 0 ? "AKIDEXAMPLE" :
	    strcmp(name, "AWS_SECRET_ACCESS_KEY") == 0 ? "secret" : NULL;
}

/* Put 25 items through the DynamoDB store whose BatchWriteItem meets
 * fault; the number of entries journaled. */
static size_t
put_on_the_wire(enum wire_fault fault, enum err_code code)
{
	struct http_ops http = { .perform = wire_perform };
	struct creds_provider *creds = creds_provider_new(NULL, wire_getenv,
	    NULL);
	struct awsclient *client = awsclient_new(&(struct awsclient_config){
		.endpoint = "http://127.0.0.1:1", .region = "us-east-1",
	    }, &http, creds, &fixed_clock);
	struct store *st = store_dynamodb_new(client);
	char *jpath = xasprintf("%s/journal-wire-%d.jsonl", dir, (int)fault);
	struct journal *j = journal_new(jpath, &fixed_clock);
	struct repo_config cfg = base_config;
	struct content **cs = contents(25, id_plain, val_of_line);
	struct journal_write *jw = NULL;
	size_t written = 0, ngroups = 1, n;
	struct repo *r;
	struct err e;

	memset(&wire, 0, sizeof wire);
	wire.fault = fault;
	cfg.journal = j;
	r = repo_new(&cfg, st, &fixed_clock);
	cr_assert_eq(repo_put_batch(r, cs, 25, &written, &e), -1);
	cr_assert_eq(e.code, code, "%s", e.msg);
	cr_assert_eq(written, 0);
	cr_assert_gt(wire.batch_writes, 0);
	cr_assert_eq(journal_last_writes(jpath, "wave", "tbl", &jw, &ngroups,
	    &e), 0, "%s", e.msg);
	n = ngroups > 0 ? jw[0].n : 0;
	journal_writes_free(jw, ngroups);
	contents_free(cs, 25);
	repo_free(r);
	store_free(st);
	awsclient_free(client);
	creds_provider_free(creds);
	journal_free(j);
	free(jpath);
	return n;
}

/* A BatchWriteItem refused with a 400 was not carried out: its entries
 * are not journaled as may-have-been-stored (undo would then call them
 * changed since). A 500 or a timeout after sending may have been: they
 * are. */
Test(repo_wave, refusal_on_the_wire_is_not_journaled)
{
	cr_assert_eq(put_on_the_wire(WIRE_REFUSED, ERR_SERVICE), 0);
	cr_assert_eq(wire.batch_writes, 1, "a refusal is not retried");
	cr_assert_eq(put_on_the_wire(WIRE_500, ERR_SERVICE), 25);
	cr_assert_eq(put_on_the_wire(WIRE_TIMEOUT, ERR_NETWORK), 25);
}

/* ---- what a put line costs ---------------------------------------------- */

/* The benchmark's model, trimmed: strings, numbers, a date-time, an enum,
 * a list, a nested model and a list of models. */
static const char put_schema[] =
    "{\"title\":\"FilmActor\",\"type\":\"object\",\"properties\":{"
    "\"id\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"},"
    "\"review\":{\"type\":\"string\"},\"year\":{\"type\":\"integer\"},"
    "\"rating\":{\"type\":\"number\"},"
    "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"}},"
    "\"address\":{\"$ref\":\"#/definitions/Address\"},"
    "\"roles\":{\"type\":\"array\",\"items\":"
    "{\"$ref\":\"#/definitions/Role\"}},"
    "\"born\":{\"type\":\"string\",\"format\":\"date-time\"},"
    "\"genre\":{\"enum\":[\"drama\",\"comedy\"]},"
    "\"awards\":{\"default\":0,\"type\":\"integer\"},"
    "\"active\":{\"type\":\"boolean\"}},"
    "\"required\":[\"id\",\"name\",\"year\",\"tags\",\"address\"],"
    "\"definitions\":{\"Address\":{\"title\":\"Address\",\"type\":"
    "\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
    "\"zip\":{\"type\":\"string\"}},\"required\":[\"city\"]},"
    "\"Role\":{\"title\":\"Role\",\"type\":\"object\",\"properties\":{"
    "\"title\":{\"type\":\"string\"},\"year\":{\"type\":\"integer\"},"
    "\"lead\":{\"default\":false,\"type\":\"boolean\"}},"
    "\"required\":[\"title\"]}}}";

/* Line i of a put stream of the benchmark's shape (~400 bytes). */
static void
put_line(struct buf *b, size_t i)
{
	buf_reset(b);
	buf_printf(b, "{\"partition_ids\":[\"studio-a\"],\"content_ids\":["
	    "\"ireland\",\"dublin\",\"actor%06zu\"],\"item\":{\"id\":"
	    "\"actor%06zu\",\"name\":\"Bo T. Actor-%zu\",\"review\":null,"
	    "\"year\":%zu,\"rating\":3.5,\"tags\":[\"drama\",\"tag%zu\"],"
	    "\"address\":{\"city\":\"Dublin\",\"zip\":null},\"roles\":[{"
	    "\"title\":\"Role %zu\",\"year\":1970,\"lead\":false}],\"born\":"
	    "\"2002-09-15T12:30:15.000001+00:00\",\"genre\":\"drama\","
	    "\"active\":true},\"current_version\":1,\"expiry\":null}", i, i,
	    i, 1950 + i % 70, i % 10, i);
}

/* Whether c (line i, typed in an arena) encodes as the same line typed
 * and encoded on the heap does. */
static void
same_as_on_the_heap(struct repo *r, const struct schema *sc,
    const struct content *c, size_t i)
{
	struct buf line = BUF_INIT, shared = BUF_INIT, heap = BUF_INIT;
	struct content *h;
	struct value *typed, *v;
	struct err e;

	put_line(&line, i);
	h = content_from_json(line.data, line.len, &e);
	cr_assert_not_null(h, "%s", e.msg);
	cr_assert_eq(schema_type_item(sc, h->item, NULL, false, &typed, &e),
	    0, "%s", e.msg);
	value_free(h->item);
	h->item = typed;
	v = repo_encode(r, h, NULL);
	json_emit(&heap, v, 0);
	value_free(v);
	v = repo_encode(r, c, NULL);
	json_emit(&shared, v, 0);
	value_free(v);
	cr_expect_str_eq(shared.data, heap.data);
	cr_expect(strstr(heap.data, "\"rating\":3.5,\"tags\":[\"drama\","
	    "\"tag7\"],\"address\":{\"city\":\"Dublin\",\"zip\":null},"
	    "\"roles\":[{\"title\":\"Role 7\",\"year\":1970,\"lead\":"
	    "false}],\"born\":\"2002-09-15T12:30:15.000001+00:00\"") != NULL,
	    "%s", heap.data);
	content_free(h);
	buf_cleanup(&line);
	buf_cleanup(&shared);
	buf_cleanup(&heap);
}

/*
 * The regression guard of the put issue: a line of `dynrepo put`, from
 * its JSON to the BatchWriteItem carrying it (with the journal on), as
 * cmd_put.c takes it: parsed into an arena shared with the next lines,
 * typed by the model, encoded and measured against DynamoDB's limits in
 * the check pass, then typed and encoded again to be written. Every
 * value was malloc'd and deep-copied by typing and encoding (~500
 * allocations a line); now a line costs a few tens (its ids, a few buffers,
 * the journal's key). Counts work, not time.
 */
/* Typing a line's item takes arena for its typed values only: the
 * model's map is made at its size, not grown by doubling (each growth
 * a copy left behind). */
Test(repo_wave, typing_put_lines_takes_little_arena)
{
	struct value_arena *a = value_arena_new();
	struct content **cs = xcalloc(1000, sizeof *cs);
	struct buf line = BUF_INIT;
	struct schema *sc;
	size_t i, parsed, typed;
	struct err e;

	sc = schema_load_buf(put_schema, sizeof put_schema - 1, "put", &e);
	cr_assert_not_null(sc, "%s", e.msg);
	for (i = 0; i < 1000; i++) {
		put_line(&line, i);
		cs[i] = content_from_json_in(a, line.data, line.len, &e);
		cr_assert_not_null(cs[i], "%s", e.msg);
	}
	parsed = value_arena_size(a);
	for (i = 0; i < 1000; i++) {
		struct value *t;

		cr_assert_eq(schema_type_item_in(a, sc, cs[i]->item, NULL,
		    false, &t, &e), 0, "%s", e.msg);
		value_free(cs[i]->item);
		cs[i]->item = t;
	}
	typed = value_arena_size(a) - parsed;
	cr_log_info("%zu arena bytes to type 1,000 put lines", typed);
	cr_expect_leq(typed, 1000 * 1200, "%zu arena bytes to type "
	    "1,000 put lines", typed);
	contents_free(cs, 1000);
	value_arena_unref(a);
	schema_free(sc);
	buf_cleanup(&line);
}

Test(repo_wave, put_lines_cost_few_allocations)
{
	struct wave_store *st = wave_store_new();
	struct repo_config cfg = base_config;
	char *jpath = xasprintf("%s/journal-put.jsonl", dir);
	struct journal *j = journal_new(jpath, &fixed_clock);
	struct schema *sc;
	struct content **cs = xcalloc(1000, sizeof *cs);
	struct value_arena *a = value_arena_new_sized(1024 * 1024);
	struct buf line = BUF_INIT;
	unsigned long calls;
	size_t i, written = 0;
	struct repo *r;
	struct err e;
	int pass;

	sc = schema_load_buf(put_schema, sizeof put_schema - 1, "put", &e);
	cr_assert_not_null(sc, "%s", e.msg);
	cfg.journal = j;
	r = repo_new(&cfg, &st->base, &fixed_clock);
	put_line(&line, 0);	/* the line's buffer grows once */
	calls = xmalloc_calls();
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < 1000; i++) {
			struct content *c;
			struct value *typed, *stored;

			put_line(&line, i);
			c = content_from_json_in(a, line.data, line.len, &e);
			cr_assert_not_null(c, "%s", e.msg);
			cr_assert_eq(schema_type_item_in(c->arena, sc, c->item,
			    NULL, false, &typed, &e), 0, "%s", e.msg);
			value_free(c->item);
			c->item = typed;
			if (pass == 1) {
				cs[i] = c;
				continue;
			}
			stored = repo_encode(r, c, NULL);
			cr_assert_lt(expr_eval_item_size(stored), 1024);
			value_free(stored);
			content_free(c);
		}
	cr_assert_eq(repo_put_batch(r, cs, 1000, &written, &e), 0, "%s",
	    e.msg);
	calls = xmalloc_calls() - calls;
	cr_assert_eq(written, 1000);
	cr_assert_eq(st->writes, 1000);
	cr_log_info("%lu allocations for 1,000 put lines", calls);
	cr_expect_leq(calls, 1000 * 64, "%lu allocations for 1,000 put "
	    "lines (at most 64 a line)", calls);

	/* Stored as the heap's typing and encoding store it. */
	same_as_on_the_heap(r, sc, cs[7], 7);
	contents_free(cs, 1000);
	value_arena_unref(a);
	repo_free(r);
	journal_free(j);
	schema_free(sc);
	buf_cleanup(&line);
	free(jpath);
	free(st);
}

/* ---- a put kept as its request's text ----------------------------------- */

/* A store that keeps the body of every BatchWriteItem as the DynamoDB
 * store renders it, one a line, and finds no item to read. */
struct render_store {
	struct store	 base;
	struct buf	 bodies;
};

static int
render_execute(struct store *st, const struct request *rq,
    struct response *rs, struct err *e)
{
	struct render_store *s = (struct render_store *)st;
	struct buf body = BUF_INIT;

	(void)rs;
	(void)e;
	if (rq->op == OP_BATCH_WRITE_ITEM) {
		store_dynamodb_render(rq, &body);
		buf_add(&s->bodies, body.data, body.len);
		buf_addc(&s->bodies, '\n');
	}
	buf_cleanup(&body);
	return 0;
}

static const struct store_ops render_ops = {
	.name = "render", .execute = render_execute, .free = wave_free,
};

static const struct store_ops render_text_ops = {
	.name = "render", .execute = render_execute, .free = wave_free,
	.write_text = true,
};

/* Line i of a put stream: the benchmark's shape (typed by the model),
 * and, every few lines, what the text must carry as the values do:
 * escapes and UTF-8 (in fields and keys), numbers not as DynamoDB stores
 * them (the journal's after-image differs), an expiry, an empty item,
 * and all that again with a field named _timestamp (made by repo_encode:
 * the write's time goes in that field's place); line 60 repeats line
 * 10's key. */
static struct content *
text_line(const struct schema *sc, size_t i)
{
	struct buf b = BUF_INIT;
	struct content *c;
	struct value *typed;
	struct err e;
	size_t k = i == 60 ? 10 : i;

	switch (i % 5) {
	case 1:
	case 2:
		buf_printf(&b, "{\"partition_ids\":[\"p\"],\"content_ids\":"
		    "[\"k%zu\"],\"item\":{\"s\":\"q\\\"\\\\\\n\\u0001\\u00e9"
		    "\\u2028 %zu\",%s\"n\":1.50,"
		    "\"m\":{\"x\":[1e2,null,true,{}]}},\"expiry\":%zu}",
		    k, i, i % 5 == 2 ? "\"_timestamp\":\"theirs\"," : "",
		    1800000000 + i);
		break;
	case 3:
		buf_printf(&b, "{\"partition_ids\":[\"\\\"\\u0007\"],"
		    "\"content_ids\":[\"k%zu\",\"\"],\"item\":{},"
		    "\"current_version\":7}", k);
		break;
	default:
		put_line(&b, k);
		break;
	}
	c = content_from_json(b.data, b.len, &e);
	cr_assert_not_null(c, "%s", e.msg);
	if (i % 5 == 0 || i % 5 == 4) {
		cr_assert_eq(schema_type_item(sc, c->item, NULL, false, &typed,
		    &e), 0, "%s", e.msg);
		value_free(c->item);
		c->item = typed;
	}
	buf_cleanup(&b);
	return c;
}

/* Put 200 lines through a store with ops, journaled, each as its
 * content or (text) as its request's text; the bodies sent and the
 * journal's lines to *bodies and *journal. */
static void
put_lines(const struct store_ops *ops, bool text, struct buf *bodies,
    struct buf *journal)
{
	struct render_store st = { .base = { .ops = ops } };
	struct repo_config cfg = base_config;
	char *jpath = xasprintf("%s/journal-%d-%d.jsonl", dir,
	    ops->write_text, text);
	struct journal *j = journal_new(jpath, &fixed_clock);
	struct schema *sc;
	struct repo_put_stream *ps;
	struct buf rec = BUF_INIT;
	size_t i, len, written = 0;
	struct repo *r;
	struct err e;
	FILE *f;
	int ch;

	sc = schema_load_buf(put_schema, sizeof put_schema - 1, "put", &e);
	cr_assert_not_null(sc, "%s", e.msg);
	cfg.journal = j;
	r = repo_new(&cfg, &st.base, &fixed_clock);
	ps = repo_put_stream_new(r, &e);
	cr_assert_not_null(ps, "%s", e.msg);
	for (i = 0; i < 200; i++) {
		struct content *c = text_line(sc, i);

		if (text) {
			buf_reset(&rec);
			cr_assert_eq(repo_put_text(r, c, &rec), rec.len);
			cr_assert_eq(repo_put_stream_add_text(ps, rec.data,
			    &len, &e), 0, "%s", e.msg);
			cr_assert_eq(len, rec.len);
		} else {
			cr_assert_eq(repo_put_stream_add(ps, c, &e), 0, "%s",
			    e.msg);
		}
		content_free(c);
	}
	cr_assert_eq(repo_put_stream_end(ps, &written, &e), 0, "%s", e.msg);
	cr_assert_eq(written, 200);
	*bodies = st.bodies;
	f = fopen(jpath, "r");
	cr_assert_not_null(f);
	buf_init(journal);
	while ((ch = getc(f)) != EOF)
		buf_addc(journal, (char)ch);
	fclose(f);
	repo_free(r);
	journal_free(j);
	schema_free(sc);
	buf_cleanup(&rec);
	free(jpath);
}

/* A content whose item sets a key to a number is not kept as text
 * (DynamoDB refuses it; it is written, and refused, as a content). */
Test(repo_wave, put_text_keeps_no_key_that_is_not_a_string)
{
	static const char line[] = "{\"partition_ids\":[\"p\"],"
	    "\"content_ids\":[\"a\"],\"item\":{\"_table_item_id\":5}}";
	struct repo *r = repo_new(&base_config, NULL, &fixed_clock);
	struct buf b = BUF_INIT;
	struct content *c;
	struct err e;

	c = content_from_json(line, sizeof line - 1, &e);
	cr_assert_not_null(c, "%s", e.msg);
	buf_adds(&b, "kept");
	cr_assert_eq(repo_put_text(r, c, &b), 0);
	cr_assert_str_eq(buf_cstr(&b), "kept");
	content_free(c);
	repo_free(r);
	buf_cleanup(&b);
}

/* Expect got to be want, byte for byte; say where they part. */
static void
same_bytes(const struct buf *got, const struct buf *want, const char *what)
{
	size_t i = 0;

	while (i < got->len && i < want->len && got->data[i] == want->data[i])
		i++;
	cr_expect(i == got->len && i == want->len, "%s differ at byte %zu "
	    "of %zu: got \"%.60s\", want \"%.60s\"", what, i, want->len,
	    got->data + i, want->data + i);
}

/* The guard of the put issue's kept text: a line kept as its request's
 * text sends the bytes its content sends, and journals the same lines,
 * whether the store sends the text or (an embedded store) the item
 * parsed back from it. */
Test(repo_wave, put_text_sends_and_journals_what_its_content_does)
{
	struct buf want, got, want_j, got_j;

	put_lines(&render_text_ops, false, &want, &want_j);
	cr_assert_gt(want.len, 200 * 300);
	cr_assert(strstr(want.data, "\"_timestamp\":{\"S\":\"2025-11-25T"
	    "09:14:03.512345+00:00\"}") != NULL);
	cr_assert(strstr(want_j.data, "\"n\":{\"N\":\"1.5\"}") != NULL);
	cr_assert(strstr(want.data, "{\"S\":\"p#n#\\\"\\u0007\"}") != NULL);
	put_lines(&render_text_ops, true, &got, &got_j);
	same_bytes(&got, &want, "the bodies sent");
	same_bytes(&got_j, &want_j, "the journals");
	buf_cleanup(&got);
	buf_cleanup(&got_j);
	put_lines(&render_ops, true, &got, &got_j);
	same_bytes(&got, &want, "the bodies sent (from values)");
	same_bytes(&got_j, &want_j, "the journals (from values)");
	buf_cleanup(&got);
	buf_cleanup(&got_j);
	buf_cleanup(&want);
	buf_cleanup(&want_j);
}

/* ---- before-images kept as the service's text --------------------------- */

#define SHOP_N		240	/* entries put: content ids "k0".."k239" */
#define SHOP_KINDS	16
#define SHOP_KEYS	100	/* BatchGetItem's most keys */

/* How each kind of stored item goes: as its text, verbatim (the text
 * path), or parsed and printed anew (the value path); or it is not
 * stored. */
enum shop_way { SHOP_TEXT, SHOP_VALUE, SHOP_NONE };

static const enum shop_way shop_ways[SHOP_KINDS] = {
	SHOP_TEXT, SHOP_TEXT, SHOP_TEXT, SHOP_VALUE, SHOP_VALUE, SHOP_TEXT,
	SHOP_TEXT, SHOP_VALUE, SHOP_VALUE, SHOP_NONE, SHOP_VALUE, SHOP_TEXT,
	SHOP_VALUE, SHOP_TEXT, SHOP_VALUE, SHOP_VALUE,
};

/* The partition key every stored item has, and "{" and both keys. */
#define SHOP_PK		"\"_table_item_id\":{\"S\":\"p#n#p\"}"
#define SHOP_HEAD	"{" SHOP_PK ",\"_table_content_id\":{\"S\":\"c#k%zu\"}"

/* The stored item of entry i as the service sends it (appended to b),
 * or false when none is stored: every DynamoDB type, escapes, UTF-8,
 * nesting, sets, binary, numbers at DynamoDB's limits, whitespace, keys
 * out of place or escaped, an item the parser refuses (refuse). */
static bool
shop_item(size_t i, bool refuse, struct buf *b)
{
	size_t d;

	if (refuse && i == 30) {
		buf_printf(b, SHOP_HEAD ",\"x\":{\"X\":\"1\"}}", i);
		return true;
	}
	switch (i % SHOP_KINDS) {
	case 0:
		buf_printf(b, SHOP_HEAD ",\"_object_version\":{\"N\":\"%zu\"},"
		    "\"_timestamp\":{\"S\":\"2025-01-01T00:00:00+00:00\"},"
		    "\"s\":{\"S\":\"plain %zu\"},\"n\":{\"N\":\"42\"},"
		    "\"t\":{\"BOOL\":true},\"f\":{\"BOOL\":false},"
		    "\"z\":{\"NULL\":true},\"e\":{\"S\":\"\"},\"m\":{\"M\":{"
		    "\"a\":{\"L\":[{\"N\":\"1\"},{\"S\":\"x\"},{\"M\":{}},"
		    "{\"L\":[]},{\"NULL\":true}]},"
		    "\"b\":{\"M\":{\"c\":{\"S\":\"d\"}}}}}}", i, i + 1, i);
		return true;
	case 1:		/* the keys after the fields */
		buf_printf(b, "{\"s\":{\"S\":\"keys last\"},"
		    "\"n\":{\"N\":\"-0.5\"},"
		    "\"_table_content_id\":{\"S\":\"c#k%zu\"}," SHOP_PK "}", i);
		return true;
	case 2:		/* UTF-8 in names and strings, 2 to 4 bytes */
		buf_printf(b, SHOP_HEAD ",\"n\xc3\xa4me\":{\"S\":"
		    "\"\xc3\xa9\xe4\xb8\xad\xf0\x9f\x98\x80\"},"
		    "\"m\":{\"M\":{\"\xd0\xba\":{\"L\":[{\"S\":"
		    "\"\xe2\x80\xa8\"}]}}}}", i);
		return true;
	case 3:		/* escapes, in a name and in strings */
		buf_printf(b, SHOP_HEAD ",\"s\":{\"S\":\"q\\\"\\\\\\n\\u0001"
		    "\\u00e9\\u2028\\ud83d\\ude00\"},"
		    "\"n\\u0061me\":{\"S\":\"\\/x\"}}", i);
		return true;
	case 4:		/* sets and binary */
		buf_printf(b, SHOP_HEAD ",\"ss\":{\"SS\":[\"b\",\"a\"]},"
		    "\"ns\":{\"NS\":[\"1.50\",\"-2\"]},"
		    "\"bs\":{\"BS\":[\"AAE=\",\"/w==\"]},"
		    "\"bin\":{\"B\":\"3q2+7w==\"},"
		    "\"l\":{\"L\":[{\"B\":\"\"}]}}", i);
		return true;
	case 5:		/* numbers: 38 digits, the ends of the range */
		buf_printf(b, SHOP_HEAD ","
		    "\"big\":{\"N\":"
		    "\"12345678901234567890123456789012345678\"},"
		    "\"neg\":{\"N\":"
		    "\"-99999999999999999999999999999999999999\"},"
		    "\"tiny\":{\"N\":"
		    "\"0.0000000000000000000000000000000000001\"},"
		    "\"exp\":{\"N\":\"1E+2\"},\"e2\":{\"N\":\"9.9E+125\"},"
		    "\"e3\":{\"N\":\"-1e-130\"},\"frac\":{\"N\":\"1.50\"},"
		    "\"l\":{\"L\":[{\"N\":\"0\"},{\"N\":\"-0.001\"}]}}", i);
		return true;
	case 6:		/* JSON's whitespace, but no line break */
		buf_printf(b, " { \"_table_item_id\" : {\t\"S\" : \"p#n#p\" } "
		    ", \"_table_content_id\":{ \"S\":\"c#k%zu\"} ,"
		    "\"l\":{\"L\": [ {\"N\": \"1\" } , {\"S\":\"y\"} ] } } ",
		    i);
		return true;
	case 7:		/* a line break between tokens */
		buf_printf(b, "{" SHOP_PK ",\n"
		    "\"_table_content_id\":{\"S\":\"c#k%zu\"},"
		    "\"s\":{\"S\":\"after a line break\"}}", i);
		return true;
	case 8:		/* the keys escaped: found as their values */
		buf_printf(b, "{\"_table_item\\u005fid\":{\"S\":\"p#n#p\"},"
		    "\"_table_content_id\":{\"S\":\"c#\\u006b%zu\"},"
		    "\"s\":{\"S\":\"escaped key\"}}", i);
		return true;
	case 9:
		return false;
	case 10:	/* deeper than the text path goes */
		buf_printf(b, SHOP_HEAD ",\"deep\":", i);
		for (d = 0; d < 70; d++)
			buf_adds(b, "{\"M\":{\"a\":");
		buf_adds(b, "{\"N\":\"1\"}");
		for (d = 0; d < 70; d++)
			buf_adds(b, "}}");
		buf_addc(b, '}');
		return true;
	case 11:	/* the keys alone */
		buf_printf(b, SHOP_HEAD "}", i);
		return true;
	case 12:	/* more names than the text path follows */
		buf_printf(b, SHOP_HEAD, i);
		for (d = 0; d < 140; d++)
			buf_printf(b, ",\"f%zu\":{\"N\":\"%zu\"}", d, d);
		buf_addc(b, '}');
		return true;
	case 13:	/* the same names as kind 0, the next item in order */
		buf_printf(b, SHOP_HEAD ",\"_object_version\":{\"N\":\"1\"},"
		    "\"s\":{\"S\":\"k%zu\"},\"n\":{\"N\":\"7\"}}", i, i);
		return true;
	case 14:	/* a carriage return between tokens */
		buf_printf(b, "{" SHOP_PK ",\r"
		    "\"_table_content_id\":{\"S\":\"c#k%zu\"}}", i);
		return true;
	default:	/* a set deep in plain values */
		buf_printf(b, SHOP_HEAD ",\"m\":{\"M\":{\"a\":{\"N\":\"1\"},"
		    "\"l\":{\"L\":[{\"NS\":[\"1\"]}]}}}}", i);
		return true;
	}
}

/* The service's answer to a BatchGetItem of ids: their stored items,
 * last asked first, with two items no entry has (one keyed by a number)
 * and a second copy of one item among them (the first is the entry's);
 * the first answer leaves its last three keys unprocessed. */
static void
shop_answer(const size_t *ids, size_t n, bool refuse, bool first,
    struct buf *b)
{
	size_t i, left = first && n > 3 ? 3 : 0, items = 0;

	buf_adds(b, "{\"Responses\":{\"tbl\":[");
	for (i = n - left; i-- > 0;) {
		if (items > 0)
			buf_addc(b, ',');
		if (shop_item(ids[i], refuse, b))
			items++;
		else if (items > 0)
			b->data[--b->len] = '\0';
		if (i == n / 2) {
			buf_adds(b, items > 0 ? "," : "");
			buf_printf(b, SHOP_HEAD ",\"s\":{\"S\":\"a second "
			    "copy\"}},{" SHOP_PK ",\"_table_content_id\":"
			    "{\"S\":\"c#none\"}},{" SHOP_PK ","
			    "\"_table_content_id\":{\"N\":\"1\"}}", ids[i]);
			items += 3;
		}
	}
	buf_adds(b, "]},\"UnprocessedKeys\":{");
	if (left > 0) {
		buf_adds(b, "\"tbl\":{\"ConsistentRead\":true,\"Keys\":[");
		for (i = n - left; i < n; i++)
			buf_printf(b, "%s{\"_table_item_id\":{\"S\":\"p#n#p\"},"
			    "\"_table_content_id\":{\"S\":\"c#k%zu\"}}",
			    i > n - left ? "," : "", ids[i]);
		buf_adds(b, "]}");
	}
	buf_adds(b, "}}");
}

static struct {
	bool		 refuse;
	unsigned long	 batch_gets, batch_writes;
} shop;

/* http_ops.perform of the service shop_answer speaks for: the keys
 * asked for read from the request's text. */
static int
shop_perform(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *e)
{
	static const char sk[] = "\"_table_content_id\":{\"S\":\"c#k";
	const char *target = wire_target(req), *p;
	size_t ids[SHOP_KEYS], n = 0;
	struct buf body = BUF_INIT;

	(void)ctx;
	(void)e;
	http_response_reset(resp);
	resp->request_sent = true;
	resp->status = 200;
	if (strstr(target, ".BatchGetItem") != NULL) {
		buf_add(&body, req->body, req->body_len);
		cr_assert_not_null(strstr(body.data,
		    "\"ConsistentRead\":true"));
		for (p = body.data; (p = strstr(p, sk)) != NULL; p++) {
			cr_assert_lt(n, SHOP_KEYS);
			ids[n++] = strtoul(p + sizeof sk - 1, NULL, 10);
		}
		buf_reset(&body);
		shop_answer(ids, n, shop.refuse, shop.batch_gets++ == 0,
		    &body);
	} else {
		cr_assert_not_null(strstr(target, ".BatchWriteItem"), "%s",
		    target);
		shop.batch_writes++;
		buf_adds(&body, "{\"UnprocessedItems\":{}}");
	}
	buf_add(&resp->body, body.data, body.len);
	buf_cleanup(&body);
	return 0;
}

/* The same service as a store that hands the items over as values, as
 * the DynamoDB store did before their text was kept. */
static int
shop_execute(struct store *st, const struct request *rq,
    struct response *rs, struct err *e)
{
	size_t i, ids[SHOP_KEYS];
	struct buf body = BUF_INIT;
	int rc;

	(void)st;
	if (rq->op == OP_BATCH_WRITE_ITEM) {
		shop.batch_writes++;
		return 0;
	}
	cr_assert_eq(rq->op, OP_BATCH_GET_ITEM);
	cr_assert(rq->consistent_read);
	cr_assert_leq(rq->nkeys, SHOP_KEYS);
	for (i = 0; i < rq->nkeys; i++)
		ids[i] = strtoul(value_map_get(rq->keys[i],
		    "_table_content_id")->u.str.ptr + 3, NULL, 10);
	shop_answer(ids, rq->nkeys, shop.refuse, shop.batch_gets++ == 0,
	    &body);
	rc = store_dynamodb_parse(rq->op, rq->table, body.data, body.len, rs,
	    e);
	buf_cleanup(&body);
	return rc;
}

static const struct store_ops shop_value_ops = {
	.name = "shop", .execute = shop_execute, .free = wave_free,
	.write_text = true,
};

/* Entry i: partition "p", content id "k<i>", a field. */
static struct content *
shop_content(size_t i)
{
	struct content *c = content_new();
	char id[16];

	snprintf(id, sizeof id, "k%zu", i);
	ids_parse(&c->partition_ids, "p");
	ids_parse(&c->content_ids, id);
	c->item = value_new_m();
	value_map_set(c->item, "v", value_new_str(id));
	return c;
}

/* Put the SHOP_N entries, journaled, through the DynamoDB store on the
 * fake service (text) or through the store of values; the journal's
 * lines by entry to lines[] (NULL: not journaled). Returns the put's
 * result, its error in *e. */
static int
shop_put(bool text, bool refuse, char **lines, struct err *e)
{
	struct http_ops http = { .perform = shop_perform };
	struct creds_provider *creds = creds_provider_new(NULL, wire_getenv,
	    NULL);
	struct awsclient *client = awsclient_new(&(struct awsclient_config){
		.endpoint = "http://127.0.0.1:1", .region = "us-east-1",
	    }, &http, creds, &fixed_clock);
	struct store value_store = { .ops = &shop_value_ops };
	struct store *st = text ? store_dynamodb_new(client) : &value_store;
	char *jpath = xasprintf("%s/journal-shop-%d.jsonl", dir, text);
	struct journal *j = journal_new(jpath, &fixed_clock);
	struct repo_config cfg = base_config;
	struct content **cs = xcalloc(SHOP_N, sizeof *cs);
	size_t i, written = 0;
	struct buf all = BUF_INIT;
	struct repo *r;
	char *line, *next, *at;
	FILE *f;
	int ch, rc, ends = 0;

	memset(&shop, 0, sizeof shop);
	shop.refuse = refuse;
	cfg.journal = j;
	r = repo_new(&cfg, st, &fixed_clock);
	for (i = 0; i < SHOP_N; i++)
		cs[i] = shop_content(i);
	rc = repo_put_batch(r, cs, SHOP_N, &written, e);
	cr_assert(refuse || rc == 0, "%s", e->msg);
	cr_assert(refuse || shop.batch_gets > SHOP_N / SHOP_KEYS + 1,
	    "some keys are read again");
	memset(lines, 0, SHOP_N * sizeof *lines);
	if ((f = fopen(jpath, "r")) != NULL) {
		while ((ch = getc(f)) != EOF)
			buf_addc(&all, (char)ch);
		fclose(f);
	}
	for (line = all.data; line != NULL && *line != '\0'; line = next) {
		next = strchr(line, '\n');
		cr_assert_not_null(next, "every line ends");
		*next++ = '\0';
		at = strstr(line, "\"key\":");
		if (at == NULL) {
			/* The write's end line, its last. */
			cr_assert(*next == '\0', "not the last: %s", line);
			cr_assert_not_null(strstr(line, ",\"end\":"), "%s",
			    line);
			ends++;
			continue;
		}
		at = strstr(at, "\"c#k");
		cr_assert_not_null(at);
		i = strtoul(at + 4, NULL, 10);
		cr_assert_lt(i, SHOP_N);
		cr_assert_null(lines[i], "entry %zu journaled twice", i);
		lines[i] = xstrdup(line);
	}
	cr_assert(ends == 1 || (refuse && ends == 0), "%d end lines", ends);
	buf_cleanup(&all);
	contents_free(cs, SHOP_N);
	repo_free(r);
	if (text)
		store_free(st);
	awsclient_free(client);
	creds_provider_free(creds);
	journal_free(j);
	free(jpath);
	return rc;
}

/* Expect one journal line's image to be the same value, byte for byte
 * (numbers as their text, members in order), as another's. */
static void
same_image(const struct value *got, const struct value *want, size_t i,
    const char *what)
{
	cr_expect((got == NULL) == (want == NULL), "entry %zu: %s %s", i,
	    what, got == NULL ? "lost" : "made up");
	if (got != NULL && want != NULL)
		cr_expect(value_same(got, want), "entry %zu: the %s differs",
		    i, what);
}

/* The before-images kept as the service's text: every entry journals the
 * same key, before and after as through the values (the lines parse to
 * the same values, byte for byte), and the text path is the one taken
 * where it can be: the item's text verbatim in the line; where it cannot
 * (escapes, sets, binary, a line break, too deep, too many names), the
 * line is the one the values print. */
Test(repo_wave, before_images_kept_as_text_journal_what_values_did)
{
	char *got[SHOP_N], *want[SHOP_N];
	struct journal_entry *g, *w;
	struct buf item = BUF_INIT, before = BUF_INIT;
	size_t i, texts = 0, values = 0;
	struct err e;

	cr_assert_eq(shop_put(false, false, want, &e), 0, "%s", e.msg);
	cr_assert_eq(shop_put(true, false, got, &e), 0, "%s", e.msg);
	for (i = 0; i < SHOP_N; i++) {
		enum shop_way way = shop_ways[i % SHOP_KINDS];

		cr_assert_not_null(want[i], "entry %zu journaled", i);
		cr_assert_not_null(got[i], "entry %zu journaled", i);
		g = journal_entry_parse(got[i], strlen(got[i]), &e);
		cr_assert_not_null(g, "entry %zu: %s: %s", i, e.msg, got[i]);
		w = journal_entry_parse(want[i], strlen(want[i]), &e);
		cr_assert_not_null(w, "entry %zu: %s", i, e.msg);
		same_image(g->key, w->key, i, "key");
		same_image(g->before, w->before, i, "before-image");
		same_image(g->after, w->after, i, "after-image");
		cr_expect_eq(g->seq, w->seq);
		cr_expect_eq(g->before == NULL, way == SHOP_NONE, "entry %zu",
		    i);
		buf_reset(&item);
		buf_reset(&before);
		if (shop_item(i, false, &item)) {
			/* The item, not the array's whitespace about it. */
			while (item.len > 0 && item.data[item.len - 1] == ' ')
				item.len--;
			buf_adds(&before, ",\"before\":");
			buf_add(&before, item.data + strspn(item.data, " "),
			    item.len - strspn(item.data, " "));
			buf_addc(&before, ',');
		}
		if (way == SHOP_TEXT) {
			cr_expect_not_null(strstr(got[i], before.data),
			    "entry %zu: its text, verbatim: %s", i, got[i]);
			texts++;
		} else {
			cr_expect_str_eq(got[i], want[i], "entry %zu", i);
			values++;
		}
		journal_entry_free(g);
		journal_entry_free(w);
		free(got[i]);
		free(want[i]);
	}
	cr_assert_gt(texts, 100);
	cr_assert_gt(values, 80);
	buf_cleanup(&item);
	buf_cleanup(&before);
}

/* An item the parser refuses fails the read of before-images the same
 * way on both paths: nothing is written, nothing journaled. */
Test(repo_wave, before_image_the_parser_refuses_fails_as_before)
{
	char *lines[SHOP_N];
	struct err want, got;
	size_t i;

	cr_assert_eq(shop_put(false, true, lines, &want), -1);
	cr_assert_eq(shop.batch_writes, 0);
	for (i = 0; i < SHOP_N; i++)
		cr_assert_null(lines[i]);
	cr_assert_eq(shop_put(true, true, lines, &got), -1);
	cr_assert_eq(shop.batch_writes, 0);
	for (i = 0; i < SHOP_N; i++)
		cr_assert_null(lines[i]);
	cr_assert_eq(got.code, want.code, "%s / %s", got.msg, want.msg);
	cr_assert_str_eq(got.msg, want.msg);
}
