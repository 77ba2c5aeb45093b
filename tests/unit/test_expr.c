/* SPDX-License-Identifier: ISC */
/* Tests for paths, expression trees and their DynamoDB rendering. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "expr.h"
#include "value.h"

/* A top-level attribute operand. */
static struct expr *
name(const char *n)
{
	return expr_new_name(n);
}

/* A string value operand. */
static struct expr *
s(const char *v)
{
	return expr_new_value(value_new_str(v));
}

/* A number value operand. */
static struct expr *
n(const char *v)
{
	return expr_new_value(value_new_n(v, strlen(v)));
}

/* A dotted path operand; the text must be valid. */
static struct expr *
dotted(const char *text)
{
	struct path p;
	struct err err;

	cr_assert_eq(path_parse_dotted(&p, text, &err), 0, "%s", text);
	return expr_new_path(&p);
}

/* Render e alone in a fresh context; check text and attributes, free e. */
static void
check_render(struct expr *e, const char *text, const char *attrs)
{
	struct expr_render r;
	struct buf out = BUF_INIT, json = BUF_INIT;

	expr_render_init(&r);
	expr_render(&r, e, &out);
	expr_render_attributes(&r, &json);
	cr_expect_str_eq(buf_cstr(&out), text);
	if (attrs != NULL)
		cr_expect_str_eq(buf_cstr(&json), attrs);
	buf_cleanup(&out);
	buf_cleanup(&json);
	expr_render_cleanup(&r);
	expr_free(e);
}

Test(path, parse_dotted_accepts)
{
	static const struct {
		const char *text, *formatted;
		size_t nsegs;
	} cases[] = {
		{ "a", "a", 1 },
		{ "address.city", "address.city", 2 },
		{ "roles[0].title", "roles[0].title", 3 },
		{ "m[1][22]", "m[1][22]", 3 },
		{ "a.b.c[007]", "a.b.c[7]", 4 },
		{ "first name", "first name", 1 },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct path p;
		struct err err;
		struct buf b = BUF_INIT;

		err_clear(&err);
		cr_assert_eq(path_parse_dotted(&p, cases[i].text, &err), 0,
		    "%s: %s", cases[i].text, err.msg);
		cr_expect_eq(p.n, cases[i].nsegs, "%s", cases[i].text);
		path_format(&p, &b);
		cr_expect_str_eq(buf_cstr(&b), cases[i].formatted);
		buf_cleanup(&b);
		path_cleanup(&p);
	}
}

Test(path, parse_dotted_segments)
{
	struct path p;
	struct err err;

	cr_assert_eq(path_parse_dotted(&p, "roles[12].title", &err), 0);
	cr_assert_eq(p.n, 3);
	cr_expect_str_eq(p.segs[0].name, "roles");
	cr_expect_eq(p.segs[0].name_len, 5);
	cr_expect_eq(p.segs[0].index, -1);
	cr_expect_null(p.segs[1].name);
	cr_expect_eq(p.segs[1].index, 12);
	cr_expect_str_eq(p.segs[2].name, "title");
	path_cleanup(&p);
	cr_expect_eq(p.n, 0);
	cr_expect_null(p.segs);
}

Test(path, parse_dotted_rejects)
{
	static const char *const bad[] = {
		"", ".", "a.", ".a", "a..b", "a[", "a[]", "a[x]", "a[-1]",
		"a]", "a[0]b", "[0]", "a.[0]", "a[0", "a[1 ]",
		"a[99999999999999999999999]", "a[0].", "a]b",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct path p;
		struct err err;

		err_clear(&err);
		cr_expect_eq(path_parse_dotted(&p, bad[i], &err), -1,
		    "accepted \"%s\"", bad[i]);
		cr_expect_eq(err.code, ERR_INPUT, "%s", bad[i]);
		cr_expect_neq(strstr(err.msg, "bad attribute path"), NULL,
		    "%s: %s", bad[i], err.msg);
		cr_expect_eq(p.n, 0, "%s", bad[i]);
		path_cleanup(&p);
	}
}

