/* SPDX-License-Identifier: ISC */
/* The DynamoDB store: requests rendered to the JSON wire protocol. */
#include "config.h"

#include "store_dynamodb.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "ddbjson.h"
#include "expr.h"
#include "json.h"
#include "log.h"
#include "xmalloc.h"

/* A client and its answer's parser: one connection, one request at a
 * time. */
/*
 * Answers kept whole (items_as_text) are read into page bodies of 4 MB on
 * huge pages where there are some, which go back to a small pool when
 * their response is done with: a fresh 2 MB each page, faulted in 4 kB at
 * a time, cost more than all the reading saved.
 */
#define STORE_DYNAMODB_BODY		(4u << 20)
#define STORE_DYNAMODB_BODIES		4	/* kept for the next pages */
/* A lane's request body larger than this is not kept for the next. */
#define STORE_DYNAMODB_BODY_KEPT	(1u << 20)
#if defined(__SANITIZE_ADDRESS__)
/* Under AddressSanitizer bodies are freed, so that a use after its
 * response is gone is caught rather than hidden by the pool. */
#define STORE_DYNAMODB_BODIES_POOLED	false
#else
#define STORE_DYNAMODB_BODIES_POOLED	true
#endif

struct store_dynamodb_lane {
	struct awsclient	*client;	/* borrowed */
	/* Answers are parsed as they arrive, never held whole. */
	struct ddbjson_stream	*stream;
	size_t			 received;	/* bytes of this answer */
	/* Or kept whole when the Items may stay text (items_as_text). */
	struct buf		 text;
	struct ddbjson_text_page page;
	struct buf		 body;		/* the request, rendered */
	struct store_dynamodb	*sd;
	/* Lanes past the first: a thread of their own, made at the first
	 * job and kept until the store is freed. */
	pthread_t		 thread;
	bool			 started;
	pthread_mutex_t		 lock;
	pthread_cond_t		 cond;		/* job posted, or stop */
	struct store_job	*job;		/* posted; NULL once done */
	bool			 stop;
	bool			 busy;		/* the caller's: a job started
						 * and not handed back */
};

struct store_dynamodb {
	struct store			 base;
	struct store_dynamodb_lane	*lanes;	/* lane 0: the caller's */
	size_t				 nlanes;
	/* Page bodies back from their responses, any thread's. */
	pthread_mutex_t			 bodies_lock;
	struct buf			 bodies[STORE_DYNAMODB_BODIES];
	size_t				 nbodies;
	/* Jobs done and not yet handed back, from any lane's thread. */
	pthread_mutex_t			 jobs_lock;
	pthread_cond_t			 jobs_cond;
	struct store_job		*done, *done_tail;
	size_t				 started;	/* the caller's */
	/* Requests ask for the capacity they consume. */
	bool				 capacity;
};

/* ,"Name": followed by a JSON string. */
static void
store_dynamodb_add_string(struct buf *b, const char *name, const char *s)
{
	buf_printf(b, ",\"%s\":", name);
	buf_add_json_string(b, s, strlen(s));
}

/* ,"Name":"<expression text>" rendered through the shared context. */
static void
store_dynamodb_add_expr(struct buf *b, struct expr_render *r,
    const char *name, const struct expr *e)
{
	struct buf text = BUF_INIT;

	if (e == NULL)
		return;
	expr_render(r, e, &text);
	buf_printf(b, ",\"%s\":", name);
	buf_add_json_string(b, text.data, text.len);
	buf_cleanup(&text);
}

/* ,"ProjectionExpression":"#n0, #n1". */
static void
store_dynamodb_add_projection(struct buf *b, struct expr_render *r,
    const struct request *rq)
{
	struct buf text = BUF_INIT;
	size_t i;

	if (rq->nprojection == 0)
		return;
	for (i = 0; i < rq->nprojection; i++) {
		if (i > 0)
			buf_adds(&text, ", ");
		expr_render_path(r, &rq->projection[i], &text);
	}
	buf_adds(b, ",\"ProjectionExpression\":");
	buf_add_json_string(b, text.data, text.len);
	buf_cleanup(&text);
}

/* ,"Key":{...} or another item-shaped member. */
static void
store_dynamodb_add_item(struct buf *b, const char *name, const struct value *m)
{
	if (m == NULL)
		return;
	buf_printf(b, ",\"%s\":", name);
	ddbjson_emit_item(b, m);
}

static const char *const store_dynamodb_rv[] = {
	[RV_NONE] = "NONE",
	[RV_ALL_OLD] = "ALL_OLD",
	[RV_ALL_NEW] = "ALL_NEW",
	[RV_UPDATED_OLD] = "UPDATED_OLD",
	[RV_UPDATED_NEW] = "UPDATED_NEW",
};

/* A request's JSON body; capacity: it asks for the capacity it
 * consumes. */
