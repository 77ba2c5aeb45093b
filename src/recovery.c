/* SPDX-License-Identifier: ISC */
/* Recovery files: edits that could not be saved, kept until saved or
 * discarded. */
#include "config.h"

#include "recovery.h"

#include <dirent.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "clock.h"
#include "ddbjson.h"
#include "statedir.h"
#include "xmalloc.h"

#define RECOVERY_SUFFIX	".json"

static const char *const recovery_items[] = { "key", "item", NULL };

struct recovery *
recovery_new(void)
{
	return xcalloc(1, sizeof(struct recovery));
}

void
recovery_free(struct recovery *rec)
{
	if (rec == NULL)
		return;
	free(rec->id);
	free(rec->profile);
	free(rec->time);
	free(rec->table);
	free(rec->reason);
	value_free(rec->key);
	value_free(rec->item);
	free(rec->text);
	free(rec);
}

void
recovery_list_free(struct recovery **list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		recovery_free(list[i]);
	free(list);
}

char *
recovery_directory(const char *profile, struct err *e)
{
	char *name = statedir_escape(profile), *sub, *dir;

	sub = xasprintf("recovery/%s", name);
	dir = statedir_path(sub, e);
	free(sub);
	free(name);
	return dir;
}

/* Whether an id is one of ours (no path tricks from a caller). */
static bool
recovery_id_ok(const char *id)
{
	size_t i;

	for (i = 0; id[i] != '\0'; i++)
		if (!((id[i] >= '0' && id[i] <= '9') ||
		    (id[i] >= 'a' && id[i] <= 'z') || id[i] == '-'))
			return false;
	return i > 0;
}

/* The file of one recovery. */
static char *
recovery_file(const char *profile, const char *id, struct err *e)
{
	char *dir, *path;

	if (!recovery_id_ok(id)) {
		err_set(e, ERR_USAGE, "not a recovery id: \"%.40s\"", id);
		return NULL;
	}
	if ((dir = recovery_directory(profile, e)) == NULL)
		return NULL;
	path = xasprintf("%s/%s%s", dir, id, RECOVERY_SUFFIX);
	free(dir);
	return path;
}

/*
 * A new recovery's id: the FNV-1a hash of the key's DynamoDB JSON (so the
 * files of one item sort together), then the time in microseconds, the
 * process and a counter, so that no two edits share a file: a second edit
 * of the same item never replaces, nor on its success removes, a kept
 * one. A new item without a key is "new-..." the same way.
 */
static char *
recovery_make_id(const struct recovery *rec)
{
	const struct clock_ops *clock = clock_system();
	struct buf b = BUF_INIT;
	uint64_t h = 0xcbf29ce484222325ULL;
	struct timespec now;
	size_t i;

	static atomic_uint counter;

	clock->now(clock->ctx, &now);
	if (rec->key != NULL) {
		ddbjson_emit_item(&b, rec->key);
		for (i = 0; i < b.len; i++) {
			h ^= (unsigned char)b.data[i];
			h *= 0x100000001b3ULL;
		}
		buf_reset(&b);
		buf_printf(&b, "%016llx", (unsigned long long)h);
	} else {
		buf_adds(&b, "new");
	}
	buf_printf(&b, "-%lld%06ld-%ld-%u", (long long)now.tv_sec,
	    now.tv_nsec / 1000, (long)getpid(),
	    atomic_fetch_add(&counter, 1) + 1);
	return buf_detach(&b, NULL);
}

/* ,"name":"s" when s is set. */
static void
recovery_add_string(struct buf *b, const char *name, const char *s)
{
	if (s == NULL)
		return;
	buf_printf(b, ",\"%s\":", name);
	buf_add_json_string(b, s, strlen(s));
}

int
recovery_save(const char *profile, struct recovery *rec, struct err *e)
{
	struct buf b = BUF_INIT;
	char *dir = NULL, *path = NULL;
	int rc = -1;

	if (rec->key == NULL && rec->item == NULL && rec->text == NULL)
		return err_set(e, ERR_USAGE, "recovery: nothing to keep");
	if (rec->time == NULL) {
		const struct clock_ops *clock = clock_system();
		struct timespec now;
		char iso[40];

		clock->now(clock->ctx, &now);
		clock_format_iso(&now, iso);
		rec->time = xstrdup(iso);
	}
	/* A recovery saved again (its write failed, or a kept edit is
	 * tried again) keeps its file. */
	if (rec->id == NULL)
		rec->id = recovery_make_id(rec);
	else if (!recovery_id_ok(rec->id))
		return err_set(e, ERR_USAGE, "not a recovery id: \"%.40s\"",
		    rec->id);
	if ((dir = recovery_directory(profile, e)) == NULL ||
	    statedir_mkdir(dir, e) == -1)
		goto out;
	path = xasprintf("%s/%s%s", dir, rec->id, RECOVERY_SUFFIX);
	buf_adds(&b, "{\"format\":1");
	recovery_add_string(&b, "profile", profile);
	recovery_add_string(&b, "time", rec->time);
	recovery_add_string(&b, "table", rec->table);
	recovery_add_string(&b, "reason", rec->reason);
	buf_printf(&b, ",\"base_version\":%lld", rec->base_version);
	if (rec->key != NULL) {
		buf_adds(&b, ",\"key\":");
		ddbjson_emit_item(&b, rec->key);
	}
	if (rec->item != NULL) {
		buf_adds(&b, ",\"item\":");
		ddbjson_emit_item(&b, rec->item);
	}
	recovery_add_string(&b, "text", rec->text);
	buf_adds(&b, "}\n");
	rc = statedir_write_atomic(path, b.data, b.len, e);
out:
	if (rc == -1)
		err_prefix(e, "recovery: ");
	free(dir);
	free(path);
	buf_cleanup(&b);
	return rc;
}

