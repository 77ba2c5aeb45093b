/* SPDX-License-Identifier: ISC */
/* The repository's journaling: before-images, after-images, and undo's
 * guarded writes. */
#include "config.h"

#include "repo.h"

#include <stdlib.h>
#include <string.h>

#include "expr_eval.h"
#include "repo_private.h"
#include "request.h"
#include "xmalloc.h"

/* Start a journaled write: the journal must be writable before anything
 * is sent. */
int
repo_journal_start(struct repo *r, const char *operation, struct err *e)
{
	if (r->journal == NULL)
		return 0;
	if (journal_ready(r->journal, e) == -1)
		return -1;
	journal_start(r->journal, operation);
	return 0;
}

/* Whether a failed write may still have been applied: as the store
 * says when it knows (a refusal, or a request lost after it was sent),
 * else by the code. */
bool
repo_outcome_uncertain(const struct err *e)
{
	if (e != NULL && e->applied != ERR_APPLIED_UNSAID)
		return e->applied == ERR_APPLIED_MAYBE;
	switch (e != NULL ? e->code : ERR_INTERNAL) {
	case ERR_USAGE:
	case ERR_INPUT:
	case ERR_CONFIG:
	case ERR_NOT_FOUND:
	case ERR_CONFLICT:
	case ERR_READ_ONLY:
	case ERR_AUTH:
	case ERR_ACCESS_DENIED:
		return false;
	default:
		return true;
	}
}

/* After a write with rc: append its queued entries when it was (or may
 * have been) applied, with its end line (journal_end), drop them when it
 * was refused. */
int
repo_journal_finish(struct repo *r, int rc, struct err *e)
{
	struct err je;

	if (r->journal == NULL)
		return rc;
	if (rc != 0 && !repo_outcome_uncertain(e)) {
		journal_discard(r->journal);
		return rc;
	}
	err_clear(&je);
	if (journal_end(r->journal, &je) == -1 && rc == 0) {
		err_set(e, ERR_IO, "written, but not journaled: %s", je.msg);
		if (e != NULL)
			e->applied = ERR_APPLIED_YES;
		return -1;
	}
	return rc;
}

/* The primary key of a stored item (copied). */
struct value *
repo_key_of(const struct repo *r, const struct value *item)
{
	struct value *key = value_new_m();
	const struct value *v;

	if ((v = value_map_get(item, r->partition_key)) != NULL)
		value_map_set(key, r->partition_key, value_copy(v));
	if ((v = value_map_get(item, r->sort_key)) != NULL)
		value_map_set(key, r->sort_key, value_copy(v));
	return key;
}

const struct value *
repo_key_view(const struct repo *r, const struct value *item,
    struct repo_key_view *view)
{
	const char *names[2] = { r->partition_key, r->sort_key };
	size_t lens[2] = { r->partition_key_len, r->sort_key_len }, i, n = 0;
	struct value *v;

	memset(view, 0, sizeof *view);
	/* Marked as an arena's: read-only, and value_free leaves it. */
	view->map.type = VT_M;
	view->map.flags = VALUE_F_ARENA;
	for (i = 0; i < 2; i++) {
		if ((v = value_map_get(item, names[i])) == NULL)
			continue;
		view->members[n].name = (char *)names[i];
		view->members[n].name_len = lens[i];
		view->members[n].value = v;
		n++;
	}
	view->map.u.map.items = view->members;
	view->map.u.map.len = view->map.u.map.cap = n;
	return &view->map;
}

struct value *
repo_key_in(const struct repo *r, struct value_arena *a,
    const struct value *item)
{
	struct repo_key_view view;
	const struct value *k = repo_key_view(r, item, &view);
	const struct value_member *m;
	struct value *key;
	size_t i;

	/* Keys are strings, numbers or binaries; anything else is copied
	 * the usual way, for DynamoDB to refuse. */
	for (i = 0; i < k->u.map.len; i++) {
		m = &k->u.map.items[i];
		if (m->value->type != VT_S && m->value->type != VT_N &&
		    m->value->type != VT_B)
			return repo_key_of(r, item);
	}
	key = value_arena_new_root_m(a);
	value_arena_map_reserve(a, key, 2);
	for (i = 0; i < k->u.map.len; i++) {
		m = &k->u.map.items[i];
		value_arena_map_add(a, key, m->name, m->name_len,
		    value_arena_new_bytes(a, m->value->type,
		    m->value->u.str.ptr, m->value->u.str.len));
	}
	return key;
}

/* Queue the entry of one write, its before-image a value or text: the
 * after-image with numbers as DynamoDB stores them. */
static void
repo_journal_add_image(struct repo *r, const struct value *key,
    const struct journal_image *before, const struct value *after)
{
	struct journal_image a = { after, NULL, 0 };
	struct value *canon = NULL;

	/* Most items hold their numbers as DynamoDB does already: no
	 * copy then. */
	if (after != NULL && !value_numbers_canonical(after)) {
		canon = value_copy(after);
		value_canonical_numbers(&canon);
		a.value = canon;
	}
	journal_add_image(r->journal, r->name, r->table, key, before, &a);
	value_free(canon);
}

void
repo_journal_add(struct repo *r, const struct value *key,
    const struct value *before, const struct value *after)
{
	const struct journal_image b = { before, NULL, 0 };

	repo_journal_add_image(r, key, &b, after);
}

void
repo_journal_add_write(struct repo *r, const struct value *key,
    const struct journal_image *before, const struct write_request *w)
{
	const struct journal_image a = { NULL, w->text, w->text_len };

	if (w->is_delete)
		repo_journal_add_image(r, key, before, NULL);
	else if (w->value_is_key)
		journal_add_image(r->journal, r->name, r->table, key, before,
		    &a);
	else
		repo_journal_add_image(r, key, before, w->value);
}

