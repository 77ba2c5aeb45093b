/* SPDX-License-Identifier: ISC */
/* Tests for evaluating conditions, updates, projections and item sizes. */
#include "config.h"

#include <criterion/alloc.h>
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "ddbjson.h"
#include "err.h"
#include "expr.h"
#include "expr_eval.h"
#include "value.h"
#include "xmalloc.h"

/*
 * Expressions are written in a small prefix notation so that tables can
 * hold them: a DynamoDB JSON value ({"S":"x"}), a dotted path (m.l[2]),
 * or name(arg, ...) with the names below.
 */
static const struct {
	const char	*name;
	enum expr_kind	 kind;
} fn_names[] = {
	{ "eq", EX_EQ }, { "ne", EX_NE }, { "lt", EX_LT }, { "le", EX_LE },
	{ "gt", EX_GT }, { "ge", EX_GE }, { "between", EX_BETWEEN },
	{ "in", EX_IN }, { "bw", EX_BEGINS_WITH }, { "ct", EX_CONTAINS },
	{ "ex", EX_EXISTS }, { "nex", EX_NOT_EXISTS }, { "at", EX_ATTR_TYPE },
	{ "and", EX_AND }, { "or", EX_OR }, { "not", EX_NOT },
	{ "size", EX_SIZE }, { "ine", EX_IF_NOT_EXISTS },
	{ "app", EX_LIST_APPEND }, { "add", EX_PLUS }, { "sub", EX_MINUS },
};

/* An item from DynamoDB JSON text; the text must be valid. */
static struct value *
item(const char *json)
{
	struct err err;
	struct value *v;

	err_clear(&err);
	v = ddbjson_parse_item(json, strlen(json), &err);
	cr_assert_not_null(v, "bad test item %s: %s", json, err.msg);
	return v;
}

/* One value from DynamoDB JSON text ({"S":"x"}). */
static struct value *
val(const char *json, size_t len)
{
	struct buf b = BUF_INIT;
	struct value *m, *v;

	buf_adds(&b, "{\"v\":");
	buf_add(&b, json, len);
	buf_addc(&b, '}');
	m = item(buf_cstr(&b));
	v = value_map_take(m, "v");
	value_free(m);
	buf_cleanup(&b);
	return v;
}

/* Length of the JSON object at s, up to its matching brace. */
static size_t
json_span(const char *s)
{
	size_t i, depth = 0;
	bool str = false;

	for (i = 0; s[i] != '\0'; i++) {
		if (str) {
			if (s[i] == '\\' && s[i + 1] != '\0')
				i++;
			else if (s[i] == '"')
				str = false;
			continue;
		}
		if (s[i] == '"')
			str = true;
		else if (s[i] == '{' || s[i] == '[')
			depth++;
		else if ((s[i] == '}' || s[i] == ']') && --depth == 0)
			return i + 1;
	}
	cr_assert_fail("unbalanced JSON in test: %s", s);
	return 0;
}

/* Parse one expression in the test notation; advances *sp. */
static struct expr *
parse_expr(const char **sp)
{
	const char *s = *sp, *start;
	struct expr *args[8], *e;
	struct path p;
	struct err err;
	size_t i, n, nargs = 0;
	char *text;

	while (*s == ' ')
		s++;
	if (*s == '{') {
		n = json_span(s);
		e = expr_new_value(val(s, n));
		*sp = s + n;
		return e;
	}
	start = s;
	while ((*s >= 'a' && *s <= 'z') || *s == '_')
		s++;
	if (*s == '(') {
		n = (size_t)(s - start);
		for (i = 0; i < sizeof fn_names / sizeof fn_names[0]; i++) {
			if (strlen(fn_names[i].name) == n &&
			    memcmp(fn_names[i].name, start, n) == 0)
				break;
		}
		cr_assert_lt(i, sizeof fn_names / sizeof fn_names[0],
		    "unknown test function in %s", start);
		s++;
		while (*s != ')') {
			cr_assert_lt(nargs, 8u);
			args[nargs++] = parse_expr(&s);
			while (*s == ' ')
				s++;
			if (*s == ',')
				s++;
			else
				cr_assert_eq(*s, ')', "expected ) at %s", s);
		}
		*sp = s + 1;
		e = expr_new(fn_names[i].kind, 0);
		e->args = calloc(nargs, sizeof *e->args);
		cr_assert(nargs == 0 || e->args != NULL);
		memcpy(e->args, args, nargs * sizeof *args);
		e->nargs = nargs;
		return e;
	}
	s = start;
	while (*s != '\0' && *s != ',' && *s != ')' && *s != ' ')
		s++;
	text = strndup(start, (size_t)(s - start));
	err_clear(&err);
	cr_assert_eq(path_parse_dotted(&p, text, &err), 0, "bad path %s",
	    text);
	free(text);
	*sp = s;
	return expr_new_path(&p);
}

/* A whole expression in the test notation. */
static struct expr *
ex(const char *text)
{
	const char *s = text;
	struct expr *e = parse_expr(&s);

	cr_assert_eq(*s, '\0', "trailing text in %s: %s", text, s);
	return e;
}

/* A path from dotted text. */
static void
mkpath(struct path *p, const char *text)
{
	struct err err;

	err_clear(&err);
	cr_assert_eq(path_parse_dotted(p, text, &err), 0, "bad path %s", text);
}

/* Equality that also compares number text (1.5 is not 1.50 here). */
static bool
strict_equal(const struct value *a, const struct value *b)
{
	size_t i, j;

	if (a->type != b->type)
		return false;
	switch (a->type) {
	case VT_S:
	case VT_N:
	case VT_B:
		return a->u.str.len == b->u.str.len &&
		    memcmp(a->u.str.ptr, b->u.str.ptr, a->u.str.len) == 0;
	case VT_BOOL:
		return a->u.boolean == b->u.boolean;
	case VT_NULL:
		return true;
	case VT_M:
		if (a->u.map.len != b->u.map.len)
			return false;
		for (i = 0; i < a->u.map.len; i++) {
			const struct value_member *m = &a->u.map.items[i];
			const struct value *o = value_map_getn(b, m->name,
			    m->name_len);

			if (o == NULL || !strict_equal(m->value, o))
				return false;
		}
		return true;
	case VT_L:
		if (a->u.list.len != b->u.list.len)
			return false;
		for (i = 0; i < a->u.list.len; i++) {
			if (!strict_equal(a->u.list.items[i],
			    b->u.list.items[i]))
				return false;
		}
		return true;
	default:
		if (a->u.list.len != b->u.list.len)
			return false;
		for (i = 0; i < a->u.list.len; i++) {
			for (j = 0; j < b->u.list.len; j++) {
				if (strict_equal(a->u.list.items[i],
				    b->u.list.items[j]))
					break;
			}
			if (j == b->u.list.len)
				return false;
		}
		return true;
	}
}

/* DynamoDB JSON of a value, for failure messages (caller frees). */
static char *
show(const struct value *v)
{
	struct buf b = BUF_INIT;

	if (v == NULL)
		return strdup("(absent)");
	if (v->type == VT_M)
		ddbjson_emit_item(&b, v);
	else
		ddbjson_emit_value(&b, v);
	return buf_detach(&b, NULL);
}

/* Check an error: ERR_INPUT, ValidationException, the exact message. */
static void
expect_validation(const struct err *err, const char *msg, const char *what)
{
	cr_expect_eq(err->code, ERR_INPUT, "%s: code %d", what, err->code);
	cr_expect_str_eq(err->aws_type, "ValidationException", "%s", what);
	cr_expect_str_eq(err->msg, msg, "%s", what);
}

/* Free the row indexes of a parameterized table. */
static void
rows_free(struct criterion_test_params *p)
{
	cr_free(p->params);
}

/* Parameters for a table: the row indexes in memory criterion shares with
 * its workers (pointers into the table would not survive the fresh
 * processes the tests run in). */
static struct criterion_test_params
rows(size_t n)
{
	size_t *ix = cr_malloc(n * sizeof *ix), i;

	cr_assert_not_null(ix);
	for (i = 0; i < n; i++)
		ix[i] = i;
	return cr_make_param_array(size_t, ix, n, rows_free);
}

/* ------------------------------------------------------------------ */
/* Conditions */

