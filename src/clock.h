/* SPDX-License-Identifier: ISC */
/* Time and randomness as an injected table, so tests never sleep. */
#ifndef DYNREPO_CLOCK_H
#define DYNREPO_CLOCK_H

#include <stdint.h>
#include <time.h>

struct clock_ops {
	/* Wall-clock time (UTC) as seconds and nanoseconds. */
	void		(*now)(void *ctx, struct timespec *);
	/* Monotonic milliseconds, for durations and deadlines. */
	int64_t		(*monotonic_ms)(void *ctx);
	/* Sleep; returns early (non-zero) when cancelled. The system clock
	 * counts a signal that interrupts the sleep as a cancel. */
	int		(*sleep_ms)(void *ctx, int64_t ms);
	/* Uniform random 32 bits, for retry jitter. */
	uint32_t	(*random)(void *ctx);
	void		*ctx;
};

/* The real clock: clock_gettime, nanosleep, a PRNG seeded from
 * getrandom (or /dev/urandom). Borrowed; safe from any thread. */
const struct clock_ops *clock_system(void);

/* A UTC time broken down, as gmtime_r's struct tm but for the year
 * (itself, not less 1900) and the month (1 to 12). */
struct clock_civil {
	int64_t	year;
	int	mon, mday, hour, min, sec;
};

/* Seconds since the epoch in UTC, without gmtime_r's lock. */
void	 clock_civil(int64_t, struct clock_civil *);
/* "YYYY-MM-DDTHH:MM:SS" at p, for a year of 0 to 9999 (any other is
 * written modulo 10,000); returns the end (no NUL written). */
char	*clock_format_civil(const struct clock_civil *, char *p);

/* UTC ISO-8601 with microseconds and offset, as Python's isoformat():
 * "2026-11-25T09:14:03.512345+00:00" (always six digits, as
 * datetime.now(timezone.utc).isoformat() prints unless microsecond is 0,
 * in which case the fraction is omitted). out must hold 40 bytes. */
void	 clock_format_iso(const struct timespec *, char out[40]);

#endif
