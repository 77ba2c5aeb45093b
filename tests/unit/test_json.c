/* SPDX-License-Identifier: ISC */
/* Tests for json.c: streaming parse into values and plain JSON output. */
#include "config.h"

#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "editdoc.h"
#include "json.h"
#include "value.h"
#include "xmalloc.h"

/* json_parse of a C string. */
static struct value *
parse(const char *s, struct err *err)
{
	err_clear(err);
	return json_parse(s, strlen(s), err);
}

/* Emit to a new string (caller frees). */
static char *
emit(const struct value *v, int flags)
{
	struct buf b = BUF_INIT;

	json_emit(&b, v, flags);
	return buf_detach(&b, NULL);
}

/* Parse, which must fail, and return the message's byte offset. */
static long
fail_offset(const char *s, struct err *err)
{
	struct value *v = parse(s, err);
	const char *at;

	cr_assert_null(v, "%s parsed", s);
	cr_assert_eq(err->code, ERR_INPUT, "%s", s);
	at = strstr(err->msg, "at byte ");
	cr_assert_not_null(at, "%s: no offset in \"%s\"", s, err->msg);
	return strtol(at + 8, NULL, 10);
}

Test(json, parses_every_kind)
{
	struct value *v, *e;
	struct err err;

	v = parse("{\"s\":\"x\",\"n\":1.50,\"e\":-1E+2,\"t\":true,\"f\":false,"
	    "\"z\":null,\"l\":[1,\"a\",[]],\"m\":{}}", &err);
	cr_assert_not_null(v, "%s", err.msg);
	cr_assert_eq(v->type, VT_M);
	cr_assert_eq(v->u.map.len, 8);
	cr_expect_str_eq(v->u.map.items[0].name, "s");
	cr_expect_str_eq(v->u.map.items[7].name, "m");
	e = value_map_get(v, "s");
	cr_expect_eq(e->type, VT_S);
	cr_expect_str_eq(e->u.str.ptr, "x");
	e = value_map_get(v, "n");
	cr_expect_eq(e->type, VT_N);
	cr_expect_str_eq(e->u.str.ptr, "1.50");
	cr_expect_str_eq(value_map_get(v, "e")->u.str.ptr, "-1E+2");
	cr_expect_eq(value_map_get(v, "t")->type, VT_BOOL);
	cr_expect(value_map_get(v, "t")->u.boolean);
	cr_expect(!value_map_get(v, "f")->u.boolean);
	cr_expect_eq(value_map_get(v, "z")->type, VT_NULL);
	e = value_map_get(v, "l");
	cr_assert_eq(e->type, VT_L);
	cr_assert_eq(e->u.list.len, 3);
	cr_expect_eq(e->u.list.items[0]->type, VT_N);
	cr_expect_eq(e->u.list.items[1]->type, VT_S);
	cr_expect_eq(e->u.list.items[2]->type, VT_L);
	cr_expect_eq(e->u.list.items[2]->u.list.len, 0);
	cr_expect_eq(value_map_get(v, "m")->type, VT_M);
	value_free(v);
}

Test(json, parses_top_level_scalars)
{
	struct value *v;
	struct err err;

	v = parse(" 12345678901234567890123456789012345678901234 ", &err);
	cr_assert_not_null(v, "%s", err.msg);
	cr_expect_eq(v->type, VT_N);
	cr_expect_str_eq(v->u.str.ptr,
	    "12345678901234567890123456789012345678901234");
	value_free(v);
	v = parse("\"x\"", &err);
	cr_assert_not_null(v, "%s", err.msg);
	cr_expect_str_eq(v->u.str.ptr, "x");
	value_free(v);
	v = parse("null", &err);
	cr_assert_not_null(v, "%s", err.msg);
	cr_expect_eq(v->type, VT_NULL);
	value_free(v);
}

