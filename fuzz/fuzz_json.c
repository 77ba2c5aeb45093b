/* SPDX-License-Identifier: ISC */
/* Fuzz plain JSON: json_parse, and json_emit's output parsing back to the
 * same value. */
#include "config.h"

#include "fuzz.h"

#include <string.h>

#include "buf.h"
#include "err.h"
#include "json.h"
#include "value.h"

/* Emit with flags, parse back, compare; returns the text in out. */
static void
fuzz_json_round_trip(const struct value *v, int flags, struct buf *out)
{
	struct value *again;
	struct err e;

	json_emit(out, v, flags);
	again = json_parse(out->data, out->len, &e);
	if (again == NULL)
		fuzz_fail("emitted JSON does not parse back", e.msg);
	if (!value_equal(v, again))
		fuzz_fail("emitted JSON parses back to another value",
		    buf_cstr(out));
	value_free(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct buf a = BUF_INIT, b = BUF_INIT, p = BUF_INIT;
	struct value *v, *v2;
	struct err e;

	v = json_parse((const char *)data, len, &e);
	if (v == NULL) {
		if (e.code != ERR_INPUT || strstr(e.msg, "JSON") == NULL)
			fuzz_fail("a refusal that does not say invalid JSON",
			    e.msg);
		return 0;
	}
	fuzz_json_round_trip(v, 0, &a);
	fuzz_json_round_trip(v, JSON_PRETTY, &p);
	/* Compact output is a fixed point. */
	v2 = json_parse(a.data, a.len, &e);
	json_emit(&b, v2, 0);
	if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
		fuzz_fail("json_emit of its own output differs", buf_cstr(&a));
	value_free(v2);
	value_free(v);
	buf_cleanup(&a);
	buf_cleanup(&b);
	buf_cleanup(&p);
	return 0;
}
