/* SPDX-License-Identifier: ISC */
/* The embedded store: DynamoDB's answers and errors from an SQLite file. */
#include "config.h"

#include <criterion/criterion.h>
#include <ftw.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ddbjson.h"
#include "expr.h"
#include "request.h"
#include "store.h"
#include "store_local.h"
#include "value.h"
#include "xmalloc.h"

static void create_on(struct store *, const char *, const char *,
    const char *);

static char dir[64];
static char *dbpath;
static struct store *st;

/* nftw callback: remove one entry. */
static int
rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *f)
{
	(void)sb;
	(void)flag;
	(void)f;
	return remove(path);
}

/* A fresh directory and store per test. */
static void
setup(void)
{
	struct err e;

	snprintf(dir, sizeof dir, "/tmp/dynrepo-local-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	dbpath = xasprintf("%s/store.db", dir);
	st = store_local_open(dbpath, &e);
	cr_assert_not_null(st, "%s", e.msg);
}

/* Close the store and remove the directory. */
static void
teardown(void)
{
	store_free(st);
	st = NULL;
	free(dbpath);
	nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS);
}

TestSuite(store_local, .init = setup, .fini = teardown);

/* Parse DynamoDB JSON. */
static struct value *
J(const char *json)
{
	struct err e;
	struct value *v = ddbjson_parse_item(json, strlen(json), &e);

	cr_assert_not_null(v, "%s: %s", json, e.msg);
	return v;
}

/* Run a request on s; the request is cleaned up. */
static int
run_on(struct store *s, struct request *rq, struct response *rs,
    struct err *e)
{
	int rc;

	response_init(rs);
	err_clear(e);
	rc = store_execute(s, rq, rs, e);
	request_cleanup(rq);
	return rc;
}

/* Run a request on the test's store. */
static int
run(struct request *rq, struct response *rs, struct err *e)
{
	return run_on(st, rq, rs, e);
}

/* Run a request that must succeed, discarding the answer. */
static void
ok(struct request *rq)
{
	struct response rs;
	struct err e;

	cr_assert_eq(run(rq, &rs, &e), 0, "%s", e.msg);
	response_cleanup(&rs);
}

/* Run a request that must fail with aws_type and a message containing
 * want. */
static void
fails(struct request *rq, enum err_code code, const char *type,
    const char *want)
{
	struct response rs;
	struct err e;

	cr_assert_eq(run(rq, &rs, &e), -1, "expected %s", want);
	cr_assert_eq(e.code, code, "code %d: %s", e.code, e.msg);
	cr_assert_str_eq(e.aws_type, type, "%s", e.msg);
	cr_assert_eq(e.http_status, 400);
	cr_assert_not_null(strstr(e.msg, want), "%s", e.msg);
	response_cleanup(&rs);
}

/* CreateTable on store s. */
static void
create_on(struct store *s, const char *name, const char *hash,
    const char *range)
{
	struct request rq;
	struct response rs;
	struct err e;

	request_init(&rq, OP_CREATE_TABLE, name);
	rq.hash_key = xstrdup(hash);
	rq.range_key = range != NULL ? xstrdup(range) : NULL;
	cr_assert_eq(run_on(s, &rq, &rs, &e), 0, "%s", e.msg);
	/* As DynamoDB answers; DescribeTable says ACTIVE at once. */
	cr_assert_str_eq(rs.table_status, "CREATING");
	response_cleanup(&rs);
}

/* The usual table: pk/sk strings. */
static void
create(void)
{
	create_on(st, "tbl", "pk", "sk");
}

/* PutItem of JSON on store s. */
static void
put_on(struct store *s, const char *json)
{
	struct request rq;
	struct response rs;
	struct err e;

	request_init(&rq, OP_PUT_ITEM, "tbl");
	rq.item = J(json);
	cr_assert_eq(run_on(s, &rq, &rs, &e), 0, "%s", e.msg);
	response_cleanup(&rs);
}

static void
put(const char *json)
{
	put_on(st, json);
}

/* A key {"pk": p, "sk": s}. */
static struct value *
key(const char *p, const char *s)
{
	struct value *k = value_new_m();

	value_map_set(k, "pk", value_new_str(p));
	if (s != NULL)
		value_map_set(k, "sk", value_new_str(s));
	return k;
}

/* GetItem on store s: the item or NULL (caller frees). */
static struct value *
get_on(struct store *s, const char *p, const char *sk)
{
	struct request rq;
	struct response rs;
	struct err e;
	struct value *v;

	request_init(&rq, OP_GET_ITEM, "tbl");
	rq.key = key(p, sk);
	cr_assert_eq(run_on(s, &rq, &rs, &e), 0, "%s", e.msg);
	v = rs.item;
	rs.item = NULL;
	response_cleanup(&rs);
	return v;
}

static struct value *
get(const char *p, const char *sk)
{
	return get_on(st, p, sk);
}

/* The S (or N) text of attribute name in item. */
static const char *
attr(const struct value *item, const char *name)
{
	const struct value *v = value_map_get(item, name);

	cr_assert_not_null(v, "no attribute %s", name);
	return v->u.str.ptr;
}

/* pk = :p */
static struct expr *
pk_is(const char *p)
{
	return expr_new(EX_EQ, 2, expr_new_name("pk"),
	    expr_new_value(value_new_str(p)));
}

/* cmp(name, :v) with an S value. */
static struct expr *
cmp_s(enum expr_kind k, const char *name, const char *v)
{
	return expr_new(k, 2, expr_new_name(name),
	    expr_new_value(value_new_str(v)));
}

/* A Query of partition p with an optional sort key condition. */
static void
query_init(struct request *rq, const char *p, struct expr *skc)
{
	request_init(rq, OP_QUERY, "tbl");
	rq->key_condition = expr_and(pk_is(p), skc);
}

/* Put n items p#i (sk "s%03d") with a number attribute n. */
static void
fill(const char *p, int n)
{
	char json[256];
	int i;

	for (i = 0; i < n; i++) {
		snprintf(json, sizeof json, "{\"pk\":{\"S\":\"%s\"},"
		    "\"sk\":{\"S\":\"s%03d\"},\"n\":{\"N\":\"%d\"}}", p, i, i);
		put(json);
	}
}

/* The sort keys of an answer joined by commas. */
static char *
sks(const struct response *rs)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; i < rs->nitems; i++) {
		if (i > 0)
			buf_addc(&b, ',');
		buf_adds(&b, attr(rs->items[i], "sk"));
	}
	return buf_detach(&b, NULL);
}

