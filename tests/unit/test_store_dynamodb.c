/* SPDX-License-Identifier: ISC */
/* The DynamoDB store's wire format: request bodies and answer parsing. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "awsclient.h"
#include "creds.h"
#include "ddbjson.h"
#include "http.h"
#include "json.h"
#include "store_dynamodb.h"
#include "xmalloc.h"

/* Parse an answer for op on table "T". */
static int
parse(enum request_op op, const char *body, struct response *rs,
    struct err *e)
{
	response_init(rs);
	err_clear(e);
	return store_dynamodb_parse(op, "T", body, strlen(body), rs, e);
}

Test(store_dynamodb, query_answer)
{
	struct response rs;
	struct err e;

	cr_assert_eq(parse(OP_QUERY, "{\"Count\":2,\"ScannedCount\":5,"
	    "\"Items\":[{\"a\":{\"N\":\"1.50\"}},"
	    "{\"a\":{\"SS\":[\"x\",\"y\"]}}],"
	    "\"LastEvaluatedKey\":{\"k\":{\"S\":\"z\"}},"
	    "\"ConsumedCapacity\":{\"TableName\":\"T\",\"CapacityUnits\":2.5}}",
	    &rs, &e), 0, "%s", e.msg);
	cr_assert_eq(rs.count, 2);
	cr_assert_eq(rs.scanned_count, 5);
	cr_assert_eq(rs.nitems, 2);
	cr_assert_str_eq(value_map_get(rs.items[0], "a")->u.str.ptr, "1.50",
	    "number text kept as sent");
	cr_assert_eq(value_map_get(rs.items[1], "a")->type, VT_SS);
	cr_assert_not_null(rs.last_evaluated_key);
	cr_assert_float_eq(rs.consumed_capacity, 2.5, 1e-9);
	response_cleanup(&rs);
}

Test(store_dynamodb, batch_answers)
{
	struct response rs;
	struct err e;

	cr_assert_eq(parse(OP_BATCH_GET_ITEM, "{\"Responses\":{\"T\":[{\"a\":"
	    "{\"S\":\"1\"}}]},\"UnprocessedKeys\":{\"T\":{\"Keys\":[{\"k\":"
	    "{\"S\":\"2\"}},{\"k\":{\"S\":\"3\"}}]}},\"ConsumedCapacity\":[{"
	    "\"CapacityUnits\":1},{\"CapacityUnits\":0.5}]}", &rs, &e), 0,
	    "%s", e.msg);
	cr_assert_eq(rs.nitems, 1);
	cr_assert_eq(rs.nunprocessed_keys, 2);
	cr_assert_float_eq(rs.consumed_capacity, 1.5, 1e-9);
	response_cleanup(&rs);

	cr_assert_eq(parse(OP_BATCH_WRITE_ITEM, "{\"UnprocessedItems\":{\"T\":["
	    "{\"PutRequest\":{\"Item\":{\"k\":{\"S\":\"1\"}}}},"
	    "{\"DeleteRequest\":{\"Key\":{\"k\":{\"S\":\"2\"}}}}]}}", &rs, &e),
	    0, "%s", e.msg);
	cr_assert_eq(rs.nunprocessed_writes, 2);
	cr_assert_not(rs.unprocessed_writes[0].is_delete);
	cr_assert(rs.unprocessed_writes[1].is_delete);
	response_cleanup(&rs);

	cr_assert_eq(parse(OP_BATCH_WRITE_ITEM, "{\"UnprocessedItems\":{}}",
	    &rs, &e), 0);
	cr_assert_eq(rs.nunprocessed_writes, 0);
	response_cleanup(&rs);
}

Test(store_dynamodb, table_answers)
{
	struct response rs;
	struct err e;

	cr_assert_eq(parse(OP_LIST_TABLES, "{\"TableNames\":[\"a\",\"b\"],"
	    "\"LastEvaluatedTableName\":\"b\"}", &rs, &e), 0);
	cr_assert_eq(rs.ntable_names, 2);
	cr_assert_str_eq(rs.last_table_name, "b");
	response_cleanup(&rs);
	cr_assert_eq(parse(OP_DESCRIBE_TABLE, "{\"Table\":{\"TableStatus\":"
	    "\"ACTIVE\",\"ItemCount\":42,\"KeySchema\":[{\"AttributeName\":"
	    "\"s\",\"KeyType\":\"RANGE\"},{\"AttributeName\":\"h\","
	    "\"KeyType\":\"HASH\"}]}}", &rs, &e), 0);
	cr_assert_str_eq(rs.table_status, "ACTIVE");
	cr_assert_eq(rs.item_count, 42);
	cr_assert_str_eq(rs.hash_key, "h");
	cr_assert_str_eq(rs.range_key, "s");
	response_cleanup(&rs);
}