static void
store_dynamodb_render_asking(const struct request *rq, bool capacity,
    struct buf *b)
{
	struct expr_render r;
	struct buf text = BUF_INIT;
	size_t i;

	expr_render_init(&r);
	buf_adds(b, "{\"TableName\":");
	if (rq->op == OP_BATCH_GET_ITEM || rq->op == OP_BATCH_WRITE_ITEM ||
	    rq->op == OP_LIST_TABLES) {
		/* These have no TableName member; undo the opening. */
		buf_reset(b);
		buf_addc(b, '{');
	} else {
		buf_add_json_string(b, rq->table, strlen(rq->table));
	}

	switch (rq->op) {
	case OP_GET_ITEM:
		store_dynamodb_add_item(b, "Key", rq->key);
		store_dynamodb_add_projection(b, &r, rq);
		if (rq->consistent_read)
			buf_adds(b, ",\"ConsistentRead\":true");
		break;
	case OP_PUT_ITEM:
		store_dynamodb_add_item(b, "Item", rq->item);
		store_dynamodb_add_expr(b, &r, "ConditionExpression",
		    rq->condition);
		break;
	case OP_UPDATE_ITEM:
		store_dynamodb_add_item(b, "Key", rq->key);
		if (!update_empty(&rq->update)) {
			expr_render_update(&r, &rq->update, &text);
			buf_adds(b, ",\"UpdateExpression\":");
			buf_add_json_string(b, text.data, text.len);
		}
		store_dynamodb_add_expr(b, &r, "ConditionExpression",
		    rq->condition);
		break;
	case OP_DELETE_ITEM:
		store_dynamodb_add_item(b, "Key", rq->key);
		store_dynamodb_add_expr(b, &r, "ConditionExpression",
		    rq->condition);
		break;
	case OP_QUERY:
	case OP_SCAN:
		store_dynamodb_add_expr(b, &r, "KeyConditionExpression",
		    rq->key_condition);
		store_dynamodb_add_expr(b, &r, "FilterExpression", rq->filter);
		store_dynamodb_add_projection(b, &r, rq);
		if (rq->op == OP_QUERY && !rq->scan_forward)
			buf_adds(b, ",\"ScanIndexForward\":false");
		if (rq->limit > 0)
			buf_printf(b, ",\"Limit\":%ld", rq->limit);
		if (rq->consistent_read)
			buf_adds(b, ",\"ConsistentRead\":true");
		if (rq->select_count)
			buf_adds(b, ",\"Select\":\"COUNT\"");
		if (rq->op == OP_SCAN && rq->total_segments > 0)
			buf_printf(b, ",\"Segment\":%d,\"TotalSegments\":%d",
			    rq->segment, rq->total_segments);
		store_dynamodb_add_item(b, "ExclusiveStartKey",
		    rq->exclusive_start_key);
		break;
	case OP_BATCH_GET_ITEM:
		buf_adds(b, "\"RequestItems\":{");
		buf_add_json_string(b, rq->table, strlen(rq->table));
		buf_adds(b, ":{\"Keys\":[");
		for (i = 0; i < rq->nkeys; i++) {
			if (i > 0)
				buf_addc(b, ',');
			ddbjson_emit_item(b, rq->keys[i]);
		}
		buf_addc(b, ']');
		store_dynamodb_add_projection(b, &r, rq);
		expr_render_attributes(&r, b);
		if (rq->consistent_read)
			buf_adds(b, ",\"ConsistentRead\":true");
		buf_adds(b, "}}");
		break;
	case OP_BATCH_WRITE_ITEM:
		buf_adds(b, "\"RequestItems\":{");
		buf_add_json_string(b, rq->table, strlen(rq->table));
		buf_adds(b, ":[");
		for (i = 0; i < rq->nwrites; i++) {
			if (i > 0)
				buf_addc(b, ',');
			if (rq->writes[i].is_delete)
				buf_adds(b, "{\"DeleteRequest\":{\"Key\":");
			else
				buf_adds(b, "{\"PutRequest\":{\"Item\":");
			if (rq->writes[i].text != NULL)
				buf_add(b, rq->writes[i].text,
				    rq->writes[i].text_len);
			else
				ddbjson_emit_item(b, rq->writes[i].value);
			buf_adds(b, "}}");
		}
		buf_adds(b, "]}");
		break;
	case OP_LIST_TABLES:
		if (rq->exclusive_start_table != NULL) {
			buf_adds(b, "\"ExclusiveStartTableName\":");
			buf_add_json_string(b, rq->exclusive_start_table,
			    strlen(rq->exclusive_start_table));
		}
		break;
	case OP_CREATE_TABLE:
		buf_adds(b, ",\"AttributeDefinitions\":[");
		buf_adds(b, "{\"AttributeName\":");
		buf_add_json_string(b, rq->hash_key, strlen(rq->hash_key));
		buf_adds(b, ",\"AttributeType\":\"S\"}");
		if (rq->range_key != NULL) {
			buf_adds(b, ",{\"AttributeName\":");
			buf_add_json_string(b, rq->range_key,
			    strlen(rq->range_key));
			buf_adds(b, ",\"AttributeType\":\"S\"}");
		}
		buf_adds(b, "],\"KeySchema\":[{\"AttributeName\":");
		buf_add_json_string(b, rq->hash_key, strlen(rq->hash_key));
		buf_adds(b, ",\"KeyType\":\"HASH\"}");
		if (rq->range_key != NULL) {
			buf_adds(b, ",{\"AttributeName\":");
			buf_add_json_string(b, rq->range_key,
			    strlen(rq->range_key));
			buf_adds(b, ",\"KeyType\":\"RANGE\"}");
		}
		buf_adds(b, "],\"BillingMode\":\"PAY_PER_REQUEST\"");
		break;
	case OP_DESCRIBE_TABLE:
	case OP_DELETE_TABLE:
	case OP_COUNT:
		break;
	}

