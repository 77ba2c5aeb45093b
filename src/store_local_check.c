/* SPDX-License-Identifier: ISC */
/* The embedded store's checks of a request, as DynamoDB makes and words
 * them: errors, numbers, attribute values, expressions. */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "buf.h"
#include "expr_eval.h"
#include "number.h"
#include "store_local_private.h"
#include "xmalloc.h"

/* ---- errors ---------------------------------------------------------- */

/* The code src/awsclient.c gives a DynamoDB error name, so callers cannot
 * tell the stores apart. */
static enum err_code
store_local_code(const char *type)
{
	if (strcmp(type, "ConditionalCheckFailedException") == 0)
		return ERR_CONFLICT;
	if (strcmp(type, "ResourceNotFoundException") == 0)
		return ERR_NOT_FOUND;
	return ERR_SERVICE;
}

/* Record a DynamoDB error as awsclient records one: "Type: message". */
static int
store_local_vfail(struct err *e, const char *type, const char *fmt,
    va_list ap)
{
	char msg[sizeof e->msg];
	size_t i;

	if (e == NULL)
		return -1;
	vsnprintf(msg, sizeof msg, fmt, ap);
	err_set(e, store_local_code(type), "%s: %s", type, msg);
	/* As awsclient_clean: no control characters in messages. */
	for (i = 0; e->msg[i] != '\0'; i++)
		if ((unsigned char)e->msg[i] < 0x20 || e->msg[i] == 0x7f)
			e->msg[i] = ' ';
	snprintf(e->aws_type, sizeof e->aws_type, "%s", type);
	e->http_status = 400;
	/* A refusal: the request's transaction is rolled back. */
	e->applied = ERR_APPLIED_NO;
	return -1;
}

/* A DynamoDB error of the given type. */
int
store_local_fail(struct err *e, const char *type, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	store_local_vfail(e, type, fmt, ap);
	va_end(ap);
	return -1;
}

/* A ValidationException. */
int
store_local_invalid(struct err *e, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	store_local_vfail(e, "ValidationException", fmt, ap);
	va_end(ap);
	return -1;
}

/* Turn an expr_eval error (ERR_INPUT, DynamoDB's words) into the error
 * DynamoDB would send, with prefix in front of its message. */
int
store_local_adopt(struct err *e, const char *prefix)
{
	char msg[sizeof e->msg], type[sizeof e->aws_type];
	const char *m;
	size_t tl;

	if (e == NULL)
		return -1;
	if (e->code != ERR_INPUT && e->aws_type[0] == '\0')
		return -1;
	snprintf(type, sizeof type, "%s", e->aws_type[0] != '\0' ?
	    e->aws_type : "ValidationException");
	memcpy(msg, e->msg, sizeof msg);
	m = msg;
	tl = strlen(type);
	if (strncmp(m, type, tl) == 0 && m[tl] == ':' && m[tl + 1] == ' ')
		m += tl + 2;
	if (strncmp(m, prefix, strlen(prefix)) == 0)
		prefix = "";
	return store_local_fail(e, type, "%s%s", prefix, m);
}

/* Append user text for a message, cut at STORE_LOCAL_QUOTE_MAX bytes. */
void
store_local_quote(struct buf *b, const char *s, size_t len)
{
	if (len > STORE_LOCAL_QUOTE_MAX) {
		buf_add(b, s, STORE_LOCAL_QUOTE_MAX);
		buf_adds(b, "...");
	} else
		buf_add(b, s, len);
}

/* DynamoDB's [a, b, [2]] form of a document path in messages. */
static void
store_local_path_str(const struct path *p, struct buf *b)
{
	size_t i;

	buf_addc(b, '[');
	for (i = 0; i < p->n; i++) {
		if (i > 0)
			buf_adds(b, ", ");
		if (p->segs[i].name != NULL)
			store_local_quote(b, p->segs[i].name,
			    p->segs[i].name_len);
		else
			buf_printf(b, "[%ld]", p->segs[i].index);
	}
	buf_addc(b, ']');
}

