/* SPDX-License-Identifier: ISC */
/* The embedded store's item requests: GetItem, PutItem, UpdateItem,
 * DeleteItem, BatchGetItem and BatchWriteItem. */
#include "config.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "expr_eval.h"
#include "store_local_private.h"
#include "xmalloc.h"

/* DynamoDB's limits. */
#define STORE_LOCAL_ITEM_MAX	409600		/* 400 KB */
#define STORE_LOCAL_GET_MAX	100		/* BatchGetItem keys */
#define STORE_LOCAL_WRITE_MAX	25		/* BatchWriteItem writes */
/* A BatchGetItem answer. */
#define STORE_LOCAL_ANSWER_MAX	(16 * 1024 * 1024)

/* ---- capacity -------------------------------------------------------- */

/* Read units for bytes read: 4 KB each, half for eventually consistent
 * reads. */
double
store_local_read_units(size_t bytes, bool consistent)
{
	double units = (double)((bytes + 4095) / 4096);

	return consistent ? units : units / 2;
}

/* Write units for one item write: 1 KB each, the larger of the old and
 * the new item (an absent item counts 1). */
static double
store_local_write_units(size_t old_size, bool had_old, size_t new_size,
    bool has_new)
{
	size_t o = had_old ? (old_size + 1023) / 1024 : 1;
	size_t n = has_new ? (new_size + 1023) / 1024 : 0;

	return (double)(o > n ? o : n);
}

/* ---- items ----------------------------------------------------------- */

/* The check every keyed request makes before touching the file: the
 * table name, the key's values. */
static int
store_local_check_key_request(const struct request *rq, struct err *e)
{
	if (store_local_check_table_name(rq->table, "tableName", e) == -1)
		return -1;
	if (rq->key == NULL)
		return store_local_invalid(e, "1 validation error detected: "
		    "Value null at 'key' failed to satisfy constraint: Member "
		    "must not be null");
	return store_local_check_values(rq->key, "", e);
}

/* Validate a key against the table; ValidationException. */
static int
store_local_check_key(const struct store_local_table *t,
    const struct value *key, struct err *e)
{
	struct buf why = BUF_INIT;
	int rc = 0;

	if (!store_local_key_ok(t, key, &why))
		rc = store_local_invalid(e, "%s", buf_cstr(&why));
	buf_cleanup(&why);
	return rc;
}

/* GetItem. */
int
store_local_get_item(struct store_local *sl, const struct request *rq,
    struct response *rs, struct err *e)
{
	struct store_local_table t;
	struct store_local_key k;
	struct value *item = NULL;
	size_t size = 0;
	int rc;

	if (store_local_check_key_request(rq, e) == -1 ||
	    store_local_check_projection(rq, e) == -1)
		return -1;
	if (store_local_begin(sl, false, e) == -1)
		return -1;
	rc = store_local_table_get(sl, rq->table, false, &t, e);
	if (rc == 0)
		rc = store_local_check_key(&t, rq->key, e);
	if (rc == 0)
		rc = store_local_check_key_paths(&t, rq, NULL, e);
	if (rc == 0) {
		store_local_key_of(&t, rq->key, &k);
		rc = store_local_fetch(sl, &t, &k, &item, &size, e);
	}
	store_local_rollback(sl);
	store_local_table_cleanup(&t);
	if (rc != 0)
		return -1;
	rs->consumed_capacity = item != NULL ? store_local_read_units(size,
	    rq->consistent_read) : store_local_read_units(1,
	    rq->consistent_read);
	if (item != NULL && rq->nprojection > 0) {
		rs->item = expr_eval_project(rq->projection, rq->nprojection,
		    item);
		value_free(item);
	} else
		rs->item = item;
	return 0;
}

/* Evaluate a write's condition on the stored item (NULL: none);
 * ConditionalCheckFailedException when it does not hold. */
static int
store_local_condition(const struct request *rq, const struct value *old,
    struct err *e)
{
	bool ok;

	if (rq->condition == NULL)
		return 0;
	if (expr_eval_condition(rq->condition, old, &ok, e) == -1)
		return store_local_adopt(e, "");
	if (!ok)
		return store_local_fail(e, "ConditionalCheckFailedException",
		    "The conditional request failed");
	return 0;
}

