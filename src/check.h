/* SPDX-License-Identifier: ISC */
/* Judging stored items the way the application will parse them. */
#ifndef DYNREPO_CHECK_H
#define DYNREPO_CHECK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "content.h"
#include "schema.h"
#include "value.h"

/*
 * `dynrepo check` without the I/O: one stored item (every attribute, as
 * DynamoDB returns it) in, its findings out, counts kept.
 *
 * The model's attributes are judged by pydantic's own parsing rules (see
 * doc/check.md): pydantic 1 coerces (a "12" parses into an int field, 12
 * into a str field), pydantic 2's lax mode less (no int for a str field).
 * What parses only by coercion, or loses something on the way (1.5 into
 * an int under pydantic 1), is a warning; what the application would
 * reject is a violation. The keys must read back into ids, _object_version
 * must be an integer (absent or 0 reads as 1: a note), _timestamp an
 * ISO date-time, _ttl a number (in the past: a warning, DynamoDB is about
 * to delete the item).
 */

enum check_severity {
	CHECK_OK,
	CHECK_NOTE,		/* worth knowing; nothing is wrong */
	CHECK_WARNING,		/* parses, but not as stored or not as meant */
	CHECK_VIOLATION		/* the application cannot parse the item */
};

struct check_finding {
	enum check_severity	 severity;
	char			*field;		/* "address.city", "roles[1]",
						   an attribute, or "" */
	char			*reason;
};

/* One item's findings. */
struct check_report {
	char			*partition_key;	/* the stored key strings, or
						   NULL when absent */
	char			*sort_key;
	struct ids		 partition_ids;	/* as the library reads them */
	struct ids		 content_ids;
	struct check_finding	*findings;
	size_t			 n, cap;
	enum check_severity	 worst;
};

struct check_options {
	const struct schema	*schema;	/* borrowed; NULL: keys and the
						   library's attributes only */
	int			 pydantic;	/* 1 or 2; 0: the schema's
						   dialect (1 without one) */
	bool			 allow_extra;	/* undeclared attributes are
						   expected: notes, not
						   warnings (unless the model
						   forbids them) */
	const char		*partition_key;	/* NULL: _table_item_id */
	const char		*sort_key;	/* NULL: _table_content_id */
	const char		*partition_prefix; /* "{prefix}#{name}#" */
	const char		*content_prefix;   /* "{content_type}#" */
	int64_t			 now;		/* epoch seconds, for _ttl */
};

/* Items by their worst finding, and findings by severity. */
struct check_counts {
	unsigned long long	 items;
	unsigned long long	 ok;		/* nothing, or notes only */
	unsigned long long	 warned;	/* worst is a warning */
	unsigned long long	 violated;	/* worst is a violation */
	unsigned long long	 notes, warnings, violations;
};

struct checker;

/* Copies the options' strings; the schema stays borrowed. Cannot fail. */
struct checker	*check_new(const struct check_options *);
void		 check_free(struct checker *);		/* NULL: no-op */
/* The rules in force: 1 or 2. */
int		 check_rules(const struct checker *);

void	 check_report_init(struct check_report *);
void	 check_report_cleanup(struct check_report *);

/* Judge one stored item (borrowed; an M) into r, which is emptied first,
 * and count it. Cannot fail. Not thread-safe: one checker per thread, or
 * a lock around it. */
void	 check_item(struct checker *, const struct value *stored,
	     struct check_report *r);
const struct check_counts *check_counts(const struct checker *);
/* Add another checker's counts (threads). */
void	 check_counts_add(struct check_counts *, const struct check_counts *);

/* "note", "warning", "violation" ("ok"). */
const char *check_severity_name(enum check_severity);

/* One finding as a JSON line (with its newline):
 * {"partition_ids":[...],"content_ids":[...],"partition_key":"...",
 *  "sort_key":"...","field":"...","severity":"...","reason":"..."} */
void	 check_format_jsonl(const struct check_report *, size_t i,
	     struct buf *);
/* One finding as a line for people (with its newline):
 * "violation  studio-a | usa#ny#actor005 | year: expected ..." with
 * control characters escaped. */
void	 check_format_text(const struct check_report *, size_t i,
	     struct buf *);
/* The summary: "checked 10 items: 7 ok, 2 with warnings, 1 with
 * violations (1 note, 3 warnings, 1 violation) by pydantic 1's rules"
 * (a line, with its newline) or, json, {"summary":{...}}. */
void	 check_format_summary(const struct check_counts *, int rules,
	     bool json, struct buf *);

#endif
