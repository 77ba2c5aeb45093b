/* SPDX-License-Identifier: ISC */
/* dynrepo check's judge: stored items by pydantic 1's and 2's rules. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "ddbjson.h"
#include "schema.h"
#include "xmalloc.h"

#define NOW	1800000000LL	/* 2027-01-15T08:00:00Z */

/* A file next to this source. */
static char *
source_path(const char *rel)
{
	const char *slash = strrchr(__FILE__, '/');

	if (slash == NULL)
		return xasprintf("%s", rel);
	return xasprintf("%.*s/%s", (int)(slash - __FILE__), __FILE__, rel);
}

/* A schema of profiles/ or tests/unit/fixtures/schema. */
static struct schema *
load(const char *name)
{
	const char *env = getenv("DYNREPO_FIXTURES");
	struct schema *s;
	struct err e;
	char *path;

	if (strncmp(name, "film", 4) == 0) {
		char *rel = xasprintf("../../profiles/%s", name);

		path = source_path(rel);
		free(rel);
	} else if (env != NULL && *env != '\0') {
		path = xasprintf("%s/schema/%s", env, name);
	} else {
		char *rel = xasprintf("fixtures/schema/%s", name);

		path = source_path(rel);
		free(rel);
	}
	s = schema_load(path, &e);
	cr_assert_not_null(s, "%s: %s", path, e.msg);
	free(path);
	return s;
}

static struct schema *v1, *v2, *k2;
static char **golden_lines;
static size_t ngolden;

/* The items pydantic-dynamo wrote, one DynamoDB JSON item a line. */
static void
read_golden(void)
{
	const char *dir = getenv("DYNREPO_TESTDATA");
	char path[4096], *line = NULL;
	size_t cap = 0;
	ssize_t n;
	FILE *f;

	if (dir == NULL || *dir == '\0')
		dir = "../shared/testdata";
	snprintf(path, sizeof path, "%s/pydantic-dynamo/items.ddb.jsonl", dir);
	f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s (set DYNREPO_TESTDATA)", path);
	while ((n = getline(&line, &cap, f)) > 0) {
		golden_lines = xreallocarray(golden_lines, ngolden + 1,
		    sizeof *golden_lines);
		golden_lines[ngolden++] = xstrndup(line, (size_t)n);
	}
	free(line);
	fclose(f);
}

static void
setup(void)
{
	v1 = load("film_actor.schema.json");
	v2 = load("film_actor.schema.v2.json");
	k2 = load("kinds.v2.json");
	read_golden();
}

static void
teardown(void)
{
	size_t i;

	schema_free(v1);
	schema_free(v2);
	schema_free(k2);
	for (i = 0; i < ngolden; i++)
		free(golden_lines[i]);
	free(golden_lines);
	golden_lines = NULL;
	ngolden = 0;
}

TestSuite(check, .init = setup, .fini = teardown);

/* Golden item i, as stored. */
static struct value *
golden(size_t i)
{
	static const char *const items[] = { "Item", NULL };
	struct value *doc, *it;
	struct err e;

	cr_assert_lt(i, ngolden);
	doc = ddbjson_parse_doc(golden_lines[i], strlen(golden_lines[i]),
	    items, &e);
	cr_assert_not_null(doc, "%s", e.msg);
	it = value_map_take(doc, "Item");
	value_free(doc);
	return it;
}

/* Golden item 0 with attributes replaced (a DynamoDB JSON item, may be
 * NULL) and removed (a comma-separated list, may be NULL). */
