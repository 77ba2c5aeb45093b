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

/* What the library's attributes held, by enum repo_member less one (the
 * order of r->text_apart). */
#define REPO_TEXT_FOUND(k)	((k) - RM_PARTITION_KEY)

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

/* The ids of a key attribute's string, as content_to_json prints them. */
static void
repo_text_ids(const struct ddbjson_text_found *f, const char *prefix,
    size_t plen, struct buf *scratch, struct buf *out)
{
	const char *s = f->s, *end = f->s + f->len;
	char *d;

	if (f->len >= plen && memcmp(s, prefix, plen) == 0) {
		/* The usual key, the prefix first: repo_ids_each's ids,
		 * read in place, a byte at a time (ids are short). Plain
		 * text (no quote, backslash or control character in it)
		 * needs no escaping; each '#' becomes "," (3 bytes). */
		buf_reserve(out, 3 * (f->len - plen) + 4);
		d = out->data + out->len;
		*d++ = '[';
		*d++ = '"';
		for (s += plen; s < end; s++) {
			if (*s == '#') {
				memcpy(d, "\",\"", 3);
				d += 3;
			} else
				*d++ = *s;
		}
		*d++ = '"';
		*d++ = ']';
		*d = '\0';
		out->len = (size_t)(d - out->data);
		return;
	}
	buf_reset(scratch);
	buf_add(scratch, s, f->len);	/* NUL-terminated, as stored keys */
	buf_addc(out, '[');
	repo_ids_each(buf_cstr(scratch), prefix, repo_text_id, out);
	buf_addc(out, ']');
}

/* Whether both keys were found, strings. */
static bool
repo_text_keys(const struct ddbjson_text_found *found)
{
	return found[REPO_TEXT_FOUND(RM_PARTITION_KEY)].tag == 'S' &&
	    found[REPO_TEXT_FOUND(RM_SORT_KEY)].tag == 'S';
}

/* The line's head, up to its item's '{', to out. */
static void
repo_text_head(const struct repo *r, const struct ddbjson_text_found *found,
    struct buf *scratch, struct buf *out)
{
	BUF_ADD_LITERAL(out, "{\"partition_ids\":");
	repo_text_ids(&found[REPO_TEXT_FOUND(RM_PARTITION_KEY)],
	    r->partition_prefix, r->partition_prefix_len, scratch, out);
	BUF_ADD_LITERAL(out, ",\"content_ids\":");
	repo_text_ids(&found[REPO_TEXT_FOUND(RM_SORT_KEY)], r->content_prefix,
	    r->content_prefix_len, scratch, out);
	BUF_ADD_LITERAL(out, ",\"item\":{");
}

/* A number attribute read as repo_decode reads it: *set when the
 * library takes it (number_to_ll_if_true: not zero), *n its int();
 * when not, *n is left as it was (the default). */
static int
repo_text_number(const struct ddbjson_text_found *f, long long *n,
    bool *set)
{
	const char *s = f->s;
	long long v = 0;
	size_t len = f->len, i;
	int rc;

	if (f->tag != 'N')
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

int
repo_item_line(const struct repo *r, struct ddbjson_text_order *order,
    const char **p, const char *end, struct buf *scratch, struct buf *fields,
    struct buf *out)
{
	struct ddbjson_text_found found[RM_TTL], *f;
	struct ddbjson_text_item it;
	long long version = 1, expiry = 0;
	size_t start = out->len;
	bool set, has_expiry = false, direct;
	char when[32];
	int rc;

	memset(found, 0, sizeof found);
	if (ddbjson_text_item_begin(&it, *p, end, order) != 0)
		return DDBJSON_TEXT_SLOW;
	/* The library's attributes up to the first field. DynamoDB gives
	 * the keys first: then the fields go straight to the line, after
	 * its head; else they wait in fields. */
	rc = ddbjson_text_item_fields(&it, &r->text_apart, true, NULL,
	    scratch, found);
	if (rc == DDBJSON_TEXT_SLOW)
		goto slow;
	if ((direct = repo_text_keys(found)))
		repo_text_head(r, found, scratch, out);
	else
		buf_reset(fields);
	if (rc == DDBJSON_TEXT_FIELD && ddbjson_text_item_fields(&it,
	    &r->text_apart, false, direct ? out : fields, scratch,
	    found) != 0)
		goto slow;
	if (!direct) {
		if (!repo_text_keys(found))
			goto slow;	/* an error: the long way */
		repo_text_head(r, found, scratch, out);
		buf_add(out, fields->data, fields->len);
	}

	/* "if version := ...": only a 0 reads as the default, 1. */
	f = &found[REPO_TEXT_FOUND(RM_VERSION)];
	if (f->s != NULL && repo_text_number(f, &version, &set) != 0)
		goto slow;
	f = &found[REPO_TEXT_FOUND(RM_TTL)];
	if (f->s != NULL && repo_text_number(f, &expiry, &has_expiry) != 0)
		goto slow;

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
	*p = it.p;
	return 0;
slow:
	out->len = start;
	if (out->data != NULL)
		out->data[start] = '\0';
	return DDBJSON_TEXT_SLOW;
}

int
repo_item_key(const struct repo *r, struct ddbjson_text_order *order,
    const char **p, const char *end, struct buf *scratch, struct buf *fields,
    struct ddbjson_text_found *pk, struct ddbjson_text_found *sk)
{
	struct ddbjson_text_found found[RM_TTL];
	struct ddbjson_text_item it;

	memset(found, 0, sizeof found);
	buf_reset(fields);
	/* Read whole, as a listed item is: what it prints is not wanted,
	 * only that every value was read and checked. */
	if (ddbjson_text_item_begin(&it, *p, end, order) != 0 ||
	    ddbjson_text_item_fields(&it, &r->text_apart, false, fields,
	    scratch, found) != 0 || !repo_text_keys(found))
		return DDBJSON_TEXT_SLOW;
	/* Strings hold no control character (the text path refuses
	 * them), but whitespace between tokens may be a line break, which
	 * would cut a journal line in two: such text is made anew. */
	if (memchr(*p, '\n', (size_t)(it.p - *p)) != NULL ||
	    memchr(*p, '\r', (size_t)(it.p - *p)) != NULL)
		return DDBJSON_TEXT_SLOW;
	*pk = found[REPO_TEXT_FOUND(RM_PARTITION_KEY)];
	*sk = found[REPO_TEXT_FOUND(RM_SORT_KEY)];
	*p = it.p;
	return 0;
}
