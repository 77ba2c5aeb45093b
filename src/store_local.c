/* SPDX-License-Identifier: ISC */
/* The embedded store: tables in one SQLite file, with DynamoDB's semantics;
 * here the file, its transactions and rows, and the dispatch of requests. */
#include "config.h"

#include "store_local.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "ddbjson.h"
#include "dynload.h"
#include "store_local_private.h"
#include "xmalloc.h"

/* The soname of the SQLite the program was built against. */
#define STORE_LOCAL_LIBSQLITE	"libsqlite3.so.0"

/* SQLite's functions (struct store_local_sqlite says why they are
 * loaded). */
struct store_local_sqlite sl_lib;
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

/* How long a statement waits for another process's lock. */
#define STORE_LOCAL_BUSY_MS	5000

/* The text of each enum store_local_stmt. */
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

/* An SQLite failure: ERR_IO with the file and SQLite's reason. */
int
store_local_sqlerr(struct store_local *sl, const char *what, struct err *e)
{
	return err_set(e, ERR_IO, "%s: %s: %s", sl->path, what,
	    sl_lib.errmsg(sl->db));
}

/* ---- statements ------------------------------------------------------ */

/* The statement for s, prepared on first use; NULL with ERR_IO. */
sqlite3_stmt *
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
void
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
void
store_local_done(sqlite3_stmt *st)
{
	sl_lib.reset(st);
	sl_lib.clear_bindings(st);
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
int
store_local_begin(struct store_local *sl, bool write, struct err *e)
{
	return store_local_exec(sl, write ? "BEGIN IMMEDIATE" : "BEGIN", e);
}

/* Commit; the write is durable when this returns 0. */
int
store_local_commit(struct store_local *sl, struct err *e)
{
	if (store_local_exec(sl, "COMMIT", e) == -1) {
		sl_lib.exec(sl->db, "ROLLBACK", NULL, NULL, NULL);
		return -1;
	}
	return 0;
}

/* Undo an open transaction, keeping the error already recorded. */
void
store_local_rollback(struct store_local *sl)
{
	if (!sl_lib.get_autocommit(sl->db))
		sl_lib.exec(sl->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Parse a stored item; ERR_IO naming the table when it is damaged. */
struct value *
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
int
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
int
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
int
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
int
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