static struct value *
mod(const char *set, const char *remove)
{
	struct value *it = golden(0), *more;
	struct err e;
	size_t i;

	if (set != NULL) {
		more = ddbjson_parse_item(set, strlen(set), &e);
		cr_assert_not_null(more, "%s: %s", set, e.msg);
		for (i = 0; i < more->u.map.len; i++)
			value_map_set(it, more->u.map.items[i].name,
			    value_copy(more->u.map.items[i].value));
		value_free(more);
	}
	if (remove != NULL) {
		char *list = xstrdup(remove), *save = NULL, *name;

		for (name = strtok_r(list, ",", &save); name != NULL;
		    name = strtok_r(NULL, ",", &save))
			value_free(value_map_take(it, name));
		free(list);
	}
	return it;
}

/* A checker of the golden repository. */
static struct checker *
checker(const struct schema *s, int rules, bool allow_extra)
{
	struct check_options o;

	memset(&o, 0, sizeof o);
	o.schema = s;
	o.pydantic = rules;
	o.allow_extra = allow_extra;
	o.partition_prefix = "interop#film_actor#";
	o.content_prefix = "film_actor#";
	o.now = NOW;
	return check_new(&o);
}

/* "severity field; ..." of a report, for comparisons. */
static char *
summary(const struct check_report *r)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < r->n; i++)
		buf_printf(&b, "%s%s %s", i > 0 ? "; " : "",
		    check_severity_name(r->findings[i].severity),
		    r->findings[i].field);
	return buf_detach(&b, NULL);
}

/* Every reason of a report, one a line. */
static char *
reasons(const struct check_report *r)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < r->n; i++)
		buf_printf(&b, "%s: %s\n", r->findings[i].field,
		    r->findings[i].reason);
	return buf_detach(&b, NULL);
}

/* Judge one item; returns summary() and consumes it. */
static char *
judge(struct checker *k, struct value *it, char **why)
{
	struct check_report r;
	char *s;

	check_report_init(&r);
	check_item(k, it, &r);
	s = summary(&r);
	if (why != NULL)
		*why = reasons(&r);
	check_report_cleanup(&r);
	value_free(it);
	return s;
}

Test(check, golden_items_are_clean_under_every_combination)
{
	const struct schema *schemas[] = { v1, v2 };
	size_t i, si;
	int rules;

	cr_assert_eq(ngolden, 10);
	for (si = 0; si < 2; si++)
		for (rules = 1; rules <= 2; rules++) {
			struct checker *k = checker(schemas[si], rules, false);

			cr_expect_eq(check_rules(k), rules);
			for (i = 0; i < ngolden; i++) {
				char *why, *got = judge(k, golden(i), &why);

				cr_expect_str_eq(got, "", "schema %zu rules %d "
				    "item %zu: %s", si + 1, rules, i, why);
				free(got);
				free(why);
			}
			cr_expect_eq(check_counts(k)->items, 10);
			cr_expect_eq(check_counts(k)->ok, 10);
			check_free(k);
		}
}

Test(check, the_dialect_picks_the_rules)
{
	struct checker *a = checker(v1, 0, false), *b = checker(v2, 0, false);
	struct checker *c = checker(NULL, 0, false);

	cr_expect_eq(check_rules(a), 1);
	cr_expect_eq(check_rules(b), 2);
	cr_expect_eq(check_rules(c), 1);
	check_free(a);
	check_free(b);
	check_free(c);
}

