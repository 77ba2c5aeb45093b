/* SPDX-License-Identifier: ISC */
/* pydantic's JSON Schema: both dialects, typing plain values, validation. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "content.h"
#include "ddbjson.h"
#include "filter.h"
#include "journal.h"
#include "json.h"
#include "repo.h"
#include "schema.h"
#include "xmalloc.h"

/* A file next to this source: fixtures/schema/NAME, or ../../profiles. */
static char *
source_path(const char *rel)
{
	const char *slash = strrchr(__FILE__, '/');

	if (slash == NULL)
		return xasprintf("%s", rel);
	return xasprintf("%.*s/%s", (int)(slash - __FILE__), __FILE__, rel);
}

/* A schema fixture of tests/unit/fixtures/schema. */
static char *
fixture(const char *name)
{
	const char *env = getenv("DYNREPO_FIXTURES");
	char *rel, *p;

	if (env != NULL && *env != '\0')
		return xasprintf("%s/schema/%s", env, name);
	rel = xasprintf("fixtures/schema/%s", name);
	p = source_path(rel);
	free(rel);
	return p;
}

/* Load a schema file of profiles/ or of the fixtures; must succeed. */
static struct schema *
load(const char *name)
{
	struct schema *s;
	struct err e;
	char *path;

	if (strncmp(name, "film", 4) == 0) {
		char *rel = xasprintf("../../profiles/%s", name);

		path = source_path(rel);
		free(rel);
	} else {
		path = fixture(name);
	}
	err_clear(&e);
	s = schema_load(path, &e);
	cr_assert_not_null(s, "%s: %s", path, e.msg);
	free(path);
	return s;
}

static struct schema *v1, *v2, *k1, *k2;

static void
setup(void)
{
	v1 = load("film_actor.schema.json");
	v2 = load("film_actor.schema.v2.json");
	k1 = load("kinds.v1.json");
	k2 = load("kinds.v2.json");
}

static void
teardown(void)
{
	schema_free(v1);
	schema_free(v2);
	schema_free(k1);
	schema_free(k2);
}

TestSuite(schema, .init = setup, .fini = teardown);

/* json_parse of a C string; must succeed. */
static struct value *
jp(const char *s)
{
	struct err e;
	struct value *v = json_parse(s, strlen(s), &e);

	cr_assert_not_null(v, "%s: %s", s, e.msg);
	return v;
}

/* A value as DynamoDB JSON, for comparisons. */
static char *
ddb(const struct value *v)
{
	struct buf b = BUF_INIT;

	ddbjson_emit_value(&b, v);
	return buf_detach(&b, NULL);
}

/* Type plain JSON for a dotted field; returns the DynamoDB JSON or
 * "ERR: message". */
static char *
type_at(const struct schema *s, const char *field, const char *plain,
    const struct value *existing)
{
	struct value *in = jp(plain), *out = NULL;
	struct path p;
	struct err e;
	char *r;

	path_init(&p);
	cr_assert_eq(path_parse_dotted(&p, field, &e), 0, "%s", e.msg);
	err_clear(&e);
	if (schema_type_value(s, &p, in, existing, &out, &e) == -1) {
		cr_assert_null(out);
		cr_assert_eq(e.code, ERR_INPUT);
		r = xasprintf("ERR: %s", e.msg);
	} else {
		r = ddb(out);
	}
	value_free(out);
	value_free(in);
	path_cleanup(&p);
	return r;
}

/* Expect a typing result in both dialects. */
static void
expect_both(const char *field, const char *plain, const char *want)
{
	char *a = type_at(v1, field, plain, NULL);
	char *b = type_at(v2, field, plain, NULL);

	cr_expect_str_eq(a, want, "v1 %s = %s: got %s", field, plain, a);
	cr_expect_str_eq(b, want, "v2 %s = %s: got %s", field, plain, b);
	free(a);
	free(b);
}

/* Expect a typing result in one schema. */
static void
expect_type(const struct schema *s, const char *field, const char *plain,
    const struct value *existing, const char *want)
{
	char *got = type_at(s, field, plain, existing);

	cr_expect_str_eq(got, want, "%s = %s: got %s", field, plain, got);
	free(got);
}

/* The description of a top-level field. */
static char *
describe(const struct schema *s, const char *field)
{
	const struct schema_slot *slot;
	struct buf b = BUF_INIT;
	struct path p;

	path_init(&p);
	cr_assert_eq(path_parse_dotted(&p, field, NULL), 0);
	slot = schema_find(s, &p);
	path_cleanup(&p);
	if (slot == NULL)
		return xstrdup("(silent)");
	schema_describe(slot, &b);
	return buf_detach(&b, NULL);
}

static void
expect_describe(const struct schema *s, const char *field, const char *want)
{
	char *d = describe(s, field);

	cr_expect_str_eq(d, want, "%s", field);
	free(d);
}

/* ---- loading ---------------------------------------------------------- */

Test(schema, dialects_and_titles)
{
	cr_expect_eq(schema_dialect(v1), 1);
	cr_expect_eq(schema_dialect(v2), 2);
	cr_expect_eq(schema_dialect(k1), 1);
	cr_expect_eq(schema_dialect(k2), 2);
	cr_expect_str_eq(schema_title(v1), "FilmActor");
	cr_expect_str_eq(schema_title(v2), "FilmActor");
}

Test(schema, fields_in_model_order)
{
	static const char *const want[] = { "id", "name", "review", "year",
	    "rating", "score", "tags", "nicknames", "lucky_numbers",
	    "address", "extra", "roles", "born", "birthday", "call_time",
	    "genre", "awards", "big_count", "active", "nothing" };
	const struct schema *both[] = { v1, v2 };
	size_t i, k, n;

	for (k = 0; k < 2; k++) {
		const char *const *f = schema_fields(both[k], &n);

		cr_assert_eq(n, sizeof want / sizeof want[0]);
		for (i = 0; i < n; i++)
			cr_expect_str_eq(f[i], want[i]);
	}
}

Test(schema, both_dialects_describe_the_same_model)
{
	static const char *const same[][2] = {
		{ "review", "Optional[string]" },
		{ "year", "integer" },
		{ "score", "Optional[number]" },
		{ "tags", "list of string" },
		{ "nicknames", "set of string" },
		{ "lucky_numbers", "set of integer" },
		{ "address", "Address" },
		{ "address.zip", "Optional[string]" },
		{ "roles", "list of Role" },
		{ "roles[3].lead", "boolean" },
		{ "born", "date-time" },
		{ "birthday", "date" },
		{ "call_time", "time" },
		{ "genre", "Genre: \"drama\" | \"comedy\" | \"noir\"" },
		{ "nothing", "Optional[dict of integer]" },
		{ "nothing.x", "integer" },
		{ "extra", "object" },
		{ "extra.anything", "(silent)" },
		{ "no_such_field", "(silent)" },
	};
	size_t i;

	for (i = 0; i < sizeof same / sizeof same[0]; i++) {
		expect_describe(v1, same[i][0], same[i][1]);
		expect_describe(v2, same[i][0], same[i][1]);
	}
	/* Decimal: pydantic 1 prints a number, pydantic 2 number or string */
	expect_describe(v1, "rating", "number");
	expect_describe(v2, "rating", "decimal number");
}