Test(path, set_name_is_literal_and_copy_equal)
{
	struct path a, b, c;

	path_set_name(&a, "a.b[0]");
	cr_assert_eq(a.n, 1);
	cr_expect_str_eq(a.segs[0].name, "a.b[0]");
	path_copy(&b, &a);
	cr_expect(path_equal(&a, &b));
	cr_expect_neq(a.segs[0].name, b.segs[0].name);
	path_init(&c);
	path_push_name(&c, "a.b", 3);
	path_push_index(&c, 0);
	cr_expect_not(path_equal(&a, &c));
	path_cleanup(&c);
	path_init(&c);
	path_push_name(&c, "a.b[1]", 6);
	cr_expect_not(path_equal(&a, &c));
	path_cleanup(&a);
	path_cleanup(&b);
	path_cleanup(&c);
}

Test(path, names_with_nul_stay_whole)
{
	struct path p;
	struct expr_render r;
	struct buf out = BUF_INIT, json = BUF_INIT;

	path_init(&p);
	path_push_name(&p, "a\0b", 3);
	path_push_name(&p, "a", 1);
	cr_assert_eq(p.segs[0].name_len, 3);
	expr_render_init(&r);
	expr_render_path(&r, &p, &out);
	expr_render_attributes(&r, &json);
	/* "a" is not "a\0b": two placeholders. */
	cr_expect_str_eq(buf_cstr(&out), "#n0.#n1");
	cr_expect_str_eq(buf_cstr(&json), ",\"ExpressionAttributeNames\":"
	    "{\"#n0\":\"a\\u0000b\",\"#n1\":\"a\"}");
	buf_cleanup(&out);
	buf_cleanup(&json);
	expr_render_cleanup(&r);
	path_cleanup(&p);
}

Test(render, comparisons)
{
	check_render(expr_new(EX_EQ, 2, name("a"), s("x")), "#n0 = :v0",
	    ",\"ExpressionAttributeNames\":{\"#n0\":\"a\"}"
	    ",\"ExpressionAttributeValues\":{\":v0\":{\"S\":\"x\"}}");
	check_render(expr_new(EX_NE, 2, name("a"), n("1")), "#n0 <> :v0",
	    NULL);
	check_render(expr_new(EX_LT, 2, name("a"), n("1")), "#n0 < :v0",
	    NULL);
	check_render(expr_new(EX_LE, 2, name("a"), n("1")), "#n0 <= :v0",
	    NULL);
	check_render(expr_new(EX_GT, 2, name("a"), n("1")), "#n0 > :v0",
	    NULL);
	check_render(expr_new(EX_GE, 2, name("a"), name("b")), "#n0 >= #n1",
	    ",\"ExpressionAttributeNames\":{\"#n0\":\"a\",\"#n1\":\"b\"}");
}

Test(render, functions)
{
	check_render(expr_new(EX_EXISTS, 1, name("a")),
	    "attribute_exists(#n0)", NULL);
	check_render(expr_new(EX_NOT_EXISTS, 1, name("a")),
	    "attribute_not_exists(#n0)", NULL);
	check_render(expr_new(EX_ATTR_TYPE, 2, name("a"), s("SS")),
	    "attribute_type(#n0, :v0)",
	    ",\"ExpressionAttributeNames\":{\"#n0\":\"a\"}"
	    ",\"ExpressionAttributeValues\":{\":v0\":{\"S\":\"SS\"}}");
	check_render(expr_new(EX_BEGINS_WITH, 2, name("sk"), s("film#")),
	    "begins_with(#n0, :v0)", NULL);
	check_render(expr_new(EX_CONTAINS, 2, name("tags"), s("x")),
	    "contains(#n0, :v0)", NULL);
	check_render(expr_new(EX_GT, 2, expr_new(EX_SIZE, 1, name("a")),
	    n("3")), "size(#n0) > :v0", NULL);
	check_render(expr_new(EX_BETWEEN, 3, name("sk"), s("a"), s("b")),
	    "#n0 BETWEEN :v0 AND :v1",
	    ",\"ExpressionAttributeNames\":{\"#n0\":\"sk\"}"
	    ",\"ExpressionAttributeValues\":{\":v0\":{\"S\":\"a\"},"
	    "\":v1\":{\"S\":\"b\"}}");
	check_render(expr_new(EX_IN, 4, name("a"), n("1"), n("2"), n("3")),
	    "#n0 IN (:v0, :v1, :v2)", NULL);
	check_render(expr_new(EX_IN, 2, name("a"), n("1")),
	    "#n0 IN (:v0)", NULL);
}