Test(json, nul_bytes_survive)
{
	struct value *v, *e;
	struct err err;
	char *out;

	v = parse("{\"k\\u0000ey\":\"a\\u0000b\"}", &err);
	cr_assert_not_null(v, "%s", err.msg);
	cr_assert_eq(v->u.map.len, 1);
	cr_expect_eq(v->u.map.items[0].name_len, 4);
	cr_expect_eq(memcmp(v->u.map.items[0].name, "k\0ey", 5), 0);
	e = v->u.map.items[0].value;
	cr_assert_eq(e->u.str.len, 3);
	cr_expect_eq(memcmp(e->u.str.ptr, "a\0b", 4), 0);
	out = emit(v, 0);
	cr_expect_str_eq(out, "{\"k\\u0000ey\":\"a\\u0000b\"}");
	free(out);
	value_free(v);
}

Test(json, unicode_escapes_and_utf8)
{
	struct value *v;
	struct err err;
	char *out;

	v = parse("\"\\u00d3 \\u201c \\ud83c\\udfac \xc3\x93\"", &err);
	cr_assert_not_null(v, "%s", err.msg);
	cr_expect_str_eq(v->u.str.ptr, "\xc3\x93 \xe2\x80\x9c \xf0\x9f\x8e\xac "
	    "\xc3\x93");
	out = emit(v, 0);
	/* Non-ASCII is kept as UTF-8, not escaped. */
	cr_expect_str_eq(out, "\"\xc3\x93 \xe2\x80\x9c \xf0\x9f\x8e\xac "
	    "\xc3\x93\"");
	free(out);
	value_free(v);

	/* Invalid UTF-8 is refused. */
	cr_expect_null(parse("\"\xff\"", &err));
	cr_expect_eq(err.code, ERR_INPUT);
	cr_expect(strstr(err.msg, "UTF8") != NULL, "%s", err.msg);
}

Test(json, errors_carry_offsets)
{
	struct err err;

	/* The byte where the problem is found, counted from 0. */
	cr_expect_eq(fail_offset("[1, x]", &err), 4, "%s", err.msg);
	cr_expect(strstr(err.msg, "invalid char") != NULL, "%s", err.msg);
	cr_expect_eq(fail_offset("{\"a\" 1}", &err), 5, "%s", err.msg);
	cr_expect_eq(fail_offset("{\"a\":1,}", &err), 7, "%s", err.msg);
	/* Premature end: reported at the end. */
	cr_expect_eq(fail_offset("{\"a\":", &err), 5, "%s", err.msg);
	cr_expect(strstr(err.msg, "premature EOF") != NULL, "%s", err.msg);
	cr_expect_eq(fail_offset("", &err), 0, "%s", err.msg);
	cr_expect_eq(fail_offset("[1] x", &err), 4, "%s", err.msg);
	cr_expect(strstr(err.msg, "trailing garbage") != NULL, "%s", err.msg);
	cr_expect_gt(fail_offset("[1] [2]", &err), 3, "%s", err.msg);
	fail_offset("{\"a\":tru}", &err);
	fail_offset("[1.]", &err);
	fail_offset("[01]", &err);
	fail_offset("[NaN]", &err);
	fail_offset("'x'", &err);
	fail_offset("[\"a\nb\"]", &err);
	fail_offset("[1] // comment", &err);
}

Test(json, duplicate_names_are_errors)
{
	struct value *v;
	struct err err;
	long at;

	at = fail_offset("{\"a\":1,\"b\":2,\"a\":3}", &err);
	cr_expect(strstr(err.msg, "duplicate member name \"a\"") != NULL,
	    "%s", err.msg);
	cr_expect_geq(at, 14, "%s", err.msg);
	cr_expect_leq(at, 17, "%s", err.msg);
	fail_offset("{\"x\":{\"a\":1,\"a\":1}}", &err);
	cr_expect(strstr(err.msg, "\"a\"") != NULL, "%s", err.msg);
	/* Same bytes after an escape are the same name. */
	fail_offset("{\"ab\":1,\"a\\u0062\":1}", &err);
	/* Names differing only after a NUL are different. */
	v = parse("{\"a\\u0000b\":1,\"a\\u0000c\":1,\"a\":1}", &err);
	cr_expect_not_null(v, "%s", err.msg);
	value_free(v);
}