static const char base_item[] =
    "{\"s\":{\"S\":\"hello\"},\"s2\":{\"S\":\"help\"},"
    "\"empty\":{\"S\":\"\"},\"utf\":{\"S\":\"\\u00e9t\\u00e9\"},"
    "\"n\":{\"N\":\"10\"},\"n2\":{\"N\":\"10.0\"},\"neg\":{\"N\":\"-3.5\"},"
    "\"big\":{\"N\":\"12345678901234567890123456789012345678\"},"
    "\"b\":{\"B\":\"AQID\"},\"b2\":{\"B\":\"AQI=\"},"
    "\"t\":{\"BOOL\":true},\"f\":{\"BOOL\":false},\"nul\":{\"NULL\":true},"
    "\"ss\":{\"SS\":[\"a\",\"b\"]},\"ns\":{\"NS\":[\"1\",\"2.5\"]},"
    "\"ns2\":{\"NS\":[\"2.50\",\"1\"]},\"bs\":{\"BS\":[\"AQ==\",\"Ag==\"]},"
    "\"l\":{\"L\":[{\"S\":\"x\"},{\"N\":\"1\"},"
    "{\"M\":{\"k\":{\"S\":\"v\"}}}]},"
    "\"m\":{\"M\":{\"inner\":{\"M\":{\"deep\":{\"N\":\"7\"}}},"
    "\"list\":{\"L\":[{\"S\":\"e0\"},{\"S\":\"e1\"}]}}}}";

struct cond_case {
	const char	*expr;
	int		 want;		/* 1 true, 0 false, -1 error */
	const char	*msg;		/* the error, without prefix */
	bool		 no_item;	/* evaluate against NULL */
};

