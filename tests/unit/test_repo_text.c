/* SPDX-License-Identifier: ISC */
/*
 * A listed item's line made from its text (repo_text.c, ddbjson_text.c)
 * against the long way: ddbjson_parse_item, repo_decode, content_to_json.
 * Where the text path takes an item, the line must be the same bytes;
 * where it does not, the long way prints it (or says what is wrong).
 */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "content.h"
#include "ddbjson.h"
#include "repo.h"
#include "repo_private.h"
#include "store_dynamodb.h"
#include "xmalloc.h"

static struct repo *
text_repo(void)
{
	struct repo_config rc = {
		.table = "app-data",
		.partition_prefix = "interop",
		.partition_name = "film_actor",
		.content_type = "film_actor",
	};

	return repo_new(&rc, NULL, clock_system());
}

/* The long way; NULL when it refuses the item. */
static char *
long_way(struct repo *r, const char *text, size_t len)
{
	struct buf b = BUF_INIT;
	struct content *c;
	struct value *v;
	struct err e;

	if ((v = ddbjson_parse_item(text, len, &e)) == NULL)
		return NULL;
	if ((c = repo_decode(r, v, &e)) == NULL)
		return NULL;
	content_to_json(c, &b, 0);
	content_free(c);
	return buf_detach(&b, NULL);
}

/* The names of the items checked before: one order for all, so that the
 * items' names are read now where the items before had them, now not. */
static struct ddbjson_text_order same_order;

/* The names of the items whose keys were read before. */
static struct ddbjson_text_order key_order;

/* Expect a key attribute found in an item's text to be the parsed
 * item's: a string of the same bytes. */
static void
same_key_attr(const struct ddbjson_text_found *f, const struct value *item,
    const char *name, const char *text)
{
	const struct value *v = value_map_get(item, name);

	cr_assert_eq(f->tag, 'S', "%s: %s", name, text);
	cr_assert(v != NULL && v->type == VT_S, "the text path takes a key "
	    "%s that is not a string: %s", name, text);
	cr_assert(v->u.str.len == f->len && memcmp(v->u.str.ptr, f->s,
	    f->len) == 0, "%s: found \"%.*s\": %s", name, (int)f->len, f->s,
	    text);
}

/* Check repo_item_key on one item against the parser: what it takes is
 * one item the parser takes, on one line, its keys the parsed item's
 * strings; what it leaves, it leaves unread. took_line: whether
 * repo_item_line took it (then repo_item_key must, but for a line
 * break). */
static void
same_key(struct repo *r, const char *text, bool took_line)
{
	struct buf scratch = BUF_INIT, fields = BUF_INIT;
	const char *p = text, *end = text + strlen(text), *start;
	struct ddbjson_text_found pk, sk;
	struct value *v;
	struct err e;

	start = ddbjson_text_ws(text, end);
	if (repo_item_key(r, &key_order, &p, end, &scratch, &fields, &pk,
	    &sk) != 0) {
		cr_assert_eq(p, text, "nothing read: %s", text);
		cr_assert(!took_line || strpbrk(text, "\r\n") != NULL,
		    "repo_item_line takes it, not repo_item_key: %s", text);
	} else {
		cr_assert_eq(p, strrchr(text, '}') + 1, "the item's end: %s",
		    text);
		v = ddbjson_parse_item(start, (size_t)(p - start), &e);
		cr_assert_not_null(v, "the text path takes what the parser "
		    "refuses (%s): %s", e.msg, text);
		cr_assert_null(memchr(start, '\n', (size_t)(p - start)),
		    "%s", text);
		cr_assert_null(memchr(start, '\r', (size_t)(p - start)),
		    "%s", text);
		same_key_attr(&pk, v, "_table_item_id", text);
		same_key_attr(&sk, v, "_table_content_id", text);
		value_free(v);
	}
	buf_cleanup(&scratch);
	buf_cleanup(&fields);
}

/* Check one item; true when the text path took it. */
static bool
same_line(struct repo *r, const char *text)
{
	struct buf line = BUF_INIT, scratch = BUF_INIT, fields = BUF_INIT;
	const char *p = text, *end = text + strlen(text);
	char *want = long_way(r, text, strlen(text));
	bool took;

	buf_adds(&line, "kept");
	took = repo_item_line(r, &same_order, &p, end, &scratch, &fields,
	    &line) == 0;
	if (took) {
		cr_assert_not_null(want, "the text path takes what the "
		    "parser refuses: %s", text);
		cr_assert_str_eq(line.data + 4, want, "item: %s", text);
		cr_assert_eq(p, strrchr(text, '}') + 1, "the item's end: %s",
		    text);
	} else {
		/* Nothing appended, nothing read. */
		cr_assert_str_eq(line.data, "kept");
		cr_assert_eq(p, text);
	}
	free(want);
	buf_cleanup(&line);
	buf_cleanup(&scratch);
	buf_cleanup(&fields);
	same_key(r, text, took);
	return took;
}

#define KEYS	"\"_table_item_id\":{\"S\":\"interop#film_actor#studio-a\"}," \
		"\"_table_content_id\":{\"S\":\"film_actor#usa#ny#a1\"}"

