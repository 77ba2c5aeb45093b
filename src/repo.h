/* SPDX-License-Identifier: ISC */
/* A pydantic-dynamo repository: the library's layout and semantics over a
 * store. */
#ifndef DYNREPO_REPO_H
#define DYNREPO_REPO_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "clock.h"
#include "content.h"
#include "err.h"
#include "expr.h"
#include "journal.h"
#include "store.h"
#include "value.h"

struct repo_config {
	const char	*table;
	const char	*partition_key;		/* NULL: "_table_item_id" */
	const char	*sort_key;		/* NULL: "_table_content_id" */
	const char	*partition_prefix;
	const char	*partition_name;
	const char	*content_type;
	bool		 consistent_reads;
	bool		 read_only;		/* every write refuses */
	const char	*name;			/* for messages, may be NULL */
	/* Every write is journaled here (borrowed; NULL: no journal). */
	struct journal	*journal;
	/* Batch writes (put_batch, import, delete) keep this many
	 * BatchWriteItem requests in flight at once, the next sent as soon
	 * as one is answered, no key in two of them; 0:
	 * REPO_IN_FLIGHT_DEFAULT. */
	int		 in_flight;
	/* Once *stop is not 0 (a signal the CLI caught: Ctrl-C), a batch
	 * write (put_batch, import, delete, undo) takes nothing more: what
	 * is in flight is answered and journaled, the rest is not sent,
	 * and the write ends whole in the journal (-1, ERR_CANCELLED).
	 * Borrowed; NULL: never. */
	const volatile sig_atomic_t *stop;
};

#define REPO_IN_FLIGHT_DEFAULT	4
#define REPO_IN_FLIGHT_MAX	16

struct repo;

/* The repository copies the config; store and clock are borrowed (NULL
 * clock = clock_system()). Cannot fail. */
struct repo	*repo_new(const struct repo_config *, struct store *,
		    const struct clock_ops *);
void		 repo_free(struct repo *);
struct store	*repo_store(const struct repo *);	/* borrowed */
const char	*repo_table(const struct repo *);	/* borrowed */
/* The profile's name (or the table's); borrowed. */
const char	*repo_name(const struct repo *);
/* Whether every write refuses (the profile's read_only). */
bool		 repo_read_only(const struct repo *);
/* Whether the config's *stop asks batch writes to stop. */
bool		 repo_stopping(const struct repo *);
/* The journal of the config, or NULL; borrowed. */
struct journal	*repo_journal(const struct repo *);

/* "{partition_prefix}#{partition_name}#{ids joined by #}" and
 * "{content_type}#{ids joined by #}". */
void	 repo_partition_value(const struct repo *, const struct ids *,
	     struct buf *);
void	 repo_content_value(const struct repo *, const struct ids *,
	     struct buf *);
/* The primary key as an M of two S values. */
struct value *repo_key(const struct repo *, const struct ids *partition,
	     const struct ids *content);

/* A stored item (consumed) as content: ids read back from the keys as the
 * library reads them, version (absent or 0 -> 1), _ttl -> expiry; item
 * keeps the model's fields (no keys, _object_version, _timestamp, _ttl);
 * c->stored keeps the whole stored item. NULL with ERR_INPUT when a key
 * attribute is missing or not a string. */
struct content *repo_decode(const struct repo *, struct value *stored,
	     struct err *);
/* The item put writes for c at time now: keys, fields, _object_version,
 * _timestamp (Python isoformat), _ttl when there is an expiry. */
struct value *repo_encode(const struct repo *, const struct content *,
	     const struct timespec *now);

/* Called for each item found; takes ownership of c. Return non-zero to
 * stop early (the operation then returns 0). */
typedef int (*repo_each_fn)(void *ctx, struct content *c);
/* An item that comes as the text content_to_json would print for it (not
 * NUL-terminated, no newline), for a caller that only prints; nonzero
 * stops, as repo_each_fn's. The text lives in the repository until the
 * page is handed over: with a line function, neither it nor fn may list
 * or get-batch through the same repository. */