	if (rq->op != OP_BATCH_GET_ITEM && rq->op != OP_BATCH_WRITE_ITEM &&
	    rq->op != OP_LIST_TABLES)
		expr_render_attributes(&r, b);
	if (rq->return_values != RV_NONE)
		store_dynamodb_add_string(b, "ReturnValues",
		    store_dynamodb_rv[rq->return_values]);
	switch (rq->op) {
	case OP_GET_ITEM: case OP_PUT_ITEM: case OP_UPDATE_ITEM:
	case OP_DELETE_ITEM: case OP_QUERY: case OP_SCAN:
	case OP_BATCH_GET_ITEM: case OP_BATCH_WRITE_ITEM:
		if (capacity)
			buf_adds(b, ",\"ReturnConsumedCapacity\":\"TOTAL\"");
		break;
	default:
		break;
	}
	buf_addc(b, '}');
	buf_cleanup(&text);
	expr_render_cleanup(&r);
}

void
store_dynamodb_render(const struct request *rq, struct buf *b)
{
	store_dynamodb_render_asking(rq, true, b);
}

/* A JSON number member as a long; absent or odd gives 0. */
static long long
store_dynamodb_number(const struct value *m, const char *name)
{
	const struct value *v = m != NULL ? value_map_get(m, name) : NULL;

	if (v == NULL || v->type != VT_N)
		return 0;
	return strtoll(v->u.str.ptr, NULL, 10);
}

/* A JSON string member, copied; NULL when absent. */
static char *
store_dynamodb_string(const struct value *m, const char *name)
{
	const struct value *v = m != NULL ? value_map_get(m, name) : NULL;

	if (v == NULL || v->type != VT_S)
		return NULL;
	return xstrdup(v->u.str.ptr);
}

/* Sum CapacityUnits of a ConsumedCapacity object or array. */
static double
store_dynamodb_capacity(const struct value *cc)
{
	const struct value *u;
	double total = 0;
	size_t i;

	if (cc == NULL)
		return 0;
	if (cc->type == VT_L) {
		for (i = 0; i < cc->u.list.len; i++)
			total += store_dynamodb_capacity(cc->u.list.items[i]);
		return total;
	}
	if (cc->type != VT_M)
		return 0;
	u = value_map_get(cc, "CapacityUnits");
	if (u != NULL && u->type == VT_N)
		total = strtod(u->u.str.ptr, NULL);
	return total;
}

/* An item the streaming parser already typed; consumes v. */
static struct value *
store_dynamodb_typed(struct value *v, struct err *e)
{
	if (v != NULL && v->type == VT_M)
		return v;
	value_free(v);
	err_set(e, ERR_SERVICE, "malformed response: expected an item");
	return NULL;
}

/* v, or a heap copy of it when it is a root of the page's arena: the
 * next request keeps the LastEvaluatedKey, and a root would keep the whole
 * page (megabytes) alive while the next one is decoded. Takes v. */
static struct value *
store_dynamodb_unshare(struct value *v)
{
	struct value *copy;

	if (v == NULL || !value_is_arena_root(v))
		return v;
	copy = value_copy(v);
	value_free(v);
	return copy;
}

/* Move every element of a list of (already typed) items, appending
 * each to *out. Consumes list. */
