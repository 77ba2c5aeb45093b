/* SPDX-License-Identifier: ISC */
/* The items pane: a partition's items as a table, loaded as one scrolls. */
#include "config.h"

#include "pane_items.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curses.h>

#include "cmdline.h"
#include "draw.h"
#include "edit.h"
#include "expr_eval.h"
#include "filter.h"
#include "table.h"
#include "trace.h"
#include "ui.h"
#include "xmalloc.h"

/* Items asked for beyond what is loaded when the cursor nears the end. */
#define ITEMS_AHEAD	200
/* The longest a search holds the screen before it lets keys in: a search
 * over a million rows that finds nothing takes a second. */
#define ITEMS_SEARCH_SLICE_NS	3000000
/* Steps of a search between looks at the clock. */
#define ITEMS_SEARCH_STEP	256

enum items_query {
	IQ_PREFIX,	/* list(partition, prefix) */
	IQ_BETWEEN	/* list_between(partition, start, end) */
};

/* One entry of the tree view: a segment with the rows under it (first
 * row, count), or an item whose ids end at this level (a leaf). */
struct items_node {
	const char	*seg;		/* borrowed from the first row */
	size_t		 row;		/* its first row */
	size_t		 count;
	bool		 leaf;
};

/* A job of a bulk edit and the row it writes. */
struct items_bulk_job {
	unsigned long	 id;
	struct ids	 content;
};

enum items_load {
	IL_IDLE,
	IL_LOADING,	/* pages coming */
	IL_PAUSED,	/* more pages wait for demand */
	IL_DONE,	/* every page is in */
	IL_CANCELLED,
	IL_FAILED
};

struct pane_items {
	struct pane	 base;
	struct ids	 partition;
	enum items_query mode;
	struct ids	 prefix, start, end;
	struct filter	 filter;
	bool		 descending;

	unsigned long	 job;
	enum items_load	 load;
	/* DYNREPO_TRACE: the run's first answer is still to come, or came
	 * and is still to be drawn. */
	bool		 trace_first, trace_drawn;
	/* The first Query brings a screen and the list waits: the rest is
	 * asked for once that screen is drawn (from idle). */
	bool		 ahead_after_paint;
	bool		 paused_before_paint;	/* a pause items_idle applies */
	size_t		 asked;		/* items the list may load, or
					   SIZE_MAX: all */
	double		 capacity;
	struct table	 t;
	size_t		 cur, top;
	size_t		 hcol;		/* first field column shown (>= 1) */
	int		 h;		/* data rows when last drawn */
	char		*search;
	/* A search on its way, in slices: its direction, the next step
	 * (rows from the cursor), the cursor and the rows it started at. */
	bool		 searching;
	int		 search_dir;
	size_t		 search_k, search_from, search_n;
	char		*between_start;	/* between's first answer */

	/* A new item being made (:put): its ids, the fields typed so far
	 * (plain JSON), the model field asked for next. */
	struct ids	 new_ids;
	struct value	*new_form;
	size_t		 new_field;
	unsigned long	 write_job;	/* put, count or delete on its way */
	char		*new_kept;	/* the recovery file of the new item's
					 * refused attempt: the next one is
					 * kept in it, and ends it */
	/* A prefix delete: the prefix and the count confirmed. */
	struct ids	 del_prefix;
	size_t		 del_count;

	/* An export of the query: its job, file and items written. */
	unsigned long	 export_job;
	char		*export_path;
	size_t		 exported;

	/* A bulk edit of the marked rows: what it does, the jobs on their
	 * way (one per row, each with its own version guard), the tally. */
	int		 bulk_op;
	char		*bulk_field, *bulk_text;
	struct items_bulk_job *bulk;
	size_t		 nbulk;
	size_t		 bulk_written, bulk_conflicted, bulk_failed;
	char		*bulk_error;

	/* The tree view: the next level of ids under the prefix. */
	bool		 tree;
	struct items_node *nodes;
	size_t		 nnodes;
	size_t		 nodes_cap;
	unsigned long	 nodes_gen;	/* the table's gen they were built at */
	size_t		 nodes_depth;
	int		 nodes_w;	/* the segment column's width */
	size_t		 tcur, ttop;
};

enum {
	ITEMS_LEFT = 100,
	ITEMS_RIGHT,
	ITEMS_OPEN,
	ITEMS_ESC,
	ITEMS_CANCEL,
	ITEMS_RELOAD,
	ITEMS_SORT,
	ITEMS_LOAD_ALL,
	ITEMS_FILTERS,
	ITEMS_FILTER,
	ITEMS_PREFIX,
	ITEMS_ASCEND,
	ITEMS_DESCEND,
	ITEMS_BETWEEN,
	ITEMS_SEARCH,
	ITEMS_SEARCH_NEXT,
	ITEMS_SEARCH_PREV,
	ITEMS_TREE,
	ITEMS_PUT,
	ITEMS_DELETE,
	ITEMS_DELETE_PREFIX,
	ITEMS_MARK,
	ITEMS_MARK_SCREEN,
	ITEMS_MARK_FILTER,
	ITEMS_UNMARK_ALL,
	ITEMS_SET,
	ITEMS_INCR,
	ITEMS_APPEND,
	ITEMS_EXPORT
};

static const struct pane_ops items_ops;

/* The depth the tree view groups at: the number of prefix segments. */
static size_t
items_depth(const struct pane_items *ip)
{
	return ip->mode == IQ_PREFIX ? ip->prefix.n : 0;
}

/* Group the rows loaded by their segment at the tree's depth. Rows come
 * in key order, so the rows of one segment are next to each other. */
static void
items_tree_build(struct pane_items *ip)
{
	size_t depth = items_depth(ip), i;
	struct items_node *n = NULL;
	int sw;

	/* Only when the rows changed: a draw must not walk them all. */
	if (ip->nodes_gen == ip->t.gen && ip->nodes_depth == depth)
		return;
	ip->nodes_gen = ip->t.gen;
	ip->nodes_depth = depth;
	ip->nnodes = 0;
	ip->nodes_w = 24;
	for (i = 0; i < ip->t.nrows; i++) {
		size_t nids = table_row_nids(&ip->t, i);
		const char *seg = nids > depth ? table_row_seg(&ip->t, i,
		    depth) : "";
		bool leaf = nids <= depth + 1;

		if (n != NULL && !n->leaf && !leaf &&
		    strcmp(n->seg, seg) == 0) {
			n->count++;
			continue;
		}
		if (ip->nnodes == ip->nodes_cap) {
			ip->nodes_cap = ip->nodes_cap == 0 ? 64 :
			    ip->nodes_cap * 2;
			ip->nodes = xreallocarray(ip->nodes, ip->nodes_cap,
			    sizeof *ip->nodes);
		}
		n = &ip->nodes[ip->nnodes++];
		n->seg = seg;
		n->row = i;
		n->count = 1;
		n->leaf = leaf;
		sw = draw_width(seg, strlen(seg)) + 2;
		if (sw > ip->nodes_w)
			ip->nodes_w = sw < 48 ? sw : 48;
	}
	if (ip->tcur >= ip->nnodes)
		ip->tcur = ip->nnodes > 0 ? ip->nnodes - 1 : 0;
}

/* Let the list load until `want` items (0: all). */
static void
items_more(struct ui *ui, struct pane_items *ip, size_t want)
{
	if (want == 0)
		ip->asked = SIZE_MAX;
	else if (want > ip->asked)
		ip->asked = want;
	worker_more(ui->worker, ip->job, want);
}

/* Ask the worker for more when the cursor is within reach of the end. */
static void
items_demand(struct ui *ui, struct pane_items *ip)
{
	size_t reach = (size_t)(ip->h > 0 ? ip->h : 1) * 2;

	if (ip->load != IL_LOADING && ip->load != IL_PAUSED)
		return;
	if (ip->cur + reach >= ip->t.nrows)
		items_more(ui, ip, ip->t.nrows + ITEMS_AHEAD);
}

/* A job of this type for the query in force. */
static struct worker_job *
items_query_job(const struct pane_items *ip, enum worker_job_type type)
{
	struct worker_job *j = worker_job_new(type);

	ids_copy(&j->partition, &ip->partition);
	if (ip->mode == IQ_PREFIX) {
		ids_copy(&j->prefix, &ip->prefix);
	} else {
		ids_copy(&j->start, &ip->start);
		ids_copy(&j->end, &ip->end);
		j->between = true;
	}
	j->descending = ip->descending;
	if (ip->filter.n > 0) {
		j->filter = xmalloc(sizeof *j->filter);
		filter_copy(j->filter, &ip->filter);
	}
	return j;
}

