/* SPDX-License-Identifier: ISC */
/* A store executes requests: DynamoDB over HTTP, or the embedded SQLite
 * file. */
#ifndef DYNREPO_STORE_H
#define DYNREPO_STORE_H

#include <stdbool.h>

#include "err.h"
#include "request.h"

struct store;

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
	/* Execute n requests that do not depend on each other, as many at
	 * once as the store can; each with its own response, error and
	 * result, as execute. NULL: one after the other, in order. */
	void	(*execute_many)(struct store *, const struct request *const *,
		    struct response *, struct err *, int *rcs, size_t n);
};

/* Every store embeds this first. */
struct store {
	const struct store_ops	*ops;
	unsigned long		 nrequests;	/* executed: stats and tests */
};

int	 store_execute(struct store *, const struct request *,
	     struct response *, struct err *);
/* Execute rqs[0..n) at once where the store can. rss[i] must be
 * initialised and empty; rcs[i] and errs[i] are execute's result and
 * error for rqs[i]. Cannot fail as a whole. */
void	 store_execute_many(struct store *, const struct request *const *rqs,
	     struct response *rss, struct err *errs, int *rcs, size_t n);
void	 store_free(struct store *);

#endif
