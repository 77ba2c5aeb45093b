/* SPDX-License-Identifier: ISC */
/* PartitionedContent: ids, the model's fields, version and expiry. */
#include "config.h"

#include "content.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "json.h"
#include "number.h"
#include "xmalloc.h"

void
ids_init(struct ids *ids)
{
	ids->v = NULL;
	ids->n = 0;
}

void
ids_cleanup(struct ids *ids)
{
	size_t i;

	for (i = 0; i < ids->n; i++)
		free(ids->v[i]);
	free(ids->v);
	ids_init(ids);
}

void
ids_copy(struct ids *dst, const struct ids *src)
{
	size_t i;

	ids_init(dst);
	for (i = 0; i < src->n; i++)
		ids_push(dst, src->v[i], strlen(src->v[i]));
}

void
ids_push(struct ids *ids, const char *s, size_t len)
{
	ids->v = xreallocarray(ids->v, ids->n + 1, sizeof *ids->v);
	ids->v[ids->n++] = xstrndup(s, len);
}

void
ids_parse(struct ids *ids, const char *joined)
{
	const char *p = joined, *hash;

	ids_init(ids);
	if (*joined == '\0')
		return;
	for (;;) {
		hash = strchr(p, '#');
		if (hash == NULL) {
			ids_push(ids, p, strlen(p));
			return;
		}
		ids_push(ids, p, (size_t)(hash - p));
		p = hash + 1;
	}
}

void
ids_join(const struct ids *ids, struct buf *b)
{
	size_t i;

	for (i = 0; i < ids->n; i++) {
		if (i > 0)
			buf_addc(b, '#');
		buf_adds(b, ids->v[i]);
	}
}

bool
ids_equal(const struct ids *a, const struct ids *b)
{
	size_t i;

	if (a->n != b->n)
		return false;
	for (i = 0; i < a->n; i++)
		if (strcmp(a->v[i], b->v[i]) != 0)
			return false;
	return true;
}

struct content *
content_new(void)
{
	struct content *c = xcalloc(1, sizeof *c);

	c->current_version = 1;
	return c;
}