Test(json, duplicate_check_survives_many_members)
{
	struct buf b = BUF_INIT;
	struct value *v;
	struct err err;
	int i;

	buf_addc(&b, '{');
	for (i = 0; i < 300; i++)
		buf_printf(&b, "%s\"m%d\":%d", i ? "," : "", i, i);
	buf_addc(&b, '}');
	v = json_parse(b.data, b.len, &err);
	cr_assert_not_null(v, "%s", err.msg);
	cr_expect_eq(v->u.map.len, 300);
	value_free(v);
	b.len--;
	buf_adds(&b, ",\"m123\":0}");
	cr_expect_null(json_parse(b.data, b.len, &err));
	cr_expect(strstr(err.msg, "\"m123\"") != NULL, "%s", err.msg);
	buf_cleanup(&b);
}

Test(json, depth_is_limited)
{
	struct buf b = BUF_INIT;
	struct value *v;
	struct err err;
	int i;

	for (i = 0; i < 1000; i++)
		buf_addc(&b, '[');
	for (i = 0; i < 1000; i++)
		buf_addc(&b, ']');
	v = json_parse(b.data, b.len, &err);
	cr_expect_not_null(v, "%s", err.msg);
	value_free(v);
	buf_reset(&b);
	for (i = 0; i < 100000; i++)
		buf_add(&b, "[{\"a\":", 6);
	cr_expect_null(json_parse(b.data, b.len, &err));
	cr_expect(strstr(err.msg, "nested deeper") != NULL, "%s", err.msg);
	buf_cleanup(&b);
}

/* A map with one member of every type, built by hand. */
static struct value *
every_type(void)
{
	struct value *m = value_new_m(), *l = value_new_l(), *s;

	value_map_set(m, "s", value_new_str("q\"\\\n\t\x01"));
	value_map_set(m, "n", value_new_n("1.50", 4));
	value_map_set(m, "b", value_new_b("\x00\x01\x02\xff", 4));
	value_map_set(m, "t", value_new_bool(true));
	value_map_set(m, "f", value_new_bool(false));
	value_map_set(m, "z", value_new_null());
	value_list_append(l, value_new_n("-1e-7", 5));
	value_list_append(l, value_new_m());
	value_list_append(l, value_new_l());
	value_map_set(m, "l", l);
	s = value_new_set(VT_SS);
	value_list_append(s, value_new_str("a"));
	value_list_append(s, value_new_str("b"));
	value_map_set(m, "ss", s);
	s = value_new_set(VT_NS);
	value_list_append(s, value_new_n("1", 1));
	value_list_append(s, value_new_n("2.5", 3));
	value_map_set(m, "ns", s);
	s = value_new_set(VT_BS);
	value_list_append(s, value_new_b("hi", 2));
	value_map_set(m, "bs", s);
	s = value_new_m();
	value_map_set(s, "x", value_new_str("y"));
	value_map_set(m, "m", s);
	return m;
}

Test(json, emit_compact)
{
	struct value *v = every_type();
	char *out = emit(v, 0);

	cr_expect_str_eq(out, "{\"s\":\"q\\\"\\\\\\n\\t\\u0001\",\"n\":1.50,"
	    "\"b\":\"AAEC/w==\",\"t\":true,\"f\":false,\"z\":null,"
	    "\"l\":[-1e-7,{},[]],\"ss\":[\"a\",\"b\"],\"ns\":[1,2.5],"
	    "\"bs\":[\"aGk=\"],\"m\":{\"x\":\"y\"}}");
	free(out);
	value_free(v);
}

Test(json, emit_pretty)
{
	struct value *v = every_type();
	char *out;

	value_free(value_map_take(v, "s"));
	value_free(value_map_take(v, "b"));
	value_free(value_map_take(v, "f"));
	value_free(value_map_take(v, "ss"));
	value_free(value_map_take(v, "bs"));
	out = emit(v, JSON_PRETTY);
	cr_expect_str_eq(out,
	    "{\n"
	    "  \"n\": 1.50,\n"
	    "  \"t\": true,\n"
	    "  \"z\": null,\n"
	    "  \"l\": [\n"
	    "    -1e-7,\n"
	    "    {},\n"
	    "    []\n"
	    "  ],\n"
	    "  \"ns\": [\n"
	    "    1,\n"
	    "    2.5\n"
	    "  ],\n"
	    "  \"m\": {\n"
	    "    \"x\": \"y\"\n"
	    "  }\n"
	    "}");
	free(out);
	value_free(v);
}

