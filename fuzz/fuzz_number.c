/* SPDX-License-Identifier: ISC */
/* Fuzz numbers: number_check, number_canonical, number_cmp and number_add
 * must agree with each other. */
#include "config.h"

#include "fuzz.h"

#include <string.h>

#include "buf.h"
#include "err.h"
#include "number.h"

/* -1, 0 or 1. */
static int
fuzz_number_sign(int c)
{
	return (c > 0) - (c < 0);
}

/* The checks on one valid number. */
static void
fuzz_number_one(const char *a, size_t alen)
{
	struct buf c = BUF_INIT, cc = BUF_INIT;
	struct err e;

	number_canonical(a, alen, &c);
	if (number_check(c.data, c.len, &e) == -1)
		fuzz_fail("the canonical text of a valid number is refused",
		    buf_cstr(&c));
	if (number_cmp(a, alen, c.data, c.len) != 0)
		fuzz_fail("a number and its canonical text differ",
		    buf_cstr(&c));
	if (memchr(c.data, 'e', c.len) != NULL ||
	    memchr(c.data, 'E', c.len) != NULL)
		fuzz_fail("a canonical text with an exponent", buf_cstr(&c));
	number_canonical(c.data, c.len, &cc);
	if (c.len != cc.len ||
	    (c.len > 0 && memcmp(c.data, cc.data, c.len) != 0))
		fuzz_fail("number_canonical is not idempotent", buf_cstr(&c));
	if (number_is_integer(a, alen) != (memchr(c.data, '.', c.len) == NULL))
		fuzz_fail("number_is_integer disagrees with the canonical text",
		    buf_cstr(&c));
	buf_cleanup(&c);
	buf_cleanup(&cc);
}

/* The checks on two valid numbers. */
static void
fuzz_number_two(const char *a, size_t alen, const char *b, size_t blen)
{
	struct buf r = BUF_INIT, r2 = BUF_INIT, back = BUF_INIT;
	int ab = fuzz_number_sign(number_cmp(a, alen, b, blen));
	struct err e;

	if (ab != -fuzz_number_sign(number_cmp(b, blen, a, alen)))
		fuzz_fail("number_cmp is not antisymmetric", NULL);
	if (number_add(a, alen, b, blen, false, &r, &e) == -1) {
		if (r.len != 0)
			fuzz_fail("a failed number_add appended text", NULL);
		if (e.code != ERR_INPUT)
			fuzz_fail("a failed number_add without ERR_INPUT",
			    e.msg);
		if (number_add(b, blen, a, alen, false, &r2, &e) == 0)
			fuzz_fail("a + b fails but b + a does not", NULL);
		goto out;
	}
	if (number_check(r.data, r.len, &e) == -1)
		fuzz_fail("a sum DynamoDB refuses", buf_cstr(&r));
	if (number_add(b, blen, a, alen, false, &r2, &e) == -1 ||
	    r.len != r2.len ||
	    (r.len > 0 && memcmp(r.data, r2.data, r.len) != 0))
		fuzz_fail("a + b != b + a", buf_cstr(&r));
	/* (a + b) - b is a again, exactly: a is representable. */
	if (number_add(r.data, r.len, b, blen, true, &back, &e) == -1)
		fuzz_fail("(a + b) - b fails", e.msg);
	if (number_cmp(back.data, back.len, a, alen) != 0)
		fuzz_fail("(a + b) - b != a", buf_cstr(&back));
	/* a + b compares to a as b compares to zero. */
	if (fuzz_number_sign(number_cmp(r.data, r.len, a, alen)) !=
	    fuzz_number_sign(number_cmp(b, blen, "0", 1)))
		fuzz_fail("a + b is on the wrong side of a", buf_cstr(&r));
out:
	buf_cleanup(&r);
	buf_cleanup(&r2);
	buf_cleanup(&back);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	const char *p = (const char *)data, *end = p + len, *nl;
	const char *t[3];
	size_t tl[3], n = 0, i;
	bool ok[3];
	struct buf junk = BUF_INIT;
	struct err e;

	/* Up to three numbers, one a line. */
	while (n < 3) {
		nl = memchr(p, '\n', (size_t)(end - p));
		t[n] = p;
		tl[n] = nl != NULL ? (size_t)(nl - p) : (size_t)(end - p);
		n++;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
	for (i = 0; i < n; i++) {
		ok[i] = number_check(t[i], tl[i], &e) == 0;
		if (!ok[i] && (e.code != ERR_INPUT || e.msg[0] == '\0'))
			fuzz_fail("a refusal without ERR_INPUT and a message",
			    NULL);
		if (ok[i])
			fuzz_number_one(t[i], tl[i]);
		else
			number_canonical(t[i], tl[i], &junk);
		if (number_cmp(t[i], tl[i], t[i], tl[i]) != 0)
			fuzz_fail("a number differs from itself", NULL);
	}
	if (n >= 2 && ok[0] && ok[1])
		fuzz_number_two(t[0], tl[0], t[1], tl[1]);
	if (n == 3 && ok[0] && ok[1] && ok[2] &&
	    number_cmp(t[0], tl[0], t[1], tl[1]) <= 0 &&
	    number_cmp(t[1], tl[1], t[2], tl[2]) <= 0 &&
	    number_cmp(t[0], tl[0], t[2], tl[2]) > 0)
		fuzz_fail("number_cmp is not transitive", NULL);
	buf_cleanup(&junk);
	return 0;
}
