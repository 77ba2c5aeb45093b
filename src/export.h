/* SPDX-License-Identifier: ISC */
/* Exports: stored items as DynamoDB JSON lines ({"Item": ...}). */
#ifndef DYNREPO_EXPORT_H
#define DYNREPO_EXPORT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"
#include "value.h"

struct export;

/* Start an export into path (NULL or "-": stdout), a file of mode 0600
 * (exports hold production data), gzipped when asked. With exclusive, an
 * existing file is refused, and the new one written in place; without,
 * the export is written beside path and replaces it only when kept and
 * whole (export_close), so a failed one leaves path as it was. NULL with
 * ERR_IO. */
struct export	*export_open(const char *path, bool gzip, bool exclusive,
		    struct err *);
/* Write one stored item (an M, borrowed); -1 when the write failed. */
int		 export_item(struct export *, const struct value *stored);
/* The items written so far. */
size_t		 export_count(const struct export *);
/* Finish and free; ERR_IO when any write failed. A file being replaced
 * is replaced only when keep (the export went to its end) and every
 * write worked; else it is left as it was. NULL is a no-op. */
int		 export_close(struct export *, bool keep, struct err *);

#endif