typedef int (*repo_line_fn)(void *ctx, const char *text, size_t len);

/* The library's FilterCommand as an expression; NULL = no filter. */
struct repo_list_opts {
	bool		 descending;
	long		 limit;		/* 0: all; counts matching items */
	const struct expr *filter;	/* borrowed, may be NULL */
	/* Progress after each page: items delivered so far, capacity used. */
	void		(*progress)(void *ctx, size_t items, double capacity);
	/* The Limit of the first page alone (0: none), the pages after it
	 * DynamoDB's 1 MB: for a caller that shows the first items at once
	 * (a screen), not after a page of thousands. Only without a filter
	 * (DynamoDB's Limit counts items before it) and without limit. */
	long		 first_page;
	/* Ask for page k+1 while page k is delivered, when the store can
	 * and there is neither a limit nor progress: fn must then not use
	 * the repository, which is busy on another thread meanwhile. */
	bool		 prefetch;
	/* When not NULL, with neither a limit nor progress: items may come
	 * to line as their text instead, in their order among those fn
	 * gets. */
	repo_line_fn	 line;
};

/* With shared set, the contents that list, list_between and get_batch
 * deliver have an item that shares the decoded page's values instead of a
 * copy: read-only (the value mutators assert on it), freed as usual with
 * content_free. For callers that only read what they are given (the CLI's
 * printing verbs); off by default. */
void	 repo_set_shared_contents(struct repo *, bool shared);

/* get: 0 and *out = NULL when there is no such item. */
int	 repo_get(struct repo *, const struct ids *partition,
	     const struct ids *content, struct content **out, struct err *);
/* get_batch: BatchGetItem in chunks of 100 (a key given twice anywhere
 * is asked for once),
 * UnprocessedKeys re-sent with backoff until none remain. Items come in
 * no particular order; missing keys are simply not delivered. line: NULL,
 * or where items may come as their text (repo_line_fn). */
int	 repo_get_batch(struct repo *, const struct ids *partitions,
	     const struct ids *contents, size_t n, repo_each_fn,
	     repo_line_fn line, void *ctx, struct err *);
/* list: Query pk = :p AND begins_with(sk, :s), every page. */
int	 repo_list(struct repo *, const struct ids *partition,
	     const struct ids *prefix, const struct repo_list_opts *,
	     repo_each_fn, void *ctx, struct err *);
/* list_between: sk BETWEEN start AND end (inclusive); start == end is
 * list() with that prefix. */
int	 repo_list_between(struct repo *, const struct ids *partition,
	     const struct ids *start, const struct ids *end,
	     const struct repo_list_opts *, repo_each_fn, void *ctx,
	     struct err *);
/* put: PutItem of repo_encode(c). Unconditional, as the library's. */
int	 repo_put(struct repo *, const struct content *, struct err *);
/* put guarded so that it cannot silently overwrite: version 0, the item
 * must not exist (attribute_not_exists on the partition key); else the
 * stored item must exist with _object_version = version (none counts as
 * 1). The item is written with c's version. A failed guard is
 * ERR_CONFLICT, nothing written. */
int	 repo_put_guarded(struct repo *, const struct content *,
	     long long version, struct err *);
/* DeleteItem of one item, guarded as repo_put_guarded by version (0 is
 * taken as 1). Needs dynamodb:DeleteItem. ERR_CONFLICT when the stored
 * version differs or the item is gone. */
int	 repo_delete_item(struct repo *, const struct ids *partition,
	     const struct ids *content, long long version, struct err *);
/* The number of items under a prefix (Query with Select COUNT, every
 * page), as delete would find them. */
int	 repo_count(struct repo *, const struct ids *partition,
	     const struct ids *prefix, size_t *count, struct err *);
/* put_batch: BatchWriteItem in chunks of 25 (a later item with the key of
 * an earlier one in the same chunk starts a new chunk, so the last one
 * wins as with sequential puts), UnprocessedItems re-sent with backoff.
 * *written counts items acknowledged (may be NULL). */
