/* SPDX-License-Identifier: ISC */
/* Painting text: escaped, clipped, in the attributes of a role. */
#include "config.h"

#include "draw.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "utf8.h"

static attr_t draw_attrs[DR_COUNT];

void
draw_init(void)
{
	const char *nc = getenv("NO_COLOR");
	bool color = has_colors() && (nc == NULL || *nc == '\0');

	draw_attrs[DR_NORMAL] = A_NORMAL;
	draw_attrs[DR_TITLE] = A_REVERSE | A_BOLD;
	draw_attrs[DR_STATUS] = A_REVERSE;
	draw_attrs[DR_HEADER] = A_BOLD | A_UNDERLINE;
	draw_attrs[DR_SELECTED] = A_REVERSE;
	draw_attrs[DR_ERROR] = A_BOLD;
	draw_attrs[DR_DIM] = A_DIM;
	draw_attrs[DR_KEY] = A_BOLD;
	draw_attrs[DR_WARN] = A_BOLD;
	draw_attrs[DR_OK] = A_BOLD;
	if (!color || start_color() == ERR)
		return;
	use_default_colors();
	init_pair(1, COLOR_WHITE, COLOR_BLUE);
	init_pair(2, COLOR_RED, -1);
	init_pair(3, COLOR_CYAN, -1);
	init_pair(4, COLOR_YELLOW, -1);
	init_pair(5, COLOR_GREEN, -1);
	draw_attrs[DR_TITLE] = COLOR_PAIR(1) | A_BOLD;
	draw_attrs[DR_ERROR] = COLOR_PAIR(2) | A_BOLD;
	draw_attrs[DR_KEY] = COLOR_PAIR(3) | A_BOLD;
	draw_attrs[DR_WARN] = COLOR_PAIR(4) | A_BOLD;
	draw_attrs[DR_OK] = COLOR_PAIR(5) | A_BOLD;
}

attr_t
draw_attr(enum draw_role r)
{
	return r < DR_COUNT ? draw_attrs[r] : A_NORMAL;
}

void
draw_fill(int y, int x, int w, attr_t attr)
{
	if (w <= 0)
		return;
	attrset(attr);
	mvhline(y, x, ' ', w);
	attrset(A_NORMAL);
}

int
draw_width(const char *s, size_t len)
{
	struct buf b = BUF_INIT;
	int w;

	if (utf8_is_safe(s, len))
		return utf8_width(s, len);
	utf8_escape(&b, s, len);
	w = utf8_width(b.data, b.len);
	buf_cleanup(&b);
	return w;
}

int
draw_text(int y, int x, int w, const char *s, size_t len, int skip,
    bool ellipsis, attr_t attr)
{
	struct buf b = BUF_INIT;
	const char *t = s;
	size_t tl = len, n;
	int used = 0, over = 0, total;

	if (w <= 0)
		return 0;
	if (!utf8_is_safe(s, len)) {
		utf8_escape(&b, s, len);
		t = b.data;
		tl = b.len;
	}
	if (skip > 0) {
		n = utf8_skip(t, tl, skip, &over);
		t += n;
		tl -= n;
	}
	attrset(attr);
	if (over > 0) {
		/* Half of a wide character scrolled off: a blank. */
		mvhline(y, x, ' ', over);
		x += over;
		w -= over;
		used += over;
	}
	total = utf8_width(t, tl);
	if (ellipsis && total > w && w >= 1) {
		int u;

		n = utf8_fit(t, tl, w - 1, &u);
		mvaddnstr(y, x, t, (int)n);
		mvaddstr(y, x + u, utf8_locale() ? "\xe2\x80\xa6" : "~");
		used += u + 1;
	} else {
		int u;

		n = utf8_fit(t, tl, w, &u);
		if (n > 0)
			mvaddnstr(y, x, t, (int)n);
		used += u;
	}
	attrset(A_NORMAL);
	buf_cleanup(&b);
	return used;
}

int
draw_str(int y, int x, int w, const char *s, attr_t attr)
{
	return draw_text(y, x, w, s, strlen(s), 0, true, attr);
}

/* draw_wrapped's rows: drawn (y >= 0) or only counted. */
static int
draw_wrap(int y, int x, int w, int maxlines, const char *s, attr_t attr)
{
	struct buf b = BUF_INIT;
	const char *t;
	size_t tl, n;
	int rows = 0;

	if (w <= 0 || maxlines <= 0)
		return 0;
	utf8_escape(&b, s, strlen(s));
	t = b.data;
	tl = b.len;
	while (rows < maxlines) {
		if (rows + 1 == maxlines || utf8_width(t, tl) <= w) {
			if (y >= 0)
				draw_text(y + rows, x, w, t, tl, 0, true, attr);
			rows++;
			break;
		}
		n = utf8_fit(t, tl, w, NULL);
		if (n == 0)
			n = 1;
		if (y >= 0)
			draw_text(y + rows, x, w, t, n, 0, false, attr);
		t += n;
		tl -= n;
		rows++;
	}
	buf_cleanup(&b);
	return rows;
}

int
draw_wrapped(int y, int x, int w, int maxlines, const char *s, attr_t attr)
{
	return draw_wrap(y < 0 ? 0 : y, x, w, maxlines, s, attr);
}

int
draw_wrapped_rows(int w, int maxlines, const char *s)
{
	return draw_wrap(-1, 0, w, maxlines, s, A_NORMAL);
}