Test(render, operands)
{
	check_render(expr_new(EX_IF_NOT_EXISTS, 2, name("v"), n("0")),
	    "if_not_exists(#n0, :v0)", NULL);
	check_render(expr_new(EX_LIST_APPEND, 2, name("l"),
	    expr_new_value(value_new_l())), "list_append(#n0, :v0)",
	    ",\"ExpressionAttributeNames\":{\"#n0\":\"l\"}"
	    ",\"ExpressionAttributeValues\":{\":v0\":{\"L\":[]}}");
	check_render(expr_new(EX_PLUS, 2, name("a"), n("1")), "#n0 + :v0",
	    NULL);
	check_render(expr_new(EX_MINUS, 2, name("a"), n("1")), "#n0 - :v0",
	    NULL);
	check_render(dotted("roles[2].title"), "#n0[2].#n1",
	    ",\"ExpressionAttributeNames\":{\"#n0\":\"roles\","
	    "\"#n1\":\"title\"}");
	check_render(dotted("m[0][1]"), "#n0[0][1]", NULL);
}

Test(render, logical_parentheses)
{
	/* Same-operator chains need no parentheses, either nesting. */
	check_render(expr_and(expr_and(expr_new(EX_EQ, 2, name("a"), n("1")),
	    expr_new(EX_EQ, 2, name("b"), n("2"))),
	    expr_new(EX_EQ, 2, name("c"), n("3"))),
	    "#n0 = :v0 AND #n1 = :v1 AND #n2 = :v2", NULL);
	check_render(expr_new(EX_OR, 2, name("a"),
	    expr_new(EX_OR, 2, name("b"), name("c"))),
	    "#n0 OR #n1 OR #n2", NULL);
	/* OR under AND must be parenthesised for correctness. */
	check_render(expr_new(EX_AND, 2,
	    expr_new(EX_OR, 2, expr_new(EX_EQ, 2, name("a"), n("1")),
	    expr_new(EX_EQ, 2, name("b"), n("2"))),
	    expr_new(EX_EQ, 2, name("c"), n("3"))),
	    "(#n0 = :v0 OR #n1 = :v1) AND #n2 = :v2", NULL);
	check_render(expr_new(EX_AND, 2, expr_new(EX_EXISTS, 1, name("c")),
	    expr_new(EX_OR, 2, expr_new(EX_EXISTS, 1, name("a")),
	    expr_new(EX_EXISTS, 1, name("b")))),
	    "attribute_exists(#n0) AND (attribute_exists(#n1) OR "
	    "attribute_exists(#n2))", NULL);
	/* AND under OR: parenthesised for the reader. */
	check_render(expr_new(EX_OR, 2, expr_new(EX_AND, 2, name("a"),
	    name("b")), name("c")), "(#n0 AND #n1) OR #n2", NULL);
	/* NOT always wraps its operand. */
	check_render(expr_new(EX_NOT, 1, expr_new(EX_AND, 2,
	    expr_new(EX_EQ, 2, name("a"), n("1")),
	    expr_new(EX_EQ, 2, name("b"), n("2")))),
	    "NOT (#n0 = :v0 AND #n1 = :v1)", NULL);
	check_render(expr_and(expr_new(EX_NOT, 1,
	    expr_new(EX_CONTAINS, 2, name("a"), s("x"))),
	    expr_new(EX_EXISTS, 1, name("b"))),
	    "NOT (contains(#n0, :v0)) AND attribute_exists(#n1)", NULL);
}

