/* SPDX-License-Identifier: ISC */
/* The profiles pane: every repository profile found, and their problems. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "draw.h"
#include "ui.h"
#include "xmalloc.h"

#define PROFILES_NCOLS	5

struct pane_profiles {
	struct pane	 base;
	size_t		 cur, top;
	int		 h;		/* rows of the list when last drawn */
};

enum {
	PROFILES_OPEN = 100
};

/* The text of column col for profile p (caller frees). */
static char *
profiles_cell(const struct profile *p, int col)
{
	switch (col) {
	case 0:
		return xstrdup(p->name);
	case 1:
		return xstrdup(p->table);
	case 2:
		if (p->endpoint != NULL)
			return xstrdup(p->endpoint);
		return xstrdup(p->region != NULL ? p->region :
		    "(default region)");
	case 3:
		return xasprintf("%s#%s# %s#", p->partition_prefix,
		    p->partition_name, p->content_type);
	default:
		return xstrdup(p->read_only ? "read-only" : "");
	}
}

/* pane_ops draw. */
static void
profiles_draw(struct ui *ui, struct pane *pane, int y, int h)
{
	static const char *const head[PROFILES_NCOLS] = {
		"NAME", "TABLE", "ENDPOINT / REGION", "KEYS", ""
	};
	struct pane_profiles *pp = (struct pane_profiles *)pane;
	size_t n = profile_set_count(ui->profiles), np, i, k;
	int w[PROFILES_NCOLS], col, x, list_h, row;
	char *cell;

	np = profile_set_problem_count(ui->profiles);
	for (col = 0; col < PROFILES_NCOLS; col++)
		w[col] = draw_width(head[col], strlen(head[col]));
	for (i = 0; i < n; i++)
		for (col = 0; col < PROFILES_NCOLS; col++) {
			int cw;

			cell = profiles_cell(profile_set_at(ui->profiles, i),
			    col);
			cw = draw_width(cell, strlen(cell));
			if (cw > 40)
				cw = 40;
			if (cw > w[col])
				w[col] = cw;
			free(cell);
		}
	if (n == 0) {
		draw_str(y + 1, 2, ui->cols - 4, "No profiles found. Searched:",
		    draw_attr(DR_WARN));
		for (k = 0; k < profile_set_dir_count(ui->profiles) &&
		    (int)k + 2 < h; k++)
			draw_str(y + 2 + (int)k, 4, ui->cols - 6,
			    profile_set_dir(ui->profiles, k), A_NORMAL);
		row = y + 3 + (int)k;
		draw_str(row, 2, ui->cols - 4, "Write a profile (see "
		    "dynrepo(1)) or start with --profiles DIR.", A_NORMAL);
		h -= row + 1 - y;
		y = row + 1;
	} else {
		list_h = h - 1 - (np > 0 ? (int)(np < 3 ? np : 3) * 2 + 1 :
		    0);
		if (list_h < 1)
			list_h = 1;
		pp->h = list_h;
		ui_list_scroll(pp->cur, n, list_h, &pp->top);
		x = 1;
		for (col = 0; col < PROFILES_NCOLS; col++) {
			draw_str(y, x, w[col], head[col], draw_attr(DR_HEADER));
			x += w[col] + 2;
		}
		for (row = 0; row < list_h && pp->top + (size_t)row < n;
		    row++) {
			const struct profile *p;
			bool sel = pp->top + (size_t)row == pp->cur;
			attr_t a = sel ? draw_attr(DR_SELECTED) : A_NORMAL;

			p = profile_set_at(ui->profiles, pp->top + (size_t)row);
			if (sel)
				draw_fill(y + 1 + row, 0, ui->cols, a);
			x = 1;
			for (col = 0; col < PROFILES_NCOLS && x < ui->cols;
			    col++) {
				cell = profiles_cell(p, col);
				draw_str(y + 1 + row, x, w[col] < ui->cols - x ?
				    w[col] : ui->cols - x, cell, col == 4 &&
				    !sel ? draw_attr(DR_WARN) : a);
				free(cell);
				x += w[col] + 2;
			}
		}
		y += 1 + list_h;
		h -= 1 + list_h;
	}
	/* The problems met reading profiles, each on up to three rows. */
	row = y + 1;
	for (i = 0; i < np && row < y + h; i++) {
		char *m = profile_problem_format(
		    profile_set_problem(ui->profiles, i));

		row += draw_wrapped(row, 1, ui->cols - 2, y + h - row < 3 ?
		    y + h - row : 3, m,
		    draw_attr(profile_set_problem(ui->profiles, i)->warning ?
		    DR_WARN : DR_ERROR));
		free(m);
	}
}