/* Run a query and compare its sort keys. */
static void
query_expect(struct request *rq, const char *want, long scanned,
    bool more)
{
	struct response rs;
	struct err e;
	char *got;

	cr_assert_eq(run(rq, &rs, &e), 0, "%s", e.msg);
	got = sks(&rs);
	cr_assert_str_eq(got, want);
	if (scanned >= 0)
		cr_assert_eq(rs.scanned_count, scanned);
	cr_assert_eq(rs.last_evaluated_key != NULL, more);
	free(got);
	response_cleanup(&rs);
}

/* ---- the file ------------------------------------------------------------ */

Test(store_local, file_modes_whatever_the_umask)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char *path = xasprintf("%s/a/b/store.db", dir);
	struct store *s;
	struct stat sb;
	struct err e;
	mode_t old = umask(0);
	int i;

	s = store_local_open(path, &e);
	cr_assert_not_null(s, "%s", e.msg);
	/* A write makes the -wal and -shm files. */
	create_on(s, "tbl", "pk", NULL);
	umask(old);
	for (i = 0; i < 3; i++) {
		char *f = xasprintf("%s%s", path, suffix[i]);

		cr_assert_eq(stat(f, &sb), 0, "%s", f);
		cr_assert_eq(sb.st_mode & 07777, 0600, "%s: mode %o", f,
		    sb.st_mode & 07777);
		free(f);
	}
	store_free(s);
	free(path);
	path = xasprintf("%s/a/b", dir);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(sb.st_mode & 07777, 0700, "mode %o", sb.st_mode & 07777);
	free(path);
	path = xasprintf("%s/a", dir);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(sb.st_mode & 07777, 0700, "mode %o", sb.st_mode & 07777);
	free(path);
}

