/* SPDX-License-Identifier: ISC */
/* Partition discovery: the partition ids, by a parallel keys-only Scan. */
#ifndef DYNREPO_DISCOVER_H
#define DYNREPO_DISCOVER_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "repo.h"
#include "session.h"

#define DISCOVER_MAX_SEGMENTS	64

/* One partition: its ids joined by '#' and how many items it holds. */
struct discover_partition {
	char			*id;
	unsigned long long	 items;
};

struct discover_opts {
	int			 segments;	/* 1 to 64 (the MAX) */
	/* Segment 0 runs on repo (borrowed); each other one on a session
	 * of its own opened with so, on a thread of its own. */
	struct repo		*repo;
	const struct session_options *so;
	/* Called now and then (from any segment's thread, one call at a
	 * time) with the items and partitions counted so far and the
	 * segments finished; non-zero stops every segment (the run then
	 * fails with ERR_CANCELLED). May be NULL. */
	int	(*progress)(void *ctx, unsigned long long items,
		    size_t partitions, int segments_done);
	void			*ctx;
};

/* The result: partitions sorted by id, and the items counted. */
struct discover {
	struct discover_partition *parts;
	size_t			 n;
	unsigned long long	 items;
};

/* Scan the repository (repo_scan, keys only) in segments in parallel and
 * count its partitions. Needs dynamodb:Scan (ERR_ACCESS_DENIED names
 * it). On failure, the first error; *out is left empty. */
int	 discover_run(const struct discover_opts *, struct discover *out,
	     struct err *);
void	 discover_cleanup(struct discover *);

#endif
