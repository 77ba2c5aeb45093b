/* SPDX-License-Identifier: ISC */
/* The item pane: one item as plain or DynamoDB JSON; fields edited in place. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "cmdline.h"
#include "ddbjson.h"
#include "draw.h"
#include "edit.h"
#include "editdoc.h"
#include "json.h"
#include "output.h"
#include "scratch.h"
#include "table.h"
#include "ui.h"
#include "xmalloc.h"

/* One line of the view: its text (raw) and the model field it shows. */
struct item_line {
	char	*text;
	char	*field;		/* the field's name (borrowed from the
				   line that starts it), or NULL */
	bool	 starts;	/* the first line of the field */
	bool	 head;		/* ids and metadata above the JSON */
};

/* What a kept edit does to its field: the library's three UpdateCommand
 * parts. */
enum item_edit_kind {
	EK_SET,		/* set_commands */
	EK_INCR,	/* increment_attrs */
	EK_APPEND	/* append_attrs */
};

enum item_state {
	IS_IDLE,
	IS_SAVING,	/* an update is on its way */
	IS_CONFLICT,	/* the version on screen was not the stored one */
	IS_LOADING	/* a reload is on its way */
};

struct pane_item {
	struct pane		 base;
	struct content		*c;		/* as shown, owned */
	bool			 ddb;		/* DynamoDB JSON view */
	struct item_line	*lines;
	size_t			 nlines;
	size_t			 top;
	long			 sel;		/* line of the selected field */
	int			 h, hoff;

	enum item_state		 state;
	unsigned long		 job;
	/* The edit being saved or kept after a failure: field and text. */
	char			*edit_field;
	char			*edit_text;
	enum item_edit_kind	 edit_kind;
	long long		 edit_version;	/* the version it edits */
	struct value		*theirs;	/* theirs, after a conflict */
	bool			 theirs_absent;

	/* The whole item in $EDITOR: the file the person's text lives in
	 * until it is saved (kept after a failure), the version the save
	 * is guarded by, and why the last try was refused. */
	char			*json_path;
	long long		 json_version;
	char			*json_error;

	/* A kept edit brought back by :recover: ours (its version the one
	 * the edit began from), why and when it was kept. Shown as a
	 * conflict: o saves it over theirs, e edits it, r drops it. With
	 * one field changed, edit_field and edit_text hold it. */
	struct content		*ours;
	char			*ours_why;

	/* The recovery file of the edit kept after a failed save (or
	 * brought back by :recover): a retry of that edit (o, e, E) is
	 * saved in the same file, r drops it. A new edit forgets it (the
	 * file stays, for :recover), so no edit ever replaces another's. */
	char			*kept_id;
	/* The same for the whole-item edit in the editor's file (E): its
	 * retries go in its own file, whatever field edits come between. */
	char			*json_kept;
};

enum {
	ITEM_TOGGLE = 100,
	ITEM_EDIT,
	ITEM_SET,
	ITEM_RELOAD,
	ITEM_OVERWRITE,
	ITEM_LEFT,
	ITEM_RIGHT,
	ITEM_SCROLL_DOWN,
	ITEM_SCROLL_UP,
	ITEM_INCR,
	ITEM_APPEND,
	ITEM_DELETE,
	ITEM_EDIT_JSON,
	ITEM_COPY,
	ITEM_COPY_ITEM
};

/* The prompt and the UpdateCommand part of each kind of edit. */
static const char *const item_kind_op[] = { "=", "+=", "append" };

/* Free the lines. */
static void
item_clear_lines(struct pane_item *pi)
{
	size_t i;

	for (i = 0; i < pi->nlines; i++)
		free(pi->lines[i].text);
	free(pi->lines);
	pi->lines = NULL;
	pi->nlines = 0;
}

/* Append a line (takes text). */
static struct item_line *
item_add_line(struct pane_item *pi, char *text, bool head)
{
	struct item_line *l;

	pi->lines = xreallocarray(pi->lines, pi->nlines + 1,
	    sizeof *pi->lines);
	l = &pi->lines[pi->nlines++];
	l->text = text;
	l->field = NULL;
	l->starts = false;
	l->head = head;
	return l;
}

/* Add the lines of one member: "  "name": <pretty value>," */
static void
item_add_member(struct pane_item *pi, const char *name, const char *pretty,
    bool last, bool model)
{
	struct buf b = BUF_INIT;
	const char *p = pretty, *nl;
	struct item_line *first = NULL, *l;
	size_t i0 = pi->nlines, i;

	buf_adds(&b, "  ");
	buf_add_json_string(&b, name, strlen(name));
	buf_adds(&b, ": ");
	for (;;) {
		nl = strchr(p, '\n');
		buf_add(&b, p, nl != NULL ? (size_t)(nl - p) : strlen(p));
		if (nl == NULL && !last)
			buf_addc(&b, ',');
		l = item_add_line(pi, buf_detach(&b, NULL), false);
		if (first == NULL)
			first = l;
		if (nl == NULL)
			break;
		p = nl + 1;
		buf_adds(&b, "  ");
	}
	if (!model)
		return;
	/* Lines may have moved: xreallocarray. Point them at the name. */
	for (i = i0; i < pi->nlines; i++) {
		pi->lines[i].field = (char *)name;
		pi->lines[i].starts = i == i0;
	}
}

/* Rebuild the lines from the content and the view mode. */
static void
item_build(struct pane_item *pi)
{
	const struct content *c = pi->c;
	const struct value *m;
	struct buf b = BUF_INIT, pretty = BUF_INIT;
	char when[32];
	size_t i;

	item_clear_lines(pi);
	buf_adds(&b, "partition  ");
	if (c->partition_ids.n == 0)
		buf_adds(&b, "(no ids)");
	ids_join(&c->partition_ids, &b);
	item_add_line(pi, buf_detach(&b, NULL), true);
	buf_adds(&b, "content    ");
	ids_join(&c->content_ids, &b);
	item_add_line(pi, buf_detach(&b, NULL), true);
	item_add_line(pi, xasprintf("version    %lld", c->current_version),
	    true);
	m = c->stored != NULL ? value_map_get(c->stored, "_timestamp") : NULL;
	if (m != NULL && m->type == VT_S)
		item_add_line(pi, xasprintf("timestamp  %s", m->u.str.ptr),
		    true);
	if (c->has_expiry) {
		content_format_time(c->expiry, when);
		item_add_line(pi, xasprintf("ttl        %s (%lld)", when,
		    (long long)c->expiry), true);
	}
	item_add_line(pi, xstrdup(""), true);
	item_add_line(pi, xstrdup("{"), false);
	m = pi->ddb ? c->stored : c->item;
	for (i = 0; m != NULL && m->type == VT_M && i < m->u.map.len; i++) {
		const struct value_member *mm = &m->u.map.items[i];
		const struct value_member *field = NULL;
		size_t k;

		buf_reset(&pretty);
		if (pi->ddb) {
			struct value *tree;

			/* DynamoDB JSON, pretty: emit, parse, emit. */
			ddbjson_emit_value(&b, mm->value);
			tree = json_parse(b.data, b.len, NULL);
			if (tree != NULL)
				json_emit(&pretty, tree, JSON_PRETTY);
			else
				buf_add(&pretty, b.data, b.len);
			value_free(tree);
			buf_reset(&b);
		} else {
			json_emit(&pretty, mm->value, JSON_PRETTY);
		}
		/* Only the model's fields are editable: look the name up in
		 * the item (the DynamoDB view shows keys and metadata too). */
		for (k = 0; c->item != NULL && k < c->item->u.map.len; k++)
			if (strcmp(c->item->u.map.items[k].name,
			    mm->name) == 0)
				field = &c->item->u.map.items[k];
		item_add_member(pi, field != NULL ? field->name : mm->name,
		    buf_cstr(&pretty), i + 1 == m->u.map.len, field != NULL);
	}
	item_add_line(pi, xstrdup("}"), false);
	buf_cleanup(&b);
	buf_cleanup(&pretty);
}

