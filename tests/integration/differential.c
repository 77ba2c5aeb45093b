/* SPDX-License-Identifier: ISC */
/* One request through the embedded store and a server, and what differs. */
#include "config.h"

#include "differential.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


#include "awsclient.h"
#include "creds.h"
#include "ddbjson.h"
#include "http.h"
#include "store_dynamodb.h"
#include "store_local.h"
#include "xmalloc.h"

/* Longest value shown in a report line. */
#define DIFF_VALUE_MAX	600
/* Items shown per answer in a report. */
#define DIFF_ITEMS_MAX	12

static const char *const diff_side_names[DIFF_NSIDES] = { "local", "remote" };

/* Seconds on the monotonic clock. */
static double
diff_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Execute rq on one store into o. */
static void
diff_exec(struct store *st, const struct request *rq, struct diff_outcome *o)
{
	response_init(&o->rs);
	err_clear(&o->err);
	o->rc = store_execute(st, rq, &o->rs, &o->err);
}

/* Execute a request that must succeed on one side. */
static int
diff_must(struct store *st, struct request *rq, struct response *rs,
    struct err *e)
{
	response_init(rs);
	err_clear(e);
	if (store_execute(st, rq, rs, e) == -1) {
		response_cleanup(rs);
		return -1;
	}
	return 0;
}

/* CreateTable pk/sk on one store, then wait until DescribeTable says
 * ACTIVE, as a client must. */
static int
diff_create(struct store *st, const char *table, struct err *e)
{
	struct request rq;
	struct response rs;
	int i, rc;

	request_init(&rq, OP_CREATE_TABLE, table);
	rq.hash_key = xstrdup("pk");
	rq.range_key = xstrdup("sk");
	rc = diff_must(st, &rq, &rs, e);
	request_cleanup(&rq);
	if (rc == -1)
		return -1;
	response_cleanup(&rs);
	for (i = 0; i < 200; i++) {
		bool active;

		request_init(&rq, OP_DESCRIBE_TABLE, table);
		rc = diff_must(st, &rq, &rs, e);
		request_cleanup(&rq);
		if (rc == -1)
			return -1;
		active = rs.table_status != NULL &&
		    strcmp(rs.table_status, "ACTIVE") == 0;
		response_cleanup(&rs);
		if (active)
			return 0;
		usleep(20000);
	}
	return err_set(e, ERR_SERVICE, "table %s never became ACTIVE", table);
}

int
diff_open(struct diff *d, const char *tag, struct err *e)
{
	static unsigned serial;
	const char *endpoint = getenv("DYNREPO_TEST_ENDPOINT");
	struct awsclient_config ac = {
		.region = "us-east-1", .service = "dynamodb",
		.target_prefix = "DynamoDB_20120810", .max_attempts = 3,
		.connect_timeout_ms = 5000, .timeout_ms = 60000,
	};
	struct http_options ho = { 0 };
	int s;

	memset(d, 0, sizeof *d);
	if (endpoint == NULL)
		return err_set(e, ERR_CONFIG, "DYNREPO_TEST_ENDPOINT is not "
		    "set: run through tests/with-dynalite");
	snprintf(d->dir, sizeof d->dir, "/tmp/dynrepo-diff-XXXXXX");
	if (mkdtemp(d->dir) == NULL)
		return err_set(e, ERR_IO, "mkdtemp failed");
	d->dbpath = xasprintf("%s/store.db", d->dir);
	d->store[DIFF_LOCAL] = store_local_open(d->dbpath, e);
	if (d->store[DIFF_LOCAL] == NULL)
		return -1;
	ac.endpoint = endpoint;
	d->http = http_new_curl(&ho);
	d->creds = creds_provider_new(NULL, NULL, NULL);
	d->client = awsclient_new(&ac, d->http, d->creds, NULL);
	d->store[DIFF_REMOTE] = store_dynamodb_new(d->client);
	snprintf(d->table, sizeof d->table, "diff_%s_%ld_%u", tag,
	    (long)getpid(), serial++);
	for (s = 0; s < DIFF_NSIDES; s++)
		if (diff_create(d->store[s], d->table, e) == -1) {
			err_prefix(e, "%s: ", diff_side_names[s]);
			return -1;
		}
	return 0;
}

