/* SPDX-License-Identifier: ISC */
/* dynrepo put: PartitionedContent JSON lines on stdin, checked, then
 * written. */
#include "config.h"

#include <assert.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "expr_eval.h"
#include "log.h"
#include "scratch.h"
#include "xmalloc.h"

#define CMD_PUT_CHUNK	500	/* contents handed to put_batch at a time */
/* The check pass keeps the contents it parsed, typed and measured, up to
 * this many bytes of their arenas, for the write pass to send without
 * reading them again; past it the write pass reads on from the stream.
 * Small: memory touched for the first time costs more than parsing again
 * in recycled blocks (measured: 64 MB made a put of 10,000 lines 50%
 * slower, 16 MB 5%). */
#define CMD_PUT_KEEP_MAX	(4 * 1024 * 1024)
/* A batch keeps its lines as the text of their requests instead
 * (repo_put_text), ~1 kB a line rather than ~5 kB of trees, up to this
 * many bytes in memory (~32,000 lines like the benchmark's; the
 * environment's DYNREPO_PUT_MEMORY, in bytes, says otherwise), */
#define CMD_PUT_TEXT_MAX	(32 * 1024 * 1024)
/* and the requests past that in an unlinked temporary file in $TMPDIR
 * (else /tmp), up to this many bytes (DYNREPO_PUT_SPILL says otherwise);
 * past both the write pass reads on from the stream and parses its lines
 * again (~6 µs a line). The file's pages are the page cache's, not the
 * process's. */
#define CMD_PUT_SPILL_MAX	((uint64_t)1 << 30)
/* The most either budget may be. */
#define CMD_PUT_BUDGET_MAX	((uint64_t)1 << 40)
/* A budget from the environment's variable name (a number of bytes, 0 to
 * CMD_PUT_BUDGET_MAX), else def; -1 for a value that is not one. */
static int
cmd_put_budget(const char *name, uint64_t def, uint64_t *out)
{
	const char *v = getenv(name);
	unsigned long long n;
	char *end;

	*out = def;
	if (v == NULL || *v == '\0')
		return 0;
	errno = 0;
	n = strtoull(v, &end, 10);
	if (*v < '0' || *v > '9' || errno != 0 || *end != '\0' ||
	    n > CMD_PUT_BUDGET_MAX)
		return -1;
	*out = n;
	return 0;
}

/* Lines are parsed into an arena shared with the next ones until it
 * holds this many bytes: a content that is not kept gives its memory
 * back within that. */
#define CMD_PUT_ARENA_MAX	(1024 * 1024)

/* What the check pass kept: the stream's first contents, in order, as
 * contents, or (as_text) as the records of repo_put_text. */
struct cmd_put_kept {
	bool		  as_text;
	struct content	**v;		/* owned; NULL once handed on */
	size_t		  n, cap;
	size_t		  bytes;	/* their arenas' size */
	struct buf	  text;		/* the records */
	size_t		  ntext;
	size_t		  max;		/* bytes of records in memory */
	/* The records past max, each as its length (a uint64_t) and its
	 * bytes, in an unlinked temporary file, up to spill_max bytes; NULL
	 * until one is. */
	FILE		 *spill;
	uint64_t	  spill_max;
	char		 *spill_buffer;	/* spill's stdio buffer */
	size_t		  nspill;
	uint64_t	  spill_bytes;
	size_t		  spill_from;	/* lines before the first spilled */
	bool		  spill_failed;	/* nothing more goes there */
	bool		  huge;		/* text moved to huge pages */
	size_t		  lines;	/* the stream's lines they cover */
	bool		  full;		/* the later lines were not kept */
};

/* The arena the next line is parsed into: *ap, or a new one when it is
 * full. */