/* Run the query in force from the start. */
static void
items_run(struct ui *ui, struct pane_items *ip)
{
	struct worker_job *j;

	ui_cancel(ui, ip->job);
	table_clear(&ip->t);
	ip->cur = ip->top = 0;
	ip->hcol = 1;
	ip->capacity = 0;
	j = items_query_job(ip, ip->mode == IQ_PREFIX ? WJ_LIST :
	    WJ_BETWEEN);
	/* The first Query brings one screen, which is drawn the sooner:
	 * not behind a page of 1 MB, nor sharing the machine with the
	 * look-ahead, which items_idle asks for once it is drawn. */
	j->first_page = (size_t)(ip->h > 0 ? ip->h : 24);
	j->want = j->first_page;
	ip->asked = j->want;
	ip->ahead_after_paint = true;
	ip->paused_before_paint = false;
	trace_event("list-submit", NULL);
	ip->job = ui_submit(ui, &ip->base, j);
	ip->load = IL_LOADING;
	ip->trace_first = true;
	ip->trace_drawn = false;
	ui_dirty(ui);
}

void
pane_items_requery(struct ui *ui, struct pane *pane)
{
	items_run(ui, (struct pane_items *)pane);
}

struct filter *
pane_items_filter(struct pane *pane)
{
	return &((struct pane_items *)pane)->filter;
}

static void	items_write_event(struct ui *, struct pane_items *,
		    struct worker_event *);
static bool	items_bulk_event(struct ui *, struct pane_items *,
		    struct worker_event *);
static void	items_export_event(struct ui *, struct pane_items *,
		    struct worker_event *);

/* pane_ops event: pages, pauses and the end of a load. */
static void
items_event(struct ui *ui, struct pane *pane, struct worker_event *ev)
{
	struct pane_items *ip = (struct pane_items *)pane;
	size_t i;

	if (ev->type == WE_DONE && items_bulk_event(ui, ip, ev))
		return;
	if (ev->job == ip->export_job) {
		items_export_event(ui, ip, ev);
		return;
	}
	if (ev->job == ip->write_job && ev->type == WE_DONE) {
		ip->write_job = 0;
		items_write_event(ui, ip, ev);
		return;
	}
	if (ev->job != ip->job)
		return;
	ip->capacity = ev->capacity;
	if (ip->trace_first && (ev->type == WE_PAGE || ev->type == WE_DONE)) {
		trace_event("page-received", NULL);
		ip->trace_first = false;
		ip->trace_drawn = true;
	}
	/* The first screen came: once it is drawn, the look-ahead. */
	if (ip->ahead_after_paint && ev->type == WE_PAGE)
		ui_idle(ui);
	switch (ev->type) {
	case WE_PAGE:
		for (i = 0; i < ev->nitems; i++) {
			table_add(&ip->t, ev->items[i]);
			ev->items[i] = NULL;
		}
		if (ip->load == IL_PAUSED)
			ip->load = IL_LOADING;
		break;
	case WE_PAUSED:
		/* A pause short of what was asked for since is over, and the
		 * first screen's is about to be (items_idle). */
		if (ev->total < ip->asked)
			break;
		if (ip->ahead_after_paint) {
			/* Came with the first screen: items_idle decides,
			 * once it is drawn, whether to ask on or pause. */
			ip->paused_before_paint = true;
			break;
		}
		ip->load = IL_PAUSED;
		items_demand(ui, ip);
		break;
	case WE_PROGRESS:
		break;
	case WE_DONE:
		ip->job = 0;
		if (ev->rc == 0) {
			ip->load = IL_DONE;
		} else if (ev->err.code == ERR_CANCELLED) {
			ip->load = IL_CANCELLED;
		} else {
			ip->load = IL_FAILED;
			ui_error_err(ui, "list", &ev->err);
		}
		break;
	case WE_RETRY:		/* shown by the UI itself */
		break;
	}
}

/* The query in force as text: "prefix usa#ny#", "between a .. b". */
static void
items_query_text(const struct pane_items *ip, struct buf *b)
{
	bool first;
	size_t i;

	if (ip->mode == IQ_PREFIX) {
		if (ip->prefix.n > 0) {
			buf_adds(b, "prefix ");
			for (i = 0; i < ip->prefix.n; i++) {
				buf_adds(b, ip->prefix.v[i]);
				if (i + 1 < ip->prefix.n)
					buf_adds(b, " # ");
			}
		} else {
			buf_adds(b, "all items");
		}
	} else {
		buf_adds(b, "between ");
		ids_join(&ip->start, b);
		buf_adds(b, " .. ");
		ids_join(&ip->end, b);
	}
	buf_adds(b, ip->descending ? ", descending" : "");
	for (i = 0, first = true; i < ip->filter.n; i++) {
		if (!ip->filter.conds[i].enabled)
			continue;
		buf_adds(b, first ? " | where " : " and ");
		filter_format_cond(&ip->filter.conds[i], b);
		first = false;
	}
}

/* pane_ops title: the path bar. */
static void
items_title(struct ui *ui, struct pane *pane, struct buf *b)
{
	struct pane_items *ip = (struct pane_items *)pane;

	(void)ui;
	buf_adds(b, "items of ");
	if (ip->partition.n == 0)
		buf_adds(b, "(no ids)");
	else
		ids_join(&ip->partition, b);
	buf_adds(b, " > ");
	items_query_text(ip, b);
}

/* pane_ops status: counts, capacity, load state. */
static void
items_status(struct ui *ui, struct pane *pane, struct buf *b)
{
	struct pane_items *ip = (struct pane_items *)pane;
	size_t n = ip->t.nrows;

	(void)ui;
	if (n > 0)
		buf_printf(b, "%zu/%zu", ip->cur + 1, n);
	else
		buf_adds(b, "0");
	switch (ip->load) {
	case IL_LOADING:
		buf_adds(b, " items, loading...");
		break;
	case IL_PAUSED:
		buf_adds(b, " items loaded, more on the server (L loads all)");
		break;
	case IL_DONE:
		buf_printf(b, " item%s", n == 1 ? "" : "s");
		break;
	case IL_CANCELLED:
		buf_adds(b, " items, load cancelled (r reloads)");
		break;
	case IL_FAILED:
		buf_adds(b, " items, load failed (r retries)");
		break;
	case IL_IDLE:
		break;
	}
	if (ip->capacity > 0)
		buf_printf(b, " | %.1f RCU", ip->capacity);
	if (ip->searching)
		buf_printf(b, " | searching /%s: %zu of %zu rows (Esc stops)",
		    ip->search, ip->search_k, ip->search_n);
	else if (ip->search != NULL)
		buf_printf(b, " | /%s", ip->search);
	if (ip->t.nmarked > 0)
		buf_printf(b, " | %zu marked", ip->t.nmarked);
	if (ip->nbulk > 0)
		buf_printf(b, " | writing %zu...", ip->nbulk);
	if (ip->export_job != 0)
		buf_printf(b, " | exporting: %zu items (Esc cancels)",
		    ip->exported);
}

/* Draw one row (row < 0: the header) at screen row y. */
static void
items_draw_row(struct ui *ui, struct pane_items *ip, int y, long row)
{
	struct buf b = BUF_INIT;
	size_t ncols = table_ncols(&ip->t), col;
	bool sel = row >= 0 && (size_t)row == ip->cur, dim;
	attr_t base = row < 0 ? draw_attr(DR_HEADER) : sel ?
	    draw_attr(DR_SELECTED) : A_NORMAL;
	int x = 1, w;

	if (sel)
		draw_fill(y, 0, ui->cols, base);
	if (row >= 0 && ip->t.marked[row])
		draw_str(y, 0, 1, "*", sel ? base : draw_attr(DR_WARN));
	for (col = 0; col < ncols && x < ui->cols; col++) {
		if (col > 0 && col < ip->hcol)
			continue;
		w = table_col_width(&ip->t, col);
		if (w > ui->cols - x)
			w = ui->cols - x;
		buf_reset(&b);
		dim = false;
		if (row < 0)
			buf_adds(&b, table_col_name(&ip->t, col));
		else
			table_cell(&ip->t, (size_t)row, col, &b, &dim);
		draw_text(y, x, w, buf_cstr(&b), b.len, 0, true,
		    dim && !sel ? draw_attr(DR_DIM) : col == 0 && !sel &&
		    row >= 0 ? draw_attr(DR_KEY) : base);
		x += w + 2;
	}
	buf_cleanup(&b);
}

