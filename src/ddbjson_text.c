/* SPDX-License-Identifier: ISC */
/*
 * DynamoDB JSON read as text, for the CLI's listings.
 *
 * Building every item of a page into values, then printing the values as
 * plain JSON, was most of a list's CPU. Here a page's Items stay text and
 * each attribute's value is rewritten straight into the plain JSON that
 * json_emit prints for its typed value: {"S":"x"} becomes "x", {"N":"1"}
 * 1, {"M":{...}} an object, and so on. Only the common, well-formed shapes
 * are taken; anything else (a set, a binary, a \u escape, a name seen
 * twice, a number JSON cannot carry, malformed text) answers
 * DDBJSON_TEXT_SLOW and the caller parses that item with ddbjson_parse_item
 * as before, so that the output and the errors stay the parser's.
 */
#include "config.h"

#include "ddbjson.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "json.h"
#include "jsonlex.h"
#include "number.h"

#define TEXT_MAX_DEPTH	64	/* deeper values take the long way */

/* Skip JSON's whitespace; compact JSON has none, which is seen first. */
static inline const char *
text_ws(const char *p, const char *end)
{
	if (p < end && (unsigned char)*p > ' ')
		return p;
	return ddbjson_text_ws(p, end);
}

const char *
ddbjson_text_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' ||
	    *p == '\t'))
		p++;
	return p;
}

/* The first byte from p that ends a plain run of string (jsonlex's). */
static const char *
text_scan(const char *p, const char *end)
{
	return (const char *)jsonlex_scan((const unsigned char *)p,
	    (const unsigned char *)end);
}

/* The length of the well-formed UTF-8 sequence at p (shortest form, no
 * surrogates, at most U+10FFFF, as jsonlex accepts), or 0. */