/* The line starting field `name`, or -1. */
static long
item_field_line(const struct pane_item *pi, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < pi->nlines; i++)
		if (pi->lines[i].starts &&
		    strcmp(pi->lines[i].field, name) == 0)
			return (long)i;
	return -1;
}

/* The first field line at or after i (dir 1) or before it (-1), or -1. */
static long
item_next_field(const struct pane_item *pi, long i, int dir)
{
	for (; i >= 0 && (size_t)i < pi->nlines; i += dir)
		if (pi->lines[i].starts)
			return i;
	return -1;
}

/* Show a new content (takes c), keeping the selected field. */
static void
item_set_content(struct pane_item *pi, struct content *c)
{
	char *keep = NULL;

	if (pi->sel >= 0 && pi->lines[pi->sel].field != NULL)
		keep = xstrdup(pi->lines[pi->sel].field);
	if (c != pi->c)
		content_free(pi->c);
	pi->c = c;
	item_build(pi);
	pi->sel = item_field_line(pi, keep);
	if (pi->sel < 0)
		pi->sel = item_next_field(pi, 0, 1);
	free(keep);
}

/* The name of the selected field, or NULL. */
static const char *
item_selected(const struct pane_item *pi)
{
	return pi->sel >= 0 ? pi->lines[pi->sel].field : NULL;
}

/* Forget the kept edit. */
static void
item_drop_edit(struct pane_item *pi)
{
	free(pi->edit_field);
	free(pi->edit_text);
	pi->edit_field = pi->edit_text = NULL;
	pi->edit_kind = EK_SET;
	value_free(pi->theirs);
	pi->theirs = NULL;
	pi->theirs_absent = false;
	content_free(pi->ours);
	pi->ours = NULL;
	free(pi->ours_why);
	pi->ours_why = NULL;
}

/* Forget the kept edit's recovery id: saved, dropped, or a new edit
 * begins (its file then stays for :recover). */
static void
item_forget_kept(struct pane_item *pi)
{
	free(pi->kept_id);
	pi->kept_id = NULL;
}

/* A failed save kept the edit in the recovery file ev names. */
static void
item_keep(struct pane_item *pi, const struct worker_event *ev)
{
	if (ev->recovery_id == NULL)
		return;
	free(pi->kept_id);
	pi->kept_id = xstrdup(ev->recovery_id);
}

/* Let the worker save a retry of the kept edit in its own file. */
static void
item_job_kept(const struct pane_item *pi, struct worker_job *j)
{
	if (pi->kept_id != NULL)
		j->recovery_id = xstrdup(pi->kept_id);
}

static void	item_edit(struct ui *, struct pane_item *, const char *,
		    enum item_edit_kind);

/* Send the kept edit as an update guarded by `version`. */
static void
item_save(struct ui *ui, struct pane_item *pi, long long version)
{
	const struct value *old = value_map_get(pi->c->item, pi->edit_field);
	struct worker_job *j;
	struct value *v;
	struct err e;

	struct value **part;

	err_clear(&e);
	if (pi->edit_kind == EK_INCR)
		v = edit_parse_incr(old, pi->edit_field, pi->edit_text, &e);
	else if (pi->edit_kind == EK_APPEND)
		v = edit_parse_append(old, pi->edit_field, pi->edit_text, &e);
	else
		v = edit_parse(old, pi->edit_field, pi->edit_text, &e);
	if (v == NULL) {
		/* Refused: the prompt comes back with the text typed and
		 * the reason above it. */
		ui_error_err(ui, NULL, &e);
		item_edit(ui, pi, pi->edit_field, pi->edit_kind);
		return;
	}
	j = worker_job_new(WJ_UPDATE);
	ids_copy(&j->partition, &pi->c->partition_ids);
	ids_copy(&j->content, &pi->c->content_ids);
	part = pi->edit_kind == EK_INCR ? &j->increment_attrs :
	    pi->edit_kind == EK_APPEND ? &j->append_attrs : &j->set_commands;
	*part = value_new_m();
	value_map_set(*part, pi->edit_field, v);
	j->current_version = version;
	j->require_exists = true;
	/* Nothing lost: the worker keeps the edit until it is saved. */
	j->item = table_content_copy(pi->c);
	j->recover = true;
	item_job_kept(pi, j);
	pi->edit_version = version;
	pi->state = IS_SAVING;
	pi->job = ui_submit(ui, &pi->base, j);
	ui_note(ui, "saving %s ...", pi->edit_field);
}

/* The edit prompt's answer. */
static void
item_edit_done(struct ui *ui, struct pane *pane, const char *line)
{
	struct pane_item *pi = (struct pane_item *)pane;

	if (line == NULL) {
		/* A conflict's edit stays for o, unless the prompt was for
		 * another field: that dropped it (its file stays for
		 * :recover), and there is nothing left to overwrite with. */
		if (pi->state == IS_CONFLICT && pi->edit_text == NULL &&
		    pi->ours == NULL)
			pi->state = IS_IDLE;
		if (pi->state != IS_CONFLICT)
			item_drop_edit(pi);
		return;
	}
	free(pi->edit_text);
	pi->edit_text = xstrdup(line);
	/* What was typed now is the edit: a kept edit's whole item from
	 * before (:recover) is no longer what o would save. */
	content_free(pi->ours);
	pi->ours = NULL;
	free(pi->ours_why);
	pi->ours_why = NULL;
	/* Saved against the version on screen (after a conflict, theirs). */
	item_save(ui, pi, pi->c->current_version);
}

/* Open the edit prompt of this kind for a field; with a kept edit of
 * that field and kind, its text comes back. */
