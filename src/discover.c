/* SPDX-License-Identifier: ISC */
/* Partition discovery: the partition ids, by a parallel keys-only Scan. */
#include "config.h"

#include "discover.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* Items counted between two progress calls. */
#define DISCOVER_PROGRESS_EVERY	256

/* Partition counts in an open-addressing table; `lock` guards it. */
struct discover_run {
	pthread_mutex_t		 lock;
	const struct discover_opts *o;
	struct discover_partition *slots;
	size_t			 cap, n;
	unsigned long long	 items;
	int			 segments_done;
	bool			 stop;
	int			 rc;
	struct err		 err;
};

struct discover_segment {
	struct discover_run	*run;
	int			 segment;
	pthread_t		 thread;
	bool			 started;
};

/* FNV-1a of a string. */
static uint64_t
discover_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

/* The slot of id (existing or free). */
static struct discover_partition *
discover_slot(struct discover_partition *slots, size_t cap, const char *id)
{
	size_t i = (size_t)discover_hash(id) & (cap - 1);

	while (slots[i].id != NULL && strcmp(slots[i].id, id) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

/* Count one item of partition id (lock held). */
static void
discover_count(struct discover_run *run, const char *id)
{
	struct discover_partition *p;
	size_t i;

	if ((run->n + 1) * 2 > run->cap) {
		size_t cap = run->cap ? run->cap * 2 : 64;
		struct discover_partition *slots = xcalloc(cap, sizeof *slots);

		for (i = 0; i < run->cap; i++)
			if (run->slots[i].id != NULL)
				*discover_slot(slots, cap, run->slots[i].id) =
				    run->slots[i];
		free(run->slots);
		run->slots = slots;
		run->cap = cap;
	}
	p = discover_slot(run->slots, run->cap, id);
	if (p->id == NULL) {
		p->id = xstrdup(id);
		run->n++;
	}
	p->items++;
	run->items++;
}

/* Tell the caller how far it got (lock held); it may stop the run. */
static void
discover_progress(struct discover_run *run)
{
	const struct discover_opts *o = run->o;

	if (o->progress != NULL && o->progress(o->ctx, run->items, run->n,
	    run->segments_done) != 0)
		run->stop = true;
}

/* repo_each_fn: count the item's partition; stop when asked. */
static int
discover_each(void *ctx, struct content *c)
{
	struct discover_run *run = ctx;
	struct buf id = BUF_INIT;
	bool stop;

	ids_join(&c->partition_ids, &id);
	pthread_mutex_lock(&run->lock);
	discover_count(run, buf_cstr(&id));
	if (run->items % DISCOVER_PROGRESS_EVERY == 0)
		discover_progress(run);
	stop = run->stop;
	pthread_mutex_unlock(&run->lock);
	buf_cleanup(&id);
	content_free(c);
	return stop ? 1 : 0;
}

/* The end of a segment: the first error is kept; a failure stops the
 * others. */
static void
discover_segment_end(struct discover_run *run, int rc, const struct err *e)
{
	pthread_mutex_lock(&run->lock);
	if (rc != 0 && run->rc == 0) {
		run->rc = -1;
		run->err = *e;
		run->stop = true;
	}
	run->segments_done++;
	discover_progress(run);
	pthread_mutex_unlock(&run->lock);
}

/* One segment; the first on the caller's repository, the others on a
 * connection of their own. */
static void *
discover_segment_main(void *arg)
{
	struct discover_segment *sg = arg;
	struct discover_run *run = sg->run;
	const struct discover_opts *o = run->o;
	int total = o->segments > 1 ? o->segments : 0;
	struct session s;
	struct err e;
	int rc;

	err_clear(&e);
	if (sg->segment == 0) {
		rc = repo_scan(o->repo, 0, total, true, discover_each, run, &e);
	} else {
		memset(&s, 0, sizeof s);
		rc = session_open(&s, o->so, &e);
		if (rc == 0)
			rc = repo_scan(s.repo, sg->segment, total, true,
			    discover_each, run, &e);
		session_close(&s);
	}
	discover_segment_end(run, rc, &e);
	return NULL;
}

/* qsort: by id. */
static int
discover_cmp(const void *a, const void *b)
{
	const struct discover_partition *x = a, *y = b;

	return strcmp(x->id, y->id);
}

int
discover_run(const struct discover_opts *o, struct discover *out,
    struct err *e)
{
	struct discover_segment *sg;
	struct discover_run run;
	size_t i, k = 0;
	int n = o->segments > 0 ? o->segments : 1;

	memset(out, 0, sizeof *out);
	memset(&run, 0, sizeof run);
	pthread_mutex_init(&run.lock, NULL);
	run.o = o;
	sg = xcalloc((size_t)n, sizeof *sg);
	for (i = 0; i < (size_t)n; i++) {
		sg[i].run = &run;
		sg[i].segment = (int)i;
		/* Segment 0 runs here, last, so the others start first. */
		if (i > 0 && pthread_create(&sg[i].thread, NULL,
		    discover_segment_main, &sg[i]) == 0)
			sg[i].started = true;
		else if (i > 0)
			discover_segment_main(&sg[i]);
	}
	discover_segment_main(&sg[0]);
	for (i = 1; i < (size_t)n; i++)
		if (sg[i].started)
			pthread_join(sg[i].thread, NULL);
	free(sg);
	pthread_mutex_destroy(&run.lock);
	if (run.rc == 0 && run.stop)
		run.rc = err_set(&run.err, ERR_CANCELLED, "cancelled");
	if (run.rc != 0) {
		for (i = 0; i < run.cap; i++)
			free(run.slots[i].id);
		free(run.slots);
		if (e != NULL)
			*e = run.err;
		return -1;
	}
	out->parts = xcalloc(run.n + 1, sizeof *out->parts);
	for (i = 0; i < run.cap; i++)
		if (run.slots[i].id != NULL)
			out->parts[k++] = run.slots[i];
	free(run.slots);
	qsort(out->parts, k, sizeof *out->parts, discover_cmp);
	out->n = k;
	out->items = run.items;
	return 0;
}

void
discover_cleanup(struct discover *d)
{
	size_t i;

	for (i = 0; i < d->n; i++)
		free(d->parts[i].id);
	free(d->parts);
	memset(d, 0, sizeof *d);
}