Test(repo_text, the_usual_items_take_the_text_path)
{
	static const char *const items[] = {
		"{" KEYS "}",
		"{" KEYS ",\"_object_version\":{\"N\":\"3\"},"
		    "\"_timestamp\":{\"S\":\"2024-01-01T00:00:00+00:00\"},"
		    "\"name\":"
		    "{\"S\":\"Ann \xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"},"
		    "\"year\":{\"N\":\"1999\"},\"rating\":{\"N\":\"-5.25e3\"},"
		    "\"ok\":{\"BOOL\":true},\"no\":{\"BOOL\":false},"
		    "\"none\":{\"NULL\":true},\"address\":{\"M\":{\"city\":"
		    "{\"S\":\"x]}{[\"},\"zip\":{\"NULL\":true},"
		    "\"e\":{\"M\":{}}}},"
		    "\"tags\":{\"L\":[{\"S\":\"a\"},{\"N\":\"1\"},{\"L\":[]},"
		    "{\"M\":{\"k\":{\"BOOL\":true}}}]},"
		    "\"_ttl\":{\"N\":\"1700000000\"}}",
		/* Whitespace where JSON allows it. */
		" { \"_table_item_id\" : { \"S\" : \"interop#film_actor#p\" } ,"
		    "\n\"_table_content_id\":{\"S\":\"film_actor#c\"}\t, "
		    "\"a\" :"
		    " { \"L\" : [ { \"N\" : \"1\" } , { \"S\" : \"\" } ] } } ",
		/* The version 0 reads as 1; a TTL of 0 as none. */
		"{" KEYS ",\"_object_version\":{\"N\":\"0\"},"
		    "\"_ttl\":{\"N\":\"0\"}}",
		/* A TTL read as the library's int() reads it. */
		"{" KEYS ",\"_ttl\":{\"N\":\"1.7e9\"}}",
		/* Not integers: tested before int(), as the library does. */
		"{" KEYS ",\"_object_version\":{\"N\":\"2.5\"}}",
		"{" KEYS ",\"_object_version\":{\"N\":\"0.5\"},"
		    "\"_ttl\":{\"N\":\"0.5\"}}",
		"{" KEYS ",\"_object_version\":{\"N\":\"0.0\"},"
		    "\"_ttl\":{\"N\":\"-0.0\"}}",
		/* Keys without the prefixes, or with them elsewhere. */
		"{\"_table_item_id\":{\"S\":\"other\"},"
		    "\"_table_content_id\":{\"S\":\"x#film_actor#y\"}}",
		"{\"_table_item_id\":{\"S\":\"\"},"
		    "\"_table_content_id\":{\"S\":\"film_actor#\"}}",
		/* Names that look like the library's own. */
		"{" KEYS ",\"_other\":{\"S\":\"x\"},\"_ttl_\":{\"N\":\"1\"}}",
		/* A name where the item before had it, but for the space
		 * before its ':' (the names' order is kept from item to
		 * item). */
		"{" KEYS ",\"ab\":{\"S\":\"x\"}}",
		"{" KEYS ",\"ab\" :{\"S\":\"x\"}}",
		/* Compact but for the space before a value's '}'. */
		"{" KEYS ",\"s\":{\"S\":\"x\" },\"n\":{\"N\":\"7\"\n}}",
		/* Fields before the keys, the library's attributes among
		 * them, a timestamp that is not a string. */
		"{\"a\":{\"N\":\"1\"},\"_timestamp\":{\"NULL\":true},"
		    KEYS ",\"_object_version\":{\"N\":\"2\"},"
		    "\"b\":{\"BOOL\":false}}",
		"{\"_table_content_id\":{\"S\":\"film_actor#c\"},"
		    "\"a\":{\"S\":\"x\"},"
		    "\"_table_item_id\":{\"S\":\"interop#film_actor#p\"}}",
	};
	struct repo *r = text_repo();
	size_t i;

	for (i = 0; i < sizeof items / sizeof items[0]; i++)
		cr_assert(same_line(r, items[i]), "not taken: %s", items[i]);
	repo_free(r);
}

/* What a version or TTL that is not an integer prints as: the number is
 * tested before int(), so only a zero is the default or no expiry. */
Test(repo_text, fractions_read_as_the_library_reads_them)
{
	static const struct {
		const char	*item;
		const char	*tail;
	} cases[] = {
		{ "{" KEYS ",\"_object_version\":{\"N\":\"2.5\"},"
		  "\"_ttl\":{\"N\":\"0.5\"}}",
		  "\"current_version\":2,"
		  "\"expiry\":\"1970-01-01T00:00:00+00:00\"}" },
		{ "{" KEYS ",\"_object_version\":{\"N\":\"0.5\"},"
		  "\"_ttl\":{\"N\":\"-0.5\"}}",
		  "\"current_version\":0,"
		  "\"expiry\":\"1970-01-01T00:00:00+00:00\"}" },
		{ "{" KEYS ",\"_object_version\":{\"N\":\"0.0\"},"
		  "\"_ttl\":{\"N\":\"0e3\"}}",
		  "\"current_version\":1,\"expiry\":null}" },
	};
	struct repo *r = text_repo();
	struct buf line = BUF_INIT, scratch = BUF_INIT, fields = BUF_INIT;
	struct ddbjson_text_order order;
	const char *p;
	size_t i;

	ddbjson_text_order_init(&order);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		cr_assert(same_line(r, cases[i].item), "not taken: %s",
		    cases[i].item);
		buf_reset(&line);
		p = cases[i].item;
		cr_assert_eq(repo_item_line(r, &order, &p, p + strlen(p),
		    &scratch, &fields, &line), 0);
		cr_assert_not_null(strstr(line.data, cases[i].tail),
		    "%s: %s", cases[i].item, line.data);
	}
	buf_cleanup(&line);
	buf_cleanup(&scratch);
	buf_cleanup(&fields);
	repo_free(r);
}

