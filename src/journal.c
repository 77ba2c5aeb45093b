/* SPDX-License-Identifier: ISC */
/* The local journal: every write the program makes, with before- and
 * after-images. */
#include "config.h"

#include "journal.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ddbjson.h"
#include "log.h"
#include "statedir.h"
#include "xmalloc.h"

#define JOURNAL_FILE	"journal.jsonl"
#define JOURNAL_BLOCK	65536
/* "v" of the lines written here: 2, the writes that end with an end
 * line (lines without "v" are older, and end without one). */
#define JOURNAL_VERSION	"2"
/* journal_append's fsync: once this many bytes were appended since the
 * last one. */
#define JOURNAL_SYNC_BYTES	(4u << 20)

struct journal {
	char			*path;		/* NULL until resolved */
	const struct clock_ops	*clock;
	int			 fd;
	char			*id;		/* the current write */
	long			 seq;		/* the next entry's */
	long			 seq_written;	/* seq after the last flush */
	char			*operation;
	bool			 grouped;
	/* A line of the current write was lost (an append failed): its
	 * end is not recorded, so undo sees the write as unfinished. */
	bool			 broken;
	bool			 ended;		/* its end line is written */
	unsigned		 counter;
	struct buf		 pending;	/* queued lines */
	/* What every line of the current write repeats, made once: head is
	 * ,"id":...,"v":2 and tail ,"operation":...,"table":... for the
	 * profile and table tail was made for (empty: to be made). */
	struct buf		 head, tail;
	char			*tail_profile, *tail_table;
	size_t			 unsynced;	/* bytes written, not synced */
	size_t			 sync_bytes;	/* journal_append syncs at */
	size_t			 syncs;		/* fsyncs made */
	/* Where our last whole append ended (with a newline), or -1. */
	off_t			 appended_to;
};

struct journal *
journal_new(const char *path, const struct clock_ops *clock)
{
	struct journal *j = xcalloc(1, sizeof *j);

	/* Resolved now for journal_path; journal_ready reports a failure. */
	j->path = path != NULL ? xstrdup(path) :
	    statedir_path(JOURNAL_FILE, NULL);
	j->clock = clock != NULL ? clock : clock_system();
	j->fd = -1;
	j->sync_bytes = JOURNAL_SYNC_BYTES;
	j->appended_to = -1;
	return j;
}

void
journal_free(struct journal *j)
{
	if (j == NULL)
		return;
	if (j->fd != -1)
		close(j->fd);
	free(j->path);
	free(j->id);
	free(j->operation);
	buf_cleanup(&j->pending);
	buf_cleanup(&j->head);
	buf_cleanup(&j->tail);
	free(j->tail_profile);
	free(j->tail_table);
	free(j);
}

const char *
journal_path(const struct journal *j)
{
	return j->path;
}

/* Whether the open file is still the one the path names: the man page
 * says to delete the journal to start over, and a process that kept
 * writing into the deleted file (a browser left open) would write
 * entries no undo can read. */
static bool
journal_same_file(const struct journal *j)
{
	struct stat named, open;

	return stat(j->path, &named) == 0 && fstat(j->fd, &open) == 0 &&
	    named.st_dev == open.st_dev && named.st_ino == open.st_ino;
}

