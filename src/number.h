/* SPDX-License-Identifier: ISC */
/* DynamoDB numbers as exact decimal text: checking, comparing, arithmetic. */
#ifndef DYNREPO_NUMBER_H
#define DYNREPO_NUMBER_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

/* Check that text is a number DynamoDB accepts: JSON-like decimal syntax
 * with optional sign, fraction and exponent (leading '+' and leading zeros
 * are accepted as DynamoDB accepts them), at most 38 significant digits,
 * magnitude 0 or within 1E-130 .. 9.9999999999999999999999999999999999999E+125.
 * On failure err (ERR_INPUT) says why, quoting the text. */
int	 number_check(const char *text, size_t len, struct err *);
/* Canonical text as DynamoDB returns it: no exponent unless needed ...
 * (the exact rules are in number.c); "1.50" -> "1.5", "-0" -> "0". */
void	 number_canonical(const char *text, size_t len, struct buf *out);
/* Numeric comparison of two valid numbers: <0, 0, >0. Exact. */
int	 number_cmp(const char *a, size_t alen, const char *b, size_t blen);
/* out = a + b (or a - b when negate_b), exact; fails (ERR_INPUT) when the
 * result leaves DynamoDB's range or precision. */
int	 number_add(const char *a, size_t alen, const char *b, size_t blen,
	     bool negate_b, struct buf *out, struct err *);
/* True when text is an integer (no fraction part after canonicalisation). */
bool	 number_is_integer(const char *text, size_t len);

#endif