Test(schema, optional_as_each_dialect_says_it)
{
	struct path p;
	const struct schema_slot *s;

	path_init(&p);
	path_set_name(&p, "awards");	/* int = 0 */
	s = schema_find(v1, &p);
	cr_assert_not_null(s);
	cr_expect_eq(s->nullable, SCHEMA_NULL_UNKNOWN);
	s = schema_find(v2, &p);
	cr_assert_not_null(s);
	cr_expect_eq(s->nullable, SCHEMA_NULL_NO);
	path_cleanup(&p);

	path_init(&p);
	path_set_name(&p, "review");	/* Optional[str] */
	cr_expect_eq(schema_find(v1, &p)->nullable, SCHEMA_NULL_YES);
	cr_expect_eq(schema_find(v2, &p)->nullable, SCHEMA_NULL_YES);
	path_cleanup(&p);

	path_init(&p);
	path_set_name(&p, "year");
	cr_expect_eq(schema_find(v1, &p)->nullable, SCHEMA_NULL_NO);
	cr_expect_eq(schema_find(v2, &p)->nullable, SCHEMA_NULL_NO);
	path_cleanup(&p);
}

Test(schema, other_kinds)
{
	expect_describe(k2, "code", "integer or string");
	expect_describe(k1, "code", "integer or string");
	expect_describe(k2, "pair", "tuple of integer, string");
	expect_describe(k1, "pair", "tuple of integer, string");
	expect_describe(k2, "kind", "Kind: \"film\"");
	expect_describe(k2, "level", "Level: 1 | 2 | 3");
	expect_describe(k1, "level", "Level: 1 | 2 | 3");
	expect_describe(k2, "places", "dict of Place");
	expect_describe(k2, "counts", "list of integer");
	expect_describe(k2, "home", "Optional[Place]");
	expect_describe(k2, "tree.children[0].children[1].name", "string");
	expect_describe(k1, "tree.children[0].children[1].name", "string");
	expect_describe(k2, "price", "decimal number");
}

Test(schema, the_default_dialect_without_signs_is_1)
{
	const char *doc = "{\"title\":\"M\",\"type\":\"object\","
	    "\"properties\":{\"a\":{\"type\":\"integer\"}}}";
	struct schema *s = schema_load_buf(doc, strlen(doc), "m", NULL);

	cr_assert_not_null(s);
	cr_expect_eq(schema_dialect(s), 1);
	schema_free(s);
}

/* Loading text must fail with code and a message holding `want`. */
static void
expect_load_error(const char *doc, enum err_code code, const char *want)
{
	struct err e;
	struct schema *s;

	err_clear(&e);
	s = schema_load_buf(doc, strlen(doc), "t.json", &e);
	cr_expect_null(s, "%s", doc);
	schema_free(s);
	cr_expect_eq(e.code, code, "%s: %s", doc, e.msg);
	cr_expect(strstr(e.msg, want) != NULL, "\"%s\" lacks \"%s\"", e.msg,
	    want);
	cr_expect(strncmp(e.msg, "t.json: ", 8) == 0, "%s", e.msg);
}

Test(schema, load_errors)
{
	expect_load_error("{\"type\":", ERR_CONFIG, "");
	expect_load_error("[1,2]", ERR_CONFIG, "expected a schema object");
	expect_load_error("{\"type\":\"string\"}", ERR_CONFIG,
	    "not the schema of a model");
	expect_load_error("{\"type\":\"object\",\"properties\":{\"a\":"
	    "{\"$ref\":\"#/definitions/Nope\"}}}", ERR_CONFIG,
	    "#/properties/a: $ref \"#/definitions/Nope\" leads nowhere");
	expect_load_error("{\"type\":\"object\",\"properties\":{\"a\":"
	    "{\"type\":\"strin\"}}}", ERR_CONFIG, "unknown type \"strin\"");
	expect_load_error("{\"type\":\"object\",\"properties\":{\"a\":"
	    "{\"anyOf\":[]}}}", ERR_CONFIG, "anyOf needs a non-empty list");
	expect_load_error("{\"type\":\"object\",\"properties\":{\"a\":"
	    "{\"$ref\":\"#/properties/a\"}}}", ERR_CONFIG,
	    "loops back to itself");
}

Test(schema, ref_loops_are_config_errors)
{
	struct err e;
	char *path = fixture("loop.json");
	struct schema *s;

	err_clear(&e);
	s = schema_load(path, &e);
	cr_expect_null(s);
	cr_expect_eq(e.code, ERR_CONFIG);
	cr_expect(strstr(e.msg, "loops back to itself") != NULL, "%s", e.msg);
	free(path);
}

Test(schema, missing_file_is_io)
{
	struct err e;

	err_clear(&e);
	cr_expect_null(schema_load("/nonexistent/x.json", &e));
	cr_expect_eq(e.code, ERR_IO);
	cr_expect(strstr(e.msg, "/nonexistent/x.json") != NULL);
}

/* ---- typing ----------------------------------------------------------- */

Test(schema, integer_fields)
{
	expect_both("year", "1999", "{\"N\":\"1999\"}");
	expect_both("year", "1999.0", "{\"N\":\"1999\"}");
	expect_both("year", "1.999e3", "{\"N\":\"1999\"}");
	expect_both("big_count", "12345678901234567899",
	    "{\"N\":\"12345678901234567899\"}");
	expect_both("year", "1.5",
	    "ERR: year: expected integer, got number 1.5");
	expect_both("year", "\"1999\"",
	    "ERR: year: expected integer, got string \"1999\"");
	expect_both("year", "true",
	    "ERR: year: expected integer, got boolean true");
	expect_both("year", "null", "ERR: year: expected integer, got null");
	expect_both("roles[0].year", "1.5",
	    "ERR: roles[0].year: expected integer, got number 1.5");
}

Test(schema, number_fields_keep_their_digits)
{
	expect_both("rating", "1.50", "{\"N\":\"1.50\"}");
	expect_both("rating", "100", "{\"N\":\"100\"}");
	expect_both("score", "0.10000", "{\"N\":\"0.10000\"}");
	expect_both("score", "null", "{\"NULL\":true}");
	expect_type(v1, "rating", "\"1.5\"", NULL,
	    "ERR: rating: expected number, got string \"1.5\"");
	expect_type(v2, "rating", "\"1.5\"", NULL,
	    "ERR: rating: expected decimal number, got string \"1.5\"");
}

Test(schema, numbers_out_of_dynamodb_range)
{
	char *r = type_at(v1, "rating", "1e200", NULL);

	cr_expect(strncmp(r, "ERR: rating: ", 13) == 0, "%s", r);
	free(r);
	r = type_at(NULL, "whatever", "1e200", NULL);
	cr_expect(strncmp(r, "ERR: whatever: ", 15) == 0, "%s", r);
	free(r);
}

Test(schema, string_fields)
{
	expect_both("name", "\"Bob\"", "{\"S\":\"Bob\"}");
	expect_both("address.city", "12",
	    "ERR: address.city: expected string, got number 12");
	expect_both("name", "null", "ERR: name: expected string, got null");
	expect_both("review", "null", "{\"NULL\":true}");
	expect_both("address.zip", "null", "{\"NULL\":true}");
	expect_both("tags", "[\"a\", 1]",
	    "ERR: tags[1]: expected string, got number 1");
}

Test(schema, boolean_fields)
{
	expect_both("active", "true", "{\"BOOL\":true}");
	expect_both("active", "\"true\"",
	    "ERR: active: expected boolean, got string \"true\"");
	expect_both("active", "1",
	    "ERR: active: expected boolean, got number 1");
}