int
journal_ready(struct journal *j, struct err *e)
{
	char *dir, *slash;
	int rc;

	if (j->fd != -1 && journal_same_file(j))
		return 0;
	if (j->fd != -1) {
		/* Deleted or replaced since: the file the path names now
		 * (made again when gone). */
		close(j->fd);
		j->fd = -1;
		j->appended_to = -1;
		j->unsynced = 0;
	}
	if (j->path == NULL && (j->path = statedir_path(JOURNAL_FILE, e)) ==
	    NULL) {
		err_prefix(e, "journal: ");
		return -1;
	}
	slash = strrchr(j->path, '/');
	if (slash != NULL && slash != j->path) {
		dir = xstrndup(j->path, (size_t)(slash - j->path));
		rc = statedir_mkdir(dir, e);
		free(dir);
		if (rc == -1) {
			err_prefix(e, "journal: ");
			return -1;
		}
	}
	/* Read too: journal_write looks at the last byte. */
	j->fd = open(j->path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (j->fd == -1)
		return err_set(e, ERR_IO, "journal: cannot open %s: %s "
		    "(nothing was written; DYNREPO_JOURNAL=off writes without "
		    "a journal)", j->path, strerror(errno));
	/* A file an older run or another umask left readable is made
	 * private before anything more goes into it. */
	if (fchmod(j->fd, 0600) == -1) {
		err_set(e, ERR_IO, "journal: cannot make %s private: %s",
		    j->path, strerror(errno));
		close(j->fd);
		j->fd = -1;
		return -1;
	}
	return 0;
}

/* A new id: start time in microseconds, process, counter. */
static void
journal_new_id(struct journal *j, const char *operation)
{
	struct timespec now;

	j->clock->now(j->clock->ctx, &now);
	free(j->id);
	free(j->operation);
	j->id = xasprintf("%lld%06ld-%ld-%u", (long long)now.tv_sec,
	    now.tv_nsec / 1000, (long)getpid(), ++j->counter);
	j->operation = xstrdup(operation);
	j->seq = j->seq_written = 0;
	j->broken = j->ended = false;
	buf_reset(&j->head);
	buf_reset(&j->tail);
}

void
journal_group_begin(struct journal *j, const char *operation)
{
	journal_new_id(j, operation);
	j->grouped = true;
}

int
journal_group_end(struct journal *j, struct err *e)
{
	j->grouped = false;
	return journal_end(j, e);
}

void
journal_start(struct journal *j, const char *operation)
{
	if (!j->grouped || j->id == NULL)
		journal_new_id(j, operation);
}

/* ,"name":"string" */
static void
journal_add_string(struct buf *b, const char *name, const char *s)
{
	buf_adds(b, ",\"");
	buf_adds(b, name);
	buf_adds(b, "\":");
	buf_add_json_string(b, s, strlen(s));
}

/* ,"name": and the image, when there is one. */
static void
journal_add_one(struct buf *b, const char *name,
    const struct journal_image *im)
{
	if (im->text == NULL && im->value == NULL)
		return;
	buf_adds(b, ",\"");
	buf_adds(b, name);
	buf_adds(b, "\":");
	if (im->text != NULL)
		buf_add(b, im->text, im->len);
	else
		ddbjson_emit_item(b, im->value);
}

/* Make what the lines of the current write repeat (j->head, j->tail)
 * when it is not made, or was made for another profile or table. */
static void
journal_line_parts(struct journal *j, const char *profile, const char *table)
{
	if (j->head.len == 0) {
		journal_add_string(&j->head, "id", j->id);
		buf_adds(&j->head, ",\"v\":" JOURNAL_VERSION);
	}
	if (j->tail.len > 0 && strcmp(j->tail_profile, profile) == 0 &&
	    strcmp(j->tail_table, table) == 0)
		return;
	free(j->tail_profile);
	free(j->tail_table);
	j->tail_profile = xstrdup(profile);
	j->tail_table = xstrdup(table);
	buf_reset(&j->tail);
	journal_add_string(&j->tail, "operation", j->operation);
	journal_add_string(&j->tail, "profile", profile);
	journal_add_string(&j->tail, "table", table);
}

/* {"time":"...", and the head: how every line begins. */
static void
journal_line_start(struct journal *j, struct buf *b)
{
	struct timespec now;
	char iso[40];

	j->clock->now(j->clock->ctx, &now);
	clock_format_iso(&now, iso);
	/* The time is digits and -T:.+ only: nothing to escape. */
	buf_adds(b, "{\"time\":\"");
	buf_adds(b, iso);
	buf_addc(b, '"');
	buf_add(b, j->head.data, j->head.len);
}

void
journal_add_image(struct journal *j, const char *profile, const char *table,
    const struct value *key, const struct journal_image *before,
    const struct journal_image *after)
{
	struct buf *b = &j->pending;

	if (j->id == NULL)
		journal_new_id(j, "write");
	journal_line_parts(j, profile, table);
	journal_line_start(j, b);
	buf_adds(b, ",\"seq\":");
	buf_add_int(b, j->seq++);
	buf_add(b, j->tail.data, j->tail.len);
	buf_adds(b, ",\"key\":");
	ddbjson_emit_item(b, key);
	journal_add_one(b, "before", before);
	journal_add_one(b, "after", after);
	buf_adds(b, "}\n");
}

void
journal_add(struct journal *j, const char *profile, const char *table,
    const struct value *key, const struct value *before,
    const struct value *after)
{
	const struct journal_image b = { before, NULL, 0 };
	const struct journal_image a = { after, NULL, 0 };

	journal_add_image(j, profile, table, key, &b, &a);
}

/* Forget the queued entries and give back the seq they took, so the
 * lines of one write stay numbered without gaps. */
static void
journal_drop_pending(struct journal *j)
{
	buf_reset(&j->pending);
	j->seq = j->seq_written;
}

/* Cut off the `wrote` bytes of a failed append that began at `end`,
 * unless another process appended since (its lines are not ours). */
static void
journal_cut(struct journal *j, off_t end, size_t wrote)
{
	struct stat st;

	if (wrote == 0 || end == (off_t)-1 || fstat(j->fd, &st) == -1 ||
	    st.st_size != end + (off_t)wrote)
		return;
	if (ftruncate(j->fd, end) == -1)
		LOG_DEBUG("cannot cut the torn line off %s: %s", j->path,
		    strerror(errno));
}

/* A line left without its newline (a process killed in the middle of
 * its append, on any machine sharing the file) is ended first, so that
 * our first entry is a line of its own: the torn one stays unreadable,
 * and its write is read back as incomplete, not this one. */
static void
journal_end_line(struct journal *j, off_t end)
{
	char last;

	if (end <= 0 || pread(j->fd, &last, 1, end - 1) != 1 ||
	    last == '\n')
		return;
	if (write(j->fd, "\n", 1) != 1)
		LOG_DEBUG("cannot end the torn line of %s: %s", j->path,
		    strerror(errno));
}

/* Write the queued entries with one write(2). */
static int
journal_write(struct journal *j, struct err *e)
{
	const char *p = j->pending.data;
	size_t left = j->pending.len;
	off_t end;
	int saved;

	if (left == 0)
		return 0;
	if (journal_ready(j, e) == -1) {
		journal_drop_pending(j);
		j->broken = true;
		return -1;
	}
	/* Where the file ends now: a write cut short (a full disk) is cut
	 * off again, so that no torn line is left for the next entry to be
	 * glued onto. */
	end = lseek(j->fd, 0, SEEK_END);
	/* Unless the file ends where our last append did: reading its last
	 * byte made the file's atime be written back each time. */
	if (end != j->appended_to) {
		journal_end_line(j, end);
		end = lseek(j->fd, 0, SEEK_END);
	}
	while (left > 0) {
		ssize_t n = write(j->fd, p, left);

		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			saved = errno;
			journal_cut(j, end, j->pending.len - left);
			journal_drop_pending(j);
			j->broken = true;
			return err_set(e, ERR_IO, "journal: cannot append to "
			    "%s: %s", j->path, strerror(saved));
		}
		p += n;
		left -= (size_t)n;
	}
	j->unsynced += j->pending.len;
	/* Too low if another process appended between the lseek and the
	 * write: then the next append looks at the last byte, as it would
	 * have anyway. */
	j->appended_to = end == (off_t)-1 ? -1 : end + (off_t)j->pending.len;
	buf_reset(&j->pending);
	j->seq_written = j->seq;
	return 0;
}

