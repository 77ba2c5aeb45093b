/* SPDX-License-Identifier: ISC */
/* Tests for the FilterCommand model and its grammar. */
#include "config.h"

#include <criterion/criterion.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "expr.h"
#include "filter.h"
#include "value.h"

#define GRAMMAR "expected FIELD missing | FIELD = VALUE | FIELD != VALUE"

struct accept_case {
	const char	*text;
	enum filter_op	 op;
	const char	*field;		/* path_format of the path */
	size_t		 nsegs;
	int		 type;		/* value type; -1 for missing */
	const char	*str;		/* S or N text, or NULL */
	const char	*formatted;	/* filter_format_cond */
};

static const struct accept_case accepts[] = {
	{ "name missing", FILTER_MISSING, "name", 1, -1, NULL,
	    "name missing" },
	{ "  name\tMISSING  ", FILTER_MISSING, "name", 1, -1, NULL,
	    "name missing" },
	{ "name = Bob", FILTER_EQ, "name", 1, VT_S, "Bob", "name = Bob" },
	{ "name=Bob", FILTER_EQ, "name", 1, VT_S, "Bob", "name = Bob" },
	{ "year!=1999", FILTER_NE, "year", 1, VT_N, "1999",
	    "year != 1999" },
	{ "year != -1.5e3", FILTER_NE, "year", 1, VT_N, "-1.5e3",
	    "year != -1.5e3" },
	{ "n = 0", FILTER_EQ, "n", 1, VT_N, "0", "n = 0" },
	{ "ok = true", FILTER_EQ, "ok", 1, VT_BOOL, NULL, "ok = true" },
	{ "ok != false", FILTER_NE, "ok", 1, VT_BOOL, NULL, "ok != false" },
	{ "x = null", FILTER_EQ, "x", 1, VT_NULL, NULL, "x = null" },
	{ "note = \"two words\"", FILTER_EQ, "note", 1, VT_S, "two words",
	    "note = \"two words\"" },
	{ "note = \"\"", FILTER_EQ, "note", 1, VT_S, "", "note = \"\"" },
	{ "code = \"1999\"", FILTER_EQ, "code", 1, VT_S, "1999",
	    "code = \"1999\"" },
	{ "flag = \"true\"", FILTER_EQ, "flag", 1, VT_S, "true",
	    "flag = \"true\"" },
	{ "code = 01", FILTER_EQ, "code", 1, VT_S, "01", "code = 01" },
	{ "code = +1", FILTER_EQ, "code", 1, VT_S, "+1", "code = +1" },
	{ "code = 1.", FILTER_EQ, "code", 1, VT_S, "1.", "code = 1." },
	{ "v = True", FILTER_EQ, "v", 1, VT_S, "True", "v = True" },
	{ "v = NaN", FILTER_EQ, "v", 1, VT_S, "NaN", "v = NaN" },
	{ "name = missing", FILTER_EQ, "name", 1, VT_S, "missing",
	    "name = missing" },
	{ "x = a=b", FILTER_EQ, "x", 1, VT_S, "a=b", "x = a=b" },
	{ "city = Z\xc3\xbcrich", FILTER_EQ, "city", 1, VT_S,
	    "Z\xc3\xbcrich", "city = Z\xc3\xbcrich" },
	{ "tags = [\"a\", 1]", FILTER_EQ, "tags", 1, VT_L, NULL,
	    "tags = [\"a\",1]" },
	{ "meta != {\"k\": \"v\"}", FILTER_NE, "meta", 1, VT_M, NULL,
	    "meta != {\"k\":\"v\"}" },
	{ "address.city = Paris", FILTER_EQ, "address.city", 2, VT_S,
	    "Paris", "address.city = Paris" },
	{ "roles[0].title!=\"Lead actor\"", FILTER_NE, "roles[0].title", 3,
	    VT_S, "Lead actor", "roles[0].title != \"Lead actor\"" },
	{ "big = 12345678901234567890123456789012345678", FILTER_EQ, "big",
	    1, VT_N, "12345678901234567890123456789012345678",
	    "big = 12345678901234567890123456789012345678" },
};

static const char *const rejects[] = {
	"",
	"   ",
	"name",
	"name is Bob",
	"= Bob",
	"!= Bob",
	"name =",
	"name =   ",
	"name == Bob",
	"name = Bob Smith",
	"name missing now",
	"name <> 1",
	"name > 3",
	"name != ",
	"a..b = 1",
	"a[ = 1",
	"a[x] = 1",
	".a = 1",
	"name = \"unterminated",
	"name = [1,",
	"name = {\"a\": 1} x",
	"name = \"a\" \"b\"",
	"name = a\x01",
	"name = \xff",
	"name = \xc3",
	"name ! = 1",
};

