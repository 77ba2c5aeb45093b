/* SPDX-License-Identifier: ISC */
/* Fuzz JSON Schema loading, and checking one stored item by the schema
 * loaded. */
#include "config.h"

#include "fuzz.h"

#include <string.h>

#include "buf.h"
#include "check.h"
#include "content.h"
#include "ddbjson.h"
#include "err.h"
#include "json.h"
#include "schema.h"
#include "value.h"

/* The item text as a plain item (a put's line): when schema_emit_item
 * prints its typed members, typing it must succeed and print the same
 * bytes, and say the same of its numbers. */
static void
fuzz_emit(const struct schema *s, const char *text, size_t len)
{
	struct buf got = BUF_INIT, want = BUF_INIT;
	struct value *plain, *typed;
	bool canonical = false;

	plain = json_parse(text, len, NULL);
	if (plain == NULL)
		return;
	if (plain->type == VT_M &&
	    content_check_numbers(plain, "item", NULL) == 0 &&
	    schema_emit_item(s, plain, &got, &canonical) == 0) {
		if (schema_type_item(s, plain, NULL, false, &typed,
		    NULL) == -1)
			fuzz_fail("schema_emit_item printed an item typing "
			    "refuses", NULL);
		ddbjson_emit_members(&want, typed);
		/* An item of no members prints nothing: no buffer to
		 * compare. */
		if (got.len != want.len || (got.len > 0 &&
		    memcmp(got.data, want.data, got.len) != 0))
			fuzz_fail("schema_emit_item printed other bytes than "
			    "typing", buf_cstr(&got));
		if (canonical != value_numbers_canonical(typed))
			fuzz_fail("schema_emit_item's canonical numbers",
			    buf_cstr(&got));
		value_free(typed);
	} else if (got.len != 0) {
		fuzz_fail("schema_emit_item printed and gave up", NULL);
	}
	value_free(plain);
	buf_cleanup(&got);
	buf_cleanup(&want);
}

/* Input: a schema; optionally "\n--\n" and one stored item (DynamoDB
 * JSON) to validate and check by it, and as a plain item to type and
 * print by it. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char *text = (const char *)data, *sep = NULL, *item_text = NULL;
	size_t slen = len, ilen = 0, i, n;
	struct schema *s;
	struct value *item;
	struct err e;

	for (i = 0; i + 4 <= len; i++)
		if (memcmp(text + i, "\n--\n", 4) == 0) {
			sep = text + i;
			break;
		}
	if (sep != NULL) {
		slen = (size_t)(sep - text);
		item_text = sep + 4;
		ilen = len - slen - 4;
	}

	s = schema_load_buf(text, slen, "fuzz.schema.json", &e);
	if (s == NULL) {
		if (e.msg[0] == '\0')
			fuzz_fail("a refused schema without a message", NULL);
		return 0;
	}
	(void)schema_dialect(s);
	(void)strlen(schema_title(s));
	(void)schema_fields(s, &n);
	if (schema_root(s) == NULL)
		fuzz_fail("a loaded schema without a root", NULL);

	if (item_text != NULL &&
	    (item = ddbjson_parse_item(item_text, ilen, NULL)) != NULL) {
		struct check_options o;
		struct check_report r;
		struct checker *c;
		struct buf b = BUF_INIT;

		(void)schema_validate_item(s, item, false, NULL);
		(void)schema_validate_item(s, item, true, NULL);
		memset(&o, 0, sizeof o);
		o.schema = s;
		o.partition_prefix = "content#film_actor#";
		o.content_prefix = "film_actor#";
		o.now = 1700000000;
		c = check_new(&o);
		check_report_init(&r);
		check_item(c, item, &r);
		for (i = 0; i < r.n; i++) {
			check_format_jsonl(&r, i, &b);
			check_format_text(&r, i, &b);
		}
		if (check_counts(c)->items != 1)
			fuzz_fail("check_item did not count the item", NULL);
		check_format_summary(check_counts(c), check_rules(c), true, &b);
		check_report_cleanup(&r);
		check_free(c);
		buf_cleanup(&b);
		value_free(item);
	}
	if (item_text != NULL)
		fuzz_emit(s, item_text, ilen);
	schema_free(s);
	return 0;
}