static const struct cond_case cond_cases[] = {
	/* = and <>: same type and value; numbers by value; sets unordered */
	{ "eq(s, {\"S\":\"hello\"})", 1, NULL, false },
	{ "eq(s, {\"S\":\"help\"})", 0, NULL, false },
	{ "eq(s, {\"S\":\"Hello\"})", 0, NULL, false },
	{ "eq(n, {\"N\":\"10.00\"})", 1, NULL, false },
	{ "eq(n, {\"N\":\"1E1\"})", 1, NULL, false },
	{ "eq(n, {\"S\":\"10\"})", 0, NULL, false },
	{ "eq(n, n2)", 1, NULL, false },
	{ "eq(ns, ns2)", 1, NULL, false },
	{ "eq(ss, {\"SS\":[\"b\",\"a\"]})", 1, NULL, false },
	{ "eq(ss, {\"SS\":[\"b\"]})", 0, NULL, false },
	{ "eq(b, {\"B\":\"AQID\"})", 1, NULL, false },
	{ "eq(t, {\"BOOL\":true})", 1, NULL, false },
	{ "eq(t, {\"BOOL\":false})", 0, NULL, false },
	{ "eq(nul, {\"NULL\":true})", 1, NULL, false },
	{ "eq(l, {\"L\":[{\"S\":\"x\"},{\"N\":\"1.0\"},"
	  "{\"M\":{\"k\":{\"S\":\"v\"}}}]})", 1, NULL, false },
	{ "eq(l, {\"L\":[{\"N\":\"1\"},{\"S\":\"x\"},"
	  "{\"M\":{\"k\":{\"S\":\"v\"}}}]})", 0, NULL, false },
	{ "eq(m.inner, {\"M\":{\"deep\":{\"N\":\"7\"}}})", 1, NULL, false },
	{ "eq(m.inner.deep, {\"N\":\"7\"})", 1, NULL, false },
	{ "eq(m.list[1], {\"S\":\"e1\"})", 1, NULL, false },
	{ "eq(missing, {\"S\":\"x\"})", 0, NULL, false },
	{ "eq(missing, other)", 1, NULL, false },
	{ "ne(missing, other)", 0, NULL, false },
	{ "ne(missing, {\"S\":\"x\"})", 1, NULL, false },
	{ "ne(s, {\"S\":\"hello\"})", 0, NULL, false },
	{ "ne(s, {\"S\":\"x\"})", 1, NULL, false },
	{ "ne(n, {\"S\":\"10\"})", 1, NULL, false },
	{ "ne(n, {\"N\":\"10.000\"})", 0, NULL, false },
	/* < <= > >=: S and B byte-wise, N by value, else false */
	{ "lt(n, {\"N\":\"10.01\"})", 1, NULL, false },
	{ "lt(n, {\"N\":\"9.99\"})", 0, NULL, false },
	{ "lt(n, {\"N\":\"10\"})", 0, NULL, false },
	{ "le(n, {\"N\":\"10\"})", 1, NULL, false },
	{ "le(n, {\"N\":\"9\"})", 0, NULL, false },
	{ "gt(neg, {\"N\":\"-4\"})", 1, NULL, false },
	{ "gt(neg, {\"N\":\"-3.5\"})", 0, NULL, false },
	{ "ge(neg, {\"N\":\"-3.50\"})", 1, NULL, false },
	{ "ge(neg, {\"N\":\"-3\"})", 0, NULL, false },
	{ "lt(big, {\"N\":\"12345678901234567890123456789012345679\"})", 1,
	  NULL, false },
	{ "gt(big, {\"N\":\"12345678901234567890123456789012345677\"})", 1,
	  NULL, false },
	{ "lt(s, s2)", 1, NULL, false },
	{ "gt(s, {\"S\":\"hell\"})", 1, NULL, false },
	{ "lt(empty, {\"S\":\"a\"})", 1, NULL, false },
	{ "lt({\"S\":\"z\"}, {\"S\":\"\\u00e9\"})", 1, NULL, false },
	/* UTF-8 byte order, not UTF-16: U+FF46 sorts before U+1D11E */
	{ "lt({\"S\":\"\\uff46\"}, {\"S\":\"\\ud834\\udd1e\"})", 1, NULL,
	  false },
	{ "lt(b2, b)", 1, NULL, false },
	{ "gt(b, {\"B\":\"AQIE\"})", 0, NULL, false },
	{ "lt(b, {\"B\":\"/w==\"})", 1, NULL, false },
	{ "lt(n, {\"S\":\"11\"})", 0, NULL, false },
	{ "gt(s, {\"N\":\"1\"})", 0, NULL, false },
	{ "lt(missing, {\"N\":\"1\"})", 0, NULL, false },
	{ "ge(missing, {\"N\":\"1\"})", 0, NULL, false },
	{ "le(missing, other)", 0, NULL, false },
	{ "le(t, {\"BOOL\":true})", 0, NULL, false },
	{ "ge(ss, {\"SS\":[\"a\",\"b\"]})", 0, NULL, false },
	/* BETWEEN: inclusive, same type */
	{ "between(n, {\"N\":\"5\"}, {\"N\":\"10\"})", 1, NULL, false },
	{ "between(n, {\"N\":\"10\"}, {\"N\":\"20\"})", 1, NULL, false },
	{ "between(n, {\"N\":\"10.5\"}, {\"N\":\"20\"})", 0, NULL, false },
	{ "between(n, {\"N\":\"-1\"}, {\"N\":\"9.9\"})", 0, NULL, false },
	{ "between(s, {\"S\":\"a\"}, {\"S\":\"hellp\"})", 1, NULL, false },
	{ "between(s, {\"S\":\"hello\"}, {\"S\":\"hello\"})", 1, NULL, false },
	{ "between(n, {\"S\":\"a\"}, {\"S\":\"z\"})", 0, NULL, false },
	{ "between(missing, {\"N\":\"1\"}, {\"N\":\"2\"})", 0, NULL, false },
	{ "between(n, neg, n2)", 1, NULL, false },
	{ "between(n, neg, s)", 0, NULL, false },
	{ "between(b, b2, {\"B\":\"AQIE\"})", 1, NULL, false },
	{ "between(n, {\"N\":\"1.50\"}, {\"N\":\"1.5\"})", 0, NULL, false },
	/* IN */
	{ "in(s, {\"S\":\"x\"}, {\"S\":\"hello\"})", 1, NULL, false },
	{ "in(s, {\"S\":\"x\"})", 0, NULL, false },
	{ "in(n, {\"S\":\"10\"}, {\"N\":\"1E1\"})", 1, NULL, false },
	{ "in(n, {\"S\":\"10\"}, missing)", 0, NULL, false },
	{ "in(missing, {\"S\":\"x\"}, other)", 0, NULL, false },
	{ "in(ss, {\"SS\":[\"b\",\"a\"]})", 1, NULL, false },
	/* begins_with: S and B */
	{ "bw(s, {\"S\":\"hel\"})", 1, NULL, false },
	{ "bw(s, {\"S\":\"hello\"})", 1, NULL, false },
	{ "bw(s, {\"S\":\"help\"})", 0, NULL, false },
	{ "bw(s, {\"S\":\"hello!\"})", 0, NULL, false },
	{ "bw(s, {\"S\":\"\"})", 1, NULL, false },
	{ "bw(b, {\"B\":\"AQI=\"})", 1, NULL, false },
	{ "bw(b, {\"B\":\"Ag==\"})", 0, NULL, false },
	{ "bw(b, s2)", 0, NULL, false },
	{ "bw(ss, {\"S\":\"a\"})", 0, NULL, false },
	{ "bw(missing, {\"S\":\"a\"})", 0, NULL, false },
	{ "bw(s, s2)", 0, NULL, false },
	/* contains: substring, set member, list element */
	{ "ct(s, {\"S\":\"ell\"})", 1, NULL, false },
	{ "ct(s, {\"S\":\"xyz\"})", 0, NULL, false },
	{ "ct(s, {\"S\":\"\"})", 1, NULL, false },
	{ "ct(utf, {\"S\":\"t\\u00e9\"})", 1, NULL, false },
	{ "ct(ss, {\"S\":\"a\"})", 1, NULL, false },
	{ "ct(ss, {\"S\":\"c\"})", 0, NULL, false },
	{ "ct(ss, {\"N\":\"1\"})", 0, NULL, false },
	{ "ct(ns, {\"N\":\"2.50\"})", 1, NULL, false },
	{ "ct(ns, {\"N\":\"3\"})", 0, NULL, false },
	{ "ct(ns, {\"S\":\"1\"})", 0, NULL, false },
	{ "ct(bs, {\"B\":\"Ag==\"})", 1, NULL, false },
	{ "ct(bs, {\"B\":\"Aw==\"})", 0, NULL, false },
	{ "ct(b, {\"B\":\"AgM=\"})", 1, NULL, false },
	{ "ct(b, {\"B\":\"AwI=\"})", 0, NULL, false },
	{ "ct(l, {\"S\":\"x\"})", 1, NULL, false },
	{ "ct(l, {\"N\":\"1.0\"})", 1, NULL, false },
	{ "ct(l, {\"M\":{\"k\":{\"S\":\"v\"}}})", 1, NULL, false },
	{ "ct(l, {\"S\":\"y\"})", 0, NULL, false },
	{ "ct(l, {\"S\":\"1\"})", 0, NULL, false },
	{ "ct(m.list, {\"S\":\"e1\"})", 1, NULL, false },
	{ "ct(n, {\"N\":\"1\"})", 0, NULL, false },
	{ "ct(missing, {\"S\":\"a\"})", 0, NULL, false },
	{ "ct(s, missing)", 0, NULL, false },
	{ "ct(s, s2)", 0, NULL, false },
	/* attribute_exists / attribute_not_exists and paths */
	{ "ex(s)", 1, NULL, false },
	{ "ex(nul)", 1, NULL, false },
	{ "ex(missing)", 0, NULL, false },
	{ "ex(m.inner.deep)", 1, NULL, false },
	{ "ex(m.inner.nope)", 0, NULL, false },
	{ "ex(m.nope.deep)", 0, NULL, false },
	{ "ex(m.list[1])", 1, NULL, false },
	{ "ex(m.list[2])", 0, NULL, false },
	{ "ex(l[2].k)", 1, NULL, false },
	{ "ex(s[0])", 0, NULL, false },
	{ "ex(m[0])", 0, NULL, false },
	{ "ex(m.list.x)", 0, NULL, false },
	{ "nex(missing)", 1, NULL, false },
	{ "nex(s)", 0, NULL, false },
	{ "nex(m.list[5])", 1, NULL, false },
	/* attribute_type */
	{ "at(s, {\"S\":\"S\"})", 1, NULL, false },
	{ "at(n, {\"S\":\"N\"})", 1, NULL, false },
	{ "at(b, {\"S\":\"B\"})", 1, NULL, false },
	{ "at(t, {\"S\":\"BOOL\"})", 1, NULL, false },
	{ "at(nul, {\"S\":\"NULL\"})", 1, NULL, false },
	{ "at(ss, {\"S\":\"SS\"})", 1, NULL, false },
	{ "at(ns, {\"S\":\"NS\"})", 1, NULL, false },
	{ "at(bs, {\"S\":\"BS\"})", 1, NULL, false },
	{ "at(l, {\"S\":\"L\"})", 1, NULL, false },
	{ "at(m, {\"S\":\"M\"})", 1, NULL, false },
	{ "at(s, {\"S\":\"N\"})", 0, NULL, false },
	{ "at(ss, {\"S\":\"L\"})", 0, NULL, false },
	{ "at(missing, {\"S\":\"S\"})", 0, NULL, false },
	/* size() as an operand */
	{ "eq(size(s), {\"N\":\"5\"})", 1, NULL, false },
	{ "eq(size(utf), {\"N\":\"5\"})", 1, NULL, false },
	{ "eq(size(empty), {\"N\":\"0\"})", 1, NULL, false },
	{ "eq(size(b), {\"N\":\"3\"})", 1, NULL, false },
	{ "eq(size(ss), {\"N\":\"2\"})", 1, NULL, false },
	{ "eq(size(ns), {\"N\":\"2\"})", 1, NULL, false },
	{ "eq(size(l), {\"N\":\"3\"})", 1, NULL, false },
	{ "eq(size(m), {\"N\":\"2\"})", 1, NULL, false },
	{ "gt(size(m.list), {\"N\":\"1\"})", 1, NULL, false },
	{ "lt(size(s), size(s2))", 0, NULL, false },
	{ "eq(size({\"S\":\"abc\"}), {\"N\":\"3\"})", 1, NULL, false },
	{ "eq(size(n), {\"N\":\"2\"})", 0, NULL, false },
	{ "ne(size(n), {\"N\":\"2\"})", 1, NULL, false },
	{ "ge(size(t), {\"N\":\"0\"})", 0, NULL, false },
	{ "ge(size(missing), {\"N\":\"0\"})", 0, NULL, false },
	{ "between(size(s), {\"N\":\"1\"}, {\"N\":\"5\"})", 1, NULL, false },
	/* AND, OR, NOT */
	{ "and(ex(s), eq(n, {\"N\":\"10\"}))", 1, NULL, false },
	{ "and(ex(s), eq(n, {\"N\":\"11\"}))", 0, NULL, false },
	{ "or(ex(missing), eq(n, {\"N\":\"10\"}))", 1, NULL, false },
	{ "or(ex(missing), eq(n, {\"N\":\"11\"}))", 0, NULL, false },
	{ "not(ex(missing))", 1, NULL, false },
	{ "not(eq(s, {\"S\":\"hello\"}))", 0, NULL, false },
	{ "or(and(ex(s), ex(missing)), not(lt(n, {\"N\":\"3\"})))", 1, NULL,
	  false },
	/* no item: every path is absent */
	{ "nex(s)", 1, NULL, true },
	{ "ex(s)", 0, NULL, true },
	{ "ne(s, {\"S\":\"x\"})", 1, NULL, true },
	{ "eq(s, {\"S\":\"hello\"})", 0, NULL, true },
	{ "or(nex(pk), eq(v, {\"N\":\"1\"}))", 1, NULL, true },
	{ "eq({\"S\":\"a\"}, {\"S\":\"a\"})", 1, NULL, true },
	/* what DynamoDB refuses before evaluating */
	{ "at(s, {\"S\":\"X\"})", -1, "Invalid attribute type name found; "
	  "type: X, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}", false },
	{ "at(s, {\"S\":\"s\"})", -1, "Invalid attribute type name found; "
	  "type: s, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}", false },
	{ "at(s, {\"N\":\"1\"})", -1, "Incorrect operand type for operator "
	  "or function; operator or function: attribute_type, operand type: "
	  "N", false },
	{ "at(s, n)", -1, "Incorrect operand type for operator or function; "
	  "operator or function: attribute_type, operand type: "
	  "{NS,SS,L,BS,N,M,B,BOOL,NULL,S}", false },
	{ "between(n, {\"N\":\"10\"}, {\"N\":\"5\"})", -1, "The BETWEEN "
	  "operator requires upper bound to be greater than or equal to lower "
	  "bound; lower bound operand: AttributeValue: {N:10}, upper bound "
	  "operand: AttributeValue: {N:5}", false },
	{ "between(s, {\"S\":\"b\"}, {\"S\":\"a\"})", -1, "The BETWEEN "
	  "operator requires upper bound to be greater than or equal to lower "
	  "bound; lower bound operand: AttributeValue: {S:b}, upper bound "
	  "operand: AttributeValue: {S:a}", false },
	{ "between(n, {\"N\":\"1.50\"}, {\"S\":\"5\"})", -1, "The BETWEEN "
	  "operator requires same data type for lower and upper bounds; lower "
	  "bound operand: AttributeValue: {N:1.5}, upper bound operand: "
	  "AttributeValue: {S:5}", false },
	{ "bw(s, {\"N\":\"1\"})", -1, "Incorrect operand type for operator "
	  "or function; operator or function: begins_with, operand type: N",
	  false },
	{ "bw({\"BOOL\":true}, s)", -1, "Incorrect operand type for operator "
	  "or function; operator or function: begins_with, operand type: BOOL",
	  false },
	{ "bw(size(s), s)", -1, "Incorrect operand type for operator or "
	  "function; operator or function: begins_with, operand type: N",
	  false },
	{ "bw(s, {\"S\":\"a\"}, {\"S\":\"b\"})", -1, "Incorrect number of "
	  "operands for operator or function; operator or function: "
	  "begins_with, number of operands: 3", false },
	{ "ex(s, n)", -1, "Incorrect number of operands for operator or "
	  "function; operator or function: attribute_exists, number of "
	  "operands: 2", false },
	{ "ex({\"S\":\"s\"})", -1, "Operator or function requires a document "
	  "path; operator or function: attribute_exists", false },
	{ "nex({\"S\":\"s\"})", -1, "Operator or function requires a document "
	  "path; operator or function: attribute_not_exists", false },
	{ "eq(size({\"N\":\"1\"}), {\"N\":\"1\"})", -1, "Incorrect operand "
	  "type for operator or function; operator or function: size, "
	  "operand type: N", false },
	{ "eq(size({\"NULL\":true}), {\"N\":\"1\"})", -1, "Incorrect operand "
	  "type for operator or function; operator or function: size, "
	  "operand type: NULL", false },
	{ "eq(size(size(s)), {\"N\":\"1\"})", -1, "Incorrect operand type for "
	  "operator or function; operator or function: size, operand type: N",
	  false },
	{ "eq(s, s)", -1, "The first operand must be distinct from the "
	  "remaining operands for this operator or function; operator: =, "
	  "first operand: [s]", false },
	{ "ge(m.list[0], m.list[0])", -1, "The first operand must be "
	  "distinct from the remaining operands for this operator or "
	  "function; operator: >=, first operand: [m, list, [0]]", false },
	{ "ct(m.inner, m.inner)", -1, "The first operand must be distinct "
	  "from the remaining operands for this operator or function; "
	  "operator: contains, first operand: [m, inner]", false },
	{ "eq(bw(s, {\"S\":\"h\"}), {\"BOOL\":true})", -1, "The function is "
	  "not allowed to be used this way in an expression; function: "
	  "begins_with", false },
	{ "in(s, ex(s))", -1, "The function is not allowed to be used this "
	  "way in an expression; function: attribute_exists", false },
	{ "size(s)", -1, "The function is not allowed to be used this way in "
	  "an expression; function: size", false },
	{ "and(ex(s), size(s))", -1, "The function is not allowed to be used "
	  "this way in an expression; function: size", false },
	{ "eq(s, ine(s, {\"S\":\"x\"}))", -1, "Invalid function name; "
	  "function: if_not_exists", false },
	{ "app(l, l)", -1, "Invalid function name; function: list_append",
	  false },
	/* the order DynamoDB reports in: misused before distinct */
	{ "and(eq(s, s), eq(ct(s, s2), n))", -1, "The function is not "
	  "allowed to be used this way in an expression; function: contains",
	  false },
	/* the first simple condition with a problem is the one reported */
	{ "and(bw(s, {\"N\":\"1\"}), ex(s, s))", -1, "Incorrect operand "
	  "type for operator or function; operator or function: begins_with, "
	  "operand type: N", false },
	{ "and(ex(s, s), bw(s, {\"N\":\"1\"}))", -1, "Incorrect number of "
	  "operands for operator or function; operator or function: "
	  "attribute_exists, number of operands: 2", false },
	/* within one: operand count, then distinct, then types */
	{ "at(s, s)", -1, "The first operand must be distinct from the "
	  "remaining operands for this operator or function; operator: "
	  "attribute_type, first operand: [s]", false },
	/* errors come before the item: even with no item */
	{ "at(s, {\"S\":\"Q\"})", -1, "Invalid attribute type name found; "
	  "type: Q, valid types: {B,NULL,SS,BOOL,L,BS,N,NS,S,M}", true },
};

