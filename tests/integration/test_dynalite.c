/* SPDX-License-Identifier: ISC */
/* The repository core against a real DynamoDB-compatible server (dynalite). */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>


#include "awsclient.h"
#include "creds.h"
#include "ddbjson.h"
#include "filter.h"
#include "http.h"
#include "json.h"
#include "repo.h"
#include "store_dynamodb.h"
#include "xmalloc.h"

/* json_parse of a C string. */
static struct value *
jp(const char *s, struct err *e)
{
	return json_parse(s, strlen(s), e);
}

static struct http_ops *http;
static struct creds_provider *creds;
static struct awsclient *client;
static struct store *store;
static struct repo *repo;
static char table[64];

/* A repository with the golden data's settings over a fresh table. */
static void
setup(void)
{
	const char *endpoint = getenv("DYNREPO_TEST_ENDPOINT");
	struct awsclient_config ac = {
		.region = "us-east-1", .service = "dynamodb",
		.target_prefix = "DynamoDB_20120810", .max_attempts = 3,
		.connect_timeout_ms = 5000, .timeout_ms = 30000,
	};
	struct http_options ho = { 0 };
	struct repo_config rc = {
		.partition_prefix = "interop", .partition_name = "film_actor",
		.content_type = "film_actor",
	};
	struct request rq;
	struct response rs;
	struct err e;

	cr_assert_not_null(endpoint, "run through tests/with-dynalite");
	ac.endpoint = endpoint;
	http = http_new_curl(&ho);
	creds = creds_provider_new(NULL, NULL, NULL);
	client = awsclient_new(&ac, http, creds, NULL);
	store = store_dynamodb_new(client);
	snprintf(table, sizeof table, "t_%ld", (long)getpid());
	rc.table = table;
	repo = repo_new(&rc, store, NULL);

	request_init(&rq, OP_CREATE_TABLE, table);
	rq.hash_key = xstrdup("_table_item_id");
	rq.range_key = xstrdup("_table_content_id");
	response_init(&rs);
	cr_assert_eq(store_execute(store, &rq, &rs, &e), 0, "%s", e.msg);
	response_cleanup(&rs);
	request_cleanup(&rq);
	/* CreateTable answers CREATING; wait for ACTIVE as a client must. */
	for (int i = 0; i < 100; i++) {
		bool active;

		request_init(&rq, OP_DESCRIBE_TABLE, table);
		response_init(&rs);
		cr_assert_eq(store_execute(store, &rq, &rs, &e), 0, "%s",
		    e.msg);
		active = rs.table_status != NULL &&
		    strcmp(rs.table_status, "ACTIVE") == 0;
		response_cleanup(&rs);
		request_cleanup(&rq);
		if (active)
			break;
		usleep(20000);
	}
}

static void
teardown(void)
{
	repo_free(repo);
	store_free(store);
	awsclient_free(client);
	creds_provider_free(creds);
	http_free(http);
}

TestSuite(dynalite, .init = setup, .fini = teardown, .timeout = 120);

/* The golden items as the real library stored them. */
static struct value **
golden(size_t *n)
{
	char path[1024], line[65536];
	struct value **items = NULL;
	FILE *fp;

	snprintf(path, sizeof path, "%s/pydantic-dynamo/items.ddb.jsonl",
	    getenv("DYNREPO_TESTDATA"));
	fp = fopen(path, "r");
	cr_assert_not_null(fp, "%s", path);
	*n = 0;
	while (fgets(line, sizeof line, fp) != NULL) {
		struct err e;
		struct value *doc = json_parse(line, strlen(line), &e);

		cr_assert_not_null(doc, "%s", e.msg);
		items = xreallocarray(items, *n + 1, sizeof *items);
		items[*n] = ddbjson_item_from_tree(value_map_take(doc, "Item"),
		    &e);
		cr_assert_not_null(items[*n], "%s", e.msg);
		(*n)++;
		value_free(doc);
	}
	fclose(fp);
	return items;
}