Test(json, emit_numbers_json_cannot_carry)
{
	static const char *const cases[][2] = {
		{ "1.50", "1.50" },
		{ "-0", "-0" },
		{ "1E+2", "1E+2" },
		{ "+5", "5" },
		{ ".5", "0.5" },
		{ "5.", "5" },
		{ "007", "7" },
		{ "abc", "\"abc\"" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct value *v = value_new_n(cases[i][0],
		    strlen(cases[i][0]));
		char *out = emit(v, 0);

		cr_expect_str_eq(out, cases[i][1]);
		free(out);
		value_free(v);
	}
}

Test(json, round_trip)
{
	static const char *const docs[] = {
		"{\"a\":[1,2.5,-3e10,\"x\",true,false,null,{\"b\":{}}],"
		"\"c\":\"\xe2\x82\xac\"}",
		"[]",
		"{}",
		"\"\"",
		"[[[[]]],{\"\":0}]",
	};
	struct err err;
	size_t i;

	for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		struct value *v = parse(docs[i], &err);
		char *out;

		cr_assert_not_null(v, "%s: %s", docs[i], err.msg);
		out = emit(v, 0);
		cr_expect_str_eq(out, docs[i]);
		free(out);
		value_free(v);
	}
}

Test(json, pretty_output_parses_back_equal)
{
	struct value *v = every_type(), *w;
	struct err err;
	char *out = emit(v, JSON_PRETTY);

	w = parse(out, &err);
	cr_assert_not_null(w, "%s", err.msg);
	/* B, SS, NS, BS come back as plain strings and lists, so compare
	 * the plain JSON again. */
	free(out);
	out = emit(v, 0);
	{
		char *again = emit(w, 0);

		cr_expect_str_eq(again, out);
		free(again);
	}
	free(out);
	value_free(v);
	value_free(w);
}

/* The $EDITOR document: comment lines, then one object. */
Test(json, editdoc)
{
	static const char doc[] = "// Save to write this item.\n\n"
	    "// ERROR: line 3: not JSON\n"
	    "  {\"a\": 1, \"b\": \"// no comment\"}\n";
	static const char nul[] = "{\"a\": 1}\0{\"b\": 2}";
	struct value *v;
	struct err e;

	cr_assert_eq(editdoc_body(doc, sizeof doc - 1),
	    strchr(doc, '{') - doc);
	v = editdoc_parse(doc, sizeof doc - 1, &e);
	cr_assert_not_null(v, "%s", e.msg);
	cr_assert_eq(v->type, VT_M);
	cr_assert_str_eq(value_map_get(v, "b")->u.str.ptr, "// no comment");
	value_free(v);

	/* No comment at all; blanks after the object. */
	v = editdoc_parse("{}\n\n", 4, &e);
	cr_assert_not_null(v, "%s", e.msg);
	value_free(v);

	cr_assert_null(editdoc_parse("// x\n[1]", 8, &e));
	cr_assert_eq(e.code, ERR_INPUT);
	cr_assert_not_null(strstr(e.msg, "JSON object"), "%s", e.msg);
	cr_assert_null(editdoc_parse("// x\n{\"a\": }", 13, &e));
	cr_assert_eq(e.code, ERR_INPUT);
	cr_assert_null(editdoc_parse("// only a comment\n", 18, &e));
	cr_assert_eq(e.code, ERR_INPUT);
	/* What follows a NUL is not silently dropped. */
	cr_assert_null(editdoc_parse(nul, sizeof nul - 1, &e));
	cr_assert_not_null(strstr(e.msg, "NUL"), "%s", e.msg);
	/* A "/" that starts no comment is the JSON's problem. */
	cr_assert_null(editdoc_parse("/ {}", 4, &e));
}

/* RFC 8259's escaping, a byte at a time: what buf_add_json_string must
 * match whatever its fast path. */
