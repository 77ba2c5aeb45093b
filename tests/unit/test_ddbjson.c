/* SPDX-License-Identifier: ISC */
/* Tests for ddbjson.c and base64.c: DynamoDB JSON <-> typed values. */
#include "config.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base64.h"
#include "buf.h"
#include "ddbjson.h"
#include "err.h"
#include "json.h"
#include "value.h"
#include "xmalloc.h"

#define MAX38 "9.9999999999999999999999999999999999999E+125"
#define DIGITS38 "12345678901234567890123456789012345678"

/* ddbjson_parse_item of a C string. */
static struct value *
item(const char *s, struct err *err)
{
	err_clear(err);
	return ddbjson_parse_item(s, strlen(s), err);
}

/* DynamoDB JSON of an item, as a new string (caller frees). */
static char *
emit_item(const struct value *v)
{
	struct buf b = BUF_INIT;

	ddbjson_emit_item(&b, v);
	return buf_detach(&b, NULL);
}

/* json_parse + ddbjson_item_from_tree of a C string. */
static struct value *
tree_item(const char *s, struct err *err)
{
	struct value *t;

	err_clear(err);
	t = json_parse(s, strlen(s), err);
	if (t == NULL)
		return NULL;
	return ddbjson_item_from_tree(t, err);
}

/* Both parsers must refuse doc with the same message; it is returned
 * (static storage). */
static const char *
both_fail(const char *doc)
{
	static struct err err;
	struct value *v;
	struct err terr;

	v = tree_item(doc, &terr);
	cr_expect_null(v, "tree path parsed %s", doc);
	value_free(v);
	v = item(doc, &err);
	cr_expect_null(v, "streaming path parsed %s", doc);
	value_free(v);
	cr_expect_eq(err.code, ERR_INPUT, "%s", doc);
	cr_expect_eq(terr.code, ERR_INPUT, "%s", doc);
	cr_expect_str_eq(err.msg, terr.msg, "the two paths disagree on %s",
	    doc);
	return err.msg;
}

/* Parsing must fail with exactly this message. */
static void
expect_error(const char *doc, const char *msg)
{
	cr_expect_str_eq(both_fail(doc), msg, "%s", doc);
}

/* Parsing must fail with a message that contains this text. */
static void
expect_error_has(const char *doc, const char *part)
{
	const char *msg = both_fail(doc);

	cr_expect(strstr(msg, part) != NULL, "%s: \"%s\" lacks \"%s\"",
	    doc, msg, part);
}

Test(ddbjson, every_type_round_trips)
{
	static const char doc[] =
	    "{\"s\":{\"S\":\"x \\\"q\\\" \xc3\x93\"},\"e\":{\"S\":\"\"},"
	    "\"n\":{\"N\":\"1.50\"},\"b\":{\"B\":\"AAEC/w==\"},"
	    "\"eb\":{\"B\":\"\"},\"t\":{\"BOOL\":true},"
	    "\"f\":{\"BOOL\":false},\"z\":{\"NULL\":true},"
	    "\"m\":{\"M\":{\"a\":{\"N\":\"-2\"},\"m\":{\"M\":{}}}},"
	    "\"l\":{\"L\":[{\"S\":\"a\"},{\"L\":[]},{\"NS\":[\"1\"]}]},"
	    "\"ss\":{\"SS\":[\"b\",\"a\"]},\"ns\":{\"NS\":[\"2\",\"1e3\"]},"
	    "\"bs\":{\"BS\":[\"aGk=\",\"AA==\"]}}";
	struct value *v, *e;
	struct err err;
	char *out;

	v = item(doc, &err);
	cr_assert_not_null(v, "%s", err.msg);
	cr_expect_eq(value_map_get(v, "s")->type, VT_S);
	cr_expect_eq(value_map_get(v, "e")->u.str.len, 0);
	e = value_map_get(v, "n");
	cr_expect_eq(e->type, VT_N);
	cr_expect_str_eq(e->u.str.ptr, "1.50");
	e = value_map_get(v, "b");
	cr_expect_eq(e->type, VT_B);
	cr_assert_eq(e->u.str.len, 4);
	cr_expect_eq(memcmp(e->u.str.ptr, "\x00\x01\x02\xff", 4), 0);
	cr_expect_eq(e->u.str.ptr[4], '\0');
	cr_expect_eq(value_map_get(v, "eb")->type, VT_B);
	cr_expect_eq(value_map_get(v, "eb")->u.str.len, 0);
	cr_expect_eq(value_map_get(v, "t")->type, VT_BOOL);
	cr_expect(value_map_get(v, "t")->u.boolean);
	cr_expect(!value_map_get(v, "f")->u.boolean);
	cr_expect_eq(value_map_get(v, "z")->type, VT_NULL);
	e = value_map_get(v, "m");
	cr_expect_eq(e->type, VT_M);
	cr_expect_eq(value_map_get(e, "a")->type, VT_N);
	cr_expect_eq(value_map_get(e, "m")->type, VT_M);
	e = value_map_get(v, "l");
	cr_assert_eq(e->type, VT_L);
	cr_expect_eq(e->u.list.items[0]->type, VT_S);
	cr_expect_eq(e->u.list.items[1]->type, VT_L);
	cr_expect_eq(e->u.list.items[2]->type, VT_NS);
	e = value_map_get(v, "ss");
	cr_expect_eq(e->type, VT_SS);
	cr_expect_eq(e->u.list.items[0]->type, VT_S);
	e = value_map_get(v, "ns");
	cr_expect_eq(e->type, VT_NS);
	cr_expect_eq(e->u.list.items[1]->type, VT_N);
	cr_expect_str_eq(e->u.list.items[1]->u.str.ptr, "1e3");
	e = value_map_get(v, "bs");
	cr_expect_eq(e->type, VT_BS);
	cr_expect_eq(e->u.list.items[0]->type, VT_B);
	cr_expect_str_eq(e->u.list.items[0]->u.str.ptr, "hi");
	cr_expect_eq(e->u.list.items[1]->u.str.len, 1);

	out = emit_item(v);
	cr_expect_str_eq(out, doc);
	free(out);
	e = tree_item(doc, &err);
	cr_assert_not_null(e, "%s", err.msg);
	cr_expect(value_equal(v, e));
	out = emit_item(e);
	cr_expect_str_eq(out, doc);
	free(out);
	value_free(e);
	value_free(v);
}

