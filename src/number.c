/* SPDX-License-Identifier: ISC */
/* DynamoDB numbers as exact decimal text: checking, comparing, arithmetic. */
#include "config.h"

#include "number.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

/* DynamoDB's limits: 38 significant digits, and the power of ten of the
 * first significant digit within -130 .. 125. */
#define NUMBER_MAX_DIGITS	38
#define NUMBER_MAX_EXP		125
#define NUMBER_MIN_EXP		(-130)
/* Exponents in the text saturate here, far outside any valid number. */
#define NUMBER_EXP_CAP		1000000000000000LL
/* Beyond this (only for numbers DynamoDB refuses) canonical text uses an
 * exponent rather than thousands of zeros. */
#define NUMBER_PLAIN_MAX	1000
/* Room for a number quoted in a message, truncated. */
#define NUMBER_QUOTE_MAX	48

/*
 * A parsed number, pointing into its text. Its value is
 * 0.d(0) d(1) ... d(n-1) * 10^(e+1), i.e. d(0) is worth 10^e, where d(k) is
 * mantissa digit first + k, counting digits only (the point is skipped).
 */
struct number_parts {
	bool		 neg;
	const char	*mant;		/* first mantissa character */
	size_t		 intlen;	/* digits before the point */
	size_t		 first;		/* first significant digit */
	size_t		 n;		/* significant digits; 0: zero */
	long long	 e;		/* power of ten of d(0) */
};

/* True for an ASCII digit. */
static bool
number_isdigit(char c)
{
	return c >= '0' && c <= '9';
}

/* Significant digit k of a parsed number, as a character. */
static char
number_digit(const struct number_parts *p, size_t k)
{
	size_t i = p->first + k;

	return p->mant[i >= p->intlen ? i + 1 : i];
}

/* Mantissa digit i (significant or not), skipping the point. */
static char
number_mant_digit(const struct number_parts *p, size_t i)
{
	return p->mant[i >= p->intlen ? i + 1 : i];
}

/*
 * Parse [+-] digits [. digits] [eE [+-] digits], with at least one mantissa
 * digit (".5" and "5." are numbers, as DynamoDB and big.js take them).
 * Returns -1 when the text is not a number.
 */
static int
number_parse(const char *t, size_t len, struct number_parts *p)
{
	size_t i = 0, start, total, last;
	long long x = 0;
	bool eneg = false;

	p->neg = false;
	if (i < len && (t[i] == '-' || t[i] == '+'))
		p->neg = t[i++] == '-';
	p->mant = t + i;
	start = i;
	while (i < len && number_isdigit(t[i]))
		i++;
	p->intlen = i - start;
	total = p->intlen;
	if (i < len && t[i] == '.') {
		start = ++i;
		while (i < len && number_isdigit(t[i]))
			i++;
		total += i - start;
	}
	if (total == 0)
		return -1;
	if (i < len && (t[i] == 'e' || t[i] == 'E')) {
		i++;
		if (i < len && (t[i] == '-' || t[i] == '+'))
			eneg = t[i++] == '-';
		if (i == len || !number_isdigit(t[i]))
			return -1;
		for (; i < len && number_isdigit(t[i]); i++) {
			if (x < NUMBER_EXP_CAP)
				x = x * 10 + (t[i] - '0');
		}
	}
	if (i != len)
		return -1;

	for (p->first = 0; p->first < total; p->first++) {
		if (number_mant_digit(p, p->first) != '0')
			break;
	}
	if (p->first == total) {
		p->n = 0;
		p->e = 0;
		return 0;
	}
	for (last = total - 1; number_mant_digit(p, last) == '0'; last--)
		continue;
	p->n = last - p->first + 1;
	p->e = (long long)p->intlen - 1 - (long long)p->first +
	    (eneg ? -x : x);
	return 0;
}