static int
store_dynamodb_take_items(struct value *list, struct value ***out,
    size_t *nout, size_t *cap, struct err *e)
{
	size_t i;
	int rc = 0;

	if (list == NULL)
		return 0;
	if (list->type != VT_L) {
		value_free(list);
		return err_set(e, ERR_SERVICE, "malformed response: "
		    "expected a list of items");
	}
	for (i = 0; i < list->u.list.len; i++) {
		struct value *item;

		item = store_dynamodb_typed(list->u.list.items[i], e);
		list->u.list.items[i] = NULL;
		if (item == NULL) {
			rc = -1;
			continue;
		}
		if (*nout == *cap) {
			*cap = *cap ? *cap * 2 : 64;
			*out = xreallocarray(*out, *cap, sizeof **out);
		}
		(*out)[(*nout)++] = item;
	}
	list->u.list.len = 0;
	value_free(list);
	return rc;
}

/* UnprocessedItems: {"T": [{"PutRequest": {"Item": ...}}, ...]}. */
static int
store_dynamodb_take_writes(struct value *all, const char *table,
    struct response *rs, struct err *e)
{
	struct value *list;
	size_t i;

	if (all == NULL || all->type != VT_M)
		return 0;
	list = value_map_get(all, table);
	if (list == NULL || list->type != VT_L)
		return 0;
	rs->unprocessed_writes = xcalloc(list->u.list.len ?
	    list->u.list.len : 1, sizeof *rs->unprocessed_writes);
	for (i = 0; i < list->u.list.len; i++) {
		struct value *w = list->u.list.items[i], *inner, *tree;
		struct write_request *out;
		bool del;

		if (w->type != VT_M)
			return err_set(e, ERR_SERVICE, "malformed "
			    "UnprocessedItems");
		inner = value_map_get(w, "PutRequest");
		del = inner == NULL;
		if (del)
			inner = value_map_get(w, "DeleteRequest");
		if (inner == NULL || inner->type != VT_M)
			return err_set(e, ERR_SERVICE, "malformed "
			    "UnprocessedItems");
		tree = value_map_take(inner, del ? "Key" : "Item");
		if (tree == NULL)
			return err_set(e, ERR_SERVICE, "malformed "
			    "UnprocessedItems");
		out = &rs->unprocessed_writes[rs->nunprocessed_writes];
		out->is_delete = del;
		out->value = store_dynamodb_typed(tree, e);
		if (out->value == NULL)
			return -1;
		rs->nunprocessed_writes++;
	}
	return 0;
}

/* KeySchema of a DescribeTable answer. */
static void
store_dynamodb_key_schema(const struct value *table, struct response *rs)
{
	const struct value *ks = value_map_get(table, "KeySchema");
	size_t i;

	if (ks == NULL || ks->type != VT_L)
		return;
	for (i = 0; i < ks->u.list.len; i++) {
		const struct value *k = ks->u.list.items[i];
		char *type = store_dynamodb_string(k, "KeyType");
		char *name = store_dynamodb_string(k, "AttributeName");

		if (type != NULL && name != NULL && strcmp(type, "HASH") == 0 &&
		    rs->hash_key == NULL) {
			rs->hash_key = name;
			name = NULL;
		} else if (type != NULL && name != NULL &&
		    strcmp(type, "RANGE") == 0 && rs->range_key == NULL) {
			rs->range_key = name;
			name = NULL;
		}
		free(type);
		free(name);
	}
}

/* store_dynamodb_parse of the parsed answer; NULL: err says why. */
static int
store_dynamodb_parsed(enum request_op op, const char *table,
    struct value *tree, struct response *rs, struct err *e)
{
	struct value *v, *m;
	int rc = 0;
	size_t cap = 0;

	if (tree == NULL) {
		err_prefix(e, "malformed %s response: ", request_op_name(op));
		if (e != NULL)
			e->code = ERR_SERVICE;
		return -1;
	}
	if (tree->type != VT_M) {
		value_free(tree);
		return err_set(e, ERR_SERVICE, "malformed %s response: not an "
		    "object", request_op_name(op));
	}
	rs->consumed_capacity = store_dynamodb_capacity(
	    value_map_get(tree, "ConsumedCapacity"));

