/* SPDX-License-Identifier: ISC */
/* Undo from the journal: put back what a write replaced, unless it
 * changed since. */
#include "config.h"

#include "undo.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "content.h"
#include "xmalloc.h"

#define UNDO_VERSION	"_object_version"
#define UNDO_TIMESTAMP	"_timestamp"
#define UNDO_FLUSH	25	/* restores per journal append */

/* A key's identity: its attributes' bytes, in the order of the first key. */
struct undo_keyref {
	char	*text;
	size_t	 len;
	size_t	 index;		/* into keys */
};

/* The items of one write as stored now, one per distinct key, found
 * by binary search (a write may hold tens of thousands of items). */
struct undo_state {
	const struct value	 *names;	/* a key: names and order */
	const struct value	**keys;		/* borrowed from the entries */
	struct value		**current;	/* owned, NULL: no item */
	const struct value	**sim;		/* simulated state, borrowed */
	struct undo_keyref	 *index;	/* sorted by text */
	size_t			  n;
};

const char *
undo_action_name(enum undo_action a)
{
	static const char *const names[] = {
		[UNDO_PUT] = "put back",
		[UNDO_REPUT] = "re-create",
		[UNDO_DELETE] = "delete",
		[UNDO_SKIP] = "skip",
		[UNDO_CONFLICT] = "conflict",
	};

	return (size_t)a < sizeof names / sizeof names[0] ? names[a] : "?";
}

char *
undo_key_text(const struct value *key)
{
	struct buf b = BUF_INIT;
	size_t i;

	for (i = 0; key != NULL && i < key->u.map.len; i++) {
		const struct value *v = key->u.map.items[i].value;

		if (i > 0)
			buf_adds(&b, " / ");
		if (v->type == VT_S || v->type == VT_N)
			buf_add(&b, v->u.str.ptr, v->u.str.len);
		else
			buf_adds(&b, "?");
	}
	return buf_detach(&b, NULL);
}

/* The identity of item's key: type, length and bytes of each key
 * attribute named by names. */
static void
undo_key_bytes(const struct value *names, const struct value *item,
    struct buf *b)
{
	size_t i;

	buf_reset(b);
	for (i = 0; i < names->u.map.len; i++) {
		const struct value_member *m = &names->u.map.items[i];
		const struct value *v = value_map_getn(item, m->name,
		    m->name_len);

		if (v == NULL || (v->type != VT_S && v->type != VT_N &&
		    v->type != VT_B)) {
			buf_addc(b, '-');
			continue;
		}
		buf_printf(b, "%d:%zu:", (int)v->type, v->u.str.len);
		buf_add(b, v->u.str.ptr, v->u.str.len);
	}
}

static int
undo_keyref_cmp(const void *a, const void *b)
{
	const struct undo_keyref *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->text, y->text, n);

	if (c != 0)
		return c;
	return x->len < y->len ? -1 : x->len > y->len;
}

/* The index of item's key in the state; n when absent. */
static size_t
undo_state_find(const struct undo_state *st, const struct value *item)
{
	struct buf b = BUF_INIT;
	struct undo_keyref want, *got;

	undo_key_bytes(st->names, item, &b);
	want.text = b.data != NULL ? b.data : (char *)"";
	want.len = b.len;
	got = st->n == 0 ? NULL : bsearch(&want, st->index, st->n,
	    sizeof *st->index, undo_keyref_cmp);
	buf_cleanup(&b);
	return got != NULL ? got->index : st->n;
}

/* repo_each_fn: the stored item of a key. */
static int
undo_state_each(void *ctx, struct content *c)
{
	struct undo_state *st = ctx;
	size_t i = undo_state_find(st, c->stored);

	if (i < st->n && st->current[i] == NULL) {
		st->current[i] = c->stored;
		c->stored = NULL;
	}
	content_free(c);
	return 0;
}

