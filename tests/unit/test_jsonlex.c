/* SPDX-License-Identifier: ISC */
/* jsonlex: its contract, and yajl against it on many documents. */
#include "config.h"

#include <criterion/criterion.h>
#include <criterion/logging.h>
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "jsonlex.h"
#include "jsonlex_diff.h"

/* Documents checked, for the log. */
static size_t docs_checked, pieces_checked;

/* The document as C-escaped text, for a failure message. */
static const char *
shown(const char *doc, size_t len)
{
	static struct buf b;
	size_t i;

	buf_reset(&b);
	for (i = 0; i < len && i < 400; i++) {
		unsigned char c = (unsigned char)doc[i];

		if (c >= 0x20 && c < 0x7F && c != '\\')
			buf_addc(&b, (char)c);
		else
			buf_printf(&b, "\\x%02x", c);
	}
	if (len > 400)
		buf_adds(&b, "...");
	return buf_cstr(&b);
}

/* Check one document: every split in two when short, else 64 of them,
 * and a byte at a time. */
static void
check_doc(const char *doc, size_t len)
{
	size_t cuts[64], n = 0, i;
	const char *why;

	if (len <= 600) {
		for (i = 1; i < len; i++) {
			cuts[n++] = i;
			if (n == 64 || i + 1 == len) {
				why = jd_check(doc, len, cuts, n, false);
				cr_assert_null(why, "%s: \"%s\"", why,
				    shown(doc, len));
				pieces_checked += n;
				n = 0;
			}
		}
	} else {
		for (i = 0; i < 64; i++)
			cuts[n++] = 1 + (i * 7919 + len / 3) % (len - 1);
	}
	why = jd_check(doc, len, cuts, n, true);
	cr_assert_null(why, "%s: \"%s\"", why, shown(doc, len));
	pieces_checked += n + len;
	docs_checked++;
}

static void
check_str(const char *doc)
{
	check_doc(doc, strlen(doc));
}

/* The events jsonlex gives for doc fed whole, and its status. */
static int
lex_events(const char *doc, size_t len, struct jd_run *r)
{
	jd_lex(doc, len, NULL, 0, 0, r);
	return r->status;
}

Test(jsonlex, contract)
{
	struct jd_run r;
	struct buf b = BUF_INIT;
	int i;

	/* Escapes decode to UTF-8, \u0000 to a NUL byte. */
	cr_assert_eq(lex_events("[\"a\\u00e9\\ud83d\\ude00\\u0000\\n\\/\"]",
	    33, &r), JSONLEX_OK);
	cr_expect_eq(r.ev.len, 23);
	cr_expect(memcmp(r.ev.data, "[0:\ns10:a\xc3\xa9\xf0\x9f\x98\x80"
	    "\0\n/\n]0:\n", 23) == 0, "%s", shown(r.ev.data, r.ev.len));
	jd_run_cleanup(&r);
	/* Errors: the message and the byte where it was found. */
	cr_assert_eq(lex_events("[\"ab\x01\"]", 7, &r), JSONLEX_ERROR);
	cr_expect_eq(r.offset, 4);
	cr_expect_str_eq(r.msg, "lexical error: invalid character inside "
	    "string.");
	jd_run_cleanup(&r);
	cr_assert_eq(lex_events("[\"\xc0\x80\"]", 6, &r), JSONLEX_ERROR);
	cr_expect_eq(r.offset, 2);
	cr_expect_str_eq(r.msg, "lexical error: invalid bytes in UTF8 "
	    "string.");
	jd_run_cleanup(&r);
	cr_assert_eq(lex_events("[\"x\\ud800y\"]", 12, &r), JSONLEX_ERROR);
	cr_expect_eq(r.offset, 3);
	cr_expect(strstr(r.msg, "surrogate") != NULL, "%s", r.msg);
	jd_run_cleanup(&r);
	cr_assert_eq(lex_events("{\"a\":1", 6, &r), JSONLEX_ERROR);
	cr_expect_eq(r.offset, 6);
	cr_expect_str_eq(r.msg, "parse error: premature EOF");
	jd_run_cleanup(&r);
	cr_assert_eq(lex_events("{} x", 4, &r), JSONLEX_ERROR);
	cr_expect_eq(r.offset, 3);
	cr_expect_str_eq(r.msg, "parse error: trailing garbage");
	jd_run_cleanup(&r);
	cr_assert_eq(lex_events("", 0, &r), JSONLEX_ERROR);
	cr_expect_str_eq(r.msg, "parse error: premature EOF");
	jd_run_cleanup(&r);
	/* Top-level scalars end at the end of the text. */
	cr_expect_eq(lex_events("-12.5e+3", 8, &r), JSONLEX_OK);
	cr_expect_str_eq(buf_cstr(&r.ev), "n8:-12.5e+3\n");
	jd_run_cleanup(&r);
	/* Depth is not bounded here (the callbacks bound it). */
	for (i = 0; i < 100000; i++)
		buf_addc(&b, '[');
	for (i = 0; i < 100000; i++)
		buf_addc(&b, ']');
	cr_expect_eq(lex_events(b.data, b.len, &r), JSONLEX_OK);
	jd_run_cleanup(&r);
	buf_cleanup(&b);
}

