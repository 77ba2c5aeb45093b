/* SPDX-License-Identifier: ISC */
/* A worker thread that owns a session and runs the UI's requests. */
#include "config.h"

#include "worker.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "export.h"
#include "log.h"
#include "number.h"
#include "phist.h"
#include "recovery.h"
#include "repo.h"
#include "schema.h"
#include "session.h"
#include "store.h"
#include "trace.h"
#include "undo.h"
#include "xmalloc.h"

/* How long worker_free waits for a request in flight before leaving the
 * thread to the end of the process. */
#define WORKER_JOIN_MS	1500

/* A job in the queue or running, with the state the threads share. */
struct worker_qjob {
	struct worker_job	*job;
	unsigned long		 id;
	bool			 cancelled;
	size_t			 want;		/* 0: all */
	size_t			 delivered;	/* worker thread only */
	bool			 paused_sent;
	double			 capacity0;	/* repo capacity at the start */
	struct content		**batch;	/* worker thread only */
	size_t			 nbatch, batchcap;
	bool			 kept;		/* its edit is kept in a file
						 * already (worker thread) */
	struct worker_qjob	*next;		/* in the queue */
	struct worker_qjob	*outer;		/* the job it runs inside */
};

/* The store the worker's repository talks to: checks the running job's
 * cancel flag before every request, and holds a list between pages until
 * the UI wants more; then hands the request to the session's store. */
struct worker_store {
	struct store	 base;
	struct worker	*w;
};

struct worker {
	pthread_t		 thread;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;
	bool			 quit;
	struct worker_qjob	*head, *tail;	/* queued */
	struct worker_qjob	*current;	/* innermost running job */
	unsigned long		 next_id;

	struct worker_event	**ev;		/* a FIFO: ev[evhead..nev) */
	size_t			 evhead, nev, evcap;
	int			 fds[2];	/* wake-up pipe */

	/* The clock of the session's client: the system's, but for a sleep
	 * that a cancel of the running job (or worker_free) cuts short. */
	struct clock_ops	 clock;

	/* The worker thread's alone. */
	struct session		 session;
	char			*profiles_dir;	/* as opened, for more */
	char			*profile;	/* sessions (discovery) */
	bool			 open;
	struct worker_store	 store;
	struct repo		*repo;
};

static const int worker_fault_signals[] = {
	SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS
};

static void	*worker_main(void *);
static void	 worker_run(struct worker *, struct worker_qjob *);
static void	 worker_keep_queued(struct worker *);

/* Add an event and wake the reader; called with the lock held. */
static void
worker_post_locked(struct worker *w, struct worker_event *ev)
{
	char c = 1;

	if (w->evhead > 0 && w->evhead == w->nev) {
		w->evhead = 0;
		w->nev = 0;
	}
	if (w->nev == w->evcap) {
		w->evcap = w->evcap == 0 ? 16 : w->evcap * 2;
		w->ev = xreallocarray(w->ev, w->evcap, sizeof *w->ev);
	}
	w->ev[w->nev++] = ev;
	/* The pipe is non-blocking: a full pipe already wakes the reader. */
	if (write(w->fds[1], &c, 1) == -1 && errno != EAGAIN)
		abort();
}

/* Add an event and wake the reader. */
static void
worker_post(struct worker *w, struct worker_event *ev)
{
	pthread_mutex_lock(&w->lock);
	worker_post_locked(w, ev);
	pthread_mutex_unlock(&w->lock);
}

/* A new event about a job. */
static struct worker_event *
worker_event_new(enum worker_event_type type, const struct worker_qjob *qj)
{
	struct worker_event *ev = xcalloc(1, sizeof *ev);

	ev->type = type;
	ev->job = qj->id;
	ev->job_type = qj->job->type;
	ev->owner = qj->job->owner;
	err_clear(&ev->err);
	return ev;
}

void
worker_event_free(struct worker_event *ev)
{
	size_t i;

	if (ev == NULL)
		return;
	for (i = 0; i < ev->nitems; i++)
		content_free(ev->items[i]);
	free(ev->items);
	content_free(ev->item);
	free(ev->endpoint);
	free(ev->region);
	free(ev->table);
	free(ev->recovery_dir);
	free(ev->undo_report);
	phist_free(ev->history, ev->nhistory);
	free(ev->history_error);
	free(ev->warning);
	content_free(ev->recovered);
	free(ev->recovery_id);
	free(ev->recovery_reason);
	free(ev->recovery_time);
	worker_fields_free(ev->fields, ev->nfields);
	discover_cleanup(&ev->discovered);
	free(ev);
}

void
worker_fields_free(struct worker_field *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(f[i].name);
		free(f[i].type);
	}
	free(f);
}

struct worker_job *
worker_job_new(enum worker_job_type type)
{
	struct worker_job *j = xcalloc(1, sizeof *j);

	j->type = type;
	ids_init(&j->partition);
	ids_init(&j->prefix);
	ids_init(&j->start);
	ids_init(&j->end);
	ids_init(&j->content);
	return j;
}

void
worker_job_free(struct worker_job *j)
{
	if (j == NULL)
		return;
	free(j->profiles_dir);
	free(j->profile);
	ids_cleanup(&j->partition);
	ids_cleanup(&j->prefix);
	ids_cleanup(&j->start);
	ids_cleanup(&j->end);
	ids_cleanup(&j->content);
	if (j->filter != NULL) {
		filter_cleanup(j->filter);
		free(j->filter);
	}
	value_free(j->set_commands);
	value_free(j->increment_attrs);
	value_free(j->append_attrs);
	content_free(j->item);
	value_free(j->existing);
	free(j->path);
	free(j->recovery_id);
	free(j);
}

/* Free a queue entry and what it still holds. */
static void
worker_qjob_free(struct worker_qjob *qj)
{
	size_t i;

	for (i = 0; i < qj->nbatch; i++)
		content_free(qj->batch[i]);
	free(qj->batch);
	worker_job_free(qj->job);
	free(qj);
}

