/* SPDX-License-Identifier: ISC */
/* PartitionedContent JSON in and out, ids, times. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "content.h"

static struct content *
parse(const char *s, struct err *e)
{
	return content_from_json(s, strlen(s), e);
}

Test(content, round_trip)
{
	const char *in = "{\"partition_ids\":[\"a\",\"b\"],"
	    "\"content_ids\":[\"c\"],"
	    "\"item\":{\"n\":12345678901234567890123456789012345678,"
	    "\"s\":\"x\\u0000y\",\"z\":null},\"current_version\":7,"
	    "\"expiry\":\"2030-01-01T00:00:00+00:00\"}";
	struct buf b = BUF_INIT;
	struct err e;
	struct content *c = parse(in, &e);

	cr_assert_not_null(c, "%s", e.msg);
	cr_assert_eq(c->current_version, 7);
	cr_assert(c->has_expiry);
	cr_assert_eq(c->expiry, 1893456000);
	content_to_json(c, &b, 0);
	cr_assert_str_eq(b.data, in);
	buf_cleanup(&b);
	content_free(c);
}

Test(content, defaults)
{
	struct err e;
	struct content *c = parse("{\"item\":{}}", &e);

	cr_assert_not_null(c);
	cr_assert_eq(c->current_version, 1);
	cr_assert_eq(c->partition_ids.n, 0);
	cr_assert_not(c->has_expiry);
	content_free(c);
}

Test(content, rejects_bad_input)
{
	static const char *const bad[] = {
		"{\"item\":{\"n\":123456789012345678901234567890123456789}}",
		"{\"item\":{\"a\":{\"b\":[1E+126]}}}",
		"{\"content_ids\":[\"a#b\"],\"item\":{}}",
		"{\"content_ids\":[1],\"item\":{}}",
		"{\"item\":[]}",
		"{\"partition_ids\":[]}",
		"{\"item\":{},\"current_version\":1.5}",
		"{\"item\":{},\"expiry\":\"tomorrow\"}",
		"{\"item\":{},\"surprise\":1}",
		"[1]",
		"{\"item\":{}",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct err e;

		err_clear(&e);
		cr_expect_null(parse(bad[i], &e), "accepted: %s", bad[i]);
		cr_expect_eq(e.code, ERR_INPUT, "%s", bad[i]);
	}
}

Test(content, number_error_names_the_path)
{
	struct err e;

	cr_assert_null(parse("{\"item\":{\"a\":{\"b\":[1,1E-131]}}}", &e));
	cr_assert(strstr(e.msg, "item.a.b[1]") != NULL, "%s", e.msg);
}

Test(content, ids)
{
	struct ids a, b;
	struct buf j = BUF_INIT;

	ids_parse(&a, "usa#ny#");
	cr_assert_eq(a.n, 3);
	cr_assert_str_eq(a.v[2], "");
	ids_join(&a, &j);
	cr_assert_str_eq(j.data, "usa#ny#");
	ids_parse(&b, "");
	cr_assert_eq(b.n, 0);
	cr_assert_not(ids_equal(&a, &b));
	ids_cleanup(&a);
	ids_cleanup(&b);
	buf_cleanup(&j);
}

Test(content, times)
{
	int64_t t;
	char out[32];

	cr_assert_eq(content_parse_time("1970-01-01T00:00:00Z", &t, NULL), 0);
	cr_assert_eq(t, 0);
	cr_assert_eq(content_parse_time("2026-11-25T10:14:03.5+01:00", &t,
	    NULL), 0);
	content_format_time(t, out);
	cr_assert_str_eq(out, "2026-11-25T09:14:03+00:00");
	/* A time past the years Python holds (1 to 9999) is clamped to
	 * their ends, a date that exists, four digits always. */
	content_format_time(INT64_C(253402300800), out);
	cr_assert_str_eq(out, "9999-12-31T23:59:59+00:00");
	content_format_time(INT64_C(253460000000), out);	/* 10001 */
	cr_assert_str_eq(out, "9999-12-31T23:59:59+00:00");
	content_format_time(INT64_C(-62167219201), out);
	cr_assert_str_eq(out, "0001-01-01T00:00:00+00:00");
	content_format_time(INT64_C(-62135596800), out);
	cr_assert_str_eq(out, "0001-01-01T00:00:00+00:00");
	content_format_time(INT64_C(-62135596799), out);
	cr_assert_str_eq(out, "0001-01-01T00:00:01+00:00");
	content_format_time(INT64_C(-54893199477), out);
	cr_assert_str_eq(out, "0230-07-04T01:02:03+00:00");
	cr_assert_eq(content_parse_time("2026-13-01", &t, NULL), -1);
	cr_assert_eq(content_parse_time("2026-01-01T", &t, NULL), -1);
}

/* The document's members are found in one pass: the first unknown one
 * is named, after every other check; a name that is a known one up to a
 * NUL is not unknown (strcmp) but not that member either. */
Test(content, members_found_in_one_pass)
{
	static const struct {
		const char	*line;
		const char	*want;	/* in the message, or NULL: read */
	} cases[] = {
		{ "{\"zz\":1,\"item\":{},\"yy\":2}", "unknown member \"zz\"" },
		{ "{\"item\":{},\"expiry\":null,\"yy\":2}",
		    "unknown member \"yy\"" },
		{ "{\"yy\":1,\"item\":{},\"current_version\":\"x\"}",
		    "current_version: expected an integer" },
		{ "{\"yy\":1,\"item\":{\"n\":1e999}}", "item.n: " },
		{ "{\"yy\":1,\"item\":5}", "item: expected a JSON object" },
		{ "{\"item\\u0000x\":5,\"item\":{}}", NULL },
		{ "{\"item\\u0000x\":{}}", "item: expected a JSON object" },
		{ "{\"ite\":1,\"item\":{}}", "unknown member \"ite\"" },
		{ "{\"\":1,\"item\":{}}", "unknown member \"\"" },
		{ "{\"partition_ids\":[\"a\"],\"content_ids\":[\"b\"],"
		    "\"item\":{\"x\":1},\"current_version\":3,"
		    "\"expiry\":1800000000}", NULL },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		const char *l = cases[i].line;
		struct content *c;
		struct err e;

		err_clear(&e);
		c = content_from_json(l, strlen(l), &e);
		if (cases[i].want == NULL) {
			cr_expect_not_null(c, "%s: %s", l, e.msg);
		} else {
			cr_expect_null(c, "%s", l);
			cr_expect(strstr(e.msg, cases[i].want) != NULL,
			    "%s: %s", l, e.msg);
		}
		content_free(c);
	}
}
