/* SPDX-License-Identifier: ISC */
/* The embedded store: tables in one SQLite file, with DynamoDB's semantics. */
#include "config.h"

#include "store_local.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "ddbjson.h"
#include "dynload.h"
#include "expr_eval.h"
#include "store_local_private.h"
#include "xmalloc.h"

/* The soname of the SQLite the program was built against. */
#define STORE_LOCAL_LIBSQLITE	"libsqlite3.so.0"

/*
 * SQLite, loaded when the first embedded store is opened rather than
 * linked: linking it costs every start of the program ~2.5 ms of dynamic
 * loading, which `--version`, `profiles` and every DynamoDB verb never
 * need. The members have the header's own types, so a call that does not
 * match its prototype does not compile.
 */
static struct {
	__typeof__(sqlite3_bind_blob)	*bind_blob;
	__typeof__(sqlite3_bind_int)	*bind_int;
	__typeof__(sqlite3_bind_int64)	*bind_int64;
	__typeof__(sqlite3_bind_text)	*bind_text;
	__typeof__(sqlite3_bind_zeroblob)	*bind_zeroblob;
	__typeof__(sqlite3_busy_timeout)	*busy_timeout;
	__typeof__(sqlite3_clear_bindings)	*clear_bindings;
	__typeof__(sqlite3_close_v2)	*close_v2;
	__typeof__(sqlite3_column_bytes)	*column_bytes;
	__typeof__(sqlite3_column_int64)	*column_int64;
	__typeof__(sqlite3_column_text)	*column_text;
	__typeof__(sqlite3_create_function_v2)	*create_function_v2;
	__typeof__(sqlite3_errcode)	*errcode;
	__typeof__(sqlite3_errmsg)	*errmsg;
	__typeof__(sqlite3_exec)	*exec;
	__typeof__(sqlite3_finalize)	*finalize;
	__typeof__(sqlite3_get_autocommit)	*get_autocommit;
	__typeof__(sqlite3_open_v2)	*open_v2;
	__typeof__(sqlite3_prepare_v2)	*prepare_v2;
	__typeof__(sqlite3_prepare_v3)	*prepare_v3;
	__typeof__(sqlite3_reset)	*reset;
	__typeof__(sqlite3_result_int64)	*result_int64;
	__typeof__(sqlite3_step)	*step;
	__typeof__(sqlite3_value_blob)	*value_blob;
	__typeof__(sqlite3_value_bytes)	*value_bytes;
	__typeof__(sqlite3_value_int64)	*value_int64;
} sl_lib;
static bool		 sl_loaded;		/* sl_lib is complete */
static char		 sl_load_error[256];
static pthread_once_t	 sl_once = PTHREAD_ONCE_INIT;

/* Load SQLite, once per process. */
static void
store_local_load_once(void)
{
	const struct dynload_sym syms[] = {
		{ "sqlite3_bind_blob", &sl_lib.bind_blob },
		{ "sqlite3_bind_int", &sl_lib.bind_int },
		{ "sqlite3_bind_int64", &sl_lib.bind_int64 },
		{ "sqlite3_bind_text", &sl_lib.bind_text },
		{ "sqlite3_bind_zeroblob", &sl_lib.bind_zeroblob },
		{ "sqlite3_busy_timeout", &sl_lib.busy_timeout },
		{ "sqlite3_clear_bindings", &sl_lib.clear_bindings },
		{ "sqlite3_close_v2", &sl_lib.close_v2 },
		{ "sqlite3_column_bytes", &sl_lib.column_bytes },
		{ "sqlite3_column_int64", &sl_lib.column_int64 },
		{ "sqlite3_column_text", &sl_lib.column_text },
		{ "sqlite3_create_function_v2", &sl_lib.create_function_v2 },
		{ "sqlite3_errcode", &sl_lib.errcode },
		{ "sqlite3_errmsg", &sl_lib.errmsg },
		{ "sqlite3_exec", &sl_lib.exec },
		{ "sqlite3_finalize", &sl_lib.finalize },
		{ "sqlite3_get_autocommit", &sl_lib.get_autocommit },
		{ "sqlite3_open_v2", &sl_lib.open_v2 },
		{ "sqlite3_prepare_v2", &sl_lib.prepare_v2 },
		{ "sqlite3_prepare_v3", &sl_lib.prepare_v3 },
		{ "sqlite3_reset", &sl_lib.reset },
		{ "sqlite3_result_int64", &sl_lib.result_int64 },
		{ "sqlite3_step", &sl_lib.step },
		{ "sqlite3_value_blob", &sl_lib.value_blob },
		{ "sqlite3_value_bytes", &sl_lib.value_bytes },
		{ "sqlite3_value_int64", &sl_lib.value_int64 },
		{ NULL, NULL }
	};

	sl_loaded = dynload_open(STORE_LOCAL_LIBSQLITE, syms, sl_load_error,
	    sizeof sl_load_error) == 0;
}

/* SQLite's functions, or -1 with the loader's reason. */
static int
store_local_load(struct err *e)
{
	pthread_once(&sl_once, store_local_load_once);
	if (!sl_loaded)
		return err_set(e, ERR_IO, "the embedded store needs SQLite: %s",
		    sl_load_error);
	return 0;
}

/* "dynr" in PRAGMA application_id marks a file as ours. */
#define STORE_LOCAL_APP_ID	0x64796e72
#define STORE_LOCAL_FORMAT	"dynrepo-local"
#define STORE_LOCAL_VERSION	"1"

/* DynamoDB's limits. */
#define STORE_LOCAL_ITEM_MAX	409600		/* 400 KB */
#define STORE_LOCAL_HASH_MAX	2048
#define STORE_LOCAL_RANGE_MAX	1024
#define STORE_LOCAL_PAGE_MAX	(1024 * 1024)	/* Query/Scan page */
#define STORE_LOCAL_GET_MAX	100		/* BatchGetItem keys */
#define STORE_LOCAL_WRITE_MAX	25		/* BatchWriteItem writes */
/* A BatchGetItem answer. */
#define STORE_LOCAL_ANSWER_MAX	(16 * 1024 * 1024)
#define STORE_LOCAL_LIST_MAX	100		/* ListTables page */
#define STORE_LOCAL_SEGMENTS_MAX 1000000
#define STORE_LOCAL_NAME_MAX	255
#define STORE_LOCAL_BUSY_MS	5000

#define STORE_LOCAL_NAME_RE	"[a-zA-Z0-9_.-]+"

/* Statements prepared once per connection. */
enum store_local_stmt {
	SL_GET_TABLE,
	SL_GET_ITEM,
	SL_PUT_ITEM,
	SL_DEL_ITEM,
	SL_COUNT_ITEMS,
	SL_LIST_TABLES,
	SL_ADD_TABLE,
	SL_DROP_ITEMS,
	SL_DROP_TABLE,
	SL_STMT_COUNT
};