void
diff_close(struct diff *d)
{
	struct request rq;
	struct response rs;
	struct err e;
	char *p;

	if (d->store[DIFF_REMOTE] != NULL && d->table[0] != '\0') {
		/* Keep the shared server small for the other tests. */
		request_init(&rq, OP_DELETE_TABLE, d->table);
		if (diff_must(d->store[DIFF_REMOTE], &rq, &rs, &e) == 0)
			response_cleanup(&rs);
		request_cleanup(&rq);
	}
	store_free(d->store[DIFF_LOCAL]);
	store_free(d->store[DIFF_REMOTE]);
	awsclient_free(d->client);
	creds_provider_free(d->creds);
	http_free(d->http);
	if (d->dbpath != NULL) {
		unlink(d->dbpath);
		p = xasprintf("%s-wal", d->dbpath);
		unlink(p);
		free(p);
		p = xasprintf("%s-shm", d->dbpath);
		unlink(p);
		free(p);
		rmdir(d->dir);
	}
	free(d->dbpath);
	memset(d, 0, sizeof *d);
}

void
diff_run(struct diff *d, const struct request *rq, struct diff_step *step)
{
	int s;

	for (s = 0; s < DIFF_NSIDES; s++) {
		double t0 = diff_now();

		diff_exec(d->store[s], rq, &step->side[s]);
		d->seconds[s] += diff_now() - t0;
	}
	d->steps++;
}

void
diff_step_cleanup(struct diff_step *step)
{
	int s;

	for (s = 0; s < DIFF_NSIDES; s++)
		response_cleanup(&step->side[s].rs);
}

/* ---- comparing --------------------------------------------------------- */

/* Two optional values are equal (both absent, or value_equal). */
static bool
diff_opt_equal(const struct value *a, const struct value *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return value_equal(a, b);
}

/* Absent, or a map with no members. */
static bool
diff_empty_map(const struct value *v)
{
	return v == NULL || (v->type == VT_M && v->u.map.len == 0);
}

/* Two optional strings are equal. */
static bool
diff_str_equal(const char *a, const char *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return strcmp(a, b) == 0;
}

/* Two lists of values hold the same values in the same order, or (as a
 * multiset) in any order. */
static bool
diff_values_equal(struct value *const *a, size_t na, struct value *const *b,
    size_t nb, bool unordered)
{
	bool *used, ok = true;
	size_t i, j;

	if (na != nb)
		return false;
	if (!unordered) {
		for (i = 0; i < na; i++)
			if (!value_equal(a[i], b[i]))
				return false;
		return true;
	}
	used = xcalloc(nb + 1, sizeof *used);
	for (i = 0; i < na && ok; i++) {
		for (j = 0; j < nb; j++)
			if (!used[j] && value_equal(a[i], b[j]))
				break;
		if (j == nb)
			ok = false;
		else
			used[j] = true;
	}
	free(used);
	return ok;
}

/* The same for unprocessed writes: kind and value, in any order. */
static bool
diff_writes_equal(const struct write_request *a, size_t na,
    const struct write_request *b, size_t nb)
{
	bool *used, ok = true;
	size_t i, j;

	if (na != nb)
		return false;
	used = xcalloc(nb + 1, sizeof *used);
	for (i = 0; i < na && ok; i++) {
		for (j = 0; j < nb; j++)
			if (!used[j] && a[i].is_delete == b[j].is_delete &&
			    value_equal(a[i].value, b[j].value))
				break;
		if (j == nb)
			ok = false;
		else
			used[j] = true;
	}
	free(used);
	return ok;
}

