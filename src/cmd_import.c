/* SPDX-License-Identifier: ISC */
/* dynrepo import: DynamoDB JSON lines (an export), checked whole, then
 * written. */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "cmd.h"
#include "ddbjson.h"
#include "expr_eval.h"
#include "scratch.h"
#include "xmalloc.h"

#define CMD_IMPORT_CHUNK	500
#define CMD_IMPORT_MAX_ITEM	(400 * 1024)	/* DynamoDB's item limit */
#define CMD_IMPORT_MAX_PK	2048
#define CMD_IMPORT_MAX_SK	1024

enum { OPT_CHANGED_ONLY = CMD_OPT_FIRST_OWN };

/* One line of any length from a (maybe compressed) stream: 1, 0 at the
 * end, -1 on a read or decompression error, a compressed stream cut
 * short (zlib's Z_BUF_ERROR, "unexpected end of file") among them: a
 * truncated .gz must not read as a shorter export. */
static int
cmd_import_read_line(gzFile gz, struct buf *b)
{
	char chunk[8192];
	int errnum;

	buf_reset(b);
	for (;;) {
		size_t n;

		if (gzgets(gz, chunk, sizeof chunk) == NULL) {
			gzerror(gz, &errnum);
			if (errnum != Z_OK)
				return -1;
			return b->len > 0 ? 1 : 0;
		}
		n = strlen(chunk);
		if (n > 0 && chunk[n - 1] == '\n') {
			buf_add(b, chunk, n - 1);
			if (b->len > 0 && b->data[b->len - 1] == '\r')
				b->data[--b->len] = '\0';
			return 1;
		}
		buf_add(b, chunk, n);
	}
}

/* The stored item of one export line ({"Item": {...}}), checked as
 * DynamoDB would check it before a write; NULL with err. */
static struct value *
cmd_import_parse(const struct session *s, const struct buf *line,
    bool this_repo_only, struct err *e)
{
	static const char *const items[] = { "Item", NULL };
	const char *keys[2] = { s->profile->partition_key,
	    s->profile->sort_key };
	const size_t limits[2] = { CMD_IMPORT_MAX_PK, CMD_IMPORT_MAX_SK };
	struct value *doc, *item;
	size_t k;

	doc = ddbjson_parse_doc(line->data, line->len, items, e);
	if (doc == NULL)
		return NULL;
	item = doc->type == VT_M ? value_map_take(doc, "Item") : NULL;
	if (item == NULL || doc->u.map.len != 0) {
		value_free(doc);
		value_free(item);
		err_set(e, ERR_INPUT, "expected {\"Item\": {...}}, one item a "
		    "line (DynamoDB's export format)");
		return NULL;
	}
	value_free(doc);
	for (k = 0; k < 2; k++) {
		const struct value *v = value_map_get(item, keys[k]);

		if (v == NULL || v->type != VT_S || v->u.str.len == 0) {
			err_set(e, ERR_INPUT, "the key attribute %s is missing "
			    "or not a non-empty string", keys[k]);
			goto fail;
		}
		if (v->u.str.len > limits[k]) {
			err_set(e, ERR_INPUT, "the key attribute %s is %zu "
			    "bytes; DynamoDB allows %zu", keys[k],
			    v->u.str.len, limits[k]);
			goto fail;
		}
	}
	if (expr_eval_item_size(item) > CMD_IMPORT_MAX_ITEM) {
		err_set(e, ERR_INPUT, "the item is %zu bytes; DynamoDB allows "
		    "400 KB", expr_eval_item_size(item));
		goto fail;
	}
	if (this_repo_only) {
		char *pp = profile_partition_prefix(s->profile);
		char *cp = profile_content_prefix(s->profile);
		const struct value *pk = value_map_get(item, keys[0]);
		const struct value *sk = value_map_get(item, keys[1]);
		bool ours = strncmp(pk->u.str.ptr, pp, strlen(pp)) == 0 &&
		    strncmp(sk->u.str.ptr, cp, strlen(cp)) == 0;

		free(pp);
		free(cp);
		if (!ours) {
			err_set(e, ERR_INPUT, "the item belongs to another "
			    "repository (%.64s); --changed-only works on the "
			    "profile's own repository", pk->u.str.ptr);
			goto fail;
		}
	}
	return item;
fail:
	value_free(item);
	return NULL;
}