Test(render, placeholder_reuse_across_one_request)
{
	struct expr_render r;
	struct buf key = BUF_INIT, filt = BUF_INIT, cond = BUF_INIT;
	struct buf upd = BUF_INIT, json = BUF_INIT;
	struct expr *k, *f, *c;
	struct update u;
	struct path p;

	k = expr_and(expr_new(EX_EQ, 2, name("pk"), s("p#1")),
	    expr_new(EX_BEGINS_WITH, 2, name("sk"), s("c#")));
	f = expr_new(EX_EQ, 2, name("name"), name("name"));
	c = expr_new(EX_EQ, 2, name("sk"), s("c#1"));
	update_init(&u);
	path_set_name(&p, "name");
	update_add(&u, UPD_SET, &p, s("Bob"));
	cr_expect_eq(p.n, 0);

	expr_render_init(&r);
	expr_render(&r, k, &key);
	expr_render(&r, f, &filt);
	expr_render(&r, c, &cond);
	expr_render_update(&r, &u, &upd);
	expr_render_attributes(&r, &json);
	cr_expect_str_eq(buf_cstr(&key), "#n0 = :v0 AND begins_with(#n1, :v1)");
	cr_expect_str_eq(buf_cstr(&filt), "#n2 = #n2");
	cr_expect_str_eq(buf_cstr(&cond), "#n1 = :v2");
	cr_expect_str_eq(buf_cstr(&upd), "SET #n2 = :v3");
	cr_expect_eq(r.nnames, 3);
	cr_expect_eq(r.nvalues, 4);
	cr_expect_str_eq(buf_cstr(&json),
	    ",\"ExpressionAttributeNames\":{\"#n0\":\"pk\",\"#n1\":\"sk\","
	    "\"#n2\":\"name\"},\"ExpressionAttributeValues\":{"
	    "\":v0\":{\"S\":\"p#1\"},\":v1\":{\"S\":\"c#\"},"
	    "\":v2\":{\"S\":\"c#1\"},\":v3\":{\"S\":\"Bob\"}}");

	buf_cleanup(&key);
	buf_cleanup(&filt);
	buf_cleanup(&cond);
	buf_cleanup(&upd);
	buf_cleanup(&json);
	expr_render_cleanup(&r);
	expr_free(k);
	expr_free(f);
	expr_free(c);
	update_cleanup(&u);
}

Test(render, reserved_words_only_in_names)
{
	struct expr_render r;
	struct buf out = BUF_INIT, json = BUF_INIT;
	struct expr *e;

	e = expr_and(expr_and(expr_new(EX_EQ, 2, name("name"), s("Bob")),
	    expr_new(EX_NE, 2, name("year"), n("1999"))),
	    expr_new(EX_NOT_EXISTS, 1, name("status")));
	expr_render_init(&r);
	expr_render(&r, e, &out);
	expr_render_attributes(&r, &json);
	cr_expect_str_eq(buf_cstr(&out),
	    "#n0 = :v0 AND #n1 <> :v1 AND attribute_not_exists(#n2)");
	cr_expect_null(strstr(buf_cstr(&out), "name"));
	cr_expect_null(strstr(buf_cstr(&out), "year"));
	cr_expect_null(strstr(buf_cstr(&out), "status"));
	cr_expect_str_eq(buf_cstr(&json),
	    ",\"ExpressionAttributeNames\":{\"#n0\":\"name\","
	    "\"#n1\":\"year\",\"#n2\":\"status\"},"
	    "\"ExpressionAttributeValues\":{\":v0\":{\"S\":\"Bob\"},"
	    "\":v1\":{\"N\":\"1999\"}}");
	buf_cleanup(&out);
	buf_cleanup(&json);
	expr_render_cleanup(&r);
	expr_free(e);
}