/* The tree view: one line per segment (with its count) or item. */
static void
items_draw_tree(struct ui *ui, struct pane_items *ip, int y)
{
	struct buf b = BUF_INIT;
	bool partial = ip->load != IL_DONE;
	int r, w;

	items_tree_build(ip);
	w = ip->nodes_w;
	draw_str(y, 1, ui->cols - 2, partial ? "NEXT LEVEL (counts of the "
	    "items loaded so far)" : "NEXT LEVEL", draw_attr(DR_HEADER));
	ui_list_scroll(ip->tcur, ip->nnodes, ip->h, &ip->ttop);
	for (r = 0; r < ip->h && ip->ttop + (size_t)r < ip->nnodes; r++) {
		const struct items_node *n = &ip->nodes[ip->ttop + (size_t)r];
		bool sel = ip->ttop + (size_t)r == ip->tcur;
		attr_t a = sel ? draw_attr(DR_SELECTED) : A_NORMAL;

		if (sel)
			draw_fill(y + 1 + r, 0, ui->cols, a);
		buf_reset(&b);
		if (n->leaf) {
			buf_adds(&b, n->seg[0] != '\0' ? n->seg : "(this id)");
			draw_str(y + 1 + r, 2, w, buf_cstr(&b), a);
			buf_reset(&b);
			buf_printf(&b, "item, version %lld",
			    table_row_version(&ip->t, n->row));
			draw_str(y + 1 + r, 3 + w, ui->cols - w - 4,
			    buf_cstr(&b), sel ? a : draw_attr(DR_DIM));
		} else {
			buf_printf(&b, "%s#", n->seg);
			draw_str(y + 1 + r, 2, w, buf_cstr(&b),
			    sel ? a : draw_attr(DR_KEY));
			buf_reset(&b);
			buf_printf(&b, "%zu%s item%s", n->count, partial &&
			    ip->ttop + (size_t)r + 1 == ip->nnodes ? "+" : "",
			    n->count == 1 ? "" : "s");
			draw_str(y + 1 + r, 3 + w, ui->cols - w - 4,
			    buf_cstr(&b), a);
		}
	}
	buf_cleanup(&b);
}

/* pane_ops draw. */
static void
items_draw(struct ui *ui, struct pane *pane, int y, int h)
{
	struct pane_items *ip = (struct pane_items *)pane;
	const char *empty = NULL;
	int r;

	ip->h = h - 1 > 1 ? h - 1 : 1;
	if (ip->trace_drawn) {
		ui_trace_painted(ui, "page-drawn");
		ip->trace_drawn = false;
	}
	if (ip->t.nrows == 0) {
		switch (ip->load) {
		case IL_LOADING:
		case IL_PAUSED:
			empty = "loading... (Esc cancels)";
			break;
		case IL_CANCELLED:
			empty = "cancelled; r loads again";
			break;
		case IL_FAILED:
			empty = "the load failed; r tries again";
			break;
		default:
			empty = "no items";
			break;
		}
		draw_str(y + 1, 2, ui->cols - 4, empty, draw_attr(DR_DIM));
		return;
	}
	if (ip->tree) {
		items_draw_tree(ui, ip, y);
		return;
	}
	ui_list_scroll(ip->cur, ip->t.nrows, ip->h, &ip->top);
	items_draw_row(ui, ip, y, -1);
	for (r = 0; r < ip->h && ip->top + (size_t)r < ip->t.nrows; r++)
		items_draw_row(ui, ip, y + 1 + r, (long)(ip->top + (size_t)r));
	/* Marks for columns scrolled off. */
	if (ip->hcol > 1)
		draw_str(y, 0, 1, "<", draw_attr(DR_KEY));
}

/* Nanoseconds on the monotonic clock. */
static long long
items_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/* The next at most ITEMS_SEARCH_STEP steps of the search from step k, as
 * one range of rows [*lo, *hi) (it wraps around at n); how many. */
static size_t
items_search_range(const struct pane_items *ip, size_t k, size_t *lo,
    size_t *hi)
{
	size_t n = ip->search_n, i, m = n + 1 - k;

	if (m > ITEMS_SEARCH_STEP)
		m = ITEMS_SEARCH_STEP;
	if (ip->search_dir > 0) {
		i = (ip->search_from + k) % n;
		if (m > n - i)
			m = n - i;
		*lo = i;
		*hi = i + m;
	} else {
		i = (ip->search_from + n - k % n) % n;
		if (m > i + 1)
			m = i + 1;
		*lo = i + 1 - m;
		*hi = i + 1;
	}
	return m;
}

/* Go on with the search for a slice of time; whether it is still on.
 * table_search passes over blocks of rows that cannot match at once. */
static bool
items_search_slice(struct ui *ui, struct pane_items *ip)
{
	long long end = items_now_ns() + ITEMS_SEARCH_SLICE_NS;
	size_t n = ip->search_n, k, m, lo, hi, at;

	/* Rows dropped since it started: the steps no longer hold. */
	if (!ip->searching || ip->t.nrows < n) {
		ip->searching = false;
		return false;
	}
	for (k = ip->search_k; k <= n; k += m) {
		m = items_search_range(ip, k, &lo, &hi);
		at = table_search(&ip->t, lo, hi, ip->search_dir, ip->search);
		if (at != hi) {
			ip->searching = false;
			ip->cur = at;
			items_demand(ui, ip);
			ui_dirty(ui);
			return false;
		}
		if (items_now_ns() > end) {
			ip->search_k = k + m;
			ui_idle(ui);
			return true;
		}
	}
	ip->searching = false;
	ui_note(ui, "not found among the %zu items loaded: %s", n,
	    ip->search);
	return false;
}

/* Move to the next (dir 1) or previous (-1) row matching the search:
 * at once when it is near, else in slices between keys (Esc stops). */
static void
items_search(struct ui *ui, struct pane_items *ip, int dir, bool here)
{
	if (ip->search == NULL || ip->t.nrows == 0)
		return;
	ip->searching = true;
	ip->search_dir = dir;
	ip->search_k = here ? 0 : 1;
	ip->search_from = ip->cur;
	ip->search_n = ip->t.nrows;
	items_search_slice(ui, ip);
}

/* pane_ops idle: after the first screen, the look-ahead; the search's
 * next slice. */
static bool
items_idle(struct ui *ui, struct pane *pane)
{
	struct pane_items *ip = (struct pane_items *)pane;

	if (ip->ahead_after_paint) {
		ip->ahead_after_paint = false;
		if (ip->paused_before_paint && ip->load == IL_LOADING)
			ip->load = IL_PAUSED;
		ip->paused_before_paint = false;
		items_demand(ui, ip);
	}
	return items_search_slice(ui, ip);
}

/* Prompt answers. */
static void
items_search_done(struct ui *ui, struct pane *pane, const char *line)
{
	struct pane_items *ip = (struct pane_items *)pane;

	if (line == NULL || *line == '\0')
		return;
	free(ip->search);
	ip->search = xstrdup(line);
	items_search(ui, ip, 1, true);
}

/* Check typed ids; ERR_INPUT message when one holds a NUL or '#'. */
static int
items_parse_ids(const char *text, struct ids *out, struct err *e)
{
	size_t i;

	ids_init(out);
	ids_parse(out, text);
	for (i = 0; i < out->n; i++)
		if (content_check_id(out->v[i], strlen(out->v[i]), e) == -1) {
			ids_cleanup(out);
			return -1;
		}
	return 0;
}

/* A new prefix (the library's list prefix, ids joined with '#'). */
static void
items_set_prefix(struct ui *ui, struct pane_items *ip, const char *text)
{
	struct ids ids;
	struct err e;

	err_clear(&e);
	if (items_parse_ids(text, &ids, &e) == -1) {
		ui_error_err(ui, "prefix", &e);
		return;
	}
	ids_cleanup(&ip->prefix);
	ip->prefix = ids;
	ip->mode = IQ_PREFIX;
	items_run(ui, ip);
}

static void
items_prefix_done(struct ui *ui, struct pane *pane, const char *line)
{
	if (line != NULL)
		items_set_prefix(ui, (struct pane_items *)pane, line);
}

