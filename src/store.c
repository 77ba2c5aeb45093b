/* SPDX-License-Identifier: ISC */
/* A store executes requests: DynamoDB over HTTP, or the embedded SQLite
 * file. */
#include "config.h"

#include "store.h"

#include <stddef.h>

int
store_execute(struct store *st, const struct request *rq,
    struct response *rs, struct err *e)
{
	st->nrequests++;
	return st->ops->execute(st, rq, rs, e);
}

void
store_execute_many(struct store *st, const struct request *const *rqs,
    struct response *rss, struct err *errs, int *rcs, size_t n)
{
	size_t i;

	if (st->ops->execute_many == NULL) {
		for (i = 0; i < n; i++)
			rcs[i] = store_execute(st, rqs[i], &rss[i], &errs[i]);
		return;
	}
	st->nrequests += n;
	st->ops->execute_many(st, rqs, rss, errs, rcs, n);
}

void
store_free(struct store *st)
{
	if (st != NULL)
		st->ops->free(st);
}
