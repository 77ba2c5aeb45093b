/* SPDX-License-Identifier: ISC */
/* Repository semantics over a fake store that records every request. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "ddbjson.h"
#include "expr.h"
#include "journal.h"
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

/* A store that renders each request as the wire would carry it, and
 * answers through a script. */
struct fake_store {
	struct store	 base;
	char		*sent[64];
	size_t		 nsent;
	/* Answer the n-th request (0-based). */
	int		(*answer)(struct fake_store *, size_t n,
			    const struct request *, struct response *,
			    struct err *);
	int		 unprocessed_rounds;	/* batch: held back so often */
};

static int
fake_execute(struct store *st, const struct request *rq, struct response *rs,
    struct err *e)
{
	struct fake_store *f = (struct fake_store *)st;
	struct buf b = BUF_INIT;

	store_dynamodb_render(rq, &b);
	cr_assert_lt(f->nsent, 64);
	f->sent[f->nsent++] = buf_detach(&b, NULL);
	if (f->answer == NULL)
		return 0;
	return f->answer(f, f->nsent - 1, rq, rs, e);
}

static void
fake_free(struct store *st)
{
	struct fake_store *f = (struct fake_store *)st;
	size_t i;

	for (i = 0; i < f->nsent; i++)
		free(f->sent[i]);
}

static const struct store_ops fake_ops = {
	.name = "fake", .execute = fake_execute, .free = fake_free,
};

/* The same store, letting a Query's next page be fetched early. */
static const struct store_ops fake_prefetch_ops = {
	.name = "fake", .execute = fake_execute, .free = fake_free,
	.prefetch = true,
};

static void
fake_now(void *ctx, struct timespec *ts)
{
	ts->tv_sec = 1764062043;	/* 2025-11-25T09:14:03Z */
	ts->tv_nsec = 512345000;
}

static int64_t fake_slept;

static int
fake_sleep(void *ctx, int64_t ms)
{
	fake_slept += ms;
	return 0;
}

static uint32_t
fake_random(void *ctx)
{
	return 7;
}

static int64_t
fake_mono(void *ctx)
{
	return 0;
}

static const struct clock_ops fake_clock = {
	.now = fake_now, .monotonic_ms = fake_mono, .sleep_ms = fake_sleep,
	.random = fake_random,
};

static struct fake_store fs;
static struct repo *repo;

static void
setup(void)
{
	struct repo_config rc = {
		.table = "app-data",
		.partition_prefix = "interop",
		.partition_name = "film_actor",
		.content_type = "film_actor",
	};

	memset(&fs, 0, sizeof fs);
	fs.base.ops = &fake_ops;
	fake_slept = 0;
	repo = repo_new(&rc, &fs.base, &fake_clock);
}

static void
teardown(void)
{
	repo_free(repo);
	fake_free(&fs.base);
}

TestSuite(repo, .init = setup, .fini = teardown);

/* ids from a joined string, for brevity. */
static struct ids
I(const char *s)
{
	struct ids ids;

	ids_parse(&ids, s);
	return ids;
}

Test(repo, key_layout)
{
	struct ids p = I("studio-b#east"), c = I("usa#ny#actor1"), none = I("");
	struct buf b = BUF_INIT;

	repo_partition_value(repo, &p, &b);
	cr_assert_str_eq(b.data, "interop#film_actor#studio-b#east");
	buf_reset(&b);
	repo_content_value(repo, &c, &b);
	cr_assert_str_eq(b.data, "film_actor#usa#ny#actor1");
	buf_reset(&b);
	repo_partition_value(repo, &none, &b);
	cr_assert_str_eq(b.data, "interop#film_actor#", "no ids end in #");
	buf_cleanup(&b);
	ids_cleanup(&p);
	ids_cleanup(&c);
	ids_cleanup(&none);
}

Test(repo, decode_golden_item)
{
	const char *line = "{\"_object_version\":{\"N\":\"3\"},"
	    "\"_table_content_id\":"
	    "{\"S\":\"film_actor#usa#ny#saratoga#12020#actor015\"},"
	    "\"_table_item_id\":"
	    "{\"S\":\"interop#film_actor#studio-c#west#2024\"},"
	    "\"_timestamp\":{\"S\":\"2026-11-25T07:35:03.317007+00:00\"},"
	    "\"_ttl\":{\"N\":\"1893456000\"},"
	    "\"name\":{\"S\":\"A\"},\"zip\":{\"NULL\":true}}";
	struct err e;
	struct value *stored = ddbjson_parse_item(line, strlen(line), &e);
	struct content *c;

	cr_assert_not_null(stored, "%s", e.msg);
	c = repo_decode(repo, stored, &e);
	cr_assert_not_null(c, "%s", e.msg);
	cr_assert_eq(c->partition_ids.n, 3);
	cr_assert_str_eq(c->partition_ids.v[2], "2024");
	cr_assert_eq(c->content_ids.n, 5);
	cr_assert_str_eq(c->content_ids.v[4], "actor015");
	cr_assert_eq(c->current_version, 3);
	cr_assert(c->has_expiry);
	cr_assert_eq(c->expiry, 1893456000);
	cr_assert_eq(c->item->u.map.len, 2, "only model fields stay in item");
	cr_assert_null(value_map_get(c->item, "_timestamp"));
	cr_assert_eq(value_map_get(c->item, "zip")->type, VT_NULL);
	content_free(c);
}

Test(repo, decode_missing_version_and_empty_ids)
{
	const char *line = "{\"_table_content_id\":{\"S\":\"film_actor#\"},"
	    "\"_table_item_id\":{\"S\":\"interop#film_actor#\"}}";
	struct err e;
	struct content *c = repo_decode(repo,
	    ddbjson_parse_item(line, strlen(line), &e), &e);

	cr_assert_not_null(c);
	cr_assert_eq(c->current_version, 1, "absent version reads as 1");
	/* "".split("#") == [""], as the library reads it. */
	cr_assert_eq(c->partition_ids.n, 1);
	cr_assert_str_eq(c->partition_ids.v[0], "");
	cr_assert_not(c->has_expiry);
	content_free(c);
}

/* Numbers as the library reads them: Decimals made int, not the digits
 * before an exponent (DynamoDB stores them normalised, but a table
 * written another way may not). */
Test(repo, decode_reads_numbers_as_python_int)
{
	const char *line = "{\"_table_content_id\":{\"S\":\"film_actor#a\"},"
	    "\"_table_item_id\":{\"S\":\"interop#film_actor#p\"},"
	    "\"_object_version\":{\"N\":\"1e2\"},"
	    "\"_ttl\":{\"N\":\"1.8934560005E9\"}}";
	struct err e;
	struct content *c = repo_decode(repo,
	    ddbjson_parse_item(line, strlen(line), &e), &e);

	cr_assert_not_null(c, "%s", e.msg);
	cr_assert_eq(c->current_version, 100);
	cr_assert(c->has_expiry);
	cr_assert_eq(c->expiry, 1893456000);
	content_free(c);
}

/* pydantic-dynamo tests the stored Decimal before int() (pydantic 1's,
 * for the version): only a zero is the default version or no expiry; a
 * fraction is dropped after the test (2.5 is 2, 0.5 is 0 or 1970). */