/* A callback that refuses the second string; notes where strings were. */
static const char *seen_at;
static int strings_seen;

static int
refuse_second(void *ctx, const unsigned char *s, size_t len)
{
	(void)ctx;
	(void)len;
	seen_at = (const char *)s;
	return ++strings_seen < 2;
}

Test(jsonlex, cancel_offset_and_borrowed_strings)
{
	static const char doc[] = "[\"abc\", \"de\\tf\", 3]";
	struct jsonlex_callbacks cb = jd_lex_cb;
	struct jsonlex lx;
	struct buf ev = BUF_INIT;

	cb.string = refuse_second;
	jsonlex_init(&lx, &cb, &ev);
	jsonlex_reset(&lx);
	/* The first string, plain and whole in the piece: a pointer into
	 * it. */
	cr_assert_eq(jsonlex_feed(&lx, doc, 7), JSONLEX_OK);
	cr_expect(seen_at == doc + 2);
	cr_assert_eq(jsonlex_feed(&lx, doc + 7, sizeof doc - 8),
	    JSONLEX_CANCELED);
	/* The second has an escape: not in the input; refused, the parse
	 * stops after it. */
	cr_expect(seen_at < doc || seen_at >= doc + sizeof doc);
	cr_expect_eq(jsonlex_offset(&lx), 15);
	cr_expect_eq(jsonlex_finish(&lx), JSONLEX_CANCELED);
	cr_expect_null(jsonlex_error(&lx));
	/* Reset starts again. */
	strings_seen = -10;
	jsonlex_reset(&lx);
	jsonlex_feed(&lx, doc, sizeof doc - 1);
	cr_expect_eq(jsonlex_finish(&lx), JSONLEX_OK);
	jsonlex_cleanup(&lx);
	buf_cleanup(&ev);
}

