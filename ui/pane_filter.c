/* SPDX-License-Identifier: ISC */
/* The filters pane: a query's conditions, added, removed and toggled. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "cmdline.h"
#include "draw.h"
#include "filter.h"
#include "pane_items.h"
#include "ui.h"
#include "xmalloc.h"

struct pane_filter {
	struct pane	 base;
	struct pane	*items;		/* below us in the stack */
	size_t		 cur, top;
	int		 h;
	long		 editing;	/* the condition replaced, or -1 */
};

enum {
	FILTER_ADD = 100,
	FILTER_REMOVE,
	FILTER_TOGGLE,
	FILTER_EDIT,
	FILTER_CLEAR
};

/* The filter being edited (the items pane is below us while we live). */
static struct filter *
filter_of(struct pane_filter *pf)
{
	return pane_items_filter(pf->items);
}

/* The prompt's answer: add, or replace the condition being edited. */
static void
filter_added(struct ui *ui, struct pane *pane, const char *line)
{
	struct pane_filter *pf = (struct pane_filter *)pane;
	struct filter *f = filter_of(pf);
	struct filter tmp;
	struct err e;

	if (line == NULL || *line == '\0') {
		pf->editing = -1;
		return;
	}
	err_clear(&e);
	/* Parse into a copy so a bad condition changes nothing. */
	filter_copy(&tmp, f);
	if (pf->editing >= 0 && (size_t)pf->editing < tmp.n)
		filter_remove(&tmp, (size_t)pf->editing);
	if (filter_add_parse(&tmp, line, &e) == -1) {
		filter_cleanup(&tmp);
		ui_error_err(ui, "filter", &e);
		pf->editing = -1;
		return;
	}
	filter_cleanup(f);
	*f = tmp;
	pf->editing = -1;
	pf->cur = f->n > 0 ? f->n - 1 : 0;
	pane_items_requery(ui, pf->items);
	ui_note(ui, "the query runs again with %zu condition%s", f->n,
	    f->n == 1 ? "" : "s");
}

/* pane_ops draw. */
static void
filter_draw(struct ui *ui, struct pane *pane, int y, int h)
{
	struct pane_filter *pf = (struct pane_filter *)pane;
	struct filter *f = filter_of(pf);
	struct buf b = BUF_INIT;
	int r;

	pf->h = h - 3 > 1 ? h - 3 : 1;
	draw_str(y, 1, ui->cols - 2, "CONDITIONS (joined with AND)",
	    draw_attr(DR_HEADER));
	if (f->n == 0)
		draw_str(y + 1, 2, ui->cols - 4, "none: a adds one (F missing, "
		    "F = V, F != V)", draw_attr(DR_DIM));
	ui_list_scroll(pf->cur, f->n, pf->h, &pf->top);
	for (r = 0; r < pf->h && pf->top + (size_t)r < f->n; r++) {
		size_t i = pf->top + (size_t)r;
		bool sel = i == pf->cur;
		attr_t a = sel ? draw_attr(DR_SELECTED) :
		    f->conds[i].enabled ? A_NORMAL : draw_attr(DR_DIM);

		buf_reset(&b);
		buf_adds(&b, f->conds[i].enabled ? "[x] " : "[ ] ");
		filter_format_cond(&f->conds[i], &b);
		if (sel)
			draw_fill(y + 1 + r, 0, ui->cols, a);
		draw_str(y + 1 + r, 2, ui->cols - 4, buf_cstr(&b), a);
	}
	buf_cleanup(&b);
}

/* pane_ops title. */
static void
filter_title(struct ui *ui, struct pane *pane, struct buf *b)
{
	(void)ui;
	(void)pane;
	buf_adds(b, "filters");
}

/* pane_ops status. */
static void
filter_status(struct ui *ui, struct pane *pane, struct buf *b)
{
	struct pane_filter *pf = (struct pane_filter *)pane;
	struct filter *f = filter_of(pf);
	size_t i, on = 0;

	(void)ui;
	for (i = 0; i < f->n; i++)
		if (f->conds[i].enabled)
			on++;
	buf_printf(b, "%zu condition%s, %zu applied | a add, d remove, "
	    "Space toggle, e edit", f->n, f->n == 1 ? "" : "s", on);
}