	switch (op) {
	case OP_GET_ITEM:
		if ((v = value_map_take(tree, "Item")) != NULL &&
		    (rs->item = store_dynamodb_typed(v, e)) == NULL)
			rc = -1;
		break;
	case OP_PUT_ITEM:
	case OP_UPDATE_ITEM:
	case OP_DELETE_ITEM:
		if ((v = value_map_take(tree, "Attributes")) != NULL &&
		    (rs->item = store_dynamodb_typed(v, e)) == NULL)
			rc = -1;
		break;
	case OP_QUERY:
	case OP_SCAN:
		rs->count = store_dynamodb_number(tree, "Count");
		rs->scanned_count = store_dynamodb_number(tree, "ScannedCount");
		rc = store_dynamodb_take_items(value_map_take(tree, "Items"),
		    &rs->items, &rs->nitems, &rs->items_cap, e);
		if (rc == 0 &&
		    (v = value_map_take(tree, "LastEvaluatedKey")) != NULL &&
		    (rs->last_evaluated_key = store_dynamodb_typed(
		    store_dynamodb_unshare(v), e)) == NULL)
			rc = -1;
		break;
	case OP_BATCH_GET_ITEM:
		m = value_map_get(tree, "Responses");
		if (m != NULL && m->type == VT_M)
			rc = store_dynamodb_take_items(value_map_take(m, table),
			    &rs->items, &rs->nitems, &rs->items_cap, e);
		m = value_map_get(tree, "UnprocessedKeys");
		if (rc == 0 && m != NULL && m->type == VT_M &&
		    (v = value_map_get(m, table)) != NULL && v->type == VT_M)
			rc = store_dynamodb_take_items(
			    value_map_take(v, "Keys"), &rs->unprocessed_keys,
			    &rs->nunprocessed_keys, &cap, e);
		break;
	case OP_BATCH_WRITE_ITEM:
		rc = store_dynamodb_take_writes(
		    value_map_get(tree, "UnprocessedItems"), table, rs, e);
		break;
	case OP_LIST_TABLES:
		v = value_map_get(tree, "TableNames");
		if (v != NULL && v->type == VT_L) {
			const struct value *name;
			size_t i;

			rs->table_names = xcalloc(v->u.list.len + 1,
			    sizeof *rs->table_names);
			for (i = 0; i < v->u.list.len; i++) {
				name = v->u.list.items[i];
				if (name->type == VT_S)
					rs->table_names[rs->ntable_names++] =
					    xstrdup(name->u.str.ptr);
			}
		}
		rs->last_table_name = store_dynamodb_string(tree,
		    "LastEvaluatedTableName");
		break;
	case OP_DESCRIBE_TABLE:
	case OP_CREATE_TABLE:
	case OP_DELETE_TABLE:
		m = value_map_get(tree, op == OP_DESCRIBE_TABLE ? "Table" :
		    "TableDescription");
		if (m != NULL && m->type == VT_M) {
			rs->table_status = store_dynamodb_string(m,
			    "TableStatus");
			rs->item_count = store_dynamodb_number(m, "ItemCount");
			store_dynamodb_key_schema(m, rs);
		}
		break;
	case OP_COUNT:
		break;
	}
	value_free(tree);
	if (rc != 0 && e != NULL && e->code == ERR_INPUT) {
		err_prefix(e, "malformed item in %s response: ",
		    request_op_name(op));
		e->code = ERR_SERVICE;
	}
	return rc;
}

int
store_dynamodb_parse(enum request_op op, const char *table, const char *body,
    size_t len, struct response *rs, struct err *e)
{
	/* Items are typed while the answer streams through the parser. */
	return store_dynamodb_parsed(op, table, ddbjson_parse_page(body, len,
	    ddbjson_response_items, e), rs, e);
}

/* awsclient_sink.begin: a new attempt's answer. */
static void
store_dynamodb_sink_begin(void *ctx)
{
	struct store_dynamodb_lane *lane = ctx;

	ddbjson_stream_begin(lane->stream);
	lane->received = 0;
}

/* awsclient_sink.write: the next bytes of the answer, to the parser. */
static void
store_dynamodb_sink_write(void *ctx, const char *p, size_t n)
{
	struct store_dynamodb_lane *lane = ctx;

	ddbjson_stream_feed(lane->stream, p, n);
	lane->received += n;
}

/* A page body from the pool, or a new one. */
static void
store_dynamodb_body_get(struct store_dynamodb *sd, struct buf *b)
{
	pthread_mutex_lock(&sd->bodies_lock);
	if (sd->nbodies > 0)
		*b = sd->bodies[--sd->nbodies];
	pthread_mutex_unlock(&sd->bodies_lock);
	/* A page is up to 1 MB of items, more as JSON: room at once
	 * rather than a dozen regrowths, each a copy. */
	if (b->data == NULL)
		buf_init_huge(b, STORE_DYNAMODB_BODY);
}

/* response.items_body_free: a page body back to the pool. */
static void
store_dynamodb_body_back(void *owner, char *body, size_t cap)
{
	struct store_dynamodb *sd = owner;
	bool kept = false;

	pthread_mutex_lock(&sd->bodies_lock);
	if (STORE_DYNAMODB_BODIES_POOLED &&
	    sd->nbodies < STORE_DYNAMODB_BODIES) {
		sd->bodies[sd->nbodies].data = body;
		sd->bodies[sd->nbodies].len = 0;
		sd->bodies[sd->nbodies++].cap = cap;
		kept = true;
	}
	pthread_mutex_unlock(&sd->bodies_lock);
	if (!kept)
		free(body);
}

/* awsclient_sink.begin, for an answer kept whole. */
static void
store_dynamodb_text_begin(void *ctx)
{
	struct store_dynamodb_lane *lane = ctx;

	if (lane->text.data == NULL)
		store_dynamodb_body_get(lane->sd, &lane->text);
	buf_reset(&lane->text);
	lane->received = 0;
}