/* Pass 1: check every line; copy them to spool when given. */
static int
cmd_import_check(const struct session *s, gzFile gz, bool changed_only,
    size_t *count, struct err *e)
{
	struct buf line = BUF_INIT;
	size_t lineno = 0;
	int r, rc = 0;

	*count = 0;
	while ((r = cmd_import_read_line(gz, &line)) == 1) {
		struct value *item;

		lineno++;
		if (cmd_stop_signal != 0) {
			rc = err_set(e, ERR_CANCELLED, "interrupted at line "
			    "%zu, before the first write: nothing was written",
			    lineno);
			break;
		}
		if (line.len == 0)
			continue;
		item = cmd_import_parse(s, &line, changed_only, e);
		if (item == NULL) {
			err_prefix(e, "line %zu: ", lineno);
			rc = -1;
			break;
		}
		value_free(item);
		(*count)++;
	}
	if (r == -1)
		rc = err_set(e, ERR_INPUT, "line %zu: the input cannot be read "
		    "(a damaged gzip file?)", lineno + 1);
	buf_cleanup(&line);
	return rc;
}

/* Write one chunk of stored items. */
static int
cmd_import_flush(const struct session *s, struct value **items, size_t *n,
    bool changed_only, size_t *written, size_t *unchanged, struct err *e)
{
	struct content **cs;
	size_t i, w = 0, u = 0;
	int rc = 0;

	if (*n == 0)
		return 0;
	if (!changed_only) {
		rc = repo_put_raw_batch(s->repo, items, *n, &w, e);
		*written += w;
		*n = 0;
		return rc;
	}
	cs = xcalloc(*n, sizeof *cs);
	for (i = 0; i < *n; i++) {
		cs[i] = repo_decode(s->repo, items[i], e);
		items[i] = NULL;
		if (cs[i] == NULL)
			rc = -1;
	}
	if (rc == 0)
		rc = repo_put_changed(s->repo, cs, *n, &w, &u, e);
	for (i = 0; i < *n; i++)
		content_free(cs[i]);
	free(cs);
	*written += w;
	*unchanged += u;
	*n = 0;
	return rc;
}

/* Pass 2: write the count items pass 1 checked. Reading them again must
 * give exactly those: an error, or a shorter or longer input, fails the
 * import (with what was written said) rather than ending it quietly. */
static int
cmd_import_write(const struct session *s, gzFile gz, bool changed_only,
    size_t count, size_t *written, size_t *unchanged, struct err *e)
{
	struct value **items = xcalloc(CMD_IMPORT_CHUNK, sizeof *items);
	bool progress = isatty(fileno(stderr));
	struct buf line = BUF_INIT;
	size_t n = 0, read = 0;
	int r = 0, rc = 0;

	while (rc == 0 && (r = cmd_import_read_line(gz, &line)) == 1) {
		if (line.len == 0)
			continue;
		if (++read > count) {
			rc = err_set(e, ERR_IO, "the input grew between the "
			    "check and the write: more than the %zu items "
			    "checked", count);
			break;
		}
		items[n] = cmd_import_parse(s, &line, changed_only, e);
		if (items[n] == NULL) {
			rc = -1;	/* the input changed between passes */
			break;
		}
		if (++n == CMD_IMPORT_CHUNK) {
			rc = cmd_import_flush(s, items, &n, changed_only,
			    written, unchanged, e);
			/* Progress on a terminal, a chunk at a time. */
			if (progress)
				fprintf(stderr, "\rdynrepo import: %zu "
				    "written, %zu unchanged ...", *written,
				    *unchanged);
		}
	}
	if (progress)
		fputc('\r', stderr);
	if (rc == 0 && r == -1)
		rc = err_set(e, ERR_IO, "the input cannot be read again after "
		    "%zu of the %zu items checked", read, count);
	else if (rc == 0 && read < count)
		rc = err_set(e, ERR_IO, "the input shrank between the check "
		    "and the write: %zu of the %zu items checked", read,
		    count);
	if (rc == 0)
		rc = cmd_import_flush(s, items, &n, changed_only, written,
		    unchanged, e);
	while (n > 0)
		value_free(items[--n]);
	free(items);
	buf_cleanup(&line);
	return rc;
}

/*
 * A gzip file must end with its last member: zlib reads bytes after it
 * that do not begin another member as trailing garbage and ends there in
 * silence (gzip -d warns), so `cat a.gz b.jsonl` imported a alone. The
 * file (fd from start, read with pread: its offset is gz's) is inflated
 * member by member to its end; after each member, what follows must be
 * nothing or the two bytes of gzip's magic. Plain text (no magic at its
 * start) is left alone. -1 with ERR_INPUT when something else follows,
 * ERR_IO when it cannot be read.
 */
