/* SPDX-License-Identifier: ISC */
/* A store executes requests: DynamoDB over HTTP, or the embedded SQLite
 * file. */
#include "config.h"

#include "store.h"

#include <signal.h>
#include <stddef.h>

int
store_execute(struct store *st, const struct request *rq,
    struct response *rs, struct err *e)
{
	st->nrequests++;
	return st->ops->execute(st, rq, rs, e);
}

size_t
store_lanes(const struct store *st)
{
	size_t n = st->ops->lanes != NULL ? st->ops->lanes(st) : 1;

	return n > 0 ? n : 1;
}

void
store_start(struct store *st, struct store_job *j)
{
	if (st->ops->start != NULL) {
		st->nrequests++;
		st->ops->start(st, j);
		return;
	}
	j->rc = store_execute(st, j->rq, &j->rs, &j->err);
	store_jobs_push(&st->done, &st->done_tail, j);
}

struct store_job *
store_wait(struct store *st, bool block)
{
	if (st->ops->wait != NULL)
		return st->ops->wait(st, block);
	return store_jobs_pop(&st->done, &st->done_tail);
}

void
store_jobs_push(struct store_job **head, struct store_job **tail,
    struct store_job *j)
{
	j->next = NULL;
	if (*tail != NULL)
		(*tail)->next = j;
	else
		*head = j;
	*tail = j;
}

struct store_job *
store_jobs_pop(struct store_job **head, struct store_job **tail)
{
	struct store_job *j = *head;

	if (j != NULL) {
		*head = j->next;
		if (*head == NULL)
			*tail = NULL;
		j->next = NULL;
	}
	return j;
}

void
store_free(struct store *st)
{
	if (st != NULL)
		st->ops->free(st);
}

int
store_thread_start(pthread_t *thread, void *(*run)(void *), void *arg)
{
	sigset_t stop, old;
	int rc;

	sigemptyset(&stop);
	sigaddset(&stop, SIGINT);
	sigaddset(&stop, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &stop, &old);
	rc = pthread_create(thread, NULL, run, arg);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return rc;
}