/* awsclient_sink.write, for an answer kept whole. */
static void
store_dynamodb_text_write(void *ctx, const char *p, size_t n)
{
	struct store_dynamodb_lane *lane = ctx;

	buf_add(&lane->text, p, n);
	lane->received += n;
}

int
store_dynamodb_reparse(const struct request *rq, struct response *rs,
    struct err *e)
{
	struct response whole;
	int rc;

	response_init(&whole);
	rc = store_dynamodb_parsed(rq->op, rq->table, ddbjson_parse_page(
	    rs->items_body, rs->items_body_len, ddbjson_response_items, e),
	    &whole, e);
	if (rc == 0) {
		rs->items = whole.items;
		rs->nitems = whole.nitems;
		rs->items_cap = whole.items_cap;
		whole.items = NULL;
		whole.nitems = whole.items_cap = 0;
	}
	response_cleanup(&whole);
	return rc;
}

/* A Query, Scan or BatchGetItem answer kept whole: its items handed over
 * as text, the rest parsed; or, when it is not shaped as expected, all of
 * it parsed as if it had streamed. */
static int
store_dynamodb_text_parse(struct store_dynamodb_lane *lane,
    const struct request *rq, struct response *rs, struct err *e)
{
	struct ddbjson_text_page *pg = &lane->page;
	size_t off;
	int rc;

	if (ddbjson_text_page(lane->text.data, lane->text.len,
	    rq->op == OP_BATCH_GET_ITEM ? rq->table : NULL, pg) != 0)
		return store_dynamodb_parsed(rq->op, rq->table,
		    ddbjson_parse_page(buf_cstr(&lane->text), lane->text.len,
		    ddbjson_response_items, e), rs, e);
	rc = store_dynamodb_parsed(rq->op, rq->table, ddbjson_parse_page(
	    pg->rest.data, pg->rest.len, ddbjson_response_items, e), rs, e);
	if (rc != 0)
		return rc;
	/* The body goes with the response (the next page is read into a
	 * new one meanwhile). */
	off = (size_t)(pg->items - lane->text.data);
	rs->items_text_len = pg->items_len;
	rs->items_body = lane->text.data;
	rs->items_text = rs->items_body + off;
	rs->items_body_cap = lane->text.cap;
	rs->items_body_len = lane->text.len;
	rs->items_reparse = store_dynamodb_reparse;
	rs->items_body_free = store_dynamodb_body_back;
	rs->items_body_owner = lane->sd;
	buf_init(&lane->text);
	return 0;
}

/* Call and parse one request on a lane, its body rendered in
 * lane->body. */
static int
store_dynamodb_send(struct store_dynamodb_lane *lane,
    const struct request *rq, struct response *rs, struct err *e)
{
	const struct awsclient_sink sink = {
		store_dynamodb_sink_begin, store_dynamodb_sink_write, lane
	};
	const struct awsclient_sink text = {
		store_dynamodb_text_begin, store_dynamodb_text_write, lane
	};
	bool as_text = rq->items_as_text && (rq->op == OP_QUERY ||
	    rq->op == OP_SCAN || rq->op == OP_BATCH_GET_ITEM);
	const struct buf *body = &lane->body;
	int rc;

	lane->received = 0;
	rc = awsclient_call_sink(lane->client, request_op_name(rq->op),
	    body->data, body->len, request_idempotent(rq), as_text ? &text :
	    &sink, e);
	if (rc == 0 && as_text)
		rc = store_dynamodb_text_parse(lane, rq, rs, e);
	else if (rc == 0)
		rc = store_dynamodb_parsed(rq->op, rq->table,
		    ddbjson_stream_finish(lane->stream, e), rs, e);
	if (rc == 0)
		rs->retried_maybe = awsclient_retried_maybe(lane->client);
	if (log_enabled())
		LOG_DEBUG("%s table %s: %s, %zu bytes sent, %zu received, "
		    "%zu items, capacity %.1f", request_op_name(rq->op),
		    rq->table != NULL ? rq->table : "-", rc == 0 ? "ok" :
		    err_code_name(e != NULL ? e->code : ERR_INTERNAL),
		    body->len, lane->received, rs->nitems,
		    rs->consumed_capacity);
	if (log_enabled() && rs->items_text != NULL)
		LOG_DEBUG("%s table %s: the items kept as text, %zu bytes",
		    request_op_name(rq->op), rq->table, rs->items_text_len);
	return rc;
}

/* Render a request into its lane's body (kept from one request to the
 * next, no buffer grown anew each time, unless a large one was needed). */