static struct value_arena *
cmd_put_arena(struct value_arena **ap)
{
	if (*ap != NULL && value_arena_size(*ap) >= CMD_PUT_ARENA_MAX) {
		value_arena_unref(*ap);
		*ap = NULL;
	}
	/* One that shares member names: the lines' items have the same
	 * fields, and each name was copied three times a line (parsed,
	 * typed, encoded). */
	if (*ap == NULL)
		*ap = value_arena_new();
	return *ap;
}

/* Type a content's plain item by the model as the library's put stores
 * item.dict(); -1 with err (c freed) when the model refuses it. */
static int
cmd_put_type(const struct session *s, struct content *c, struct err *e)
{
	struct value *typed;

	if (s->schema == NULL)
		return 0;
	if (schema_type_item_in(c->arena, s->schema, c->item, NULL,
	    s->profile->allow_extra, &typed, e) == -1) {
		err_prefix(e, "item: ");
		content_free(c);
		return -1;
	}
	value_free(c->item);
	c->item = typed;
	return 0;
}

/* One line as content in the arena a, its item typed (cmd_put_type);
 * NULL with err on bad input. */
static struct content *
cmd_put_parse(const struct session *s, struct value_arena *a,
    const struct buf *line, struct err *e)
{
	struct content *c = content_from_json_in(a, line->data, line->len, e);

	if (c == NULL || cmd_put_type(s, c, e) == -1)
		return NULL;
	return c;
}

/* DynamoDB's limits on what put would write, checked before anything is:
 * the item as stored (keys and the library's attributes included) at most
 * 400 KB, the partition key at most 2048 bytes, the sort key 1024. */
static int
cmd_put_limits_exact(const struct session *s, const struct content *c,
    struct err *e)
{
	struct value *stored = repo_encode(s->repo, c, NULL);
	const struct value *pk = value_map_get(stored,
	    s->profile->partition_key);
	const struct value *sk = value_map_get(stored, s->profile->sort_key);
	size_t size = expr_eval_item_size(stored);
	int rc = 0;

	if (pk->u.str.len > 2048)
		rc = err_set(e, ERR_INPUT, "the partition key would be %zu "
		    "bytes; DynamoDB allows 2048", pk->u.str.len);
	else if (sk->u.str.len > 1024)
		rc = err_set(e, ERR_INPUT, "the sort key would be %zu bytes; "
		    "DynamoDB allows 1024", sk->u.str.len);
	else if (size > 400 * 1024)
		rc = err_set(e, ERR_INPUT, "the item would be %zu bytes as "
		    "stored; DynamoDB allows 400 KB", size);
	value_free(stored);
	return rc;
}

/* cmd_put_limits_exact, without encoding the item when an upper bound of
 * its stored size is within the limits: the item's fields (numbers by
 * their text), the keys, and the library's _object_version, _timestamp
 * and _ttl at their largest (names, 20 digits and a sign, a 40-byte
 * time). A field named like a key would replace it: measured exactly.
 * key is scratch. */
static int
cmd_put_limits(const struct session *s, const struct content *c,
    struct buf *key, struct err *e)
{
	const struct profile *p = s->profile;
	size_t pk, sk, size;

	if (value_map_get(c->item, p->partition_key) != NULL ||
	    value_map_get(c->item, p->sort_key) != NULL)
		return cmd_put_limits_exact(s, c, e);
	buf_reset(key);
	repo_partition_value(s->repo, &c->partition_ids, key);
	pk = key->len;
	buf_reset(key);
	repo_content_value(s->repo, &c->content_ids, key);
	sk = key->len;
	size = expr_eval_item_size_bound(c->item) +
	    strlen(p->partition_key) + pk + strlen(p->sort_key) + sk +
	    sizeof "_object_version" + 21 + sizeof "_timestamp" + 40 +
	    sizeof "_ttl" + 21;
	if (pk > 2048 || sk > 1024 || size > 400 * 1024)
		return cmd_put_limits_exact(s, c, e);
	return 0;
}

/* Past this many bytes the records move to huge pages, with room for
 * the budget: 4 kB pages faulted in one by one cost more CPU (in a VM)
 * than the parsing they save. */