/* Whether the running job qj was cancelled (or the worker is stopping). */
static bool
worker_cancelled(struct worker *w, struct worker_qjob *qj)
{
	bool c;

	pthread_mutex_lock(&w->lock);
	c = qj->cancelled || w->quit;
	pthread_mutex_unlock(&w->lock);
	return c;
}

/* Take the first queued job that may run inside a paused list (not a
 * list, not an open); NULL when none. Called with the lock held. */
static struct worker_qjob *
worker_take_nested_locked(struct worker *w)
{
	struct worker_qjob **pp, *qj;

	for (pp = &w->head; (qj = *pp) != NULL; pp = &qj->next) {
		enum worker_job_type t = qj->job->type;

		if (t == WJ_LIST || t == WJ_BETWEEN || t == WJ_OPEN)
			continue;
		*pp = qj->next;
		if (w->tail == qj) {
			struct worker_qjob *p;

			w->tail = NULL;
			for (p = w->head; p != NULL; p = p->next)
				w->tail = p;
		}
		qj->next = NULL;
		return qj;
	}
	return NULL;
}

/* The store_ops execute of the worker's store. */
static int
worker_store_execute(struct store *st, const struct request *rq,
    struct response *rs, struct err *e)
{
	struct worker *w = ((struct worker_store *)st)->w;
	struct worker_qjob *qj, *nj;
	enum worker_job_type t;

	pthread_mutex_lock(&w->lock);
	qj = w->current;
	t = qj->job->type;
	/* A list's next page waits until the UI wants more items. */
	if ((t == WJ_LIST || t == WJ_BETWEEN) && rq->op == OP_QUERY &&
	    rq->exclusive_start_key != NULL) {
		while (!qj->cancelled && !w->quit && qj->want != 0 &&
		    qj->delivered >= qj->want) {
			if (!qj->paused_sent) {
				struct worker_event *ev;

				ev = worker_event_new(WE_PAUSED, qj);
				ev->total = qj->delivered;
				ev->capacity = repo_stats(w->repo)->capacity -
				    qj->capacity0;
				worker_post_locked(w, ev);
				qj->paused_sent = true;
			}
			nj = worker_take_nested_locked(w);
			if (nj != NULL) {
				pthread_mutex_unlock(&w->lock);
				worker_run(w, nj);
				pthread_mutex_lock(&w->lock);
				continue;
			}
			pthread_cond_wait(&w->cond, &w->lock);
		}
		qj->paused_sent = false;
	}
	if (qj->cancelled || w->quit) {
		pthread_mutex_unlock(&w->lock);
		return err_set(e, ERR_CANCELLED, "cancelled");
	}
	pthread_mutex_unlock(&w->lock);
	worker_keep_queued(w);
	return store_execute(w->session.store, rq, rs, e);
}

/* clock_ops.now and the others: the system clock's. */
static void
worker_clock_now(void *ctx, struct timespec *ts)
{
	(void)ctx;
	clock_system()->now(clock_system()->ctx, ts);
}

static int64_t
worker_clock_monotonic_ms(void *ctx)
{
	(void)ctx;
	return clock_system()->monotonic_ms(clock_system()->ctx);
}

static uint32_t
worker_clock_random(void *ctx)
{
	(void)ctx;
	return clock_system()->random(clock_system()->ctx);
}

/* clock_ops.sleep_ms: a wait to retry, which worker_cancel of the
 * running job and worker_free end early (non-zero). */
static int
worker_clock_sleep_ms(void *ctx, int64_t ms)
{
	struct worker *w = ctx;
	struct timespec until;
	int rc = 0;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += (time_t)(ms / 1000);
	until.tv_nsec += (long)(ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&w->lock);
	while (!w->quit && (w->current == NULL || !w->current->cancelled)) {
		rc = pthread_cond_timedwait(&w->cond, &w->lock, &until);
		if (rc == ETIMEDOUT)
			break;
	}
	rc = w->quit || (w->current != NULL && w->current->cancelled);
	pthread_mutex_unlock(&w->lock);
	return rc;
}

/* session_options.on_retry: tell the UI, which shows it and lets the
 * person cancel the wait. */
static void
worker_on_retry(void *ctx, const struct awsclient_retry *r)
{
	struct worker *w = ctx;
	struct worker_event *ev;

	pthread_mutex_lock(&w->lock);
	if (w->current != NULL) {
		ev = worker_event_new(WE_RETRY, w->current);
		ev->attempt = r->attempt;
		ev->max_attempts = r->max_attempts;
		snprintf(ev->reason, sizeof ev->reason, "%s", r->reason);
		ev->delay_ms = (long long)r->delay_ms;
		worker_post_locked(w, ev);
	}
	pthread_mutex_unlock(&w->lock);
}

/* The wrapper store frees nothing: the session owns the real one. */
static void
worker_store_free(struct store *st)
{
	(void)st;
}

/* No execute_many: the UI's writes go one request at a time, each
 * checked for a cancel before it is sent. */
static const struct store_ops worker_store_ops = {
	.name = "worker",
	.execute = worker_store_execute,
	.free = worker_store_free,
	.prefetch = false,	/* the browser reads a page at a time */
};

