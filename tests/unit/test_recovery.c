/* SPDX-License-Identifier: ISC */
/* Recovery files: atomic, private, listed newest first, loaded and
 * discarded. */
#include "config.h"

#include <criterion/criterion.h>
#include <sys/stat.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ddbjson.h"
#include "phist.h"
#include "recovery.h"
#include "xmalloc.h"

static char dir[64];

static void
setup(void)
{
	strcpy(dir, "/tmp/dynrepo-recovery.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	setenv("XDG_STATE_HOME", dir, 1);
}

static void
teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	cr_assert_eq(system(cmd), 0);
	free(cmd);
}

TestSuite(recovery, .init = setup, .fini = teardown);

/* An item from DynamoDB JSON with ' for ". */
static struct value *
J(const char *text)
{
	char *s = xstrdup(text), *p;
	struct value *v;
	struct err e;

	for (p = s; *p != '\0'; p++)
		if (*p == '\'')
			*p = '"';
	v = ddbjson_parse_item(s, strlen(s), &e);
	cr_assert_not_null(v, "%s: %s", text, e.msg);
	free(s);
	return v;
}

/* A recovery of key sk with a field n, saved at time t. */
static struct recovery *
mk(const char *sk, const char *n, const char *t)
{
	struct recovery *rec = recovery_new();
	char *k = xasprintf("{'pk':{'S':'p'},'sk':{'S':'%s'}}", sk);
	char *i = xasprintf("{'pk':{'S':'p'},'sk':{'S':'%s'},"
	    "'n':{'N':'%s'}}", sk, n);

	rec->key = J(k);
	rec->item = J(i);
	rec->time = xstrdup(t);
	rec->reason = xstrdup("version conflict");
	rec->table = xstrdup("tbl");
	rec->base_version = 3;
	free(k);
	free(i);
	return rec;
}