Test(ddbjson, value_from_tree_and_emit_value)
{
	static const char *const docs[] = {
		"{\"S\":\"x\"}", "{\"N\":\"-0.5\"}", "{\"B\":\"aGk=\"}",
		"{\"BOOL\":false}", "{\"NULL\":true}", "{\"M\":{}}",
		"{\"L\":[]}", "{\"SS\":[\"x\"]}", "{\"NS\":[\"7\"]}",
		"{\"BS\":[\"aGk=\"]}",
	};
	static const enum value_type types[] = {
		VT_S, VT_N, VT_B, VT_BOOL, VT_NULL, VT_M, VT_L, VT_SS, VT_NS,
		VT_BS,
	};
	struct err err;
	size_t i;

	for (i = 0; i < sizeof docs / sizeof docs[0]; i++) {
		struct value *t = json_parse(docs[i], strlen(docs[i]), &err);
		struct value *v;
		struct buf b = BUF_INIT;

		cr_assert_not_null(t, "%s", err.msg);
		v = ddbjson_value_from_tree(t, &err);
		cr_assert_not_null(v, "%s: %s", docs[i], err.msg);
		cr_expect_eq(v->type, types[i], "%s", docs[i]);
		ddbjson_emit_value(&b, v);
		cr_expect_str_eq(buf_cstr(&b), docs[i]);
		buf_cleanup(&b);
		value_free(v);
	}
}

Test(ddbjson, nul_bytes_survive)
{
	static const char doc[] =
	    "{\"a\\u0000b\":{\"S\":\"x\\u0000y\"},"
	    "\"ss\":{\"SS\":[\"\\u0000\",\"\\u0000\\u0000\"]}}";
	struct value *v, *e;
	struct err err;
	char *out;

	v = item(doc, &err);
	cr_assert_not_null(v, "%s", err.msg);
	cr_expect_eq(v->u.map.items[0].name_len, 3);
	e = v->u.map.items[0].value;
	cr_assert_eq(e->u.str.len, 3);
	cr_expect_eq(memcmp(e->u.str.ptr, "x\0y", 3), 0);
	e = value_map_get(v, "ss");
	cr_expect_eq(e->u.list.items[1]->u.str.len, 2);
	out = emit_item(v);
	cr_expect_str_eq(out, doc);
	free(out);
	value_free(v);
}

Test(ddbjson, boundary_numbers_round_trip_unchanged)
{
	static const char *const nums[] = {
		DIGITS38, "-1.5E-130", MAX38, "-" MAX38, "1E-130",
		"0.00000000000000000000000000000000000000000000001",
	};
	struct err err;
	size_t i;

	for (i = 0; i < sizeof nums / sizeof nums[0]; i++) {
		char doc[256], *out;
		struct value *v;

		snprintf(doc, sizeof doc, "{\"n\":{\"N\":\"%s\"}}", nums[i]);
		v = item(doc, &err);
		cr_assert_not_null(v, "%s: %s", nums[i], err.msg);
		cr_expect_str_eq(value_map_get(v, "n")->u.str.ptr, nums[i]);
		out = emit_item(v);
		cr_expect_str_eq(out, doc);
		free(out);
		value_free(v);
	}
}