struct worker *
worker_new(struct err *e)
{
	struct worker *w = xcalloc(1, sizeof *w);
	sigset_t all, old;
	int i, rc;

	if (pipe(w->fds) == -1) {
		err_set(e, ERR_INTERNAL, "pipe: %s", strerror(errno));
		free(w);
		return NULL;
	}
	for (i = 0; i < 2; i++) {
		fcntl(w->fds[i], F_SETFL, fcntl(w->fds[i], F_GETFL) |
		    O_NONBLOCK);
		fcntl(w->fds[i], F_SETFD, FD_CLOEXEC);
	}
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->cond, NULL);
	w->next_id = 1;
	w->store.base.ops = &worker_store_ops;
	w->store.w = w;
	w->clock.now = worker_clock_now;
	w->clock.monotonic_ms = worker_clock_monotonic_ms;
	w->clock.sleep_ms = worker_clock_sleep_ms;
	w->clock.random = worker_clock_random;
	w->clock.ctx = w;
	/* Signals belong to the UI thread: the new thread inherits a mask
	 * that blocks them, but for the faults, which must reach their
	 * handlers (blocked, the kernel kills the process outright). */
	sigfillset(&all);
	for (i = 0; i < (int)(sizeof worker_fault_signals /
	    sizeof *worker_fault_signals); i++)
		sigdelset(&all, worker_fault_signals[i]);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = pthread_create(&w->thread, NULL, worker_main, w);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		close(w->fds[0]);
		close(w->fds[1]);
		pthread_mutex_destroy(&w->lock);
		pthread_cond_destroy(&w->cond);
		free(w);
		err_set(e, ERR_INTERNAL, "pthread_create: %s", strerror(rc));
		return NULL;
	}
	return w;
}

/* Close the session and its repository; worker thread only. */
static void
worker_close_session(struct worker *w)
{
	if (!w->open)
		return;
	repo_free(w->repo);
	w->repo = NULL;
	session_close(&w->session);
	free(w->profiles_dir);
	free(w->profile);
	w->profiles_dir = w->profile = NULL;
	w->open = false;
}

void
worker_free(struct worker *w)
{
	struct worker_qjob *qj;
	struct timespec ts;
	size_t i;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->quit = true;
	for (qj = w->current; qj != NULL; qj = qj->outer)
		qj->cancelled = true;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += WORKER_JOIN_MS / 1000;
	ts.tv_nsec += (WORKER_JOIN_MS % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	/* A request in flight is not interrupted; rather than wait for its
	 * timeout, leave the thread (and what it uses) to the process's
	 * end. */
	if (pthread_timedjoin_np(w->thread, NULL, &ts) != 0) {
		pthread_detach(w->thread);
		return;
	}
	while ((qj = w->head) != NULL) {
		w->head = qj->next;
		worker_qjob_free(qj);
	}
	for (i = w->evhead; i < w->nev; i++)
		worker_event_free(w->ev[i]);
	free(w->ev);
	close(w->fds[0]);
	close(w->fds[1]);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->cond);
	free(w);
}

unsigned long
worker_submit(struct worker *w, struct worker_job *j)
{
	struct worker_qjob *qj = xcalloc(1, sizeof *qj);
	unsigned long id;

	qj->job = j;
	qj->want = j->want;
	pthread_mutex_lock(&w->lock);
	id = qj->id = w->next_id++;
	if (w->tail != NULL)
		w->tail->next = qj;
	else
		w->head = qj;
	w->tail = qj;
	pthread_cond_broadcast(&w->cond);
	pthread_mutex_unlock(&w->lock);
	return id;
}

/* The queued or running job of this id; called with the lock held. */
static struct worker_qjob *
worker_find_locked(struct worker *w, unsigned long id)
{
	struct worker_qjob *qj;

	for (qj = w->current; qj != NULL; qj = qj->outer)
		if (qj->id == id)
			return qj;
	for (qj = w->head; qj != NULL; qj = qj->next)
		if (qj->id == id)
			return qj;
	return NULL;
}