/* A raw GetItem of the stored item, keys and internal attributes too. */
static struct value *
raw_get(const struct ids *p, const struct ids *c)
{
	struct request rq;
	struct response rs;
	struct value *v;
	struct err e;

	request_init(&rq, OP_GET_ITEM, table);
	rq.key = repo_key(repo, p, c);
	rq.consistent_read = true;
	response_init(&rs);
	cr_assert_eq(store_execute(store, &rq, &rs, &e), 0, "%s", e.msg);
	v = rs.item;
	rs.item = NULL;
	response_cleanup(&rs);
	request_cleanup(&rq);
	return v;
}

Test(dynalite, golden_items_put_back_byte_for_byte)
{
	size_t n, i, k;
	struct value **items = golden(&n);
	struct err e;

	cr_assert_eq(n, 10);
	for (i = 0; i < n; i++) {
		struct value *orig = value_copy(items[i]);
		struct content *c = repo_decode(repo, items[i], &e);
		struct value *back;

		cr_assert_not_null(c, "%s", e.msg);
		cr_assert_gt(c->content_ids.n, 1);
		cr_assert_eq(repo_put(repo, c, &e), 0, "%s", e.msg);
		back = raw_get(&c->partition_ids, &c->content_ids);
		cr_assert_not_null(back);
		/* Same attributes, types and values; only _timestamp moves. */
		for (k = 0; k < orig->u.map.len; k++) {
			const struct value_member *m = &orig->u.map.items[k];
			const struct value *b = value_map_get(back, m->name);

			if (strcmp(m->name, "_timestamp") == 0)
				continue;
			cr_assert_not_null(b, "item %zu lost %s", i, m->name);
			cr_assert(value_equal(m->value, b), "item %zu: %s "
			    "differs", i, m->name);
		}
		cr_assert_eq(back->u.map.len, orig->u.map.len,
		    "item %zu gained attributes", i);
		value_free(orig);
		value_free(back);
		content_free(c);
	}
	free(items);
}

static int
collect(void *ctx, struct content *c)
{
	struct content ***v = ctx;
	size_t n = 0;

	while ((*v)[n] != NULL)
		n++;
	*v = xreallocarray(*v, n + 2, sizeof **v);
	(*v)[n] = c;
	(*v)[n + 1] = NULL;
	return 0;
}

/* repo_line_fn: a line read back into a content, collected. */
static int
collect_line(void *ctx, const char *text, size_t len)
{
	struct content *c;
	struct err e;

	c = content_from_json(text, len, &e);
	cr_assert_not_null(c, "%s: %.*s", e.msg, (int)len, text);
	return collect(ctx, c);
}

static size_t
count_and_free(struct content **v)
{
	size_t n = 0;

	while (v[n] != NULL)
		content_free(v[n++]);
	free(v);
	return n;
}

/* An item with a payload of `size` bytes. */
static struct content *
make(const char *partition, const char *content, size_t size)
{
	struct content *c = content_new();
	char *pad = xmalloc(size + 1);

	memset(pad, 'x', size);
	pad[size] = '\0';
	ids_parse(&c->partition_ids, partition);
	ids_parse(&c->content_ids, content);
	c->item = value_new_m();
	value_map_set(c->item, "name", value_new_str(content));
	value_map_set(c->item, "pad", value_new_str(pad));
	free(pad);
	return c;
}