Test(repo_text, the_rest_goes_the_long_way)
{
	static const char *const items[] = {
		/* Escapes, sets, binaries: printed by the long way. */
		"{" KEYS ",\"s\":{\"S\":\"a\\\"b\\\\c\\nd\"}}",
		"{" KEYS ",\"s\":{\"S\":\"\\u00e9\"}}",
		"{" KEYS ",\"ss\":{\"SS\":[\"a\",\"b\"]}}",
		"{" KEYS ",\"ns\":{\"NS\":[\"1\",\"2\"]}}",
		"{" KEYS ",\"b\":{\"B\":\"AAEC\"}}",
		"{" KEYS ",\"n\":{\"N\":\"0001\"}}",
		"{" KEYS ",\"n\":{\"N\":\".5\"}}",
		"{" KEYS ",\"_object_version\":{\"S\":\"3\"}}",
		"{\"_table_item_id\":{\"S\":\"p\\u0023q\"},"
		    "\"_table_content_id\":{\"S\":\"c\"}}",
		/* Wrong, said by the long way. */
		"{" KEYS ",\"a\":{\"S\":\"x\"},\"a\":{\"S\":\"y\"}}",
		"{" KEYS ",\"a\":{\"X\":\"x\"}}",
		"{" KEYS ",\"a\":{\"S\":\"x\",\"N\":\"1\"}}",
		"{" KEYS ",\"a\":{\"NULL\":false}}",
		"{" KEYS ",\"a\":{\"BOOL\":\"true\"}}",
		"{" KEYS ",\"a\":{\"N\":\"1e999\"}}",
		"{" KEYS ",\"a\":{\"M\":{\"k\":{\"S\":\"1\"},"
		    "\"k\":{\"S\":\"2\"}}}}",
		"{" KEYS ",\"_timestamp\":{\"Q\":\"x\"}}",
		"{" KEYS ",\"a\":{\"S\":\"\xc3\"}}",
		"{" KEYS ",\"a\":{\"S\":\"\xed\xa0\x80\"}}",
		"{" KEYS ",\"a\":{\"S\":\"\x01\"}}",
		"{\"_table_item_id\":{\"S\":\"p\"}}",
		"{" KEYS ",\"a\":{\"S\":\"x\"}",
		"{" KEYS ",\"a\":{\"S\":\"x\"]}",
		"{" KEYS ",\"a\":{\"N\":\"1\",}}",
		"{" KEYS ",\"a\":{\"NULL\":true]}",
		"{\"_table_item_id\":{\"N\":\"1\"},"
		    "\"_table_content_id\":{\"S\":\"c\"}}",
		"[]",
	};
	struct repo *r = text_repo();
	size_t i;

	for (i = 0; i < sizeof items / sizeof items[0]; i++)
		cr_assert_not(same_line(r, items[i]), "taken: %s", items[i]);
	repo_free(r);
}

/* Random items over every kind of value, as generated text. */
struct gen {
	struct buf	 b;
	unsigned	 seed;
};

static unsigned
gen_rand(struct gen *g, unsigned n)
{
	g->seed = g->seed * 1103515245u + 12345u;
	return (g->seed >> 8) % n;
}

/* A string's text, without its quotes: now and then an escape (which
 * the text path leaves to the long way). */
static void
gen_chars(struct gen *g)
{
	static const char *const plain[] = {
		"a", "Z", " ", "#", "film_actor#", "]", "}", "[", "{", ",",
		":", "\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80", "\x7f",
		"0123456789abcdefghijklmnopqrstuvwxyz",
	};
	static const char *const escaped[] = {
		"\\\"", "\\\\", "\\n", "\\u00e9", "\\u0000", "\\/",
	};
	unsigned n = gen_rand(g, 6), i;

	for (i = 0; i < n; i++)
		if (gen_rand(g, 40) == 0)
			buf_adds(&g->b, escaped[gen_rand(g, sizeof escaped /
			    sizeof escaped[0])]);
		else
			buf_adds(&g->b, plain[gen_rand(g, sizeof plain /
			    sizeof plain[0])]);
}

/* Now and then, whitespace where JSON allows it. */
static void
gen_ws(struct gen *g)
{
	static const char *const ws[] = { " ", "\n", "\t ", "\r\n  " };

	if (gen_rand(g, 12) == 0)
		buf_adds(&g->b, ws[gen_rand(g, 4)]);
}

static void
gen_string(struct gen *g)
{
	buf_addc(&g->b, '"');
	gen_chars(g);
	buf_addc(&g->b, '"');
}

static void
gen_number(struct gen *g)
{
	static const char *const nums[] = {
		"0", "1", "-1", "42", "3.25", "-0.5", "1e3", "1E+3", "2.5e-7",
		"12345678901234567890123456789012345678", "007", ".5", "1.",
		"-0", "1e200", "99999999999999999999999999999999999999999",
		"0.5", "-12.50", "-0.0", "00.5", "0.", "-", "-.5", "1.2.3",
		"1234567890123456789.0123456789012345678",
		"1234567890123456789.01234567890123456789", "-x", "1-",
	};

	buf_printf(&g->b, "\"%s\"", nums[gen_rand(g, sizeof nums /
	    sizeof nums[0])]);
}