void
worker_cancel(struct worker *w, unsigned long id)
{
	struct worker_qjob *qj;

	pthread_mutex_lock(&w->lock);
	qj = worker_find_locked(w, id);
	if (qj != NULL) {
		qj->cancelled = true;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
}

void
worker_more(struct worker *w, unsigned long id, size_t want)
{
	struct worker_qjob *qj;

	pthread_mutex_lock(&w->lock);
	qj = worker_find_locked(w, id);
	if (qj != NULL && qj->want != 0 && (want == 0 || want > qj->want)) {
		qj->want = want;
		pthread_cond_broadcast(&w->cond);
	}
	pthread_mutex_unlock(&w->lock);
}

int
worker_fd(const struct worker *w)
{
	return w->fds[0];
}

struct worker_event *
worker_next(struct worker *w)
{
	struct worker_event *ev = NULL;
	char drain[64];

	pthread_mutex_lock(&w->lock);
	if (w->evhead < w->nev)
		ev = w->ev[w->evhead++];
	if (w->evhead == w->nev) {
		/* Empty: the wake-ups written so far are all answered. */
		while (read(w->fds[0], drain, sizeof drain) > 0)
			continue;
		w->evhead = w->nev = 0;
	}
	pthread_mutex_unlock(&w->lock);
	return ev;
}

/* Send the items collected since the last page. */
static void
worker_flush(struct worker *w, struct worker_qjob *qj)
{
	struct worker_event *ev;

	if (qj->nbatch == 0)
		return;
	ev = worker_event_new(WE_PAGE, qj);
	ev->items = qj->batch;
	ev->nitems = qj->nbatch;
	ev->total = qj->delivered;
	ev->capacity = repo_stats(w->repo)->capacity - qj->capacity0;
	qj->batch = NULL;
	qj->nbatch = qj->batchcap = 0;
	trace_event("page-posted", NULL);
	worker_post(w, ev);
}

/* Context of a list's callbacks. */
struct worker_list_ctx {
	struct worker		*w;
	struct worker_qjob	*qj;
	bool			 remembered;	/* the partition history */
};

/* repo_each_fn of a list: collect the item; stop when cancelled. */
static int
worker_list_each(void *ctx, struct content *c)
{
	struct worker_list_ctx *lc = ctx;
	struct worker_qjob *qj = lc->qj;

	if (qj->nbatch == qj->batchcap) {
		qj->batchcap = qj->batchcap == 0 ? 64 : qj->batchcap * 2;
		qj->batch = xreallocarray(qj->batch, qj->batchcap,
		    sizeof *qj->batch);
	}
	qj->batch[qj->nbatch++] = c;
	qj->delivered++;
	return worker_cancelled(lc->w, qj) ? 1 : 0;
}

static void	 worker_remember_partition(struct worker *,
		    const struct ids *);

/* repo_list_opts progress: one WE_PAGE per page. The partition goes
 * into the history once the first page is on its way to the screen:
 * writing the file before the Query would delay it. */
static void
worker_list_progress(void *ctx, size_t items, double capacity)
{
	struct worker_list_ctx *lc = ctx;

	(void)items;
	(void)capacity;
	worker_flush(lc->w, lc->qj);
	if (!lc->remembered) {
		worker_remember_partition(lc->w, &lc->qj->job->partition);
		lc->remembered = true;
	}
}

/* The query of a LIST, BETWEEN or EXPORT job, each item to `each`. */
static int
worker_query(struct worker *w, struct worker_qjob *qj, repo_each_fn each,
    void (*progress)(void *, size_t, double), void *ctx, struct err *e)
{
	struct worker_job *j = qj->job;
	const struct profile *p = w->session.profile;
	struct repo_list_opts o;
	struct expr *fx = NULL;
	int rc;

	/* Names must be the model's; values are typed as stored. */
	if (j->filter != NULL) {
		if (schema_validate_filter(w->session.schema, j->filter,
		    p->allow_extra, e) == -1)
			return -1;
		fx = filter_to_expr(j->filter);
	}
	memset(&o, 0, sizeof o);
	o.descending = j->descending;
	o.filter = fx;
	o.progress = progress;
	if (j->type == WJ_LIST || j->type == WJ_BETWEEN)
		o.first_page = (long)j->first_page;
	if (j->type == WJ_BETWEEN || (j->type == WJ_EXPORT && j->between))
		rc = repo_list_between(w->repo, &j->partition, &j->start,
		    &j->end, &o, each, ctx, e);
	else
		rc = repo_list(w->repo, &j->partition, &j->prefix, &o, each,
		    ctx, e);
	expr_free(fx);
	return rc;
}

/* LIST and BETWEEN. */
/* Keep the partition a list is about in the profile's history, for the
 * next start; a failure to write it costs only that. */
static void
worker_remember_partition(struct worker *w, const struct ids *partition)
{
	struct buf id = BUF_INIT;
	struct err e;

	ids_join(partition, &id);
	if (phist_add(w->session.profile->name, buf_cstr(&id), &e) == -1)
		LOG_DEBUG("partition history: %s", e.msg);
	buf_cleanup(&id);
}

static int
worker_run_list(struct worker *w, struct worker_qjob *qj,
    struct worker_event *done, struct err *e)
{
	struct worker_list_ctx lc = { w, qj, false };
	int rc;

	trace_event("list-start", NULL);
	rc = worker_query(w, qj, worker_list_each, worker_list_progress, &lc,
	    e);
	worker_flush(w, qj);
	if (!lc.remembered)
		worker_remember_partition(w, &qj->job->partition);
	/* An early stop from worker_list_each is a cancel, not the end. */
	if (rc == 0 && worker_cancelled(w, qj))
		rc = err_set(e, ERR_CANCELLED, "cancelled");
	done->total = qj->delivered;
	return rc;
}

/* The model's top-level fields, for the UI's forms and completion. */
static void
worker_open_fields(const struct schema *s, struct worker_event *done)
{
	const char *const *names;
	const struct schema_prop *p;
	struct buf b = BUF_INIT;
	size_t n, i;

	if (s == NULL)
		return;
	names = schema_fields(s, &n);
	done->fields = xcalloc(n > 0 ? n : 1, sizeof *done->fields);
	for (i = 0; i < n; i++) {
		p = schema_prop(schema_root(s), names[i], strlen(names[i]));
		buf_reset(&b);
		if (p != NULL)
			schema_describe(&p->slot, &b);
		done->fields[i].name = xstrdup(names[i]);
		done->fields[i].type = xstrdup(buf_cstr(&b));
		done->fields[i].required = p != NULL && p->required &&
		    p->default_value == NULL;
	}
	done->nfields = n;
	buf_cleanup(&b);
}

/* Context of an export. */
struct worker_export_ctx {
	struct worker		*w;
	struct worker_qjob	*qj;
	struct export		*x;
};

/* repo_each_fn of an export: one line; stop when cancelled or when a
 * write fails. */
static int
worker_export_each(void *ctx, struct content *c)
{
	struct worker_export_ctx *xc = ctx;
	int rc = export_item(xc->x, c->stored);

	content_free(c);
	return rc == -1 || worker_cancelled(xc->w, xc->qj) ? 1 : 0;
}

/* repo_list_opts progress of an export: a WE_PROGRESS per page. */
static void
worker_export_progress(void *ctx, size_t items, double capacity)
{
	struct worker_export_ctx *xc = ctx;
	struct worker_event *ev = worker_event_new(WE_PROGRESS, xc->qj);

	(void)items;
	ev->total = export_count(xc->x);
	ev->capacity = capacity;
	worker_post(xc->w, ev);
}

/* EXPORT: the query into a new file, as `dynrepo export` writes it. */
static int
worker_run_export(struct worker *w, struct worker_qjob *qj,
    struct worker_event *done, struct err *e)
{
	struct worker_export_ctx xc = { w, qj, NULL };
	int rc;

	xc.x = export_open(qj->job->path, false, true, e);
	if (xc.x == NULL)
		return -1;
	rc = worker_query(w, qj, worker_export_each, worker_export_progress,
	    &xc, e);
	done->total = export_count(xc.x);
	/* A new file: what was written stays, cancelled or not. */
	if (export_close(xc.x, true, rc == 0 ? e : NULL) == -1)
		rc = -1;
	if (rc == 0 && worker_cancelled(w, qj))
		rc = err_set(e, ERR_CANCELLED, "cancelled");
	return rc;
}

/* ---- recovery files: nothing lost ------------------------------- */

/* The profile's name the recovery files are kept under. */
static const char *
worker_recovery_profile(const struct worker *w)
{
	return w->session.profile->name;
}

/* The item an UPDATE means: the item as shown with the command applied
 * (set replaces, an increment adds to a number, an append extends a
 * list), as the person sees it after a success. */
static struct value *
worker_meant(const struct worker_job *j)
{
	struct value *m = j->item != NULL && j->item->item != NULL ?
	    value_copy(j->item->item) : value_new_m();
	const struct value *c, *v, *old;
	struct value *nv;
	struct buf b = BUF_INIT;
	struct err e;
	size_t i, k;

	if ((c = j->set_commands) != NULL)
		for (i = 0; i < c->u.map.len; i++)
			value_map_setn(m, c->u.map.items[i].name,
			    c->u.map.items[i].name_len,
			    value_copy(c->u.map.items[i].value));
	if ((c = j->increment_attrs) != NULL)
		for (i = 0; i < c->u.map.len; i++) {
			v = c->u.map.items[i].value;
			old = value_map_getn(m, c->u.map.items[i].name,
			    c->u.map.items[i].name_len);
			buf_reset(&b);
			err_clear(&e);
			if (old != NULL && old->type == VT_N &&
			    v->type == VT_N && number_add(old->u.str.ptr,
			    old->u.str.len, v->u.str.ptr, v->u.str.len, false,
			    &b, &e) == 0)
				nv = value_new_n(b.data, b.len);
			else
				nv = value_copy(v);
			value_map_setn(m, c->u.map.items[i].name,
			    c->u.map.items[i].name_len, nv);
		}
	if ((c = j->append_attrs) != NULL)
		for (i = 0; i < c->u.map.len; i++) {
			v = c->u.map.items[i].value;
			old = value_map_getn(m, c->u.map.items[i].name,
			    c->u.map.items[i].name_len);
			if (old != NULL && old->type == VT_L &&
			    v->type == VT_L) {
				nv = value_copy(old);
				for (k = 0; k < v->u.list.len; k++)
					value_list_append(nv,
					    value_copy(v->u.list.items[k]));
			} else {
				nv = value_copy(v);
			}
			value_map_setn(m, c->u.map.items[i].name,
			    c->u.map.items[i].name_len, nv);
		}
	buf_cleanup(&b);
	return m;
}

/* Save the recovery of a write before it is sent (reason "pending"):
 * rec is taken; NULL when the job keeps none. -1 (ERR_IO, nothing to be
 * sent) when the file cannot be written. */
static int
worker_recovery_begin(struct worker *w, const struct worker_job *j,
    const struct ids *partition, const struct ids *content,
    struct value *item, long long base, struct recovery **out,
    struct err *e)
{
	struct recovery *rec = recovery_new();
	struct err se;

	/* A kept edit tried again stays in its own file. */
	if (j->recovery_id != NULL)
		rec->id = xstrdup(j->recovery_id);
	rec->table = xstrdup(repo_table(w->repo));
	rec->reason = xstrdup("pending");
	rec->base_version = base;
	rec->key = repo_key(w->repo, partition, content);
	rec->item = item;
	*out = rec;
	err_clear(&se);
	if (recovery_save(worker_recovery_profile(w), rec, &se) == -1)
		return err_set(e, ERR_IO, "nothing sent: the edit could not "
		    "be kept in a recovery file first: %s", se.msg);
	return 0;
}

/* The end of a write that keeps a recovery: a success discards its file,
 * a failure keeps it with the reason and hands its id to done (NULL: no
 * event). Frees rec. */
static void
worker_recovery_end(struct worker *w, struct recovery *rec, int rc,
    const struct err *e, struct worker_event *done)
{
	struct err se;

	if (rec == NULL)
		return;
	err_clear(&se);
	if (rc == 0) {
		if (rec->id != NULL)
			(void)recovery_discard(worker_recovery_profile(w),
			    rec->id, &se);
	} else {
		free(rec->reason);
		rec->reason = e->code == ERR_CONFLICT ?
		    xstrdup("version conflict") : xasprintf("%s: %s",
		    err_code_name(e->code), e->msg);
		free(rec->time);
		rec->time = NULL;
		if (recovery_save(worker_recovery_profile(w), rec, &se) == -1)
			LOG_DEBUG("%s (the pending file stays)", se.msg);
		if (done != NULL && rec->id != NULL) {
			free(done->recovery_id);
			done->recovery_id = xstrdup(rec->id);
		}
	}
	recovery_free(rec);
}

/* A write carried out though what came after it failed (its journal
 * entry): a save, whose recovery file goes and whose item is read back,
 * the failure said beside it. */
static int
worker_written(int rc, struct err *e, struct worker_event *done)
{
	if (rc == 0 || e->applied != ERR_APPLIED_YES)
		return rc;
	free(done->warning);
	done->warning = xstrdup(e->msg);
	err_clear(e);
	return 0;
}

/* An edit's write not sent yet (j: an UPDATE or a PUT that keeps one)
 * into its recovery file, as worker_recovery_begin keeps it: 0 and *rec
 * NULL for a job that keeps none. */
static int
worker_keep_job(struct worker *w, const struct worker_job *j,
    struct recovery **rec, struct err *e)
{
	*rec = NULL;
	if (!j->recover || j->item == NULL)
		return 0;
	if (j->type == WJ_UPDATE)
		return worker_recovery_begin(w, j, &j->partition,
		    &j->content, worker_meant(j), j->current_version, rec, e);
	if (j->type == WJ_PUT)
		return worker_recovery_begin(w, j, &j->item->partition_ids,
		    &j->item->content_ids, value_copy(j->item->item),
		    j->guarded ? j->current_version : 0, rec, e);
	return 0;
}

/*
 * The edits queued behind the running job kept in their recovery files
 * now, each once: a job of many requests (an export, a discovery) or one
 * waiting to retry would otherwise leave them unkept until it ends, and a
 * crash or a kill -9 on the way would lose them. Each job's file id goes
 * with it, so its run keeps it in the same file and ends it. Queued jobs
 * are taken off the queue by this thread alone, so they stay valid.
 */
static void
worker_keep_queued(struct worker *w)
{
	struct worker_qjob *qj;
	struct recovery *rec;
	struct err e;

	/* The worker's own thread only: a discovery's segments ask on
	 * threads of their own. */
	if (!w->open || !pthread_equal(pthread_self(), w->thread))
		return;
	for (;;) {
		pthread_mutex_lock(&w->lock);
		for (qj = w->head; qj != NULL; qj = qj->next)
			if (!qj->kept && qj->job->recover)
				break;
		if (qj != NULL)
			qj->kept = true;
		pthread_mutex_unlock(&w->lock);
		if (qj == NULL)
			return;
		err_clear(&e);
		if (worker_keep_job(w, qj->job, &rec, &e) == -1)
			LOG_DEBUG("%s", e.msg);
		if (rec != NULL && rec->id != NULL &&
		    qj->job->recovery_id == NULL)
			qj->job->recovery_id = xstrdup(rec->id);
		recovery_free(rec);
	}
}

/* The index in list of the recovery id, or n. */
static size_t
worker_recovery_find_id(struct recovery **list, size_t n, const char *id)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i]->id, id) == 0)
			return i;
	return n;
}

