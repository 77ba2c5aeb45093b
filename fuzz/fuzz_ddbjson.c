/* SPDX-License-Identifier: ISC */
/* Fuzz DynamoDB JSON: the streaming item parser against the tree path, round
 * trips, response documents. */
#include "config.h"

#include "fuzz.h"

#include <string.h>

#include "buf.h"
#include "ddbjson.h"
#include "err.h"
#include "json.h"
#include "value.h"

#include "../tests/unit/jsonlex_diff.h"

/* Emit an item and parse it back: the same value, the same text again. */
static void
fuzz_ddbjson_round_trip(const struct value *item)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct value *again;
	struct err e;

	ddbjson_emit_item(&a, item);
	again = ddbjson_parse_item(a.data, a.len, &e);
	if (again == NULL)
		fuzz_fail("emitted item does not parse back", e.msg);
	if (!value_equal(item, again))
		fuzz_fail("emitted item parses back to another value",
		    buf_cstr(&a));
	ddbjson_emit_item(&b, again);
	if (a.len != b.len || (a.len > 0 && memcmp(a.data, b.data, a.len) != 0))
		fuzz_fail("emitting twice gives two texts", buf_cstr(&a));
	value_free(again);
	buf_cleanup(&a);
	buf_cleanup(&b);
}

/* True when yajl accepts the text as JSON and jsonlex refuses it. */
static bool
fuzz_ddbjson_stricter(const char *text, size_t len)
{
	struct jd_run y, l;
	bool stricter;

	jd_yajl(text, len, &y);
	jd_lex(text, len, NULL, 0, 0, &l);
	stricter = y.status == JSONLEX_OK && l.status != JSONLEX_OK;
	jd_run_cleanup(&y);
	jd_run_cleanup(&l);
	return stricter;
}

/* Whether the text path reads the whole of text as an item, with the
 * names of apart set apart (in two calls, stopping before the first
 * field); with item, the fields must print as json_emit prints the
 * parser's members, and each scalar set apart must be the parser's. */
static bool
fuzz_ddbjson_text_reads(const char *text, size_t len,
    const struct ddbjson_text_apart *apart, struct ddbjson_text_order *order,
    const struct value *item)
{
	struct ddbjson_text_found found[DDBJSON_TEXT_APART];
	struct ddbjson_text_item it;
	struct buf got = BUF_INIT, want = BUF_INIT, scratch = BUF_INIT;
	const struct value_member *m;
	const struct value *typed;
	bool fields = false;
	size_t i, j;
	int rc;

	memset(found, 0, sizeof found);
	if (ddbjson_text_item_begin(&it, text, text + len, order) != 0)
		return false;
	rc = ddbjson_text_item_fields(&it, apart, true, NULL, &scratch,
	    found);
	if (rc == DDBJSON_TEXT_FIELD)
		rc = ddbjson_text_item_fields(&it, apart, false, &got,
		    &scratch, found);
	buf_cleanup(&scratch);
	for (i = 0; rc == 0 && item != NULL && i < item->u.map.len; i++) {
		m = &item->u.map.items[i];
		for (j = 0; j < apart->n; j++)
			if (apart->len[j] == m->name_len &&
			    memcmp(apart->name[j], m->name, m->name_len) == 0)
				break;
		if (j == apart->n) {	/* a field */
			if (fields)
				buf_addc(&want, ',');
			fields = true;
			buf_add_json_string(&want, m->name, m->name_len);
			buf_addc(&want, ':');
			json_emit(&want, m->value, 0);
			continue;
		}
		if (found[j].s == NULL)
			fuzz_fail("the text path misses a member set apart",
			    m->name);
		typed = m->value;
		if (found[j].tag != 0 && (typed->type != (found[j].tag == 'S' ?
		    VT_S : VT_N) || typed->u.str.len != found[j].len ||
		    memcmp(typed->u.str.ptr, found[j].s, found[j].len) != 0))
			fuzz_fail("the text path reads a member set apart "
			    "otherwise than the parser", m->name);
	}
	if (rc == 0 && item != NULL && (got.len != want.len ||
	    memcmp(buf_cstr(&got), buf_cstr(&want), got.len) != 0))
		fuzz_fail("the text path prints the fields otherwise than "
		    "json_emit", buf_cstr(&got));
	buf_cleanup(&got);
	buf_cleanup(&want);
	while (rc == 0 && it.p < text + len && (*it.p == ' ' ||
	    *it.p == '\t' || *it.p == '\r' || *it.p == '\n'))
		it.p++;
	return rc == 0 && it.p == text + len;
}

/* fuzz_ddbjson_text_reads with an order (use_order): empty, or first
 * filled by reading primer; where the text path reads the item, the
 * parser must take it too. */
static void
fuzz_ddbjson_text_try(const char *text, size_t len,
    const struct ddbjson_text_apart *apart, bool use_order,
    const char *primer, size_t primer_len, const struct value *streamed)
{
	struct ddbjson_text_order order;

	ddbjson_text_order_init(&order);
	if (primer != NULL)
		(void)fuzz_ddbjson_text_reads(primer, primer_len, apart, &order,
		    NULL);
	if (fuzz_ddbjson_text_reads(text, len, apart, use_order ? &order :
	    NULL, streamed) && streamed == NULL)
		fuzz_fail("the text path reads an item the parser refuses",
		    NULL);
}

