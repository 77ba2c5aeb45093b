/* SPDX-License-Identifier: ISC */
/* PartitionedContent: ids, the model's fields, version and expiry. */
#ifndef DYNREPO_CONTENT_H
#define DYNREPO_CONTENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "err.h"
#include "value.h"

/* A list of id segments: ["usa", "ny", "saratoga"]. Owns its strings. */
struct ids {
	char	**v;
	size_t	  n;
};

void	 ids_init(struct ids *);
void	 ids_cleanup(struct ids *);
void	 ids_copy(struct ids *dst, const struct ids *src);
void	 ids_push(struct ids *, const char *, size_t);
/* "usa#ny#saratoga" -> 3 ids; "" -> no ids (the CLI's notation). */
void	 ids_parse(struct ids *, const char *joined);
/* The segments joined with '#'. */
void	 ids_join(const struct ids *, struct buf *);
bool	 ids_equal(const struct ids *, const struct ids *);

struct content {
	struct ids	 partition_ids;
	struct ids	 content_ids;
	struct value	*item;		/* M: the model's fields only */
	long long	 current_version;
	bool		 has_expiry;
	int64_t		 expiry;	/* epoch seconds (the _ttl) */
	struct value	*stored;	/* M: the item as stored, or NULL */
	/* A reference on the arena item is a root of (and what is built
	 * from it: its typed version, the item as stored), or NULL. */
	struct value_arena *arena;
};

struct content	*content_new(void);
void		 content_free(struct content *);

/* Read one PartitionedContent JSON document:
 * {"partition_ids":[...],"content_ids":[...],"item":{...},
 *  "current_version":1,"expiry":null}
 * ids must be strings; item an object (its values become S/N/BOOL/NULL/M/L,
 * numbers checked against DynamoDB's limits); current_version an integer
 * (default 1); expiry null, epoch seconds or an ISO-8601 date-time.
 * NULL with ERR_INPUT naming the field on anything else. */
struct content	*content_from_json(const char *, size_t, struct err *);
/* content_from_json with the document's values in the arena a (built by
 * this thread), the item a read-only root of a, c->arena a reference on
 * a: a few large blocks instead of a malloc per value. What replaces the
 * item must be a root of c->arena too. */
struct content	*content_from_json_in(struct value_arena *a, const char *,
		     size_t, struct err *);
/* The same shape back; item as plain JSON, numbers exact, expiry as an
 * ISO-8601 UTC date-time or null. */
void		 content_to_json(const struct content *, struct buf *,
		     int flags);

/* Check every number inside v against DynamoDB's limits; err names the
 * path, starting with `where` ("item", "--set year"). */
int		 content_check_numbers(const struct value *v, const char *where,
		     struct err *);
/* Check one id for the CLI's notation: no '#', no NUL. */
int		 content_check_id(const char *, size_t, struct err *);

/* Parse "2026-01-02T03:04:05[.ffffff][Z|+hh:mm]" (or a date-only
 * "2026-01-02") as UTC epoch seconds; naive times are taken as UTC. */
int		 content_parse_time(const char *, int64_t *, struct err *);
/* Epoch seconds as "2026-01-02T03:04:05+00:00". out holds 32 bytes. */
void		 content_format_time(int64_t, char out[32]);

#endif