Test(schema, dates_and_times_as_isoformat)
{
	expect_both("born", "\"1950-01-01T12:30:15.000007+00:00\"",
	    "{\"S\":\"1950-01-01T12:30:15.000007+00:00\"}");
	expect_both("born", "\"2020-01-02T03:04:05Z\"",
	    "{\"S\":\"2020-01-02T03:04:05+00:00\"}");
	expect_both("born", "\"2020-01-02 03:04:05.5+0530\"",
	    "{\"S\":\"2020-01-02T03:04:05.500000+05:30\"}");
	expect_both("born", "\"2020-01-02T03:04\"",
	    "{\"S\":\"2020-01-02T03:04:00\"}");
	expect_both("born", "\"2020-01-02T03:04:05-08:00\"",
	    "{\"S\":\"2020-01-02T03:04:05-08:00\"}");
	expect_both("born", "\"0001-01-02T03:04:05.000001-03:30\"",
	    "{\"S\":\"0001-01-02T03:04:05.000001-03:30\"}");
	expect_both("born", "\"2020-01-02\"", "ERR: born: expected "
	    "date-time string, got string \"2020-01-02\"");
	expect_both("born", "\"2020-02-30T00:00:00\"", "ERR: born: expected "
	    "date-time string, got string \"2020-02-30T00:00:00\"");
	expect_both("born", "\"2020-01-02T24:00:00\"", "ERR: born: expected "
	    "date-time string, got string \"2020-01-02T24:00:00\"");
	expect_both("born", "\"2020-01-02T03:04:05+24:00\"",
	    "ERR: born: expected date-time string, got string "
	    "\"2020-01-02T03:04:05+24:00\"");
	expect_both("born", "1700000000",
	    "ERR: born: expected date-time string, got number 1700000000");
	expect_both("birthday", "\"1955-06-06\"", "{\"S\":\"1955-06-06\"}");
	expect_both("birthday", "\"2024-2-29\"", "{\"S\":\"2024-02-29\"}");
	expect_both("birthday", "\"2023-02-29\"", "ERR: birthday: expected "
	    "date string (YYYY-MM-DD), got string \"2023-02-29\"");
	expect_both("call_time", "\"06:30:05.25\"",
	    "{\"S\":\"06:30:05.250000\"}");
	expect_both("call_time", "\"06:30\"", "{\"S\":\"06:30:00\"}");
	expect_both("call_time", "\"6:30:60\"", "ERR: call_time: expected "
	    "time string, got string \"6:30:60\"");
}

/* A default the model refuses is stored as it is, as pydantic (which does
 * not check defaults) leaves it; typing the item is no error, and says
 * none (put fails a pass whose error is set). */
Test(schema, a_default_the_model_refuses_is_kept_without_an_error)
{
	static const char doc[] =
	    "{\"title\":\"M\",\"type\":\"object\",\"properties\":{"
	    "\"a\":{\"type\":\"string\"},"
	    "\"when\":{\"type\":\"string\",\"format\":\"date-time\","
	    "\"default\":\"not a date\"}}}";
	struct schema *s;
	struct value *in, *out = NULL;
	struct buf b = BUF_INIT;
	struct err e;

	s = schema_load_buf(doc, sizeof doc - 1, "m", &e);
	cr_assert_not_null(s, "%s", e.msg);
	in = json_parse("{\"a\":\"x\"}", 9, &e);
	cr_assert_not_null(in);
	err_clear(&e);
	cr_assert_eq(schema_type_item(s, in, NULL, false, &out, &e), 0);
	cr_expect_eq(e.code, ERR_OK, "%s", e.msg);
	ddbjson_emit_members(&b, out);
	cr_expect_str_eq(buf_cstr(&b),
	    ",\"a\":{\"S\":\"x\"},\"when\":{\"S\":\"not a date\"}");
	value_free(out);
	value_free(in);
	buf_cleanup(&b);
	schema_free(s);
}

Test(schema, enums_by_value)
{
	expect_both("genre", "\"noir\"", "{\"S\":\"noir\"}");
	expect_both("genre", "\"Noir\"", "ERR: genre: expected one of "
	    "\"drama\", \"comedy\", \"noir\", got string \"Noir\"");
	expect_type(k2, "level", "2", NULL, "{\"N\":\"2\"}");
	expect_type(k2, "level", "2.0", NULL, "{\"N\":\"2.0\"}");
	expect_type(k1, "level", "\"2\"", NULL, "ERR: level: expected one of "
	    "1, 2, 3, got string \"2\"");
	expect_type(k2, "kind", "\"film\"", NULL, "{\"S\":\"film\"}");
	expect_type(k2, "kind", "\"show\"", NULL, "ERR: kind: expected "
	    "\"film\", got string \"show\"");
}

Test(schema, models_dicts_lists_sets)
{
	expect_both("address", "{\"city\":\"Paris\",\"country\":\"France\"}",
	    "{\"M\":{\"city\":{\"S\":\"Paris\"},\"country\":"
	    "{\"S\":\"France\"}}}");
	expect_both("address", "\"Paris\"", "ERR: address: expected object "
	    "(Address), got string \"Paris\"");
	expect_both("roles", "[{\"title\":\"Lead\",\"year\":2001}]",
	    "{\"L\":[{\"M\":{\"title\":{\"S\":\"Lead\"},\"year\":"
	    "{\"N\":\"2001\"}}}]}");
	expect_both("nicknames", "[\"ace\",\"kid\",\"ace\"]",
	    "{\"L\":[{\"S\":\"ace\"},{\"S\":\"kid\"}]}");
	expect_both("lucky_numbers", "[7, 7.0, 9]",
	    "{\"L\":[{\"N\":\"7\"},{\"N\":\"9\"}]}");
	expect_both("nothing", "{\"a\":1,\"b\":2}",
	    "{\"M\":{\"a\":{\"N\":\"1\"},\"b\":{\"N\":\"2\"}}}");
	expect_both("nothing", "{\"a\":\"x\"}",
	    "ERR: nothing.a: expected integer, got string \"x\"");
	expect_both("extra", "{\"x\":[1,{\"y\":null}]}",
	    "{\"M\":{\"x\":{\"L\":[{\"N\":\"1\"},{\"M\":{\"y\":"
	    "{\"NULL\":true}}}]}}}");
	expect_both("tags", "{\"a\":1}",
	    "ERR: tags: expected list, got object");
}

Test(schema, unions_tuples_bounds)
{
	expect_type(k2, "code", "12", NULL, "{\"N\":\"12\"}");
	expect_type(k2, "code", "\"ab\"", NULL, "{\"S\":\"ab\"}");
	expect_type(k1, "code", "true", NULL, "ERR: code: "
	    "expected integer or string, got boolean true");
	expect_type(k2, "pair", "[1, \"a\"]", NULL, "{\"L\":[{\"N\":\"1\"},{\"S"
	    "\":\"a\"}]}");
	expect_type(k1, "pair", "[1, \"a\"]", NULL, "{\"L\":[{\"N\":\"1\"},{\"S"
	    "\":\"a\"}]}");
	expect_type(k2, "pair", "[\"a\", 1]", NULL, "ERR: pair[0]: expected "
	    "integer, got string \"a\"");
	expect_type(k1, "pair", "[1]", NULL, "ERR: pair: a tuple of 2 "
	    "elements, got 1");
	expect_type(k2, "stars", "11", NULL, "ERR: stars: 11 is not <= 10");
	expect_type(k1, "stars", "-1", NULL, "ERR: stars: -1 is not >= 0");
	expect_type(k2, "short", "\"\xc3\xa9t\xc3\xa9s\"", NULL, "{\"S\":\"\xc3"
	    "\xa9t\xc3\xa9s\"}");
	expect_type(k2, "short", "\"abcdef\"", NULL, "ERR: short: 6 "
	    "characters, at most 5 allowed");
	expect_type(k2, "price", "-1", NULL, "ERR: price: -1 is not >= 0");
	expect_type(k2, "counts", "[1, null]", NULL, "{\"L\":[{\"N\":\"1\"},{\""
	    "NULL\":true}]}");
	expect_type(k2, "home", "null", NULL, "{\"NULL\":true}");
	expect_type(k2, "places", "{\"p\":{\"city\":\"x\"}}",
	    NULL, "{\"M\":{\"p\":{\"M\":{\"city\":{\"S\":\"x\"}}}}}");
	expect_type(k2, "places", "{\"p\":{\"town\":\"x\"}}",
	    NULL, "ERR: places.p.town: not a field of Place, which forbids "
	    "extra fields");
	expect_type(k2, "tree", "{\"name\":\"a\",\"children\":"
	    "[{\"name\":\"b\",\"children\":[{\"name\":3}]}]}", NULL,
	    "ERR: tree.children[0].children[0].name: expected string, got "
	    "number 3");
	expect_type(k2, "nope", "1", NULL, "ERR: nope: not a field of Kinds, "
	    "which forbids extra fields");
	expect_type(k2, "short.x", "1", NULL, "ERR: short.x: cannot look into "
	    "a string");
}