static void
reference_json_string(struct buf *b, const char *s, size_t len)
{
	size_t i;

	buf_addc(b, '"');
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"')
			buf_adds(b, "\\\"");
		else if (c == '\\')
			buf_adds(b, "\\\\");
		else if (c == '\n')
			buf_adds(b, "\\n");
		else if (c == '\r')
			buf_adds(b, "\\r");
		else if (c == '\t')
			buf_adds(b, "\\t");
		else if (c == '\b')
			buf_adds(b, "\\b");
		else if (c == '\f')
			buf_adds(b, "\\f");
		else if (c < 0x20)
			buf_printf(b, "\\u%04x", c);
		else
			buf_addc(b, (char)c);
	}
	buf_addc(b, '"');
}

/* One string of string_escaping_matches_the_reference: len bytes of
 * fill over and over in s, byte c at `at` (none when at == len). */
static void
check_escaping(char *s, const char *fill, size_t len, size_t at, unsigned c)
{
	struct buf got = BUF_INIT, want = BUF_INIT;
	size_t k;

	for (k = 0; k < len; k++)
		s[k] = fill[k % strlen(fill)];
	if (at < len)
		s[at] = (char)c;
	buf_add_json_string(&got, s, len);
	reference_json_string(&want, s, len);
	cr_assert_eq(got.len, want.len, "len %zu, byte 0x%02x at %zu",
	    len, c, at);
	cr_assert(memcmp(got.data, want.data, got.len) == 0,
	    "len %zu, byte 0x%02x at %zu: %s", len, c, at, got.data);
	buf_cleanup(&got);
	buf_cleanup(&want);
}

/* Every byte value at every place of strings around the 16-byte blocks
 * the scan reads, on a plain ASCII, a UTF-8, a 0x20 and an escaped
 * background. */
Test(json, string_escaping_matches_the_reference)
{
	static const char *const fill[] = { "a", "\xc3\xa9", "\x20",
	    "x\"\\\n\x01" };
	char s[48];
	size_t len, at, f;
	unsigned c;

	for (f = 0; f < sizeof fill / sizeof fill[0]; f++)
		for (len = 0; len <= sizeof s; len++)
			for (at = 0; at <= len; at++)
				for (c = 0; c < 256; c++) {
					check_escaping(s, fill[f], len, at, c);
					if (at == len)
						break;
				}
}

Test(json, integers_as_printf_writes_them)
{
	static const long long n[] = { 0, 1, -1, 9, 10, -10, 99, 1000000007LL,
	    LLONG_MAX, LLONG_MIN, LLONG_MIN + 1 };
	char want[32];
	size_t i;

	for (i = 0; i < sizeof n / sizeof n[0]; i++) {
		struct buf b = BUF_INIT;

		buf_adds(&b, "x");
		buf_add_int(&b, n[i]);
		snprintf(want, sizeof want, "x%lld", n[i]);
		cr_assert_str_eq(b.data, want);
		buf_cleanup(&b);
	}
}

/* In an arena shared by documents (put's lines), names are shared, and
 * a name the arena shares is told a duplicate by its address: before
 * the arena's table fills and after (then by its bytes), in nested
 * objects, with an escape. */
Test(json, duplicates_found_in_a_shared_arena)
{
	struct value_arena *a = value_arena_new();
	struct buf b = BUF_INIT;
	struct value *v;
	struct err err;
	int i;

	for (i = 0; i < 120; i++) {
		buf_reset(&b);
		/* A new name each time: the table fills past 48. */
		buf_printf(&b, "{\"id\":1,\"n%d\":2,\"x\":{\"id\":3,"
		    "\"n%d\":4}}", i, i);
		v = json_parse_in(a, b.data, b.len, &err);
		cr_assert_not_null(v, "%s: %s", b.data, err.msg);
		value_free(v);
		buf_reset(&b);
		buf_printf(&b, "{\"id\":1,\"n%d\":2,\"x\":{\"i\\u0064\":3,"
		    "\"n%d\":4,\"n%d\":5}}", i, i, i);
		cr_expect_null(json_parse_in(a, b.data, b.len, &err),
		    "%s", b.data);
		cr_expect(strstr(err.msg, "duplicate member name") != NULL,
		    "%s", err.msg);
		buf_reset(&b);
		buf_printf(&b, "{\"n%d\":1,\"id\":2,\"i\\u0064\":3}", i);
		cr_expect_null(json_parse_in(a, b.data, b.len, &err),
		    "%s", b.data);
		cr_expect(strstr(err.msg, "duplicate member name \"id\"") !=
		    NULL, "%s", err.msg);
	}
	value_arena_unref(a);
	buf_cleanup(&b);
}

