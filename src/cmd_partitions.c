/* SPDX-License-Identifier: ISC */
/* dynrepo partitions: a repository's partition ids, by a keys-only Scan. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "discover.h"
#include "xmalloc.h"

enum { OPT_SEGMENTS = CMD_OPT_FIRST_OWN };

/* Print the partitions (sorted by id). */
static void
cmd_partitions_print(const struct discover *d, bool jsonl)
{
	const struct discover_partition *list = d->parts;
	struct buf b = BUF_INIT;
	size_t i, k = d->n;

	if (!jsonl)
		printf("%-48s %12s\n", "PARTITION", "ITEMS");
	for (i = 0; i < k; i++) {
		buf_reset(&b);
		if (jsonl) {
			struct ids ids;
			size_t j;

			/* the library reads "" back as one empty id */
			ids_parse(&ids, list[i].id);
			if (ids.n == 0)
				ids_push(&ids, "", 0);
			buf_adds(&b, "{\"partition_ids\":[");
			for (j = 0; j < ids.n; j++) {
				if (j > 0)
					buf_addc(&b, ',');
				buf_add_json_string(&b, ids.v[j],
				    strlen(ids.v[j]));
			}
			buf_adds(&b, "],\"partition\":");
			buf_add_json_string(&b, list[i].id,
			    strlen(list[i].id));
			buf_printf(&b, ",\"items\":%llu}\n", list[i].items);
			ids_cleanup(&ids);
		} else {
			struct buf esc = BUF_INIT;

			if (*list[i].id == '\0')
				buf_adds(&esc, "\"\"");
			else
				output_escape(&esc, list[i].id,
				    strlen(list[i].id));
			buf_printf(&b, "%-48s %12llu\n", buf_cstr(&esc),
			    list[i].items);
			buf_cleanup(&esc);
		}
		fwrite(b.data, 1, b.len, stdout);
	}
	if (!jsonl)
		printf("%zu partition%s, %llu item%s\n", k, k == 1 ? "" : "s",
		    d->items, d->items == 1 ? "" : "s");
	buf_cleanup(&b);
}

int
cmd_partitions_exec(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_COMMON_LONGOPTS,
		{ "segments", required_argument, NULL, OPT_SEGMENTS },
		{ NULL, 0, NULL, 0 }
	};
	struct discover_opts o;
	struct discover d;
	struct cmd_common cc;
	struct session s;
	long long segments = 4;
	struct err e;
	int opt, rc;

	err_clear(&e);
	cmd_common_init(&cc, g);
	while ((opt = getopt_long(argc, argv, "p:", longopts, NULL)) != -1) {
		if (cmd_common_opt(&cc, opt, optarg))
			continue;
		switch (opt) {
		case OPT_SEGMENTS:
			if (cmd_parse_long("--segments", optarg, 1, &segments,
			    &e) == -1)
				return cmd_usage_error("partitions", "%s",
				    e.msg);
			if (segments > DISCOVER_MAX_SEGMENTS)
				return cmd_usage_error("partitions",
				    "--segments: at most %d",
				    DISCOVER_MAX_SEGMENTS);
			break;
		default:
			return cmd_usage_error("partitions", "unknown option "
			    "%s", argv[optind - 1]);
		}
	}
	if (cc.help) {
		cmd_usage(cmd_find("partitions"), stdout);
		return 0;
	}
	if (optind < argc)
		return cmd_usage_error("partitions", "unexpected argument "
		    "\"%s\"", argv[optind]);
	if (cc.output != NULL && strcmp(cc.output, "table") != 0 &&
	    strcmp(cc.output, "jsonl") != 0)
		return cmd_usage_error("partitions", "--output: table or "
		    "jsonl, not \"%s\"", cc.output);
	if (session_open(&s, &cc.so, &e) == -1) {
		session_close(&s);
		return cmd_fail("partitions", &e);
	}

	memset(&o, 0, sizeof o);
	o.segments = (int)segments;
	o.repo = s.repo;
	o.so = &cc.so;
	if (discover_run(&o, &d, &e) == -1) {
		rc = cmd_fail("partitions", &e);
	} else {
		cmd_partitions_print(&d, cc.output != NULL &&
		    strcmp(cc.output, "jsonl") == 0);
		discover_cleanup(&d);
		rc = 0;
	}
	session_close(&s);
	return rc;
}