Test(check, a_seeded_repository_finds_exactly_the_broken_items)
{
	struct checker *k = checker(v1, 0, false);
	const struct check_counts *c;
	char *got, *why;

	/* wrong type */
	got = judge(k, mod("{\"year\":{\"S\":\"nineteen\"}}", NULL), &why);
	cr_expect_str_eq(got, "violation year", "%s", why);
	cr_expect_str_eq(why, "year: expected integer, got string "
	    "\"nineteen\"\n");
	free(got);
	free(why);
	/* missing required field */
	got = judge(k, mod(NULL, "name"), &why);
	cr_expect_str_eq(got, "violation name", "%s", why);
	cr_expect_str_eq(why, "name: missing, and FilmActor requires it\n");
	free(got);
	free(why);
	/* bad timestamp */
	got = judge(k, mod("{\"_timestamp\":{\"S\":\"last tuesday\"}}", NULL),
	    &why);
	cr_expect_str_eq(got, "violation _timestamp", "%s", why);
	free(got);
	free(why);
	/* foreign attribute */
	got = judge(k, mod("{\"mood\":{\"S\":\"grumpy\"}}", NULL), &why);
	cr_expect_str_eq(got, "warning mood", "%s", why);
	cr_expect_str_eq(why, "mood: not a field of FilmActor: the "
	    "application ignores it\n");
	free(got);
	free(why);
	/* mangled key */
	got = judge(k, mod("{\"_table_item_id\":{\"S\":"
	    "\"interop#film_actorstudio-a\"}}", NULL), &why);
	cr_expect_str_eq(got, "violation _table_item_id", "%s", why);
	cr_expect_str_eq(why, "_table_item_id: the key "
	    "\"interop#film_actorstudio-a\" does not start with the "
	    "repository's prefix \"interop#film_actor#\": its ids cannot be "
	    "read back\n");
	free(got);
	free(why);
	/* and one clean item */
	got = judge(k, golden(3), NULL);
	cr_expect_str_eq(got, "");
	free(got);

	c = check_counts(k);
	cr_expect_eq(c->items, 6);
	cr_expect_eq(c->ok, 1);
	cr_expect_eq(c->warned, 1);
	cr_expect_eq(c->violated, 4);
	cr_expect_eq(c->warnings, 1);
	cr_expect_eq(c->violations, 4);
	cr_expect_eq(c->notes, 0);
	check_free(k);
}

/* One field of golden item 0 replaced, judged under both rules. */
struct rule_case {
	int		 schema;	/* 1: pydantic 1's file, 2: 2's */
	const char	*set;		/* DynamoDB JSON item */
	const char	*remove;
	const char	*r1, *r2;	/* summary() under rules 1 and 2 */
};