static void gen_value(struct gen *, int);

static void
gen_members(struct gen *g, int depth, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_addc(&g->b, ',');
		gen_ws(g);
		if (gen_rand(g, 30) == 0)
			buf_adds(&g->b, "\"dup\"");	/* maybe twice */
		else
			buf_printf(&g->b, "\"f%u\"", gen_rand(g, 1000));
		gen_ws(g);
		buf_addc(&g->b, ':');
		gen_ws(g);
		gen_value(g, depth + 1);
		gen_ws(g);
	}
}

static void
gen_value(struct gen *g, int depth)
{
	unsigned k = gen_rand(g, depth > 3 ? 5 : 9), i, n;

	if (gen_rand(g, 12) == 0) {	/* the tag, spaced out */
		buf_adds(&g->b, "{ ");
		buf_adds(&g->b, k == 0 ? "\"S\" :" : k == 1 ? "\"N\" :" :
		    "\"L\" :");
		buf_adds(&g->b, k == 0 ? "\"x\"}" : k == 1 ? "\"7\"}" :
		    "[]}");
		return;
	}
	switch (k) {
	case 0:
		buf_adds(&g->b, "{\"S\":");
		gen_string(g);
		break;
	case 1:
		buf_adds(&g->b, "{\"N\":");
		gen_number(g);
		break;
	case 2:
		buf_adds(&g->b, gen_rand(g, 2) ? "{\"BOOL\":true" :
		    "{\"BOOL\":false");
		break;
	case 3:
		buf_adds(&g->b, gen_rand(g, 8) ? "{\"NULL\":true" :
		    "{\"NULL\":false");
		break;
	case 4:
		buf_adds(&g->b, gen_rand(g, 2) ? "{\"SS\":[\"a\",\"b\"]" :
		    "{\"B\":\"AAEC\"");
		break;
	case 5:
	case 6:
		buf_adds(&g->b, "{\"M\":{");
		gen_members(g, depth, gen_rand(g, 4));
		buf_addc(&g->b, '}');
		break;
	default:
		buf_adds(&g->b, "{\"L\":[");
		n = gen_rand(g, 4);
		for (i = 0; i < n; i++) {
			if (i > 0)
				buf_addc(&g->b, ',');
			gen_value(g, depth + 1);
		}
		buf_addc(&g->b, ']');
		break;
	}
	buf_addc(&g->b, '}');
}

/* The members of a random item, each its own text, in g->b's order. */
#define GEN_MEMBERS	12

/* Make the text in g->b one of m's members. */
static void
gen_keep(struct gen *g, char **m, size_t *n)
{
	m[(*n)++] = xstrdup(g->b.data);
	buf_reset(&g->b);
}

Test(repo_text, random_items_print_as_the_long_way)
{
	/* Versions and TTLs of every shape and length. */
	static const char *const versions[] = {
		"0", "1", "3", "007", "42", "123456789012345678",
		"1234567890123456789", "9223372036854775807",
		"9223372036854775808", "12345678901234567890123", "-3", "2.0",
		"2.5", "1e2", "1E+2", "0.0", "0.5", "-0.5", "-2.5", "0e3",
		"1e-3", "1700000099.75",
	};
	struct repo *r = text_repo();
	struct gen g = { BUF_INIT, 7 };
	struct buf item = BUF_INIT;
	char *m[GEN_MEMBERS + 1], *prev[GEN_MEMBERS + 1], *t;
	unsigned i, taken = 0, n = 20000, fields, k, j;
	size_t nm, np = 0;

	for (i = 0; i < n; i++) {
		nm = 0;
		buf_reset(&g.b);
		if (np > 0 && gen_rand(&g, 3) == 0) {
			/* The names of the item before, in its order (read
			 * where it had them), but for one change: a member
			 * made anew, given twice, dropped, or one more. */
			for (k = 0; k < np; k++)
				m[nm++] = xstrdup(prev[k]);
			k = gen_rand(&g, (unsigned)nm);
			switch (nm >= GEN_MEMBERS ? 2 : gen_rand(&g, 5)) {
			case 0:
				free(m[k]);
				gen_members(&g, 0, 1);
				m[k] = xstrdup(g.b.data);
				buf_reset(&g.b);
				break;
			case 1:
				m[nm++] = xstrdup(m[k]);
				break;
			case 2:
				free(m[k]);
				m[k] = m[--nm];
				break;
			case 3:
				gen_members(&g, 0, 1);
				gen_keep(&g, m, &nm);
				break;
			}
			goto build;
		}
		buf_adds(&g.b, "\"_table_item_id\":");
		if (gen_rand(&g, 20) == 0)	/* maybe not a string */
			gen_value(&g, 1);
		else if (gen_rand(&g, 2)) {	/* the usual key, or any */
			buf_adds(&g.b, "{\"S\":\"interop#film_actor#");
			gen_chars(&g);
			buf_adds(&g.b, "\"}");
		} else {
			buf_adds(&g.b, "{\"S\":");
			gen_string(&g);
			buf_addc(&g.b, '}');
		}
		gen_keep(&g, m, &nm);
		buf_adds(&g.b, "\"_table_content_id\":{\"S\":\"film_actor#");
		gen_chars(&g);
		buf_adds(&g.b, "\"}");
		gen_keep(&g, m, &nm);
		if (gen_rand(&g, 2)) {
			buf_printf(&g.b, "\"_object_version\":{\"N\":\"%s\"}",
			    versions[gen_rand(&g, sizeof versions /
			    sizeof versions[0])]);
			gen_keep(&g, m, &nm);
		}
		if (gen_rand(&g, 3) == 0) {
			buf_printf(&g.b, "\"_ttl\":{\"N\":\"%s\"}",
			    gen_rand(&g, 3) ? "1700000099" :
			    versions[gen_rand(&g, sizeof versions /
			    sizeof versions[0])]);
			gen_keep(&g, m, &nm);
		}
		if (gen_rand(&g, 3) == 0) {	/* a timestamp, or not */
			buf_adds(&g.b, "\"_timestamp\":");
			if (gen_rand(&g, 2))
				buf_adds(&g.b, "{\"S\":\"2026-11-26T11:19:08"
				    ".492045+00:00\"}");
			else
				gen_value(&g, 1);
			gen_keep(&g, m, &nm);
		}
		fields = gen_rand(&g, 6);
		for (k = 0; k < fields; k++) {
			gen_members(&g, 0, 1);
			gen_keep(&g, m, &nm);
		}
		/* DynamoDB gives the keys first; any order is JSON. */
		for (k = nm; gen_rand(&g, 3) == 0 && k > 1; k--) {
			j = gen_rand(&g, k);
			t = m[k - 1];
			m[k - 1] = m[j];
			m[j] = t;
		}
build:
		buf_reset(&item);
		buf_addc(&item, '{');
		for (k = 0; k < np; k++)
			free(prev[k]);
		for (k = 0; k < nm; k++) {
			if (k > 0)
				buf_addc(&item, ',');
			buf_adds(&item, m[k]);
			prev[k] = m[k];
		}
		np = nm;
		buf_addc(&item, '}');
		if (same_line(r, item.data))
			taken++;
	}
	for (k = 0; k < np; k++)
		free(prev[k]);
	cr_log_info("%u of %u random items took the text path", taken, n);
	/* Enough of both ways for the comparison to mean something. */
	cr_assert_gt(taken, n / 10);
	cr_assert_lt(taken, n * 9 / 10);
	buf_cleanup(&g.b);
	buf_cleanup(&item);
	repo_free(r);
}