Test(filter, grammar_accepts)
{
	size_t i;

	for (i = 0; i < sizeof accepts / sizeof accepts[0]; i++) {
		const struct accept_case *a = &accepts[i];
		const struct filter_cond *c;
		struct filter f;
		struct err err;
		struct buf b = BUF_INIT;

		filter_init(&f);
		err_clear(&err);
		cr_assert_eq(filter_add_parse(&f, a->text, &err), 0,
		    "rejected \"%s\": %s", a->text, err.msg);
		cr_assert_eq(f.n, 1);
		c = &f.conds[0];
		cr_expect_eq(c->op, a->op, "%s", a->text);
		cr_expect(c->enabled);
		cr_expect_str_eq(c->field, a->field, "%s", a->text);
		cr_expect_eq(c->path.n, a->nsegs, "%s", a->text);
		if (a->type == -1) {
			cr_expect_null(c->value, "%s", a->text);
		} else {
			cr_assert_not_null(c->value, "%s", a->text);
			cr_expect_eq((int)c->value->type, a->type, "%s",
			    a->text);
		}
		if (a->str != NULL) {
			cr_expect_eq(c->value->u.str.len, strlen(a->str));
			cr_expect_str_eq(c->value->u.str.ptr, a->str);
		}
		filter_format_cond(c, &b);
		cr_expect_str_eq(buf_cstr(&b), a->formatted);
		buf_cleanup(&b);
		filter_cleanup(&f);
	}
}

Test(filter, grammar_rejects)
{
	size_t i;

	for (i = 0; i < sizeof rejects / sizeof rejects[0]; i++) {
		struct filter f;
		struct err err;

		filter_init(&f);
		err_clear(&err);
		cr_expect_eq(filter_add_parse(&f, rejects[i], &err), -1,
		    "accepted \"%s\"", rejects[i]);
		cr_expect_eq(err.code, ERR_INPUT, "%s", rejects[i]);
		cr_expect_neq(strstr(err.msg, GRAMMAR), NULL, "%s: %s",
		    rejects[i], err.msg);
		cr_expect_eq(f.n, 0, "%s", rejects[i]);
		filter_cleanup(&f);
	}
}

Test(filter, error_messages_say_why)
{
	struct filter f;
	struct err err;

	filter_init(&f);
	cr_assert_eq(filter_add_parse(&f, "name = Bob Smith", &err), -1);
	cr_expect_neq(strstr(err.msg, "\"name = Bob Smith\""), NULL, "%s",
	    err.msg);
	cr_expect_neq(strstr(err.msg, "JSON quotes"), NULL, "%s", err.msg);
	cr_assert_eq(filter_add_parse(&f, "a[x] = 1", &err), -1);
	cr_expect_neq(strstr(err.msg, "[INDEX]"), NULL, "%s", err.msg);
	cr_assert_eq(filter_add_parse(&f, "name = [1,", &err), -1);
	cr_expect_neq(strstr(err.msg, "not valid JSON"), NULL, "%s",
	    err.msg);
	filter_cleanup(&f);
}

Test(filter, format_parses_back)
{
	size_t i;

	for (i = 0; i < sizeof accepts / sizeof accepts[0]; i++) {
		struct filter f, g;
		struct buf b = BUF_INIT, b2 = BUF_INIT;
		const struct filter_cond *x, *y;
		struct err err;

		filter_init(&f);
		filter_init(&g);
		cr_assert_eq(filter_add_parse(&f, accepts[i].text, NULL), 0);
		filter_format_cond(&f.conds[0], &b);
		cr_assert_eq(filter_add_parse(&g, buf_cstr(&b), &err), 0,
		    "%s: %s", buf_cstr(&b), err.msg);
		x = &f.conds[0];
		y = &g.conds[0];
		cr_expect_eq(x->op, y->op);
		cr_expect(path_equal(&x->path, &y->path), "%s", buf_cstr(&b));
		if (x->value != NULL) {
			cr_assert_not_null(y->value);
			cr_expect(value_equal(x->value, y->value), "%s",
			    buf_cstr(&b));
			cr_expect_eq(x->value->type, y->value->type);
		}
		filter_format_cond(y, &b2);
		cr_expect_str_eq(buf_cstr(&b), buf_cstr(&b2));
		buf_cleanup(&b);
		buf_cleanup(&b2);
		filter_cleanup(&f);
		filter_cleanup(&g);
	}
}