static const struct rule_case rule_cases[] = {
	/* str fields: pydantic 2 takes no numbers */
	{ 1, "{\"name\":{\"N\":\"12\"}}", NULL, "warning name",
	    "violation name" },
	{ 1, "{\"name\":{\"BOOL\":true}}", NULL, "warning name",
	    "violation name" },
	{ 2, "{\"name\":{\"L\":[]}}", NULL, "violation name",
	    "violation name" },
	{ 1, "{\"address\":{\"M\":{\"city\":{\"S\":\"x\"},\"country\":"
	    "{\"S\":\"y\"},\"zip\":{\"N\":\"75001\"}}}}", NULL,
	    "warning address.zip", "violation address.zip" },
	/* int fields */
	{ 1, "{\"year\":{\"S\":\"12\"}}", NULL, "warning year",
	    "warning year" },
	{ 1, "{\"year\":{\"S\":\" 1_000 \"}}", NULL, "warning year",
	    "violation year" },
	{ 1, "{\"year\":{\"S\":\"12.0\"}}", NULL, "violation year",
	    "warning year" },
	{ 2, "{\"year\":{\"N\":\"1.5\"}}", NULL, "warning year",
	    "violation year" },
	{ 2, "{\"year\":{\"BOOL\":true}}", NULL, "warning year",
	    "warning year" },
	{ 1, "{\"year\":{\"S\":\"abc\"}}", NULL, "violation year",
	    "violation year" },
	{ 1, "{\"year\":{\"NULL\":true}}", NULL, "violation year",
	    "violation year" },
	/* bool */
	{ 1, "{\"active\":{\"S\":\"Yes\"}}", NULL, "warning active",
	    "warning active" },
	{ 2, "{\"active\":{\"N\":\"1.0\"}}", NULL, "warning active",
	    "warning active" },
	{ 2, "{\"active\":{\"N\":\"2\"}}", NULL, "violation active",
	    "violation active" },
	{ 1, "{\"active\":{\"S\":\"maybe\"}}", NULL, "violation active",
	    "violation active" },
	/* numbers: pydantic 1's number may be float or Decimal */
	{ 1, "{\"rating\":{\"S\":\"1.5\"}}", NULL, "warning rating",
	    "warning rating" },
	{ 1, "{\"rating\":{\"S\":\"nan\"}}", NULL, "warning rating",
	    "warning rating" },
	{ 2, "{\"rating\":{\"S\":\"nan\"}}", NULL, "violation rating",
	    "violation rating" },
	{ 2, "{\"rating\":{\"BOOL\":true}}", NULL, "violation rating",
	    "violation rating" },
	{ 1, "{\"rating\":{\"BOOL\":true}}", NULL, "warning rating",
	    "warning rating" },
	{ 2, "{\"score\":{\"S\":\"1e3\"}}", NULL, "warning score",
	    "warning score" },
	{ 2, "{\"score\":{\"S\":\"1_0\"}}", NULL, "warning score",
	    "violation score" },
	/* dates and times */
	{ 1, "{\"born\":{\"S\":\"2020-01-02\"}}", NULL, "violation born",
	    "warning born" },
	{ 1, "{\"born\":{\"N\":\"1700000000\"}}", NULL, "warning born",
	    "warning born" },
	{ 1, "{\"born\":{\"S\":\"1700000000\"}}", NULL, "warning born",
	    "warning born" },
	{ 1, "{\"born\":{\"S\":\"2020-1-2T03:04:05\"}}", NULL, "",
	    "violation born" },
	{ 1, "{\"born\":{\"S\":\"2020-01-02t03:04:05z\"}}", NULL,
	    "violation born", "" },
	{ 1, "{\"born\":{\"BOOL\":true}}", NULL, "warning born",
	    "violation born" },
	{ 1, "{\"birthday\":{\"S\":\"2020-01-02T00:00:00\"}}", NULL,
	    "violation birthday", "warning birthday" },
	{ 1, "{\"birthday\":{\"S\":\"2020-01-02T10:00:00\"}}", NULL,
	    "violation birthday", "violation birthday" },
	{ 1, "{\"birthday\":{\"N\":\"86400\"}}", NULL, "warning birthday",
	    "warning birthday" },
	{ 1, "{\"birthday\":{\"N\":\"100\"}}", NULL, "warning birthday",
	    "violation birthday" },
	{ 1, "{\"call_time\":{\"N\":\"3600\"}}", NULL, "warning call_time",
	    "warning call_time" },
	{ 1, "{\"call_time\":{\"N\":\"90000\"}}", NULL, "violation call_time",
	    "violation call_time" },
	{ 1, "{\"call_time\":{\"S\":\"3600\"}}", NULL, "warning call_time",
	    "violation call_time" },
	/* enums */
	{ 1, "{\"genre\":{\"S\":\"noir\"}}", NULL, "", "" },
	{ 2, "{\"genre\":{\"S\":\"western\"}}", NULL, "violation genre",
	    "violation genre" },
	/* lists, sets, models, dicts */
	{ 1, "{\"tags\":{\"SS\":[\"a\",\"b\"]}}", NULL, "warning tags",
	    "warning tags" },
	{ 1, "{\"nicknames\":{\"SS\":[\"a\",\"b\"]}}", NULL, "", "" },
	{ 2, "{\"nicknames\":{\"L\":[{\"S\":\"a\"},{\"S\":\"a\"}]}}", NULL,
	    "warning nicknames", "warning nicknames" },
	{ 1, "{\"lucky_numbers\":{\"L\":[{\"S\":\"7\"}]}}", NULL,
	    "warning lucky_numbers[0]", "warning lucky_numbers[0]" },
	{ 1, "{\"tags\":{\"S\":\"a\"}}", NULL, "violation tags",
	    "violation tags" },
	{ 1, "{\"address\":{\"L\":[{\"L\":[{\"S\":\"city\"},{\"S\":\"x\"}]}]}}",
	    NULL, "warning address", "violation address" },
	{ 2, "{\"address\":{\"M\":{\"city\":{\"S\":\"x\"}}}}", NULL,
	    "violation address.country", "violation address.country" },
	{ 1, "{\"address\":{\"M\":{\"city\":{\"S\":\"x\"},\"country\":"
	    "{\"S\":\"y\"},\"planet\":{\"S\":\"z\"}}}}", NULL,
	    "warning address.planet", "warning address.planet" },
	{ 2, "{\"roles\":{\"L\":[{\"M\":{\"title\":{\"S\":\"t\"},\"year\":"
	    "{\"S\":\"x\"}}}]}}", NULL, "violation roles[0].year",
	    "violation roles[0].year" },
	{ 1, "{\"nothing\":{\"M\":{\"a\":{\"S\":\"1\"}}}}", NULL,
	    "warning nothing.a", "warning nothing.a" },
	{ 1, "{\"extra\":{\"M\":{\"any\":{\"BS\":[\"aGk=\"]}}}}", NULL, "",
	    "" },
	/* Optional, as each file says it */
	{ 1, "{\"review\":{\"NULL\":true}}", NULL, "", "" },
	{ 1, "{\"awards\":{\"NULL\":true}}", NULL, "warning awards",
	    "warning awards" },
	{ 2, "{\"awards\":{\"NULL\":true}}", NULL, "violation awards",
	    "violation awards" },
	{ 1, "{\"tags\":{\"L\":[{\"NULL\":true}]}}", NULL, "warning tags[0]",
	    "warning tags[0]" },
	{ 2, "{\"tags\":{\"L\":[{\"NULL\":true}]}}", NULL,
	    "violation tags[0]", "violation tags[0]" },
	/* defaults make a field optional */
	{ 2, NULL, "awards,review,nothing", "", "" },
	{ 1, NULL, "address", "violation address", "violation address" },
};

