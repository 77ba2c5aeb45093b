/* SPDX-License-Identifier: ISC */
/* The one request model: what a store is asked to do, and what it answers. */
#include "config.h"

#include "request.h"

#include <stdlib.h>
#include <string.h>

#include "xmalloc.h"

static const char *const request_op_names[OP_COUNT] = {
	[OP_GET_ITEM] = "GetItem",
	[OP_PUT_ITEM] = "PutItem",
	[OP_UPDATE_ITEM] = "UpdateItem",
	[OP_DELETE_ITEM] = "DeleteItem",
	[OP_QUERY] = "Query",
	[OP_SCAN] = "Scan",
	[OP_BATCH_GET_ITEM] = "BatchGetItem",
	[OP_BATCH_WRITE_ITEM] = "BatchWriteItem",
	[OP_DESCRIBE_TABLE] = "DescribeTable",
	[OP_LIST_TABLES] = "ListTables",
	[OP_CREATE_TABLE] = "CreateTable",
	[OP_DELETE_TABLE] = "DeleteTable",
};

void
request_init(struct request *rq, enum request_op op, const char *table)
{
	memset(rq, 0, sizeof *rq);
	rq->op = op;
	rq->table = table != NULL ? xstrdup(table) : NULL;
	rq->scan_forward = true;
	update_init(&rq->update);
}

/* Free an array of write requests. */
static void
request_free_writes(struct write_request *w, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		write_request_cleanup(&w[i]);
	free(w);
}

void
write_request_cleanup(struct write_request *w)
{
	value_free(w->value);
	free(w->text);
	w->value = NULL;
	w->text = NULL;
	w->text_len = 0;
	w->value_is_key = false;
}

void
request_cleanup(struct request *rq)
{
	size_t i;

	free(rq->table);
	value_free(rq->key);
	value_free(rq->item);
	expr_free(rq->condition);
	update_cleanup(&rq->update);
	expr_free(rq->key_condition);
	expr_free(rq->filter);
	for (i = 0; i < rq->nprojection; i++)
		path_cleanup(&rq->projection[i]);
	free(rq->projection);
	value_free(rq->exclusive_start_key);
	for (i = 0; i < rq->nkeys; i++)
		value_free(rq->keys[i]);
	free(rq->keys);
	request_free_writes(rq->writes, rq->nwrites);
	free(rq->hash_key);
	free(rq->range_key);
	free(rq->exclusive_start_table);
	memset(rq, 0, sizeof *rq);
}

void
response_init(struct response *rs)
{
	memset(rs, 0, sizeof *rs);
}

void
response_cleanup(struct response *rs)
{
	size_t i;

	value_free(rs->item);
	for (i = 0; i < rs->nitems; i++)
		value_free(rs->items[i]);
	free(rs->items);
	value_free(rs->last_evaluated_key);
	if (rs->items_body != NULL && rs->items_body_free != NULL)
		rs->items_body_free(rs->items_body_owner, rs->items_body,
		    rs->items_body_cap);
	else
		free(rs->items_body);
	for (i = 0; i < rs->nunprocessed_keys; i++)
		value_free(rs->unprocessed_keys[i]);
	free(rs->unprocessed_keys);
	request_free_writes(rs->unprocessed_writes, rs->nunprocessed_writes);
	for (i = 0; i < rs->ntable_names; i++)
		free(rs->table_names[i]);
	free(rs->table_names);
	free(rs->last_table_name);
	free(rs->table_status);
	free(rs->hash_key);
	free(rs->range_key);
	memset(rs, 0, sizeof *rs);
}

void
response_add_item(struct response *rs, struct value *v)
{
	if (rs->nitems == rs->items_cap) {
		rs->items_cap = rs->items_cap ? rs->items_cap * 2 : 64;
		rs->items = xreallocarray(rs->items, rs->items_cap,
		    sizeof *rs->items);
	}
	rs->items[rs->nitems++] = v;
}

const char *
request_op_name(enum request_op op)
{
	if ((unsigned)op >= OP_COUNT)
		return "Unknown";
	return request_op_names[op];
}

bool
request_idempotent(const struct request *rq)
{
	size_t i;

	if (rq->op != OP_UPDATE_ITEM)
		return true;
	/* SET a = a + 1, ADD and list_append change the item again when
	 * replayed; a plain SET of values does not. */
	for (i = 0; i < rq->update.n; i++) {
		const struct update_clause *c = &rq->update.clauses[i];

		if (c->action == UPD_ADD || c->action == UPD_DELETE)
			return false;
		if (c->action == UPD_SET && c->operand != NULL &&
		    c->operand->kind != EX_VALUE && c->operand->kind != EX_PATH)
			return false;
	}
	return true;
}