Test(ddbjson, bad_numbers_rejected_with_path)
{
	expect_error("{\"n\":{\"N\":"
	    "\"123456789012345678901234567890123456789\"}}",
	    "n: number \"123456789012345678901234567890123456789\" has 39 "
	    "significant digits; DynamoDB allows at most 38");
	expect_error_has("{\"a\":{\"M\":{\"n\":{\"N\":\"1E+126\"}}}}",
	    "a.n: number \"1E+126\" is too large");
	expect_error_has("{\"a\":{\"L\":[{\"N\":\"1\"},{\"N\":\"1E-131\"}]}}",
	    "a[1]: number \"1E-131\" is too small");
	expect_error_has("{\"n\":{\"N\":\"abc\"}}", "n: \"abc\" is not a "
	    "number");
	expect_error_has("{\"n\":{\"N\":\"\"}}", "n: empty text is not a "
	    "number");
	expect_error("{\"n\":{\"N\":5}}", "n: N must hold a string, found a "
	    "number");
	expect_error_has("{\"n\":{\"NS\":[\"1\",\"x\"]}}",
	    "n[1]: \"x\" is not a number");
}

Test(ddbjson, wrong_shapes_rejected_with_paths)
{
	expect_error("{\"address\":{\"M\":{\"city\":{\"X\":\"Paris\"}}}}",
	    "address.city: unknown type tag \"X\"");
	expect_error("{\"a\":{\"s\":\"x\"}}", "a: unknown type tag \"s\"");
	expect_error("{\"a\":{\"S\":1}}", "a: S must hold a string, found a "
	    "number");
	expect_error("{\"a\":{\"S\":\"x\",\"N\":\"1\"}}",
	    "a: attribute value has more than one type tag; expected exactly "
	    "one");
	expect_error("{\"a\":{}}",
	    "a: empty attribute value: expected one type tag");
	expect_error("{\"a\":\"x\"}", "a: expected an attribute value such "
	    "as {\"S\": \"text\"}, found a string");
	expect_error("{\"a\":{\"NULL\":false}}",
	    "a: NULL must hold true, found false");
	expect_error("{\"a\":{\"NULL\":null}}",
	    "a: NULL must hold true, found null");
	expect_error("{\"a\":{\"BOOL\":\"true\"}}",
	    "a: BOOL must hold true or false, found a string");
	expect_error("{\"a\":{\"M\":[]}}",
	    "a: M must hold an object, found an array");
	expect_error("{\"a\":{\"L\":{}}}",
	    "a: L must hold an array, found an object");
	expect_error("{\"a\":{\"SS\":\"x\"}}",
	    "a: SS must hold an array, found a string");
	expect_error("{\"a\":{\"SS\":[1]}}",
	    "a[0]: SS elements must be strings, found a number");
	expect_error("{\"roles\":{\"L\":[{\"M\":{}},{\"M\":{\"title\":"
	    "{\"S\":null}}}]}}",
	    "roles[1].title: S must hold a string, found null");
	expect_error("{\"a\":{\"L\":[{\"L\":[{\"M\":{\"b\":{\"Q\":1}}}]}]}}",
	    "a[0][0].b: unknown type tag \"Q\"");
	expect_error("[]",
	    "expected an item (an object of attributes), found an array");
	expect_error_has("{\"a\":{\"B\":\"abc\"}}", "a: invalid base64");
	expect_error_has("{\"a\":{\"BS\":[\"aGk=\",\"a-k=\"]}}",
	    "a[1]: invalid base64");
	expect_error_has("{\"a\":{\"S\":\"x\"},\"a\":{\"S\":\"y\"}}",
	    "duplicate member name \"a\"");
	expect_error_has("{\"a\":{\"S\":\"x\"}", "premature EOF");
}

Test(ddbjson, long_names_are_truncated_in_paths)
{
	char doc[512], name[201];
	struct value *v;
	struct err err;

	memset(name, 'n', 200);
	name[200] = '\0';
	snprintf(doc, sizeof doc, "{\"%s\":{\"X\":1}}", name);
	v = item(doc, &err);
	cr_assert_null(v);
	cr_expect(strstr(err.msg, "...: unknown type tag") != NULL, "%s",
	    err.msg);
	cr_expect_lt(strlen(err.msg), 100, "%s", err.msg);
}

Test(ddbjson, value_from_tree_without_path)
{
	struct value *t, *v;
	struct err err;

	t = json_parse("{\"Z\":1}", 7, &err);
	cr_assert_not_null(t);
	v = ddbjson_value_from_tree(t, &err);
	cr_expect_null(v);
	cr_expect_str_eq(err.msg, "unknown type tag \"Z\"");
	t = json_parse("{\"M\":{\"k\":{\"N\":\"x\"}}}", 21, &err);
	cr_assert_not_null(t);
	v = ddbjson_value_from_tree(t, &err);
	cr_expect_null(v);
	cr_expect_str_eq(err.msg, "k: \"x\" is not a number");
}

Test(ddbjson, sets_must_be_nonempty_and_unique)
{
	expect_error("{\"a\":{\"SS\":[]}}",
	    "a: SS is empty; DynamoDB sets must hold at least one element");
	expect_error_has("{\"a\":{\"NS\":[]}}", "a: NS is empty");
	expect_error_has("{\"a\":{\"BS\":[]}}", "a: BS is empty");
	expect_error("{\"a\":{\"SS\":[\"x\",\"y\",\"x\"]}}",
	    "a: SS holds \"x\" twice");
	expect_error("{\"a\":{\"NS\":[\"1.5\",\"2\",\"1.50\"]}}",
	    "a: NS holds the equal numbers \"1.5\" and \"1.50\"");
	expect_error("{\"a\":{\"NS\":[\"3\",\"3\"]}}",
	    "a: NS holds \"3\" twice");
	expect_error("{\"a\":{\"BS\":[\"aGk=\",\"aGk=\"]}}",
	    "a: BS holds the same binary value twice");
	/* Different strings, same bytes after unescaping. */
	expect_error("{\"a\":{\"SS\":[\"ab\",\"a\\u0062\"]}}",
	    "a: SS holds \"ab\" twice");
}

