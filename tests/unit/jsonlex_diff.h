/* SPDX-License-Identifier: ISC */
/*
 * The differential oracle of jsonlex (src/jsonlex.h) against yajl with its
 * default configuration, shared by tests/unit/test_jsonlex.c and
 * fuzz/fuzz_jsonlex.c: both parse a document, their events are written
 * down as text and compared, and so are their accept/reject decisions.
 *
 * Allowed difference, the one jsonlex.h documents: a document yajl accepts
 * that holds UTF-8 Unicode forbids (overlong, an encoded surrogate, past
 * U+10FFFF) or a \u surrogate escape that is not a high-low pair must be
 * refused by jsonlex, with the UTF-8 or surrogate message. And yajl
 * accepts a string left open after the document's value (its trailing
 * garbage check sees only a token that has not ended): jsonlex calls it
 * trailing garbage, after the same events. jsonlex fed in
 * pieces must also give exactly what it gives fed whole: the same events,
 * status, offset and message.
 */
#ifndef DYNREPO_JSONLEX_DIFF_H
#define DYNREPO_JSONLEX_DIFF_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <yajl/yajl_parse.h>

#include "buf.h"
#include "jsonlex.h"

/* One parse's events as text, and how it ended. */
struct jd_run {
	struct buf	 ev;
	int		 status;	/* enum jsonlex_status; yajl's mapped */
	size_t		 offset;
	const char	*msg;
};

/* Write down one event. */
static int
jd_event(void *ctx, char kind, const void *s, size_t len)
{
	struct buf *b = ctx;

	buf_printf(b, "%c%zu:", kind, len);
	if (len > 0)
		buf_add(b, s, len);
	buf_addc(b, '\n');
	return 1;
}

/* The callbacks of both parsers: one event each. */
static int
jd_null(void *c)
{
	return jd_event(c, 'z', NULL, 0);
}

static int
jd_bool(void *c, int b)
{
	return jd_event(c, b ? 't' : 'f', NULL, 0);
}

static int
jd_num(void *c, const char *s, size_t n)
{
	return jd_event(c, 'n', s, n);
}

static int
jd_str(void *c, const unsigned char *s, size_t n)
{
	return jd_event(c, 's', s, n);
}

static int
jd_key(void *c, const unsigned char *s, size_t n)
{
	return jd_event(c, 'k', s, n);
}

static int
jd_smap(void *c)
{
	return jd_event(c, '{', NULL, 0);
}

static int
jd_emap(void *c)
{
	return jd_event(c, '}', NULL, 0);
}

static int
jd_sarr(void *c)
{
	return jd_event(c, '[', NULL, 0);
}

static int
jd_earr(void *c)
{
	return jd_event(c, ']', NULL, 0);
}

static const yajl_callbacks jd_yajl_cb = {
	jd_null, jd_bool, NULL, NULL, jd_num, jd_str, jd_smap, jd_key,
	jd_emap, jd_sarr, jd_earr,
};

static const struct jsonlex_callbacks jd_lex_cb = {
	.null = jd_null, .boolean = jd_bool, .number = jd_num,
	.string = jd_str, .start_map = jd_smap, .map_key = jd_key,
	.end_map = jd_emap, .start_array = jd_sarr, .end_array = jd_earr,
};