#define CMD_PUT_TEXT_HUGE	(512 * 1024)

/* Move the records to huge pages once they pass CMD_PUT_TEXT_HUGE, with
 * room for the memory they may take (at most CMD_PUT_TEXT_MAX at once;
 * past it the buffer grows as any). */
static void
cmd_put_text_grow(struct cmd_put_kept *k)
{
	struct buf huge;

	if (k->huge || k->text.len < CMD_PUT_TEXT_HUGE)
		return;
	k->huge = true;
	buf_init_huge(&huge, (k->max < CMD_PUT_TEXT_MAX ? k->max :
	    CMD_PUT_TEXT_MAX) + 1);
	buf_add(&huge, k->text.data, k->text.len);
	buf_cleanup(&k->text);
	k->text = huge;
}

/* Give up the spill file and what is in it: the lines from its first on
 * are read again from the stream by the write pass, as past any budget.
 * Nothing more is kept. */
static void
cmd_put_spill_abandon(struct cmd_put_kept *k)
{
	if (k->spill != NULL) {
		LOG_DEBUG("the temporary file of checked requests failed "
		    "(%s); %zu lines will be read again", strerror(errno),
		    k->nspill);
		fclose(k->spill);
		k->lines = k->spill_from;
	}
	free(k->spill_buffer);
	k->spill = NULL;
	k->spill_buffer = NULL;
	k->nspill = 0;
	k->spill_bytes = 0;
	k->spill_failed = true;
	k->full = true;
}

/* Append a record of n bytes to the spill file, made on its first use;
 * false when it cannot be (no temporary file, past k->spill_max),
 * and from then on. A write that fails gives the whole file up
 * (cmd_put_spill_abandon): stdio may have dropped records it held. */
static bool
cmd_put_spill(struct cmd_put_kept *k, const char *rec, size_t n,
    size_t lines)
{
	uint64_t len = n;
	struct err e;

	if (k->spill_failed || k->spill_bytes + sizeof len + n > k->spill_max)
		return false;
	if (k->spill == NULL) {
		if ((k->spill = scratch_tmpfile(&e)) == NULL) {
			LOG_DEBUG("%s; the lines past the checked requests "
			    "kept in memory will be read again", e.msg);
			cmd_put_spill_abandon(k);
			return false;
		}
		k->spill_buffer = xmalloc(CMD_INPUT_BUFFER);
		(void)setvbuf(k->spill, k->spill_buffer, _IOFBF,
		    CMD_INPUT_BUFFER);
		k->spill_from = lines;
	}
	if (fwrite(&len, sizeof len, 1, k->spill) != 1 ||
	    fwrite(rec, 1, n, k->spill) != n || ferror(k->spill)) {
		cmd_put_spill_abandon(k);
		return false;
	}
	k->spill_bytes += sizeof len + n;
	return true;
}

/* After the check pass: the spill file flushed and read from its start,
 * or (it failed) given up, its lines to be read again. */
static void
cmd_put_spill_rewind(struct cmd_put_kept *k)
{
	if (k->spill == NULL)
		return;
	if (fflush(k->spill) != 0 || ferror(k->spill) ||
	    fseeko(k->spill, 0, SEEK_SET) != 0)
		cmd_put_spill_abandon(k);
}

/* Keep the record of line lineno just printed at the end of the records
 * (mark: where it starts; n: its size, 0 when none was): in memory while
 * they fit, else in the spill file, in order. false when it cannot be
 * kept; it is taken off the records either way but in memory. */
static bool
cmd_put_keep_record(struct cmd_put_kept *k, size_t mark, size_t n,
    size_t lineno)
{
	bool kept;

	if (n > 0 && k->spill == NULL && mark + n <= k->max) {
		k->lines = lineno;
		k->ntext++;
		return true;
	}
	kept = n > 0 && cmd_put_spill(k, k->text.data + mark, n, k->lines);
	if (kept) {
		k->lines = lineno;
		k->nspill++;
	}
	k->text.len = mark;
	k->text.data[mark] = '\0';
	return kept;
}

