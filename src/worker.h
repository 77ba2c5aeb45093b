/* SPDX-License-Identifier: ISC */
/* A worker thread that owns a session and runs the UI's requests. */
#ifndef DYNREPO_WORKER_H
#define DYNREPO_WORKER_H

#include <stdbool.h>
#include <stddef.h>

#include "content.h"
#include "discover.h"
#include "err.h"
#include "filter.h"
#include "value.h"

/*
 * The worker runs jobs one at a time, in the order submitted, on its own
 * thread, which alone touches the session (its repository, store and HTTP
 * client). Results come back as events in a queue; worker_fd() becomes
 * readable when events wait, so an event loop can poll it next to the
 * terminal. Every job ends with exactly one WE_DONE event; a list also
 * sends WE_PAGE events on the way and WE_PAUSED when it stops to wait for
 * demand.
 *
 * A list job is loaded on demand: after each page the worker goes on only
 * while the items delivered are fewer than the job's `want`; otherwise it
 * sends WE_PAUSED and waits (worker_more raises want, worker_cancel ends
 * it). While a list waits, other jobs submitted after it (get, update,
 * ...) run in between; another list waits behind it, so cancel the old
 * list first. Cancelling is checked before every request the job makes:
 * a request already sent is never interrupted, its answer is dropped and
 * the job ends with ERR_CANCELLED.
 */
enum worker_job_type {
	WJ_OPEN,	/* open: session for profile (closes any other) */
	WJ_LIST,	/* repo_list(partition, prefix) */
	WJ_BETWEEN,	/* repo_list_between(partition, start, end) */
	WJ_GET,		/* repo_get(partition, content) */
	WJ_UPDATE,	/* repo_update, then get the item back */
	WJ_PUT,		/* repo_put(item), then get it back */
	WJ_DELETE,	/* repo_delete(partition, prefix) */
	WJ_UNDO,	/* undo_last(undo_count, undo_dry_run): `:undo` */
	WJ_DELETE_ITEM,	/* repo_delete_item(partition, content, version) */
	WJ_COUNT,	/* repo_count(partition, prefix) */
	WJ_DISCOVER,	/* discover_run: the partitions, by a parallel Scan */
	WJ_EXPORT,	/* a LIST or BETWEEN query into an export file */
	WJ_RECOVER	/* a kept edit (recovery file) and the item stored
			   now; with recover_drop, discard it */
};

/* A job: fill the inputs of its type, submit; the worker owns it then. */
struct worker_job {
	enum worker_job_type	 type;
	void			*owner;		/* the submitter's cookie */

	/* WJ_OPEN: as struct session_options; owned strings or NULL. */
	char			*profiles_dir;
	char			*profile;

	/* The ids the operation is about (owned). */
	struct ids		 partition;
	struct ids		 prefix;	/* LIST, DELETE */
	struct ids		 start, end;	/* BETWEEN */
	struct ids		 content;	/* GET, UPDATE, DELETE_ITEM */

	/* LIST, BETWEEN: the FilterCommand (owned, may be NULL), checked
	 * against the profile's model and typed as stored before the
	 * query runs. */
	bool			 descending;
	struct filter		*filter;
	size_t			 want;		/* items, then pause; 0: all */
	/* LIST, BETWEEN without a filter: the first Query asks for this
	 * many items (Limit; 0: none), a screen, so that the first screen
	 * is not behind a 1 MB page; the next ones read 1 MB pages. */
	size_t			 first_page;

	/* UPDATE: the library's UpdateCommand, values as stored (owned);
	 * with a model, checked against it before anything is sent. */
	struct value		*set_commands;		/* M or NULL */
	struct value		*increment_attrs;	/* M or NULL */
	struct value		*append_attrs;		/* M or NULL */
	long long		 current_version;	/* 0: no condition */
	bool			 require_exists;

	/* UNDO: the last undo_count writes (0: 1) of the profile's table
	 * in the journal; with undo_dry_run only planned; with
	 * undo_partial, a write the journal holds part of too. */
	size_t			 undo_count;
	bool			 undo_dry_run;
	bool			 undo_partial;

	/* DISCOVER: Scan segments run in parallel (0: 4). */
	int			 segments;

	/* EXPORT: the query of a LIST (or, with `between`, a BETWEEN) into
	 * a new file at path (owned; an existing file is refused). */
	char			*path;
	bool			 between;

	/* PUT: the item (owned). With `plain`, item->item holds plain JSON
	 * that the worker types by the model first (where the model is
	 * silent, keeping the types of `existing`, the stored fields, owned
	 * or NULL) and checks against it. With `guarded`, a put that cannot
	 * overwrite: current_version 0, the item must not exist; else the
	 * stored one must have current_version (repo_put_guarded).
	 * DELETE_ITEM: guarded by current_version the same way. */
	struct content		*item;
	bool			 plain;
	bool			 guarded;
	struct value		*existing;

	/* UPDATE, PUT: with `recover`, nothing is lost: before the write
	 * the worker saves a recovery file of the item as the person
	 * meant it (for an UPDATE, `item`, required, is the item as shown, the
	 * command applied to it), the version the edit began from and the
	 * reason "pending"; a success discards it, a failure keeps it
	 * with the reason. A recovery file that cannot be written refuses
	 * the write (ERR_IO, nothing sent).
	 * With recovery_id too, the write is the kept edit of that id
	 * tried again: its file is the one saved, discarded or kept (no
	 * second file for the same edit).
	 * RECOVER: the kept edit recovery_id, else the newest of the key
	 * (partition, content) when content has ids, else the newest of
	 * all; with recover_drop discarded. */
	bool			 recover;
	bool			 recover_drop;
	char			*recovery_id;
};