/* Quote text for a message: "text", truncated, control bytes as '?'. */
static void
number_quote(const char *t, size_t len, char out[NUMBER_QUOTE_MAX + 8])
{
	size_t i, n = len > NUMBER_QUOTE_MAX ? NUMBER_QUOTE_MAX - 8 : len;
	char *o = out;

	*o++ = '"';
	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)t[i];

		*o++ = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (n < len) {
		memcpy(o, "...", 3);
		o += 3;
	}
	*o++ = '"';
	*o = '\0';
}

enum number_limit {
	NUMBER_IN_RANGE,
	NUMBER_TOO_LARGE,
	NUMBER_TOO_SMALL,
	NUMBER_TOO_PRECISE
};

static const char *const number_limit_msgs[] = {
	[NUMBER_IN_RANGE] = "is valid",
	[NUMBER_TOO_LARGE] = "is too large: the magnitude must be at most "
	    "9.9999999999999999999999999999999999999E+125",
	[NUMBER_TOO_SMALL] = "is too small: the magnitude must be 0 or at "
	    "least 1E-130",
	[NUMBER_TOO_PRECISE] = "has more than 38 significant digits",
};

/* Which of DynamoDB's limits a parsed number breaks, if any (in the order
 * DynamoDB checks them). */
static enum number_limit
number_limit(const struct number_parts *p)
{
	if (p->n == 0)
		return NUMBER_IN_RANGE;
	if (p->e > NUMBER_MAX_EXP)
		return NUMBER_TOO_LARGE;
	if (p->e < NUMBER_MIN_EXP)
		return NUMBER_TOO_SMALL;
	if (p->n > NUMBER_MAX_DIGITS)
		return NUMBER_TOO_PRECISE;
	return NUMBER_IN_RANGE;
}

int
number_check(const char *text, size_t len, struct err *err)
{
	char q[NUMBER_QUOTE_MAX + 8];
	struct number_parts p;
	enum number_limit lim;

	if (len == 0)
		return err_set(err, ERR_INPUT, "empty text is not a number");
	/* Most numbers are short integers: 38 digits are in range and
	 * precision, found without parsing them. */
	if (len <= NUMBER_MAX_DIGITS &&
	    number_is_canonical_integer(text, len))
		return 0;
	if (number_parse(text, len, &p) != 0) {
		number_quote(text, len, q);
		return err_set(err, ERR_INPUT, "%s is not a number", q);
	}
	lim = number_limit(&p);
	if (lim == NUMBER_IN_RANGE)
		return 0;
	number_quote(text, len, q);
	if (lim == NUMBER_TOO_PRECISE)
		return err_set(err, ERR_INPUT, "number %s has %zu significant "
		    "digits; DynamoDB allows at most 38", q, p.n);
	return err_set(err, ERR_INPUT, "number %s %s", q,
	    number_limit_msgs[lim]);
}

/* Append n copies of '0'. */
static void
number_add_zeros(struct buf *out, long long n)
{
	static const char zeros[] = "0000000000000000";

	while (n > 0) {
		size_t k = n > 16 ? 16 : (size_t)n;

		buf_add(out, zeros, k);
		n -= (long long)k;
	}
}

/*
 * Append the text big.js's toFixed() gives, which is what dynalite stores
 * and returns (and what DynamoDB returns): no exponent, no leading or
 * trailing zeros, "0" for any zero.
 */
static void
number_format(const struct number_parts *p, struct buf *out)
{
	size_t k;

	if (p->n == 0) {
		buf_addc(out, '0');
		return;
	}
	buf_reserve(out, p->n + 3);
	if (p->neg)
		buf_addc(out, '-');
	if (p->e > NUMBER_PLAIN_MAX || p->e < -NUMBER_PLAIN_MAX) {
		buf_addc(out, number_digit(p, 0));
		if (p->n > 1)
			buf_addc(out, '.');
		for (k = 1; k < p->n; k++)
			buf_addc(out, number_digit(p, k));
		buf_printf(out, "e%s%lld", p->e < 0 ? "" : "+", p->e);
		return;
	}
	if (p->e < 0) {
		buf_add(out, "0.", 2);
		number_add_zeros(out, -p->e - 1);
		for (k = 0; k < p->n; k++)
			buf_addc(out, number_digit(p, k));
		return;
	}
	for (k = 0; k < p->n; k++) {
		if ((long long)k == p->e + 1)
			buf_addc(out, '.');
		buf_addc(out, number_digit(p, k));
	}
	number_add_zeros(out, p->e + 1 - (long long)p->n);
}