Test(check, pydantic_1_and_2_parse_differently)
{
	size_t i;
	int rules;

	for (i = 0; i < sizeof rule_cases / sizeof rule_cases[0]; i++) {
		const struct rule_case *rc = &rule_cases[i];

		for (rules = 1; rules <= 2; rules++) {
			struct checker *k = checker(rc->schema == 1 ? v1 : v2,
			    rules, false);
			char *why, *got = judge(k, mod(rc->set, rc->remove),
			    &why);

			cr_expect_str_eq(got, rules == 1 ? rc->r1 : rc->r2,
			    "case %zu (%s) schema %d rules %d: %s", i,
			    rc->set != NULL ? rc->set : rc->remove, rc->schema,
			    rules, why);
			free(got);
			free(why);
			check_free(k);
		}
	}
}

Test(check, reasons_say_what_happens)
{
	struct checker *k1 = checker(v1, 1, false), *k2r = checker(v2, 2,
	    false);
	char *got, *why;

	got = judge(k1, mod("{\"year\":{\"N\":\"1.5\"}}", NULL), &why);
	cr_expect_str_eq(why, "year: number 1.5 is stored, cut to its "
	    "integer part (the fraction is lost) by pydantic 1's coercion\n");
	free(got);
	free(why);
	got = judge(k2r, mod("{\"year\":{\"N\":\"1.5\"}}", NULL), &why);
	cr_expect_str_eq(why, "year: expected integer, got number 1.5 "
	    "(pydantic 2 refuses a fractional part)\n");
	free(got);
	free(why);
	got = judge(k1, mod("{\"year\":{\"S\":\"12\"}}", NULL), &why);
	cr_expect_str_eq(why, "year: string \"12\" is stored, read as integer "
	    "12 by pydantic 1's coercion\n");
	free(got);
	free(why);
	got = judge(k2r, mod("{\"name\":{\"N\":\"12\"}}", NULL), &why);
	cr_expect_str_eq(why, "name: expected string, got number 12 "
	    "(pydantic 2 does not turn numbers into strings)\n");
	free(got);
	free(why);
	got = judge(k2r, mod("{\"awards\":{\"NULL\":true}}", NULL), &why);
	cr_expect_str_eq(why, "awards: expected integer, got null (not "
	    "Optional)\n");
	free(got);
	free(why);
	check_free(k1);
	check_free(k2r);
}