/* Keep a checked content as the text of its request while the budgets
 * allow; lineno is its line. Takes c. */
static void
cmd_put_keep_text(const struct session *s, struct cmd_put_kept *k,
    struct content *c, size_t lineno)
{
	size_t mark = k->text.len, n;

	cmd_put_text_grow(k);
	/* A line that cannot be kept ends what is kept, as the budget. */
	n = k->full ? 0 : repo_put_text(s->repo, c, &k->text);
	if (!cmd_put_keep_record(k, mark, n, lineno))
		k->full = true;
	content_free(c);
}

/* repo_put_emit's printer: the typed item's members from the plain one
 * (schema_emit_item). */
static int
cmd_put_emit_item(void *arg, const struct value *item, struct buf *b,
    bool *canonical)
{
	const struct schema *schema = arg;

	return schema_emit_item(schema, item, b, canonical);
}

/* Whether the model's typed items may be printed from the plain ones
 * (cmd_put_keep_plain): no field of the model named like a key or one of
 * the library's attributes. */
static bool
cmd_put_can_emit(const struct session *s)
{
	const struct schema_node *n;
	size_t i;

	if (s->schema == NULL)
		return false;
	n = schema_root_slot(s->schema)->node;
	if (n->kind != SCHEMA_MODEL)
		return false;
	for (i = 0; i < n->nprops; i++)
		if (!repo_field_name(s->repo, n->props[i].name))
			return false;
	return true;
}

/* Keep a content whose item is still plain as the text of its request,
 * its item typed as it is printed, when the model needs nothing more
 * and the budget allows; lineno is its line. true when kept (c freed):
 * else the caller types c, measures it and keeps it as any other. */
static bool
cmd_put_keep_plain(const struct session *s, struct cmd_put_kept *k,
    struct content *c, size_t lineno)
{
	struct repo_put_emit pe = {
		.fn = cmd_put_emit_item, .arg = (void *)(uintptr_t)s->schema,
	};
	size_t mark = k->text.len, n;

	if (!k->as_text || k->full)
		return false;
	cmd_put_text_grow(k);
	n = repo_put_text_emit(s->repo, c, &pe, &k->text);
	if (!cmd_put_keep_record(k, mark, n, lineno))
		return false;
	content_free(c);
	return true;
}

/* Keep a checked content, which took size bytes of its arena, for the
 * write pass while the budget allows; lineno is its line. Takes c. */
static void
cmd_put_keep(const struct session *s, struct cmd_put_kept *k,
    struct content *c, size_t size, size_t lineno)
{
	if (k->as_text) {
		cmd_put_keep_text(s, k, c, lineno);
		return;
	}
	if (k->full || k->bytes + size > CMD_PUT_KEEP_MAX) {
		k->full = true;
		content_free(c);
		return;
	}
	if (k->n == k->cap) {
		k->cap = k->cap != 0 ? k->cap * 2 : 64;
		k->v = xreallocarray(k->v, k->cap, sizeof *k->v);
	}
	k->v[k->n++] = c;
	k->bytes += size;
	k->lines = lineno;
}

/* Free what is still kept. */
static void
cmd_put_kept_cleanup(struct cmd_put_kept *k)
{
	size_t i;

	for (i = 0; i < k->n; i++)
		content_free(k->v[i]);
	free(k->v);
	buf_cleanup(&k->text);
	if (k->spill != NULL)
		fclose(k->spill);
	free(k->spill_buffer);
}

/* Keep nothing: the write pass reads the stream from its start. */
static void
cmd_put_kept_drop(struct cmd_put_kept *k)
{
	bool as_text = k->as_text;
	size_t max = k->max;
	uint64_t spill_max = k->spill_max;

	cmd_put_kept_cleanup(k);
	memset(k, 0, sizeof *k);
	k->as_text = as_text;
	k->max = max;
	k->spill_max = spill_max;
	k->full = true;
}

