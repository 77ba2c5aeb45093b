/* SPDX-License-Identifier: ISC */
/* The DynamoDB store: requests rendered to the JSON wire protocol. */
#ifndef DYNREPO_STORE_DYNAMODB_H
#define DYNREPO_STORE_DYNAMODB_H

#include "awsclient.h"
#include "buf.h"
#include "store.h"

/* REPO_IN_FLIGHT_MAX jobs beside the caller's own lane. */
#define STORE_DYNAMODB_MAX_LANES	17

/* A store over a client (borrowed: it must outlive the store). */
struct store	*store_dynamodb_new(struct awsclient *);
/* A store over n clients (1..STORE_DYNAMODB_MAX_LANES; borrowed), each
 * its own connection: execute uses the first, store_start runs up to
 * n - 1 jobs at once on the others, one thread per client (with n = 1,
 * jobs run in store_start on the first). The clients must not be used by
 * anyone else meanwhile. Cannot fail. */
struct store	*store_dynamodb_new_lanes(struct awsclient *const *, size_t n);

/* Whether requests ask DynamoDB for the capacity they consume
 * (ReturnConsumedCapacity TOTAL, read into response.consumed_capacity);
 * they do from the store's making. Nothing else changes: the same items
 * are read and written. Before the store's first request (its lanes read
 * it unlocked). */
void		 store_dynamodb_ask_capacity(struct store *, bool);

/* The JSON body of a request, as sent by a store that asks for
 * capacity; exposed for tests. */
void		 store_dynamodb_render(const struct request *, struct buf *);
/* Parse an answer body for op into rs; exposed for tests. */
int		 store_dynamodb_parse(enum request_op, const char *table,
		     const char *body, size_t len, struct response *,
		     struct err *);

/* response.items_reparse for an answer kept as text (items_body):
 * parsed whole, its items to rs, as store_dynamodb_parse parses. */
int		 store_dynamodb_reparse(const struct request *,
		     struct response *, struct err *);

#endif