/* Parse one file's text. */
static struct recovery *
recovery_parse(const char *text, size_t len, const char *id, struct err *e)
{
	struct recovery *rec;
	struct value *tree, *v;

	tree = ddbjson_parse_doc(text, len, recovery_items, e);
	if (tree == NULL)
		return NULL;
	if (tree->type != VT_M || value_map_get(tree, "format") == NULL) {
		value_free(tree);
		err_set(e, ERR_INPUT, "not a recovery file");
		return NULL;
	}
	rec = recovery_new();
	rec->id = xstrdup(id);
	rec->profile = value_map_strdup(tree, "profile");
	rec->time = value_map_strdup(tree, "time");
	rec->table = value_map_strdup(tree, "table");
	rec->reason = value_map_strdup(tree, "reason");
	rec->text = value_map_strdup(tree, "text");
	v = value_map_get(tree, "base_version");
	if (v != NULL && v->type == VT_N)
		rec->base_version = strtoll(v->u.str.ptr, NULL, 10);
	rec->key = value_map_take(tree, "key");
	rec->item = value_map_take(tree, "item");
	value_free(tree);
	return rec;
}

int
recovery_load(const char *profile, const char *id, struct recovery **out,
    struct err *e)
{
	char *path, *text;
	size_t len;

	*out = NULL;
	if ((path = recovery_file(profile, id, e)) == NULL)
		return -1;
	if (statedir_read_file(path, &text, &len, e) == -1) {
		free(path);
		return -1;
	}
	*out = recovery_parse(text, len, id, e);
	if (*out == NULL)
		err_prefix(e, "recovery %s: ", path);
	free(text);
	free(path);
	return *out != NULL ? 0 : -1;
}

int
recovery_discard(const char *profile, const char *id, struct err *e)
{
	char *path = recovery_file(profile, id, e);
	int rc = 0;

	if (path == NULL)
		return -1;
	if (unlink(path) == -1 && errno != ENOENT)
		rc = err_set(e, ERR_IO, "recovery: cannot remove %s: %s", path,
		    strerror(errno));
	free(path);
	return rc;
}

/* Newest first; ids break ties. */
static int
recovery_cmp(const void *a, const void *b)
{
	const struct recovery *x = *(const struct recovery *const *)a;
	const struct recovery *y = *(const struct recovery *const *)b;
	int c = strcmp(y->time != NULL ? y->time : "",
	    x->time != NULL ? x->time : "");

	return c != 0 ? c : strcmp(x->id, y->id);
}

int
recovery_list(const char *profile, struct recovery ***out, size_t *n,
    size_t *unreadable, struct err *e)
{
	struct recovery **list = NULL, *rec;
	size_t cap = 0;
	struct dirent *de;
	char *dir;
	DIR *d;

	*out = NULL;
	*n = 0;
	if (unreadable != NULL)
		*unreadable = 0;
	if ((dir = recovery_directory(profile, e)) == NULL)
		return -1;
	d = opendir(dir);
	if (d == NULL) {
		int saved = errno, rc = 0;

		if (saved != ENOENT)
			rc = err_set(e, ERR_IO, "recovery: cannot read %s: %s",
			    dir, strerror(saved));
		free(dir);
		return rc;
	}
	while ((de = readdir(d)) != NULL) {
		size_t len = strlen(de->d_name);
		char *id;

		if (len <= strlen(RECOVERY_SUFFIX) || strcmp(de->d_name + len -
		    strlen(RECOVERY_SUFFIX), RECOVERY_SUFFIX) != 0)
			continue;
		id = xstrndup(de->d_name, len - strlen(RECOVERY_SUFFIX));
		if (recovery_id_ok(id) &&
		    recovery_load(profile, id, &rec, NULL) == 0) {
			if (*n == cap) {
				cap = cap ? cap * 2 : 8;
				list = xreallocarray(list, cap, sizeof *list);
			}
			list[(*n)++] = rec;
		} else if (unreadable != NULL) {
			/* Kept, never removed: an edit may be in it. */
			(*unreadable)++;
		}
		free(id);
	}
	closedir(d);
	free(dir);
	if (*n > 1)
		qsort(list, *n, sizeof *list, recovery_cmp);
	*out = list;
	return 0;
}
