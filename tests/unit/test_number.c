/* SPDX-License-Identifier: ISC */
/* Tests for number.c: DynamoDB number checking, canonical text, arithmetic. */
#include "config.h"

#include <criterion/criterion.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "err.h"
#include "number.h"

#define MAX38 "9.9999999999999999999999999999999999999E+125"
#define DIGITS38 "12345678901234567890123456789012345678"
#define DIGITS39 "123456789012345678901234567890123456789"

/* number_check on a C string. */
static int
check(const char *s, struct err *err)
{
	err_clear(err);
	return number_check(s, strlen(s), err);
}

/* number_canonical of a C string into a fresh buffer (caller cleans up). */
static void
canon(const char *s, struct buf *b)
{
	buf_init(b);
	number_canonical(s, strlen(s), b);
}

/* number_cmp on C strings. */
static int
cmp(const char *a, const char *b)
{
	return number_cmp(a, strlen(a), b, strlen(b));
}

/* number_add on C strings; the result text or NULL (err set). */
static char *
add(const char *a, const char *b, bool negate, struct err *err)
{
	struct buf out = BUF_INIT;

	err_clear(err);
	if (number_add(a, strlen(a), b, strlen(b), negate, &out, err) != 0) {
		cr_assert_eq(out.len, 0, "failed add wrote \"%s\"",
		    buf_cstr(&out));
		buf_cleanup(&out);
		return NULL;
	}
	return buf_detach(&out, NULL);
}

/* A string of n copies of c (static buffer, n < 300). */
static const char *
rep(const char *prefix, char c, size_t n, const char *suffix)
{
	static char s[512];
	size_t p = strlen(prefix);

	memcpy(s, prefix, p);
	memset(s + p, c, n);
	strcpy(s + p + n, suffix);
	return s;
}

Test(number, accepts_dynamodb_numbers)
{
	static const char *const ok[] = {
		"0", "-0", "+0", "1", "-1", "+1", "007", ".5", "5.", "-.5",
		"1e2", "1E+2", "1e-2", "1.5e0", "0.000", "0e999999999999999999",
		DIGITS38, "-" DIGITS38, "0.00" DIGITS38 "000",
		"-1.5E-130", "1E-130", "-1e-130", MAX38, "-" MAX38,
		"0000012345678901234567890123456789012345678",
		"-00001.23456789012345678901234567890123456780000",
		"0009.99999999999999999999999999999999999990000e125",
		"0001.000e-130", "12345678901234567899", "100e123",
	};
	struct err err;
	size_t i;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++)
		cr_expect_eq(check(ok[i], &err), 0, "%s refused: %s", ok[i],
		    err.msg);
}

/* int(Decimal(text)), as the library reads versions and TTLs. */
Test(number, to_ll_truncates_as_python_int)
{
	static const struct {
		const char	*text;
		long long	 want;
	} cases[] = {
		{ "0", 0 }, { "7", 7 }, { "-7", -7 }, { "+7", 7 },
		{ "007", 7 }, { "1e2", 100 }, { "1E+2", 100 },
		{ "1.7e9", 1700000000 }, { "1.7E9", 1700000000 },
		{ "2.5", 2 }, { "-2.5", -2 }, { "0.9", 0 }, { "-0.9", 0 },
		{ ".5", 0 }, { "5.", 5 }, { "1e-3", 0 }, { "12.34e1", 123 },
		{ "123e-1", 12 }, { "100e-2", 1 }, { "0e5", 0 },
		{ "9223372036854775807", LLONG_MAX },
		{ "9223372036854775808", LLONG_MAX },
		{ "-9223372036854775808", LLONG_MIN },
		{ "-9223372036854775809", LLONG_MIN },
		{ "1e19", LLONG_MAX }, { "-1e200", LLONG_MIN },
		{ "922337203685477580.7e1", LLONG_MAX },
	};
	long long n;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = 12345;
		cr_assert_eq(number_to_ll(cases[i].text, strlen(cases[i].text),
		    &n), 0, "%s", cases[i].text);
		cr_assert_eq(n, cases[i].want, "%s: %lld, not %lld",
		    cases[i].text, n, cases[i].want);
	}
	cr_assert_eq(number_to_ll("1e", 2, &n), -1);
	cr_assert_eq(number_to_ll("abc", 3, &n), -1);
	cr_assert_eq(number_to_ll("", 0, &n), -1);
}

/* "if d := Decimal(text): int(d)": the truth test before int(), so only
 * a zero fails it. */