Test(store_dynamodb, malformed_answers_are_service_errors)
{
	static const char *const bad[] = {
		"<html>502</html>",
		"[]",
		"{\"Items\":{}}",
		"{\"Items\":[{\"a\":{\"X\":\"1\"}}]}",
		"{\"Items\":[{\"a\":{\"N\":\"one\"}}]}",
	};
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct response rs;
		struct err e;

		cr_expect_eq(parse(OP_QUERY, bad[i], &rs, &e), -1, "%s",
		    bad[i]);
		cr_expect_eq(e.code, ERR_SERVICE, "%s: %s", bad[i], e.msg);
		response_cleanup(&rs);
	}
}

Test(store_dynamodb, request_bodies)
{
	struct request rq;
	struct buf b = BUF_INIT;
	struct err e;

	request_init(&rq, OP_SCAN, "T");
	rq.segment = 1;
	rq.total_segments = 4;
	rq.limit = 10;
	rq.filter = expr_new(EX_BEGINS_WITH, 2, expr_new_name("name"),
	    expr_new_value(value_new_str("x")));
	store_dynamodb_render(&rq, &b);
	cr_assert_str_eq(b.data, "{\"TableName\":\"T\",\"FilterExpression\":"
	    "\"begins_with(#n0, :v0)\",\"Limit\":10,\"Segment\":1,"
	    "\"TotalSegments\":4,\"ExpressionAttributeNames\":{\"#n0\":"
	    "\"name\"},\"ExpressionAttributeValues\":{\":v0\":{\"S\":\"x\"}},"
	    "\"ReturnConsumedCapacity\":\"TOTAL\"}");
	{
		struct value *v = json_parse(b.data, b.len, &e);

		cr_assert_not_null(v, "valid JSON");
		value_free(v);
	}
	request_cleanup(&rq);
	buf_reset(&b);

	request_init(&rq, OP_BATCH_WRITE_ITEM, "T");
	rq.writes = xcalloc(2, sizeof *rq.writes);
	rq.nwrites = 2;
	rq.writes[0].value = value_new_m();
	value_map_set(rq.writes[0].value, "k", value_new_str("1"));
	rq.writes[1].is_delete = true;
	rq.writes[1].value = value_copy(rq.writes[0].value);
	store_dynamodb_render(&rq, &b);
	cr_assert_str_eq(b.data, "{\"RequestItems\":{\"T\":[{\"PutRequest\":{"
	    "\"Item\":{\"k\":{\"S\":\"1\"}}}},{\"DeleteRequest\":{\"Key\":{"
	    "\"k\":{\"S\":\"1\"}}}}]},\"ReturnConsumedCapacity\":\"TOTAL\"}");
	request_cleanup(&rq);
	buf_reset(&b);

	request_init(&rq, OP_LIST_TABLES, NULL);
	store_dynamodb_render(&rq, &b);
	cr_assert_str_eq(b.data, "{}");
	request_cleanup(&rq);
	buf_cleanup(&b);
}

/* A transport as libcurl's: a 200 body to the request's sink in pieces
 * of 16 kB when there is one, otherwise into the response (counted). */
static struct {
	const char	*answer;
	size_t		 held;		/* bytes of 200 bodies held whole */
	struct buf	 sent;		/* the last request's body */
} ft;

/* http_ops.perform of that transport. */
static int
fake_perform(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *e)
{
	size_t len = strlen(ft.answer), i, n;
	char crc[16];

	(void)ctx;
	(void)e;
	buf_reset(&ft.sent);
	buf_add(&ft.sent, req->body, req->body_len);
	http_response_reset(resp);
	resp->status = 200;
	resp->request_sent = true;
	snprintf(crc, sizeof crc, "%u",
	    (unsigned)awsclient_crc32(ft.answer, len));
	resp->crc32 = xstrdup(crc);
	if (req->sink == NULL) {
		buf_add(&resp->body, ft.answer, len);
		ft.held += len;
		return 0;
	}
	resp->streamed = true;
	for (i = 0; i < len; i += n) {
		n = len - i < 16384 ? len - i : 16384;
		req->sink->write(req->sink->ctx, ft.answer + i, n);
	}
	return 0;
}

