/* SPDX-License-Identifier: ISC */
/* Fuzz plain JSON: json_parse, json_emit's output parsing back to the
 * same value, and json_parse_in (its fast path into an arena) agreeing
 * with json_parse. */
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

/* json_parse_in, twice in one arena (the second time with the names'
 * order remembered), against json_parse's verdict v (refusal: e). */
static void
fuzz_json_in_arena(const uint8_t *data, size_t len, const struct value *v,
    const struct err *e)
{
	struct value_arena *arena = value_arena_new();
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct value *in;
	struct err ein;
	int i;

	for (i = 0; i < 2; i++) {
		in = json_parse_in(arena, (const char *)data, len, &ein);
		if ((in == NULL) != (v == NULL))
			fuzz_fail("json_parse_in and json_parse disagree",
			    in == NULL ? ein.msg : e->msg);
		if (in == NULL) {
			if (strcmp(ein.msg, e->msg) != 0)
				fuzz_fail("json_parse_in refuses with another "
				    "message", ein.msg);
			continue;
		}
		buf_reset(&a);
		buf_reset(&b);
		json_emit(&a, in, 0);
		json_emit(&b, v, 0);
		if (a.len != b.len || memcmp(a.data, b.data, a.len) != 0)
			fuzz_fail("json_parse_in builds another value",
			    buf_cstr(&a));
		value_free(in);
	}
	value_arena_unref(arena);
	buf_cleanup(&a);
	buf_cleanup(&b);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct buf a = BUF_INIT, b = BUF_INIT, p = BUF_INIT;
	struct value *v, *v2;
	struct err e;

	v = json_parse((const char *)data, len, &e);
	fuzz_json_in_arena(data, len, v, &e);
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