ParameterizedTestParameters(cond, table)
{
	return rows(sizeof cond_cases / sizeof cond_cases[0]);
}

ParameterizedTest(size_t *row, cond, table)
{
	const struct cond_case *c = &cond_cases[*row];
	struct value *it = c->no_item ? NULL : item(base_item);
	struct expr *e = ex(c->expr);
	struct err err;
	bool res = !c->want;
	int rc;

	err_clear(&err);
	rc = expr_eval_condition(e, it, &res, &err);
	if (c->want < 0) {
		cr_expect_eq(rc, -1, "%s: expected an error", c->expr);
		expect_validation(&err, c->msg, c->expr);
		cr_expect_not(res, "%s: result must be false on error",
		    c->expr);
	} else {
		cr_expect_eq(rc, 0, "%s: %s", c->expr, err.msg);
		cr_expect_eq(res, c->want == 1, "%s: got %s", c->expr,
		    res ? "true" : "false");
		cr_expect_eq(err.code, ERR_OK, "%s", c->expr);
	}
	expr_free(e);
	value_free(it);
}

Test(cond, check_prefixes_the_parameter)
{
	struct expr *e = ex("at(s, {\"S\":\"X\"})");
	struct expr *ok = ex("and(ex(s), bw(s, {\"S\":\"a\"}))");
	struct err err;

	err_clear(&err);
	cr_assert_eq(expr_eval_check(e, "FilterExpression", &err), -1);
	expect_validation(&err, "Invalid FilterExpression: Invalid attribute "
	    "type name found; type: X, valid types: "
	    "{B,NULL,SS,BOOL,L,BS,N,NS,S,M}", "filter");
	err_clear(&err);
	cr_assert_eq(expr_eval_check(e, NULL, &err), -1);
	cr_expect(strncmp(err.msg, "Invalid ConditionExpression: ",
	    strlen("Invalid ConditionExpression: ")) == 0, "%s", err.msg);
	err_clear(&err);
	cr_expect_eq(expr_eval_check(ok, "KeyConditionExpression", &err), 0,
	    "%s", err.msg);
	cr_expect_eq(err.code, ERR_OK);
	expr_free(e);
	expr_free(ok);
}

Test(cond, syntax_errors_for_trees_the_grammar_cannot_make)
{
	const char *bad[] = {
		"s",				/* a path is not a condition */
		"{\"BOOL\":true}",
		"add(n, {\"N\":\"1\"})",
		"eq(n, add(n, {\"N\":\"1\"}))",
		"eq(n, and(ex(s), ex(n)))",
		"eq(n)",
		"in(n)",
		"between(n, {\"N\":\"1\"})",
		"not(ex(s), ex(n))",
	};
	struct err err;
	size_t i;
	bool res;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct expr *e = ex(bad[i]);

		err_clear(&err);
		cr_expect_eq(expr_eval_condition(e, NULL, &res, &err), -1,
		    "%s", bad[i]);
		cr_expect(strncmp(err.msg, "Syntax error; ", 14) == 0,
		    "%s: %s", bad[i], err.msg);
		cr_expect_str_eq(err.aws_type, "ValidationException");
		expr_free(e);
	}
	err_clear(&err);
	cr_expect_eq(expr_eval_condition(NULL, NULL, &res, &err), -1);
	cr_expect_str_eq(err.msg, "The expression can not be empty;");
}

Test(cond, non_map_item_has_no_attributes)
{
	struct value *s = value_new_str("x");
	struct expr *e = ex("nex(a)");
	struct err err;
	bool res = false;

	cr_expect_eq(expr_eval_condition(e, s, &res, &err), 0);
	cr_expect(res);
	expr_free(e);
	value_free(s);
}

/* ------------------------------------------------------------------ */
/* Paths */

Test(path, borrowed_values_and_absence)
{
	struct value *it = item(base_item);
	const struct value *v;
	struct path p;

	mkpath(&p, "m.list[1]");
	v = expr_eval_path(&p, it);
	cr_assert_not_null(v);
	cr_expect_eq(v, value_map_get(value_map_get(it, "m"), "list")
	    ->u.list.items[1], "must be borrowed from the item");
	cr_expect_eq(expr_eval_path(&p, NULL), NULL);
	path_cleanup(&p);

	mkpath(&p, "l[3]");
	cr_expect_null(expr_eval_path(&p, it));
	path_cleanup(&p);
	mkpath(&p, "s.x");
	cr_expect_null(expr_eval_path(&p, it));
	path_cleanup(&p);
	/* One name holding a dot is not a nested path. */
	path_set_name(&p, "m.inner");
	cr_expect_null(expr_eval_path(&p, it));
	path_cleanup(&p);
	path_init(&p);
	cr_expect_null(expr_eval_path(&p, it));
	value_free(it);
}

Test(path, names_with_nul_bytes)
{
	struct value *it = value_new_m();
	struct path p;

	value_map_setn(it, "a\0b", 3, value_new_str("nul"));
	path_init(&p);
	path_push_name(&p, "a\0b", 3);
	cr_assert_not_null(expr_eval_path(&p, it));
	cr_expect_str_eq(expr_eval_path(&p, it)->u.str.ptr, "nul");
	path_cleanup(&p);
	path_init(&p);
	path_push_name(&p, "a", 1);
	cr_expect_null(expr_eval_path(&p, it));
	path_cleanup(&p);
	value_free(it);
}

/* ------------------------------------------------------------------ */
/* Updates */

