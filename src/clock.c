/* SPDX-License-Identifier: ISC */
/* Time and randomness as an injected table: the real, system one. */
#include "config.h"

#include "clock.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

static pthread_once_t		 clock_seed_once = PTHREAD_ONCE_INIT;
static _Atomic uint64_t		 clock_prng_state;

/* Wall-clock time from CLOCK_REALTIME. */
static void
clock_system_now(void *ctx, struct timespec *ts)
{
	(void)ctx;
	clock_gettime(CLOCK_REALTIME, ts);
}

/* Milliseconds from CLOCK_MONOTONIC. */
static int64_t
clock_system_monotonic_ms(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* nanosleep for ms; 1 when a signal cut it short. */
static int
clock_system_sleep_ms(void *ctx, int64_t ms)
{
	struct timespec ts;

	(void)ctx;
	if (ms <= 0)
		return 0;
	ts.tv_sec = ms / 1000;
	ts.tv_nsec = (long)(ms % 1000) * 1000000;
	if (nanosleep(&ts, NULL) == -1 && errno == EINTR)
		return 1;
	return 0;
}

/* Seed the PRNG from getrandom, else /dev/urandom, else the clocks. */
static void
clock_seed(void)
{
	struct timespec ts;
	uint64_t seed = 0;
	ssize_t n;
	int fd;

	n = getrandom(&seed, sizeof seed, GRND_NONBLOCK);
	if (n != (ssize_t)sizeof seed) {
		fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
		if (fd != -1) {
			n = read(fd, &seed, sizeof seed);
			close(fd);
		}
	}
	if (n != (ssize_t)sizeof seed) {
		/* Jitter only spreads retries; it need not be secret. */
		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_sec * 1000000007u ^ (uint64_t)ts.tv_nsec;
		seed ^= (uint64_t)getpid() << 32;
	}
	atomic_store(&clock_prng_state, seed);
}

/* splitmix64 over an atomic counter, so threads share it without a lock. */
static uint32_t
clock_system_random(void *ctx)
{
	uint64_t z;

	(void)ctx;
	pthread_once(&clock_seed_once, clock_seed);
	z = atomic_fetch_add(&clock_prng_state, 0x9e3779b97f4a7c15ull) +
	    0x9e3779b97f4a7c15ull;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return (uint32_t)(z >> 32);
}

static const struct clock_ops clock_system_ops = {
	.now = clock_system_now,
	.monotonic_ms = clock_system_monotonic_ms,
	.sleep_ms = clock_system_sleep_ms,
	.random = clock_system_random,
	.ctx = NULL,
};

const struct clock_ops *
clock_system(void)
{
	return &clock_system_ops;
}

/* Write n as width digits, zero-padded (width even: two digits at a
 * time, from a table); returns the end. */
static char *
clock_digits(char *p, unsigned long n, int width)
{
	static const char pairs[] =
	    "00010203040506070809101112131415161718192021222324"
	    "25262728293031323334353637383940414243444546474849"
	    "50515253545556575859606162636465666768697071727374"
	    "75767778798081828384858687888990919293949596979899";
	int i;

	for (i = width - 2; i >= 0; i -= 2) {
		memcpy(p + i, pairs + n % 100 * 2, 2);
		n /= 100;
	}
	return p + width;
}

/*
 * UTC seconds since the epoch as a date and time of day: the proleptic
 * Gregorian calendar, days counted in 400-year eras of 146,097 days
 * (H. Hinnant's civil_from_days). Pure arithmetic: gmtime_r takes the
 * time zone's lock and costs ~600 instructions, and every item a put
 * writes is stamped (issue 6). Good for any year an int64_t of days can
 * name.
 */
void
clock_civil(int64_t t, struct clock_civil *c)
{
	int64_t days, secs, era, doe, yoe, doy, mp;

	days = t / 86400;
	secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	days += 719468;			/* from 0000-03-01 */
	era = (days >= 0 ? days : days - 146096) / 146097;
	doe = days - era * 146097;			/* [0, 146096] */
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);	/* [0, 365] */
	mp = (5 * doy + 2) / 153;			/* March is 0 */
	c->mday = (int)(doy - (153 * mp + 2) / 5 + 1);
	c->mon = (int)(mp < 10 ? mp + 3 : mp - 9);
	c->year = yoe + era * 400 + (c->mon <= 2);
	c->hour = (int)(secs / 3600);
	c->min = (int)(secs / 60 % 60);
	c->sec = (int)(secs % 60);
}

char *
clock_format_civil(const struct clock_civil *c, char *p)
{
	/* Any other year modulo 10,000, never a digit from out of the
	 * table. */
	p = clock_digits(p, (unsigned long)((c->year % 10000 + 10000) %
	    10000), 4);
	*p++ = '-';
	p = clock_digits(p, (unsigned long)c->mon, 2);
	*p++ = '-';
	p = clock_digits(p, (unsigned long)c->mday, 2);
	*p++ = 'T';
	p = clock_digits(p, (unsigned long)c->hour, 2);
	*p++ = ':';
	p = clock_digits(p, (unsigned long)c->min, 2);
	*p++ = ':';
	return clock_digits(p, (unsigned long)c->sec, 2);
}

void
clock_format_iso(const struct timespec *ts, char out[40])
{
	char tmp[128], *p = out;
	struct clock_civil c;
	int n, usec;

	clock_civil((int64_t)ts->tv_sec, &c);
	usec = (int)(ts->tv_nsec / 1000 % 1000000);
	if (c.year >= 0 && c.year <= 9999 && usec >= 0) {
		/* Every writer stamps its items: no printf for the common
		 * years. */
		p = clock_format_civil(&c, p);
		if (usec != 0) {
			*p++ = '.';
			p = clock_digits(p, (unsigned long)usec, 6);
		}
		memcpy(p, "+00:00", sizeof "+00:00");
		return;
	}
	n = snprintf(tmp, sizeof tmp, "%04lld-%02d-%02dT%02d:%02d:%02d",
	    (long long)c.year, c.mon, c.mday, c.hour, c.min, c.sec);
	/* Python keeps microseconds; finer digits are dropped, not rounded,
	 * and a whole second has no fraction at all. */
	if (usec != 0)
		n += snprintf(tmp + n, sizeof tmp - (size_t)n, ".%06d", usec);
	snprintf(tmp + n, sizeof tmp - (size_t)n, "+00:00");
	/* Only a year past 9999 (which Python cannot hold) is cut short. */
	snprintf(out, 40, "%.39s", tmp);
}
