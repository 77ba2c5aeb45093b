/* SPDX-License-Identifier: ISC */
/* The demo repositories: a realistic data set written through the core. */
#ifndef DYNREPO_DEMO_H
#define DYNREPO_DEMO_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "store.h"

/* The table the demo repositories share. */
#define DEMO_TABLE	"dynrepo-demo"

/* $XDG_DATA_HOME/dynrepo/demo.db (or ~/.local/share/...); caller frees.
 * NULL when neither XDG_DATA_HOME nor HOME is an absolute path. */
char	*demo_path(void);

struct demo_counts {
	size_t	 actors;
	size_t	 characters;
	size_t	 events;
	bool	 created;	/* false: the table was there, left as it is */
};

/* Create the demo table in st and fill it, unless it exists already (then
 * nothing is touched, so a person's edits survive). reset deletes the
 * table first. Items are written with the library's layout through
 * repo_put_batch: three repositories share the table. */
int	 demo_fill(struct store *st, bool reset, struct demo_counts *,
	     struct err *);

#endif