/* ReturnValues of PutItem and DeleteItem. */
static int
store_local_check_return_old(const struct request *rq, struct err *e)
{
	if (rq->return_values != RV_NONE && rq->return_values != RV_ALL_OLD)
		return store_local_invalid(e, "ReturnValues can only be "
		    "ALL_OLD or NONE");
	return 0;
}

/* PutItem. */
int
store_local_put_item(struct store_local *sl, const struct request *rq,
    struct response *rs, struct err *e)
{
	struct store_local_table t = { .hash_key = NULL };
	struct store_local_key k;
	struct value *item = NULL, *old = NULL;
	struct buf why = BUF_INIT;
	size_t size, old_size = 0;
	int rc = -1;

	if (store_local_check_table_name(rq->table, "tableName", e) == -1)
		return -1;
	if (rq->item == NULL)
		return store_local_invalid(e, "1 validation error detected: "
		    "Value null at 'item' failed to satisfy constraint: Member "
		    "must not be null");
	if (store_local_check_values(rq->item, "", e) == -1 ||
	    store_local_check_return_old(rq, e) == -1)
		return -1;
	item = value_copy(rq->item);
	value_canonical_numbers(&item);
	size = expr_eval_item_size(item);
	if (size > STORE_LOCAL_ITEM_MAX) {
		value_free(item);
		return store_local_invalid(e, "Item size has exceeded the "
		    "maximum allowed size");
	}
	if (store_local_check_expr_values(rq, e) == -1 ||
	    store_local_check_cond(rq->condition,
	    "ConditionExpression", e) == -1)
		goto out;
	if (store_local_begin(sl, true, e) == -1)
		goto out;
	if (store_local_table_get(sl, rq->table, false, &t, e) == -1)
		goto fail;
	if (!store_local_item_ok(&t, item, &why)) {
		store_local_invalid(e, "%s", buf_cstr(&why));
		goto fail;
	}
	store_local_key_of(&t, item, &k);
	if (store_local_fetch(sl, &t, &k, &old, &old_size, e) == -1 ||
	    store_local_condition(rq, old, e) == -1 ||
	    store_local_store(sl, &t, item, size, e) == -1 ||
	    store_local_commit(sl, e) == -1)
		goto fail;
	rs->consumed_capacity = store_local_write_units(old_size, old != NULL,
	    size, true);
	if (rq->return_values == RV_ALL_OLD) {
		rs->item = old;
		old = NULL;
	}
	rc = 0;
	goto out;
fail:
	store_local_rollback(sl);
out:
	store_local_table_cleanup(&t);
	value_free(item);
	value_free(old);
	buf_cleanup(&why);
	return rc;
}

/* DeleteItem. */
int
store_local_delete_item(struct store_local *sl, const struct request *rq,
    struct response *rs, struct err *e)
{
	struct store_local_table t = { .hash_key = NULL };
	struct store_local_key k;
	struct value *old = NULL;
	size_t old_size = 0;
	int rc = -1;

	if (store_local_check_key_request(rq, e) == -1 ||
	    store_local_check_return_old(rq, e) == -1 ||
	    store_local_check_expr_values(rq, e) == -1 ||
	    store_local_check_cond(rq->condition,
	    "ConditionExpression", e) == -1)
		return -1;
	if (store_local_begin(sl, true, e) == -1)
		return -1;
	if (store_local_table_get(sl, rq->table, false, &t, e) == -1 ||
	    store_local_check_key(&t, rq->key, e) == -1)
		goto fail;
	store_local_key_of(&t, rq->key, &k);
	if (store_local_fetch(sl, &t, &k, &old, &old_size, e) == -1 ||
	    store_local_condition(rq, old, e) == -1 ||
	    (old != NULL && store_local_remove(sl, &t, &k, e) == -1) ||
	    store_local_commit(sl, e) == -1)
		goto fail;
	rs->consumed_capacity = store_local_write_units(old_size, old != NULL,
	    0, false);
	if (rq->return_values == RV_ALL_OLD) {
		rs->item = old;
		old = NULL;
	}
	rc = 0;
	goto out;
fail:
	store_local_rollback(sl);
out:
	store_local_table_cleanup(&t);
	value_free(old);
	return rc;
}

