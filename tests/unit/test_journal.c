/* SPDX-License-Identifier: ISC */
/* The journal: lines, modes, reading back, grouping; undo over the
 * embedded store. */
#include "config.h"

#include <criterion/criterion.h>
#include <sys/resource.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "ddbjson.h"
#include "journal.h"
#include "local_table.h"
#include "recovery.h"
#include "repo.h"
#include "repo_private.h"
#include "statedir.h"
#include "store_local.h"
#include "undo.h"
#include "worker.h"
#include "xmalloc.h"

static char dir[64];
static char *jpath;

static void
setup(void)
{
	strcpy(dir, "/tmp/dynrepo-journal.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	jpath = xasprintf("%s/state/dynrepo/journal.jsonl", dir);
}

static void
teardown(void)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	cr_assert_eq(system(cmd), 0);
	free(cmd);
	free(jpath);
}

TestSuite(journal, .init = setup, .fini = teardown);

/* A fixed clock. */
static void
fixed_now(void *ctx, struct timespec *ts)
{
	(void)ctx;
	ts->tv_sec = 1764062043;
	ts->tv_nsec = 512345000;
}

static const struct clock_ops fixed_clock = { .now = fixed_now };

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

/* The whole file. */
static char *
slurp(const char *path)
{
	char *text;
	size_t len;
	struct err e;

	cr_assert_eq(statedir_read_file(path, &text, &len, &e), 0, "%s",
	    e.msg);
	return text;
}