static void
item_edit(struct ui *ui, struct pane_item *pi, const char *field,
    enum item_edit_kind kind)
{
	struct buf pre = BUF_INIT, prompt = BUF_INIT;
	char *f;

	if (ui_refuse_write(ui))
		return;
	if (pi->state == IS_SAVING || pi->state == IS_LOADING) {
		ui_note(ui, "wait: a request is on its way");
		return;
	}
	if (field == NULL) {
		ui_note(ui, "no field selected (j/k select one)");
		return;
	}
	f = xstrdup(field);
	if (pi->edit_field != NULL && strcmp(pi->edit_field, f) == 0 &&
	    pi->edit_text != NULL && pi->edit_kind == kind) {
		buf_adds(&pre, pi->edit_text);
	} else {
		item_drop_edit(pi);
		item_forget_kept(pi);
		pi->edit_field = xstrdup(f);
		pi->edit_kind = kind;
		if (kind == EK_SET)
			edit_prefill(value_map_get(pi->c->item, f), &pre);
		else if (kind == EK_INCR)
			buf_adds(&pre, "1");
	}
	buf_printf(&prompt, "%s %s ", f, item_kind_op[kind]);
	ui_prompt(ui, &pi->base, CMDLINE_HIST_VALUE, buf_cstr(&prompt),
	    buf_cstr(&pre), item_edit_done);
	free(f);
	buf_cleanup(&pre);
	buf_cleanup(&prompt);
}

/* Whether a request is on its way (says so). */
static bool
item_busy(struct ui *ui, const struct pane_item *pi)
{
	if (pi->state == IS_SAVING || pi->state == IS_LOADING) {
		ui_note(ui, "wait: a request is on its way");
		return true;
	}
	return false;
}

/* Save an edit typed in one line (:set, :incr, :append) at once. */
static void
item_save_now(struct ui *ui, struct pane_item *pi, enum item_edit_kind kind,
    const char *field, size_t flen, const char *text)
{
	if (ui_refuse_write(ui) || item_busy(ui, pi))
		return;
	item_drop_edit(pi);
	item_forget_kept(pi);
	pi->edit_field = xstrndup(field, flen);
	pi->edit_kind = kind;
	pi->edit_text = xstrdup(text);
	item_save(ui, pi, pi->c->current_version);
}

/* :incr [FIELD [N]] and :append [FIELD VALUE]: at once with both, else
 * the prompt for the field named or selected. */
static void
item_edit_cmd(struct ui *ui, struct pane_item *pi, enum item_edit_kind kind,
    const char *arg)
{
	size_t flen;
	const char *rest;
	char *f;

	if (arg == NULL) {
		item_edit(ui, pi, item_selected(pi), kind);
		return;
	}
	flen = strcspn(arg, " \t");
	rest = arg + flen + strspn(arg + flen, " \t");
	if (*rest != '\0') {
		item_save_now(ui, pi, kind, arg, flen, rest);
		return;
	}
	f = xstrndup(arg, flen);
	item_edit(ui, pi, f, kind);
	free(f);
}

/* The delete confirmation's answer. */
static void
item_delete_done(struct ui *ui, struct pane *pane, const char *line)
{
	struct pane_item *pi = (struct pane_item *)pane;
	struct worker_job *j;

	if (line == NULL || (strcmp(line, "y") != 0 &&
	    strcmp(line, "yes") != 0)) {
		ui_note(ui, "not deleted");
		return;
	}
	j = worker_job_new(WJ_DELETE_ITEM);
	ids_copy(&j->partition, &pi->c->partition_ids);
	ids_copy(&j->content, &pi->c->content_ids);
	j->current_version = pi->c->current_version;
	pi->state = IS_SAVING;
	pi->job = ui_submit(ui, &pi->base, j);
	ui_note(ui, "deleting ...");
}

/* The end of a delete: the pane goes when the item went. */
static void
item_deleted(struct ui *ui, struct pane_item *pi, struct worker_event *ev)
{
	struct buf id = BUF_INIT;

	pi->state = IS_IDLE;
	ids_join(&pi->c->content_ids, &id);
	if (ev->rc == 0) {
		ui_item_deleted(ui, &pi->c->partition_ids,
		    &pi->c->content_ids);
		ui_note(ui, "deleted %s", buf_cstr(&id));
		buf_cleanup(&id);
		ui_pop_to(ui, &pi->base);
		ui_pop(ui);
		return;
	}
	if (ev->err.code == ERR_CONFLICT && ev->item != NULL) {
		item_set_content(pi, ev->item);
		ev->item = NULL;
		ui_item_saved(ui, &pi->base, pi->c);
		ui_error(ui, "not deleted: %s changed underneath (now version "
		    "%lld); look, then D again", buf_cstr(&id),
		    pi->c->current_version);
	} else {
		ui_error_err(ui, "not deleted", &ev->err);
	}
	buf_cleanup(&id);
}

/* ---- the whole item in $EDITOR ---------------------------------------- */

/* The text after the leading comment lines ("//"), where the JSON is. */
static const char *
item_json_body(const struct buf *text)
{
	return buf_cstr(text) + editdoc_body(buf_cstr(text), text->len);
}

/* Write the file: a comment saying what saving does (and why the last
 * try was refused), then the JSON. */
static int
item_json_write(struct pane_item *pi, const char *json, struct err *e)
{
	struct buf b = BUF_INIT, id = BUF_INIT, raw = BUF_INIT;
	const char *p, *nl;
	int rc;

	ids_join(&pi->c->content_ids, &raw);
	/* An id may hold a newline or an escape: one safe comment line. */
	output_escape(&id, buf_cstr(&raw), raw.len);
	buf_cleanup(&raw);
	if (pi->json_error != NULL) {
		for (p = pi->json_error; *p != '\0'; p = nl + (*nl != '\0')) {
			nl = p + strcspn(p, "\n");
			buf_adds(&b, "// ERROR: ");
			output_escape(&b, p, (size_t)(nl - p));
			buf_addc(&b, '\n');
		}
		buf_adds(&b, "// Fix it and save to try again, or quit without "
		    "saving to give up (this file is kept).\n");
	}
	buf_printf(&b, "// dynrepo: %s as plain JSON. Saving replaces the "
	    "item (a put guarded by version %lld).\n", buf_cstr(&id),
	    pi->json_version);
	buf_adds(&b, json);
	if (pi->json_path == NULL)
		rc = scratch_new("item", b.data, b.len, &pi->json_path, e);
	else
		rc = scratch_write(pi->json_path, b.data, b.len, e);
	buf_cleanup(&b);
	buf_cleanup(&id);
	return rc;
}

/* Forget the editor's file (removed: its text was saved). */
static void
item_json_done(struct pane_item *pi)
{
	scratch_remove(pi->json_path);
	free(pi->json_path);
	free(pi->json_error);
	free(pi->json_kept);
	pi->json_path = pi->json_error = pi->json_kept = NULL;
}

