/* SPDX-License-Identifier: ISC */
/* The embedded store's Query and Scan: key conditions, pages cut where
 * DynamoDB cuts them, Scan segments. */
#include "config.h"

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "expr_eval.h"
#include "store_local_private.h"
#include "xmalloc.h"

/* DynamoDB's limits. */
#define STORE_LOCAL_PAGE_MAX	(1024 * 1024)	/* Query/Scan page */
#define STORE_LOCAL_SEGMENTS_MAX 1000000

/* One condition of a key condition expression, after decomposition. */
struct store_local_kcond {
	const char		*name;
	size_t			 name_len;
	enum expr_kind		 op;	/* EQ LT LE GT GE BETWEEN
					   BEGINS_WITH */
	const struct value	*v[2];
	size_t			 nv;
};

/* A key condition expression, one condition per key attribute. */
struct store_local_kc {
	struct store_local_kcond	*c;
	size_t				 n;
};

/* ---- page sizes ------------------------------------------------------ */

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

/* ---- key conditions -------------------------------------------------- */

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

/* ---- pages ----------------------------------------------------------- */

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

/* ---- Query and Scan -------------------------------------------------- */

/* Query: one partition, a range of sort keys, in order. */
int
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
void
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
int
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