/* Parse each of texts into the arena a, in turn; each must parse equal
 * to the same text parsed alone, or fail as a duplicate when its text
 * starts with '!' (which is not parsed). */
static void
parse_in_turn(struct value_arena *a, const char *const *texts, size_t n)
{
	struct value *v, *alone;
	const char *t;
	struct err err;
	size_t i;

	for (i = 0; i < n; i++) {
		t = texts[i][0] == '!' ? texts[i] + 1 : texts[i];
		v = json_parse_in(a, t, strlen(t), &err);
		if (texts[i][0] == '!') {
			cr_expect_null(v, "%zu: %s", i, t);
			cr_expect(v != NULL || strstr(err.msg,
			    "duplicate member name") != NULL, "%s", err.msg);
			value_free(v);
			continue;
		}
		cr_assert_not_null(v, "%zu: %s: %s", i, t, err.msg);
		alone = json_parse(t, strlen(t), &err);
		cr_assert_not_null(alone);
		cr_expect(value_equal(v, alone), "%zu: %s", i, t);
		value_free(v);
		value_free(alone);
	}
}

/* The names of a document shaped like the last one are taken in the
 * last one's order, by one compare each, and still checked: a duplicate
 * whose names come in the same order but in another nesting, another
 * place or another object of a list is found. */
Test(json, documents_in_the_same_order_still_find_duplicates)
{
	static const char *const texts[] = {
		"{\"a\":{\"a\":1}}",
		"!{\"a\":1,\"a\":2}",
		"{\"x\":{\"a\":1},\"b\":1}",
		"{\"x\":{\"a\":1},\"b\":2}",
		"!{\"x\":{\"a\":1},\"x\":2}",
		"!{\"x\":{\"a\":1,\"a\":1},\"b\":2}",
		"{\"l\":[{\"t\":1},{\"t\":2}]}",
		"!{\"l\":[{\"t\":1,\"t\":2}]}",
		"{\"l\":[{\"t\":1},{\"t\":2}]}",
		"{\"l\":[{\"t\":1},{\"u\":2,\"t\":3}],\"m\":{}}",
		"{\"l\":[{\"t\":1},{\"u\":2,\"t\":3}],\"m\":{}}",
		"!{\"l\":[{\"t\":1},{\"u\":2,\"u\":3}],\"m\":{}}",
		"{\"l\":[{\"t\":1},{\"u\":2,\"t\":3}],\"m\":{\"l\":[]}}",
		"{\"p\":1,\"q\":{\"r\":2},\"s\":3}",
		"{\"p\":1,\"q\":{\"r\":2,\"s\":3}}",
		"!{\"p\":1,\"q\":{\"r\":2},\"p\":3}",
		"{\"p\":1,\"q\":{\"r\":2},\"s\":3}",
		"{\"a\":1,\"b\":{\"c\":1},\"d\":1}",
		"{\"d\":1,\"b\":{\"c\":1},\"a\":1}",
		"!{\"d\":1,\"b\":{\"c\":1},\"d\":2}",
	};
	/* Names that match again after one that did not. */
	static const char *const again[] = {
		"{\"a\":1,\"b\":{\"c\":1},\"d\":1}",
		"!{\"d\":1,\"b\":{\"c\":1},\"d\":2}",
	};
	struct value_arena *a = value_arena_new();

	parse_in_turn(a, texts, sizeof texts / sizeof texts[0]);
	parse_in_turn(a, texts, sizeof texts / sizeof texts[0]);
	value_arena_unref(a);
	a = value_arena_new();
	parse_in_turn(a, again, sizeof again / sizeof again[0]);
	value_arena_unref(a);
}