/* pane_ops title. */
static void
profiles_title(struct ui *ui, struct pane *pane, struct buf *b)
{
	(void)pane;
	buf_printf(b, "dynrepo: profiles (%zu)",
	    profile_set_count(ui->profiles));
}

/* pane_ops status. */
static void
profiles_status(struct ui *ui, struct pane *pane, struct buf *b)
{
	size_t np = profile_set_problem_count(ui->profiles);

	(void)pane;
	buf_adds(b, "Enter opens a profile");
	if (np > 0)
		buf_printf(b, " | %zu problem%s reading profiles", np,
		    np == 1 ? "" : "s");
}

/* Movement and open. */
static int
profiles_cmd(struct ui *ui, struct pane *pane, int op, const char *arg)
{
	struct pane_profiles *pp = (struct pane_profiles *)pane;
	size_t n = profile_set_count(ui->profiles);
	const struct profile *p;

	if (op != PROFILES_OPEN) {
		ui_list_move(op, n, pp->h, &pp->cur);
		return UI_REDRAW;
	}
	if (arg != NULL) {
		p = profile_set_find(ui->profiles, arg);
		if (p == NULL) {
			ui_error(ui, "no profile named \"%s\"", arg);
			return UI_HANDLED;
		}
	} else {
		if (n == 0)
			return UI_HANDLED;
		p = profile_set_at(ui->profiles, pp->cur);
	}
	if (ui->open_job != 0) {
		ui_note(ui, "already opening a profile");
		return UI_HANDLED;
	}
	ui_open_profile(ui, p);
	return UI_HANDLED;
}

static const struct ui_cmd profiles_cmds[] = {
	{ "down", profiles_cmd, UI_MOVE_DOWN, NULL, "next profile" },
	{ "up", profiles_cmd, UI_MOVE_UP, NULL, "previous profile" },
	{ "page-down", profiles_cmd, UI_MOVE_PAGE_DOWN, NULL, "a page down" },
	{ "page-up", profiles_cmd, UI_MOVE_PAGE_UP, NULL, "a page up" },
	{ "first", profiles_cmd, UI_MOVE_FIRST, NULL, "the first profile" },
	{ "last", profiles_cmd, UI_MOVE_LAST, NULL, "the last profile" },
	{ "open", profiles_cmd, PROFILES_OPEN, "[NAME]",
	    "open the profile under the cursor (or NAME)" },
	{ NULL, NULL, 0, NULL, NULL }
};

static const struct ui_key profiles_keys[] = {
	{ 'j', "down" }, { UI_KEY_FN_BASE + KEY_DOWN, "down" },
	{ 'k', "up" }, { UI_KEY_FN_BASE + KEY_UP, "up" },
	{ UI_KEY_FN_BASE + KEY_NPAGE, "page-down" }, { 6, "page-down" },
	{ UI_KEY_FN_BASE + KEY_PPAGE, "page-up" }, { 2, "page-up" },
	{ 'g', "first" }, { UI_KEY_FN_BASE + KEY_HOME, "first" },
	{ 'G', "last" }, { UI_KEY_FN_BASE + KEY_END, "last" },
	{ '\r', "open" }, { '\n', "open" },
	{ UI_KEY_FN_BASE + KEY_ENTER, "open" }, { 'l', "open" },
	{ UI_KEY_FN_BASE + KEY_RIGHT, "open" },
	{ 0, NULL }
};

static const struct pane_ops profiles_ops = {
	"profiles",
	profiles_cmds,
	profiles_keys,
	profiles_draw,
	profiles_title,
	profiles_status,
	NULL,
	NULL,
	NULL,
	NULL,
	NULL
};

struct pane *
pane_profiles_new(struct ui *ui)
{
	struct pane_profiles *pp = xcalloc(1, sizeof *pp);

	(void)ui;
	pp->base.ops = &profiles_ops;
	pp->h = 1;
	return &pp->base;
}
