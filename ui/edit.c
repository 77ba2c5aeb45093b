/* SPDX-License-Identifier: ISC */
/* Values typed for a field: a prompt's first text, the answer typed back. */
#include "config.h"

#include "edit.h"

#include <stdbool.h>
#include <string.h>

#include "base64.h"
#include "content.h"
#include "json.h"
#include "number.h"
#include "utf8.h"

/* The typed text read as the grammar reads values: JSON when it looks
 * like JSON (a quote, brace or bracket first: a typo must not become a
 * string), a JSON literal when it parses, else the whole text. */
static struct value *
edit_read(const char *text, bool *literal, struct err *e)
{
	const char *p = text + strspn(text, " \t");
	struct value *v;

	*literal = true;
	if (*p == '"' || *p == '{' || *p == '[')
		return json_parse(text, strlen(text), e);
	v = json_parse(text, strlen(text), NULL);
	if (v != NULL)
		return v;
	*literal = false;
	return value_new_str(text);
}

void
edit_prefill(const struct value *v, struct buf *out)
{
	struct value *back;
	bool literal;

	if (v == NULL)
		return;
	if (v->type == VT_S && utf8_is_safe(v->u.str.ptr, v->u.str.len) &&
	    strlen(v->u.str.ptr) == v->u.str.len) {
		/* As it is, when reading it back gives the same string. */
		back = edit_read(v->u.str.ptr, &literal, NULL);
		if (back != NULL && (!literal || back->type == VT_N ||
		    back->type == VT_BOOL) && (back->type != VT_NULL)) {
			value_free(back);
			buf_add(out, v->u.str.ptr, v->u.str.len);
			return;
		}
		value_free(back);
	}
	if (v->type == VT_N) {
		buf_add(out, v->u.str.ptr, v->u.str.len);
		return;
	}
	json_emit(out, v, 0);
}

/* A plain list typed for a set of type t. */
static struct value *
edit_set(struct value *l, enum value_type t, const char *field,
    struct err *e)
{
	enum value_type et = t == VT_SS ? VT_S : t == VT_NS ? VT_N : VT_B;
	struct value *s;
	size_t i, k;

	if (l->type != VT_L || l->u.list.len == 0) {
		value_free(l);
		err_set(e, ERR_INPUT, "%s is a %s set: type a non-empty JSON "
		    "list", field, t == VT_SS ? "string" : "number");
		return NULL;
	}
	s = value_new_set(t);
	for (i = 0; i < l->u.list.len; i++) {
		struct value *x = l->u.list.items[i];

		if (x->type != et) {
			value_free(s);
			value_free(l);
			err_set(e, ERR_INPUT, "%s[%zu]: a %s set holds only %s",
			    field, i, value_type_name(t), et == VT_S ?
			    "strings" : "numbers");
			return NULL;
		}
		for (k = 0; k < i; k++)
			if (value_equal(l->u.list.items[k], x)) {
				value_free(s);
				value_free(l);
				err_set(e, ERR_INPUT, "%s: %s appears twice in "
				    "a set", field, x->u.str.ptr);
				return NULL;
			}
		value_list_append(s, value_copy(x));
	}
	value_free(l);
	return s;
}

/* v when its numbers are within DynamoDB's limits; else freed, NULL. */
static struct value *
edit_checked(struct value *v, const char *field, struct err *e)
{
	if (content_check_numbers(v, field, e) == -1) {
		value_free(v);
		return NULL;
	}
	return v;
}

struct value *
edit_parse(const struct value *old, const char *field, const char *text,
    struct err *e)
{
	struct value *v, *b;
	struct buf raw = BUF_INIT;
	bool literal;