static const char upd_item[] =
    "{\"pk\":{\"S\":\"k\"},\"n\":{\"N\":\"5\"},\"s\":{\"S\":\"x\"},"
    "\"a\":{\"S\":\"A\"},\"b\":{\"S\":\"B\"},"
    "\"l\":{\"L\":[{\"S\":\"a\"},{\"S\":\"b\"},{\"S\":\"c\"}]},"
    "\"m\":{\"M\":{\"x\":{\"N\":\"1\"},\"l\":{\"L\":[{\"N\":\"0\"}]}}},"
    "\"ss\":{\"SS\":[\"a\",\"b\"]},\"ns\":{\"NS\":[\"1\",\"2\"]},"
    "\"bs\":{\"BS\":[\"AQ==\"]},"
    "\"ls\":{\"L\":[{\"SS\":[\"a\"]},{\"SS\":[\"b\"]}]},"
    "\"max\":{\"N\":\"99999999999999999999999999999999999999\"},"
    "\"huge\":{\"N\":\"9.9999999999999999999999999999999999999E+125\"}}";

#define UPD_MAX 6

struct upd_case {
	const char	*name;
	bool		 no_item;
	/* "SET path operand", "REMOVE path", "ADD path {json}", ... */
	const char	*clauses[UPD_MAX];
	/* after success: path and DynamoDB JSON, or NULL for absent */
	const char	*expect[UPD_MAX][2];
	const char	*msg;		/* the error; NULL for success */
};