/* The index in list of the recovery of key, or n. */
static size_t
worker_recovery_find(struct recovery **list, size_t n,
    const struct value *key)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (list[i]->key != NULL && value_equal(list[i]->key, key))
			return i;
	return n;
}

/* OPEN: the session and the worker's repository over it. */
static int
worker_run_open(struct worker *w, struct worker_qjob *qj,
    struct worker_event *done, struct err *e)
{
	struct worker_job *j = qj->job;
	struct session_options so;
	const struct profile *p;
	struct repo_config rc;
	struct err pe;

	worker_close_session(w);
	memset(&so, 0, sizeof so);
	so.profiles_dir = j->profiles_dir;
	so.profile = j->profile;
	so.clock = &w->clock;
	so.on_retry = worker_on_retry;
	so.on_retry_ctx = w;
	/* The browser's status line shows the capacity a query used. */
	so.capacity = true;
	if (session_open(&w->session, &so, e) == -1) {
		session_close(&w->session);
		return -1;
	}
	w->open = true;
	w->profiles_dir = j->profiles_dir != NULL ?
	    xstrdup(j->profiles_dir) : NULL;
	w->profile = xstrdup(j->profile);
	p = w->session.profile;
	memset(&rc, 0, sizeof rc);
	rc.table = repo_table(w->session.repo);
	rc.partition_key = p->partition_key;
	rc.sort_key = p->sort_key;
	rc.partition_prefix = p->partition_prefix;
	rc.partition_name = p->partition_name;
	rc.content_type = p->content_type;
	rc.consistent_reads = p->consistent_reads;
	rc.read_only = p->read_only;
	rc.name = p->name;
	rc.journal = w->session.journal;
	w->repo = repo_new(&rc, &w->store.base, NULL);
	done->endpoint = xstrdup(w->session.endpoint);
	done->region = xstrdup(w->session.region);
	done->table = xstrdup(repo_table(w->repo));
	worker_open_fields(w->session.schema, done);
	/* Without a readable history the browser lists less, and says
	 * why. */
	if (phist_load(p->name, &done->history, &done->nhistory, &pe) == -1) {
		LOG_DEBUG("partition history: %s", pe.msg);
		done->history_error = xstrdup(pe.msg);
	}
	/* The edits kept from before, to offer again. */
	{
		struct recovery **list = NULL;
		struct err re;

		err_clear(&re);
		if (recovery_list(worker_recovery_profile(w), &list,
		    &done->count, &done->unreadable, &re) == 0)
			recovery_list_free(list, done->count);
		else
			done->count = 0;
		if (done->unreadable > 0)
			done->recovery_dir = recovery_directory(
			    worker_recovery_profile(w), NULL);
	}
	return 0;
}

