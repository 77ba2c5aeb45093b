/* SPDX-License-Identifier: ISC */
/* dynrepo partitions: a repository's partition ids, by a keys-only Scan. */
#include "config.h"

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "xmalloc.h"

#define CMD_PARTITIONS_MAX_SEGMENTS	64

enum { OPT_SEGMENTS = CMD_OPT_FIRST_OWN };

/* One partition and its item count. */
struct cmd_partition {
	char			*id;	/* ids joined by '#'; NULL: free slot */
	unsigned long long	 items;
};

/* Partition counts in an open-addressing table; `lock` guards it. */
struct cmd_partitions_run {
	pthread_mutex_t		 lock;
	struct cmd_partition	*slots;
	size_t			 cap, n;
	unsigned long long	 items;
	int			 rc;
	struct err		 err;
};

/* FNV-1a of a string. */
static uint64_t
cmd_partitions_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s != '\0') {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

/* The slot of id (existing or free). */
static struct cmd_partition *
cmd_partitions_slot(struct cmd_partition *slots, size_t cap, const char *id)
{
	size_t i = (size_t)cmd_partitions_hash(id) & (cap - 1);

	while (slots[i].id != NULL && strcmp(slots[i].id, id) != 0)
		i = (i + 1) & (cap - 1);
	return &slots[i];
}

/* Count one item of partition id (lock held). */
static void
cmd_partitions_count(struct cmd_partitions_run *run, const char *id)
{
	struct cmd_partition *p;
	size_t i;

	if ((run->n + 1) * 2 > run->cap) {
		size_t cap = run->cap ? run->cap * 2 : 64;
		struct cmd_partition *slots = xcalloc(cap, sizeof *slots);

		for (i = 0; i < run->cap; i++)
			if (run->slots[i].id != NULL)
				*cmd_partitions_slot(slots, cap,
				    run->slots[i].id) = run->slots[i];
		free(run->slots);
		run->slots = slots;
		run->cap = cap;
	}
	p = cmd_partitions_slot(run->slots, run->cap, id);
	if (p->id == NULL) {
		p->id = xstrdup(id);
		run->n++;
	}
	p->items++;
	run->items++;
}

/* repo_each_fn: count the item's partition. */
static int
cmd_partitions_each(void *ctx, struct content *c)
{
	struct cmd_partitions_run *run = ctx;
	struct buf id = BUF_INIT;

	ids_join(&c->partition_ids, &id);
	pthread_mutex_lock(&run->lock);
	cmd_partitions_count(run, buf_cstr(&id));
	pthread_mutex_unlock(&run->lock);
	buf_cleanup(&id);
	content_free(c);
	return 0;
}

/* Keep the first error. */
static void
cmd_partitions_fail(struct cmd_partitions_run *run, const struct err *e)
{
	pthread_mutex_lock(&run->lock);
	if (run->rc == 0) {
		run->rc = -1;
		run->err = *e;
	}
	pthread_mutex_unlock(&run->lock);
}

struct cmd_partitions_segment {
	struct cmd_partitions_run	*run;
	const struct session_options	*so;
	struct repo			*repo;	/* NULL: open a session */
	int				 segment, total;
	pthread_t			 thread;
	bool				 started;
};

/* A thread: one segment, on its own connection. */
static void *
cmd_partitions_segment_main(void *arg)
{
	struct cmd_partitions_segment *sg = arg;
	struct session s;
	struct err e;

	err_clear(&e);
	memset(&s, 0, sizeof s);
	if (sg->repo == NULL) {
		if (session_open(&s, sg->so, &e) == -1) {
			cmd_partitions_fail(sg->run, &e);
			session_close(&s);
			return NULL;
		}
		if (repo_scan(s.repo, sg->segment, sg->total, true,
		    cmd_partitions_each, sg->run, &e) == -1)
			cmd_partitions_fail(sg->run, &e);
		session_close(&s);
		return NULL;
	}
	if (repo_scan(sg->repo, sg->segment, sg->total, true,
	    cmd_partitions_each, sg->run, &e) == -1)
		cmd_partitions_fail(sg->run, &e);
	return NULL;
}

/* qsort: by id. */
static int
cmd_partitions_cmp(const void *a, const void *b)
{
	const struct cmd_partition *x = a, *y = b;

	return strcmp(x->id, y->id);
}

/* Print the partitions sorted by id. */
static void
cmd_partitions_print(struct cmd_partitions_run *run, bool jsonl)
{
	struct cmd_partition *list = xcalloc(run->n + 1, sizeof *list);
	struct buf b = BUF_INIT;
	size_t i, k = 0;

	for (i = 0; i < run->cap; i++)
		if (run->slots[i].id != NULL)
			list[k++] = run->slots[i];
	qsort(list, k, sizeof *list, cmd_partitions_cmp);
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
		    run->items, run->items == 1 ? "" : "s");
	buf_cleanup(&b);
	free(list);
}

int
cmd_partitions_exec(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_COMMON_LONGOPTS,
		{ "segments", required_argument, NULL, OPT_SEGMENTS },
		{ NULL, 0, NULL, 0 }
	};
	struct cmd_partitions_segment *sg;
	struct cmd_partitions_run run;
	struct cmd_common cc;
	struct session s;
	long long segments = 4;
	struct err e;
	size_t i;
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
			if (segments > CMD_PARTITIONS_MAX_SEGMENTS)
				return cmd_usage_error("partitions",
				    "--segments: at most %d",
				    CMD_PARTITIONS_MAX_SEGMENTS);
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

	memset(&run, 0, sizeof run);
	pthread_mutex_init(&run.lock, NULL);
	sg = xcalloc((size_t)segments, sizeof *sg);
	for (i = 0; i < (size_t)segments; i++) {
		sg[i].run = &run;
		sg[i].so = &cc.so;
		sg[i].repo = i == 0 ? s.repo : NULL;
		sg[i].segment = (int)i;
		sg[i].total = segments > 1 ? (int)segments : 0;
		if (segments > 1 && pthread_create(&sg[i].thread, NULL,
		    cmd_partitions_segment_main, &sg[i]) == 0)
			sg[i].started = true;
		else
			cmd_partitions_segment_main(&sg[i]);
	}
	for (i = 0; i < (size_t)segments; i++)
		if (sg[i].started)
			pthread_join(sg[i].thread, NULL);
	free(sg);

	if (run.rc != 0) {
		rc = cmd_fail("partitions", &run.err);
	} else {
		cmd_partitions_print(&run, cc.output != NULL &&
		    strcmp(cc.output, "jsonl") == 0);
		rc = 0;
	}
	for (i = 0; i < run.cap; i++)
		free(run.slots[i].id);
	free(run.slots);
	pthread_mutex_destroy(&run.lock);
	session_close(&s);
	return rc;
}
