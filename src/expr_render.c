/* SPDX-License-Identifier: ISC */
/* Expressions rendered as DynamoDB text with #n / :v placeholders. */
#include "config.h"

#include "expr.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

#include "ddbjson.h"

void
expr_render_init(struct expr_render *r)
{
	r->names = value_new_m();
	r->values = value_new_m();
	r->nnames = 0;
	r->nvalues = 0;
}

void
expr_render_cleanup(struct expr_render *r)
{
	value_free(r->names);
	value_free(r->values);
	r->names = NULL;
	r->values = NULL;
	r->nnames = 0;
	r->nvalues = 0;
}

/* Append the placeholder of one attribute name, adding it when new. */
static void
expr_render_name(struct expr_render *r, const char *name, size_t len,
    struct buf *out)
{
	struct value_member *m;
	char key[32];
	size_t i;

	for (i = 0; i < r->names->u.map.len; i++) {
		m = &r->names->u.map.items[i];
		if (m->value->u.str.len == len &&
		    memcmp(m->value->u.str.ptr, name, len) == 0) {
			buf_add(out, m->name, m->name_len);
			return;
		}
	}
	snprintf(key, sizeof key, "#n%zu", r->nnames++);
	value_map_set(r->names, key, value_new_s(name, len));
	buf_adds(out, key);
}

/* Append a fresh value placeholder; the context keeps a copy of v. */
static void
expr_render_value(struct expr_render *r, const struct value *v,
    struct buf *out)
{
	char key[32];

	snprintf(key, sizeof key, ":v%zu", r->nvalues++);
	value_map_set(r->values, key, value_copy(v));
	buf_adds(out, key);
}

void
expr_render_path(struct expr_render *r, const struct path *p,
    struct buf *out)
{
	size_t i;

	for (i = 0; i < p->n; i++) {
		const struct path_seg *s = &p->segs[i];

		if (s->name == NULL) {
			buf_printf(out, "[%ld]", s->index);
			continue;
		}
		if (i > 0)
			buf_addc(out, '.');
		expr_render_name(r, s->name, s->name_len, out);
	}
}

/* name(arg0, arg1, ...): a DynamoDB function call. */
static void
expr_render_call(struct expr_render *r, const char *name,
    const struct expr *e, struct buf *out)
{
	size_t i;

	buf_adds(out, name);
	buf_addc(out, '(');
	for (i = 0; i < e->nargs; i++) {
		if (i > 0)
			buf_adds(out, ", ");
		expr_render(r, e->args[i], out);
	}
	buf_addc(out, ')');
}

/* a OP b for a binary operator. */
static void
expr_render_binary(struct expr_render *r, const char *op,
    const struct expr *e, struct buf *out)
{
	assert(e->nargs == 2);
	expr_render(r, e->args[0], out);
	buf_adds(out, op);
	expr_render(r, e->args[1], out);
}

/* One operand of AND / OR, in parentheses when it is the other one of the
 * two: DynamoDB binds AND tighter than OR, and a reader should not need to
 * know that. Chains of the same operator need none. */
static void
expr_render_logical_operand(struct expr_render *r, enum expr_kind parent,
    const struct expr *e, struct buf *out)
{
	bool paren = (e->kind == EX_AND || e->kind == EX_OR) &&
	    e->kind != parent;

	if (paren)
		buf_addc(out, '(');
	expr_render(r, e, out);
	if (paren)
		buf_addc(out, ')');
}