/* Send the records the check pass spilled (the file read from its
 * start), in order; -2 with err when it cannot read one back. */
static int
cmd_put_write_spilled(struct repo_put_stream *ps, struct cmd_put_kept *k,
    struct err *e)
{
	struct buf rec = BUF_INIT;
	size_t i, used;
	uint64_t len;
	int rc = 0;

	for (i = 0; rc == 0 && i < k->nspill; i++) {
		if (fread(&len, sizeof len, 1, k->spill) != 1 ||
		    len > k->spill_max) {
			rc = -2;
			break;
		}
		buf_reset(&rec);
		buf_reserve(&rec, (size_t)len + 1);
		if (fread(rec.data, 1, (size_t)len, k->spill) != len ||
		    repo_put_text_size(rec.data, (size_t)len) != len) {
			rc = -2;
			break;
		}
		rec.len = (size_t)len;
		rec.data[rec.len] = '\0';
		rc = repo_put_stream_add_text(ps, rec.data, &used, e);
	}
	if (rc == -2)
		err_set(e, ERR_IO, "cannot read back checked request %zu of "
		    "%zu from its temporary file (%s); nothing more was sent",
		    i + 1, k->nspill,
		    ferror(k->spill) ? strerror(errno) : "cut short");
	buf_cleanup(&rec);
	return rc;
}

/* Read every line of in, checking each; copy them to spool when given,
 * keep the first contents in k. Nothing is written to the table until
 * the whole stream has passed. */
static int
cmd_put_check(const struct session *s, FILE *in, FILE *spool,
    struct cmd_put_kept *k, size_t *count, struct err *e)
{
	struct value_arena *arena = NULL;
	struct buf line = BUF_INIT, key = BUF_INIT;
	size_t lineno = 0, before;
	bool emit = cmd_put_can_emit(s);
	int r, rc = 0;

	*count = 0;
	while ((r = cmd_read_line(in, &line)) == 1) {
		struct value_arena *a;
		struct content *c;

		lineno++;
		if (cmd_stop_signal != 0) {
			rc = err_set(e, ERR_CANCELLED, "interrupted at stdin "
			    "line %zu, before the first write: nothing was "
			    "written", lineno);
			break;
		}
		if (spool != NULL && (fwrite(buf_cstr(&line), 1, line.len,
		    spool) != line.len || fputc('\n', spool) == EOF)) {
			rc = err_set(e, ERR_IO, "cannot spool stdin to a "
			    "temporary file (disk full?); nothing was written");
			break;
		}
		if (line.len == 0)
			continue;
		if (memchr(line.data, '\0', line.len) != NULL) {
			rc = err_set(e, ERR_INPUT, "stdin line %zu: a NUL byte "
			    "outside a JSON string; nothing was written",
			    lineno);
			break;
		}
		a = cmd_put_arena(&arena);
		before = value_arena_size(a);
		c = content_from_json_in(a, line.data, line.len, e);
		/* Most items need no typed tree: their request's text is
		 * printed from the plain one, typed on the way. */
		if (c != NULL && emit && cmd_put_keep_plain(s, k, c, lineno)) {
			(*count)++;
			continue;
		}
		if (c != NULL && cmd_put_type(s, c, e) == -1)
			c = NULL;
		if (c == NULL || cmd_put_limits(s, c, &key, e) == -1) {
			err_prefix(e, "stdin line %zu: ", lineno);
			content_free(c);
			rc = -1;
			break;
		}
		cmd_put_keep(s, k, c, value_arena_size(a) - before, lineno);
		(*count)++;
	}
	if (r == -1)
		rc = err_set(e, ERR_IO, "reading stdin failed; nothing was "
		    "written");
	if (rc == 0 && e != NULL && e->code == ERR_INPUT)
		rc = -1;
	value_arena_unref(arena);
	buf_cleanup(&line);
	buf_cleanup(&key);
	if (rc != 0 && e != NULL && e->code == ERR_INPUT &&
	    strstr(e->msg, "nothing was written") == NULL) {
		size_t n = strlen(e->msg);

		snprintf(e->msg + n, sizeof e->msg - n,
		    "; nothing was written");
	}
	return rc;
}