/* UpdateItem may not touch the key (validateUpdates). */
static int
store_local_check_update_keys(const struct store_local_table *t,
    const struct update *u, struct err *e)
{
	const char *keys[2] = { t->hash_key, t->range_key };
	size_t k, i;

	for (k = 0; k < 2 && keys[k] != NULL; k++)
		for (i = 0; i < u->n; i++)
			if (store_local_path_head_is(&u->clauses[i].path,
			    keys[k]))
				return store_local_invalid(e, "One or more "
				    "parameter values were invalid: Cannot "
				    "update attribute %s. This attribute is "
				    "part of the key", keys[k]);
	for (i = 0; i < u->n; i++)
		if (store_local_check_key_paths(t, NULL, u->clauses[i].operand,
		    e) == -1)
			return -1;
	return 0;
}

/* UPDATED_OLD / UPDATED_NEW: the updated paths of item; NULL when none
 * of them is there (DynamoDB then sends no Attributes). */
static struct value *
store_local_updated(const struct update *u, const struct value *item)
{
	struct path *paths = xreallocarray(NULL, u->n, sizeof *paths);
	struct value *m;
	size_t i;

	/* Shallow copies: expr_eval_project only reads them. */
	for (i = 0; i < u->n; i++)
		paths[i] = u->clauses[i].path;
	m = expr_eval_project(paths, u->n, item);
	free(paths);
	if (m->u.map.len == 0) {
		value_free(m);
		return NULL;
	}
	return m;
}

/* UpdateItem: condition on the stored item, then the update applied to
 * it (or to the key alone when there is none). */
int
store_local_update_item(struct store_local *sl, const struct request *rq,
    struct response *rs, struct err *e)
{
	struct store_local_table t = { .hash_key = NULL };
	struct store_local_key k;
	struct value *old = NULL, *item = NULL;
	size_t old_size = 0, size;
	int rc = -1;

	if (store_local_check_key_request(rq, e) == -1 ||
	    store_local_check_expr_values(rq, e) == -1 ||
	    store_local_check_update(&rq->update, e) == -1 ||
	    store_local_check_cond(rq->condition,
	    "ConditionExpression", e) == -1)
		return -1;
	if (store_local_begin(sl, true, e) == -1)
		return -1;
	if (store_local_table_get(sl, rq->table, false, &t, e) == -1 ||
	    store_local_check_key(&t, rq->key, e) == -1 ||
	    store_local_check_update_keys(&t, &rq->update, e) == -1)
		goto fail;
	store_local_key_of(&t, rq->key, &k);
	if (store_local_fetch(sl, &t, &k, &old, &old_size, e) == -1 ||
	    store_local_condition(rq, old, e) == -1)
		goto fail;
	item = value_copy(old != NULL ? old : rq->key);
	if (!update_empty(&rq->update) &&
	    expr_eval_update(&rq->update, &item, e) == -1) {
		store_local_adopt(e, "");
		goto fail;
	}
	value_canonical_numbers(&item);
	size = expr_eval_item_size(item);
	if (size > STORE_LOCAL_ITEM_MAX) {
		store_local_invalid(e, "Item size to update has exceeded the "
		    "maximum allowed size");
		goto fail;
	}
	if (store_local_store(sl, &t, item, size, e) == -1 ||
	    store_local_commit(sl, e) == -1)
		goto fail;
	rs->consumed_capacity = store_local_write_units(old_size, old != NULL,
	    size, true);
	switch (rq->return_values) {
	case RV_ALL_OLD:
		rs->item = old;
		old = NULL;
		break;
	case RV_ALL_NEW:
		rs->item = item;
		item = NULL;
		break;
	case RV_UPDATED_OLD:
		if (old != NULL)
			rs->item = store_local_updated(&rq->update, old);
		break;
	case RV_UPDATED_NEW:
		rs->item = store_local_updated(&rq->update, item);
		break;
	case RV_NONE:
		break;
	}
	rc = 0;
	goto out;
fail:
	store_local_rollback(sl);
out:
	store_local_table_cleanup(&t);
	value_free(old);
	value_free(item);
	return rc;
}

