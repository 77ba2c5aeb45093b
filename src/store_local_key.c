/* SPDX-License-Identifier: ISC */
/* The embedded store's keys: checked against a table's key schema as
 * DynamoDB checks them, and stored as SQLite orders them. */
#include "config.h"

#include <stdbool.h>
#include <string.h>

#include "buf.h"
#include "store_local_private.h"

/* DynamoDB's limits. */
#define STORE_LOCAL_HASH_MAX	2048
#define STORE_LOCAL_RANGE_MAX	1024

/* One key attribute of a key (validateKeyPiece): present, of the
 * schema's type, not empty, within DynamoDB's size limits. */
bool
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
bool
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
bool
store_local_item_ok(const struct store_local_table *t,
    const struct value *item, struct buf *why)
{
	return store_local_item_piece_ok(item, t->hash_key, t->hash_type,
	    true, why) && (t->range_key == NULL ||
	    store_local_item_piece_ok(item, t->range_key, t->range_type, false,
	    why));
}

/* The stored key of a validated key or item (pointers into it). */
void
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
bool
store_local_key_equal(const struct store_local_key *a,
    const struct store_local_key *b)
{
	return a->pklen == b->pklen && a->sklen == b->sklen &&
	    memcmp(a->pk, b->pk, a->pklen) == 0 &&
	    memcmp(a->sk, b->sk, a->sklen) == 0;
}

/* A new M holding only the key attributes of item. */
struct value *
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
bool
store_local_path_head_is(const struct path *p, const char *name)
{
	return p->n > 0 && p->segs[0].name != NULL &&
	    p->segs[0].name_len == strlen(name) &&
	    memcmp(p->segs[0].name, name, p->segs[0].name_len) == 0;
}

/* Whether expression x uses a path headed by name; with nested, only
 * paths that go inside it (name.a, name[0]). */
bool
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
int
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
