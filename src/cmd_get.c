/* SPDX-License-Identifier: ISC */
/* dynrepo get and get-batch: items by key. */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "json.h"
#include "xmalloc.h"

enum { OPT_PARTITION = CMD_OPT_FIRST_OWN, OPT_CONTENT };

int
cmd_get_exec(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_COMMON_LONGOPTS,
		{ "partition", required_argument, NULL, OPT_PARTITION },
		{ "content", required_argument, NULL, OPT_CONTENT },
		{ NULL, 0, NULL, 0 }
	};
	const char *partition = NULL, *content = NULL;
	struct cmd_common cc;
	struct session s;
	struct ids pids, cids;
	struct content *c = NULL;
	enum output_format fmt;
	struct output *out;
	struct err e;
	int opt, rc;

	cmd_common_init(&cc, g);
	while ((opt = getopt_long(argc, argv, "p:", longopts, NULL)) != -1) {
		if (cmd_common_opt(&cc, opt, optarg))
			continue;
		switch (opt) {
		case OPT_PARTITION: partition = optarg; break;
		case OPT_CONTENT: content = optarg; break;
		default:
			return cmd_usage_error("get", "unknown option %s",
			    argv[optind - 1]);
		}
	}
	if (cc.help) {
		cmd_usage(cmd_find("get"), stdout);
		return 0;
	}
	if (optind < argc)
		return cmd_usage_error("get", "unexpected argument \"%s\"",
		    argv[optind]);
	if (partition == NULL || content == NULL)
		return cmd_usage_error("get", "--partition and --content are "
		    "required (use \"\" for no ids)");
	err_clear(&e);
	if (output_parse_format(cc.output, stdout, &fmt, &e) == -1)
		return cmd_usage_error("get", "%s", e.msg);
	if (session_open(&s, &cc.so, &e) == -1) {
		session_close(&s);
		return cmd_fail("get", &e);
	}
	ids_parse(&pids, partition);
	ids_parse(&cids, content);
	rc = repo_get(s.repo, &pids, &cids, &c, &e);
	if (rc == 0 && c == NULL)
		rc = err_set(&e, ERR_NOT_FOUND, "no item with partition \"%s\" "
		    "and content \"%s\"", partition, content);
	if (rc == 0) {
		out = output_new(fmt, stdout);
		output_item(out, c);
		output_finish(out);
	}
	ids_cleanup(&pids);
	ids_cleanup(&cids);
	session_close(&s);
	return rc == 0 ? 0 : cmd_fail("get", &e);
}

/* repo_each_fn printing through an output. */
static int
cmd_get_print(void *ctx, struct content *c)
{
	output_item(ctx, c);
	/* Nonzero stops the reading; main reports the failed output. */
	return output_failed(ctx);
}

/* Skip JSON white space. */
static const char *
cmd_key_ws(const char *p, const char *end)
{
	while (p < end && (*p == ' ' || *p == '\t' || *p == '\n' ||
	    *p == '\r'))
		p++;
	return p;
}

/* A plain JSON string at p: printable ASCII, no escapes. Its text in
 * *s and *len; NULL for anything else. */
static const char *
cmd_key_str(const char *p, const char *end, const char **s, size_t *len)
{
	const char *q;

	if (p >= end || *p != '"')
		return NULL;
	for (q = ++p; q < end && *q != '"'; q++)
		if (*q == '\\' || (unsigned char)*q < 0x20 ||
		    (unsigned char)*q >= 0x80)
			return NULL;
	if (q >= end)
		return NULL;
	*s = p;
	*len = (size_t)(q - p);
	return q + 1;
}

#define CMD_KEY_IDS	32	/* ids in a key read without the parser */
#define CMD_KEY_BLOCK	(64u << 10)	/* the keys' memory, a block */

/* A block of the keys' memory. */
struct cmd_key_block {
	struct cmd_key_block	*next;
	size_t			 size;
	max_align_t		 data[];
};

/* n bytes of the keys' memory, aligned for a pointer. */
static void *
cmd_keys_alloc(struct cmd_keys *k, size_t n)
{
	struct cmd_key_block *b;
	void *p;

	n = (n + sizeof(void *) - 1) & ~(sizeof(void *) - 1);
	if (n > k->left) {
		size_t size = n > CMD_KEY_BLOCK ? n : CMD_KEY_BLOCK;

		b = xmalloc(sizeof *b + size);
		b->next = k->blocks;
		b->size = size;
		k->blocks = b;
		k->at = (char *)b->data;
		k->left = size;
	}
	p = k->at;
	k->at += n;
	k->left -= n;
	return p;
}

