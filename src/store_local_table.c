/* SPDX-License-Identifier: ISC */
/* The embedded store's tables: their names and key schemas, CreateTable,
 * DescribeTable, DeleteTable and ListTables. */
#include "config.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "store_local_private.h"
#include "xmalloc.h"

#define STORE_LOCAL_LIST_MAX	100		/* ListTables page */

/* ---- names and key schemas ------------------------------------------- */

/* DynamoDB's constraints on a table name, as field `field` of the
 * request: N validation errors, each quoting the name. */
int
store_local_check_table_name(const char *name, const char *field,
    struct err *e)
{
	struct buf msg = BUF_INIT, q = BUF_INIT;
	size_t len, i;
	int nerr = 0, rc = 0;
	bool re = true;

	if (name == NULL)
		return store_local_invalid(e, "1 validation error detected: "
		    "Value null at '%s' failed to satisfy constraint: Member "
		    "must not be null", field);
	len = strlen(name);
	for (i = 0; i < len; i++)
		if (!((name[i] >= 'a' && name[i] <= 'z') ||
		    (name[i] >= 'A' && name[i] <= 'Z') ||
		    (name[i] >= '0' && name[i] <= '9') || name[i] == '_' ||
		    name[i] == '.' || name[i] == '-'))
			re = false;
	store_local_quote(&q, name, len);
	if (!re || len == 0) {
		buf_printf(&msg, "Value '%s' at '%s' failed to satisfy "
		    "constraint: Member must satisfy regular expression "
		    "pattern: " STORE_LOCAL_NAME_RE, buf_cstr(&q), field);
		nerr++;
	}
	if (len < 3 || len > STORE_LOCAL_NAME_MAX) {
		buf_printf(&msg, "%sValue '%s' at '%s' failed to satisfy "
		    "constraint: Member must have length %s than or equal to "
		    "%d", nerr > 0 ? "; " : "", buf_cstr(&q), field,
		    len < 3 ? "greater" : "less", len < 3 ? 3 :
		    STORE_LOCAL_NAME_MAX);
		nerr++;
	}
	if (nerr > 0)
		rc = store_local_invalid(e, "%d validation error%s detected: "
		    "%s", nerr, nerr > 1 ? "s" : "", buf_cstr(&msg));
	buf_cleanup(&msg);
	buf_cleanup(&q);
	return rc;
}

/* Free what a table description holds. */
void
store_local_table_cleanup(struct store_local_table *t)
{
	free(t->hash_key);
	free(t->range_key);
	t->hash_key = t->range_key = NULL;
}

/* A key type stored in the tables table; VT_COUNT when unsupported. */
static enum value_type
store_local_key_type(const unsigned char *s)
{
	if (s != NULL && strcmp((const char *)s, "S") == 0)
		return VT_S;
	if (s != NULL && strcmp((const char *)s, "B") == 0)
		return VT_B;
	return VT_COUNT;
}

/* Read table name's key schema into t. ResourceNotFoundException when
 * there is no such table; DescribeTable and DeleteTable name it. */
int
store_local_table_get(struct store_local *sl, const char *name,
    bool name_it, struct store_local_table *t, struct err *e)
{
	sqlite3_stmt *st = store_local_stmt(sl, SL_GET_TABLE, e);
	const unsigned char *range;
	int rc;

	memset(t, 0, sizeof *t);
	if (st == NULL)
		return -1;
	snprintf(t->name, sizeof t->name, "%s", name);
	sl_lib.bind_text(st, 1, name, -1, SQLITE_STATIC);
	rc = sl_lib.step(st);
	if (rc == SQLITE_DONE) {
		store_local_done(st);
		if (name_it)
			return store_local_fail(e, "ResourceNotFoundException",
			    "Requested resource not found: Table: %s not found",
			    name);
		return store_local_fail(e, "ResourceNotFoundException",
		    "Requested resource not found");
	}
	if (rc != SQLITE_ROW) {
		store_local_sqlerr(sl, "reading the table list", e);
		store_local_done(st);
		return -1;
	}
	t->hash_key = xstrdup((const char *)sl_lib.column_text(st, 0));
	t->hash_type = store_local_key_type(sl_lib.column_text(st, 1));
	range = sl_lib.column_text(st, 2);
	if (range != NULL) {
		t->range_key = xstrdup((const char *)range);
		t->range_type = store_local_key_type(
		    sl_lib.column_text(st, 3));
	}
	store_local_done(st);
	if (t->hash_type == VT_COUNT || (t->range_key != NULL &&
	    t->range_type == VT_COUNT)) {
		store_local_table_cleanup(t);
		return err_set(e, ERR_CONFIG, "%s: table %s has a key type "
		    "other than S or B, which the embedded store does not "
		    "support", sl->path, name);
	}
	return 0;
}