static const char *const store_local_sql[SL_STMT_COUNT] = {
	[SL_GET_TABLE] = "SELECT hash_key, hash_type, range_key, range_type "
	    "FROM tables WHERE name = ?1",
	[SL_GET_ITEM] = "SELECT item, size FROM items "
	    "WHERE tbl = ?1 AND pk = ?2 AND sk = ?3",
	[SL_PUT_ITEM] = "INSERT OR REPLACE INTO items "
	    "(tbl, pk, sk, item, size) VALUES (?1, ?2, ?3, ?4, ?5)",
	[SL_DEL_ITEM] = "DELETE FROM items "
	    "WHERE tbl = ?1 AND pk = ?2 AND sk = ?3",
	[SL_COUNT_ITEMS] = "SELECT count(*) FROM items WHERE tbl = ?1",
	[SL_LIST_TABLES] = "SELECT name FROM tables WHERE name > ?1 "
	    "ORDER BY name LIMIT ?2",
	[SL_ADD_TABLE] = "INSERT INTO tables (name, hash_key, hash_type, "
	    "range_key, range_type, created) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	[SL_DROP_ITEMS] = "DELETE FROM items WHERE tbl = ?1",
	[SL_DROP_TABLE] = "DELETE FROM tables WHERE name = ?1",
};

static const char store_local_schema_sql[] =
	"CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE tables (name TEXT PRIMARY KEY, hash_key TEXT NOT NULL,"
	" hash_type TEXT NOT NULL, range_key TEXT, range_type TEXT,"
	" created INTEGER NOT NULL);"
	"CREATE TABLE items (tbl TEXT NOT NULL, pk BLOB NOT NULL,"
	" sk BLOB NOT NULL, item TEXT NOT NULL, size INTEGER NOT NULL,"
	" PRIMARY KEY (tbl, pk, sk));"
	"INSERT INTO meta VALUES ('format', '" STORE_LOCAL_FORMAT "');"
	"INSERT INTO meta VALUES ('schema_version', '"
	    STORE_LOCAL_VERSION "');";

struct store_local {
	struct store	 base;
	sqlite3		*db;
	char		*path;
	sqlite3_stmt	*stmts[SL_STMT_COUNT];
};

/* A table's key schema, read from the tables table. */
struct store_local_table {
	char		 name[STORE_LOCAL_NAME_MAX + 1];
	char		*hash_key;
	char		*range_key;	/* NULL for a hash-only table */
	enum value_type	 hash_type;
	enum value_type	 range_type;
};

/* A primary key as SQLite stores it: the key values' bytes (borrowed).
 * S keys are their UTF-8 bytes and B keys their raw bytes, so SQLite's
 * memcmp order of BLOBs is DynamoDB's order; a hash-only table has an
 * empty sk. */
struct store_local_key {
	const char	*pk;
	size_t		 pklen;
	const char	*sk;
	size_t		 sklen;
};

/* One condition of a key condition expression, after decomposition. */
struct store_local_kcond {
	const char		*name;
	size_t			 name_len;
	enum expr_kind		 op;	/* EQ LT LE GT GE BETWEEN
					   BEGINS_WITH */
	const struct value	*v[2];
	size_t			 nv;
};

struct store_local_kc {
	struct store_local_kcond	*c;
	size_t				 n;
};


/* An SQLite failure: ERR_IO with the file and SQLite's reason. */
static int
store_local_sqlerr(struct store_local *sl, const char *what, struct err *e)
{
	return err_set(e, ERR_IO, "%s: %s: %s", sl->path, what,
	    sl_lib.errmsg(sl->db));
}

/* ---- names and keys -------------------------------------------------- */

/* DynamoDB's constraints on a table name, as field `field` of the
 * request: N validation errors, each quoting the name. */
static int
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

/* The statement for s, prepared on first use; NULL with ERR_IO. */
static sqlite3_stmt *
store_local_stmt(struct store_local *sl, enum store_local_stmt s,
    struct err *e)
{
	if (sl->stmts[s] == NULL &&
	    sl_lib.prepare_v3(sl->db, store_local_sql[s], -1,
	    SQLITE_PREPARE_PERSISTENT, &sl->stmts[s], NULL) != SQLITE_OK) {
		store_local_sqlerr(sl, "prepare", e);
		return NULL;
	}
	return sl->stmts[s];
}

/* Bind bytes as a BLOB (an empty one too: a NULL pointer would bind
 * NULL). */
static void
store_local_bind_blob(sqlite3_stmt *st, int i, const char *p, size_t len)
{
	if (len == 0)
		sl_lib.bind_zeroblob(st, i, 0);
	else
		sl_lib.bind_blob(st, i, p, (int)len, SQLITE_STATIC);
}

/* Bind table name and key as ?1 ?2 ?3. */
static void
store_local_bind_key(sqlite3_stmt *st, const struct store_local_table *t,
    const struct store_local_key *k)
{
	sl_lib.bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	store_local_bind_blob(st, 2, k->pk, k->pklen);
	store_local_bind_blob(st, 3, k->sk, k->sklen);
}

/* Reset a statement for its next use. */
static void
store_local_done(sqlite3_stmt *st)
{
	sl_lib.reset(st);
	sl_lib.clear_bindings(st);
}

/* Free what a table description holds. */
static void
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
static int
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

/* One key attribute of a key (validateKeyPiece): present, of the
 * schema's type, not empty, within DynamoDB's size limits. */
static bool
store_local_piece_ok(const struct value *key, const char *attr,
    enum value_type type, bool is_hash, struct buf *why)
{
	const struct value *v = value_map_get(key, attr);

	if (v == NULL || v->type != type) {
		buf_adds(why, "The provided key element does not match the "
		    "schema");
		return false;
	}
	if (v->u.str.len == 0) {
		buf_printf(why, "One or more parameter values were invalid: "
		    "The AttributeValue for a key attribute cannot contain an "
		    "empty %s value. Key: %s", type == VT_S ? "string" :
		    "binary", attr);
		return false;
	}
	if (is_hash && v->u.str.len > STORE_LOCAL_HASH_MAX) {
		buf_adds(why, "One or more parameter values were invalid: "
		    "Size of hashkey has exceeded the maximum size limit "
		    "of2048 bytes");
		return false;
	}
	if (!is_hash && v->u.str.len > STORE_LOCAL_RANGE_MAX) {
		buf_adds(why, "One or more parameter values were invalid: "
		    "Aggregated size of all range keys has exceeded the size "
		    "limit of 1024 bytes");
		return false;
	}
	return true;
}

/* A whole key (validateKey): exactly the schema's attributes. */
static bool
store_local_key_ok(const struct store_local_table *t, const struct value *key,
    struct buf *why)
{
	if (key->u.map.len != (t->range_key != NULL ? 2u : 1u)) {
		buf_adds(why, "The provided key element does not match the "
		    "schema");
		return false;
	}
	return store_local_piece_ok(key, t->hash_key, t->hash_type, true,
	    why) && (t->range_key == NULL || store_local_piece_ok(key,
	    t->range_key, t->range_type, false, why));
}

/* One key attribute of an item (validateItem). */
static bool
store_local_item_piece_ok(const struct value *item, const char *attr,
    enum value_type type, bool is_hash, struct buf *why)
{
	const struct value *v = value_map_get(item, attr);