Test(journal, one_entry_byte_exact_private_file)
{
	struct journal *j = journal_new(jpath, &fixed_clock);
	struct value *k = J("{'pk':{'S':'a'},'sk':{'S':'b'}}");
	struct value *b = J("{'pk':{'S':'a'},'sk':{'S':'b'},'n':{'N':'1.50'}}");
	struct value *a = J("{'pk':{'S':'a'},'sk':{'S':'b'},"
	    "'s':{'SS':['y','x']}}");
	struct stat st;
	struct err e;
	char *text, *d;

	cr_assert_eq(journal_ready(j, &e), 0, "%s", e.msg);
	journal_start(j, "put");
	journal_add(j, "prof", "tbl", k, b, a);
	cr_assert_eq(journal_flush(j, &e), 0, "%s", e.msg);
	text = slurp(jpath);
	cr_assert(strstr(text, "{\"time\":\"2025-11-25T09:14:03.512345+00:00\""
	    ",\"id\":\"1764062043512345-") == text, "%s", text);
	cr_assert_not_null(strstr(text, ",\"seq\":0,\"operation\":\"put\","
	    "\"profile\":\"prof\",\"table\":\"tbl\",\"key\":{\"pk\":{\"S\":"
	    "\"a\"},\"sk\":{\"S\":\"b\"}},\"before\":{\"pk\":{\"S\":\"a\"},"
	    "\"sk\":{\"S\":\"b\"},\"n\":{\"N\":\"1.50\"}},\"after\":{\"pk\":"
	    "{\"S\":\"a\"},\"sk\":{\"S\":\"b\"},\"s\":{\"SS\":[\"y\",\"x\"]}}}"
	    "\n"), "%s", text);
	cr_assert_eq(stat(jpath, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	d = xasprintf("%s/state/dynrepo", dir);
	cr_assert_eq(stat(d, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0700);
	free(d);
	free(text);
	value_free(k);
	value_free(b);
	value_free(a);
	journal_free(j);
}

/* The lines of one write repeat its id and operation, each with its own
 * seq, profile and table, in the same bytes as a lone line. */
Test(journal, lines_of_one_write_name_their_profile_and_table)
{
	struct journal *j = journal_new(jpath, &fixed_clock);
	struct value *k = J("{'pk':{'S':'a'},'sk':{'S':'b'}}");
	static const char *const want[] = {
		",\"seq\":0,\"operation\":\"put-batch\",\"profile\":\"p\","
		    "\"table\":\"t\",\"key\":",
		",\"seq\":1,\"operation\":\"put-batch\",\"profile\":\"q\","
		    "\"table\":\"t\",\"key\":",
		",\"seq\":2,\"operation\":\"put-batch\",\"profile\":\"q\","
		    "\"table\":\"t\\\"2\",\"key\":",
		",\"seq\":3,\"operation\":\"put-batch\",\"profile\":\"p\","
		    "\"table\":\"t\",\"key\":",
		/* The end line: the last line's profile and table, the
		 * write's count. */
		",\"v\":2,\"operation\":\"put-batch\",\"profile\":\"p\","
		    "\"table\":\"t\",\"end\":4}",
	};
	char *text, *line, *next;
	const char *id;
	size_t i, idlen = 0;
	struct err e;

	journal_group_begin(j, "put-batch");
	journal_start(j, "put-batch");
	journal_add(j, "p", "t", k, NULL, k);
	journal_add(j, "q", "t", k, NULL, k);
	journal_add(j, "q", "t\"2", k, NULL, k);
	journal_add(j, "p", "t", k, NULL, k);
	cr_assert_eq(journal_flush(j, &e), 0, "%s", e.msg);
	cr_assert_eq(journal_group_end(j, &e), 0, "%s", e.msg);
	text = slurp(jpath);
	for (i = 0, line = text; i < 5; i++, line = next + 1) {
		next = strchr(line, '\n');
		cr_assert_not_null(next);
		*next = '\0';
		id = strstr(line, ",\"id\":\"");
		cr_assert_not_null(id, "%s", line);
		if (i == 0)
			idlen = strcspn(id + 7, "\"");
		/* Every line: the first line's id, then its own parts. */
		cr_assert(strncmp(id, strstr(text, ",\"id\":\""), idlen + 7)
		    == 0, "%s", line);
		cr_assert_not_null(strstr(line, ",\"v\":2,"), "%s", line);
		cr_assert_not_null(strstr(line, want[i]), "line %zu: %s", i,
		    line);
	}
	/* Then nothing: the end line is the group's last. */
	cr_assert_eq(*line, '\0');
	free(text);
	value_free(k);
	journal_free(j);
}

/* A batch's entries reach the file with each append, and the disk every
 * journal_sync_every bytes and at its end, not with each append. */
Test(journal, append_writes_each_time_syncs_every_few_bytes)
{
	struct journal *j = journal_new(jpath, &fixed_clock);
	struct value *k = J("{'pk':{'S':'a'},'sk':{'S':'b'}}");
	struct stat st;
	off_t size = 0, unsynced = 0;
	size_t syncs = 0;
	struct err e;
	int i;

	cr_assert_eq(journal_ready(j, &e), 0, "%s", e.msg);
	journal_sync_every(j, 1000);
	journal_group_begin(j, "put-batch");
	for (i = 0; i < 29; i++) {
		journal_add(j, "prof", "tbl", k, NULL, k);
		cr_assert_eq(journal_append(j, &e), 0, "%s", e.msg);
		cr_assert_eq(stat(jpath, &st), 0);
		cr_assert_gt(st.st_size, size, "entry %d not written", i);
		/* An entry is ~150 bytes: a sync every seventh append. */
		unsynced += st.st_size - size;
		if (unsynced >= 1000) {
			syncs++;
			unsynced = 0;
		}
		cr_assert_eq(journal_syncs(j), syncs, "after %d: %zu syncs "
		    "for %lld bytes", i, journal_syncs(j),
		    (long long)st.st_size);
		size = st.st_size;
	}
	cr_assert(syncs >= 3 && syncs <= 6, "%zu", syncs);
	/* The end syncs what is left, once. */
	cr_assert_gt(unsynced, 0, "the last append synced");
	cr_assert_eq(journal_flush(j, &e), 0, "%s", e.msg);
	cr_assert_eq(journal_syncs(j), syncs + 1);
	cr_assert_eq(journal_flush(j, &e), 0, "%s", e.msg);
	cr_assert_eq(journal_syncs(j), syncs + 1);
	/* The group's end line: one more write and sync. */
	size = st.st_size;
	cr_assert_eq(journal_group_end(j, &e), 0, "%s", e.msg);
	cr_assert_eq(journal_syncs(j), syncs + 2);
	cr_assert_eq(stat(jpath, &st), 0);
	cr_assert_gt(st.st_size, size);
	/* A single write is synced at once, its end line with it. */
	journal_start(j, "put");
	journal_add(j, "prof", "tbl", k, NULL, k);
	cr_assert_eq(journal_end(j, &e), 0, "%s", e.msg);
	cr_assert_eq(journal_syncs(j), syncs + 3);
	cr_assert_eq(journal_end(j, &e), 0, "%s", e.msg);
	cr_assert_eq(journal_syncs(j), syncs + 3, "ended twice");
	value_free(k);
	journal_free(j);
}

/* A flush whose write fails still syncs what earlier appends wrote. */
Test(journal, failed_flush_still_syncs_what_was_appended)
{
	struct journal *j = journal_new(jpath, &fixed_clock);
	struct value *k = J("{'pk':{'S':'a'},'sk':{'S':'b'}}");
	struct rlimit rl, old;
	struct journal_write *w;
	struct stat sb, sb2;
	size_t n = 1;
	struct err e;

	cr_assert_eq(journal_ready(j, &e), 0, "%s", e.msg);
	journal_group_begin(j, "put-batch");
	journal_add(j, "p", "t", k, NULL, k);
	cr_assert_eq(journal_append(j, &e), 0, "%s", e.msg);
	cr_assert_eq(journal_syncs(j), 0);
	/* No room for the next entry. */
	cr_assert_eq(stat(jpath, &sb), 0);
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	rl = old;
	rl.rlim_cur = (rlim_t)sb.st_size;
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	journal_add(j, "p", "t", k, k, k);
	cr_assert_eq(journal_flush(j, &e), -1);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	cr_assert_eq(e.code, ERR_IO);
	cr_assert_not_null(strstr(e.msg, "cannot append"), "%s", e.msg);
	cr_assert_eq(journal_syncs(j), 1, "the first entry was not synced");
	/* A line of the write is lost: its end is not written. */
	cr_assert_eq(journal_group_end(j, &e), 0);
	cr_assert_eq(stat(jpath, &sb2), 0);
	cr_assert_eq(sb2.st_size, sb.st_size, "an end line after a loss");
	cr_assert_eq(journal_last_writes(jpath, "p", "t", &w, &n, &e), 0);
	cr_assert_eq(n, 1);
	cr_assert(w[0].unfinished);
	cr_assert_not(w[0].complete);
	journal_writes_free(w, n);
	value_free(k);
	journal_free(j);
}

Test(journal, modes_tightened_and_default_path)
{
	char *d = xasprintf("%s/state/dynrepo", dir), *state;
	struct journal *j;
	struct stat st;
	struct err e;
	FILE *fp;

	cr_assert_eq(statedir_mkdir(d, &e), 0, "%s", e.msg);
	cr_assert_eq(chmod(d, 0755), 0);
	fp = fopen(jpath, "w");
	cr_assert_not_null(fp);
	fclose(fp);
	cr_assert_eq(chmod(jpath, 0644), 0);
	state = xasprintf("%s/state", dir);
	setenv("XDG_STATE_HOME", state, 1);
	j = journal_new(NULL, NULL);
	cr_assert_str_eq(journal_path(j), jpath);
	cr_assert_eq(journal_ready(j, &e), 0, "%s", e.msg);
	cr_assert_eq(stat(jpath, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0600);
	cr_assert_eq(stat(d, &st), 0);
	cr_assert_eq(st.st_mode & 0777, 0700);
	journal_free(j);
	/* A relative XDG_STATE_HOME is ignored, as the spec says. */
	setenv("XDG_STATE_HOME", "relative", 1);
	setenv("HOME", "/home/someone", 1);
	j = journal_new(NULL, NULL);
	cr_assert_str_eq(journal_path(j),
	    "/home/someone/.local/state/dynrepo/journal.jsonl");
	journal_free(j);
	free(state);
	free(d);
}

Test(journal, refuses_when_it_cannot_write)
{
	char *p = xasprintf("%s/file", dir), *bad;
	struct journal *j;
	struct err e;
	FILE *fp = fopen(p, "w");

	cr_assert_not_null(fp);
	fclose(fp);
	/* A directory where a file is: the journal cannot be made. */
	bad = xasprintf("%s/file/journal.jsonl", dir);
	j = journal_new(bad, NULL);
	cr_assert_eq(journal_ready(j, &e), -1);
	cr_assert_eq(e.code, ERR_IO);
	journal_free(j);
	free(bad);
	free(p);
}

/* Collects lines read back. */
struct lines {
	char	*v[64];
	size_t	 n;
};

static int
collect(void *ctx, const char *line, size_t len)
{
	struct lines *l = ctx;

	cr_assert_lt(l->n, 64);
	l->v[l->n++] = xstrndup(line, len);
	return 0;
}

Test(journal, read_back_across_blocks)
{
	struct lines l = { .n = 0 };
	struct buf b = BUF_INIT;
	struct err e;
	size_t i, k;
	FILE *fp;

	/* Lines longer than a block, short ones, no final newline. */
	cr_assert_eq(statedir_mkdir(dir, &e), 0);
	fp = fopen(jpath + 0, "w");
	if (fp == NULL) {
		char *d = xasprintf("%s/state/dynrepo", dir);

		cr_assert_eq(statedir_mkdir(d, &e), 0);
		free(d);
		fp = fopen(jpath, "w");
	}
	cr_assert_not_null(fp);
	for (i = 0; i < 5; i++) {
		buf_reset(&b);
		buf_printf(&b, "L%zu:", i);
		for (k = 0; k < (i % 2 ? 100000 : 10); k++)
			buf_addc(&b, (char)('a' + i));
		fprintf(fp, "%s%s", buf_cstr(&b), i < 4 ? "\n" : "");
	}
	fclose(fp);
	cr_assert_eq(journal_read_back(jpath, collect, &l, &e), 0);
	cr_assert_eq(l.n, 5);
	for (i = 0; i < 5; i++) {
		char head[8];

		snprintf(head, sizeof head, "L%zu:", 4 - i);
		cr_assert(strncmp(l.v[i], head, strlen(head)) == 0, "%zu", i);
		cr_assert_eq(strlen(l.v[i]), strlen(head) + ((4 - i) % 2 ?
		    100000 : 10));
		free(l.v[i]);
	}
	buf_cleanup(&b);
	/* No file: no lines, no error. */
	l.n = 0;
	cr_assert_eq(journal_read_back("/nonexistent/j", collect, &l, &e), 0);
	cr_assert_eq(l.n, 0);
}

Test(journal, last_writes_groups_and_filters)
{
	struct journal *j = journal_new(jpath, NULL);
	struct value *k1 = J("{'pk':{'S':'a'},'sk':{'S':'1'}}");
	struct value *k2 = J("{'pk':{'S':'a'},'sk':{'S':'2'}}");
	struct journal_write *w;
	size_t n;
	struct err e;

	/* Write 1: a group of three entries flushed in two pieces, with a
	 * write of another profile in between. */
	journal_group_begin(j, "put-batch");
	journal_start(j, "put-batch");
	journal_add(j, "p", "t", k1, NULL, k1);
	journal_add(j, "p", "t", k2, NULL, k2);
	cr_assert_eq(journal_flush(j, &e), 0);
	cr_assert_eq(journal_group_end(j, &e), 0);
	journal_start(j, "put");
	journal_add(j, "other", "t", k1, NULL, k1);
	cr_assert_eq(journal_flush(j, &e), 0);
	/* Write 2: one update of another table, write 3: a delete. */
	journal_start(j, "update");
	journal_add(j, "p", "t2", k1, k1, k1);
	journal_start(j, "delete");
	journal_add(j, "p", "t", k2, k2, NULL);
	cr_assert_eq(journal_flush(j, &e), 0);
	/* A line that is not an entry is skipped. */
	{
		FILE *fp = fopen(jpath, "a");

		fputs("garbage\n", fp);
		fclose(fp);
	}

	n = 5;
	cr_assert_eq(journal_last_writes(jpath, "p", "t", &w, &n, &e), 0);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(w[0].entries[0]->operation, "delete");
	cr_assert_eq(w[0].n, 1);
	cr_assert_null(w[0].entries[0]->after);
	cr_assert_not_null(w[0].entries[0]->before);
	cr_assert_str_eq(w[1].entries[0]->operation, "put-batch");
	cr_assert_eq(w[1].n, 2);
	cr_assert_eq(w[1].entries[0]->seq, 0);
	cr_assert_eq(w[1].entries[1]->seq, 1);
	cr_assert(value_equal(w[1].entries[1]->key, k2));
	cr_assert_null(w[1].entries[0]->before);
	journal_writes_free(w, n);

	n = 1;
	cr_assert_eq(journal_last_writes(jpath, "p", "t2", &w, &n, &e), 0);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(w[0].entries[0]->operation, "update");
	journal_writes_free(w, n);
	value_free(k1);
	value_free(k2);
	journal_free(j);
}

Test(journal, escape_names)
{
	char *s = statedir_escape("a/b..c é");
	char *u = statedir_unescape(s);

	cr_assert_str_eq(s, "a%2Fb..c%20%C3%A9");
	cr_assert_str_eq(u, "a/b..c é");
	free(s);
	free(u);
	s = statedir_escape("..");
	cr_assert_str_eq(s, "%2E.");
	free(s);
}

/* ---- undo over the embedded store ---------------------------------------- */

static struct store *st;
static struct repo *r;
static struct journal *jr;

/* A repository on a fresh embedded store with a journal. */
static void
open_repo(bool read_only)
{
	char *db = xasprintf("%s/db", dir);
	struct repo_config rc;
	struct err e;

	st = store_local_open(db, &e);
	cr_assert_not_null(st, "%s", e.msg);
	/* Opened again on the same file: the table may be there. */
	(void)local_table_create(st, &e);
	jr = journal_new(jpath, NULL);
	memset(&rc, 0, sizeof rc);
	rc.table = "tbl";
	rc.partition_prefix = "content";
	rc.partition_name = "x";
	rc.content_type = "c";
	rc.name = "prof";
	rc.read_only = read_only;
	rc.journal = jr;
	r = repo_new(&rc, st, NULL);
	free(db);
}

static void
close_repo(void)
{
	repo_free(r);
	journal_free(jr);
	store_free(st);
}

/* close_repo, after freeing the n contents of cs. */
static void
close_repo_freeing(struct content **cs, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		content_free(cs[i]);
	close_repo();
}

/* A content with content id cid and field name. */
static struct content *
mk(const char *cid, const char *name)
{
	struct content *c = content_new();

	ids_parse(&c->partition_ids, "p");
	ids_parse(&c->content_ids, cid);
	c->item = value_new_m();
	value_map_set(c->item, "name", value_new_str(name));
	c->current_version = 1;
	return c;
}

/* The stored name of cid, or NULL (caller frees). */
static char *
name_of(const char *cid)
{
	struct content *c;
	struct ids p, k;
	struct err e;
	char *out = NULL;

	ids_parse(&p, "p");
	ids_parse(&k, cid);
	cr_assert_eq(repo_get(r, &p, &k, &c, &e), 0, "%s", e.msg);
	if (c != NULL) {
		out = xstrdup(value_map_get(c->item, "name")->u.str.ptr);
		content_free(c);
	}
	ids_cleanup(&p);
	ids_cleanup(&k);
	return out;
}

/*
 * A batch delete of a key whose item is gone by the time its before-image
 * is read (deleted by someone else after the prefix was listed) changed
 * nothing: no entry, as an entry with neither image would have undo
 * "re-create" it with a guarded delete, or refuse every write on it.
 */
Test(journal, batch_delete_of_a_gone_item_makes_no_entry)
{
	struct content *c1 = mk("a", "one");
	struct journal_write *w;
	struct repo_wave *wave;
	struct write_request wr = { .is_delete = true };
	struct content *got;
	struct ids p, k;
	struct err e;
	size_t n = 1;

	open_repo(false);
	cr_assert_eq(repo_put(r, c1, &e), 0, "%s", e.msg);
	ids_parse(&p, "p");
	ids_parse(&k, "a");
	cr_assert_eq(repo_get(r, &p, &k, &got, &e), 0, "%s", e.msg);
	cr_assert_eq(repo_journal_start(r, "delete", &e), 0, "%s", e.msg);
	wave = repo_wave_new(r);
	wr.value = repo_key_of(r, got->stored);
	cr_assert_eq(repo_wave_add(wave, wr, &e), 0, "%s", e.msg);
	/* The same key but for its content id: no such item. */
	wr.value = repo_key_of(r, got->stored);
	value_map_set(wr.value, "_table_content_id", value_new_str("c#gone"));
	cr_assert_eq(repo_wave_add(wave, wr, &e), 0, "%s", e.msg);
	cr_assert_eq(repo_journal_finish(r, repo_wave_flush(wave, &e), &e),
	    0, "%s", e.msg);
	repo_wave_free(wave);
	cr_assert_eq(journal_last_writes(jpath, "prof", "tbl", &w, &n, &e), 0,
	    "%s", e.msg);
	cr_assert_eq(n, 1);
	cr_assert_str_eq(w[0].entries[0]->operation, "delete");
	cr_assert_eq(w[0].n, 1, "%zu entries: the gone item has one", w[0].n);
	cr_assert_not_null(w[0].entries[0]->before);
	cr_assert(w[0].complete);
	journal_writes_free(w, n);
	content_free(got);
	ids_cleanup(&p);
	ids_cleanup(&k);
	close_repo_freeing(&c1, 1);
}

Test(journal, undo_put_update_and_redo)
{
	struct undo_options uo = { .count = 1 };
	struct content *c1 = mk("a", "one"), *c2 = mk("a", "two");
	struct update_command u;
	struct value *set = value_new_m();
	struct ids p, k;
	struct err e;
	char *n;

	open_repo(false);
	cr_assert_eq(repo_put(r, c1, &e), 0, "%s", e.msg);
	cr_assert_eq(repo_put(r, c2, &e), 0, "%s", e.msg);
	memset(&u, 0, sizeof u);
	value_map_set(set, "name", value_new_str("three"));
	u.set_commands = set;
	ids_parse(&p, "p");
	ids_parse(&k, "a");
	cr_assert_eq(repo_update(r, &p, &k, &u, true, &e), 0, "%s", e.msg);

	cr_assert_eq(undo_last(r, &uo, NULL, NULL, NULL, &e), 0, "%s", e.msg);
	cr_assert_str_eq((n = name_of("a")), "two");
	free(n);
	cr_assert_eq(undo_last(r, &uo, NULL, NULL, NULL, &e), 0, "%s", e.msg);
	cr_assert_str_eq((n = name_of("a")), "three", "undo of undo redoes");
	free(n);
	uo.count = 3;
	/* undo, undo (redo), update: the last three writes. */
	cr_assert_eq(undo_last(r, &uo, NULL, NULL, NULL, &e), 0, "%s", e.msg);
	cr_assert_str_eq((n = name_of("a")), "two");
	free(n);

	ids_cleanup(&p);
	ids_cleanup(&k);
	value_free(set);
	content_free(c1);
	content_free(c2);
	close_repo();
}

/* Someone else writes c, without the journal. */
static void
put_unjournaled(struct content *c)
{
	struct repo_config rc;
	struct repo *plain;
	struct err e;

	memset(&rc, 0, sizeof rc);
	rc.table = "tbl";
	rc.partition_prefix = "content";
	rc.partition_name = "x";
	rc.content_type = "c";
	plain = repo_new(&rc, st, NULL);
	cr_assert_eq(repo_put(plain, c, &e), 0, "%s", e.msg);
	repo_free(plain);
}

/* Records what undo reported. */
static enum undo_action seen[8];
static size_t nseen;

static size_t napplied;

static void
record(void *ctx, const struct journal_write *w, const struct undo_item *it,
    size_t n, bool applied)
{
	size_t i;

	(void)ctx;
	(void)w;
	for (i = 0; i < n && nseen < 8; i++)
		seen[nseen++] = it[i].action;
	napplied += applied;
}

Test(journal, undo_conflict_writes_nothing)
{
	struct undo_options uo = { .count = 1 };
	struct content *cs[2] = { mk("a", "A"), mk("b", "B") };
	struct content *other = mk("b", "theirs");
	struct err e;
	char *n;

	open_repo(false);
	cr_assert_eq(repo_put_batch(r, cs, 2, NULL, &e), 0, "%s", e.msg);
	/* Someone writes b without the journal. */
	put_unjournaled(other);

	nseen = 0;
	cr_assert_eq(undo_last(r, &uo, record, NULL, NULL, &e), -1);
	cr_assert_eq(e.code, ERR_CONFLICT);
	cr_assert_not_null(strstr(e.msg, "nothing was written"), "%s", e.msg);
	cr_assert_eq(nseen, 2);
	cr_assert_eq(seen[0], UNDO_CONFLICT);
	cr_assert_eq(seen[1], UNDO_DELETE);
	cr_assert_str_eq((n = name_of("a")), "A", "a was not deleted");
	free(n);
	cr_assert_str_eq((n = name_of("b")), "theirs");
	free(n);

	/* Dry run of a plan without conflicts writes nothing either. */
	uo.dry_run = true;
	cr_assert_eq(repo_delete(r, &cs[0]->partition_ids,
	    &cs[0]->content_ids, NULL, &e), 0, "%s", e.msg);
	nseen = 0;
	cr_assert_eq(undo_last(r, &uo, record, NULL, NULL, &e), 0, "%s", e.msg);
	cr_assert_eq(nseen, 1);
	cr_assert_eq(seen[0], UNDO_REPUT);
	cr_assert_null(name_of("a"));

	content_free(cs[0]);
	content_free(cs[1]);
	content_free(other);
	close_repo();
}

/* :undo 2 where the older write conflicts: the newer one could be undone,
 * but nothing is written at all, and the report says so. */
Test(journal, undo_n_refuses_all_on_any_conflict)
{
	struct undo_options uo = { .count = 2 };
	struct content *a = mk("a", "A"), *b = mk("b", "B");
	struct content *other = mk("a", "theirs");
	struct err e;
	char *n;

	open_repo(false);
	cr_assert_eq(repo_put(r, a, &e), 0, "%s", e.msg);
	cr_assert_eq(repo_put(r, b, &e), 0, "%s", e.msg);
	put_unjournaled(other);

	nseen = napplied = 0;
	cr_assert_eq(undo_last(r, &uo, record, NULL, NULL, &e), -1);
	cr_assert_eq(e.code, ERR_CONFLICT);
	cr_assert_not_null(strstr(e.msg, "nothing was written"), "%s", e.msg);
	cr_assert_not_null(strstr(e.msg, "newer writes"), "%s", e.msg);
	cr_assert_eq(nseen, 2, "both writes planned and reported");
	cr_assert_eq(seen[0], UNDO_DELETE);
	cr_assert_eq(seen[1], UNDO_CONFLICT);
	cr_assert_eq(napplied, 0);
	cr_assert_str_eq((n = name_of("b")), "B", "b was not deleted");
	free(n);
	cr_assert_str_eq((n = name_of("a")), "theirs");
	free(n);

	/* One write alone (the newer) is undone. */
	uo.count = 1;
	nseen = napplied = 0;
	cr_assert_eq(undo_last(r, &uo, record, NULL, NULL, &e), 0, "%s", e.msg);
	cr_assert_eq(napplied, 1);
	cr_assert_null(name_of("b"));
	content_free(a);
	content_free(b);
	content_free(other);
	close_repo();
}

/* undo --partial of the last write, a put that created gone1 and gone2
 * (journaled) and kept (not journaled): only the first two are deleted. */
static void
undo_partial_deletes(const char *gone1, const char *gone2, const char *kept)
{
	struct undo_options uo = { .count = 1, .partial = true };
	size_t restored;
	struct err e;
	char *name;

	cr_assert_eq(undo_last(r, &uo, NULL, NULL, &restored, &e), 0, "%s",
	    e.msg);
	cr_assert_eq(restored, 2);
	cr_assert_null(name_of(gone1));
	cr_assert_null(name_of(gone2));
	name = name_of(kept);
	cr_assert_not_null(name, "%s, not journaled, was deleted", kept);
	cr_assert_eq(strcasecmp(name, kept), 0, "%s is %s", kept, name);
	free(name);
}

/* A write whose lines are not all in the journal is not undone. */
Test(journal, undo_refuses_a_write_with_a_missing_line)
{
	struct undo_options uo = { .count = 1 };
	struct content *cs[3] = { mk("a", "A"), mk("b", "B"), mk("c", "C") };
	char *text, *second, *third;
	struct err e;
	FILE *fp;

	open_repo(false);
	cr_assert_eq(repo_put_batch(r, cs, 3, NULL, &e), 0, "%s", e.msg);
	/* Drop the write's second line. */
	text = slurp(jpath);
	second = strchr(text, '\n') + 1;
	third = strchr(second, '\n') + 1;
	memmove(second, third, strlen(third) + 1);
	fp = fopen(jpath, "w");
	fputs(text, fp);
	fclose(fp);
	cr_assert_eq(undo_last(r, &uo, NULL, NULL, NULL, &e), -1);
	cr_assert_eq(e.code, ERR_INPUT);
	cr_assert_not_null(strstr(e.msg, "only part of"), "%s", e.msg);
	cr_assert_not_null(strstr(e.msg, "a line is missing"), "%s", e.msg);
	cr_assert_not_null(strstr(e.msg, "--partial"), "%s", e.msg);
	second = name_of("a");
	cr_assert_not_null(second, "nothing was undone");
	free(second);
	/* Asked, it undoes what the journal holds: a and c, not b. */
	undo_partial_deletes("a", "c", "b");
	free(text);
	close_repo_freeing(cs, 3);
}

/* A write whose process stopped before its end (the last entry and the
 * end line never written, as after a kill -9) reads back unfinished: undo
 * refuses it, and undoes what the journal holds when asked. */
Test(journal, undo_refuses_an_unfinished_write)
{
	struct undo_options uo = { .count = 1 };
	struct content *cs[3] = { mk("a", "A"), mk("b", "B"), mk("c", "C") };
	struct journal_write *w;
	size_t n = 1;
	char *text, *cut, *s;
	struct err e;
	FILE *fp;

	open_repo(false);
	cr_assert_eq(repo_put_batch(r, cs, 3, NULL, &e), 0, "%s", e.msg);
	text = slurp(jpath);
	/* Three entries and the end line. */
	cut = strstr(text, "\"end\":3}\n");
	cr_assert_not_null(cut, "%s", text);
	cr_assert_eq(cut[strlen("\"end\":3}\n")], '\0', "%s", text);
	cr_assert_eq(journal_last_writes(jpath, "prof", "tbl", &w, &n, &e),
	    0);
	cr_assert_eq(n, 1);
	cr_assert(w[0].complete);
	cr_assert_not(w[0].unfinished);
	journal_writes_free(w, n);
	/* Cut the end line and the third entry. */
	*cut = '\0';
	cut = strrchr(text, '\n');
	cr_assert_not_null(cut);
	cut[1] = '\0';
	cut = strrchr(text, '\n');
	*cut = '\0';
	cut = strrchr(text, '\n');
	cut[1] = '\0';
	fp = fopen(jpath, "w");
	fputs(text, fp);
	fclose(fp);
	n = 1;
	cr_assert_eq(journal_last_writes(jpath, "prof", "tbl", &w, &n, &e),
	    0);
	cr_assert_eq(n, 1);
	cr_assert_eq(w[0].n, 2);
	cr_assert_not(w[0].complete, "two entries 0 and 1, no end: whole?");
	cr_assert(w[0].unfinished);
	journal_writes_free(w, n);
	cr_assert_eq(undo_last(r, &uo, NULL, NULL, NULL, &e), -1);
	cr_assert_eq(e.code, ERR_INPUT);
	cr_assert_not_null(strstr(e.msg, "did not finish"), "%s", e.msg);
	cr_assert_not_null(strstr(e.msg, "nothing was written"), "%s", e.msg);
	s = name_of("a");
	cr_assert_str_eq(s, "A", "a refused undo wrote");
	free(s);
	undo_partial_deletes("a", "b", "c");
	/* The partial undo is a write of its own, ended. */
	n = 1;
	cr_assert_eq(journal_last_writes(jpath, "prof", "tbl", &w, &n, &e),
	    0);
	cr_assert_str_eq(w[0].entries[0]->operation, "undo");
	cr_assert(w[0].complete);
	journal_writes_free(w, n);
	free(text);
	close_repo_freeing(cs, 3);
}

/* How the end line is read back: lines without "v" (older than end
 * lines) end without one; with it, the end line must be there and count
 * the entries; an item's own "end" attribute is no end line. */
Test(journal, end_lines_read_back)
{
	static const char *const lines[] = {
		/* old: complete without an end line */
		"{\"time\":\"T\",\"id\":\"old\",\"seq\":0,"
		    "\"operation\":\"put\",\"profile\":\"p\",\"table\":\"t\","
		    "\"key\":{\"pk\":{\"S\":\"a\"}}}",
		/* v2 with its end */
		"{\"time\":\"T\",\"id\":\"ended\",\"v\":2,\"seq\":0,"
		    "\"operation\":\"put\",\"profile\":\"p\",\"table\":\"t\","
		    "\"key\":{\"pk\":{\"S\":\"a\"}},\"after\":{\"pk\":"
		    "{\"S\":\"a\"},\"end\":{\"N\":\"1\"}}}",
		"{\"time\":\"T\",\"id\":\"ended\",\"v\":2,"
		    "\"operation\":\"put\",\"profile\":\"p\",\"table\":\"t\","
		    "\"end\":1}",
		/* v2, its end counting an entry that is not there */
		"{\"time\":\"T\",\"id\":\"short\",\"v\":2,\"seq\":0,"
		    "\"operation\":\"put\",\"profile\":\"p\",\"table\":\"t\","
		    "\"key\":{\"pk\":{\"S\":\"a\"}}}",
		"{\"time\":\"T\",\"id\":\"short\",\"v\":2,"
		    "\"operation\":\"put\",\"profile\":\"p\",\"table\":\"t\","
		    "\"end\":2}",
		/* v2 without an end */
		"{\"time\":\"T\",\"id\":\"open\",\"v\":2,\"seq\":0,"
		    "\"operation\":\"put\",\"profile\":\"p\",\"table\":\"t\","
		    "\"key\":{\"pk\":{\"S\":\"a\"}}}",
		/* an end line with nothing of its write left */
		"{\"time\":\"T\",\"id\":\"gone\",\"v\":2,"
		    "\"operation\":\"put\",\"profile\":\"p\",\"table\":\"t\","
		    "\"end\":1}",
	};
	static const struct {
		const char	*id;
		bool		 complete, unfinished;
	} want[] = {		/* newest first */
		{ "open", false, true },
		{ "short", false, false },
		{ "ended", true, false },
		{ "old", true, false },
	};
	struct journal_write *w;
	size_t n = 4, i;	/* the 4 writes: "gone" takes no place */
	struct err e;
	char *d = xasprintf("%s/state/dynrepo", dir);
	FILE *fp;

	cr_assert_eq(statedir_mkdir(d, &e), 0, "%s", e.msg);
	free(d);
	fp = fopen(jpath, "w");
	cr_assert_not_null(fp);
	for (i = 0; i < sizeof lines / sizeof lines[0]; i++)
		fprintf(fp, "%s\n", lines[i]);
	fclose(fp);
	cr_assert_eq(journal_last_writes(jpath, "p", "t", &w, &n, &e), 0);
	cr_assert_eq(n, 4, "%zu writes", n);
	for (i = 0; i < n; i++) {
		cr_assert_str_eq(w[i].entries[0]->id, want[i].id);
		cr_assert_eq(w[i].n, 1, "%s", want[i].id);
		cr_assert_eq(w[i].complete, want[i].complete, "%s",
		    want[i].id);
		cr_assert_eq(w[i].unfinished, want[i].unfinished, "%s",
		    want[i].id);
	}
	/* The item's "end" stays the item's. */
	cr_assert_not_null(value_map_get(w[2].entries[0]->after, "end"));
	journal_writes_free(w, n);
}

/* A dropped (refused) write gives its seq back: the next write of the
 * group goes on without a gap, and reads back complete. */
Test(journal, discard_keeps_seq_without_gaps)
{
	struct journal *j = journal_new(jpath, NULL);
	struct value *k1 = J("{'pk':{'S':'a'},'sk':{'S':'1'}}");
	struct journal_write *w;
	size_t n = 1;
	struct err e;

	journal_group_begin(j, "put");
	journal_start(j, "put");
	journal_add(j, "p", "t", k1, NULL, k1);
	cr_assert_eq(journal_flush(j, &e), 0);
	journal_add(j, "p", "t", k1, k1, k1);
	journal_discard(j);
	journal_add(j, "p", "t", k1, k1, NULL);
	cr_assert_eq(journal_flush(j, &e), 0);
	cr_assert_eq(journal_group_end(j, &e), 0);
	cr_assert_eq(journal_last_writes(jpath, "p", "t", &w, &n, &e), 0);
	cr_assert_eq(n, 1);
	cr_assert_eq(w[0].n, 2);
	cr_assert_eq(w[0].entries[1]->seq, 1);
	cr_assert(w[0].complete);
	journal_writes_free(w, n);
	value_free(k1);
	journal_free(j);
}

/* An append cut short (here by a file size limit, as a full disk would)
 * is cut off again: the next entry starts a line of its own. */
Test(journal, torn_append_is_cut_off)
{
	struct journal *j = journal_new(jpath, NULL);
	struct value *k1 = J("{'pk':{'S':'a'},'sk':{'S':'1'}}");
	struct rlimit rl, old;
	struct journal_write *w;
	struct stat sb;
	size_t n = 5;
	struct err e;
	char *text;

	journal_start(j, "put");
	journal_add(j, "p", "t", k1, NULL, k1);
	cr_assert_eq(journal_end(j, &e), 0);
	cr_assert_eq(stat(jpath, &sb), 0);
	/* Room for 40 more bytes: the next line is torn. */
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	rl = old;
	rl.rlim_cur = (rlim_t)sb.st_size + 40;
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);
	journal_start(j, "update");
	journal_add(j, "p", "t", k1, k1, k1);
	cr_assert_eq(journal_end(j, &e), -1);
	cr_assert_eq(e.code, ERR_IO);
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	journal_start(j, "delete");
	journal_add(j, "p", "t", k1, k1, NULL);
	cr_assert_eq(journal_end(j, &e), 0, "%s", e.msg);

	text = slurp(jpath);
	cr_assert_null(strstr(text, "\"update\""), "%s", text);
	free(text);
	cr_assert_eq(journal_last_writes(jpath, "p", "t", &w, &n, &e), 0);
	cr_assert_eq(n, 2, "both whole lines read back");
	cr_assert_str_eq(w[0].entries[0]->operation, "delete");
	cr_assert(w[0].complete);
	cr_assert(w[1].complete);
	journal_writes_free(w, n);
	value_free(k1);
	journal_free(j);
}

/* One whole write of one entry: key, before, after. */
static void
test_write_one(struct journal *j, const char *op, const struct value *key,
    const struct value *before, const struct value *after)
{
	struct err e;

	journal_start(j, op);
	journal_add(j, "p", "t", key, before, after);
	cr_assert_eq(journal_end(j, &e), 0, "%s", e.msg);
}

/* The operation of the only write of the journal, which is complete. */
static void
test_only_write(const char *op)
{
	struct journal_write *w;
	size_t n = 5;
	struct err e;

	cr_assert_eq(journal_last_writes(jpath, "p", "t", &w, &n, &e), 0,
	    "%s", e.msg);
	cr_assert_eq(n, 1, "one write, not %zu", n);
	cr_assert_str_eq(w[0].entries[0]->operation, op);
	cr_assert(w[0].complete);
	journal_writes_free(w, n);
}

/* The journal deleted while a process keeps it open (a browser left
 * running): its next write goes to the file the path names, made again,
 * not into the deleted one, and reads back; so does one after the file
 * was replaced. */
Test(journal, deleted_or_replaced_file_is_opened_again)
{
	struct journal *j = journal_new(jpath, NULL);
	struct value *k1 = J("{'pk':{'S':'a'},'sk':{'S':'1'}}");
	char *moved = xasprintf("%s.old", jpath);

	test_write_one(j, "put", k1, NULL, k1);
	cr_assert_eq(unlink(jpath), 0);
	test_write_one(j, "update", k1, k1, k1);
	test_only_write("update");
	/* Replaced by another file (moved aside, a new one made). */
	cr_assert_eq(rename(jpath, moved), 0);
	cr_assert_eq(close(open(jpath, O_WRONLY | O_CREAT, 0600)), 0);
	test_write_one(j, "delete", k1, k1, NULL);
	test_only_write("delete");
	free(moved);
	value_free(k1);
	journal_free(j);
}

/* A line another process left torn (killed in its append) does not take
 * the next entry down with it. */
Test(journal, torn_line_of_another_process_is_ended)
{
	struct journal *j = journal_new(jpath, NULL);
	struct value *k1 = J("{'pk':{'S':'a'},'sk':{'S':'1'}}");
	struct journal_write *w;
	size_t n = 5;
	struct err e;
	FILE *fp;

	journal_start(j, "put");
	journal_add(j, "p", "t", k1, NULL, k1);
	cr_assert_eq(journal_end(j, &e), 0);
	fp = fopen(jpath, "a");
	fputs("{\"time\":\"2026-11-25T09:14:03+00:00\",\"id\":\"x\",\"se", fp);
	fclose(fp);
	journal_start(j, "delete");
	journal_add(j, "p", "t", k1, k1, NULL);
	cr_assert_eq(journal_end(j, &e), 0, "%s", e.msg);
	cr_assert_eq(journal_last_writes(jpath, "p", "t", &w, &n, &e), 0);
	cr_assert_eq(n, 2);
	cr_assert_str_eq(w[0].entries[0]->operation, "delete");
	cr_assert(w[0].complete);
	cr_assert(w[1].complete);
	journal_writes_free(w, n);
	value_free(k1);
	journal_free(j);
}

Test(journal, undo_refused_read_only_and_empty)
{
	struct undo_options uo = { .count = 1 };
	struct err e;

	open_repo(false);
	cr_assert_eq(undo_last(r, &uo, NULL, NULL, NULL, &e), -1);
	cr_assert_eq(e.code, ERR_NOT_FOUND);
	close_repo();
	open_repo(true);
	cr_assert_eq(undo_last(r, &uo, NULL, NULL, NULL, &e), -1);
	cr_assert_eq(e.code, ERR_READ_ONLY);
	close_repo();
}

/* ---- the TUI's :undo through the worker ---------------------------------- */

/* Wait for the WE_DONE of job id. */
static struct worker_event *
wait_done(struct worker *w, unsigned long id)
{
	struct worker_event *ev;
	struct pollfd pfd = { .fd = worker_fd(w), .events = POLLIN };

	for (;;) {
		while ((ev = worker_next(w)) != NULL) {
			if (ev->type == WE_DONE && ev->job == id)
				return ev;
			worker_event_free(ev);
		}
		cr_assert_geq(poll(&pfd, 1, 10000), 1, "no event in 10 s");
	}
}

/* A worker with profile w (the embedded store of dir, its table made)
 * open, the state directory under dir. */
static struct worker *
worker_open(void)
{
	char *profiles = xasprintf("%s/profiles", dir), *ini, *state;
	struct worker_event *ev;
	struct worker_job *j;
	struct worker *w;
	struct err e;
	FILE *fp;

	cr_assert_eq(statedir_mkdir(profiles, &e), 0);
	ini = xasprintf("%s/t.ini", profiles);
	fp = fopen(ini, "w");
	cr_assert_not_null(fp);
	fprintf(fp, "[repository w]\ntable = tbl\nendpoint = local:%s/db\n"
	    "partition_prefix = content\npartition_name = x\n"
	    "content_type = c\n", dir);
	fclose(fp);
	state = xasprintf("%s/state", dir);
	setenv("XDG_STATE_HOME", state, 1);
	open_repo(false);	/* creates the table in the same file */
	close_repo();

	w = worker_new(&e);
	cr_assert_not_null(w, "%s", e.msg);
	j = worker_job_new(WJ_OPEN);
	j->profiles_dir = xstrdup(profiles);
	j->profile = xstrdup("w");
	ev = wait_done(w, worker_submit(w, j));
	cr_assert_eq(ev->rc, 0, "%s", ev->err.msg);
	worker_event_free(ev);
	free(state);
	free(ini);
	free(profiles);
	return w;
}

Test(journal, worker_undo_job)
{
	struct worker_job *j;
	struct worker_event *ev;
	struct worker *w = worker_open();
	unsigned long id;

	j = worker_job_new(WJ_PUT);
	j->item = mk("a", "saved");
	id = worker_submit(w, j);
	ev = wait_done(w, id);
	cr_assert_eq(ev->rc, 0, "%s", ev->err.msg);
	worker_event_free(ev);

	j = worker_job_new(WJ_UNDO);
	j->undo_dry_run = true;
	id = worker_submit(w, j);
	ev = wait_done(w, id);
	cr_assert_eq(ev->rc, 0, "%s", ev->err.msg);
	cr_assert_not_null(strstr(ev->undo_report, "undo put of "));
	cr_assert_not_null(strstr(ev->undo_report, "\ndelete content#x#p / "
	    "c#a\n"), "%s", ev->undo_report);
	worker_event_free(ev);

	j = worker_job_new(WJ_UNDO);
	id = worker_submit(w, j);
	ev = wait_done(w, id);
	cr_assert_eq(ev->rc, 0, "%s", ev->err.msg);
	worker_event_free(ev);
	j = worker_job_new(WJ_GET);
	ids_parse(&j->partition, "p");
	ids_parse(&j->content, "a");
	id = worker_submit(w, j);
	ev = wait_done(w, id);
	cr_assert_eq(ev->rc, 0, "%s", ev->err.msg);
	cr_assert_null(ev->item, "the put was undone");
	worker_event_free(ev);
	worker_free(w);
}

/*
 * A browser save that was written but whose journal entry could not be
 * appended (here a file size limit, as a full disk) is a save: rc 0, the
 * item read back, the recovery file gone, the failure said as a warning.
 * It was reported as not saved, its edit kept to be offered again.
 */
Test(journal, worker_save_written_but_not_journaled)
{
	struct worker *w = worker_open();
	char *path = xasprintf("%s/state/dynrepo/journal.jsonl", dir);
	struct recovery **list = NULL;
	struct worker_event *ev;
	struct worker_job *j;
	struct rlimit rl, old;
	struct stat sb;
	size_t n = 9, i;
	struct err e;
	FILE *fp;

	j = worker_job_new(WJ_PUT);
	j->item = mk("a", "first");
	ev = wait_done(w, worker_submit(w, j));
	cr_assert_eq(ev->rc, 0, "%s", ev->err.msg);
	worker_event_free(ev);
	/* The journal made larger than the store's files, so that a limit
	 * just past its end lets the store write and not the journal. */
	fp = fopen(path, "a");
	cr_assert_not_null(fp, "%s", path);
	for (i = 0; i < 100000; i++)
		fputs("{}\n", fp);
	cr_assert_eq(fclose(fp), 0);
	cr_assert_eq(stat(path, &sb), 0, "%s", path);
	signal(SIGXFSZ, SIG_IGN);
	cr_assert_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	rl = old;
	rl.rlim_cur = (rlim_t)sb.st_size + 40;
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &rl), 0);

	j = worker_job_new(WJ_PUT);
	j->item = mk("b", "second");
	j->guarded = true;
	j->recover = true;
	ev = wait_done(w, worker_submit(w, j));
	cr_assert_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	cr_expect_eq(ev->rc, 0, "%s", ev->err.msg);
	cr_assert_not_null(ev->warning);
	cr_expect_not_null(strstr(ev->warning, "written, but not journaled"),
	    "%s", ev->warning);
	cr_expect_not_null(ev->item, "the item read back");
	worker_event_free(ev);
	cr_assert_eq(recovery_list("w", &list, &n, NULL, &e), 0, "%s", e.msg);
	cr_expect_eq(n, 0, "%zu recovery files left", n);
	recovery_list_free(list, n);
	worker_free(w);
	free(path);
}