/* Record one difference. */
static void
diff_note(struct buf *out, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void
diff_note(struct buf *out, size_t *n, const char *fmt, ...)
{
	va_list ap;

	(*n)++;
	if (out == NULL)
		return;
	buf_adds(out, "  differs: ");
	va_start(ap, fmt);
	buf_vprintf(out, fmt, ap);
	va_end(ap);
	buf_addc(out, '\n');
}

/* The answers of two successful calls. */
static size_t
diff_compare_ok(const struct request *rq, const struct response *a,
    const struct response *b, unsigned flags, struct buf *out)
{
	bool unordered = (flags & DIFF_UNORDERED) != 0 ||
	    rq->op == OP_BATCH_GET_ITEM;
	size_t n = 0;

	/* dynalite answers UPDATED_NEW / UPDATED_OLD with an empty
	 * Attributes map when no updated path is there; DynamoDB leaves
	 * Attributes out, as the local store does. */
	if (rq->op == OP_UPDATE_ITEM && diff_empty_map(a->item) &&
	    diff_empty_map(b->item))
		;
	else if (!diff_opt_equal(a->item, b->item))
		diff_note(out, &n, "%s", rq->op == OP_GET_ITEM ? "Item" :
		    "Attributes");
	if (!diff_values_equal(a->items, a->nitems, b->items, b->nitems,
	    unordered))
		diff_note(out, &n, "%s (%zu and %zu)", rq->op ==
		    OP_BATCH_GET_ITEM ? "Responses" : "Items", a->nitems,
		    b->nitems);
	if (a->count != b->count)
		diff_note(out, &n, "Count (%ld and %ld)", a->count, b->count);
	if (a->scanned_count != b->scanned_count)
		diff_note(out, &n, "ScannedCount (%ld and %ld)",
		    a->scanned_count, b->scanned_count);
	if (!diff_opt_equal(a->last_evaluated_key, b->last_evaluated_key))
		diff_note(out, &n, "LastEvaluatedKey");
	if (a->consumed_capacity != b->consumed_capacity)
		diff_note(out, &n, "ConsumedCapacity (%g and %g)",
		    a->consumed_capacity, b->consumed_capacity);
	if (!diff_values_equal(a->unprocessed_keys, a->nunprocessed_keys,
	    b->unprocessed_keys, b->nunprocessed_keys, true))
		diff_note(out, &n, "UnprocessedKeys (%zu and %zu)",
		    a->nunprocessed_keys, b->nunprocessed_keys);
	if (!diff_writes_equal(a->unprocessed_writes, a->nunprocessed_writes,
	    b->unprocessed_writes, b->nunprocessed_writes))
		diff_note(out, &n, "UnprocessedItems (%zu and %zu)",
		    a->nunprocessed_writes, b->nunprocessed_writes);
	if (!diff_str_equal(a->table_status, b->table_status) ||
	    !diff_str_equal(a->hash_key, b->hash_key) ||
	    !diff_str_equal(a->range_key, b->range_key))
		diff_note(out, &n, "table description");
	/* ItemCount is not compared: DynamoDB refreshes it about every six
	 * hours, dynalite always says 0, the local store counts. */
	return n;
}

size_t
diff_compare(const struct request *rq, const struct diff_step *step,
    unsigned flags, struct buf *out)
{
	const struct diff_outcome *a = &step->side[DIFF_LOCAL];
	const struct diff_outcome *b = &step->side[DIFF_REMOTE];
	size_t n = 0;

	if (a->rc != b->rc) {
		diff_note(out, &n, "only the %s store failed",
		    a->rc != 0 ? "local" : "remote");
		return n;
	}
	if (a->rc == 0)
		return diff_compare_ok(rq, &a->rs, &b->rs, flags, out);
	if (a->err.code != b->err.code)
		diff_note(out, &n, "error code (%s and %s)",
		    err_code_name(a->err.code), err_code_name(b->err.code));
	if (strcmp(a->err.aws_type, b->err.aws_type) != 0)
		diff_note(out, &n, "error type");
	if (a->err.http_status != b->err.http_status)
		diff_note(out, &n, "HTTP status (%d and %d)",
		    a->err.http_status, b->err.http_status);
	if ((flags & DIFF_NO_MESSAGE) == 0 &&
	    strcmp(a->err.msg, b->err.msg) != 0)
		diff_note(out, &n, "error message");
	return n;
}

/* ---- reports ------------------------------------------------------------ */

void
diff_describe_value(const struct value *v, size_t max, struct buf *out)
{
	struct buf t = BUF_INIT;

	if (v == NULL) {
		buf_adds(out, "(none)");
		return;
	}
	if (v->type == VT_M)
		ddbjson_emit_item(&t, v);
	else
		ddbjson_emit_value(&t, v);
	if (t.len > max) {
		buf_add(out, t.data, max);
		buf_printf(out, "... (%zu bytes)", t.len);
	} else
		buf_add(out, t.data, t.len);
	buf_cleanup(&t);
}

/* A list of values, one per line, the first DIFF_ITEMS_MAX. */
static void
diff_describe_list(const char *what, struct value *const *v, size_t n,
    struct buf *out)
{
	size_t i;

	if (n == 0)
		return;
	buf_printf(out, "    %s (%zu):\n", what, n);
	for (i = 0; i < n && i < DIFF_ITEMS_MAX; i++) {
		buf_printf(out, "      [%zu] ", i);
		diff_describe_value(v[i], DIFF_VALUE_MAX, out);
		buf_addc(out, '\n');
	}
	if (n > DIFF_ITEMS_MAX)
		buf_printf(out, "      ... %zu more\n", n - DIFF_ITEMS_MAX);
}

void
diff_describe_outcome(const struct diff_outcome *o, struct buf *out)
{
	const struct response *rs = &o->rs;
	size_t i;

	if (o->rc != 0) {
		buf_printf(out, "error %s, %s, HTTP %d: %s\n",
		    err_code_name(o->err.code), o->err.aws_type[0] != '\0' ?
		    o->err.aws_type : "(no type)", o->err.http_status,
		    o->err.msg);
		return;
	}
	buf_printf(out, "ok: Count %ld, ScannedCount %ld, capacity %g\n",
	    rs->count, rs->scanned_count, rs->consumed_capacity);
	if (rs->item != NULL) {
		buf_adds(out, "    Item/Attributes: ");
		diff_describe_value(rs->item, DIFF_VALUE_MAX, out);
		buf_addc(out, '\n');
	}
	diff_describe_list("Items", rs->items, rs->nitems, out);
	if (rs->last_evaluated_key != NULL) {
		buf_adds(out, "    LastEvaluatedKey: ");
		diff_describe_value(rs->last_evaluated_key, DIFF_VALUE_MAX,
		    out);
		buf_addc(out, '\n');
	}
	diff_describe_list("UnprocessedKeys", rs->unprocessed_keys,
	    rs->nunprocessed_keys, out);
	for (i = 0; i < rs->nunprocessed_writes && i < DIFF_ITEMS_MAX; i++) {
		buf_printf(out, "    unprocessed %s: ",
		    rs->unprocessed_writes[i].is_delete ? "delete" : "put");
		diff_describe_value(rs->unprocessed_writes[i].value,
		    DIFF_VALUE_MAX, out);
		buf_addc(out, '\n');
	}
	if (rs->table_status != NULL)
		buf_printf(out, "    table %s, keys %s %s, %lld items\n",
		    rs->table_status, rs->hash_key, rs->range_key != NULL ?
		    rs->range_key : "-", rs->item_count);
}

void
diff_describe(const struct request *rq, const struct diff_step *step,
    struct buf *out)
{
	struct buf body = BUF_INIT;
	int s;

	store_dynamodb_render(rq, &body);
	buf_printf(out, "  request %s: ", request_op_name(rq->op));
	if (body.len > 4000) {
		buf_add(out, body.data, 4000);
		buf_printf(out, "... (%zu bytes)", body.len);
	} else
		buf_add(out, body.data, body.len);
	buf_addc(out, '\n');
	for (s = 0; s < DIFF_NSIDES; s++) {
		buf_printf(out, "  %s: ", diff_side_names[s]);
		diff_describe_outcome(&step->side[s], out);
	}
	buf_cleanup(&body);
}
