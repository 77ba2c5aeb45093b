/* SPDX-License-Identifier: ISC */
/* Evaluating expression ASTs against items, with DynamoDB's rules and words. */
#include "config.h"

#include "expr_eval.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "buf.h"
#include "number.h"
#include "xmalloc.h"

/* Room for one reason; DynamoDB's reasons are short, paths are truncated. */
#define EXPR_EVAL_MSG_MAX	512

/*
 * What DynamoDB's parser finds wrong, by category. It keeps the first
 * problem of each category and reports the categories in a fixed order,
 * which is not the order of the text, so the checks here do the same.
 */
enum expr_eval_fault {
	EF_SYNTAX,		/* a tree the grammar cannot produce */
	EF_UNKNOWN_FUNCTION,	/* a function the expression does not know */
	EF_MISUSED_FUNCTION,	/* a function where an operand must be */
	EF_OPERAND_COUNT,	/* condition: wrong number of operands */
	EF_PATH_OVERLAP,	/* update: one path inside another */
	EF_PATH_CONFLICT,	/* update: a.b against a[0] */
	EF_ACTION_OPERAND,	/* update: ADD / DELETE operand type */
	EF_DISTINCT,		/* condition: a path compared with itself */
	EF_FUNCTION,		/* operand types, bounds, type names */
	EF_CONDITION,		/* the first condition with one of the three
				   above: the one DynamoDB reports */
	EF_COUNT
};

struct expr_eval_faults {
	char	 msg[EF_COUNT][EXPR_EVAL_MSG_MAX];
};

static const enum expr_eval_fault expr_eval_cond_order[] = {
	EF_SYNTAX, EF_UNKNOWN_FUNCTION, EF_MISUSED_FUNCTION, EF_CONDITION
};

/* Within one condition, the order of its problems. */
static const enum expr_eval_fault expr_eval_atom_order[] = {
	EF_OPERAND_COUNT, EF_DISTINCT, EF_FUNCTION
};

static const enum expr_eval_fault expr_eval_update_order[] = {
	EF_SYNTAX, EF_UNKNOWN_FUNCTION, EF_PATH_OVERLAP, EF_PATH_CONFLICT,
	EF_ACTION_OPERAND, EF_FUNCTION
};

static const char *const expr_eval_kind_names[EX_KIND_COUNT] = {
	[EX_PATH] = "a document path",
	[EX_VALUE] = "a value",
	[EX_IF_NOT_EXISTS] = "if_not_exists",
	[EX_LIST_APPEND] = "list_append",
	[EX_PLUS] = "+",
	[EX_MINUS] = "-",
	[EX_SIZE] = "size",
	[EX_EQ] = "=",
	[EX_NE] = "<>",
	[EX_LT] = "<",
	[EX_LE] = "<=",
	[EX_GT] = ">",
	[EX_GE] = ">=",
	[EX_BETWEEN] = "BETWEEN",
	[EX_IN] = "IN",
	[EX_BEGINS_WITH] = "begins_with",
	[EX_CONTAINS] = "contains",
	[EX_EXISTS] = "attribute_exists",
	[EX_NOT_EXISTS] = "attribute_not_exists",
	[EX_ATTR_TYPE] = "attribute_type",
	[EX_AND] = "AND",
	[EX_OR] = "OR",
	[EX_NOT] = "NOT",
};

static const char expr_eval_bad_type[] =
    "An operand in the update expression has an incorrect data type";
static const char expr_eval_bad_path[] =
    "The document path provided in the update expression is invalid for "
    "update";
static const char expr_eval_no_attr[] =
    "The provided expression refers to an attribute that does not exist in "
    "the item";

/* Record a ValidationException with ERR_INPUT; returns -1. */
static int
expr_eval_fail(struct err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(err, ERR_INPUT, fmt, ap);
	va_end(ap);
	if (err != NULL)
		snprintf(err->aws_type, sizeof err->aws_type, "%s",
		    "ValidationException");
	return -1;
}

/* The name of a node kind for messages; cannot fail. */
static const char *
expr_eval_kind_name(enum expr_kind kind)
{
	if ((unsigned)kind >= EX_KIND_COUNT)
		return "?";
	return expr_eval_kind_names[kind];
}

/* Keep the first problem of a category. */
static void
expr_eval_fault(struct expr_eval_faults *f, enum expr_eval_fault which,
    const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void
expr_eval_fault(struct expr_eval_faults *f, enum expr_eval_fault which,
    const char *fmt, ...)
{
	va_list ap;

	if (f->msg[which][0] != '\0')
		return;
	va_start(ap, fmt);
	vsnprintf(f->msg[which], sizeof f->msg[which], fmt, ap);
	va_end(ap);
}

/* No problem recorded yet. */
static void
expr_eval_faults_init(struct expr_eval_faults *f)
{
	size_t i;

	for (i = 0; i < EF_COUNT; i++)
		f->msg[i][0] = '\0';
}

/* Report the first category with a problem, as "Invalid PARAM: reason"
 * when param is set; 0 when there is none. */
static int
expr_eval_faults_report(const struct expr_eval_faults *f,
    const enum expr_eval_fault *order, size_t n, const char *param,
    struct err *err)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const char *m = f->msg[order[i]];

		if (m[0] == '\0')
			continue;
		if (param != NULL)
			return expr_eval_fail(err, "Invalid %s: %s", param, m);
		return expr_eval_fail(err, "%s", m);
	}
	return 0;
}

/* A path as DynamoDB quotes it in messages: [a, b, [2]]. */
static void
expr_eval_path_str(const struct path *p, struct buf *out)
{
	size_t i;

	buf_addc(out, '[');
	for (i = 0; i < p->n; i++) {
		if (i > 0)
			buf_adds(out, ", ");
		if (p->segs[i].name == NULL)
			buf_printf(out, "[%ld]", p->segs[i].index);
		else
			buf_add(out, p->segs[i].name, p->segs[i].name_len);
	}
	buf_addc(out, ']');
}

/* A path the grammar can write: at least one segment, a name first. */
static bool
expr_eval_path_ok(const struct path *p)
{
	return p->n > 0 && p->segs[0].name != NULL;
}

/* ------------------------------------------------------------------ */
/* Paths */

/* The value reached by the first n segments of p from root (an M);
 * root itself for n == 0; NULL when absent. Borrowed. */
static struct value *
expr_eval_walk(const struct path *p, size_t n, const struct value *root)
{
	struct value *cur = (struct value *)root;
	size_t i;

	for (i = 0; i < n && cur != NULL; i++) {
		const struct path_seg *s = &p->segs[i];

		if (s->name != NULL) {
			cur = value_map_getn(cur, s->name, s->name_len);
			continue;
		}
		/* An index into anything but a list names nothing. */
		if (cur->type != VT_L || s->index < 0 ||
		    (size_t)s->index >= cur->u.list.len)
			return NULL;
		cur = cur->u.list.items[s->index];
	}
	return cur;
}

const struct value *
expr_eval_path(const struct path *p, const struct value *item)
{
	if (item == NULL || p->n == 0)
		return NULL;
	return expr_eval_walk(p, p->n, item);
}

/* ------------------------------------------------------------------ */
/* Checking conditions before evaluating them */