/* A between range from two texts. */
static void
items_set_between(struct ui *ui, struct pane_items *ip, const char *a,
    const char *b)
{
	struct ids s, t;
	struct err e;

	err_clear(&e);
	if (items_parse_ids(a, &s, &e) == -1) {
		ui_error_err(ui, "between start", &e);
		return;
	}
	if (items_parse_ids(b, &t, &e) == -1) {
		ids_cleanup(&s);
		ui_error_err(ui, "between end", &e);
		return;
	}
	ids_cleanup(&ip->start);
	ids_cleanup(&ip->end);
	ip->start = s;
	ip->end = t;
	ip->mode = IQ_BETWEEN;
	items_run(ui, ip);
}

static void
items_between_end_done(struct ui *ui, struct pane *pane, const char *line)
{
	struct pane_items *ip = (struct pane_items *)pane;

	if (line != NULL && ip->between_start != NULL)
		items_set_between(ui, ip, ip->between_start, line);
	free(ip->between_start);
	ip->between_start = NULL;
}

static void
items_between_start_done(struct ui *ui, struct pane *pane, const char *line)
{
	struct pane_items *ip = (struct pane_items *)pane;
	struct buf b = BUF_INIT;

	if (line == NULL)
		return;
	free(ip->between_start);
	ip->between_start = xstrdup(line);
	if (ip->mode == IQ_BETWEEN)
		ids_join(&ip->end, &b);
	else
		buf_adds(&b, line);
	ui_prompt(ui, pane, CMDLINE_HIST_IDS, "between end: ", buf_cstr(&b),
	    items_between_end_done);
	buf_cleanup(&b);
}

/* Add a filter condition of the CLI grammar and run again (a prompt's
 * answer: nothing when it is cancelled or empty). */
static void
items_add_filter(struct ui *ui, struct pane *pane, const char *text)
{
	struct pane_items *ip = (struct pane_items *)pane;
	struct err e;

	if (text == NULL || *text == '\0')
		return;
	err_clear(&e);
	if (filter_add_parse(&ip->filter, text, &e) == -1) {
		ui_error_err(ui, "filter", &e);
		return;
	}
	items_run(ui, ip);
}

/* ---- writes: a new item, a prefix delete ---------------------------- */

/* Forget the item being made. */
static void
items_new_drop(struct pane_items *ip)
{
	ids_cleanup(&ip->new_ids);
	ids_init(&ip->new_ids);
	value_free(ip->new_form);
	ip->new_form = NULL;
	ip->new_field = 0;
	free(ip->new_kept);
	ip->new_kept = NULL;
}

/* Whether a write of this pane is on its way (says so). */
static bool
items_write_busy(struct ui *ui, const struct pane_items *ip)
{
	if (ip->write_job != 0) {
		ui_note(ui, "wait: a write is on its way");
		return true;
	}
	return false;
}

/* Send the new item: a put that cannot overwrite (the item must not
 * exist), its fields typed by the model in the worker. */
static void
items_new_send(struct ui *ui, struct pane_items *ip)
{
	struct worker_job *j = worker_job_new(WJ_PUT);
	struct content *c = content_new();

	ids_copy(&c->partition_ids, &ip->partition);
	ids_copy(&c->content_ids, &ip->new_ids);
	c->item = value_copy(ip->new_form);
	c->current_version = 1;
	j->item = c;
	j->plain = true;
	j->guarded = true;
	j->current_version = 0;
	j->recover = true;
	if (ip->new_kept != NULL)
		j->recovery_id = xstrdup(ip->new_kept);
	ip->write_job = ui_submit(ui, &ip->base, j);
	ui_note(ui, "creating ...");
}

static void	items_new_ask(struct ui *, struct pane_items *);

/* An answer of the form: one required field, or the whole object. */
static void
items_new_field_done(struct ui *ui, struct pane *pane, const char *line)
{
	struct pane_items *ip = (struct pane_items *)pane;
	const struct worker_field *f;
	struct value *v;
	struct err e;

	if (line == NULL) {
		ui_note(ui, "create cancelled; nothing was written");
		items_new_drop(ip);
		return;
	}
	err_clear(&e);
	if (ip->new_field >= ui->nfields) {
		/* The whole object (no model, or after a refusal). */
		v = edit_parse_object(line, &e);
		if (v == NULL) {
			ui_error_err(ui, NULL, &e);
			ui_prompt(ui, pane, CMDLINE_HIST_VALUE, "fields (a "
			    "JSON object): ", line, items_new_field_done);
			return;
		}
		value_free(ip->new_form);
		ip->new_form = v;
		items_new_send(ui, ip);
		return;
	}
	f = &ui->fields[ip->new_field];
	if (*line == '\0') {
		ui_error(ui, "%s is required", f->name);
		items_new_ask(ui, ip);
		return;
	}
	v = edit_parse(NULL, f->name, line, &e);
	if (v == NULL) {
		ui_error_err(ui, NULL, &e);
		items_new_ask(ui, ip);
		return;
	}
	value_map_set(ip->new_form, f->name, v);
	ip->new_field++;
	items_new_ask(ui, ip);
}

/* Ask for the next required field of the model; after the last one (or
 * without a model: for the fields as one JSON object), send. */
static void
items_new_ask(struct ui *ui, struct pane_items *ip)
{
	const struct worker_field *f;
	struct buf q = BUF_INIT, pre = BUF_INIT;

	while (ip->new_field < ui->nfields &&
	    !ui->fields[ip->new_field].required)
		ip->new_field++;
	if (ip->new_field < ui->nfields) {
		f = &ui->fields[ip->new_field];
		buf_printf(&q, "%s (%s, required) = ", f->name, f->type);
		ui_prompt(ui, &ip->base, CMDLINE_HIST_VALUE, buf_cstr(&q),
		    NULL, items_new_field_done);
	} else if (ui->nfields > 0) {
		items_new_send(ui, ip);
	} else {
		edit_prefill(ip->new_form, &pre);
		ui_prompt(ui, &ip->base, CMDLINE_HIST_VALUE, "fields (a JSON "
		    "object): ", buf_cstr(&pre), items_new_field_done);
	}
	buf_cleanup(&q);
	buf_cleanup(&pre);
}

/* Start a new item with the ids typed; text after the ids (one space)
 * is the fields as a JSON object, sent at once. */
static void
items_new_start(struct ui *ui, struct pane *pane, const char *text)
{
	struct pane_items *ip = (struct pane_items *)pane;
	const char *sp;
	char *idtext;
	struct err e;

	if (text == NULL)
		return;
	sp = strpbrk(text, " \t");
	idtext = sp != NULL ? xstrndup(text, (size_t)(sp - text)) :
	    xstrdup(text);
	err_clear(&e);
	items_new_drop(ip);
	if (items_parse_ids(idtext, &ip->new_ids, &e) == -1) {
		ids_init(&ip->new_ids);
		ui_error_err(ui, "new item ids", &e);
		free(idtext);
		return;
	}
	free(idtext);
	ip->new_form = value_new_m();
	if (sp != NULL) {
		ip->new_field = ui->nfields;
		items_new_field_done(ui, &ip->base, sp + strspn(sp, " \t"));
		return;
	}
	items_new_ask(ui, ip);
}

/* The prefix delete's confirmation. */
static void
items_delete_prefix_done(struct ui *ui, struct pane *pane, const char *line)
{
	struct pane_items *ip = (struct pane_items *)pane;
	struct worker_job *j;

	if (line == NULL || strcmp(line, "yes") != 0) {
		ui_note(ui, "nothing was deleted");
		return;
	}
	j = worker_job_new(WJ_DELETE);
	ids_copy(&j->partition, &ip->partition);
	ids_copy(&j->prefix, &ip->del_prefix);
	ip->write_job = ui_submit(ui, &ip->base, j);
	ui_note(ui, "deleting %zu items ...", ip->del_count);
}

