/* SPDX-License-Identifier: ISC */
/* What repo.c and repo_journal.c share: the repository's state and internal steps. */
#ifndef DYNREPO_REPO_PRIVATE_H
#define DYNREPO_REPO_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "journal.h"
#include "repo.h"
#include "request.h"
#include "value.h"

#define REPO_BATCH_GET_MAX	100	/* BatchGetItem's limit */
#define REPO_BATCH_WRITE_MAX	25	/* BatchWriteItem's limit */
#define REPO_UNPROCESSED_ROUNDS	12	/* rounds without progress */

#define REPO_VERSION	"_object_version"
#define REPO_TIMESTAMP	"_timestamp"
#define REPO_TTL	"_ttl"

struct repo {
	char			*table;
	char			*partition_key;
	char			*sort_key;
	char			*partition_prefix;	/* "{prefix}#{name}#" */
	char			*content_prefix;	/* "{content_type}#" */
	char			*name;
	bool			 consistent_reads;
	bool			 read_only;
	struct journal		*journal;
	struct store		*store;
	const struct clock_ops	*clock;
	struct repo_stats	 stats;
	/* Delivered contents may share the page's values (read-only). */
	bool			 shared_contents;
};

/* repo.c */
/* Execute through the store, counting. */
int	 repo_execute(struct repo *, const struct request *, struct response *,
	     struct err *);
/* Refuse writes on a read-only repository, in the core. */
int	 repo_check_writable(const struct repo *, struct err *);
/* Send one BatchWriteItem and re-send what comes back unprocessed.
 * Takes the writes; *done counts acknowledged entries. */
int	 repo_batch_write(struct repo *, struct write_request *, size_t n,
	     size_t *done, struct err *);
/* Send one BatchGetItem of keys (taken) and follow UnprocessedKeys;
 * *stopped is set when fn asked to stop. */
int	 repo_batch_get(struct repo *, struct value **keys, size_t n,
	     bool consistent, repo_each_fn, void *ctx, int *stopped,
	     struct err *);
/* True when the key of item matches the key of an entry in ws[0..n). */
bool	 repo_key_seen(const struct repo *, const struct write_request *ws,
	     size_t n, const struct value *item);

/* repo_journal.c; each is a no-op (or the plain step) without a journal. */
/* Start a journaled write: the journal must be writable before anything
 * is sent. */
int	 repo_journal_start(struct repo *, const char *operation,
	     struct err *);
/* After a write with rc: append its queued entries when it was (or may
 * have been) applied, drop them when it was refused. Returns rc, or -1
 * when the write succeeded but the journal could not be appended. */
int	 repo_journal_finish(struct repo *, int rc, struct err *);
/* The primary key of a stored item (copied). */
struct value *repo_key_of(const struct repo *, const struct value *item);
/* Queue the entry of one write, the after-image with numbers as DynamoDB
 * stores them. */
void	 repo_journal_add(struct repo *, const struct value *key,
	     const struct value *before, const struct value *after);
/* repo_batch_write, journaled: the before-images of the chunk read with
 * one consistent BatchGetItem first. Takes the writes. */
int	 repo_batch_write_logged(struct repo *, struct write_request *,
	     size_t n, size_t *done, struct err *);
/* Journal an update from its before-image (NULL: there was no item). */
int	 repo_journal_update(struct repo *, const struct request *,
	     const struct value *before, struct err *);

#endif