Test(schema, silent_places_keep_the_existing_type)
{
	struct value *ss = value_new_set(VT_SS), *ns = value_new_set(VT_NS);
	struct value *b = value_new_b("hi", 2);
	struct value *m;

	value_list_append(ss, value_new_str("x"));
	value_list_append(ns, value_new_n("1", 1));
	/* unknown to the model: keeps SS / NS / B */
	expect_type(v1, "legacy", "[\"a\",\"b\",\"a\"]", ss, "{\"SS\":[\"a\",\""
	    "b\"]}");
	expect_type(v1, "legacy", "[1, 2.5]", ns, "{\"NS\":[\"1\",\"2.5\"]}");
	expect_type(v1, "legacy", "\"aGk=\"", b, "{\"B\":\"aGk=\"}");
	expect_type(v1, "legacy", "[]", ss, "{\"L\":[]}");
	expect_type(v1, "legacy", "[\"a\"]", NULL, "{\"L\":[{\"S\":\"a\"}]}");
	/* no schema at all */
	expect_type(NULL, "tags", "[\"a\"]", ss, "{\"SS\":[\"a\"]}");
	/* a set field that another tool wrote as SS stays SS */
	expect_type(v2, "nicknames", "[\"a\",\"b\"]", ss, "{\"SS\":[\"a\",\"b\""
	    "]}");
	expect_type(v2, "lucky_numbers", "[3]", ns, "{\"NS\":[\"3\"]}");
	/* Dict[str, Any] members keep theirs too */
	m = value_new_m();
	value_map_set(m, "tags", value_copy(ss));
	expect_type(v1, "extra", "{\"tags\":[\"q\"],\"n\":1}", m, "{\"M\":{\"ta"
	    "gs\":{\"SS\":[\"q\"]},\"n\":{\"N\":\"1\"}}}");
	value_free(m);
	value_free(ss);
	value_free(ns);
	value_free(b);
}

/* The golden item's model fields as plain JSON. */
static const char golden_plain[] = "{\"id\":\"actor009\",\"name\":\"Actor 9\","
    "\"year\":1999,\"rating\":100,\"tags\":[\"drama\"],\"nicknames\":[],"
    "\"lucky_numbers\":[9],\"address\":{\"city\":\"Paris\",\"country\":"
    "\"France\"},\"extra\":{},\"roles\":[{\"title\":\"R\",\"year\":2009}],"
    "\"born\":\"1959-10-10T12:30:15.009007Z\",\"birthday\":\"1959-10-10\","
    "\"call_time\":\"06:30:09.25\",\"genre\":\"drama\","
    "\"big_count\":12345678901234567899,\"active\":false}";

Test(schema, whole_items_as_the_library_stores_them)
{
	struct value *in = jp(golden_plain), *out;
	struct err e;
	const struct schema *both[] = { v1, v2 };
	size_t k;

	for (k = 0; k < 2; k++) {
		char *got;

		err_clear(&e);
		cr_assert_eq(schema_type_item(both[k], in, NULL, false, &out,
		    &e), 0, "%s", e.msg);
		got = ddb(out);
		/* every field, in field order, defaults and None filled */
		cr_expect_str_eq(got, "{\"M\":{\"id\":{\"S\":\"actor009\"},"
		    "\"name\":{\"S\":\"Actor 9\"},\"review\":{\"NULL\":true},"
		    "\"year\":{\"N\":\"1999\"},\"rating\":{\"N\":\"100\"},"
		    "\"score\":{\"NULL\":true},\"tags\":{\"L\":[{\"S\":"
		    "\"drama\"}]},\"nicknames\":{\"L\":[]},\"lucky_numbers\":"
		    "{\"L\":[{\"N\":\"9\"}]},\"address\":{\"M\":{\"city\":"
		    "{\"S\":\"Paris\"},\"country\":{\"S\":\"France\"},\"zip\":"
		    "{\"NULL\":true}}},\"extra\":{\"M\":{}},\"roles\":{\"L\":"
		    "[{\"M\":{\"title\":{\"S\":\"R\"},\"year\":"
		    "{\"N\":\"2009\"},"
		    "\"lead\":{\"BOOL\":false}}}]},\"born\":{\"S\":"
		    "\"1959-10-10T12:30:15.009007+00:00\"},\"birthday\":{\"S\":"
		    "\"1959-10-10\"},\"call_time\":{\"S\":\"06:30:09.250000\"},"
		    "\"genre\":{\"S\":\"drama\"},\"awards\":{\"N\":\"0\"},"
		    "\"big_count\":{\"N\":\"12345678901234567899\"},\"active\":"
		    "{\"BOOL\":false},\"nothing\":{\"NULL\":true}}}",
		    "dialect %d", schema_dialect(both[k]));
		free(got);
		cr_expect_eq(schema_validate_item(both[k], out, false, &e), 0,
		    "%s", e.msg);
		value_free(out);
	}
	value_free(in);
}

Test(schema, whole_item_errors)
{
	struct value *in, *out;
	struct err e;

	in = jp("{\"id\":\"x\"}");
	cr_expect_eq(schema_type_item(v2, in, NULL, false, &out, &e), -1);
	cr_expect_str_eq(e.msg, "name: missing, and FilmActor requires it");
	value_free(in);

	in = jp(golden_plain);
	value_map_set(in, "mood", value_new_str("x"));
	cr_expect_eq(schema_type_item(v1, in, NULL, false, &out, &e), -1);
	cr_expect_str_eq(e.msg, "mood: not a field of FilmActor");
	cr_expect_eq(schema_type_item(v1, in, NULL, true, &out, &e), 0);
	cr_expect_str_eq(value_map_get(out, "mood")->u.str.ptr, "x");
	value_free(out);
	value_map_set(in, "address", jp("{\"city\":\"x\"}"));
	cr_expect_eq(schema_type_item(v1, in, NULL, true, &out, &e), -1);
	cr_expect_str_eq(e.msg,
	    "address.country: missing, and Address requires it");
	value_free(in);

	in = jp("[1]");
	cr_expect_eq(schema_type_item(v1, in, NULL, false, &out, &e), -1);
	value_free(in);
}

/* The golden file of items the library wrote. */
static FILE *
golden(void)
{
	const char *dir = getenv("DYNREPO_TESTDATA");
	char path[4096];
	FILE *f;

	if (dir == NULL || *dir == '\0')
		dir = "../shared/testdata";
	snprintf(path, sizeof path, "%s/pydantic-dynamo/items.ddb.jsonl", dir);
	f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s (set DYNREPO_TESTDATA)", path);
	return f;
}