/* Run the editor until the text is an object or the person gives up,
 * then send it as a put guarded by the version. The file keeps the
 * text through every failure. */
static void
item_json_run(struct ui *ui, struct pane_item *pi)
{
	struct buf before = BUF_INIT, after = BUF_INIT;
	struct worker_job *j;
	struct content *c;
	struct value *v;
	long long stamp;
	struct err e;

	err_clear(&e);
	for (;;) {
		buf_reset(&before);
		buf_reset(&after);
		/* The comment at the top says what holds now. */
		if (scratch_read(pi->json_path, &after, &e) == -1 ||
		    item_json_write(pi, item_json_body(&after),
		    &e) == -1 || scratch_read(pi->json_path, &before, &e) == -1)
			goto fail;
		buf_reset(&after);
		stamp = scratch_stamp(pi->json_path);
		if (ui_run_editor(ui, pi->json_path, &e) == -1 ||
		    scratch_read(pi->json_path, &after, &e) == -1)
			goto fail;
		/* The same text is no change on a first edit; after a failed
		 * try, saving it (a new stamp) means "send it again". */
		if (before.len == after.len && (before.len == 0 ||
		    memcmp(before.data, after.data, before.len) == 0) &&
		    (pi->json_error == NULL ||
		    scratch_stamp(pi->json_path) == stamp)) {
			if (pi->json_error == NULL) {
				item_json_done(pi);
				ui_note(ui, "no change: nothing saved");
			} else {
				ui_error(ui, "not saved; your edit is kept in "
				    "%s (E opens it again)", pi->json_path);
			}
			goto out;
		}
		free(pi->json_error);
		pi->json_error = NULL;
		v = editdoc_parse(buf_cstr(&after), after.len, &e);
		if (v != NULL)
			break;
		pi->json_error = xstrdup(e.msg);
		err_clear(&e);
	}
	j = worker_job_new(WJ_PUT);
	c = content_new();
	ids_copy(&c->partition_ids, &pi->c->partition_ids);
	ids_copy(&c->content_ids, &pi->c->content_ids);
	c->item = v;
	c->current_version = pi->json_version + 1;
	c->has_expiry = pi->c->has_expiry;
	c->expiry = pi->c->expiry;
	j->item = c;
	j->plain = true;
	j->existing = value_copy(pi->c->item);
	j->guarded = true;
	j->current_version = pi->json_version;
	j->recover = true;
	if (pi->json_kept != NULL)
		j->recovery_id = xstrdup(pi->json_kept);
	pi->state = IS_SAVING;
	pi->job = ui_submit(ui, &pi->base, j);
	ui_note(ui, "saving the item ...");
	goto out;
fail:
	ui_error(ui, "%s%s%s", e.msg, pi->json_path != NULL ?
	    "; your edit is kept in " : "", pi->json_path != NULL ?
	    pi->json_path : "");
out:
	buf_cleanup(&before);
	buf_cleanup(&after);
}

/* E: the item (or the edit kept from a failed try) in $EDITOR, guarded
 * by the version on screen. */
static void
item_json_edit(struct ui *ui, struct pane_item *pi)
{
	struct buf json = BUF_INIT;
	struct err e;

	if (ui_refuse_write(ui) || item_busy(ui, pi))
		return;
	pi->json_version = pi->c->current_version;
	if (pi->json_path == NULL) {
		/* A new whole-item edit, not a retry of a kept one: an edit
		 * of the pane (a field's, or one :recover brought back)
		 * gives way to it; its file stays, for :recover. */
		item_drop_edit(pi);
		item_forget_kept(pi);
		if (pi->state == IS_CONFLICT)
			pi->state = IS_IDLE;
		free(pi->json_kept);
		pi->json_kept = NULL;
		err_clear(&e);
		json_emit(&json, pi->c->item, JSON_PRETTY);
		buf_addc(&json, '\n');
		if (item_json_write(pi, buf_cstr(&json), &e) == -1) {
			ui_error_err(ui, "edit", &e);
			buf_cleanup(&json);
			return;
		}
		buf_cleanup(&json);
	}
	item_json_run(ui, pi);
}

/* The end of the put of an edited item. */
static void
item_json_saved(struct ui *ui, struct pane_item *pi, struct worker_event *ev)
{
	pi->state = IS_IDLE;
	if (ev->rc == 0) {
		item_forget_kept(pi);
		item_json_done(pi);
		if (ev->item != NULL) {
			item_set_content(pi, ev->item);
			ev->item = NULL;
			ui_item_saved(ui, &pi->base, pi->c);
		}
		ui_note(ui, "saved: version %lld", pi->c->current_version);
		return;
	}
	if (ev->recovery_id != NULL) {
		free(pi->json_kept);
		pi->json_kept = xstrdup(ev->recovery_id);
	}
	free(pi->json_error);
	pi->json_error = xstrdup(ev->err.msg);
	if (ev->err.code == ERR_CONFLICT) {
		if (ev->item != NULL) {
			item_set_content(pi, ev->item);
			ev->item = NULL;
			ui_item_saved(ui, &pi->base, pi->c);
		}
		free(pi->json_error);
		pi->json_error = xasprintf("version conflict: you edited "
		    "version %lld; the store holds version %lld now (dynrepo "
		    "shows it).\nSaving again replaces theirs with yours.",
		    pi->json_version, pi->c->current_version);
		ui_error(ui, "version conflict: nothing saved; theirs is "
		    "shown; E edits yours again (kept in %s)", pi->json_path);
		return;
	}
	if (ev->err.code == ERR_INPUT) {
		/* Refused by the model: straight back to the editor. */
		item_json_run(ui, pi);
		return;
	}
	ui_error(ui, "not saved (%s): your edit is kept in %s; E tries again",
	    ev->err.msg, pi->json_path);
}

static const struct pane_ops item_ops;

/* ---- kept edits brought back by :recover ------------------------ */

/* Show a kept edit against theirs (taken; NULL: the item is not
 * stored): theirs on screen, ours in the conflict box; with one field
 * changed, that field's edit as if typed. */
