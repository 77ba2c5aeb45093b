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

/* json_parse_in of [p, p+len) into arena against json_parse's verdict v
 * (refusal: e). */
static void
fuzz_json_in_arena_one(struct value_arena *arena, const char *p, size_t len,
    const struct value *v, const struct err *e)
{
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct value *in;
	struct err ein;

	in = json_parse_in(arena, p, len, &ein);
	if ((in == NULL) != (v == NULL))
		fuzz_fail("json_parse_in and json_parse disagree",
		    in == NULL ? ein.msg : e->msg);
	if (in == NULL) {
		if (strcmp(ein.msg, e->msg) != 0)
			fuzz_fail("json_parse_in refuses with another message",
			    ein.msg);
		return;
	}
	json_emit(&a, in, 0);
	json_emit(&b, v, 0);
	if (a.len != b.len || (a.len > 0 && memcmp(a.data, b.data, a.len) != 0))
		fuzz_fail("json_parse_in builds another value", buf_cstr(&a));
	value_free(in);
	buf_cleanup(&a);
	buf_cleanup(&b);
}

/* json_parse_in in one arena, as put parses its lines: each line of the
 * input in turn (each meeting the names' order the lines before left),
 * then the whole input twice, against json_parse's verdict on each (v
 * and e: the whole input's). */
static void
fuzz_json_in_arena(const uint8_t *data, size_t len, const struct value *v,
    const struct err *e)
{
	struct value_arena *arena = value_arena_new();
	const char *p = (const char *)data, *end = p + len, *nl;
	struct value *lv;
	struct err le;

	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		lv = json_parse(p, (size_t)(nl - p), &le);
		fuzz_json_in_arena_one(arena, p, (size_t)(nl - p), lv, &le);
		value_free(lv);
		p = nl + 1;
	}
	fuzz_json_in_arena_one(arena, (const char *)data, len, v, e);
	fuzz_json_in_arena_one(arena, (const char *)data, len, v, e);
	value_arena_unref(arena);
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
	if (a.len != b.len || (a.len > 0 && memcmp(a.data, b.data, a.len) != 0))
		fuzz_fail("json_emit of its own output differs", buf_cstr(&a));
	value_free(v2);
	value_free(v);
	buf_cleanup(&a);
	buf_cleanup(&b);
	buf_cleanup(&p);
	return 0;
}