Test(dynalite, list_follows_pages_past_one_megabyte)
{
	struct content *cs[40], **got = xcalloc(1, sizeof *got);
	struct repo_list_opts lo = { 0 };
	struct ids p, pre;
	size_t i, written = 0;
	unsigned long before;
	struct err e;

	for (i = 0; i < 40; i++) {
		char id[32];

		snprintf(id, sizeof id, "big#%02zu", i);
		cs[i] = make("p", id, 100000);
	}
	cr_assert_eq(repo_put_batch(repo, cs, 40, &written, &e), 0, "%s",
	    e.msg);
	cr_assert_eq(written, 40);
	ids_parse(&p, "p");
	ids_parse(&pre, "big");
	before = repo_stats(repo)->requests;
	cr_assert_eq(repo_list(repo, &p, &pre, NULL, collect, &got, &e), 0);
	cr_assert_geq(repo_stats(repo)->requests - before, 4,
	    "4 MB cannot come in fewer than 4 pages");
	for (i = 0; got[i] != NULL; i++)
		cr_assert_str_eq(got[i]->content_ids.v[1],
		    cs[i]->content_ids.v[1]);
	cr_assert_eq(count_and_free(got), 40);
	/* The same as lines, each page kept as text, the next one asked
	 * for while a page is printed. */
	got = xcalloc(1, sizeof *got);
	lo.line = collect_line;
	lo.prefetch = true;
	before = repo_stats(repo)->requests;
	cr_assert_eq(repo_list(repo, &p, &pre, &lo, collect, &got, &e), 0,
	    "%s", e.msg);
	cr_assert_geq(repo_stats(repo)->requests - before, 4);
	for (i = 0; got[i] != NULL; i++)
		cr_assert_str_eq(got[i]->content_ids.v[1],
		    cs[i]->content_ids.v[1]);
	cr_assert_eq(count_and_free(got), 40);
	for (i = 0; i < 40; i++)
		content_free(cs[i]);
	ids_cleanup(&p);
	ids_cleanup(&pre);
}

Test(dynalite, get_batch_follows_unprocessed_keys)
{
	struct content *cs[30], **got = xcalloc(1, sizeof *got);
	struct ids ps[30], cids[30];
	size_t i, written;
	unsigned long before;
	struct err e;

	for (i = 0; i < 30; i++) {
		char id[32];

		snprintf(id, sizeof id, "k%02zu", i);
		cs[i] = make("p", id, 300000);
		ids_copy(&ps[i], &cs[i]->partition_ids);
		ids_copy(&cids[i], &cs[i]->content_ids);
	}
	cr_assert_eq(repo_put_batch(repo, cs, 30, &written, &e), 0, "%s",
	    e.msg);
	before = repo_stats(repo)->requests;
	cr_assert_eq(repo_get_batch(repo, ps, cids, 30, collect, NULL, &got,
	    &e), 0, "%s", e.msg);
	cr_assert_gt(repo_stats(repo)->requests - before, 1,
	    "9 MB of answers must come back as UnprocessedKeys");
	cr_assert_eq(count_and_free(got), 30);
	/* The same as lines, the answers kept as text. */
	got = xcalloc(1, sizeof *got);
	before = repo_stats(repo)->requests;
	cr_assert_eq(repo_get_batch(repo, ps, cids, 30, collect, collect_line,
	    &got, &e), 0, "%s", e.msg);
	cr_assert_gt(repo_stats(repo)->requests - before, 1);
	for (i = 0; got[i] != NULL; i++)
		cr_assert_eq(strlen(got[i]->content_ids.v[0]), 3);
	cr_assert_eq(count_and_free(got), 30);
	for (i = 0; i < 30; i++) {
		content_free(cs[i]);
		ids_cleanup(&ps[i]);
		ids_cleanup(&cids[i]);
	}
}