/* UPDATE: the UpdateCommand, then the item as stored now (after a
 * conflict too, so the UI can show what changed underneath). */
static int
worker_run_update(struct worker *w, struct worker_qjob *qj,
    struct worker_event *done, struct err *e)
{
	struct worker_job *j = qj->job;
	struct recovery *rec = NULL;
	struct update_command u;
	int rc;

	/* The recovery of an update is the whole item as meant: without
	 * the item as shown it would hold the changed fields alone, and
	 * saving it later would drop every other field. */
	if (j->recover && (j->item == NULL || j->item->item == NULL))
		return err_set(e, ERR_INTERNAL, "nothing sent: an update to "
		    "keep in a recovery file needs the item as shown");
	if (j->recover && worker_recovery_begin(w, j, &j->partition,
	    &j->content, worker_meant(j), j->current_version, &rec, e) == -1) {
		recovery_free(rec);
		return -1;
	}
	memset(&u, 0, sizeof u);
	u.set_commands = j->set_commands;
	u.increment_attrs = j->increment_attrs;
	u.append_attrs = j->append_attrs;
	u.current_version = j->current_version;
	/* The model checks the command as the library would, first. */
	if (w->session.schema != NULL && schema_validate_update(
	    w->session.schema, &u, w->session.profile->allow_extra, e) == -1)
		rc = -1;
	else
		rc = worker_written(repo_update(w->repo, &j->partition,
		    &j->content, &u, j->require_exists, e), e, done);
	worker_recovery_end(w, rec, rc, e, done);
	if (rc == 0 || e->code == ERR_CONFLICT)
		(void)repo_get(w->repo, &j->partition, &j->content,
		    &done->item, NULL);
	return rc;
}

/* What an :undo reports back. */
struct worker_undo_ctx {
	struct buf	report;		/* lines of text */
	bool		dry_run;
};

