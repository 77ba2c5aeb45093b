/* SPDX-License-Identifier: ISC */
/* Recovery files: edits that could not be saved, kept until saved or
 * discarded. */
#ifndef DYNREPO_RECOVERY_H
#define DYNREPO_RECOVERY_H

#include <stddef.h>

#include "err.h"
#include "value.h"

/*
 * One file per edited item under
 * $XDG_STATE_HOME/dynrepo/recovery/PROFILE/ (the profile name escaped as
 * one path component), named by an id of its own: a hash of the item's
 * key, the time, the process and a counter. Two edits of one item are two
 * files; saving a recovery again (its id set) replaces its own file only.
 * Files are written atomically
 * (temporary file, fsync, rename, fsync of the directory), 0600 in 0700
 * directories. They hold the edit and nothing else: no credentials.
 */
struct recovery {
	char		*id;		/* set by save, list and load */
	char		*profile;	/* set by list and load */
	char		*time;		/* when saved (ISO-8601 UTC); save
					 * fills it when NULL */
	char		*table;		/* may be NULL */
	char		*reason;	/* why it was kept ("version
					 * conflict", ...); may be NULL */
	long long	 base_version;	/* _object_version the edit began
					 * from; 0: unknown or a new item */
	struct value	*key;		/* M: the primary key; NULL: a new
					 * item not keyed yet */
	struct value	*item;		/* M: the edited item, or NULL */
	char		*text;		/* the editor's document as typed
					 * (may not parse), or NULL */
};

/* A new, empty recovery; cannot fail. */
struct recovery	*recovery_new(void);
void		 recovery_free(struct recovery *);
void		 recovery_list_free(struct recovery **, size_t n);

/*
 * Save rec for profile, atomically: under rec->id when it is set (the
 * same recovery saved again), else under a new id that is then set.
 * rec->key or rec->item or rec->text must be set; rec->time is filled
 * when NULL. -1 with ERR_IO (the path and the reason) or ERR_USAGE.
 */
int	 recovery_save(const char *profile, struct recovery *rec,
	     struct err *);
/* Every recovery of profile, newest first. *n = 0 and 0 when there are
 * none. Files that cannot be read or do not parse are left where they
 * are and counted in *unreadable (when not NULL). */
int	 recovery_list(const char *profile, struct recovery ***out,
	     size_t *n, size_t *unreadable, struct err *);
/* The directory of profile's recovery files (caller frees); NULL with
 * ERR_CONFIG when the state directory cannot be found. */
char	*recovery_directory(const char *profile, struct err *);
/* One recovery by id; -1 with ERR_NOT_FOUND when it is gone. */
int	 recovery_load(const char *profile, const char *id,
	     struct recovery **out, struct err *);
/* Remove one (after a successful save, or when the person drops it);
 * a missing one is not an error. */
int	 recovery_discard(const char *profile, const char *id, struct err *);

#endif