Test(repo, decode_tests_the_number_before_int)
{
	static const struct {
		const char	*version, *ttl;
		long long	 want_version;
		bool		 has_expiry;
		long long	 want_expiry;
	} cases[] = {
		{ "2.5", "0.5", 2, true, 0 },
		{ "0.5", "-0.5", 0, true, 0 },
		{ "-2.5", "1893456000.9", -2, true, 1893456000 },
		{ "0.0", "0.0", 1, false, 0 },
		{ "-0", "0e5", 1, false, 0 },
	};
	char line[512];
	struct content *c;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(line, sizeof line, "{\"_table_content_id\":{\"S\":"
		    "\"film_actor#a\"},\"_table_item_id\":{\"S\":"
		    "\"interop#film_actor#p\"},\"_object_version\":{\"N\":"
		    "\"%s\"},\"_ttl\":{\"N\":\"%s\"}}", cases[i].version,
		    cases[i].ttl);
		c = repo_decode(repo, ddbjson_parse_item(line, strlen(line),
		    &e), &e);
		cr_assert_not_null(c, "%s", e.msg);
		cr_assert_eq(c->current_version, cases[i].want_version,
		    "version %s: %lld", cases[i].version, c->current_version);
		cr_assert_eq(c->has_expiry, cases[i].has_expiry, "ttl %s",
		    cases[i].ttl);
		if (cases[i].has_expiry)
			cr_assert_eq(c->expiry, cases[i].want_expiry,
			    "ttl %s: %lld", cases[i].ttl,
			    (long long)c->expiry);
		content_free(c);
	}
}

Test(repo, decode_rejects_missing_key)
{
	const char *line =
	    "{\"_table_item_id\":{\"S\":\"interop#film_actor#\"}}";
	struct err e;

	cr_assert_null(repo_decode(repo, ddbjson_parse_item(line,
	    strlen(line), &e), &e));
	cr_assert_eq(e.code, ERR_INPUT);
}

Test(repo, put_writes_library_layout)
{
	struct content *c = content_new();
	struct err e;

	ids_parse(&c->partition_ids, "studio-a");
	ids_parse(&c->content_ids, "france#actor9");
	c->item = jp("{\"name\":\"X\",\"n\":1.50}", &e);
	c->current_version = 4;
	c->has_expiry = true;
	c->expiry = 1893456000;
	cr_assert_eq(repo_put(repo, c, &e), 0, "%s", e.msg);
	cr_assert_str_eq(fs.sent[0], "{\"TableName\":\"app-data\",\"Item\":{"
	    "\"_table_item_id\":{\"S\":\"interop#film_actor#studio-a\"},"
	    "\"_table_content_id\":{\"S\":\"film_actor#france#actor9\"},"
	    "\"name\":{\"S\":\"X\"},\"n\":{\"N\":\"1.50\"},"
	    "\"_object_version\":{\"N\":\"4\"},"
	    "\"_timestamp\":{\"S\":\"2025-11-25T09:14:03.512345+00:00\"},"
	    "\"_ttl\":{\"N\":\"1893456000\"}},"
	    "\"ReturnConsumedCapacity\":\"TOTAL\"}");
	content_free(c);
}

Test(repo, update_expression_as_the_library_builds_it)
{
	struct err e;
	struct value *set = jp("{\"address\":{\"city\":\"Paris\"},"
	    "\"name\":\"N\",\"_object_version\":9}", &e);
	struct value *inc = jp("{\"awards\":2}", &e);
	struct value *app = jp("{\"tags\":[\"x\",7,true]}", &e);
	struct update_command uc = {
		.set_commands = set, .increment_attrs = inc,
		.append_attrs = app, .current_version = 3,
	};
	struct ids p = I("studio-a"), c = I("usa#actor1");

	cr_assert_not_null(set);
	cr_assert_eq(repo_update(repo, &p, &c, &uc, true, &e), 0, "%s", e.msg);
	cr_assert_str_eq(fs.sent[0], "{\"TableName\":\"app-data\",\"Key\":{"
	    "\"_table_item_id\":{\"S\":\"interop#film_actor#studio-a\"},"
	    "\"_table_content_id\":{\"S\":\"film_actor#usa#actor1\"}},"
	    "\"UpdateExpression\":\"SET #n0.#n1 = :v0, #n2 = :v1, #n3 = :v2, "
	    "#n4 = if_not_exists(#n4, :v3) + :v4, "
	    "#n5 = if_not_exists(#n5, :v5) + :v6, "
	    "#n6 = list_append(if_not_exists(#n6, :v7), :v8)\","
	    "\"ConditionExpression\":"
	    "\"#n7 = :v9 AND #n8 = :v10 AND #n5 = :v11\","
	    "\"ExpressionAttributeNames\":"
	    "{\"#n0\":\"address\",\"#n1\":\"city\","
	    "\"#n2\":\"name\",\"#n3\":\"_timestamp\",\"#n4\":\"awards\","
	    "\"#n5\":\"_object_version\",\"#n6\":\"tags\","
	    "\"#n7\":\"_table_item_id\",\"#n8\":\"_table_content_id\"},"
	    "\"ExpressionAttributeValues\":{\":v0\":{\"S\":\"Paris\"},"
	    "\":v1\":{\"S\":\"N\"},"
	    "\":v2\":{\"S\":\"2025-11-25T09:14:03.512345+00:00\"},"
	    "\":v3\":{\"N\":\"0\"},\":v4\":{\"N\":\"2\"},"
	    "\":v5\":{\"N\":\"0\"},\":v6\":{\"N\":\"1\"},"
	    "\":v7\":{\"L\":[]},"
	    "\":v8\":{\"L\":[{\"S\":\"x\"},{\"S\":\"7\"},{\"S\":\"True\"}]},"
	    "\":v9\":{\"S\":\"interop#film_actor#studio-a\"},"
	    "\":v10\":{\"S\":\"film_actor#usa#actor1\"},"
	    "\":v11\":{\"N\":\"3\"}},"
	    "\"ReturnConsumedCapacity\":\"TOTAL\"}");
	value_free(set);
	value_free(inc);
	value_free(app);
	ids_cleanup(&p);
	ids_cleanup(&c);
}

Test(repo, update_rejects_fractional_increment)
{
	struct err e;
	struct value *inc = jp("{\"awards\":1.5}", &e);
	struct update_command uc = { .increment_attrs = inc };
	struct ids p = I("a"), c = I("b");

	cr_assert_eq(repo_update(repo, &p, &c, &uc, true, &e), -1);
	cr_assert_eq(e.code, ERR_INPUT);
	cr_assert_eq(fs.nsent, 0, "nothing is sent for bad input");
	value_free(inc);
	ids_cleanup(&p);
	ids_cleanup(&c);
}

Test(repo, read_only_sends_nothing)
{
	struct repo_config rc = {
		.table = "t", .partition_prefix = "p", .partition_name = "n",
		.content_type = "c", .read_only = true, .name = "prod",
	};
	struct repo *ro = repo_new(&rc, &fs.base, &fake_clock);
	struct content *c = content_new();
	struct ids p = I("a"), none = I("");
	struct update_command uc = { 0 };
	struct err e;

	c->item = value_new_m();
	cr_assert_eq(repo_put(ro, c, &e), -1);
	cr_assert_eq(e.code, ERR_READ_ONLY);
	cr_assert(strstr(e.msg, "prod") != NULL);
	cr_assert_eq(repo_put_batch(ro, &c, 1, NULL, &e), -1);
	cr_assert_eq(repo_update(ro, &p, &p, &uc, true, &e), -1);
	cr_assert_eq(repo_delete(ro, &p, &none, NULL, &e), -1);
	cr_assert_eq(fs.nsent, 0);
	content_free(c);
	ids_cleanup(&p);
	ids_cleanup(&none);
	repo_free(ro);
}