/* True for the functions that are conditions in their own right. */
static bool
expr_eval_is_cond_function(enum expr_kind kind)
{
	return kind == EX_BEGINS_WITH || kind == EX_CONTAINS ||
	    kind == EX_EXISTS || kind == EX_NOT_EXISTS || kind == EX_ATTR_TYPE;
}

/* The type DynamoDB knows for an operand before evaluating it (a literal's
 * type, or a function's result), or NULL. */
static const char *
expr_eval_static_type(const struct expr *e)
{
	switch (e->kind) {
	case EX_VALUE:
		return value_type_name(e->value->type);
	case EX_SIZE:
		return "N";
	case EX_BEGINS_WITH:
	case EX_CONTAINS:
	case EX_ATTR_TYPE:
		return "BOOL";
	default:
		return NULL;
	}
}

/* The type of a literal operand only, or NULL. */
static const char *
expr_eval_literal_type(const struct expr *e)
{
	return e->kind == EX_VALUE ? value_type_name(e->value->type) : NULL;
}

/* Append a value the way DynamoDB quotes it in a BETWEEN message. */
static void
expr_eval_quote_value(const struct value *v, struct buf *out)
{
	size_t i;

	switch (v->type) {
	case VT_S:
		buf_add(out, v->u.str.ptr, v->u.str.len);
		break;
	case VT_N:
		number_canonical(v->u.str.ptr, v->u.str.len, out);
		break;
	case VT_B:
		base64_encode(out, v->u.str.ptr, v->u.str.len);
		break;
	case VT_BOOL:
		buf_adds(out, v->u.boolean ? "true" : "false");
		break;
	case VT_NULL:
		buf_adds(out, "true");
		break;
	case VT_M:
		buf_adds(out, "[object Object]");
		break;
	case VT_L:
	case VT_SS:
	case VT_NS:
	case VT_BS:
		for (i = 0; i < v->u.list.len; i++) {
			if (i > 0)
				buf_addc(out, ',');
			if (v->type == VT_L)
				buf_adds(out, "[object Object]");
			else
				expr_eval_quote_value(v->u.list.items[i], out);
		}
		break;
	default:
		break;
	}
}

/* Byte order of two S or B values. */
static int
expr_eval_cmp_bytes(const struct value *a, const struct value *b)
{
	size_t n = a->u.str.len < b->u.str.len ? a->u.str.len : b->u.str.len;
	int c = n > 0 ? memcmp(a->u.str.ptr, b->u.str.ptr, n) : 0;

	if (c != 0)
		return c < 0 ? -1 : 1;
	if (a->u.str.len == b->u.str.len)
		return 0;
	return a->u.str.len < b->u.str.len ? -1 : 1;
}

/* Order two values of one of the ordered types (S, N, B); *ok is false
 * when they cannot be ordered (absent, different or unordered types). */
static int
expr_eval_order(const struct value *a, const struct value *b, bool *ok)
{
	*ok = false;
	if (a == NULL || b == NULL || a->type != b->type)
		return 0;
	switch (a->type) {
	case VT_N:
		*ok = true;
		return number_cmp(a->u.str.ptr, a->u.str.len, b->u.str.ptr,
		    b->u.str.len);
	case VT_S:
	case VT_B:
		*ok = true;
		return expr_eval_cmp_bytes(a, b);
	default:
		return 0;
	}
}

static void expr_eval_check_function(struct expr_eval_faults *,
    const struct expr *);

/* A function used where only a path, a value or size() may stand. */
static void
expr_eval_check_misused(struct expr_eval_faults *f, const struct expr *e)
{
	size_t i;

	for (i = 0; i < e->nargs; i++) {
		enum expr_kind k = e->args[i]->kind;

		if (expr_eval_is_cond_function(k) || k == EX_IF_NOT_EXISTS ||
		    k == EX_LIST_APPEND) {
			expr_eval_fault(f, EF_MISUSED_FUNCTION, "The function "
			    "is not allowed to be used this way in an "
			    "expression; function: %s", expr_eval_kind_name(k));
			return;
		}
	}
}

/* Two operands that are the same path. */
static void
expr_eval_check_distinct(struct expr_eval_faults *f, const struct expr *e)
{
	struct buf ps = BUF_INIT;

	if (e->nargs != 2 || e->args[0]->kind != EX_PATH ||
	    e->args[1]->kind != EX_PATH ||
	    !path_equal(&e->args[0]->path, &e->args[1]->path))
		return;
	expr_eval_path_str(&e->args[0]->path, &ps);
	expr_eval_fault(f, EF_DISTINCT, "The first operand must be distinct "
	    "from the remaining operands for this operator or function; "
	    "operator: %s, first operand: %s", expr_eval_kind_name(e->kind),
	    buf_cstr(&ps));
	buf_cleanup(&ps);
}

/* BETWEEN with two literal bounds: same type, low <= high. */
static void
expr_eval_check_between(struct expr_eval_faults *f, const struct expr *lo,
    const struct expr *hi)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	const char *what = NULL;
	bool ok;

	if (lo->kind != EX_VALUE || hi->kind != EX_VALUE)
		return;
	if (lo->value->type != hi->value->type)
		what = "same data type for lower and upper bounds";
	else if (expr_eval_order(lo->value, hi->value, &ok) > 0 && ok)
		what = "upper bound to be greater than or equal to lower bound";
	if (what == NULL)
		return;
	expr_eval_quote_value(lo->value, &a);
	expr_eval_quote_value(hi->value, &b);
	expr_eval_fault(f, EF_FUNCTION, "The BETWEEN operator requires %s; "
	    "lower bound operand: AttributeValue: {%s:%s}, upper bound "
	    "operand: AttributeValue: {%s:%s}", what,
	    value_type_name(lo->value->type), buf_cstr(&a),
	    value_type_name(hi->value->type), buf_cstr(&b));
	buf_cleanup(&a);
	buf_cleanup(&b);
}

/* An operand of a comparison or a function argument. */
static void
expr_eval_check_operand(struct expr_eval_faults *f, const struct expr *e)
{
	switch (e->kind) {
	case EX_PATH:
		if (!expr_eval_path_ok(&e->path))
			expr_eval_fault(f, EF_SYNTAX, "Syntax error; a "
			    "document path must start with an attribute name");
		break;
	case EX_VALUE:
		break;
	case EX_SIZE:
	case EX_BEGINS_WITH:
	case EX_CONTAINS:
	case EX_EXISTS:
	case EX_NOT_EXISTS:
	case EX_ATTR_TYPE:
		expr_eval_check_function(f, e);
		break;
	case EX_IF_NOT_EXISTS:
	case EX_LIST_APPEND:
		expr_eval_fault(f, EF_UNKNOWN_FUNCTION, "Invalid function "
		    "name; function: %s", expr_eval_kind_name(e->kind));
		break;
	default:
		expr_eval_fault(f, EF_SYNTAX, "Syntax error; %s cannot be an "
		    "operand", expr_eval_kind_name(e->kind));
		break;
	}
}

/* A function call of a condition: its arguments first, as the parser
 * meets them, then the call itself. */