Test(recovery, save_load_private_atomic)
{
	struct recovery *rec = mk("a", "1.50", "2026-11-25T09:00:00+00:00");
	struct recovery *back;
	struct stat st;
	struct err e;
	char *path, *d;
	DIR *dd;
	struct dirent *de;
	int files = 0;

	rec->text = xstrdup("{\"n\": 1.50, oops");
	cr_assert_eq(recovery_save("my/profile", rec, &e), 0, "%s", e.msg);
	cr_assert_not_null(rec->id);
	d = xasprintf("%s/dynrepo/recovery/my%%2Fprofile", dir);
	path = xasprintf("%s/%s.json", d, rec->id);
	cr_assert_eq(stat(path, &st), 0, "%s", path);
	cr_assert_eq(st.st_mode & 0777, 0600);
	cr_assert_eq(stat(d, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0700);
	/* No temporary file left behind. */
	dd = opendir(d);
	while ((de = readdir(dd)) != NULL)
		if (de->d_name[0] != '.')
			files++;
	closedir(dd);
	cr_assert_eq(files, 1);

	cr_assert_eq(recovery_load("my/profile", rec->id, &back, &e), 0, "%s",
	    e.msg);
	cr_assert_str_eq(back->profile, "my/profile");
	cr_assert_str_eq(back->time, "2026-11-25T09:00:00+00:00");
	cr_assert_str_eq(back->reason, "version conflict");
	cr_assert_str_eq(back->table, "tbl");
	cr_assert_str_eq(back->text, "{\"n\": 1.50, oops");
	cr_assert_eq(back->base_version, 3);
	cr_assert(value_equal(back->key, rec->key));
	/* Numbers as typed: 1.50 stays 1.50. */
	cr_assert_str_eq(value_map_get(back->item, "n")->u.str.ptr, "1.50");
	recovery_free(back);
	free(path);
	free(d);
	recovery_free(rec);
}

/* Two edits of one item are two files: neither replaces the other, and
 * discarding one leaves the other. Saving a recovery again (its id set)
 * replaces its own file only. */
Test(recovery, each_edit_its_own_file_list_newest_first_discard)
{
	struct recovery *a1 = mk("a", "1", "2026-11-25T09:00:00+00:00");
	struct recovery *a2 = mk("a", "2", "2026-11-25T09:05:00+00:00");
	struct recovery *b = mk("b", "7", "2026-11-25T09:03:00+00:00");
	struct recovery **list, *gone;
	size_t n;
	struct err e;

	cr_assert_eq(recovery_list("prof", &list, &n, NULL, &e), 0);
	cr_assert_eq(n, 0);
	cr_assert_eq(recovery_save("prof", a1, &e), 0, "%s", e.msg);
	cr_assert_eq(recovery_save("prof", b, &e), 0, "%s", e.msg);
	cr_assert_eq(recovery_save("prof", a2, &e), 0, "%s", e.msg);
	cr_assert_str_neq(a1->id, a2->id, "one file per edit");
	cr_assert_eq(strncmp(a1->id, a2->id, 16), 0, "the key's hash first");
	cr_assert_eq(recovery_list("prof", &list, &n, NULL, &e), 0, "%s",
	    e.msg);
	cr_assert_eq(n, 3);
	cr_assert_str_eq(value_map_get(list[0]->item, "n")->u.str.ptr, "2");
	cr_assert_str_eq(value_map_get(list[1]->item, "n")->u.str.ptr, "7");
	cr_assert_str_eq(value_map_get(list[2]->item, "n")->u.str.ptr, "1");
	recovery_list_free(list, n);
	/* Other profiles see none of them. */
	cr_assert_eq(recovery_list("other", &list, &n, NULL, &e), 0);
	cr_assert_eq(n, 0);

	/* a1 saved again (its write failed once more): its own file. */
	free(a1->reason);
	a1->reason = xstrdup("version conflict");
	cr_assert_eq(recovery_save("prof", a1, &e), 0, "%s", e.msg);
	cr_assert_eq(recovery_list("prof", &list, &n, NULL, &e), 0);
	cr_assert_eq(n, 3);
	recovery_list_free(list, n);
	cr_assert_eq(recovery_load("prof", a1->id, &gone, &e), 0, "%s", e.msg);
	cr_assert_str_eq(gone->reason, "version conflict");
	recovery_free(gone);

	/* a2 saved and discarded: a1 stays. */
	cr_assert_eq(recovery_discard("prof", a2->id, &e), 0, "%s", e.msg);
	cr_assert_eq(recovery_discard("prof", a2->id, &e), 0, "twice is ok");
	cr_assert_eq(recovery_list("prof", &list, &n, NULL, &e), 0);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(value_map_get(list[1]->item, "n")->u.str.ptr, "1");
	recovery_list_free(list, n);
	cr_assert_eq(recovery_load("prof", a2->id, &gone, &e), -1);
	cr_assert_null(gone);
	cr_assert_eq(e.code, ERR_NOT_FOUND);
	/* An id set by a caller is checked like any other. */
	free(b->id);
	b->id = xstrdup("../x");
	cr_assert_eq(recovery_save("prof", b, &e), -1);
	cr_assert_eq(e.code, ERR_USAGE);
	recovery_free(a1);
	recovery_free(a2);
	recovery_free(b);
}

/* Recovery files that cannot be read (a torn write, a file that is no
 * recovery) are counted, not passed over in silence, and left where they
 * are. */
Test(recovery, unreadable_files_counted_and_kept)
{
	static const char *const bad_files[] = {
		"0123-torn.json", "0456-other.json",
	};
	static const char *const texts[] = {
		"{\"time\":\"2026-11-25T", "not json\n",
	};
	struct recovery *a = mk("a", "1", "2026-11-25T09:00:00+00:00");
	struct recovery **list;
	size_t n, bad = 99, i;
	struct stat st;
	struct err e;
	char *d, *path;
	FILE *fp;

	cr_assert_eq(recovery_save("prof", a, &e), 0, "%s", e.msg);
	d = recovery_directory("prof", &e);
	cr_assert_not_null(d, "%s", e.msg);
	for (i = 0; i < 2; i++) {
		path = xasprintf("%s/%s", d, bad_files[i]);
		fp = fopen(path, "w");
		cr_assert_not_null(fp);
		fputs(texts[i], fp);
		fclose(fp);
		free(path);
	}
	cr_assert_eq(recovery_list("prof", &list, &n, &bad, &e), 0, "%s",
	    e.msg);
	cr_assert_eq(n, 1);
	cr_assert_eq(bad, 2, "%zu unreadable", bad);
	recovery_list_free(list, n);
	for (i = 0; i < 2; i++) {
		path = xasprintf("%s/%s", d, bad_files[i]);
		cr_assert_eq(stat(path, &st), 0, "%s was removed", path);
		free(path);
	}
	/* Asked for no count, the list is the same. */
	cr_assert_eq(recovery_list("prof", &list, &n, NULL, &e), 0);
	cr_assert_eq(n, 1);
	recovery_list_free(list, n);
	free(d);
	recovery_free(a);
}

Test(recovery, refuses_bad_ids_and_empty)
{
	struct recovery *rec = recovery_new(), *out;
	struct err e;

	cr_assert_eq(recovery_save("prof", rec, &e), -1);
	cr_assert_eq(e.code, ERR_USAGE);
	cr_assert_eq(recovery_load("prof", "../../etc/passwd", &out, &e), -1);
	cr_assert_eq(e.code, ERR_USAGE);
	cr_assert_eq(recovery_discard("prof", "a/b", &e), -1);
	/* A new item without a key is kept too. */
	rec->text = xstrdup("{}");
	cr_assert_eq(recovery_save("prof", rec, &e), 0, "%s", e.msg);
	cr_assert(strncmp(rec->id, "new-", 4) == 0);
	cr_assert_eq(recovery_load("prof", rec->id, &out, &e), 0, "%s", e.msg);
	cr_assert_null(out->key);
	cr_assert_str_eq(out->text, "{}");
	recovery_free(out);
	recovery_free(rec);
}

/* The partitions opened before (phist): most recent first, once each,
 * ids with any bytes, 0600 in 0700. */
Test(recovery, partition_history)
{
	char **ids, *path;
	size_t n;
	struct stat sb;
	struct err e;

	cr_assert_eq(phist_load("films", &ids, &n, &e), 0, "%s", e.msg);
	cr_assert_eq(n, 0);
	cr_assert_eq(phist_add("films", "studio-a", &e), 0, "%s", e.msg);
	cr_assert_eq(phist_add("films", "b#east\nline", &e), 0, "%s", e.msg);
	cr_assert_eq(phist_add("films", "studio-a", &e), 0, "%s", e.msg);
	cr_assert_eq(phist_add("other/..", "x", &e), 0, "%s", e.msg);
	cr_assert_eq(phist_load("films", &ids, &n, &e), 0, "%s", e.msg);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(ids[0], "studio-a");
	cr_assert_str_eq(ids[1], "b#east\nline");
	phist_free(ids, n);

	path = xasprintf("%s/dynrepo/partitions/films", dir);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(sb.st_mode & 07777, 0600);
	free(path);
	path = xasprintf("%s/dynrepo/partitions", dir);
	cr_assert_eq(stat(path, &sb), 0);
	cr_assert_eq(sb.st_mode & 07777, 0700);
	free(path);

	/* At most PHIST_MAX, the oldest dropped. */
	for (n = 0; n < PHIST_MAX + 5; n++) {
		char id[16];

		snprintf(id, sizeof id, "p%zu", n);
		cr_assert_eq(phist_add("many", id, &e), 0, "%s", e.msg);
	}
	cr_assert_eq(phist_load("many", &ids, &n, &e), 0, "%s", e.msg);
	cr_assert_eq(n, PHIST_MAX);
	cr_assert_str_eq(ids[0], "p104");
	cr_assert_str_eq(ids[PHIST_MAX - 1], "p5");
	phist_free(ids, n);
}