Test(jsonlex, same_as_yajl_on_chosen_documents)
{
	static const char *const docs[] = {
		/* structure */
		"{}", "[]", "{\"a\":1}", "[1,2,3]", "{\"a\":{\"b\":[{}]}}",
		"{\"a\":1,}", "[1,]", "[,1]", "{,}", "{\"a\"}", "{\"a\":}",
		"{\"a\" 1}", "{1:2}", "{\"a\":1 \"b\":2}", "[1 2]", "[",
		"]", "}", "{", "[}", "{]", "[[[]]]]", "{\"a\":1}}", "",
		" ", "\"x\"", "1", "true", "false", "null", "nul", "tru",
		"truex", "nullnull", "True", "[true,false,null]",
		"[truefalse]", "{\"a\":true}x", "{} {}", "[] ,", "1 2",
		/* yajl lets an open string follow the value */
		"{}\"abc", "1\"x", "[] \"\\\"", "5\"[a\\ud83d\\uf183d\\\" ",
		/* whitespace */
		" \t\n\r[ 1 , 2 ] \n", "\v[1]\f", "[\v1\f]", "\xc2\xa0[1]",
		"[1]\x00", "\x00", "[1,\x00 2]",
		/* comments are off */
		"[1]//x", "/*x*/[1]", "[1,/*x*/2]",
		/* numbers */
		"[0]", "[-0]", "[01]", "[-01]", "[1.]", "[.5]", "[1.5]",
		"[-]", "[-a]", "[+1]", "[1e]", "[1e+]", "[1E-5]", "[1e05]",
		"[0x10]", "[1.5e3.2]", "[1-2]", "[12345678901234567890123]",
		"[1.7976931348623157e309]", "[-0.0e-0]", "[0e0]", "[0.e1]",
		"[1e1e1]", "[--1]", "[1+1]", "[Infinity]", "[NaN]", "-",
		"1.", "0", "-0", "1e9", "12 ", "[1]2",
		/* strings and escapes */
		"[\"\"]", "[\"\\\"\\\\\\/\\b\\f\\n\\r\\t\"]", "[\"\\a\"]",
		"[\"\\x41\"]", "[\"\\u0041\"]", "[\"\\u00e9\\u00E9\"]",
		"[\"\\u20ac\"]", "[\"\\ud83d\\ude00\"]", "[\"\\uD83D\\uDE00\"]",
		"[\"\\u0000\"]", "[\"\\u001f\"]", "[\"\\uffff\"]",
		"[\"\\ufffe\"]", "[\"\\u12\"]", "[\"\\u12g4\"]", "[\"\\u\"]",
		"[\"\\\"]", "[\"\\", "[\"abc", "[\"abc\\\"]", "[\"a\tb\"]",
		"[\"a\nb\"]", "[\"a\x7f\"]", "[\"\x1f\"]", "[\"a\x00b\"]",
		"{\"\\u0041\":1}", "{\"a\\nb\":\"c\\td\"}", "[\"/\"]",
		/* lone and odd surrogates */
		"[\"\\ud800\"]", "[\"\\ud800x\"]", "[\"\\ud800\\u0041\"]",
		"[\"\\udc00\"]", "[\"\\udc00\\ud800\"]", "[\"\\ud800\\ud800\"]",
		"[\"\\ud800\\\\\"]", "[\"\\udbff\\udfff\"]",
		"[\"\\ud800\\n\"]", "[\"\\ud800", "{\"\\ud800\":1}",
		/* UTF-8 of every length, valid */
		"[\"\xc2\x80\"]", "[\"\xdf\xbf\"]", "[\"\xe0\xa0\x80\"]",
		"[\"\xe2\x82\xac\"]", "[\"\xed\x9f\xbf\"]",
		"[\"\xee\x80\x80\"]", "[\"\xef\xbf\xbf\"]",
		"[\"\xf0\x90\x80\x80\"]", "[\"\xf3\xbf\xbf\xbf\"]",
		"[\"\xf4\x8f\xbf\xbf\"]",
		"{\"\xc3\xa9t\xc3\xa9\":\"\xe6\x97\xa5\xe6\x9c\xac\"}",
		/* UTF-8, invalid: overlong, surrogates, too big, broken */
		"[\"\xc0\x80\"]", "[\"\xc1\xbf\"]", "[\"\xe0\x80\x80\"]",
		"[\"\xe0\x9f\xbf\"]", "[\"\xed\xa0\x80\"]",
		"[\"\xed\xbf\xbf\"]", "[\"\xf0\x80\x80\x80\"]",
		"[\"\xf0\x8f\xbf\xbf\"]", "[\"\xf4\x90\x80\x80\"]",
		"[\"\xf5\x80\x80\x80\"]", "[\"\xf7\xbf\xbf\xbf\"]",
		"[\"\xf8\x88\x80\x80\x80\"]", "[\"\xfe\"]", "[\"\xff\"]",
		"[\"\x80\"]", "[\"\xbf\"]", "[\"\xc2\"]", "[\"\xc2x\"]",
		"[\"\xe2\x82\"]", "[\"\xe2\x82x\"]", "[\"\xf0\x9f\x98\"]",
		"[\"\xf0\x9f\x98", "[\"\xc2\xc2\x80\"]", "[\xc3\xa9]",
		"\xef\xbb\xbf[1]",
		NULL,
	};
	struct buf b = BUF_INIT;
	size_t i;
	int depth;

	for (i = 0; docs[i] != NULL; i++)
		check_str(docs[i]);
	/* Embedded NULs, which strlen would cut. */
	check_doc("[\"a\0b\"]", 7);
	check_doc("[1]\0", 4);
	/* Deep nesting, closed and not. */
	for (depth = 1; depth <= 4096; depth *= 4) {
		buf_reset(&b);
		for (i = 0; i < (size_t)depth; i++)
			buf_adds(&b, i % 2 ? "[" : "{\"k\":");
		buf_adds(&b, "\"x\"");
		for (i = depth; i-- > 0;)
			buf_adds(&b, i % 2 ? "]" : "}");
		check_doc(b.data, b.len);
		check_doc(b.data, b.len - 1);
	}
	buf_cleanup(&b);
	cr_log_info("jsonlex: %zu chosen documents, %zu ways of cutting, "
	    "the same as yajl", docs_checked, pieces_checked);
}

/* Check a file whole and line by line. */
static void
check_file(const char *path)
{
	struct buf b = BUF_INIT;
	char chunk[8192];
	size_t n, at, nl;
	FILE *f = fopen(path, "rb");

	if (f == NULL)
		return;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&b, chunk, n);
	fclose(f);
	check_doc(b.data != NULL ? b.data : "", b.len);
	for (at = 0; at < b.len; at = nl + 1) {
		const char *e = memchr(b.data + at, '\n', b.len - at);

		nl = e != NULL ? (size_t)(e - b.data) : b.len;
		if (nl > at && nl - at < b.len)
			check_doc(b.data + at, nl - at);
	}
	buf_cleanup(&b);
}