/* Count the items under a prefix; the confirmation follows. */
static void
items_delete_prefix(struct ui *ui, struct pane_items *ip, const char *arg)
{
	struct worker_job *j;
	struct err e;

	if (ui_refuse_write(ui) || items_write_busy(ui, ip))
		return;
	err_clear(&e);
	ids_cleanup(&ip->del_prefix);
	if (arg != NULL) {
		if (items_parse_ids(arg, &ip->del_prefix, &e) == -1) {
			ids_init(&ip->del_prefix);
			ui_error_err(ui, "delete-prefix", &e);
			return;
		}
	} else if (ip->mode == IQ_PREFIX) {
		ids_copy(&ip->del_prefix, &ip->prefix);
	} else {
		ids_init(&ip->del_prefix);
		ui_error(ui, "delete-prefix: name the prefix (a between range "
		    "is not a prefix)");
		return;
	}
	j = worker_job_new(WJ_COUNT);
	ids_copy(&j->partition, &ip->partition);
	ids_copy(&j->prefix, &ip->del_prefix);
	ip->write_job = ui_submit(ui, &ip->base, j);
	ui_note(ui, "counting ...");
}

/* The end of a put, count or delete of this pane. */
static void
items_write_event(struct ui *ui, struct pane_items *ip,
    struct worker_event *ev)
{
	struct buf b = BUF_INIT, pre = BUF_INIT;

	ids_join(ev->job_type == WJ_PUT ? &ip->new_ids : &ip->del_prefix, &b);
	if (ev->rc == -1 && ev->job_type == WJ_PUT &&
	    ev->err.code != ERR_CONFLICT) {
		/* Refused: the fields come back to be fixed, none lost. */
		ui_error_err(ui, "not created", &ev->err);
		if (ev->recovery_id != NULL) {
			free(ip->new_kept);
			ip->new_kept = xstrdup(ev->recovery_id);
		}
		ip->new_field = ui->nfields;
		edit_prefill(ip->new_form, &pre);
		ui_prompt(ui, &ip->base, CMDLINE_HIST_VALUE, "fields (a JSON "
		    "object): ", buf_cstr(&pre), items_new_field_done);
	} else if (ev->rc == -1 && ev->job_type == WJ_PUT) {
		ui_error(ui, "not created: %s already exists; nothing was "
		    "overwritten", buf_cstr(&b));
		items_new_drop(ip);
	} else if (ev->rc == -1) {
		ui_error_err(ui, ev->job_type == WJ_COUNT ? "count" : "delete",
		    &ev->err);
		if (ev->job_type == WJ_DELETE && ev->deleted > 0)
			items_run(ui, ip);
	} else if (ev->job_type == WJ_PUT) {
		items_new_drop(ip);
		if (ev->item != NULL) {
			table_add(&ip->t, table_content_copy(ev->item));
			ip->cur = ip->t.nrows - 1;
			ui_push(ui, pane_item_new(ui, ev->item));
		}
		ui_note(ui, "created %s: version 1", buf_cstr(&b));
	} else if (ev->job_type == WJ_COUNT && ev->count == 0) {
		ui_note(ui, "no items under prefix \"%s\"", buf_cstr(&b));
	} else if (ev->job_type == WJ_COUNT) {
		ip->del_count = ev->count;
		buf_printf(&pre, "delete %zu item%s under \"%s\"? type yes: ",
		    ev->count, ev->count == 1 ? "" : "s",
		    buf_cstr(&b));
		ui_prompt(ui, &ip->base, CMDLINE_HIST_VALUE, buf_cstr(&pre),
		    NULL, items_delete_prefix_done);
	} else {
		ui_note(ui, "deleted %zu item%s under prefix \"%s\"",
		    ev->deleted, ev->deleted == 1 ? "" : "s", buf_cstr(&b));
		items_run(ui, ip);
	}
	buf_cleanup(&b);
	buf_cleanup(&pre);
}

/* ---- export -------------------------------------------------------- */

/* :export FILE: the whole query (every page, not only those loaded) into
 * a new file, as `dynrepo export` writes it. */
static void
items_export(struct ui *ui, struct pane_items *ip, const char *path)
{
	struct worker_job *j;

	if (path == NULL) {
		ui_error(ui, "export: FILE (a new file)");
		return;
	}
	if (ip->export_job != 0) {
		ui_note(ui, "an export is running (Esc cancels it)");
		return;
	}
	j = items_query_job(ip, WJ_EXPORT);
	j->path = xstrdup(path);
	free(ip->export_path);
	ip->export_path = xstrdup(path);
	ip->exported = 0;
	ip->export_job = ui_submit(ui, &ip->base, j);
	ui_note(ui, "exporting to %s ...", path);
}

/* Progress and the end of an export. */
static void
items_export_event(struct ui *ui, struct pane_items *ip,
    struct worker_event *ev)
{
	ip->exported = ev->total;
	if (ev->type != WE_DONE)
		return;
	ip->export_job = 0;
	if (ev->rc == 0)
		ui_note(ui, "exported %zu item%s to %s", ev->total,
		    ev->total == 1 ? "" : "s", ip->export_path);
	else if (ev->err.code == ERR_CANCELLED)
		ui_note(ui, "export cancelled: %zu items are in %s", ev->total,
		    ip->export_path);
	else
		ui_error(ui, "export: %s (%zu items written)", ev->err.msg,
		    ev->total);
}

/* ---- marks and bulk edits ------------------------------------------- */

/* The names of the bulk edits, for messages. */
static const char *
items_bulk_name(int op)
{
	switch (op) {
	case ITEMS_SET:
		return "set";
	case ITEMS_INCR:
		return "incr";
	case ITEMS_APPEND:
		return "append";
	default:
		return "delete";
	}
}

/* Mark every loaded row that satisfies a condition of the filter
 * grammar (values as typed: a JSON literal or a bare word); a prompt's
 * answer. */
static void
items_mark_filter(struct ui *ui, struct pane *pane, const char *text)
{
	struct pane_items *ip = (struct pane_items *)pane;
	struct filter f;
	struct expr *x;
	struct err e;
	size_t i, n = 0;
	bool yes;

	if (text == NULL || *text == '\0')
		return;
	filter_init(&f);
	err_clear(&e);
	if (filter_add_parse(&f, text, &e) == -1) {
		ui_error_err(ui, "mark-filter", &e);
		filter_cleanup(&f);
		return;
	}
	x = filter_to_expr(&f);
	for (i = 0; i < ip->t.nrows; i++) {
		if (expr_eval_condition(x, table_row(&ip->t, i)->stored, &yes,
		    &e) == -1) {
			ui_error_err(ui, "mark-filter", &e);
			break;
		}
		if (yes && !ip->t.marked[i]) {
			table_mark(&ip->t, i, true);
			n++;
		}
	}
	expr_free(x);
	filter_cleanup(&f);
	ui_note(ui, "marked %zu more of the %zu items loaded (%zu marked)",
	    n, ip->t.nrows, ip->t.nmarked);
}

/* Forget a finished bulk edit. */
static void
items_bulk_clear(struct pane_items *ip)
{
	size_t i;

	for (i = 0; i < ip->nbulk; i++)
		ids_cleanup(&ip->bulk[i].content);
	free(ip->bulk);
	ip->bulk = NULL;
	ip->nbulk = 0;
	free(ip->bulk_field);
	free(ip->bulk_text);
	free(ip->bulk_error);
	ip->bulk_field = ip->bulk_text = ip->bulk_error = NULL;
	ip->bulk_written = ip->bulk_conflicted = ip->bulk_failed = 0;
}

/* Count a row that failed before any request, keeping the first
 * reason. */
static void
items_bulk_fail(struct pane_items *ip, const char *why)
{
	ip->bulk_failed++;
	if (ip->bulk_error == NULL)
		ip->bulk_error = xstrdup(why);
}

/* Say how the bulk edit went, once every row is answered. */
static void
items_bulk_report(struct ui *ui, struct pane_items *ip)
{
	struct buf b = BUF_INIT;

	if (ip->nbulk > 0)
		return;
	buf_printf(&b, "%s", items_bulk_name(ip->bulk_op));
	if (ip->bulk_field != NULL)
		buf_printf(&b, " %s", ip->bulk_field);
	buf_printf(&b, ": %zu %s, %zu conflicted, %zu failed",
	    ip->bulk_written, ip->bulk_op == ITEMS_DELETE ? "deleted" :
	    "written", ip->bulk_conflicted, ip->bulk_failed);
	if (ip->bulk_conflicted + ip->bulk_failed > 0)
		buf_adds(&b, " (still marked)");
	if (ip->bulk_error != NULL)
		buf_printf(&b, ": %s", ip->bulk_error);
	if (ip->bulk_conflicted + ip->bulk_failed > 0)
		ui_error(ui, "%s", buf_cstr(&b));
	else
		ui_note(ui, "%s", buf_cstr(&b));
	buf_cleanup(&b);
	items_bulk_clear(ip);
}