/* A document of more names than are remembered in order, or than the
 * arena shares, is read the same way, its duplicates found past both. */
Test(json, long_documents_in_the_same_order)
{
	struct value_arena *a = value_arena_new();
	struct buf b = BUF_INIT, dup = BUF_INIT;
	const char *texts[4];
	int i;

	buf_addc(&b, '{');
	buf_addc(&dup, '!');
	buf_addc(&dup, '{');
	for (i = 0; i < 400; i++) {
		buf_printf(&b, "%s\"k%d\":{\"v\":%d}", i > 0 ? "," : "", i, i);
		buf_printf(&dup, "%s\"k%d\":{\"v\":%d}", i > 0 ? "," : "",
		    i == 399 ? 390 : i, i);
	}
	buf_addc(&b, '}');
	buf_addc(&dup, '}');
	texts[0] = texts[1] = texts[3] = b.data;
	texts[2] = dup.data;
	parse_in_turn(a, texts, 4);
	value_arena_unref(a);
	buf_cleanup(&b);
	buf_cleanup(&dup);
}

/* Parse t into an arena (json_parse_in: the fast path, the streaming
 * parse where it gives up) and on the heap (the streaming parse alone):
 * the same verdict, the same message, the same members in the same
 * order, the bytes of every string the same. */
static void
both_parses_agree(struct value_arena *a, const char *t, size_t len)
{
	struct value *in, *alone;
	struct err e1, e2;
	struct buf b1 = BUF_INIT, b2 = BUF_INIT;

	err_clear(&e1);
	err_clear(&e2);
	in = json_parse_in(a, t, len, &e1);
	alone = json_parse(t, len, &e2);
	cr_assert_eq(in != NULL, alone != NULL, "%.*s: %s / %s", (int)len, t,
	    e1.msg, e2.msg);
	if (in == NULL) {
		cr_expect_str_eq(e1.msg, e2.msg, "%.*s", (int)len, t);
		return;
	}
	json_emit(&b1, in, 0);
	json_emit(&b2, alone, 0);
	cr_expect(b1.len == b2.len && memcmp(b1.data, b2.data, b1.len) == 0,
	    "%.*s: %s / %s", (int)len, t, buf_cstr(&b1), buf_cstr(&b2));
	cr_expect(value_equal(in, alone), "%.*s", (int)len, t);
	value_free(in);
	value_free(alone);
	buf_cleanup(&b1);
	buf_cleanup(&b2);
}

/* Documents in memory take a fast path into an arena; whatever it takes
 * or leaves to the streaming parse, both agree: every kind of value,
 * whitespace of every kind, escapes, UTF-8, words cut or run on, numbers
 * JSON refuses, nesting at and past the fast path's depth, trailing
 * bytes, duplicates. */
