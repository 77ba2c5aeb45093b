/* SPDX-License-Identifier: ISC */
/* dynrepo --demo: create (once) and open the demo repositories. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "cmd.h"
#include "demo.h"
#include "store_local.h"

int
cmd_demo_exec(const struct cmd_global *g, bool reset)
{
	struct demo_counts counts;
	struct store *st;
	struct err e;
	char *path = demo_path();
	int rc;

	err_clear(&e);
	if (path == NULL) {
		fprintf(stderr, "dynrepo --demo: set HOME or XDG_DATA_HOME to "
		    "an absolute path for the demo database\n");
		return 2;
	}
	st = store_local_open(path, &e);
	if (st == NULL) {
		free(path);
		return cmd_fail("--demo", &e);
	}
	if (isatty(fileno(stderr)))
		fprintf(stderr, "dynrepo: preparing the demo database %s ...\n",
		    path);
	rc = demo_fill(st, reset, &counts, &e);
	store_free(st);
	if (rc == -1) {
		free(path);
		return cmd_fail("--demo", &e);
	}
	if (counts.created)
		printf("dynrepo: demo database %s created: %zu film actors, "
		    "%zu characters, %zu events in table %s\n", path,
		    counts.actors, counts.characters, counts.events,
		    DEMO_TABLE);
	else
		printf("dynrepo: demo database %s is there already (your "
		    "edits are kept; --demo --reset starts over)\n", path);
	printf("profiles: demo-film-actors, demo-characters, demo-events "
	    "(see `dynrepo profiles`)\n");
	free(path);
	return 0;
}
