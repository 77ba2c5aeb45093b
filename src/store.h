/* SPDX-License-Identifier: ISC */
/* A store executes requests: DynamoDB over HTTP, or the embedded SQLite file. */
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
};

/* Every store embeds this first. */
struct store {
	const struct store_ops	*ops;
	unsigned long		 nrequests;	/* executed, for stats and tests */
};

int	 store_execute(struct store *, const struct request *,
	     struct response *, struct err *);
void	 store_free(struct store *);

#endif