/* ids made of the n strings s[i] of len[i] bytes, in the keys' memory:
 * the array, then the strings, one allocation for every few hundred
 * keys rather than one an id. */
static void
cmd_keys_ids(struct cmd_keys *k, struct ids *ids, const char *const *s,
    const size_t *len, size_t n)
{
	size_t i, total = n * sizeof *ids->v;
	char *p;

	for (i = 0; i < n; i++)
		total += len[i] + 1;
	ids->v = cmd_keys_alloc(k, total);
	p = (char *)(ids->v + n);
	for (i = 0; i < n; i++) {
		memcpy(p, s[i], len[i]);
		p[len[i]] = '\0';
		ids->v[i] = p;
		p += len[i] + 1;
	}
	ids->n = n;
}

void
cmd_keys_cleanup(struct cmd_keys *k)
{
	struct cmd_key_block *b;

	while ((b = k->blocks) != NULL) {
		k->blocks = b->next;
		free(b);
	}
	free(k->pids);
	free(k->cids);
	memset(k, 0, sizeof *k);
}

/* A list of plain strings at p, each a valid id, as ids (empty before) in
 * the keys' memory. */
static const char *
cmd_key_list(struct cmd_keys *k, const char *p, const char *end,
    struct ids *ids)
{
	const char *s[CMD_KEY_IDS];
	size_t len[CMD_KEY_IDS], n = 0;

	p = cmd_key_ws(p, end);
	if (p >= end || *p++ != '[')
		return NULL;
	p = cmd_key_ws(p, end);
	if (p < end && *p == ']')
		return p + 1;
	for (;;) {
		if (n == CMD_KEY_IDS)
			return NULL;
		p = cmd_key_str(cmd_key_ws(p, end), end, &s[n], &len[n]);
		if (p == NULL || memchr(s[n], '#', len[n]) != NULL)
			return NULL;
		n++;
		p = cmd_key_ws(p, end);
		if (p >= end)
			return NULL;
		if (*p == ']')
			break;
		if (*p++ != ',')
			return NULL;
	}
	cmd_keys_ids(k, ids, s, len, n);
	return p + 1;
}

/*
 * A key line in the shape people and scripts write it, read without a
 * document: {"partition_ids":[...],"content_ids":[...]} in either order,
 * each member once, ids plain ASCII strings without '#'. Returns 0 with
 * the ids filled, or -1 with them emptied for anything else, which
 * cmd_get_batch_keys then parses in full, with its messages: a line
 * read here gives what the full parse would. (The document cost ~14,000
 * instructions a key, as much as decoding the item; issue 6.)
 */
static int
cmd_get_batch_key_fast(struct cmd_keys *k, const char *p, size_t len,
    struct ids *pids, struct ids *cids)
{
	const char *end = p + len, *name;
	struct ids *dst;
	size_t nlen;
	int seen = 0, m;

	p = cmd_key_ws(p, end);
	if (p >= end || *p++ != '{')
		goto slow;
	for (m = 0; m < 2; m++) {
		if (m > 0 && (p >= end || *p++ != ','))
			goto slow;
		p = cmd_key_str(cmd_key_ws(p, end), end, &name, &nlen);
		if (p == NULL)
			goto slow;
		if (nlen == 13 && memcmp(name, "partition_ids", 13) == 0 &&
		    (seen & 1) == 0) {
			dst = pids;
			seen |= 1;
		} else if (nlen == 11 && memcmp(name, "content_ids", 11) == 0 &&
		    (seen & 2) == 0) {
			dst = cids;
			seen |= 2;
		} else
			goto slow;
		p = cmd_key_ws(p, end);
		if (p >= end || *p++ != ':')
			goto slow;
		if ((p = cmd_key_list(k, p, end, dst)) == NULL)
			goto slow;
		p = cmd_key_ws(p, end);
	}
	if (p >= end || *p++ != '}' || cmd_key_ws(p, end) != end)
		goto slow;
	return 0;
slow:
	/* What was kept of the line stays in the keys' memory, unused. */
	ids_init(pids);
	ids_init(cids);
	return -1;
}

/* The ids of a key line read in full (doc): each list's strings checked,
 * then kept as ids in the keys' memory. */