static void
expr_eval_check_function(struct expr_eval_faults *f, const struct expr *e)
{
	const char *name = expr_eval_kind_name(e->kind), *t;
	size_t i, want;

	for (i = 0; i < e->nargs; i++)
		expr_eval_check_operand(f, e->args[i]);
	expr_eval_check_misused(f, e);
	want = e->kind == EX_EXISTS || e->kind == EX_NOT_EXISTS ||
	    e->kind == EX_SIZE ? 1 : 2;
	if (e->nargs != want) {
		expr_eval_fault(f, EF_OPERAND_COUNT, "Incorrect number of "
		    "operands for operator or function; operator or function: "
		    "%s, number of operands: %zu", name, e->nargs);
		return;
	}
	expr_eval_check_distinct(f, e);
	switch (e->kind) {
	case EX_EXISTS:
	case EX_NOT_EXISTS:
		if (e->args[0]->kind != EX_PATH)
			expr_eval_fault(f, EF_FUNCTION, "Operator or function "
			    "requires a document path; operator or function: "
			    "%s", name);
		break;
	case EX_BEGINS_WITH:
		for (i = 0; i < 2; i++) {
			t = expr_eval_static_type(e->args[i]);
			if (t != NULL && strcmp(t, "S") != 0 &&
			    strcmp(t, "B") != 0) {
				expr_eval_fault(f, EF_FUNCTION, "Incorrect "
				    "operand type for operator or function; "
				    "operator or function: %s, operand type: "
				    "%s", name, t);
				break;
			}
		}
		break;
	case EX_ATTR_TYPE:
		t = expr_eval_static_type(e->args[1]);
		if (t == NULL || strcmp(t, "S") != 0) {
			expr_eval_fault(f, EF_FUNCTION, "Incorrect operand "
			    "type for operator or function; operator or "
			    "function: %s, operand type: %s", name, t != NULL ?
			    t : "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}");
		} else if (value_type_from_name(e->args[1]->value->u.str.ptr,
		    e->args[1]->value->u.str.len) == VT_COUNT) {
			expr_eval_fault(f, EF_FUNCTION, "Invalid attribute "
			    "type name found; type: %.*s, valid types: "
			    "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}",
			    (int)(e->args[1]->value->u.str.len > 64 ? 64 :
			    e->args[1]->value->u.str.len),
			    e->args[1]->value->u.str.ptr);
		}
		break;
	case EX_SIZE:
		t = expr_eval_static_type(e->args[0]);
		if (t != NULL && (strcmp(t, "N") == 0 ||
		    strcmp(t, "BOOL") == 0 || strcmp(t, "NULL") == 0))
			expr_eval_fault(f, EF_FUNCTION, "Incorrect operand "
			    "type for operator or function; operator or "
			    "function: %s, operand type: %s", name, t);
		break;
	default:
		break;
	}
}

/* After each simple condition: DynamoDB reports the problems of the
 * first one (in the text) that has any. */
static void
expr_eval_freeze_condition(struct expr_eval_faults *f)
{
	size_t i;

	if (f->msg[EF_CONDITION][0] != '\0')
		return;
	for (i = 0; i < sizeof expr_eval_atom_order /
	    sizeof expr_eval_atom_order[0]; i++) {
		const char *m = f->msg[expr_eval_atom_order[i]];

		if (m[0] != '\0') {
			memcpy(f->msg[EF_CONDITION], m,
			    sizeof f->msg[EF_CONDITION]);
			return;
		}
	}
}

/* A node standing where a condition must be. */
static void
expr_eval_check_cond(struct expr_eval_faults *f, const struct expr *e)
{
	size_t i;

	if (e->kind == EX_AND || e->kind == EX_OR || e->kind == EX_NOT) {
		if (e->nargs != (e->kind == EX_NOT ? 1u : 2u)) {
			expr_eval_fault(f, EF_SYNTAX, "Syntax error; %s takes "
			    "%s", expr_eval_kind_name(e->kind),
			    e->kind == EX_NOT ? "one condition" :
			    "two conditions");
			return;
		}
		for (i = 0; i < e->nargs; i++)
			expr_eval_check_cond(f, e->args[i]);
		return;
	}
	switch (e->kind) {
	case EX_EQ:
	case EX_NE:
	case EX_LT:
	case EX_LE:
	case EX_GT:
	case EX_GE:
	case EX_BETWEEN:
	case EX_IN:
		if ((e->kind == EX_BETWEEN && e->nargs != 3) ||
		    (e->kind == EX_IN && e->nargs < 2) ||
		    (e->kind != EX_BETWEEN && e->kind != EX_IN &&
		    e->nargs != 2)) {
			expr_eval_fault(f, EF_SYNTAX, "Syntax error; wrong "
			    "number of operands for %s",
			    expr_eval_kind_name(e->kind));
			return;
		}
		for (i = 0; i < e->nargs; i++)
			expr_eval_check_operand(f, e->args[i]);
		expr_eval_check_misused(f, e);
		if (e->kind == EX_BETWEEN)
			expr_eval_check_between(f, e->args[1], e->args[2]);
		else if (e->kind != EX_IN)
			expr_eval_check_distinct(f, e);
		break;
	case EX_BEGINS_WITH:
	case EX_CONTAINS:
	case EX_EXISTS:
	case EX_NOT_EXISTS:
	case EX_ATTR_TYPE:
		expr_eval_check_function(f, e);
		break;
	case EX_SIZE:
		expr_eval_check_function(f, e);
		expr_eval_fault(f, EF_MISUSED_FUNCTION, "The function is not "
		    "allowed to be used this way in an expression; function: "
		    "size");
		break;
	case EX_IF_NOT_EXISTS:
	case EX_LIST_APPEND:
		expr_eval_fault(f, EF_UNKNOWN_FUNCTION, "Invalid function "
		    "name; function: %s", expr_eval_kind_name(e->kind));
		break;
	default:
		expr_eval_fault(f, EF_SYNTAX, "Syntax error; %s is not a "
		    "condition", expr_eval_kind_name(e->kind));
		break;
	}
	expr_eval_freeze_condition(f);
}

/* Check a condition; param NULL leaves the reason without its prefix. */
static int
expr_eval_check_as(const struct expr *e, const char *param, struct err *err)
{
	struct expr_eval_faults f;

	if (e == NULL && param != NULL)
		return expr_eval_fail(err, "Invalid %s: The expression can not "
		    "be empty;", param);
	if (e == NULL)
		return expr_eval_fail(err, "The expression can not be empty;");
	expr_eval_faults_init(&f);
	expr_eval_check_cond(&f, e);
	return expr_eval_faults_report(&f, expr_eval_cond_order,
	    sizeof expr_eval_cond_order / sizeof expr_eval_cond_order[0],
	    param, err);
}

int
expr_eval_check(const struct expr *e, const char *param, struct err *err)
{
	return expr_eval_check_as(e, param != NULL ? param :
	    "ConditionExpression", err);
}

/* ------------------------------------------------------------------ */
/* Evaluating conditions */

/* An operand's value: borrowed from the item or the tree, or the result
 * of size() held here. Not to be copied once resolved. */
struct expr_eval_operand {
	const struct value	*v;		/* NULL: absent */
	struct value		 tmp;
	char			 num[24];
};