/* undo_report_fn: the report as lines of text. */
static void
worker_undo_report(void *ctx, const struct journal_write *w,
    const struct undo_item *plan, size_t n, bool applied)
{
	struct worker_undo_ctx *u = ctx;
	struct buf *b = &u->report;
	size_t i;

	/* What was done, or would be in a dry run; when a conflict stops
	 * the undo, its message says why and the plans are not shown. */
	if (!applied && !u->dry_run)
		return;
	buf_printf(b, "%s %s of %s (%zu item%s)\n", applied ? "undo" :
	    "would undo", w->entries[0]->operation, w->entries[0]->time, n,
	    n == 1 ? "" : "s");
	for (i = 0; i < n; i++) {
		char *key = undo_key_text(plan[i].entry->key);

		buf_printf(b, "%s %s%s%s\n", undo_action_name(plan[i].action),
		    key, plan[i].detail != NULL ? ": " : "",
		    plan[i].detail != NULL ? plan[i].detail : "");
		free(key);
	}
}

/* UNDO: undo_last on the worker's repository. */
static int
worker_run_undo(struct worker *w, struct worker_qjob *qj,
    struct worker_event *done, struct err *e)
{
	struct undo_options uo = {
		.count = qj->job->undo_count,
		.dry_run = qj->job->undo_dry_run,
		.partial = qj->job->undo_partial,
	};
	struct worker_undo_ctx u = {
		.report = BUF_INIT,
		.dry_run = uo.dry_run,
	};
	int rc;

	rc = undo_last(w->repo, &uo, worker_undo_report, &u, &done->count,
	    e);
	done->undo_report = buf_detach(&u.report, NULL);
	return rc;
}

/* PUT: type plain fields by the model, put (guarded or not), then the
 * item as stored now (after a conflict too). */
static int
worker_run_put(struct worker *w, struct worker_qjob *qj,
    struct worker_event *done, struct err *e)
{
	struct worker_job *j = qj->job;
	struct content *c = j->item;
	struct recovery *rec = NULL;
	struct value *typed;
	bool extra = w->session.profile->allow_extra;
	int rc = 0;

	if (j->plain) {
		/* Typing is local; a refusal keeps the edit as typed. */
		if (schema_type_item(w->session.schema, c->item, j->existing,
		    extra, &typed, e) == -1) {
			rc = -1;
		} else {
			value_free(c->item);
			c->item = typed;
		}
	}
	if (j->recover) {
		struct err te = *e;

		err_clear(e);
		if (worker_recovery_begin(w, j, &c->partition_ids,
		    &c->content_ids, value_copy(c->item), j->guarded ?
		    j->current_version : 0, &rec, e) == -1) {
			recovery_free(rec);
			return -1;
		}
		if (rc == -1) {
			*e = te;
			worker_recovery_end(w, rec, rc, e, done);
			return -1;
		}
	} else if (rc == -1) {
		return -1;
	}
	if (schema_validate_item(w->session.schema, c->item, extra, e) == -1)
		rc = -1;
	else if (j->guarded)
		rc = worker_written(repo_put_guarded(w->repo, c,
		    j->current_version, e), e, done);
	else
		rc = worker_written(repo_put(w->repo, c, e), e, done);
	worker_recovery_end(w, rec, rc, e, done);
	if (rc == 0 || e->code == ERR_CONFLICT)
		(void)repo_get(w->repo, &c->partition_ids, &c->content_ids,
		    &done->item, NULL);
	return rc;
}

/* Context of a discovery's progress. */
struct worker_discover_ctx {
	struct worker		*w;
	struct worker_qjob	*qj;
	int			 segments;
};

/* discover_opts progress: a WE_PROGRESS; stop when cancelled. */
static int
worker_discover_progress(void *ctx, unsigned long long items,
    size_t partitions, int segments_done)
{
	struct worker_discover_ctx *dc = ctx;
	struct worker_event *ev = worker_event_new(WE_PROGRESS, dc->qj);

	ev->total = (size_t)items;
	ev->count = partitions;
	ev->segments = dc->segments;
	ev->segments_done = segments_done;
	worker_post(dc->w, ev);
	return worker_cancelled(dc->w, dc->qj) ? 1 : 0;
}

/* DISCOVER: a parallel Scan, segment 0 on the worker's own repository
 * (so cancelling is checked before each of its requests), the others
 * on sessions of their own. */
static int
worker_run_discover(struct worker *w, struct worker_qjob *qj,
    struct worker_event *done, struct err *e)
{
	struct worker_discover_ctx dc = { w, qj, 0 };
	struct session_options so;
	struct discover_opts o;

	memset(&so, 0, sizeof so);
	so.profiles_dir = w->profiles_dir;
	so.profile = w->profile;
	memset(&o, 0, sizeof o);
	o.segments = qj->job->segments > 0 ? qj->job->segments : 4;
	if (o.segments > DISCOVER_MAX_SEGMENTS)
		o.segments = DISCOVER_MAX_SEGMENTS;
	dc.segments = o.segments;
	o.repo = w->repo;
	o.so = &so;
	o.progress = worker_discover_progress;
	o.ctx = &dc;
	done->segments = o.segments;
	return discover_run(&o, &done->discovered, e);
}

/* RECOVER: the kept edit of the key (or the newest) as content, and the
 * item stored now; or, with recover_drop, discard it. */
static int
worker_run_recover(struct worker *w, struct worker_qjob *qj,
    struct worker_event *done, struct err *e)
{
	struct worker_job *j = qj->job;
	struct recovery **list = NULL, *rec;
	struct value *key = NULL, *stored;
	struct content *c;
	size_t n = 0, i = 0, k;
	int rc = -1;