/* A scalar as DynamoDB's messages show it: S as is, N canonical, B in
 * base64. */
static void
store_local_scalar_str(const struct value *v, struct buf *b)
{
	struct buf t = BUF_INIT;

	switch (v->type) {
	case VT_S:
		store_local_quote(b, v->u.str.ptr, v->u.str.len);
		break;
	case VT_N:
		number_canonical(v->u.str.ptr, v->u.str.len, b);
		break;
	case VT_B:
		base64_encode(&t, v->u.str.ptr, v->u.str.len);
		store_local_quote(b, buf_cstr(&t), t.len);
		buf_cleanup(&t);
		break;
	case VT_BOOL:
		buf_adds(b, v->u.boolean ? "true" : "false");
		break;
	default:
		buf_adds(b, value_type_name(v->type));
		break;
	}
}

/* ---- numbers --------------------------------------------------------- */

/* Parse a number's sign, significant digits and exponent; -1 when the
 * text is not a number. */
int
store_local_num_parse(const char *t, size_t len, struct store_local_num *n)
{
	size_t i = 0, pos = 0, intlen = 0, first = SIZE_MAX, last = 0;
	long long x = 0;
	bool point = false, eneg = false;

	n->neg = false;
	if (i < len && (t[i] == '-' || t[i] == '+'))
		n->neg = t[i++] == '-';
	for (; i < len; i++) {
		if (t[i] == '.' && !point) {
			point = true;
			continue;
		}
		if (t[i] < '0' || t[i] > '9')
			break;
		if (!point)
			intlen++;
		if (t[i] != '0') {
			if (first == SIZE_MAX)
				first = pos;
			last = pos;
		}
		pos++;
	}
	if (pos == 0)
		return -1;
	if (i < len && (t[i] == 'e' || t[i] == 'E')) {
		i++;
		if (i < len && (t[i] == '-' || t[i] == '+'))
			eneg = t[i++] == '-';
		if (i == len || t[i] < '0' || t[i] > '9')
			return -1;
		for (; i < len && t[i] >= '0' && t[i] <= '9'; i++)
			if (x < 1000000000000LL)
				x = x * 10 + (t[i] - '0');
	}
	if (i != len)
		return -1;
	if (first == SIZE_MAX) {
		n->neg = false;
		n->digits = 0;
		n->e = 0;
		return 0;
	}
	n->digits = last - first + 1;
	n->e = (long long)intlen - 1 - (long long)first + (eneg ? -x : x);
	return 0;
}

/* DynamoDB's check of a number (checkNum); false with the message. */
static bool
store_local_number_ok(const char *t, size_t len, struct buf *why)
{
	struct store_local_num n;

	if (len == 0) {
		buf_adds(why, "The parameter cannot be converted to a numeric "
		    "value");
		return false;
	}
	if (number_check(t, len, NULL) == 0)
		return true;
	if (store_local_num_parse(t, len, &n) == 0 && n.e > 125)
		buf_adds(why, "Number overflow. Attempting to store a number "
		    "with magnitude larger than supported range");
	else if (store_local_num_parse(t, len, &n) == 0 && n.e < -130)
		buf_adds(why, "Number underflow. Attempting to store a number "
		    "with magnitude smaller than supported range");
	else if (store_local_num_parse(t, len, &n) == 0 && n.digits > 38)
		buf_adds(why, "Attempting to store more than 38 significant "
		    "digits in a Number");
	else {
		buf_adds(why, "The parameter cannot be converted to a numeric "
		    "value: ");
		store_local_quote(why, t, len);
	}
	return false;
}

/* ---- attribute values ------------------------------------------------ */

/* qsort order of set elements by bytes. */
static int
store_local_qsort_bytes(const void *pa, const void *pb)
{
	const struct value *a = *(const struct value *const *)pa;
	const struct value *b = *(const struct value *const *)pb;
	size_t n = a->u.str.len < b->u.str.len ? a->u.str.len : b->u.str.len;
	int c = memcmp(a->u.str.ptr, b->u.str.ptr, n);

	if (c != 0)
		return c;
	return a->u.str.len < b->u.str.len ? -1 : a->u.str.len > b->u.str.len;
}