Test(filter, format_of_added_values)
{
	static const struct {
		const char *str, *formatted;
	} cases[] = {
		{ "two words", "f = \"two words\"" },
		{ "tab\there", "f = \"tab\\there\"" },
		{ "null", "f = \"null\"" },
		{ "-2", "f = \"-2\"" },
		{ "[x", "f = \"[x\"" },
		{ "=x", "f = \"=x\"" },
		{ "x=", "f = x=" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct filter f, g;
		struct buf b = BUF_INIT;
		struct path p;

		filter_init(&f);
		filter_init(&g);
		path_set_name(&p, "f");
		filter_add(&f, FILTER_EQ, &p, value_new_str(cases[i].str));
		cr_expect_eq(p.n, 0);
		filter_format_cond(&f.conds[0], &b);
		cr_expect_str_eq(buf_cstr(&b), cases[i].formatted);
		cr_assert_eq(filter_add_parse(&g, buf_cstr(&b), NULL), 0,
		    "%s", buf_cstr(&b));
		cr_expect(value_equal(f.conds[0].value, g.conds[0].value),
		    "%s", buf_cstr(&b));
		buf_cleanup(&b);
		filter_cleanup(&f);
		filter_cleanup(&g);
	}
}

/* Render the filter's expression in a fresh context. */
static void
render_filter(const struct filter *f, struct buf *text, struct buf *json)
{
	struct expr_render r;
	struct expr *e = filter_to_expr(f);

	cr_assert_not_null(e);
	expr_render_init(&r);
	expr_render(&r, e, text);
	expr_render_attributes(&r, json);
	expr_render_cleanup(&r);
	expr_free(e);
}

Test(filter, to_expr_in_library_order)
{
	static const char *const in[] = {
		"b = 1", "a missing", "c != x", "d = \"2\"", "e missing",
	};
	struct filter f;
	struct buf text = BUF_INIT, json = BUF_INIT;
	struct expr *e;
	size_t i;

	filter_init(&f);
	cr_expect_null(filter_to_expr(&f));
	for (i = 0; i < sizeof in / sizeof in[0]; i++)
		cr_assert_eq(filter_add_parse(&f, in[i], NULL), 0, "%s", in[i]);
	render_filter(&f, &text, &json);
	cr_expect_str_eq(buf_cstr(&text),
	    "attribute_not_exists(#n0) AND attribute_not_exists(#n1) AND "
	    "#n2 = :v0 AND #n3 = :v1 AND #n4 <> :v2");
	cr_expect_str_eq(buf_cstr(&json),
	    ",\"ExpressionAttributeNames\":{\"#n0\":\"a\",\"#n1\":\"e\","
	    "\"#n2\":\"b\",\"#n3\":\"d\",\"#n4\":\"c\"},"
	    "\"ExpressionAttributeValues\":{\":v0\":{\"N\":\"1\"},"
	    "\":v1\":{\"S\":\"2\"},\":v2\":{\"S\":\"x\"}}");

	/* Folded left like the library: ((((a AND e) AND b) AND d) AND c). */
	e = filter_to_expr(&f);
	cr_assert_eq(e->kind, EX_AND);
	cr_expect_eq(e->args[1]->kind, EX_NE);
	cr_expect_eq(e->args[0]->kind, EX_AND);
	cr_expect_eq(e->args[0]->args[1]->kind, EX_EQ);
	cr_expect_eq(e->args[0]->args[0]->args[0]->args[0]->kind,
	    EX_NOT_EXISTS);
	expr_free(e);

	buf_cleanup(&text);
	buf_cleanup(&json);
	filter_cleanup(&f);
}

Test(filter, dotted_field_renders_as_path)
{
	struct filter f;
	struct buf text = BUF_INIT, json = BUF_INIT;

	filter_init(&f);
	cr_assert_eq(filter_add_parse(&f, "address.city != Paris", NULL), 0);
	cr_assert_eq(filter_add_parse(&f, "roles[1].name missing", NULL), 0);
	render_filter(&f, &text, &json);
	cr_expect_str_eq(buf_cstr(&text),
	    "attribute_not_exists(#n0[1].#n1) AND #n2.#n3 <> :v0");
	cr_expect_str_eq(buf_cstr(&json),
	    ",\"ExpressionAttributeNames\":{\"#n0\":\"roles\","
	    "\"#n1\":\"name\",\"#n2\":\"address\",\"#n3\":\"city\"},"
	    "\"ExpressionAttributeValues\":{\":v0\":{\"S\":\"Paris\"}}");
	buf_cleanup(&text);
	buf_cleanup(&json);
	filter_cleanup(&f);
}

Test(filter, single_condition_is_not_wrapped)
{
	struct filter f;
	struct expr *e;

	filter_init(&f);
	cr_assert_eq(filter_add_parse(&f, "year = 1999", NULL), 0);
	e = filter_to_expr(&f);
	cr_assert_not_null(e);
	cr_expect_eq(e->kind, EX_EQ);
	cr_expect_eq(e->args[0]->kind, EX_PATH);
	cr_expect_eq(e->args[1]->kind, EX_VALUE);
	cr_expect_eq(e->args[1]->value->type, VT_N);
	/* The expression owns copies, not the filter's values. */
	cr_expect_neq(e->args[1]->value, f.conds[0].value);
	expr_free(e);
	filter_cleanup(&f);
}

Test(filter, disabled_conditions_are_skipped)
{
	struct filter f;
	struct buf text = BUF_INIT, json = BUF_INIT;

	filter_init(&f);
	cr_assert_eq(filter_add_parse(&f, "a = 1", NULL), 0);
	cr_assert_eq(filter_add_parse(&f, "b missing", NULL), 0);
	f.conds[1].enabled = false;
	render_filter(&f, &text, &json);
	cr_expect_str_eq(buf_cstr(&text), "#n0 = :v0");
	f.conds[0].enabled = false;
	cr_expect_null(filter_to_expr(&f));
	buf_cleanup(&text);
	buf_cleanup(&json);
	filter_cleanup(&f);
}

Test(filter, set_and_dict_semantics)
{
	struct filter f;
	struct path p;

	filter_init(&f);
	cr_assert_eq(filter_add_parse(&f, "a = 1", NULL), 0);
	cr_assert_eq(filter_add_parse(&f, "b missing", NULL), 0);
	cr_assert_eq(filter_add_parse(&f, "a != 1", NULL), 0);
	cr_assert_eq(f.n, 3);
	f.conds[0].enabled = false;
	/* equals is a dict: a second "a = ..." replaces the value. */
	cr_assert_eq(filter_add_parse(&f, "a = two", NULL), 0);
	cr_assert_eq(f.n, 3);
	cr_expect(f.conds[0].enabled);
	cr_expect_eq(f.conds[0].value->type, VT_S);
	cr_expect_str_eq(f.conds[0].value->u.str.ptr, "two");
	/* not_exists is a set. */
	cr_assert_eq(filter_add_parse(&f, "b  missing", NULL), 0);
	cr_expect_eq(f.n, 3);
	cr_expect_eq(filter_find(&f, FILTER_NE, &f.conds[0].path), 2);
	path_set_name(&p, "zz");
	cr_expect_eq(filter_find(&f, FILTER_EQ, &p), -1);
	filter_add(&f, FILTER_MISSING, &p, NULL);
	cr_expect_eq(f.n, 4);
	cr_expect_str_eq(f.conds[3].field, "zz");
	filter_cleanup(&f);
	cr_expect_eq(f.n, 0);
}

Test(filter, remove_and_copy)
{
	struct filter f, g;
	struct buf b = BUF_INIT;

	filter_init(&f);
	cr_assert_eq(filter_add_parse(&f, "a = 1", NULL), 0);
	cr_assert_eq(filter_add_parse(&f, "b = [1, {\"x\": null}]", NULL), 0);
	cr_assert_eq(filter_add_parse(&f, "c missing", NULL), 0);
	f.conds[2].enabled = false;
	filter_copy(&g, &f);
	filter_remove(&f, 0);
	cr_assert_eq(f.n, 2);
	cr_expect_str_eq(f.conds[0].field, "b");
	cr_expect_str_eq(f.conds[1].field, "c");
	filter_remove(&f, 1);
	cr_assert_eq(f.n, 1);
	filter_cleanup(&f);

	cr_assert_eq(g.n, 3);
	cr_expect_not(g.conds[2].enabled);
	filter_format_cond(&g.conds[1], &b);
	cr_expect_str_eq(buf_cstr(&b), "b = [1,{\"x\":null}]");
	buf_cleanup(&b);
	filter_cleanup(&g);
}

Test(filter, literal_field_with_dot)
{
	struct filter f;
	struct path p;

	/* filter_add takes any path; its field text is path_format's. */
	filter_init(&f);
	path_set_name(&p, "a.b");
	filter_add(&f, FILTER_NE, &p, value_new_n("5", 1));
	cr_assert_eq(f.n, 1);
	cr_expect_eq(f.conds[0].path.n, 1);
	cr_expect_str_eq(f.conds[0].field, "a.b");
	filter_cleanup(&f);
}
