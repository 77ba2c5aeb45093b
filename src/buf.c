/* SPDX-License-Identifier: ISC */
/* A growable byte buffer; always NUL-terminated after data[len]. */
#include "config.h"

#include "buf.h"

#include <sys/mman.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && !defined(BUF_PORTABLE)
#include <emmintrin.h>
#endif

#include "xmalloc.h"

void
buf_init(struct buf *b)
{
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
}

#define BUF_HUGE	(2u << 20)	/* a huge page, on x86-64 */

void
buf_init_huge(struct buf *b, size_t cap)
{
	void *p;

	cap = (cap + BUF_HUGE - 1) / BUF_HUGE * BUF_HUGE;
	p = xmalloc_aligned(BUF_HUGE, cap);
#ifdef MADV_HUGEPAGE
	/* A hint: without huge pages it is ordinary memory. */
	(void)madvise(p, cap, MADV_HUGEPAGE);
#endif
	b->data = p;
	b->data[0] = '\0';
	b->len = 0;
	b->cap = cap;
}

void
buf_cleanup(struct buf *b)
{
	free(b->data);
	buf_init(b);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

void
buf_reserve(struct buf *b, size_t n)
{
	size_t need = b->len + n + 1;

	if (need <= b->cap)
		return;
	if (b->cap == 0)
		b->cap = 64;
	while (b->cap < need)
		b->cap *= 2;
	b->data = xreallocarray(b->data, b->cap, 1);
}

void
buf_add(struct buf *b, const void *p, size_t n)
{
	buf_reserve(b, n);
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void
buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	size_t room;
	int n;

	buf_reserve(b, 64);
	room = b->cap - b->len;
	va_copy(ap2, ap);
	n = vsnprintf(b->data + b->len, room, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		b->data[b->len] = '\0';
		return;
	}
	if ((size_t)n >= room) {
		buf_reserve(b, (size_t)n);
		vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	}
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

/* The first byte of s[i..len) a JSON string must escape: a control
 * character, '"' or '\'; len if none. Most strings have none, and this
 * runs over every string of every item printed. */
static size_t
buf_json_plain_run(const char *s, size_t i, size_t len)
{
#if defined(__SSE2__) && !defined(BUF_PORTABLE)
	const __m128i quote = _mm_set1_epi8('"');
	const __m128i bslash = _mm_set1_epi8('\\');
	const __m128i ctl = _mm_set1_epi8(0x1f);
	char tail[16];
	__m128i v, m;
	unsigned bits;

	for (; i < len; i += 16) {
		if (len - i >= 16)
			v = _mm_loadu_si128((const __m128i *)(const void *)
			    (s + i));
		else {
			/* Most strings are short: their last bytes are
			 * copied out, among plain ones, not read one by
			 * one. */
			memset(tail, 'a', sizeof tail);
			memcpy(tail, s + i, len - i);
			v = _mm_loadu_si128((const __m128i *)(const void *)
			    tail);
		}
		/* Unsigned: v <= 0x1f exactly when max(v, 0x1f) is 0x1f. */
		m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
		    _mm_cmpeq_epi8(v, bslash)),
		    _mm_cmpeq_epi8(_mm_max_epu8(v, ctl), ctl));
		bits = (unsigned)_mm_movemask_epi8(m);
		if (bits != 0)
			return i + (size_t)__builtin_ctz(bits);
	}
	return len;
#else
	for (; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == '"' || c == '\\')
			return i;
	}
	return len;
#endif
}

void
buf_add_json_string(struct buf *b, const char *s, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i, run = 0;

	buf_reserve(b, len + 2);
	b->data[b->len++] = '"';
	if ((i = buf_json_plain_run(s, 0, len)) == len) {
		/* Nothing to escape, as with most: room was made above. */
		memcpy(b->data + b->len, s, len);
		b->len += len;
		b->data[b->len++] = '"';
		b->data[b->len] = '\0';
		return;
	}
	while (i < len) {
		buf_add(b, s + run, i - run);
		switch (s[i]) {
		case '"':  buf_add(b, "\\\"", 2); break;
		case '\\': buf_add(b, "\\\\", 2); break;
		case '\n': buf_add(b, "\\n", 2); break;
		case '\r': buf_add(b, "\\r", 2); break;
		case '\t': buf_add(b, "\\t", 2); break;
		case '\b': buf_add(b, "\\b", 2); break;
		case '\f': buf_add(b, "\\f", 2); break;
		default: {
			char esc[6] = { '\\', 'u', '0', '0',
			    hex[(unsigned char)s[i] >> 4],
			    hex[(unsigned char)s[i] & 15] };

			buf_add(b, esc, 6);
		}
		}
		run = ++i;
		i = buf_json_plain_run(s, i, len);
	}
	buf_add(b, s + run, len - run);
	buf_addc(b, '"');
}

void
buf_add_int(struct buf *b, long long n)
{
	char digits[24], *p = digits + sizeof digits;
	/* The magnitude as unsigned: -LLONG_MIN does not fit a long long. */
	unsigned long long u = n < 0 ? 0ULL - (unsigned long long)n :
	    (unsigned long long)n;

	do
		*--p = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (n < 0)
		*--p = '-';
	buf_add(b, p, (size_t)(digits + sizeof digits - p));
}

const char *
buf_cstr(const struct buf *b)
{
	return b->data != NULL ? b->data : "";
}

char *
buf_detach(struct buf *b, size_t *lenp)
{
	char *p = b->data != NULL ? b->data : xstrdup("");

	if (lenp != NULL)
		*lenp = b->len;
	buf_init(b);
	return p;
}