static void
store_dynamodb_render_on(struct store_dynamodb_lane *lane,
    const struct request *rq)
{
	if (lane->body.cap > STORE_DYNAMODB_BODY_KEPT)
		buf_cleanup(&lane->body);
	buf_reset(&lane->body);
	store_dynamodb_render_asking(rq, lane->sd->capacity, &lane->body);
}

/* Render, call and parse one request on a lane. */
static int
store_dynamodb_call(struct store_dynamodb_lane *lane,
    const struct request *rq, struct response *rs, struct err *e)
{
	store_dynamodb_render_on(lane, rq);
	return store_dynamodb_send(lane, rq, rs, e);
}

/* store_ops.execute: on the first lane. */
static int
store_dynamodb_execute(struct store *st, const struct request *rq,
    struct response *rs, struct err *e)
{
	struct store_dynamodb *sd = (struct store_dynamodb *)st;

	return store_dynamodb_call(&sd->lanes[0], rq, rs, e);
}

/* A job is done: queue it for store_dynamodb_wait. */
static void
store_dynamodb_job_done(struct store_dynamodb *sd, struct store_job *j)
{
	pthread_mutex_lock(&sd->jobs_lock);
	store_jobs_push(&sd->done, &sd->done_tail, j);
	pthread_cond_broadcast(&sd->jobs_cond);
	pthread_mutex_unlock(&sd->jobs_lock);
}

/* Run a job on a lane, whatever thread this is; store_dynamodb_start
 * rendered it. */
static void
store_dynamodb_job_run(struct store_dynamodb_lane *l, struct store_job *j)
{
	j->rc = store_dynamodb_send(l, j->rq, &j->rs, &j->err);
}

/* A lane's thread: run each job posted to it, until told to stop. The
 * lane is free again before its job is handed back. */
static void *
store_dynamodb_lane_run(void *arg)
{
	struct store_dynamodb_lane *l = arg;
	struct store_job *j;

	pthread_mutex_lock(&l->lock);
	for (;;) {
		while (l->job == NULL && !l->stop)
			pthread_cond_wait(&l->cond, &l->lock);
		if ((j = l->job) == NULL)
			break;
		pthread_mutex_unlock(&l->lock);
		store_dynamodb_job_run(l, j);
		pthread_mutex_lock(&l->lock);
		l->job = NULL;
		pthread_mutex_unlock(&l->lock);
		store_dynamodb_job_done(l->sd, j);
		pthread_mutex_lock(&l->lock);
	}
	pthread_mutex_unlock(&l->lock);
	return NULL;
}

/* Tell a lane's thread its next job, or to stop. */
static void
store_dynamodb_lane_tell(struct store_dynamodb_lane *l, struct store_job *j,
    bool stop)
{
	pthread_mutex_lock(&l->lock);
	l->job = j;
	l->stop = stop;
	pthread_cond_broadcast(&l->cond);
	pthread_mutex_unlock(&l->lock);
}

/* Hand a job to its lane's thread, made the first time; false when the
 * thread cannot be made (the caller runs the job). */
static bool
store_dynamodb_lane_post(struct store_dynamodb_lane *l, struct store_job *j)
{
	if (!l->started) {
		pthread_mutex_init(&l->lock, NULL);
		pthread_cond_init(&l->cond, NULL);
		if (store_thread_start(&l->thread, store_dynamodb_lane_run,
		    l) != 0) {
			pthread_cond_destroy(&l->cond);
			pthread_mutex_destroy(&l->lock);
			return false;
		}
		l->started = true;
	}
	store_dynamodb_lane_tell(l, j, false);
	return true;
}

/* Stop a lane's thread, if it was made. */
static void
store_dynamodb_lane_stop(struct store_dynamodb_lane *l)
{
	if (!l->started)
		return;
	store_dynamodb_lane_tell(l, NULL, true);
	pthread_join(l->thread, NULL);
	pthread_cond_destroy(&l->cond);
	pthread_mutex_destroy(&l->lock);
	l->started = false;
}

/* store_ops.lanes: the lanes past the first, which stays the caller's
 * (execute, with jobs in flight); with one lane, jobs run on it. */
static size_t
store_dynamodb_lanes(const struct store *st)
{
	const struct store_dynamodb *sd = (const struct store_dynamodb *)st;

	return sd->nlanes > 1 ? sd->nlanes - 1 : 1;
}

/*
 * store_ops.start: the job goes to a free lane past the first, on that
 * lane's thread with its connection (a curl handle serves one thread at a
 * time). The threads are made once and kept: a put of 10,000 items made
 * 300 threads, 5% of its CPU. With one lane, or a thread that cannot be
 * made, the job runs here.
 */