/* Force what was written to the disk. */
static int
journal_sync(struct journal *j, struct err *e)
{
	if (j->unsynced == 0)
		return 0;
	if (fsync(j->fd) == -1)
		return err_set(e, ERR_IO, "journal: cannot sync %s: %s",
		    j->path, strerror(errno));
	j->unsynced = 0;
	j->syncs++;
	return 0;
}

int
journal_flush(struct journal *j, struct err *e)
{
	int rc = journal_write(j, e);

	/* What earlier appends wrote is synced even when this write
	 * failed (the first error is the one reported). */
	if (journal_sync(j, rc == 0 ? e : NULL) == -1)
		rc = -1;
	return rc;
}

int
journal_end(struct journal *j, struct err *e)
{
	/* The end line closes a write with lines in it, none of them lost:
	 * "seq" of them. */
	if (!j->grouped && j->id != NULL && j->seq > 0 && !j->broken &&
	    !j->ended) {
		journal_line_start(j, &j->pending);
		buf_add(&j->pending, j->tail.data, j->tail.len);
		buf_adds(&j->pending, ",\"end\":");
		buf_add_int(&j->pending, j->seq);
		buf_adds(&j->pending, "}\n");
		if (journal_flush(j, e) == -1)
			return -1;
		j->ended = true;
		return 0;
	}
	return journal_flush(j, e);
}

