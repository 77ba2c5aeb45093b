/* SPDX-License-Identifier: ISC */
/* The items pane's rows and columns: key ids, fields, then metadata. */
#include "config.h"

#include "table.h"

#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "json.h"
#include "xmalloc.h"

#define TABLE_FIELD_MAX	40	/* widest a field column grows */
#define TABLE_ID_MAX	48

void
table_init(struct table *t)
{
	memset(t, 0, sizeof *t);
	table_clear(t);
}

void
table_clear(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nrows; i++)
		content_free(t->rows[i]);
	for (i = 0; i < t->nfields; i++)
		free(t->fields[i].name);
	free(t->rows);
	free(t->fields);
	free(t->marked);
	t->marked = NULL;
	t->nmarked = 0;
	t->rows = NULL;
	t->nrows = t->cap = 0;
	t->fields = NULL;
	t->nfields = 0;
	t->has_ttl = false;
	t->meta_width[0] = 2;		/* "ID" */
	t->meta_width[1] = 1;		/* "v" */
	t->meta_width[2] = 10;		/* "_timestamp" */
	t->ttl_width = 4;
}

void
table_cleanup(struct table *t)
{
	table_clear(t);
}

void
table_value_text(const struct value *v, struct buf *b)
{
	struct buf j = BUF_INIT;

	switch (v->type) {
	case VT_S:
	case VT_N:
		buf_add(b, v->u.str.ptr, v->u.str.len);
		break;
	case VT_BOOL:
		buf_adds(b, v->u.boolean ? "true" : "false");
		break;
	case VT_NULL:
		buf_adds(b, "null");
		break;
	case VT_B:
		/* json_emit gives the base64 in quotes. */
		json_emit(&j, v, 0);
		if (j.len >= 2)
			buf_add(b, j.data + 1, j.len - 2);
		break;
	default:
		json_emit(b, v, 0);
		break;
	}
	buf_cleanup(&j);
}

/* Grow a width to fit text, up to max. */
static void
table_fit(int *w, const char *s, size_t len, int max)
{
	int cw = draw_width(s, len);

	if (cw > max)
		cw = max;
	if (cw > *w)
		*w = cw;
}

/* Fit the columns to one row, adding fields not seen before. */
static void
table_fit_row(struct table *t, const struct content *c)
{
	struct buf b = BUF_INIT;
	size_t i, k;

	ids_join(&c->content_ids, &b);
	table_fit(&t->meta_width[0], buf_cstr(&b), b.len, TABLE_ID_MAX);
	buf_reset(&b);
	buf_printf(&b, "%lld", c->current_version);
	table_fit(&t->meta_width[1], b.data, b.len, 20);
	if (c->stored != NULL) {
		const struct value *ts = value_map_get(c->stored, "_timestamp");

		if (ts != NULL && ts->type == VT_S)
			table_fit(&t->meta_width[2], ts->u.str.ptr,
			    ts->u.str.len, 40);
	}
	if (c->has_expiry) {
		t->has_ttl = true;
		t->ttl_width = 25;
	}
	if (c->item == NULL || c->item->type != VT_M) {
		buf_cleanup(&b);
		return;
	}
	for (i = 0; i < c->item->u.map.len; i++) {
		const struct value_member *m = &c->item->u.map.items[i];

		for (k = 0; k < t->nfields; k++)
			if (strcmp(t->fields[k].name, m->name) == 0)
				break;
		if (k == t->nfields) {
			t->fields = xreallocarray(t->fields, t->nfields + 1,
			    sizeof *t->fields);
			t->fields[k].kind = TC_FIELD;
			t->fields[k].name = xstrdup(m->name);
			t->fields[k].width = 1;
			table_fit(&t->fields[k].width, m->name,
			    strlen(m->name), TABLE_FIELD_MAX);
			t->nfields++;
		}
		buf_reset(&b);
		table_value_text(m->value, &b);
		table_fit(&t->fields[k].width, buf_cstr(&b), b.len,
		    TABLE_FIELD_MAX);
	}
	buf_cleanup(&b);
}

void
table_add(struct table *t, struct content *c)
{
	if (t->nrows == t->cap) {
		t->cap = t->cap == 0 ? 64 : t->cap * 2;
		t->rows = xreallocarray(t->rows, t->cap, sizeof *t->rows);
		t->marked = xreallocarray(t->marked, t->cap,
		    sizeof *t->marked);
	}
	t->marked[t->nrows] = false;
	t->rows[t->nrows++] = c;
	table_fit_row(t, c);
}