static void
store_dynamodb_start(struct store *st, struct store_job *j)
{
	struct store_dynamodb *sd = (struct store_dynamodb *)st;
	struct store_dynamodb_lane *l = NULL;
	size_t i;

	for (i = 1; i < sd->nlanes && l == NULL; i++)
		if (!sd->lanes[i].busy)
			l = &sd->lanes[i];
	assert(l != NULL || sd->nlanes == 1);
	sd->started++;
	/* A lane's thread blocks SIGINT: were it to resolve the
	 * credentials, a prompt for an MFA code there would not end on a
	 * Ctrl-C, and a second one would kill the process with the
	 * terminal's echo off. They are got here (cached after the first
	 * time: a lock and a copy), and a job that cannot have them fails
	 * unsent. */
	if (l != NULL && awsclient_credentials(sd->lanes[0].client,
	    &j->err) != 0) {
		j->lane = 0;
		j->rc = -1;
		response_init(&j->rs);
		store_dynamodb_job_done(sd, j);
		return;
	}
	/* Rendered here, where the request's values were just made (they
	 * are still in this core's cache), not on the lane's thread. */
	store_dynamodb_render_on(l != NULL ? l : &sd->lanes[0], j->rq);
	if (l == NULL) {
		j->lane = 0;
		store_dynamodb_job_run(&sd->lanes[0], j);
		store_dynamodb_job_done(sd, j);
		return;
	}
	l->busy = true;
	j->lane = (size_t)(l - sd->lanes);
	if (!store_dynamodb_lane_post(l, j)) {
		store_dynamodb_job_run(l, j);
		store_dynamodb_job_done(sd, j);
	}
}

/* store_ops.wait: the first job done, its lane free again. */
static struct store_job *
store_dynamodb_wait(struct store *st, bool block)
{
	struct store_dynamodb *sd = (struct store_dynamodb *)st;
	struct store_job *j;

	if (sd->started == 0)
		return NULL;
	pthread_mutex_lock(&sd->jobs_lock);
	while (sd->done == NULL && block)
		pthread_cond_wait(&sd->jobs_cond, &sd->jobs_lock);
	j = store_jobs_pop(&sd->done, &sd->done_tail);
	pthread_mutex_unlock(&sd->jobs_lock);
	if (j == NULL)
		return NULL;
	sd->started--;
	sd->lanes[j->lane].busy = false;
	return j;
}

static void
store_dynamodb_free(struct store *st)
{
	struct store_dynamodb *sd = (struct store_dynamodb *)st;
	size_t i;

	for (i = 0; i < sd->nlanes; i++) {
		store_dynamodb_lane_stop(&sd->lanes[i]);
		ddbjson_stream_free(sd->lanes[i].stream);
		buf_cleanup(&sd->lanes[i].text);
		buf_cleanup(&sd->lanes[i].body);
		buf_cleanup(&sd->lanes[i].page.rest);
	}
	free(sd->lanes);
	while (sd->nbodies > 0)
		buf_cleanup(&sd->bodies[--sd->nbodies]);
	pthread_mutex_destroy(&sd->bodies_lock);
	pthread_cond_destroy(&sd->jobs_cond);
	pthread_mutex_destroy(&sd->jobs_lock);
	free(st);
}

static const struct store_ops store_dynamodb_ops = {
	.name = "dynamodb",
	.execute = store_dynamodb_execute,
	.free = store_dynamodb_free,
	/* The next page is asked for while this one is printed: the
	 * round trip, not the decoding, is most of a page's time. */
	.prefetch = true,
	/* A put's text was made by repo_put_text, as emitted below. */
	.write_text = true,
	.start = store_dynamodb_start,
	.wait = store_dynamodb_wait,
	.lanes = store_dynamodb_lanes,
};

struct store *
store_dynamodb_new(struct awsclient *client)
{
	return store_dynamodb_new_lanes(&client, 1);
}

struct store *
store_dynamodb_new_lanes(struct awsclient *const *clients, size_t n)
{
	struct store_dynamodb *sd = xcalloc(1, sizeof *sd);
	size_t i;

	assert(n >= 1 && n <= STORE_DYNAMODB_MAX_LANES);
	sd->base.ops = &store_dynamodb_ops;
	sd->lanes = xcalloc(n, sizeof *sd->lanes);
	sd->nlanes = n;
	sd->capacity = true;
	pthread_mutex_init(&sd->bodies_lock, NULL);
	pthread_mutex_init(&sd->jobs_lock, NULL);
	pthread_cond_init(&sd->jobs_cond, NULL);
	for (i = 0; i < n; i++) {
		sd->lanes[i].sd = sd;
		sd->lanes[i].client = clients[i];
		sd->lanes[i].stream = ddbjson_stream_new(
		    ddbjson_response_items, true);
	}
	return &sd->base;
}

void
store_dynamodb_ask_capacity(struct store *s, bool capacity)
{
	struct store_dynamodb *sd = (struct store_dynamodb *)(void *)s;

	assert(s->ops == &store_dynamodb_ops);
	sd->capacity = capacity;
}