Test(json, the_fast_path_agrees_with_the_streaming_parse)
{
	static const char *const texts[] = {
		"{}", "[]", "0", "-0.5e+7", "\"\"", "true", "false", "null",
		" {\"a\" : [ 1 ,2,\t3 ] ,\n\"b\":{\"c\":null}\r} ",
		"\v\f[true,false,null]\f",
		"{\"s\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"}",
		"{\"s\":\"a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti\"}",
		"{\"s\":\"\\u0041\\u00e9\\u20ac\\u0000x\"}",
		"{\"\\u0069d\":1,\"id\":2}",
		"{\"s\":\"\\ud83d\\ude00\"}",
		"{\"s\":\"a\\uD83D\\uDE00b\\udbff\\udfff\"}",
		"{\"\\ud800\\udc00\":1,\"\\ud800\\udc00\":2}",
		"{\"s\":\"\\ud83d\\u0041\"}",
		"{\"s\":\"\\ud83d\\ud83d\"}",
		"{\"s\":\"\\ud83d\\ude0g\"}",
		"{\"s\":\"\\ud83d\\\"}",
		"{\"s\":\"\\ud83d\"}",
		"{\"s\":\"\\ude00x\"}",
		"{\"s\":\"\\u12g4\"}",
		"{\"s\":\"\\x\"}",
		"{\"s\":\"\\u12\"}",
		"{\"s\":\"\xc3\"}",
		"{\"s\":\"\xc0\xaf\"}",
		"{\"s\":\"\xed\xa0\x80\"}",
		"{\"s\":\"a\tb\"}",
		"{\"s\":\"open",
		"[truex]", "[tru]", "[nul]", "[falsey]", "[true1]", "[null,]",
		"[1,]", "[,1]", "{,}", "{\"a\"}", "{\"a\":}", "{\"a\":1,}",
		"{\"a\" 1}", "{1:2}", "[1 2]", "[01]", "[1.]", "[.5]", "[+1]",
		"[1e]", "[1e+]", "[-]", "[--1]", "[1.5E-3,2e9]", "[0e0]",
		"1 2", "{} x", "[]]", "", "   ", "[", "{", "\"a\"\"b\"",
		"{\"a\":1,\"a\":2}", "{\"x\":{\"y\":1,\"y\":2}}",
		"[{\"k\":1},{\"k\":2,\"k\":3}]",
		"[\"\xef\xbb\xbf\"]", "\xef\xbb\xbf{}",
	};
	struct value_arena *a = value_arena_new();
	struct buf deep = BUF_INIT;
	size_t i, d;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		both_parses_agree(a, texts[i], strlen(texts[i]));
		/* Again, after other documents filled the arena's order. */
		both_parses_agree(a, texts[i], strlen(texts[i]));
	}
	/* A NUL byte inside the text. */
	both_parses_agree(a, "[\"a\0b\"]", 7);
	both_parses_agree(a, "[1]\0", 4);
	/* Around the fast path's depth (32), maps and lists. */
	for (d = 28; d <= 40; d++) {
		buf_reset(&deep);
		for (i = 0; i < d; i++)
			buf_adds(&deep, i % 2 ? "[" : "{\"k\":");
		buf_adds(&deep, "1");
		for (i = d; i-- > 0;)
			buf_adds(&deep, i % 2 ? "]" : "}");
		both_parses_agree(a, deep.data, deep.len);
	}
	buf_cleanup(&deep);
	value_arena_unref(a);
}

/* The regression guard of the fast path: the documents put's lines are
 * made of go its way (escapes, UTF-8, surrogate pairs, whitespace, every
 * kind of value), each one only; what it is not sure of is left to the
 * streaming parse, once each. */
Test(json, the_fast_path_takes_what_lines_hold)
{
	static const char *const taken[] = {
		"{\"partition_ids\":[\"a\"],\"content_ids\":[\"b\",\"c\"],"
		"\"item\":{\"n\":-1.5e3,\"t\":true,\"f\":false,\"z\":null,"
		"\"l\":[{},[],\"x\"],\"m\":{\"k\":0}},\"expiry\":null}",
		"{\"s\":\"caf\xc3\xa9 \\u00e9 \\n\\t\\\"\\/ \\ud83d\\ude00\"}",
		" \t\r\n{ \"a\" : [ 1 , 2 ] } \v\f",
		"\"plain\"", "0", "[]",
	};
	static const char *const left[] = {
		"{\"a\":1,\"a\":2}", "{\"s\":\"\\ud83d\"}",
		"{\"s\":\"\\ude00\"}", "[1,]", "{\"s\":\"\xc0\xaf\"}",
		"[\"a\tb\"]",
	};
	struct value_arena *a = value_arena_new();
	unsigned long before;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof taken / sizeof taken[0]; i++) {
		before = json_parse_fast_misses();
		cr_expect_not_null(json_parse_in(a, taken[i],
		    strlen(taken[i]), &e), "%s: %s", taken[i], e.msg);
		cr_expect_eq(json_parse_fast_misses(), before,
		    "left to the streaming parse: %s", taken[i]);
	}
	for (i = 0; i < sizeof left / sizeof left[0]; i++) {
		before = json_parse_fast_misses();
		(void)json_parse_in(a, left[i], strlen(left[i]), &e);
		cr_expect_eq(json_parse_fast_misses(), before + 1,
		    "not left to the streaming parse: %s", left[i]);
	}
	value_arena_unref(a);
}
