/* SPDX-License-Identifier: ISC */
/* The local journal: every write the program makes, with before- and
 * after-images. */
#ifndef DYNREPO_JOURNAL_H
#define DYNREPO_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "clock.h"
#include "err.h"
#include "value.h"

/*
 * The journal is one file of JSON lines, appended with O_APPEND (one
 * write(2) and one fsync(2) per flush, so a batch of 25 items costs two
 * system calls, not fifty; a long batch syncs every few megabytes, see
 * journal_append), mode 0600 in a 0700 directory. A line:
 *
 *   {"time":"2026-11-25T09:14:03.512345+00:00","id":"1764062043512345-4242-1",
 *    "seq":0,"operation":"put","profile":"film-actors","table":"app-data",
 *    "key":{...},"before":{...},"after":{...}}
 *
 * key, before and after are DynamoDB JSON exactly as the values were
 * (numbers as their text), or a before-image as the service sent its
 * text; before is absent when the write created the item, after when it
 * deleted it. Entries sharing an id are one write (one put, one batch,
 * one delete of a prefix, one import, one undo); seq counts its entries
 * from 0. Nothing else is recorded: no endpoint, no credentials, no
 * headers.
 *
 * "v":2 marks the lines of a write that ends with an end line, written
 * once every entry of the write is in the file:
 *
 *   {"time":"...","id":"...","v":2,"operation":"put","profile":"...",
 *    "table":"...","end":3}
 *
 * end is the number of its entries. A write without it (a process killed
 * in the middle, an append that failed) is unfinished: entries may be
 * missing from its end. Lines without "v" are older than end lines.
 */
struct journal;

/* A journal writing to path (NULL: statedir_path("journal.jsonl")) and
 * stamping times from clock (NULL: the system clock; borrowed). Nothing
 * is opened yet; cannot fail. */
struct journal	*journal_new(const char *path, const struct clock_ops *);
void		 journal_free(struct journal *);
/* The file's path; NULL when it cannot be resolved (no HOME). Borrowed. */
const char	*journal_path(const struct journal *);

/* Open the file (creating it and its directory) if not open yet. A write
 * calls this before anything is sent, so a journal that cannot be
 * written stops the write. -1 with ERR_IO or ERR_CONFIG. */
int	 journal_ready(struct journal *, struct err *);

/*
 * Group the entries of the writes until journal_group_end under one id
 * and one operation name (a CLI verb calling the repository many times).
 * Outside a group every journal_start begins a new id.
 */
void	 journal_group_begin(struct journal *, const char *operation);
/* End the group: its write's end line (journal_end). -1 with ERR_IO. */
int	 journal_group_end(struct journal *, struct err *);
/* Start a write: a new id unless a group is open. */
void	 journal_start(struct journal *, const char *operation);
/* Queue one entry of the current write (values borrowed, copied into
 * the line). profile and table are the repository's. */
void	 journal_add(struct journal *, const char *profile, const char *table,
	     const struct value *key, const struct value *before,
	     const struct value *after);
/*
 * An image as journal_add_image takes it: its value, or (text not NULL)
 * its DynamoDB JSON text, copied into the line as it is: one item, valid
 * JSON with no line break in it (as ddbjson_emit_item prints it, or as
 * the service sent it and the text path read it); neither, absent.
 */
struct journal_image {
	const struct value	*value;
	const char		*text;
	size_t			 len;
};
/* journal_add with each image a value or its text (borrowed). */
void	 journal_add_image(struct journal *, const char *profile,
	     const char *table, const struct value *key,
	     const struct journal_image *before,
	     const struct journal_image *after);
/* Append the queued entries: one write, then one fsync of everything
 * written and not synced yet. -1 with ERR_IO. */
int	 journal_flush(struct journal *, struct err *);
/*
 * The write is over: journal_flush, with the write's end line when it
 * has entries and none was lost (no append of it failed), outside a
 * group (journal_group_end ends a group's write). Once per write; after
 * that, and in a group, it only flushes. -1 with ERR_IO.
 */
int	 journal_end(struct journal *, struct err *);
/*
 * Append the queued entries with one write, and fsync only once 4 MB
 * (journal_sync_every) were written since the last fsync: for a batch,
 * whose entries go to the file as each request is done (a process
 * killed loses none of them), and to the disk a few megabytes at
 * a time (an fsync per 100 items was 7% of a batch put's CPU). End the
 * batch with journal_flush. -1 with ERR_IO.
 */
int	 journal_append(struct journal *, struct err *);
/* journal_append's threshold (4 MB); for the tests. */
void	 journal_sync_every(struct journal *, size_t bytes);
/* The fsyncs made so far. */
size_t	 journal_syncs(const struct journal *);
/* Drop the queued entries (the write they describe was refused). */
void	 journal_discard(struct journal *);

/* One entry read back. */
struct journal_entry {
	char		*time;
	char		*id;
	long		 seq;
	long		 version;	/* "v": 0 when absent */
	long		 end;		/* an end line's count, else -1 */
	char		*operation;
	char		*profile;
	char		*table;
	struct value	*key;		/* M; NULL in an end line */
	struct value	*before;	/* M or NULL */
	struct value	*after;		/* M or NULL */
};

/* Parse one line, an entry or an end line; NULL with ERR_INPUT when it
 * is neither. */
struct journal_entry *journal_entry_parse(const char *line, size_t len,
	     struct err *);
void	 journal_entry_free(struct journal_entry *);

/* Called for each line, newest first; return non-zero to stop. */
typedef int (*journal_line_fn)(void *ctx, const char *line, size_t len);
/* Read the file at path backwards, a block at a time (a long journal
 * costs what its tail costs). A missing file has no lines. -1 with
 * ERR_IO. */
int	 journal_read_back(const char *path, journal_line_fn, void *ctx,
	     struct err *);

/*
 * The last writes of a profile and table, newest first: each a group of
 * entries (oldest first inside). *ngroups in, how many are wanted; out,
 * how many were found. Entries of other profiles or tables are skipped;
 * lines that do not parse are skipped too (the write they belong to is
 * then not complete).
 */
struct journal_write {
	struct journal_entry	**entries;
	size_t			 n;
	/* Its entries' seq run 0, 1, ... n - 1 and, for a write of lines
	 * with "v", its end line says n: none is missing (a line lost or
	 * unreadable, the file cut, a process killed while it wrote). */
	bool			 complete;
	/* Its lines have "v" and no end line was found: the process that
	 * wrote it stopped before it ended, or lost one of its appends. */
	bool			 unfinished;
};
int	 journal_last_writes(const char *path, const char *profile,
	     const char *table, struct journal_write **out, size_t *ngroups,
	     struct err *);
void	 journal_writes_free(struct journal_write *, size_t n);

#endif