static size_t
text_utf8(const unsigned char *p, const unsigned char *end)
{
	unsigned char c = p[0], lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (c >= 0xc2 && c <= 0xdf)
		n = 2;
	else if (c >= 0xe0 && c <= 0xef) {
		n = 3;
		if (c == 0xe0)
			lo = 0xa0;
		else if (c == 0xed)
			hi = 0x9f;
	} else if (c >= 0xf0 && c <= 0xf4) {
		n = 4;
		if (c == 0xf0)
			lo = 0x90;
		else if (c == 0xf4)
			hi = 0x8f;
	} else
		return 0;
	if ((size_t)(end - p) < n || p[1] < lo || p[1] > hi)
		return 0;
	for (i = 2; i < n; i++)
		if ((p[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

/*
 * A string at *p (its opening quote): its text, which needs no decoding
 * (no escape in it), in *s and *len, *p past its closing quote. Any
 * escape, a control character or bad UTF-8: DDBJSON_TEXT_SLOW.
 */
static int
text_plain_string(const char **p, const char *end, const char **s,
    size_t *len)
{
	const char *q = *p + 1;
	size_t n;

	if (*p >= end || **p != '"')
		return DDBJSON_TEXT_SLOW;
	for (;;) {
		q = text_scan(q, end);
		if (q >= end)
			return DDBJSON_TEXT_SLOW;
		if (*q == '"')
			break;
		if ((unsigned char)*q < 0x80 || (n = text_utf8(
		    (const unsigned char *)q, (const unsigned char *)end)) == 0)
			return DDBJSON_TEXT_SLOW;	/* '\', control, bad */
		q += n;
	}
	*s = *p + 1;
	*len = (size_t)(q - *s);
	*p = q + 1;
	return 0;
}

#if defined(__SSE2__) && !defined(DDBJSON_TEXT_PORTABLE)
#include <emmintrin.h>
#define TEXT_SSE2	1
#endif

/*
 * text_plain_string for the usual string, plain ASCII: 16 bytes at a time
 * up to the first byte that ends a plain run, which is its closing quote.
 * Anything else (or too near the end to look 16 bytes ahead), the long
 * way.
 */
static inline int
text_string(const char **p, const char *end, const char **s, size_t *len)
{
#ifdef TEXT_SSE2
	const char *q = *p + 1;
	unsigned bits, i;
	__m128i v;

	if (*p >= end || **p != '"')
		return DDBJSON_TEXT_SLOW;
	while (end - q >= 16) {
		v = _mm_loadu_si128((const __m128i *)(const void *)q);
		/* Signed: bytes >= 0x80 are below 0x20 too. */
		bits = (unsigned)_mm_movemask_epi8(_mm_or_si128(_mm_or_si128(
		    _mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v,
		    _mm_set1_epi8('\\'))), _mm_cmplt_epi8(v,
		    _mm_set1_epi8(0x20))));
		if (bits == 0) {
			q += 16;
			continue;
		}
		i = (unsigned)__builtin_ctz(bits);
		if (q[i] != '"')
			break;
		*s = *p + 1;
		*len = (size_t)(q + i - *s);
		*p = q + i + 1;
		return 0;
	}
#endif
	return text_plain_string(p, end, s, len);
}

/* Expect byte c (after whitespace) at *p and step past it. */
static inline int
text_expect(const char **p, const char *end, char c)
{
	const char *q = *p;

	if (q < end && *q == c) {	/* compact JSON: no whitespace */
		*p = q + 1;
		return 0;
	}
	q = text_ws(q, end);

	if (q >= end || *q != c)
		return DDBJSON_TEXT_SLOW;
	*p = q + 1;
	return 0;
}

/* Expect the literal lit at *p. */
static int
text_literal(const char **p, const char *end, const char *lit, size_t n)
{
	if ((size_t)(end - *p) < n || memcmp(*p, lit, n) != 0)
		return DDBJSON_TEXT_SLOW;
	*p += n;
	return 0;
}

/* A name's bit in the filter, from its first and last four bytes: names
 * of one model seldom share both, and a shared bit costs a look at every
 * name so far. */
static inline unsigned
text_name_bit(const char *s, size_t len)
{
	uint32_t a, b;

	if (len >= 4) {
		memcpy(&a, s, 4);
		memcpy(&b, s + len - 4, 4);
	} else if (len > 0) {
		a = (unsigned char)s[0] |
		    (uint32_t)(unsigned char)s[len / 2] << 8;
		b = (unsigned char)s[len - 1];
	} else
		a = b = 0;
	return ((a ^ b * 0x9e3779b1u ^ (uint32_t)len) * 0x85ebca6bu) >> 24;
}

/* Add a name; DDBJSON_TEXT_SLOW when it is there already (or too many). */
static inline int
text_names_add(struct ddbjson_text_names *t, const char *s, size_t len)
{
	unsigned bit = text_name_bit(s, len);
	uint64_t mask = UINT64_C(1) << (bit & 63);
	size_t i;

	if (t->n == DDBJSON_TEXT_NAMES)
		return DDBJSON_TEXT_SLOW;
	if (t->seen[bit >> 6] & mask)
		for (i = 0; i < t->n; i++)
			if (t->len[i] == len && memcmp(t->name[i], s, len) == 0)
				return DDBJSON_TEXT_SLOW;
	t->seen[bit >> 6] |= mask;
	t->name[t->n] = s;
	t->len[t->n++] = len;
	return 0;
}

/* Digits from p up to end: where they stop. */
static inline const char *
text_digits(const char *p, const char *end)
{
	while (p < end && *p >= '0' && *p <= '9')
		p++;
	return p;
}

/*
 * The usual number, -?(0|[1-9][0-9]*)(.[0-9]+)? of at most 38 digits:
 * JSON's syntax, and DynamoDB's, with no more significant digits than
 * it keeps and well within its range. It prints as it is.
 */
static inline __attribute__((always_inline)) bool
text_plain_number(const char *s, size_t len)
{
	const char *end = s + len, *d, *q;
	size_t digits;

	if (s < end && *s == '-')
		s++;
	if (s == end || *s < '0' || *s > '9')
		return false;
	d = s;
	q = *s == '0' ? s + 1 : text_digits(s, end);
	digits = (size_t)(q - d);
	if (q < end && *q == '.') {
		s = text_digits(q + 1, end);
		if (s == q + 1)
			return false;
		digits += (size_t)(s - q - 1);
		q = s;
	}
	return q == end && digits <= 38;
}

/*
 * The usual scalars in compact JSON, {"S":"plain"}, {"N":"plain"},
 * {"NULL":true} and {"BOOL":...}, at *p as plain JSON to out: 1, *p past
 * it. Anything else, 0 and *p as it was, for text_value to read the
 * careful way. Most values are these: read here, inline, they cost no
 * call.
 */
static inline __attribute__((always_inline)) int
text_scalar_fast(const char **p, const char *end, struct buf *out)
{
	const char *q = *p, *s;
	size_t len;

	if (end - q < 16 || q[0] != '{' || q[1] != '"')
		return 0;
	if (q[3] == '"' && q[4] == ':' && q[5] == '"' &&
	    (q[2] == 'S' || q[2] == 'N')) {
		q += 5;
		if (text_string(&q, end, &s, &len) != 0 || q >= end ||
		    *q != '}')
			return 0;
		if ((*p)[2] == 'S')
			buf_add_short(out, s - 1, len + 2);
		else if (text_plain_number(s, len))
			buf_add_short(out, s, len);
		else
			return 0;
		*p = q + 1;
		return 1;
	}
	if (memcmp(q, "{\"NULL\":true}", 13) == 0) {
		BUF_ADD_LITERAL(out, "null");
		*p = q + 13;
		return 1;
	}
	if (memcmp(q, "{\"BOOL\":true}", 13) == 0) {
		BUF_ADD_LITERAL(out, "true");
		*p = q + 13;
		return 1;
	}
	if (memcmp(q, "{\"BOOL\":false}", 14) == 0) {
		BUF_ADD_LITERAL(out, "false");
		*p = q + 14;
		return 1;
	}
	return 0;
}

static int text_value(const char **, const char *, struct buf *, int);

/* A member's name as it came (plain text needs no escaping), after a
 * comma when comma, and its ':'. In compact JSON these are the text's
 * own bytes, ,"name": and go in one copy. */
static inline void
text_name_out(struct buf *out, const char *name, size_t len, bool comma)
{
	const char *s = name - 1;	/* its quote, after '{' at least */
	size_t n = len + 2;
	bool colon = name[len + 1] == ':';

	if (comma) {
		if (s[-1] == ',') {
			s--;
			n++;
		} else
			buf_addc(out, ',');
	}
	if (colon)
		n++;
	buf_add_short(out, s, n);
	if (!colon)
		buf_addc(out, ':');
}

/* {"M": ...}'s payload at *p, an object of attribute values, or {"L":
 * ...}'s, an array of them (close is '}' or ']'). */
static int
text_container(const char **p, const char *end, struct buf *out, int depth,
    char close)
{
	struct ddbjson_text_names names;
	const char *q = *p, *name;
	size_t len;
	bool first = true;

	if (text_expect(&q, end, close == '}' ? '{' : '[') != 0)
		return DDBJSON_TEXT_SLOW;
	names.n = 0;
	memset(names.seen, 0, sizeof names.seen);
	buf_addc(out, close == '}' ? '{' : '[');
	q = text_ws(q, end);
	if (q < end && *q == close) {
		*p = q + 1;
		buf_addc(out, close);
		return 0;
	}
	for (;;) {
		if (close == '}') {
			q = text_ws(q, end);
			if (text_string(&q, end, &name, &len) != 0 ||
			    text_names_add(&names, name, len) != 0 ||
			    text_expect(&q, end, ':') != 0)
				return DDBJSON_TEXT_SLOW;
			text_name_out(out, name, len, !first);
		} else if (!first)
			buf_addc(out, ',');
		first = false;
		q = text_ws(q, end);
		if (text_scalar_fast(&q, end, out) == 0 &&
		    text_value(&q, end, out, depth + 1) != 0)
			return DDBJSON_TEXT_SLOW;
		q = text_ws(q, end);
		if (q < end && *q == ',') {
			q++;
			continue;
		}
		if (text_expect(&q, end, close) != 0)
			return DDBJSON_TEXT_SLOW;
		buf_addc(out, close);
		*p = q;
		return 0;
	}
}

/* A number's text as {"N": ...} carries it: DynamoDB's (number_check)
 * and JSON's own syntax, so that it prints as it is. */
static int
text_number(const char *s, size_t len)
{
	if (text_plain_number(s, len))
		return 0;
	if (!json_number_ok(s, len) || number_check(s, len, NULL) != 0)
		return DDBJSON_TEXT_SLOW;
	return 0;
}

/*
 * The tag of {"T": payload} at *p (past its '{'), *p past its ':'. The
 * usual compact "S": (and "N":, "M":, "L":) is read in one look; the
 * rest the long way.
 */
static inline int
text_tag(const char **p, const char *end, const char **tag, size_t *len)
{
	const char *q = *p;

	if (end - q >= 4 && q[0] == '"' && q[2] == '"' && q[3] == ':' &&
	    (q[1] == 'S' || q[1] == 'N' || q[1] == 'M' || q[1] == 'L')) {
		*tag = q + 1;
		*len = 1;
		*p = q + 4;
		return 0;
	}
	*p = text_ws(q, end);
	if (text_string(p, end, tag, len) != 0 ||
	    text_expect(p, end, ':') != 0)
		return DDBJSON_TEXT_SLOW;
	return 0;
}

/* One attribute value at *p, {"T": payload}, as plain JSON to out. */
static int
text_value(const char **p, const char *end, struct buf *out, int depth)
{
	const char *tag, *s;
	size_t len;
	int rc;

	if (depth > TEXT_MAX_DEPTH || text_expect(p, end, '{') != 0 ||
	    text_tag(p, end, &tag, &len) != 0)
		return DDBJSON_TEXT_SLOW;
	*p = text_ws(*p, end);
	if (len == 1 && (tag[0] == 'S' || tag[0] == 'N')) {
		if (text_string(p, end, &s, &len) != 0 ||
		    (tag[0] == 'N' && text_number(s, len) != 0))
			return DDBJSON_TEXT_SLOW;
		if (tag[0] == 'S')
			buf_add_short(out, s - 1, len + 2);
		else
			buf_add_short(out, s, len);
		rc = 0;
	} else if (len == 1 && (tag[0] == 'M' || tag[0] == 'L'))
		rc = text_container(p, end, out, depth,
		    tag[0] == 'M' ? '}' : ']');
	else if (len == 4 && memcmp(tag, "BOOL", 4) == 0) {
		if (text_literal(p, end, "true", 4) == 0)
			buf_add_short(out, "true", 4);
		else if (text_literal(p, end, "false", 5) == 0)
			buf_add_short(out, "false", 5);
		else
			return DDBJSON_TEXT_SLOW;
		rc = 0;
	} else if (len == 4 && memcmp(tag, "NULL", 4) == 0) {
		if (text_literal(p, end, "true", 4) != 0)
			return DDBJSON_TEXT_SLOW;
		buf_add_short(out, "null", 4);
		rc = 0;
	} else
		return DDBJSON_TEXT_SLOW;	/* sets, B, unknown tags */
	if (rc != 0)
		return rc;
	return text_expect(p, end, '}');
}

/* text_value of the value at *p, which ends the text when to_end; on
 * DDBJSON_TEXT_SLOW, out is as it was. */
static int
text_value_whole(const char **p, const char *end, struct buf *out,
    bool to_end)
{
	size_t start = out->len;

	if (text_value(p, end, out, 0) == 0 &&
	    (!to_end || text_ws(*p, end) == end))
		return 0;
	out->len = start;
	if (out->data != NULL)
		out->data[start] = '\0';
	return DDBJSON_TEXT_SLOW;
}

int
ddbjson_text_value_json(const char *v, size_t len, struct buf *out)
{
	const char *p = v;

	return text_value_whole(&p, v + len, out, true);
}

/*
 * Step over one JSON value at *p (after whitespace): strings to their
 * closing quote, containers to their match. Not a validation (the values
 * are read again, by text_value or the parser); -1 when the structure is
 * broken.
 */
static int
text_skip(const char **p, const char *end, int depth)
{
	const char *q = text_ws(*p, end);
	char close;

	if (q >= end || depth > DDBJSON_TEXT_SKIP_DEPTH)
		return -1;
	if (*q == '"') {
		for (q++;;) {
			q = text_scan(q, end);
			if (q >= end)
				return -1;
			if (*q == '"')
				break;
			q += *q == '\\' ? 2 : 1;
		}
		*p = q + 1;
		return 0;
	}
	if (*q != '{' && *q != '[') {
		/* A number or a literal: up to what ends it. */
		while (q < end && *q != ',' && *q != '}' && *q != ']' &&
		    *q != ' ' && *q != '\n' && *q != '\r' && *q != '\t')
			q++;
		if (q == text_ws(*p, end))
			return -1;
		*p = q;
		return 0;
	}
	close = *q == '{' ? '}' : ']';
	q = text_ws(q + 1, end);
	if (q < end && *q == close) {
		*p = q + 1;
		return 0;
	}
	for (;;) {
		if (close == '}') {
			if (text_skip(&q, end, depth + 1) != 0 ||
			    text_expect(&q, end, ':') != 0)
				return -1;
		}
		if (text_skip(&q, end, depth + 1) != 0)
			return -1;
		q = text_ws(q, end);
		if (q < end && *q == ',') {
			q++;
			continue;
		}
		if (q >= end || *q != close)
			return -1;
		*p = q + 1;
		return 0;
	}
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(DDBJSON_TEXT_PORTABLE)
#include <emmintrin.h>
#include <immintrin.h>
#include <wmmintrin.h>
#define TEXT_FAST_SKIP	1

/* One byte of text_skip_fast's bytewise walk: the string state and the
 * depth of open/close after c. Returns true when the container closed. */
static bool
text_skip_byte(unsigned char c, char open, char close, bool *in_string,
    bool *escaped, long *depth)
{
	if (*in_string) {
		if (*escaped)
			*escaped = false;
		else if (c == '\\')
			*escaped = true;
		else if (c == '"')
			*in_string = false;
		return false;
	}
	if (c == '"')
		*in_string = true;
	else if (c == (unsigned char)open)
		(*depth)++;
	else if (c == (unsigned char)close)
		return --(*depth) == 0;
	return false;
}

/* The bits of a 64-byte block that are a quote, a backslash, the
 * container's opening bracket or its closing one. */
struct text_block {
	uint64_t	 quote, bslash, open, close;
};

/* The block at p, 16 bytes at a time. */
static inline __attribute__((target("sse2"))) void
text_block_sse2(const char *p, char open_c, char close_c,
    struct text_block *b)
{
	const __m128i kq = _mm_set1_epi8('"'), kb = _mm_set1_epi8('\\');
	const __m128i ko = _mm_set1_epi8(open_c), kc = _mm_set1_epi8(close_c);
	__m128i v;
	int i;

	b->quote = b->bslash = b->open = b->close = 0;
	for (i = 0; i < 4; i++) {
		v = _mm_loadu_si128((const __m128i *)(const void *)
		    (p + 16 * i));
		b->quote |= (uint64_t)(unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(v, kq)) << (16 * i);
		b->bslash |= (uint64_t)(unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(v, kb)) << (16 * i);
		b->open |= (uint64_t)(unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(v, ko)) << (16 * i);
		b->close |= (uint64_t)(unsigned)_mm_movemask_epi8(
		    _mm_cmpeq_epi8(v, kc)) << (16 * i);
	}
}

/* The block at p, 32 bytes at a time. */
static inline __attribute__((target("avx2"))) void
text_block_avx2(const char *p, char open_c, char close_c,
    struct text_block *b)
{
	const __m256i kq = _mm256_set1_epi8('"'), kb = _mm256_set1_epi8('\\');
	const __m256i ko = _mm256_set1_epi8(open_c);
	const __m256i kc = _mm256_set1_epi8(close_c);
	const __m256i lo = _mm256_loadu_si256((const __m256i *)(const void *)p);
	const __m256i hi = _mm256_loadu_si256((const __m256i *)(const void *)
	    (p + 32));

#define TEXT_MASK(k)	((uint64_t)(uint32_t)_mm256_movemask_epi8( \
	_mm256_cmpeq_epi8(lo, (k))) | (uint64_t)(uint32_t) \
	_mm256_movemask_epi8(_mm256_cmpeq_epi8(hi, (k))) << 32)
	b->quote = TEXT_MASK(kq);
	b->bslash = TEXT_MASK(kb);
	b->open = TEXT_MASK(ko);
	b->close = TEXT_MASK(kc);
#undef TEXT_MASK
}

/* Each bit the XOR of the bits up to it: inside a string, from its
 * opening quote up to (not with) its closing one. */
static inline __attribute__((target("pclmul,sse2"))) uint64_t
text_prefix_xor(uint64_t x)
{
	return (uint64_t)_mm_cvtsi128_si64(_mm_clmulepi64_si128(
	    _mm_set_epi64x(0, (long long)x), _mm_set1_epi8((char)0xff), 0));
}

/* Where text_skip_fast is, between blocks. */
struct text_skip {
	char		 open_c, close_c;
	uint64_t	 inside;	/* all ones when a string goes on */
	bool		 in_string, escaped;
	long		 depth;
};

/*
 * One 64-byte block at p of text_skip_fast: the quotes' prefix XOR marks
 * the strings, and outside them the container's own kind of bracket is
 * counted (in JSON that nests properly, its match is where that count
 * returns to zero; text that does not is refused when its items are
 * read). A block with a backslash is walked byte by byte. Returns the
 * container's end when it is in this block, else NULL.
 */
static inline __attribute__((always_inline, target("pclmul,popcnt,sse2")))
const char *
text_skip_block(struct text_skip *k, const char *p, struct text_block *b)
{
	uint64_t strs, open, close;
	int i;

	if (k->escaped || b->bslash != 0) {
		for (i = 0; i < 64; i++)
			if (text_skip_byte((unsigned char)p[i], k->open_c,
			    k->close_c, &k->in_string, &k->escaped, &k->depth))
				return p + i + 1;
		k->inside = k->in_string ? ~UINT64_C(0) : 0;
		return NULL;
	}
	strs = text_prefix_xor(b->quote) ^ k->inside;
	k->inside = (uint64_t)((int64_t)strs >> 63);
	k->in_string = k->inside != 0;
	open = b->open & ~strs;
	close = b->close & ~strs;
	if (k->depth > __builtin_popcountll(close)) {
		k->depth += __builtin_popcountll(open) -
		    __builtin_popcountll(close);
		return NULL;
	}
	/* It may close here: the brackets in order. */
	for (open |= close; open != 0; open &= open - 1) {
		i = __builtin_ctzll(open);
		if (close >> i & 1) {
			if (--k->depth == 0)
				return p + i + 1;
		} else
			k->depth++;
	}
	return NULL;
}

/* The last bytes, fewer than a block. */
static const char *
text_skip_tail(struct text_skip *k, const char *p, const char *end)
{
	for (; p < end; p++)
		if (text_skip_byte((unsigned char)*p, k->open_c, k->close_c,
		    &k->in_string, &k->escaped, &k->depth))
			return p + 1;
	return NULL;
}

/*
 * Step over the container at p (its '{' or '['), 64 bytes at a time as
 * simdjson finds structure (text_skip_block). Returns the end, or NULL.
 * Two copies: the blocks read with AVX2 where the CPU has it, else SSE2.
 */
#define TEXT_SKIP_FAST(name, isa, load)				\
static __attribute__((target(isa))) const char *			\
name(const char *p, const char *end)					\
{									\
	struct text_skip k = { *p, *p == '{' ? '}' : ']', 0, false,	\
	    false, 0 };							\
	struct text_block b;						\
	const char *q;							\
									\
	for (; end - p >= 64; p += 64) {				\
		load(p, k.open_c, k.close_c, &b);			\
		if ((q = text_skip_block(&k, p, &b)) != NULL)		\
			return q;					\
	}								\
	return text_skip_tail(&k, p, end);				\
}
TEXT_SKIP_FAST(text_skip_sse2, "pclmul,popcnt,sse2", text_block_sse2)
TEXT_SKIP_FAST(text_skip_avx2, "avx2,pclmul,popcnt", text_block_avx2)
#endif

static enum ddbjson_text_isa text_isa_max = DDBJSON_TEXT_ISA_AVX2;

void
ddbjson_text_set_isa(enum ddbjson_text_isa isa)
{
	text_isa_max = isa;
}

/* The widest way text_skip_container may take here. */
static enum ddbjson_text_isa
text_isa(void)
{
	enum ddbjson_text_isa cpu = DDBJSON_TEXT_ISA_NONE;

#ifdef TEXT_FAST_SKIP
	if (__builtin_cpu_supports("pclmul") &&
	    __builtin_cpu_supports("popcnt"))
		cpu = __builtin_cpu_supports("avx2") ? DDBJSON_TEXT_ISA_AVX2 :
		    DDBJSON_TEXT_ISA_SSE2;
#endif
	return cpu < text_isa_max ? cpu : text_isa_max;
}

/* Step over the array or object at *p, as fast as the CPU allows. */
static int
text_skip_container(const char **p, const char *end)
{
	const char *q;

	switch (text_isa()) {
#ifdef TEXT_FAST_SKIP
	case DDBJSON_TEXT_ISA_AVX2:
		q = text_skip_avx2(*p, end);
		break;
	case DDBJSON_TEXT_ISA_SSE2:
		q = text_skip_sse2(*p, end);
		break;
#endif
	default:
		return text_skip(p, end, 0);
	}
	if (q == NULL)
		return -1;
	*p = q;
	return 0;
}

/* The value of the member called name (plain) of the object at *p: where
 * it starts, or NULL when there is none or the object is not as
 * expected. Members before it are stepped over. */
static const char *
text_member(const char *p, const char *end, const char *name)
{
	size_t want = strlen(name), n;
	const char *key;

	if (text_expect(&p, end, '{') != 0)
		return NULL;
	p = text_ws(p, end);
	if (p < end && *p == '}')
		return NULL;
	for (;;) {
		p = text_ws(p, end);
		if (text_plain_string(&p, end, &key, &n) != 0 ||
		    text_expect(&p, end, ':') != 0)
			return NULL;
		p = text_ws(p, end);
		if (n == want && memcmp(key, name, n) == 0)
			return p;
		if (text_skip(&p, end, 0) != 0 ||
		    text_expect(&p, end, ',') != 0)
			return NULL;
	}
}

int
ddbjson_text_page(const char *body, size_t len, const char *table,
    struct ddbjson_text_page *pg)
{
	const char *end = body + len, *v, *p;

	pg->items = NULL;
	pg->items_len = 0;
	buf_reset(&pg->rest);
	if (table == NULL)
		v = text_member(body, end, "Items");
	else if ((v = text_member(body, end, "Responses")) != NULL)
		v = text_member(v, end, table);
	/* Nearly all of the page: only its end is looked for here (the
	 * items are read one by one later). */
	p = v;
	if (v == NULL || v >= end || *v != '[' ||
	    text_skip_container(&p, end) != 0)
		return -1;
	pg->items = v;
	pg->items_len = (size_t)(p - v);
	/* The rest, the array emptied, for the parser (which finds
	 * whatever else is wrong with it). */
	buf_add(&pg->rest, body, (size_t)(v - body));
	buf_add(&pg->rest, "[]", 2);
	buf_add(&pg->rest, p, (size_t)(end - p));
	return 0;
}

void
ddbjson_text_apart_init(struct ddbjson_text_apart *ap)
{
	memset(ap, 0, sizeof *ap);
}

void
ddbjson_text_apart_add(struct ddbjson_text_apart *ap, const char *name)
{
	unsigned char c = (unsigned char)name[0];

	assert(ap->n < DDBJSON_TEXT_APART);
	ap->name[ap->n] = name;
	ap->len[ap->n++] = strlen(name);
	ap->first[c >> 6] |= UINT64_C(1) << (c & 63);
}

/* The index of the name in ap, or -1. Most names are fields, told apart
 * by their first byte (the library's own names begin with '_'). */
static inline int
text_apart_find(const struct ddbjson_text_apart *ap, const char *name,
    size_t len)
{
	unsigned char c = len > 0 ? (unsigned char)name[0] : 0;
	size_t i;

	if ((ap->first[c >> 6] >> (c & 63) & 1) == 0)
		return -1;
	for (i = 0; i < ap->n; i++)
		if (ap->len[i] == len && memcmp(ap->name[i], name, len) == 0)
			return (int)i;
	return -1;
}

/* A member's value set apart at *p: its scalar to f, or, for any other
 * value, only read (to scratch) as a field's would be. */
static int
text_found(const char **p, const char *end, struct buf *scratch,
    struct ddbjson_text_found *f)
{
	const char *q = *p, *tag;
	size_t n;

	if (text_expect(&q, end, '{') == 0 &&
	    text_tag(&q, end, &tag, &n) == 0 && n == 1 &&
	    (tag[0] == 'S' || tag[0] == 'N')) {
		q = text_ws(q, end);
		if (text_string(&q, end, &f->s, &f->len) != 0 ||
		    (tag[0] == 'N' && text_number(f->s, f->len) != 0) ||
		    text_expect(&q, end, '}') != 0)
			return DDBJSON_TEXT_SLOW;
		f->tag = tag[0];
		*p = q;
		return 0;
	}
	f->tag = 0;
	f->s = *p;
	f->len = 0;
	buf_reset(scratch);
	return text_value(p, end, scratch, 0);
}

void
ddbjson_text_order_init(struct ddbjson_text_order *o)
{
	/* All of it: text_order_match reads 16 bytes past a name. */
	memset(o, 0, sizeof *o);
}

/* Whether the member at p is named as the order's at pos: its text is
 * "name":, the same bytes. */
static inline bool
text_order_match(const struct ddbjson_text_order *o, size_t pos,
    const char *p, const char *end)
{
	const char *t = o->text + o->off[pos];
	size_t n = (size_t)o->len[pos] + 3;
#ifdef TEXT_SSE2
	unsigned eq, want;

	/* The order's text has 16 bytes to spare after its last name. */
	if (n <= 16 && end - p >= 16) {
		want = (1u << n) - 1;
		eq = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(
		    _mm_loadu_si128((const __m128i *)(const void *)p),
		    _mm_loadu_si128((const __m128i *)(const void *)t)));
		return (eq & want) == want;
	}
#endif
	return (size_t)(end - p) >= n && memcmp(p, t, n) == 0;
}

/* The item's members are no longer in the order's: those read so far
 * (the order's first it->members) join the names, for the duplicates. */
static void
text_order_leave(struct ddbjson_text_item *it)
{
	const struct ddbjson_text_order *o = it->order;
	size_t i;

	it->in_order = false;
	it->left = it->members;
	for (i = 0; i < it->members; i++)
		(void)text_names_add(&it->names, o->text + o->off[i] + 1,
		    o->len[i]);	/* cannot fail: they are distinct */
}

/* The item read whole: its names past where it left the order become
 * the order's (as many as it holds). */
static void
text_order_keep(struct ddbjson_text_item *it,
    const struct ddbjson_text_apart *ap)
{
	struct ddbjson_text_order *o = it->order;
	size_t i = it->left, at = 0, len;
	const char *name;

	if (i > 0)
		at = (size_t)o->off[i - 1] + o->len[i - 1] + 3;
	for (o->n = i; i < it->names.n && i < DDBJSON_TEXT_ORDER; o->n = ++i) {
		name = it->names.name[i];
		len = it->names.len[i];
		if (len + 3 > DDBJSON_TEXT_ORDER_TEXT - at)
			break;
		o->text[at] = '"';
		memcpy(o->text + at + 1, name, len);
		memcpy(o->text + at + 1 + len, "\":", 2);
		o->off[i] = (unsigned short)at;
		o->len[i] = (unsigned short)len;
		o->apart[i] = (signed char)text_apart_find(ap, name, len);
		at += len + 3;
	}
}

int
ddbjson_text_item_begin(struct ddbjson_text_item *it, const char *p,
    const char *end, struct ddbjson_text_order *order)
{
	it->p = p;
	it->end = end;
	it->name = NULL;
	it->fields = 0;
	it->members = 0;
	it->order = order;
	it->in_order = order != NULL;
	it->left = 0;
	it->names.n = 0;
	memset(it->names.seen, 0, sizeof it->names.seen);
	return text_expect(&it->p, end, '{');
}

int
ddbjson_text_item_fields(struct ddbjson_text_item *it,
    const struct ddbjson_text_apart *ap, bool until_field, struct buf *out,
    struct buf *scratch, struct ddbjson_text_found *found)
{
	const struct ddbjson_text_order *o = it->order;
	const char *p = it->p, *end = it->end, *name;
	size_t len;
	int i;

	if (it->name != NULL) {		/* a field, read up to its ':' */
		name = it->name;
		len = it->len;
		it->name = NULL;
		goto field;
	}
	for (;;) {
		/* A member, after a comma but for the first. */
		p = text_ws(p, end);
		if (p < end && *p == (it->members == 0 ? '}' : ',')) {
			if (*p++ == '}')
				break;
			p = text_ws(p, end);
		} else if (it->members > 0) {
			if (text_expect(&p, end, '}') != 0)
				return DDBJSON_TEXT_SLOW;
			break;
		}
		if (it->in_order && it->members < o->n &&
		    text_order_match(o, it->members, p, end)) {
			name = p + 1;
			len = o->len[it->members];
			i = o->apart[it->members];
			p += len + 3;
		} else {
			if (it->in_order)
				text_order_leave(it);
			if (text_string(&p, end, &name, &len) != 0 ||
			    text_names_add(&it->names, name, len) != 0 ||
			    text_expect(&p, end, ':') != 0)
				return DDBJSON_TEXT_SLOW;
			i = text_apart_find(ap, name, len);
		}
		it->members++;
		p = text_ws(p, end);
		if (i >= 0) {
			if (text_found(&p, end, scratch, &found[i]) != 0)
				return DDBJSON_TEXT_SLOW;
			continue;
		}
		if (until_field) {
			it->p = p;
			it->name = name;
			it->len = len;
			return DDBJSON_TEXT_FIELD;
		}
field:
		text_name_out(out, name, len, it->fields++ > 0);
		if (text_scalar_fast(&p, end, out) == 0 &&
		    text_value(&p, end, out, 0) != 0)
			return DDBJSON_TEXT_SLOW;
	}
	if (it->order != NULL && !it->in_order)
		text_order_keep(it, ap);
	it->p = p;
	return 0;
}

int
ddbjson_text_skip_value(const char **p, const char *end)
{
	return text_skip(p, end, 0);
}
