/* SPDX-License-Identifier: ISC */
/* Fuzz JSON Schema loading, and checking one stored item by the schema
 * loaded. */
#include "config.h"

#include "fuzz.h"

#include <string.h>

#include "buf.h"
#include "check.h"
#include "ddbjson.h"
#include "err.h"
#include "schema.h"
#include "value.h"

/* Input: a schema; optionally "\n--\n" and one stored item (DynamoDB
 * JSON) to validate and check by it. */
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
	schema_free(s);
	return 0;
}
