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

/* Add a name; DDBJSON_TEXT_SLOW when it is there already (or too many). */
static inline int
text_names_add(struct ddbjson_text_names *t, const char *s, size_t len)
{
	unsigned bit = len == 0 ? 0 : ((unsigned)len * 0x9e37u ^
	    (unsigned char)s[0] * 0x85ebu ^
	    (unsigned char)s[len - 1] * 0xc2b3u) >> 3 & 255;
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

static int text_value(const char **, const char *, struct buf *, int);

/* {"M": ...}'s payload at *p, an object of attribute values, or {"L":
 * ...}'s, an array of them (close is '}' or ']'). */
static int
text_container(const char **p, const char *end, struct buf *out, int depth,
    char close)
{
	struct ddbjson_text_names names;
	const char *name;
	size_t len;

	if (text_expect(p, end, close == '}' ? '{' : '[') != 0)
		return DDBJSON_TEXT_SLOW;
	names.n = 0;
	memset(names.seen, 0, sizeof names.seen);
	buf_addc(out, close == '}' ? '{' : '[');
	*p = text_ws(*p, end);
	if (*p < end && **p == close) {
		(*p)++;
		buf_addc(out, close);
		return 0;
	}
	for (;;) {
		if (close == '}') {
			*p = text_ws(*p, end);
			if (text_string(p, end, &name, &len) != 0 ||
			    text_names_add(&names, name, len) != 0 ||
			    text_expect(p, end, ':') != 0)
				return DDBJSON_TEXT_SLOW;
			/* Plain text needs no escaping: it prints as it
			 * came. */
			buf_add_short(out, name - 1, len + 2);
			buf_addc(out, ':');
		}
		if (text_value(p, end, out, depth + 1) != 0)
			return DDBJSON_TEXT_SLOW;
		*p = text_ws(*p, end);
		if (*p < end && **p == ',') {
			(*p)++;
			buf_addc(out, ',');
			continue;
		}
		if (text_expect(p, end, close) != 0)
			return DDBJSON_TEXT_SLOW;
		buf_addc(out, close);
		return 0;
	}
}

/* The usual integer, [1-9][0-9]* up to 38 digits or a lone 0: a number
 * both for DynamoDB and for JSON, as it is. */
static inline bool
text_integer(const char *s, size_t len)
{
	size_t i;

	if (len == 1 && s[0] == '0')
		return true;
	if (len < 1 || len > 38 || s[0] < '1' || s[0] > '9')
		return false;
	for (i = 1; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* A number's text as {"N": ...} carries it: DynamoDB's (number_check)
 * and JSON's own syntax, so that it prints as it is. */
static int
text_number(const char *s, size_t len)
{
	if (text_integer(s, len))
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

int
ddbjson_text_scalar(const char *v, size_t len, enum value_type type,
    const char **s, size_t *slen)
{
	const char *p = v, *end = v + len, *tag;
	size_t n;

	if (text_expect(&p, end, '{') != 0 ||
	    text_tag(&p, end, &tag, &n) != 0 || n != 1 ||
	    tag[0] != (type == VT_N ? 'N' : 'S'))
		return DDBJSON_TEXT_SLOW;
	p = text_ws(p, end);
	if (text_string(&p, end, s, slen) != 0 ||
	    (type == VT_N && !text_integer(*s, *slen) &&
	    number_check(*s, *slen, NULL) != 0) ||
	    text_expect(&p, end, '}') != 0 || text_ws(p, end) != end)
		return DDBJSON_TEXT_SLOW;
	return 0;
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

#if defined(__x86_64__) && defined(__GNUC__) && !defined(DDBJSON_TEXT_PORTABLE)
#include <emmintrin.h>
#include <wmmintrin.h>
#define TEXT_FAST_SKIP	1

/* The bits of the 64 bytes loaded in v that are c. */
static inline __attribute__((target("sse2"))) uint64_t
text_mask64(const __m128i v[4], char c)
{
	const __m128i k = _mm_set1_epi8(c);

	return (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v[0], k)) |
	    (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v[1], k)) <<
	    16 |
	    (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v[2], k)) <<
	    32 |
	    (uint64_t)(unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(v[3], k)) <<
	    48;
}

/* Each bit the XOR of the bits up to it: inside a string, from its
 * opening quote up to (not with) its closing one. */
static inline __attribute__((target("pclmul,sse2"))) uint64_t
text_prefix_xor(uint64_t x)
{
	return (uint64_t)_mm_cvtsi128_si64(_mm_clmulepi64_si128(
	    _mm_set_epi64x(0, (long long)x), _mm_set1_epi8((char)0xff), 0));
}

/*
 * Step over the container at p (its '{' or '['), 64 bytes at a time as
 * simdjson finds structure: the quotes' prefix XOR marks the strings, and
 * outside them the container's own kind of bracket is counted (in JSON
 * that nests properly, its match is where that count returns to zero;
 * text that does not is refused when its items are read). A block with a
 * backslash is walked byte by byte. Returns the end, or NULL.
 */
static __attribute__((target("pclmul,popcnt,sse2"))) const char *
text_skip_fast(const char *p, const char *end)
{
	const char open_c = *p, close_c = open_c == '{' ? '}' : ']';
	uint64_t inside = 0, strs, open, close;
	bool in_string = false, escaped = false;
	__m128i v[4];
	long depth = 0;
	int i;

	while (end - p >= 64) {
		for (i = 0; i < 4; i++)
			v[i] = _mm_loadu_si128((const __m128i *)(const void *)
			    (p + 16 * i));
		if (escaped || text_mask64(v, '\\') != 0) {
			for (i = 0; i < 64; i++)
				if (text_skip_byte((unsigned char)p[i], open_c,
				    close_c, &in_string, &escaped, &depth))
					return p + i + 1;
			inside = in_string ? ~UINT64_C(0) : 0;
			p += 64;
			continue;
		}
		strs = text_prefix_xor(text_mask64(v, '"')) ^ inside;
		inside = (uint64_t)((int64_t)strs >> 63);
		in_string = inside != 0;
		open = text_mask64(v, open_c) & ~strs;
		close = text_mask64(v, close_c) & ~strs;
		if (depth > __builtin_popcountll(close)) {
			depth += __builtin_popcountll(open) -
			    __builtin_popcountll(close);
			p += 64;
			continue;
		}
		/* It may close here: the brackets in order. */
		for (open |= close; open != 0; open &= open - 1) {
			i = __builtin_ctzll(open);
			if (close >> i & 1) {
				if (--depth == 0)
					return p + i + 1;
			} else
				depth++;
		}
		p += 64;
	}
	for (; p < end; p++)
		if (text_skip_byte((unsigned char)*p, open_c, close_c,
		    &in_string, &escaped, &depth))
			return p + 1;
	return NULL;
}
#endif

/* Step over the array or object at *p, as fast as the CPU allows. */
static int
text_skip_container(const char **p, const char *end)
{
#ifdef TEXT_FAST_SKIP
	const char *q;

	if (__builtin_cpu_supports("pclmul") &&
	    __builtin_cpu_supports("popcnt")) {
		if ((q = text_skip_fast(*p, end)) == NULL)
			return -1;
		*p = q;
		return 0;
	}
#endif
	return text_skip(p, end, 0);
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

int
ddbjson_text_item_begin(struct ddbjson_text_item *it, const char *p,
    const char *end)
{
	it->p = p;
	it->end = end;
	it->names.n = 0;
	memset(it->names.seen, 0, sizeof it->names.seen);
	return text_expect(&it->p, end, '{');
}

int
ddbjson_text_item_next(struct ddbjson_text_item *it, const char **name,
    size_t *len)
{
	it->p = text_ws(it->p, it->end);
	if (it->p < it->end && *it->p == (it->names.n == 0 ? '}' : ',')) {
		if (*it->p++ == '}')
			return 0;
		it->p = text_ws(it->p, it->end);
	} else if (it->names.n > 0) {
		if (text_expect(&it->p, it->end, '}') != 0)
			return -DDBJSON_TEXT_SLOW;
		return 0;
	}
	if (text_string(&it->p, it->end, name, len) != 0 ||
	    text_names_add(&it->names, *name, *len) != 0 ||
	    text_expect(&it->p, it->end, ':') != 0)
		return -DDBJSON_TEXT_SLOW;
	return 1;
}

int
ddbjson_text_item_value(struct ddbjson_text_item *it, struct buf *out,
    const char **v, size_t *vlen)
{
	*v = it->p = text_ws(it->p, it->end);
	if (text_value_whole(&it->p, it->end, out, false) != 0)
		return DDBJSON_TEXT_SLOW;
	*vlen = (size_t)(it->p - *v);
	return 0;
}

int
ddbjson_text_skip_value(const char **p, const char *end)
{
	return text_skip(p, end, 0);
}
