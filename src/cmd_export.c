/* SPDX-License-Identifier: ISC */
/* dynrepo export: stored items as DynamoDB JSON lines ({"Item": {...}}). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "export.h"
#include "xmalloc.h"

enum { OPT_PARTITION = CMD_OPT_FIRST_OWN, OPT_GZIP, OPT_FILE };

struct cmd_export {
	struct export	*x;
	size_t		 count;
	bool		 progress;	/* stderr is a terminal */
	struct timespec	 start, last;
	int		 failed;	/* a write failed */
};

/* Seconds since start. */
static double
cmd_export_elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	    (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

/* Progress on a terminal, at most four times a second. */
static void
cmd_export_progress(struct cmd_export *x, bool last)
{
	struct timespec now;
	double t;

	if (!x->progress)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!last && cmd_export_elapsed(&x->last, &now) < 0.25)
		return;
	x->last = now;
	t = cmd_export_elapsed(&x->start, &now);
	fprintf(stderr, "\rdynrepo export: %zu items, %.0f items/s%s",
	    x->count, t > 0 ? (double)x->count / t : 0.0, last ? "\n" : "");
}

/* repo_each_fn: one {"Item": ...} line. */
static int
cmd_export_item(void *ctx, struct content *c)
{
	struct cmd_export *x = ctx;

	if (export_item(x->x, c->stored) == -1)
		x->failed = 1;
	content_free(c);
	if (!x->failed)
		x->count++;
	cmd_export_progress(x, false);
	return x->failed;
}

int
cmd_export_exec(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_COMMON_LONGOPTS,
		{ "partition", required_argument, NULL, OPT_PARTITION },
		{ "gzip", no_argument, NULL, OPT_GZIP },
		{ "file", required_argument, NULL, OPT_FILE },
		{ NULL, 0, NULL, 0 }
	};
	const char **parts = NULL, *file = NULL;
	size_t nparts = 0, i;
	struct cmd_export x;
	struct cmd_common cc;
	struct session s;
	bool gzip = false;
	struct err e;
	int opt, rc = 0;

	memset(&x, 0, sizeof x);
	cmd_common_init(&cc, g);
	while ((opt = getopt_long(argc, argv, "p:o:", longopts, NULL)) != -1) {
		if (cmd_common_opt(&cc, opt, optarg))
			continue;
		switch (opt) {
		case OPT_PARTITION:
			parts = xreallocarray(parts, nparts + 1, sizeof *parts);
			parts[nparts++] = optarg;
			break;
		case OPT_GZIP: gzip = true; break;
		case 'o':
		case OPT_FILE: file = optarg; break;
		default:
			free(parts);
			return cmd_usage_error("export", "unknown option %s",
			    argv[optind - 1]);
		}
	}
	if (cc.help) {
		free(parts);
		cmd_usage(cmd_find("export"), stdout);
		return 0;
	}
	if (optind < argc) {
		free(parts);
		return cmd_usage_error("export", "unexpected argument \"%s\"",
		    argv[optind]);
	}
	err_clear(&e);
	if (session_open(&s, &cc.so, &e) == -1) {
		session_close(&s);
		free(parts);
		return cmd_fail("export", &e);
	}
	x.x = export_open(file, gzip, false, &e);
	if (x.x == NULL) {
		session_close(&s);
		free(parts);
		return cmd_fail("export", &e);
	}
	x.progress = isatty(fileno(stderr));
	clock_gettime(CLOCK_MONOTONIC, &x.start);
	x.last = x.start;
	if (nparts == 0) {
		rc = repo_scan(s.repo, 0, 0, false, cmd_export_item, &x, &e);
	} else {
		for (i = 0; i < nparts && rc == 0 && !x.failed; i++) {
			struct ids pids, none;

			ids_parse(&pids, parts[i]);
			ids_init(&none);
			rc = repo_list(s.repo, &pids, &none, NULL,
			    cmd_export_item, &x, &e);
			ids_cleanup(&pids);
		}
	}
	if (export_close(x.x, rc == 0 && !x.failed, rc == 0 ? &e : NULL) ==
	    -1 && rc == 0)
		rc = -1;
	else if (rc == 0 && x.failed)
		rc = err_set(&e, ERR_IO, "writing the export failed (disk "
		    "full?)");
	cmd_export_progress(&x, true);
	/* Only a whole export is counted: a failed one is no file. */
	if (!x.progress && rc == 0)
		fprintf(stderr, "dynrepo export: %zu items\n", x.count);
	session_close(&s);
	free(parts);
	return rc == 0 ? 0 : cmd_fail("export", &e);
}