static const struct upd_case upd_cases[] = {
	{ "set replaces", false, { "SET n {\"N\":\"7\"}" },
	  { { "n", "{\"N\":\"7\"}" }, { "s", "{\"S\":\"x\"}" } }, NULL },
	{ "set adds", false, { "SET new {\"S\":\"v\"}" },
	  { { "new", "{\"S\":\"v\"}" } }, NULL },
	{ "set keeps number text", false, { "SET new {\"N\":\"1.50\"}" },
	  { { "new", "{\"N\":\"1.50\"}" } }, NULL },
	{ "swap", false, { "SET a b", "SET b a" },
	  { { "a", "{\"S\":\"B\"}" }, { "b", "{\"S\":\"A\"}" } }, NULL },
	{ "operands see the original", false,
	  { "SET a n", "SET n add(n, {\"N\":\"1\"})", "SET c n" },
	  { { "a", "{\"N\":\"5\"}" }, { "n", "{\"N\":\"6\"}" },
	    { "c", "{\"N\":\"5\"}" } }, NULL },
	{ "set from a path copies", false,
	  { "SET c m", "SET m.x {\"N\":\"2\"}" },
	  { { "c.x", "{\"N\":\"1\"}" }, { "m.x", "{\"N\":\"2\"}" } }, NULL },
	{ "nested set", false,
	  { "SET m.x {\"N\":\"2\"}", "SET m.y {\"NULL\":true}" },
	  { { "m.x", "{\"N\":\"2\"}" }, { "m.y", "{\"NULL\":true}" },
	    { "m.l[0]", "{\"N\":\"0\"}" } }, NULL },
	{ "nested set needs the parent", false, { "SET m.y.z {\"S\":\"v\"}" },
	  { { NULL } }, "The document path provided in the update expression "
	  "is invalid for update" },
	{ "nested set needs a map parent", false, { "SET s.z {\"S\":\"v\"}" },
	  { { NULL } }, "The document path provided in the update expression "
	  "is invalid for update" },
	{ "nested set on a missing attribute", false,
	  { "SET nope.z {\"S\":\"v\"}" }, { { NULL } }, "The document path "
	  "provided in the update expression is invalid for update" },
	{ "index into a map", false, { "SET m[0] {\"S\":\"v\"}" }, { { NULL } },
	  "The document path provided in the update expression is invalid for "
	  "update" },
	{ "index into a string", false, { "SET s[0] {\"S\":\"v\"}" },
	  { { NULL } }, "The document path provided in the update expression "
	  "is invalid for update" },
	{ "set list element", false, { "SET l[1] {\"S\":\"B\"}" },
	  { { "l", "{\"L\":[{\"S\":\"a\"},{\"S\":\"B\"},{\"S\":\"c\"}]}" } },
	  NULL },
	{ "set past the end appends", false, { "SET l[10] {\"S\":\"z\"}" },
	  { { "l", "{\"L\":[{\"S\":\"a\"},{\"S\":\"b\"},{\"S\":\"c\"},"
	      "{\"S\":\"z\"}]}" } }, NULL },
	{ "appends in index order", false,
	  { "SET l[7] {\"S\":\"y\"}", "SET l[5] {\"S\":\"x\"}",
	    "SET l[3] {\"S\":\"w\"}" },
	  { { "l", "{\"L\":[{\"S\":\"a\"},{\"S\":\"b\"},{\"S\":\"c\"},"
	      "{\"S\":\"w\"},{\"S\":\"x\"},{\"S\":\"y\"}]}" } }, NULL },
	{ "nested list append", false, { "SET m.l[4] {\"N\":\"4\"}" },
	  { { "m.l", "{\"L\":[{\"N\":\"0\"},{\"N\":\"4\"}]}" } }, NULL },
	{ "plus", false, { "SET n add(n, {\"N\":\"1\"})" },
	  { { "n", "{\"N\":\"6\"}" } }, NULL },
	{ "minus", false, { "SET n sub({\"N\":\"1\"}, n)" },
	  { { "n", "{\"N\":\"-4\"}" } }, NULL },
	{ "minus to zero", false, { "SET n sub(n, {\"N\":\"5.0\"})" },
	  { { "n", "{\"N\":\"0\"}" } }, NULL },
	{ "exact decimal", false,
	  { "SET x add({\"N\":\"0.1\"}, {\"N\":\"0.2\"})" },
	  { { "x", "{\"N\":\"0.3\"}" } }, NULL },
	{ "38 nines plus one", false, { "SET max add(max, {\"N\":\"1\"})" },
	  { { "max", "{\"N\":\"100000000000000000000000000000000000000\"}" } },
	  NULL },
	{ "38 digits exact", false,
	  { "SET x sub(max, "
	    "{\"N\":\"99999999999999999999999999999999999998\"})" },
	  { { "x", "{\"N\":\"1\"}" } }, NULL },
	{ "too precise", false,
	  { "SET x add({\"N\":\"12345678901234567890123456789012345678\"}, "
	    "{\"N\":\"0.1\"})" }, { { NULL } },
	  "Attempting to store more than 38 significant digits in a Number" },
	{ "overflow", false, { "SET x add(huge, {\"N\":\"1E+125\"})" },
	  { { NULL } }, "Number overflow. Attempting to store a number with "
	  "magnitude larger than supported range" },
	{ "underflow", false,
	  { "SET x sub({\"N\":\"1E-130\"}, {\"N\":\"1.1E-130\"})" },
	  { { NULL } }, "Number underflow. Attempting to store a number with "
	  "magnitude smaller than supported range" },
	{ "plus on a string", false, { "SET n add(s, {\"N\":\"1\"})" },
	  { { NULL } }, "An operand in the update expression has an incorrect "
	  "data type" },
	{ "minus on a string", false, { "SET n sub(n, s)" }, { { NULL } },
	  "An operand in the update expression has an incorrect data type" },
	{ "plus on a literal string", false, { "SET n add(n, {\"S\":\"1\"})" },
	  { { NULL } }, "Invalid UpdateExpression: Incorrect operand type for "
	  "operator or function; operator or function: +, operand type: S" },
	{ "plus on a missing attribute", false,
	  { "SET n add(missing, {\"N\":\"1\"})" }, { { NULL } },
	  "The provided expression refers to an attribute that does not exist "
	  "in the item" },
	{ "set from a missing attribute", false, { "SET x missing" },
	  { { NULL } }, "The provided expression refers to an attribute that "
	  "does not exist in the item" },
	{ "version bump, new", false,
	  { "SET v add(ine(v, {\"N\":\"0\"}), {\"N\":\"1\"})" },
	  { { "v", "{\"N\":\"1\"}" } }, NULL },
	{ "version bump, existing", false,
	  { "SET n add(ine(n, {\"N\":\"0\"}), {\"N\":\"1\"})" },
	  { { "n", "{\"N\":\"6\"}" } }, NULL },
	{ "if_not_exists keeps", false, { "SET x ine(s, {\"S\":\"d\"})" },
	  { { "x", "{\"S\":\"x\"}" } }, NULL },
	{ "if_not_exists defaults", false, { "SET x ine(zz, {\"S\":\"d\"})" },
	  { { "x", "{\"S\":\"d\"}" } }, NULL },
	{ "if_not_exists default from a path", false, { "SET x ine(zz, a)" },
	  { { "x", "{\"S\":\"A\"}" } }, NULL },
	{ "if_not_exists default missing", false, { "SET x ine(zz, yy)" },
	  { { NULL } }, "The provided expression refers to an attribute that "
	  "does not exist in the item" },
	{ "if_not_exists needs a path", false,
	  { "SET x ine({\"S\":\"a\"}, {\"S\":\"b\"})" }, { { NULL } },
	  "Invalid UpdateExpression: Operator or function requires a document "
	  "path; operator or function: if_not_exists" },
	{ "list_append", false, { "SET l app(l, {\"L\":[{\"S\":\"d\"}]})" },
	  { { "l", "{\"L\":[{\"S\":\"a\"},{\"S\":\"b\"},{\"S\":\"c\"},"
	      "{\"S\":\"d\"}]}" } }, NULL },
	{ "list_append in front", false,
	  { "SET l app({\"L\":[{\"S\":\"z\"}]}, l)" },
	  { { "l", "{\"L\":[{\"S\":\"z\"},{\"S\":\"a\"},{\"S\":\"b\"},"
	      "{\"S\":\"c\"}]}" } }, NULL },
	{ "list_append onto if_not_exists", false,
	  { "SET nl app(ine(nl, {\"L\":[]}), {\"L\":[{\"S\":\"d\"}]})" },
	  { { "nl", "{\"L\":[{\"S\":\"d\"}]}" } }, NULL },
	{ "list_append of itself", false, { "SET l app(l, l)" },
	  { { "l", "{\"L\":[{\"S\":\"a\"},{\"S\":\"b\"},{\"S\":\"c\"},"
	      "{\"S\":\"a\"},{\"S\":\"b\"},{\"S\":\"c\"}]}" } }, NULL },
	{ "list_append on a string", false, { "SET l app(s, {\"L\":[]})" },
	  { { NULL } }, "An operand in the update expression has an incorrect "
	  "data type" },
	{ "list_append on a set", false, { "SET l app(l, ss)" },
	  { { NULL } }, "An operand in the update expression has an incorrect "
	  "data type" },
	{ "list_append on a missing list", false,
	  { "SET l app(missing, {\"L\":[]})" }, { { NULL } },
	  "The provided expression refers to an attribute that does not exist "
	  "in the item" },
	{ "list_append on a literal string", false,
	  { "SET l app(l, {\"S\":\"x\"})" }, { { NULL } },
	  "Invalid UpdateExpression: Incorrect operand type for operator or "
	  "function; operator or function: list_append, operand type: S" },
	{ "remove", false, { "REMOVE s" }, { { "s", NULL }, { "n",
	  "{\"N\":\"5\"}" } }, NULL },
	{ "remove missing", false, { "REMOVE missing", "REMOVE m.nope" },
	  { { "missing", NULL }, { "m.x", "{\"N\":\"1\"}" } }, NULL },
	{ "remove under a missing parent", false, { "REMOVE nope.x" },
	  { { NULL } }, "The document path provided in the update expression "
	  "is invalid for update" },
	{ "remove nested", false, { "REMOVE m.x" },
	  { { "m.x", NULL }, { "m.l", "{\"L\":[{\"N\":\"0\"}]}" } }, NULL },
	{ "remove list element shifts", false, { "REMOVE l[1]" },
	  { { "l", "{\"L\":[{\"S\":\"a\"},{\"S\":\"c\"}]}" } }, NULL },
	{ "remove two elements by original index", false,
	  { "REMOVE l[0]", "REMOVE l[1]" },
	  { { "l", "{\"L\":[{\"S\":\"c\"}]}" } }, NULL },
	{ "remove past the end", false, { "REMOVE l[9]" },
	  { { "l", "{\"L\":[{\"S\":\"a\"},{\"S\":\"b\"},{\"S\":\"c\"}]}" } },
	  NULL },
	{ "remove the only element", false, { "REMOVE m.l[0]" },
	  { { "m.l", "{\"L\":[]}" } }, NULL },
	{ "set then remove, wire order", false,
	  { "REMOVE l[0]", "SET l[3] {\"S\":\"d\"}" },
	  { { "l", "{\"L\":[{\"S\":\"b\"},{\"S\":\"c\"},{\"S\":\"d\"}]}" } },
	  NULL },
	{ "add to a number", false, { "ADD n {\"N\":\"2.5\"}" },
	  { { "n", "{\"N\":\"7.5\"}" } }, NULL },
	{ "add a negative", false, { "ADD n {\"N\":\"-5\"}" },
	  { { "n", "{\"N\":\"0\"}" } }, NULL },
	{ "add to a missing number", false, { "ADD c {\"N\":\"-1\"}" },
	  { { "c", "{\"N\":\"-1\"}" } }, NULL },
	{ "add nested", false, { "ADD m.x {\"N\":\"1\"}" },
	  { { "m.x", "{\"N\":\"2\"}" } }, NULL },
	{ "add overflow", false, { "ADD huge {\"N\":\"1E+125\"}" },
	  { { NULL } }, "Number overflow. Attempting to store a number with "
	  "magnitude larger than supported range" },
	{ "add precision", false, { "ADD max {\"N\":\"0.5\"}" },
	  { { NULL } }, "Attempting to store more than 38 significant digits "
	  "in a Number" },
	{ "add a number to a string", false, { "ADD s {\"N\":\"1\"}" },
	  { { NULL } }, "An operand in the update expression has an incorrect "
	  "data type" },
	{ "add set union", false, { "ADD ss {\"SS\":[\"b\",\"c\"]}" },
	  { { "ss", "{\"SS\":[\"a\",\"b\",\"c\"]}" } }, NULL },
	{ "add number set by value", false,
	  { "ADD ns {\"NS\":[\"2.0\",\"3\"]}" },
	  { { "ns", "{\"NS\":[\"1\",\"2\",\"3\"]}" } }, NULL },
	{ "add binary set", false, { "ADD bs {\"BS\":[\"Ag==\"]}" },
	  { { "bs", "{\"BS\":[\"AQ==\",\"Ag==\"]}" } }, NULL },
	{ "add a new set", false, { "ADD nss {\"SS\":[\"z\"]}" },
	  { { "nss", "{\"SS\":[\"z\"]}" } }, NULL },
	{ "add set of another type", false, { "ADD ss {\"NS\":[\"1\"]}" },
	  { { NULL } }, "An operand in the update expression has an incorrect "
	  "data type" },
	{ "add a set to a string", false, { "ADD s {\"SS\":[\"a\"]}" },
	  { { NULL } }, "An operand in the update expression has an incorrect "
	  "data type" },
	{ "add a set to a number", false, { "ADD n {\"NS\":[\"1\"]}" },
	  { { NULL } }, "An operand in the update expression has an incorrect "
	  "data type" },
	{ "add a list", false, { "ADD l {\"L\":[]}" }, { { NULL } },
	  "Invalid UpdateExpression: Incorrect operand type for operator or "
	  "function; operator: ADD, operand type: LIST" },
	{ "add a string", false, { "ADD s {\"S\":\"x\"}" }, { { NULL } },
	  "Invalid UpdateExpression: Incorrect operand type for operator or "
	  "function; operator: ADD, operand type: STRING" },
	{ "add a map", false, { "ADD m {\"M\":{}}" }, { { NULL } },
	  "Invalid UpdateExpression: Incorrect operand type for operator or "
	  "function; operator: ADD, operand type: MAP" },
	{ "add a bool", false, { "ADD t {\"BOOL\":true}" }, { { NULL } },
	  "Invalid UpdateExpression: Incorrect operand type for operator or "
	  "function; operator: ADD, operand type: BOOLEAN" },
	{ "add under a missing parent", false, { "ADD nope.x {\"N\":\"1\"}" },
	  { { NULL } }, "The document path provided in the update expression "
	  "is invalid for update" },
	{ "delete from a set", false, { "DELETE ss {\"SS\":[\"a\",\"zz\"]}" },
	  { { "ss", "{\"SS\":[\"b\"]}" } }, NULL },
	{ "delete empties and removes", false,
	  { "DELETE ss {\"SS\":[\"b\",\"a\"]}",
	    "DELETE bs {\"BS\":[\"AQ==\"]}" },
	  { { "ss", NULL }, { "bs", NULL }, { "s", "{\"S\":\"x\"}" } }, NULL },
	{ "delete numbers by value", false, { "DELETE ns {\"NS\":[\"1.0\"]}" },
	  { { "ns", "{\"NS\":[\"2\"]}" } }, NULL },
	{ "delete from a missing set", false, { "DELETE zz {\"SS\":[\"a\"]}" },
	  { { "zz", NULL } }, NULL },
	{ "delete emptied set in a list", false,
	  { "DELETE ls[0] {\"SS\":[\"a\"]}" },
	  { { "ls", "{\"L\":[{\"SS\":[\"b\"]}]}" } }, NULL },
	{ "delete from a string", false, { "DELETE s {\"SS\":[\"a\"]}" },
	  { { NULL } }, "An operand in the update expression has an incorrect "
	  "data type" },
	{ "delete another set type", false, { "DELETE ss {\"NS\":[\"1\"]}" },
	  { { NULL } }, "An operand in the update expression has an incorrect "
	  "data type" },
	{ "delete a number", false, { "DELETE ns {\"N\":\"1\"}" }, { { NULL } },
	  "Invalid UpdateExpression: Incorrect operand type for operator or "
	  "function; operator: DELETE, operand type: NUMBER" },
	{ "overlap", false, { "REMOVE a", "SET a {\"S\":\"x\"}" }, { { NULL } },
	  "Invalid UpdateExpression: Two document paths overlap with each "
	  "other; must remove or rewrite one of these paths; path one: [a], "
	  "path two: [a]" },
	{ "overlap in wire order", false,
	  { "REMOVE m.x", "SET m {\"M\":{}}" }, { { NULL } },
	  "Invalid UpdateExpression: Two document paths overlap with each "
	  "other; must remove or rewrite one of these paths; path one: [m], "
	  "path two: [m, x]" },
	{ "overlap of list elements", false,
	  { "SET l[1] {\"S\":\"x\"}", "ADD l[1].c {\"N\":\"1\"}" },
	  { { NULL } }, "Invalid UpdateExpression: Two document paths overlap "
	  "with each other; must remove or rewrite one of these paths; path "
	  "one: [l, [1]], path two: [l, [1], c]" },
	{ "conflict", false,
	  { "SET l[0] {\"S\":\"x\"}", "SET l.y {\"S\":\"z\"}" },
	  { { NULL } }, "Invalid UpdateExpression: Two document paths conflict "
	  "with each other; must remove or rewrite one of these paths; path "
	  "one: [l, [0]], path two: [l, y]" },
	{ "overlap before operand type", false,
	  { "ADD s {\"S\":\"x\"}", "SET a b", "REMOVE a" }, { { NULL } },
	  "Invalid UpdateExpression: Two document paths overlap with each "
	  "other; must remove or rewrite one of these paths; path one: [a], "
	  "path two: [a]" },
	{ "no overlap between siblings", false,
	  { "SET m.x {\"N\":\"3\"}", "REMOVE m.l", "SET l[0] {\"S\":\"0\"}",
	    "REMOVE l[2]" },
	  { { "m", "{\"M\":{\"x\":{\"N\":\"3\"}}}" },
	    { "l", "{\"L\":[{\"S\":\"0\"},{\"S\":\"b\"}]}" } }, NULL },
	{ "condition function in SET", false, { "SET a size(s)" }, { { NULL } },
	  "Invalid UpdateExpression: Invalid function name; function: size" },
	{ "all or nothing", false,
	  { "SET a {\"S\":\"changed\"}", "REMOVE b", "ADD s {\"N\":\"1\"}" },
	  { { NULL } }, "An operand in the update expression has an incorrect "
	  "data type" },
	{ "new item", true, { "SET a {\"S\":\"x\"}", "ADD c {\"N\":\"1\"}",
	  "REMOVE gone" },
	  { { "a", "{\"S\":\"x\"}" }, { "c", "{\"N\":\"1\"}" } }, NULL },
	{ "new item, operand missing", true, { "SET a b" }, { { NULL } },
	  "The provided expression refers to an attribute that does not exist "
	  "in the item" },
	{ "new item, nested path", true, { "SET a.b {\"S\":\"x\"}" },
	  { { NULL } }, "The document path provided in the update expression "
	  "is invalid for update" },
};

