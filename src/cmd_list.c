/* SPDX-License-Identifier: ISC */
/* dynrepo list and between: the library's list() and list_between(). */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"

enum {
	OPT_PARTITION = CMD_OPT_FIRST_OWN,
	OPT_PREFIX,
	OPT_START,
	OPT_END,
	OPT_DESC,
	OPT_LIMIT,
	OPT_FILTER
};

/* repo_each_fn printing through an output. */
static int
cmd_list_print(void *ctx, struct content *c)
{
	output_item(ctx, c);
	/* Nonzero stops the listing; main reports the failed output. */
	return output_failed(ctx);
}

/* repo_list_opts.line: an item that comes printed already. */
static int
cmd_list_line(void *ctx, const char *text, size_t len)
{
	output_line(ctx, text, len);
	return output_failed(ctx);
}

/* Both verbs: between when `between` is set. */
static int
cmd_list_run(const struct cmd_global *g, int argc, char **argv, bool between)
{
	static const struct option longopts[] = {
		CMD_COMMON_LONGOPTS,
		{ "partition", required_argument, NULL, OPT_PARTITION },
		{ "prefix", required_argument, NULL, OPT_PREFIX },
		{ "start", required_argument, NULL, OPT_START },
		{ "end", required_argument, NULL, OPT_END },
		{ "desc", no_argument, NULL, OPT_DESC },
		{ "limit", required_argument, NULL, OPT_LIMIT },
		{ "filter", required_argument, NULL, OPT_FILTER },
		{ NULL, 0, NULL, 0 }
	};
	const char *verb = between ? "between" : "list";
	const char *partition = NULL, *prefix = "", *start = NULL, *end = NULL;
	struct repo_list_opts lo;
	struct cmd_common cc;
	struct filter filter;
	struct expr *fexpr = NULL;
	struct session s;
	struct ids pids, a, b;
	enum output_format fmt;
	struct output *out;
	long long limit;
	struct err e;
	int opt, rc;

	memset(&lo, 0, sizeof lo);
	filter_init(&filter);
	err_clear(&e);
	cmd_common_init(&cc, g);
	while ((opt = getopt_long(argc, argv, "p:", longopts, NULL)) != -1) {
		if (cmd_common_opt(&cc, opt, optarg))
			continue;
		switch (opt) {
		case OPT_PARTITION: partition = optarg; break;
		case OPT_PREFIX: prefix = optarg; break;
		case OPT_START: start = optarg; break;
		case OPT_END: end = optarg; break;
		case OPT_DESC: lo.descending = true; break;
		case OPT_LIMIT:
			if (cmd_parse_long("--limit", optarg, 1, &limit,
			    &e) == -1)
				goto usage;
			lo.limit = (long)limit;
			break;
		case OPT_FILTER:
			if (filter_add_parse(&filter, optarg, &e) == -1)
				goto usage;
			/* Numbers DynamoDB would refuse are bad input. */
			for (size_t k = 0; k < filter.n; k++)
				if (filter.conds[k].value != NULL &&
				    content_check_numbers(filter.conds[k].value,
				    filter.conds[k].field, &e) == -1)
					goto usage;
			break;
		default:
			filter_cleanup(&filter);
			return cmd_usage_error(verb, "unknown option %s",
			    argv[optind - 1]);
		}
	}
	if (cc.help) {
		filter_cleanup(&filter);
		cmd_usage(cmd_find(verb), stdout);
		return 0;
	}
	if (optind < argc) {
		err_set(&e, ERR_USAGE, "unexpected argument \"%s\"",
		    argv[optind]);
		goto usage;
	}
	if (partition == NULL) {
		err_set(&e, ERR_USAGE, "--partition is required (use \"\" for "
		    "no ids)");
		goto usage;
	}
	if (between && (start == NULL || end == NULL)) {
		err_set(&e, ERR_USAGE, "--start and --end are required");
		goto usage;
	}
	if (!between && (start != NULL || end != NULL)) {
		err_set(&e, ERR_USAGE, "--start/--end belong to `between`");
		goto usage;
	}
	if (output_parse_format(cc.output, stdout, &fmt, &e) == -1)
		goto usage;
	if (session_open(&s, &cc.so, &e) == -1) {
		session_close(&s);
		filter_cleanup(&filter);
		return cmd_fail(verb, &e);
	}
	/* Names must be the model's; values are typed as stored. */
	if (schema_validate_filter(s.schema, &filter, s.profile->allow_extra,
	    &e) == -1) {
		session_close(&s);
		filter_cleanup(&filter);
		return cmd_usage_error(verb, "%s", e.msg);
	}
	fexpr = filter_to_expr(&filter);
	lo.filter = fexpr;
	ids_parse(&pids, partition);
	/* Printing only reads the contents (no copy of each item) and
	 * never uses the repository (the next page may be fetched
	 * meanwhile). */
	repo_set_shared_contents(s.repo, true);
	lo.prefetch = true;
	out = output_new(fmt, stdout);
	if (output_takes_lines(out))
		lo.line = cmd_list_line;
	if (between) {
		ids_parse(&a, start);
		ids_parse(&b, end);
		rc = repo_list_between(s.repo, &pids, &a, &b, &lo,
		    cmd_list_print, out, &e);
		ids_cleanup(&a);
		ids_cleanup(&b);
	} else {
		ids_parse(&a, prefix);
		rc = repo_list(s.repo, &pids, &a, &lo, cmd_list_print, out,
		    &e);
		ids_cleanup(&a);
	}
	output_finish(out);
	ids_cleanup(&pids);
	expr_free(fexpr);
	filter_cleanup(&filter);
	session_close(&s);
	return rc == 0 ? 0 : cmd_fail(verb, &e);
usage:
	filter_cleanup(&filter);
	return cmd_usage_error(verb, "%s", e.msg);
}

int
cmd_list_exec(const struct cmd_global *g, int argc, char **argv)
{
	return cmd_list_run(g, argc, argv, false);
}

int
cmd_between_exec(const struct cmd_global *g, int argc, char **argv)
{
	return cmd_list_run(g, argc, argv, true);
}
