/* SPDX-License-Identifier: ISC */
/* Undo from the journal: put back what a write replaced, unless it
 * changed since. */
#ifndef DYNREPO_UNDO_H
#define DYNREPO_UNDO_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "journal.h"
#include "repo.h"

enum undo_action {
	UNDO_PUT,	/* the before-image put back over the after-image */
	UNDO_REPUT,	/* an item the write deleted put back */
	UNDO_DELETE,	/* an item the write created deleted */
	UNDO_SKIP,	/* already as it was before the write: nothing to do */
	UNDO_CONFLICT	/* changed since the write: nothing is written */
};

/* The plan (or outcome) for one entry of a write. */
struct undo_item {
	enum undo_action		 action;
	const struct journal_entry	*entry;		/* borrowed */
	/* CONFLICT: what changed; NULL otherwise. */
	char				*detail;
};

struct undo_options {
	size_t	 count;		/* writes to undo, newest first; 0 is 1 */
	bool	 dry_run;	/* plan and report, write nothing */
	/* Undo what the journal holds of a write it holds only part of
	 * (journal_write.complete false), rather than refuse it. */
	bool	 partial;
};

/* Called once per write, newest first, with its entries' plans in the
 * order they are applied (newest entry first): with `applied` once its
 * items are restored; without, for a dry run or when nothing is written
 * because of a conflict (each write planned, up to the one in conflict).
 * Everything is borrowed for the call. */
typedef void (*undo_report_fn)(void *ctx, const struct journal_write *,
	     const struct undo_item *, size_t n, bool applied);

/*
 * Undo the last count writes of the repository's profile and table that
 * its journal holds (repo_journal(r) must not be NULL), newest first.
 * First every item the writes touched is read (consistent BatchGetItem)
 * and every write planned, newest first, each against the items as the
 * newer ones' undo leaves them: an item still as the write left it is
 * restored, one already as it was before is skipped, anything else is a
 * conflict. A conflict anywhere refuses them all: nothing is written (-1,
 * ERR_CONFLICT, the message naming the first item and what changed). So
 * is a write the journal holds only part of (ERR_INPUT), unless partial.
 * Then each write is undone, newest first, journaled as one write with
 * operation "undo" (undoing it again redoes it); each restore is guarded
 * by _object_version and _timestamp (repo_restore), so a change made after
 * the plan is never overwritten: it stops there, the message saying how
 * many writes and items were already restored. *restored (when not
 * NULL) counts the items restored, also on failure. -1 with
 * ERR_NOT_FOUND when the journal has no write for this profile and
 * table.
 *
 * Blocking (network): the TUI calls it on its worker thread.
 */
int	 undo_last(struct repo *, const struct undo_options *,
	     undo_report_fn, void *ctx, size_t *restored, struct err *);

/* The last *n writes of the repository's profile and table, newest first
 * (see journal_last_writes); free with journal_writes_free. */
int	 undo_list(struct repo *, struct journal_write **out, size_t *n,
	     struct err *);

/* "put back", "re-create", "delete", "skip", "conflict"; cannot fail. */
const char *undo_action_name(enum undo_action);
/* "pk / sk" of a key, for messages (caller frees). */
char	*undo_key_text(const struct value *key);

#endif
