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

/* Write n as width digits, zero-padded; returns the end. */
static char *
clock_digits(char *p, long n, int width)
{
	int i;

	for (i = width - 1; i >= 0; i--) {
		p[i] = (char)('0' + n % 10);
		n /= 10;
	}
	return p + width;
}

void
clock_format_iso(const struct timespec *ts, char out[40])
{
	char tmp[128], *p = out;
	struct tm tm;
	int n, usec;

	memset(&tm, 0, sizeof tm);
	gmtime_r(&ts->tv_sec, &tm);
	usec = (int)(ts->tv_nsec / 1000 % 1000000);
	if (tm.tm_year + 1900 >= 0 && tm.tm_year + 1900 <= 9999 &&
	    usec >= 0) {
		/* Every writer stamps its items: no printf for the common
		 * years. */
		p = clock_digits(p, tm.tm_year + 1900, 4);
		*p++ = '-';
		p = clock_digits(p, tm.tm_mon + 1, 2);
		*p++ = '-';
		p = clock_digits(p, tm.tm_mday, 2);
		*p++ = 'T';
		p = clock_digits(p, tm.tm_hour, 2);
		*p++ = ':';
		p = clock_digits(p, tm.tm_min, 2);
		*p++ = ':';
		p = clock_digits(p, tm.tm_sec, 2);
		if (usec != 0) {
			*p++ = '.';
			p = clock_digits(p, usec, 6);
		}
		memcpy(p, "+00:00", sizeof "+00:00");
		return;
	}
	n = snprintf(tmp, sizeof tmp, "%04d-%02d-%02dT%02d:%02d:%02d",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec);
	/* Python keeps microseconds; finer digits are dropped, not rounded,
	 * and a whole second has no fraction at all. */
	if (usec != 0)
		n += snprintf(tmp + n, sizeof tmp - (size_t)n, ".%06d", usec);
	snprintf(tmp + n, sizeof tmp - (size_t)n, "+00:00");
	/* Only a year past 9999 (which Python cannot hold) is cut short. */
	snprintf(out, 40, "%.39s", tmp);
}