/* The environment: a key and a secret, nothing else. */
static const char *
fake_getenv(void *ctx, const char *name)
{
	(void)ctx;
	return strcmp(name, "AWS_ACCESS_KEY_ID") == 0 ? "AKIDEXAMPLE" :
	    strcmp(name, "AWS_SECRET_ACCESS_KEY") == 0 ? "secret" : NULL;
}

/* A store over the fake transport, with what it is made of. */
struct fake_store {
	struct http_ops		 http;
	struct creds_provider	*creds;
	struct awsclient	*client;
	struct store		*st;
};

static struct store *
fake_store_new(struct fake_store *fs)
{
	fs->http = (struct http_ops){ .perform = fake_perform };
	fs->creds = creds_provider_new(NULL, fake_getenv, NULL);
	fs->client = awsclient_new(&(struct awsclient_config){
		.endpoint = "http://127.0.0.1:1", .region = "us-east-1",
	    }, &fs->http, fs->creds, NULL);
	fs->st = store_dynamodb_new(fs->client);
	return fs->st;
}

static void
fake_store_free(struct fake_store *fs)
{
	store_free(fs->st);
	awsclient_free(fs->client);
	creds_provider_free(fs->creds);
}

/*
 * The regression guard of reading pages: a Query page is parsed as it
 * arrives and never held whole (holding it was a page-sized buffer
 * faulted in and a copy of every byte, each page).
 */
Test(store_dynamodb, pages_are_parsed_as_they_arrive)
{
	struct fake_store fs;
	struct store *st = fake_store_new(&fs);
	struct buf page = BUF_INIT;
	struct request rq;
	struct response rs;
	struct err e;
	size_t i, n = 2000;

	buf_adds(&page, "{\"Items\":[");
	for (i = 0; i < n; i++)
		buf_printf(&page, "%s{\"k\":{\"S\":\"item%06zu\"},\"v\":"
		    "{\"N\":\"%zu\"},\"pad\":{\"S\":\"%0300zu\"}}",
		    i > 0 ? "," : "", i, i, i);
	buf_printf(&page, "],\"Count\":%zu,\"ScannedCount\":%zu}", n, n);
	ft.answer = page.data;
	ft.held = 0;
	request_init(&rq, OP_QUERY, "T");
	response_init(&rs);
	cr_assert_eq(st->ops->execute(st, &rq, &rs, &e), 0, "%s", e.msg);
	cr_assert_eq(rs.nitems, n);
	cr_assert_str_eq(value_map_get(rs.items[n - 1], "k")->u.str.ptr,
	    "item001999");
	cr_expect_eq(ft.held, 0, "%zu bytes of a %zu-byte page held whole",
	    ft.held, page.len);
	response_cleanup(&rs);
	request_cleanup(&rq);
	fake_store_free(&fs);
	buf_cleanup(&page);
}

/* A request of kind op on table T, with the key, item or entry its kind
 * needs. */
static void
capacity_request(struct request *rq, enum request_op op)
{
	struct value *k = value_new_m();

	request_init(rq, op, "T");
	value_map_set(k, "k", value_new_s("a", 1));
	switch (op) {
	case OP_GET_ITEM:
	case OP_DELETE_ITEM:
		rq->key = k;
		return;
	case OP_PUT_ITEM:
		rq->item = k;
		return;
	case OP_BATCH_GET_ITEM:
		rq->keys = xcalloc(1, sizeof *rq->keys);
		rq->keys[0] = k;
		rq->nkeys = 1;
		return;
	case OP_BATCH_WRITE_ITEM:
		rq->writes = xcalloc(1, sizeof *rq->writes);
		rq->writes[0].value = k;
		rq->nwrites = 1;
		return;
	default:
		value_free(k);
		return;
	}
}

/* Requests ask for the capacity they consume (read into the response)
 * only while the store is told to: unasked, each kind of read and write
 * goes without, and nothing else in its body changes. */