int
journal_append(struct journal *j, struct err *e)
{
	if (journal_write(j, e) == -1)
		return -1;
	return j->unsynced >= j->sync_bytes ? journal_sync(j, e) : 0;
}

void
journal_sync_every(struct journal *j, size_t bytes)
{
	j->sync_bytes = bytes;
}

size_t
journal_syncs(const struct journal *j)
{
	return j->syncs;
}

void
journal_discard(struct journal *j)
{
	journal_drop_pending(j);
}

/* ---- reading ----------------------------------------------------------- */

static const char *const journal_items[] = { "key", "before", "after", NULL };

/* A member that is a number: its value, else dflt. */
static long
journal_member_long(const struct value *tree, const char *name, long dflt)
{
	const struct value *v = value_map_get(tree, name);

	if (v == NULL || v->type != VT_N)
		return dflt;
	return strtol(v->u.str.ptr, NULL, 10);
}

struct journal_entry *
journal_entry_parse(const char *line, size_t len, struct err *e)
{
	struct journal_entry *je;
	struct value *tree;

	tree = ddbjson_parse_doc(line, len, journal_items, e);
	if (tree == NULL)
		return NULL;
	je = xcalloc(1, sizeof *je);
	je->end = -1;
	if (tree->type == VT_M) {
		je->time = value_map_strdup(tree, "time");
		je->id = value_map_strdup(tree, "id");
		je->operation = value_map_strdup(tree, "operation");
		je->profile = value_map_strdup(tree, "profile");
		je->table = value_map_strdup(tree, "table");
		je->seq = journal_member_long(tree, "seq", 0);
		je->version = journal_member_long(tree, "v", 0);
		je->end = journal_member_long(tree, "end", -1);
		je->key = value_map_take(tree, "key");
		je->before = value_map_take(tree, "before");
		je->after = value_map_take(tree, "after");
	}
	value_free(tree);
	if (je->time == NULL || je->id == NULL || je->operation == NULL ||
	    je->profile == NULL || je->table == NULL ||
	    (je->end < 0 && je->key == NULL) ||
	    (je->end >= 0 && (je->key != NULL || je->version < 2))) {
		journal_entry_free(je);
		err_set(e, ERR_INPUT, "not a journal entry");
		return NULL;
	}
	return je;
}

void
journal_entry_free(struct journal_entry *je)
{
	if (je == NULL)
		return;
	free(je->time);
	free(je->id);
	free(je->operation);
	free(je->profile);
	free(je->table);
	value_free(je->key);
	value_free(je->before);
	value_free(je->after);
	free(je);
}

