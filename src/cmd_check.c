/* SPDX-License-Identifier: ISC */
/* dynrepo check: would the application still parse every stored item? */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "clock.h"
#include "cmd.h"
#include "schema.h"
#include "xmalloc.h"

#define CMD_CHECK_MAX_SEGMENTS	64
#define CMD_CHECK_PROGRESS_MS	250

enum {
	OPT_PARTITION = CMD_OPT_FIRST_OWN,
	OPT_ALL,
	OPT_SEGMENTS,
	OPT_FAIL_FAST,
	OPT_PYDANTIC
};

/* The state every reader shares; `lock` guards all of it. */
struct cmd_check_run {
	pthread_mutex_t		 lock;
	struct checker		*checker;
	struct check_report	 report;
	bool			 jsonl;
	bool			 fail_fast;
	bool			 stop;
	bool			 progress;	/* stderr is a terminal */
	bool			 progress_shown;
	int64_t			 started_ms, shown_ms;
	const struct clock_ops	*clock;
	struct buf		 line;
	int			 rc;		/* the first error */
	struct err		 err;
};

/* Wipe the progress line before other output. */
static void
cmd_check_unprogress(struct cmd_check_run *run)
{
	if (run->progress_shown) {
		fputs("\r\033[K", stderr);
		run->progress_shown = false;
	}
}

/* "12345 items read, 2100 items/s" on the terminal, now and then. */
static void
cmd_check_show_progress(struct cmd_check_run *run, bool force)
{
	int64_t now = run->clock->monotonic_ms(run->clock->ctx);
	unsigned long long items = check_counts(run->checker)->items;
	double secs;

	if (!run->progress || (!force && now - run->shown_ms <
	    CMD_CHECK_PROGRESS_MS))
		return;
	run->shown_ms = now;
	secs = (double)(now - run->started_ms) / 1000.0;
	fprintf(stderr, "\r\033[K%llu items read, %.0f items/s", items,
	    secs > 0 ? (double)items / secs : 0.0);
	run->progress_shown = true;
}

/* repo_each_fn: judge one item and print its findings. */
static int
cmd_check_each(void *ctx, struct content *c)
{
	struct cmd_check_run *run = ctx;
	size_t i;
	int stop;

	pthread_mutex_lock(&run->lock);
	if (!run->stop) {
		check_item(run->checker, c->stored, &run->report);
		if (run->report.n > 0) {
			buf_reset(&run->line);
			for (i = 0; i < run->report.n; i++) {
				if (run->jsonl)
					check_format_jsonl(&run->report, i,
					    &run->line);
				else
					check_format_text(&run->report, i,
					    &run->line);
			}
			cmd_check_unprogress(run);
			fwrite(run->line.data, 1, run->line.len, stdout);
		}
		if (run->fail_fast && run->report.worst == CHECK_VIOLATION)
			run->stop = true;
		cmd_check_show_progress(run, false);
	}
	stop = run->stop;
	pthread_mutex_unlock(&run->lock);
	content_free(c);
	return stop;
}

/* Keep the first error of any reader. */
static void
cmd_check_fail(struct cmd_check_run *run, const struct err *e)
{
	pthread_mutex_lock(&run->lock);
	if (run->rc == 0) {
		run->rc = -1;
		run->err = *e;
	}
	run->stop = true;
	pthread_mutex_unlock(&run->lock);
}

/* One segment of a parallel scan, with its own connection. */
struct cmd_check_segment {
	struct cmd_check_run		*run;
	const struct session_options	*so;
	struct repo			*repo;	/* NULL: open a session */
	int				 segment, total;
	pthread_t			 thread;
};

/* A thread: scan one segment. */
static void *
cmd_check_segment_main(void *arg)
{
	struct cmd_check_segment *sg = arg;
	struct session s;
	struct err e;
	int rc;

	err_clear(&e);
	memset(&s, 0, sizeof s);
	if (sg->repo == NULL) {
		/* a client is one connection: one session per thread */
		if (session_open(&s, sg->so, &e) == -1) {
			cmd_check_fail(sg->run, &e);
			session_close(&s);
			return NULL;
		}
		rc = repo_scan(s.repo, sg->segment, sg->total, false,
		    cmd_check_each, sg->run, &e);
		session_close(&s);
	} else {
		rc = repo_scan(sg->repo, sg->segment, sg->total, false,
		    cmd_check_each, sg->run, &e);
	}
	if (rc == -1)
		cmd_check_fail(sg->run, &e);
	return NULL;
}