Test(check, the_library_attributes)
{
	struct checker *k = checker(v1, 0, false);
	char *got, *why;
	char ttl[128];

	got = judge(k, mod(NULL, "_object_version"), &why);
	cr_expect_str_eq(got, "note _object_version");
	cr_expect_str_eq(why, "_object_version: absent: the library reads "
	    "version 1\n");
	free(got);
	free(why);
	got = judge(k, mod("{\"_object_version\":{\"N\":\"0\"}}", NULL), NULL);
	cr_expect_str_eq(got, "note _object_version");
	free(got);
	got = judge(k, mod("{\"_object_version\":{\"N\":\"1.5\"}}", NULL),
	    NULL);
	cr_expect_str_eq(got, "violation _object_version");
	free(got);
	got = judge(k, mod("{\"_object_version\":{\"S\":\"2\"}}", NULL), NULL);
	cr_expect_str_eq(got, "violation _object_version");
	free(got);
	got = judge(k, mod(NULL, "_timestamp"), NULL);
	cr_expect_str_eq(got, "note _timestamp");
	free(got);
	got = judge(k, mod("{\"_timestamp\":{\"N\":\"1\"}}", NULL), NULL);
	cr_expect_str_eq(got, "violation _timestamp");
	free(got);

	snprintf(ttl, sizeof ttl, "{\"_ttl\":{\"N\":\"%lld\"}}", NOW - 100);
	got = judge(k, mod(ttl, NULL), &why);
	cr_expect_str_eq(got, "warning _ttl");
	cr_expect_str_eq(why, "_ttl: expired at 2027-01-15T07:58:20+00:00: "
	    "DynamoDB deletes expired items, usually within days; reads "
	    "still return it until then\n");
	free(got);
	free(why);
	snprintf(ttl, sizeof ttl, "{\"_ttl\":{\"N\":\"%lld\"}}",
	    NOW - 6 * 366 * 86400LL);
	got = judge(k, mod(ttl, NULL), NULL);
	cr_expect_str_eq(got, "note _ttl");
	free(got);
	snprintf(ttl, sizeof ttl, "{\"_ttl\":{\"N\":\"%lld\"}}", NOW + 100);
	got = judge(k, mod(ttl, NULL), NULL);
	cr_expect_str_eq(got, "");
	free(got);
	got = judge(k, mod("{\"_ttl\":{\"N\":\"0\"}}", NULL), NULL);
	cr_expect_str_eq(got, "");
	free(got);
	got = judge(k, mod("{\"_ttl\":{\"S\":\"1900000000\"}}", NULL), NULL);
	cr_expect_str_eq(got, "warning _ttl");
	free(got);
	got = judge(k, mod("{\"_ttl\":{\"S\":\"soon\"}}", NULL), NULL);
	cr_expect_str_eq(got, "violation _ttl");
	free(got);
	got = judge(k, mod("{\"_ttl\":{\"N\":\"1e20\"}}", NULL), NULL);
	cr_expect_str_eq(got, "violation _ttl");
	free(got);
	check_free(k);
}