/* qsort order of NS elements by value. */
static int
store_local_qsort_number(const void *pa, const void *pb)
{
	const struct value *a = *(const struct value *const *)pa;
	const struct value *b = *(const struct value *const *)pb;

	return number_cmp(a->u.str.ptr, a->u.str.len, b->u.str.ptr,
	    b->u.str.len);
}

/* Whether a set holds two equal elements (numbers by value). */
static bool
store_local_set_has_dup(const struct value *set)
{
	const struct value **v;
	size_t i, n = set->u.list.len;
	bool dup = false;
	int (*cmp)(const void *, const void *) = set->type == VT_NS ?
	    store_local_qsort_number : store_local_qsort_bytes;

	if (n < 2)
		return false;
	v = xreallocarray(NULL, n, sizeof *v);
	for (i = 0; i < n; i++)
		v[i] = set->u.list.items[i];
	qsort(v, n, sizeof *v, cmp);
	for (i = 1; i < n && !dup; i++)
		dup = cmp(&v[i - 1], &v[i]) == 0;
	free(v);
	return dup;
}

/* A set's elements as DynamoDB lists them in messages: [a, b]. */
static void
store_local_set_str(const struct value *set, struct buf *b)
{
	size_t i;

	buf_addc(b, '[');
	for (i = 0; i < set->u.list.len && b->len < 600; i++) {
		if (i > 0)
			buf_adds(b, ", ");
		store_local_scalar_str(set->u.list.items[i], b);
	}
	buf_addc(b, ']');
}

/* DynamoDB's check of one attribute value (validateAttributeValue): false
 * with its message in why. */
static bool
store_local_value_ok(const struct value *v, struct buf *why)
{
	size_t i;

	switch (v->type) {
	case VT_N:
		return store_local_number_ok(v->u.str.ptr, v->u.str.len, why);
	case VT_SS:
	case VT_NS:
	case VT_BS:
		if (v->u.list.len == 0) {
			buf_adds(why, "One or more parameter values were "
			    "invalid: ");
			buf_adds(why, v->type == VT_SS ? "An string set  may "
			    "not be empty" : v->type == VT_NS ? "An number set "
			    " may not be empty" : "Binary sets should not be "
			    "empty");
			return false;
		}
		for (i = 0; i < v->u.list.len; i++) {
			const struct value *x = v->u.list.items[i];

			if (x->type != (v->type == VT_SS ? VT_S : v->type ==
			    VT_NS ? VT_N : VT_B)) {
				buf_printf(why, "One or more parameter values "
				    "were invalid: %s element is of type %s",
				    value_type_name(v->type),
				    value_type_name(x->type));
				return false;
			}
			if (v->type == VT_NS && !store_local_number_ok(
			    x->u.str.ptr, x->u.str.len, why))
				return false;
		}
		if (!store_local_set_has_dup(v))
			return true;
		if (v->type == VT_NS) {
			buf_adds(why, "Input collection contains duplicates");
			return false;
		}
		buf_adds(why, "One or more parameter values were invalid: "
		    "Input collection ");
		store_local_set_str(v, why);
		buf_adds(why, v->type == VT_SS ? " contains duplicates." :
		    "of type BS contains duplicates.");
		return false;
	case VT_M:
		for (i = 0; i < v->u.map.len; i++)
			if (!store_local_value_ok(v->u.map.items[i].value, why))
				return false;
		return true;
	case VT_L:
		for (i = 0; i < v->u.list.len; i++)
			if (!store_local_value_ok(v->u.list.items[i], why))
				return false;
		return true;
	default:
		return true;
	}
}

/* Check every attribute of an item or key; ValidationException with
 * prefix in front of DynamoDB's message. */
int
store_local_check_values(const struct value *m, const char *prefix,
    struct err *e)
{
	struct buf why = BUF_INIT;
	int rc = 0;

