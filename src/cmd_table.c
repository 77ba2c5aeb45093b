/* SPDX-License-Identifier: ISC */
/* dynrepo create-table: a table with the profile's key layout (for local
 * servers). */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "request.h"

int
cmd_create_table_exec(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cmd_common cc;
	struct session s;
	struct request rq;
	struct response rs;
	struct err e;
	int opt, rc, i;

	cmd_common_init(&cc, g);
	while ((opt = getopt_long(argc, argv, "p:", longopts, NULL)) != -1)
		if (!cmd_common_opt(&cc, opt, optarg))
			return cmd_usage_error("create-table", "unknown option "
			    "%s", argv[optind - 1]);
	if (cc.help) {
		cmd_usage(cmd_find("create-table"), stdout);
		return 0;
	}
	if (optind < argc)
		return cmd_usage_error("create-table", "unexpected argument "
		    "\"%s\"", argv[optind]);
	err_clear(&e);
	if (session_open(&s, &cc.so, &e) == -1) {
		session_close(&s);
		return cmd_fail("create-table", &e);
	}
	if (s.profile->read_only) {
		err_set(&e, ERR_READ_ONLY, "profile %s is read-only: no table "
		    "was created", s.profile->name);
		session_close(&s);
		return cmd_fail("create-table", &e);
	}
	request_init(&rq, OP_CREATE_TABLE, repo_table(s.repo));
	rq.hash_key = strdup(s.profile->partition_key);
	rq.range_key = strdup(s.profile->sort_key);
	response_init(&rs);
	rc = store_execute(s.store, &rq, &rs, &e);
	response_cleanup(&rs);
	request_cleanup(&rq);
	/* A new table is CREATING for a while; it is usable once ACTIVE. */
	for (i = 0; rc == 0 && i < 600; i++) {
		bool active;

		request_init(&rq, OP_DESCRIBE_TABLE, repo_table(s.repo));
		response_init(&rs);
		rc = store_execute(s.store, &rq, &rs, &e);
		active = rc == 0 && rs.table_status != NULL &&
		    strcmp(rs.table_status, "ACTIVE") == 0;
		response_cleanup(&rs);
		request_cleanup(&rq);
		if (active)
			break;
		usleep(i < 10 ? 20000 : 200000);
	}
	if (rc == 0)
		fprintf(stderr, "dynrepo create-table: table %s is ready\n",
		    repo_table(s.repo));
	session_close(&s);
	return rc == 0 ? 0 : cmd_fail("create-table", &e);
}