Test(check, keys_that_do_not_read_back)
{
	struct checker *k = checker(NULL, 0, false);
	struct check_report r;
	struct value *it;
	char *got;

	got = judge(k, mod("{\"_table_content_id\":{\"S\":\"actor#x\"}}",
	    NULL), NULL);
	cr_expect_str_eq(got, "violation _table_content_id");
	free(got);
	got = judge(k, mod(NULL, "_table_item_id"), NULL);
	cr_expect_str_eq(got, "violation _table_item_id");
	free(got);
	got = judge(k, mod("{\"_table_item_id\":{\"N\":\"1\"}}", NULL), NULL);
	cr_expect_str_eq(got, "violation _table_item_id");
	free(got);
	got = judge(k, mod("{\"_table_content_id\":{\"S\":"
	    "\"film_actor#a##b\"}}", NULL), NULL);
	cr_expect_str_eq(got, "warning _table_content_id");
	free(got);
	/* no ids at all is what the library writes for [] */
	got = judge(k, mod("{\"_table_item_id\":{\"S\":"
	    "\"interop#film_actor#\"}}", NULL), NULL);
	cr_expect_str_eq(got, "");
	free(got);

	/* ids as the library reads them */
	check_report_init(&r);
	it = golden(2);
	check_item(k, it, &r);
	cr_assert_eq(r.partition_ids.n, 1);
	cr_expect_str_eq(r.partition_ids.v[0], "studio-a");
	cr_assert_eq(r.content_ids.n, 5);
	cr_expect_str_eq(r.content_ids.v[4], "actor015");
	cr_expect_str_eq(r.partition_key, "interop#film_actor#studio-a");
	check_report_cleanup(&r);
	value_free(it);
	check_free(k);
}

Test(check, without_a_schema_only_structure)
{
	struct checker *k = checker(NULL, 0, false);
	char *got = judge(k, mod("{\"year\":{\"S\":\"x\"},\"mood\":{\"S\":"
	    "\"y\"}}", "name"), NULL);

	cr_expect_str_eq(got, "");
	free(got);
	check_free(k);
}

Test(check, extras_per_profile_and_model)
{
	struct checker *k = checker(v1, 0, true);
	const char *item = "{\"_table_item_id\":{\"S\":\"interop#film_actor#"
	    "p\"},\"_table_content_id\":{\"S\":\"film_actor#c\"},"
	    "\"_object_version\":{\"N\":\"1\"},\"_timestamp\":{\"S\":"
	    "\"2026-01-01T00:00:00+00:00\"},\"code\":{\"N\":\"1\"},\"pair\":"
	    "{\"L\":[{\"N\":\"1\"},{\"S\":\"a\"}]},\"kind\":{\"S\":\"film\"},"
	    "\"stars\":{\"N\":\"3\"},\"price\":{\"N\":\"1\"},\"tree\":{\"M\":"
	    "{\"name\":{\"S\":\"r\"}}},\"mood\":{\"S\":\"x\"}}";
	struct value *it;
	struct err e;
	char *got, *why;

	got = judge(k, mod("{\"mood\":{\"S\":\"x\"}}", NULL), NULL);
	cr_expect_str_eq(got, "note mood");
	free(got);
	check_free(k);

	/* a model that forbids extras cannot take the library's attributes */
	k = checker(k2, 0, true);
	it = ddbjson_parse_item(item, strlen(item), &e);
	cr_assert_not_null(it, "%s", e.msg);
	got = judge(k, it, &why);
	cr_expect_str_eq(got, "violation ; violation mood", "%s", why);
	free(got);
	free(why);
	check_free(k);
}