void
number_canonical(const char *text, size_t len, struct buf *out)
{
	struct number_parts p;

	if (number_parse(text, len, &p) != 0) {
		buf_add(out, text, len);
		return;
	}
	number_format(&p, out);
}

/* Compare magnitudes of two non-zero parsed numbers. */
static int
number_cmp_abs(const struct number_parts *a, const struct number_parts *b)
{
	size_t k, n = a->n < b->n ? a->n : b->n;

	if (a->e != b->e)
		return a->e < b->e ? -1 : 1;
	for (k = 0; k < n; k++) {
		char da = number_digit(a, k), db = number_digit(b, k);

		if (da != db)
			return da < db ? -1 : 1;
	}
	if (a->n == b->n)
		return 0;
	return a->n < b->n ? -1 : 1;
}

/* -1, 0 or 1 for the sign of a parsed number. */
static int
number_sign(const struct number_parts *p)
{
	if (p->n == 0)
		return 0;
	return p->neg ? -1 : 1;
}

int
number_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	struct number_parts pa, pb;
	int sa, sb, c;

	if (number_parse(a, alen, &pa) != 0 ||
	    number_parse(b, blen, &pb) != 0) {
		/* Not numbers: order the texts so the result stays total. */
		c = memcmp(a, b, alen < blen ? alen : blen);
		if (c != 0 || alen == blen)
			return c < 0 ? -1 : c > 0;
		return alen < blen ? -1 : 1;
	}
	sa = number_sign(&pa);
	sb = number_sign(&pb);
	if (sa != sb)
		return sa < sb ? -1 : 1;
	if (sa == 0)
		return 0;
	c = number_cmp_abs(&pa, &pb);
	return sa > 0 ? c : -c;
}

/* Add digit values of a parsed number into acc, where acc[0] is worth
 * 10^hi; sub subtracts instead (borrows resolved later). */
static void
number_accumulate(int *acc, long long hi, const struct number_parts *p,
    int sign)
{
	size_t k;

	for (k = 0; k < p->n; k++)
		acc[hi - p->e + (long long)k] += sign *
		    (number_digit(p, k) - '0');
}