/* Build an update from the clause strings of a case. */
static void
build_update(struct update *u, const char *const *clauses)
{
	size_t i;

	update_init(u);
	for (i = 0; i < UPD_MAX && clauses[i] != NULL; i++) {
		const char *c = clauses[i], *sp, *rest;
		enum update_action act;
		struct expr *operand = NULL;
		struct path p;
		char *text;

		if (strncmp(c, "SET ", 4) == 0)
			act = UPD_SET;
		else if (strncmp(c, "REMOVE ", 7) == 0)
			act = UPD_REMOVE;
		else if (strncmp(c, "ADD ", 4) == 0)
			act = UPD_ADD;
		else if (strncmp(c, "DELETE ", 7) == 0)
			act = UPD_DELETE;
		else
			cr_assert_fail("bad clause %s", c);
		sp = strchr(c, ' ') + 1;
		rest = strchr(sp, ' ');
		text = rest != NULL ? strndup(sp, (size_t)(rest - sp)) :
		    strdup(sp);
		mkpath(&p, text);
		free(text);
		if (act != UPD_REMOVE) {
			cr_assert_not_null(rest, "no operand in %s", c);
			operand = ex(rest + 1);
		}
		update_add(u, act, &p, operand);
	}
}

ParameterizedTestParameters(update, table)
{
	return rows(sizeof upd_cases / sizeof upd_cases[0]);
}

ParameterizedTest(size_t *row, update, table)
{
	const struct upd_case *c = &upd_cases[*row];
	struct value *it = c->no_item ? NULL : item(upd_item);
	struct value *before = it != NULL ? value_copy(it) : NULL;
	struct update u;
	struct err err;
	size_t i;
	int rc;

	build_update(&u, c->clauses);
	err_clear(&err);
	rc = expr_eval_update(&u, &it, &err);
	if (c->msg != NULL) {
		cr_expect_eq(rc, -1, "%s: expected an error", c->name);
		expect_validation(&err, c->msg, c->name);
		if (before == NULL)
			cr_expect_null(it, "%s: item created on error",
			    c->name);
		else {
			char *got = show(it);

			cr_expect(strict_equal(before, it), "%s: item changed "
			    "on error: %s", c->name, got);
			free(got);
		}
		goto out;
	}
	cr_expect_eq(rc, 0, "%s: %s", c->name, err.msg);
	cr_assert_not_null(it, "%s", c->name);
	cr_expect_eq(it->type, VT_M);
	for (i = 0; i < UPD_MAX && c->expect[i][0] != NULL; i++) {
		struct path p;
		const struct value *got;
		struct value *want = NULL;
		char *shown;

		mkpath(&p, c->expect[i][0]);
		got = expr_eval_path(&p, it);
		shown = show(got);
		if (c->expect[i][1] == NULL)
			cr_expect_null(got, "%s: %s should be absent, is %s",
			    c->name, c->expect[i][0], shown);
		else {
			want = val(c->expect[i][1], strlen(c->expect[i][1]));
			cr_expect(got != NULL && strict_equal(got, want),
			    "%s: %s is %s, want %s", c->name, c->expect[i][0],
			    shown, c->expect[i][1]);
		}
		free(shown);
		value_free(want);
		path_cleanup(&p);
	}
out:
	update_cleanup(&u);
	value_free(it);
	value_free(before);
}

Test(update, untouched_attributes_stay_and_key_is_kept)
{
	struct value *it = item(upd_item), *want;
	struct update u;
	struct err err;
	const char *clauses[UPD_MAX] = { "SET n {\"N\":\"6\"}", "REMOVE a" };
	char *got;

	build_update(&u, clauses);
	cr_assert_eq(expr_eval_update(&u, &it, &err), 0, "%s", err.msg);
	want = item(upd_item);
	value_map_set(want, "n", value_new_n("6", 1));
	value_free(value_map_take(want, "a"));
	got = show(it);
	cr_expect(strict_equal(it, want), "got %s", got);
	free(got);
	value_free(want);
	value_free(it);
	update_cleanup(&u);
}

Test(update, empty_update_creates_an_empty_item)
{
	struct value *it = NULL;
	struct update u;
	struct err err;

	update_init(&u);
	cr_assert_eq(expr_eval_update(&u, &it, &err), 0);
	cr_assert_not_null(it);
	cr_expect_eq(it->type, VT_M);
	cr_expect_eq(it->u.map.len, 0u);
	value_free(it);
}

Test(update, check_alone)
{
	struct update u;
	struct err err;
	const char *bad[UPD_MAX] = { "SET a {\"S\":\"x\"}", "SET a.b b" };
	const char *good[UPD_MAX] = { "SET a.b {\"S\":\"x\"}", "SET a.c b",
	    "REMOVE c[1]", "REMOVE c[2]" };

	build_update(&u, bad);
	err_clear(&err);
	cr_expect_eq(expr_eval_update_check(&u, &err), -1);
	expect_validation(&err, "Invalid UpdateExpression: Two document "
	    "paths overlap with each other; must remove or rewrite one of "
	    "these paths; path one: [a], path two: [a, b]", "check");
	update_cleanup(&u);
	build_update(&u, good);
	err_clear(&err);
	cr_expect_eq(expr_eval_update_check(&u, &err), 0, "%s", err.msg);
	update_cleanup(&u);
}

