/* SPDX-License-Identifier: ISC */
/*
 * The browser's loaded rows at scale (issue 6), without a terminal: load
 * every item of a DynamoDB JSON lines file (an export's {"Item": ...}
 * lines or bare items) into the items pane's table as the worker hands
 * them over, then print what a row costs against its JSON and what a
 * screen, a scroll and a search cost. Drawing goes to a curses screen on
 * /dev/null (newterm), so it is the pane's own drawing work.
 *
 * usage: tui_rows FILE [PREFIX NAME TYPE] (tests/bench/memory.sh builds it)
 * The repository's partition_prefix, partition_name and content_type
 * default to the benchmark's (bench, film_actor, film_actor).
 */
#include "config.h"

#include <curses.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ddbjson.h"
#include "draw.h"
#include "repo.h"
#include "table.h"

#define SCREEN_ROWS	50
#define SCREEN_COLS	200
#define FRESH_DRAWS	21

static double
tui_rows_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* VmRSS in kB. */
static long
tui_rows_rss(void)
{
	char line[256];
	long kb = 0;
	FILE *f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			kb = atol(line + 6);
	if (f != NULL)
		fclose(f);
	return kb;
}

/* Every line of fp into t; the bytes of the items' JSON. */
static size_t
tui_rows_load(struct table *t, struct repo *r, FILE *fp)
{
	char *line = NULL, *p;
	size_t cap = 0, raw = 0;
	ssize_t n;
	struct err e;

	while ((n = getline(&line, &cap, fp)) > 0) {
		struct value *stored;
		struct content *c;

		p = line;
		if (p[n - 1] == '\n')
			n--;
		/* {"Item":{...}} -> {...} */
		if (n > 9 && strncmp(p, "{\"Item\":", 8) == 0) {
			p += 8;
			n -= 9;
		}
		err_clear(&e);
		if ((stored = ddbjson_parse_item(p, (size_t)n, &e)) == NULL ||
		    (c = repo_decode(r, stored, &e)) == NULL) {
			fprintf(stderr, "tui_rows: %s\n", e.msg);
			exit(1);
		}
		raw += (size_t)n;
		table_add(t, c);
	}
	free(line);
	return raw;
}

/* Draw the rows from top as the items pane does: every column that fits. */
static void
tui_rows_draw(const struct table *t, size_t top)
{
	struct buf b = BUF_INIT;
	size_t col, row;
	int x, w, y;
	bool dim;

	erase();
	for (y = 0; y < SCREEN_ROWS - 1 && top + (size_t)y < t->nrows; y++) {
		row = top + (size_t)y;
		for (col = 0, x = 1; col < table_ncols(t) && x < SCREEN_COLS;
		    col++) {
			w = table_col_width(t, col);
			if (w > SCREEN_COLS - x)
				w = SCREEN_COLS - x;
			buf_reset(&b);
			table_cell(t, row, col, &b, &dim);
			draw_text(y + 1, x, w, buf_cstr(&b), b.len, 0, true,
			    A_NORMAL);
			x += w + 2;
		}
	}
	wnoutrefresh(stdscr);
	doupdate();
	buf_cleanup(&b);
}

/* ms of one draw at top, the rows not decoded yet. */
static double
tui_rows_time_draw(const struct table *t, size_t top)
{
	double a = tui_rows_now();

	tui_rows_draw(t, top);
	return (tui_rows_now() - a) * 1e3;
}

