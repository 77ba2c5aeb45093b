/* SPDX-License-Identifier: ISC */
/* The partitions pane: the profile's partition ids and those typed. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "cmdline.h"
#include "content.h"
#include "draw.h"
#include "ui.h"
#include "xmalloc.h"

struct pane_partitions {
	struct pane	 base;
	char		**ids;		/* joined with '#'; "" = no ids */
	size_t		 n;
	size_t		 cur, top;
	int		 h;
};

enum {
	PARTITIONS_OPEN = 100,
	PARTITIONS_TYPE
};

/* Add an id string unless present; returns its index. */
static size_t
partitions_add(struct pane_partitions *pp, const char *id)
{
	size_t i;

	for (i = 0; i < pp->n; i++)
		if (strcmp(pp->ids[i], id) == 0)
			return i;
	pp->ids = xreallocarray(pp->ids, pp->n + 1, sizeof *pp->ids);
	pp->ids[pp->n] = xstrdup(id);
	return pp->n++;
}

/* Open the items of partition id (joined with '#'); checks the ids. */
static void
partitions_open(struct ui *ui, struct pane_partitions *pp, const char *id)
{
	struct ids ids;
	struct err e;
	size_t i;

	ids_init(&ids);
	ids_parse(&ids, id);
	err_clear(&e);
	for (i = 0; i < ids.n; i++)
		if (content_check_id(ids.v[i], strlen(ids.v[i]), &e) == -1) {
			ui_error_err(ui, "partition id", &e);
			ids_cleanup(&ids);
			return;
		}
	pp->cur = partitions_add(pp, id);
	ui_push(ui, pane_items_new(ui, &ids));
	ids_cleanup(&ids);
}

/* The prompt for a typed id. */
static void
partitions_typed(struct ui *ui, struct pane *pane, const char *line)
{
	if (line == NULL)
		return;
	partitions_open(ui, (struct pane_partitions *)pane, line);
}

/* pane_ops draw. */
static void
partitions_draw(struct ui *ui, struct pane *pane, int y, int h)
{
	struct pane_partitions *pp = (struct pane_partitions *)pane;
	int row;

	pp->h = h - 2 > 1 ? h - 2 : 1;
	draw_str(y, 1, ui->cols - 2, "PARTITION IDS", draw_attr(DR_HEADER));
	ui_list_scroll(pp->cur, pp->n, pp->h, &pp->top);
	for (row = 0; row < pp->h && pp->top + (size_t)row < pp->n; row++) {
		size_t i = pp->top + (size_t)row;
		bool sel = i == pp->cur;
		attr_t a = sel ? draw_attr(DR_SELECTED) : A_NORMAL;

		if (sel)
			draw_fill(y + 1 + row, 0, ui->cols, a);
		if (pp->ids[i][0] == '\0')
			draw_str(y + 1 + row, 1, ui->cols - 2, "(no ids)",
			    sel ? a : draw_attr(DR_DIM));
		else
			draw_str(y + 1 + row, 1, ui->cols - 2, pp->ids[i], a);
	}
	if (pp->n == 0)
		draw_str(y + 1, 1, ui->cols - 2, "The profile lists no "
		    "partitions: press i to type an id.", draw_attr(DR_DIM));
}

/* pane_ops title. */
static void
partitions_title(struct ui *ui, struct pane *pane, struct buf *b)
{
	(void)pane;
	buf_printf(b, "%s: partitions", ui->profile != NULL ?
	    ui->profile->name : "");
}

/* pane_ops status. */
static void
partitions_status(struct ui *ui, struct pane *pane, struct buf *b)
{
	struct pane_partitions *pp = (struct pane_partitions *)pane;

	buf_printf(b, "%zu partition%s | Enter opens, i types an id", pp->n,
	    pp->n == 1 ? "" : "s");
	if (ui->endpoint != NULL)
		buf_printf(b, " | %s", ui->endpoint);
}