/* Read every item that entries[0..n) touched (n > 0). */
static int
undo_state_load(struct repo *r, const struct journal_entry *const *entries,
    size_t n, struct undo_state *st, struct err *e)
{
	struct undo_keyref *all;
	struct buf b = BUF_INIT;
	size_t i;
	int rc;

	memset(st, 0, sizeof *st);
	st->names = entries[0]->key;
	all = xcalloc(n, sizeof *all);
	for (i = 0; i < n; i++) {
		undo_key_bytes(st->names, entries[i]->key, &b);
		all[i].text = buf_detach(&b, &all[i].len);
		all[i].index = i;
	}
	qsort(all, n, sizeof *all, undo_keyref_cmp);
	/* One slot per distinct key, in sorted order: index[k].index = k. */
	st->keys = xcalloc(n, sizeof *st->keys);
	st->index = xcalloc(n, sizeof *st->index);
	for (i = 0; i < n; i++) {
		if (st->n > 0 && undo_keyref_cmp(&all[i],
		    &st->index[st->n - 1]) == 0) {
			free(all[i].text);
			continue;
		}
		st->keys[st->n] = entries[all[i].index]->key;
		st->index[st->n] = all[i];
		st->index[st->n].index = st->n;
		st->n++;
	}
	free(all);
	st->current = xcalloc(st->n ? st->n : 1, sizeof *st->current);
	st->sim = xcalloc(st->n ? st->n : 1, sizeof *st->sim);
	rc = repo_get_keys(r, st->keys, st->n, undo_state_each, st, e);
	/* The plans start from the items as stored now. */
	for (i = 0; i < st->n; i++)
		st->sim[i] = st->current[i];
	return rc;
}

static void
undo_state_cleanup(struct undo_state *st)
{
	size_t i;

	for (i = 0; i < st->n; i++) {
		value_free(st->current[i]);
		free(st->index[i].text);
	}
	free(st->keys);
	free(st->index);
	free(st->current);
	free(st->sim);
}

/* Both absent, or equal as DynamoDB compares. */
static bool
undo_same(const struct value *a, const struct value *b)
{
	if (a == NULL || b == NULL)
		return a == b;
	return value_equal(a, b);
}

/* An attribute's value as text for a message. */
static void
undo_attr_text(struct buf *b, const struct value *item, const char *name)
{
	const struct value *v = value_map_get(item, name);

	if (v == NULL)
		buf_adds(b, "(none)");
	else if (v->type == VT_S || v->type == VT_N)
		buf_add(b, v->u.str.ptr, v->u.str.len);
	else
		buf_adds(b, value_type_name(v->type));
}

/* What changed between the write's after-image and the item now. */
static char *
undo_describe(const struct value *after, const struct value *now)
{
	struct buf b = BUF_INIT;
	const char *sep = "";
	size_t i;

	if (now == NULL)
		return xstrdup("it was deleted since");
	if (after == NULL) {
		buf_adds(&b, "it was written again since (_object_version ");
		undo_attr_text(&b, now, UNDO_VERSION);
		buf_adds(&b, ", _timestamp ");
		undo_attr_text(&b, now, UNDO_TIMESTAMP);
		buf_adds(&b, ")");
		return buf_detach(&b, NULL);
	}
	buf_adds(&b, "changed since: _object_version ");
	undo_attr_text(&b, after, UNDO_VERSION);
	buf_adds(&b, " -> ");
	undo_attr_text(&b, now, UNDO_VERSION);
	buf_adds(&b, ", _timestamp ");
	undo_attr_text(&b, after, UNDO_TIMESTAMP);
	buf_adds(&b, " -> ");
	undo_attr_text(&b, now, UNDO_TIMESTAMP);
	buf_adds(&b, "; attributes changed: ");
	for (i = 0; i < now->u.map.len; i++) {
		const struct value_member *m = &now->u.map.items[i];

		if (strcmp(m->name, UNDO_VERSION) == 0 ||
		    strcmp(m->name, UNDO_TIMESTAMP) == 0 ||
		    undo_same(m->value, value_map_getn(after, m->name,
		    m->name_len)))
			continue;
		buf_printf(&b, "%s%s", sep, m->name);
		sep = ", ";
	}
	for (i = 0; i < after->u.map.len; i++) {
		const struct value_member *m = &after->u.map.items[i];

		if (value_map_getn(now, m->name, m->name_len) != NULL)
			continue;
		buf_printf(&b, "%s%s (removed)", sep, m->name);
		sep = ", ";
	}
	if (*sep == '\0')
		buf_adds(&b, "none");
	return buf_detach(&b, NULL);
}

/* Plan the entries of w newest first; the number of conflicts. */
static size_t
undo_plan(const struct journal_write *w, struct undo_state *st,
    struct undo_item *plan)
{
	size_t i, conflicts = 0;