/* The whole repository: a Scan in `total` parallel segments. */
static void
cmd_check_scan(struct cmd_check_run *run, struct session *s,
    const struct session_options *so, int total)
{
	struct cmd_check_segment *sg;
	int i;

	if (total <= 1) {
		struct err e;

		err_clear(&e);
		if (repo_scan(s->repo, 0, 0, false, cmd_check_each, run,
		    &e) == -1)
			cmd_check_fail(run, &e);
		return;
	}
	sg = xcalloc((size_t)total, sizeof *sg);
	for (i = 0; i < total; i++) {
		sg[i].run = run;
		sg[i].so = so;
		sg[i].repo = i == 0 ? s->repo : NULL;
		sg[i].segment = i;
		sg[i].total = total;
		if (pthread_create(&sg[i].thread, NULL,
		    cmd_check_segment_main, &sg[i]) != 0) {
			/* run it here instead */
			cmd_check_segment_main(&sg[i]);
			sg[i].segment = -1;
		}
	}
	for (i = 0; i < total; i++)
		if (sg[i].segment != -1)
			pthread_join(sg[i].thread, NULL);
	free(sg);
}

/* The given partitions, one query each. */
static void
cmd_check_partitions(struct cmd_check_run *run, struct session *s,
    char **partitions, size_t n)
{
	struct ids pids, none;
	size_t i;

	ids_init(&none);
	for (i = 0; i < n && !run->stop; i++) {
		struct err e;

		err_clear(&e);
		ids_parse(&pids, partitions[i]);
		if (repo_list(s->repo, &pids, &none, NULL, cmd_check_each, run,
		    &e) == -1)
			cmd_check_fail(run, &e);
		ids_cleanup(&pids);
	}
}

/* The checker's options from the profile. */
static struct checker *
cmd_check_checker(const struct profile *p, const struct schema *schema,
    int pydantic)
{
	struct check_options o;
	struct timespec now;
	struct checker *k;
	char *pp = profile_partition_prefix(p), *cp = profile_content_prefix(p);

	clock_system()->now(clock_system()->ctx, &now);
	memset(&o, 0, sizeof o);
	o.schema = schema;
	o.pydantic = pydantic != 0 ? pydantic : p->pydantic;
	o.allow_extra = p->allow_extra;
	o.partition_key = p->partition_key;
	o.sort_key = p->sort_key;
	o.partition_prefix = pp;
	o.content_prefix = cp;
	o.now = (int64_t)now.tv_sec;
	k = check_new(&o);
	free(pp);
	free(cp);
	return k;
}

