/* SPDX-License-Identifier: ISC */
/* What the repo*.c files share: the repository's state and internal
 * steps. */
#ifndef DYNREPO_REPO_PRIVATE_H
#define DYNREPO_REPO_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "ddbjson.h"
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
	size_t			 partition_key_len, sort_key_len;
	char			*partition_prefix;	/* "{prefix}#{name}#" */
	char			*content_prefix;	/* "{content_type}#" */
	size_t			 partition_prefix_len, content_prefix_len;
	char			*name;
	bool			 consistent_reads;
	bool			 read_only;
	int			 in_flight;	/* BatchWriteItems at once */
	const volatile sig_atomic_t *stop;	/* the config's */
	struct journal		*journal;
	struct store		*store;
	const struct clock_ops	*clock;
	struct repo_stats	 stats;
	/* Delivered contents may share the page's values (read-only). */
	bool			 shared_contents;
	/* The text path's work buffers (repo_deliver_text), kept from
	 * page to page: a fresh ~2 MB of lines a page was ~500 page
	 * faults. Used by the thread that delivers, as the rest. */
	struct buf		 text_lines, text_scratch, text_fields;
	/* The names repo_item_line does not print as fields. */
	struct ddbjson_text_apart text_apart;
	/* The names of the items read before, in their order. */
	struct ddbjson_text_order text_order;
	struct repo_text_item	*text_items;
	size_t			 text_items_cap;
};

/* What one item of a text page became: its line, up to end in the page's
 * lines, or (c not NULL) the content the parser made of it. */
struct repo_text_item {
	size_t		 end;
	struct content	*c;
};

/* What a member of a stored item is to the library. */
enum repo_member {
	RM_FIELD,		/* one of the model's fields */
	RM_PARTITION_KEY,
	RM_SORT_KEY,
	RM_VERSION,
	RM_TIMESTAMP,
	RM_TTL,
};

/* repo_text.c: the line content_to_json prints for the item whose
 * DynamoDB JSON text is at *p, appended to out, and *p past the item; or
 * DDBJSON_TEXT_SLOW (nothing appended, *p kept) for an item to decode the
 * long way. order: the names of the items before (ddbjson.h), used and
 * kept up to date, or NULL; scratch, fields: any buffers, for the work. */
int	 repo_item_line(const struct repo *, struct ddbjson_text_order *order,
	     const char **p, const char *end, struct buf *scratch,
	     struct buf *fields, struct buf *out);

/* repo_text.c: read the stored item whose DynamoDB JSON text is at *p
 * whole, checked as repo_item_line checks it, and *p past it: its key
 * attributes' strings to *pk and *sk (plain, no escape in them). Or
 * DDBJSON_TEXT_SLOW (*p kept) for an item to parse the long way: one the
 * text path does not take, whose keys are not both strings, or whose
 * text holds a line break. */
int	 repo_item_key(const struct repo *, struct ddbjson_text_order *order,
	     const char **p, const char *end, struct buf *scratch,
	     struct buf *fields, struct ddbjson_text_found *pk,
	     struct ddbjson_text_found *sk);

/* repo.c */
/* Which of the library's attributes a stored item's member name is. */
enum repo_member repo_member_kind(const struct repo *, const char *name,
	     size_t len);
/* The ids a stored key (NUL-terminated) holds after prefix, one by one to
 * fn, as the library splits them; returns how many. */
size_t	 repo_ids_each(const char *stored, const char *prefix,
	     void (*fn)(void *ctx, const char *id, size_t len), void *ctx);
/* Execute through the store, counting. */
int	 repo_execute(struct repo *, const struct request *, struct response *,
	     struct err *);
/* Refuse writes on a read-only repository, in the core. */
int	 repo_check_writable(const struct repo *, struct err *);
/* Full-jitter exponential backoff before re-sending unprocessed batch
 * entries, after `round` answers without progress. -1 when cancelled. */
int	 repo_backoff(struct repo *, int round, struct err *);
/* How long repo_backoff sleeps for round, drawn now. */
int64_t	 repo_backoff_ms(struct repo *, int round);
/* The current time (now when not NULL) as the library writes _timestamp;
 * iso holds 40 bytes. */
void	 repo_timestamp_text(const struct repo *, const struct timespec *now,
	     char *iso);
/* Hand every item of a response to fn; returns 1 when fn asked to stop. */
int	 repo_deliver(struct repo *, struct response *, size_t *delivered,
	     long limit, repo_each_fn, void *ctx, struct err *);
/* Read an items array kept as text, "[...]", each item by fn, which
 * steps *p past it; -1 when fn or the array finds it wrong. */
int	 repo_text_items(const char *p, const char *end,
	     int (*fn)(void *ctx, const char **p, const char *end), void *ctx);
/* Hand every item of a page kept as text: as its line to line_fn, or
 * decoded to fn where the text path leaves it to the parser. Returns 1
 * when fn or line_fn asked to stop. */
int	 repo_deliver_text(struct repo *, const struct request *,
	     struct response *, size_t *delivered, repo_line_fn line_fn,
	     repo_each_fn fn, void *ctx, struct err *);

