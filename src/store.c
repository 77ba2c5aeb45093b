/* SPDX-License-Identifier: ISC */
/* A store executes requests: DynamoDB over HTTP, or the embedded SQLite file. */
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
store_free(struct store *st)
{
	if (st != NULL)
		st->ops->free(st);
}