static int
tui_rows_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Draws of screens not seen yet, spread over the table: the median and
 * the slowest, in ms (the machine's other work shows in the slowest). */
static void
tui_rows_time_fresh(const struct table *t, double *median, double *max)
{
	double ms[FRESH_DRAWS];
	size_t k, step = (t->nrows - SCREEN_ROWS) / FRESH_DRAWS;

	for (k = 0; k < FRESH_DRAWS; k++)
		ms[k] = tui_rows_time_draw(t, k * step + SCREEN_ROWS);
	qsort(ms, FRESH_DRAWS, sizeof *ms, tui_rows_cmp);
	*median = ms[FRESH_DRAWS / 2];
	*max = ms[FRESH_DRAWS - 1];
}

enum tui_rows_way {
	TW_WHOLE,	/* one table_search over the rows */
	TW_STEPS,	/* as the items pane: table_search over 256 rows at
			 * a time, the clock read between */
	TW_ROWS		/* table_row_matches a row */
};

/* ms of a search from row `from` for needle, one way; *at the row found
 * or nrows. */
static double
tui_rows_time_search(const struct table *t, size_t from, const char *needle,
    enum tui_rows_way way, size_t *at)
{
	double a = tui_rows_now();
	size_t i, hi;

	switch (way) {
	case TW_WHOLE:
		i = table_search(t, from, t->nrows, 1, needle);
		break;
	case TW_STEPS:
		for (i = from; i < t->nrows; i = hi) {
			hi = t->nrows - i > 256 ? i + 256 : t->nrows;
			if ((i = table_search(t, i, hi, 1, needle)) != hi)
				break;
			if (tui_rows_now() < a)
				break;
		}
		break;
	default:
		for (i = from; i < t->nrows; i++)
			if (table_row_matches(t, i, needle))
				break;
		break;
	}
	*at = i;
	return (tui_rows_now() - a) * 1e3;
}

/* Searches for needle from row `from`, each way 5 times: the medians,
 * and how many rows' text the last one read. */
static void
tui_rows_searches(const struct table *t, size_t from, const char *needle,
    const char *what)
{
	double ms[3][5], first;
	unsigned long s0 = 0, s1 = 0;
	size_t k, w, at = 0;

	for (k = 0; k < 5; k++)
		for (w = 0; w < 3; w++) {
			s0 = table_scans(t);
			ms[w][k] = tui_rows_time_search(t, from, needle, w,
			    &at);
			s1 = table_scans(t);
		}
	/* The first decodes what it finds; the others find it cached. */
	first = ms[TW_WHOLE][0];
	for (w = 0; w < 3; w++)
		qsort(ms[w], 5, sizeof *ms[w], tui_rows_cmp);
	printf("search, %-5s %8.3f ms whole (first %.3f), %8.3f ms in steps, "
	    "%8.3f ms a row; \"%s\" from row %zu: ", what, ms[TW_WHOLE][2],
	    first, ms[TW_STEPS][2], ms[TW_ROWS][2], needle, from);
	if (at < t->nrows)
		printf("row %zu", at);
	else
		printf("none");
	printf(", %lu rows read (medians of 5)\n", s1 - s0);
}

int
main(int argc, char **argv)
{
	struct repo_config cfg;
	struct mallinfo2 m0, m1;
	struct table t;
	struct repo *r;
	size_t raw, heap, mid;
	long rss0, rss1;
	double a, ms, median, max;
	FILE *fp, *out;
	SCREEN *s;

	if (argc != 2 && argc != 5) {
		fprintf(stderr, "usage: tui_rows FILE [PREFIX NAME TYPE]\n");
		return 2;
	}
	if ((fp = fopen(argv[1], "r")) == NULL) {
		perror(argv[1]);
		return 1;
	}
	memset(&cfg, 0, sizeof cfg);
	cfg.table = "bench";
	cfg.partition_prefix = argc == 5 ? argv[2] : "bench";
	cfg.partition_name = argc == 5 ? argv[3] : "film_actor";
	cfg.content_type = argc == 5 ? argv[4] : "film_actor";
	r = repo_new(&cfg, NULL, NULL);
	table_init(&t);

	rss0 = tui_rows_rss();
	m0 = mallinfo2();
	a = tui_rows_now();
	raw = tui_rows_load(&t, r, fp);
	ms = (tui_rows_now() - a) * 1e3;
	m1 = mallinfo2();
	rss1 = tui_rows_rss();
	/* hblkhd: blocks malloc maps by themselves (the index's, 256 KB). */
	heap = m1.uordblks + m1.hblkhd - m0.uordblks - m0.hblkhd;
	if (t.nrows < SCREEN_ROWS) {
		fprintf(stderr, "tui_rows: fewer rows than a screen\n");
		return 1;
	}
	printf("rows            %zu\n", t.nrows);
	printf("raw JSON        %zu bytes, %.0f a row\n", raw,
	    (double)raw / (double)t.nrows);
	printf("heap            %zu bytes, %.0f a row, %.2f x the JSON\n",
	    heap, (double)heap / (double)t.nrows, (double)heap / (double)raw);
	printf("RSS growth      %ld kB, %.0f bytes a row\n", rss1 - rss0,
	    (double)(rss1 - rss0) * 1024 / (double)t.nrows);
	printf("load            %.0f ms, %.1f us a row "
	    "(decoding and packing)\n", ms, ms * 1e3 / (double)t.nrows);

	out = fopen("/dev/null", "w");
	s = newterm("xterm-256color", out, stdin);
	if (s == NULL) {
		fprintf(stderr, "tui_rows: no curses screen\n");
		return 1;
	}
	set_term(s);
	resizeterm(SCREEN_ROWS, SCREEN_COLS);
	draw_init();
	mid = t.nrows / 2;
	printf("draw, top       %.3f ms (a screen decoded)\n",
	    tui_rows_time_draw(&t, 0));
	tui_rows_time_fresh(&t, &median, &max);
	printf("draw, fresh     %.3f ms median, %.3f ms slowest of %d "
	    "screens decoded\n", median, max, FRESH_DRAWS);
	printf("draw, middle    %.3f ms (a screen decoded)\n",
	    tui_rows_time_draw(&t, mid));
	printf("redraw, middle  %.3f ms (rows cached)\n",
	    tui_rows_time_draw(&t, mid));
	printf("scroll 1 row    %.3f ms\n", tui_rows_time_draw(&t, mid + 1));
	printf("page down       %.3f ms\n",
	    tui_rows_time_draw(&t, mid + SCREEN_ROWS));
	printf("draw, bottom    %.3f ms\n",
	    tui_rows_time_draw(&t, t.nrows - SCREEN_ROWS + 1));
	tui_rows_searches(&t, mid, "drama", "hit");
	tui_rows_searches(&t, 0, "no such text", "miss");
	/* Only bytes the rows are full of: the worst case of the scan. */
	tui_rows_searches(&t, 0, "nine toe", "miss");
	tui_rows_searches(&t, 0, "zq", "miss");
	tui_rows_searches(&t, 0, "Actor-999999", "far");
	/* One byte, and JSON's punctuation: a map's cell is shown as JSON,
	 * a list too, a string unescaped. */
	tui_rows_searches(&t, 0, "~", "miss");
	tui_rows_searches(&t, 0, "Dublin, Nowhere", "miss");
	tui_rows_searches(&t, 0, "{\"city\":\"Atlantis\"", "miss");
	tui_rows_searches(&t, 0, "[\"tag1\",\"tag2\"]", "miss");
	tui_rows_searches(&t, mid, "\"Role 7\"", "hit");
	printf("decoded         %lu rows in all\n", table_decodes(&t));
	endwin();
	delscreen(s);
	fclose(out);
	table_cleanup(&t);
	repo_free(r);
	fclose(fp);
	return 0;
}
