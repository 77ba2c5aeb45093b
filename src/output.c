/* SPDX-License-Identifier: ISC */
/* How the CLI prints items: JSON lines, a JSON array, DynamoDB JSON, a
 * table. */
#include "config.h"

#include "output.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ddbjson.h"
#include "json.h"
#include "xmalloc.h"

#define OUTPUT_TABLE_MAX_WIDTH	40	/* a cell is cut after this */
/*
 * Lines are gathered and written this many bytes at a time: stdio's own
 * buffer is the stream's block size (4 KB for a pipe), which made a list
 * of 10,000 items some 1,400 write(2)s.
 */
#define OUTPUT_FLUSH_AT		(64 * 1024)

struct output {
	enum output_format	 format;
	FILE			*fp;
	size_t			 flush_at;	/* lines gathered up to this */
	size_t			 count;
	struct buf		 line;
	/* OUTPUT_TABLE keeps its rows to fit the columns. */
	char			**cols;		/* column names */
	size_t			 ncols;
	struct content		**rows;
	size_t			 nrows, rows_cap;
};

int
output_parse_format(const char *name, FILE *fp, enum output_format *out,
    struct err *e)
{
	if (name == NULL)
		*out = isatty(fileno(fp)) ? OUTPUT_TABLE : OUTPUT_JSONL;
	else if (strcmp(name, "jsonl") == 0)
		*out = OUTPUT_JSONL;
	else if (strcmp(name, "json") == 0)
		*out = OUTPUT_JSON;
	else if (strcmp(name, "ddb") == 0)
		*out = OUTPUT_DDB;
	else if (strcmp(name, "table") == 0)
		*out = OUTPUT_TABLE;
	else
		return err_set(e, ERR_USAGE, "unknown output format \"%s\" "
		    "(jsonl, json, ddb or table)", name);
	return 0;
}

struct output *
output_new(enum output_format format, FILE *fp)
{
	struct output *o = xcalloc(1, sizeof *o);

	o->format = format;
	o->fp = fp;
	/* A terminal shows each line as it comes, as stdio would. */
	o->flush_at = isatty(fileno(fp)) ? 0 : OUTPUT_FLUSH_AT;
	buf_init(&o->line);
	return o;
}

/* output_escape, keeping line breaks and tabs as they are when text. */
static void
output_escape_as(struct buf *b, const char *s, size_t len, bool text)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (text && (c == '\n' || c == '\t')) {
			buf_addc(b, (char)c);
		} else if (c < 0x20 || c == 0x7f) {
			switch (c) {
			case '\n': buf_adds(b, "\\n"); break;
			case '\t': buf_adds(b, "\\t"); break;
			case '\r': buf_adds(b, "\\r"); break;
			default: buf_printf(b, "\\x%02x", c);
			}
		} else if (c == 0xc2 && i + 1 < len &&
		    (unsigned char)s[i + 1] >= 0x80 &&
		    (unsigned char)s[i + 1] <= 0x9f) {
			/* C1 controls, U+0080..U+009F. */
			buf_printf(b, "\\u%04x", (unsigned char)s[i + 1]);
			i++;
		} else if (c == 0xe2 && i + 2 < len &&
		    (unsigned char)s[i + 1] == 0x80 &&
		    (((unsigned char)s[i + 2] >= 0xaa &&
		    (unsigned char)s[i + 2] <= 0xae))) {
			/* Bidi embeddings and overrides U+202A..U+202E. */
			buf_printf(b, "\\u%04x", 0x2000 +
			    ((unsigned char)s[i + 2] - 0x80));
			i += 2;
		} else if (c == 0xe2 && i + 2 < len &&
		    (unsigned char)s[i + 1] == 0x81 &&
		    (unsigned char)s[i + 2] >= 0xa6 &&
		    (unsigned char)s[i + 2] <= 0xa9) {
			/* Bidi isolates U+2066..U+2069. */
			buf_printf(b, "\\u%04x", 0x2040 +
			    ((unsigned char)s[i + 2] - 0x80));
			i += 2;
		} else {
			buf_addc(b, (char)c);
		}
	}
}

void
output_escape(struct buf *b, const char *s, size_t len)
{
	output_escape_as(b, s, len, false);
}

void
output_escape_text(struct buf *b, const char *s, size_t len)
{
	output_escape_as(b, s, len, true);
}

/* Remember a column name the first time it is seen. */
static void
output_add_col(struct output *o, const char *name)
{
	size_t i;

	for (i = 0; i < o->ncols; i++)
		if (strcmp(o->cols[i], name) == 0)
			return;
	o->cols = xreallocarray(o->cols, o->ncols + 1, sizeof *o->cols);
	o->cols[o->ncols++] = xstrdup(name);
}

/* Write the lines gathered once there are enough of them, or all. */
static void
output_gathered(struct output *o, bool all)
{
	if (o->line.len == 0 || (!all && o->line.len < o->flush_at))
		return;
	fwrite(o->line.data, 1, o->line.len, o->fp);
	buf_reset(&o->line);
}

void
output_item(struct output *o, struct content *c)
{
	size_t i;

	o->count++;
	switch (o->format) {
	case OUTPUT_JSONL:
	case OUTPUT_JSON:
		if (o->format == OUTPUT_JSON)
			buf_adds(&o->line, o->count == 1 ? "[\n  " : ",\n  ");
		content_to_json(c, &o->line, 0);
		if (o->format == OUTPUT_JSONL)
			buf_addc(&o->line, '\n');
		output_gathered(o, false);
		content_free(c);
		return;
	case OUTPUT_DDB:
		ddbjson_emit_item(&o->line, c->stored != NULL ? c->stored :
		    c->item);
		buf_addc(&o->line, '\n');
		output_gathered(o, false);
		content_free(c);
		return;
	case OUTPUT_TABLE:
		for (i = 0; c->item != NULL && i < c->item->u.map.len; i++)
			output_add_col(o, c->item->u.map.items[i].name);
		if (o->nrows == o->rows_cap) {
			o->rows_cap = o->rows_cap ? o->rows_cap * 2 : 64;
			o->rows = xreallocarray(o->rows, o->rows_cap,
			    sizeof *o->rows);
		}
		o->rows[o->nrows++] = c;
		return;
	}
}