Test(number, to_ll_if_true_tests_before_int)
{
	static const struct {
		const char	*text;
		int		 rc;
		long long	 want;
	} cases[] = {
		{ "0", 0, 12345 }, { "-0", 0, 12345 }, { "0.000", 0, 12345 },
		{ "0e9", 0, 12345 }, { "0.5", 1, 0 }, { "-0.5", 1, 0 },
		{ "1e-130", 1, 0 }, { "2.5", 1, 2 }, { "-2.5", 1, -2 },
		{ "1e2", 1, 100 }, { "7", 1, 7 },
	};
	long long n;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		n = 12345;
		cr_assert_eq(number_to_ll_if_true(cases[i].text,
		    strlen(cases[i].text), &n), cases[i].rc, "%s",
		    cases[i].text);
		cr_assert_eq(n, cases[i].want, "%s: %lld, not %lld",
		    cases[i].text, n, cases[i].want);
	}
	cr_assert_eq(number_to_ll_if_true("abc", 3, &n), -1);
	cr_assert_eq(number_to_ll_if_true("", 0, &n), -1);
}

Test(number, rejects_non_numbers)
{
	static const char *const bad[] = {
		"abc", "1e", "--1", "NaN", "Infinity", "-Infinity", "1.2.3",
		".", "-", "+", "e5", " 1", "1 ", "0x10", "1e+", "+-1", "1,5",
		"1e5.5", "١", "1_000",
	};
	struct err err;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_expect_eq(check(bad[i], &err), -1, "%s accepted", bad[i]);
		cr_expect_eq(err.code, ERR_INPUT);
		cr_expect(strstr(err.msg, bad[i]) != NULL,
		    "message does not quote %s: %s", bad[i], err.msg);
	}
	cr_expect_eq(check("", &err), -1);
	cr_expect(strstr(err.msg, "empty") != NULL, "%s", err.msg);
	/* An embedded NUL is not part of a number. */
	cr_expect_eq(number_check("1\0002", 3, &err), -1);
}

Test(number, rejects_39_significant_digits)
{
	struct err err;

	cr_assert_eq(check(DIGITS39, &err), -1);
	cr_expect_eq(err.code, ERR_INPUT);
	cr_expect(strstr(err.msg, "39 significant digits") != NULL, "%s",
	    err.msg);
	cr_expect(strstr(err.msg, DIGITS39) != NULL, "%s", err.msg);
	cr_expect_eq(check("-1.23456789012345678901234567890123456789", &err),
	    -1);
	cr_expect_eq(check("1" DIGITS38 "e-50", &err), -1);
	/* Trailing and leading zeros are not significant. */
	cr_expect_eq(check("000" DIGITS38 "00000", &err), 0, "%s", err.msg);
}

Test(number, rejects_out_of_range)
{
	static const char *const bad[] = {
		"1E+126", "1e126", "-1e126", "10E+125", "1E-131", "1e-131",
		"-1e-131", "0.1e-130", "1e999999999999999999999999",
		"1e-999999999999999999999999",
	};
	struct err err;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_expect_eq(check(bad[i], &err), -1, "%s accepted", bad[i]);
		cr_expect_eq(err.code, ERR_INPUT);
		cr_expect(strstr(err.msg, bad[i]) != NULL, "%s", err.msg);
	}
	check("1E+126", &err);
	cr_expect(strstr(err.msg, "too large") != NULL, "%s", err.msg);
	check("1E-131", &err);
	cr_expect(strstr(err.msg, "too small") != NULL, "%s", err.msg);
}

Test(number, long_text_is_truncated_in_messages)
{
	const char *s = rep("", '7', 300, "x");
	struct err err;

	cr_assert_eq(check(s, &err), -1);
	cr_expect(strstr(err.msg, "...") != NULL, "%s", err.msg);
	cr_expect_lt(strlen(err.msg), 120, "%s", err.msg);
}

Test(number, canonical_forms)
{
	static const char *const cases[][2] = {
		{ "1.50", "1.5" },
		{ "1e2", "100" },
		{ "-0", "0" },
		{ "+0.000e5", "0" },
		{ "0.000001", "0.000001" },
		{ "1E-7", "0.0000001" },
		{ "007", "7" },
		{ "+5", "5" },
		{ ".5", "0.5" },
		{ "-.5", "-0.5" },
		{ "5.", "5" },
		{ "1.23e1", "12.3" },
		{ "-12.340e-1", "-1.234" },
		{ "100", "100" },
		{ "1e21", "1000000000000000000000" },
		{ "12345678901234567899", "12345678901234567899" },
		{ "0000012345678901234567890123456789012345678",
		  "12345678901234567890123456789012345678" },
		{ "-00001.23456789012345678901234567890123456780000",
		  "-1.2345678901234567890123456789012345678" },
		{ "abc", "abc" },
	};
	struct buf b;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		canon(cases[i][0], &b);
		cr_expect_str_eq(buf_cstr(&b), cases[i][1], "%s",
		    cases[i][0]);
		buf_cleanup(&b);
	}
}