Test(render, library_style_update)
{
	struct expr_render r;
	struct buf upd = BUF_INIT, cond = BUF_INIT, json = BUF_INIT;
	struct update u;
	struct path p;
	struct expr *c;
	struct value *lst;

	/* What pydantic-dynamo's update sends: set_commands (a map value
	 * sets members), the timestamp, the version bump, an append. */
	update_init(&u);
	path_set_name(&p, "name");
	update_add(&u, UPD_SET, &p, s("Bob"));
	path_init(&p);
	path_push_name(&p, "address", 7);
	path_push_name(&p, "city", 4);
	update_add(&u, UPD_SET, &p, s("Paris"));
	path_set_name(&p, "_timestamp");
	update_add(&u, UPD_SET, &p, s("2026-11-25T09:14:03.512345+00:00"));
	path_set_name(&p, "_object_version");
	update_add(&u, UPD_SET, &p, expr_new(EX_PLUS, 2,
	    expr_new(EX_IF_NOT_EXISTS, 2, name("_object_version"), n("0")),
	    n("1")));
	path_set_name(&p, "aliases");
	lst = value_new_l();
	value_list_append(lst, value_new_str("Bobby"));
	update_add(&u, UPD_SET, &p, expr_new(EX_LIST_APPEND, 2,
	    expr_new(EX_IF_NOT_EXISTS, 2, name("aliases"),
	    expr_new_value(value_new_l())), expr_new_value(lst)));
	c = expr_new(EX_EQ, 2, name("_object_version"), n("4"));
	cr_expect_not(update_empty(&u));

	expr_render_init(&r);
	expr_render_update(&r, &u, &upd);
	expr_render(&r, c, &cond);
	expr_render_attributes(&r, &json);
	cr_expect_str_eq(buf_cstr(&upd),
	    "SET #n0 = :v0, #n1.#n2 = :v1, #n3 = :v2, "
	    "#n4 = if_not_exists(#n4, :v3) + :v4, "
	    "#n5 = list_append(if_not_exists(#n5, :v5), :v6)");
	cr_expect_str_eq(buf_cstr(&cond), "#n4 = :v7");
	cr_expect_str_eq(buf_cstr(&json),
	    ",\"ExpressionAttributeNames\":{\"#n0\":\"name\","
	    "\"#n1\":\"address\",\"#n2\":\"city\",\"#n3\":\"_timestamp\","
	    "\"#n4\":\"_object_version\",\"#n5\":\"aliases\"},"
	    "\"ExpressionAttributeValues\":{\":v0\":{\"S\":\"Bob\"},"
	    "\":v1\":{\"S\":\"Paris\"},"
	    "\":v2\":{\"S\":\"2026-11-25T09:14:03.512345+00:00\"},"
	    "\":v3\":{\"N\":\"0\"},\":v4\":{\"N\":\"1\"},"
	    "\":v5\":{\"L\":[]},\":v6\":{\"L\":[{\"S\":\"Bobby\"}]},"
	    "\":v7\":{\"N\":\"4\"}}");
	buf_cleanup(&upd);
	buf_cleanup(&cond);
	buf_cleanup(&json);
	expr_render_cleanup(&r);
	expr_free(c);
	update_cleanup(&u);
}

Test(render, update_groups_by_action)
{
	struct expr_render r;
	struct buf out = BUF_INIT;
	struct update u;
	struct path p;
	struct value *ss;

	update_init(&u);
	cr_expect(update_empty(&u));
	path_set_name(&p, "gone");
	update_add(&u, UPD_REMOVE, &p, NULL);
	path_set_name(&p, "a");
	update_add(&u, UPD_SET, &p, n("1"));
	path_set_name(&p, "tags");
	ss = value_new_set(VT_SS);
	value_list_append(ss, value_new_str("old"));
	update_add(&u, UPD_DELETE, &p, expr_new_value(ss));
	path_set_name(&p, "count");
	update_add(&u, UPD_ADD, &p, n("2"));
	cr_assert_eq(path_parse_dotted(&p, "list[3].b", NULL), 0);
	update_add(&u, UPD_SET, &p, name("a"));
	cr_assert_eq(path_parse_dotted(&p, "list[0]", NULL), 0);
	update_add(&u, UPD_REMOVE, &p, NULL);

	expr_render_init(&r);
	expr_render_update(&r, &u, &out);
	cr_expect_str_eq(buf_cstr(&out),
	    "SET #n0 = :v0, #n1[3].#n2 = #n0 REMOVE #n3, #n1[0] "
	    "ADD #n4 :v1 DELETE #n5 :v2");
	buf_cleanup(&out);
	expr_render_cleanup(&r);

	/* Only REMOVE: no leading space, no other keyword. */
	update_cleanup(&u);
	update_init(&u);
	path_set_name(&p, "x");
	update_add(&u, UPD_REMOVE, &p, NULL);
	expr_render_init(&r);
	expr_render_update(&r, &u, &out);
	cr_expect_str_eq(buf_cstr(&out), "REMOVE #n0");
	buf_cleanup(&out);
	expr_render_cleanup(&r);
	update_cleanup(&u);
}