/* size() of a value as DynamoDB counts it; false when it has none. */
static bool
expr_eval_size_of(const struct value *v, size_t *n)
{
	switch (v->type) {
	case VT_S:
	case VT_B:
		*n = v->u.str.len;
		return true;
	case VT_L:
	case VT_SS:
	case VT_NS:
	case VT_BS:
		*n = v->u.list.len;
		return true;
	case VT_M:
		*n = v->u.map.len;
		return true;
	default:
		return false;
	}
}

/* Resolve a path, a value or size() against item. */
static void
expr_eval_resolve(const struct expr *e, const struct value *item,
    struct expr_eval_operand *o)
{
	struct expr_eval_operand inner;
	size_t n;

	o->v = NULL;
	switch (e->kind) {
	case EX_PATH:
		o->v = expr_eval_path(&e->path, item);
		break;
	case EX_VALUE:
		o->v = e->value;
		break;
	case EX_SIZE:
		expr_eval_resolve(e->args[0], item, &inner);
		if (inner.v == NULL || !expr_eval_size_of(inner.v, &n))
			break;
		memset(&o->tmp, 0, sizeof o->tmp);
		o->tmp.type = VT_N;
		o->tmp.u.str.len = (size_t)snprintf(o->num, sizeof o->num,
		    "%zu", n);
		o->tmp.u.str.ptr = o->num;
		o->v = &o->tmp;
		break;
	default:
		break;
	}
}

/* Equality as = sees it: the same type and the same value. Two absent
 * operands are equal, as dynalite has it. */
static bool
expr_eval_equal(const struct value *a, const struct value *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return value_equal(a, b);
}

/* A set element equal to v (numbers by value). */
static bool
expr_eval_set_has(const struct value *set, const struct value *v)
{
	size_t i;

	for (i = 0; i < set->u.list.len; i++) {
		const struct value *x = set->u.list.items[i];

		if (set->type == VT_NS) {
			if (number_cmp(x->u.str.ptr, x->u.str.len, v->u.str.ptr,
			    v->u.str.len) == 0)
				return true;
		} else if (expr_eval_cmp_bytes(x, v) == 0)
			return true;
	}
	return false;
}

/* contains(a, v): substring of S or B, member of a set, element of L. */
static bool
expr_eval_contains(const struct value *a, const struct value *v)
{
	size_t i;

	if (a == NULL || v == NULL)
		return false;
	switch (a->type) {
	case VT_S:
	case VT_B:
		if (v->type != a->type)
			return false;
		if (v->u.str.len == 0)
			return true;
		return memmem(a->u.str.ptr, a->u.str.len, v->u.str.ptr,
		    v->u.str.len) != NULL;
	case VT_SS:
		return v->type == VT_S && expr_eval_set_has(a, v);
	case VT_NS:
		return v->type == VT_N && expr_eval_set_has(a, v);
	case VT_BS:
		return v->type == VT_B && expr_eval_set_has(a, v);
	case VT_L:
		for (i = 0; i < a->u.list.len; i++) {
			if (value_equal(a->u.list.items[i], v))
				return true;
		}
		return false;
	default:
		return false;
	}
}

/* begins_with(a, v) on two S or two B. */
static bool
expr_eval_begins_with(const struct value *a, const struct value *v)
{
	if (a == NULL || v == NULL || a->type != v->type ||
	    (a->type != VT_S && a->type != VT_B))
		return false;
	return v->u.str.len <= a->u.str.len && (v->u.str.len == 0 ||
	    memcmp(a->u.str.ptr, v->u.str.ptr, v->u.str.len) == 0);
}

/* The truth of a checked condition. */
static bool
expr_eval_cond(const struct expr *e, const struct value *item)
{
	struct expr_eval_operand a, b, c;
	bool ok, ok2;
	int cmp, cmp2;
	size_t i;

	switch (e->kind) {
	case EX_AND:
		return expr_eval_cond(e->args[0], item) &&
		    expr_eval_cond(e->args[1], item);
	case EX_OR:
		return expr_eval_cond(e->args[0], item) ||
		    expr_eval_cond(e->args[1], item);
	case EX_NOT:
		return !expr_eval_cond(e->args[0], item);
	case EX_EXISTS:
	case EX_NOT_EXISTS:
		expr_eval_resolve(e->args[0], item, &a);
		return (a.v != NULL) == (e->kind == EX_EXISTS);
	case EX_ATTR_TYPE:
		expr_eval_resolve(e->args[0], item, &a);
		expr_eval_resolve(e->args[1], item, &b);
		return a.v != NULL && b.v != NULL && b.v->type == VT_S &&
		    value_type_from_name(b.v->u.str.ptr, b.v->u.str.len) ==
		    a.v->type;
	case EX_BEGINS_WITH:
		expr_eval_resolve(e->args[0], item, &a);
		expr_eval_resolve(e->args[1], item, &b);
		return expr_eval_begins_with(a.v, b.v);
	case EX_CONTAINS:
		expr_eval_resolve(e->args[0], item, &a);
		expr_eval_resolve(e->args[1], item, &b);
		return expr_eval_contains(a.v, b.v);
	case EX_EQ:
	case EX_NE:
		expr_eval_resolve(e->args[0], item, &a);
		expr_eval_resolve(e->args[1], item, &b);
		return expr_eval_equal(a.v, b.v) == (e->kind == EX_EQ);
	case EX_LT:
	case EX_LE:
	case EX_GT:
	case EX_GE:
		expr_eval_resolve(e->args[0], item, &a);
		expr_eval_resolve(e->args[1], item, &b);
		cmp = expr_eval_order(a.v, b.v, &ok);
		if (!ok)
			return false;
		if (e->kind == EX_LT)
			return cmp < 0;
		if (e->kind == EX_LE)
			return cmp <= 0;
		if (e->kind == EX_GT)
			return cmp > 0;
		return cmp >= 0;
	case EX_BETWEEN:
		expr_eval_resolve(e->args[0], item, &a);
		expr_eval_resolve(e->args[1], item, &b);
		expr_eval_resolve(e->args[2], item, &c);
		cmp = expr_eval_order(a.v, b.v, &ok);
		cmp2 = expr_eval_order(a.v, c.v, &ok2);
		return ok && ok2 && cmp >= 0 && cmp2 <= 0;
	case EX_IN:
		expr_eval_resolve(e->args[0], item, &a);
		if (a.v == NULL)
			return false;
		for (i = 1; i < e->nargs; i++) {
			expr_eval_resolve(e->args[i], item, &b);
			if (b.v != NULL && value_equal(a.v, b.v))
				return true;
		}
		return false;
	default:
		return false;
	}
}

