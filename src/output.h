/* SPDX-License-Identifier: ISC */
/* How the CLI prints items: JSON lines, a JSON array, DynamoDB JSON, a
 * table. */
#ifndef DYNREPO_OUTPUT_H
#define DYNREPO_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "content.h"
#include "err.h"

enum output_format {
	OUTPUT_JSONL,	/* one PartitionedContent JSON object a line */
	OUTPUT_JSON,	/* one JSON array of them, pretty */
	OUTPUT_DDB,	/* one stored item a line, DynamoDB JSON */
	OUTPUT_TABLE	/* aligned columns for a person */
};

struct output;

/* NULL name: jsonl when fp is not a terminal, table when it is. */
int		 output_parse_format(const char *name, FILE *fp,
		     enum output_format *, struct err *);
struct output	*output_new(enum output_format, FILE *);
/* Print (or, for a table, keep) one item; takes ownership of c. */
void		 output_item(struct output *, struct content *c);
/* Print an item that comes as the text content_to_json makes (for
 * output_takes_lines formats: JSON lines and a JSON array). */
void		 output_line(struct output *, const char *text, size_t len);
bool		 output_takes_lines(const struct output *);
/* Whether a write to the output failed (a full disk): what reads on to
 * print more can stop. */
bool		 output_failed(const struct output *);
/* Finish (closing bracket, the table itself) and free. Returns the
 * number of items printed. */
size_t		 output_finish(struct output *);

/* Append s to b with control characters, DEL, C1 controls and bidi
 * overrides escaped, so nothing from a table can steer a terminal. */
void		 output_escape(struct buf *b, const char *s, size_t len);
/* The same for a message: line breaks and tabs are kept. */
void		 output_escape_text(struct buf *b, const char *s, size_t len);

#endif