/* The number of items in a table. */
static int
store_local_count(struct store_local *sl, const char *table, long long *n,
    struct err *e)
{
	sqlite3_stmt *st = store_local_stmt(sl, SL_COUNT_ITEMS, e);
	int rc = 0;

	*n = 0;
	if (st == NULL)
		return -1;
	sl_lib.bind_text(st, 1, table, -1, SQLITE_STATIC);
	if (sl_lib.step(st) == SQLITE_ROW)
		*n = sl_lib.column_int64(st, 0);
	else
		rc = store_local_sqlerr(sl, "counting items", e);
	store_local_done(st);
	return rc;
}

/* ---- requests -------------------------------------------------------- */

/* Fill a table description answer. */
static int
store_local_describe_into(struct store_local *sl,
    const struct store_local_table *t, const char *status,
    struct response *rs, struct err *e)
{
	if (store_local_count(sl, t->name, &rs->item_count, e) == -1)
		return -1;
	rs->table_status = xstrdup(status);
	rs->hash_key = xstrdup(t->hash_key);
	rs->range_key = t->range_key != NULL ? xstrdup(t->range_key) : NULL;
	return 0;
}

/* DescribeTable. */
int
store_local_describe(struct store_local *sl, const struct request *rq,
    struct response *rs, struct err *e)
{
	struct store_local_table t = { .hash_key = NULL };
	int rc;

	if (store_local_check_table_name(rq->table, "tableName", e) == -1 ||
	    store_local_begin(sl, false, e) == -1)
		return -1;
	rc = store_local_table_get(sl, rq->table, true, &t, e);
	if (rc == 0)
		rc = store_local_describe_into(sl, &t, "ACTIVE", rs, e);
	store_local_rollback(sl);
	store_local_table_cleanup(&t);
	return rc;
}

/* A key attribute name of CreateTable: 1 to 255 bytes. */
static int
store_local_check_key_name(const char *name, int member, struct err *e)
{
	size_t len = name != NULL ? strlen(name) : 0;

	if (name == NULL)
		return store_local_invalid(e, "1 validation error detected: "
		    "Value null at 'keySchema.%d.member.attributeName' failed "
		    "to satisfy constraint: Member must not be null", member);
	if (len == 0 || len > STORE_LOCAL_NAME_MAX)
		return store_local_invalid(e, "1 validation error detected: "
		    "Value '%s' at 'keySchema.%d.member.attributeName' failed "
		    "to satisfy constraint: Member must have length %s than or "
		    "equal to %d", len == 0 ? "" : "...", member, len == 0 ?
		    "greater" : "less", len == 0 ? 1 : STORE_LOCAL_NAME_MAX);
	return 0;
}

/* CreateTable: S keys (the request model has no other). The answer says
 * CREATING as DynamoDB's does, though the table is ACTIVE at once: callers
 * wait for ACTIVE with DescribeTable, which they get on the first try. */
int
store_local_create(struct store_local *sl, const struct request *rq,
    struct response *rs, struct err *e)
{
	sqlite3_stmt *st;
	struct store_local_table t;
	struct err te;
	size_t len = rq->table != NULL ? strlen(rq->table) : 0;
	int rc, step;

