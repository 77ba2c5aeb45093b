/* SPDX-License-Identifier: ISC */
/* A push JSON parser that scans strings a vector at a time. */
#include "config.h"

#include "jsonlex.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__) && !defined(JSONLEX_PORTABLE)
#include <emmintrin.h>
#endif

#include "xmalloc.h"

/* What the parser expects next. */
enum jsonlex_state {
	JS_START,	/* the document's value */
	JS_VALUE,	/* a value, after ':' or an array's ',' */
	JS_ARRAY_FIRST,	/* a value or ']' */
	JS_MAP_FIRST,	/* a name or '}' */
	JS_KEY,		/* a name, after a map's ',' */
	JS_COLON,	/* ':' after a name */
	JS_AFTER,	/* ',' or the container's end, after a value */
	JS_DONE,	/* nothing but whitespace */
};

/* The kind of a token split between pieces. */
enum jsonlex_pending {
	JP_NONE,
	JP_STRING,
	JP_NUMBER,
	JP_LITERAL,
};

/* Byte classes. */
#define JC_WS	0x01	/* whitespace between tokens */
#define JC_STR	0x02	/* ends a plain run in a string */
#define JC_NUM	0x04	/* may be part of a number */
#define JC_LIT	0x08	/* may be part of true, false, null */
#define JC_HEX	0x10	/* hex digit */
#define JC_ESC	0x20	/* may follow '\' (besides 'u') */

/* The class of every byte: JC_WS for yajl's whitespace (RFC 8259's and
 * \v, \f), JC_STR for bytes < 0x20 or >= 0x80, '"' and '\', JC_NUM for
 * [0-9+-.eE], JC_LIT for [a-z], JC_HEX for [0-9a-fA-F], JC_ESC for
 * ["\\/bfnrt]. */
static const unsigned char jsonlex_class[256] = {
	/* 00 */ 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
	/* 08 */ 0x02, 0x03, 0x03, 0x03, 0x03, 0x03, 0x02, 0x02,
	/* 10 */ 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
	/* 18 */ 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
	/* 20 */ 0x01, 0x00, 0x22, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 28 */ 0x00, 0x00, 0x00, 0x04, 0x00, 0x04, 0x04, 0x20,
	/* 30 */ 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14, 0x14,
	/* 38 */ 0x14, 0x14, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 40 */ 0x00, 0x10, 0x10, 0x10, 0x10, 0x14, 0x10, 0x00,
	/* 48 */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 50 */ 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 58 */ 0x00, 0x00, 0x00, 0x00, 0x22, 0x00, 0x00, 0x00,
	/* 60 */ 0x00, 0x18, 0x38, 0x18, 0x18, 0x1c, 0x38, 0x08,
	/* 68 */ 0x08, 0x08, 0x08, 0x08, 0x08, 0x08, 0x28, 0x08,
	/* 70 */ 0x08, 0x08, 0x28, 0x08, 0x28, 0x08, 0x08, 0x08,
	/* 78 */ 0x08, 0x08, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00,
	/* 80 */ 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
	/* 88 */ 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
	/* 90 */ 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
	/* 98 */ 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
	/* a0 */ 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
	/* a8 */ 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
	/* b0 */ 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
	/* b8 */ 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
	/* c0 */ 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
	/* c8 */ 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
	/* d0 */ 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
	/* d8 */ 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
	/* e0 */ 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
	/* e8 */ 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
	/* f0 */ 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
	/* f8 */ 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02, 0x02,
};

const unsigned char *
jsonlex_scan(const unsigned char *p, const unsigned char *end)
{
#if defined(__SSE2__) && !defined(JSONLEX_PORTABLE)
	const __m128i quote = _mm_set1_epi8('"');
	const __m128i bslash = _mm_set1_epi8('\\');
	const __m128i space = _mm_set1_epi8(0x20);

	while (end - p >= 16) {
		__m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
		/* Signed: bytes >= 0x80 are below 0x20 too. */
		__m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote),
		    _mm_cmpeq_epi8(v, bslash)), _mm_cmplt_epi8(v, space));
		int bits = _mm_movemask_epi8(m);

		if (bits != 0)
			return p + __builtin_ctz((unsigned)bits);
		p += 16;
	}