/* The job of one marked row, or NULL when its value is refused. */
static struct worker_job *
items_bulk_job(struct pane_items *ip, const struct content *c)
{
	const struct value *old = NULL;
	struct worker_job *j;
	struct value *v = NULL, **part;
	struct err e;

	err_clear(&e);
	if (ip->bulk_op != ITEMS_DELETE) {
		old = value_map_get(c->item, ip->bulk_field);
		v = ip->bulk_op == ITEMS_INCR ? edit_parse_incr(old,
		    ip->bulk_field, ip->bulk_text, &e) :
		    ip->bulk_op == ITEMS_APPEND ? edit_parse_append(old,
		    ip->bulk_field, ip->bulk_text, &e) : edit_parse(old,
		    ip->bulk_field, ip->bulk_text, &e);
		if (v == NULL) {
			items_bulk_fail(ip, e.msg);
			return NULL;
		}
	}
	j = worker_job_new(ip->bulk_op == ITEMS_DELETE ? WJ_DELETE_ITEM :
	    WJ_UPDATE);
	ids_copy(&j->partition, &c->partition_ids);
	ids_copy(&j->content, &c->content_ids);
	j->current_version = c->current_version;
	j->require_exists = true;
	if (v != NULL) {
		part = ip->bulk_op == ITEMS_INCR ? &j->increment_attrs :
		    ip->bulk_op == ITEMS_APPEND ? &j->append_attrs :
		    &j->set_commands;
		*part = value_new_m();
		value_map_set(*part, ip->bulk_field, v);
	}
	return j;
}

/* The confirmation of a bulk edit: one job per marked row. */
static void
items_bulk_done(struct ui *ui, struct pane *pane, const char *line)
{
	struct pane_items *ip = (struct pane_items *)pane;
	struct worker_job *j;
	size_t i;

	if (line == NULL || strcmp(line, "yes") != 0) {
		ui_note(ui, "nothing was written");
		items_bulk_clear(ip);
		return;
	}
	ip->bulk = xcalloc(ip->t.nmarked, sizeof *ip->bulk);
	for (i = 0; i < ip->t.nrows; i++) {
		if (!ip->t.marked[i])
			continue;
		j = items_bulk_job(ip, table_row(&ip->t, i));
		if (j == NULL)
			continue;
		ids_copy(&ip->bulk[ip->nbulk].content,
		    &table_row(&ip->t, i)->content_ids);
		ip->bulk[ip->nbulk++].id = ui_submit(ui, pane, j);
	}
	items_bulk_report(ui, ip);
}

/* :set, :incr, :append, :delete over the marked rows: ask first. */
static void
items_bulk(struct ui *ui, struct pane_items *ip, int op, const char *arg)
{
	struct buf q = BUF_INIT;
	size_t flen;
	const char *rest;

	if (ui_refuse_write(ui))
		return;
	if (ip->nbulk > 0) {
		ui_note(ui, "wait: a bulk edit is on its way");
		return;
	}
	if (ip->t.nmarked == 0) {
		ui_error(ui, "%s: no rows are marked (Space marks one, M the "
		    "screen, :mark-filter COND)", items_bulk_name(op));
		return;
	}
	items_bulk_clear(ip);
	ip->bulk_op = op;
	if (op != ITEMS_DELETE) {
		flen = arg != NULL ? strcspn(arg, op == ITEMS_SET ? "=" :
		    " \t") : 0;
		rest = arg != NULL ? arg + flen : NULL;
		if (rest != NULL && *rest != '\0')
			rest += op == ITEMS_SET ? 1 : 0;
		if (rest != NULL)
			rest += strspn(rest, " \t");
		while (flen > 0 && (arg[flen - 1] == ' ' ||
		    arg[flen - 1] == '\t'))
			flen--;
		if (flen == 0 || rest == NULL || *rest == '\0') {
			ui_error(ui, "%s",
			    op == ITEMS_SET ? "set: FIELD=VALUE" :
			    op == ITEMS_INCR ? "incr: FIELD N" :
			    "append: FIELD VALUE");
			return;
		}
		ip->bulk_field = xstrndup(arg, flen);
		ip->bulk_text = xstrdup(rest);
		buf_printf(&q, "%s %s on %zu marked items? type yes: ",
		    items_bulk_name(op), ip->bulk_field, ip->t.nmarked);
	} else {
		buf_printf(&q, "delete %zu marked items? type yes: ",
		    ip->t.nmarked);
	}
	ui_prompt(ui, &ip->base, CMDLINE_HIST_VALUE, buf_cstr(&q), NULL,
	    items_bulk_done);
	buf_cleanup(&q);
}

/* The end of one row of a bulk edit; false when the job is not one. */
static bool
items_bulk_event(struct ui *ui, struct pane_items *ip,
    struct worker_event *ev)
{
	size_t k;
	long row;

	for (k = 0; k < ip->nbulk && ip->bulk[k].id != ev->job; k++)
		continue;
	if (k == ip->nbulk)
		return false;
	row = table_find(&ip->t, &ip->bulk[k].content);
	if (ev->rc == 0) {
		ip->bulk_written++;
		if (ev->job_type == WJ_DELETE_ITEM) {
			table_remove(&ip->t, &ip->bulk[k].content);
			/* The cursor stays on its item. */
			if (row >= 0 && (size_t)row < ip->cur)
				ip->cur--;
		}
		else if (ev->item != NULL && row >= 0) {
			table_update(&ip->t, ev->item);
			table_mark(&ip->t, (size_t)row, false);
		}
	} else {
		/* The row shows what is stored now, and stays marked. */
		if (ev->err.code == ERR_CONFLICT)
			ip->bulk_conflicted++;
		else
			items_bulk_fail(ip, ev->err.msg);
		if (ev->item != NULL && row >= 0)
			table_update(&ip->t, ev->item);
	}
	if (ip->cur >= ip->t.nrows && ip->cur > 0)
		ip->cur = ip->t.nrows > 0 ? ip->t.nrows - 1 : 0;
	ids_cleanup(&ip->bulk[k].content);
	ip->bulk[k] = ip->bulk[--ip->nbulk];
	items_bulk_report(ui, ip);
	return true;
}

/* Movement and Enter in the tree view: Enter descends into a segment
 * (the prefix grows by it) or opens an item. */
static int
items_tree_cmd(struct ui *ui, struct pane_items *ip, int op)
{
	const struct items_node *n;
	const struct ids *id;
	size_t depth = items_depth(ip), i;

	items_tree_build(ip);
	if (ip->nnodes == 0)
		return UI_REDRAW;
	if (op != ITEMS_OPEN) {
		ui_list_move(op, ip->nnodes, ip->h, &ip->tcur);
		ip->cur = ip->nodes[ip->tcur].row;
		items_demand(ui, ip);
		return UI_REDRAW;
	}
	n = &ip->nodes[ip->tcur];
	if (n->leaf) {
		ip->cur = n->row;
		ui_push(ui, pane_item_new(ui, table_row(&ip->t, n->row)));
		return UI_REDRAW;
	}
	id = &table_row(&ip->t, n->row)->content_ids;
	ids_cleanup(&ip->prefix);
	ids_init(&ip->prefix);
	for (i = 0; i <= depth && i < id->n; i++)
		ids_push(&ip->prefix, id->v[i], strlen(id->v[i]));
	ip->mode = IQ_PREFIX;
	ip->tcur = ip->ttop = 0;
	items_run(ui, ip);
	return UI_REDRAW;
}