Test(dynalite, update_semantics_and_conflicts)
{
	struct content *c = make("p", "usa#ny#a1", 10), *got;
	struct value *set = jp("{\"name\":\"B\",\"status\":\"on\"}", NULL);
	struct update_command uc = { .set_commands = set,
	    .current_version = 1 };
	struct ids p, a, missing;
	struct err e;

	ids_parse(&p, "p");
	ids_parse(&a, "usa#ny#a1");
	ids_parse(&missing, "usa#ny#zz");
	cr_assert_eq(repo_put(repo, c, &e), 0, "%s", e.msg);
	cr_assert_eq(repo_update(repo, &p, &a, &uc, true, &e), 0, "%s", e.msg);
	cr_assert_eq(repo_get(repo, &p, &a, &got, &e), 0);
	cr_assert_eq(got->current_version, 2);
	cr_assert_str_eq(value_map_get(got->item, "status")->u.str.ptr, "on");
	content_free(got);
	/* The same version again: a conflict, nothing written. */
	cr_assert_eq(repo_update(repo, &p, &a, &uc, true, &e), -1);
	cr_assert_eq(e.code, ERR_CONFLICT);
	uc.current_version = 0;
	cr_assert_eq(repo_update(repo, &p, &missing, &uc, true, &e), -1);
	cr_assert_eq(e.code, ERR_CONFLICT, "require_exists on a missing item");
	cr_assert_eq(repo_update(repo, &p, &missing, &uc, false, &e), 0);
	cr_assert_eq(repo_get(repo, &p, &missing, &got, &e), 0);
	cr_assert_not_null(got);
	cr_assert_eq(got->current_version, 1, "if_not_exists(v, 0) + 1");
	content_free(got);
	value_free(set);
	content_free(c);
	ids_cleanup(&p);
	ids_cleanup(&a);
	ids_cleanup(&missing);
}

Test(dynalite, filters_with_reserved_words_and_limits)
{
	struct content *cs[30], **got = xcalloc(1, sizeof *got);
	struct repo_list_opts lo = { 0 };
	struct filter f;
	struct expr *x;
	struct ids p, pre;
	size_t i, written;
	struct err e;

	for (i = 0; i < 30; i++) {
		char id[16];

		snprintf(id, sizeof id, "a%02zu", i);
		cs[i] = make("p", id, 10);
		value_map_set(cs[i]->item, "year", value_new_n(i % 3 ? "1999" :
		    "2001", 4));
		if (i % 2)
			value_map_set(cs[i]->item, "status",
			    value_new_str("x"));
	}
	cr_assert_eq(repo_put_batch(repo, cs, 30, &written, &e), 0);
	filter_init(&f);
	cr_assert_eq(filter_add_parse(&f, "status missing", &e), 0);
	cr_assert_eq(filter_add_parse(&f, "year = 1999", &e), 0);
	x = filter_to_expr(&f);
	lo.filter = x;
	ids_parse(&p, "p");
	ids_parse(&pre, "");
	cr_assert_eq(repo_list(repo, &p, &pre, &lo, collect, &got, &e), 0,
	    "%s", e.msg);
	/* even i (15) with i % 3 != 0: 10 items. */
	cr_assert_eq(count_and_free(got), 10);
	got = xcalloc(1, sizeof *got);
	lo.limit = 4;
	lo.descending = true;
	cr_assert_eq(repo_list(repo, &p, &pre, &lo, collect, &got, &e), 0);
	cr_assert_str_eq(got[0]->content_ids.v[0], "a28");
	cr_assert_eq(count_and_free(got), 4, "the limit counts matches");
	expr_free(x);
	filter_cleanup(&f);
	for (i = 0; i < 30; i++)
		content_free(cs[i]);
	ids_cleanup(&p);
	ids_cleanup(&pre);
}

Test(dynalite, delete_prefix_only)
{
	struct content *cs[60];
	struct ids p, pre;
	size_t i, written, deleted = 0;
	struct err e;

	for (i = 0; i < 60; i++) {
		char id[16];

		snprintf(id, sizeof id, "%s#%02zu", i < 50 ? "usa" : "fr", i);
		cs[i] = make("p", id, 10);
	}
	cr_assert_eq(repo_put_batch(repo, cs, 60, &written, &e), 0);
	ids_parse(&p, "p");
	ids_parse(&pre, "us");
	cr_assert_eq(repo_delete(repo, &p, &pre, &deleted, &e), 0, "%s",
	    e.msg);
	cr_assert_eq(deleted, 50, "'us' matches 'usa' as the library does");
	ids_cleanup(&pre);
	ids_parse(&pre, "");
	deleted = 0;
	cr_assert_eq(repo_delete(repo, &p, &pre, &deleted, &e), 0);
	cr_assert_eq(deleted, 10);
	for (i = 0; i < 60; i++)
		content_free(cs[i]);
	ids_cleanup(&p);
	ids_cleanup(&pre);
}