/* ---- batches --------------------------------------------------------- */

/* A table name as a key of RequestItems. */
static int
store_local_check_batch_table(const char *name, struct err *e)
{
	size_t len = name != NULL ? strlen(name) : 0, i;
	bool ok = len >= 3 && len <= STORE_LOCAL_NAME_MAX;

	for (i = 0; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '_' ||
		    name[i] == '.' || name[i] == '-'))
			ok = false;
	if (!ok)
		return store_local_invalid(e, "1 validation error detected: "
		    "Value at 'requestItems' failed to satisfy constraint: Map "
		    "keys must satisfy constraint: [Member must have length "
		    "less than or equal to 255, Member must have length "
		    "greater than or equal to 3, Member must satisfy regular "
		    "expression pattern: " STORE_LOCAL_NAME_RE "]");
	return 0;
}

/* BatchGetItem: up to 100 keys of one table, answered in one snapshot;
 * once the answer would pass DynamoDB's 16 MB, the remaining keys come
 * back as UnprocessedKeys. */
int
store_local_batch_get(struct store_local *sl, const struct request *rq,
    struct response *rs, struct err *e)
{
	struct store_local_table t = { .hash_key = NULL };
	struct store_local_key k;
	size_t i, j, total = 0, read = 0;
	int rc = -1;

	if (store_local_check_batch_table(rq->table, e) == -1)
		return -1;
	if (rq->nkeys == 0 || rq->nkeys > STORE_LOCAL_GET_MAX)
		return store_local_invalid(e, "1 validation error detected: "
		    "Value at 'requestItems.%s.member.keys' failed to satisfy "
		    "constraint: Member must have length %s than or equal to "
		    "%d", rq->table, rq->nkeys == 0 ? "greater" : "less",
		    rq->nkeys == 0 ? 1 : STORE_LOCAL_GET_MAX);
	for (i = 0; i < rq->nkeys; i++) {
		if (rq->keys[i] == NULL)
			return store_local_invalid(e, "Supplied AttributeValue "
			    "is empty, must contain exactly one of the "
			    "supported datatypes");
		if (store_local_check_values(rq->keys[i], "", e) == -1)
			return -1;
		for (j = 0; j < i; j++)
			if (value_equal(rq->keys[i], rq->keys[j]))
				return store_local_invalid(e, "Provided list "
				    "of item keys contains duplicates");
	}
	if (store_local_check_projection(rq, e) == -1)
		return -1;
	if (store_local_begin(sl, false, e) == -1)
		return -1;
	if (store_local_table_get(sl, rq->table, false, &t, e) == -1)
		goto out;
	for (i = 0; i < rq->nkeys; i++)
		if (store_local_check_key(&t, rq->keys[i], e) == -1)
			goto out;
	if (store_local_check_key_paths(&t, rq, NULL, e) == -1)
		goto out;
	for (i = 0; i < rq->nkeys; i++) {
		struct value *item;
		size_t size;

		store_local_key_of(&t, rq->keys[i], &k);
		if (store_local_fetch(sl, &t, &k, &item, &size, e) == -1)
			goto out;
		if (item == NULL) {
			read += 1;
			continue;
		}
		if (total + size > STORE_LOCAL_ANSWER_MAX) {
			value_free(item);
			rs->unprocessed_keys = xreallocarray(
			    rs->unprocessed_keys, rs->nunprocessed_keys + 1,
			    sizeof *rs->unprocessed_keys);
			rs->unprocessed_keys[rs->nunprocessed_keys++] =
			    value_copy(rq->keys[i]);
			continue;
		}
		total += size;
		rs->consumed_capacity += store_local_read_units(size,
		    rq->consistent_read);
		if (rq->nprojection > 0) {
			response_add_item(rs, expr_eval_project(rq->projection,
			    rq->nprojection, item));
			value_free(item);
		} else
			response_add_item(rs, item);
	}
	/* A missing item still costs a read. */
	rs->consumed_capacity += (double)read * store_local_read_units(1,
	    rq->consistent_read);
	rc = 0;
out:
	store_local_rollback(sl);
	store_local_table_cleanup(&t);
	return rc;
}