Test(ddbjson, large_sets_checked_for_duplicates)
{
	struct buf b = BUF_INIT;
	struct value *v, *t;
	struct err err;
	int i;

	buf_adds(&b, "{\"ns\":{\"NS\":[");
	for (i = 0; i < 200; i++)
		buf_printf(&b, "%s\"%d.%d\"", i ? "," : "", i, i % 10);
	buf_adds(&b, "]},\"ss\":{\"SS\":[");
	for (i = 0; i < 200; i++)
		buf_printf(&b, "%s\"s%d\"", i ? "," : "", i);
	buf_adds(&b, "]}}");
	v = ddbjson_parse_item(b.data, b.len, &err);
	cr_assert_not_null(v, "%s", err.msg);
	cr_expect_eq(value_map_get(v, "ns")->u.list.len, 200);
	t = tree_item(b.data, &err);
	cr_assert_not_null(t, "%s", err.msg);
	cr_expect(value_equal(v, t));
	value_free(t);
	value_free(v);

	b.len -= strlen("]}}");
	buf_adds(&b, ",\"s3\"]}}");
	expect_error(b.data, "ss: SS holds \"s3\" twice");
	buf_reset(&b);
	buf_adds(&b, "{\"ns\":{\"NS\":[");
	for (i = 0; i < 200; i++)
		buf_printf(&b, "\"%d.%d\",", i, i % 10);
	/* "77.70" equals "77.7", the 78th element. */
	buf_adds(&b, "\"77.70\"]}}");
	expect_error(b.data, "ns: NS holds the equal numbers \"77.7\" and "
	    "\"77.70\"");
	buf_cleanup(&b);
}

Test(ddbjson, parse_doc_types_items_in_responses)
{
	static const char query[] =
	    "{\"Count\":2,\"Items\":[{\"a\":{\"S\":\"x\"}},"
	    "{\"a\":{\"N\":\"1.50\"},\"S\":{\"M\":{}}}],"
	    "\"ScannedCount\":3,\"LastEvaluatedKey\":{\"k\":{\"S\":\"x\"}},"
	    "\"ConsumedCapacity\":{\"TableName\":\"t\",\"CapacityUnits\":0.5}}";
	static const char batch[] =
	    "{\"Responses\":{\"t1\":[{\"a\":{\"BOOL\":true}}],\"t2\":[]},"
	    "\"UnprocessedKeys\":{\"t1\":{\"Keys\":[{\"k\":{\"N\":\"1\"}}],"
	    "\"ConsistentRead\":true}},"
	    "\"UnprocessedItems\":{\"t\":[{\"PutRequest\":{\"Item\":"
	    "{\"k\":{\"SS\":[\"a\"]}}}},{\"DeleteRequest\":{\"Key\":"
	    "{\"k\":{\"B\":\"aGk=\"}}}}]}}";
	struct value *d, *l, *e;
	struct err err;

	d = ddbjson_parse_doc(query, strlen(query), ddbjson_response_items,
	    &err);
	cr_assert_not_null(d, "%s", err.msg);
	cr_expect_eq(value_map_get(d, "Count")->type, VT_N);
	cr_expect_str_eq(value_map_get(d, "Count")->u.str.ptr, "2");
	l = value_map_get(d, "Items");
	cr_assert_eq(l->type, VT_L);
	cr_assert_eq(l->u.list.len, 2);
	e = value_map_get(l->u.list.items[0], "a");
	cr_expect_eq(e->type, VT_S);
	cr_expect_str_eq(e->u.str.ptr, "x");
	e = value_map_get(l->u.list.items[1], "a");
	cr_expect_eq(e->type, VT_N);
	cr_expect_str_eq(e->u.str.ptr, "1.50");
	/* An attribute named like a tag is still an attribute. */
	cr_expect_eq(value_map_get(l->u.list.items[1], "S")->type, VT_M);
	e = value_map_get(value_map_get(d, "LastEvaluatedKey"), "k");
	cr_expect_eq(e->type, VT_S);
	/* Plain JSON elsewhere: the capacity object stays plain. */
	e = value_map_get(d, "ConsumedCapacity");
	cr_expect_eq(value_map_get(e, "TableName")->type, VT_S);
	cr_expect_eq(value_map_get(e, "CapacityUnits")->type, VT_N);
	value_free(d);

	d = ddbjson_parse_doc(batch, strlen(batch), ddbjson_response_items,
	    &err);
	cr_assert_not_null(d, "%s", err.msg);
	l = value_map_get(value_map_get(d, "Responses"), "t1");
	cr_expect_eq(value_map_get(l->u.list.items[0], "a")->type, VT_BOOL);
	l = value_map_get(value_map_get(value_map_get(d, "UnprocessedKeys"),
	    "t1"), "Keys");
	cr_expect_eq(value_map_get(l->u.list.items[0], "k")->type, VT_N);
	l = value_map_get(value_map_get(d, "UnprocessedItems"), "t");
	e = value_map_get(value_map_get(l->u.list.items[0], "PutRequest"),
	    "Item");
	cr_expect_eq(value_map_get(e, "k")->type, VT_SS);
	e = value_map_get(value_map_get(l->u.list.items[1], "DeleteRequest"),
	    "Key");
	e = value_map_get(e, "k");
	cr_expect_eq(e->type, VT_B);
	cr_expect_str_eq(e->u.str.ptr, "hi");
	value_free(d);

	/* Without patterns it is json_parse. */
	d = ddbjson_parse_doc(query, strlen(query), NULL, &err);
	cr_assert_not_null(d, "%s", err.msg);
	e = json_parse(query, strlen(query), &err);
	cr_assert_not_null(e, "%s", err.msg);
	cr_expect(value_equal(d, e));
	value_free(d);
	value_free(e);
}

