/* SPDX-License-Identifier: ISC */
/*
 * A listed item's line made straight from its DynamoDB JSON text: what
 * content_to_json prints for the content repo_decode makes of it, without
 * making either (ddbjson_text.c says why). What it does not take, the
 * caller decodes the long way, which prints the same.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "ddbjson.h"
#include "number.h"
#include "repo_private.h"

/* Where the value of one of the library's attributes is, as text. */
struct repo_text_attr {
	const char	*v;
	size_t		 len;
};

/* repo_ids_each: one id as a JSON string, a comma before all but the
 * first (which follows the array's '['). */
static void
repo_text_id(void *ctx, const char *s, size_t len)
{
	struct buf *b = ctx;

	if (b->data[b->len - 1] != '[')
		buf_addc(b, ',');
	buf_add_json_string(b, s, len);
}

/* The ids of a key attribute's value text, as content_to_json prints
 * them. */
static int
repo_text_ids(const struct repo_text_attr *a, const char *prefix,
    struct buf *scratch, struct buf *out)
{
	const char *s;
	size_t len;

	size_t plen = strlen(prefix);
	const char *hash, *end;

	if (ddbjson_text_scalar(a->v, a->len, VT_S, &s, &len) != 0)
		return DDBJSON_TEXT_SLOW;
	if (len >= plen && memcmp(s, prefix, plen) == 0) {
		/* The usual key, the prefix first: repo_ids_each's ids,
		 * read in place. Plain text (no quote, backslash or
		 * control character in it) needs no escaping. */
		end = s + len;
		s += plen;
		buf_addc(out, '[');
		for (;;) {
			hash = memchr(s, '#', (size_t)(end - s));
			buf_addc(out, '"');
			buf_add_short(out, s, (size_t)((hash != NULL ? hash :
			    end) - s));
			buf_addc(out, '"');
			if (hash == NULL)
				break;
			buf_addc(out, ',');
			s = hash + 1;
		}
		buf_addc(out, ']');
		return 0;
	}
	buf_reset(scratch);
	buf_add(scratch, s, len);	/* NUL-terminated, as stored keys */
	buf_addc(out, '[');
	repo_ids_each(buf_cstr(scratch), prefix, repo_text_id, out);
	buf_addc(out, ']');
	return 0;
}

/* A number attribute read as repo_decode reads it: *set when the
 * library takes it (number_to_ll_if_true: not zero), *n its int();
 * when not, *n is left as it was (the default). */
static int
repo_text_number(const struct repo_text_attr *a, long long *n, bool *set)
{
	const char *s;
	long long v = 0;
	size_t len, i;
	int rc;

	if (ddbjson_text_scalar(a->v, a->len, VT_N, &s, &len) != 0)
		return DDBJSON_TEXT_SLOW;
	/* The usual version, a few digits, is read here. */
	for (i = 0; i < len && len <= 18 && s[i] >= '0' && s[i] <= '9'; i++)
		v = v * 10 + (s[i] - '0');
	if (len > 0 && i == len) {
		*set = v != 0;
		if (*set)
			*n = v;
		return 0;
	}
	if ((rc = number_to_ll_if_true(s, len, n)) == -1)
		return DDBJSON_TEXT_SLOW;
	*set = rc == 1;
	return 0;
}

/* The model's fields of the item at *p as an object's members, to fields;
 * the library's attributes' texts to kind[]. */
static int
repo_text_attrs(const struct repo *r, const char **p, const char *end,
    struct repo_text_attr *kind, struct buf *fields, struct buf *scratch)
{
	struct ddbjson_text_item it;
	const char *name, *v;
	size_t len, vlen;
	enum repo_member k;
	int more;

	if (ddbjson_text_item_begin(&it, *p, end) != 0)
		return DDBJSON_TEXT_SLOW;
	while ((more = ddbjson_text_item_next(&it, &name, &len)) == 1) {
		k = repo_member_kind(r, name, len);
		if (k != RM_FIELD) {
			/* Read (and checked) whole even when not printed:
			 * the parser would refuse it if it were wrong. */
			buf_reset(scratch);
			if (ddbjson_text_item_value(&it, scratch, &v,
			    &vlen) != 0)
				return DDBJSON_TEXT_SLOW;
			kind[k].v = v;
			kind[k].len = vlen;
			continue;
		}
		if (fields->len > 0)
			buf_addc(fields, ',');
		/* A plain name (no escape) prints as it came. */
		buf_add_short(fields, name - 1, len + 2);
		buf_addc(fields, ':');
		if (ddbjson_text_item_value(&it, fields, &v, &vlen) != 0)
			return DDBJSON_TEXT_SLOW;
	}
	if (more != 0)
		return DDBJSON_TEXT_SLOW;
	*p = it.p;
	return 0;
}

int
repo_item_line(const struct repo *r, const char **p, const char *end,
    struct buf *scratch, struct buf *fields, struct buf *out)
{
	struct repo_text_attr kind[RM_TTL + 1];
	long long version = 1, expiry = 0;
	size_t start = out->len;
	const char *q = *p;
	bool has_expiry = false, set;
	char when[32];

	memset(kind, 0, sizeof kind);
	buf_reset(fields);
	if (repo_text_attrs(r, &q, end, kind, fields, scratch) != 0)
		return DDBJSON_TEXT_SLOW;
	if (kind[RM_PARTITION_KEY].v == NULL || kind[RM_SORT_KEY].v == NULL)
		return DDBJSON_TEXT_SLOW;	/* an error: the long way */
	/* "if version := ...": only a 0 reads as the default, 1. */
	if (kind[RM_VERSION].v != NULL &&
	    repo_text_number(&kind[RM_VERSION], &version, &set) != 0)
		return DDBJSON_TEXT_SLOW;
	if (kind[RM_TTL].v != NULL &&
	    repo_text_number(&kind[RM_TTL], &expiry, &has_expiry) != 0)
		return DDBJSON_TEXT_SLOW;

	BUF_ADD_LITERAL(out, "{\"partition_ids\":");
	if (repo_text_ids(&kind[RM_PARTITION_KEY], r->partition_prefix,
	    scratch, out) != 0)
		goto slow;
	BUF_ADD_LITERAL(out, ",\"content_ids\":");
	if (repo_text_ids(&kind[RM_SORT_KEY], r->content_prefix, scratch,
	    out) != 0)
		goto slow;
	BUF_ADD_LITERAL(out, ",\"item\":{");
	buf_add(out, fields->data, fields->len);
	BUF_ADD_LITERAL(out, "},\"current_version\":");
	buf_add_int(out, version);
	BUF_ADD_LITERAL(out, ",\"expiry\":");
	/* "if db_expiry := ...": only a 0 reads as no expiry. */
	if (has_expiry) {
		content_format_time(expiry, when);
		buf_add_json_string(out, when, strlen(when));
	} else
		BUF_ADD_LITERAL(out, "null");
	buf_addc(out, '}');
	*p = q;
	return 0;
slow:
	out->len = start;
	out->data[start] = '\0';
	return DDBJSON_TEXT_SLOW;
}