/* BatchWriteItem: up to 25 puts and deletes of one table, all in one
 * transaction; nothing is ever left unprocessed. */
int
store_local_batch_write(struct store_local *sl, const struct request *rq,
    struct response *rs, struct err *e)
{
	struct store_local_table t = { .hash_key = NULL };
	struct store_local_key *keys = NULL;
	struct value **items = NULL;
	size_t *sizes = NULL, i, j, old_size;
	struct buf why = BUF_INIT;
	bool found;
	int rc = -1;

	if (store_local_check_batch_table(rq->table, e) == -1)
		return -1;
	if (rq->nwrites == 0 || rq->nwrites > STORE_LOCAL_WRITE_MAX)
		return store_local_invalid(e, "1 validation error detected: "
		    "Value at 'requestItems' failed to satisfy constraint: Map "
		    "value must satisfy constraint: [Member must have length "
		    "less than or equal to 25, Member must have length greater "
		    "than or equal to 1]");
	items = xcalloc(rq->nwrites, sizeof *items);
	sizes = xcalloc(rq->nwrites, sizeof *sizes);
	keys = xcalloc(rq->nwrites, sizeof *keys);
	for (i = 0; i < rq->nwrites; i++) {
		const struct write_request *w = &rq->writes[i];

		if (w->value == NULL) {
			store_local_invalid(e, "Supplied AttributeValue has "
			    "more than one datatypes set, must contain exactly "
			    "one of the supported datatypes");
			goto out;
		}
		if (store_local_check_values(w->value, "", e) == -1)
			goto out;
		if (w->is_delete)
			continue;
		items[i] = value_copy(w->value);
		value_canonical_numbers(&items[i]);
		sizes[i] = expr_eval_item_size(items[i]);
		if (sizes[i] > STORE_LOCAL_ITEM_MAX) {
			store_local_invalid(e, "Item size has exceeded the "
			    "maximum allowed size");
			goto out;
		}
	}
	if (store_local_begin(sl, true, e) == -1)
		goto out;
	if (store_local_table_get(sl, rq->table, false, &t, e) == -1)
		goto fail;
	for (i = 0; i < rq->nwrites; i++) {
		const struct write_request *w = &rq->writes[i];

		buf_reset(&why);
		if (w->is_delete ? !store_local_key_ok(&t, w->value, &why) :
		    !store_local_item_ok(&t, items[i], &why)) {
			/* BatchWriteItem words key trouble in an item the
			 * way it words it in a key. */
			if (strstr(buf_cstr(&why), "Missing the key") != NULL ||
			    strstr(buf_cstr(&why), "Type mismatch for key") !=
			    NULL)
				store_local_invalid(e, "The provided key "
				    "element does not match the schema");
			else
				store_local_invalid(e, "%s", buf_cstr(&why));
			goto fail;
		}
		store_local_key_of(&t, w->is_delete ? w->value : items[i],
		    &keys[i]);
		for (j = 0; j < i; j++)
			if (store_local_key_equal(&keys[i], &keys[j])) {
				store_local_invalid(e, "Provided list of item "
				    "keys contains duplicates");
				goto fail;
			}
	}
	for (i = 0; i < rq->nwrites; i++) {
		if (store_local_fetch_size(sl, &t, &keys[i], &found, &old_size,
		    e) == -1)
			goto fail;
		if (rq->writes[i].is_delete ? (found && store_local_remove(sl,
		    &t, &keys[i], e) == -1) : store_local_store(sl, &t,
		    items[i], sizes[i], e) == -1)
			goto fail;
		rs->consumed_capacity += store_local_write_units(old_size,
		    found, sizes[i], !rq->writes[i].is_delete);
	}
	if (store_local_commit(sl, e) == -1)
		goto fail;
	rc = 0;
	goto out;
fail:
	rs->consumed_capacity = 0;
	store_local_rollback(sl);
out:
	for (i = 0; i < rq->nwrites; i++)
		value_free(items[i]);
	free(items);
	free(sizes);
	free(keys);
	store_local_table_cleanup(&t);
	buf_cleanup(&why);
	return rc;
}