Test(schema, golden_items_validate_in_both_dialects)
{
	static const char *const items[] = { "Item", NULL };
	char *line = NULL;
	size_t cap = 0, lines = 0;
	ssize_t n;
	FILE *f = golden();

	while ((n = getline(&line, &cap, f)) > 0) {
		struct value *doc, *it;
		struct err e;
		const char *internal[] = { "_table_item_id",
		    "_table_content_id", "_object_version", "_timestamp",
		    "_ttl" };
		size_t i;

		doc = ddbjson_parse_doc(line, (size_t)n, items, &e);
		cr_assert_not_null(doc, "%s", e.msg);
		it = value_map_take(doc, "Item");
		for (i = 0; i < 5; i++)
			value_free(value_map_take(it, internal[i]));
		cr_expect_eq(schema_validate_item(v1, it, false, &e), 0,
		    "line %zu: %s", lines + 1, e.msg);
		cr_expect_eq(schema_validate_item(v2, it, false, &e), 0,
		    "line %zu: %s", lines + 1, e.msg);
		value_free(it);
		value_free(doc);
		lines++;
	}
	free(line);
	fclose(f);
	cr_expect_eq(lines, 10);
}

/* Validate one DynamoDB-JSON item against s; "" when valid. */
static char *
validate_ddb(const struct schema *s, const char *item, bool allow_extra)
{
	struct err e;
	struct value *it = ddbjson_parse_item(item, strlen(item), &e);
	char *r;

	cr_assert_not_null(it, "%s", e.msg);
	err_clear(&e);
	r = xstrdup(schema_validate_item(s, it, allow_extra, &e) == 0 ? "" :
	    e.msg);
	value_free(it);
	return r;
}