static void
item_recover_show(struct pane_item *pi, struct content *theirs)
{
	const struct value *o = pi->ours->item, *t;
	const struct value_member *m;
	const char *one = NULL;
	struct buf b = BUF_INIT;
	size_t i, n = 0;

	free(pi->edit_field);
	free(pi->edit_text);
	pi->edit_field = pi->edit_text = NULL;
	pi->edit_kind = EK_SET;
	value_free(pi->theirs);
	pi->theirs = NULL;
	pi->theirs_absent = theirs == NULL;
	item_set_content(pi, theirs != NULL ? theirs :
	    table_content_copy(pi->ours));
	pi->edit_version = pi->ours->current_version;
	pi->state = IS_CONFLICT;
	if (theirs == NULL || o == NULL || pi->c->item == NULL)
		return;
	/* The fields yours changes: set to another value, or removed. */
	for (i = 0; i < o->u.map.len; i++) {
		m = &o->u.map.items[i];
		t = value_map_getn(pi->c->item, m->name, m->name_len);
		if (t == NULL || !value_equal(t, m->value)) {
			n++;
			one = strlen(m->name) == m->name_len ? m->name : NULL;
		}
	}
	for (i = 0; i < pi->c->item->u.map.len; i++) {
		m = &pi->c->item->u.map.items[i];
		if (value_map_getn(o, m->name, m->name_len) == NULL)
			n += 2;
	}
	if (n != 1 || one == NULL)
		return;
	pi->edit_field = xstrdup(one);
	edit_prefill(value_map_get(o, one), &b);
	pi->edit_text = xstrdup(buf_cstr(&b));
	buf_cleanup(&b);
	t = value_map_get(pi->c->item, one);
	pi->theirs = t != NULL ? value_copy(t) : NULL;
}

/* o on a kept edit: ours as a put guarded by the version on screen
 * (theirs; when the item is not stored, one that must not exist). */
static void
item_recover_put(struct ui *ui, struct pane_item *pi)
{
	struct worker_job *j = worker_job_new(WJ_PUT);
	struct content *c = table_content_copy(pi->ours);
	long long v = pi->theirs_absent ? 0 : pi->c->current_version;

	c->current_version = v + 1;
	/* A kept edit does not hold the expiry (no edit changes it): the
	 * stored item's stays, as with $EDITOR, not dropped by the put. */
	c->has_expiry = !pi->theirs_absent && pi->c->has_expiry;
	c->expiry = c->has_expiry ? pi->c->expiry : 0;
	j->item = c;
	j->guarded = true;
	j->current_version = v;
	j->recover = true;
	item_job_kept(pi, j);
	pi->state = IS_SAVING;
	pi->job = ui_submit(ui, &pi->base, j);
	ui_note(ui, "saving your kept edit ...");
}

/* e on a kept edit of several fields: the whole of ours in $EDITOR,
 * saved as a put guarded by the version on screen. */
static void
item_recover_edit_json(struct ui *ui, struct pane_item *pi)
{
	struct buf json = BUF_INIT;
	struct err e;

	if (ui_refuse_write(ui) || item_busy(ui, pi))
		return;
	pi->json_version = pi->theirs_absent ? 0 : pi->c->current_version;
	free(pi->json_error);
	pi->json_error = xasprintf("your kept edit (%s), brought back by "
	    ":recover.\nSaving replaces the stored item with it.",
	    pi->ours_why != NULL ? pi->ours_why : "kept");
	err_clear(&e);
	json_emit(&json, pi->ours->item, JSON_PRETTY);
	buf_addc(&json, '\n');
	if (item_json_write(pi, buf_cstr(&json), &e) == -1) {
		ui_error_err(ui, "edit", &e);
		buf_cleanup(&json);
		return;
	}
	buf_cleanup(&json);
	item_drop_edit(pi);
	pi->state = IS_IDLE;
	/* Saved in the kept edit's own file. */
	free(pi->json_kept);
	pi->json_kept = pi->kept_id;
	pi->kept_id = NULL;
	item_json_run(ui, pi);
}

/* r on a kept edit: its recovery file goes too. */
static void
item_recover_drop(struct ui *ui, struct pane_item *pi)
{
	struct worker_job *j = worker_job_new(WJ_RECOVER);

	ids_copy(&j->partition, &pi->c->partition_ids);
	ids_copy(&j->content, &pi->c->content_ids);
	j->recover_drop = true;
	/* This edit's file, not another kept edit of the same item. */
	item_job_kept(pi, j);
	item_forget_kept(pi);
	ui_submit(ui, NULL, j);
}

/* The end of the put of a kept edit. */
static void
item_recover_saved(struct ui *ui, struct pane_item *pi,
    struct worker_event *ev)
{
	if (ev->rc == 0) {
		pi->state = IS_IDLE;
		item_drop_edit(pi);
		item_forget_kept(pi);
		if (ev->item != NULL) {
			item_set_content(pi, ev->item);
			ev->item = NULL;
			ui_item_saved(ui, &pi->base, pi->c);
		}
		ui_note(ui, "saved: version %lld; the kept edit is gone",
		    pi->c->current_version);
		return;
	}
	pi->state = IS_CONFLICT;
	item_keep(pi, ev);
	if (ev->err.code == ERR_CONFLICT) {
		item_recover_show(pi, ev->item);
		ev->item = NULL;
		ui_item_saved(ui, &pi->base, pi->c);
		ui_error(ui, "version conflict: the item changed again; "
		    "o overwrites, e edits, r drops yours");
		return;
	}
	ui_error(ui, "not saved (%s): %s; your edit is still kept (o tries "
	    "again)", err_code_name(ev->err.code), ev->err.msg);
}

struct pane *
pane_item_recovered(struct ui *ui, struct worker_event *ev)
{
	struct pane_item *pi = xcalloc(1, sizeof *pi);

	(void)ui;
	pi->base.ops = &item_ops;
	pi->sel = -1;
	pi->h = 1;
	pi->ours = ev->recovered;
	ev->recovered = NULL;
	item_keep(pi, ev);
	pi->ours_why = xasprintf("%s, %s", ev->recovery_reason != NULL ?
	    ev->recovery_reason : "kept", ev->recovery_time != NULL ?
	    ev->recovery_time : "at an unknown time");
	item_recover_show(pi, ev->item);
	ev->item = NULL;
	return &pi->base;
}

/* ---- copies ------------------------------------------------------ */

/* Copy the selected value (or, for ITEM_COPY_ITEM or with no field
 * selected, the whole item as in view: plain or DynamoDB JSON) to the
 * clipboard, or into a new file when path is given. A string value is
 * its text; anything else JSON. */
static void
item_copy(struct ui *ui, struct pane_item *pi, int op, const char *path)
{
	const char *f = op == ITEM_COPY ? item_selected(pi) : NULL;
	const struct value *v = f != NULL ? value_map_get(pi->c->item, f) :
	    NULL;
	struct buf b = BUF_INIT, id = BUF_INIT;
	struct err e;

	if (v != NULL && v->type == VT_S)
		buf_add(&b, v->u.str.ptr, v->u.str.len);
	else if (v != NULL)
		json_emit(&b, v, JSON_PRETTY);
	else if (pi->ddb)
		ddbjson_emit_item(&b, pi->c->stored);
	else
		json_emit(&b, pi->c->item, JSON_PRETTY);
	if (path != NULL || v == NULL || v->type != VT_S)
		buf_addc(&b, '\n');
	if (f != NULL)
		buf_printf(&id, "%s", f);
	else
		buf_adds(&id, "the item");
	err_clear(&e);
	if (path != NULL) {
		if (scratch_create(path, b.data, b.len, &e) == -1)
			ui_error_err(ui, "copy", &e);
		else
			ui_note(ui, "%s written to %s (%zu bytes, mode 0600)",
			    buf_cstr(&id), path, b.len);
	} else if (ui_clipboard(ui, b.data, b.len) == -1) {
		ui_error(ui, "%s is too long for the clipboard (%zu bytes): "
		    ":copy FILE writes it to a file", buf_cstr(&id), b.len);
	} else {
		ui_note(ui, "%s copied to the clipboard (%zu bytes)",
		    buf_cstr(&id), b.len);
	}
	buf_cleanup(&b);
	buf_cleanup(&id);
}