static int
cmd_get_batch_key_doc(struct cmd_keys *k, const struct value *doc,
    size_t lineno, struct ids *dst[2], struct err *e)
{
	static const char *const names[2] = { "partition_ids", "content_ids" };
	const struct value *l;
	const char **s;
	size_t *len, i, m;
	int rc = 0;

	for (m = 0; m < 2 && rc == 0; m++) {
		l = doc->type == VT_M ? value_map_get(doc, names[m]) : NULL;
		if (l == NULL || l->type != VT_L)
			return err_set(e, ERR_INPUT, "stdin line %zu: "
			    "expected {\"partition_ids\":[...],"
			    "\"content_ids\":[...]}", lineno);
		s = xcalloc(l->u.list.len + 1, sizeof *s);
		len = xcalloc(l->u.list.len + 1, sizeof *len);
		for (i = 0; i < l->u.list.len && rc == 0; i++) {
			const struct value *v = l->u.list.items[i];

			if (v->type != VT_S)
				rc = err_set(e, ERR_INPUT, "stdin line %zu: "
				    "ids must be strings", lineno);
			else if (content_check_id(v->u.str.ptr,
			    v->u.str.len, e) == -1) {
				err_prefix(e, "stdin line %zu: ", lineno);
				rc = -1;
			} else {
				s[i] = v->u.str.ptr;
				len[i] = v->u.str.len;
			}
		}
		if (rc == 0)
			cmd_keys_ids(k, dst[m], s, len, l->u.list.len);
		free(s);
		free(len);
	}
	return rc;
}

/* Read the keys of a get-batch: one JSON object a line. */
int
cmd_get_batch_keys(FILE *fp, struct cmd_keys *k, struct err *e)
{
	struct buf line = BUF_INIT;
	size_t lineno = 0, cap = 0;
	int r, rc = 0;

	memset(k, 0, sizeof *k);
	while ((r = cmd_read_line(fp, &line)) == 1) {
		struct value *doc;
		struct ids *dst[2];

		lineno++;
		if (line.len == 0)
			continue;
		if (k->n == cap) {
			cap = cap ? cap * 2 : 128;
			k->pids = xreallocarray(k->pids, cap, sizeof *k->pids);
			k->cids = xreallocarray(k->cids, cap, sizeof *k->cids);
		}
		dst[0] = &k->pids[k->n];
		dst[1] = &k->cids[k->n];
		ids_init(dst[0]);
		ids_init(dst[1]);
		if (cmd_get_batch_key_fast(k, line.data, line.len, dst[0],
		    dst[1]) == 0) {
			k->n++;
			continue;
		}
		doc = json_parse(line.data, line.len, e);
		if (doc == NULL) {
			err_prefix(e, "stdin line %zu: ", lineno);
			rc = -1;
			break;
		}
		k->n++;
		rc = cmd_get_batch_key_doc(k, doc, lineno, dst, e);
		value_free(doc);
		if (rc != 0)
			break;
	}
	if (r == -1)
		rc = err_set(e, ERR_IO, "reading stdin failed");
	buf_cleanup(&line);
	return rc;
}

/* repo_line_fn: an item that comes printed already. */
static int
cmd_get_line(void *ctx, const char *text, size_t len)
{
	output_line(ctx, text, len);
	return output_failed(ctx);
}

int
cmd_get_batch_exec(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cmd_common cc;
	struct session s;
	struct cmd_keys k;
	enum output_format fmt;
	struct output *out;
	struct err e;
	int opt, rc;

	cmd_common_init(&cc, g);
	while ((opt = getopt_long(argc, argv, "p:", longopts, NULL)) != -1)
		if (!cmd_common_opt(&cc, opt, optarg))
			return cmd_usage_error("get-batch", "unknown option %s",
			    argv[optind - 1]);
	if (cc.help) {
		cmd_usage(cmd_find("get-batch"), stdout);
		return 0;
	}
	if (optind < argc)
		return cmd_usage_error("get-batch", "unexpected argument "
		    "\"%s\"", argv[optind]);
	err_clear(&e);
	if (output_parse_format(cc.output, stdout, &fmt, &e) == -1)
		return cmd_usage_error("get-batch", "%s", e.msg);
	/* Every key is read and checked before the first request. */
	cmd_buffer_stdin();
	rc = cmd_get_batch_keys(stdin, &k, &e);
	if (rc == 0 && session_open(&s, &cc.so, &e) == 0) {
		/* Printing only reads the contents: no copy of each item. */
		repo_set_shared_contents(s.repo, true);
		out = output_new(fmt, stdout);
		rc = repo_get_batch(s.repo, k.pids, k.cids, k.n, cmd_get_print,
		    output_takes_lines(out) ? cmd_get_line : NULL, out, &e);
		output_finish(out);
		session_close(&s);
	} else if (rc == 0) {
		session_close(&s);
		rc = -1;
	}
	cmd_keys_cleanup(&k);
	return rc == 0 ? 0 : cmd_fail("get-batch", &e);
}