/* Check every file under dir. */
static size_t
check_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	struct stat st;
	char path[4096];
	size_t files = 0;

	if (d == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
		if (stat(path, &st) != 0)
			continue;
		if (S_ISDIR(st.st_mode))
			files += check_dir(path);
		else if (S_ISREG(st.st_mode) && st.st_size < (1 << 20)) {
			check_file(path);
			files++;
		}
	}
	closedir(d);
	return files;
}

Test(jsonlex, same_as_yajl_on_files)
{
	const char *data = getenv("DYNREPO_TESTDATA");
	const char *fixtures = getenv("DYNREPO_FIXTURES");
	const char *src = getenv("DYNREPO_SRCDIR");
	char corpus[4096];
	size_t files = 0;

	if (data != NULL && *data != '\0')
		files += check_dir(data);
	if (fixtures != NULL && *fixtures != '\0')
		files += check_dir(fixtures);
	if (src != NULL && *src != '\0') {
		snprintf(corpus, sizeof corpus, "%s/fuzz/corpus", src);
		files += check_dir(corpus);
	}
	cr_assert_gt(files, 10, "no test data (set DYNREPO_TESTDATA, "
	    "DYNREPO_FIXTURES, DYNREPO_SRCDIR)");
	cr_log_info("jsonlex: %zu files, %zu documents, %zu ways of cutting, "
	    "the same as yajl", files, docs_checked, pieces_checked);
}

/* A small deterministic generator (xorshift64*). */
static uint64_t rng_state = 0x9E3779B97F4A7C15ULL;

static unsigned
rnd(unsigned n)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (unsigned)((rng_state * 2685821657736338717ULL) >> 33) % n;
}

/* Append code point cp as UTF-8. */
static void
add_utf8(struct buf *b, unsigned cp)
{
	if (cp < 0x80)
		buf_addc(b, (char)cp);
	else if (cp < 0x800)
		buf_printf(b, "%c%c", 0xC0 | cp >> 6, 0x80 | (cp & 0x3F));
	else if (cp < 0x10000)
		buf_printf(b, "%c%c%c", 0xE0 | cp >> 12,
		    0x80 | ((cp >> 6) & 0x3F), 0x80 | (cp & 0x3F));
	else
		buf_printf(b, "%c%c%c%c", 0xF0 | cp >> 18,
		    0x80 | ((cp >> 12) & 0x3F), 0x80 | ((cp >> 6) & 0x3F),
		    0x80 | (cp & 0x3F));
}

/* A random JSON string, mostly valid, long enough sometimes to cross the
 * vector scan's 16 bytes many times. */
static void
gen_string(struct buf *b)
{
	static const char *const esc[] = {
		"\\\"", "\\\\", "\\/", "\\b", "\\f", "\\n", "\\r", "\\t",
		"\\u0041", "\\u00e9", "\\u20AC", "\\ud83d\\ude00", "\\u0000",
		"\\uDBFF\\uDFFF",
	};
	unsigned n = rnd(8) == 0 ? rnd(200) : rnd(12), i, cp;

	buf_addc(b, '"');
	for (i = 0; i < n; i++) {
		switch (rnd(12)) {
		case 0:
			buf_adds(b, esc[rnd(sizeof esc / sizeof esc[0])]);
			break;
		case 1:
			add_utf8(b, 0x80 + rnd(0x800 - 0x80));
			break;
		case 2:
			cp = 0x800 + rnd(0x10000 - 0x800);
			add_utf8(b, cp >= 0xD800 && cp <= 0xDFFF ? 0xFFFD : cp);
			break;
		case 3:
			add_utf8(b, 0x10000 + rnd(0x100000));
			break;
		case 4:
			/* Rarely, something only yajl lets through. */
			if (rnd(20) == 0)
				buf_adds(b, rnd(2) ? "\xed\xa0\x80" :
				    "\\udc00");
			else
				buf_addc(b, ' ');
			break;
		default:
			buf_addc(b, (char)(0x20 + rnd(0x5F)));
			if (b->data[b->len - 1] == '"' ||
			    b->data[b->len - 1] == '\\')
				b->data[b->len - 1] = 'q';
			break;
		}
	}
	buf_addc(b, '"');
}