Test(schema, validation_by_stored_types)
{
	const char *base = "\"id\":{\"S\":\"a\"},\"name\":{\"S\":\"n\"},"
	    "\"year\":{\"N\":\"1\"},\"rating\":{\"N\":\"1.5\"},\"tags\":"
	    "{\"L\":[]},\"lucky_numbers\":{\"L\":[]},\"address\":{\"M\":"
	    "{\"city\":{\"S\":\"c\"},\"country\":{\"S\":\"d\"}}},\"extra\":"
	    "{\"M\":{}},\"roles\":{\"L\":[]},\"born\":{\"S\":"
	    "\"2020-01-01T00:00:00\"},\"birthday\":{\"S\":\"2020-01-01\"},"
	    "\"call_time\":{\"S\":\"00:00:00\"},\"genre\":{\"S\":\"noir\"},"
	    "\"big_count\":{\"N\":\"2\"},\"active\":{\"BOOL\":true}";
	static const struct {
		const char	*more;
		const char	*want;
	} cases[] = {
		{ ",\"nicknames\":{\"SS\":[\"a\",\"b\"]}", "" },
		{ ",\"nicknames\":{\"L\":[{\"S\":\"a\"},{\"S\":\"a\"}]}",
		    "nicknames[1]: a duplicate in a set" },
		{ ",\"nicknames\":{\"NS\":[\"1\"]}",
		    "nicknames[0]: expected string, got number 1" },
		{ ",\"nicknames\":{\"L\":[]},\"year2\":{\"N\":\"1\"}",
		    "year2: not a field of FilmActor" },
		{ ",\"nicknames\":{\"S\":\"a\"}",
		    "nicknames: expected set, got string \"a\"" },
		{ ",\"nicknames\":{\"L\":[]},\"review\":{\"N\":\"1\"}",
		    "review: expected string, got number 1" },
		{ ",\"nicknames\":{\"L\":[]},\"score\":{\"S\":\"1\"}",
		    "score: expected number, got string \"1\"" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		char *item = xasprintf("{%s%s}", base, cases[i].more);
		char *got = validate_ddb(v1, item, false);

		cr_expect_str_eq(got, cases[i].want, "case %zu", i);
		free(got);
		got = validate_ddb(v2, item, false);
		cr_expect_str_eq(got, cases[i].want, "case %zu (v2)", i);
		free(got);
		free(item);
	}
	{
		char *item = xasprintf("{%s}", base);
		char *got = validate_ddb(v1, item, false);

		cr_expect_str_eq(got, "nicknames: missing, and FilmActor "
		    "requires it");
		free(got);
		free(item);
	}
	{
		char *item = xasprintf("{%s,\"nicknames\":{\"L\":[]},\"x\":"
		    "{\"BS\":[\"aGk=\"]}}", base);
		char *got = validate_ddb(v1, item, true);

		cr_expect_str_eq(got, "");
		free(got);
		free(item);
	}
}

/* ---- edits and filters ------------------------------------------------ */

/* Validate an UpdateCommand given as JSON pieces (NULL for none); the
 * error message or "". */
static char *
update_err(const struct schema *s, const char *set, const char *incr,
    const char *append, bool allow_extra)
{
	struct update_command cmd;
	struct value *a = set ? jp(set) : NULL, *b = incr ? jp(incr) : NULL;
	struct value *c = append ? jp(append) : NULL;
	struct err e;
	char *r;

	memset(&cmd, 0, sizeof cmd);
	cmd.set_commands = a;
	cmd.increment_attrs = b;
	cmd.append_attrs = c;
	err_clear(&e);
	r = xstrdup(schema_validate_update(s, &cmd, allow_extra, &e) == 0 ?
	    "" : e.msg);
	if (*r != '\0')
		cr_expect_eq(e.code, ERR_INPUT);
	value_free(a);
	value_free(b);
	value_free(c);
	return r;
}

static void
expect_update(const struct schema *s, const char *set, const char *incr,
    const char *append, bool allow_extra, const char *want)
{
	char *got = update_err(s, set, incr, append, allow_extra);

	cr_expect_str_eq(got, want, "set %s incr %s append %s: got %s", set,
	    incr, append, got);
	free(got);
}

Test(schema, update_commands_as_the_library_checks_them)
{
	const struct schema *both[] = { v1, v2 };
	size_t k;

	for (k = 0; k < 2; k++) {
		const struct schema *s = both[k];

		expect_update(s, "{\"name\":\"x\",\"address\":{\"city\":"
		    "\"Rome\"},\"nothing\":{\"a\":1}}", "{\"awards\":2}",
		    "{\"tags\":[\"x\"],\"roles\":[{\"title\":\"t\","
		    "\"year\":2001}]}", false, "");
		expect_update(s, NULL, NULL, "{\"roles\":[{\"title\":\"t\","
		    "\"year\":\"2001\"}]}", false, "roles[0].year: expected "
		    "integer, got string \"2001\"");
		expect_update(s, "{\"nickname\":\"x\"}", NULL, NULL, false,
		    "nickname: not a field of FilmActor");
		expect_update(s, "{\"nickname\":\"x\"}", NULL, NULL, true, "");
		expect_update(s, "{\"address\":{\"town\":\"x\"}}", NULL, NULL,
		    false, "address.town: not a field of Address");
		expect_update(s, "{\"year\":{\"a\":1}}", NULL, NULL, false,
		    "year: an object value sets members, but year is integer");
		expect_update(s, "{\"year\":\"1999\"}", NULL, NULL, false,
		    "year: expected integer, got string \"1999\"");
		expect_update(s, "{\"roles\":[{\"title\":\"t\"}]}", NULL, NULL,
		    false, "roles[0].year: missing, and Role requires it");
		expect_update(s, "{\"_object_version\":3}", NULL, NULL, true,
		    "_object_version: maintained by the library (an update "
		    "drops or overwrites it)");
		expect_update(s, NULL, "{\"rating\":1}", NULL, false,
		    s == v1 ? "rating: increments only on integer fields, and "
		    "rating is number" : "rating: increments only on integer "
		    "fields, and rating is decimal number");
		expect_update(s, NULL, "{\"awards\":1.5}", NULL, false,
		    "awards: an increment must be an integer, got number 1.5");
		expect_update(s, NULL, "{\"visits\":1}", NULL, false,
		    "visits: not a field of FilmActor");
		expect_update(s, NULL, "{\"visits\":1}", NULL, true, "");
		expect_update(s, NULL, NULL, "{\"name\":[\"x\"]}", false,
		    "name: appends only on list fields, and name is string");
		expect_update(s, NULL, NULL, "{\"nicknames\":[\"x\"]}", false,
		    "");
		expect_update(s, NULL, NULL, "{\"lucky_numbers\":[5]}", false,
		    "lucky_numbers[0]: the library appends str | dict, so "
		    "number 5 would be stored as a string, and lucky_numbers "
		    "holds integer");
		expect_update(s, NULL, NULL, "{\"roles\":[{\"title\":1}]}",
		    false, "roles[0].title: expected string, got number 1");
		expect_update(s, NULL, NULL, "{\"tags\":\"x\"}", false,
		    "tags: appends take a list, got S");
		expect_update(s, NULL, NULL, "{\"tags\":[null]}", false,
		    "tags[0]: the library appends strings or objects "
		    "(str | dict), got null");
	}
	/* the v2 dialect's Decimal is no integer either */
	expect_update(v2, NULL, "{\"rating\":1}", NULL, false,
	    "rating: increments only on integer fields, and rating is decimal "
	    "number");
	expect_update(k2, "{\"home\":{\"town\":\"x\"}}", NULL, NULL, true,
	    "home.town: not a field of Place, which forbids extra fields");
	expect_update(NULL, "{\"x\":1}", "{\"y\":1.5}", NULL, false, "");
}

Test(schema, set_commands_are_typed)
{
	struct value *in, *out, *existing;
	struct err e;
	char *got;

	in = jp("{\"born\":\"2020-01-02T03:04:05Z\",\"address\":{\"city\":"
	    "\"Rome\"},\"year\":2001.0,\"legacy\":[\"a\"]}");
	existing = value_new_m();
	value_map_set(existing, "legacy", value_new_set(VT_SS));
	value_list_append(value_map_get(existing, "legacy"),
	    value_new_str("z"));
	cr_assert_eq(schema_type_set_commands(v1, in, existing, true, &out,
	    &e), 0, "%s", e.msg);
	got = ddb(out);
	cr_expect_str_eq(got, "{\"M\":{\"born\":{\"S\":"
	    "\"2020-01-02T03:04:05+00:00\"},\"address\":{\"M\":{\"city\":"
	    "{\"S\":\"Rome\"}}},\"year\":{\"N\":\"2001\"},\"legacy\":{\"SS\":"
	    "[\"a\"]}}}");
	free(got);
	value_free(out);
	cr_expect_eq(schema_type_set_commands(v1, in, existing, false, &out,
	    &e), -1);
	cr_expect_str_eq(e.msg, "legacy: not a field of FilmActor");
	value_free(in);
	value_free(existing);

	in = jp("{\"address\":{\"city\":7}}");
	cr_expect_eq(schema_type_set_commands(v2, in, NULL, false, &out, &e),
	    -1);
	cr_expect_str_eq(e.msg, "address.city: expected string, got number 7");
	value_free(in);
}

/* Validate filter conditions; the error or the typed values. */
static char *
filter_run(const struct schema *s, const char *const *conds, bool extra)
{
	struct filter f;
	struct err e;
	struct buf b = BUF_INIT;
	size_t i;

	filter_init(&f);
	for (i = 0; conds[i] != NULL; i++)
		cr_assert_eq(filter_add_parse(&f, conds[i], &e), 0, "%s",
		    e.msg);
	err_clear(&e);
	if (schema_validate_filter(s, &f, extra, &e) == -1) {
		buf_printf(&b, "ERR: %s", e.msg);
	} else {
		for (i = 0; i < f.n; i++) {
			if (f.conds[i].value == NULL) {
				buf_adds(&b, "-;");
				continue;
			}
			ddbjson_emit_value(&b, f.conds[i].value);
			buf_addc(&b, ';');
		}
	}
	filter_cleanup(&f);
	return buf_detach(&b, NULL);
}

Test(schema, filters)
{
	const char *ok[] = { "year = 1999.0", "born != 2020-01-02T03:04:05Z",
	    "review missing", "address.city = Paris", "_ttl missing",
	    "_object_version = 2", "extra.anything = 1", NULL };
	const char *bad_name[] = { "yeer = 1999", NULL };
	const char *bad_value[] = { "year = \"1999\"", NULL };
	const char *bad_null[] = { "name = null", NULL };
	const char *nested[] = { "address.town = x", NULL };
	char *r;

	r = filter_run(v1, ok, false);
	cr_expect_str_eq(r, "{\"N\":\"1999\"};{\"S\":"
	    "\"2020-01-02T03:04:05+00:00\"};-;{\"S\":\"Paris\"};-;"
	    "{\"N\":\"2\"};{\"N\":\"1\"};");
	free(r);
	r = filter_run(v2, bad_name, false);
	cr_expect_str_eq(r, "ERR: yeer: not a field of FilmActor");
	free(r);
	r = filter_run(v2, bad_name, true);
	cr_expect_str_eq(r, "{\"N\":\"1999\"};");
	free(r);
	r = filter_run(v1, bad_value, false);
	cr_expect_str_eq(r, "ERR: year: expected integer, got string "
	    "\"1999\"");
	free(r);
	r = filter_run(v2, bad_null, false);
	cr_expect_str_eq(r, "ERR: name: expected string, got null");
	free(r);
	r = filter_run(v1, nested, false);
	cr_expect_str_eq(r, "ERR: address.town: not a field of Address");
	free(r);
	r = filter_run(NULL, bad_value, false);
	cr_expect_str_eq(r, "{\"S\":\"1999\"};");
	free(r);
}

Test(schema, validate_value_at_a_path)
{
	struct path p;
	struct value *v = value_new_str("x");
	struct err e;

	path_init(&p);
	cr_assert_eq(path_parse_dotted(&p, "roles[2].year", &e), 0);
	cr_expect_eq(schema_validate_value(v2, &p, v, false, &e), -1);
	cr_expect_str_eq(e.msg, "roles[2].year: expected integer, got string "
	    "\"x\"");
	path_cleanup(&p);
	path_init(&p);
	path_set_name(&p, "unknown");
	cr_expect_eq(schema_validate_value(v2, &p, v, false, &e), -1);
	cr_expect_eq(schema_validate_value(v2, &p, v, true, &e), 0);
	path_cleanup(&p);
	value_free(v);
}

/* ---- text rules ------------------------------------------------------- */

Test(schema, date_time_rules_of_each_pydantic)
{
	static const struct {
		const char	*text;
		int		 kind;	/* 0 datetime, 1 date, 2 time */
		bool		 v1, v2;
	} cases[] = {
		{ "2020-01-02T03:04:05.123456+00:00", 0, true, true },
		{ "2020-01-02 03:04:05", 0, true, true },
		{ "2020-01-02t03:04:05", 0, false, true },
		{ "2020-01-02_03:04:05z", 0, false, true },
		{ "2020-1-2T3:4:5", 0, true, false },
		{ "2020-01-02T03:04:05+05", 0, true, false },
		{ "2020-01-02T03:04:05+0530", 0, true, true },
		{ "2020-01-02T03:04:05.1234567890123", 0, false, true },
		{ "2020-01-02T03:04:05.123456789", 0, true, true },
		{ "2020-01-02T03:04:05\n", 0, true, false },
		{ "2020-01-02T03:04:05 ", 0, false, false },
		{ "2020-01-02", 0, false, false },
		{ "0000-01-02T03:04:05", 0, false, false },
		{ "2020-01-02", 1, true, true },
		{ "2020-1-2", 1, true, false },
		{ "2020-01-02T00:00", 1, false, false },
		{ "2021-02-29", 1, false, false },
		{ "03:04", 2, true, true },
		{ "3:04:05.5Z", 2, true, false },
		{ "03:04:05.5-01:30", 2, true, true },
		{ "24:00", 2, false, false },
		{ "03:04:05+23:59", 2, true, true },
		{ "03:04:05+24:00", 2, false, false },
	};
	struct schema_when w;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		int r;

		for (r = 1; r <= 2; r++) {
			bool got = cases[i].kind == 0 ?
			    schema_parse_datetime(cases[i].text, r, &w) :
			    cases[i].kind == 1 ?
			    schema_parse_date(cases[i].text, r, &w) :
			    schema_parse_time(cases[i].text, r, &w);

			cr_expect_eq(got, r == 1 ? cases[i].v1 : cases[i].v2,
			    "\"%s\" by pydantic %d", cases[i].text, r);
		}
	}
	cr_assert(schema_parse_datetime("2020-01-02T03:04:05.5-07:30", 0, &w));
	cr_expect_eq(w.usec, 500000);
	cr_expect_eq(w.tz_minutes, -450);
	cr_expect(!w.loose);
	cr_assert(schema_parse_datetime("2020-1-02T03:04:05", 0, &w));
	cr_expect(w.loose);
}

