/* SPDX-License-Identifier: ISC */
/* UTF-8 for the terminal: widths, fitting, escaping untrusted text. */
#include "config.h"

#include "utf8.h"

#include <langinfo.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

static bool utf8_is_utf8;

void
utf8_init(void)
{
	const char *cs = nl_langinfo(CODESET);

	utf8_is_utf8 = cs != NULL && (strcasecmp(cs, "UTF-8") == 0 ||
	    strcasecmp(cs, "utf8") == 0);
}

bool
utf8_locale(void)
{
	return utf8_is_utf8;
}

size_t
utf8_decode(const char *s, size_t len, uint32_t *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	uint32_t c, min;
	size_t n, i;

	if (len == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
		c = p[0] & 0x1f;
		min = 0x80;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		c = p[0] & 0x0f;
		min = 0x800;
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		c = p[0] & 0x07;
		min = 0x10000;
	} else {
		return 0;
	}
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return n;
}

void
utf8_append(struct buf *b, uint32_t cp)
{
	char o[4];

	if (cp < 0x80) {
		o[0] = (char)cp;
		buf_add(b, o, 1);
	} else if (cp < 0x800) {
		o[0] = (char)(0xc0 | (cp >> 6));
		o[1] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, o, 2);
	} else if (cp < 0x10000) {
		o[0] = (char)(0xe0 | (cp >> 12));
		o[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[2] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, o, 3);
	} else {
		o[0] = (char)(0xf0 | (cp >> 18));
		o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
		o[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
		o[3] = (char)(0x80 | (cp & 0x3f));
		buf_add(b, o, 4);
	}
}

/* Columns of one printable character; -1 when it must be escaped. */
static int
utf8_cp_width(uint32_t cp)
{
	int w;

	if (cp >= 0x20 && cp < 0x7f)
		return 1;
	if (cp < 0xa0)
		return -1;			/* C0, DEL, C1 */
	if (!utf8_is_utf8)
		return -1;
	/* Bidi controls can reorder what follows on the line; the
	 * line and paragraph separators move the cursor. */
	if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 &&
	    cp <= 0x2069) || cp == 0x200e || cp == 0x200f || cp == 0x061c ||
	    cp == 0x2028 || cp == 0x2029)
		return -1;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? -1 : w;
}

/* Append the escape of one character or byte. */
static void
utf8_escape_one(struct buf *out, uint32_t cp, bool byte)
{
	if (byte) {
		buf_printf(out, "\\x%02x", (unsigned)cp);
		return;
	}
	switch (cp) {
	case '\n':
		buf_adds(out, "\\n");
		break;
	case '\t':
		buf_adds(out, "\\t");
		break;
	case '\r':
		buf_adds(out, "\\r");
		break;
	default:
		if (cp < 0x80)
			buf_printf(out, "\\x%02x", (unsigned)cp);
		else if (cp < 0x10000)
			buf_printf(out, "\\u%04x", (unsigned)cp);
		else
			buf_printf(out, "\\U%08x", (unsigned)cp);
	}
}

void
utf8_escape(struct buf *out, const char *s, size_t len)
{
	size_t i = 0, n;
	uint32_t cp;

	buf_reserve(out, len);
	while (i < len) {
		n = utf8_decode(s + i, len - i, &cp);
		if (n == 0) {
			utf8_escape_one(out, (unsigned char)s[i], true);
			i++;
			continue;
		}
		if (utf8_cp_width(cp) < 0)
			utf8_escape_one(out, cp, false);
		else
			buf_add(out, s + i, n);
		i += n;
	}
	if (out->data == NULL)
		buf_add(out, "", 0);
}

bool
utf8_is_safe(const char *s, size_t len)
{
	size_t i = 0, n;
	uint32_t cp;

	while (i < len) {
		if ((unsigned char)s[i] >= 0x20 && (unsigned char)s[i] < 0x7f) {
			i++;
			continue;
		}
		n = utf8_decode(s + i, len - i, &cp);
		if (n == 0 || utf8_cp_width(cp) < 0)
			return false;
		i += n;
	}
	return true;
}

/* Columns of the character at s in safe text; its length in *n. */
static int
utf8_char_width(const char *s, size_t len, size_t *n)
{
	uint32_t cp;
	int w;

	*n = utf8_decode(s, len, &cp);
	if (*n == 0) {
		*n = 1;		/* not safe text; count it as one column */
		return 1;
	}
	w = utf8_cp_width(cp);
	return w < 0 ? 1 : w;
}

int
utf8_width(const char *s, size_t len)
{
	size_t i = 0, n;
	int w = 0;

	while (i < len) {
		w += utf8_char_width(s + i, len - i, &n);
		i += n;
	}
	return w;
}

size_t
utf8_fit(const char *s, size_t len, int cols, int *used)
{
	size_t i = 0, n;
	int w = 0, cw;

	while (i < len) {
		cw = utf8_char_width(s + i, len - i, &n);
		if (w + cw > cols)
			break;
		w += cw;
		i += n;
	}
	/* Combining marks that follow stay with their base character. */
	while (i < len) {
		cw = utf8_char_width(s + i, len - i, &n);
		if (cw != 0)
			break;
		i += n;
	}
	if (used != NULL)
		*used = w;
	return i;
}

size_t
utf8_skip(const char *s, size_t len, int cols, int *over)
{
	size_t i = 0, n;
	int w = 0;

	while (i < len && w < cols) {
		w += utf8_char_width(s + i, len - i, &n);
		i += n;
	}
	while (i < len) {
		if (utf8_char_width(s + i, len - i, &n) != 0)
			break;
		i += n;
	}
	if (over != NULL)
		*over = w > cols ? w - cols : 0;
	return i;
}