/* The time stamp an update sets (SET _timestamp = :v), or NULL. */
static const struct value *
repo_update_stamp(const struct update *u)
{
	size_t i;

	for (i = 0; i < u->n; i++) {
		const struct update_clause *c = &u->clauses[i];

		if (c->action == UPD_SET && c->path.n == 1 &&
		    c->path.segs[0].name != NULL &&
		    strcmp(c->path.segs[0].name, REPO_TIMESTAMP) == 0 &&
		    c->operand != NULL && c->operand->kind == EX_VALUE)
			return c->operand->value;
	}
	return NULL;
}

/*
 * Journal an update from its before-image: the after-image is the update
 * applied to it (to the key alone when there was no item), as UpdateItem
 * applies it; when that cannot be computed, the item is read back. A read
 * that fails, or that finds another time stamp than the update set
 * (another write came between), leaves no entry: the update is reported
 * written, but not journaled, rather than journaled with an after-image
 * that is not its own (undo would take another writer's change for it,
 * or a failed read for a delete).
 */
int
repo_journal_update(struct repo *r, const struct request *rq,
    const struct value *before, struct err *e)
{
	struct value *after = value_copy(before != NULL ? before : rq->key);
	const struct value *stamp, *got;
	struct err ue;
	int rc = 0;

	err_clear(&ue);
	if (expr_eval_update(&rq->update, &after, &ue) == -1) {
		struct request get;
		struct response rs;

		value_free(after);
		after = NULL;
		err_clear(&ue);
		request_init(&get, OP_GET_ITEM, r->table);
		get.key = value_copy(rq->key);
		get.consistent_read = true;
		response_init(&rs);
		if (repo_execute(r, &get, &rs, &ue) == 0) {
			after = rs.item;
			rs.item = NULL;
		}
		response_cleanup(&rs);
		request_cleanup(&get);
		stamp = repo_update_stamp(&rq->update);
		got = after != NULL ? value_map_get(after, REPO_TIMESTAMP) :
		    NULL;
		if (ue.code != ERR_OK)
			rc = err_set(e, ERR_IO, "written, but not journaled: "
			    "the item could not be read back: %s", ue.msg);
		else if (after == NULL || (stamp != NULL && (got == NULL ||
		    !value_equal(got, stamp))))
			rc = err_set(e, ERR_IO, "written, but not journaled: "
			    "another write came before the item was read "
			    "back, so what this update made is unknown");
		if (rc != 0 && e != NULL)
			e->applied = ERR_APPLIED_YES;
	}
	if (rc == 0)
		repo_journal_add(r, rq->key, before, after);
	value_free(after);
	return repo_journal_finish(r, rc, e);
}

int
repo_get_keys(struct repo *r, const struct value *const *keys, size_t n,
    repo_each_fn fn, void *ctx, struct err *e)
{
	struct value **chunk;
	size_t i = 0, k;
	int rc = 0, stopped = 0;

	while (rc == 0 && !stopped && i < n) {
		size_t m = n - i < REPO_BATCH_GET_MAX ? n - i :
		    REPO_BATCH_GET_MAX;

		chunk = xcalloc(m, sizeof *chunk);
		for (k = 0; k < m; k++)
			chunk[k] = value_copy(keys[i + k]);
		rc = repo_batch_get(r, chunk, m, true, fn, NULL, ctx, &stopped,
		    e);
		i += m;
	}
	return rc;
}

/* #name = :v when the item has the attribute, else
 * attribute_not_exists(#name). */
static struct expr *
repo_same_attr(const struct value *item, const char *name)
{
	const struct value *v = value_map_get(item, name);

	if (v == NULL)
		return expr_new(EX_NOT_EXISTS, 1, expr_new_name(name));
	return expr_new(EX_EQ, 2, expr_new_name(name),
	    expr_new_value(value_copy(v)));
}

int
repo_restore(struct repo *r, const struct value *key,
    const struct value *expect, const struct value *item, struct err *e)
{
	struct request rq;
	struct response rs;
	int rc;

	if (repo_check_writable(r, e) == -1 ||
	    repo_journal_start(r, "undo", e) == -1)
		return -1;
	if (item != NULL) {
		request_init(&rq, OP_PUT_ITEM, r->table);
		rq.item = value_copy(item);
	} else {
		request_init(&rq, OP_DELETE_ITEM, r->table);
		rq.key = value_copy(key);
	}
	if (expect == NULL) {
		rq.condition = expr_new(EX_NOT_EXISTS, 1,
		    expr_new_name(r->partition_key));
	} else {
		rq.condition = expr_and(expr_new(EX_EXISTS, 1,
		    expr_new_name(r->partition_key)),
		    repo_same_attr(expect, REPO_VERSION));
		rq.condition = expr_and(rq.condition,
		    repo_same_attr(expect, REPO_TIMESTAMP));
	}
	rq.return_values = RV_ALL_OLD;
	response_init(&rs);
	rc = repo_execute(r, &rq, &rs, e);
	if (rc != 0 && e != NULL && e->code == ERR_CONFLICT)
		err_set(e, ERR_CONFLICT, "the item changed after the write "
		    "being undone (its _object_version or _timestamp, or its "
		    "existence, differs): this item was not written");
	/* Queued only: the caller flushes a run of restores at once. A
	 * restore that may have been applied (the answer was lost) is
	 * journaled too, its before-image the one it was guarded by: if it
	 * was applied, that is what it replaced. */
	if (r->journal != NULL && rc == 0)
		repo_journal_add(r, key, rs.item, item);
	else if (r->journal != NULL && repo_outcome_uncertain(e))
		repo_journal_add(r, key, expect, item);
	response_cleanup(&rs);
	request_cleanup(&rq);
	return rc;
}