int	 repo_put_batch(struct repo *, struct content *const *, size_t n,
	     size_t *written, struct err *);
/*
 * put_batch one content at a time, for a stream: each is encoded and
 * taken into the window of BatchWriteItems at once, so that the next
 * ones are read while earlier chunks are in flight. One write for the
 * journal. repo_put_stream_new: NULL with err when the repository is
 * read-only or its journal cannot be written (nothing sent).
 * repo_put_stream_add: -1 when a chunk failed (nothing more is sent; the
 * requests still out are waited for); every later add fails the same
 * way. repo_put_stream_end sends the rest, waits, frees the stream, and
 * returns the write's result, *written counting the items acknowledged
 * (may be NULL). repo_put_stream_stop, for a caller that failed (its
 * error in err): sends nothing more, waits for the requests still out,
 * frees the stream and returns -1, err kept (a journal that could not be
 * written is added to it).
 */
struct repo_put_stream;
struct repo_put_stream *repo_put_stream_new(struct repo *, struct err *);
int	 repo_put_stream_add(struct repo_put_stream *, const struct content *,
	     struct err *);
int	 repo_put_stream_end(struct repo_put_stream *, size_t *written,
	     struct err *);
/*
 * A put kept as the text of its request, for a caller that checks a
 * stream whole before writing it: parsing, typing and encoding the item
 * again cost more than copying its text. repo_put_text appends to b a
 * record of c: repo_encode(c) as DynamoDB JSON, as the store sends it,
 * its _timestamp left for the write to fill in, and its key; returns the
 * record's size, or 0 (nothing appended) for a content whose item sets a
 * key to something other than a string (DynamoDB refuses it; the caller
 * writes it as a content). Cannot fail.
 * repo_put_stream_add_text takes the record at rec (borrowed) as
 * repo_put_stream_add takes its content: the same bytes sent, the same
 * journal, the same result; *len is set to the record's size.
 */
size_t	 repo_put_text(const struct repo *, const struct content *,
	     struct buf *);
/* What prints the members of the item a content stands for, as
 * ddbjson_emit_members prints them, when its item is not that one yet
 * (plain JSON the schema types as it prints): fn returns -1, b as it
 * was, when it cannot; it sets *canonical (when not NULL) to whether
 * their numbers are in number_canonical's form. The members must be
 * fields of the model (repo_field_name). */
struct repo_put_emit {
	int	(*fn)(void *arg, const struct value *item, struct buf *b,
		    bool *canonical);
	void	*arg;
};
/* repo_put_text, the item's members printed by pe, for an item surely
 * within DynamoDB's limits (the record's text, longer than the item as
 * stored, is): 0, nothing appended, when pe cannot print the item or it
 * might be past them (the caller types it, measures it and calls
 * repo_put_text). */
size_t	 repo_put_text_emit(const struct repo *, const struct content *,
	     const struct repo_put_emit *pe, struct buf *);
/* Whether a name is free for a field: not a key's, not one of the
 * library's attributes. */
bool	 repo_field_name(const struct repo *, const char *name);
int	 repo_put_stream_add_text(struct repo_put_stream *, const char *rec,
	     size_t *len, struct err *);
/* The size of the record at rec, as repo_put_stream_add_text would
 * take it, when its head says it fits in the avail bytes there; else 0
 * (a record read back from a file and cut short). */
size_t	 repo_put_text_size(const char *rec, size_t avail);
int	 repo_put_stream_stop(struct repo_put_stream *, size_t *written,
	     struct err *);

/* put_batch of stored items as they are (an import: keys, _object_version,
 * _timestamp kept), chunks of 25, the last of two equal keys winning.
 * Takes the items (freed, written or not). */
int	 repo_put_raw_batch(struct repo *, struct value **items, size_t n,
	     size_t *written, struct err *);

/* The library's WriteOnceRepository: per partition, one list_between over
 * the incoming content ids, then put_batch of only the contents that are
 * new or differ from what is stored (ids, fields, version, expiry;
 * _timestamp aside). *written and *unchanged count them. */