int
journal_read_back(const char *path, journal_line_fn fn, void *ctx,
    struct err *e)
{
	struct buf carry = BUF_INIT, block = BUF_INIT;
	struct stat st;
	off_t pos;
	int fd, rc = 0, stop = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT)
			return 0;
		return err_set(e, ERR_IO, "journal: cannot open %s: %s", path,
		    strerror(errno));
	}
	if (fstat(fd, &st) == -1) {
		close(fd);
		return err_set(e, ERR_IO, "journal: cannot stat %s: %s", path,
		    strerror(errno));
	}
	pos = st.st_size;
	/* carry holds the start of the line that continues past the block
	 * read last; each step puts the block before it. */
	while (pos > 0 && !stop) {
		size_t want = pos > JOURNAL_BLOCK ? JOURNAL_BLOCK : (size_t)pos;
		ssize_t n;
		size_t end, i;

		pos -= (off_t)want;
		buf_reset(&block);
		buf_reserve(&block, want + carry.len);
		n = pread(fd, block.data, want, pos);
		if (n != (ssize_t)want) {
			rc = err_set(e, ERR_IO, "journal: cannot read %s: %s",
			    path, n == -1 ? strerror(errno) : "short read");
			break;
		}
		block.len = want;
		buf_add(&block, carry.data, carry.len);
		end = block.len;
		for (i = block.len; i > 0 && !stop; i--) {
			if (block.data[i - 1] != '\n')
				continue;
			if (end > i)
				stop = fn(ctx, block.data + i, end - i);
			end = i - 1;
		}
		buf_reset(&carry);
		buf_add(&carry, block.data, end);
	}
	if (rc == 0 && !stop && carry.len > 0)
		(void)fn(ctx, carry.data, carry.len);
	close(fd);
	buf_cleanup(&carry);
	buf_cleanup(&block);
	return rc;
}

/* Collects the last writes of a profile and table. */
struct journal_collect {
	const char		*profile;
	const char		*table;
	struct buf		 needle;	/* ,"profile":P,"table":T, */
	struct journal_write	*groups;
	size_t			*caps;
	char			**ids;
	bool			*reached;	/* its seq 0 was read */
	long			*ends;		/* its end line's, or -1 */
	size_t			 n, want;
	/* End lines read before any entry of their write (newest first:
	 * every write's end comes first), waiting for its first entry. */
	struct journal_end_seen {
		char	*id;
		long	 end;
	}			*early;
	size_t			 nearly, capearly;
};

/* Add an entry to its group, newest first as the file is read; the
 * groups are turned around at the end. */
static void
journal_collect_add(struct journal_write *g, size_t *cap,
    struct journal_entry *je)
{
	if (g->n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		g->entries = xreallocarray(g->entries, *cap,
		    sizeof *g->entries);
	}
	g->entries[g->n++] = je;
}

/* Oldest first, and whether every entry is there: seq 0 to n - 1 in
 * order (journal_discard and a failed flush give back the seq they took,
 * so a write's lines are numbered without gaps) and, when its lines have
 * "v", an end line (end: its count, or -1) saying n. */
static void
journal_collect_reverse(struct journal_write *g, long end)
{
	bool versioned = false;
	size_t i;

	for (i = 0; i < g->n / 2; i++) {
		struct journal_entry *t = g->entries[i];

		g->entries[i] = g->entries[g->n - 1 - i];
		g->entries[g->n - 1 - i] = t;
	}
	g->complete = g->n > 0;
	for (i = 0; i < g->n; i++) {
		if (g->entries[i]->seq != (long)i)
			g->complete = false;
		if (g->entries[i]->version >= 2)
			versioned = true;
	}
	g->unfinished = versioned && end < 0;
	if (versioned && (end < 0 || (size_t)end != g->n))
		g->complete = false;
}

/* Keep an end line read before its write's entries (the newest end line
 * of a write counts: it is read first). */
static void
journal_collect_early(struct journal_collect *c,
    const struct journal_entry *je)
{
	size_t i;

	for (i = 0; i < c->nearly; i++)
		if (strcmp(c->early[i].id, je->id) == 0)
			return;
	if (c->nearly == c->capearly) {
		c->capearly = c->capearly ? c->capearly * 2 : 8;
		c->early = xreallocarray(c->early, c->capearly,
		    sizeof *c->early);
	}
	c->early[c->nearly].id = xstrdup(je->id);
	c->early[c->nearly].end = je->end;
	c->nearly++;
}

