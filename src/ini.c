/* SPDX-License-Identifier: ISC */
/* One INI parser for profiles and the AWS config and credentials files. */
#include "config.h"

#include "ini.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "xmalloc.h"

/* Configuration files are small; anything bigger is a mistake. */
#define INI_MAX_FILE	(16 * 1024 * 1024)

struct ini_state {
	const struct ini_handler *h;
	const char	*file;
	int		 line;
	struct buf	 section;	/* current section name */
	bool		 in_section;	/* a good header was seen */
	bool		 bad_section;	/* skipping after a bad header */
	struct buf	 parent;	/* INI_NESTED: the open block's key */
	size_t		 parent_indent;
	bool		 in_block;
	struct buf	 key;
	struct buf	 value;
};

/* Whether c is a blank inside a line. */
static bool
ini_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\v' || c == '\f' || c == '\r';
}

/* Trim blanks from both ends of [*s, *s + *n). */
static void
ini_trim(const char **s, size_t *n)
{
	while (*n > 0 && ini_is_blank(**s)) {
		(*s)++;
		(*n)--;
	}
	while (*n > 0 && ini_is_blank((*s)[*n - 1]))
		(*n)--;
}

/* Copy [s, s + n) into b as a C string. */
static void
ini_set(struct buf *b, const char *s, size_t n)
{
	buf_reset(b);
	buf_add(b, s, n);
}

/* Report a syntax error through the handler, or stop with it. */
static int
ini_syntax(struct ini_state *st, const char *reason, struct err *err)
{
	if (st->h->error == NULL)
		return err_set(err, ERR_CONFIG, "%s:%d: %s", st->file,
		    st->line, reason);
	err_clear(err);
	if (st->h->error(st->h->ctx, st->file, st->line, reason, err) != 0) {
		err_prefix(err, "%s:%d: ", st->file, st->line);
		return -1;
	}
	return 0;
}

/* Hand a key to the handler; key and value are in st->key / st->value. */
static int
ini_emit_key(struct ini_state *st, struct err *err)
{
	if (st->h->key == NULL)
		return 0;
	err_clear(err);
	if (st->h->key(st->h->ctx, buf_cstr(&st->section),
	    buf_cstr(&st->key), buf_cstr(&st->value), st->file, st->line,
	    err) != 0) {
		err_prefix(err, "%s:%d: ", st->file, st->line);
		return -1;
	}
	return 0;
}

/* A bad section header: end the previous section, then report it. */
static int
ini_bad_section(struct ini_state *st, const char *reason, struct err *err)
{
	if (st->h->error != NULL && st->h->section != NULL) {
		err_clear(err);
		if (st->h->section(st->h->ctx, NULL, st->file, st->line,
		    err) != 0) {
			err_prefix(err, "%s:%d: ", st->file, st->line);
			return -1;
		}
	}
	return ini_syntax(st, reason, err);
}

/* A "[name]" line; s/n is the trimmed line. */
static int
ini_section_line(struct ini_state *st, const char *s, size_t n,
    struct err *err)
{
	const char *name = s + 1;
	size_t len;

	st->in_block = false;
	st->in_section = false;
	st->bad_section = true;
	if (s[n - 1] != ']')
		return ini_bad_section(st, "section header does not end in ']'",
		    err);
	len = n - 2;
	ini_trim(&name, &len);
	if (len == 0)
		return ini_bad_section(st, "empty section name", err);
	if (memchr(name, '[', len) != NULL || memchr(name, ']', len) != NULL)
		return ini_bad_section(st, "bracket inside a section name",
		    err);
	ini_set(&st->section, name, len);
	st->in_section = true;
	st->bad_section = false;
	if (st->h->section == NULL)
		return 0;
	err_clear(err);
	if (st->h->section(st->h->ctx, buf_cstr(&st->section), st->file,
	    st->line, err) != 0) {
		err_prefix(err, "%s:%d: ", st->file, st->line);
		return -1;
	}
	return 0;
}

/* A "key = value" line; s/n is the trimmed line, indent its blanks. */
static int
ini_key_line(struct ini_state *st, const char *s, size_t n, size_t indent,
    struct err *err)
{
	const char *eq = memchr(s, '=', n), *k = s, *v;
	size_t klen, vlen;
	bool nested;