/* Reload the item from the store. */
static void
item_reload(struct ui *ui, struct pane_item *pi)
{
	struct worker_job *j = worker_job_new(WJ_GET);

	ui_cancel(ui, pi->job);
	ids_copy(&j->partition, &pi->c->partition_ids);
	ids_copy(&j->content, &pi->c->content_ids);
	pi->state = IS_LOADING;
	pi->job = ui_submit(ui, &pi->base, j);
}

/* pane_ops event. */
static void
item_event(struct ui *ui, struct pane *pane, struct worker_event *ev)
{
	struct pane_item *pi = (struct pane_item *)pane;
	const struct value *t;

	if (ev->job != pi->job || ev->type != WE_DONE)
		return;
	pi->job = 0;
	if (ev->job_type == WJ_DELETE_ITEM) {
		item_deleted(ui, pi, ev);
		return;
	}
	if (ev->job_type == WJ_PUT && pi->ours != NULL) {
		item_recover_saved(ui, pi, ev);
		return;
	}
	if (ev->job_type == WJ_PUT) {
		item_json_saved(ui, pi, ev);
		return;
	}
	if (ev->job_type == WJ_GET) {
		pi->state = IS_IDLE;
		if (ev->rc == -1) {
			ui_error_err(ui, "reload", &ev->err);
		} else if (ev->item == NULL) {
			ui_error(ui, "the item is gone: it was deleted");
		} else {
			item_drop_edit(pi);
			item_set_content(pi, ev->item);
			ev->item = NULL;
			ui_item_saved(ui, pane, pi->c);
			ui_note(ui, "reloaded: version %lld",
			    pi->c->current_version);
		}
		return;
	}
	/* WJ_UPDATE */
	if (ev->rc == 0) {
		item_forget_kept(pi);
		pi->state = IS_IDLE;
		ui_note(ui, "saved %s", pi->edit_field);
		item_drop_edit(pi);
		if (ev->item != NULL) {
			item_set_content(pi, ev->item);
			ev->item = NULL;
			ui_item_saved(ui, pane, pi->c);
			ui_note(ui, "saved: version %lld",
			    pi->c->current_version);
		}
		return;
	}
	item_keep(pi, ev);
	if (ev->err.code == ERR_CONFLICT) {
		/* Show theirs; keep ours for overwrite or another edit. */
		pi->state = IS_CONFLICT;
		value_free(pi->theirs);
		pi->theirs = NULL;
		pi->theirs_absent = ev->item == NULL;
		if (ev->item != NULL) {
			t = value_map_get(ev->item->item, pi->edit_field);
			pi->theirs = t != NULL ? value_copy(t) : NULL;
			item_set_content(pi, ev->item);
			ev->item = NULL;
			ui_item_saved(ui, pane, pi->c);
		}
		ui_error(ui, "version conflict: the item changed since "
		    "version %lld; o overwrites, e edits, r reloads",
		    pi->edit_version);
		return;
	}
	pi->state = IS_IDLE;
	if (ev->err.code == ERR_INPUT) {
		/* The model refused it: back to the prompt, reason above. */
		ui_error(ui, "not saved (bad input): %s", ev->err.msg);
		item_edit(ui, pi, pi->edit_field, pi->edit_kind);
		return;
	}
	ui_error(ui, "not saved (%s; e brings your edit back): %s",
	    err_code_name(ev->err.code), ev->err.msg);
}

/* The conflict box's lines (caller frees each and the array). */
static size_t
item_conflict_lines(const struct pane_item *pi, char ***out)
{
	struct buf b = BUF_INIT;
	char **l = xcalloc(4, sizeof *l);

	if (pi->ours != NULL && pi->theirs_absent)
		l[0] = xasprintf("KEPT EDIT (%s): you edited version %lld; "
		    "the item is not stored now.", pi->ours_why,
		    pi->edit_version);
	else if (pi->ours != NULL)
		l[0] = xasprintf("KEPT EDIT (%s): you edited version %lld; "
		    "the store holds version %lld.", pi->ours_why,
		    pi->edit_version, pi->c->current_version);
	else
		l[0] = xasprintf("VERSION CONFLICT: you edited version %lld; "
		    "the store holds version %lld.", pi->edit_version,
		    pi->c->current_version);
	if (pi->ours != NULL && pi->edit_field == NULL) {
		l[1] = xstrdup(pi->theirs_absent ? "  theirs: (no item)" :
		    "  theirs: the item below");
		l[2] = xstrdup(pi->theirs_absent ? "  yours:  the item below" :
		    "  yours:  the whole item as you edited it (e opens it)");
		l[3] = xstrdup("  o: save yours over theirs   e: edit yours "
		    "again   r: drop yours (reload)");
		*out = l;
		return 4;
	}
	buf_printf(&b, "  %s  theirs: ", pi->edit_field);
	if (pi->theirs_absent)
		buf_adds(&b, "(item deleted)");
	else if (pi->theirs == NULL)
		buf_adds(&b, "(absent)");
	else
		table_value_text(pi->theirs, &b);
	l[1] = buf_detach(&b, NULL);
	buf_printf(&b, "  %s  yours:  %s%s%s", pi->edit_field,
	    pi->edit_kind == EK_SET ? "" : item_kind_op[pi->edit_kind],
	    pi->edit_kind == EK_SET ? "" : " ",
	    pi->edit_text != NULL ? pi->edit_text : "");
	l[2] = buf_detach(&b, NULL);
	l[3] = xstrdup(pi->ours != NULL ? "  o: save yours over theirs   "
	    "e: edit yours again   r: drop yours (reload)" :
	    "  o: overwrite with yours   e: edit yours again   "
	    "r: reload (drop yours)");
	*out = l;
	return 4;
}