/* A page's Items found by the 64-byte skip where the careful one ends
 * them: strings with brackets, quotes and backslashes at every place
 * around the blocks' edges, items of every length. */
static void
check_splits(enum ddbjson_text_isa isa)
{
	static const char *const tricky[] = {
		"]", "}", "[", "{", "\\\"", "\\\\", "\\\\\\\"]", "x\\\\", "\"",
	};
	struct ddbjson_text_page pg;
	struct buf body = BUF_INIT;
	const char *p;
	size_t pad, t, k;
	struct value *doc;
	struct err e;

	memset(&pg, 0, sizeof pg);
	ddbjson_text_set_isa(isa);
	for (pad = 0; pad < 140; pad++)
		for (t = 0; t < sizeof tricky / sizeof tricky[0]; t++) {
			buf_reset(&body);
			buf_adds(&body,
			    "{\"Count\":2,\"Items\":[{\"a\":{\"S\":\"");
			for (k = 0; k < pad; k++)
				buf_addc(&body, 'x');
			if (strcmp(tricky[t], "\"") == 0)
				buf_adds(&body, "\"}},{\"b\":{\"S\":\"");
			else
				buf_adds(&body, tricky[t]);
			buf_adds(&body, "\"}}],\"LastEvaluatedKey\":{\"k\":"
			    "{\"S\":\"]\"}},\"ScannedCount\":2}");
			doc = ddbjson_parse_doc(body.data, body.len,
			    ddbjson_response_items, &e);
			cr_assert_not_null(doc, "%s: %s", e.msg, body.data);
			value_free(doc);
			cr_assert_eq(ddbjson_text_page(body.data, body.len,
			    NULL, &pg), 0, "%s", body.data);
			cr_assert_not_null(pg.items);
			p = pg.items;
			cr_assert_eq(ddbjson_text_skip_value(&p, body.data +
			    body.len), 0);
			cr_assert_eq(p, pg.items + pg.items_len, "isa %d: %s",
			    (int)isa, body.data);
			cr_assert_str_eq(pg.rest.data, "{\"Count\":2,"
			    "\"Items\":[],\"LastEvaluatedKey\":{\"k\":{\"S\":"
			    "\"]\"}},\"ScannedCount\":2}");
		}
	ddbjson_text_set_isa(DDBJSON_TEXT_ISA_AVX2);
	buf_cleanup(&body);
	buf_cleanup(&pg.rest);
}

/* Each way the CPU allows: AVX2, SSE2, byte by byte. */
Test(repo_text, pages_split_where_the_items_end)
{
	check_splits(DDBJSON_TEXT_ISA_AVX2);
	check_splits(DDBJSON_TEXT_ISA_SSE2);
	check_splits(DDBJSON_TEXT_ISA_NONE);
}