	if (v == NULL) {
		buf_printf(why, "One or more parameter values were invalid: "
		    "Missing the key %s in the item", attr);
		return false;
	}
	if (v->type != type) {
		buf_printf(why, "One or more parameter values were invalid: "
		    "Type mismatch for key %s expected: %s actual: %s", attr,
		    value_type_name(type), value_type_name(v->type));
		return false;
	}
	if (v->u.str.len == 0) {
		buf_printf(why, "One or more parameter values are not valid. "
		    "The AttributeValue for a key attribute cannot contain an "
		    "empty %s value. Key: %s", type == VT_S ? "string" :
		    "binary", attr);
		return false;
	}
	return store_local_piece_ok(item, attr, type, is_hash, why);
}

/* An item's key attributes (validateItem). */
static bool
store_local_item_ok(const struct store_local_table *t,
    const struct value *item, struct buf *why)
{
	return store_local_item_piece_ok(item, t->hash_key, t->hash_type,
	    true, why) && (t->range_key == NULL ||
	    store_local_item_piece_ok(item, t->range_key, t->range_type, false,
	    why));
}

/* The stored key of a validated key or item (pointers into it). */
static void
store_local_key_of(const struct store_local_table *t, const struct value *m,
    struct store_local_key *k)
{
	const struct value *h = value_map_get(m, t->hash_key);
	const struct value *r = t->range_key != NULL ?
	    value_map_get(m, t->range_key) : NULL;

	k->pk = h->u.str.ptr;
	k->pklen = h->u.str.len;
	k->sk = r != NULL ? r->u.str.ptr : "";
	k->sklen = r != NULL ? r->u.str.len : 0;
}

/* Whether two stored keys are equal. */
static bool
store_local_key_equal(const struct store_local_key *a,
    const struct store_local_key *b)
{
	return a->pklen == b->pklen && a->sklen == b->sklen &&
	    memcmp(a->pk, b->pk, a->pklen) == 0 &&
	    memcmp(a->sk, b->sk, a->sklen) == 0;
}

/* A new M holding only the key attributes of item. */
static struct value *
store_local_key_value(const struct store_local_table *t,
    const struct value *item)
{
	struct value *k = value_new_m();

	value_map_set(k, t->hash_key, value_copy(value_map_get(item,
	    t->hash_key)));
	if (t->range_key != NULL)
		value_map_set(k, t->range_key, value_copy(value_map_get(item,
		    t->range_key)));
	return k;
}

/* Whether a path's first segment is the attribute name. */
static bool
store_local_path_head_is(const struct path *p, const char *name)
{
	return p->n > 0 && p->segs[0].name != NULL &&
	    p->segs[0].name_len == strlen(name) &&
	    memcmp(p->segs[0].name, name, p->segs[0].name_len) == 0;
}

/* Whether expression x uses a path headed by name; with nested, only
 * paths that go inside it (name.a, name[0]). */
static bool
store_local_expr_uses(const struct expr *x, const char *name, bool nested)
{
	size_t i;

	if (x == NULL)
		return false;
	if (x->kind == EX_PATH && store_local_path_head_is(&x->path, name) &&
	    (!nested || x->path.n > 1))
		return true;
	for (i = 0; i < x->nargs; i++)
		if (store_local_expr_uses(x->args[i], name, nested))
			return true;
	return false;
}

/* Key attributes are scalars: projections, filters and updates may not
 * look inside them (validateKeyPaths). */
static int
store_local_check_key_paths(const struct store_local_table *t,
    const struct request *rq, const struct expr *x, struct err *e)
{
	const char *keys[2] = { t->hash_key, t->range_key };
	size_t k, i;

	for (k = 0; k < 2 && keys[k] != NULL; k++) {
		bool bad = store_local_expr_uses(x, keys[k], true);

		for (i = 0; rq != NULL && i < rq->nprojection && !bad; i++)
			bad = store_local_path_head_is(&rq->projection[i],
			    keys[k]) && rq->projection[i].n > 1;
		if (bad)
			return store_local_invalid(e, "Key attributes must be "
			    "scalars; list random access '[]' and map lookup "
			    "'.' are not allowed: Key: %s", keys[k]);
	}
	return 0;
}

/* ---- rows ------------------------------------------------------------ */