	if (m->type != VT_M)
		return store_local_invalid(e, "%sexpected a map of attributes",
		    prefix);
	if (!store_local_value_ok(m, &why)) {
		/* DynamoDB keeps the prefix off these, for its own reasons. */
		if (strstr(buf_cstr(&why), "contains duplicates") != NULL ||
		    strstr(buf_cstr(&why), "numeric value") != NULL ||
		    strstr(buf_cstr(&why), "significant digits") != NULL ||
		    strstr(buf_cstr(&why), "number with magnitude") != NULL ||
		    strstr(buf_cstr(&why), "number set") != NULL)
			prefix = "";
		rc = store_local_invalid(e, "%s%s", prefix, buf_cstr(&why));
	}
	buf_cleanup(&why);
	return rc;
}

/* Walk the values of an expression in the order expr_render numbers
 * them (:v0, :v1, ...), checking each. */
static bool
store_local_expr_values_ok(const struct expr *x, size_t *nv, struct buf *why)
{
	size_t i;

	if (x == NULL)
		return true;
	if (x->kind == EX_VALUE) {
		if (!store_local_value_ok(x->value, why)) {
			buf_printf(why, " for key :v%zu", *nv);
			return false;
		}
		(*nv)++;
		return true;
	}
	for (i = 0; i < x->nargs; i++)
		if (!store_local_expr_values_ok(x->args[i], nv, why))
			return false;
	return true;
}

/* The ExpressionAttributeValues check: every value of the request's
 * expressions, in the order the wire form lists them. */
int
store_local_check_expr_values(const struct request *rq, struct err *e)
{
	static const enum update_action order[] = {
		UPD_SET, UPD_REMOVE, UPD_ADD, UPD_DELETE
	};
	struct buf why = BUF_INIT;
	size_t nv = 0, k, i;
	bool ok = true;

	if (rq->op == OP_UPDATE_ITEM) {
		for (k = 0; k < 4 && ok; k++)
			for (i = 0; i < rq->update.n && ok; i++)
				if (rq->update.clauses[i].action == order[k])
					ok = store_local_expr_values_ok(
					    rq->update.clauses[i].operand, &nv,
					    &why);
	}
	if (ok && (rq->op == OP_QUERY || rq->op == OP_SCAN)) {
		if (rq->op == OP_QUERY)
			ok = store_local_expr_values_ok(rq->key_condition,
			    &nv, &why);
		if (ok)
			ok = store_local_expr_values_ok(rq->filter, &nv, &why);
	}
	if (ok && (rq->op == OP_PUT_ITEM || rq->op == OP_UPDATE_ITEM ||
	    rq->op == OP_DELETE_ITEM))
		ok = store_local_expr_values_ok(rq->condition, &nv, &why);
	if (!ok)
		store_local_invalid(e, "ExpressionAttributeValues contains "
		    "invalid value: %s", buf_cstr(&why));
	buf_cleanup(&why);
	return ok ? 0 : -1;
}

/* ---- static checks of expressions ------------------------------------ */

/* Two path segments name the same thing. */
static bool
store_local_seg_equal(const struct path_seg *a, const struct path_seg *b)
{
	if (a->name == NULL || b->name == NULL)
		return a->name == NULL && b->name == NULL &&
		    a->index == b->index;
	return a->name_len == b->name_len &&
	    memcmp(a->name, b->name, a->name_len) == 0;
}

/* DynamoDB's check that no two document paths of a projection or of an
 * update's targets overlap ("a" and "a.b") or conflict ("a.b", "a[0]"). */