Test(repo_text, pages_of_other_shapes_are_parsed_whole)
{
	static const char *const bodies[] = {
		"[]", "{\"Items\":{}}", "{\"Items\":[{\"a\":1}",
		"{\"It\\u0065ms\":[]}", "{} x", "{\"Count\":1}",
		"{\"Responses\":{\"t\":[]}}",
	};
	struct ddbjson_text_page pg;
	size_t i;

	memset(&pg, 0, sizeof pg);
	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++)
		cr_assert_neq(ddbjson_text_page(bodies[i], strlen(bodies[i]),
		    NULL, &pg), 0, "%s", bodies[i]);
	buf_cleanup(&pg.rest);
}

/* What the split leaves, the parser refuses as it would the whole. */
Test(repo_text, a_wrong_rest_is_the_parsers_to_refuse)
{
	static const char *const bodies[] = {
		"{\"Items\":[],\"Items\":[]}", "{\"Items\":[],\"Count\":}",
		"{\"Items\":[]} x",
	};
	struct ddbjson_text_page pg;
	struct value *doc;
	struct err e;
	size_t i;

	memset(&pg, 0, sizeof pg);
	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		cr_assert_eq(ddbjson_text_page(bodies[i], strlen(bodies[i]),
		    NULL, &pg), 0, "%s", bodies[i]);
		doc = ddbjson_parse_doc(pg.rest.data, pg.rest.len,
		    ddbjson_response_items, &e);
		cr_assert_null(doc, "%s", pg.rest.data);
	}
	buf_cleanup(&pg.rest);
}

/* A BatchGetItem answer: the table's items, the rest as it was. */
Test(repo_text, batch_answers_split_at_their_table)
{
	static const char body[] = "{\"ConsumedCapacity\":[{\"TableName\":"
	    "\"t\"}],\"Responses\":{\"other\":[{\"x\":{\"S\":\"]\"}}],"
	    "\"t\":[{\"a\":{\"S\":\"1\"}},{\"b\":{\"N\":\"2\"}}]},"
	    "\"UnprocessedKeys\":{}}";
	struct ddbjson_text_page pg;

	memset(&pg, 0, sizeof pg);
	cr_assert_eq(ddbjson_text_page(body, strlen(body), "t", &pg), 0);
	cr_assert_eq(pg.items_len, strlen("[{\"a\":{\"S\":\"1\"}},"
	    "{\"b\":{\"N\":\"2\"}}]"));
	cr_assert(strncmp(pg.items, "[{\"a\":", 6) == 0);
	cr_assert_str_eq(pg.rest.data, "{\"ConsumedCapacity\":[{\"TableName\":"
	    "\"t\"}],\"Responses\":{\"other\":[{\"x\":{\"S\":\"]\"}}],"
	    "\"t\":[]},\"UnprocessedKeys\":{}}");
	cr_assert_neq(ddbjson_text_page(body, strlen(body), "u", &pg), 0);
	buf_cleanup(&pg.rest);
}

/*
 * The guard for the text path's cost: a page of 1,000 usual items made
 * into lines allocates nothing once its buffers have grown (the long way
 * costs dozens of allocations an item: values, ids, the content).
 */
Test(repo_text, lines_cost_no_allocations)
{
	struct buf line = BUF_INIT, scratch = BUF_INIT, fields = BUF_INIT;
	struct ddbjson_text_order order;
	struct buf page = BUF_INIT;
	struct repo *r = text_repo();
	const char *p, *end;
	unsigned long before;
	unsigned i, lines = 0;

	for (i = 0; i < 1000; i++)
		buf_printf(&page, "{\"_table_item_id\":{\"S\":\"interop#"
		    "film_actor#studio-a\"},\"_table_content_id\":{\"S\":"
		    "\"film_actor#usa#ny#actor%u\"},\"_object_version\":{\"N\":"
		    "\"%u\"},\"name\":{\"S\":\"Actor %u\"},\"year\":{\"N\":"
		    "\"19%02u\"},"
		    "\"tags\":{\"L\":[{\"S\":\"a\"},{\"S\":\"b\"}]},"
		    "\"address\":{\"M\":{\"city\":{\"S\":\"Dublin\"},\"zip\":"
		    "{\"NULL\":true}}},\"active\":{\"BOOL\":true}}", i, i + 1,
		    i, i % 100);
	/* Once, for the buffers to grow. */
	ddbjson_text_order_init(&order);
	p = page.data;
	end = page.data + page.len;
	cr_assert_eq(repo_item_line(r, &order, &p, end, &scratch, &fields,
	    &line), 0);
	buf_reserve(&line, 4096);
	before = xmalloc_calls();
	for (p = page.data; p < end; lines++) {
		buf_reset(&line);
		cr_assert_eq(repo_item_line(r, &order, &p, end, &scratch,
		    &fields, &line), 0);
	}
	cr_assert_eq(lines, 1000);
	cr_log_info("%lu allocations for 1,000 lines",
	    xmalloc_calls() - before);
	cr_assert_eq(xmalloc_calls() - before, 0, "%lu allocations for "
	    "1,000 lines", xmalloc_calls() - before);
	buf_cleanup(&line);
	buf_cleanup(&scratch);
	buf_cleanup(&fields);
	buf_cleanup(&page);
	repo_free(r);
}

/*
 * A page as a store that keeps answers as text hands it over, against
 * the same page parsed whole: the same lines (or contents), the same
 * result and the same message, whatever is wrong with the page.
 */
struct text_store {
	struct store	 base;
	const char	*body;		/* the one page it answers */
};