int
number_add(const char *a, size_t alen, const char *b, size_t blen,
    bool negate_b, struct buf *out, struct err *err)
{
	char qa[NUMBER_QUOTE_MAX + 8], qb[NUMBER_QUOTE_MAX + 8], *digits;
	struct number_parts pa, pb, r;
	long long hi, lo, i, width, f, l;
	const struct number_parts *big, *small;
	enum number_limit lim;
	int *acc, carry, c;

	if (number_check(a, alen, err) != 0 ||
	    number_check(b, blen, err) != 0)
		return -1;
	number_parse(a, alen, &pa);
	number_parse(b, blen, &pb);
	if (negate_b)
		pb.neg = !pb.neg;
	if (pb.n == 0 || pa.n == 0) {
		number_format(pb.n == 0 ? &pa : &pb, out);
		return 0;
	}

	/* Digit columns from 10^hi (room for a carry) down to 10^lo. */
	hi = (pa.e > pb.e ? pa.e : pb.e) + 1;
	lo = pa.e - (long long)pa.n + 1;
	if (pb.e - (long long)pb.n + 1 < lo)
		lo = pb.e - (long long)pb.n + 1;
	width = hi - lo + 1;
	acc = xcalloc((size_t)width, sizeof *acc);
	digits = xmalloc((size_t)width);

	r.neg = pa.neg;
	if (pa.neg == pb.neg) {
		number_accumulate(acc, hi, &pa, 1);
		number_accumulate(acc, hi, &pb, 1);
	} else {
		c = number_cmp_abs(&pa, &pb);
		big = c >= 0 ? &pa : &pb;
		small = c >= 0 ? &pb : &pa;
		r.neg = big->neg;
		number_accumulate(acc, hi, big, 1);
		number_accumulate(acc, hi, small, -1);
	}
	carry = 0;
	for (i = width - 1; i >= 0; i--) {
		int d = acc[i] + carry;

		carry = 0;
		if (d >= 10) {
			d -= 10;
			carry = 1;
		} else if (d < 0) {
			d += 10;
			carry = -1;
		}
		digits[i] = (char)('0' + d);
	}
	free(acc);

	for (f = 0; f < width && digits[f] == '0'; f++)
		continue;
	if (f == width) {
		free(digits);
		buf_addc(out, '0');
		return 0;
	}
	for (l = width - 1; digits[l] == '0'; l--)
		continue;
	r.mant = digits + f;
	r.intlen = (size_t)(l - f + 1);
	r.first = 0;
	r.n = (size_t)(l - f + 1);
	r.e = hi - f;
	lim = number_limit(&r);
	if (lim != NUMBER_IN_RANGE) {
		number_quote(a, alen, qa);
		number_quote(b, blen, qb);
		err_set(err, ERR_INPUT, "%s %c %s %s", qa, negate_b ? '-' : '+',
		    qb, lim == NUMBER_TOO_PRECISE ?
		    "needs more than 38 significant digits" :
		    number_limit_msgs[lim]);
		free(digits);
		return -1;
	}
	number_format(&r, out);
	free(digits);
	return 0;
}

/* number_to_ll of a parsed number. */
static void
number_parts_to_ll(const struct number_parts *p, long long *out)
{
	unsigned long long v = 0, lim;
	unsigned d;
	long long k;

	lim = p->neg ? (unsigned long long)LLONG_MAX + 1 : LLONG_MAX;
	/* Digit k stands for 10^(e - k): those down to 10^0. */
	for (k = 0; k <= p->e; k++) {
		d = k < (long long)p->n ? (unsigned)(number_digit(p,
		    (size_t)k) - '0') : 0;
		if (v > (lim - d) / 10) {
			v = lim;
			break;
		}
		v = v * 10 + d;
	}
	if (!p->neg)
		*out = (long long)v;
	else
		*out = v == lim ? LLONG_MIN : -(long long)v;
}

int
number_to_ll(const char *text, size_t len, long long *out)
{
	struct number_parts p;

	if (number_parse(text, len, &p) != 0)
		return -1;
	number_parts_to_ll(&p, out);
	return 0;
}

int
number_to_ll_if_true(const char *text, size_t len, long long *out)
{
	struct number_parts p;

	if (number_parse(text, len, &p) != 0)
		return -1;
	if (p.n == 0)
		return 0;
	number_parts_to_ll(&p, out);
	return 1;
}

bool
number_is_canonical_integer(const char *text, size_t len)
{
	size_t i = len > 0 && text[0] == '-' ? 1 : 0;

	/* "0" but not "-0", no leading zero, no exponent (number_format) */
	if (i == len || len > NUMBER_PLAIN_MAX ||
	    (text[i] == '0' && (i == 1 || len > 1)))
		return false;
	for (; i < len; i++)
		if (text[i] < '0' || text[i] > '9')
			return false;
	return true;
}

bool
number_is_integer(const char *text, size_t len)
{
	struct number_parts p;

	if (number_parse(text, len, &p) != 0)
		return false;
	return p.n == 0 || p.e >= (long long)p.n - 1;
}
