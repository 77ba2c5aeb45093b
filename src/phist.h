/* SPDX-License-Identifier: ISC */
/* The partitions a person opened before, per profile. */
#ifndef DYNREPO_PHIST_H
#define DYNREPO_PHIST_H

#include <stddef.h>

#include "err.h"

/*
 * $XDG_STATE_HOME/dynrepo/partitions/PROFILE (0600 in 0700 directories):
 * one partition id a line (the ids joined with '#', as a JSON string), the
 * most recent first, at most PHIST_MAX. The browser lists them in the
 * partitions pane after the profile's own.
 */
#define PHIST_MAX	100

/* The ids, most recent first (caller frees with phist_free); a missing
 * file is none. -1 with ERR_IO or ERR_CONFIG (no state directory). */
int	 phist_load(const char *profile, char ***ids, size_t *n, struct err *);
/* Put id first (once), keep PHIST_MAX, replace the file atomically. */
int	 phist_add(const char *profile, const char *id, struct err *);
void	 phist_free(char **ids, size_t n);

#endif