/* pane_ops draw. */
static void
item_draw(struct ui *ui, struct pane *pane, int y, int h)
{
	struct pane_item *pi = (struct pane_item *)pane;
	char **box = NULL;
	size_t nbox = 0, i, k;
	long s0 = -1, s1 = -1;

	if (pi->state == IS_CONFLICT) {
		nbox = item_conflict_lines(pi, &box);
		for (k = 0; k < nbox && (int)k < h; k++)
			draw_str(y + (int)k, 1, ui->cols - 2, box[k],
			    draw_attr(k == 0 ? DR_WARN : DR_NORMAL));
		for (k = 0; k < nbox; k++)
			free(box[k]);
		free(box);
		y += (int)nbox + 1;
		h -= (int)nbox + 1;
	}
	pi->h = h > 1 ? h : 1;
	/* The selected field's lines. */
	if (pi->sel >= 0) {
		s0 = pi->sel;
		for (s1 = s0 + 1; (size_t)s1 < pi->nlines &&
		    pi->lines[s1].field == pi->lines[s0].field &&
		    !pi->lines[s1].starts; s1++)
			continue;
		if ((size_t)s0 < pi->top)
			pi->top = (size_t)s0;
		else if (s0 >= (long)pi->top + pi->h)
			pi->top = (size_t)s0;
	}
	if (pi->top + (size_t)pi->h > pi->nlines)
		pi->top = pi->nlines > (size_t)pi->h ? pi->nlines -
		    (size_t)pi->h : 0;
	for (k = 0; (int)k < pi->h && pi->top + k < pi->nlines; k++) {
		struct item_line *l;
		attr_t a = A_NORMAL;

		i = pi->top + k;
		l = &pi->lines[i];
		if ((long)i >= s0 && (long)i < s1)
			a = draw_attr(DR_SELECTED);
		else if (l->head)
			a = draw_attr(DR_KEY);
		if (a == draw_attr(DR_SELECTED))
			draw_fill(y + (int)k, 0, ui->cols, a);
		draw_text(y + (int)k, 1, ui->cols - 2, l->text, strlen(l->text),
		    pi->hoff, true, a);
	}
}

/* pane_ops title. */
static void
item_title(struct ui *ui, struct pane *pane, struct buf *b)
{
	struct pane_item *pi = (struct pane_item *)pane;

	(void)ui;
	buf_adds(b, "item ");
	ids_join(&pi->c->content_ids, b);
	buf_printf(b, " (version %lld) %s", pi->c->current_version,
	    pi->ddb ? "DynamoDB JSON" : "JSON");
}

/* pane_ops status. */
static void
item_status(struct ui *ui, struct pane *pane, struct buf *b)
{
	struct pane_item *pi = (struct pane_item *)pane;
	const char *f = item_selected(pi);

	(void)ui;
	switch (pi->state) {
	case IS_SAVING:
		buf_adds(b, "saving... ");
		break;
	case IS_LOADING:
		buf_adds(b, "loading... ");
		break;
	case IS_CONFLICT:
		buf_adds(b, pi->ours != NULL ? "kept edit: o save, e edit, "
		    "r drop | " : "conflict: o overwrite, e edit, r reload | ");
		break;
	case IS_IDLE:
		break;
	}
	if (f != NULL)
		buf_printf(b, "field %s | e edit, + incr, a append, D delete, "
		    "t JSON", f);
	else
		buf_adds(b, "t toggles JSON");
}

/* The commands of the pane. */
static int
item_cmd(struct ui *ui, struct pane *pane, int op, const char *arg)
{
	struct pane_item *pi = (struct pane_item *)pane;
	size_t flen;
	long i;

	switch (op) {
	case UI_MOVE_DOWN:
		i = pi->sel >= 0 ? item_next_field(pi, pi->sel + 1, 1) :
		    item_next_field(pi, (long)pi->top, 1);
		if (i >= 0)
			pi->sel = i;
		else if (pi->top + (size_t)pi->h < pi->nlines)
			pi->top++;
		break;
	case UI_MOVE_UP:
		i = pi->sel > 0 ? item_next_field(pi, pi->sel - 1, -1) : -1;
		if (i >= 0)
			pi->sel = i;
		else if (pi->top > 0)
			pi->top--;
		if (i < 0 && pi->sel >= 0 && (size_t)pi->sel >= pi->top)
			pi->top = 0;
		break;
	case UI_MOVE_PAGE_DOWN:
	case ITEM_SCROLL_DOWN:
		if (pi->top + (size_t)pi->h < pi->nlines)
			pi->top += (size_t)pi->h - 1;
		i = item_next_field(pi, (long)pi->top, 1);
		if (i >= 0 && op == UI_MOVE_PAGE_DOWN)
			pi->sel = i;
		break;
	case UI_MOVE_PAGE_UP:
	case ITEM_SCROLL_UP:
		pi->top = pi->top > (size_t)pi->h - 1 ? pi->top -
		    ((size_t)pi->h - 1) : 0;
		i = item_next_field(pi, (long)pi->top, 1);
		if (i >= 0 && op == UI_MOVE_PAGE_UP)
			pi->sel = i;
		break;
	case UI_MOVE_FIRST:
		pi->top = 0;
		pi->sel = item_next_field(pi, 0, 1);
		break;
	case UI_MOVE_LAST:
		pi->sel = item_next_field(pi, (long)pi->nlines - 1, -1);
		pi->top = pi->nlines;
		break;
	case ITEM_LEFT:
		pi->hoff = pi->hoff > 8 ? pi->hoff - 8 : 0;
		break;
	case ITEM_RIGHT:
		pi->hoff += 8;
		break;
	case ITEM_TOGGLE:
		pi->ddb = !pi->ddb;
		item_set_content(pi, pi->c);
		break;
	case ITEM_EDIT:
		if (pi->state == IS_CONFLICT && arg == NULL &&
		    pi->ours != NULL && pi->edit_field == NULL) {
			item_recover_edit_json(ui, pi);
			break;
		}
		if (pi->state == IS_CONFLICT && arg == NULL) {
			item_edit(ui, pi, pi->edit_field, pi->edit_kind);
			break;
		}
		item_edit(ui, pi, arg != NULL ? arg : item_selected(pi),
		    EK_SET);
		break;
	case ITEM_INCR:
	case ITEM_APPEND:
		item_edit_cmd(ui, pi, op == ITEM_INCR ? EK_INCR : EK_APPEND,
		    arg);
		break;
	case ITEM_SET:
		if (arg == NULL || strchr(arg, '=') == NULL ||
		    arg[0] == '=') {
			ui_error(ui, "set: FIELD=VALUE");
			break;
		}
		/* "year = 1999" as well as "year=1999" (Tab completes the
		 * name with a space after it). */
		flen = (size_t)(strchr(arg, '=') - arg);
		while (flen > 0 && (arg[flen - 1] == ' ' ||
		    arg[flen - 1] == '\t'))
			flen--;
		item_save_now(ui, pi, EK_SET, arg, flen, strchr(arg, '=') + 1 +
		    strspn(strchr(arg, '=') + 1, " \t"));
		break;
	case ITEM_EDIT_JSON:
		item_json_edit(ui, pi);
		break;
	case ITEM_COPY:
	case ITEM_COPY_ITEM:
		item_copy(ui, pi, op, arg);
		break;
	case ITEM_DELETE:
		if (ui_refuse_write(ui) || item_busy(ui, pi))
			break;
		{
			struct buf q = BUF_INIT;

			buf_adds(&q, "delete ");
			ids_join(&pi->c->content_ids, &q);
			buf_printf(&q, " (version %lld)? y/N: ",
			    pi->c->current_version);
			ui_prompt(ui, pane, CMDLINE_HIST_VALUE, buf_cstr(&q),
			    NULL, item_delete_done);
			buf_cleanup(&q);
		}
		break;
	case ITEM_RELOAD:
		/* Dropping a kept edit drops its recovery file too (only
		 * its own: other kept edits of the item stay). */
		if (pi->kept_id != NULL && (pi->edit_field != NULL ||
		    pi->ours != NULL))
			item_recover_drop(ui, pi);
		item_drop_edit(pi);
		item_reload(ui, pi);
		break;
	case ITEM_OVERWRITE:
		if (pi->state != IS_CONFLICT) {
			ui_note(ui, "no conflict to overwrite");
			break;
		}
		if (ui_refuse_write(ui))
			break;
		/* Ours, guarded by the version now on screen: theirs. */
		if (pi->ours != NULL)
			item_recover_put(ui, pi);
		else
			item_save(ui, pi, pi->c->current_version);
		break;
	}
	return UI_REDRAW;
}