Test(store_dynamodb, capacity_is_asked_for_only_when_wanted)
{
	static const enum request_op ops[] = {
		OP_GET_ITEM, OP_PUT_ITEM, OP_DELETE_ITEM, OP_QUERY, OP_SCAN,
		OP_BATCH_GET_ITEM, OP_BATCH_WRITE_ITEM,
	};
	static const char answer[] = "{\"Items\":[],\"Count\":0,"
	    "\"ScannedCount\":0,\"Responses\":{\"T\":[]},"
	    "\"UnprocessedKeys\":{},\"UnprocessedItems\":{},"
	    "\"ConsumedCapacity\":"
	    "{\"TableName\":\"T\",\"CapacityUnits\":2.5}}";
	static const char capacity[] =
	    ",\"ReturnConsumedCapacity\":\"TOTAL\"";
	struct fake_store fs;
	struct store *st = fake_store_new(&fs);
	struct buf asked = BUF_INIT, want = BUF_INIT;
	struct request rq;
	struct response rs;
	struct err e;
	size_t i;
	int ask;

	ft.answer = answer;
	for (i = 0; i < sizeof ops / sizeof ops[0]; i++) {
		for (ask = 1; ask >= 0; ask--) {
			capacity_request(&rq, ops[i]);
			store_dynamodb_ask_capacity(st, ask != 0);
			response_init(&rs);
			cr_assert_eq(st->ops->execute(st, &rq, &rs, &e), 0,
			    "op %zu: %s", i, e.msg);
			if (ask) {
				buf_reset(&asked);
				buf_add(&asked, ft.sent.data, ft.sent.len);
				cr_expect(strstr(asked.data, capacity) != NULL,
				    "%s", asked.data);
				cr_expect_eq(rs.consumed_capacity, 2.5);
			} else {
				const char *cut = strstr(asked.data,
				    capacity);

				cr_assert_not_null(cut);
				buf_reset(&want);
				buf_add(&want, asked.data,
				    (size_t)(cut - asked.data));
				buf_adds(&want, cut + strlen(capacity));
				cr_expect_str_eq(buf_cstr(&ft.sent),
				    buf_cstr(&want));
			}
			response_cleanup(&rs);
			request_cleanup(&rq);
		}
	}
	fake_store_free(&fs);
	buf_cleanup(&asked);
	buf_cleanup(&want);
	buf_cleanup(&ft.sent);
}

/* An environment with no credentials anywhere, and no instance metadata
 * to ask (nothing leaves the machine). */
static const char *
nocreds_getenv(void *ctx, const char *name)
{
	(void)ctx;
	if (strcmp(name, "AWS_EC2_METADATA_DISABLED") == 0)
		return "true";
	if (strcmp(name, "AWS_CONFIG_FILE") == 0 ||
	    strcmp(name, "AWS_SHARED_CREDENTIALS_FILE") == 0)
		return "/dev/null";
	return NULL;
}

/*
 * A job for a lane's thread gets its credentials on the caller's thread
 * (where a prompt for an MFA code ends on a Ctrl-C). When they cannot be
 * had, the job fails there, unsent, and says so: a write that said
 * nothing of it would be journaled as maybe stored.
 */
Test(store_dynamodb, a_job_without_credentials_fails_unsent)
{
	struct creds_provider *creds = creds_provider_new(NULL,
	    nocreds_getenv, NULL);
	struct http_ops http = { .perform = fake_perform };
	struct awsclient *clients[2];
	struct store_job j, *done;
	struct request rq;
	struct store *st;
	size_t i;

	for (i = 0; i < 2; i++)
		clients[i] = awsclient_new(&(struct awsclient_config){
			.endpoint = "http://127.0.0.1:1", .region = "us-east-1",
		    }, &http, creds, NULL);
	st = store_dynamodb_new_lanes(clients, 2);
	cr_assert_eq(store_lanes(st), 1);
	ft.answer = "{\"UnprocessedItems\":{}}";
	buf_reset(&ft.sent);
	capacity_request(&rq, OP_BATCH_WRITE_ITEM);
	memset(&j, 0, sizeof j);
	j.rq = &rq;
	response_init(&j.rs);
	err_clear(&j.err);
	store_start(st, &j);
	done = store_wait(st, true);
	cr_assert_eq(done, &j);
	cr_assert_eq(j.rc, -1);
	cr_expect_eq(j.err.applied, ERR_APPLIED_NO, "%d: %s", j.err.applied,
	    j.err.msg);
	cr_expect_eq(ft.sent.len, 0, "a body was sent: %s", ft.sent.data);
	response_cleanup(&j.rs);
	request_cleanup(&rq);
	store_free(st);
	for (i = 0; i < 2; i++)
		awsclient_free(clients[i]);
	creds_provider_free(creds);
	buf_cleanup(&ft.sent);
}