/* repo_batch.c */
/* Send one BatchGetItem of keys (taken) and follow UnprocessedKeys;
 * *stopped is set when fn (or line, when not NULL) asked to stop. */
int	 repo_batch_get(struct repo *, struct value **keys, size_t n,
	     bool consistent, repo_each_fn, repo_line_fn line, void *ctx,
	     int *stopped, struct err *);
/* One item as stored (taken), not decoded into a content. */
typedef void (*repo_stored_fn)(void *ctx, struct value *stored);
/* One item as stored, as its DynamoDB JSON text as the service sent it:
 * one item, valid JSON on one line (repo_item_key read it), and its key
 * attributes' strings, plain; all borrowed for the call. */
struct repo_stored_text {
	const char	*text;
	size_t		 len;
	const char	*pk, *sk;
	size_t		 pk_len, sk_len;
};
typedef void (*repo_stored_text_fn)(void *ctx,
	     const struct repo_stored_text *);
/* repo_batch_get handing each item to fn as stored; with text_fn, the
 * items the store kept as text that the text path takes go to text_fn
 * instead (never the same item to both). */
int	 repo_batch_get_stored(struct repo *, struct value **keys, size_t n,
	     bool consistent, repo_stored_fn fn, repo_stored_text_fn text_fn,
	     void *ctx, struct err *);
/* repo_wave.c: batch writes in a window of up to in_flight
 * BatchWriteItem chunks at once, each sent as soon as a lane is free,
 * journaled when the repository has a journal. */
struct repo_wave;

/* An empty window of the repository's in_flight chunks. Cannot fail. */
struct repo_wave *repo_wave_new(struct repo *);
/* Wait for the answers still out (what was not sent is dropped), then
 * free. */
void	 repo_wave_free(struct repo_wave *);
/* Add one entry (its value taken); a full chunk is sent when a lane is
 * free. An entry whose key is still in the window sends and waits for
 * everything first. -1 when a chunk failed (this one's or an earlier
 * answer's): nothing more is sent, the answers still out are waited for,
 * and the entry is freed; every later call fails the same way. */
int	 repo_wave_add(struct repo_wave *, struct write_request,
	     struct err *);
/* Send the rest and wait for every answer: before-images read first
 * with a journal, UnprocessedItems re-sent with backoff, what was (or may
 * have been) applied journaled and synced. The window is empty
 * afterwards, whatever the result; the first failure (of the chunk
 * first in input order) stays the result. */
int	 repo_wave_flush(struct repo_wave *, struct err *);
/* Send nothing more (what was not sent yet is dropped) and wait for the
 * answers still out, journaling them; e holds the caller's error, to
 * which a journal that could not be written is added. */
void	 repo_wave_stop(struct repo_wave *, struct err *);
/* Fail the window with e (the caller's error, unless a chunk failed
 * first): nothing more is sent, the answers still out are waited for;
 * returns -1 with the window's result in e, as repo_wave_add's. */
int	 repo_wave_abort(struct repo_wave *, struct err *);
/* Entries acknowledged by the service so far. */
size_t	 repo_wave_done(const struct repo_wave *);

/* repo_journal.c; each is a no-op (or the plain step) without a journal. */
/* Start a journaled write: the journal must be writable before anything
 * is sent. */
int	 repo_journal_start(struct repo *, const char *operation,
	     struct err *);
/* Whether a failed write may still have been applied: err.applied when
 * the store says (a 4xx refusal is not), else judged by the code. */
bool	 repo_outcome_uncertain(const struct err *);
/* After a write with rc: append its queued entries when it was (or may
 * have been) applied, drop them when it was refused. Returns rc, or -1
 * when the write succeeded but the journal could not be appended. */
int	 repo_journal_finish(struct repo *, int rc, struct err *);
/* The primary key of a stored item (copied). */
struct value *repo_key_of(const struct repo *, const struct value *item);
/* The primary key of a stored item as a map over its own attributes,
 * made in *view: nothing allocated, nothing to free, valid while item
 * is. For what only reads the key (a journal entry). */
struct repo_key_view {
	struct value		 map;
	struct value_member	 members[2];
};
const struct value *repo_key_view(const struct repo *,
	     const struct value *item, struct repo_key_view *view);
/* repo_key_of made in the arena a, a root of it (freed as any key), for
 * many keys at once: a BatchGetItem's. A key attribute that is not a
 * string, number or binary makes it a heap copy (repo_key_of). */
struct value *repo_key_in(const struct repo *, struct value_arena *a,
	     const struct value *item);
/* Queue the entry of one write, the after-image with numbers as DynamoDB
 * stores them. */
void	 repo_journal_add(struct repo *, const struct value *key,
	     const struct value *before, const struct value *after);
/* repo_journal_add for one entry of a BatchWriteItem, its before-image
 * a value or its text (journal.h). */
void	 repo_journal_add_write(struct repo *, const struct value *key,
	     const struct journal_image *before, const struct write_request *);
/* Journal an update from its before-image (NULL: there was no item). */
int	 repo_journal_update(struct repo *, const struct request *,
	     const struct value *before, struct err *);

#endif
