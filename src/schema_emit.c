/* SPDX-License-Identifier: ISC */
/*
 * A plain item's typed DynamoDB JSON printed straight from it, for put's
 * check pass: what schema_type_item then ddbjson_emit_members would
 * print, without the typed tree, or nothing when typing would do more.
 */
#include "config.h"

#include "schema.h"

#include <stdbool.h>
#include <string.h>

#include "ddbjson.h"
#include "number.h"
#include "schema_private.h"
#include "value.h"

/* What schema_emit_item carries down the item. */
struct schema_emit {
	struct buf	*b;
	struct buf	 scratch;	/* a typed value's text */
	bool		*canonical;	/* or NULL: not asked */
};

static int schema_emit(struct schema_emit *, const struct schema_slot *,
    const struct value *, bool);

/* A string-like typed value's text as ddbjson_emit_value prints it. */
static void
schema_emit_text(struct schema_emit *x, enum value_type t, struct buf *text)
{
	struct value v;

	memset(&v, 0, sizeof v);
	v.type = t;
	v.u.str.ptr = text->data;
	v.u.str.len = text->len;
	ddbjson_emit_value(x->b, &v);
}

/* Note whether a number's text is in number_canonical's form, when the
 * journal asks (value_numbers_canonical of the typed item). */
static void
schema_emit_note(struct schema_emit *x, const char *t, size_t len)
{
	if (x->canonical == NULL || !*x->canonical)
		return;
	buf_reset(&x->scratch);
	number_canonical(t, len, &x->scratch);
	*x->canonical = x->scratch.len == len &&
	    memcmp(x->scratch.data, t, len) == 0;
}

/* A number (schema_conform_scalar's checks), its typed text printed;
 * checked: number_check passed already. */
static int
schema_emit_number(struct schema_emit *x, const struct schema_node *n,
    const struct value *in, bool checked)
{
	struct buf *b = &x->scratch;
	bool plain;

	if (in->type != VT_N)
		return -1;
	/* Most integers are written as number_canonical writes them. */
	plain = n->kind == SCHEMA_INTEGER &&
	    number_is_canonical_integer(in->u.str.ptr, in->u.str.len);
	if (n->kind == SCHEMA_INTEGER && !plain &&
	    !number_is_integer(in->u.str.ptr, in->u.str.len))
		return -1;
	/* Bounds are rare: schema_conform_scalar words their failures. */
	if (n->minimum != NULL || n->maximum != NULL || (!checked &&
	    number_check(in->u.str.ptr, in->u.str.len, NULL) == -1))
		return -1;
	/* A number's text (checked) needs no escaping. */
	if (plain || n->kind != SCHEMA_INTEGER) {
		ddbjson_emit_number(x->b, in->u.str.ptr, in->u.str.len);
		if (!plain)
			schema_emit_note(x, in->u.str.ptr, in->u.str.len);
		return 0;
	}
	/* the library stores Python's int: "12.0" -> 12 */
	buf_reset(b);
	number_canonical(in->u.str.ptr, in->u.str.len, b);
	ddbjson_emit_number(x->b, b->data, b->len);
	if (x->canonical != NULL && *x->canonical) {
		struct buf t = BUF_INIT;

		buf_add(&t, b->data, b->len);
		schema_emit_note(x, t.data, t.len);
		buf_cleanup(&t);
	}
	return 0;
}

/* A scalar kind, as schema_conform_scalar types it. */
static int
schema_emit_scalar(struct schema_emit *x, const struct schema_node *n,
    const struct value *in, bool checked)
{
	switch (n->kind) {
	case SCHEMA_STRING:
		if (in->type != VT_S || (n->min_len >= 0 &&
		    schema_strlen(in->u.str.ptr, in->u.str.len) <
		    n->min_len) || (n->max_len >= 0 &&
		    schema_strlen(in->u.str.ptr, in->u.str.len) > n->max_len))
			return -1;
		break;
	case SCHEMA_INTEGER:
	case SCHEMA_NUMBER:
	case SCHEMA_DECIMAL:
		return schema_emit_number(x, n, in, checked);
	case SCHEMA_BOOLEAN:
		if (in->type != VT_BOOL)
			return -1;
		break;
	case SCHEMA_DATETIME:
	case SCHEMA_DATE:
	case SCHEMA_TIME:
		if (!schema_when_text(n, in, &x->scratch))
			return -1;
		schema_emit_text(x, VT_S, &x->scratch);
		return 0;
	case SCHEMA_ENUM:
		if (!schema_enum_has(n, in))
			return -1;
		if (in->type == VT_N)
			schema_emit_note(x, in->u.str.ptr, in->u.str.len);
		/* An enum's list or object holds numbers as written. */
		else if ((in->type == VT_L || in->type == VT_M) &&
		    x->canonical != NULL && !value_numbers_canonical(in))
			*x->canonical = false;
		break;
	default:
		return -1;
	}
	ddbjson_emit_value(x->b, in);
	return 0;
}