Test(render, empty_attributes_append_nothing)
{
	struct expr_render r;
	struct buf json = BUF_INIT;
	struct update u;

	expr_render_init(&r);
	update_init(&u);
	expr_render_update(&r, &u, &json);
	expr_render_attributes(&r, &json);
	cr_expect_eq(json.len, 0);
	expr_render_cleanup(&r);
	update_cleanup(&u);
	buf_cleanup(&json);
}

Test(render, names_only_or_values_only)
{
	/* A condition with only names gets no values object. */
	check_render(expr_new(EX_EXISTS, 1, name("a")),
	    "attribute_exists(#n0)",
	    ",\"ExpressionAttributeNames\":{\"#n0\":\"a\"}");
	/* Escaping in names and values goes through JSON strings. */
	check_render(expr_new(EX_EQ, 2, name("say \"hi\""), s("a\\b")),
	    "#n0 = :v0",
	    ",\"ExpressionAttributeNames\":{\"#n0\":\"say \\\"hi\\\"\"}"
	    ",\"ExpressionAttributeValues\":{\":v0\":{\"S\":\"a\\\\b\"}}");
}

Test(expr, and_with_null)
{
	struct expr *a = name("a");

	cr_expect_null(expr_and(NULL, NULL));
	cr_expect_eq(expr_and(a, NULL), a);
	cr_expect_eq(expr_and(NULL, a), a);
	expr_free(a);
	expr_free(NULL);
}

Test(expr, copy_is_deep)
{
	struct expr *a, *b;
	struct expr_render r1, r2;
	struct buf o1 = BUF_INIT, o2 = BUF_INIT, j1 = BUF_INIT, j2 = BUF_INIT;

	a = expr_and(expr_new(EX_BETWEEN, 3, dotted("x.y[1]"), s("a"),
	    n("2")), expr_new(EX_NOT, 1, expr_new(EX_IN, 3, name("z"),
	    s("p"), s("q"))));
	b = expr_copy(a);
	cr_assert_neq(a, b);
	cr_expect_neq(a->args[0]->args[0], b->args[0]->args[0]);
	cr_expect_neq(a->args[0]->args[1]->value, b->args[0]->args[1]->value);
	expr_render_init(&r1);
	expr_render_init(&r2);
	expr_render(&r1, a, &o1);
	expr_free(a);		/* the copy must not share anything */
	expr_render(&r2, b, &o2);
	expr_render_attributes(&r1, &j1);
	expr_render_attributes(&r2, &j2);
	cr_expect_str_eq(buf_cstr(&o2),
	    "#n0.#n1[1] BETWEEN :v0 AND :v1 AND NOT (#n2 IN (:v2, :v3))");
	cr_expect_str_eq(buf_cstr(&o1), buf_cstr(&o2));
	cr_expect_str_eq(buf_cstr(&j1), buf_cstr(&j2));
	expr_free(b);
	expr_render_cleanup(&r1);
	expr_render_cleanup(&r2);
	buf_cleanup(&o1);
	buf_cleanup(&o2);
	buf_cleanup(&j1);
	buf_cleanup(&j2);
}

Test(expr, new_path_moves)
{
	struct path p;
	struct expr *e;

	cr_assert_eq(path_parse_dotted(&p, "a.b", NULL), 0);
	e = expr_new_path(&p);
	cr_expect_eq(p.n, 0);
	cr_expect_null(p.segs);
	cr_expect_eq(e->kind, EX_PATH);
	cr_expect_eq(e->path.n, 2);
	path_cleanup(&p);
	expr_free(e);
}