Test(check, unions_by_each_pydantic)
{
	const char *base = "{\"_table_item_id\":{\"S\":\"interop#film_actor#"
	    "p\"},\"_table_content_id\":{\"S\":\"film_actor#c\"},"
	    "\"pair\":{\"L\":[{\"N\":\"1\"},{\"S\":\"a\"}]},\"kind\":{\"S\":"
	    "\"film\"},\"stars\":{\"N\":\"3\"},\"price\":{\"N\":\"1\"},"
	    "\"tree\":{\"M\":{\"name\":{\"S\":\"r\"}}},\"code\":";
	static const struct {
		const char	*code;
		const char	*r1, *r2;
	} cases[] = {
		{ "{\"S\":\"12\"}}", "warning code", "" },
		{ "{\"N\":\"12\"}}", "", "" },
		{ "{\"S\":\"ab\"}}", "", "" },
		{ "{\"N\":\"1.5\"}}", "warning code", "violation code" },
		{ "{\"L\":[]}}", "violation code", "violation code" },
	};
	size_t i;
	int rules;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		for (rules = 1; rules <= 2; rules++) {
			struct checker *k = checker(k2, rules, false);
			char *text = xasprintf("%s%s", base, cases[i].code);
			struct value *it;
			struct err e;
			char *got, *why, *want;

			it = ddbjson_parse_item(text, strlen(text), &e);
			cr_assert_not_null(it, "%s", e.msg);
			got = judge(k, it, &why);
			/* without them: the model forbids extras */
			want = xasprintf("note _object_version; note "
			    "_timestamp%s%s", *(rules == 1 ? cases[i].r1 :
			    cases[i].r2) != '\0' ? "; " : "", rules == 1 ?
			    cases[i].r1 : cases[i].r2);
			cr_expect_str_eq(got, want, "%s by %d: %s",
			    cases[i].code, rules, why);
			free(want);
			free(got);
			free(why);
			free(text);
			check_free(k);
		}
}

Test(check, output_lines)
{
	struct checker *k = checker(v1, 0, false);
	struct check_report r;
	struct value *it = mod("{\"year\":{\"S\":\"x\\u001b\"}}", NULL);
	struct buf b = BUF_INIT;

	check_report_init(&r);
	check_item(k, it, &r);
	cr_assert_eq(r.n, 1);
	check_format_jsonl(&r, 0, &b);
	cr_expect_str_eq(buf_cstr(&b), "{\"partition_ids\":[\"studio-a\"],"
	    "\"content_ids\":[\"france\",\"actor009\"],\"partition_key\":"
	    "\"interop#film_actor#studio-a\",\"sort_key\":"
	    "\"film_actor#france#actor009\",\"field\":\"year\",\"severity\":"
	    "\"violation\",\"reason\":\"expected integer, got string "
	    "\\\"x\\\\u001b\\\"\"}\n");
	buf_reset(&b);
	check_format_text(&r, 0, &b);
	cr_expect_str_eq(buf_cstr(&b), "violation  studio-a | france#actor009 "
	    "| year: expected integer, got string \"x\\u001b\"\n");
	buf_reset(&b);
	check_format_summary(check_counts(k), check_rules(k), false, &b);
	cr_expect_str_eq(buf_cstr(&b), "checked 1 item: 0 ok, 0 with "
	    "warnings, 1 with violations (0 notes, 0 warnings, 1 violation) "
	    "by pydantic 1's rules\n");
	buf_reset(&b);
	check_format_summary(check_counts(k), check_rules(k), true, &b);
	cr_expect_str_eq(buf_cstr(&b), "{\"summary\":{\"items\":1,\"ok\":0,"
	    "\"with_warnings\":0,\"with_violations\":1,\"notes\":0,"
	    "\"warnings\":0,\"violations\":1,\"pydantic\":1}}\n");
	buf_cleanup(&b);
	check_report_cleanup(&r);
	value_free(it);
	check_free(k);
}

Test(check, counts_add_up)
{
	struct check_counts a = { 1, 2, 3, 4, 5, 6, 7 }, b = { 10, 20, 30, 40,
	    50, 60, 70 };

	check_counts_add(&a, &b);
	cr_expect_eq(a.items, 11);
	cr_expect_eq(a.ok, 22);
	cr_expect_eq(a.warned, 33);
	cr_expect_eq(a.violated, 44);
	cr_expect_eq(a.notes, 55);
	cr_expect_eq(a.warnings, 66);
	cr_expect_eq(a.violations, 77);
}
