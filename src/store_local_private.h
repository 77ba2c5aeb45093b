/* SPDX-License-Identifier: ISC */
/* Inside the embedded store: what its files (store_local*.c) share. */
#ifndef DYNREPO_STORE_LOCAL_PRIVATE_H
#define DYNREPO_STORE_LOCAL_PRIVATE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "expr.h"
#include "request.h"
#include "store.h"
#include "value.h"

/* Longest user text quoted in a message. */
#define STORE_LOCAL_QUOTE_MAX	400

/* DynamoDB's rule for a table name. */
#define STORE_LOCAL_NAME_MAX	255
#define STORE_LOCAL_NAME_RE	"[a-zA-Z0-9_.-]+"

/* A number's shape, as DynamoDB measures and limits it. */
struct store_local_num {
	bool		 neg;
	size_t		 digits;	/* significant; 0 for zero */
	long long	 e;		/* power of ten of the first */
};

/* ---- errors, in DynamoDB's words (store_local_check.c) ----------------- */

/* A DynamoDB error of the given type (its name, as the service sends
 * it); -1. */
int	 store_local_fail(struct err *, const char *type, const char *fmt, ...)
	     __attribute__((format(printf, 3, 4)));
/* A ValidationException; -1. */
int	 store_local_invalid(struct err *, const char *fmt, ...)
	     __attribute__((format(printf, 2, 3)));
/* Turn an expr_eval error (ERR_INPUT, DynamoDB's words) into the error
 * DynamoDB would send, with prefix in front of its message; -1. */
int	 store_local_adopt(struct err *, const char *prefix);
/* Append user text for a message, cut at STORE_LOCAL_QUOTE_MAX bytes. */
void	 store_local_quote(struct buf *, const char *s, size_t len);

/* ---- numbers, values, expressions (store_local_check.c) ---------------- */

/* Parse a number's sign, significant digits and exponent; -1 when the
 * text is not a number. */
int	 store_local_num_parse(const char *t, size_t len,
	     struct store_local_num *);
/* Check every attribute of an item or key; ValidationException with
 * prefix in front of DynamoDB's message. */
int	 store_local_check_values(const struct value *m, const char *prefix,
	     struct err *);
/* The expression attribute values of a request. */
int	 store_local_check_expr_values(const struct request *, struct err *);
/* What DynamoDB refuses in a condition, filter or key condition before
 * reading any item (param: "ConditionExpression", ...). */
int	 store_local_check_cond(const struct expr *, const char *param,
	     struct err *);
int	 store_local_check_update(const struct update *, struct err *);
int	 store_local_check_projection(const struct request *, struct err *);
/* The name DynamoDB's messages give a function or a comparison node;
 * NULL for others. */
const char *store_local_function_name(enum expr_kind);
const char *store_local_cmp_name(enum expr_kind);
/* Order two scalars of one type as DynamoDB does; 0 for other types. */
int	 store_local_scalar_cmp(const struct value *, const struct value *);

/* ---- the file (store_local.c) ------------------------------------------ */

/*
 * SQLite, loaded when the first embedded store is opened rather than
 * linked: linking it costs every start of the program ~2.5 ms of dynamic
 * loading, which `--version`, `profiles` and every DynamoDB verb never
 * need. The members have the header's own types, so a call that does not
 * match its prototype does not compile.
 */
struct store_local_sqlite {
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
};
/* Complete once a store is open: every other function here may use it. */
extern struct store_local_sqlite sl_lib;

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

/* An open store: the connection and its prepared statements. */
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

/* An SQLite failure: ERR_IO with the file and SQLite's reason; -1. */
int	 store_local_sqlerr(struct store_local *, const char *what,
	     struct err *);
/* The statement for s, prepared on first use (owned by the store); NULL
 * with ERR_IO. */
sqlite3_stmt *store_local_stmt(struct store_local *, enum store_local_stmt s,
	     struct err *);
/* Bind bytes (borrowed until the statement is done) as a BLOB. */
void	 store_local_bind_blob(sqlite3_stmt *, int i, const char *p,
	     size_t len);
/* Reset a statement for its next use. */
void	 store_local_done(sqlite3_stmt *);
/* Start a read snapshot or (write) a write transaction. */
int	 store_local_begin(struct store_local *, bool write, struct err *);
/* Commit (rolling back when that fails); durable when it returns 0. */
int	 store_local_commit(struct store_local *, struct err *);
/* Undo an open transaction, if any; cannot fail. */
void	 store_local_rollback(struct store_local *);
/* The stored item in column col of st's row; ERR_IO when damaged. */
struct value *store_local_parse_row(struct store_local *, const char *table,
	     sqlite3_stmt *st, int col, struct err *);
