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
	long long	*items;		/* per id: counted by discovery, or
					   -1 */
	size_t		 n;
	size_t		 cur, top;
	int		 h;

	/* Discovery: the job, and how far it got. */
	unsigned long	 job;
	unsigned long long found_items;
	size_t		 found;
	int		 segments, segments_done;
};

enum {
	PARTITIONS_OPEN = 100,
	PARTITIONS_TYPE,
	PARTITIONS_DISCOVER,
	PARTITIONS_ESC
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
	pp->items = xreallocarray(pp->items, pp->n + 1, sizeof *pp->items);
	pp->ids[pp->n] = xstrdup(id);
	pp->items[pp->n] = -1;
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

/* pane_ops event: discovery's progress and its end. */
static void
partitions_event(struct ui *ui, struct pane *pane, struct worker_event *ev)
{
	struct pane_partitions *pp = (struct pane_partitions *)pane;
	const struct discover *d = &ev->discovered;
	size_t i, k;

	if (ev->job != pp->job)
		return;
	if (ev->type == WE_PROGRESS) {
		pp->found_items = ev->total;
		pp->found = ev->count;
		pp->segments = ev->segments;
		pp->segments_done = ev->segments_done;
		return;
	}
	if (ev->type != WE_DONE)
		return;
	pp->job = 0;
	if (ev->rc == -1) {
		if (ev->err.code == ERR_CANCELLED)
			ui_note(ui, "discovery cancelled");
		else
			ui_error_err(ui, "discovery", &ev->err);
		return;
	}
	for (i = 0; i < d->n; i++) {
		k = partitions_add(pp, d->parts[i].id);
		pp->items[k] = (long long)d->parts[i].items;
	}
	ui_note(ui, "discovered %zu partition%s, %llu item%s", d->n,
	    d->n == 1 ? "" : "s", d->items, d->items == 1 ? "" : "s");
}

/* The progress of a discovery: a bar by segments, and the counts. */
static void
partitions_draw_progress(struct ui *ui, struct pane_partitions *pp, int y)
{
	struct buf b = BUF_INIT;
	int w = 20, fill, i;

	fill = pp->segments > 0 ? w * pp->segments_done / pp->segments : 0;
	buf_addc(&b, '[');
	for (i = 0; i < w; i++)
		buf_addc(&b, i < fill ? '#' : '.');
	buf_printf(&b, "] %d/%d segments, %llu items, %zu partitions "
	    "(Esc cancels)", pp->segments_done, pp->segments,
	    pp->found_items, pp->found);
	draw_str(y, 1, ui->cols - 2, buf_cstr(&b), draw_attr(DR_WARN));
	buf_cleanup(&b);
}

/* pane_ops draw. */
static void
partitions_draw(struct ui *ui, struct pane *pane, int y, int h)
{
	struct pane_partitions *pp = (struct pane_partitions *)pane;
	int row;

	if (pp->job != 0) {
		partitions_draw_progress(ui, pp, y);
		y++;
		h--;
	}
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
		if (pp->items[i] >= 0) {
			struct buf c = BUF_INIT;

			buf_printf(&c, "%lld item%s", pp->items[i],
			    pp->items[i] == 1 ? "" : "s");
			draw_str(y + 1 + row, ui->cols - 20, 19, buf_cstr(&c),
			    sel ? a : draw_attr(DR_DIM));
			buf_cleanup(&c);
		}
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

	buf_printf(b, "%zu partition%s | Enter opens, i types an id, d "
	    "discovers", pp->n, pp->n == 1 ? "" : "s");
	if (ui->endpoint != NULL)
		buf_printf(b, " | %s", ui->endpoint);
}

/* Movement, open, type. */
static int
partitions_cmd(struct ui *ui, struct pane *pane, int op, const char *arg)
{
	struct pane_partitions *pp = (struct pane_partitions *)pane;
	struct worker_job *j;

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
	case PARTITIONS_DISCOVER:
		if (pp->job != 0) {
			ui_note(ui, "discovery is running (Esc cancels)");
			return UI_HANDLED;
		}
		j = worker_job_new(WJ_DISCOVER);
		if (arg != NULL)
			j->segments = atoi(arg);
		pp->found_items = 0;
		pp->found = 0;
		pp->segments_done = 0;
		pp->segments = j->segments > 0 ? j->segments : 4;
		pp->job = ui_submit(ui, pane, j);
		return UI_HANDLED;
	case PARTITIONS_ESC:
		if (pp->job != 0) {
			ui_cancel(ui, pp->job);
			ui_note(ui, "cancelling the discovery ...");
		} else if (pane->below != NULL) {
			ui_pop(ui);
		}
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

	ui_cancel(ui, pp->job);
	for (i = 0; i < pp->n; i++)
		free(pp->ids[i]);
	free(pp->ids);
	free(pp->items);
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
	{ "discover", partitions_cmd, PARTITIONS_DISCOVER, "[SEGMENTS]",
	    "find every partition by a parallel Scan (needs dynamodb:Scan)" },
	{ "back", partitions_cmd, PARTITIONS_ESC, NULL,
	    "cancel the discovery, or go back when none runs" },
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
	{ 'd', "discover" },
	{ UI_KEY_ESC, "back" },
	{ UI_KEY_CTRL_C, "back" },
	{ 0, NULL }
};

static const struct pane_ops partitions_ops = {
	"partitions",
	partitions_cmds,
	partitions_keys,
	partitions_draw,
	partitions_title,
	partitions_status,
	partitions_event,
	NULL,
	NULL,
	partitions_free,
	NULL
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
		/* Then the ones opened before, most recent first. */
		for (i = 0; i < ui->nhistory; i++)
			partitions_add(pp, ui->history[i]);
	}
	return &pp->base;
}
