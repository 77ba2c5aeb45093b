/* SPDX-License-Identifier: ISC */
/* Standard base64 (RFC 4648, with padding), as DynamoDB uses for B. */
#include "config.h"

#include "base64.h"

#include <stdint.h>

static const char base64_chars[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* One more than each byte's value as a base64 digit ('=' is 64);
 * 0 for bytes that are not base64. */
static const unsigned char base64_values[256] = {
	['A'] = 1, ['B'] = 2, ['C'] = 3, ['D'] = 4, ['E'] = 5, ['F'] = 6,
	['G'] = 7, ['H'] = 8, ['I'] = 9, ['J'] = 10, ['K'] = 11, ['L'] = 12,
	['M'] = 13, ['N'] = 14, ['O'] = 15, ['P'] = 16, ['Q'] = 17, ['R'] = 18,
	['S'] = 19, ['T'] = 20, ['U'] = 21, ['V'] = 22, ['W'] = 23, ['X'] = 24,
	['Y'] = 25, ['Z'] = 26, ['a'] = 27, ['b'] = 28, ['c'] = 29, ['d'] = 30,
	['e'] = 31, ['f'] = 32, ['g'] = 33, ['h'] = 34, ['i'] = 35, ['j'] = 36,
	['k'] = 37, ['l'] = 38, ['m'] = 39, ['n'] = 40, ['o'] = 41, ['p'] = 42,
	['q'] = 43, ['r'] = 44, ['s'] = 45, ['t'] = 46, ['u'] = 47, ['v'] = 48,
	['w'] = 49, ['x'] = 50, ['y'] = 51, ['z'] = 52, ['0'] = 53, ['1'] = 54,
	['2'] = 55, ['3'] = 56, ['4'] = 57, ['5'] = 58, ['6'] = 59, ['7'] = 60,
	['8'] = 61, ['9'] = 62, ['+'] = 63, ['/'] = 64, ['='] = 65,
};

void
base64_encode(struct buf *b, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;
	char *o;

	buf_reserve(b, (len + 2) / 3 * 4);
	o = b->data + b->len;
	for (i = 0; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | (uint32_t)p[i + 1] << 8 |
		    p[i + 2];

		*o++ = base64_chars[v >> 18];
		*o++ = base64_chars[(v >> 12) & 63];
		*o++ = base64_chars[(v >> 6) & 63];
		*o++ = base64_chars[v & 63];
	}
	if (len - i == 1) {
		*o++ = base64_chars[p[i] >> 2];
		*o++ = base64_chars[(p[i] & 3) << 4];
		*o++ = '=';
		*o++ = '=';
	} else if (len - i == 2) {
		*o++ = base64_chars[p[i] >> 2];
		*o++ = base64_chars[(p[i] & 3) << 4 | p[i + 1] >> 4];
		*o++ = base64_chars[(p[i + 1] & 15) << 2];
		*o++ = '=';
	}
	b->len = (size_t)(o - b->data);
	b->data[b->len] = '\0';
}

int
base64_decode_to(const char *s, size_t len, char *out, size_t *outlen,
    struct err *err)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t i, k, o = 0, pad = 0;
	unsigned char d[4];

	/* DynamoDB refuses what Java's strict decoder refuses: a length
	 * that is not a multiple of 4, stray '=', or unused bits set. */
	if (len % 4 != 0)
		return err_set(err, ERR_INPUT, "invalid base64: length %zu is "
		    "not a multiple of 4", len);
	for (i = 0; i < len; i += 4) {
		for (k = 0; k < 4; k++) {
			if (base64_values[p[i + k]] == 0)
				return err_set(err, ERR_INPUT, "invalid "
				    "base64: bad character at offset %zu",
				    i + k);
			d[k] = base64_values[p[i + k]] - 1;
		}
		if (d[0] == 64 || d[1] == 64 || (d[2] == 64 && d[3] != 64) ||
		    ((d[2] == 64 || d[3] == 64) && i + 4 != len))
			return err_set(err, ERR_INPUT, "invalid base64: "
			    "misplaced padding at offset %zu", i);
		pad = d[2] == 64 ? 2 : d[3] == 64 ? 1 : 0;
		if ((pad == 2 && (d[1] & 15) != 0) ||
		    (pad == 1 && (d[2] & 3) != 0))
			return err_set(err, ERR_INPUT, "invalid base64: "
			    "unused bits set in the last character");
		/* Writing lags reading, so out may be s itself. */
		out[o++] = (char)(d[0] << 2 | d[1] >> 4);
		if (pad < 2)
			out[o++] = (char)((d[1] & 15) << 4 | d[2] >> 2);
		if (pad < 1)
			out[o++] = (char)((d[2] & 3) << 6 | d[3]);
	}
	*outlen = o;
	return 0;
}

int
base64_decode(const char *s, size_t len, struct buf *b, struct err *err)
{
	size_t n;

	buf_reserve(b, len / 4 * 3);
	if (base64_decode_to(s, len, b->data + b->len, &n, err) != 0) {
		b->data[b->len] = '\0';
		return -1;
	}
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}