int	 repo_put_changed(struct repo *, struct content *const *, size_t n,
	     size_t *written, size_t *unchanged, struct err *);
/* Whether two contents are equal as the library compares them. */
bool	 repo_content_equal(const struct content *, const struct content *);

/* The library's UpdateCommand. Maps are M values (borrowed). */
struct update_command {
	const struct value	*set_commands;		/* M or NULL */
	const struct value	*increment_attrs;	/* M of N, or NULL */
	const struct value	*append_attrs;		/* M of L, or NULL */
	long long		 current_version;	/* 0: no condition */
	bool			 has_expiry;
	int64_t			 expiry;
};

/* update: SET fields (a map value sets its members), _timestamp and _ttl;
 * increments as if_not_exists(#a, :zero) + :n, _object_version + 1 always;
 * appends as list_append(if_not_exists(#a, :empty), :list) with elements
 * typed as the library's str | dict; conditions: key attributes equal the
 * key (require_exists), _object_version = current_version (when non-zero).
 * A failed condition is ERR_CONFLICT. */
int	 repo_update(struct repo *, const struct ids *partition,
	     const struct ids *content, const struct update_command *,
	     bool require_exists, struct err *);
/* Build the UpdateItem request of repo_update without sending it. */
int	 repo_update_request(struct repo *, const struct ids *partition,
	     const struct ids *content, const struct update_command *,
	     bool require_exists, struct request *out, struct err *);
/* delete: every item under the prefix (keys-only query, then batched
 * deletes). *deleted counts them (may be NULL). */
int	 repo_delete(struct repo *, const struct ids *partition,
	     const struct ids *prefix, size_t *deleted, struct err *);

/* scan: every item of the repository (Scan restricted by a filter to
 * begins_with(pk, "{prefix}#{name}#") AND begins_with(sk,
 * "{content_type}#")), one segment of total_segments (0: no segments), all
 * pages. keys_only projects the two key attributes. Needs dynamodb:Scan;
 * a denial is ERR_ACCESS_DENIED with a message naming the permission. */
int	 repo_scan(struct repo *, int segment, int total_segments,
	     bool keys_only, repo_each_fn, void *ctx, struct err *);

/*
 * Journaling (when the config has a journal): put asks for ALL_OLD, update
 * for ALL_OLD (the after-image is the update applied to it, numbers as
 * DynamoDB stores them), batch writes (put_batch, put_raw_batch,
 * put_changed, delete) first read the before-images of up to 4 chunks of
 * 25 with one consistent BatchGetItem. A request is journaled after it is
 * acknowledged (or when its outcome is unknown): a single write with one
 * write and one fsync, a batch with one write per chunk and an fsync
 * every 4 MB and at its end (journal_append); a refused write
 * leaves no entry. A journal that cannot be opened stops the write before
 * anything is sent (ERR_IO).
 */

/* Read stored items by their keys (M values, borrowed; no duplicates),
 * consistently, BatchGetItem in chunks of 100. Missing keys are not
 * delivered. */
int	 repo_get_keys(struct repo *, const struct value *const *keys,
	     size_t n, repo_each_fn, void *ctx, struct err *);

/*
 * The conditional write of an undo: put item (or delete the key when item
 * is NULL) only if the stored item is still expect: when expect is NULL,
 * only if there is no item; otherwise only if it exists with expect's
 * _object_version and _timestamp (each attribute_not_exists when expect
 * has none). Its journal entry (operation "undo") is queued, not yet
 * appended: the caller calls journal_flush after a run of restores (one
 * fsync for many). A failed condition is ERR_CONFLICT and writes nothing.
 */
int	 repo_restore(struct repo *, const struct value *key,
	     const struct value *expect, const struct value *item,
	     struct err *);

/* Statistics of the requests this repository made. */
struct repo_stats {
	unsigned long	 requests;
	double		 capacity;
};
const struct repo_stats *repo_stats(const struct repo *);

#endif