/* Run one SQL text (transaction control); ERR_IO on failure. */
static int
store_local_exec(struct store_local *sl, const char *sql, struct err *e)
{
	if (sl_lib.exec(sl->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return store_local_sqlerr(sl, sql, e);
	return 0;
}

/* Start a read snapshot, or (write) take the write lock at once so that
 * the transaction never has to upgrade and fail on a busy file. */
static int
store_local_begin(struct store_local *sl, bool write, struct err *e)
{
	return store_local_exec(sl, write ? "BEGIN IMMEDIATE" : "BEGIN", e);
}

/* Commit; the write is durable when this returns 0. */
static int
store_local_commit(struct store_local *sl, struct err *e)
{
	if (store_local_exec(sl, "COMMIT", e) == -1) {
		sl_lib.exec(sl->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

/* Undo an open transaction, keeping the error already recorded. */
static void
store_local_rollback(struct store_local *sl)
{
	if (!sl_lib.get_autocommit(sl->db))
		sl_lib.exec(sl->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Parse a stored item; ERR_IO naming the table when it is damaged. */
static struct value *
store_local_parse_row(struct store_local *sl, const char *table,
    sqlite3_stmt *st, int col, struct err *e)
{
	const char *text = (const char *)sl_lib.column_text(st, col);
	int len = sl_lib.column_bytes(st, col);
	struct value *item;

	item = ddbjson_parse_item(text != NULL ? text : "", (size_t)len, e);
	if (item == NULL)
		err_prefix(e, "%s: damaged item in table %s: ", sl->path,
		    table);
	if (item == NULL && e != NULL)
		e->code = ERR_IO;
	return item;
}

/* Read the item at key: *item is NULL when there is none; *size is its
 * stored DynamoDB size. */
static int
store_local_fetch(struct store_local *sl, const struct store_local_table *t,
    const struct store_local_key *k, struct value **item, size_t *size,
    struct err *e)
{
	sqlite3_stmt *st = store_local_stmt(sl, SL_GET_ITEM, e);
	int rc;

	*item = NULL;
	if (size != NULL)
		*size = 0;
	if (st == NULL)
		return -1;
	store_local_bind_key(st, t, k);
	rc = sl_lib.step(st);
	if (rc == SQLITE_ROW) {
		if (size != NULL)
			*size = (size_t)sl_lib.column_int64(st, 1);
		*item = store_local_parse_row(sl, t->name, st, 0, e);
		rc = *item != NULL ? 0 : -1;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = store_local_sqlerr(sl, "reading an item", e);
	store_local_done(st);
	return rc;
}

/* The stored size of the item at key, 0 when absent. */
static int
store_local_fetch_size(struct store_local *sl,
    const struct store_local_table *t, const struct store_local_key *k,
    bool *found, size_t *size, struct err *e)
{
	sqlite3_stmt *st = store_local_stmt(sl, SL_GET_ITEM, e);
	int rc;

	*found = false;
	*size = 0;
	if (st == NULL)
		return -1;
	store_local_bind_key(st, t, k);
	rc = sl_lib.step(st);
	if (rc == SQLITE_ROW) {
		*found = true;
		*size = (size_t)sl_lib.column_int64(st, 1);
		rc = 0;
	} else if (rc == SQLITE_DONE)
		rc = 0;
	else
		rc = store_local_sqlerr(sl, "reading an item", e);
	store_local_done(st);
	return rc;
}

/* Store item (canonical, validated) at its key. */
static int
store_local_store(struct store_local *sl, const struct store_local_table *t,
    const struct value *item, size_t size, struct err *e)
{
	sqlite3_stmt *st = store_local_stmt(sl, SL_PUT_ITEM, e);
	struct store_local_key k;
	struct buf json = BUF_INIT;
	int rc = 0;

	if (st == NULL)
		return -1;
	store_local_key_of(t, item, &k);
	ddbjson_emit_item(&json, item);
	store_local_bind_key(st, t, &k);
	sl_lib.bind_text(st, 4, buf_cstr(&json), (int)json.len,
	    SQLITE_STATIC);
	sl_lib.bind_int64(st, 5, (sqlite3_int64)size);
	if (sl_lib.step(st) != SQLITE_DONE)
		rc = store_local_sqlerr(sl, "writing an item", e);
	store_local_done(st);
	buf_cleanup(&json);
	return rc;
}

/* Delete the item at key (nothing when absent). */
static int
store_local_remove(struct store_local *sl, const struct store_local_table *t,
    const struct store_local_key *k, struct err *e)
{
	sqlite3_stmt *st = store_local_stmt(sl, SL_DEL_ITEM, e);
	int rc = 0;

	if (st == NULL)
		return -1;
	store_local_bind_key(st, t, k);
	if (sl_lib.step(st) != SQLITE_DONE)
		rc = store_local_sqlerr(sl, "deleting an item", e);
	store_local_done(st);
	return rc;
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

/* ---- sizes and capacity ---------------------------------------------- */

static size_t store_local_page_attrs(const struct value *, bool,
    const char *, size_t *);
static size_t store_local_page_stored(const struct value *, bool);

/* valSize of the paging measure DynamoDB uses (as dynalite models it). */
static size_t
store_local_page_val(const struct value *v, bool compress)
{
	struct store_local_num n;
	size_t s = 0, i;

	switch (v->type) {
	case VT_S:
	case VT_B:
		return v->u.str.len;
	case VT_N:
		if (store_local_num_parse(v->u.str.ptr, v->u.str.len,
		    &n) != 0 || n.digits == 0)
			return 1;
		return 1 + (n.digits + 1) / 2 + ((n.digits % 2 != 0 ||
		    n.e % 2 != 0) ? 0 : 1) + (n.neg ? 1 : 0);
	case VT_SS:
	case VT_NS:
	case VT_BS:
		for (i = 0; i < v->u.list.len; i++)
			s += store_local_page_val(v->u.list.items[i], false);
		return s;
	case VT_NULL:
	case VT_BOOL:
		return 1;
	case VT_L:
		s = 3;
		for (i = 0; i < v->u.list.len; i++)
			s += 1 + store_local_page_stored(v->u.list.items[i],
			    compress);
		return s;
	case VT_M:
		return 3 + v->u.map.len + store_local_page_attrs(v, compress,
		    NULL, NULL);
	default:
		return 0;
	}
}

/* valSizeWithStorage: a value with its storage overhead. */
static size_t
store_local_page_stored(const struct value *v, bool compress)
{
	size_t s = store_local_page_val(v, compress);

	if (!compress)
		return s;
	switch (v->type) {
	case VT_S:
		return s + (s < 128 ? 1 : s < 16384 ? 2 : 3);
	case VT_B:
	case VT_N:
		return s + 1;
	case VT_SS:
	case VT_NS:
	case VT_BS:
		return s + v->u.list.len + 1;
	case VT_NULL:
		return 0;
	case VT_BOOL:
		return 1;
	default:
		return s;
	}
}

/* itemSize without the metadata: the attributes of a map, the range key
 * apart (its size goes to *range_size). */
static size_t
store_local_page_attrs(const struct value *m, bool compress,
    const char *range_key, size_t *range_size)
{
	size_t s = 0, i;

	for (i = 0; i < m->u.map.len; i++) {
		const struct value_member *a = &m->u.map.items[i];
		bool is_range = range_key != NULL &&
		    strcmp(a->name, range_key) == 0 &&
		    a->name_len == strlen(range_key);
		size_t x = store_local_page_stored(a->value,
		    compress && !is_range);

		if (compress && is_range) {
			*range_size = x;
			continue;
		}
		s += x + (compress ? 1 : a->name_len);
	}
	return s;
}

/* The size an item adds to a Query or Scan page, which stops at 1 MB:
 * DynamoDB's stored form with its per-item overhead. */
static size_t
store_local_page_size(const struct value *item, const char *range_key)
{
	size_t range_size = 0, s;

	s = store_local_page_attrs(item, true, range_key, &range_size);
	return 2 + s + (1 + (1 + s) / 3072) * (18 + range_size);
}

/* Read units for bytes read: 4 KB each, half for eventually consistent
 * reads. */
static double
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

/* ---- item operations ------------------------------------------------- */

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
static int
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
static int
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
static int
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
static int
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

/* ---- Query and Scan -------------------------------------------------- */

/* Add one decomposed key condition. */
static void
store_local_kc_add(struct store_local_kc *kc, const struct path *p,
    enum expr_kind op, const struct expr *const *vals, size_t nv)
{
	struct store_local_kcond *c;
	size_t i;

	kc->c = xreallocarray(kc->c, kc->n + 1, sizeof *kc->c);
	c = &kc->c[kc->n++];
	c->name = p->segs[0].name;
	c->name_len = p->segs[0].name_len;
	c->op = op;
	c->nv = nv;
	for (i = 0; i < 2; i++)
		c->v[i] = i < nv && vals[i]->kind == EX_VALUE ?
		    vals[i]->value : NULL;
}

/* The condition on attribute name, or NULL. */
static const struct store_local_kcond *
store_local_kc_find(const struct store_local_kc *kc, const char *name)
{
	size_t i;

	for (i = 0; i < kc->n; i++)
		if (kc->c[i].name_len == strlen(name) &&
		    memcmp(kc->c[i].name, name, kc->c[i].name_len) == 0)
			return &kc->c[i];
	return NULL;
}

/* Split a key condition into one condition per key attribute, refusing
 * what DynamoDB refuses, in the order it looks (convertKeyCondition). */
static int
store_local_kc_split(const struct expr *x, struct store_local_kc *kc,
    struct err *e)
{
	static const char inv[] = "Invalid condition in "
	    "KeyConditionExpression: ";
	const struct path *attr = NULL;
	const struct expr *vals[2];
	enum expr_kind op = x->kind;
	size_t i, ix = 0, nv = 0;
	const char *f = store_local_function_name(x->kind);

	switch (x->kind) {
	case EX_OR:
		return store_local_invalid(e, "Invalid operator used in "
		    "KeyConditionExpression: OR");
	case EX_NOT:
		return store_local_invalid(e, "Invalid operator used in "
		    "KeyConditionExpression: NOT");
	case EX_IN:
		return store_local_invalid(e, "Invalid operator used in "
		    "KeyConditionExpression: IN");
	case EX_NE:
		return store_local_invalid(e, "Invalid operator used in "
		    "KeyConditionExpression: <>");
	case EX_EXISTS: case EX_NOT_EXISTS: case EX_ATTR_TYPE: case EX_CONTAINS:
		return store_local_invalid(e, "Invalid operator used in "
		    "KeyConditionExpression: %s", f);
	case EX_SIZE:
		return store_local_invalid(e, "KeyConditionExpressions cannot "
		    "contain nested operations");
	case EX_BETWEEN:
	case EX_BEGINS_WITH:
		if (x->nargs == 0 || x->args[0]->kind != EX_PATH)
			return store_local_invalid(e, "%s%s operator must have "
			    "the key attribute as its first operand", inv,
			    x->kind == EX_BETWEEN ? "BETWEEN" : f);
		break;
	default:
		break;
	}
	for (i = 0; i < x->nargs; i++) {
		const struct expr *a = x->args[i];

		if (a->kind == EX_PATH) {
			if (attr != NULL)
				return store_local_invalid(e, "%sMultiple "
				    "attribute names used in one condition",
				    inv);
			if (a->path.n != 1 || a->path.segs[0].name == NULL)
				return store_local_invalid(e, "KeyCondition"
				    "Expressions cannot have conditions on "
				    "nested attributes");
			attr = &a->path;
			ix = i;
		} else if (a->kind != EX_VALUE) {
			if (store_local_kc_split(a, kc, e) == -1)
				return -1;
		} else if (nv < 2)
			vals[nv++] = a;
	}
	if (x->kind == EX_AND)
		return 0;
	if (attr == NULL)
		return store_local_invalid(e, "%sNo key attribute specified",
		    inv);
	for (i = 0; i < kc->n; i++)
		if (kc->c[i].name_len == attr->segs[0].name_len &&
		    memcmp(kc->c[i].name, attr->segs[0].name,
		    kc->c[i].name_len) == 0)
			return store_local_invalid(e, "KeyConditionExpressions "
			    "must only contain one condition per key");
	/* :v < #k is #k > :v. */
	if (ix != 0)
		op = op == EX_LT ? EX_GT : op == EX_LE ? EX_GE :
		    op == EX_GT ? EX_LT : op == EX_GE ? EX_LE : op;
	store_local_kc_add(kc, attr, op, vals, nv);
	return 0;
}

/* Whether a stored sort key satisfies a range condition. */
static bool
store_local_kc_match(const struct store_local_kcond *c, const char *p,
    size_t len)
{
	struct value v = { .type = c->v[0]->type };
	int lo, hi;

	v.u.str.ptr = (char *)(uintptr_t)p;
	v.u.str.len = len;
	lo = store_local_scalar_cmp(&v, c->v[0]);
	switch (c->op) {
	case EX_EQ:
		return lo == 0;
	case EX_LT:
		return lo < 0;
	case EX_LE:
		return lo <= 0;
	case EX_GT:
		return lo > 0;
	case EX_GE:
		return lo >= 0;
	case EX_BETWEEN:
		hi = store_local_scalar_cmp(&v, c->v[1]);
		return lo >= 0 && hi <= 0;
	case EX_BEGINS_WITH:
		return len >= c->v[0]->u.str.len &&
		    memcmp(p, c->v[0]->u.str.ptr, c->v[0]->u.str.len) == 0;
	default:
		return false;
	}
}

/* The checks a Query makes against the table's key schema, in
 * DynamoDB's order: the start key, the key conditions, the filter. */
static int
store_local_query_check(const struct store_local_table *t,
    const struct request *rq, const struct store_local_kc *kc,
    struct err *e)
{
	const char *keys[2] = { t->hash_key, t->range_key };
	enum value_type types[2] = { t->hash_type, t->range_type };
	const struct value *esk = rq->exclusive_start_key;
	const struct store_local_kcond *c, *hc, *rc;
	struct buf why = BUF_INIT;
	size_t k, i, nkeys = t->range_key != NULL ? 2 : 1;

	if (esk != NULL && esk->u.map.len != nkeys)
		return store_local_invalid(e, "The provided starting key is "
		    "invalid");
	for (k = 0; k < nkeys; k++) {
		if (esk != NULL && value_map_get(esk, keys[k]) == NULL)
			return store_local_invalid(e, "The provided starting "
			    "key is invalid");
		if (esk != NULL && !store_local_piece_ok(esk, keys[k],
		    types[k], k == 0, &why)) {
			store_local_invalid(e, "%s", buf_cstr(&why));
			buf_cleanup(&why);
			return -1;
		}
		if (k == 0 && nkeys == 1 && kc->n > 1)
			return store_local_invalid(e, "Query key condition not "
			    "supported");
		c = store_local_kc_find(kc, keys[k]);
		if (c == NULL) {
			if (k == 0 || kc->n > 1)
				return store_local_invalid(e, "Query condition "
				    "missed key schema element: %s", keys[k]);
			continue;
		}
		for (i = 0; i < c->nv; i++)
			if (c->v[i] == NULL || c->v[i]->type != types[k])
				return store_local_invalid(e, "One or more "
				    "parameter values were invalid: Condition "
				    "parameter type does not match schema "
				    "type");
		if (k == 0 && c->op != EX_EQ)
			return store_local_invalid(e, "Query key condition not "
			    "supported");
	}
	hc = store_local_kc_find(kc, t->hash_key);
	rc = t->range_key != NULL ? store_local_kc_find(kc, t->range_key) :
	    NULL;
	if (esk != NULL) {
		const struct value *h = value_map_get(esk, t->hash_key);
		const struct value *r = t->range_key != NULL ?
		    value_map_get(esk, t->range_key) : NULL;
		bool same = h->u.str.len == hc->v[0]->u.str.len &&
		    memcmp(h->u.str.ptr, hc->v[0]->u.str.ptr,
		    h->u.str.len) == 0;

		if (rc == NULL && !same)
			return store_local_invalid(e, "The provided starting "
			    "key is outside query boundaries based on provided "
			    "conditions");
		if (rc != NULL && !store_local_kc_match(rc, r->u.str.ptr,
		    r->u.str.len))
			return store_local_invalid(e, "The provided starting "
			    "key does not match the range key predicate");
		if (rc != NULL && !same)
			return store_local_invalid(e, "The query can return at "
			    "most one row and cannot be restarted");
	}
	if (store_local_check_key_paths(t, rq, NULL, e) == -1)
		return -1;
	for (k = 0; k < nkeys; k++)
		if (store_local_expr_uses(rq->filter, keys[k], false))
			return store_local_invalid(e, "Filter Expression can "
			    "only contain non-primary key attributes: Primary "
			    "key attribute: %s", keys[k]);
	return 0;
}

/* Read rows (columns pk, sk, item) into a page as DynamoDB pages: Limit
 * and the 1 MB budget count items read before the filter, and either
 * one, once reached, ends the page with the last read item's key as
 * LastEvaluatedKey, even when no more items follow. */
static int
store_local_page(struct store_local *sl, const struct store_local_table *t,
    const struct request *rq, sqlite3_stmt *st, struct response *rs,
    struct err *e)
{
	struct value *last = NULL;
	size_t budget = 0, read = 0;
	long count = 0, matched = 0;
	bool full = false;
	int rc = 0, step;

	for (;;) {
		struct value *item;
		bool match = true;

		full = (rq->limit > 0 && count >= rq->limit) ||
		    budget >= STORE_LOCAL_PAGE_MAX;
		if (full)
			break;
		step = sl_lib.step(st);
		if (step == SQLITE_DONE)
			break;
		if (step != SQLITE_ROW) {
			rc = store_local_sqlerr(sl, "reading items", e);
			break;
		}
		item = store_local_parse_row(sl, t->name, st, 2, e);
		if (item == NULL) {
			rc = -1;
			break;
		}
		read += expr_eval_item_size(item);
		budget += store_local_page_size(item, t->range_key);
		count++;
		value_free(last);
		last = store_local_key_value(t, item);
		if (rq->filter != NULL && expr_eval_condition(rq->filter, item,
		    &match, e) == -1) {
			value_free(item);
			rc = store_local_adopt(e, "");
			break;
		}
		if (match)
			matched++;
		if (match && !rq->select_count && rq->nprojection > 0)
			response_add_item(rs, expr_eval_project(rq->projection,
			    rq->nprojection, item));
		else if (match && !rq->select_count) {
			response_add_item(rs, item);
			item = NULL;
		}
		value_free(item);
	}
	if (rc == 0) {
		rs->count = matched;
		rs->scanned_count = count;
		rs->consumed_capacity = store_local_read_units(read,
		    rq->consistent_read);
		if (full) {
			rs->last_evaluated_key = last;
			last = NULL;
		}
	}
	value_free(last);
	return rc;
}

/* The smallest byte string above every string that starts with p; false
 * when there is none (p is all 0xff). */
static bool
store_local_successor(const struct value *p, struct buf *out)
{
	size_t n = p->u.str.len;

	while (n > 0 && (unsigned char)p->u.str.ptr[n - 1] == 0xff)
		n--;
	if (n == 0)
		return false;
	buf_add(out, p->u.str.ptr, n);
	out->data[n - 1] = (char)((unsigned char)out->data[n - 1] + 1);
	return true;
}

/* The checks of a Query or Scan that need no table. */
static int
store_local_check_read(const struct request *rq, struct err *e)
{
	if (store_local_check_table_name(rq->table, "tableName", e) == -1)
		return -1;
	if (rq->exclusive_start_key != NULL &&
	    store_local_check_values(rq->exclusive_start_key,
	    "The provided starting key is invalid: ", e) == -1)
		return -1;
	return 0;
}

/* Query: one partition, a range of sort keys, in order. */
static int
store_local_query(struct store_local *sl, const struct request *rq,
    struct response *rs, struct err *e)
{
	struct store_local_kc kc = { NULL, 0 };
	struct store_local_table t = { .hash_key = NULL };
	const struct store_local_kcond *hc, *rc;
	struct buf sql = BUF_INIT, succ = BUF_INIT;
	const struct value *binds[4];
	sqlite3_stmt *st = NULL;
	size_t nb = 0, i;
	int ret = -1;

	if (store_local_check_read(rq, e) == -1)
		return -1;
	if (rq->key_condition == NULL)
		return store_local_invalid(e, "Either the KeyConditions or "
		    "KeyConditionExpression parameter must be specified in the "
		    "request.");
	if (store_local_check_expr_values(rq, e) == -1 ||
	    store_local_check_cond(rq->key_condition,
	    "KeyConditionExpression", e) == -1 ||
	    store_local_check_cond(rq->filter, "FilterExpression",
	    e) == -1 || store_local_check_projection(rq, e) == -1)
		return -1;
	if (store_local_kc_split(rq->key_condition, &kc, e) == -1)
		goto out;
	if (kc.n != 1 && kc.n != 2) {
		store_local_invalid(e, "Conditions can be of length 1 or 2 "
		    "only");
		goto out;
	}
	if (store_local_begin(sl, false, e) == -1)
		goto out;
	if (store_local_table_get(sl, rq->table, false, &t, e) == -1 ||
	    store_local_query_check(&t, rq, &kc, e) == -1)
		goto out;

	hc = store_local_kc_find(&kc, t.hash_key);
	rc = t.range_key != NULL ? store_local_kc_find(&kc, t.range_key) :
	    NULL;
	buf_adds(&sql, "SELECT pk, sk, item FROM items "
	    "WHERE tbl = ?1 AND pk = ?2");
	binds[nb++] = hc->v[0];
	if (rc != NULL) {
		switch (rc->op) {
		case EX_EQ:
			buf_printf(&sql, " AND sk = ?%zu", nb + 2);
			binds[nb++] = rc->v[0];
			break;
		case EX_LT: case EX_LE: case EX_GT: case EX_GE:
			buf_printf(&sql, " AND sk %s ?%zu",
			    store_local_cmp_name(rc->op), nb + 2);
			binds[nb++] = rc->v[0];
			break;
		case EX_BETWEEN:
			buf_printf(&sql, " AND sk >= ?%zu AND sk <= ?%zu",
			    nb + 2, nb + 3);
			binds[nb++] = rc->v[0];
			binds[nb++] = rc->v[1];
			break;
		case EX_BEGINS_WITH:
			buf_printf(&sql, " AND sk >= ?%zu", nb + 2);
			binds[nb++] = rc->v[0];
			if (store_local_successor(rc->v[0], &succ))
				buf_printf(&sql, " AND sk < ?%zu", nb + 2);
			break;
		default:
			break;
		}
	}
	if (rq->exclusive_start_key != NULL && t.range_key != NULL)
		buf_printf(&sql, " AND sk %s ?%d", rq->scan_forward ? ">" : "<",
		    (int)nb + 2 + (succ.len > 0));
	else if (rq->exclusive_start_key != NULL)
		buf_adds(&sql, " AND 0");
	buf_printf(&sql, " ORDER BY sk %s", rq->scan_forward ? "ASC" : "DESC");

	if (sl_lib.prepare_v2(sl->db, buf_cstr(&sql), -1, &st, NULL) !=
	    SQLITE_OK) {
		store_local_sqlerr(sl, "preparing a query", e);
		goto out;
	}
	sl_lib.bind_text(st, 1, t.name, -1, SQLITE_STATIC);
	for (i = 0; i < nb; i++)
		store_local_bind_blob(st, (int)i + 2, binds[i]->u.str.ptr,
		    binds[i]->u.str.len);
	if (succ.len > 0)
		store_local_bind_blob(st, (int)nb + 2, succ.data, succ.len);
	if (rq->exclusive_start_key != NULL && t.range_key != NULL) {
		const struct value *r = value_map_get(rq->exclusive_start_key,
		    t.range_key);

		store_local_bind_blob(st, (int)nb + 2 + (succ.len > 0),
		    r->u.str.ptr, r->u.str.len);
	}
	ret = store_local_page(sl, &t, rq, st, rs, e);
out:
	sl_lib.finalize(st);
	store_local_rollback(sl);
	store_local_table_cleanup(&t);
	free(kc.c);
	buf_cleanup(&sql);
	buf_cleanup(&succ);
	return ret;
}

/* The segment of a Scan that holds a partition: its key's hash (FNV-1a,
 * then murmur3's finaliser so that the high bits vary) scaled onto total
 * contiguous ranges, so every item is in exactly one segment and a
 * partition never splits. */
static long long
store_local_segment_of(const void *pk, size_t len, long long total)
{
	const unsigned char *p = pk;
	uint64_t h = 0xcbf29ce484222325ULL;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= p[i];
		h *= 0x100000001b3ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	h ^= h >> 33;
	return (long long)(((h >> 32) * (uint64_t)total) >> 32);
}

/* SQL function dynrepo_segment(pk, total). */
static void
store_local_segment_fn(sqlite3_context *ctx, int argc, sqlite3_value **argv)
{
	long long total = sl_lib.value_int64(argv[1]);

	(void)argc;
	if (total < 1)
		total = 1;
	sl_lib.result_int64(ctx, store_local_segment_of(
	    sl_lib.value_blob(argv[0]), (size_t)sl_lib.value_bytes(argv[0]),
	    total));
}

/* Scan: every item of a table (or of one segment), in key order. */
static int
store_local_scan(struct store_local *sl, const struct request *rq,
    struct response *rs, struct err *e)
{
	struct store_local_table t = { .hash_key = NULL };
	const struct value *esk = rq->exclusive_start_key;
	struct store_local_key k;
	struct buf sql = BUF_INIT, why = BUF_INIT;
	sqlite3_stmt *st = NULL;
	bool segmented = rq->total_segments > 0;
	int ret = -1;

	if (store_local_check_read(rq, e) == -1)
		return -1;
	if (segmented && rq->segment < 0)
		return store_local_invalid(e, "1 validation error detected: "
		    "Value '%d' at 'segment' failed to satisfy constraint: "
		    "Member must have value greater than or equal to 0",
		    rq->segment);
	if (segmented && rq->total_segments > STORE_LOCAL_SEGMENTS_MAX)
		return store_local_invalid(e, "1 validation error detected: "
		    "Value '%d' at 'totalSegments' failed to satisfy "
		    "constraint: Member must have value less than or equal to "
		    "%d", rq->total_segments, STORE_LOCAL_SEGMENTS_MAX);
	if (segmented && rq->segment >= rq->total_segments)
		return store_local_invalid(e, "The Segment parameter is "
		    "zero-based and must be less than parameter TotalSegments: "
		    "Segment: %d is not less than TotalSegments: %d",
		    rq->segment, rq->total_segments);
	if (store_local_check_expr_values(rq, e) == -1 ||
	    store_local_check_cond(rq->filter, "FilterExpression",
	    e) == -1 || store_local_check_projection(rq, e) == -1)
		return -1;
	if (store_local_begin(sl, false, e) == -1)
		return -1;
	if (store_local_table_get(sl, rq->table, false, &t, e) == -1)
		goto out;
	if (esk != NULL && esk->u.map.len != (t.range_key != NULL ? 2u : 1u)) {
		store_local_invalid(e, "The provided starting key is invalid: "
		    "The provided key element does not match the schema");
		goto out;
	}
	if (esk != NULL && !store_local_key_ok(&t, esk, &why)) {
		store_local_invalid(e, "The provided starting key is invalid: "
		    "%s", buf_cstr(&why));
		goto out;
	}
	if (esk != NULL)
		store_local_key_of(&t, esk, &k);
	if (esk != NULL && segmented && store_local_segment_of(k.pk, k.pklen,
	    rq->total_segments) != rq->segment) {
		store_local_invalid(e, "The provided starting key is invalid: "
		    "Invalid ExclusiveStartKey. Please use ExclusiveStartKey "
		    "with correct Segment. TotalSegments: %d Segment: %d",
		    rq->total_segments, rq->segment);
		goto out;
	}
	if (store_local_check_key_paths(&t, rq, rq->filter, e) == -1)
		goto out;

	buf_adds(&sql, "SELECT pk, sk, item FROM items WHERE tbl = ?1");
	if (segmented)
		buf_adds(&sql, " AND dynrepo_segment(pk, ?4) = ?5");
	if (esk != NULL)
		buf_adds(&sql, " AND (pk, sk) > (?2, ?3)");
	buf_adds(&sql, " ORDER BY pk, sk");
	if (sl_lib.prepare_v2(sl->db, buf_cstr(&sql), -1, &st, NULL) !=
	    SQLITE_OK) {
		store_local_sqlerr(sl, "preparing a scan", e);
		goto out;
	}
	sl_lib.bind_text(st, 1, t.name, -1, SQLITE_STATIC);
	if (esk != NULL) {
		store_local_bind_blob(st, 2, k.pk, k.pklen);
		store_local_bind_blob(st, 3, k.sk, k.sklen);
	}
	if (segmented) {
		sl_lib.bind_int64(st, 4, rq->total_segments);
		sl_lib.bind_int64(st, 5, rq->segment);
	}
	ret = store_local_page(sl, &t, rq, st, rs, e);
out:
	sl_lib.finalize(st);
	store_local_rollback(sl);
	store_local_table_cleanup(&t);
	buf_cleanup(&sql);
	buf_cleanup(&why);
	return ret;
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
static int
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
static int
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

/* ---- tables ---------------------------------------------------------- */

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
static int
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
static int
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
static int
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
static int
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

/* ---- the store ------------------------------------------------------- */

/* store_ops.execute. */
static int
store_local_execute(struct store *st, const struct request *rq,
    struct response *rs, struct err *e)
{
	struct store_local *sl = (struct store_local *)st;

	switch (rq->op) {
	case OP_GET_ITEM:
		return store_local_get_item(sl, rq, rs, e);
	case OP_PUT_ITEM:
		return store_local_put_item(sl, rq, rs, e);
	case OP_UPDATE_ITEM:
		return store_local_update_item(sl, rq, rs, e);
	case OP_DELETE_ITEM:
		return store_local_delete_item(sl, rq, rs, e);
	case OP_QUERY:
		return store_local_query(sl, rq, rs, e);
	case OP_SCAN:
		return store_local_scan(sl, rq, rs, e);
	case OP_BATCH_GET_ITEM:
		return store_local_batch_get(sl, rq, rs, e);
	case OP_BATCH_WRITE_ITEM:
		return store_local_batch_write(sl, rq, rs, e);
	case OP_DESCRIBE_TABLE:
		return store_local_describe(sl, rq, rs, e);
	case OP_LIST_TABLES:
		return store_local_list(sl, rq, rs, e);
	case OP_CREATE_TABLE:
		return store_local_create(sl, rq, rs, e);
	case OP_DELETE_TABLE:
		return store_local_drop(sl, rq, rs, e);
	case OP_COUNT:
		break;
	}
	return err_set(e, ERR_INTERNAL, "unknown request operation %d",
	    (int)rq->op);
}

/* store_ops.free. */
static void
store_local_free(struct store *st)
{
	struct store_local *sl = (struct store_local *)st;
	size_t i;

	if (sl == NULL)
		return;
	for (i = 0; i < SL_STMT_COUNT; i++)
		sl_lib.finalize(sl->stmts[i]);
	sl_lib.close_v2(sl->db);
	free(sl->path);
	free(sl);
}

static const struct store_ops store_local_ops = {
	.name = "local",
	.execute = store_local_execute,
	.free = store_local_free,
};

/* Create the missing directories above path, each 0700. */
static int
store_local_mkdirs(const char *path, struct err *e)
{
	char *dir = xstrdup(path), *p;
	int rc = 0;

	p = strrchr(dir, '/');
	if (p == NULL || p == dir) {
		free(dir);
		return 0;
	}
	*p = '\0';
	for (p = dir + 1;; p++) {
		char c = *p;

		if (c != '/' && c != '\0')
			continue;
		*p = '\0';
		if (mkdir(dir, 0700) == 0) {
			/* 0700 whatever the umask. */
			if (chmod(dir, 0700) == -1)
				rc = err_set(e, ERR_IO, "%s: %s", dir,
				    strerror(errno));
		} else if (errno != EEXIST)
			rc = err_set(e, ERR_IO, "cannot create directory %s: "
			    "%s", dir, strerror(errno));
		*p = c;
		if (c == '\0' || rc == -1)
			break;
	}
	free(dir);
	return rc;
}

/* Create the file 0600 (whatever the umask) before SQLite opens it;
 * SQLite gives its -wal and -shm files the same mode. */
static int
store_local_create_file(const char *path, struct err *e)
{
	struct stat sb;
	int fd;

	if (path[0] == '\0')
		return err_set(e, ERR_IO, "empty path for the local store");
	if (store_local_mkdirs(path, e) == -1)
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd >= 0) {
		if (fchmod(fd, 0600) == -1) {
			err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		close(fd);
		return 0;
	}
	if (errno != EEXIST)
		return err_set(e, ERR_IO, "cannot create %s: %s", path,
		    strerror(errno));
	if (stat(path, &sb) == -1)
		return err_set(e, ERR_IO, "%s: %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode))
		return err_set(e, ERR_IO, "%s is not a regular file", path);
	return 0;
}

/* An integer from a one-row statement; a file that is not SQLite at all
 * is ERR_CONFIG. */
static int
store_local_int(struct store_local *sl, const char *sql, long long *out,
    struct err *e)
{
	sqlite3_stmt *st = NULL;
	int rc = -1;

	*out = 0;
	if (sl_lib.prepare_v2(sl->db, sql, -1, &st, NULL) == SQLITE_OK) {
		int step = sl_lib.step(st);

		if (step == SQLITE_ROW) {
			*out = sl_lib.column_int64(st, 0);
			rc = 0;
		} else if (step == SQLITE_DONE)
			rc = 0;
	}
	if (rc == -1) {
		int code = sl_lib.errcode(sl->db) & 0xff;

		if (code == SQLITE_NOTADB || code == SQLITE_CORRUPT)
			err_set(e, ERR_CONFIG, "%s is not a dynrepo database: "
			    "%s", sl->path, sl_lib.errmsg(sl->db));
		else
			store_local_sqlerr(sl, "reading the database", e);
	}
	sl_lib.finalize(st);
	return rc;
}

/* Check that the file is ours and of this version, creating the schema
 * in a new (empty) file. */
static int
store_local_schema(struct store_local *sl, struct err *e)
{
	sqlite3_stmt *st = NULL;
	long long app, nobjects;
	char *sql;
	int rc = -1, step;

	if (store_local_int(sl, "PRAGMA application_id", &app, e) == -1 ||
	    store_local_int(sl, "SELECT count(*) FROM sqlite_master",
	    &nobjects, e) == -1)
		return -1;
	if (app == 0 && nobjects == 0) {
		if (store_local_begin(sl, true, e) == -1)
			return -1;
		/* Another process may have won the race to create it. */
		if (store_local_int(sl, "SELECT count(*) FROM sqlite_master",
		    &nobjects, e) == -1) {
			store_local_rollback(sl);
			return -1;
		}
		if (nobjects == 0) {
			sql = xasprintf("%sPRAGMA application_id = %d;",
			    store_local_schema_sql, STORE_LOCAL_APP_ID);
			rc = store_local_exec(sl, sql, e);
			free(sql);
			if (rc == -1) {
				store_local_rollback(sl);
				return -1;
			}
		}
		if (store_local_commit(sl, e) == -1)
			return -1;
		if (store_local_int(sl, "PRAGMA application_id", &app,
		    e) == -1)
			return -1;
	}
	if (app != STORE_LOCAL_APP_ID)
		return err_set(e, ERR_CONFIG, "%s is an SQLite database but "
		    "not a dynrepo store", sl->path);
	if (sl_lib.prepare_v2(sl->db, "SELECT value FROM meta WHERE key = "
	    "'schema_version'", -1, &st, NULL) != SQLITE_OK)
		return err_set(e, ERR_CONFIG, "%s: not a dynrepo store: %s",
		    sl->path, sl_lib.errmsg(sl->db));
	step = sl_lib.step(st);
	if (step == SQLITE_ROW && strcmp((const char *)sl_lib.column_text(st,
	    0), STORE_LOCAL_VERSION) == 0)
		rc = 0;
	else if (step == SQLITE_ROW)
		err_set(e, ERR_CONFIG, "%s: store format version %s, but this "
		    "dynrepo reads version " STORE_LOCAL_VERSION, sl->path,
		    (const char *)sl_lib.column_text(st, 0));
	else
		err_set(e, ERR_CONFIG, "%s: not a dynrepo store (no schema "
		    "version)", sl->path);
	sl_lib.finalize(st);
	return rc;
}

/* WAL lets readers and one writer share the file across processes;
 * synchronous FULL syncs the WAL at every commit, so an acknowledged
 * write survives a killed process and a power cut alike. */
static int
store_local_tune(struct store_local *sl, struct err *e)
{
	sqlite3_stmt *st = NULL;
	bool wal = false;

	if (sl_lib.prepare_v2(sl->db, "PRAGMA journal_mode = WAL", -1, &st,
	    NULL) == SQLITE_OK && sl_lib.step(st) == SQLITE_ROW)
		wal = sl_lib.column_text(st, 0) != NULL &&
		    strcmp((const char *)sl_lib.column_text(st, 0), "wal") ==
		    0;
	sl_lib.finalize(st);
	if (!wal)
		return err_set(e, ERR_IO, "%s: cannot use write-ahead logging: "
		    "%s", sl->path, sl_lib.errmsg(sl->db));
	if (store_local_exec(sl, "PRAGMA synchronous = FULL", e) == -1)
		return -1;
	if (sl_lib.create_function_v2(sl->db, "dynrepo_segment", 2,
	    SQLITE_UTF8 | SQLITE_DETERMINISTIC | SQLITE_INNOCUOUS, NULL,
	    store_local_segment_fn, NULL, NULL, NULL) != SQLITE_OK)
		return store_local_sqlerr(sl, "registering functions", e);
	return 0;
}

struct store *
store_local_open(const char *path, struct err *e)
{
	struct store_local *sl;

	if (path == NULL) {
		err_set(e, ERR_IO, "no path for the local store");
		return NULL;
	}
	if (store_local_load(e) == -1 ||
	    store_local_create_file(path, e) == -1)
		return NULL;
	sl = xcalloc(1, sizeof *sl);
	sl->base.ops = &store_local_ops;
	sl->path = xstrdup(path);
	if (sl_lib.open_v2(path, &sl->db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK) {
		err_set(e, ERR_IO, "cannot open %s: %s", path, sl->db != NULL ?
		    sl_lib.errmsg(sl->db) : "out of memory");
		goto fail;
	}
	sl_lib.busy_timeout(sl->db, STORE_LOCAL_BUSY_MS);
	if (store_local_schema(sl, e) == -1 || store_local_tune(sl, e) == -1)
		goto fail;
	return &sl->base;
fail:
	store_local_free(&sl->base);
	return NULL;
}