Test(ddbjson, parse_doc_errors_name_the_full_path)
{
	static const char *const pats[] = { "Items[]", "Key", NULL };
	struct ddbjson_stream *s;
	size_t j;
	static const char *const cases[][2] = {
		{ "{\"Items\":[{},{\"a\":{\"M\":{\"b\":{\"X\":1}}}}]}",
		  "Items[1].a.b: unknown type tag \"X\"" },
		{ "{\"Items\":[{\"a\":{\"SS\":[]}}]}",
		  "Items[0].a: SS is empty; DynamoDB sets must hold at least "
		  "one element" },
		{ "{\"Items\":[1]}",
		  "Items[0]: expected an item (an object of attributes), found "
		  "a number" },
		{ "{\"Key\":[]}",
		  "Key: expected an item (an object of attributes), found an "
		  "array" },
		{ "{\"Items\":[{\"a\":{\"S\":\"x\"},\"a\":{\"S\":\"x\"}}]}",
		  "invalid JSON at byte 28: duplicate member name \"a\"" },
		{ "{\"Items\":[{\"a\":{\"S\":\"x\"}}",
		  "invalid JSON at byte 25: parse error: premature EOF" },
	};
	struct value *d;
	struct err err;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		d = ddbjson_parse_doc(cases[i][0], strlen(cases[i][0]), pats,
		    &err);
		cr_expect_null(d, "%s", cases[i][0]);
		value_free(d);
		cr_expect_eq(err.code, ERR_INPUT);
		cr_expect_str_eq(err.msg, cases[i][1]);
	}
	/* Fed a byte at a time, as an answer may arrive: the same. */
	s = ddbjson_stream_new(pats, true);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		ddbjson_stream_begin(s);
		for (j = 0; cases[i][0][j] != '\0'; j++)
			ddbjson_stream_feed(s, cases[i][0] + j, 1);
		d = ddbjson_stream_finish(s, &err);
		cr_expect_null(d, "%s", cases[i][0]);
		value_free(d);
		cr_expect_eq(err.code, ERR_INPUT);
		cr_expect_str_eq(err.msg, cases[i][1]);
	}
	ddbjson_stream_free(s);
}

/* In a page, duplicates are found among names the arena shares and
 * among those past its table's room alike. */
Test(ddbjson, page_finds_duplicates_past_the_name_table)
{
	static const char *const pats[] = { "Items[]", NULL };
	struct buf b = BUF_INIT;
	struct value *d;
	struct err err;
	int i, dup;

	for (dup = 3; dup <= 70; dup += 67) {
		buf_reset(&b);
		buf_adds(&b, "{\"Items\":[{");
		for (i = 0; i < 80; i++)
			buf_printf(&b, "\"n%d\":{\"N\":\"1\"},", i);
		buf_printf(&b, "\"n%d\":{\"N\":\"1\"}}]}", dup);
		d = ddbjson_parse_page(b.data, b.len, pats, &err);
		cr_expect_null(d);
		value_free(d);
		cr_expect_not_null(strstr(err.msg, "duplicate member name"),
		    "%s", err.msg);
	}
	buf_cleanup(&b);
}

/* A stream begun again throws away a half-parsed document; a document
 * fed in pieces is the one parsed whole. */
