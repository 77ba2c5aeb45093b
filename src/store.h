/* SPDX-License-Identifier: ISC */
/* A store executes requests: DynamoDB over HTTP, or the embedded SQLite
 * file. */
#ifndef DYNREPO_STORE_H
#define DYNREPO_STORE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "request.h"

struct store;
struct store_job;

struct store_ops {
	const char	*name;		/* "dynamodb", "local" */
	/* Execute one request. resp must be initialised and empty. On
	 * failure -1 with err; resp may hold partial data to be ignored.
	 * Service errors keep DynamoDB's name in err->aws_type. */
	int	(*execute)(struct store *, const struct request *,
		    struct response *, struct err *);
	void	(*free)(struct store *);
	/* A Query's next page may be fetched on another thread while the
	 * caller works on this one (one request at a time either way). */
	bool	 prefetch;
	/* A BatchWriteItem's puts may carry their items as text
	 * (write_request.text), sent as they are. */
	bool	 write_text;
	/* Start a job on a lane of its own and return at once; wait hands
	 * it back when it is done. At most lanes() jobs are started and not
	 * yet handed back. NULL (all three): store_start executes the job
	 * there and then. */
	void	(*start)(struct store *, struct store_job *);
	struct store_job *(*wait)(struct store *, bool block);
	size_t	(*lanes)(const struct store *);
};

/* One request run apart from the caller (store_start): the request is
 * borrowed until the job is handed back by store_wait; response, err and
 * rc are then execute's. */
struct store_job {
	const struct request	*rq;
	struct response		 rs;
	struct err		 err;
	int			 rc;
	void			*ctx;		/* the caller's */
	/* The store's, while the job is started. */
	size_t			 lane;
	struct store_job	*next;
};

/* Every store embeds this first. */
struct store {
	const struct store_ops	*ops;
	unsigned long		 nrequests;	/* executed: stats and tests */
	/* Jobs a store without start ran in store_start, in order. */
	struct store_job	*done, *done_tail;
};

int	 store_execute(struct store *, const struct request *,
	     struct response *, struct err *);
/* How many jobs may be started and not yet handed back: 1 or more. */
size_t	 store_lanes(const struct store *);
/* Start job j (rq set; rs initialised and empty) beside the caller's own
 * requests, on a lane of its own, or run it now where the store has no
 * lanes. At most store_lanes() at once. Cannot fail: the job's rc and
 * err say how it went. */
void	 store_start(struct store *, struct store_job *);
/* Hand back a started job that is done, in no particular order; with
 * block, wait until one is. NULL when none is started (or, without
 * block, none is done yet). */
struct store_job *store_wait(struct store *, bool block);
void	 store_free(struct store *);

/* A thread that runs requests for the thread that made it: SIGINT and
 * SIGTERM stay with that thread (a Ctrl-C the CLI catches ends its
 * waits), the faults as they were (blocked, the kernel would kill the
 * process past the browser's handler). pthread_create's result. */
int	 store_thread_start(pthread_t *, void *(*)(void *), void *);

/* For stores: a queue of jobs done, first in first out (head, tail). */
void	 store_jobs_push(struct store_job **head, struct store_job **tail,
	     struct store_job *);
/* The first job of the queue, taken off it; NULL when it is empty. */
struct store_job *store_jobs_pop(struct store_job **head,
	     struct store_job **tail);

#endif