	for (i = 0; i < w->n; i++) {
		const struct journal_entry *je = w->entries[w->n - 1 - i];
		struct undo_item *it = &plan[i];
		size_t k = undo_state_find(st, je->key);

		it->entry = je;
		if (undo_same(st->sim[k], je->after)) {
			it->action = je->after == NULL ? UNDO_REPUT :
			    je->before == NULL ? UNDO_DELETE : UNDO_PUT;
			st->sim[k] = je->before;
		} else if (undo_same(st->sim[k], je->before)) {
			it->action = UNDO_SKIP;
		} else {
			it->action = UNDO_CONFLICT;
			it->detail = undo_describe(je->after, st->sim[k]);
			conflicts++;
		}
	}
	return conflicts;
}

/* Apply a plan without conflicts, journaled as one "undo" write; *done
 * counts the items restored (also when a later one fails). */
static int
undo_apply(struct repo *r, const struct undo_item *plan, size_t n,
    size_t *done, struct err *e)
{
	struct journal *j = repo_journal(r);
	size_t i;
	int rc = 0;

	*done = 0;
	journal_group_begin(j, "undo");
	for (i = 0; i < n && rc == 0; i++) {
		const struct journal_entry *je = plan[i].entry;

		if (plan[i].action == UNDO_SKIP)
			continue;
		if (repo_stopping(r)) {
			rc = err_set(e, ERR_CANCELLED, "interrupted: the "
			    "items restored are journaled, the rest not "
			    "touched");
			break;
		}
		rc = repo_restore(r, je->key, je->after, je->before, e);
		if (rc == 0)
			(*done)++;
		/* One journal append and fsync per UNDO_FLUSH restores. */
		if (rc == 0 && *done % UNDO_FLUSH == 0)
			rc = journal_flush(j, e);
	}
	/* What was restored (or may have been) is journaled even when a
	 * later item failed, and the write ended. */
	if (journal_group_end(j, rc == 0 ? e : NULL) == -1)
		rc = -1;
	return rc;
}

/* The first conflict of a plan as the error. */
static int
undo_conflict(const struct undo_item *plan, size_t n, size_t conflicts,
    size_t before, struct err *e)
{
	size_t i;
	char *key;

	for (i = 0; i < n && plan[i].action != UNDO_CONFLICT; i++)
		;
	key = undo_key_text(plan[i].entry->key);
	err_set(e, ERR_CONFLICT, "cannot undo the %s of %s: %s%s; nothing was "
	    "written%s", plan[i].entry->operation, key, plan[i].detail,
	    conflicts > 1 ? " (and more items changed)" : "", before > 0 ?
	    " (not even the newer writes asked for, which could be)" : "");
	free(key);
	return -1;
}

int
undo_list(struct repo *r, struct journal_write **out, size_t *n,
    struct err *e)
{
	struct journal *j = repo_journal(r);

	*out = NULL;
	if (j == NULL) {
		*n = 0;
		return err_set(e, ERR_USAGE, "the journal is turned off "
		    "(--no-journal or DYNREPO_JOURNAL=off)");
	}
	if (journal_path(j) == NULL && journal_ready(j, e) == -1) {
		*n = 0;
		return -1;
	}
	return journal_last_writes(journal_path(j), repo_name(r),
	    repo_table(r), out, n, e);
}

/* The writes asked for, newest first, each with its plan: all planned
 * against one reading of every item they touched before anything is
 * written, so a conflict in any of them refuses them all. */
struct undo_run {
	struct journal_write	 *ws;
	size_t			  nws;
	struct undo_item	**plans;	/* [nws], NULL: not planned */
	struct undo_state	  st;
	bool			  loaded;
};

static void
undo_run_cleanup(struct undo_run *u)
{
	size_t i, k;

	for (i = 0; i < u->nws; i++) {
		for (k = 0; u->plans[i] != NULL && k < u->ws[i].n; k++)
			free(u->plans[i][k].detail);
		free(u->plans[i]);
	}
	free(u->plans);
	if (u->loaded)
		undo_state_cleanup(&u->st);
	journal_writes_free(u->ws, u->nws);
}

/* A write whose entries are not all in the journal is not undone unless
 * asked (partial): the items missing from it would stay as the write left
 * them, unseen. */