Test(ddbjson, stream_restarts_and_matches_whole_parse)
{
	static const char *const pats[] = { "Items[]", NULL };
	static const char doc[] = "{\"Count\":2,\"Items\":[{\"a\":{\"S\":"
	    "\"x\\u00e9y\"},\"n\":{\"N\":\"1.50\"}},{\"l\":{\"L\":[{\"BOOL\":"
	    "true},{\"NULL\":true},{\"SS\":[\"p\",\"q\"]}]}}]}";
	struct ddbjson_stream *s = ddbjson_stream_new(pats, true);
	struct value *whole, *d, *items;
	struct err err;
	size_t i;

	whole = ddbjson_parse_doc(doc, strlen(doc), pats, &err);
	cr_assert_not_null(whole, "%s", err.msg);
	ddbjson_stream_feed(s, doc, 30);	/* torn half-way */
	ddbjson_stream_begin(s);
	for (i = 0; i < strlen(doc); i += 7)
		ddbjson_stream_feed(s, doc + i, strlen(doc) - i < 7 ?
		    strlen(doc) - i : 7);
	d = ddbjson_stream_finish(s, &err);
	cr_assert_not_null(d, "%s", err.msg);
	cr_assert(value_same(d, whole));
	items = value_map_get(d, "Items");
	cr_assert(value_is_arena_root(items->u.list.items[0]));
	ddbjson_stream_free(s);	/* the items keep their arena */
	cr_assert_str_eq(value_map_get(items->u.list.items[0], "a")->u.str.ptr,
	    "x\xc3\xa9y");
	value_free(d);
	value_free(whole);
}

Test(ddbjson, streaming_depth_is_limited)
{
	struct buf b = BUF_INIT;
	struct value *v;
	struct err err;
	int i;

	buf_adds(&b, "{\"a\":");
	for (i = 0; i < 100000; i++)
		buf_adds(&b, "{\"L\":[");
	v = ddbjson_parse_item(b.data, b.len, &err);
	cr_expect_null(v);
	cr_expect(strstr(err.msg, "nested deeper") != NULL, "%s", err.msg);
	buf_cleanup(&b);
}

Test(ddbjson, base64)
{
	static const char *const good[][2] = {
		{ "", "" }, { "Zg==", "f" }, { "Zm8=", "fo" },
		{ "Zm9v", "foo" },
		{ "Zm9vYg==", "foob" }, { "Zm9vYmE=", "fooba" },
		{ "Zm9vYmFy", "foobar" },
	};
	static const char *const bad[] = {
		"Zg=", "Zg", "Z===", "=Zg=", "Zg==Zg==", "Zh==", "Zm9=",
		"Zm 9", "Zm9\n", "Zm-v", "Zm_v", "Zg=x",
	};
	struct buf b = BUF_INIT;
	struct err err;
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		buf_reset(&b);
		base64_encode(&b, good[i][1], strlen(good[i][1]));
		cr_expect_str_eq(buf_cstr(&b), good[i][0]);
		buf_reset(&b);
		cr_expect_eq(base64_decode(good[i][0], strlen(good[i][0]), &b,
		    &err), 0, "%s: %s", good[i][0], err.msg);
		cr_expect_str_eq(buf_cstr(&b), good[i][1]);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		buf_reset(&b);
		cr_expect_eq(base64_decode(bad[i], strlen(bad[i]), &b, &err),
		    -1, "%s accepted", bad[i]);
		cr_expect_eq(err.code, ERR_INPUT);
		cr_expect_eq(b.len, 0);
	}
	/* Every byte value survives. */
	{
		unsigned char all[256];
		struct buf d = BUF_INIT;

		for (i = 0; i < 256; i++)
			all[i] = (unsigned char)i;
		buf_reset(&b);
		base64_encode(&b, all, sizeof all);
		cr_assert_eq(base64_decode(b.data, b.len, &d, &err), 0);
		cr_expect_eq(d.len, 256);
		cr_expect_eq(memcmp(d.data, all, 256), 0);
		buf_cleanup(&d);
	}
	buf_cleanup(&b);
}

/* The path of the golden file of items pydantic-dynamo wrote. */
static void
golden_path(char *path, size_t size)
{
	const char *dir = getenv("DYNREPO_TESTDATA");

	if (dir == NULL || *dir == '\0')
		dir = "../shared/testdata";
	snprintf(path, size, "%s/pydantic-dynamo/items.ddb.jsonl", dir);
}

/* The first line's concrete attributes, as the library wrote them. */
static void
check_first_item(const struct value *it)
{
	const struct value *v;

	v = value_map_get(it, "big_count");
	cr_assert_not_null(v);
	cr_expect_eq(v->type, VT_N);
	cr_expect_str_eq(v->u.str.ptr, "12345678901234567899");
	v = value_map_get(value_map_get(it, "address"), "zip");
	cr_assert_not_null(v);
	cr_expect_eq(v->type, VT_NULL);
	v = value_map_get(value_map_get(it, "address"), "city");
	cr_assert_not_null(v);
	cr_expect_str_eq(v->u.str.ptr, "Paris");
	v = value_map_get(value_map_get(it, "extra"), "empty_list");
	cr_assert_not_null(v);
	cr_expect_eq(v->type, VT_L);
	cr_expect_eq(v->u.list.len, 0);
	v = value_map_get(value_map_get(it, "extra"), "empty_map");
	cr_assert_not_null(v);
	cr_expect_eq(v->type, VT_M);
	cr_expect_eq(v->u.map.len, 0);
	v = value_map_get(it, "active");
	cr_assert_not_null(v);
	cr_expect_eq(v->type, VT_BOOL);
	cr_expect(!v->u.boolean);
	v = value_map_get(it, "_table_content_id");
	cr_assert_not_null(v);
	cr_expect_str_eq(v->u.str.ptr, "film_actor#france#actor009");
	v = value_map_get(it, "lucky_numbers");
	cr_assert_not_null(v);
	cr_expect_eq(v->type, VT_L);
	cr_assert_eq(v->u.list.len, 3);
	cr_expect_str_eq(v->u.list.items[1]->u.str.ptr, "42");
}