	if (rq->table != NULL && (len < 3 || len > STORE_LOCAL_NAME_MAX))
		return store_local_invalid(e, "TableName must be at least 3 "
		    "characters long and at most 255 characters long");
	if (store_local_check_table_name(rq->table, "tableName", e) == -1 ||
	    store_local_check_key_name(rq->hash_key, 1, e) == -1 ||
	    (rq->range_key != NULL &&
	    store_local_check_key_name(rq->range_key, 2, e) == -1))
		return -1;
	if (rq->range_key != NULL && strcmp(rq->hash_key, rq->range_key) == 0)
		return store_local_invalid(e, "Both the Hash Key and the Range "
		    "Key element in the KeySchema have the same name");
	if (store_local_begin(sl, true, e) == -1)
		return -1;
	rc = store_local_table_get(sl, rq->table, false, &t, &te);
	store_local_table_cleanup(&t);
	if (rc == 0 || te.code == ERR_CONFIG) {
		store_local_rollback(sl);
		return store_local_fail(e, "ResourceInUseException", "Table "
		    "already exists: %s", rq->table);
	}
	if (te.code != ERR_NOT_FOUND) {
		store_local_rollback(sl);
		if (e != NULL)
			*e = te;
		return -1;
	}
	if ((st = store_local_stmt(sl, SL_ADD_TABLE, e)) == NULL) {
		store_local_rollback(sl);
		return -1;
	}
	sl_lib.bind_text(st, 1, rq->table, -1, SQLITE_STATIC);
	sl_lib.bind_text(st, 2, rq->hash_key, -1, SQLITE_STATIC);
	sl_lib.bind_text(st, 3, "S", -1, SQLITE_STATIC);
	if (rq->range_key != NULL) {
		sl_lib.bind_text(st, 4, rq->range_key, -1, SQLITE_STATIC);
		sl_lib.bind_text(st, 5, "S", -1, SQLITE_STATIC);
	}
	sl_lib.bind_int64(st, 6, (sqlite3_int64)time(NULL));
	step = sl_lib.step(st);
	if (step != SQLITE_DONE)
		store_local_sqlerr(sl, "creating a table", e);
	store_local_done(st);
	if (step != SQLITE_DONE || store_local_commit(sl, e) == -1) {
		store_local_rollback(sl);
		return -1;
	}
	rs->table_status = xstrdup("CREATING");
	rs->hash_key = xstrdup(rq->hash_key);
	rs->range_key = rq->range_key != NULL ? xstrdup(rq->range_key) : NULL;
	return 0;
}

/* DeleteTable: the table and its items, in one transaction. */
int
store_local_drop(struct store_local *sl, const struct request *rq,
    struct response *rs, struct err *e)
{
	struct store_local_table t = { .hash_key = NULL };
	enum store_local_stmt s[2] = { SL_DROP_ITEMS, SL_DROP_TABLE };
	sqlite3_stmt *st;
	size_t i;

	if (store_local_check_table_name(rq->table, "tableName", e) == -1 ||
	    store_local_begin(sl, true, e) == -1)
		return -1;
	if (store_local_table_get(sl, rq->table, true, &t, e) == -1 ||
	    store_local_describe_into(sl, &t, "DELETING", rs, e) == -1)
		goto fail;
	for (i = 0; i < 2; i++) {
		int step;

		if ((st = store_local_stmt(sl, s[i], e)) == NULL)
			goto fail;
		sl_lib.bind_text(st, 1, t.name, -1, SQLITE_STATIC);
		step = sl_lib.step(st);
		store_local_done(st);
		if (step != SQLITE_DONE) {
			store_local_sqlerr(sl, "deleting a table", e);
			goto fail;
		}
	}
	if (store_local_commit(sl, e) == -1)
		goto fail;
	store_local_table_cleanup(&t);
	return 0;
fail:
	store_local_rollback(sl);
	store_local_table_cleanup(&t);
	return -1;
}

/* ListTables: names in byte order, 100 a page. */
int
store_local_list(struct store_local *sl, const struct request *rq,
    struct response *rs, struct err *e)
{
	sqlite3_stmt *st;
	int step;

	if (rq->exclusive_start_table != NULL &&
	    store_local_check_table_name(rq->exclusive_start_table,
	    "exclusiveStartTableName", e) == -1)
		return -1;
	if ((st = store_local_stmt(sl, SL_LIST_TABLES, e)) == NULL)
		return -1;
	sl_lib.bind_text(st, 1, rq->exclusive_start_table != NULL ?
	    rq->exclusive_start_table : "", -1, SQLITE_STATIC);
	sl_lib.bind_int(st, 2, STORE_LOCAL_LIST_MAX + 1);
	rs->table_names = xcalloc(STORE_LOCAL_LIST_MAX + 2,
	    sizeof *rs->table_names);
	while ((step = sl_lib.step(st)) == SQLITE_ROW) {
		if (rs->ntable_names == STORE_LOCAL_LIST_MAX) {
			/* More follow: this page ends at its last name. */
			rs->last_table_name = xstrdup(
			    rs->table_names[rs->ntable_names - 1]);
			break;
		}
		rs->table_names[rs->ntable_names++] = xstrdup(
		    (const char *)sl_lib.column_text(st, 0));
	}
	store_local_done(st);
	if (step != SQLITE_ROW && step != SQLITE_DONE)
		return store_local_sqlerr(sl, "listing tables", e);
	return 0;
}
