/* SPDX-License-Identifier: ISC */
/* One request through the embedded store and a server, and what differs. */
#ifndef DYNREPO_TEST_DIFFERENTIAL_H
#define DYNREPO_TEST_DIFFERENTIAL_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "request.h"
#include "store.h"

/* The two sides, in this order everywhere. */
enum diff_side { DIFF_LOCAL, DIFF_REMOTE, DIFF_NSIDES };

/*
 * A table of the same name in a fresh SQLite file and on the server
 * named by DYNREPO_TEST_ENDPOINT, with string keys "pk" and "sk".
 */
struct diff {
	struct store		*store[DIFF_NSIDES];
	struct http_ops		*http;
	struct creds_provider	*creds;
	struct awsclient	*client;
	char			 table[64];
	char			 dir[64];
	char			*dbpath;
	unsigned long		 steps;		/* requests compared */
	double			 seconds[DIFF_NSIDES];
};

/* What one side answered. */
struct diff_outcome {
	int		 rc;
	struct err	 err;
	struct response	 rs;
};

struct diff_step {
	struct diff_outcome	 side[DIFF_NSIDES];
};

/* How to compare. */
#define DIFF_UNORDERED	0x1	/* items as a set (BatchGetItem, Scan) */
#define DIFF_NO_MESSAGE	0x2	/* errors: type only, not the words */

/* Open both stores and create the table on both (waiting for ACTIVE on
 * the server); tag goes into the table name. -1 with e. */
int	 diff_open(struct diff *, const char *tag, struct err *e);
/* Drop the table on the server, close both, remove the file. */
void	 diff_close(struct diff *);

/* Run rq on both stores; step must be cleaned up with
 * diff_step_cleanup. */
void	 diff_run(struct diff *, const struct request *, struct diff_step *);
void	 diff_step_cleanup(struct diff_step *);

/* Append one line per difference between the two answers to out (when
 * not NULL); the number of differences. */
size_t	 diff_compare(const struct request *, const struct diff_step *,
	     unsigned flags, struct buf *out);

/* The request as sent on the wire, and both answers, for a report. */
void	 diff_describe(const struct request *, const struct diff_step *,
	     struct buf *out);
/* One answer in a line or a few: "ok: 3 items ..." or the error. */
void	 diff_describe_outcome(const struct diff_outcome *, struct buf *out);
/* A value as DynamoDB JSON, cut after max bytes. */
void	 diff_describe_value(const struct value *, size_t max,
	     struct buf *out);

/*
 * The random sequence (rnd.c): requests drawn from a seed, the same
 * ones on every machine, over a table with keys pk and sk.
 */
struct rnd;

/* Cannot fail; free with rnd_free. */
struct rnd	*rnd_new(unsigned seed);
void		 rnd_free(struct rnd *);
/* Initialise rq as the next request of the sequence, for table. A Query
 * is its first page: the caller follows LastEvaluatedKey. */
void		 rnd_request(struct rnd *, const char *table,
		     struct request *rq);

#endif