/* The commands of the pane. */
static int
items_cmd(struct ui *ui, struct pane *pane, int op, const char *arg)
{
	struct pane_items *ip = (struct pane_items *)pane;
	size_t ncols = table_ncols(&ip->t);
	struct buf b = BUF_INIT;
	char *sp;

	if (ip->tree && ((op >= UI_MOVE_DOWN && op <= UI_MOVE_LAST) ||
	    op == ITEMS_OPEN))
		return items_tree_cmd(ui, ip, op);
	switch (op) {
	case ITEMS_TREE:
		ip->tree = !ip->tree;
		if (ip->tree) {
			/* Start on the node of the row under the cursor. */
			items_tree_build(ip);
			for (ip->tcur = 0; ip->tcur + 1 < ip->nnodes &&
			    ip->nodes[ip->tcur + 1].row <= ip->cur; ip->tcur++)
				continue;
		}
		break;
	case ITEMS_LEFT:
		if (ip->hcol > 1)
			ip->hcol--;
		break;
	case ITEMS_RIGHT:
		if (ip->hcol + 1 < ncols)
			ip->hcol++;
		break;
	case ITEMS_OPEN:
		if (ip->t.nrows == 0)
			break;
		ui_push(ui, pane_item_new(ui, table_row(&ip->t, ip->cur)));
		break;
	case ITEMS_ESC:
		if (ip->searching) {
			ip->searching = false;
			ui_note(ui, "search stopped");
			break;
		}
		if (ip->export_job != 0) {
			ui_cancel(ui, ip->export_job);
			break;
		}
		if (ip->load == IL_LOADING || ip->load == IL_PAUSED) {
			ui_cancel(ui, ip->job);
			ip->job = 0;
			ip->load = IL_CANCELLED;
			ui_note(ui, "load cancelled at %zu items", ip->t.nrows);
		} else {
			ui_pop(ui);
		}
		break;
	case ITEMS_CANCEL:
		if (ip->export_job != 0)
			ui_cancel(ui, ip->export_job);
		if (ip->load == IL_LOADING || ip->load == IL_PAUSED) {
			ui_cancel(ui, ip->job);
			ip->job = 0;
			ip->load = IL_CANCELLED;
			ui_note(ui, "load cancelled at %zu items", ip->t.nrows);
		}
		break;
	case ITEMS_RELOAD:
		items_run(ui, ip);
		break;
	case ITEMS_SORT:
		if (arg != NULL && strcmp(arg, "asc") == 0)
			ip->descending = false;
		else if (arg != NULL && strcmp(arg, "desc") == 0)
			ip->descending = true;
		else if (arg != NULL)
			ui_error(ui, "sort: asc or desc");
		else
			ip->descending = !ip->descending;
		items_run(ui, ip);
		break;
	case ITEMS_LOAD_ALL:
		if (ip->load == IL_LOADING || ip->load == IL_PAUSED)
			items_more(ui, ip, 0);
		break;
	case ITEMS_FILTERS:
		ui_push(ui, pane_filter_new(ui, pane));
		break;
	case ITEMS_FILTER:
		ui_arg_or_prompt(ui, pane, arg, CMDLINE_HIST_FILTER, "filter: ",
		    items_add_filter);
		break;
	case ITEMS_PREFIX:
		if (arg != NULL) {
			items_set_prefix(ui, ip, arg);
			break;
		}
		ids_join(&ip->prefix, &b);
		ui_prompt(ui, pane, CMDLINE_HIST_IDS, "prefix: ", buf_cstr(&b),
		    items_prefix_done);
		break;
	case ITEMS_ASCEND:
		ip->tcur = ip->ttop = 0;
		if (ip->mode == IQ_BETWEEN) {
			ip->mode = IQ_PREFIX;
		} else if (ip->prefix.n > 0) {
			free(ip->prefix.v[--ip->prefix.n]);
		} else {
			ui_note(ui, "already at the top of the partition");
			break;
		}
		items_run(ui, ip);
		break;
	case ITEMS_DESCEND:
		if (ip->t.nrows == 0)
			break;
		{
			const struct ids *c =
			    &table_row(&ip->t, ip->cur)->content_ids;
			size_t k = ip->mode == IQ_PREFIX ? ip->prefix.n : 0;

			if (c->n <= k) {
				ui_note(ui, "no deeper level under this item");
				break;
			}
			ids_cleanup(&ip->prefix);
			ids_init(&ip->prefix);
			for (size_t i = 0; i <= k; i++)
				ids_push(&ip->prefix, c->v[i], strlen(c->v[i]));
			ip->mode = IQ_PREFIX;
			items_run(ui, ip);
		}
		break;
	case ITEMS_BETWEEN:
		if (arg != NULL) {
			char *a = xstrdup(arg);

			sp = strpbrk(a, " \t");
			if (sp == NULL) {
				ui_error(ui, "between: START END (ids joined "
				    "with #)");
			} else {
				*sp++ = '\0';
				sp += strspn(sp, " \t");
				items_set_between(ui, ip, a, sp);
			}
			free(a);
			break;
		}
		if (ip->mode == IQ_BETWEEN)
			ids_join(&ip->start, &b);
		else if (ip->t.nrows > 0)
			ids_join(&table_row(&ip->t, ip->cur)->content_ids, &b);
		ui_prompt(ui, pane, CMDLINE_HIST_IDS, "between start: ",
		    buf_cstr(&b), items_between_start_done);
		break;
	case ITEMS_SEARCH:
		ui_arg_or_prompt(ui, pane, arg, CMDLINE_HIST_SEARCH, "/",
		    items_search_done);
		break;
	case ITEMS_SEARCH_NEXT:
		items_search(ui, ip, 1, false);
		break;
	case ITEMS_SEARCH_PREV:
		items_search(ui, ip, -1, false);
		break;
	case ITEMS_PUT:
		if (ui_refuse_write(ui) || items_write_busy(ui, ip))
			break;
		if (arg != NULL) {
			items_new_start(ui, pane, arg);
			break;
		}
		ids_join(&ip->prefix, &b);
		if (ip->mode == IQ_PREFIX && ip->prefix.n > 0)
			buf_addc(&b, '#');
		ui_prompt(ui, pane, CMDLINE_HIST_IDS, "new item ids: ",
		    ip->mode == IQ_PREFIX ? buf_cstr(&b) : NULL,
		    items_new_start);
		break;
	case ITEMS_MARK:
		if (ip->t.nrows == 0)
			break;
		table_mark(&ip->t, ip->cur, !ip->t.marked[ip->cur]);
		ui_list_move(UI_MOVE_DOWN, ip->t.nrows, ip->h, &ip->cur);
		items_demand(ui, ip);
		break;
	case ITEMS_MARK_SCREEN:
		for (size_t i = ip->top; i < ip->t.nrows &&
		    i < ip->top + (size_t)ip->h; i++)
			table_mark(&ip->t, i, true);
		ui_note(ui, "%zu marked", ip->t.nmarked);
		break;
	case ITEMS_MARK_FILTER:
		ui_arg_or_prompt(ui, pane, arg, CMDLINE_HIST_FILTER,
		    "mark where: ", items_mark_filter);
		break;
	case ITEMS_UNMARK_ALL:
		for (size_t i = 0; i < ip->t.nrows; i++)
			table_mark(&ip->t, i, false);
		break;
	case ITEMS_SET:
	case ITEMS_INCR:
	case ITEMS_APPEND:
		items_bulk(ui, ip, op, arg);
		break;
	case ITEMS_EXPORT:
		items_export(ui, ip, arg);
		break;
	case ITEMS_DELETE:
		if (ip->t.nmarked > 0) {
			items_bulk(ui, ip, op, arg);
			break;
		}
		if (ui_refuse_write(ui) || ip->t.nrows == 0)
			break;
		/* The item in view while the person confirms. */
		ui_push(ui, pane_item_new(ui, table_row(&ip->t, ip->cur)));
		return ui_run_command(ui, "delete", NULL);
	case ITEMS_DELETE_PREFIX:
		items_delete_prefix(ui, ip, arg);
		break;
	default:
		ui_list_move(op, ip->t.nrows, ip->h, &ip->cur);
		items_demand(ui, ip);
		break;
	}
	buf_cleanup(&b);
	return UI_REDRAW;
}

/* pane_ops item_saved: show the new version in its row. */
static void
items_item_saved(struct ui *ui, struct pane *pane, const struct content *c)
{
	struct pane_items *ip = (struct pane_items *)pane;

	if (ids_equal(&c->partition_ids, &ip->partition) &&
	    table_update(&ip->t, c))
		ui_dirty(ui);
}

void
pane_items_remove(struct ui *ui, struct pane *pane,
    const struct ids *partition, const struct ids *content)
{
	struct pane_items *ip = (struct pane_items *)pane;

	long row = table_find(&ip->t, content);

	if (!ids_equal(partition, &ip->partition) ||
	    !table_remove(&ip->t, content))
		return;
	if (row >= 0 && (size_t)row < ip->cur)
		ip->cur--;
	if (ip->cur >= ip->t.nrows && ip->cur > 0)
		ip->cur = ip->t.nrows > 0 ? ip->t.nrows - 1 : 0;
	ui_dirty(ui);
}