/* A random JSON number. */
static void
gen_number(struct buf *b)
{
	unsigned i, n;

	if (rnd(3) == 0)
		buf_addc(b, '-');
	if (rnd(4) == 0)
		buf_addc(b, '0');
	else {
		buf_addc(b, (char)('1' + rnd(9)));
		for (i = 0, n = rnd(20); i < n; i++)
			buf_addc(b, (char)('0' + rnd(10)));
	}
	if (rnd(3) == 0) {
		buf_addc(b, '.');
		for (i = 0, n = 1 + rnd(10); i < n; i++)
			buf_addc(b, (char)('0' + rnd(10)));
	}
	if (rnd(4) == 0) {
		buf_addc(b, rnd(2) ? 'e' : 'E');
		if (rnd(2))
			buf_addc(b, rnd(2) ? '+' : '-');
		for (i = 0, n = 1 + rnd(3); i < n; i++)
			buf_addc(b, (char)('0' + rnd(10)));
	}
}

/* Random whitespace, mostly none as in DynamoDB's answers. */
static void
gen_ws(struct buf *b)
{
	static const char ws[] = " \t\n\r\v\f";

	while (rnd(6) == 0)
		buf_addc(b, ws[rnd(6)]);
}

/* A random JSON value. */
static void
gen_value(struct buf *b, int depth)
{
	unsigned k = rnd(depth < 6 ? 9 : 6), i, n;

	gen_ws(b);
	switch (k) {
	case 0: case 1: gen_string(b); break;
	case 2: gen_number(b); break;
	case 3: buf_adds(b, "true"); break;
	case 4: buf_adds(b, rnd(2) ? "false" : "null"); break;
	case 5: gen_string(b); break;
	case 6: case 7:
		buf_addc(b, '{');
		for (i = 0, n = rnd(6); i < n; i++) {
			if (i > 0)
				buf_addc(b, ',');
			gen_ws(b);
			gen_string(b);
			gen_ws(b);
			buf_addc(b, ':');
			gen_value(b, depth + 1);
		}
		gen_ws(b);
		buf_addc(b, '}');
		break;
	default:
		buf_addc(b, '[');
		for (i = 0, n = rnd(6); i < n; i++) {
			if (i > 0)
				buf_addc(b, ',');
			gen_value(b, depth + 1);
		}
		gen_ws(b);
		buf_addc(b, ']');
		break;
	}
	gen_ws(b);
}

/* Break a document a few random ways. */
static void
mutate(struct buf *b)
{
	static const unsigned char odd[] = {
		'"', '\\', '{', '}', '[', ']', ',', ':', '0', '-', '.', 'e',
		'u', 'd', 0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC0, 0xC2, 0xE0,
		0xED, 0xF0, 0xF4, 0xF5, 0xF8, 0xFF, ' ', '\v', 't', 'n',
	};
	unsigned m = 1 + rnd(3), at;

	while (m-- > 0 && b->len > 0) {
		at = rnd((unsigned)b->len);
		switch (rnd(4)) {
		case 0:
			b->data[at] = (char)odd[rnd(sizeof odd)];
			break;
		case 1:
			b->data[at] = (char)rnd(256);
			break;
		case 2:
			memmove(b->data + at, b->data + at + 1,
			    b->len - at - 1);
			b->len--;
			break;
		default:
			b->len = at;
			break;
		}
	}
}

Test(jsonlex, same_as_yajl_on_generated_documents, .timeout = 300)
{
	struct buf b = BUF_INIT;
	size_t cuts[4];
	const char *why;
	int i, valid = 0;
	struct jd_run r;

	for (i = 0; i < 30000; i++) {
		buf_reset(&b);
		gen_value(&b, 0);
		if (i % 2 == 1)
			mutate(&b);
		else {
			jd_lex(b.data, b.len, NULL, 0, 0, &r);
			valid += r.status == JSONLEX_OK;
			jd_run_cleanup(&r);
		}
		if (i % 50 == 0) {
			check_doc(b.data, b.len);
			continue;
		}
		cuts[0] = b.len > 1 ? 1 + rnd((unsigned)b.len - 1) : 0;
		cuts[1] = cuts[0] + (b.len > cuts[0] ? rnd((unsigned)
		    (b.len - cuts[0])) : 0);
		why = jd_check(b.data, b.len, cuts, b.len > 1 ? 2 : 0,
		    b.len < 300);
		cr_assert_null(why, "%s: \"%s\"", why, shown(b.data, b.len));
		docs_checked++;
	}
	buf_cleanup(&b);
	/* The generator must mostly make documents jsonlex accepts, or the
	 * comparison of events says little. */
	cr_expect_gt(valid, 5000);
	cr_log_info("jsonlex: %zu generated documents (%d valid unmutated) "
	    "the same as yajl", docs_checked, valid);
}