void
expr_render(struct expr_render *r, const struct expr *e, struct buf *out)
{
	static const char *const cmp[] = {
		[EX_EQ] = " = ", [EX_NE] = " <> ",
		[EX_LT] = " < ", [EX_LE] = " <= ",
		[EX_GT] = " > ", [EX_GE] = " >= ",
	};
	size_t i;

	switch (e->kind) {
	case EX_PATH:
		expr_render_path(r, &e->path, out);
		break;
	case EX_VALUE:
		expr_render_value(r, e->value, out);
		break;
	case EX_IF_NOT_EXISTS:
		expr_render_call(r, "if_not_exists", e, out);
		break;
	case EX_LIST_APPEND:
		expr_render_call(r, "list_append", e, out);
		break;
	case EX_PLUS:
		expr_render_binary(r, " + ", e, out);
		break;
	case EX_MINUS:
		expr_render_binary(r, " - ", e, out);
		break;
	case EX_SIZE:
		expr_render_call(r, "size", e, out);
		break;
	case EX_EQ:
	case EX_NE:
	case EX_LT:
	case EX_LE:
	case EX_GT:
	case EX_GE:
		expr_render_binary(r, cmp[e->kind], e, out);
		break;
	case EX_BETWEEN:
		assert(e->nargs == 3);
		expr_render(r, e->args[0], out);
		buf_adds(out, " BETWEEN ");
		expr_render(r, e->args[1], out);
		buf_adds(out, " AND ");
		expr_render(r, e->args[2], out);
		break;
	case EX_IN:
		assert(e->nargs >= 2);
		expr_render(r, e->args[0], out);
		buf_adds(out, " IN (");
		for (i = 1; i < e->nargs; i++) {
			if (i > 1)
				buf_adds(out, ", ");
			expr_render(r, e->args[i], out);
		}
		buf_addc(out, ')');
		break;
	case EX_BEGINS_WITH:
		expr_render_call(r, "begins_with", e, out);
		break;
	case EX_CONTAINS:
		expr_render_call(r, "contains", e, out);
		break;
	case EX_EXISTS:
		expr_render_call(r, "attribute_exists", e, out);
		break;
	case EX_NOT_EXISTS:
		expr_render_call(r, "attribute_not_exists", e, out);
		break;
	case EX_ATTR_TYPE:
		expr_render_call(r, "attribute_type", e, out);
		break;
	case EX_AND:
	case EX_OR:
		assert(e->nargs == 2);
		expr_render_logical_operand(r, e->kind, e->args[0], out);
		buf_adds(out, e->kind == EX_AND ? " AND " : " OR ");
		expr_render_logical_operand(r, e->kind, e->args[1], out);
		break;
	case EX_NOT:
		assert(e->nargs == 1);
		buf_adds(out, "NOT (");
		expr_render(r, e->args[0], out);
		buf_addc(out, ')');
		break;
	case EX_KIND_COUNT:
		assert(!"bad expression kind");
		break;
	}
}

void
expr_render_update(struct expr_render *r, const struct update *u,
    struct buf *out)
{
	static const char *const words[] = {
		[UPD_SET] = "SET ", [UPD_REMOVE] = "REMOVE ",
		[UPD_ADD] = "ADD ", [UPD_DELETE] = "DELETE ",
	};
	static const enum update_action order[] = {
		UPD_SET, UPD_REMOVE, UPD_ADD, UPD_DELETE
	};
	bool any = false;
	size_t k, i;

	/* One clause per action, each keeping the order of insertion. */
	for (k = 0; k < sizeof order / sizeof order[0]; k++) {
		bool first = true;

		for (i = 0; i < u->n; i++) {
			const struct update_clause *c = &u->clauses[i];

			if (c->action != order[k])
				continue;
			if (first) {
				if (any)
					buf_addc(out, ' ');
				buf_adds(out, words[order[k]]);
			} else
				buf_adds(out, ", ");
			first = false;
			any = true;
			expr_render_path(r, &c->path, out);
			switch (c->action) {
			case UPD_SET:
				buf_adds(out, " = ");
				expr_render(r, c->operand, out);
				break;
			case UPD_ADD:
			case UPD_DELETE:
				buf_addc(out, ' ');
				expr_render(r, c->operand, out);
				break;
			case UPD_REMOVE:
				break;
			}
		}
	}
}

void
expr_render_attributes(const struct expr_render *r, struct buf *json)
{
	const struct value_member *m;
	size_t i;

	if (r->names->u.map.len > 0) {
		buf_adds(json, ",\"ExpressionAttributeNames\":{");
		for (i = 0; i < r->names->u.map.len; i++) {
			m = &r->names->u.map.items[i];
			if (i > 0)
				buf_addc(json, ',');
			buf_add_json_string(json, m->name, m->name_len);
			buf_addc(json, ':');
			buf_add_json_string(json, m->value->u.str.ptr,
			    m->value->u.str.len);
		}
		buf_addc(json, '}');
	}
	if (r->values->u.map.len > 0) {
		buf_adds(json, ",\"ExpressionAttributeValues\":{");
		for (i = 0; i < r->values->u.map.len; i++) {
			m = &r->values->u.map.items[i];
			if (i > 0)
				buf_addc(json, ',');
			buf_add_json_string(json, m->name, m->name_len);
			buf_addc(json, ':');
			ddbjson_emit_value(json, m->value);
		}
		buf_addc(json, '}');
	}
}