static int
text_store_execute(struct store *st, const struct request *rq,
    struct response *rs, struct err *e)
{
	struct text_store *ts = (struct text_store *)st;
	struct ddbjson_text_page pg;
	size_t len = strlen(ts->body);
	int rc;

	memset(&pg, 0, sizeof pg);
	if (!rq->items_as_text || ddbjson_text_page(ts->body, len, NULL,
	    &pg) != 0) {
		buf_cleanup(&pg.rest);
		return store_dynamodb_parse(rq->op, rq->table, ts->body, len,
		    rs, e);
	}
	rc = store_dynamodb_parse(rq->op, rq->table, pg.rest.data,
	    pg.rest.len, rs, e);
	if (rc == 0) {
		rs->items_body = xstrdup(ts->body);
		rs->items_body_len = len;
		rs->items_text = rs->items_body + (pg.items - ts->body);
		rs->items_text_len = pg.items_len;
		rs->items_reparse = store_dynamodb_reparse;
	}
	buf_cleanup(&pg.rest);
	return rc;
}

static void
text_store_free(struct store *st)
{
	(void)st;
}

static const struct store_ops text_store_ops = {
	.name = "text", .execute = text_store_execute,
	.free = text_store_free,
};

/* Every item printed, as a line comes or as a content prints. */
static int
print_content(void *ctx, struct content *c)
{
	content_to_json(c, ctx, 0);
	buf_addc(ctx, '\n');
	content_free(c);
	return 0;
}

static int
print_line(void *ctx, const char *text, size_t len)
{
	buf_add(ctx, text, len);
	buf_addc(ctx, '\n');
	return 0;
}

/* List the page both ways; the two must agree. Returns the result. */
static int
both_ways(const char *body, char *msg, size_t msgsize)
{
	struct text_store ts;
	struct repo_config rc = {
		.table = "app-data", .partition_prefix = "interop",
		.partition_name = "film_actor", .content_type = "film_actor",
	};
	struct repo_list_opts lo = { 0 };
	struct buf got[2] = { BUF_INIT, BUF_INIT };
	struct ids p, pre;
	struct err e[2];
	struct repo *r;
	int res[2], i;

	memset(&ts, 0, sizeof ts);
	ts.base.ops = &text_store_ops;
	ts.body = body;
	ids_parse(&p, "studio-a");
	ids_init(&pre);
	for (i = 0; i < 2; i++) {
		r = repo_new(&rc, &ts.base, clock_system());
		lo.line = i == 0 ? NULL : print_line;
		err_clear(&e[i]);
		res[i] = repo_list(r, &p, &pre, &lo, print_content, &got[i],
		    &e[i]);
		repo_free(r);
	}
	cr_assert_eq(res[0], res[1], "%s: %s / %s", body, e[0].msg, e[1].msg);
	cr_assert_str_eq(buf_cstr(&got[1]), buf_cstr(&got[0]), "%s", body);
	if (res[0] != 0) {
		cr_assert_str_eq(e[1].msg, e[0].msg, "%s", body);
		cr_assert_eq(e[1].code, e[0].code, "%s", body);
		snprintf(msg, msgsize, "%s", e[0].msg);
	}
	buf_cleanup(&got[0]);
	buf_cleanup(&got[1]);
	ids_cleanup(&p);
	ids_cleanup(&pre);
	return res[0];
}

#define I1	"{\"_table_item_id\":{\"S\":\"interop#film_actor#studio-a\"}," \
		"\"_table_content_id\":{\"S\":\"film_actor#a1\"}," \
		"\"name\":{\"S\":\"Ann\"}}"
#define I2	"{\"_table_item_id\":{\"S\":\"interop#film_actor#studio-a\"}," \
		"\"_table_content_id\":{\"S\":\"film_actor#a2\"}," \
		"\"tags\":{\"SS\":[\"x\",\"y\"]}}"

/* A page's lines go to buffers the repository keeps from page to page
 * (room for a whole page at once): a fresh ~2 MB a page cost ~500 page
 * faults. */
Test(repo_text, the_lines_buffer_is_kept_from_page_to_page)
{
	struct text_store ts;
	struct repo_config rc = {
		.table = "app-data", .partition_prefix = "interop",
		.partition_name = "film_actor", .content_type = "film_actor",
	};
	struct repo_list_opts lo = { .line = print_line };
	struct buf page = BUF_INIT, got = BUF_INIT;
	struct ids p, pre;
	struct repo *r;
	struct err e;
	size_t cap;
	unsigned i;

	buf_adds(&page, "{\"Count\":100,\"Items\":[");
	for (i = 0; i < 100; i++)
		buf_printf(&page, "%s{%s,\"name\":{\"S\":\"Actor %u\"}}",
		    i > 0 ? "," : "", KEYS, i);
	buf_adds(&page, "],\"ScannedCount\":100}");
	memset(&ts, 0, sizeof ts);
	ts.base.ops = &text_store_ops;
	ts.body = page.data;
	ids_parse(&p, "studio-a");
	ids_init(&pre);
	r = repo_new(&rc, &ts.base, clock_system());
	cr_assert_eq(repo_list(r, &p, &pre, &lo, print_content, &got, &e), 0,
	    "%s", e.msg);
	cap = r->text_lines.cap;
	cr_assert_gt(cap, page.len, "room for the page at once");
	/* A mark past the lines: a buffer made anew (huge, so mapped
	 * afresh, zeroed) would not have it. */
	r->text_lines.data[cap - 1] = 'M';
	cr_assert_eq(repo_list(r, &p, &pre, &lo, print_content, &got, &e), 0,
	    "%s", e.msg);
	cr_assert_eq(r->text_lines.cap, cap);
	cr_assert_eq(r->text_lines.data[cap - 1], 'M', "the lines' buffer "
	    "was made anew for the second page");
	cr_assert(got.len > 0 && got.len % 2 == 0 && memcmp(got.data,
	    got.data + got.len / 2, got.len / 2) == 0, "both lists the same");
	repo_free(r);
	ids_cleanup(&p);
	buf_cleanup(&page);
	buf_cleanup(&got);
}