/* The count of id's end line read so far, or -1. */
static long
journal_collect_end_of(const struct journal_collect *c, const char *id)
{
	size_t i;

	for (i = 0; i < c->nearly; i++)
		if (strcmp(c->early[i].id, id) == 0)
			return c->early[i].end;
	return -1;
}

/* journal_line_fn: keep the entries of the first `want` ids. */
static int
journal_collect_line(void *ctx, const char *line, size_t len)
{
	struct journal_collect *c = ctx;
	struct journal_entry *je;
	size_t i;

	/* Lines of other profiles and tables are passed over unparsed:
	 * journal_add writes these two members next to each other. */
	if (memmem(line, len, c->needle.data, c->needle.len) == NULL)
		return 0;
	je = journal_entry_parse(line, len, NULL);
	if (je == NULL)
		return 0;
	if (strcmp(je->profile, c->profile) != 0 ||
	    strcmp(je->table, c->table) != 0) {
		journal_entry_free(je);
		return 0;
	}
	for (i = 0; i < c->n; i++)
		if (strcmp(c->ids[i], je->id) == 0)
			break;
	if (je->end >= 0) {
		/* Kept until the write's first entry is read; a write
		 * whose entries are all gone takes no place. */
		if (i == c->n && c->n < c->want)
			journal_collect_early(c, je);
		journal_entry_free(je);
		return 0;
	}
	if (i == c->n) {
		if (c->n == c->want) {
			journal_entry_free(je);
			return 0;
		}
		c->ids[c->n] = xstrdup(je->id);
		c->ends[c->n] = journal_collect_end_of(c, je->id);
		c->n++;
	}
	if (je->seq == 0)
		c->reached[i] = true;
	journal_collect_add(&c->groups[i], &c->caps[i], je);
	/* Done when every wanted write has been read back to its first
	 * entry (writes of other processes may sit in between). */
	if (c->n < c->want)
		return 0;
	for (i = 0; i < c->n; i++)
		if (!c->reached[i])
			return 0;
	return 1;
}

int
journal_last_writes(const char *path, const char *profile, const char *table,
    struct journal_write **out, size_t *ngroups, struct err *e)
{
	struct journal_collect c;
	size_t i, n = 0;
	int rc;

	memset(&c, 0, sizeof c);
	c.profile = profile;
	c.table = table;
	c.want = *ngroups > 0 ? *ngroups : 1;
	c.groups = xcalloc(c.want, sizeof *c.groups);
	c.ids = xcalloc(c.want, sizeof *c.ids);
	c.reached = xcalloc(c.want, sizeof *c.reached);
	c.ends = xcalloc(c.want, sizeof *c.ends);
	journal_add_string(&c.needle, "profile", profile);
	journal_add_string(&c.needle, "table", table);
	buf_addc(&c.needle, ',');
	c.caps = xcalloc(c.want, sizeof *c.caps);
	rc = journal_read_back(path, journal_collect_line, &c, e);
	buf_cleanup(&c.needle);
	for (i = 0; i < c.n; i++) {
		journal_collect_reverse(&c.groups[i], c.ends[i]);
		free(c.ids[i]);
	}
	n = c.n;
	for (i = 0; i < c.nearly; i++)
		free(c.early[i].id);
	free(c.early);
	free(c.ids);
	free(c.caps);
	free(c.reached);
	free(c.ends);
	if (rc == -1) {
		journal_writes_free(c.groups, n);
		*out = NULL;
		*ngroups = 0;
		return -1;
	}
	*out = c.groups;
	*ngroups = n;
	return 0;
}

void
journal_writes_free(struct journal_write *w, size_t n)
{
	size_t i, k;

	if (w == NULL)
		return;
	for (i = 0; i < n; i++) {
		for (k = 0; k < w[i].n; k++)
			journal_entry_free(w[i].entries[k]);
		free(w[i].entries);
	}
	free(w);
}
