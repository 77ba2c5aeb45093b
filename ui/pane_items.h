/* SPDX-License-Identifier: ISC */
/* The items pane: a partition's items as a table, loaded as one scrolls. */
#ifndef DYNREPO_PANE_ITEMS_H
#define DYNREPO_PANE_ITEMS_H

#include <stdbool.h>

#include "filter.h"
#include "table.h"
#include "ui.h"

bool	 pane_is_items(const struct pane *);
/* The filter of an items pane (borrowed); change it, then requery. */
struct filter *pane_items_filter(struct pane *);
/* Run the items pane's query again from the first page. */
void	 pane_items_requery(struct ui *, struct pane *);

/* The rows loaded (borrowed), for completing ids. */
const struct table *pane_items_table(const struct pane *);

/* Drop the row of this item if the pane shows its partition. */
void	 pane_items_remove(struct ui *, struct pane *,
	     const struct ids *partition, const struct ids *content);

#endif