int
expr_eval_condition(const struct expr *e, const struct value *item,
    bool *result, struct err *err)
{
	*result = false;
	if (expr_eval_check_as(e, NULL, err) != 0)
		return -1;
	/* A PutItem on a new key, or a malformed item: nothing exists. */
	if (item != NULL && item->type != VT_M)
		item = NULL;
	*result = expr_eval_cond(e, item);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Checking update expressions */

/* The clause order of the wire (expr_render_update): DynamoDB applies
 * sections in the order it parses them. */
static const enum update_action expr_eval_action_order[] = {
	UPD_SET, UPD_REMOVE, UPD_ADD, UPD_DELETE
};

static void expr_eval_check_set_operand(struct expr_eval_faults *,
    const struct expr *);

/* if_not_exists / list_append: arguments first, then the call. */
static void
expr_eval_check_update_function(struct expr_eval_faults *f,
    const struct expr *e)
{
	const char *name = expr_eval_kind_name(e->kind), *t;
	size_t i;

	for (i = 0; i < e->nargs; i++)
		expr_eval_check_set_operand(f, e->args[i]);
	if (e->nargs != 2) {
		expr_eval_fault(f, EF_FUNCTION, "Incorrect number of operands "
		    "for operator or function; operator or function: %s, "
		    "number of operands: %zu", name, e->nargs);
		return;
	}
	if (e->kind == EX_IF_NOT_EXISTS) {
		if (e->args[0]->kind != EX_PATH)
			expr_eval_fault(f, EF_FUNCTION, "Operator or function "
			    "requires a document path; operator or function: "
			    "%s", name);
		return;
	}
	for (i = 0; i < 2; i++) {
		t = expr_eval_literal_type(e->args[i]);
		if (t != NULL && strcmp(t, e->kind == EX_LIST_APPEND ? "L" :
		    "N") != 0) {
			expr_eval_fault(f, EF_FUNCTION, "Incorrect operand "
			    "type for operator or function; operator or "
			    "function: %s, operand type: %s", name, t);
			return;
		}
	}
}

/* An operand of SET: a path, a value or a function (no arithmetic). */
static void
expr_eval_check_set_operand(struct expr_eval_faults *f, const struct expr *e)
{
	switch (e->kind) {
	case EX_PATH:
		if (!expr_eval_path_ok(&e->path))
			expr_eval_fault(f, EF_SYNTAX, "Syntax error; a "
			    "document path must start with an attribute name");
		break;
	case EX_VALUE:
		break;
	case EX_IF_NOT_EXISTS:
	case EX_LIST_APPEND:
		expr_eval_check_update_function(f, e);
		break;
	case EX_SIZE:
	case EX_BEGINS_WITH:
	case EX_CONTAINS:
	case EX_EXISTS:
	case EX_NOT_EXISTS:
	case EX_ATTR_TYPE:
		expr_eval_fault(f, EF_UNKNOWN_FUNCTION, "Invalid function "
		    "name; function: %s", expr_eval_kind_name(e->kind));
		break;
	default:
		expr_eval_fault(f, EF_SYNTAX, "Syntax error; %s cannot be an "
		    "operand of SET here", expr_eval_kind_name(e->kind));
		break;
	}
}

/* The right side of SET: an operand, or operand + / - operand. */
static void
expr_eval_check_set_value(struct expr_eval_faults *f, const struct expr *e)
{
	const char *t;
	size_t i;

	if (e->kind != EX_PLUS && e->kind != EX_MINUS) {
		expr_eval_check_set_operand(f, e);
		return;
	}
	if (e->nargs != 2) {
		expr_eval_fault(f, EF_SYNTAX, "Syntax error; %s takes two "
		    "operands", expr_eval_kind_name(e->kind));
		return;
	}
	for (i = 0; i < 2; i++)
		expr_eval_check_set_operand(f, e->args[i]);
	for (i = 0; i < 2; i++) {
		t = expr_eval_literal_type(e->args[i]);
		if (t != NULL && strcmp(t, "N") != 0) {
			expr_eval_fault(f, EF_FUNCTION, "Incorrect operand "
			    "type for operator or function; operator or "
			    "function: %s, operand type: %s",
			    expr_eval_kind_name(e->kind), t);
			return;
		}
	}
}

/* A new target path against the ones before it. */
static void
expr_eval_check_paths(struct expr_eval_faults *f, const struct path *one,
    const struct path *two)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	size_t i;

	for (i = 0; i < one->n && i < two->n; i++) {
		const struct path_seg *x = &one->segs[i], *y = &two->segs[i];

		if ((x->name == NULL) != (y->name == NULL)) {
			expr_eval_path_str(one, &a);
			expr_eval_path_str(two, &b);
			expr_eval_fault(f, EF_PATH_CONFLICT, "Two document "
			    "paths conflict with each other; must remove or "
			    "rewrite one of these paths; path one: %s, path "
			    "two: %s", buf_cstr(&a), buf_cstr(&b));
			goto out;
		}
		if (x->name == NULL ? x->index != y->index :
		    x->name_len != y->name_len ||
		    memcmp(x->name, y->name, x->name_len) != 0)
			return;
	}
	expr_eval_path_str(one, &a);
	expr_eval_path_str(two, &b);
	expr_eval_fault(f, EF_PATH_OVERLAP, "Two document paths overlap with "
	    "each other; must remove or rewrite one of these paths; path one: "
	    "%s, path two: %s", buf_cstr(&a), buf_cstr(&b));
out:
	buf_cleanup(&a);
	buf_cleanup(&b);
}

/* The operand of ADD or DELETE: a literal number (ADD only) or set. */
static void
expr_eval_check_action_operand(struct expr_eval_faults *f,
    enum update_action action, const struct expr *e)
{
	static const char *const words[VT_COUNT] = {
		[VT_S] = "STRING", [VT_N] = "NUMBER", [VT_B] = "BINARY",
		[VT_NULL] = "NULL", [VT_BOOL] = "BOOLEAN", [VT_L] = "LIST",
		[VT_M] = "MAP",
	};
	const char *verb = action == UPD_ADD ? "ADD" : "DELETE";
	enum value_type t;

	if (e == NULL || e->kind != EX_VALUE) {
		expr_eval_fault(f, EF_SYNTAX, "Syntax error; %s takes a value",
		    verb);
		return;
	}
	t = e->value->type;
	if (words[t] != NULL && !(action == UPD_ADD && t == VT_N))
		expr_eval_fault(f, EF_ACTION_OPERAND, "Incorrect operand type "
		    "for operator or function; operator: %s, operand type: %s",
		    verb, words[t]);
}

int
expr_eval_update_check(const struct update *u, struct err *err)
{
	struct expr_eval_faults f;
	const struct path **seen;
	size_t k, i, j, nseen = 0;

	expr_eval_faults_init(&f);
	seen = xcalloc(u->n + 1, sizeof *seen);
	for (k = 0; k < 4; k++) {
		for (i = 0; i < u->n; i++) {
			const struct update_clause *c = &u->clauses[i];

			if (c->action != expr_eval_action_order[k])
				continue;
			if (c->action == UPD_SET) {
				if (c->operand == NULL)
					expr_eval_fault(&f, EF_SYNTAX, "Syntax "
					    "error; SET needs a value");
				else
					expr_eval_check_set_value(&f,
					    c->operand);
			} else if (c->action != UPD_REMOVE)
				expr_eval_check_action_operand(&f, c->action,
				    c->operand);
			if (!expr_eval_path_ok(&c->path)) {
				expr_eval_fault(&f, EF_SYNTAX, "Syntax error; "
				    "a document path must start with an "
				    "attribute name");
				continue;
			}
			/* After the first overlap DynamoDB stops looking. */
			if (f.msg[EF_PATH_OVERLAP][0] != '\0')
				continue;
			for (j = 0; j < nseen; j++) {
				expr_eval_check_paths(&f, seen[j], &c->path);
				if (f.msg[EF_PATH_OVERLAP][0] != '\0')
					break;
			}
			if (j == nseen)
				seen[nseen++] = &c->path;
		}
	}
	free(seen);
	return expr_eval_faults_report(&f, expr_eval_update_order,
	    sizeof expr_eval_update_order / sizeof expr_eval_update_order[0],
	    "UpdateExpression", err);
}