/* pane_ops free. */
static void
items_free(struct ui *ui, struct pane *pane)
{
	struct pane_items *ip = (struct pane_items *)pane;

	ui_cancel(ui, ip->job);
	ids_cleanup(&ip->partition);
	ids_cleanup(&ip->prefix);
	ids_cleanup(&ip->start);
	ids_cleanup(&ip->end);
	filter_cleanup(&ip->filter);
	table_cleanup(&ip->t);
	free(ip->search);
	free(ip->between_start);
	free(ip->nodes);
	ui_cancel(ui, ip->write_job);
	for (size_t i = 0; i < ip->nbulk; i++)
		ui_cancel(ui, ip->bulk[i].id);
	items_bulk_clear(ip);
	ui_cancel(ui, ip->export_job);
	free(ip->export_path);
	items_new_drop(ip);
	ids_cleanup(&ip->new_ids);
	ids_cleanup(&ip->del_prefix);
	free(ip);
}

static const struct ui_cmd items_cmds[] = {
	{ "down", items_cmd, UI_MOVE_DOWN, NULL, "next item" },
	{ "up", items_cmd, UI_MOVE_UP, NULL, "previous item" },
	{ "page-down", items_cmd, UI_MOVE_PAGE_DOWN, NULL,
	    "a page down (loads more when near the end)" },
	{ "page-up", items_cmd, UI_MOVE_PAGE_UP, NULL, "a page up" },
	{ "first", items_cmd, UI_MOVE_FIRST, NULL, "the first item" },
	{ "last", items_cmd, UI_MOVE_LAST, NULL, "the last item loaded" },
	{ "left", items_cmd, ITEMS_LEFT, NULL, "scroll the columns left" },
	{ "right", items_cmd, ITEMS_RIGHT, NULL, "scroll the columns right" },
	{ "open", items_cmd, ITEMS_OPEN, NULL, "view the item" },
	{ "back", items_cmd, ITEMS_ESC, NULL,
	    "cancel the load, or go back when none runs" },
	{ "cancel", items_cmd, ITEMS_CANCEL, NULL, "cancel the load" },
	{ "reload", items_cmd, ITEMS_RELOAD, NULL, "run the query again" },
	{ "sort", items_cmd, ITEMS_SORT, "[asc|desc]",
	    "toggle (or set) the sort order of the ids" },
	{ "load-all", items_cmd, ITEMS_LOAD_ALL, NULL,
	    "load every page now" },
	{ "filters", items_cmd, ITEMS_FILTERS, NULL,
	    "the filter conditions: add, remove, toggle" },
	{ "filter", items_cmd, ITEMS_FILTER, "[COND]",
	    "add a condition: F missing | F = V | F != V" },
	{ "prefix", items_cmd, ITEMS_PREFIX, "[ID#ID...]",
	    "list the ids that start with this prefix" },
	{ "up-level", items_cmd, ITEMS_ASCEND, NULL,
	    "drop the last prefix segment (or the between range)" },
	{ "down-level", items_cmd, ITEMS_DESCEND, NULL,
	    "narrow the prefix to the next segment of this item's id" },
	{ "between", items_cmd, ITEMS_BETWEEN, "[START END]",
	    "list the ids between START and END (inclusive)" },
	{ "search", items_cmd, ITEMS_SEARCH, "[TEXT]",
	    "find TEXT in the items loaded" },
	{ "search-next", items_cmd, ITEMS_SEARCH_NEXT, NULL,
	    "the next match" },
	{ "search-prev", items_cmd, ITEMS_SEARCH_PREV, NULL,
	    "the previous match" },
	{ "tree", items_cmd, ITEMS_TREE, NULL,
	    "the next level of ids as a tree with counts (Enter descends)" },
	{ "put", items_cmd, ITEMS_PUT, "[ID#ID... [JSON]]",
	    "create an item: ids, then the model's required fields" },
	{ "delete", items_cmd, ITEMS_DELETE, NULL,
	    "delete the marked items, or the one under the cursor (asks)" },
	{ "mark", items_cmd, ITEMS_MARK, NULL,
	    "mark the row (or unmark it) and go to the next" },
	{ "mark-screen", items_cmd, ITEMS_MARK_SCREEN, NULL,
	    "mark every row on the screen" },
	{ "mark-filter", items_cmd, ITEMS_MARK_FILTER, "[COND]",
	    "mark every loaded row matching a condition" },
	{ "unmark-all", items_cmd, ITEMS_UNMARK_ALL, NULL, "unmark every row" },
	{ "set", items_cmd, ITEMS_SET, "FIELD=VALUE",
	    "set a field in every marked item (asks)" },
	{ "incr", items_cmd, ITEMS_INCR, "FIELD N",
	    "increment a field in every marked item (asks)" },
	{ "append", items_cmd, ITEMS_APPEND, "FIELD VALUE",
	    "append to a list field in every marked item (asks)" },
	{ "delete-prefix", items_cmd, ITEMS_DELETE_PREFIX, "[ID#ID...]",
	    "delete every item under the prefix (shows the count, asks)" },
	{ "export", items_cmd, ITEMS_EXPORT, "FILE",
	    "write the query's items (every page) to a new file, as dynrepo "
	    "export does" },
	{ NULL, NULL, 0, NULL, NULL }
};

static const struct ui_key items_keys[] = {
	{ 'j', "down" }, { UI_KEY_FN_BASE + KEY_DOWN, "down" },
	{ 'k', "up" }, { UI_KEY_FN_BASE + KEY_UP, "up" },
	{ UI_KEY_FN_BASE + KEY_NPAGE, "page-down" }, { 6, "page-down" },
	{ ' ', "mark" }, { 'M', "mark-screen" }, { '*', "mark-filter" },
	{ 'U', "unmark-all" },
	{ UI_KEY_FN_BASE + KEY_PPAGE, "page-up" }, { 2, "page-up" },
	{ 'g', "first" }, { UI_KEY_FN_BASE + KEY_HOME, "first" },
	{ 'G', "last" }, { UI_KEY_FN_BASE + KEY_END, "last" },
	{ 'h', "left" }, { UI_KEY_FN_BASE + KEY_LEFT, "left" },
	{ 'l', "right" }, { UI_KEY_FN_BASE + KEY_RIGHT, "right" },
	{ '\r', "open" }, { '\n', "open" },
	{ UI_KEY_FN_BASE + KEY_ENTER, "open" },
	{ UI_KEY_ESC, "back" },
	{ UI_KEY_CTRL_C, "cancel" },
	{ 'r', "reload" }, { UI_KEY_FN_BASE + KEY_F(5), "reload" },
	{ 's', "sort" },
	{ 'L', "load-all" },
	{ 'f', "filters" },
	{ 'F', "filter" },
	{ 'p', "prefix" },
	{ UI_KEY_FN_BASE + KEY_BACKSPACE, "up-level" }, { 127, "up-level" },
	{ 8, "up-level" }, { '<', "up-level" },
	{ '>', "down-level" },
	{ 'b', "between" },
	{ '/', "search" }, { 'n', "search-next" }, { 'N', "search-prev" },
	{ 't', "tree" },
	{ 'c', "put" },
	{ 'D', "delete" },
	{ 'X', "delete-prefix" },
	{ 0, NULL }
};

static const struct pane_ops items_ops = {
	"items",
	items_cmds,
	items_keys,
	items_draw,
	items_title,
	items_status,
	items_event,
	NULL,
	items_item_saved,
	items_free,
	items_idle
};

bool
pane_is_items(const struct pane *p)
{
	return p != NULL && p->ops == &items_ops;
}

const struct table *
pane_items_table(const struct pane *p)
{
	return pane_is_items(p) ? &((const struct pane_items *)p)->t : NULL;
}

struct pane *
pane_items_new(struct ui *ui, const struct ids *partition)
{
	struct pane_items *ip = xcalloc(1, sizeof *ip);

	ip->base.ops = &items_ops;
	ids_copy(&ip->partition, partition);
	ids_init(&ip->prefix);
	ids_init(&ip->start);
	ids_init(&ip->end);
	filter_init(&ip->filter);
	ids_init(&ip->new_ids);
	ids_init(&ip->del_prefix);
	table_init(&ip->t);
	ip->hcol = 1;
	ip->h = ui->rows > 4 ? ui->rows - 4 : 20;
	items_run(ui, ip);
	return &ip->base;
}