Test(ddbjson, golden_items_from_pydantic_dynamo)
{
	char path[4096], *line = NULL, *out, *again;
	size_t cap = 0, lines = 0;
	ssize_t n;
	FILE *f;

	golden_path(path, sizeof path);
	f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s (set DYNREPO_TESTDATA)", path);
	while ((n = getline(&line, &cap, f)) > 0) {
		static const char *const items[] = { "Item", NULL };
		struct value *tree, *it, *back, *stream;
		struct buf b = BUF_INIT;
		struct err err;

		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		if (n == 0)
			continue;
		lines++;
		tree = json_parse(line, (size_t)n, &err);
		cr_assert_not_null(tree, "line %zu: %s", lines, err.msg);
		it = value_map_take(tree, "Item");
		cr_assert_not_null(it, "line %zu: no Item", lines);
		cr_expect_eq(tree->u.map.len, 0);
		value_free(tree);
		it = ddbjson_item_from_tree(it, &err);
		cr_assert_not_null(it, "line %zu: %s", lines, err.msg);
		if (lines == 1)
			check_first_item(it);

		stream = ddbjson_parse_doc(line, (size_t)n, items, &err);
		cr_assert_not_null(stream, "line %zu: %s", lines, err.msg);
		cr_expect(value_equal(it, value_map_get(stream, "Item")),
		    "line %zu: the streaming parser differs", lines);
		value_free(stream);

		ddbjson_emit_item(&b, it);
		out = buf_detach(&b, NULL);
		back = ddbjson_parse_item(out, strlen(out), &err);
		cr_assert_not_null(back, "line %zu: re-parse: %s", lines,
		    err.msg);
		cr_expect(value_equal(it, back), "line %zu differs", lines);
		ddbjson_emit_item(&b, back);
		again = buf_detach(&b, NULL);
		cr_expect_str_eq(again, out, "line %zu", lines);
		/* Typed items are maps of typed values, key attributes too. */
		cr_expect_eq(value_map_get(it, "_table_item_id")->type, VT_S);
		cr_expect_eq(value_map_get(it, "_object_version")->type, VT_N);
		free(out);
		free(again);
		value_free(it);
		value_free(back);
	}
	free(line);
	fclose(f);
	cr_expect_eq(lines, 10, "read %zu lines of %s", lines, path);
}

Test(ddbjson, golden_second_item_keeps_utf8_and_normalised_number)
{
	char path[4096], *line = NULL;
	size_t cap = 0;
	struct value *tree, *it;
	struct err err;
	ssize_t n;
	FILE *f;

	golden_path(path, sizeof path);
	f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);
	cr_assert_gt(getline(&line, &cap, f), 0);
	n = getline(&line, &cap, f);
	cr_assert_gt(n, 0);
	fclose(f);
	tree = json_parse(line, (size_t)n, &err);
	cr_assert_not_null(tree, "%s", err.msg);
	it = ddbjson_item_from_tree(value_map_take(tree, "Item"), &err);
	value_free(tree);
	free(line);
	cr_assert_not_null(it, "%s", err.msg);
	cr_expect_str_eq(value_map_get(it, "name")->u.str.ptr,
	    "Saoirse \xc3\x93 Ronan-42 \xe2\x80\x9cquoted\xe2\x80\x9d "
	    "\xf0\x9f\x8e\xac");
	cr_expect_str_eq(value_map_get(it, "rating")->u.str.ptr, "1.5");
	value_free(it);
}

/* A Query page of n items shaped like the benchmark's (a dozen
 * attributes, a map, lists, a list of maps, NULLs, a set). */
static char *
page_of(size_t n)
{
	struct buf b = BUF_INIT;
	size_t i;

	buf_adds(&b, "{\"Items\":[");
	for (i = 0; i < n; i++) {
		buf_printf(&b, "%s{\"_table_item_id\":{\"S\":\"bench#"
		    "film_actor#studio-a\"},"
		    "\"_table_content_id\":{\"S\":\"film_actor#usa#"
		    "ny#actor%06zu\"},\"_object_version\":{\"N\":\"1\"},"
		    "\"id\":{\"S\":\"actor%06zu\"},\"name\":{\"S\":\"Bo T. "
		    "Actor\"},\"review\":{\"NULL\":true},\"year\":{\"N\":"
		    "\"2002\"},\"rating\":{\"N\":\"3.5\"},\"tags\":{\"L\":["
		    "{\"S\":\"drama\"},{\"S\":\"tag%zu\"}]},\"address\":{\"M\":"
		    "{\"city\":{\"S\":\"Dublin\"},\"zip\":{\"NULL\":true}}},"
		    "\"roles\":{\"L\":[{\"M\":{\"title\":{\"S\":\"Role\"},"
		    "\"lead\":{\"BOOL\":false}}}]},\"nicknames\":{\"SS\":["
		    "\"a\",\"b\"]},\"big_count\":{\"N\":"
		    "\"12345678901234560001\"}}", i > 0 ? "," : "", i, i, i);
	}
	buf_printf(&b, "],\"Count\":%zu,\"ScannedCount\":%zu,"
	    "\"LastEvaluatedKey\":{\"_table_item_id\":{\"S\":\"k\"}}}", n, n);
	return buf_detach(&b, NULL);
}