/* Read the item at k: *item (the caller's) is NULL when there is none;
 * *size, when size is not NULL, is its stored DynamoDB size. */
int	 store_local_fetch(struct store_local *,
	     const struct store_local_table *, const struct store_local_key *k,
	     struct value **item, size_t *size, struct err *);
/* Whether there is an item at k, and its stored size. */
int	 store_local_fetch_size(struct store_local *,
	     const struct store_local_table *, const struct store_local_key *k,
	     bool *found, size_t *size, struct err *);
/* Store item (canonical, validated, of DynamoDB size size) at its key. */
int	 store_local_store(struct store_local *,
	     const struct store_local_table *, const struct value *item,
	     size_t size, struct err *);
/* Delete the item at k (nothing when absent). */
int	 store_local_remove(struct store_local *,
	     const struct store_local_table *, const struct store_local_key *k,
	     struct err *);

/* ---- tables (store_local_table.c) -------------------------------------- */

/* DynamoDB's constraints on a table name as request field field;
 * ValidationException. */
int	 store_local_check_table_name(const char *name, const char *field,
	     struct err *);
/* Read table name's key schema into t (to be cleaned up whatever the
 * result); ResourceNotFoundException, naming the table when name_it. */
int	 store_local_table_get(struct store_local *, const char *name,
	     bool name_it, struct store_local_table *t, struct err *);
void	 store_local_table_cleanup(struct store_local_table *);
/* DescribeTable, CreateTable, DeleteTable, ListTables. */
int	 store_local_describe(struct store_local *, const struct request *,
	     struct response *, struct err *);
int	 store_local_create(struct store_local *, const struct request *,
	     struct response *, struct err *);
int	 store_local_drop(struct store_local *, const struct request *,
	     struct response *, struct err *);
int	 store_local_list(struct store_local *, const struct request *,
	     struct response *, struct err *);

/* ---- keys (store_local_key.c) ------------------------------------------ */

/* Whether key or item has attribute attr as the schema wants it; if not,
 * DynamoDB's reason in why. */
bool	 store_local_piece_ok(const struct value *key, const char *attr,
	     enum value_type type, bool is_hash, struct buf *why);
/* Whether key is a key of t (exactly its key attributes). */
bool	 store_local_key_ok(const struct store_local_table *t,
	     const struct value *key, struct buf *why);
/* Whether item has t's key attributes. */
bool	 store_local_item_ok(const struct store_local_table *t,
	     const struct value *item, struct buf *why);
/* The stored key of a validated key or item (pointers into m). */
void	 store_local_key_of(const struct store_local_table *t,
	     const struct value *m, struct store_local_key *k);
bool	 store_local_key_equal(const struct store_local_key *,
	     const struct store_local_key *);
/* A new M holding only the key attributes of item. */
struct value *store_local_key_value(const struct store_local_table *t,
	     const struct value *item);
/* Whether a path's first segment is the attribute name. */
bool	 store_local_path_head_is(const struct path *, const char *name);
/* Whether x uses a path headed by name; with nested, only paths inside
 * it. */
bool	 store_local_expr_uses(const struct expr *x, const char *name,
	     bool nested);
/* Refuse projections (of rq, may be NULL) and expression x that look
 * inside a key attribute; ValidationException. */
int	 store_local_check_key_paths(const struct store_local_table *t,
	     const struct request *rq, const struct expr *x, struct err *);

/* ---- item requests (store_local_item.c) -------------------------------- */

/* Read units for bytes read. */
double	 store_local_read_units(size_t bytes, bool consistent);
/* GetItem, PutItem, UpdateItem, DeleteItem, BatchGetItem,
 * BatchWriteItem. */
int	 store_local_get_item(struct store_local *, const struct request *,
	     struct response *, struct err *);
int	 store_local_put_item(struct store_local *, const struct request *,
	     struct response *, struct err *);
int	 store_local_update_item(struct store_local *, const struct request *,
	     struct response *, struct err *);
int	 store_local_delete_item(struct store_local *, const struct request *,
	     struct response *, struct err *);
int	 store_local_batch_get(struct store_local *, const struct request *,
	     struct response *, struct err *);
int	 store_local_batch_write(struct store_local *, const struct request *,
	     struct response *, struct err *);

/* ---- Query and Scan (store_local_query.c) ------------------------------ */

int	 store_local_query(struct store_local *, const struct request *,
	     struct response *, struct err *);
int	 store_local_scan(struct store_local *, const struct request *,
	     struct response *, struct err *);
/* SQL function dynrepo_segment(pk, total): the Scan segment of a
 * partition. */
void	 store_local_segment_fn(sqlite3_context *, int argc,
	     sqlite3_value **argv);

#endif