Test(dynalite, scan_segments_describe_list_tables_delete_item)
{
	struct content *cs[20];
	struct request rq;
	struct response rs;
	size_t i, written, seen = 0;
	int seg;
	struct err e;

	for (i = 0; i < 20; i++) {
		char id[16];

		snprintf(id, sizeof id, "s%02zu", i);
		cs[i] = make(i % 2 ? "p1" : "p2", id, 10);
	}
	cr_assert_eq(repo_put_batch(repo, cs, 20, &written, &e), 0);
	/* Every item is in exactly one of three segments. */
	for (seg = 0; seg < 3; seg++) {
		request_init(&rq, OP_SCAN, table);
		rq.segment = seg;
		rq.total_segments = 3;
		response_init(&rs);
		cr_assert_eq(store_execute(store, &rq, &rs, &e), 0, "%s",
		    e.msg);
		seen += rs.nitems;
		response_cleanup(&rs);
		request_cleanup(&rq);
	}
	cr_assert_eq(seen, 20);

	request_init(&rq, OP_DESCRIBE_TABLE, table);
	response_init(&rs);
	cr_assert_eq(store_execute(store, &rq, &rs, &e), 0, "%s", e.msg);
	cr_assert_str_eq(rs.hash_key, "_table_item_id");
	cr_assert_str_eq(rs.range_key, "_table_content_id");
	response_cleanup(&rs);
	request_cleanup(&rq);

	request_init(&rq, OP_LIST_TABLES, NULL);
	response_init(&rs);
	cr_assert_eq(store_execute(store, &rq, &rs, &e), 0, "%s", e.msg);
	for (i = 0; i < rs.ntable_names; i++)
		if (strcmp(rs.table_names[i], table) == 0)
			break;
	cr_assert_lt(i, rs.ntable_names, "our table is listed");
	response_cleanup(&rs);
	request_cleanup(&rq);

	/* DeleteItem with a condition that fails: a conflict, kept. */
	request_init(&rq, OP_DELETE_ITEM, table);
	rq.key = repo_key(repo, &cs[0]->partition_ids, &cs[0]->content_ids);
	rq.condition = expr_new(EX_EQ, 2, expr_new_name("name"),
	    expr_new_value(value_new_str("nobody")));
	response_init(&rs);
	cr_assert_eq(store_execute(store, &rq, &rs, &e), -1);
	cr_assert_eq(e.code, ERR_CONFLICT);
	cr_assert_str_eq(e.aws_type, "ConditionalCheckFailedException");
	response_cleanup(&rs);
	expr_free(rq.condition);
	rq.condition = NULL;
	rq.return_values = RV_ALL_OLD;
	response_init(&rs);
	cr_assert_eq(store_execute(store, &rq, &rs, &e), 0, "%s", e.msg);
	cr_assert_not_null(rs.item, "ALL_OLD returns the deleted item");
	response_cleanup(&rs);
	request_cleanup(&rq);
	for (i = 0; i < 20; i++)
		content_free(cs[i]);
}

Test(dynalite, service_errors_keep_their_names)
{
	struct request rq;
	struct response rs;
	struct err e;

	request_init(&rq, OP_DESCRIBE_TABLE, "no-such-table");
	response_init(&rs);
	cr_assert_eq(store_execute(store, &rq, &rs, &e), -1);
	cr_assert_str_eq(e.aws_type, "ResourceNotFoundException");
	cr_assert_eq(e.http_status, 400);
	response_cleanup(&rs);
	request_cleanup(&rq);
}