	if (eq == NULL)
		return ini_syntax(st,
		    "expected 'key = value' or '[section]'", err);
	klen = (size_t)(eq - s);
	v = eq + 1;
	vlen = n - klen - 1;
	ini_trim(&k, &klen);
	ini_trim(&v, &vlen);
	if (klen == 0)
		return ini_syntax(st, "missing key before '='", err);
	if (st->bad_section)
		return 0;
	if (!st->in_section)
		return ini_syntax(st, "key outside of any [section]", err);

	nested = (st->h->flags & INI_NESTED) && st->in_block &&
	    indent > st->parent_indent;
	if (nested) {
		buf_reset(&st->key);
		buf_add(&st->key, st->parent.data, st->parent.len);
		buf_addc(&st->key, '.');
		buf_add(&st->key, k, klen);
	} else {
		st->in_block = false;
		ini_set(&st->key, k, klen);
		if ((st->h->flags & INI_NESTED) && vlen == 0) {
			ini_set(&st->parent, k, klen);
			st->parent_indent = indent;
			st->in_block = true;
		}
	}
	ini_set(&st->value, v, vlen);
	return ini_emit_key(st, err);
}

/* One line without its end-of-line bytes. */
static int
ini_line(struct ini_state *st, const char *s, size_t n, struct err *err)
{
	size_t indent = 0;

	if (memchr(s, '\0', n) != NULL)
		return ini_syntax(st, "NUL byte in line", err);
	while (indent < n && ini_is_blank(s[indent]))
		indent++;
	s += indent;
	n -= indent;
	ini_trim(&s, &n);
	if (n == 0 || s[0] == '#' || s[0] == ';')
		return 0;
	if (s[0] == '[')
		return ini_section_line(st, s, n, err);
	return ini_key_line(st, s, n, indent, err);
}

int
ini_parse_buf(const char *data, size_t len, const char *file,
    const struct ini_handler *h, struct err *err)
{
	struct ini_state st;
	const char *p = data, *end = data + len, *nl;
	int rc = 0;

	memset(&st, 0, sizeof st);
	st.h = h;
	st.file = file != NULL ? file : "<string>";
	buf_init(&st.section);
	buf_init(&st.parent);
	buf_init(&st.key);
	buf_init(&st.value);
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (nl == NULL)
			nl = end;
		st.line++;
		if (ini_line(&st, p, (size_t)(nl - p), err) != 0) {
			rc = -1;
			break;
		}
		p = nl + 1;
	}
	buf_cleanup(&st.section);
	buf_cleanup(&st.parent);
	buf_cleanup(&st.key);
	buf_cleanup(&st.value);
	if (rc == 0)
		err_clear(err);
	return rc;
}

/* Read a whole regular file into *data (NUL-terminated; caller frees). */
static int
ini_read_file(const char *path, char **data, size_t *lenp, struct err *err)
{
	struct buf b = BUF_INIT;
	struct stat sb;
	ssize_t got;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return err_set(err, errno == ENOENT ? ERR_NOT_FOUND : ERR_IO,
		    "%s: %s", path, strerror(errno));
	if (fstat(fd, &sb) == -1) {
		err_set(err, ERR_IO, "%s: %s", path, strerror(errno));
		goto fail;
	}
	if (S_ISDIR(sb.st_mode)) {
		err_set(err, ERR_IO, "%s: is a directory", path);
		goto fail;
	}
	for (;;) {
		buf_reserve(&b, 8192);
		got = read(fd, b.data + b.len, b.cap - b.len - 1);
		if (got == -1 && errno == EINTR)
			continue;
		if (got == -1) {
			err_set(err, ERR_IO, "%s: %s", path, strerror(errno));
			goto fail;
		}
		if (got == 0)
			break;
		b.len += (size_t)got;
		b.data[b.len] = '\0';
		if (b.len > INI_MAX_FILE) {
			err_set(err, ERR_IO, "%s: larger than %d bytes", path,
			    INI_MAX_FILE);
			goto fail;
		}
	}
	close(fd);
	*data = buf_detach(&b, lenp);
	return 0;
fail:
	close(fd);
	buf_cleanup(&b);
	return -1;
}

int
ini_parse_file(const char *path, const struct ini_handler *h,
    struct err *err)
{
	char *data = NULL;
	size_t len;
	int rc;

	if (ini_read_file(path, &data, &len, err) != 0)
		return -1;
	rc = ini_parse_buf(data, len, path, h, err);
	free(data);
	return rc;
}
