/* SPDX-License-Identifier: ISC */
/* What schema_edit.c (typing) and schema_emit.c (printing a plain item
 * as typing would) share: the checks both make the same way. */
#ifndef DYNREPO_SCHEMA_PRIVATE_H
#define DYNREPO_SCHEMA_PRIVATE_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "schema.h"
#include "value.h"

/* Characters (code points) of UTF-8 text, as Python's len() counts. */
long long	 schema_strlen(const char *, size_t);
/* Whether an enum lists a value (numbers compared by value). */
bool	 schema_enum_has(const struct schema_node *, const struct value *);
/* Whether None is acceptable in a slot. */
bool	 schema_null_ok(const struct schema_slot *);
/* Whether a date-time, date or time field takes a value; its typed text
 * (what Python's isoformat() writes) to iso when given. */
bool	 schema_when_text(const struct schema_node *, const struct value *,
	     struct buf *iso);

#endif