/*
 * The regression guard of issue 6: decoding a page must not go back to
 * one malloc per value. It counts work, not time: the allocations made
 * while a 2,000-item page is decoded (one per value and name before the
 * arena, ~40 an item; now the page's arena blocks, the list of items and
 * the parser's own buffers).
 */
Test(ddbjson, page_decodes_with_few_allocations)
{
	static const size_t n = 2000;
	char *text = page_of(n);
	struct value *page, *doc, *items, *ref;
	unsigned long calls;
	struct err err;
	size_t i, used;

	calls = xmalloc_calls();
	page = ddbjson_parse_page(text, strlen(text), ddbjson_response_items,
	    &err);
	calls = xmalloc_calls() - calls;
	cr_assert_not_null(page, "%s", err.msg);
	cr_expect_leq(calls, n / 20, "%lu allocations for %zu items "
	    "(at most one per 20 items)", calls, n);

	/* The same values as the heap decoder's. */
	doc = ddbjson_parse_doc(text, strlen(text), ddbjson_response_items,
	    &err);
	cr_assert_not_null(doc, "%s", err.msg);
	cr_expect(value_equal(page, doc));
	items = value_map_get(page, "Items");
	cr_assert_eq(items->u.list.len, n);
	for (i = 0; i < n; i++)
		cr_assert(items->u.list.items[i]->flags & VALUE_F_ROOT);
	/* Every byte of the arena is one the page faults in: no member
	 * array reserved past its size, none left behind by regrowth, no
	 * value of its own for a NULL or a BOOL (1,288 bytes an item here;
	 * reserving 32 members an item and doubling the nested arrays took
	 * 1,896). */
	used = value_arena_used(items->u.list.items[0]);
	cr_expect_leq(used / n, 1350, "%zu arena bytes an item", used / n);
	value_free(doc);
	free(text);

	/* Items outlive the page's tree; copies and takes outlive them. */
	ref = items->u.list.items[7];
	items->u.list.items[7] = NULL;
	doc = value_map_take(ref, "address");
	cr_assert_eq(doc->flags, 0);
	value_free(page);
	cr_expect_str_eq(value_map_get(ref, "id")->u.str.ptr, "actor000007");
	value_free(ref);
	cr_expect_str_eq(value_map_get(doc, "city")->u.str.ptr, "Dublin");
	value_free(doc);
}

/* A page's items are read-only: the mutators refuse them. */
Test(ddbjson, page_items_are_read_only, .signal = SIGABRT)
{
	char *text = page_of(1);
	struct value *page, *it;
	struct err err;

	page = ddbjson_parse_page(text, strlen(text), ddbjson_response_items,
	    &err);
	cr_assert_not_null(page, "%s", err.msg);
	it = value_map_get(page, "Items")->u.list.items[0];
	value_map_set(it, "x", value_new_null());
}

/* Strings and names are emitted as buf_add_json_string escapes them,
 * whichever of the eight bytes checked at a time needs escaping. */
Test(ddbjson, emit_escapes_every_position)
{
	static const char specials[] = { '"', '\\', '\n', '\001', '\037',
	    ' ', '\177', (char)0x80, (char)0xe2, 'a' };
	char text[24];
	size_t len, at, k;

	for (len = 0; len <= sizeof text; len++)
		for (at = 0; at < (len > 0 ? len : 1); at++)
			for (k = 0; k < sizeof specials; k++) {
				struct value *s, *m = value_new_m();
				struct buf want = BUF_INIT, got = BUF_INIT;

				memset(text, 'x', sizeof text);
				if (len > 0)
					text[at] = specials[k];
				s = value_new_bytes_in(NULL, VT_S, text, len);
				value_map_setn(m, text, len, value_copy(s));
				buf_adds(&want, "{");
				buf_add_json_string(&want, text, len);
				buf_adds(&want, ":{\"S\":");
				buf_add_json_string(&want, text, len);
				buf_adds(&want, "}}");
				ddbjson_emit_item(&got, m);
				cr_assert_str_eq(buf_cstr(&got),
				    buf_cstr(&want),
				    "len %zu, byte %zu = 0x%02x", len, at,
				    (unsigned char)specials[k]);
				buf_cleanup(&want);
				buf_cleanup(&got);
				value_free(s);
				value_free(m);
			}
}