/* Three pages of two items; the last page has no LastEvaluatedKey. */
static int
answer_pages(struct fake_store *f, size_t n, const struct request *rq,
    struct response *rs, struct err *e)
{
	size_t i;

	for (i = 0; i < 2; i++) {
		char sk[64];
		struct value *item = value_new_m();

		snprintf(sk, sizeof sk, "film_actor#a%zu", n * 2 + i);
		value_map_set(item, "_table_item_id",
		    value_new_str("interop#film_actor#p"));
		value_map_set(item, "_table_content_id", value_new_str(sk));
		response_add_item(rs, item);
	}
	if (n < 2)
		rs->last_evaluated_key = value_copy(rs->items[1]);
	return 0;
}

static int
count_items(void *ctx, struct content *c)
{
	(*(int *)ctx)++;
	content_free(c);
	return 0;
}

Test(repo, list_pages_and_limit_without_filter)
{
	struct repo_list_opts lo = { .limit = 3 };
	struct ids p = I("p"), pre = I("us");
	struct err e;
	int n = 0;

	fs.answer = answer_pages;
	cr_assert_eq(repo_list(repo, &p, &pre, &lo, count_items, &n, &e), 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(fs.nsent, 2, "stops once the limit is reached");
	cr_assert(strstr(fs.sent[0], "\"KeyConditionExpression\":\"#n0 = :v0 "
	    "AND begins_with(#n1, :v1)\"") != NULL, "%s", fs.sent[0]);
	cr_assert(strstr(fs.sent[0], "\":v1\":{\"S\":\"film_actor#us\"}") !=
	    NULL, "a prefix has no trailing #: %s", fs.sent[0]);
	cr_assert(strstr(fs.sent[0], "\"Limit\":3") != NULL);
	cr_assert(strstr(fs.sent[1], "\"Limit\":1") != NULL,
	    "the second page asks only for what is left: %s", fs.sent[1]);
	cr_assert(strstr(fs.sent[1], "\"ExclusiveStartKey\"") != NULL);
	ids_cleanup(&p);
	ids_cleanup(&pre);
}

Test(repo, list_first_page_limits_only_the_first_query)
{
	struct expr *f = expr_new(EX_NOT_EXISTS, 1, expr_new_name("review"));
	struct repo_list_opts lo = { .first_page = 2 };
	struct ids p = I("p"), pre = I("");
	struct err e;
	int n = 0;

	fs.answer = answer_pages;
	cr_assert_eq(repo_list(repo, &p, &pre, &lo, count_items, &n, &e), 0);
	cr_assert_eq(n, 6, "every page is read");
	cr_assert_eq(fs.nsent, 3);
	cr_assert(strstr(fs.sent[0], "\"Limit\":2") != NULL, "%s",
	    fs.sent[0]);
	cr_assert(strstr(fs.sent[1], "\"Limit\"") == NULL,
	    "the next pages are DynamoDB's: %s", fs.sent[1]);
	cr_assert(strstr(fs.sent[2], "\"Limit\"") == NULL, "%s", fs.sent[2]);
	/* With a filter, Limit would count items before it: none. */
	lo.filter = f;
	cr_assert_eq(repo_list(repo, &p, &pre, &lo, count_items, &n, &e), 0);
	cr_assert_eq(fs.nsent, 4);
	cr_assert(strstr(fs.sent[3], "\"Limit\"") == NULL, "%s", fs.sent[3]);
	expr_free(f);
	ids_cleanup(&p);
	ids_cleanup(&pre);
}

Test(repo, list_limit_with_filter_counts_matches)
{
	struct expr *f = expr_new(EX_NOT_EXISTS, 1, expr_new_name("review"));
	struct repo_list_opts lo = {
		.limit = 5, .filter = f, .descending = true
	};
	struct ids p = I("p"), pre = I("");
	struct err e;
	int n = 0;

	fs.answer = answer_pages;
	cr_assert_eq(repo_list(repo, &p, &pre, &lo, count_items, &n, &e), 0);
	cr_assert_eq(n, 5);
	cr_assert_eq(fs.nsent, 3);
	cr_assert(strstr(fs.sent[0], "\"Limit\"") == NULL,
	    "no DynamoDB Limit with a filter: %s", fs.sent[0]);
	cr_assert(strstr(fs.sent[0], "\"FilterExpression\":"
	    "\"attribute_not_exists(#n2)\"") != NULL, "%s", fs.sent[0]);
	cr_assert(strstr(fs.sent[0], "\"ScanIndexForward\":false") != NULL);
	expr_free(f);
	ids_cleanup(&p);
	ids_cleanup(&pre);
}

Test(repo, between_equal_ends_is_list)
{
	struct ids p = I("p"), a = I("usa#ny"), b = I("usa#ny"), z = I("usb");
	struct err e;
	int n = 0;

	cr_assert_eq(repo_list_between(repo, &p, &a, &b, NULL, count_items,
	    &n, &e), 0);
	cr_assert(strstr(fs.sent[0], "begins_with") != NULL);
	cr_assert_eq(repo_list_between(repo, &p, &a, &z, NULL, count_items,
	    &n, &e), 0);
	cr_assert(strstr(fs.sent[1], "#n1 BETWEEN :v1 AND :v2") != NULL,
	    "%s", fs.sent[1]);
	ids_cleanup(&p);
	ids_cleanup(&a);
	ids_cleanup(&b);
	ids_cleanup(&z);
}

/* BatchWriteItem: hold back the last entry of the first answers. */
static int
answer_unprocessed_writes(struct fake_store *f, size_t n,
    const struct request *rq, struct response *rs, struct err *e)
{
	if (f->unprocessed_rounds > 0 && rq->nwrites > 1) {
		f->unprocessed_rounds--;
		rs->unprocessed_writes = xcalloc(1,
		    sizeof *rs->unprocessed_writes);
		rs->unprocessed_writes[0].value =
		    value_copy(rq->writes[rq->nwrites - 1].value);
		rs->nunprocessed_writes = 1;
	}
	return 0;
}

Test(repo, put_batch_chunks_and_resends)
{
	struct content *cs[60];
	size_t written = 0, i;
	struct err e;

	for (i = 0; i < 60; i++) {
		char id[16];

		cs[i] = content_new();
		snprintf(id, sizeof id, "a%02zu", i);
		ids_parse(&cs[i]->content_ids, id);
		cs[i]->item = value_new_m();
	}
	fs.answer = answer_unprocessed_writes;
	fs.unprocessed_rounds = 1;
	cr_assert_eq(repo_put_batch(repo, cs, 60, &written, &e), 0, "%s",
	    e.msg);
	cr_assert_eq(written, 60);
	/* 25 (24 done, 1 back), 25 and 10, and the re-send of what came
	 * back, alone, once its backoff is over (the window goes on
	 * meanwhile: it is not sent before the others). */
	cr_assert_eq(fs.nsent, 4, "got %zu requests", fs.nsent);
	for (i = 1; i < 4 && strstr(fs.sent[i], "a24") == NULL; i++)
		;
	/* A backoff does not hold the window: the other chunks went
	 * first (this clock's backoff is 7 ms). */
	cr_assert_eq(i, 3, "a24 re-sent as request %zu", i);
	cr_assert(strstr(fs.sent[i], "a23") == NULL, "the re-send alone");
	cr_assert(strstr(fs.sent[i], "a25") == NULL, "the re-send alone");
	cr_assert(strstr(fs.sent[2], "a59") != NULL);
	cr_assert_geq(fake_slept, 7, "backed off");
	for (i = 0; i < 60; i++)
		content_free(cs[i]);
}

Test(repo, put_batch_duplicate_key_starts_new_chunk)
{
	struct content *cs[3];
	size_t written = 0, i;
	struct err e;

	for (i = 0; i < 3; i++) {
		cs[i] = content_new();
		ids_parse(&cs[i]->content_ids,
		    i == 2 ? "a0" : (i ? "a1" : "a0"));
		cs[i]->item = value_new_m();
	}
	cr_assert_eq(repo_put_batch(repo, cs, 3, &written, &e), 0);
	cr_assert_eq(fs.nsent, 2, "the second a0 goes in a later request");
	cr_assert_eq(written, 3);
	for (i = 0; i < 3; i++)
		content_free(cs[i]);
}

/* BatchGetItem: answer every key, except hold back keys the first time. */
static int
answer_batch_get(struct fake_store *f, size_t n, const struct request *rq,
    struct response *rs, struct err *e)
{
	size_t i, keep = rq->nkeys;

	if (f->unprocessed_rounds > 0) {
		f->unprocessed_rounds--;
		keep = rq->nkeys / 2;
		rs->unprocessed_keys = xcalloc(rq->nkeys - keep,
		    sizeof *rs->unprocessed_keys);
		for (i = keep; i < rq->nkeys; i++)
			rs->unprocessed_keys[rs->nunprocessed_keys++] =
			    value_copy(rq->keys[i]);
	}
	for (i = 0; i < keep; i++)
		response_add_item(rs, value_copy(rq->keys[i]));
	return 0;
}

Test(repo, get_batch_chunks_dedups_and_follows_unprocessed)
{
	struct ids ps[250], cs[250];
	struct err e;
	size_t i;
	int n = 0;

	for (i = 0; i < 250; i++) {
		char id[16];

		snprintf(id, sizeof id, "a%zu",
		    i < 50 ? i : i < 60 ? i - 50 : i - 10);
		ids_parse(&ps[i], "p");
		ids_parse(&cs[i], id);
	}
	fs.answer = answer_batch_get;
	fs.unprocessed_rounds = 1;
	cr_assert_eq(repo_get_batch(repo, ps, cs, 250, count_items, NULL,
	    &n, &e),
	    0, "%s", e.msg);
	/* 240 distinct keys (duplicates inside the first chunk): 100 (50
	 * back) + re-send 50 + 100 + 40. */
	cr_assert_eq(n, 240);
	cr_assert_eq(fs.nsent, 4, "got %zu", fs.nsent);
	for (i = 0; i < 250; i++) {
		ids_cleanup(&ps[i]);
		ids_cleanup(&cs[i]);
	}
}

/* BatchGetItem: every key back unprocessed, and one more. */
static int
answer_too_many_unprocessed(struct fake_store *f, size_t n,
    const struct request *rq, struct response *rs, struct err *e)
{
	size_t i;

	(void)f;
	(void)n;
	(void)e;
	rs->unprocessed_keys = xcalloc(rq->nkeys + 1,
	    sizeof *rs->unprocessed_keys);
	for (i = 0; i <= rq->nkeys; i++)
		rs->unprocessed_keys[rs->nunprocessed_keys++] =
		    value_copy(rq->keys[i % rq->nkeys]);
	return 0;
}

/* An answer listing more unprocessed keys than were asked for answers
 * something else: a protocol error, not a round to follow. */
Test(repo, get_batch_more_unprocessed_than_asked_is_an_error)
{
	struct ids ps[3], cs[3];
	struct err e;
	size_t i;
	int n = 0;

	for (i = 0; i < 3; i++) {
		char id[16];

		snprintf(id, sizeof id, "a%zu", i);
		ids_parse(&ps[i], "p");
		ids_parse(&cs[i], id);
	}
	fs.answer = answer_too_many_unprocessed;
	cr_assert_eq(repo_get_batch(repo, ps, cs, 3, count_items, NULL, &n,
	    &e), -1);
	cr_assert_eq(e.code, ERR_SERVICE);
	cr_assert(strstr(e.msg, "4 unprocessed keys of the 3 asked for"),
	    "%s", e.msg);
	cr_assert_eq(fs.nsent, 1, "re-sent %zu times", fs.nsent - 1);
	cr_assert_eq(n, 0);
	for (i = 0; i < 3; i++) {
		ids_cleanup(&ps[i]);
		ids_cleanup(&cs[i]);
	}
}

/*
 * The regression guard of issue 6 for get-batch's duplicate check: it
 * counts work, not time. 1,000 keys that are one key ask once, and the
 * check allocates nothing per key (it joined each key into a copy of its
 * own: over 1,000 allocations here).
 */
Test(repo, get_batch_dedup_allocates_nothing_per_key)
{
	static struct ids ps[1000], cs[1000];
	unsigned long calls;
	struct err e;
	size_t i;
	int n = 0;

	for (i = 0; i < 1000; i++) {
		ids_parse(&ps[i], "studio-a");
		ids_parse(&cs[i], "usa#ny#saratoga#12020#actor000620");
	}
	fs.answer = answer_batch_get;
	calls = xmalloc_calls();
	cr_assert_eq(repo_get_batch(repo, ps, cs, 1000, count_items, NULL,
	    &n, &e),
	    0, "%s", e.msg);
	calls = xmalloc_calls() - calls;
	cr_assert_eq(n, 1);
	cr_assert_eq(fs.nsent, 1, "got %zu", fs.nsent);
	cr_expect_leq(calls, 100, "%lu allocations for 1,000 keys that are "
	    "one", calls);
	for (i = 0; i < 1000; i++) {
		ids_cleanup(&ps[i]);
		ids_cleanup(&cs[i]);
	}
}

/* Keys equal only once joined ("a#b" is never an id, but the check
 * compares what the requests would send) and keys that differ. */
Test(repo, get_batch_dedup_compares_joined_ids)
{
	struct ids ps[4], cs[4];
	struct err e;
	size_t i;
	int n = 0;

	ids_parse(&ps[0], "p");
	ids_parse(&cs[0], "a#b");
	ids_parse(&ps[1], "p");
	ids_init(&cs[1]);
	ids_push(&cs[1], "a#b", 3);
	ids_parse(&ps[2], "p");
	ids_parse(&cs[2], "a#bc");
	ids_parse(&ps[3], "p#a");
	ids_parse(&cs[3], "b");
	fs.answer = answer_batch_get;
	cr_assert_eq(repo_get_batch(repo, ps, cs, 4, count_items, NULL,
	    &n, &e),
	    0, "%s", e.msg);
	cr_assert_eq(n, 3);
	for (i = 0; i < 4; i++) {
		ids_cleanup(&ps[i]);
		ids_cleanup(&cs[i]);
	}
}

/*
 * The regression guard of issue 6 for get-batch's key lines: it counts
 * work, not time. A key line of the usual shape costs the copies of its
 * ids and nothing else (the JSON document of each line was ~20
 * allocations more: over 30 a line here); any other line is parsed in
 * full, with the same ids or the same message.
 */
Test(repo, get_batch_key_lines_allocate_only_their_ids)
{
	static const char line[] = "{\"partition_ids\":[\"studio-a\"],"
	    "\"content_ids\":[\"usa\",\"ny\",\"albany\",\"12201\","
	    "\"actor000002\"]}\n";
	struct cmd_keys k;
	unsigned long calls;
	struct buf in = BUF_INIT;
	struct err e;
	size_t i;
	FILE *fp;

	for (i = 0; i < 1000; i++)
		buf_adds(&in, line);
	/* The same keys written otherwise: spaced, in the other order,
	 * escaped, with a member more. */
	buf_adds(&in, " { \"content_ids\" : [ \"a\" ] , \"partition_ids\":"
	    "[\"p\"] }\r\n{\"partition_ids\":[\"p\"],\"content_ids\":"
	    "[\"\\u0061\"],\"x\":1}\n");
	/* More ids than the short reading keeps: the full parse's. */
	buf_adds(&in, "{\"partition_ids\":[\"p\"],\"content_ids\":[\"a\"");
	for (i = 1; i < 40; i++)
		buf_printf(&in, ",\"a%zu\"", i);
	buf_adds(&in, "]}\n");
	fp = fmemopen(in.data, in.len, "r");
	cr_assert_not_null(fp);
	calls = xmalloc_calls();
	cr_assert_eq(cmd_get_batch_keys(fp, &k, &e), 0, "%s", e.msg);
	calls = xmalloc_calls() - calls;
	fclose(fp);
	cr_assert_eq(k.n, 1003);
	cr_assert_eq(k.cids[1002].n, 40);
	cr_expect_str_eq(k.cids[1002].v[39], "a39");
	cr_expect_str_eq(k.cids[1002].v[0], "a");
	cr_assert_eq(k.cids[999].n, 5);
	cr_expect_str_eq(k.cids[999].v[4], "actor000002");
	cr_expect_str_eq(k.cids[0].v[0], "usa");
	cr_expect_str_eq(k.pids[999].v[0], "studio-a");
	for (i = 0; i < 1000; i++)
		cr_assert(k.pids[i].n == 1 && k.cids[i].n == 5 &&
		    strcmp(k.cids[i].v[2], "albany") == 0, "key %zu", i);
	for (i = 1000; i < 1002; i++) {
		cr_assert_eq(k.pids[i].n, 1);
		cr_assert_eq(k.cids[i].n, 1);
		cr_expect_str_eq(k.pids[i].v[0], "p");
		cr_expect_str_eq(k.cids[i].v[0], "a");
	}
	/* The ids are kept in blocks of the keys' own, not a copy each: a
	 * few blocks for 1,000 lines, the arrays of keys grown by doubling,
	 * then the three lines parsed in full (a document and its values
	 * each). */
	cr_expect_leq(calls, 120, "%lu allocations for 1,000 key lines",
	    calls);
	cmd_keys_cleanup(&k);
	buf_cleanup(&in);
}

/* A line the short reading refuses gets the full parse's message. */
Test(repo, get_batch_key_lines_keep_their_messages)
{
	static const char *const lines[] = {
		"{\"partition_ids\":[\"p\"],\"content_ids\":[\"a#b\"]}\n",
		"{\"partition_ids\":[\"p\"],\"content_ids\":\"a\"}\n",
		"{\"partition_ids\":[\"p\"],\"content_ids\":[\"a\"],"
		    "\"content_ids\":[\"b\"]}\n",
		"{\"partition_ids\":[\"p\"],\"content_ids\":[\"a\"]} x\n",
	};
	static const char *const want[] = {
		"stdin line 1: an id may not contain '#' or NUL: \"a#b\"",
		"stdin line 1: expected {\"partition_ids\":[...],"
		    "\"content_ids\":[...]}",
		"stdin line 1: invalid JSON at byte",
		"stdin line 1: invalid JSON at byte",
	};
	size_t i;

	for (i = 0; i < sizeof lines / sizeof lines[0]; i++) {
		struct cmd_keys k;
		struct err e;
		FILE *fp = fmemopen((void *)lines[i], strlen(lines[i]), "r");

		cr_assert_not_null(fp);
		cr_assert_eq(cmd_get_batch_keys(fp, &k, &e), -1);
		fclose(fp);
		cr_expect(strncmp(e.msg, want[i], strlen(want[i])) == 0,
		    "line %zu: %s", i, e.msg);
		cmd_keys_cleanup(&k);
	}
}

/* Never processes anything. */
static int
answer_never(struct fake_store *f, size_t n, const struct request *rq,
    struct response *rs, struct err *e)
{
	size_t i;

	rs->unprocessed_keys = xcalloc(rq->nkeys, sizeof *rs->unprocessed_keys);
	for (i = 0; i < rq->nkeys; i++)
		rs->unprocessed_keys[rs->nunprocessed_keys++] =
		    value_copy(rq->keys[i]);
	return 0;
}

Test(repo, get_batch_gives_up_without_progress)
{
	struct ids p = I("p"), c = I("a");
	struct err e;
	int n = 0;

	fs.answer = answer_never;
	cr_assert_eq(repo_get_batch(repo, &p, &c, 1, count_items, NULL,
	    &n, &e), -1);
	cr_assert_eq(e.code, ERR_THROTTLED);
	cr_assert(fake_slept > 0, "backs off between rounds");
	ids_cleanup(&p);
	ids_cleanup(&c);
}

/* Keys-only query answers with two items, then BatchWriteItem. */
static int
answer_delete(struct fake_store *f, size_t n, const struct request *rq,
    struct response *rs, struct err *e)
{
	if (rq->op == OP_QUERY)
		return answer_pages(f, 2, rq, rs, e);
	return 0;
}

Test(repo, delete_queries_keys_then_batch_deletes)
{
	struct ids p = I("p"), pre = I("usa");
	size_t deleted = 0;
	struct err e;

	fs.answer = answer_delete;
	cr_assert_eq(repo_delete(repo, &p, &pre, &deleted, &e), 0);
	cr_assert_eq(deleted, 2);
	cr_assert(strstr(fs.sent[0], "\"ProjectionExpression\":\"#n0, #n1\"")
	    != NULL, "%s", fs.sent[0]);
	cr_assert(strstr(fs.sent[1], "\"DeleteRequest\"") != NULL);
	ids_cleanup(&p);
	ids_cleanup(&pre);
}

/* A store that only counts: the regression guard counts work, not time. */
static unsigned long count_requests, count_writes;

static int
count_execute(struct store *st, const struct request *rq,
    struct response *rs, struct err *e)
{
	count_requests++;
	count_writes += rq->nwrites;
	return 0;
}

static void
count_free(struct store *st)
{
}

static const struct store_ops count_ops = {
	.name = "count", .execute = count_execute, .free = count_free,
};

Test(repo_work, put_batch_of_10k_is_400_requests)
{
	struct store st = { .ops = &count_ops };
	struct repo_config rc = {
		.table = "t", .partition_prefix = "p", .partition_name = "n",
		.content_type = "c",
	};
	struct repo *r = repo_new(&rc, &st, &fake_clock);
	struct content **cs = xcalloc(10000, sizeof *cs);
	size_t i, written = 0;
	struct err e;

	for (i = 0; i < 10000; i++) {
		char id[16];

		cs[i] = content_new();
		snprintf(id, sizeof id, "a%05zu", i);
		ids_parse(&cs[i]->content_ids, id);
		cs[i]->item = value_new_m();
	}
	count_requests = count_writes = 0;
	cr_assert_eq(repo_put_batch(r, cs, 10000, &written, &e), 0);
	cr_assert_eq(count_requests, 400, "BatchWriteItem carries 25 items");
	cr_assert_eq(count_writes, 10000);
	cr_assert_eq(written, 10000);
	for (i = 0; i < 10000; i++)
		content_free(cs[i]);
	free(cs);
	repo_free(r);
}

/* A conditional write the store refuses. */
static int
answer_conflict(struct fake_store *f, size_t n, const struct request *rq,
    struct response *rs, struct err *e)
{
	return err_set(e, ERR_CONFLICT, "The conditional request failed");
}

Test(repo, put_guarded_new_item_must_not_exist)
{
	struct content *c = content_new();
	struct err e;

	ids_parse(&c->partition_ids, "p");
	ids_parse(&c->content_ids, "a1");
	c->item = jp("{\"name\":\"X\"}", &e);
	c->current_version = 1;
	cr_assert_eq(repo_put_guarded(repo, c, 0, &e), 0, "%s", e.msg);
	cr_assert(strstr(fs.sent[0], "\"ConditionExpression\":"
	    "\"attribute_not_exists(#n0)\"") != NULL, "%s", fs.sent[0]);
	cr_assert(strstr(fs.sent[0], "\"#n0\":\"_table_item_id\"") != NULL,
	    "%s", fs.sent[0]);
	fs.answer = answer_conflict;
	cr_assert_eq(repo_put_guarded(repo, c, 0, &e), -1);
	cr_assert_eq(e.code, ERR_CONFLICT);
	cr_assert(strstr(e.msg, "already exists: nothing was overwritten") !=
	    NULL, "%s", e.msg);
	content_free(c);
}

Test(repo, put_guarded_by_version)
{
	struct content *c = content_new();
	struct err e;

	ids_parse(&c->partition_ids, "p");
	ids_parse(&c->content_ids, "a1");
	c->item = jp("{\"name\":\"X\"}", &e);
	c->current_version = 4;
	cr_assert_eq(repo_put_guarded(repo, c, 3, &e), 0, "%s", e.msg);
	cr_assert(strstr(fs.sent[0], "\"ConditionExpression\":"
	    "\"attribute_exists(#n0) AND #n1 = :v0\"") != NULL, "%s",
	    fs.sent[0]);
	cr_assert(strstr(fs.sent[0], "\"_object_version\":{\"N\":\"4\"}") !=
	    NULL, "%s", fs.sent[0]);
	cr_assert(strstr(fs.sent[0], "\":v0\":{\"N\":\"3\"}") != NULL, "%s",
	    fs.sent[0]);
	/* Version 1 also takes an item written without one. */
	cr_assert_eq(repo_put_guarded(repo, c, 1, &e), 0, "%s", e.msg);
	cr_assert(strstr(fs.sent[1], "attribute_not_exists(#n1) OR #n1 = "
	    ":v0") != NULL, "%s", fs.sent[1]);
	content_free(c);
}

Test(repo, delete_item_guarded_by_version)
{
	struct ids p = I("p"), c = I("a1");
	struct err e;

	cr_assert_eq(repo_delete_item(repo, &p, &c, 2, &e), 0, "%s", e.msg);
	cr_assert(strstr(fs.sent[0], "\"Key\":{\"_table_item_id\":{\"S\":"
	    "\"interop#film_actor#p\"},\"_table_content_id\":{\"S\":"
	    "\"film_actor#a1\"}}") != NULL, "%s", fs.sent[0]);
	cr_assert(strstr(fs.sent[0], "attribute_exists(#n0) AND #n1 = :v0")
	    != NULL, "%s", fs.sent[0]);
	fs.answer = answer_conflict;
	cr_assert_eq(repo_delete_item(repo, &p, &c, 2, &e), -1);
	cr_assert_eq(e.code, ERR_CONFLICT);
	cr_assert(strstr(e.msg, "is not 2") != NULL, "%s", e.msg);
	ids_cleanup(&p);
	ids_cleanup(&c);
}

Test(repo, guarded_writes_refused_read_only)
{
	struct repo_config rc = {
		.table = "t", .partition_prefix = "x", .partition_name = "y",
		.content_type = "z", .read_only = true, .name = "ro",
	};
	struct repo *r = repo_new(&rc, &fs.base, &fake_clock);
	struct ids p = I("p"), c = I("a1");
	struct err e;

	cr_assert_eq(repo_delete_item(r, &p, &c, 1, &e), -1);
	cr_assert_eq(e.code, ERR_READ_ONLY);
	cr_assert_eq(fs.nsent, 0);
	repo_free(r);
	ids_cleanup(&p);
	ids_cleanup(&c);
}

/* Two pages of counts. */
static int
answer_count(struct fake_store *f, size_t n, const struct request *rq,
    struct response *rs, struct err *e)
{
	rs->count = n == 0 ? 1000 : 7;
	if (n == 0)
		rs->last_evaluated_key = jp("{\"k\":{\"S\":\"x\"}}", e);
	return 0;
}

Test(repo, count_follows_pages)
{
	struct ids p = I("p"), pre = I("usa#ny");
	size_t n = 0;
	struct err e;

	fs.answer = answer_count;
	cr_assert_eq(repo_count(repo, &p, &pre, &n, &e), 0, "%s", e.msg);
	cr_assert_eq(n, 1007);
	cr_assert_eq(fs.nsent, 2);
	cr_assert(strstr(fs.sent[0], "\"Select\":\"COUNT\"") != NULL, "%s",
	    fs.sent[0]);
	cr_assert(strstr(fs.sent[0], "begins_with(") != NULL, "%s",
	    fs.sent[0]);
	ids_cleanup(&p);
	ids_cleanup(&pre);
}

/* A Query page of n items in the repository's layout, as DynamoDB sends
 * it, with a LastEvaluatedKey while pages remain (three in all). */
static int
answer_wire_pages(struct fake_store *f, size_t n, const struct request *rq,
    struct response *rs, struct err *e)
{
	static const size_t items = 1000;
	struct buf b = BUF_INIT;
	size_t i;
	int rc;

	(void)f;
	buf_adds(&b, "{\"Items\":[");
	for (i = 0; i < items; i++)
		buf_printf(&b, "%s{\"_table_item_id\":{\"S\":\"interop#"
		    "film_actor#p\"},\"_table_content_id\":{\"S\":\"film_actor#"
		    "usa#ny#a%zu\"},\"_object_version\":{\"N\":\"2\"},"
		    "\"_timestamp\":{\"S\":\"2026-11-25T07:35:03+00:00\"},"
		    "\"name\":{\"S\":\"Bo\"},\"year\":{\"N\":\"2002\"},"
		    "\"tags\":{\"L\":[{\"S\":\"drama\"},{\"S\":\"t%zu\"}]},"
		    "\"address\":{\"M\":{\"city\":{\"S\":\"Dublin\"},"
		    "\"zip\":{\"NULL\":true}}},\"lead\":{\"BOOL\":true}}",
		    i > 0 ? "," : "", n * items + i, i);
	buf_printf(&b, "],\"Count\":%zu,\"ScannedCount\":%zu", items, items);
	if (n < 2)
		buf_printf(&b, ",\"LastEvaluatedKey\":{\"_table_item_id\":"
		    "{\"S\":\"interop#film_actor#p\"},\"_table_content_id\":"
		    "{\"S\":\"film_actor#usa#ny#a%zu\"}}", n * items + 999);
	buf_addc(&b, '}');
	rc = store_dynamodb_parse(rq->op, rq->table, b.data, b.len, rs, e);
	buf_cleanup(&b);
	return rc;
}

/* repo_each_fn rendering each content as the CLI prints it. */
static int
render_item(void *ctx, struct content *c)
{
	struct buf *line = ctx;

	buf_reset(line);
	content_to_json(c, line, 0);
	content_free(c);
	return 0;
}

/*
 * The regression guard of issue 6 for the listing path: a listed item,
 * from the page's arena to its printed line, must cost a handful of
 * allocations (the content and its ids), not one per field. Each item
 * was copied out of the page, value by value and name by name (~30 an
 * item here), before the contents shared the page's values. Counts work,
 * not time; the pages' own parsing is counted too (see test_ddbjson).
 */
Test(repo, listed_items_cost_few_allocations)
{
	struct ids p = I("p"), pre = I("");
	struct buf line = BUF_INIT, copied = BUF_INIT;
	unsigned long calls;
	struct err e;

	fs.answer = answer_wire_pages;
	repo_set_shared_contents(repo, true);
	/* The line's buffer grows once. */
	render_item(&line, content_new());
	calls = xmalloc_calls();
	cr_assert_eq(repo_list(repo, &p, &pre, NULL, render_item, &line, &e),
	    0, "%s", e.msg);
	calls = xmalloc_calls() - calls;
	cr_assert_eq(fs.nsent, 3);
	cr_expect_leq(calls, 3000 * 8, "%lu allocations for 3,000 listed "
	    "items (at most 8 an item)", calls);

	/* The shared item prints as the copied one does. */
	cr_assert(strstr(line.data, "\"content_ids\":[\"usa\",\"ny\","
	    "\"a2999\"],\"item\":{\"name\":\"Bo\",\"year\":2002,\"tags\":["
	    "\"drama\",\"t999\"],\"address\":{\"city\":\"Dublin\",\"zip\":"
	    "null},\"lead\":true},\"current_version\":2,") != NULL, "%s",
	    line.data);
	fake_free(&fs.base);
	fs.nsent = 0;
	repo_set_shared_contents(repo, false);
	cr_assert_eq(repo_list(repo, &p, &pre, NULL, render_item, &copied,
	    &e), 0, "%s", e.msg);
	cr_expect_str_eq(copied.data, line.data);
	buf_cleanup(&line);
	buf_cleanup(&copied);
	ids_cleanup(&p);
	ids_cleanup(&pre);
}

/* Pages of answer_wire_pages, but the third request fails. */
static int
answer_then_fail(struct fake_store *f, size_t n, const struct request *rq,
    struct response *rs, struct err *e)
{
	if (n == 2)
		return err_set(e, ERR_SERVICE, "page %zu refused", n);
	return answer_wire_pages(f, n, rq, rs, e);
}

/* repo_each_fn counting items and stopping at ctx's limit. */
struct stop_at {
	size_t	 seen, stop;
	char	 last[64];
};

static int
stop_at_item(void *ctx, struct content *c)
{
	struct stop_at *sa = ctx;

	sa->seen++;
	snprintf(sa->last, sizeof sa->last, "%s",
	    c->content_ids.v[c->content_ids.n - 1]);
	content_free(c);
	return sa->stop != 0 && sa->seen == sa->stop;
}

/* With prefetch the next page is asked for while this one is delivered:
 * the same items in the same order, an error on a later page reported
 * after the earlier pages' items, a page fetched after a stop dropped. */
Test(repo, list_prefetch_keeps_order_errors_and_stops)
{
	struct repo_list_opts lo = { .prefetch = true };
	struct ids p = I("p"), pre = I("");
	struct stop_at sa = { 0 };
	struct err e;

	fs.base.ops = &fake_prefetch_ops;
	fs.answer = answer_wire_pages;
	cr_assert_eq(repo_list(repo, &p, &pre, &lo, stop_at_item, &sa, &e),
	    0, "%s", e.msg);
	cr_assert_eq(sa.seen, 3000);
	cr_assert_str_eq(sa.last, "a2999");
	cr_assert_eq(fs.nsent, 3);
	cr_assert(strstr(fs.sent[2], "\"ExclusiveStartKey\"") != NULL &&
	    strstr(fs.sent[2], "a1999") != NULL, "%s", fs.sent[2]);

	fake_free(&fs.base);
	fs.nsent = 0;
	memset(&sa, 0, sizeof sa);
	fs.answer = answer_then_fail;
	cr_assert_eq(repo_list(repo, &p, &pre, &lo, stop_at_item, &sa, &e),
	    -1);
	cr_assert_eq(sa.seen, 2000, "both pages before the error delivered");
	cr_assert_str_eq(e.msg, "page 2 refused");

	fake_free(&fs.base);
	fs.nsent = 0;
	memset(&sa, 0, sizeof sa);
	sa.stop = 10;
	cr_assert_eq(repo_list(repo, &p, &pre, &lo, stop_at_item, &sa, &e),
	    0, "%s", e.msg);
	cr_assert_eq(sa.seen, 10);
	cr_assert_leq(fs.nsent, 2, "at most the one page asked for early");
	ids_cleanup(&p);
	ids_cleanup(&pre);
}

/* ---- an update's after-image read back ------------------------------ */

/* The journal of journaled_repo's repository. */
static struct journal *jr;

/* A repository of profile prof over the fake store, journaling into
 * DIR/journal-MODE.jsonl (*path, to be freed by journaled_repo_free). */
static struct repo *
journaled_repo(const char *dir, int mode, char **path)
{
	struct repo_config rc = {
		.table = "app-data", .partition_prefix = "interop",
		.partition_name = "film_actor", .content_type = "film_actor",
		.name = "prof",
	};

	*path = xasprintf("%s/journal-%d.jsonl", dir, mode);
	jr = rc.journal = journal_new(*path, &fake_clock);
	return repo_new(&rc, &fs.base, &fake_clock);
}

/* The writes of path's journal (at most one looked for), into *w. */
static size_t
journaled_writes(const char *path, struct journal_write **w)
{
	size_t n = 1;
	struct err e;

	*w = NULL;
	cr_assert_eq(journal_last_writes(path, "prof", "app-data", w, &n, &e),
	    0, "%s", e.msg);
	return n;
}

/* Free r, its journal and path (the file removed). */
static void
journaled_repo_free(struct repo *r, char *path)
{
	repo_free(r);
	journal_free(jr);
	unlink(path);
	free(path);
}

/* How the read-back of answer_read_back answers: the item with the
 * update's own time stamp, with another one, or not at all. */
enum read_back { RB_OWN, RB_OTHER, RB_FAILS };
static enum read_back read_back;

/* UpdateItem: its old item holds n as a string, so that dynrepo cannot
 * apply the increment to it itself; then the GetItem that reads back. */
static int
answer_read_back(struct fake_store *f, size_t n, const struct request *rq,
    struct response *rs, struct err *e)
{
#define RB_ITEM	"{\"_table_item_id\":{\"S\":" \
	    "\"interop#film_actor#studio-a\"},\"_table_content_id\":{\"S\":" \
	    "\"film_actor#usa#actor1\"},\"n\":{\"S\":\"%s\"}," \
	    "\"_object_version\":{\"N\":\"%d\"},\"_timestamp\":{\"S\":\"%s\"}}"
	char text[512];
	struct err pe;

	(void)f;
	if (n == 0) {
		cr_assert_eq(rq->op, OP_UPDATE_ITEM);
		snprintf(text, sizeof text, RB_ITEM, "x", 1,
		    "2025-01-01T00:00:00.000000+00:00");
	} else {
		cr_assert_eq(rq->op, OP_GET_ITEM);
		if (read_back == RB_FAILS)
			return err_set(e, ERR_IO, "connection reset");
		snprintf(text, sizeof text, RB_ITEM, "y", read_back == RB_OWN ?
		    2 : 3, read_back == RB_OWN ?
		    "2025-11-25T09:14:03.512345+00:00" :
		    "2025-11-25T09:14:04.000001+00:00");
	}
	rs->item = ddbjson_parse_item(text, strlen(text), &pe);
	cr_assert_not_null(rs->item, "%s", pe.msg);
	return 0;
}

/*
 * An update whose after-image cannot be computed is read back: the item
 * read is journaled only when it carries the update's own time stamp;
 * another write's stamp, or a read that fails, leave no entry and say
 * "written, but not journaled" (an entry would have undo take another
 * writer's change, or a delete, for this update's).
 */
Test(repo, an_update_read_back_is_journaled_only_as_its_own)
{
	static const char *const want[] = { NULL, "another write came",
	    "could not be read back" };
	char dir[] = "/tmp/dynrepo-readback.XXXXXX", *path;
	struct ids p = I("studio-a"), c = I("usa#actor1");
	struct update_command uc = { 0 };
	struct value *inc;
	struct journal_write *w;
	struct repo *r;
	struct err e;
	size_t n;
	int mode;

	cr_assert_not_null(mkdtemp(dir));
	inc = jp("{\"n\":1}", &e);
	uc.increment_attrs = inc;
	for (mode = RB_OWN; mode <= RB_FAILS; mode++) {
		r = journaled_repo(dir, mode, &path);
		read_back = (enum read_back)mode;
		fs.answer = answer_read_back;
		fake_free(&fs.base);
		fs.nsent = 0;
		err_clear(&e);
		if (want[mode] == NULL) {
			cr_assert_eq(repo_update(r, &p, &c, &uc, true, &e), 0,
			    "%s", e.msg);
		} else {
			cr_assert_eq(repo_update(r, &p, &c, &uc, true, &e), -1);
			cr_expect_not_null(strstr(e.msg, want[mode]), "%s",
			    e.msg);
			cr_expect_not_null(strstr(e.msg, "written, but not "
			    "journaled"), "%s", e.msg);
		}
		cr_assert_eq(fs.nsent, 2, "the update, then the read");
		n = journaled_writes(path, &w);
		if (want[mode] == NULL) {
			cr_assert_eq(n, 1);
			cr_expect_not_null(w[0].entries[0]->after);
			cr_expect_str_eq(value_map_get(w[0].entries[0]->after,
			    "n")->u.str.ptr, "y");
		} else {
			cr_expect_eq(n, 0, "an entry after a %s read",
			    mode == RB_OTHER ? "foreign" : "failed");
		}
		journal_writes_free(w, n);
		journaled_repo_free(r, path);
	}
	value_free(inc);
	ids_cleanup(&p);
	ids_cleanup(&c);
	rmdir(dir);
}

/* ---- a put whose retry finds its own first attempt ------------------ */

/* How answer_put_retry answers: after a lost attempt with the put's own
 * item (in another order, its number written otherwise, as DynamoDB may
 * give it back), after a lost attempt with another write's item, or at
 * once with the put's own stamp (no attempt before it). */
enum put_retry { PR_OWN, PR_OTHER, PR_FIRST };
static enum put_retry put_retry;

static int
answer_put_retry(struct fake_store *f, size_t n, const struct request *rq,
    struct response *rs, struct err *e)
{
	const char *text = put_retry == PR_OTHER ?
	    "{\"n\":{\"N\":\"1.5\"},\"_timestamp\":{\"S\":"
	    "\"2025-11-25T09:14:02.000000+00:00\"}}" :
	    "{\"_timestamp\":{\"S\":\"2025-11-25T09:14:03.512345+00:00\"},"
	    "\"n\":{\"N\":\"1.5\"}}";
	struct err pe;

	(void)f;
	(void)n;
	(void)e;
	cr_assert_eq(rq->op, OP_PUT_ITEM);
	cr_assert_eq(rq->return_values, RV_ALL_OLD);
	rs->retried_maybe = put_retry != PR_FIRST;
	rs->item = ddbjson_parse_item(text, strlen(text), &pe);
	cr_assert_not_null(rs->item, "%s", pe.msg);
	return 0;
}

/*
 * A journaled put whose answer came to a retry, and whose old item has
 * the put's own time stamp, was stored by the attempt before: no entry
 * (it would undo to the item itself), "written, but not journaled", even
 * when the item comes back in another order with its numbers normalised.
 * Another write's old item, or no attempt before, is journaled.
 */
Test(repo, a_put_retry_that_finds_its_own_item_is_not_journaled)
{
	char dir[] = "/tmp/dynrepo-putretry.XXXXXX", *path;
	struct content *c = content_new();
	struct repo *r;
	struct journal_write *w;
	int mode;
	size_t n;
	struct err e;

	ids_parse(&c->partition_ids, "studio-a");
	cr_assert_not_null(mkdtemp(dir));
	ids_parse(&c->content_ids, "usa#actor1");
	c->item = jp("{\"n\":1.50}", &e);
	for (mode = PR_OWN; mode <= PR_FIRST; mode++) {
		r = journaled_repo(dir, mode, &path);
		put_retry = (enum put_retry)mode;
		fs.answer = answer_put_retry;
		err_clear(&e);
		if (mode == PR_OWN) {
			cr_assert_eq(repo_put(r, c, &e), -1);
			cr_expect_not_null(strstr(e.msg, "written, but not "
			    "journaled: an earlier attempt was stored"), "%s",
			    e.msg);
			cr_expect_eq(e.applied, ERR_APPLIED_YES);
		} else {
			cr_assert_eq(repo_put(r, c, &e), 0, "%s", e.msg);
		}
		n = journaled_writes(path, &w);
		cr_expect_eq(n, mode == PR_OWN ? 0 : 1, "mode %d: %zu writes",
		    mode, n);
		journal_writes_free(w, n);
		journaled_repo_free(r, path);
	}
	content_free(c);
	rmdir(dir);
}