static int
cmd_import_trailing(int fd, off_t start, const char *file, struct err *e)
{
	unsigned char in[65536], out[65536], magic[2];
	const char *what = strcmp(file, "-") == 0 ? "stdin" : file;
	z_stream zs;
	off_t off = start, extra = -1;
	ssize_t n, m;
	int zrc;

	if ((n = pread(fd, magic, 2, start)) == 2 && magic[0] == 0x1f &&
	    magic[1] == 0x8b) {
		memset(&zs, 0, sizeof zs);
		if (inflateInit2(&zs, 15 + 16) != Z_OK)
			return err_set(e, ERR_INTERNAL, "zlib: inflateInit2 "
			    "failed");
		while ((n = pread(fd, in, sizeof in, off)) > 0) {
			zs.next_in = in;
			zs.avail_in = (uInt)n;
			zrc = Z_OK;
			while (zs.avail_in > 0 && zrc == Z_OK) {
				zs.next_out = out;
				zs.avail_out = sizeof out;
				zrc = inflate(&zs, Z_NO_FLUSH);
			}
			if (zrc == Z_STREAM_END) {
				/* Just past a member: another one, the end,
				 * or something else. */
				off += n - (ssize_t)zs.avail_in;
				if ((m = pread(fd, magic, 2, off)) == 2 &&
				    magic[0] == 0x1f && magic[1] == 0x8b) {
					inflateReset(&zs);
					continue;
				}
				n = m;
				if (m > 0)
					extra = off;
				break;
			}
			if (zrc != Z_OK)
				break;	/* damaged: the reading pass said so */
			off += n;
		}
		inflateEnd(&zs);
	}
	if (n == -1)
		return err_set(e, ERR_IO, "cannot read %s again: %s; nothing "
		    "was written", what, strerror(errno));
	if (extra >= 0) {
		struct stat st;
		long long left = fstat(fd, &st) == 0 ?
		    (long long)(st.st_size - extra) : 0;

		return err_set(e, ERR_INPUT, "%s: %lld byte%s after the end "
		    "of its gzip data that are not gzip (plain text appended "
		    "to a .gz? zero padding?), which zlib and gzip -d would "
		    "drop; nothing was written", what, left,
		    left == 1 ? "" : "s");
	}
	return 0;
}

/*
 * A stream read once (a pipe, a FIFO such as bash's <(...), a terminal):
 * its bytes as they come (compressed or not) are copied to an unlinked
 * temporary file first, *spool, and *fd becomes that file, at its start,
 * read like any regular file by both passes and by cmd_import_trailing.
 * *fd is closed (taken). Nothing is written to the table when it fails.
 */
static int
cmd_import_spool(int *fd, FILE **spool, const char *file, struct err *e)
{
	const char *what = strcmp(file, "-") == 0 ? "stdin" : file;
	char *chunk;
	ssize_t n, w, off;
	int out, rc = 0;

	if ((*spool = scratch_tmpfile(e)) == NULL) {
		close(*fd);
		*fd = -1;
		err_prefix(e, "%s is read twice, and nothing was written: ",
		    what);
		return -1;
	}
	out = fileno(*spool);
	chunk = xmalloc(CMD_INPUT_BUFFER);
	while (rc == 0 && (n = read(*fd, chunk, CMD_INPUT_BUFFER)) != 0) {
		if (cmd_stop_signal != 0) {
			rc = err_set(e, ERR_CANCELLED, "%s: interrupted while "
			    "reading it; nothing was written", what);
			break;
		}
		if (n == -1) {
			rc = err_set(e, cmd_stop_signal != 0 ? ERR_CANCELLED :
			    ERR_IO, "%s: %s; nothing was written", what,
			    cmd_stop_signal != 0 ? "interrupted while reading "
			    "it" : strerror(errno));
			break;
		}
		for (off = 0; off < n; off += w) {
			w = write(out, chunk + off, (size_t)(n - off));
			if (w == -1) {
				rc = err_set(e, ERR_IO, "cannot spool the "
				    "input to a temporary file (%s); nothing "
				    "was written", strerror(errno));
				break;
			}
		}
	}
	free(chunk);
	close(*fd);
	*fd = -1;
	if (rc == 0 && ((*fd = fcntl(out, F_DUPFD_CLOEXEC, 0)) == -1 ||
	    lseek(*fd, 0, SEEK_SET) == -1)) {
		rc = err_set(e, ERR_IO, "cannot read the spooled input again: "
		    "%s; nothing was written", strerror(errno));
		if (*fd != -1)
			close(*fd);
		*fd = -1;
	}
	return rc;
}