/*
 * The text path (ddbjson_text.c) on the bytes as an item: where it reads
 * the whole item, the parser takes it too, and each attribute's plain
 * JSON is what json_emit prints for the value the parser typed. With no
 * name set apart and with a few; with no order of names, with one from
 * an item of its own, and with the item's own order.
 */
static void
fuzz_ddbjson_text_item(const char *text, size_t len,
    const struct value *streamed)
{
	static const char primer[] = "{\"a\":{\"S\":\"x\"},\"_k\":{\"N\":"
	    "\"1\"},\"b\":{\"BOOL\":true},\"dup\":{\"NULL\":true},"
	    "\"_ttl\":{\"N\":\"2\"},\"c\":{\"M\":{}}}";
	struct ddbjson_text_apart aparts[2];
	int i;

	/* No name set apart, and a few, as the library's (a short one,
	 * and names a fuzzer finds). */
	ddbjson_text_apart_init(&aparts[0]);
	ddbjson_text_apart_init(&aparts[1]);
	ddbjson_text_apart_add(&aparts[1], "_ttl");
	ddbjson_text_apart_add(&aparts[1], "a");
	ddbjson_text_apart_add(&aparts[1], "_k");
	ddbjson_text_apart_add(&aparts[1], "a");	/* twice: the first's */
	for (i = 0; i < 2; i++) {
		fuzz_ddbjson_text_try(text, len, &aparts[i], false, NULL, 0,
		    streamed);
		fuzz_ddbjson_text_try(text, len, &aparts[i], true, primer,
		    sizeof primer - 1, streamed);
		fuzz_ddbjson_text_try(text, len, &aparts[i], true, text, len,
		    streamed);
	}
}

/* The page split: the Items it finds end where the careful skip ends
 * them, for text that is JSON. */
static void
fuzz_ddbjson_text_page(const char *text, size_t len, bool is_json)
{
	struct ddbjson_text_page pg;
	const char *p;

	static const char *const tables[] = { NULL, "t" };
	size_t i;
	int isa;

	memset(&pg, 0, sizeof pg);
	/* Each way the CPU allows: AVX2, SSE2, byte by byte. */
	for (isa = DDBJSON_TEXT_ISA_AVX2; isa >= DDBJSON_TEXT_ISA_NONE; isa--)
		for (i = 0; i < 2; i++) {
			ddbjson_text_set_isa((enum ddbjson_text_isa)isa);
			if (ddbjson_text_page(text, len, tables[i], &pg) != 0 ||
			    !is_json)
				continue;
			p = pg.items;
			if (ddbjson_text_skip_value(&p, text + len) != 0 ||
			    p != pg.items + pg.items_len)
				fuzz_fail("the fast skip ends the items "
				    "elsewhere", NULL);
		}
	ddbjson_text_set_isa(DDBJSON_TEXT_ISA_AVX2);
	buf_cleanup(&pg.rest);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char *text = (const char *)data;
	struct value *streamed, *tree, *typed, *doc;
	struct err e1, e2, e3;

	streamed = ddbjson_parse_item(text, len, &e1);
	fuzz_ddbjson_text_item(text, len, streamed);

	/* The header promises the same item as json_parse followed by
	 * ddbjson_item_from_tree, but for text that jsonlex refuses and yajl
	 * (json_parse) lets through: UTF-8 Unicode forbids, an unpaired
	 * surrogate escape, an open string after the value (jsonlex.h). */
	tree = json_parse(text, len, &e2);
	if (tree != NULL && fuzz_ddbjson_stricter(text, len)) {
		if (streamed != NULL)
			fuzz_fail("streaming parser accepts what jsonlex "
			    "refuses", NULL);
		value_free(tree);
		tree = NULL;
	}
	typed = tree != NULL ? ddbjson_item_from_tree(tree, &e2) : NULL;
	if ((streamed == NULL) != (typed == NULL))
		fuzz_fail(streamed == NULL ? "streaming parser refuses what "
		    "the tree path accepts" : "streaming parser accepts what "
		    "the tree path refuses", streamed == NULL ? e1.msg :
		    e2.msg);
	if (streamed != NULL) {
		if (streamed->type != VT_M)
			fuzz_fail("an item that is not a map", NULL);
		if (!value_equal(streamed, typed))
			fuzz_fail("the two parsers build different items",
			    NULL);
		fuzz_ddbjson_round_trip(streamed);
	} else if (e1.code != ERR_INPUT || e1.msg[0] == '\0')
		fuzz_fail("a refusal without ERR_INPUT and a message", e1.msg);
	value_free(streamed);
	value_free(typed);

	/* The same bytes as a response document. */
	doc = ddbjson_parse_doc(text, len, ddbjson_response_items, &e3);
	/* The parser takes yajl's white space, \v and \f too; the skip
	 * only RFC 8259's. In a document the parser takes they can only
	 * be white space (raw in a string they are refused). */
	fuzz_ddbjson_text_page(text, len, doc != NULL &&
	    memchr(text, '\v', len) == NULL &&
	    memchr(text, '\f', len) == NULL);
	if (doc == NULL && e3.msg[0] == '\0')
		fuzz_fail("a refused document without a message", NULL);
	value_free(doc);
	return 0;
}