static int
store_local_check_paths(const struct path *const *p, size_t n,
    const char *prefix, struct err *e)
{
	const struct path *c1 = NULL, *c2 = NULL, *o1 = NULL, *o2 = NULL;
	struct buf a = BUF_INIT, b = BUF_INIT;
	size_t i, j, k;
	int rc = 0;

	for (j = 1; j < n && o1 == NULL; j++) {
		for (i = 0; i < j; i++) {
			bool differ = false;

			for (k = 0; k < p[i]->n && k < p[j]->n; k++) {
				const struct path_seg *s = &p[i]->segs[k];
				const struct path_seg *t = &p[j]->segs[k];

				if ((s->name == NULL) != (t->name == NULL)) {
					c1 = p[i];
					c2 = p[j];
					differ = true;
					break;
				}
				if (!store_local_seg_equal(s, t)) {
					differ = true;
					break;
				}
			}
			if (!differ) {
				o1 = p[i];
				o2 = p[j];
				break;
			}
		}
	}
	if (o1 != NULL || c1 != NULL) {
		store_local_path_str(o1 != NULL ? o1 : c1, &a);
		store_local_path_str(o1 != NULL ? o2 : c2, &b);
		rc = store_local_invalid(e, "%sTwo document paths %s with each "
		    "other; must remove or rewrite one of these paths; path "
		    "one: %s, path two: %s", prefix, o1 != NULL ? "overlap" :
		    "conflict", buf_cstr(&a), buf_cstr(&b));
	}
	buf_cleanup(&a);
	buf_cleanup(&b);
	return rc;
}

/* The name DynamoDB's messages give a function node; NULL for others. */
const char *
store_local_function_name(enum expr_kind k)
{
	switch (k) {
	case EX_BEGINS_WITH:
		return "begins_with";
	case EX_CONTAINS:
		return "contains";
	case EX_EXISTS:
		return "attribute_exists";
	case EX_NOT_EXISTS:
		return "attribute_not_exists";
	case EX_ATTR_TYPE:
		return "attribute_type";
	case EX_SIZE:
		return "size";
	case EX_IF_NOT_EXISTS:
		return "if_not_exists";
	case EX_LIST_APPEND:
		return "list_append";
	default:
		return NULL;
	}
}

/* The operator text of a comparison. */
const char *
store_local_cmp_name(enum expr_kind k)
{
	switch (k) {
	case EX_EQ:
		return "=";
	case EX_NE:
		return "<>";
	case EX_LT:
		return "<";
	case EX_LE:
		return "<=";
	case EX_GT:
		return ">";
	case EX_GE:
		return ">=";
	default:
		return "?";
	}
}

/* Order two scalars of one type as DynamoDB does; 0 for other types. */
int
store_local_scalar_cmp(const struct value *a, const struct value *b)
{
	size_t n;
	int c;

	if (a->type == VT_N)
		return number_cmp(a->u.str.ptr, a->u.str.len, b->u.str.ptr,
		    b->u.str.len);
	if (a->type != VT_S && a->type != VT_B)
		return 0;
	n = a->u.str.len < b->u.str.len ? a->u.str.len : b->u.str.len;
	c = memcmp(a->u.str.ptr, b->u.str.ptr, n);
	if (c != 0)
		return c;
	return a->u.str.len < b->u.str.len ? -1 : a->u.str.len > b->u.str.len;
}

/* What DynamoDB refuses in a condition, filter or key condition before
 * reading any item (param: "ConditionExpression", ...). */
int
store_local_check_cond(const struct expr *x, const char *param,
    struct err *e)
{
	if (x != NULL && expr_eval_check(x, param, e) == -1)
		return store_local_adopt(e, "");
	return 0;
}

/* What DynamoDB refuses in an update expression before reading the
 * item. */
int
store_local_check_update(const struct update *u, struct err *e)
{
	if (expr_eval_update_check(u, e) == -1)
		return store_local_adopt(e, "");
	return 0;
}

/* The projection's paths may not overlap. */
int
store_local_check_projection(const struct request *rq, struct err *e)
{
	const struct path **paths;
	size_t i;
	int rc;

	if (rq->nprojection < 2)
		return 0;
	paths = xreallocarray(NULL, rq->nprojection, sizeof *paths);
	for (i = 0; i < rq->nprojection; i++)
		paths[i] = &rq->projection[i];
	rc = store_local_check_paths(paths, rq->nprojection,
	    "Invalid ProjectionExpression: ", e);
	free(paths);
	return rc;
}