/* The most fields schema_emit_members takes (its table is on the
 * stack); more are left to schema_conform_model. */
#define SCHEMA_EMIT_PROPS	64

/* A model's members as schema_conform_model types them for a whole
 * item: the declared fields in the model's order, defaults filled;
 * comma: a comma before each (the item's top), else between them. */
static int
schema_emit_members(struct schema_emit *x, const struct schema_node *n,
    const struct value *in, bool checked, bool comma)
{
	const struct value *found[SCHEMA_EMIT_PROPS];
	size_t i, k, j = 0;

	if (in->type != VT_M || n->nprops > SCHEMA_EMIT_PROPS)
		return -1;
	memset(found, 0, n->nprops * sizeof *found);
	/* Each member's field, looked for from the one after the last
	 * found: items mostly list their fields in the model's order, and
	 * a field they leave out costs nothing. A member that is no field
	 * is an extra: schema_conform_model's rules. */
	for (i = 0; i < in->u.map.len; i++) {
		const struct value_member *mm = &in->u.map.items[i];

		for (k = 0; k < n->nprops; k++, j = j + 1 < n->nprops ?
		    j + 1 : 0) {
			const struct schema_prop *p = &n->props[j];

			if (p->name_len == mm->name_len &&
			    value_same_name(p->name, mm->name, p->name_len))
				break;
		}
		if (k == n->nprops)
			return -1;
		found[j] = mm->value;
		j = j + 1 < n->nprops ? j + 1 : 0;
	}
	for (i = 0; i < n->nprops; i++) {
		const struct schema_prop *p = &n->props[i];
		const struct value *v = found[i];

		if (v == NULL && p->required)
			return -1;
		if (comma || i > 0)
			buf_add(x->b, p->json_name, p->json_name_len);
		else
			buf_add(x->b, p->json_name + 1, p->json_name_len - 1);
		if (v != NULL) {
			if (schema_emit(x, &p->slot, v, checked) == -1)
				return -1;
		} else if (p->default_value == NULL) {
			buf_add(x->b, "{\"NULL\":true}", 13);
		} else if (schema_emit(x, &p->slot, p->default_value,
		    false) == -1) {
			/* A default the model does not take is stored as
			 * it is: schema_conform_model says how. */
			return -1;
		}
	}
	return 0;
}

/* One value for a slot, as schema_conform types it and
 * ddbjson_emit_value prints the result; -1 where schema_conform would
 * do more (or refuse). */
static int
schema_emit(struct schema_emit *x, const struct schema_slot *slot,
    const struct value *in, bool checked)
{
	const struct schema_node *n = slot->node;
	size_t i;

	if (in->type == VT_NULL) {
		if (!schema_null_ok(slot) && !(n->kind == SCHEMA_ENUM &&
		    schema_enum_has(n, in)))
			return -1;
		ddbjson_emit_value(x->b, in);
		return 0;
	}
	switch (n->kind) {
	case SCHEMA_MODEL:
		buf_add(x->b, "{\"M\":{", 6);
		if (schema_emit_members(x, n, in, checked, false) == -1)
			return -1;
		buf_add(x->b, "}}", 2);
		return 0;
	case SCHEMA_ARRAY:
		/* Sets drop duplicates, tuples count: schema_conform. */
		if (in->type != VT_L || n->unique || n->nprefix > 0 ||
		    n->min_len >= 0 || n->max_len >= 0)
			return -1;
		buf_add(x->b, "{\"L\":[", 6);
		for (i = 0; i < in->u.list.len; i++) {
			if (i > 0)
				buf_addc(x->b, ',');
			if (schema_emit(x, &n->items, in->u.list.items[i],
			    checked) == -1)
				return -1;
		}
		buf_add(x->b, "]}", 2);
		return 0;
	case SCHEMA_ANY:
	case SCHEMA_DICT:
	case SCHEMA_UNION:
		return -1;
	default:
		return schema_emit_scalar(x, n, in, checked);
	}
}

int
schema_emit_item(const struct schema *s, const struct value *plain,
    struct buf *b, bool *canonical)
{
	const struct schema_slot *root = schema_root_slot(s);
	struct schema_emit x;
	size_t mark = b->len;
	int rc = -1;

	x.b = b;
	x.canonical = canonical;
	buf_init(&x.scratch);
	if (canonical != NULL)
		*canonical = true;
	if (root->node->kind == SCHEMA_MODEL && plain->type == VT_M)
		rc = schema_emit_members(&x, root->node, plain, true, true);
	buf_cleanup(&x.scratch);
	if (rc == -1) {
		b->len = mark;
		if (b->data != NULL)
			b->data[mark] = '\0';
	}
	return rc;
}