Test(store_local, foreign_files_are_refused)
{
	char *path = xasprintf("%s/other.db", dir);
	struct store *s;
	struct err e;
	sqlite3 *db;
	FILE *f;

	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "CREATE TABLE t (x); INSERT INTO t "
	    "VALUES (1);", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	s = store_local_open(path, &e);
	cr_assert_null(s);
	cr_assert_eq(e.code, ERR_CONFIG, "%s", e.msg);
	cr_assert_not_null(strstr(e.msg, "not a dynrepo"), "%s", e.msg);
	/* Refusing it did not change it. */
	cr_assert_eq(sqlite3_open(path, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "SELECT x FROM t", NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	free(path);

	path = xasprintf("%s/text.db", dir);
	f = fopen(path, "w");
	fputs("this is not a database, only some text that is long enough "
	    "to hold an SQLite header and then some more of it\n", f);
	fclose(f);
	s = store_local_open(path, &e);
	cr_assert_null(s);
	cr_assert_eq(e.code, ERR_CONFIG, "%s", e.msg);
	free(path);

	/* A store of a later format. */
	store_free(st);
	st = NULL;
	cr_assert_eq(sqlite3_open(dbpath, &db), SQLITE_OK);
	cr_assert_eq(sqlite3_exec(db, "UPDATE meta SET value = '2' WHERE key = "
	    "'schema_version'", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	s = store_local_open(dbpath, &e);
	cr_assert_null(s);
	cr_assert_eq(e.code, ERR_CONFIG, "%s", e.msg);
	cr_assert_not_null(strstr(e.msg, "version 2"), "%s", e.msg);
}

Test(store_local, reopen_keeps_data)
{
	struct err e;
	struct value *v;

	create();
	put("{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"1\"},"
	    "\"x\":{\"N\":\"1.50\"}}");
	store_free(st);
	st = store_local_open(dbpath, &e);
	cr_assert_not_null(st, "%s", e.msg);
	v = get("p", "1");
	cr_assert_not_null(v);
	cr_assert_str_eq(attr(v, "x"), "1.5", "numbers stored canonical");
	value_free(v);
}

Test(store_local, second_store_sees_commits)
{
	struct store *other;
	struct err e;
	struct value *v;

	create();
	other = store_local_open(dbpath, &e);
	cr_assert_not_null(other, "%s", e.msg);
	cr_assert_null(get_on(other, "p", "1"));
	put("{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"1\"}}");
	v = get_on(other, "p", "1");
	cr_assert_not_null(v);
	value_free(v);
	put_on(other, "{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"2\"}}");
	v = get("p", "2");
	cr_assert_not_null(v);
	value_free(v);
	store_free(other);
}

Test(store_local, acknowledged_write_survives_kill)
{
	struct value *v;
	struct err e;
	pid_t pid;
	int status;

	create();
	/* No connection may cross a fork (SQLite's rule). */
	store_free(st);
	st = NULL;
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct store *s = store_local_open(dbpath, &e);

		struct request rq;
		struct response rs;

		if (s == NULL)
			_exit(1);
		request_init(&rq, OP_PUT_ITEM, "tbl");
		rq.item = key("k", "1");
		if (run_on(s, &rq, &rs, &e) != 0)
			_exit(2);
		kill(getpid(), SIGKILL);
		_exit(2);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	st = store_local_open(dbpath, &e);
	cr_assert_not_null(st, "%s", e.msg);
	v = get("k", "1");
	cr_assert_not_null(v, "the write was lost");
	value_free(v);
}

/* SET c = if_not_exists(c, 0) + 1 on item k/1; no assertion, so that a
 * forked child can use it. */
static int
try_increment(struct store *s)
{
	struct request rq;
	struct response rs;
	struct err e;
	struct path p;
	int rc;

	request_init(&rq, OP_UPDATE_ITEM, "tbl");
	rq.key = key("k", "1");
	path_init(&p);
	path_set_name(&p, "c");
	update_add(&rq.update, UPD_SET, &p, expr_new(EX_PLUS, 2,
	    expr_new(EX_IF_NOT_EXISTS, 2, expr_new_name("c"),
	    expr_new_value(value_new_n("0", 1))),
	    expr_new_value(value_new_n("1", 1))));
	rc = run_on(s, &rq, &rs, &e);
	response_cleanup(&rs);
	return rc;
}

/* The same, asserting success. */
static void
increment(struct store *s)
{
	cr_assert_eq(try_increment(s), 0);
}

Test(store_local, concurrent_writers_lose_nothing)
{
	struct value *v;
	struct err e;
	pid_t pid;
	int i, status;

	create();
	store_free(st);
	st = NULL;
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		struct store *s = store_local_open(dbpath, &e);

		if (s == NULL)
			_exit(1);
		for (i = 0; i < 40; i++)
			if (try_increment(s) != 0)
				_exit(2);
		store_free(s);
		_exit(0);
	}
	st = store_local_open(dbpath, &e);
	cr_assert_not_null(st, "%s", e.msg);
	for (i = 0; i < 40; i++)
		increment(st);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	v = get("k", "1");
	cr_assert_str_eq(attr(v, "c"), "80");
	value_free(v);
}

/* ---- tables -------------------------------------------------------------- */

Test(store_local, tables)
{
	struct request rq;
	struct response rs;
	struct err e;
	char name[32];
	int i;

	create();
	request_init(&rq, OP_CREATE_TABLE, "tbl");
	rq.hash_key = xstrdup("pk");
	fails(&rq, ERR_SERVICE, "ResourceInUseException",
	    "Table already exists: tbl");
	request_init(&rq, OP_CREATE_TABLE, "t2");
	rq.hash_key = xstrdup("pk");
	fails(&rq, ERR_SERVICE, "ValidationException",
	    "TableName must be at least 3 characters long");
	request_init(&rq, OP_CREATE_TABLE, "abc");
	rq.hash_key = xstrdup("k");
	rq.range_key = xstrdup("k");
	fails(&rq, ERR_SERVICE, "ValidationException", "the same name");

	fill("p", 3);
	request_init(&rq, OP_DESCRIBE_TABLE, "tbl");
	cr_assert_eq(run(&rq, &rs, &e), 0, "%s", e.msg);
	cr_assert_str_eq(rs.table_status, "ACTIVE");
	cr_assert_str_eq(rs.hash_key, "pk");
	cr_assert_str_eq(rs.range_key, "sk");
	cr_assert_eq(rs.item_count, 3);
	response_cleanup(&rs);

	for (i = 0; i < 104; i++) {
		snprintf(name, sizeof name, "t%03d", i);
		create_on(st, name, "h", NULL);
	}
	request_init(&rq, OP_LIST_TABLES, NULL);
	cr_assert_eq(run(&rq, &rs, &e), 0, "%s", e.msg);
	cr_assert_eq(rs.ntable_names, 100);
	cr_assert_str_eq(rs.table_names[0], "t000");
	cr_assert_str_eq(rs.table_names[99], "t099");
	cr_assert_str_eq(rs.last_table_name, "t099");
	response_cleanup(&rs);
	request_init(&rq, OP_LIST_TABLES, NULL);
	rq.exclusive_start_table = xstrdup("t099");
	cr_assert_eq(run(&rq, &rs, &e), 0, "%s", e.msg);
	cr_assert_eq(rs.ntable_names, 5);
	cr_assert_str_eq(rs.table_names[4], "tbl");
	cr_assert_null(rs.last_table_name);
	response_cleanup(&rs);

	request_init(&rq, OP_DELETE_TABLE, "tbl");
	cr_assert_eq(run(&rq, &rs, &e), 0, "%s", e.msg);
	cr_assert_str_eq(rs.table_status, "DELETING");
	cr_assert_eq(rs.item_count, 3);
	response_cleanup(&rs);
	request_init(&rq, OP_DESCRIBE_TABLE, "tbl");
	fails(&rq, ERR_NOT_FOUND, "ResourceNotFoundException",
	    "Requested resource not found: Table: tbl not found");
	request_init(&rq, OP_DELETE_TABLE, "tbl");
	fails(&rq, ERR_NOT_FOUND, "ResourceNotFoundException",
	    "Table: tbl not found");
	/* Its items went with it. */
	create();
	request_init(&rq, OP_SCAN, "tbl");
	cr_assert_eq(run(&rq, &rs, &e), 0, "%s", e.msg);
	cr_assert_eq(rs.nitems, 0);
	response_cleanup(&rs);
}

Test(store_local, missing_table)
{
	struct request rq;
	struct err e;
	struct response rs;

	request_init(&rq, OP_GET_ITEM, "nope");
	rq.key = key("a", "b");
	cr_assert_eq(run(&rq, &rs, &e), -1);
	cr_assert_eq(e.code, ERR_NOT_FOUND);
	cr_assert_str_eq(e.aws_type, "ResourceNotFoundException");
	cr_assert_str_eq(e.msg, "ResourceNotFoundException: Requested "
	    "resource not found");
	response_cleanup(&rs);
	request_init(&rq, OP_GET_ITEM, "a b");
	rq.key = key("a", "b");
	fails(&rq, ERR_SERVICE, "ValidationException", "1 validation error "
	    "detected: Value 'a b' at 'tableName' failed to satisfy "
	    "constraint: Member must satisfy regular expression pattern");
}

/* ---- items --------------------------------------------------------------- */

Test(store_local, put_get_projection_capacity)
{
	struct request rq;
	struct response rs;
	struct err e;
	struct path p;

	create();
	request_init(&rq, OP_PUT_ITEM, "tbl");
	rq.item = J("{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"1\"},\"a\":{\"M\":"
	    "{\"b\":{\"S\":\"x\"},\"c\":{\"NS\":[\"1.0\",\"2\"]}}},"
	    "\"d\":{\"BOOL\":true}}");
	cr_assert_eq(run(&rq, &rs, &e), 0, "%s", e.msg);
	cr_assert_null(rs.item, "no ReturnValues, no Attributes");
	cr_assert_float_eq(rs.consumed_capacity, 1.0, 1e-9);
	response_cleanup(&rs);

	request_init(&rq, OP_GET_ITEM, "tbl");
	rq.key = key("p", "1");
	rq.projection = xcalloc(2, sizeof *rq.projection);
	rq.nprojection = 2;
	path_init(&rq.projection[0]);
	path_push_name(&rq.projection[0], "a", 1);
	path_push_name(&rq.projection[0], "b", 1);
	path_init(&rq.projection[1]);
	path_set_name(&rq.projection[1], "d");
	cr_assert_eq(run(&rq, &rs, &e), 0, "%s", e.msg);
	cr_assert_eq(rs.item->u.map.len, 2);
	cr_assert_null(value_map_get(rs.item, "pk"));
	cr_assert_str_eq(attr(value_map_get(rs.item, "a"), "b"), "x");
	cr_assert_float_eq(rs.consumed_capacity, 0.5, 1e-9);
	response_cleanup(&rs);

	/* A projection may not look inside a key attribute. */
	request_init(&rq, OP_GET_ITEM, "tbl");
	rq.key = key("p", "1");
	rq.projection = xcalloc(1, sizeof *rq.projection);
	rq.nprojection = 1;
	path_init(&p);
	path_push_name(&p, "pk", 2);
	path_push_name(&p, "x", 1);
	rq.projection[0] = p;
	fails(&rq, ERR_SERVICE, "ValidationException",
	    "Key attributes must be scalars");

	request_init(&rq, OP_GET_ITEM, "tbl");
	rq.key = key("p", "2");
	rq.consistent_read = true;
	cr_assert_eq(run(&rq, &rs, &e), 0, "%s", e.msg);
	cr_assert_null(rs.item);
	cr_assert_float_eq(rs.consumed_capacity, 1.0, 1e-9);
	response_cleanup(&rs);

	/* ALL_OLD gives the replaced item. */
	request_init(&rq, OP_PUT_ITEM, "tbl");
	rq.item = J("{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"1\"}}");
	rq.return_values = RV_ALL_OLD;
	cr_assert_eq(run(&rq, &rs, &e), 0, "%s", e.msg);
	cr_assert_not_null(rs.item);
	cr_assert_eq(value_map_get(value_map_get(rs.item, "a"), "c")->type,
	    VT_NS);
	response_cleanup(&rs);
	request_init(&rq, OP_PUT_ITEM, "tbl");
	rq.item = J("{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"1\"}}");
	rq.return_values = RV_ALL_NEW;
	fails(&rq, ERR_SERVICE, "ValidationException",
	    "ReturnValues can only be ALL_OLD or NONE");
}

Test(store_local, key_validation)
{
	struct request rq;
	struct buf big = BUF_INIT;

	create();
	request_init(&rq, OP_PUT_ITEM, "tbl");
	rq.item = J("{\"pk\":{\"S\":\"p\"}}");
	fails(&rq, ERR_SERVICE, "ValidationException", "One or more parameter "
	    "values were invalid: Missing the key sk in the item");
	request_init(&rq, OP_PUT_ITEM, "tbl");
	rq.item = J("{\"pk\":{\"S\":\"p\"},\"sk\":{\"N\":\"1\"}}");
	fails(&rq, ERR_SERVICE, "ValidationException", "Type mismatch for key "
	    "sk expected: S actual: N");
	request_init(&rq, OP_PUT_ITEM, "tbl");
	rq.item = J("{\"pk\":{\"S\":\"\"},\"sk\":{\"S\":\"1\"}}");
	fails(&rq, ERR_SERVICE, "ValidationException", "cannot contain an "
	    "empty string value. Key: pk");
	request_init(&rq, OP_GET_ITEM, "tbl");
	rq.key = J("{\"pk\":{\"S\":\"p\"}}");
	fails(&rq, ERR_SERVICE, "ValidationException",
	    "The provided key element does not match the schema");
	request_init(&rq, OP_GET_ITEM, "tbl");
	rq.key = J("{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"1\"},"
	    "\"x\":{\"S\":\"1\"}}");
	fails(&rq, ERR_SERVICE, "ValidationException",
	    "The provided key element does not match the schema");

	buf_adds(&big, "{\"pk\":{\"S\":\"");
	for (int i = 0; i < 2049; i++)
		buf_addc(&big, 'h');
	buf_adds(&big, "\"},\"sk\":{\"S\":\"1\"}}");
	request_init(&rq, OP_PUT_ITEM, "tbl");
	rq.item = J(big.data);
	fails(&rq, ERR_SERVICE, "ValidationException",
	    "Size of hashkey has exceeded the maximum size limit of2048 bytes");
	buf_reset(&big);
	buf_adds(&big, "{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"");
	for (int i = 0; i < 1025; i++)
		buf_addc(&big, 'r');
	buf_adds(&big, "\"}}");
	request_init(&rq, OP_PUT_ITEM, "tbl");
	rq.item = J(big.data);
	fails(&rq, ERR_SERVICE, "ValidationException", "Aggregated size of all "
	    "range keys has exceeded the size limit of 1024 bytes");
	/* 2048 and 1024 bytes are allowed. */
	buf_reset(&big);
	buf_adds(&big, "{\"pk\":{\"S\":\"");
	for (int i = 0; i < 2048; i++)
		buf_addc(&big, 'h');
	buf_adds(&big, "\"},\"sk\":{\"S\":\"");
	for (int i = 0; i < 1024; i++)
		buf_addc(&big, 'r');
	buf_adds(&big, "\"}}");
	put(big.data);

	/* An item over 400 KB. */
	buf_reset(&big);
	buf_adds(&big, "{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"1\"},\"big\":"
	    "{\"S\":\"");
	for (int i = 0; i < 409600; i++)
		buf_addc(&big, 'x');
	buf_adds(&big, "\"}}");
	request_init(&rq, OP_PUT_ITEM, "nosuchtable");
	rq.item = J(big.data);
	/* Checked before the table is looked up, as DynamoDB does. */
	fails(&rq, ERR_SERVICE, "ValidationException",
	    "Item size has exceeded the maximum allowed size");
	buf_cleanup(&big);

	/* An empty set inside an item. */
	request_init(&rq, OP_PUT_ITEM, "tbl");
	rq.item = J("{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"1\"}}");
	value_map_set(rq.item, "s", value_new_set(VT_SS));
	fails(&rq, ERR_SERVICE, "ValidationException",
	    "An string set  may not be empty");
}

Test(store_local, conditions)
{
	struct request rq;
	struct value *v;

	create();
	put("{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"1\"},\"v\":{\"N\":\"1\"}}");
	request_init(&rq, OP_PUT_ITEM, "tbl");
	rq.item = J("{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"1\"},"
	    "\"v\":{\"N\":\"9\"}}");
	rq.condition = expr_new(EX_NOT_EXISTS, 1, expr_new_name("pk"));
	fails(&rq, ERR_CONFLICT, "ConditionalCheckFailedException",
	    "ConditionalCheckFailedException: The conditional request failed");
	v = get("p", "1");
	cr_assert_str_eq(attr(v, "v"), "1", "a failed condition wrote");
	value_free(v);

	request_init(&rq, OP_PUT_ITEM, "tbl");
	rq.item = J("{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"2\"}}");
	rq.condition = expr_new(EX_NOT_EXISTS, 1, expr_new_name("pk"));
	ok(&rq);

	request_init(&rq, OP_PUT_ITEM, "tbl");
	rq.item = J("{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"1\"},"
	    "\"v\":{\"N\":\"2\"}}");
	rq.condition = expr_new(EX_EQ, 2, expr_new_name("v"),
	    expr_new_value(value_new_n("1.0", 3)));
	ok(&rq);
	v = get("p", "1");
	cr_assert_str_eq(attr(v, "v"), "2");
	value_free(v);

	request_init(&rq, OP_DELETE_ITEM, "tbl");
	rq.key = key("p", "1");
	rq.condition = expr_new(EX_EQ, 2, expr_new_name("v"),
	    expr_new_value(value_new_n("1", 1)));
	fails(&rq, ERR_CONFLICT, "ConditionalCheckFailedException",
	    "The conditional request failed");
	request_init(&rq, OP_DELETE_ITEM, "tbl");
	rq.key = key("p", "1");
	rq.condition = expr_new(EX_EQ, 2, expr_new_name("v"),
	    expr_new_value(value_new_n("2", 1)));
	rq.return_values = RV_ALL_OLD;
	{
		struct response rs;
		struct err e;

		cr_assert_eq(run(&rq, &rs, &e), 0, "%s", e.msg);
		cr_assert_str_eq(attr(rs.item, "v"), "2");
		cr_assert_float_eq(rs.consumed_capacity, 1.0, 1e-9);
		response_cleanup(&rs);
	}
	cr_assert_null(get("p", "1"));

	/* Checked before any item is read: a BETWEEN upside down. */
	request_init(&rq, OP_DELETE_ITEM, "tbl");
	rq.key = key("p", "9");
	rq.condition = expr_new(EX_BETWEEN, 3, expr_new_name("v"),
	    expr_new_value(value_new_n("5", 1)),
	    expr_new_value(value_new_n("1", 1)));
	fails(&rq, ERR_SERVICE, "ValidationException", "Invalid "
	    "ConditionExpression: The BETWEEN operator requires upper bound "
	    "to be greater than or equal to lower bound; lower bound operand: "
	    "AttributeValue: {N:5}, upper bound operand: AttributeValue: "
	    "{N:1}");
}

/* An UpdateItem of k with one SET #name = :value (an S). */
static void
set_init(struct request *rq, const char *p, const char *s,
    const char *name, struct value *value)
{
	struct path path;

	request_init(rq, OP_UPDATE_ITEM, "tbl");
	rq->key = key(p, s);
	path_init(&path);
	path_set_name(&path, name);
	update_add(&rq->update, UPD_SET, &path, expr_new_value(value));
}

Test(store_local, updates)
{
	struct request rq;
	struct response rs;
	struct err e;
	struct value *v;
	struct path p;

	create();
	/* A missing item is created with its key. */
	set_init(&rq, "p", "1", "a", value_new_str("x"));
	rq.return_values = RV_ALL_NEW;
	cr_assert_eq(run(&rq, &rs, &e), 0, "%s", e.msg);
	cr_assert_str_eq(attr(rs.item, "pk"), "p");
	cr_assert_str_eq(attr(rs.item, "sk"), "1");
	cr_assert_str_eq(attr(rs.item, "a"), "x");
	response_cleanup(&rs);

	set_init(&rq, "p", "1", "a", value_new_str("y"));
	rq.return_values = RV_UPDATED_OLD;
	cr_assert_eq(run(&rq, &rs, &e), 0, "%s", e.msg);
	cr_assert_eq(rs.item->u.map.len, 1);
	cr_assert_str_eq(attr(rs.item, "a"), "x");
	response_cleanup(&rs);

	set_init(&rq, "p", "1", "b", value_new_n("2.50", 4));
	rq.return_values = RV_UPDATED_NEW;
	cr_assert_eq(run(&rq, &rs, &e), 0, "%s", e.msg);
	cr_assert_eq(rs.item->u.map.len, 1);
	cr_assert_str_eq(attr(rs.item, "b"), "2.5");
	response_cleanup(&rs);

	increment(st);
	set_init(&rq, "p", "1", "a", value_new_str("z"));
	rq.condition = cmp_s(EX_EQ, "a", "nope");
	fails(&rq, ERR_CONFLICT, "ConditionalCheckFailedException",
	    "The conditional request failed");
	v = get("p", "1");
	cr_assert_str_eq(attr(v, "a"), "y");
	value_free(v);

	/* The key cannot be updated. */
	set_init(&rq, "p", "1", "sk", value_new_str("2"));
	fails(&rq, ERR_SERVICE, "ValidationException", "One or more parameter "
	    "values were invalid: Cannot update attribute sk. This attribute "
	    "is part of the key");

	/* Overlapping paths are refused before the item is read. */
	set_init(&rq, "p", "1", "m", value_new_m());
	path_init(&p);
	path_push_name(&p, "m", 1);
	path_push_name(&p, "x", 1);
	update_add(&rq.update, UPD_SET, &p, expr_new_value(value_new_str("1")));
	fails(&rq, ERR_SERVICE, "ValidationException", "Invalid "
	    "UpdateExpression: Two document paths overlap with each other; "
	    "must remove or rewrite one of these paths; path one: [m], path "
	    "two: [m, x]");

	/* Values are checked as DynamoDB checks ExpressionAttributeValues. */
	set_init(&rq, "p", "1", "s", value_new_set(VT_SS));
	fails(&rq, ERR_SERVICE, "ValidationException", "ExpressionAttribute"
	    "Values contains invalid value: One or more parameter values were "
	    "invalid: An string set  may not be empty for key :v0");

	/* ADD of a string. */
	request_init(&rq, OP_UPDATE_ITEM, "tbl");
	rq.key = key("p", "1");
	path_init(&p);
	path_set_name(&p, "n");
	update_add(&rq.update, UPD_ADD, &p, expr_new_value(value_new_str("1")));
	fails(&rq, ERR_SERVICE, "ValidationException", "Invalid "
	    "UpdateExpression: Incorrect operand type for operator or "
	    "function; operator: ADD, operand type: STRING");

	/* An update that makes the item too big. */
	{
		char *big = xmalloc(409601);

		memset(big, 'x', 409600);
		big[409600] = '\0';
		set_init(&rq, "p", "1", "big", value_new_str(big));
		free(big);
		fails(&rq, ERR_SERVICE, "ValidationException", "Item size to "
		    "update has exceeded the maximum allowed size");
	}

	/* No update at all still creates the item. */
	request_init(&rq, OP_UPDATE_ITEM, "tbl");
	rq.key = key("p", "new");
	ok(&rq);
	v = get("p", "new");
	cr_assert_not_null(v);
	cr_assert_eq(v->u.map.len, 2);
	value_free(v);
}

/* ---- Query and Scan ------------------------------------------------------ */

Test(store_local, query_ranges)
{
	struct request rq;

	create();
	fill("p", 6);
	fill("q", 2);
	query_init(&rq, "p", NULL);
	query_expect(&rq, "s000,s001,s002,s003,s004,s005", 6, false);
	query_init(&rq, "p", expr_new(EX_BEGINS_WITH, 2, expr_new_name("sk"),
	    expr_new_value(value_new_str("s00"))));
	query_expect(&rq, "s000,s001,s002,s003,s004,s005", 6, false);
	query_init(&rq, "p", expr_new(EX_BETWEEN, 3, expr_new_name("sk"),
	    expr_new_value(value_new_str("s001")),
	    expr_new_value(value_new_str("s003"))));
	query_expect(&rq, "s001,s002,s003", 3, false);
	query_init(&rq, "p", expr_new(EX_BETWEEN, 3, expr_new_name("sk"),
	    expr_new_value(value_new_str("s001")),
	    expr_new_value(value_new_str("s003"))));
	rq.scan_forward = false;
	query_expect(&rq, "s003,s002,s001", 3, false);
	query_init(&rq, "p", cmp_s(EX_LT, "sk", "s002"));
	query_expect(&rq, "s000,s001", 2, false);
	query_init(&rq, "p", cmp_s(EX_LE, "sk", "s002"));
	query_expect(&rq, "s000,s001,s002", 3, false);
	query_init(&rq, "p", cmp_s(EX_GT, "sk", "s003"));
	query_expect(&rq, "s004,s005", 2, false);
	query_init(&rq, "p", cmp_s(EX_GE, "sk", "s003"));
	rq.scan_forward = false;
	query_expect(&rq, "s005,s004,s003", 3, false);
	query_init(&rq, "p", cmp_s(EX_EQ, "sk", "s003"));
	query_expect(&rq, "s003", 1, false);
	/* :v > #sk is #sk < :v. */
	query_init(&rq, "p", expr_new(EX_GT, 2,
	    expr_new_value(value_new_str("s002")), expr_new_name("sk")));
	query_expect(&rq, "s000,s001", 2, false);
	query_init(&rq, "q", NULL);
	query_expect(&rq, "s000,s001", 2, false);
	query_init(&rq, "none", NULL);
	query_expect(&rq, "", 0, false);
}

Test(store_local, query_byte_order)
{
	struct request rq;

	create();
	put("{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"\xc3\xa9\"}}");
	put("{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"~\"}}");
	put("{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"Z\"}}");
	put("{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"a\"}}");
	put("{\"pk\":{\"S\":\"p\"},\"sk\":{\"S\":\"ab\"}}");
	query_init(&rq, "p", NULL);
	query_expect(&rq, "Z,a,ab,~,\xc3\xa9", 5, false);
	query_init(&rq, "p", expr_new(EX_BEGINS_WITH, 2, expr_new_name("sk"),
	    expr_new_value(value_new_str("a"))));
	query_expect(&rq, "a,ab", 2, false);
}

Test(store_local, query_limit_counts_before_filter)
{
	struct request rq;
	struct response rs;
	struct err e;

	create();
	fill("p", 6);
	/* Limit 3 with a filter that matches one of those three. */
	query_init(&rq, "p", NULL);
	rq.limit = 3;
	rq.filter = expr_new(EX_EQ, 2, expr_new_name("n"),
	    expr_new_value(value_new_n("1", 1)));
	cr_assert_eq(run(&rq, &rs, &e), 0, "%s", e.msg);
	cr_assert_eq(rs.count, 1);
	cr_assert_eq(rs.scanned_count, 3);
	cr_assert_eq(rs.nitems, 1);
	cr_assert_str_eq(attr(rs.last_evaluated_key, "sk"), "s002");
	cr_assert_eq(rs.last_evaluated_key->u.map.len, 2);
	response_cleanup(&rs);

	/* Limit reached on the last item: DynamoDB still sends a key. */
	query_init(&rq, "p", NULL);
	rq.limit = 6;
	query_expect(&rq, "s000,s001,s002,s003,s004,s005", 6, true);
	query_init(&rq, "p", NULL);
	rq.limit = 7;
	query_expect(&rq, "s000,s001,s002,s003,s004,s005", 6, false);

	/* Paging on with ExclusiveStartKey, both directions. */
	query_init(&rq, "p", NULL);
	rq.limit = 4;
	rq.exclusive_start_key = key("p", "s001");
	query_expect(&rq, "s002,s003,s004,s005", 4, true);
	query_init(&rq, "p", NULL);
	rq.scan_forward = false;
	rq.exclusive_start_key = key("p", "s003");
	query_expect(&rq, "s002,s001,s000", 3, false);

	/* Select COUNT. */
	query_init(&rq, "p", NULL);
	rq.select_count = true;
	rq.filter = expr_new(EX_GE, 2, expr_new_name("n"),
	    expr_new_value(value_new_n("4", 1)));
	cr_assert_eq(run(&rq, &rs, &e), 0, "%s", e.msg);
	cr_assert_eq(rs.nitems, 0);
	cr_assert_eq(rs.count, 2);
	cr_assert_eq(rs.scanned_count, 6);
	response_cleanup(&rs);
}

Test(store_local, query_errors)
{
	struct request rq;

	create();
	request_init(&rq, OP_QUERY, "tbl");
	rq.key_condition = cmp_s(EX_EQ, "sk", "x");
	fails(&rq, ERR_SERVICE, "ValidationException",
	    "Query condition missed key schema element: pk");
	request_init(&rq, OP_QUERY, "tbl");
	rq.key_condition = expr_new(EX_OR, 2, pk_is("a"), pk_is("b"));
	fails(&rq, ERR_SERVICE, "ValidationException",
	    "Invalid operator used in KeyConditionExpression: OR");
	request_init(&rq, OP_QUERY, "tbl");
	rq.key_condition = cmp_s(EX_GT, "pk", "a");
	fails(&rq, ERR_SERVICE, "ValidationException",
	    "Query key condition not supported");
	request_init(&rq, OP_QUERY, "tbl");
	fails(&rq, ERR_SERVICE, "ValidationException",
	    "Either the KeyConditions or KeyConditionExpression parameter");
	query_init(&rq, "p", NULL);
	rq.filter = cmp_s(EX_EQ, "sk", "x");
	fails(&rq, ERR_SERVICE, "ValidationException", "Filter Expression can "
	    "only contain non-primary key attributes: Primary key attribute: "
	    "sk");
	query_init(&rq, "p", expr_new(EX_EQ, 2, expr_new_name("sk"),
	    expr_new_value(value_new_n("1", 1))));
	fails(&rq, ERR_SERVICE, "ValidationException", "Condition parameter "
	    "type does not match schema type");
	query_init(&rq, "p", expr_new(EX_BETWEEN, 3, expr_new_name("sk"),
	    expr_new_value(value_new_str("b")),
	    expr_new_value(value_new_str("a"))));
	fails(&rq, ERR_SERVICE, "ValidationException", "Invalid "
	    "KeyConditionExpression: The BETWEEN operator requires upper "
	    "bound to be greater than or equal to lower bound");
	query_init(&rq, "p", NULL);
	rq.exclusive_start_key = key("other", "x");
	fails(&rq, ERR_SERVICE, "ValidationException", "The provided starting "
	    "key is outside query boundaries based on provided conditions");
	request_init(&rq, OP_QUERY, "nope");
	rq.key_condition = pk_is("x");
	fails(&rq, ERR_NOT_FOUND, "ResourceNotFoundException",
	    "Requested resource not found");
}

/* Put n items of about size bytes each into partition p. */
static void
fill_big(const char *p, int n, size_t size)
{
	struct request rq;
	struct value *item;
	char *pad = xmalloc(size + 1), sk[16];
	int i;

	memset(pad, 'x', size);
	pad[size] = '\0';
	for (i = 0; i < n; i++) {
		snprintf(sk, sizeof sk, "s%03d", i);
		item = value_new_m();
		value_map_set(item, "pk", value_new_str(p));
		value_map_set(item, "sk", value_new_str(sk));
		value_map_set(item, "pad", value_new_str(pad));
		request_init(&rq, OP_PUT_ITEM, "tbl");
		rq.item = item;
		ok(&rq);
	}
	free(pad);
}

Test(store_local, query_pages_at_one_megabyte)
{
	struct request rq;
	struct response rs;
	struct err e;
	struct value *start = NULL;
	int pages = 0, total = 0, expect = 0;
	char want[16];

	create();
	fill_big("p", 30, 100000);
	do {
		size_t i;

		query_init(&rq, "p", NULL);
		rq.exclusive_start_key = start;
		cr_assert_eq(run(&rq, &rs, &e), 0, "%s", e.msg);
		pages++;
		for (i = 0; i < rs.nitems; i++) {
			snprintf(want, sizeof want, "s%03d", expect++);
			cr_assert_str_eq(attr(rs.items[i], "sk"), want);
		}
		total += (int)rs.nitems;
		if (pages == 1) {
			/* 100 KB items: the page ends at the eleventh, the
			 * first to take it to 1 MB. */
			cr_assert_eq(rs.nitems, 11, "%zu", rs.nitems);
			cr_assert_str_eq(attr(rs.last_evaluated_key, "sk"),
			    "s010");
			/* 11 items of 100,012 bytes: 269 units of 4 KB,
			 * half price. */
			cr_assert_float_eq(rs.consumed_capacity, 134.5, 1e-9);
		}
		start = rs.last_evaluated_key;
		rs.last_evaluated_key = NULL;
		response_cleanup(&rs);
	} while (start != NULL && pages < 10);
	cr_assert_eq(total, 30);
	cr_assert_eq(pages, 3);
}

Test(store_local, scan_segments_cover_every_item_once)
{
	struct request rq;
	struct response rs;
	struct err e;
	char json[128];
	int seen[300] = { 0 };
	int seg, i, nonempty = 0;

	create();
	for (i = 0; i < 300; i++) {
		snprintf(json, sizeof json, "{\"pk\":{\"S\":\"p%d\"},\"sk\":"
		    "{\"S\":\"%d\"},\"i\":{\"N\":\"%d\"}}", i / 3, i % 3, i);
		put(json);
	}
	for (seg = 0; seg < 4; seg++) {
		struct value *start = NULL;
		int got = 0;

		do {
			request_init(&rq, OP_SCAN, "tbl");
			rq.segment = seg;
			rq.total_segments = 4;
			rq.limit = 17;
			rq.exclusive_start_key = start;
			cr_assert_eq(run(&rq, &rs, &e), 0, "%s", e.msg);
			for (size_t k = 0; k < rs.nitems; k++) {
				int n = atoi(attr(rs.items[k], "i"));

				cr_assert(n >= 0 && n < 300);
				seen[n]++;
				got++;
			}
			start = rs.last_evaluated_key;
			rs.last_evaluated_key = NULL;
			response_cleanup(&rs);
		} while (start != NULL);
		if (got > 0)
			nonempty++;
	}
	for (i = 0; i < 300; i++)
		cr_assert_eq(seen[i], 1, "item %d seen %d times", i, seen[i]);
	cr_assert(nonempty >= 3, "segments should share the work");

	/* A start key from another segment. */
	for (i = 0; i < 100; i++) {
		char p[16];

		snprintf(p, sizeof p, "p%d", i);
		request_init(&rq, OP_SCAN, "tbl");
		rq.segment = 0;
		rq.total_segments = 2;
		rq.exclusive_start_key = key(p, "0");
		if (run(&rq, &rs, &e) == -1) {
			cr_assert_not_null(strstr(e.msg, "Invalid "
			    "ExclusiveStartKey. Please use ExclusiveStartKey "
			    "with correct Segment. TotalSegments: 2 "
			    "Segment: 0"),
			    "%s", e.msg);
			response_cleanup(&rs);
			break;
		}
		response_cleanup(&rs);
	}
	cr_assert_lt(i, 100);
	request_init(&rq, OP_SCAN, "tbl");
	rq.segment = 4;
	rq.total_segments = 4;
	fails(&rq, ERR_SERVICE, "ValidationException", "The Segment parameter "
	    "is zero-based and must be less than parameter TotalSegments: "
	    "Segment: 4 is not less than TotalSegments: 4");

	/* A whole scan with a filter on the keys (allowed in a Scan). */
	request_init(&rq, OP_SCAN, "tbl");
	rq.filter = cmp_s(EX_EQ, "sk", "2");
	cr_assert_eq(run(&rq, &rs, &e), 0, "%s", e.msg);
	cr_assert_eq(rs.count, 100);
	cr_assert_eq(rs.scanned_count, 300);
	cr_assert_null(rs.last_evaluated_key);
	response_cleanup(&rs);
}

/* ---- batches ------------------------------------------------------------- */

Test(store_local, batch_get)
{
	struct request rq;
	struct response rs;
	struct err e;
	int i;

	create();
	fill("p", 3);
	request_init(&rq, OP_BATCH_GET_ITEM, "tbl");
	rq.keys = xcalloc(3, sizeof *rq.keys);
	rq.keys[rq.nkeys++] = key("p", "s000");
	rq.keys[rq.nkeys++] = key("p", "s999");
	rq.keys[rq.nkeys++] = key("p", "s002");
	cr_assert_eq(run(&rq, &rs, &e), 0, "%s", e.msg);
	cr_assert_eq(rs.nitems, 2);
	cr_assert_eq(rs.nunprocessed_keys, 0);
	cr_assert_float_eq(rs.consumed_capacity, 1.5, 1e-9);
	response_cleanup(&rs);

	request_init(&rq, OP_BATCH_GET_ITEM, "tbl");
	rq.keys = xcalloc(2, sizeof *rq.keys);
	rq.keys[rq.nkeys++] = key("p", "s000");
	rq.keys[rq.nkeys++] = J("{\"sk\":{\"S\":\"s000\"},"
	    "\"pk\":{\"S\":\"p\"}}");
	fails(&rq, ERR_SERVICE, "ValidationException",
	    "Provided list of item keys contains duplicates");

	request_init(&rq, OP_BATCH_GET_ITEM, "tbl");
	rq.keys = xcalloc(101, sizeof *rq.keys);
	for (i = 0; i < 101; i++) {
		char s[16];

		snprintf(s, sizeof s, "%d", i);
		rq.keys[rq.nkeys++] = key("p", s);
	}
	fails(&rq, ERR_SERVICE, "ValidationException",
	    "Member must have length less than or equal to 100");
}

Test(store_local, batch_get_stops_at_sixteen_megabytes)
{
	struct request rq;
	struct response rs;
	struct err e;
	int i;

	create();
	fill_big("p", 45, 390000);
	request_init(&rq, OP_BATCH_GET_ITEM, "tbl");
	rq.keys = xcalloc(45, sizeof *rq.keys);
	for (i = 0; i < 45; i++) {
		char s[16];

		snprintf(s, sizeof s, "s%03d", i);
		rq.keys[rq.nkeys++] = key("p", s);
	}
	cr_assert_eq(run(&rq, &rs, &e), 0, "%s", e.msg);
	/* 16 MB / ~390 KB: 43 items, 2 left for the next call. */
	cr_assert_eq(rs.nitems, 43, "%zu", rs.nitems);
	cr_assert_eq(rs.nunprocessed_keys, 2);
	cr_assert_str_eq(attr(rs.unprocessed_keys[1], "sk"), "s044");
	response_cleanup(&rs);
}

/* A BatchWriteItem put of p/sk. */
static void
bw_put(struct request *rq, const char *p, const char *sk)
{
	struct write_request *w = &rq->writes[rq->nwrites++];

	w->is_delete = false;
	w->value = key(p, sk);
	value_map_set(w->value, "x", value_new_str("1"));
}

Test(store_local, batch_write)
{
	struct request rq;
	struct response rs;
	struct err e;
	char s[16];
	int i;

	create();
	fill("p", 2);
	request_init(&rq, OP_BATCH_WRITE_ITEM, "tbl");
	rq.writes = xcalloc(25, sizeof *rq.writes);
	for (i = 0; i < 24; i++) {
		snprintf(s, sizeof s, "b%02d", i);
		bw_put(&rq, "p", s);
	}
	rq.writes[24].is_delete = true;
	rq.writes[24].value = key("p", "s000");
	rq.nwrites = 25;
	cr_assert_eq(run(&rq, &rs, &e), 0, "%s", e.msg);
	cr_assert_eq(rs.nunprocessed_writes, 0);
	cr_assert_float_eq(rs.consumed_capacity, 25.0, 1e-9);
	response_cleanup(&rs);
	cr_assert_null(get("p", "s000"));
	query_init(&rq, "p", NULL);
	query_expect(&rq, "b00,b01,b02,b03,b04,b05,b06,b07,b08,b09,b10,b11,"
	    "b12,b13,b14,b15,b16,b17,b18,b19,b20,b21,b22,b23,s001", 25, false);

	/* Duplicates: refused, and nothing of the batch is written. */
	request_init(&rq, OP_BATCH_WRITE_ITEM, "tbl");
	rq.writes = xcalloc(3, sizeof *rq.writes);
	bw_put(&rq, "d", "1");
	bw_put(&rq, "d", "2");
	rq.writes[2].is_delete = true;
	rq.writes[2].value = key("d", "1");
	rq.nwrites = 3;
	fails(&rq, ERR_SERVICE, "ValidationException",
	    "Provided list of item keys contains duplicates");
	cr_assert_null(get("d", "2"));

	request_init(&rq, OP_BATCH_WRITE_ITEM, "tbl");
	rq.writes = xcalloc(26, sizeof *rq.writes);
	for (i = 0; i < 26; i++) {
		snprintf(s, sizeof s, "%d", i);
		bw_put(&rq, "q", s);
	}
	fails(&rq, ERR_SERVICE, "ValidationException",
	    "Member must have length less than or equal to 25");

	/* A bad key is worded as a key mismatch in a batch. */
	request_init(&rq, OP_BATCH_WRITE_ITEM, "tbl");
	rq.writes = xcalloc(1, sizeof *rq.writes);
	rq.writes[0].value = J("{\"pk\":{\"S\":\"p\"}}");
	rq.nwrites = 1;
	fails(&rq, ERR_SERVICE, "ValidationException",
	    "The provided key element does not match the schema");
}