/* ------------------------------------------------------------------ */
/* Applying update expressions */

/* A list change that waits for the end, so that every index names an
 * element of the list as it was: a removal (v NULL) or an element set
 * past the end (appended in index order). */
struct expr_eval_pending {
	struct value	*list;		/* borrowed from the working item */
	long		 index;
	struct value	*v;		/* owned; NULL for a removal */
};

struct expr_eval_apply {
	struct value			*item;	/* the working copy, owned */
	struct expr_eval_pending	*ops;
	size_t				 nops, cap;
};

/* Queue a list change (takes ownership of v). */
static void
expr_eval_pend(struct expr_eval_apply *a, struct value *list, long index,
    struct value *v)
{
	if (a->nops == a->cap) {
		a->cap = a->cap != 0 ? a->cap * 2 : 8;
		a->ops = xreallocarray(a->ops, a->cap, sizeof *a->ops);
	}
	a->ops[a->nops].list = list;
	a->ops[a->nops].index = index;
	a->ops[a->nops].v = v;
	a->nops++;
}

/* An owned number value from a buffer's text. */
static struct value *
expr_eval_number_from(struct buf *b)
{
	size_t len;
	char *p = buf_detach(b, &len);

	return value_new_owned(VT_N, p, len);
}

/* a + b (or a - b) into *out, with DynamoDB's words for what does not
 * fit in a number. */
static int
expr_eval_add_numbers(const struct value *a, const struct value *b,
    bool minus, struct value **out, struct err *err)
{
	struct buf sum = BUF_INIT;
	struct err nerr;

	err_clear(&nerr);
	if (number_check(a->u.str.ptr, a->u.str.len, &nerr) != 0 ||
	    number_check(b->u.str.ptr, b->u.str.len, &nerr) != 0)
		return expr_eval_fail(err, "%s", nerr.msg);
	if (number_add(a->u.str.ptr, a->u.str.len, b->u.str.ptr,
	    b->u.str.len, minus, &sum, &nerr) != 0) {
		buf_cleanup(&sum);
		/* number.c says which limit the result broke. */
		if (strstr(nerr.msg, "too large") != NULL)
			return expr_eval_fail(err, "Number overflow. "
			    "Attempting to store a number with magnitude "
			    "larger than supported range");
		if (strstr(nerr.msg, "too small") != NULL)
			return expr_eval_fail(err, "Number underflow. "
			    "Attempting to store a number with magnitude "
			    "smaller than supported range");
		return expr_eval_fail(err, "Attempting to store more than 38 "
		    "significant digits in a Number");
	}
	*out = expr_eval_number_from(&sum);
	return 0;
}

/* The value of a SET operand against the original item (owned copy). */
static int
expr_eval_set_value(const struct expr *e, const struct value *orig,
    struct value **out, struct err *err)
{
	const struct value *v;
	struct value *a = NULL, *b = NULL;
	size_t i;
	int rc = -1;

	*out = NULL;
	switch (e->kind) {
	case EX_PATH:
		v = expr_eval_path(&e->path, orig);
		if (v == NULL)
			return expr_eval_fail(err, "%s", expr_eval_no_attr);
		*out = value_copy(v);
		return 0;
	case EX_VALUE:
		*out = value_copy(e->value);
		return 0;
	case EX_IF_NOT_EXISTS:
		v = expr_eval_path(&e->args[0]->path, orig);
		if (v != NULL) {
			*out = value_copy(v);
			return 0;
		}
		return expr_eval_set_value(e->args[1], orig, out, err);
	case EX_LIST_APPEND:
	case EX_PLUS:
	case EX_MINUS:
		break;
	default:
		return expr_eval_fail(err, "Syntax error; %s cannot be an "
		    "operand of SET", expr_eval_kind_name(e->kind));
	}

	/* Each operand is checked before the next is looked at. */
	if (expr_eval_set_value(e->args[0], orig, &a, err) != 0)
		goto out;
	if (a->type != (e->kind == EX_LIST_APPEND ? VT_L : VT_N)) {
		expr_eval_fail(err, "%s", expr_eval_bad_type);
		goto out;
	}
	if (expr_eval_set_value(e->args[1], orig, &b, err) != 0)
		goto out;
	if (b->type != a->type) {
		expr_eval_fail(err, "%s", expr_eval_bad_type);
		goto out;
	}
	if (e->kind != EX_LIST_APPEND) {
		rc = expr_eval_add_numbers(a, b, e->kind == EX_MINUS, out,
		    err);
		goto out;
	}
	for (i = 0; i < b->u.list.len; i++)
		value_list_append(a, b->u.list.items[i]);
	b->u.list.len = 0;
	*out = a;
	a = NULL;
	rc = 0;
out:
	value_free(a);
	value_free(b);
	return rc;
}

/* Remove a member by name (names may hold NUL); no-op when absent. */
static void
expr_eval_map_remove(struct value *m, const char *name, size_t len)
{
	size_t i;

	for (i = 0; i < m->u.map.len; i++) {
		struct value_member *mb = &m->u.map.items[i];

		if (mb->name_len != len || memcmp(mb->name, name, len) != 0)
			continue;
		free(mb->name);
		value_free(mb->value);
		memmove(mb, mb + 1, (m->u.map.len - i - 1) * sizeof *mb);
		m->u.map.len--;
		return;
	}
}

/* The parent of a clause's target, which must exist and be a map (for a
 * name) or a list (for an index); *existing is the target or NULL. */
static int
expr_eval_target(struct expr_eval_apply *a, const struct path *p,
    struct value **parent, struct value **existing, struct err *err)
{
	const struct path_seg *last = &p->segs[p->n - 1];
	struct value *par = expr_eval_walk(p, p->n - 1, a->item);

	*parent = par;
	*existing = NULL;
	if (par == NULL || par->type != (last->name != NULL ? VT_M : VT_L))
		return expr_eval_fail(err, "%s", expr_eval_bad_path);
	if (last->name != NULL)
		*existing = value_map_getn(par, last->name, last->name_len);
	else if ((size_t)last->index < par->u.list.len)
		*existing = par->u.list.items[last->index];
	return 0;
}

/* Put v (owned) at the target: a member, an element, or an append. */
static void
expr_eval_put(struct expr_eval_apply *a, struct value *parent,
    const struct path_seg *last, struct value *v)
{
	if (last->name != NULL) {
		value_map_setn(parent, last->name, last->name_len, v);
		return;
	}
	if ((size_t)last->index < parent->u.list.len) {
		value_free(parent->u.list.items[last->index]);
		parent->u.list.items[last->index] = v;
		return;
	}
	expr_eval_pend(a, parent, last->index, v);
}

/* Take the target away: a member now, a list element at the end. */
static void
expr_eval_drop(struct expr_eval_apply *a, struct value *parent,
    const struct path_seg *last)
{
	if (last->name != NULL)
		expr_eval_map_remove(parent, last->name, last->name_len);
	else if ((size_t)last->index < parent->u.list.len)
		expr_eval_pend(a, parent, last->index, NULL);
}