int
cmd_import_exec(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_COMMON_LONGOPTS,
		{ "changed-only", no_argument, NULL, OPT_CHANGED_ONLY },
		{ NULL, 0, NULL, 0 }
	};
	size_t count = 0, written = 0, unchanged = 0;
	const char *file;
	struct cmd_common cc;
	struct session s;
	bool changed_only = false;
	FILE *spool = NULL;
	gzFile gz = NULL;
	struct stat st;
	struct err e;
	int opt, rc, fd;
	off_t start;

	cmd_common_init(&cc, g);
	while ((opt = getopt_long(argc, argv, "p:", longopts, NULL)) != -1) {
		if (cmd_common_opt(&cc, opt, optarg))
			continue;
		if (opt == OPT_CHANGED_ONLY) {
			changed_only = true;
			continue;
		}
		return cmd_usage_error("import", "unknown option %s",
		    argv[optind - 1]);
	}
	if (cc.help) {
		cmd_usage(cmd_find("import"), stdout);
		return 0;
	}
	if (optind + 1 != argc)
		return cmd_usage_error("import", "give one FILE (or - for "
		    "standard input)");
	file = argv[optind];
	err_clear(&e);
	if (session_open(&s, &cc.so, &e) == -1) {
		session_close(&s);
		return cmd_fail("import", &e);
	}
	if (s.profile->read_only) {
		err_set(&e, ERR_READ_ONLY, "profile %s is read-only: nothing "
		    "was written", s.profile->name);
		session_close(&s);
		return cmd_fail("import", &e);
	}
	/* Stopped already (a FIFO's open would then wait for good): as
	 * if the open had been interrupted. */
	if (cmd_stop_signal != 0) {
		fd = -1;
		errno = EINTR;
	} else
		fd = strcmp(file, "-") == 0 ? dup(STDIN_FILENO) :
		    open(file, O_RDONLY | O_CLOEXEC);
	/* A stream read once (a pipe, a FIFO, a terminal) is spooled
	 * first; a regular file is read twice where it is, from where it
	 * starts (import - of a file partly read). */
	if (fd != -1 && (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) &&
	    cmd_import_spool(&fd, &spool, file, &e) == -1) {
		if (spool != NULL)
			fclose(spool);
		session_close(&s);
		return cmd_fail("import", &e);
	}
	start = fd == -1 ? -1 : lseek(fd, 0, SEEK_CUR);
	/* gzread reads plain files as they are: .gz or not, both work. */
	gz = fd == -1 || start == -1 ? NULL : gzdopen(fd, "rb");
	if (gz == NULL) {
		/* A FIFO's open waits for its writer: a Ctrl-C ends it. */
		if (fd == -1 && errno == EINTR && cmd_stop_signal != 0)
			(void)cmd_stop_check(0, "while opening its file, "
			    "before the first write: nothing was written", &e);
		else
			err_set(&e, ERR_IO, "cannot read %s: %s", file,
			    strerror(errno));
		if (fd != -1)
			close(fd);
		if (spool != NULL)
			fclose(spool);
		session_close(&s);
		return cmd_fail("import", &e);
	}
	rc = cmd_import_check(&s, gz, changed_only, &count, &e);
	/* Stopped while checking (a read cut short by the signal counts)
	 * or right after: nothing is written. */
	if (cmd_stop_signal != 0 && (rc == 0 || e.code == ERR_IO ||
	    strstr(e.msg, "cannot be read") != NULL))
		rc = cmd_stop_check(0, "before the first write: nothing was "
		    "written", &e);
	if (rc == -1 && e.code == ERR_INPUT) {
		size_t n = strlen(e.msg);

		snprintf(e.msg + n, sizeof e.msg - n, "; nothing was written");
	}
	if (rc == 0 && gzrewind(gz) == -1)
		rc = err_set(&e, ERR_IO, "cannot read %s again; nothing was "
		    "written", file);
	if (rc == 0)
		rc = cmd_import_trailing(fd, start, file, &e);
	if (rc == 0) {
		/* The whole import is one write for undo. */
		if (s.journal != NULL)
			journal_group_begin(s.journal, "import");
		rc = cmd_import_write(&s, gz, changed_only, count, &written,
		    &unchanged, &e);
		rc = cmd_journal_group_end(s.journal, rc, &e);
		if (changed_only)
			fprintf(stderr, "dynrepo import: %zu item%s written, "
			    "%zu unchanged\n", written, written == 1 ? "" : "s",
			    unchanged);
		else
			fprintf(stderr, "dynrepo import: %zu item%s written\n",
			    written, written == 1 ? "" : "s");
	}
	if (gz != NULL)
		gzclose(gz);
	if (spool != NULL)
		fclose(spool);
	session_close(&s);
	return rc == 0 ? 0 : cmd_fail("import", &e);
}