/* pane_ops item_saved: another pane saved this item. */
static void
item_item_saved(struct ui *ui, struct pane *pane, const struct content *c)
{
	struct pane_item *pi = (struct pane_item *)pane;

	if (pi->state == IS_IDLE && ids_equal(&c->partition_ids,
	    &pi->c->partition_ids) && ids_equal(&c->content_ids,
	    &pi->c->content_ids)) {
		item_set_content(pi, table_content_copy(c));
		ui_dirty(ui);
	}
}

/* pane_ops free. */
static void
item_free(struct ui *ui, struct pane *pane)
{
	struct pane_item *pi = (struct pane_item *)pane;

	ui_cancel(ui, pi->job);
	item_clear_lines(pi);
	item_drop_edit(pi);
	/* A kept edit stays on disk: the person was told where. */
	free(pi->kept_id);
	free(pi->json_kept);
	free(pi->json_path);
	free(pi->json_error);
	content_free(pi->c);
	free(pi);
}

static const struct ui_cmd item_cmds[] = {
	{ "down", item_cmd, UI_MOVE_DOWN, NULL, "next field" },
	{ "up", item_cmd, UI_MOVE_UP, NULL, "previous field" },
	{ "page-down", item_cmd, UI_MOVE_PAGE_DOWN, NULL, "a page down" },
	{ "page-up", item_cmd, UI_MOVE_PAGE_UP, NULL, "a page up" },
	{ "first", item_cmd, UI_MOVE_FIRST, NULL, "the first field" },
	{ "last", item_cmd, UI_MOVE_LAST, NULL, "the last field" },
	{ "left", item_cmd, ITEM_LEFT, NULL, "scroll left" },
	{ "right", item_cmd, ITEM_RIGHT, NULL, "scroll right" },
	{ "toggle-json", item_cmd, ITEM_TOGGLE, NULL,
	    "plain JSON / DynamoDB JSON" },
	{ "edit", item_cmd, ITEM_EDIT, "[FIELD]",
	    "edit the field (saved as an update guarded by the version)" },
	{ "set", item_cmd, ITEM_SET, "FIELD=VALUE",
	    "set a field and save at once" },
	{ "reload", item_cmd, ITEM_RELOAD, NULL,
	    "read the item again (drops a kept edit)" },
	{ "overwrite", item_cmd, ITEM_OVERWRITE, NULL,
	    "after a conflict: save yours over theirs" },
	{ "incr", item_cmd, ITEM_INCR, "[FIELD [N]]",
	    "increment an integer field (an update guarded by the version)" },
	{ "append", item_cmd, ITEM_APPEND, "[FIELD VALUE]",
	    "append to a list field: a JSON list or one element" },
	{ "edit-json", item_cmd, ITEM_EDIT_JSON, NULL,
	    "the whole item in $EDITOR as plain JSON (a guarded put)" },
	{ "copy", item_cmd, ITEM_COPY, "[FILE]",
	    "copy the field's value to the clipboard (or a new file)" },
	{ "copy-item", item_cmd, ITEM_COPY_ITEM, "[FILE]",
	    "copy the item as in view to the clipboard (or a new file)" },
	{ "delete", item_cmd, ITEM_DELETE, NULL,
	    "delete the item (asks first; guarded by the version)" },
	{ NULL, NULL, 0, NULL, NULL }
};

static const struct ui_key item_keys[] = {
	{ 'j', "down" }, { UI_KEY_FN_BASE + KEY_DOWN, "down" },
	{ 'k', "up" }, { UI_KEY_FN_BASE + KEY_UP, "up" },
	{ UI_KEY_FN_BASE + KEY_NPAGE, "page-down" }, { 6, "page-down" },
	{ ' ', "page-down" },
	{ UI_KEY_FN_BASE + KEY_PPAGE, "page-up" }, { 2, "page-up" },
	{ 'g', "first" }, { UI_KEY_FN_BASE + KEY_HOME, "first" },
	{ 'G', "last" }, { UI_KEY_FN_BASE + KEY_END, "last" },
	{ 'h', "left" }, { UI_KEY_FN_BASE + KEY_LEFT, "left" },
	{ 'l', "right" }, { UI_KEY_FN_BASE + KEY_RIGHT, "right" },
	{ 't', "toggle-json" },
	{ 'e', "edit" }, { '\r', "edit" }, { '\n', "edit" },
	{ UI_KEY_FN_BASE + KEY_ENTER, "edit" },
	{ 'r', "reload" }, { UI_KEY_FN_BASE + KEY_F(5), "reload" },
	{ 'o', "overwrite" },
	{ '+', "incr" },
	{ 'a', "append" },
	{ 'D', "delete" },
	{ 'E', "edit-json" },
	{ 'y', "copy" },
	{ 'Y', "copy-item" },
	{ 0, NULL }
};

static const struct pane_ops item_ops = {
	"item",
	item_cmds,
	item_keys,
	item_draw,
	item_title,
	item_status,
	item_event,
	NULL,
	item_item_saved,
	item_free,
	NULL
};

struct pane *
pane_item_new(struct ui *ui, const struct content *c)
{
	struct pane_item *pi = xcalloc(1, sizeof *pi);

	(void)ui;
	pi->base.ops = &item_ops;
	pi->sel = -1;
	pi->h = 1;
	item_set_content(pi, table_content_copy(c));
	return &pi->base;
}
