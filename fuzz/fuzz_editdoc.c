/* SPDX-License-Identifier: ISC */
/* Fuzz the document of a whole-item edit in $EDITOR (editdoc_parse): a
 * refusal says what is wrong; an accepted document is an object, and the
 * same fields written back under a comment header parse to the same
 * value. */
#include "config.h"

#include "fuzz.h"

#include <string.h>

#include "buf.h"
#include "editdoc.h"
#include "err.h"
#include "json.h"
#include "value.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct buf doc = BUF_INIT;
	struct value *v, *again;
	size_t body;
	struct err e;

	body = editdoc_body((const char *)data, len);
	if (body > len)
		fuzz_fail("the body starts past the end", NULL);
	v = editdoc_parse((const char *)data, len, &e);
	if (v == NULL) {
		if (e.code != ERR_INPUT || e.msg[0] == '\0')
			fuzz_fail("a refusal without a reason", e.msg);
		return 0;
	}
	if (v->type != VT_M)
		fuzz_fail("an accepted document that is not an object", NULL);
	/* What the browser writes: comments, then the JSON, pretty. */
	buf_adds(&doc, "// Save to write this item.\n//\n// ERROR: x\n\n");
	json_emit(&doc, v, JSON_PRETTY);
	buf_addc(&doc, '\n');
	again = editdoc_parse(doc.data, doc.len, &e);
	if (again == NULL)
		fuzz_fail("the document written back does not parse", e.msg);
	if (!value_equal(v, again))
		fuzz_fail("the document written back is another item",
		    buf_cstr(&doc));
	value_free(again);
	value_free(v);
	buf_cleanup(&doc);
	return 0;
}