/* Where the write pass hands its contents: a put stream for a batch
 * (each content taken into the window of requests as soon as it is read,
 * so that reading overlaps the requests in flight), else chunks of
 * CMD_PUT_CHUNK for --changed-only (which compares a chunk with what is
 * stored) or the stream's single item. */
struct cmd_put_out {
	const struct session	*s;
	struct repo_put_stream	*ps;
	struct content		**chunk;	/* [CMD_PUT_CHUNK] */
	size_t			  n;
	bool			  changed_only;
	size_t			  written, unchanged;
};

/* Hand the chunk's contents (freed) to the repository: one PutItem for
 * the stream's single item, else put_changed. */
static int
cmd_put_send(struct cmd_put_out *o, struct err *e)
{
	struct repo *r = o->s->repo;
	size_t done = 0, same = 0, i;
	int rc;

	if (o->changed_only) {
		rc = repo_put_changed(r, o->chunk, o->n, &done, &same, e);
	} else {
		rc = repo_put(r, o->chunk[0], e);
		done = rc == 0 ? 1 : 0;
	}
	o->written += done;
	o->unchanged += same;
	for (i = 0; i < o->n; i++)
		content_free(o->chunk[i]);
	o->n = 0;
	return rc;
}

/* Write one checked content (taken). */
static int
cmd_put_out(struct cmd_put_out *o, struct content *c, struct err *e)
{
	int rc;

	if (o->ps != NULL) {
		rc = repo_put_stream_add(o->ps, c, e);
		content_free(c);
		return rc;
	}
	o->chunk[o->n++] = c;
	return o->n == CMD_PUT_CHUNK ? cmd_put_send(o, e) : 0;
}

/* Write the checked stream: the contents or records kept by the check
 * pass (taken), then the lines of in past them. */
static int
cmd_put_write(const struct session *s, FILE *in, struct cmd_put_kept *k,
    size_t count, bool changed_only, size_t *written, size_t *unchanged,
    size_t *reparsed, struct err *e)
{
	struct cmd_put_out o = {
		.s = s, .changed_only = changed_only,
	};
	struct value_arena *arena = NULL;
	struct buf line = BUF_INIT;
	/* The stream read again must give the lines checked, no fewer and
	 * no more: its end is not taken for theirs. */
	const size_t nkept = k->n + k->ntext + k->nspill;
	size_t i, len, lineno = 0, done = 0, again = 0;
	int r = 0, rc = 0;

	if (!changed_only && count > 1) {
		if ((o.ps = repo_put_stream_new(s->repo, e)) == NULL)
			return -1;
	} else {
		o.chunk = xcalloc(CMD_PUT_CHUNK, sizeof *o.chunk);
	}
	for (i = 0; rc == 0 && i < k->n; i++) {
		struct content *c = k->v[i];

		k->v[i] = NULL;
		rc = cmd_put_out(&o, c, e);
	}
	/* Records are kept for a batch only (cmd_put_exec). */
	assert(k->text.len == 0 || o.ps != NULL);
	for (i = 0; rc == 0 && i < k->text.len; i += len)
		rc = repo_put_stream_add_text(o.ps, k->text.data + i, &len, e);
	if (rc == 0 && k->nspill > 0)
		rc = cmd_put_write_spilled(o.ps, k, e);
	while (rc == 0 && k->full && (r = cmd_read_line(in, &line)) == 1) {
		struct content *c;

		if (++lineno <= k->lines || line.len == 0)
			continue;
		if (nkept + again++ >= count) {
			err_set(e, ERR_IO, "stdin grew between the check and "
			    "the write: more than the %zu lines checked; "
			    "nothing more was sent", count);
			rc = -2;
			break;
		}
		c = cmd_put_parse(s, cmd_put_arena(&arena), &line, e);
		(*reparsed)++;
		if (c == NULL) {
			/* The stream changed under us between the passes:
			 * nothing more is sent. */
			rc = -2;
			break;
		}
		rc = cmd_put_out(&o, c, e);
	}
	if (rc == 0 && r == -1) {
		err_set(e, ERR_IO, "stdin cannot be read again after %zu of "
		    "the %zu lines checked; nothing more was sent",
		    nkept + again, count);
		rc = -2;
	} else if (rc == 0 && nkept + again != count) {
		err_set(e, ERR_IO, "stdin shrank between the check and the "
		    "write: %zu of the %zu lines checked; nothing more was "
		    "sent", nkept + again, count);
		rc = -2;
	}
	if (o.ps != NULL) {
		if (rc == -2)
			rc = repo_put_stream_stop(o.ps, &done, e);
		else
			rc = repo_put_stream_end(o.ps, &done, e);
		o.written = done;
	} else if (rc == 0 && o.n > 0) {
		rc = cmd_put_send(&o, e);
	}
	for (i = 0; i < o.n; i++)
		content_free(o.chunk[i]);
	free(o.chunk);
	value_arena_unref(arena);
	buf_cleanup(&line);
	*written = o.written;
	*unchanged = o.unchanged;
	return rc == 0 ? 0 : -1;
}