bool
output_takes_lines(const struct output *o)
{
	return o->format == OUTPUT_JSONL || o->format == OUTPUT_JSON;
}

void
output_line(struct output *o, const char *text, size_t len)
{
	o->count++;
	if (o->format == OUTPUT_JSON)
		buf_adds(&o->line, o->count == 1 ? "[\n  " : ",\n  ");
	buf_add(&o->line, text, len);
	if (o->format == OUTPUT_JSONL)
		buf_addc(&o->line, '\n');
	output_gathered(o, false);
}

/* Display width of UTF-8 text, counting code points (wide characters
 * are rare in keys; the TUI's utf8 module does this properly). */
static size_t
output_width(const char *s, size_t len)
{
	size_t i, w = 0;

	for (i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

/* One cell's text: strings as they are, others as compact JSON; escaped
 * and cut to the maximum width. */
static char *
output_cell(const struct value *v)
{
	struct buf raw = BUF_INIT, esc = BUF_INIT;
	size_t i, w = 0;

	if (v == NULL)
		return xstrdup("");
	if (v->type == VT_S)
		buf_add(&raw, v->u.str.ptr, v->u.str.len);
	else
		json_emit(&raw, v, 0);
	output_escape(&esc, raw.data != NULL ? raw.data : "", raw.len);
	buf_cleanup(&raw);
	for (i = 0; i < esc.len; i++) {
		if (((unsigned char)esc.data[i] & 0xc0) != 0x80 &&
		    ++w > OUTPUT_TABLE_MAX_WIDTH - 1) {
			esc.len = i;
			buf_adds(&esc, "\xe2\x80\xa6");	/* ... */
			break;
		}
	}
	return buf_detach(&esc, NULL);
}

/* Print the kept rows as aligned columns. */
static void
output_table(struct output *o)
{
	size_t ncols = o->ncols + 3, r, k;
	size_t *width = xcalloc(ncols, sizeof *width);
	char ***cells = xcalloc(o->nrows + 1, sizeof *cells);
	static const char *const fixed[3] = { "partition", "content",
	    "version" };

	cells[0] = xcalloc(ncols, sizeof **cells);
	for (k = 0; k < ncols; k++) {
		/* Attribute names are data too. */
		struct buf esc = BUF_INIT;
		const char *name = k < 3 ? fixed[k] : o->cols[k - 3];

		output_escape(&esc, name, strlen(name));
		cells[0][k] = buf_detach(&esc, NULL);
	}
	for (r = 0; r < o->nrows; r++) {
		struct content *c = o->rows[r];
		struct buf b = BUF_INIT, esc = BUF_INIT;

		cells[r + 1] = xcalloc(ncols, sizeof **cells);
		ids_join(&c->partition_ids, &b);
		output_escape(&esc, buf_cstr(&b), b.len);
		cells[r + 1][0] = buf_detach(&esc, NULL);
		buf_reset(&b);
		ids_join(&c->content_ids, &b);
		output_escape(&esc, buf_cstr(&b), b.len);
		cells[r + 1][1] = buf_detach(&esc, NULL);
		buf_cleanup(&b);
		cells[r + 1][2] = xasprintf("%lld", c->current_version);
		for (k = 3; k < ncols; k++)
			cells[r + 1][k] = output_cell(value_map_get(c->item,
			    o->cols[k - 3]));
	}
	for (r = 0; r <= o->nrows; r++)
		for (k = 0; k < ncols; k++) {
			size_t w = output_width(cells[r][k],
			    strlen(cells[r][k]));

			if (w > width[k])
				width[k] = w;
		}
	for (r = 0; r <= o->nrows; r++) {
		for (k = 0; k < ncols; k++) {
			size_t w = output_width(cells[r][k],
			    strlen(cells[r][k]));

			fputs(cells[r][k], o->fp);
			if (k + 1 < ncols)
				fprintf(o->fp, "%*s", (int)(width[k] - w + 2),
				    "");
			free(cells[r][k]);
		}
		fputc('\n', o->fp);
		free(cells[r]);
	}
	fprintf(o->fp, "(%zu item%s)\n", o->nrows, o->nrows == 1 ? "" : "s");
	free(cells);
	free(width);
}

bool
output_failed(const struct output *o)
{
	/* Asked once an item, while lanes receive the next page: without
	 * the lock ferror takes, as only this thread writes to o->fp. */
	return ferror_unlocked(o->fp) != 0;
}

size_t
output_finish(struct output *o)
{
	size_t n = o->count, i;

	output_gathered(o, true);
	if (o->format == OUTPUT_JSON)
		fputs(o->count > 0 ? "\n]\n" : "[]\n", o->fp);
	if (o->format == OUTPUT_TABLE)
		output_table(o);
	for (i = 0; i < o->nrows; i++)
		content_free(o->rows[i]);
	free(o->rows);
	for (i = 0; i < o->ncols; i++)
		free(o->cols[i]);
	free(o->cols);
	buf_cleanup(&o->line);
	fflush(o->fp);
	free(o);
	return n;
}