void
content_free(struct content *c)
{
	if (c == NULL)
		return;
	ids_cleanup(&c->partition_ids);
	ids_cleanup(&c->content_ids);
	value_free(c->item);
	value_free(c->stored);
	value_arena_unref(c->arena);
	free(c);
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t
content_days_from_civil(int64_t y, int m, int d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (unsigned)((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

/* Read exactly n digits at *p into *out. */
static bool
content_digits(const char **p, int n, int *out)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return false;
		v = v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	*out = v;
	return true;
}

int
content_parse_time(const char *s, int64_t *out, struct err *e)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;

	if (!content_digits(&p, 4, &y) || *p++ != '-' ||
	    !content_digits(&p, 2, &mo) || *p++ != '-' ||
	    !content_digits(&p, 2, &d))
		goto bad;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (!content_digits(&p, 2, &h) || *p++ != ':' ||
		    !content_digits(&p, 2, &mi))
			goto bad;
		if (*p == ':') {
			p++;
			if (!content_digits(&p, 2, &sec))
				goto bad;
			if (*p == '.') {
				p++;
				if (!isdigit((unsigned char)*p))
					goto bad;
				while (isdigit((unsigned char)*p))
					p++;
			}
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p++ == '-' ? -1 : 1;
			if (!content_digits(&p, 2, &oh))
				goto bad;
			if (*p == ':')
				p++;
			if (!content_digits(&p, 2, &om))
				goto bad;
		}
	}
	if (*p != '\0' || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60 || oh > 23 || om > 59)
		goto bad;
	*out = content_days_from_civil(y, mo, d) * 86400 + h * 3600 +
	    mi * 60 + sec - sign * (oh * 3600 + om * 60);
	return 0;
bad:
	return err_set(e, ERR_INPUT, "not an ISO-8601 date-time: \"%.64s\"",
	    s);
}

#define CONTENT_TIME_MIN	INT64_C(-62135596800)	/* 0001-01-01 */
#define CONTENT_TIME_MAX	INT64_C(253402300799)	/* 9999-12-31 */

void
content_format_time(int64_t t, char out[32])
{
	struct clock_civil c;

	/* Within the years Python's datetime holds, 1 to 9999, so that what
	 * is printed is a date that exists (a year alone clamped would
	 * make 10000-02-29 9999-02-29), and four digits always: strftime's
	 * %Y writes the year 230 as "230", which ISO 8601 (and so
	 * content_from_json) does not read back. */
	if (t < CONTENT_TIME_MIN)
		t = CONTENT_TIME_MIN;
	else if (t > CONTENT_TIME_MAX)
		t = CONTENT_TIME_MAX;
	clock_civil(t, &c);
	memcpy(clock_format_civil(&c, out), "+00:00", sizeof "+00:00");
}

/* Fill ids from a JSON array of strings. */
static int
content_ids_from(struct ids *ids, const struct value *v, const char *field,
    struct err *e)
{
	size_t i;

	if (v == NULL)
		return 0;
	if (v->type == VT_NULL)
		return 0;
	if (v->type != VT_L)
		return err_set(e, ERR_INPUT, "%s: expected a list of strings",
		    field);
	for (i = 0; i < v->u.list.len; i++) {
		const struct value *s = v->u.list.items[i];

		if (s->type != VT_S)
			return err_set(e, ERR_INPUT, "%s[%zu]: expected a "
			    "string", field, i);
		if (content_check_id(s->u.str.ptr, s->u.str.len, e) == -1) {
			err_prefix(e, "%s[%zu]: ", field, i);
			return -1;
		}
	}
	/* One array for them all, not one realloc an id. */
	if (v->u.list.len > 0)
		ids->v = xreallocarray(ids->v, ids->n + v->u.list.len,
		    sizeof *ids->v);
	for (i = 0; i < v->u.list.len; i++)
		ids->v[ids->n++] = xstrndup(v->u.list.items[i]->u.str.ptr,
		    v->u.list.items[i]->u.str.len);
	return 0;
}

/* Check every number of a plain value, path kept in a buffer. */
static int
content_check_numbers_at(const struct value *v, struct buf *path, struct err *e)
{
	size_t i, mark = path->len;

	switch (v->type) {
	case VT_N:
		if (number_check(v->u.str.ptr, v->u.str.len, e) == -1) {
			err_prefix(e, "%s: ", buf_cstr(path));
			return -1;
		}
		return 0;
	case VT_M:
		for (i = 0; i < v->u.map.len; i++) {
			if (path->len > 0)
				buf_addc(path, '.');
			buf_adds(path, v->u.map.items[i].name);
			if (content_check_numbers_at(v->u.map.items[i].value,
			    path, e) == -1)
				return -1;
			path->len = mark;
			path->data[mark] = '\0';
		}
		return 0;
	case VT_L:
		for (i = 0; i < v->u.list.len; i++) {
			buf_printf(path, "[%zu]", i);
			if (content_check_numbers_at(v->u.list.items[i], path,
			    e) == -1)
				return -1;
			path->len = mark;
			path->data[mark] = '\0';
		}
		return 0;
	default:
		return 0;
	}
}

static bool content_numbers_ok(const struct value *);

/* content_numbers_ok of a member or element: a string, boolean or null
 * (most) without a call. */
static bool
content_number_ok(const struct value *v)
{
	switch (v->type) {
	case VT_N:
		return number_check(v->u.str.ptr, v->u.str.len, NULL) == 0;
	case VT_M:
	case VT_L:
		return content_numbers_ok(v);
	default:
		return true;
	}
}

/* Whether every number of a plain value is one DynamoDB accepts. */
static bool
content_numbers_ok(const struct value *v)
{
	size_t i;

	switch (v->type) {
	case VT_M:
		for (i = 0; i < v->u.map.len; i++)
			if (!content_number_ok(v->u.map.items[i].value))
				return false;
		return true;
	case VT_L:
		for (i = 0; i < v->u.list.len; i++)
			if (!content_number_ok(v->u.list.items[i]))
				return false;
		return true;
	default:
		return content_number_ok(v);
	}
}

int
content_check_numbers(const struct value *v, const char *where,
    struct err *e)
{
	struct buf path = BUF_INIT;
	int rc;

	/* The path of a bad number is built only when there is one. */
	if (content_numbers_ok(v))
		return 0;
	buf_adds(&path, where);
	rc = content_check_numbers_at(v, &path, e);
	buf_cleanup(&path);
	return rc;
}

int
content_check_id(const char *s, size_t len, struct err *e)
{
	if (memchr(s, '#', len) != NULL || strlen(s) != len)
		return err_set(e, ERR_INPUT, "an id may not contain '#' or "
		    "NUL: \"%.64s\"", s);
	return 0;
}

/* The members of a content's document, found in one pass: each line of
 * a put is one, and looking each name up cost a tenth of reading it. */
enum content_member {
	CM_PARTITION_IDS, CM_CONTENT_IDS, CM_ITEM, CM_CURRENT_VERSION,
	CM_EXPIRY, CM_COUNT
};
static const char *const content_members[CM_COUNT] = {
	"partition_ids", "content_ids", "item", "current_version", "expiry",
};
struct content_doc {
	struct value	*v[CM_COUNT];	/* borrowed, or NULL */
	const char	*unknown;	/* the first other name */
};

/* Whether a member's name is one of a content's (as strcmp finds it). */
static bool
content_doc_known(const char *name)
{
	size_t k;

	for (k = 0; k < CM_COUNT; k++)
		if (strcmp(name, content_members[k]) == 0)
			return true;
	return false;
}

/* Find doc's members (as value_map_get finds them). */
static void
content_doc_scan(const struct value *doc, struct content_doc *d)
{
	size_t i, k;

	memset(d, 0, sizeof *d);
	for (i = 0; i < doc->u.map.len; i++) {
		const struct value_member *m = &doc->u.map.items[i];

		for (k = 0; k < CM_COUNT; k++)
			if (m->name[0] == content_members[k][0] &&
			    strlen(content_members[k]) == m->name_len &&
			    memcmp(m->name, content_members[k],
			    m->name_len) == 0)
				break;
		if (k < CM_COUNT)
			d->v[k] = m->value;
		else if (d->unknown == NULL && !content_doc_known(m->name))
			d->unknown = m->name;
	}
}

/* content_from_json with the document's values built in a (a NULL a: on
 * the heap); the item is then a root of a. */
static struct content *
content_from_text(struct value_arena *a, const char *text, size_t len,
    struct err *e)
{
	struct value *doc, *v;
	struct content *c = NULL;
	struct content_doc d;
	struct buf path = BUF_INIT;

	doc = a != NULL ? json_parse_in(a, text, len, e) :
	    json_parse(text, len, e);
	if (doc == NULL)
		return NULL;
	if (doc->type != VT_M) {
		err_set(e, ERR_INPUT, "expected a JSON object with "
		    "partition_ids, content_ids and item");
		goto fail;
	}
	c = content_new();
	content_doc_scan(doc, &d);
	if (content_ids_from(&c->partition_ids, d.v[CM_PARTITION_IDS],
	    "partition_ids", e) == -1 ||
	    content_ids_from(&c->content_ids, d.v[CM_CONTENT_IDS],
	    "content_ids", e) == -1)
		goto fail;
	if (a != NULL) {
		/* An arena's values stay in the document: the item is a
		 * root sharing its members. */
		v = d.v[CM_ITEM];
		if (v != NULL && v->type == VT_M)
			v = value_arena_root_of(a, v);
	} else {
		v = value_map_take(doc, "item");
	}
	if (v == NULL || v->type != VT_M) {
		if (a == NULL)
			value_free(v);
		err_set(e, ERR_INPUT, "item: expected a JSON object");
		goto fail;
	}
	c->item = v;
	if (content_check_numbers(c->item, "item", e) == -1)
		goto fail;
	v = d.v[CM_CURRENT_VERSION];
	if (v != NULL && v->type != VT_NULL) {
		char *end;

		errno = 0;
		if (v->type != VT_N)
			goto bad_version;
		c->current_version = strtoll(v->u.str.ptr, &end, 10);
		if (errno != 0 || *end != '\0')
			goto bad_version;
	}
	v = d.v[CM_EXPIRY];
	if (v != NULL && v->type == VT_S) {
		if (content_parse_time(v->u.str.ptr, &c->expiry, e) == -1) {
			err_prefix(e, "expiry: ");
			goto fail;
		}
		c->has_expiry = true;
	} else if (v != NULL && v->type == VT_N) {
		char *end;

		c->expiry = strtoll(v->u.str.ptr, &end, 10);
		if (*end != '\0') {
			err_set(e, ERR_INPUT, "expiry: expected epoch seconds "
			    "or an ISO-8601 date-time");
			goto fail;
		}
		c->has_expiry = true;
	} else if (v != NULL && v->type != VT_NULL) {
		err_set(e, ERR_INPUT, "expiry: expected epoch seconds or an "
		    "ISO-8601 date-time");
		goto fail;
	}
	if (d.unknown != NULL) {
		err_set(e, ERR_INPUT, "unknown member \"%.64s\" (expected "
		    "partition_ids, content_ids, item, current_version, "
		    "expiry)", d.unknown);
		goto fail;
	}
	value_free(doc);
	buf_cleanup(&path);
	return c;
bad_version:
	err_set(e, ERR_INPUT, "current_version: expected an integer");
fail:
	value_free(doc);
	content_free(c);
	buf_cleanup(&path);
	return NULL;
}

/* A JSON array of id strings. */
static void
content_ids_to_json(const struct ids *ids, struct buf *b)
{
	size_t i;

	buf_addc(b, '[');
	for (i = 0; i < ids->n; i++) {
		if (i > 0)
			buf_addc(b, ',');
		buf_add_json_string(b, ids->v[i], strlen(ids->v[i]));
	}
	buf_addc(b, ']');
}

void
content_to_json(const struct content *c, struct buf *b, int flags)
{
	char when[32];

	buf_adds(b, "{\"partition_ids\":");
	content_ids_to_json(&c->partition_ids, b);
	buf_adds(b, ",\"content_ids\":");
	content_ids_to_json(&c->content_ids, b);
	buf_adds(b, ",\"item\":");
	if (c->item != NULL)
		json_emit(b, c->item, flags);
	else
		buf_adds(b, "{}");
	buf_adds(b, ",\"current_version\":");
	buf_add_int(b, c->current_version);
	buf_adds(b, ",\"expiry\":");
	if (c->has_expiry) {
		content_format_time(c->expiry, when);
		buf_add_json_string(b, when, strlen(when));
	} else {
		buf_adds(b, "null");
	}
	buf_addc(b, '}');
}

struct content *
content_from_json(const char *text, size_t len, struct err *e)
{
	return content_from_text(NULL, text, len, e);
}

struct content *
content_from_json_in(struct value_arena *a, const char *text, size_t len,
    struct err *e)
{
	struct content *c = content_from_text(a, text, len, e);

	if (c != NULL)
		c->arena = value_arena_ref(a);
	return c;
}