int
cmd_put_exec(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_COMMON_LONGOPTS,
		{ "changed-only", no_argument, NULL, CMD_OPT_FIRST_OWN },
		{ NULL, 0, NULL, 0 }
	};
	struct cmd_common cc;
	struct session s;
	struct cmd_put_kept kept;
	off_t start = 0;
	struct stat st;
	FILE *in = stdin, *spool = NULL;
	char *spool_buffer = NULL;	/* spool's, freed after it */
	size_t count = 0, written = 0, unchanged = 0, reparsed = 0;
	uint64_t memory, spill;
	bool changed_only = false;
	struct err e;
	int opt, rc;

	cmd_common_init(&cc, g);
	while ((opt = getopt_long(argc, argv, "p:", longopts, NULL)) != -1) {
		if (cmd_common_opt(&cc, opt, optarg))
			continue;
		if (opt == CMD_OPT_FIRST_OWN) {
			changed_only = true;
			continue;
		}
		return cmd_usage_error("put", "unknown option %s",
		    argv[optind - 1]);
	}
	if (cc.help) {
		cmd_usage(cmd_find("put"), stdout);
		return 0;
	}
	if (optind < argc)
		return cmd_usage_error("put", "unexpected argument \"%s\"",
		    argv[optind]);
	if (cmd_put_budget("DYNREPO_PUT_MEMORY", CMD_PUT_TEXT_MAX,
	    &memory) == -1)
		return cmd_usage_error("put", "DYNREPO_PUT_MEMORY: expected a "
		    "number of bytes up to 2^40, got \"%.32s\"",
		    getenv("DYNREPO_PUT_MEMORY"));
	if (cmd_put_budget("DYNREPO_PUT_SPILL", CMD_PUT_SPILL_MAX,
	    &spill) == -1)
		return cmd_usage_error("put", "DYNREPO_PUT_SPILL: expected a "
		    "number of bytes up to 2^40, got \"%.32s\"",
		    getenv("DYNREPO_PUT_SPILL"));
	err_clear(&e);
	/* Open the profile first: a read-only or missing profile should
	 * not wait for a long stream to be read. */
	if (session_open(&s, &cc.so, &e) == -1) {
		session_close(&s);
		return cmd_fail("put", &e);
	}
	if (s.profile->read_only) {
		err_set(&e, ERR_READ_ONLY, "profile %s is read-only: nothing "
		    "was written", s.profile->name);
		session_close(&s);
		return cmd_fail("put", &e);
	}
	cmd_buffer_stdin();
	/* A regular file can be read twice, from where stdin starts (a
	 * caller may have read part of it); anything else is spooled to an
	 * unlinked temporary file, so streams larger than memory work. */
	if (fstat(fileno(stdin), &st) == -1 || !S_ISREG(st.st_mode) ||
	    (start = lseek(fileno(stdin), 0, SEEK_CUR)) == -1) {
		spool = scratch_tmpfile(&e);
		if (spool == NULL) {
			err_prefix(&e, "stdin is read twice, and nothing "
			    "was written: ");
			session_close(&s);
			return cmd_fail("put", &e);
		}
		spool_buffer = xmalloc(CMD_INPUT_BUFFER);
		(void)setvbuf(spool, spool_buffer, _IOFBF, CMD_INPUT_BUFFER);
	}
	memset(&kept, 0, sizeof kept);
	/* A batch's put stream takes text; --changed-only compares
	 * contents, and a single item is one PutItem of its content. */
	kept.as_text = !changed_only;
	kept.max = memory > SIZE_MAX ? SIZE_MAX : (size_t)memory;
	kept.spill_max = spill;
	rc = cmd_put_check(&s, stdin, spool, &kept, &count, &e);
	/* Stopped while checking (a read of stdin cut short by the signal
	 * counts) or right after: nothing is written. */
	if (cmd_stop_signal != 0 && (rc == 0 || e.code == ERR_IO))
		rc = cmd_stop_check(0, "before the first write: nothing was "
		    "written", &e);
	if (rc == 0 && kept.as_text && count <= 1)
		cmd_put_kept_drop(&kept);
	/* The spilled records are read back from the start; if they
	 * cannot be, their lines are read again from the stream. */
	if (rc == 0)
		cmd_put_spill_rewind(&kept);
	if (rc == 0 && kept.full) {
		if (spool != NULL) {
			/* stdio drops what a failed flush held: no line of
			 * the stream may be missing when it is read again. */
			if (fflush(spool) != 0 || ferror(spool) ||
			    fseeko(spool, 0, SEEK_SET) != 0)
				rc = err_set(&e, ERR_IO, "cannot spool stdin "
				    "to a temporary file (disk full?); "
				    "nothing was written");
			in = spool;
		} else if (fseeko(stdin, start, SEEK_SET) == -1) {
			rc = err_set(&e, ERR_IO, "cannot read stdin again "
			    "after checking it: %s; nothing was written",
			    strerror(errno));
		}
	}
	if (rc == 0) {
		/* Every chunk of the stream is one write for undo. */
		if (s.journal != NULL && count > 1)
			journal_group_begin(s.journal, "put-batch");
		rc = cmd_put_write(&s, in, &kept, count, changed_only,
		    &written, &unchanged, &reparsed, &e);
		/* Work, not time: the regression guard of the put issue
		 * (tests/cli/verbs.sh) counts the lines parsed twice. */
		LOG_DEBUG("%zu lines checked, %zu kept as contents, %zu as "
		    "their requests' text (%zu bytes), %zu in a temporary "
		    "file (%llu bytes), %zu parsed again", count, kept.n,
		    kept.ntext, kept.text.len, kept.nspill,
		    (unsigned long long)kept.spill_bytes, reparsed);
		rc = cmd_journal_group_end(s.journal, rc, &e);
		if (changed_only)
			fprintf(stderr, "dynrepo put: %zu item%s written, %zu "
			    "unchanged\n", written, written == 1 ? "" : "s",
			    unchanged);
		else
			fprintf(stderr, "dynrepo put: %zu item%s written\n",
			    written, written == 1 ? "" : "s");
	}
	cmd_put_kept_cleanup(&kept);
	if (spool != NULL)
		fclose(spool);
	free(spool_buffer);
	session_close(&s);
	return rc == 0 ? 0 : cmd_fail("put", &e);
}