	if (recovery_list(worker_recovery_profile(w), &list, &n, NULL, e) ==
	    -1)
		return -1;
	done->count = n;
	if (j->recovery_id != NULL) {
		i = worker_recovery_find_id(list, n, j->recovery_id);
	} else if (j->content.n > 0) {
		key = repo_key(w->repo, &j->partition, &j->content);
		i = worker_recovery_find(list, n, key);
	}
	if (i >= n) {
		/* Dropping what is gone already is no error. */
		rc = j->recover_drop && (key != NULL ||
		    j->recovery_id != NULL) ? 0 : err_set(e,
		    ERR_NOT_FOUND, "no unsaved edit is kept%s",
		    key != NULL ? " for this item" : "");
		goto out;
	}
	rec = list[i];
	done->recovery_id = xstrdup(rec->id);
	if (rec->reason != NULL)
		done->recovery_reason = xstrdup(rec->reason);
	if (rec->time != NULL)
		done->recovery_time = xstrdup(rec->time);
	if (j->recover_drop) {
		rc = recovery_discard(worker_recovery_profile(w), rec->id, e);
		goto out;
	}
	if (rec->key == NULL || rec->item == NULL) {
		rc = err_set(e, ERR_INPUT, "the kept edit %s holds no item "
		    "(its file is under the state directory)", rec->id);
		goto out;
	}
	stored = value_copy(rec->item);
	for (k = 0; k < rec->key->u.map.len; k++)
		value_map_setn(stored, rec->key->u.map.items[k].name,
		    rec->key->u.map.items[k].name_len,
		    value_copy(rec->key->u.map.items[k].value));
	c = repo_decode(w->repo, stored, e);
	if (c == NULL)
		goto out;
	c->current_version = rec->base_version;
	done->recovered = c;
	rc = repo_get(w->repo, &c->partition_ids, &c->content_ids,
	    &done->item, e);
out:
	value_free(key);
	recovery_list_free(list, n);
	return rc;
}

/* Run one job to its end and post its WE_DONE. */
static void
worker_run(struct worker *w, struct worker_qjob *qj)
{
	struct worker_job *j = qj->job;
	struct worker_event *done = worker_event_new(WE_DONE, qj);
	struct err *e = &done->err;
	int rc = 0;

	pthread_mutex_lock(&w->lock);
	qj->outer = w->current;
	w->current = qj;
	pthread_mutex_unlock(&w->lock);
	if (j->type != WJ_OPEN && !w->open)
		rc = err_set(e, ERR_USAGE, "no profile is open");
	else if (j->type != WJ_OPEN && worker_cancelled(w, qj) &&
	    !j->recover)
		rc = err_set(e, ERR_CANCELLED, "cancelled");
	else if (j->type != WJ_OPEN)
		qj->capacity0 = repo_stats(w->repo)->capacity;
	if (e->code != ERR_OK) {
		rc = -1;
	} else {
		switch (j->type) {
		case WJ_OPEN:
			rc = worker_run_open(w, qj, done, e);
			break;
		case WJ_LIST:
		case WJ_BETWEEN:
			rc = worker_run_list(w, qj, done, e);
			break;
		case WJ_GET:
			rc = repo_get(w->repo, &j->partition, &j->content,
			    &done->item, e);
			break;
		case WJ_UPDATE:
			rc = worker_run_update(w, qj, done, e);
			break;
		case WJ_PUT:
			rc = worker_run_put(w, qj, done, e);
			break;
		case WJ_DELETE:
			rc = repo_delete(w->repo, &j->partition, &j->prefix,
			    &done->deleted, e);
			break;
		case WJ_UNDO:
			rc = worker_run_undo(w, qj, done, e);
			break;
		case WJ_DELETE_ITEM:
			rc = repo_delete_item(w->repo, &j->partition,
			    &j->content, j->current_version, e);
			if (rc == -1 && e->code == ERR_CONFLICT)
				(void)repo_get(w->repo, &j->partition,
				    &j->content, &done->item, NULL);
			break;
		case WJ_EXPORT:
			rc = worker_run_export(w, qj, done, e);
			break;
		case WJ_DISCOVER:
			rc = worker_run_discover(w, qj, done, e);
			break;
		case WJ_RECOVER:
			rc = worker_run_recover(w, qj, done, e);
			break;
		case WJ_COUNT:
			rc = repo_count(w->repo, &j->partition, &j->prefix,
			    &done->count, e);
			break;
		default:
			rc = err_set(e, ERR_INTERNAL, "unknown job type %d",
			    (int)j->type);
			break;
		}
	}
	if (w->open && w->repo != NULL)
		done->capacity = repo_stats(w->repo)->capacity - qj->capacity0;
	done->rc = rc;
	if (rc == 0)
		err_clear(e);
	pthread_mutex_lock(&w->lock);
	w->current = qj->outer;
	worker_post_locked(w, done);
	pthread_mutex_unlock(&w->lock);
	worker_qjob_free(qj);
}

/* The thread: take jobs in order until told to quit. */
static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct worker_qjob *qj;

	pthread_mutex_lock(&w->lock);
	while (!w->quit) {
		qj = w->head;
		if (qj == NULL) {
			pthread_cond_wait(&w->cond, &w->lock);
			continue;
		}
		w->head = qj->next;
		if (w->head == NULL)
			w->tail = NULL;
		qj->next = NULL;
		pthread_mutex_unlock(&w->lock);
		worker_run(w, qj);
		pthread_mutex_lock(&w->lock);
	}
	/* Edits still queued when the program quits are not sent, but
	 * kept: nothing lost. */
	while (w->open && (qj = w->head) != NULL) {
		struct worker_job *j = qj->job;
		struct recovery *rec = NULL;
		struct err e;

		w->head = qj->next;
		if (w->head == NULL)
			w->tail = NULL;
		pthread_mutex_unlock(&w->lock);
		err_clear(&e);
		(void)worker_keep_job(w, j, &rec, &e);
		err_set(&e, ERR_CANCELLED, "not sent: dynrepo quit first");
		worker_recovery_end(w, rec, -1, &e, NULL);
		worker_qjob_free(qj);
		pthread_mutex_lock(&w->lock);
	}
	pthread_mutex_unlock(&w->lock);
	worker_close_session(w);
	return NULL;
}