/* ADD: a number to a number (absent = 0), a set's elements to a set. */
static int
expr_eval_add(struct expr_eval_apply *a, const struct update_clause *c,
    struct err *err)
{
	const struct path_seg *last = &c->path.segs[c->path.n - 1];
	const struct value *v = c->operand->value;
	struct value *parent, *existing, *sum;
	size_t i;

	if (expr_eval_target(a, &c->path, &parent, &existing, err) != 0)
		return -1;
	if (existing != NULL && existing->type != v->type)
		return expr_eval_fail(err, "%s", expr_eval_bad_type);
	if (v->type == VT_N) {
		struct value zero = { .type = VT_N };

		zero.u.str.ptr = (char *)"0";
		zero.u.str.len = 1;
		if (expr_eval_add_numbers(existing != NULL ? existing : &zero,
		    v, false, &sum, err) != 0)
			return -1;
		expr_eval_put(a, parent, last, sum);
		return 0;
	}
	if (existing == NULL) {
		expr_eval_put(a, parent, last, value_copy(v));
		return 0;
	}
	for (i = 0; i < v->u.list.len; i++) {
		if (!expr_eval_set_has(existing, v->u.list.items[i]))
			value_list_append(existing,
			    value_copy(v->u.list.items[i]));
	}
	return 0;
}

/* DELETE: a set's elements from a set; an emptied set goes away. */
static int
expr_eval_delete(struct expr_eval_apply *a, const struct update_clause *c,
    struct err *err)
{
	const struct path_seg *last = &c->path.segs[c->path.n - 1];
	const struct value *v = c->operand->value;
	struct value *parent, *existing;
	size_t i, keep = 0;

	if (expr_eval_target(a, &c->path, &parent, &existing, err) != 0)
		return -1;
	if (existing == NULL)
		return 0;
	if (existing->type != v->type)
		return expr_eval_fail(err, "%s", expr_eval_bad_type);
	for (i = 0; i < existing->u.list.len; i++) {
		struct value *x = existing->u.list.items[i];

		if (expr_eval_set_has(v, x))
			value_free(x);
		else
			existing->u.list.items[keep++] = x;
	}
	existing->u.list.len = keep;
	if (keep == 0)
		expr_eval_drop(a, parent, last);
	return 0;
}

/* qsort: descending long. */
static int
expr_eval_cmp_desc(const void *pa, const void *pb)
{
	long a = *(const long *)pa, b = *(const long *)pb;

	return a < b ? 1 : a > b ? -1 : 0;
}

/* qsort: pending appends by index, ascending. */
static int
expr_eval_cmp_pending(const void *pa, const void *pb)
{
	const struct expr_eval_pending *a =
	    *(struct expr_eval_pending *const *)pa;
	const struct expr_eval_pending *b =
	    *(struct expr_eval_pending *const *)pb;

	return a->index < b->index ? -1 : a->index > b->index ? 1 : 0;
}

/* Carry out the waiting list changes, list by list: removals by the
 * original indexes, then appends in index order. */
static void
expr_eval_settle(struct expr_eval_apply *a)
{
	struct expr_eval_pending **adds;
	long *dels;
	size_t i, j, nd, na;

	dels = xcalloc(a->nops + 1, sizeof *dels);
	adds = xcalloc(a->nops + 1, sizeof *adds);
	for (i = 0; i < a->nops; i++) {
		struct value *l = a->ops[i].list;

		for (j = 0; j < i; j++) {
			if (a->ops[j].list == l)
				break;
		}
		if (j < i)
			continue;	/* that list is done */
		nd = na = 0;
		for (j = i; j < a->nops; j++) {
			if (a->ops[j].list != l)
				continue;
			if (a->ops[j].v == NULL)
				dels[nd++] = a->ops[j].index;
			else
				adds[na++] = &a->ops[j];
		}
		qsort(dels, nd, sizeof *dels, expr_eval_cmp_desc);
		for (j = 0; j < nd; j++) {
			size_t ix = (size_t)dels[j];

			if ((j > 0 && dels[j] == dels[j - 1]) ||
			    ix >= l->u.list.len)
				continue;
			value_free(l->u.list.items[ix]);
			memmove(&l->u.list.items[ix], &l->u.list.items[ix + 1],
			    (l->u.list.len - ix - 1) *
			    sizeof *l->u.list.items);
			l->u.list.len--;
		}
		qsort(adds, na, sizeof *adds, expr_eval_cmp_pending);
		for (j = 0; j < na; j++) {
			value_list_append(l, adds[j]->v);
			adds[j]->v = NULL;
		}
	}
	free(dels);
	free(adds);
}

/* Free what is left of an application (the copy and queued values). */
static void
expr_eval_apply_cleanup(struct expr_eval_apply *a)
{
	size_t i;

	for (i = 0; i < a->nops; i++)
		value_free(a->ops[i].v);
	free(a->ops);
	value_free(a->item);
}

int
expr_eval_update(const struct update *u, struct value **item,
    struct err *err)
{
	struct expr_eval_apply a = { NULL, NULL, 0, 0 };
	const struct value *orig = *item;
	struct value **vals, *parent, *existing;
	size_t k, i;
	int rc = -1;

	if (orig != NULL && orig->type != VT_M)
		return expr_eval_fail(err, "the item is not a map");
	if (expr_eval_update_check(u, err) != 0)
		return -1;
	vals = xcalloc(u->n + 1, sizeof *vals);

	/* Every SET operand sees the item as it was. */
	for (i = 0; i < u->n; i++) {
		if (u->clauses[i].action == UPD_SET &&
		    expr_eval_set_value(u->clauses[i].operand, orig, &vals[i],
		    err) != 0)
			goto out;
	}

	a.item = orig != NULL ? value_copy(orig) : value_new_m();
	for (k = 0; k < 4; k++) {
		for (i = 0; i < u->n; i++) {
			const struct update_clause *c = &u->clauses[i];
			const struct path_seg *last;

			if (c->action != expr_eval_action_order[k])
				continue;
			last = &c->path.segs[c->path.n - 1];
			switch (c->action) {
			case UPD_SET:
				if (expr_eval_target(&a, &c->path, &parent,
				    &existing, err) != 0)
					goto out;
				expr_eval_put(&a, parent, last, vals[i]);
				vals[i] = NULL;
				break;
			case UPD_REMOVE:
				if (expr_eval_target(&a, &c->path, &parent,
				    &existing, err) != 0)
					goto out;
				if (existing != NULL)
					expr_eval_drop(&a, parent, last);
				break;
			case UPD_ADD:
				if (expr_eval_add(&a, c, err) != 0)
					goto out;
				break;
			case UPD_DELETE:
				if (expr_eval_delete(&a, c, err) != 0)
					goto out;
				break;
			}
		}
	}
	expr_eval_settle(&a);
	value_free(*item);
	*item = a.item;
	a.item = NULL;
	rc = 0;
out:
	for (i = 0; i < u->n; i++)
		value_free(vals[i]);
	free(vals);
	expr_eval_apply_cleanup(&a);
	return rc;
}

/* ------------------------------------------------------------------ */
/* Projection */

/* The parts of src that paths (all sharing the first depth segments)
 * name beyond depth; NULL when none of them resolves. */