Test(number, canonical_extremes_match_dynalite)
{
	char want[512];
	struct buf b;

	/* dynalite's own test ("should put really long numbers"). */
	canon("0009.99999999999999999999999999999999999990000e125", &b);
	snprintf(want, sizeof want, "%s", rep("", '9', 38, ""));
	strcat(want, rep("", '0', 88, ""));
	cr_expect_str_eq(buf_cstr(&b), want);
	buf_cleanup(&b);

	canon("-0001.000e-130", &b);
	snprintf(want, sizeof want, "%s", rep("-0.", '0', 129, "1"));
	cr_expect_str_eq(buf_cstr(&b), want);
	buf_cleanup(&b);

	canon("-1.5E-130", &b);
	snprintf(want, sizeof want, "%s", rep("-0.", '0', 129, "15"));
	cr_expect_str_eq(buf_cstr(&b), want);
	buf_cleanup(&b);

	/* Out of range: an exponent instead of a thousand zeros. */
	canon("1.5e5000", &b);
	cr_expect_str_eq(buf_cstr(&b), "1.5e+5000");
	buf_cleanup(&b);
}

Test(number, canonical_appends)
{
	struct buf b = BUF_INIT;

	buf_adds(&b, "x=");
	number_canonical("1.50", 4, &b);
	cr_expect_str_eq(buf_cstr(&b), "x=1.5");
	buf_cleanup(&b);
}

Test(number, compare)
{
	cr_expect_eq(cmp("1.5", "1.50"), 0);
	cr_expect_eq(cmp("0", "-0"), 0);
	cr_expect_eq(cmp("0.0e10", "0"), 0);
	cr_expect_eq(cmp("1e2", "100"), 0);
	cr_expect_eq(cmp("+7", "7.000"), 0);
	cr_expect_lt(cmp("-1", "1"), 0);
	cr_expect_gt(cmp("1", "-1"), 0);
	cr_expect_gt(cmp("-2", "-10"), 0);
	cr_expect_lt(cmp("-10", "-2"), 0);
	cr_expect_gt(cmp("0.1", "0.09"), 0);
	cr_expect_lt(cmp("0.09", "0.1"), 0);
	cr_expect_gt(cmp("10", "9.99"), 0);
	cr_expect_gt(cmp("1e-130", "0"), 0);
	cr_expect_lt(cmp("-1e-130", "0"), 0);
	cr_expect_lt(cmp("0", "1e-130"), 0);
	cr_expect_lt(cmp("-1.5E-130", "-1.4E-130"), 0);
	cr_expect_gt(cmp(MAX38, "1E+125"), 0);
	cr_expect_lt(cmp("-" MAX38, "-1E+125"), 0);
	cr_expect_gt(cmp("12345678901234567899", "12345678901234567898.9"),
	    0);
	cr_expect_lt(cmp(DIGITS38, "12345678901234567890123456789012345679"),
	    0);
	cr_expect_gt(cmp("1.25", "1.2"), 0);
	cr_expect_lt(cmp("-1.25", "-1.2"), 0);
	cr_expect_lt(cmp("2e-5", "3e-5"), 0);
	cr_expect_gt(cmp("1e3", "999.999"), 0);
}