#else
	/* A word at a time: any byte < 0x20, >= 0x80, '"' or '\' flags
	 * the word (rarely one too many), then bytes find which. */
	const uint64_t ones = 0x0101010101010101ULL;
	const uint64_t high = 0x8080808080808080ULL;

	while (end - p >= 8) {
		uint64_t w, q, b;

		memcpy(&w, p, 8);
		q = w ^ (ones * '"');
		b = w ^ (ones * '\\');
		if (((((w - ones * 0x20) & ~w) | ((q - ones) & ~q) |
		    ((b - ones) & ~b)) & high) != 0 || (w & high) != 0)
			break;
		p += 8;
	}
#endif
	while (p < end && !(jsonlex_class[*p] & JC_STR))
		p++;
	return p;
}

int
jsonlex_utf8(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xBF;
	int n, i;

	if (c >= 0xC2 && c <= 0xDF)
		n = 2;
	else if (c >= 0xE0 && c <= 0xEF) {
		n = 3;
		if (c == 0xE0)
			lo = 0xA0;
		else if (c == 0xED)
			hi = 0x9F;
	} else if (c >= 0xF0 && c <= 0xF4) {
		n = 4;
		if (c == 0xF0)
			lo = 0x90;
		else if (c == 0xF4)
			hi = 0x8F;
	} else
		return 0;
	for (i = 1; i < n; i++) {
		if (p + i >= end)
			return -1;
		if (p[i] < lo || p[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xBF;
	}
	return n;
}

/* Stop with a syntax error found at byte abs. */
static void
jsonlex_fail(struct jsonlex *lx, size_t abs, const char *msg)
{
	lx->status = JSONLEX_ERROR;
	lx->offset = abs;
	lx->msg = msg;
}

/* After a callback: stop if it refused, the offset after its token. */
static bool
jsonlex_went_on(struct jsonlex *lx, int rc, size_t abs)
{
	if (rc != 0)
		return true;
	lx->status = JSONLEX_CANCELED;
	lx->offset = abs;
	return false;
}

/* A value is complete: what follows it. */
static void
jsonlex_after_value(struct jsonlex *lx)
{
	lx->state = lx->depth > 0 ? JS_AFTER : JS_DONE;
}

/* The value of the 4 hex digits at p. */
static unsigned
jsonlex_hex4(const unsigned char *p)
{
	unsigned v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		unsigned c = p[i];

		v <<= 4;
		if (c <= '9')
			v |= c - '0';
		else
			v |= (c | 0x20) - 'a' + 10;
	}
	return v;
}

/* Unescape a lexed string body (escapes known well-formed) into lx->dec;
 * -1 with the error set for a lone surrogate. abs: body's offset. */
static int
jsonlex_unescape(struct jsonlex *lx, const unsigned char *s, size_t len,
    size_t abs, size_t *out_len)
{
	const unsigned char *end = s + len, *p = s, *bs;
	unsigned char *d;

	/* Escapes only shrink the text. */
	if (lx->dec_cap < len) {
		lx->dec_cap = len < 64 ? 64 : len;
		lx->dec = xreallocarray(lx->dec, lx->dec_cap, 1);
	}
	d = (unsigned char *)lx->dec;
	while (p < end) {
		unsigned cp;

		bs = memchr(p, '\\', (size_t)(end - p));
		if (bs == NULL)
			bs = end;
		memcpy(d, p, (size_t)(bs - p));
		d += bs - p;
		if (bs == end)
			break;
		p = bs + 2;
		switch (bs[1]) {
		case 'b': *d++ = '\b'; continue;
		case 'f': *d++ = '\f'; continue;
		case 'n': *d++ = '\n'; continue;
		case 'r': *d++ = '\r'; continue;
		case 't': *d++ = '\t'; continue;
		case 'u': break;
		default: *d++ = bs[1]; continue;
		}
		cp = jsonlex_hex4(p);
		p += 4;
		if (cp >= 0xD800 && cp <= 0xDFFF) {
			unsigned lo = 0;

			if (cp >= 0xDC00 || end - p < 6 || p[0] != '\\' ||
			    p[1] != 'u' ||
			    (lo = jsonlex_hex4(p + 2)) < 0xDC00 ||
			    lo > 0xDFFF) {
				jsonlex_fail(lx, abs + (size_t)(bs - s),
				    "lexical error: a UTF-16 surrogate in a "
				    "\\u escape that is not a high-low pair.");
				return -1;
			}
			cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			p += 6;
		}
		if (cp < 0x80)
			*d++ = (unsigned char)cp;
		else if (cp < 0x800) {
			*d++ = (unsigned char)(0xC0 | cp >> 6);
			*d++ = (unsigned char)(0x80 | (cp & 0x3F));
		} else if (cp < 0x10000) {
			*d++ = (unsigned char)(0xE0 | cp >> 12);
			*d++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
			*d++ = (unsigned char)(0x80 | (cp & 0x3F));
		} else {
			*d++ = (unsigned char)(0xF0 | cp >> 18);
			*d++ = (unsigned char)(0x80 | ((cp >> 12) & 0x3F));
			*d++ = (unsigned char)(0x80 | ((cp >> 6) & 0x3F));
			*d++ = (unsigned char)(0x80 | (cp & 0x3F));
		}
	}
	*out_len = (size_t)(d - (unsigned char *)lx->dec);
	return 0;
}

/* A string token from p (at its '"'), a name in a map's name places. */
static ptrdiff_t
jsonlex_string(struct jsonlex *lx, const unsigned char *p,
    const unsigned char *end, size_t abs)
{
	const unsigned char *q = p + 1, *s;
	bool esc = false, key;
	size_t len;
	int n, i, rc;

	for (;;) {
		q = jsonlex_scan(q, end);
		if (q >= end)
			return 0;
		if (*q == '"')
			break;
		if (*q == '\\') {
			esc = true;
			if (end - q < 2)
				return 0;
			if (q[1] == 'u') {
				for (i = 2; i < 6; i++) {
					if (q + i >= end)
						return 0;
					if (jsonlex_class[q[i]] & JC_HEX)
						continue;
					jsonlex_fail(lx, abs + (size_t)(q + i -
					    p), "lexical error: invalid "
					    "(non-hex) character occurs after "
					    "'\\u' inside string.");
					return -1;
				}
				q += 6;
			} else if (jsonlex_class[q[1]] & JC_ESC)
				q += 2;
			else {
				jsonlex_fail(lx, abs + (size_t)(q + 1 - p),
				    "lexical error: inside a string, '\\' "
				    "occurs before a character which it may "
				    "not.");
				return -1;
			}
			continue;
		}
		if (*q < 0x20) {
			jsonlex_fail(lx, abs + (size_t)(q - p),
			    "lexical error: invalid character inside string.");
			return -1;
		}
		n = jsonlex_utf8(q, end);
		if (n < 0)
			return 0;
		if (n == 0) {
			jsonlex_fail(lx, abs + (size_t)(q - p),
			    "lexical error: invalid bytes in UTF8 string.");
			return -1;
		}
		q += n;
	}
	s = p + 1;
	len = (size_t)(q - s);
	if (esc) {
		if (jsonlex_unescape(lx, s, len, abs + 1, &len) != 0)
			return -1;
		s = (const unsigned char *)lx->dec;
	}
	key = lx->state == JS_KEY || lx->state == JS_MAP_FIRST;
	if (key) {
		rc = lx->cb->map_key(lx->ctx, s, len);
		lx->state = JS_COLON;
	} else {
		rc = lx->cb->string(lx->ctx, s, len);
		jsonlex_after_value(lx);
	}
	if (!jsonlex_went_on(lx, rc, abs + (size_t)(q + 1 - p)))
		return -1;
	return q + 1 - p;
}

/* True when [s, s+len) is a JSON number. */
static bool
jsonlex_number_ok(const unsigned char *s, size_t len)
{
	const unsigned char *p = s, *end = s + len;

	if (p < end && *p == '-')
		p++;
	if (p < end && *p == '0')
		p++;
	else if (p < end && *p >= '1' && *p <= '9')
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	else
		return false;
	if (p < end && *p == '.') {
		p++;
		if (p == end || *p < '0' || *p > '9')
			return false;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	if (p < end && (*p == 'e' || *p == 'E')) {
		p++;
		if (p < end && (*p == '+' || *p == '-'))
			p++;
		if (p == end || *p < '0' || *p > '9')
			return false;
		while (p < end && *p >= '0' && *p <= '9')
			p++;
	}
	return p == end;
}

/*
 * A scalar token from p: the bytes it took, 0 if end cut it (only when
 * not final: a number or literal may go on in the next piece; a string
 * always can), -1 when the parse stopped. abs: p's offset.
 */
static ptrdiff_t
jsonlex_scalar(struct jsonlex *lx, const unsigned char *p,
    const unsigned char *end, size_t abs, bool final)
{
	const unsigned char *q = p;
	size_t len;
	int rc;

	if (*p == '"')
		return jsonlex_string(lx, p, end, abs);
	if (lx->state == JS_KEY || lx->state == JS_MAP_FIRST) {
		jsonlex_fail(lx, abs, "parse error: invalid object key (must "
		    "be a string)");
		return -1;
	}
	if (*p == '-' || (*p >= '0' && *p <= '9')) {
		/* No number is followed by these in valid JSON: take them
		 * all, then check. */
		while (q < end && (jsonlex_class[*q] & JC_NUM))
			q++;
		if (q == end && !final)
			return 0;
		len = (size_t)(q - p);
		if (!jsonlex_number_ok(p, len)) {
			jsonlex_fail(lx, abs, "lexical error: malformed "
			    "number.");
			return -1;
		}
		rc = lx->cb->number(lx->ctx, (const char *)p, len);
	} else if (*p == 't' || *p == 'f' || *p == 'n') {
		while (q < end && (jsonlex_class[*q] & JC_LIT))
			q++;
		if (q == end && !final)
			return 0;
		len = (size_t)(q - p);
		if (len == 4 && memcmp(p, "true", 4) == 0)
			rc = lx->cb->boolean(lx->ctx, 1);
		else if (len == 5 && memcmp(p, "false", 5) == 0)
			rc = lx->cb->boolean(lx->ctx, 0);
		else if (len == 4 && memcmp(p, "null", 4) == 0)
			rc = lx->cb->null(lx->ctx);
		else {
			jsonlex_fail(lx, abs, "lexical error: invalid string "
			    "in json text.");
			return -1;
		}
	} else {
		jsonlex_fail(lx, abs, "lexical error: invalid char in json "
		    "text.");
		return -1;
	}
	jsonlex_after_value(lx);
	if (!jsonlex_went_on(lx, rc, abs + len))
		return -1;
	return (ptrdiff_t)len;
}

/* Keep [p, end), the start of a token, for the next piece. */
static void
jsonlex_keep(struct jsonlex *lx, const unsigned char *p,
    const unsigned char *end, size_t abs)
{
	size_t n = (size_t)(end - p), i;

	lx->pending = *p == '"' ? JP_STRING : (jsonlex_class[*p] & JC_LIT) ?
	    JP_LITERAL : JP_NUMBER;
	lx->tok_start = abs;
	lx->tok_len = 0;
	if (lx->tok_cap < n) {
		lx->tok_cap = n < 256 ? 256 : n;
		lx->tok = xreallocarray(lx->tok, lx->tok_cap, 1);
	}
	memcpy(lx->tok, p, n);
	lx->tok_len = n;
	/* An odd run of '\' at the end escapes the next piece's byte. */
	lx->pending_bs = false;
	for (i = n; lx->pending == JP_STRING && i > 1 &&
	    lx->tok[i - 1] == '\\'; i--)
		lx->pending_bs = !lx->pending_bs;
}

/* Append n bytes to the kept token. */
static void
jsonlex_keep_more(struct jsonlex *lx, const unsigned char *p, size_t n)
{
	if (lx->tok_cap - lx->tok_len < n) {
		while (lx->tok_cap - lx->tok_len < n)
			lx->tok_cap *= 2;
		lx->tok = xreallocarray(lx->tok, lx->tok_cap, 1);
	}
	memcpy(lx->tok + lx->tok_len, p, n);
	lx->tok_len += n;
}

/* Open a container after its callback went on. */
static void
jsonlex_push(struct jsonlex *lx, unsigned char c)
{
	if (lx->depth == lx->stack_cap) {
		lx->stack_cap = lx->stack_cap == 0 ? 64 : lx->stack_cap * 2;
		lx->stack = xreallocarray(lx->stack, lx->stack_cap, 1);
	}
	lx->stack[lx->depth++] = c;
	lx->state = c == '{' ? JS_MAP_FIRST : JS_ARRAY_FIRST;
}

/* Parse [p, end), abs being p's offset, up to a cut token (kept). */
static void
jsonlex_run(struct jsonlex *lx, const unsigned char *p,
    const unsigned char *end, size_t abs)
{
	const unsigned char *start = p;
	ptrdiff_t n;
	unsigned char c;
	int rc;

	while (p < end) {
		c = *p;
		if (jsonlex_class[c] & JC_WS) {
			p++;
			continue;
		}
		switch (lx->state) {
		case JS_AFTER:
			if (c == ',') {
				lx->state = lx->stack[lx->depth - 1] == '{' ?
				    JS_KEY : JS_VALUE;
				p++;
				continue;
			}
			if (c == (lx->stack[lx->depth - 1] == '{' ? '}' : ']'))
				goto close;
			jsonlex_fail(lx, abs + (size_t)(p - start),
			    lx->stack[lx->depth - 1] == '{' ? "parse error: "
			    "after key and value, inside map, I expect ',' or "
			    "'}'" : "parse error: after array element, I "
			    "expect ',' or ']'");
			return;
		case JS_COLON:
			if (c == ':') {
				lx->state = JS_VALUE;
				p++;
				continue;
			}
			jsonlex_fail(lx, abs + (size_t)(p - start), "parse "
			    "error: object key and value must be separated by "
			    "a colon (':')");
			return;
		case JS_DONE:
			jsonlex_fail(lx, abs + (size_t)(p - start), "parse "
			    "error: trailing garbage");
			return;
		case JS_MAP_FIRST:
			if (c == '}')
				goto close;
			break;
		case JS_ARRAY_FIRST:
			if (c == ']')
				goto close;
			break;
		default:
			break;
		}
		/* A value, or a name where one is due. */
		if ((c == '{' || c == '[') && lx->state != JS_KEY &&
		    lx->state != JS_MAP_FIRST) {
			p++;
			rc = c == '{' ? lx->cb->start_map(lx->ctx) :
			    lx->cb->start_array(lx->ctx);
			if (!jsonlex_went_on(lx, rc, abs + (size_t)(p - start)))
				return;
			jsonlex_push(lx, c);
			continue;
		}
		n = jsonlex_scalar(lx, p, end, abs + (size_t)(p - start),
		    false);
		if (n < 0)
			return;
		if (n == 0) {
			jsonlex_keep(lx, p, end, abs + (size_t)(p - start));
			return;
		}
		p += n;
		continue;
close:
		p++;
		lx->depth--;
		rc = c == '}' ? lx->cb->end_map(lx->ctx) :
		    lx->cb->end_array(lx->ctx);
		jsonlex_after_value(lx);
		if (!jsonlex_went_on(lx, rc, abs + (size_t)(p - start)))
			return;
	}
}

/* Take the kept token on with the piece [p, end): the bytes of the piece
 * it took once finished (and parsed), or -1 if it goes on past end or the
 * parse stopped. */
static ptrdiff_t
jsonlex_resume(struct jsonlex *lx, const unsigned char *p,
    const unsigned char *end)
{
	const unsigned char *q = p;
	unsigned char want = lx->pending == JP_NUMBER ? JC_NUM : JC_LIT;
	bool bs = lx->pending_bs;
	size_t took;

	if (lx->pending == JP_STRING) {
		for (; q < end; q++) {
			if (bs)
				bs = false;
			else if (*q == '\\')
				bs = true;
			else if (*q == '"')
				break;
		}
		if (q == end) {
			jsonlex_keep_more(lx, p, (size_t)(end - p));
			lx->pending_bs = bs;
			return -1;
		}
		q++;
	} else {
		while (q < end && (jsonlex_class[*q] & want))
			q++;
		if (q == end) {
			jsonlex_keep_more(lx, p, (size_t)(end - p));
			return -1;
		}
	}
	took = (size_t)(q - p);
	jsonlex_keep_more(lx, p, took);
	lx->pending = JP_NONE;
	if (jsonlex_scalar(lx, (const unsigned char *)lx->tok,
	    (const unsigned char *)lx->tok + lx->tok_len, lx->tok_start,
	    true) < 0)
		return -1;
	return (ptrdiff_t)took;
}

void
jsonlex_init(struct jsonlex *lx, const struct jsonlex_callbacks *cb,
    void *ctx)
{
	memset(lx, 0, sizeof *lx);
	lx->cb = cb;
	lx->ctx = ctx;
}

void
jsonlex_reset(struct jsonlex *lx)
{
	lx->status = JSONLEX_OK;
	lx->state = JS_START;
	lx->depth = 0;
	lx->pending = JP_NONE;
	lx->tok_len = 0;
	lx->fed = lx->offset = 0;
	lx->msg = NULL;
}

void
jsonlex_cleanup(struct jsonlex *lx)
{
	free(lx->stack);
	free(lx->tok);
	free(lx->dec);
	memset(lx, 0, sizeof *lx);
}

enum jsonlex_status
jsonlex_feed(struct jsonlex *lx, const char *text, size_t len)
{
	const unsigned char *p = (const unsigned char *)text, *end = p + len;
	ptrdiff_t took = 0;

	if (lx->status != JSONLEX_OK || len == 0)
		return lx->status;
	if (lx->pending != JP_NONE)
		took = jsonlex_resume(lx, p, end);
	if (took >= 0)
		jsonlex_run(lx, p + took, end, lx->fed + (size_t)took);
	lx->fed += len;
	return lx->status;
}

enum jsonlex_status
jsonlex_finish(struct jsonlex *lx)
{
	ptrdiff_t n;

	if (lx->status != JSONLEX_OK)
		return lx->status;
	if (lx->pending != JP_NONE) {
		lx->pending = JP_NONE;
		n = jsonlex_scalar(lx, (const unsigned char *)lx->tok,
		    (const unsigned char *)lx->tok + lx->tok_len,
		    lx->tok_start, true);
		if (n < 0)
			return lx->status;
		/* A string without its end, or a literal cut short. */
		if (n == 0) {
			jsonlex_fail(lx, lx->fed, "parse error: premature "
			    "EOF");
			return lx->status;
		}
	}
	if (lx->state != JS_DONE)
		jsonlex_fail(lx, lx->fed, "parse error: premature EOF");
	return lx->status;
}

size_t
jsonlex_offset(const struct jsonlex *lx)
{
	return lx->offset;
}

const char *
jsonlex_error(const struct jsonlex *lx)
{
	return lx->status == JSONLEX_ERROR ? lx->msg : NULL;
}