/* The commands of the pane. */
static int
filter_cmd(struct ui *ui, struct pane *pane, int op, const char *arg)
{
	struct pane_filter *pf = (struct pane_filter *)pane;
	struct filter *f = filter_of(pf);
	struct buf b = BUF_INIT;

	switch (op) {
	case FILTER_ADD:
		pf->editing = -1;
		ui_arg_or_prompt(ui, pane, arg, CMDLINE_HIST_FILTER, "filter: ",
		    filter_added);
		break;
	case FILTER_EDIT:
		if (f->n == 0)
			break;
		pf->editing = (long)pf->cur;
		filter_format_cond(&f->conds[pf->cur], &b);
		ui_prompt(ui, pane, CMDLINE_HIST_FILTER, "filter: ",
		    buf_cstr(&b), filter_added);
		break;
	case FILTER_REMOVE:
		if (f->n == 0)
			break;
		filter_remove(f, pf->cur);
		if (pf->cur > 0 && pf->cur >= f->n)
			pf->cur--;
		pane_items_requery(ui, pf->items);
		break;
	case FILTER_TOGGLE:
		if (f->n == 0)
			break;
		f->conds[pf->cur].enabled = !f->conds[pf->cur].enabled;
		pane_items_requery(ui, pf->items);
		break;
	case FILTER_CLEAR:
		if (f->n == 0)
			break;
		filter_cleanup(f);
		filter_init(f);
		pf->cur = 0;
		pane_items_requery(ui, pf->items);
		break;
	default:
		ui_list_move(op, f->n, pf->h, &pf->cur);
		break;
	}
	buf_cleanup(&b);
	return UI_REDRAW;
}

static const struct ui_cmd filter_cmds[] = {
	{ "down", filter_cmd, UI_MOVE_DOWN, NULL, "next condition" },
	{ "up", filter_cmd, UI_MOVE_UP, NULL, "previous condition" },
	{ "first", filter_cmd, UI_MOVE_FIRST, NULL, "the first condition" },
	{ "last", filter_cmd, UI_MOVE_LAST, NULL, "the last condition" },
	{ "add", filter_cmd, FILTER_ADD, "[COND]",
	    "add a condition: F missing | F = V | F != V" },
	{ "edit", filter_cmd, FILTER_EDIT, NULL, "change the condition" },
	{ "remove", filter_cmd, FILTER_REMOVE, NULL, "remove the condition" },
	{ "toggle", filter_cmd, FILTER_TOGGLE, NULL,
	    "apply the condition or not" },
	{ "clear", filter_cmd, FILTER_CLEAR, NULL, "remove every condition" },
	{ NULL, NULL, 0, NULL, NULL }
};

static const struct ui_key filter_keys[] = {
	{ 'j', "down" }, { UI_KEY_FN_BASE + KEY_DOWN, "down" },
	{ 'k', "up" }, { UI_KEY_FN_BASE + KEY_UP, "up" },
	{ 'g', "first" }, { UI_KEY_FN_BASE + KEY_HOME, "first" },
	{ 'G', "last" }, { UI_KEY_FN_BASE + KEY_END, "last" },
	{ 'a', "add" }, { 'F', "add" },
	{ 'e', "edit" }, { '\r', "edit" }, { '\n', "edit" },
	{ UI_KEY_FN_BASE + KEY_ENTER, "edit" },
	{ 'd', "remove" }, { 'x', "remove" },
	{ UI_KEY_FN_BASE + KEY_DC, "remove" },
	{ ' ', "toggle" },
	{ 'C', "clear" },
	{ 0, NULL }
};

static const struct pane_ops filter_ops = {
	"filters",
	filter_cmds,
	filter_keys,
	filter_draw,
	filter_title,
	filter_status,
	NULL,
	NULL,
	NULL,
	NULL,
	NULL
};

struct pane *
pane_filter_new(struct ui *ui, struct pane *items)
{
	struct pane_filter *pf = xcalloc(1, sizeof *pf);

	(void)ui;
	pf->base.ops = &filter_ops;
	pf->items = items;
	pf->h = 1;
	pf->editing = -1;
	return &pf->base;
}
