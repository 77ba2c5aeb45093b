/* SPDX-License-Identifier: ISC */
/* Tests for the clock: Python's isoformat() and the system table. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>

#include "clock.h"

/* Format seconds and nanoseconds. */
static const char *
iso(time_t sec, long nsec, char out[40])
{
	struct timespec ts = { .tv_sec = sec, .tv_nsec = nsec };

	clock_format_iso(&ts, out);
	return out;
}

/* Expected strings printed by Python's datetime.isoformat(). */
Test(clock, iso_python_cases)
{
	char out[40];

	cr_assert_str_eq(iso(0, 0, out), "1970-01-01T00:00:00+00:00");
	cr_assert_str_eq(iso(1795590843, 512345000, out),
	    "2026-11-25T07:14:03.512345+00:00");
	cr_assert_str_eq(iso(1795590843, 0, out), "2026-11-25T07:14:03+00:00");
	cr_assert_str_eq(iso(-599571585, 7000, out),
	    "1951-01-01T12:20:15.000007+00:00");
	cr_assert_str_eq(iso(1709208000, 999999000, out),
	    "2024-02-29T12:00:00.999999+00:00");
	cr_assert_str_eq(iso(951782400, 1000, out),
	    "2000-02-29T00:00:00.000001+00:00");
	cr_assert_str_eq(iso(253402300799, 0, out),
	    "9999-12-31T23:59:59+00:00");
}

/* Digits below a microsecond are dropped, never rounded up. */
Test(clock, iso_truncates_nanoseconds)
{
	char out[40];

	cr_assert_str_eq(iso(1795590843, 999999999, out),
	    "2026-11-25T07:14:03.999999+00:00");
	/* 500 ns is zero microseconds: no fraction, as Python prints. */
	cr_assert_str_eq(iso(1795590843, 500, out),
	    "2026-11-25T07:14:03+00:00");
	cr_assert_str_eq(iso(1795590843, 1500, out),
	    "2026-11-25T07:14:03.000001+00:00");
}

/* clock_civil against gmtime_r, the reference, at t. */
static void
civil_is_gmtime(int64_t t)
{
	time_t tt = (time_t)t;
	struct clock_civil c;
	struct tm tm;

	cr_assert_not_null(gmtime_r(&tt, &tm), "gmtime_r(%lld)",
	    (long long)t);
	clock_civil(t, &c);
	cr_assert(c.year == (int64_t)tm.tm_year + 1900 &&
	    c.mon == tm.tm_mon + 1 && c.mday == tm.tm_mday &&
	    c.hour == tm.tm_hour && c.min == tm.tm_min && c.sec == tm.tm_sec,
	    "t=%lld: %lld-%d-%d %d:%d:%d, gmtime_r %d-%d-%d %d:%d:%d",
	    (long long)t, (long long)c.year, c.mon, c.mday, c.hour, c.min,
	    c.sec, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
}

/* The arithmetic breakdown is gmtime_r's: every day of the years around
 * the epoch and 2000 and the turns of centuries and 400-year eras, then
 * a million times spread over +-300,000 years (before the epoch too). */
Test(clock, civil_is_gmtime)
{
	static const int64_t days[] = {
		-719468, -719469, -146097, -36524, -1, 0, 10957, 11016,
		-25567, 47482, 2932896,
	};
	uint64_t x = 0x9e3779b97f4a7c15ull;
	int64_t t, span = INT64_C(300000) * 366 * 86400;
	size_t i;
	int d;

	for (i = 0; i < sizeof days / sizeof days[0]; i++)
		for (d = -800; d <= 800; d++) {
			t = (days[i] + d) * 86400;
			civil_is_gmtime(t);
			civil_is_gmtime(t + 86399);
			civil_is_gmtime(t - 1);
		}
	for (i = 0; i < 1000000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		t = (int64_t)(x % (uint64_t)(2 * span)) - span;
		civil_is_gmtime(t);
	}
}

/* A year past 9999 or before 0 is printed the long way, still whole. */
Test(clock, iso_far_years)
{
	char out[40];

	cr_assert_str_eq(iso(253402300800, 0, out),
	    "10000-01-01T00:00:00+00:00");
	cr_assert_str_eq(iso(-62167219201, 0, out),
	    "-001-12-31T23:59:59+00:00");
}

/* The system clock tells the time, measures and sleeps. */
Test(clock, system_now_and_sleep)
{
	const struct clock_ops *c = clock_system();
	struct timespec ts;
	int64_t t0, t1;

	cr_assert_eq(c, clock_system());
	c->now(c->ctx, &ts);
	cr_assert(ts.tv_sec - time(NULL) <= 1 && time(NULL) - ts.tv_sec <= 1);
	cr_assert(ts.tv_nsec >= 0 && ts.tv_nsec < 1000000000);
	t0 = c->monotonic_ms(c->ctx);
	cr_assert_eq(c->sleep_ms(c->ctx, 30), 0);
	t1 = c->monotonic_ms(c->ctx);
	cr_assert_geq(t1 - t0, 30);
	cr_assert_lt(t1 - t0, 2000);
	cr_assert_eq(c->sleep_ms(c->ctx, 0), 0);
}

/* The PRNG spreads its values over both halves of each bit. */
Test(clock, system_random_varies)
{
	const struct clock_ops *c = clock_system();
	uint32_t v, first, or_bits = 0, and_bits = 0xffffffffu;
	int i, same = 0;

	first = c->random(c->ctx);
	for (i = 0; i < 256; i++) {
		v = c->random(c->ctx);
		if (v == first)
			same++;
		or_bits |= v;
		and_bits &= v;
	}
	cr_assert_lt(same, 2);
	cr_assert_eq(or_bits, 0xffffffffu);
	cr_assert_eq(and_bits, 0);
}
