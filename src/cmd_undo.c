/* SPDX-License-Identifier: ISC */
/* dynrepo undo: put back what the last writes replaced, from the journal. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "undo.h"
#include "xmalloc.h"

enum { OPT_DRY_RUN = CMD_OPT_FIRST_OWN, OPT_LIST, OPT_PARTIAL };

#define CMD_UNDO_LIST_DEFAULT	10
#define CMD_UNDO_MAX		100000	/* -n: writes planned at once */
#define CMD_UNDO_SHOW		50	/* items listed per write */

/* Print s with control characters escaped (ids come from the table). */
static void
cmd_undo_print_safe(FILE *fp, const char *s)
{
	struct buf b = BUF_INIT;

	output_escape(&b, s, strlen(s));
	fputs(buf_cstr(&b), fp);
	buf_cleanup(&b);
}

/* undo_report_fn: one line per write, one per item. */
static void
cmd_undo_report(void *ctx, const struct journal_write *w,
    const struct undo_item *plan, size_t n, bool applied)
{
	const bool *dry_run = ctx;
	const struct journal_entry *first = w->entries[0];
	size_t counts[UNDO_CONFLICT + 1] = { 0 }, i, a;

	printf("%s%s of %s (%zu item%s%s):\n", applied ? "undo " : *dry_run ?
	    "would undo " : "not undone: ", first->operation, first->time, n,
	    n == 1 ? "" : "s", w->complete ? "" : w->unfinished ?
	    "; unfinished: only the items journaled" :
	    "; only the items journaled, a line is missing");
	for (i = 0; i < n; i++)
		counts[plan[i].action]++;
	for (i = 0; i < n; i++) {
		/* A big write: its first items, then the counts. */
		if (i == CMD_UNDO_SHOW && n > CMD_UNDO_SHOW + 1) {
			printf("  ... %zu more:", n - i);
			for (a = 0; a <= UNDO_CONFLICT; a++)
				if (counts[a] > 0)
					printf(" %zu %s", counts[a],
					    undo_action_name(a));
			fputs(" in all\n", stdout);
			break;
		}
		char *key = undo_key_text(plan[i].entry->key);

		printf("  %-9s ", undo_action_name(plan[i].action));
		cmd_undo_print_safe(stdout, key);
		if (plan[i].detail != NULL) {
			fputs(": ", stdout);
			cmd_undo_print_safe(stdout, plan[i].detail);
		}
		fputc('\n', stdout);
		free(key);
	}
}

/* --list: the last writes, newest first. */
static int
cmd_undo_list(struct session *s, size_t count, bool jsonl, struct err *e)
{
	struct journal_write *ws;
	size_t n = count, i;
	struct buf b = BUF_INIT;

	if (undo_list(s->repo, &ws, &n, e) == -1)
		return -1;
	for (i = 0; i < n; i++) {
		const struct journal_entry *je = ws[i].entries[0];
		char *key = undo_key_text(je->key);

		buf_reset(&b);
		if (jsonl) {
			buf_adds(&b, "{\"time\":");
			buf_add_json_string(&b, je->time, strlen(je->time));
			buf_adds(&b, ",\"id\":");
			buf_add_json_string(&b, je->id, strlen(je->id));
			buf_adds(&b, ",\"operation\":");
			buf_add_json_string(&b, je->operation,
			    strlen(je->operation));
			buf_printf(&b, ",\"items\":%zu,\"complete\":%s,"
			    "\"unfinished\":%s,\"first_key\":", ws[i].n,
			    ws[i].complete ? "true" : "false",
			    ws[i].unfinished ? "true" : "false");
			buf_add_json_string(&b, key, strlen(key));
			buf_adds(&b, "}\n");
			fputs(buf_cstr(&b), stdout);
		} else {
			printf("%-32s  %-9s  %6zu item%s  ", je->time,
			    je->operation, ws[i].n, ws[i].n == 1 ? " " : "s");
			cmd_undo_print_safe(stdout, key);
			fputs(ws[i].n > 1 ? ", ..." : "", stdout);
			fputs(ws[i].complete ? "\n" : ws[i].unfinished ?
			    "  (unfinished)\n" : "  (a line missing)\n",
			    stdout);
		}
		free(key);
	}
	buf_cleanup(&b);
	journal_writes_free(ws, n);
	return 0;
}

int
cmd_undo_exec(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_COMMON_LONGOPTS,
		{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
		{ "list", no_argument, NULL, OPT_LIST },
		{ "partial", no_argument, NULL, OPT_PARTIAL },
		{ NULL, 0, NULL, 0 }
	};
	struct undo_options uo;
	struct cmd_common cc;
	struct session s;
	long long count = 0;
	bool list = false, jsonl = false;
	struct err e;
	int opt, rc;

	memset(&uo, 0, sizeof uo);
	cmd_common_init(&cc, g);
	err_clear(&e);
	while ((opt = getopt_long(argc, argv, "p:n:", longopts, NULL)) != -1) {
		if (cmd_common_opt(&cc, opt, optarg))
			continue;
		switch (opt) {
		case 'n':
			/* Bounded: the writes are planned together, and
			 * their room is made before the journal is read. */
			if (cmd_parse_long("-n", optarg, 1, &count, &e) == -1)
				return cmd_usage_error("undo", "%s", e.msg);
			if (count > CMD_UNDO_MAX)
				return cmd_usage_error("undo", "-n: at most %d "
				    "writes at once, got %lld",
				    CMD_UNDO_MAX, count);
			break;
		case OPT_DRY_RUN: uo.dry_run = true; break;
		case OPT_LIST: list = true; break;
		case OPT_PARTIAL: uo.partial = true; break;
		default:
			return cmd_usage_error("undo", "unknown option %s",
			    argv[optind - 1]);
		}
	}
	if (cc.help) {
		cmd_usage(cmd_find("undo"), stdout);
		return 0;
	}
	if (optind < argc)
		return cmd_usage_error("undo", "unexpected argument \"%s\"",
		    argv[optind]);
	if (cc.output != NULL) {
		if (strcmp(cc.output, "jsonl") == 0)
			jsonl = true;
		else if (strcmp(cc.output, "text") != 0)
			return cmd_usage_error("undo", "--output: expected "
			    "text or jsonl");
	}
	/* Listing and planning write nothing: nothing to end whole. */
	if (list || uo.dry_run)
		cmd_stop_off();
	if (cc.so.no_journal)
		return cmd_usage_error("undo", "undo reads and writes the "
		    "journal: drop --no-journal / DYNREPO_JOURNAL=off");
	if (session_open(&s, &cc.so, &e) == -1) {
		session_close(&s);
		return cmd_fail("undo", &e);
	}
	if (list) {
		rc = cmd_undo_list(&s, count > 0 ? (size_t)count :
		    CMD_UNDO_LIST_DEFAULT, jsonl, &e);
	} else {
		uo.count = count > 0 ? (size_t)count : 1;
		rc = undo_last(s.repo, &uo, cmd_undo_report, &uo.dry_run, NULL,
		    &e);
	}
	session_close(&s);
	return rc == 0 ? 0 : cmd_fail("undo", &e);
}