/* A model with a field of every kind schema_emit_item prints and of
 * those it leaves to typing (bounds, sets, unions, dicts, Any, a default
 * the model refuses). */
static const char emit_schema[] =
    "{\"title\":\"Emit\",\"type\":\"object\",\"properties\":{"
    "\"id\":{\"type\":\"string\"},"
    "\"s\":{\"type\":\"string\",\"maxLength\":5},"
    "\"n\":{\"type\":\"integer\"},"
    "\"f\":{\"type\":\"number\"},"
    "\"when\":{\"type\":\"string\",\"format\":\"date-time\"},"
    "\"day\":{\"type\":\"string\",\"format\":\"date\"},"
    "\"at\":{\"type\":\"string\",\"format\":\"time\"},"
    "\"e\":{\"enum\":[\"a\",\"b\",1,[1.50,2],{\"k\":1.0}]},"
    "\"b\":{\"type\":\"boolean\"},"
    "\"l\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"}},"
    "\"tags\":{\"type\":\"array\",\"items\":{\"type\":\"string\"},"
    "\"uniqueItems\":true},"
    "\"u\":{\"anyOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}]},"
    "\"dict\":{\"type\":\"object\",\"additionalProperties\":"
    "{\"type\":\"integer\"}},"
    "\"any\":{},"
    "\"pos\":{\"type\":\"integer\",\"minimum\":0},"
    "\"address\":{\"$ref\":\"#/definitions/Address\"},"
    "\"roles\":{\"type\":\"array\",\"items\":"
    "{\"$ref\":\"#/definitions/Address\"}},"
    "\"awards\":{\"default\":0,\"type\":\"integer\"},"
    "\"since\":{\"default\":\"2020-01-02T03:04:05Z\",\"type\":\"string\","
    "\"format\":\"date-time\"},"
    "\"odd\":{\"default\":\"x\",\"type\":\"integer\"}},"
    "\"required\":[\"id\"],"
    "\"definitions\":{\"Address\":{\"title\":\"Address\",\"type\":"
    "\"object\",\"properties\":{\"city\":{\"type\":\"string\"},"
    "\"zip\":{\"type\":\"string\"},\"lead\":{\"default\":false,"
    "\"type\":\"boolean\"}},\"required\":[\"city\"]}}}";

/* The values tried for each field of emit_schema (NULL: absent): those
 * typing keeps, those it rewrites (12.0, a date-time in another form,
 * defaults), those it refuses, escapes and UTF-8. */
static const char *const emit_values[][10] = {
	{ "\"id-1\"", "\"q\\\"\\\\\\n\\u0001\\u00e9\\u2028\"", "\"\"",
	    "\"\\u0000x\"", "7", "null", NULL },
	{ "\"abc\"", "\"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\"",
	    "\"toolong\"", "12", "null", NULL },
	{ "12", "12.0", "-0", "1e2", "12345678901234567890123", "1.5",
	    "\"12\"", "null", "-7", NULL },
	{ "1.50", "1e2", "-0.0", "3", "null", "2E-3", "true", NULL },
	{ "\"2002-09-15T12:30:15.000001+00:00\"", "\"2002-09-15T12:30:15Z\"",
	    "\"2002-09-15 12:30\"", "\"2002-09-15T12:30:15.000000+05:30\"",
	    "\"not a date\"", "5", "null", NULL },
	{ "\"2020-01-02\"", "\"2020-13-02\"", NULL },
	{ "\"12:30\"", "\"12:30:15.5\"", "\"25:00\"", NULL },
	{ "\"a\"", "1", "1.0", "\"c\"", "null", "[1.50,2]",
	    "{\"k\":1.0}", NULL },
	{ "true", "false", "1", "null", NULL },
	{ "[1,2.0,3]", "[]", "[1,\"x\"]", "null", "{}", NULL },
	{ "[\"a\",\"b\"]", "[\"a\",\"a\"]", NULL },
	{ "1", "\"x\"", NULL },
	{ "{\"x\":1}", NULL },
	{ "{\"x\":[1]}", NULL },
	{ "1", "-1", NULL },
	{ "{\"city\":\"Dublin\"}", "{\"city\":\"D\",\"zip\":null,"
	    "\"lead\":true}", "{}", "{\"city\":\"D\",\"x\":1}", "[]", "null",
	    "{\"city\":null}", "{\"city\":\"D\",\"lead\":null}", NULL },
	{ "[{\"city\":\"a\"},{\"city\":\"b\",\"zip\":\"1\"}]", "[]",
	    "[{\"zip\":\"1\"}]", NULL },
	{ "3", "3.0", NULL },
	{ "\"2021-01-01T00:00:00+01:00\"", NULL },
	{ "4", NULL },
};
static const char *const emit_fields[] = {
	"id", "s", "n", "f", "when", "day", "at", "e", "b", "l", "tags", "u",
	"dict", "any", "pos", "address", "roles", "awards", "since", "odd",
};

/* Item i of the differential: each field's value picked by a generator
 * (mostly ones typing keeps, so that most items are printed), in the
 * model's order or reversed, now and then an extra member. */
static void
emit_item(struct buf *b, size_t i)
{
	size_t nfields = sizeof emit_fields / sizeof emit_fields[0];
	unsigned long x = 2654435761UL * (i + 1);
	size_t f, k, nv;
	bool first = true;

	buf_reset(b);
	buf_addc(b, '{');
	for (k = 0; k < nfields; k++) {
		f = i % 7 == 3 ? nfields - 1 - k : k;
		for (nv = 0; emit_values[f][nv] != NULL; nv++)
			;
		x = x * 1103515245UL + 12345UL;
		/* The fields left to typing (a set, a union, a dict, Any, a
		 * bound) now and then, "odd" mostly (its default is left
		 * to typing too); the others three times in four their first
		 * value (kept as it is), else any, or absent. */
		if (f >= 10 && f <= 14 && (x >> 20) % 8 != 0)
			continue;
		if ((x >> 16) % 4 != 0 || (f == 19 && (x >> 20) % 8 != 0)) {
			nv = 0;
		} else {
			nv = (x >> 8) % (nv + 1);
			if (nv == 0 || emit_values[f][nv - 1] == NULL)
				continue;
			nv--;
		}
		if (!first)
			buf_addc(b, ',');
		first = false;
		buf_printf(b, "\"%s\":%s", emit_fields[f], emit_values[f][nv]);
	}
	if (i % 11 == 5)
		buf_printf(b, "%s\"extra\":1", first ? "" : ",");
	buf_addc(b, '}');
}