Test(number, add_and_subtract)
{
	static const char *const cases[][4] = {
		/* a, b, "-" to subtract, result */
		{ "1", "2", "", "3" },
		{ "0.1", "0.2", "", "0.3" },
		{ "1", "-1", "", "0" },
		{ "-5", "3", "", "-2" },
		{ "3", "5", "-", "-2" },
		{ "-3", "-5", "-", "2" },
		{ "1e2", "1e-2", "", "100.01" },
		{ "12345678901234567899", "1", "", "12345678901234567900" },
		{ "-1.5", "-2.25", "", "-3.75" },
		{ "1.50", "0", "", "1.5" },
		{ "0", "5", "-", "-5" },
		{ "0", "-0", "", "0" },
		{ "1", "0.999", "-", "0.001" },
		{ "100", "0.01", "-", "99.99" },
		{ "-100", "-0.01", "-", "-99.99" },
		{ "0.01", "100", "-", "-99.99" },
		{ "1000", "1", "-", "999" },
		{ "99999999999999999999999999999999999999", "1", "",
		  "100000000000000000000000000000000000000" },
	};
	struct err err;
	size_t i;
	char *r;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		r = add(cases[i][0], cases[i][1], cases[i][2][0] == '-',
		    &err);

		cr_expect_not_null(r, "%s %s %s: %s", cases[i][0],
		    cases[i][2], cases[i][1], err.msg);
		if (r != NULL)
			cr_expect_str_eq(r, cases[i][3], "%s %s %s",
			    cases[i][0], cases[i][2][0] ? "-" : "+",
			    cases[i][1]);
		free(r);
	}
	r = add("1E-130", "1E-130", false, &err);
	cr_assert_not_null(r, "%s", err.msg);
	cr_expect_str_eq(r, rep("0.", '0', 129, "2"));
	free(r);
	r = add("-" MAX38, "-" MAX38, true, &err);
	cr_assert_not_null(r, "%s", err.msg);
	cr_expect_str_eq(r, "0");
	free(r);
}

Test(number, add_refuses_what_dynamodb_refuses)
{
	struct err err;
	char *r;

	r = add("99999999999999999999999999999999999999", "0.1", false,
	    &err);
	cr_expect_null(r);
	cr_expect_eq(err.code, ERR_INPUT);
	cr_expect(strstr(err.msg, "38 significant digits") != NULL, "%s",
	    err.msg);
	free(r);

	r = add(MAX38, "1E+88", false, &err);
	cr_expect_null(r);
	cr_expect(strstr(err.msg, "too large") != NULL, "%s", err.msg);
	free(r);

	r = add("-" MAX38, "1E+88", true, &err);
	cr_expect_null(r);
	cr_expect(strstr(err.msg, "too large") != NULL, "%s", err.msg);
	free(r);

	r = add("1.1e-130", "1e-130", true, &err);
	cr_expect_null(r);
	cr_expect(strstr(err.msg, "too small") != NULL, "%s", err.msg);
	free(r);

	r = add("abc", "1", false, &err);
	cr_expect_null(r);
	cr_expect(strstr(err.msg, "abc") != NULL, "%s", err.msg);
	free(r);

	r = add("1", DIGITS39, false, &err);
	cr_expect_null(r);
	free(r);

	/* The largest number plus a tiny one still fits after rounding?
	 * No: DynamoDB never rounds, so this needs too many digits. */
	r = add(MAX38, "1", false, &err);
	cr_expect_null(r);
	free(r);

	r = add(MAX38, "1E+88", true, &err);
	cr_expect_not_null(r, "%s", err.msg);
	free(r);
}

Test(number, is_integer)
{
	cr_expect(number_is_integer("1", 1));
	cr_expect(number_is_integer("1.0", 3));
	cr_expect(number_is_integer("-1.000", 6));
	cr_expect(number_is_integer("1e2", 3));
	cr_expect(number_is_integer("1.5e1", 5));
	cr_expect(number_is_integer("0", 1));
	cr_expect(number_is_integer("-0.0", 4));
	cr_expect(number_is_integer("12345678901234567899", 20));
	cr_expect(!number_is_integer("1.5", 3));
	cr_expect(!number_is_integer("1.25e1", 6));
	cr_expect(!number_is_integer("1e-2", 4));
	cr_expect(!number_is_integer("0.5", 3));
	cr_expect(!number_is_integer("abc", 3));
	cr_expect(!number_is_integer("", 0));
}

/* number_is_canonical_integer says yes exactly for the integers that
 * number_canonical leaves as they are. */
Test(number, canonical_integers_known_without_parsing)
{
	static const char *const texts[] = {
		"0", "-0", "7", "-7", "10", "100", "12.0", "1e2", "007",
		"-05", "1000000", DIGITS38, "-" DIGITS38, DIGITS39, "1.5",
		"", "-", "+1", "1 ", "0.0", "12345678901234560001", "1E2",
		"-100", "00",
	};
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < sizeof texts / sizeof texts[0]; i++) {
		size_t len = strlen(texts[i]);
		bool same, integral;

		buf_reset(&b);
		number_canonical(texts[i], len, &b);
		same = b.len == len && memcmp(b.data, texts[i], len) == 0;
		integral = same && number_is_integer(texts[i], len);
		cr_expect_eq(number_is_canonical_integer(texts[i], len),
		    integral, "\"%s\"", texts[i]);
	}
	buf_cleanup(&b);
}