int
cmd_check_exec(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_COMMON_LONGOPTS,
		{ "partition", required_argument, NULL, OPT_PARTITION },
		{ "all-partitions", no_argument, NULL, OPT_ALL },
		{ "segments", required_argument, NULL, OPT_SEGMENTS },
		{ "fail-fast", no_argument, NULL, OPT_FAIL_FAST },
		{ "pydantic", required_argument, NULL, OPT_PYDANTIC },
		{ NULL, 0, NULL, 0 }
	};
	struct cmd_check_run run;
	struct cmd_common cc;
	struct session s;
	struct schema *schema = NULL;
	char **partitions = NULL;
	size_t npartitions = 0;
	long long segments = 4, pydantic = 0;
	bool all = false, fail_fast = false;
	struct err e;
	int opt, rc;

	err_clear(&e);
	cmd_common_init(&cc, g);
	while ((opt = getopt_long(argc, argv, "p:", longopts, NULL)) != -1) {
		if (cmd_common_opt(&cc, opt, optarg))
			continue;
		switch (opt) {
		case OPT_PARTITION:
			partitions = xreallocarray(partitions, npartitions + 1,
			    sizeof *partitions);
			partitions[npartitions++] = optarg;
			break;
		case OPT_ALL:
			all = true;
			break;
		case OPT_SEGMENTS:
			if (cmd_parse_long("--segments", optarg, 1, &segments,
			    &e) == -1)
				goto usage;
			if (segments > CMD_CHECK_MAX_SEGMENTS) {
				err_set(&e, ERR_USAGE, "--segments: at most %d",
				    CMD_CHECK_MAX_SEGMENTS);
				goto usage;
			}
			break;
		case OPT_FAIL_FAST:
			fail_fast = true;
			break;
		case OPT_PYDANTIC:
			if (cmd_parse_long("--pydantic", optarg, 1, &pydantic,
			    &e) == -1 || pydantic > 2) {
				err_set(&e, ERR_USAGE, "--pydantic: 1 or 2");
				goto usage;
			}
			break;
		default:
			free(partitions);
			return cmd_usage_error("check", "unknown option %s",
			    argv[optind - 1]);
		}
	}
	if (cc.help) {
		free(partitions);
		cmd_usage(cmd_find("check"), stdout);
		return 0;
	}
	if (optind < argc) {
		err_set(&e, ERR_USAGE, "unexpected argument \"%s\"",
		    argv[optind]);
		goto usage;
	}
	if (all && npartitions > 0) {
		err_set(&e, ERR_USAGE, "--partition and --all-partitions "
		    "exclude each other");
		goto usage;
	}
	if (cc.output != NULL && strcmp(cc.output, "table") != 0 &&
	    strcmp(cc.output, "jsonl") != 0) {
		err_set(&e, ERR_USAGE, "--output: table or jsonl, not \"%s\"",
		    cc.output);
		goto usage;
	}

	if (session_open(&s, &cc.so, &e) == -1) {
		session_close(&s);
		free(partitions);
		return cmd_fail("check", &e);
	}
	if (!all && npartitions == 0) {
		if (s.profile->npartitions == 0) {
			rc = cmd_usage_error("check", "give --partition ID "
			    "(repeatable) or --all-partitions; profile %s "
			    "names no partitions", s.profile->name);
			session_close(&s);
			free(partitions);
			return rc;
		}
		partitions = xreallocarray(partitions,
		    s.profile->npartitions, sizeof *partitions);
		for (npartitions = 0; npartitions < s.profile->npartitions;
		    npartitions++)
			partitions[npartitions] =
			    s.profile->partitions[npartitions];
	}
	if (s.profile->schema != NULL) {
		schema = schema_load(s.profile->schema, &e);
		if (schema == NULL) {
			err_prefix(&e, "profile %s: ", s.profile->name);
			session_close(&s);
			free(partitions);
			return cmd_fail("check", &e);
		}
	} else {
		cmd_eprintf("dynrepo check: profile %s has no schema: "
		    "model checks skipped (keys and the library's attributes "
		    "are still checked)\n", s.profile->name);
	}

	memset(&run, 0, sizeof run);
	pthread_mutex_init(&run.lock, NULL);
	run.checker = cmd_check_checker(s.profile, schema, (int)pydantic);
	check_report_init(&run.report);
	run.jsonl = cc.output != NULL && strcmp(cc.output, "jsonl") == 0;
	run.fail_fast = fail_fast;
	run.progress = isatty(STDERR_FILENO) != 0;
	run.clock = clock_system();
	run.started_ms = run.clock->monotonic_ms(run.clock->ctx);
	buf_init(&run.line);

	if (all)
		cmd_check_scan(&run, &s, &cc.so, (int)segments);
	else
		cmd_check_partitions(&run, &s, partitions, npartitions);

	cmd_check_show_progress(&run, true);
	cmd_check_unprogress(&run);
	/* a summary of nothing would read as a clean repository */
	if (run.rc == 0 || check_counts(run.checker)->items > 0) {
		buf_reset(&run.line);
		check_format_summary(check_counts(run.checker),
		    check_rules(run.checker), run.jsonl, &run.line);
		fwrite(run.line.data, 1, run.line.len, stdout);
	}
	fflush(stdout);

	if (run.rc != 0)
		rc = cmd_fail("check", &run.err);
	else
		rc = check_counts(run.checker)->violated > 0 ? 1 : 0;
	buf_cleanup(&run.line);
	check_report_cleanup(&run.report);
	check_free(run.checker);
	pthread_mutex_destroy(&run.lock);
	schema_free(schema);
	session_close(&s);
	free(partitions);
	return rc;
usage:
	free(partitions);
	return cmd_usage_error("check", "%s", e.msg);
}