/* Whether typing rewrote a member present in the plain item. */
static bool
emit_rewrites(const struct value *plain, const struct value *typed,
    const char *name)
{
	const struct value *p = value_map_get(plain, name);
	const struct value *t = value_map_get(typed, name);

	return p != NULL && t != NULL && !value_same(p, t);
}

/* The typed item's members printed without typing it (put's check pass)
 * are the bytes of typing it and printing the typed item, for every item
 * it prints; an item typing refuses, rewrites in ways it does not do, or
 * takes as an extra is left to typing (-1, nothing printed). */
Test(schema, emit_item_prints_what_typing_prints)
{
	struct schema *s;
	struct buf line = BUF_INIT, got = BUF_INIT, want = BUF_INIT;
	size_t i, printed = 0, left = 0, refused = 0, rewritten = 0;
	struct err e;

	s = schema_load_buf(emit_schema, sizeof emit_schema - 1, "emit", &e);
	cr_assert_not_null(s, "%s", e.msg);
	for (i = 0; i < 3000; i++) {
		struct value *plain, *typed;
		bool canonical = false;
		int typed_rc, rc;

		emit_item(&line, i);
		plain = json_parse(line.data, line.len, &e);
		cr_assert_not_null(plain, "%s: %s", line.data, e.msg);
		/* Numbers DynamoDB refuses stop content_from_json first. */
		if (content_check_numbers(plain, "item", &e) == -1) {
			value_free(plain);
			continue;
		}
		typed_rc = schema_type_item(s, plain, NULL, i % 2 == 0,
		    &typed, &e);
		buf_reset(&got);
		buf_adds(&got, "[head]");
		rc = schema_emit_item(s, plain, &got, i % 3 == 0 ? NULL :
		    &canonical);
		if (typed_rc == -1) {
			refused++;
			cr_assert_eq(rc, -1, "%s: printed what typing refuses "
			    "(%s)", line.data, e.msg);
		}
		if (rc == -1) {
			cr_assert_str_eq(buf_cstr(&got), "[head]", "%s",
			    line.data);
			left += typed_rc == 0;
		} else {
			buf_reset(&want);
			buf_adds(&want, "[head]");
			ddbjson_emit_members(&want, typed);
			cr_assert_str_eq(buf_cstr(&got), buf_cstr(&want),
			    "%s", line.data);
			if (i % 3 != 0)
				cr_assert_eq(canonical,
				    value_numbers_canonical(typed), "%s",
				    line.data);
			printed++;
			rewritten += emit_rewrites(plain, typed, "n") ||
			    emit_rewrites(plain, typed, "when");
		}
		value_free(typed);
		value_free(plain);
	}
	/* Each kind of item is met: printed (with an integer or a
	 * date-time rewritten among them), left to typing, refused. */
	cr_assert_gt(printed, 300, "%zu printed", printed);
	cr_assert_gt(rewritten, 100, "%zu rewritten", rewritten);
	cr_assert_gt(left, 300, "%zu left", left);
	cr_assert_gt(refused, 300, "%zu refused", refused);
	schema_free(s);
	buf_cleanup(&line);
	buf_cleanup(&got);
	buf_cleanup(&want);
}

/* repo_put_emit's printer over schema_emit_item. */
static int
emit_members(void *arg, const struct value *item, struct buf *b,
    bool *canonical)
{
	return schema_emit_item(arg, item, b, canonical);
}

/* The record put's check pass keeps for a plain item (repo_put_text_emit)
 * is the one it keeps for the typed item (repo_put_text), header (the
 * journal's canonical numbers) and key included; an item past DynamoDB's
 * limits, or one it would have to measure, is left to the long way. */
Test(schema, put_text_of_a_plain_item_is_the_typed_ones)
{
	char *jpath = xasprintf("%s/dynrepo-emit-%ld.jsonl",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp",
	    (long)getpid());
	struct journal *j = journal_new(jpath, clock_system());
	struct repo_config cfg = {
		.table = "t", .partition_prefix = "p", .partition_name = "n",
		.content_type = "emit",
	};
	struct buf item = BUF_INIT, line = BUF_INIT, got = BUF_INIT;
	struct buf want = BUF_INIT;
	struct repo_put_emit pe = { .fn = emit_members };
	struct schema *s;
	size_t i, kept = 0;
	struct err e;

	s = schema_load_buf(emit_schema, sizeof emit_schema - 1, "emit", &e);
	cr_assert_not_null(s, "%s", e.msg);
	pe.arg = s;
	for (i = 0; i < 1600; i++) {
		struct repo *rs;
		struct content *c, *t;
		struct value *typed;
		size_t n;

		cfg.journal = i % 2 == 0 ? j : NULL;
		rs = repo_new(&cfg, NULL, clock_system());
		emit_item(&item, i);
		buf_reset(&line);
		buf_printf(&line, "{\"partition_ids\":[\"a\\u00e9\"],"
		    "\"content_ids\":[\"k%zu\",\"", i);
		/* A sort key past 1024 bytes: measured, refused. */
		while (i == 7 && line.len < 1200)
			buf_adds(&line, "0123456789");
		buf_adds(&line, "\"],\"item\":");
		if (i == 5) {
			/* Past 400 KB as stored: measured, refused. */
			buf_adds(&line, "{\"id\":\"");
			while (line.len < 410 * 1024)
				buf_adds(&line, "0123456789");
			buf_adds(&line, "\",\"odd\":4}");
		} else if (i == 7 || i == 9) {
			/* An item printed but for the limits (7), and
			 * printed (9). */
			buf_adds(&line, "{\"id\":\"x\",\"odd\":4}");
		} else {
			buf_add(&line, item.data, item.len);
		}
		buf_printf(&line, ",\"current_version\":%zu,\"expiry\":%s}",
		    i % 3, i % 4 == 1 ? "1800000000" : "null");
		c = content_from_json(line.data, line.len, &e);
		if (c == NULL) {
			repo_free(rs);
			continue;
		}
		t = content_from_json(line.data, line.len, &e);
		cr_assert_not_null(t, "%s", e.msg);
		buf_reset(&got);
		buf_adds(&got, "[head]");
		n = repo_put_text_emit(rs, c, &pe, &got);
		if (n == 0)
			cr_assert_str_eq(buf_cstr(&got), "[head]");
		if (schema_type_item(s, t->item, NULL, false, &typed,
		    &e) == 0) {
			value_free(t->item);
			t->item = typed;
			buf_reset(&want);
			buf_adds(&want, "[head]");
			cr_assert_gt(repo_put_text(rs, t, &want), 0);
			if (n > 0) {
				cr_assert_eq(got.len, want.len, "%s",
				    line.data);
				cr_assert(memcmp(got.data, want.data,
				    got.len) == 0, "%s", line.data);
				kept++;
			}
		} else {
			cr_assert_eq(n, 0, "%s", line.data);
		}
		cr_assert(n == 0 || (i != 5 && i != 7), "an item past "
		    "DynamoDB's limits kept");
		cr_assert(n > 0 || i != 9, "a plain item not kept");
		content_free(c);
		content_free(t);
		repo_free(rs);
	}
	cr_assert_gt(kept, 200, "%zu kept", kept);
	journal_free(j);
	unlink(jpath);
	free(jpath);
	schema_free(s);
	buf_cleanup(&item);
	buf_cleanup(&line);
	buf_cleanup(&got);
	buf_cleanup(&want);
}
