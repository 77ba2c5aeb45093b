/* SPDX-License-Identifier: ISC */
/* dynrepo profiles: the repository profiles of the search path. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "output.h"
#include "profile.h"

int
cmd_profiles_exec(const struct cmd_global *g, int argc, char **argv)
{
	struct profile_set *set;
	size_t i, n;
	int rc = 0;

	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		cmd_usage(cmd_find("profiles"), stdout);
		return 0;
	}
	if (argc > 1)
		return cmd_usage_error("profiles", "unexpected argument \"%s\"",
		    argv[1]);
	set = session_load_profiles(g->profiles_dir);
	n = profile_set_count(set);
	if (n > 0)
		printf("%-24s %-16s %-28s %-32s %-5s %s\n", "NAME", "TABLE",
		    "ENDPOINT/REGION", "PREFIX", "MODE", "FILE");
	for (i = 0; i < n; i++) {
		const struct profile *p = profile_set_at(set, i);
		char *pp = profile_partition_prefix(p);
		char *cp = profile_content_prefix(p);
		char *prefix = NULL;
		struct buf esc = BUF_INIT;

		if (asprintf(&prefix, "%s / %s", pp, cp) == -1)
			prefix = NULL;
		output_escape(&esc, p->name, strlen(p->name));
		printf("%-24s %-16s %-28s %-32s %-5s %s\n", buf_cstr(&esc),
		    p->table, p->endpoint != NULL ? p->endpoint :
		    (p->region != NULL ? p->region : "(default region)"),
		    prefix != NULL ? prefix : pp, p->read_only ? "ro" : "rw",
		    p->file);
		if (p->schema != NULL)
			printf("%-24s schema: %s\n", "", p->schema);
		buf_cleanup(&esc);
		free(prefix);
		free(pp);
		free(cp);
	}
	for (i = 0; i < profile_set_problem_count(set); i++) {
		const struct profile_problem *pr = profile_set_problem(set, i);
		char *msg = profile_problem_format(pr);

		cmd_eprintf("dynrepo profiles: %s: %s\n",
		    pr->warning ? "warning" : "error", msg);
		if (!pr->warning)
			rc = 1;
		free(msg);
	}
	if (n == 0) {
		fprintf(stderr, "dynrepo profiles: no profiles found; "
		    "searched:");
		for (i = 0; i < profile_set_dir_count(set); i++)
			cmd_eprintf(" %s", profile_set_dir(set, i));
		fputc('\n', stderr);
	}
	profile_set_free(set);
	return rc;
}