/* Movement, open, type. */
static int
partitions_cmd(struct ui *ui, struct pane *pane, int op, const char *arg)
{
	struct pane_partitions *pp = (struct pane_partitions *)pane;

	switch (op) {
	case PARTITIONS_OPEN:
		if (arg != NULL)
			partitions_open(ui, pp, arg);
		else if (pp->n > 0)
			partitions_open(ui, pp, pp->ids[pp->cur]);
		return UI_HANDLED;
	case PARTITIONS_TYPE:
		ui_prompt(ui, pane, CMDLINE_HIST_IDS, "partition id: ", NULL,
		    partitions_typed);
		return UI_HANDLED;
	default:
		ui_list_move(op, pp->n, pp->h, &pp->cur);
		return UI_REDRAW;
	}
}

/* pane_ops free. */
static void
partitions_free(struct ui *ui, struct pane *pane)
{
	struct pane_partitions *pp = (struct pane_partitions *)pane;
	size_t i;

	(void)ui;
	for (i = 0; i < pp->n; i++)
		free(pp->ids[i]);
	free(pp->ids);
	free(pp);
}

static const struct ui_cmd partitions_cmds[] = {
	{ "down", partitions_cmd, UI_MOVE_DOWN, NULL, "next partition" },
	{ "up", partitions_cmd, UI_MOVE_UP, NULL, "previous partition" },
	{ "page-down", partitions_cmd, UI_MOVE_PAGE_DOWN, NULL, "a page down" },
	{ "page-up", partitions_cmd, UI_MOVE_PAGE_UP, NULL, "a page up" },
	{ "first", partitions_cmd, UI_MOVE_FIRST, NULL, "the first one" },
	{ "last", partitions_cmd, UI_MOVE_LAST, NULL, "the last one" },
	{ "open", partitions_cmd, PARTITIONS_OPEN, "[ID#ID...]",
	    "open the partition under the cursor (or the ids given)" },
	{ "partition", partitions_cmd, PARTITIONS_TYPE, NULL,
	    "type partition ids (joined with #) and open them" },
	{ NULL, NULL, 0, NULL, NULL }
};

static const struct ui_key partitions_keys[] = {
	{ 'j', "down" }, { UI_KEY_FN_BASE + KEY_DOWN, "down" },
	{ 'k', "up" }, { UI_KEY_FN_BASE + KEY_UP, "up" },
	{ UI_KEY_FN_BASE + KEY_NPAGE, "page-down" }, { 6, "page-down" },
	{ UI_KEY_FN_BASE + KEY_PPAGE, "page-up" }, { 2, "page-up" },
	{ 'g', "first" }, { UI_KEY_FN_BASE + KEY_HOME, "first" },
	{ 'G', "last" }, { UI_KEY_FN_BASE + KEY_END, "last" },
	{ '\r', "open" }, { '\n', "open" },
	{ UI_KEY_FN_BASE + KEY_ENTER, "open" }, { 'l', "open" },
	{ UI_KEY_FN_BASE + KEY_RIGHT, "open" },
	{ 'i', "partition" },
	{ 0, NULL }
};

static const struct pane_ops partitions_ops = {
	"partitions",
	partitions_cmds,
	partitions_keys,
	partitions_draw,
	partitions_title,
	partitions_status,
	NULL,
	NULL,
	NULL,
	partitions_free
};

struct pane *
pane_partitions_new(struct ui *ui)
{
	struct pane_partitions *pp = xcalloc(1, sizeof *pp);
	size_t i;

	pp->base.ops = &partitions_ops;
	pp->h = 1;
	if (ui->profile != NULL) {
		for (i = 0; i < ui->profile->npartitions; i++)
			partitions_add(pp, ui->profile->partitions[i]);
		if (ui->profile->npartitions == 0)
			partitions_add(pp, "");
	}
	return &pp->base;
}