static struct value *
expr_eval_project_node(const struct value *src, const struct path **paths,
    size_t n, size_t depth)
{
	const struct path **sub;
	struct value *out = NULL, *child;
	size_t i, j, ns;
	long *idx, ni = 0;

	for (i = 0; i < n; i++) {
		if (paths[i]->n == depth)
			return value_copy(src);
	}
	if (src->type != VT_M && src->type != VT_L)
		return NULL;
	sub = xcalloc(n, sizeof *sub);
	if (src->type == VT_M) {
		/* Members in the order the paths first name them. */
		for (i = 0; i < n; i++) {
			const struct path_seg *s = &paths[i]->segs[depth];
			const struct value *m;

			if (s->name == NULL)
				continue;
			for (j = 0; j < i; j++) {
				const struct path_seg *t =
				    &paths[j]->segs[depth];

				if (t->name != NULL && t->name_len ==
				    s->name_len && memcmp(t->name, s->name,
				    s->name_len) == 0)
					break;
			}
			if (j < i)
				continue;
			m = value_map_getn(src, s->name, s->name_len);
			if (m == NULL)
				continue;
			for (ns = 0, j = i; j < n; j++) {
				const struct path_seg *t =
				    &paths[j]->segs[depth];

				if (t->name != NULL && t->name_len ==
				    s->name_len && memcmp(t->name, s->name,
				    s->name_len) == 0)
					sub[ns++] = paths[j];
			}
			child = expr_eval_project_node(m, sub, ns, depth + 1);
			if (child == NULL)
				continue;
			if (out == NULL)
				out = value_new_m();
			value_map_setn(out, s->name, s->name_len, child);
		}
		free(sub);
		return out;
	}
	/* Elements in index order, whatever the order of the paths. */
	idx = xcalloc(n, sizeof *idx);
	for (i = 0; i < n; i++) {
		if (paths[i]->segs[depth].name == NULL)
			idx[ni++] = paths[i]->segs[depth].index;
	}
	qsort(idx, (size_t)ni, sizeof *idx, expr_eval_cmp_desc);
	for (i = (size_t)ni; i-- > 0;) {
		long ix = idx[i];

		if ((i + 1 < (size_t)ni && idx[i + 1] == ix) || ix < 0 ||
		    (size_t)ix >= src->u.list.len)
			continue;
		for (ns = 0, j = 0; j < n; j++) {
			if (paths[j]->segs[depth].name == NULL &&
			    paths[j]->segs[depth].index == ix)
				sub[ns++] = paths[j];
		}
		child = expr_eval_project_node(src->u.list.items[ix], sub, ns,
		    depth + 1);
		if (child == NULL)
			continue;
		if (out == NULL)
			out = value_new_l();
		value_list_append(out, child);
	}
	free(idx);
	free(sub);
	return out;
}

struct value *
expr_eval_project(const struct path *paths, size_t n,
    const struct value *item)
{
	const struct path **list;
	struct value *out;
	size_t i, m = 0;

	if (item == NULL || item->type != VT_M || n == 0)
		return value_new_m();
	list = xcalloc(n, sizeof *list);
	for (i = 0; i < n; i++) {
		if (expr_eval_path_ok(&paths[i]))
			list[m++] = &paths[i];
	}
	out = m > 0 ? expr_eval_project_node(item, list, m, 0) : NULL;
	free(list);
	return out != NULL ? out : value_new_m();
}

/* ------------------------------------------------------------------ */
/* Item size */

/*
 * A number's size as DynamoDB (and dynalite) counts it: 1 for zero, else
 * 1 + ceil(digits / 2), one more when the significant digits are even in
 * number and start at an even power of ten, one more for a minus sign.
 */
static size_t
expr_eval_number_size(const char *text, size_t len)
{
	struct buf c = BUF_INIT;
	const char *p, *dot, *end;
	size_t n = 0, size, z;
	long e;
	bool neg;

	number_canonical(text, len, &c);
	p = buf_cstr(&c);
	neg = *p == '-';
	if (neg)
		p++;
	end = p + strlen(p);
	if (strchr(p, 'e') != NULL || strchr(p, 'E') != NULL ||
	    strcmp(p, "0") == 0 || *p == '\0') {
		/* Zero, or a number outside DynamoDB's range: count roughly. */
		for (; p < end; p++)
			n += *p >= '1' && *p <= '9';
		buf_cleanup(&c);
		if (n == 0)
			return 1;
		return 1 + (n + 1) / 2 + (neg ? 1 : 0);
	}
	dot = strchr(p, '.');
	if (dot == NULL)
		dot = end;
	if (!(dot - p == 1 && *p == '0')) {
		/* Integer part: digits from p, first worth 10^(dot-p-1). */
		e = (long)(dot - p) - 1;
		n = (size_t)(dot - p);
		if (dot < end)
			n += (size_t)(end - dot - 1);
		else
			while (n > 1 && p[n - 1] == '0')
				n--;
	} else {
		/* 0.000ddd */
		for (z = 0; dot + 1 + z < end && dot[1 + z] == '0'; z++)
			continue;
		e = -(long)z - 1;
		n = (size_t)(end - (dot + 1)) - z;
	}
	buf_cleanup(&c);
	size = 1 + (n + 1) / 2;
	if (n % 2 == 0 && e % 2 == 0)
		size++;
	if (neg)
		size++;
	return size;
}

/* A value's size; with bound, a number counts its text's length plus
 * two, never less than its size (below), without canonicalising it. */
static size_t
expr_eval_value_size(const struct value *v, bool bound)
{
	size_t i, size;

	switch (v->type) {
	case VT_S:
	case VT_B:
		return v->u.str.len;
	case VT_N:
		if (bound)
			return v->u.str.len + 2;
		return expr_eval_number_size(v->u.str.ptr, v->u.str.len);
	case VT_BOOL:
	case VT_NULL:
		return 1;
	case VT_SS:
	case VT_NS:
	case VT_BS:
		size = 0;
		for (i = 0; i < v->u.list.len; i++)
			size += expr_eval_value_size(v->u.list.items[i], bound);
		return size;
	case VT_L:
		size = 3;
		for (i = 0; i < v->u.list.len; i++)
			size += 1 + expr_eval_value_size(v->u.list.items[i],
			    bound);
		return size;
	case VT_M:
		size = 3 + v->u.map.len;
		for (i = 0; i < v->u.map.len; i++)
			size += v->u.map.items[i].name_len +
			    expr_eval_value_size(v->u.map.items[i].value,
			    bound);
		return size;
	default:
		return 0;
	}
}

/* The size of an item's attributes, or its bound. */
static size_t
expr_eval_attrs_size(const struct value *item, bool bound)
{
	size_t i, size = 0;

	if (item == NULL || item->type != VT_M)
		return 0;
	for (i = 0; i < item->u.map.len; i++)
		size += item->u.map.items[i].name_len +
		    expr_eval_value_size(item->u.map.items[i].value, bound);
	return size;
}

size_t
expr_eval_item_size(const struct value *item)
{
	return expr_eval_attrs_size(item, false);
}

size_t
expr_eval_item_size_bound(const struct value *item)
{
	return expr_eval_attrs_size(item, true);
}