Test(repo_text, wrong_pages_fail_as_the_parser_fails_them)
{
	static const char *const bodies[] = {
		"{\"Count\":2,\"Items\":[" I1 "," I2 "],\"ScannedCount\":2}",
		"{\"Count\":0,\"Items\":[ ],\"ScannedCount\":0}",
		/* Commas missing, doubled, leading or trailing. */
		"{\"Count\":2,\"Items\":[" I1 I2 "],\"ScannedCount\":2}",
		"{\"Count\":2,\"Items\":[" I1 ",," I2 "],\"ScannedCount\":2}",
		"{\"Count\":2,\"Items\":[," I1 "," I2 "],\"ScannedCount\":2}",
		"{\"Count\":2,\"Items\":[" I1 "," I2 ",],\"ScannedCount\":2}",
		"{\"Count\":2,\"Items\":[" I1 " 1 " I2 "],\"ScannedCount\":2}",
		/* An item the parser refuses, after a good one. */
		"{\"Count\":2,\"Items\":[" I1 ",{\"name\":{\"X\":\"y\"}}],"
		    "\"ScannedCount\":2}",
		/* One it takes but decoding refuses (no keys). */
		"{\"Count\":2,\"Items\":[" I1 ",{\"name\":{\"S\":\"y\"}}," I2
		    "],\"ScannedCount\":2}",
		"{\"Count\":1,\"Items\":[7],\"ScannedCount\":1}",
	};
	static const int want[] = { 0, 0, -1, -1, -1, -1, -1, -1, -1, -1 };
	char msg[sizeof ((struct err *)0)->msg];
	size_t i;

	for (i = 0; i < sizeof bodies / sizeof bodies[0]; i++) {
		msg[0] = '\0';
		cr_assert_eq(both_ways(bodies[i], msg, sizeof msg), want[i],
		    "%s", bodies[i]);
		cr_log_info("%s -> %s", bodies[i], msg);
	}
}

/* A key made as a view over the item's attributes, or in an arena, is the
 * key copied: the same DynamoDB JSON, whichever attributes the item has. */
Test(repo_text, keys_viewed_or_in_an_arena_are_the_copied_key)
{
	static const char *const items[] = {
		"{\"_table_item_id\":{\"S\":\"interop#film_actor#a\"},"
		    "\"_table_content_id\":{\"S\":\"film_actor#b\"},"
		    "\"n\":{\"N\":\"1\"}}",
		/* the sort key first, numbers as keys */
		"{\"_table_content_id\":{\"N\":\"12.50\"},\"x\":{\"S\":\"y\"},"
		    "\"_table_item_id\":{\"S\":\"p\"}}",
		"{\"_table_item_id\":{\"S\":\"only the partition key\"}}",
		"{\"_table_content_id\":{\"S\":\"only the sort key\"}}",
		"{\"neither\":{\"NULL\":true}}",
		/* not a key DynamoDB takes: copied all the same */
		"{\"_table_item_id\":{\"M\":{\"a\":{\"L\":[]}}},"
		    "\"_table_content_id\":{\"B\":\"AAE=\"}}",
	};
	struct repo *r = text_repo();
	struct value_arena *arena = value_arena_new_sized(1024);
	struct value *in[sizeof items / sizeof items[0]];
	char *want[sizeof items / sizeof items[0]];
	size_t i;

	for (i = 0; i < sizeof items / sizeof items[0]; i++) {
		struct value *item, *copied;
		struct repo_key_view view;
		struct buf a = BUF_INIT, b = BUF_INIT;
		struct err e;

		item = ddbjson_parse_item(items[i], strlen(items[i]), &e);
		cr_assert_not_null(item, "%s", e.msg);
		copied = repo_key_of(r, item);
		ddbjson_emit_item(&a, copied);
		ddbjson_emit_item(&b, repo_key_view(r, item, &view));
		cr_assert_str_eq(buf_cstr(&b), buf_cstr(&a));
		want[i] = xstrdup(buf_cstr(&a));
		cr_assert(value_equal(repo_key_view(r, item, &view), copied));
		/* In an arena: the same, and it outlives the item. */
		in[i] = repo_key_in(r, arena, item);
		cr_assert(value_equal(in[i], copied));
		/* value_free leaves a view alone */
		value_free(&view.map);
		value_free(copied);
		value_free(item);
		buf_cleanup(&a);
		buf_cleanup(&b);
	}
	value_arena_unref(arena);
	for (i = 0; i < sizeof items / sizeof items[0]; i++) {
		struct buf a = BUF_INIT;

		ddbjson_emit_item(&a, in[i]);
		cr_assert_str_eq(buf_cstr(&a), want[i]);
		value_free(in[i]);
		free(want[i]);
		buf_cleanup(&a);
	}
	repo_free(r);
}
