/* SPDX-License-Identifier: ISC */
/* dynrepo delete: every item under a content prefix, as the library deletes. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cmd.h"

enum { OPT_PARTITION = CMD_OPT_FIRST_OWN, OPT_PREFIX, OPT_YES };

int
cmd_delete_exec(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_COMMON_LONGOPTS,
		{ "partition", required_argument, NULL, OPT_PARTITION },
		{ "prefix", required_argument, NULL, OPT_PREFIX },
		{ "yes", no_argument, NULL, OPT_YES },
		{ NULL, 0, NULL, 0 }
	};
	const char *partition = NULL, *prefix = "";
	struct cmd_common cc;
	struct session s;
	struct ids pids, pre;
	size_t deleted = 0;
	bool yes = false;
	struct err e;
	int opt, rc;

	cmd_common_init(&cc, g);
	while ((opt = getopt_long(argc, argv, "p:", longopts, NULL)) != -1) {
		if (cmd_common_opt(&cc, opt, optarg))
			continue;
		switch (opt) {
		case OPT_PARTITION: partition = optarg; break;
		case OPT_PREFIX: prefix = optarg; break;
		case OPT_YES: yes = true; break;
		default:
			return cmd_usage_error("delete", "unknown option %s",
			    argv[optind - 1]);
		}
	}
	if (cc.help) {
		cmd_usage(cmd_find("delete"), stdout);
		return 0;
	}
	if (optind < argc)
		return cmd_usage_error("delete", "unexpected argument \"%s\"",
		    argv[optind]);
	if (partition == NULL)
		return cmd_usage_error("delete", "--partition is required (use "
		    "\"\" for no ids)");
	if (!yes)
		return cmd_usage_error("delete", "deleting every item under a "
		    "prefix needs --yes");
	err_clear(&e);
	if (session_open(&s, &cc.so, &e) == -1) {
		session_close(&s);
		return cmd_fail("delete", &e);
	}
	ids_parse(&pids, partition);
	ids_parse(&pre, prefix);
	rc = repo_delete(s.repo, &pids, &pre, &deleted, &e);
	/* After a failure part of the prefix may be gone: say how much. */
	if (rc == 0 || deleted > 0)
		fprintf(stderr, "dynrepo delete: %zu item%s deleted\n",
		    deleted, deleted == 1 ? "" : "s");
	ids_cleanup(&pids);
	ids_cleanup(&pre);
	session_close(&s);
	return rc == 0 ? 0 : cmd_fail("delete", &e);
}