enum worker_event_type {
	WE_PAGE,	/* items of a list: a batch in order */
	WE_PAUSED,	/* a list has more pages and waits for demand */
	WE_RETRY,	/* a request failed and waits to be tried again;
			   worker_cancel ends the wait (and the job) */
	WE_PROGRESS,	/* DISCOVER: items and partitions counted so far */
	WE_DONE		/* the job is over: rc, err and its results */
};

/* A field of the profile's model, for forms and completion. */
struct worker_field {
	char	*name;
	char	*type;		/* "integer", "Optional[string]", ... */
	bool	 required;
};

/* An event; the receiver frees it with worker_event_free. */
struct worker_event {
	enum worker_event_type	 type;
	unsigned long		 job;		/* worker_submit's id */
	enum worker_job_type	 job_type;
	void			*owner;		/* the job's cookie */

	int			 rc;		/* WE_DONE: 0 or -1 */
	struct err		 err;		/* WE_DONE with rc -1 */

	/* WE_PAGE: items in the list's order (owned). */
	struct content		**items;
	size_t			 nitems;
	/* LIST, BETWEEN: items delivered so far, capacity used by the job.
	 * DISCOVER (PROGRESS): items scanned so far. EXPORT (PROGRESS,
	 * DONE): items written. */
	size_t			 total;
	double			 capacity;

	/* GET: the item or NULL when there is none; UPDATE, PUT,
	 * DELETE_ITEM: the item as stored after the write, or after a
	 * conflict the item as it is stored now (NULL when it is gone or
	 * could not be read). Owned. */
	struct content		*item;
	size_t			 deleted;	/* DELETE */
	/* RETRY: the attempt that comes after the wait, of how many, why,
	 * and how long the wait is. */
	int			 attempt;
	int			 max_attempts;
	char			 reason[64];
	long long		 delay_ms;
	/* UNDO: what was done (or planned, or refused), one line per
	 * write and per item ("put back KEY", "conflict KEY: what
	 * changed"), control characters as they are; owned: the writes
	 * undone whole (or planned, in a dry run). A conflict found by the
	 * plan: rc -1, ERR_CONFLICT, count 0, nothing written. */
	char			*undo_report;
	size_t			 count;		/* COUNT; PROGRESS: partitions;
						   OPEN, RECOVER: the kept
						   edits (recovery files) of
						   the profile (before a drop);
						   UNDO: items restored (also
						   on failure) */
	/* DISCOVER: segments in all and finished (PROGRESS); the result
	 * (DONE, owned). */
	int			 segments, segments_done;
	struct discover		 discovered;
	/* OPEN: what the session resolved (owned). */
	char			*endpoint;
	char			*region;
	char			*table;
	/* OPEN: the model's top-level fields in its order (owned; none
	 * without a model). Free with worker_fields_free. */
	struct worker_field	*fields;
	size_t			 nfields;
	/* OPEN: the partition ids opened before with this profile, most
	 * recent first (phist; owned). */
	char			**history;
	size_t			 nhistory;
	/* OPEN: why that history could not be read (owned; NULL when it
	 * was, or when there is none yet). */
	char			*history_error;
	/* UPDATE, PUT: a save that was carried out, though what came after
	 * it failed ("written, but not journaled: ..."; owned, else NULL):
	 * rc is 0, the recovery file gone, the item the one stored. */
	char			*warning;
	/* RECOVER: the kept edit as content (its version: the one the edit
	 * began from, 0 for a new item), its id, reason and time (owned);
	 * `item` is the item as stored now (NULL: none).
	 * UPDATE, PUT with `recover` that failed: recovery_id is the kept
	 * edit's (to try again or drop by that id). */
	struct content		*recovered;
	char			*recovery_id;
	char			*recovery_reason;
	char			*recovery_time;
	/* OPEN: recovery files of the profile that could not be read (left
	 * where they are), and their directory (owned; NULL when none). */
	size_t			 unreadable;
	char			*recovery_dir;
};

struct worker;

/* Start the worker thread, with every signal blocked in it so signals
 * reach the UI thread. NULL with ERR_INTERNAL when a thread or pipe
 * cannot be made. */
struct worker	*worker_new(struct err *);
/* Cancel every job, wait for the thread, close the session, drop the
 * events not taken. NULL is a no-op. */
void		 worker_free(struct worker *);

/* A new job with its ids empty; cannot fail. */
struct worker_job *worker_job_new(enum worker_job_type);
/* For a job never submitted. NULL is a no-op. */
void		 worker_job_free(struct worker_job *);

/* Queue a job (the worker takes it); returns its id, never 0. */
unsigned long	 worker_submit(struct worker *, struct worker_job *);
/* Ask a job to stop; unknown or finished ids are ignored. */
void		 worker_cancel(struct worker *, unsigned long id);
/* Let a paused list go on until `want` items are delivered (0: all). */
void		 worker_more(struct worker *, unsigned long id, size_t want);

/* Readable while events wait; borrowed, stays open until worker_free. */
int		 worker_fd(const struct worker *);
/* The next event, or NULL when none waits. Drains the fd's wake-ups. */
struct worker_event *worker_next(struct worker *);
void		 worker_event_free(struct worker_event *);
/* Free n fields and the array. */
void		 worker_fields_free(struct worker_field *, size_t n);

#endif
