/* SPDX-License-Identifier: ISC */
/* DynamoDB JSON ({"S": "x"}, {"N": "1"}, ...) <-> typed values. */
#include "config.h"

#include "ddbjson.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "json.h"
#include "number.h"
#include "xmalloc.h"

/* Sets up to this size are checked for duplicates pairwise; larger ones
 * are sorted first. */
#define DDBJSON_SET_PAIRWISE_MAX 16
/* Longest name or element quoted in an error message. */
#define DDBJSON_QUOTE_MAX	40

/* Where the converter is: a member name or a list index, and its parent.
 * Frames live on the C stack; the path is only built for an error. */
struct ddbjson_frame {
	const struct ddbjson_frame	*up;
	const char			*name;	/* NULL for a list index */
	size_t				 len;
	size_t				 index;
};

static struct value	*ddbjson_convert(struct value *,
			     const struct ddbjson_frame *, struct err *);

/* Append bytes for a message: control bytes as '?', truncated. */
static void
ddbjson_add_quoted(struct buf *b, const char *s, size_t len)
{
	size_t i, n = len > DDBJSON_QUOTE_MAX ? DDBJSON_QUOTE_MAX : len;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		buf_addc(b, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
	if (n < len)
		buf_add(b, "...", 3);
}

/* Append the attribute path of a frame: a.b[2].c */
static void
ddbjson_add_path(struct buf *b, const struct ddbjson_frame *f)
{
	if (f == NULL)
		return;
	ddbjson_add_path(b, f->up);
	if (f->name == NULL) {
		buf_printf(b, "[%zu]", f->index);
		return;
	}
	if (f->up != NULL)
		buf_addc(b, '.');
	ddbjson_add_quoted(b, f->name, f->len);
}

/* Set err to "path: message" and return NULL. */
static struct value *
ddbjson_fail(const struct ddbjson_frame *at, struct err *err,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static struct value *
ddbjson_fail(const struct ddbjson_frame *at, struct err *err,
    const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	err_vset(err, ERR_INPUT, fmt, ap);
	va_end(ap);
	if (at != NULL) {
		ddbjson_add_path(&b, at);
		err_prefix(err, "%s: ", buf_cstr(&b));
		buf_cleanup(&b);
	}
	return NULL;
}

/* Put the path in front of an error another module reported. */
static void
ddbjson_fail_prefix(const struct ddbjson_frame *at, struct err *err)
{
	struct buf b = BUF_INIT;

	if (at == NULL)
		return;
	ddbjson_add_path(&b, at);
	err_prefix(err, "%s: ", buf_cstr(&b));
	buf_cleanup(&b);
}

/* What a plain-JSON tree node is, for messages. */
static const char *
ddbjson_kind(const struct value *v)
{
	switch (v->type) {
	case VT_S:
		return "a string";
	case VT_N:
		return "a number";
	case VT_BOOL:
		return v->u.boolean ? "true" : "false";
	case VT_NULL:
		return "null";
	case VT_M:
		return "an object";
	default:
		return "an array";
	}
}

/* Decode a base64 string node in place into binary. */
static int
ddbjson_decode_b(struct value *v, struct err *err)
{
	size_t n;

	if (base64_decode_to(v->u.str.ptr, v->u.str.len, v->u.str.ptr, &n,
	    err) != 0)
		return -1;
	v->u.str.ptr[n] = '\0';
	v->u.str.len = n;
	return 0;
}

/* Byte order of two string nodes. */
static int
ddbjson_cmp_bytes(const struct value *a, const struct value *b)
{
	size_t n = a->u.str.len < b->u.str.len ? a->u.str.len : b->u.str.len;
	int c = n > 0 ? memcmp(a->u.str.ptr, b->u.str.ptr, n) : 0;

	if (c != 0 || a->u.str.len == b->u.str.len)
		return c;
	return a->u.str.len < b->u.str.len ? -1 : 1;
}

/* Order of two set elements: numerically for NS, else by bytes. */
static int
ddbjson_cmp_elem(const struct value *a, const struct value *b)
{
	if (a->type == VT_N)
		return number_cmp(a->u.str.ptr, a->u.str.len, b->u.str.ptr,
		    b->u.str.len);
	return ddbjson_cmp_bytes(a, b);
}

/* qsort comparator over set elements. */
static int
ddbjson_qsort_elem(const void *pa, const void *pb)
{
	return ddbjson_cmp_elem(*(struct value *const *)pa,
	    *(struct value *const *)pb);
}

/* Report a duplicated set element (a and b are equal). */
static struct value *
ddbjson_fail_duplicate(const struct value *set, const struct value *a,
    const struct value *b, const struct ddbjson_frame *at, struct err *err)
{
	struct buf q = BUF_INIT;

	if (set->type == VT_BS)
		ddbjson_fail(at, err, "BS holds the same binary value twice");
	else if (set->type == VT_NS && (a->u.str.len != b->u.str.len ||
	    memcmp(a->u.str.ptr, b->u.str.ptr, a->u.str.len) != 0)) {
		ddbjson_add_quoted(&q, a->u.str.ptr, a->u.str.len);
		buf_add(&q, "\" and \"", 7);
		ddbjson_add_quoted(&q, b->u.str.ptr, b->u.str.len);
		ddbjson_fail(at, err, "NS holds the equal numbers \"%s\"",
		    buf_cstr(&q));
	} else {
		ddbjson_add_quoted(&q, a->u.str.ptr, a->u.str.len);
		ddbjson_fail(at, err, "%s holds \"%s\" twice",
		    value_type_name(set->type), buf_cstr(&q));
	}
	buf_cleanup(&q);
	return NULL;
}

/* Check that a typed set holds no element twice (DynamoDB refuses it). */
static int
ddbjson_check_unique(const struct value *set, const struct ddbjson_frame *at,
    struct err *err)
{
	struct value *const *e = set->u.list.items;
	struct value **sorted;
	size_t n = set->u.list.len, i, j;

	if (n <= DDBJSON_SET_PAIRWISE_MAX) {
		for (i = 1; i < n; i++) {
			for (j = 0; j < i; j++) {
				if (ddbjson_cmp_elem(e[j], e[i]) == 0) {
					ddbjson_fail_duplicate(set, e[j], e[i],
					    at, err);
					return -1;
				}
			}
		}
		return 0;
	}
	sorted = xmemdup(e, n * sizeof *sorted);
	qsort(sorted, n, sizeof *sorted, ddbjson_qsort_elem);
	for (i = 1; i < n; i++) {
		if (ddbjson_cmp_elem(sorted[i - 1], sorted[i]) == 0) {
			ddbjson_fail_duplicate(set, sorted[i - 1], sorted[i],
			    at, err);
			free(sorted);
			return -1;
		}
	}
	free(sorted);
	return 0;
}

/* Type the elements of an SS, NS or BS in place; v is the JSON array. */
static int
ddbjson_convert_set(struct value *v, enum value_type type,
    const struct ddbjson_frame *at, struct err *err)
{
	struct ddbjson_frame f = { at, NULL, 0, 0 };
	enum value_type etype = type == VT_SS ? VT_S : type == VT_NS ? VT_N :
	    VT_B;
	size_t i;

	if (v->u.list.len == 0) {
		ddbjson_fail(at, err, "%s is empty; DynamoDB sets must hold "
		    "at least one element", value_type_name(type));
		return -1;
	}
	for (i = 0; i < v->u.list.len; i++) {
		struct value *e = v->u.list.items[i];

		f.index = i;
		if (e->type != VT_S) {
			ddbjson_fail(&f, err, "%s elements must be strings, "
			    "found %s", value_type_name(type),
			    ddbjson_kind(e));
			return -1;
		}
		if (etype == VT_N && number_check(e->u.str.ptr, e->u.str.len,
		    err) != 0) {
			ddbjson_fail_prefix(&f, err);
			return -1;
		}
		if (etype == VT_B && ddbjson_decode_b(e, err) != 0) {
			ddbjson_fail_prefix(&f, err);
			return -1;
		}
		e->type = etype;
	}
	v->type = type;
	return ddbjson_check_unique(v, at, err);
}

/* Type every member of a JSON object in place (an M or a whole item). */
static int
ddbjson_convert_members(struct value *m, const struct ddbjson_frame *at,
    struct err *err)
{
	struct ddbjson_frame f = { at, NULL, 0, 0 };
	size_t i;

	for (i = 0; i < m->u.map.len; i++) {
		struct value_member *mb = &m->u.map.items[i];
		struct value *w = mb->value;

		f.name = mb->name;
		f.len = mb->name_len;
		mb->value = NULL;
		mb->value = ddbjson_convert(w, &f, err);
		if (mb->value == NULL)
			return -1;
	}
	return 0;
}

/* Type the elements of a JSON array in place as an L. */
static int
ddbjson_convert_list(struct value *l, const struct ddbjson_frame *at,
    struct err *err)
{
	struct ddbjson_frame f = { at, NULL, 0, 0 };
	size_t i;

	for (i = 0; i < l->u.list.len; i++) {
		struct value *w = l->u.list.items[i];

		f.index = i;
		l->u.list.items[i] = NULL;
		l->u.list.items[i] = ddbjson_convert(w, &f, err);
		if (l->u.list.items[i] == NULL)
			return -1;
	}
	return 0;
}

/* Check that the payload of a type tag is the JSON type it must be. */
static int
ddbjson_expect(const struct value *v, enum value_type json,
    const char *tag, const struct ddbjson_frame *at, struct err *err)
{
	static const char *const want[VT_COUNT] = {
		[VT_S] = "a string",
		[VT_BOOL] = "true or false",
		[VT_M] = "an object",
		[VT_L] = "an array",
	};

	if (v->type == json)
		return 0;
	ddbjson_fail(at, err, "%s must hold %s, found %s", tag, want[json],
	    ddbjson_kind(v));
	return -1;
}

/*
 * Type one {"TAG": payload} node, consuming it. The payload node is kept
 * and retyped (strings are not copied; B is decoded in place).
 */
static struct value *
ddbjson_convert(struct value *w, const struct ddbjson_frame *at,
    struct err *err)
{
	struct value *v = NULL;
	struct buf q = BUF_INIT;
	enum value_type type;
	const char *tag;
	int rc = -1;

	if (w->type != VT_M || w->u.map.len != 1) {
		if (w->type != VT_M)
			ddbjson_fail(at, err, "expected an attribute value "
			    "such as {\"S\": \"text\"}, found %s",
			    ddbjson_kind(w));
		else if (w->u.map.len == 0)
			ddbjson_fail(at, err, "empty attribute value: "
			    "expected one type tag");
		else
			ddbjson_fail(at, err, "attribute value has %zu type "
			    "tags; expected exactly one", w->u.map.len);
		goto fail;
	}
	tag = w->u.map.items[0].name;
	type = value_type_from_name(tag, w->u.map.items[0].name_len);
	if (type == VT_COUNT) {
		ddbjson_add_quoted(&q, tag, w->u.map.items[0].name_len);
		ddbjson_fail(at, err, "unknown type tag \"%s\"",
		    buf_cstr(&q));
		buf_cleanup(&q);
		goto fail;
	}
	tag = value_type_name(type);
	v = w->u.map.items[0].value;
	w->u.map.items[0].value = NULL;
	value_free(w);
	w = NULL;

	switch (type) {
	case VT_S:
		rc = ddbjson_expect(v, VT_S, tag, at, err);
		break;
	case VT_N:
		if ((rc = ddbjson_expect(v, VT_S, tag, at, err)) != 0)
			break;
		rc = number_check(v->u.str.ptr, v->u.str.len, err);
		if (rc != 0)
			ddbjson_fail_prefix(at, err);
		v->type = VT_N;
		break;
	case VT_B:
		if ((rc = ddbjson_expect(v, VT_S, tag, at, err)) != 0)
			break;
		rc = ddbjson_decode_b(v, err);
		if (rc != 0)
			ddbjson_fail_prefix(at, err);
		v->type = VT_B;
		break;
	case VT_BOOL:
		rc = ddbjson_expect(v, VT_BOOL, tag, at, err);
		break;
	case VT_NULL:
		if (v->type != VT_BOOL || !v->u.boolean) {
			ddbjson_fail(at, err, "NULL must hold true, found %s",
			    ddbjson_kind(v));
			break;
		}
		v->type = VT_NULL;
		rc = 0;
		break;
	case VT_M:
		if ((rc = ddbjson_expect(v, VT_M, tag, at, err)) != 0)
			break;
		rc = ddbjson_convert_members(v, at, err);
		break;
	case VT_L:
		if ((rc = ddbjson_expect(v, VT_L, tag, at, err)) != 0)
			break;
		rc = ddbjson_convert_list(v, at, err);
		break;
	default:
		if ((rc = ddbjson_expect(v, VT_L, tag, at, err)) != 0)
			break;
		rc = ddbjson_convert_set(v, type, at, err);
		break;
	}
	if (rc == 0)
		return v;

fail:
	value_free(w);
	value_free(v);
	return NULL;
}

struct value *
ddbjson_value_from_tree(struct value *tree, struct err *err)
{
	return ddbjson_convert(tree, NULL, err);
}

struct value *
ddbjson_item_from_tree(struct value *tree, struct err *err)
{
	if (tree->type != VT_M) {
		ddbjson_fail(NULL, err, "expected an item (an object of "
		    "attributes), found %s", ddbjson_kind(tree));
		value_free(tree);
		return NULL;
	}
	if (ddbjson_convert_members(tree, NULL, err) != 0) {
		value_free(tree);
		return NULL;
	}
	return tree;
}

struct value *
ddbjson_parse_item(const char *text, size_t len, struct err *err)
{
	struct value *tree = json_parse(text, len, err);

	if (tree == NULL)
		return NULL;
	return ddbjson_item_from_tree(tree, err);
}

/* Append a string-like value's text as a JSON string. */
static void
ddbjson_emit_string(struct buf *b, const struct value *v)
{
	buf_add_json_string(b, v->u.str.ptr, v->u.str.len);
}

/* Append a binary value as a base64 JSON string. */
static void
ddbjson_emit_binary(struct buf *b, const struct value *v)
{
	buf_addc(b, '"');
	base64_encode(b, v->u.str.ptr, v->u.str.len);
	buf_addc(b, '"');
}

void
ddbjson_emit_value(struct buf *b, const struct value *v)
{
	size_t i;

	switch (v->type) {
	case VT_S:
		buf_add(b, "{\"S\":", 5);
		ddbjson_emit_string(b, v);
		break;
	case VT_N:
		buf_add(b, "{\"N\":", 5);
		ddbjson_emit_string(b, v);
		break;
	case VT_B:
		buf_add(b, "{\"B\":", 5);
		ddbjson_emit_binary(b, v);
		break;
	case VT_BOOL:
		if (v->u.boolean)
			buf_add(b, "{\"BOOL\":true", 12);
		else
			buf_add(b, "{\"BOOL\":false", 13);
		break;
	case VT_NULL:
		buf_add(b, "{\"NULL\":true", 12);
		break;
	case VT_M:
		buf_add(b, "{\"M\":", 5);
		ddbjson_emit_item(b, v);
		break;
	case VT_L:
	case VT_SS:
	case VT_NS:
	case VT_BS:
		buf_printf(b, "{\"%s\":[", value_type_name(v->type));
		for (i = 0; i < v->u.list.len; i++) {
			const struct value *e = v->u.list.items[i];

			if (i > 0)
				buf_addc(b, ',');
			if (v->type == VT_L)
				ddbjson_emit_value(b, e);
			else if (v->type == VT_BS)
				ddbjson_emit_binary(b, e);
			else
				ddbjson_emit_string(b, e);
		}
		buf_addc(b, ']');
		break;
	default:
		buf_add(b, "{\"NULL\":true", 12);
		break;
	}
	buf_addc(b, '}');
}

void
ddbjson_emit_item(struct buf *b, const struct value *m)
{
	size_t i;

	buf_addc(b, '{');
	for (i = 0; i < m->u.map.len; i++) {
		const struct value_member *mb = &m->u.map.items[i];

		if (i > 0)
			buf_addc(b, ',');
		buf_add_json_string(b, mb->name, mb->name_len);
		buf_addc(b, ':');
		if (mb->value != NULL)
			ddbjson_emit_value(b, mb->value);
		else
			buf_add(b, "{\"NULL\":true}", 13);
	}
	buf_addc(b, '}');
}