static int
undo_check_complete(const struct journal_write *w, bool partial,
    struct err *e)
{
	if (w->complete || partial)
		return 0;
	return err_set(e, ERR_INPUT, "the journal holds only part of the %s "
	    "of %s (%zu entr%s; %s): it cannot be undone whole; nothing was "
	    "written (undo --partial restores the item%s it holds)",
	    w->entries[0]->operation, w->entries[0]->time, w->n,
	    w->n == 1 ? "y" : "ies", w->unfinished ? "the write did not "
	    "finish journaling: its process was stopped, or an append "
	    "failed" : "a line is missing or unreadable",
	    w->n == 1 ? "" : "s");
}

/* Read the items and plan the writes, newest first, up to the first
 * conflict; the number of writes planned in *planned. */
static int
undo_run_plan(struct repo *r, struct undo_run *u, bool partial,
    size_t *planned, size_t *conflicts, struct err *e)
{
	const struct journal_entry **all;
	size_t i, k, n = 0;
	int rc;

	*planned = *conflicts = 0;
	for (i = 0; i < u->nws; i++) {
		if (undo_check_complete(&u->ws[i], partial, e) == -1)
			return -1;
		n += u->ws[i].n;
	}
	all = xcalloc(n, sizeof *all);
	for (i = 0, n = 0; i < u->nws; i++)
		for (k = 0; k < u->ws[i].n; k++)
			all[n++] = u->ws[i].entries[k];
	rc = undo_state_load(r, all, n, &u->st, e);
	u->loaded = true;
	free(all);
	if (rc == -1)
		return -1;
	/* The simulated state carries over: an older write is planned
	 * against the items as the newer ones' undo leaves them. */
	for (i = 0; i < u->nws && *conflicts == 0; i++) {
		u->plans[i] = xcalloc(u->ws[i].n, sizeof *u->plans[i]);
		*conflicts = undo_plan(&u->ws[i], &u->st, u->plans[i]);
		(*planned)++;
	}
	return 0;
}

int
undo_last(struct repo *r, const struct undo_options *opt,
    undo_report_fn report, void *ctx, size_t *restored_out, struct err *e)
{
	struct undo_run u;
	size_t planned, conflicts, i, restored = 0, done;
	int rc;

	memset(&u, 0, sizeof u);
	u.nws = opt->count > 0 ? opt->count : 1;
	if (restored_out != NULL)
		*restored_out = 0;
	/* Refused before the journal is read, as every write is. */
	if (repo_read_only(r))
		return err_set(e, ERR_READ_ONLY, "profile %s is read-only: "
		    "nothing was written", repo_name(r));
	if (undo_list(r, &u.ws, &u.nws, e) == -1)
		return -1;
	if (u.nws == 0) {
		journal_writes_free(u.ws, 0);
		return err_set(e, ERR_NOT_FOUND, "the journal holds no write "
		    "of profile %s to table %s", repo_name(r), repo_table(r));
	}
	u.plans = xcalloc(u.nws, sizeof *u.plans);
	rc = undo_run_plan(r, &u, opt->partial, &planned, &conflicts, e);
	if (rc == 0 && (conflicts > 0 || opt->dry_run)) {
		/* Nothing is written: every plan as it stands. */
		for (i = 0; report != NULL && i < planned; i++)
			report(ctx, &u.ws[i], u.plans[i], u.ws[i].n, false);
		if (conflicts > 0)
			rc = undo_conflict(u.plans[planned - 1],
			    u.ws[planned - 1].n, conflicts, planned - 1, e);
		undo_run_cleanup(&u);
		return rc;
	}
	/* Newest first, each its own "undo" write, reported once done. A
	 * failure (a change made since the plan, the network) stops there
	 * and says what was already written. */
	for (i = 0; rc == 0 && i < planned; i++) {
		rc = undo_apply(r, u.plans[i], u.ws[i].n, &done, e);
		restored += done;
		if (rc == 0 && report != NULL)
			report(ctx, &u.ws[i], u.plans[i], u.ws[i].n, true);
	}
	if (rc != 0 && restored > 0)
		err_prefix(e, "%zu of %zu write%s undone (%zu item%s "
		    "restored), then: ", i - 1, planned,
		    planned == 1 ? "" : "s", restored,
		    restored == 1 ? "" : "s");
	if (restored_out != NULL)
		*restored_out = restored;
	undo_run_cleanup(&u);
	return rc;
}