/* yajl, default configuration, the document whole. */
static void
jd_yajl(const char *doc, size_t len, struct jd_run *r)
{
	yajl_handle h = yajl_alloc(&jd_yajl_cb, NULL, &r->ev);
	yajl_status st;

	buf_init(&r->ev);
	st = yajl_parse(h, (const unsigned char *)doc, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	r->status = st == yajl_status_ok ? JSONLEX_OK : JSONLEX_ERROR;
	r->offset = 0;
	r->msg = NULL;
	yajl_free(h);
}

/*
 * jsonlex fed [0, cut[0]), [cut[0], cut[1]), ..., [cut[n-1], len), with
 * cut rising; piece > 0 instead feeds pieces of that many bytes.
 */
static void
jd_lex(const char *doc, size_t len, const size_t *cut, size_t ncut,
    size_t piece, struct jd_run *r)
{
	struct jsonlex lx;
	size_t at = 0, i, to;

	buf_init(&r->ev);
	jsonlex_init(&lx, &jd_lex_cb, &r->ev);
	jsonlex_reset(&lx);
	if (piece > 0) {
		for (at = 0; at < len; at += piece)
			jsonlex_feed(&lx, doc + at,
			    len - at < piece ? len - at : piece);
	} else {
		for (i = 0; i <= ncut; i++) {
			to = i < ncut ? cut[i] : len;
			jsonlex_feed(&lx, doc + at, to - at);
			at = to;
		}
	}
	r->status = jsonlex_finish(&lx);
	r->offset = jsonlex_offset(&lx);
	r->msg = jsonlex_error(&lx);
	jsonlex_cleanup(&lx);
}

/* Free a run's events. */
static void
jd_run_cleanup(struct jd_run *r)
{
	buf_cleanup(&r->ev);
}

/* The 4 hex digits at s, or -1. */
static long
jd_hex4(const unsigned char *s, const unsigned char *end)
{
	long v = 0;
	int i;

	if (end - s < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		int c = s[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/*
 * True when a document yajl accepted holds something only jsonlex
 * refuses: UTF-8 whose byte pattern passes (yajl's check) but that
 * decodes to an overlong form, a surrogate or past U+10FFFF; or a \u
 * surrogate escape outside a high-low pair. Written apart from jsonlex:
 * decode first, judge the code point after.
 */
static bool
jd_strict_only(const char *doc, size_t len)
{
	const unsigned char *p = (const unsigned char *)doc, *end = p + len;
	bool in_str = false;
	long cp, lo;
	int n, i;

	while (p < end) {
		if (*p >= 0x80) {
			n = (*p >> 5) == 0x6 ? 2 : (*p >> 4) == 0xE ? 3 :
			    (*p >> 3) == 0x1E ? 4 : 0;
			if (n == 0 || end - p < n)
				return false;	/* yajl refuses it */
			cp = *p & (0x7F >> n);
			for (i = 1; i < n; i++) {
				if ((p[i] >> 6) != 0x2)
					return false;
				cp = cp << 6 | (p[i] & 0x3F);
			}
			if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
			    (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
			    (cp >= 0xD800 && cp <= 0xDFFF))
				return true;
			p += n;
			continue;
		}
		if (*p == '"')
			in_str = !in_str;
		else if (*p == '\\' && in_str && end - p >= 2) {
			if (p[1] != 'u') {
				p += 2;
				continue;
			}
			cp = jd_hex4(p + 2, end);
			p += 6;
			if (cp >= 0xDC00 && cp <= 0xDFFF)
				return true;
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
					return true;
				lo = jd_hex4(p + 2, end);
				if (lo < 0xDC00 || lo > 0xDFFF)
					return true;
				p += 6;
			}
			continue;
		}
		p++;
	}
	return false;
}

/* True when two runs gave the same events. */
static bool
jd_same_events(const struct jd_run *a, const struct jd_run *b)
{
	return a->ev.len == b->ev.len && (a->ev.len == 0 ||
	    memcmp(a->ev.data, b->ev.data, a->ev.len) == 0);
}

/* Compare two runs of jsonlex: NULL if the same in everything. */
static const char *
jd_same_lex(const struct jd_run *a, const struct jd_run *b)
{
	if (a->status != b->status)
		return "jsonlex in pieces ends otherwise than whole";
	if (!jd_same_events(a, b))
		return "jsonlex in pieces gives other events than whole";
	if (a->offset != b->offset)
		return "jsonlex in pieces stops at another offset";
	if ((a->msg == NULL) != (b->msg == NULL) || (a->msg != NULL &&
	    strcmp(a->msg, b->msg) != 0))
		return "jsonlex in pieces gives another message";
	return NULL;
}

/* Compare yajl's run with jsonlex's on doc: NULL if they agree. */
static const char *
jd_agree(const char *doc, size_t len, const struct jd_run *y,
    const struct jd_run *l)
{
	bool strict = y->status == JSONLEX_OK && jd_strict_only(doc, len);

	if (l->status == JSONLEX_CANCELED)
		return "jsonlex canceled without a callback refusing";
	/* Before the check of strings: the open one may hold anything. */
	if (y->status == JSONLEX_OK && l->status == JSONLEX_ERROR &&
	    strcmp(l->msg, "parse error: trailing garbage") == 0 &&
	    l->offset < len && doc[l->offset] == '"')
		return jd_same_events(y, l) ? NULL : "jsonlex and yajl give "
		    "other events before trailing garbage";
	if (strict) {
		if (l->status == JSONLEX_OK)
			return "jsonlex accepts UTF-8 or a surrogate escape "
			    "it must refuse";
		if (strstr(l->msg, "UTF8") == NULL &&
		    strstr(l->msg, "surrogate") == NULL)
			return "jsonlex refuses a strict-only document for "
			    "another reason";
		return NULL;
	}
	if (y->status != l->status)
		return y->status == JSONLEX_OK ? "jsonlex refuses what yajl "
		    "accepts" : "jsonlex accepts what yajl refuses";
	if (y->status == JSONLEX_OK && !jd_same_events(y, l))
		return "jsonlex and yajl give other events";
	return NULL;
}

/*
 * The whole check of one document: yajl against jsonlex fed whole, and
 * jsonlex fed whole against jsonlex fed in pieces at each cut given and,
 * when bytewise, a byte at a time. NULL if all agree, else what differs.
 */
static const char *
jd_check(const char *doc, size_t len, const size_t *cuts, size_t ncuts,
    bool bytewise)
{
	struct jd_run y, whole, part;
	const char *why;
	size_t i;

	jd_yajl(doc, len, &y);
	jd_lex(doc, len, NULL, 0, 0, &whole);
	why = jd_agree(doc, len, &y, &whole);
	for (i = 0; why == NULL && i < ncuts; i++) {
		jd_lex(doc, len, &cuts[i], 1, 0, &part);
		why = jd_same_lex(&whole, &part);
		jd_run_cleanup(&part);
	}
	if (why == NULL && bytewise) {
		jd_lex(doc, len, NULL, 0, 1, &part);
		why = jd_same_lex(&whole, &part);
		jd_run_cleanup(&part);
	}
	jd_run_cleanup(&y);
	jd_run_cleanup(&whole);
	return why;
}

#endif