	v = edit_read(text, &literal, e);
	if (v == NULL) {
		err_prefix(e, "%s: ", field);
		return NULL;
	}
	if (old == NULL || old->type == VT_NULL || v->type == VT_NULL)
		goto check;
	switch (old->type) {
	case VT_S:
		if (v->type == VT_N || v->type == VT_BOOL) {
			/* "1999" typed for a string field is that string. */
			value_free(v);
			v = value_new_str(text);
		} else if (v->type != VT_S) {
			value_free(v);
			err_set(e, ERR_INPUT, "%s is a string: to store JSON "
			    "text, type it as a quoted JSON string", field);
			return NULL;
		}
		break;
	case VT_N:
		if (v->type != VT_N) {
			value_free(v);
			err_set(e, ERR_INPUT, "%s is a number: type a number "
			    "or null", field);
			return NULL;
		}
		break;
	case VT_BOOL:
		if (v->type != VT_BOOL) {
			value_free(v);
			err_set(e, ERR_INPUT, "%s is a boolean: type true, "
			    "false or null", field);
			return NULL;
		}
		break;
	case VT_M:
	case VT_L:
		if (v->type != old->type) {
			value_free(v);
			err_set(e, ERR_INPUT, "%s is a%s: type a JSON %s or "
			    "null", field, old->type == VT_M ? "n object" :
			    " list", old->type == VT_M ? "object" : "list");
			return NULL;
		}
		break;
	case VT_SS:
	case VT_NS:
		v = edit_set(v, old->type, field, e);
		if (v == NULL)
			return NULL;
		break;
	case VT_B:
		if (v->type != VT_S || base64_decode(v->u.str.ptr,
		    v->u.str.len, &raw, e) == -1) {
			value_free(v);
			buf_cleanup(&raw);
			err_set(e, ERR_INPUT, "%s is binary: type its base64",
			    field);
			return NULL;
		}
		b = value_new_b(raw.data != NULL ? raw.data : "", raw.len);
		buf_cleanup(&raw);
		value_free(v);
		v = b;
		break;
	default:
		value_free(v);
		err_set(e, ERR_INPUT, "%s holds a %s, which cannot be edited "
		    "here", field, value_type_name(old->type));
		return NULL;
	}
check:
	return edit_checked(v, field, e);
}

struct value *
edit_parse_incr(const struct value *old, const char *field, const char *text,
    struct err *e)
{
	struct value *v;
	bool literal;

	if (old != NULL && old->type != VT_N) {
		err_set(e, ERR_INPUT, "%s holds a %s: only a number can be "
		    "incremented", field, value_type_name(old->type));
		return NULL;
	}
	v = edit_read(text, &literal, NULL);
	if (v == NULL || v->type != VT_N ||
	    !number_is_integer(v->u.str.ptr, v->u.str.len)) {
		value_free(v);
		err_set(e, ERR_INPUT, "%s: increment by an integer (-3, 1, "
		    "10)", field);
		return NULL;
	}
	return edit_checked(v, field, e);
}

struct value *
edit_parse_append(const struct value *old, const char *field,
    const char *text, struct err *e)
{
	struct value *v, *l;
	bool literal;

	/* A null is there, so if_not_exists would not make it a list:
	 * DynamoDB would refuse the update. */
	if (old != NULL && old->type != VT_L) {
		err_set(e, ERR_INPUT, "%s holds a %s: only a list can be "
		    "appended to (set it to [] first)", field,
		    value_type_name(old->type));
		return NULL;
	}
	v = edit_read(text, &literal, e);
	if (v == NULL) {
		err_prefix(e, "%s: ", field);
		return NULL;
	}
	if (v->type != VT_L) {
		l = value_new_l();
		value_list_append(l, v);
		v = l;
	}
	if (v->u.list.len == 0) {
		value_free(v);
		err_set(e, ERR_INPUT, "%s: nothing to append", field);
		return NULL;
	}
	return edit_checked(v, field, e);
}

struct value *
edit_parse_object(const char *text, struct err *e)
{
	struct value *v = json_parse(text, strlen(text), e);

	if (v == NULL) {
		err_prefix(e, "fields: ");
		return NULL;
	}
	if (v->type != VT_M) {
		value_free(v);
		err_set(e, ERR_INPUT, "fields: type a JSON object ({\"name\": "
		    "...})");
		return NULL;
	}
	return edit_checked(v, "fields", e);
}