Test(update, syntax_errors)
{
	const char *bad[][UPD_MAX] = {
		{ "SET a add(add(n, n), n)" },
		{ "SET a app(add(n, n), l)" },
		{ "SET a eq(n, n)" },
		{ "ADD a n" },
	};
	struct value *it;
	struct update u;
	struct err err;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		it = item(upd_item);
		build_update(&u, bad[i]);
		err_clear(&err);
		cr_expect_eq(expr_eval_update(&u, &it, &err), -1, "%s",
		    bad[i][0]);
		cr_expect(strncmp(err.msg, "Invalid UpdateExpression: Syntax "
		    "error; ", strlen("Invalid UpdateExpression: Syntax "
		    "error; ")) == 0, "%s: %s", bad[i][0], err.msg);
		update_cleanup(&u);
		value_free(it);
	}
}

/* ------------------------------------------------------------------ */
/* Projection */

Test(project, nested_paths_and_list_order)
{
	const char *texts[] = { "s", "m.inner.deep", "m.list[1]", "missing",
	    "l[2].k", "l[0]", "l[9]", "s.x", "m.list[0].x" };
	struct path paths[sizeof texts / sizeof texts[0]];
	struct value *it = item(base_item), *got, *want;
	size_t i, n = sizeof texts / sizeof texts[0];
	char *shown;

	for (i = 0; i < n; i++)
		mkpath(&paths[i], texts[i]);
	got = expr_eval_project(paths, n, it);
	want = item("{\"s\":{\"S\":\"hello\"},"
	    "\"m\":{\"M\":{\"inner\":{\"M\":{\"deep\":{\"N\":\"7\"}}},"
	    "\"list\":{\"L\":[{\"S\":\"e1\"}]}}},"
	    "\"l\":{\"L\":[{\"S\":\"x\"},{\"M\":{\"k\":{\"S\":\"v\"}}}]}}");
	shown = show(got);
	cr_expect(strict_equal(got, want), "got %s", shown);
	free(shown);
	/* The result is a copy. */
	cr_expect_neq(value_map_get(got, "s"), value_map_get(it, "s"));
	value_free(got);
	value_free(want);
	for (i = 0; i < n; i++)
		path_cleanup(&paths[i]);
	value_free(it);
}

Test(project, whole_attribute_wins_and_empty_results)
{
	struct path paths[2];
	struct value *it = item(base_item), *got;

	mkpath(&paths[0], "m.inner");
	mkpath(&paths[1], "m");
	got = expr_eval_project(paths, 2, it);
	cr_expect(strict_equal(got, it) == false);
	cr_expect(value_equal(value_map_get(got, "m"),
	    value_map_get(it, "m")));
	cr_expect_eq(got->u.map.len, 1u);
	value_free(got);
	path_cleanup(&paths[0]);
	path_cleanup(&paths[1]);

	mkpath(&paths[0], "nope");
	mkpath(&paths[1], "m.nope[1]");
	got = expr_eval_project(paths, 2, it);
	cr_expect_eq(got->type, VT_M);
	cr_expect_eq(got->u.map.len, 0u);
	value_free(got);
	got = expr_eval_project(paths, 2, NULL);
	cr_expect_eq(got->type, VT_M);
	cr_expect_eq(got->u.map.len, 0u);
	value_free(got);
	got = expr_eval_project(paths, 0, it);
	cr_expect_eq(got->u.map.len, 0u);
	value_free(got);
	path_cleanup(&paths[0]);
	path_cleanup(&paths[1]);
	value_free(it);
}

/* ------------------------------------------------------------------ */
/* Item size: the numbers below are dynalite's db.itemSize() for the same
 * items (run under node), except where noted. */

struct size_case {
	const char	*json;
	size_t		 size;
};

static const struct size_case size_cases[] = {
	{ "{\"a\":{\"S\":\"abc\"}}", 4 },
	{ "{\"num\":{\"N\":\"123\"}}", 6 },
	{ "{\"x\":{\"N\":\"12\"}}", 3 },
	{ "{\"x\":{\"N\":\"1.5\"}}", 4 },
	{ "{\"x\":{\"N\":\"-1\"}}", 4 },
	{ "{\"x\":{\"N\":\"0\"}}", 2 },
	{ "{\"x\":{\"N\":\"-0.0\"}}", 2 },
	{ "{\"x\":{\"N\":\"1000\"}}", 3 },
	{ "{\"x\":{\"N\":\"1E3\"}}", 3 },
	{ "{\"x\":{\"N\":\"0.01\"}}", 3 },
	{ "{\"x\":{\"N\":\"0.15\"}}", 3 },
	{ "{\"x\":{\"N\":\"150\"}}", 4 },
	{ "{\"x\":{\"N\":\"150.00\"}}", 4 },
	{ "{\"x\":{\"N\":\"12345678901234567890123456789012345678\"}}", 21 },
	{ "{\"x\":{\"N\":\"1E+125\"}}", 3 },
	{ "{\"x\":{\"N\":\"-0.000001\"}}", 4 },
	{ "{\"x\":{\"N\":\"100.5\"}}", 5 },
	{ "{\"t\":{\"BOOL\":true}}", 2 },
	{ "{\"z\":{\"NULL\":true}}", 2 },
	{ "{\"b\":{\"B\":\"AQID\"}}", 4 },
	{ "{\"l\":{\"L\":[{\"S\":\"ab\"},{\"N\":\"1\"}]}}", 10 },
	{ "{\"l\":{\"L\":[]}}", 4 },
	{ "{\"m\":{\"M\":{\"k\":{\"S\":\"v\"},\"kk\":{\"NULL\":true}}}}", 11 },
	{ "{\"m\":{\"M\":{}}}", 4 },
	{ "{\"ss\":{\"SS\":[\"a\",\"bc\"]}}", 5 },
	{ "{\"ns\":{\"NS\":[\"1\",\"22\"]}}", 6 },
	{ "{\"bs\":{\"BS\":[\"AQ==\",\"AQI=\"]}}", 5 },
	{ "{\"a\":{\"S\":\"abc\"},\"num\":{\"N\":\"123\"},"
	  "\"m\":{\"M\":{\"l\":{\"L\":[{\"M\":{}}]}}}}", 4 + 6 + 13 },
	/* DynamoDB counts UTF-8 bytes (dynalite counts UTF-16 units: 3) */
	{ "{\"\\u00e9\":{\"S\":\"\\u65e5\\u672c\"}}", 8 },
};

ParameterizedTestParameters(size, table)
{
	return rows(sizeof size_cases / sizeof size_cases[0]);
}

ParameterizedTest(size_t *row, size, table)
{
	const struct size_case *c = &size_cases[*row];
	struct value *it = item(c->json);

	cr_expect_eq(expr_eval_item_size(it), c->size, "%s: %zu, want %zu",
	    c->json, expr_eval_item_size(it), c->size);
	value_free(it);
}

/* The bound put checks its limits on is never below the size, and
 * parses no number (so allocates nothing). */
Test(size, bound_is_at_least_the_size_and_allocates_nothing)
{
	static const char *const numbers[] = { "0", "-0", "1", "-1", "10",
	    "100", "1.5", "-1.50", "0.001", "1e5", "1E-130", "-9.9e125",
	    "12345678901234567890123456789012345678", "00012", "1.000",
	    "-0.0000000000000000000000000000000000001" };
	unsigned long calls;
	size_t i;

	for (i = 0; i < sizeof numbers / sizeof numbers[0]; i++) {
		struct value *it = value_new_m(), *l = value_new_l();

		value_map_set(it, "n", value_new_n(numbers[i],
		    strlen(numbers[i])));
		value_list_append(l, value_new_n(numbers[i],
		    strlen(numbers[i])));
		value_map_set(it, "l", l);
		cr_expect_geq(expr_eval_item_size_bound(it),
		    expr_eval_item_size(it), "%s", numbers[i]);
		value_free(it);
	}
	for (i = 0; i < sizeof size_cases / sizeof size_cases[0]; i++) {
		struct value *it = item(size_cases[i].json);
		size_t bound;

		calls = xmalloc_calls();
		bound = expr_eval_item_size_bound(it);
		cr_expect_eq(xmalloc_calls(), calls, "%s", size_cases[i].json);
		cr_expect_geq(bound, size_cases[i].size, "%s",
		    size_cases[i].json);
		value_free(it);
	}
}

Test(size, no_item_and_large_values)
{
	struct value *it = value_new_m();
	char *big = malloc(400 * 1024);

	cr_assert_not_null(big);
	cr_expect_eq(expr_eval_item_size(NULL), 0u);
	cr_expect_eq(expr_eval_item_size(it), 0u);
	memset(big, 'x', 400 * 1024);
	value_map_set(it, "data", value_new_s(big, 400 * 1024));
	cr_expect_eq(expr_eval_item_size(it), 400 * 1024 + 4u);
	value_map_setn(it, "a\0b", 3, value_new_bool(false));
	cr_expect_eq(expr_eval_item_size(it), 400 * 1024 + 4u + 4u);
	free(big);
	value_free(it);
}
