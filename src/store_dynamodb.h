/* SPDX-License-Identifier: ISC */
/* The DynamoDB store: requests rendered to the JSON wire protocol. */
#ifndef DYNREPO_STORE_DYNAMODB_H
#define DYNREPO_STORE_DYNAMODB_H

#include "awsclient.h"
#include "buf.h"
#include "store.h"

/* A store over a client (borrowed: it must outlive the store). */
struct store	*store_dynamodb_new(struct awsclient *);

/* The JSON body of a request, as sent; exposed for tests. */
void		 store_dynamodb_render(const struct request *, struct buf *);
/* Parse an answer body for op into rs; exposed for tests. */
int		 store_dynamodb_parse(enum request_op, const char *table,
		     const char *body, size_t len, struct response *,
		     struct err *);

#endif