long
table_find(const struct table *t, const struct ids *content)
{
	size_t i;

	for (i = 0; i < t->nrows; i++)
		if (ids_equal(&t->rows[i]->content_ids, content))
			return (long)i;
	return -1;
}

struct content *
table_content_copy(const struct content *c)
{
	struct content *n = content_new();

	ids_copy(&n->partition_ids, &c->partition_ids);
	ids_copy(&n->content_ids, &c->content_ids);
	value_free(n->item);
	n->item = c->item != NULL ? value_copy(c->item) : NULL;
	n->current_version = c->current_version;
	n->has_expiry = c->has_expiry;
	n->expiry = c->expiry;
	n->stored = c->stored != NULL ? value_copy(c->stored) : NULL;
	return n;
}

bool
table_update(struct table *t, const struct content *c)
{
	long i = table_find(t, &c->content_ids);

	if (i < 0)
		return false;
	content_free(t->rows[i]);
	t->rows[i] = table_content_copy(c);
	table_fit_row(t, t->rows[i]);
	return true;
}

void
table_mark(struct table *t, size_t row, bool on)
{
	if (t->marked[row] == on)
		return;
	t->marked[row] = on;
	if (on)
		t->nmarked++;
	else
		t->nmarked--;
}

bool
table_remove(struct table *t, const struct ids *content)
{
	long i = table_find(t, content);

	if (i < 0)
		return false;
	content_free(t->rows[i]);
	table_mark(t, (size_t)i, false);
	memmove(&t->rows[i], &t->rows[i + 1], (t->nrows - (size_t)i - 1) *
	    sizeof *t->rows);
	memmove(&t->marked[i], &t->marked[i + 1], (t->nrows - (size_t)i - 1) *
	    sizeof *t->marked);
	t->nrows--;
	return true;
}

size_t
table_ncols(const struct table *t)
{
	return 1 + t->nfields + 2 + (t->has_ttl ? 1 : 0);
}

enum table_col_kind
table_col_kind(const struct table *t, size_t col)
{
	if (col == 0)
		return TC_ID;
	if (col <= t->nfields)
		return TC_FIELD;
	col -= t->nfields + 1;
	return col == 0 ? TC_VERSION : col == 1 ? TC_TIMESTAMP : TC_TTL;
}

const char *
table_col_name(const struct table *t, size_t col)
{
	switch (table_col_kind(t, col)) {
	case TC_ID:
		return "ID";
	case TC_FIELD:
		return t->fields[col - 1].name;
	case TC_VERSION:
		return "v";
	case TC_TIMESTAMP:
		return "_timestamp";
	default:
		return "_ttl";
	}
}

int
table_col_width(const struct table *t, size_t col)
{
	switch (table_col_kind(t, col)) {
	case TC_ID:
		return t->meta_width[0];
	case TC_FIELD:
		return t->fields[col - 1].width;
	case TC_VERSION:
		return t->meta_width[1];
	case TC_TIMESTAMP:
		return t->meta_width[2];
	default:
		return t->ttl_width;
	}
}

void
table_cell(const struct table *t, size_t row, size_t col, struct buf *b,
    bool *dim)
{
	const struct content *c = t->rows[row];
	const struct value *v;
	char when[32];

	*dim = false;
	switch (table_col_kind(t, col)) {
	case TC_ID:
		ids_join(&c->content_ids, b);
		break;
	case TC_FIELD:
		v = value_map_get(c->item, t->fields[col - 1].name);
		if (v == NULL) {
			*dim = true;
		} else {
			*dim = v->type == VT_NULL;
			table_value_text(v, b);
		}
		break;
	case TC_VERSION:
		buf_printf(b, "%lld", c->current_version);
		break;
	case TC_TIMESTAMP:
		v = c->stored != NULL ? value_map_get(c->stored, "_timestamp") :
		    NULL;
		if (v != NULL && v->type == VT_S)
			buf_add(b, v->u.str.ptr, v->u.str.len);
		break;
	case TC_TTL:
		if (c->has_expiry) {
			content_format_time(c->expiry, when);
			buf_adds(b, when);
		}
		break;
	}
}
