/* SPDX-License-Identifier: ISC */
/* DynamoDB numbers as exact decimal text: checking, comparing, arithmetic. */
#ifndef DYNREPO_NUMBER_H
#define DYNREPO_NUMBER_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

/* Check that text is a number DynamoDB accepts: JSON-like decimal syntax
 * with optional sign, fraction and exponent (a leading '+', leading zeros,
 * ".5" and "5." are accepted as DynamoDB accepts them; dynalite refuses
 * the '+'), at most 38 significant digits,
 * magnitude 0 or within 1E-130 .. 9.9999999999999999999999999999999999999E+125.
 * On failure err (ERR_INPUT) says why, quoting the text. */
int	 number_check(const char *text, size_t len, struct err *);
/* Append the text DynamoDB and dynalite return for a number, which is
 * big.js's toFixed(): plain decimal, never an exponent, no leading or
 * trailing zeros: "1.50" -> "1.5", "1e2" -> "100", "1E-7" -> "0.0000001",
 * "-0" -> "0", "+.5" -> "0.5". Text that is not a number is appended as
 * it is; numbers far outside DynamoDB's range get an exponent. Cannot
 * fail. */
void	 number_canonical(const char *text, size_t len, struct buf *out);
/* Numeric comparison of two valid numbers: <0, 0, >0. Exact. Texts that
 * are not numbers compare by their bytes (still a total order). */
int	 number_cmp(const char *a, size_t alen, const char *b, size_t blen);
/* Append a + b (or a - b when negate_b), exact, in number_canonical's
 * form; fails (ERR_INPUT, nothing appended) when an operand is not a
 * valid number or the result leaves DynamoDB's range or precision (it
 * never rounds). */
int	 number_add(const char *a, size_t alen, const char *b, size_t blen,
	     bool negate_b, struct buf *out, struct err *);
/* True when text is an integer as number_canonical writes it (digits,
 * perhaps a minus, no leading zero, not "-0"): its own canonical text,
 * found without parsing it. Cannot fail. */
bool	 number_is_canonical_integer(const char *text, size_t len);
/* True when text is an integer (no fraction part after canonicalisation). */
bool	 number_is_integer(const char *text, size_t len);
/* The integer part of a number, toward zero as Python's int() of a
 * Decimal ("1e2" -> 100, "1.7E9" -> 1700000000, "-2.5" -> -2), saturated
 * to long long's range; -1 when the text is not a number. */
int	 number_to_ll(const char *text, size_t len, long long *out);
/* Python's "if d := Decimal(text): int(d)", as pydantic-dynamo reads
 * _object_version and _ttl: the truth test comes before int(), so only a
 * zero fails it ("0.5" passes, and is 0). 1 with *out as number_to_ll
 * sets it when the number is not zero, 0 when it is (*out untouched), -1
 * when text is not a number. */
int	 number_to_ll_if_true(const char *text, size_t len, long long *out);

#endif
