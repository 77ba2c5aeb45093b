/* SPDX-License-Identifier: ISC */
/* dynrepo get and get-batch: items by key. */
#include "config.h"

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

/* A list of plain strings at p, each a valid id, the ids (empty before):
 * read first, then copied with one allocation for the array. */
static const char *
cmd_key_list(const char *p, const char *end, struct ids *ids)
{
	const char *s[CMD_KEY_IDS];
	size_t len[CMD_KEY_IDS], n = 0, i;

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
	ids->v = xreallocarray(NULL, n, sizeof *ids->v);
	for (i = 0; i < n; i++)
		ids->v[i] = xstrndup(s[i], len[i]);
	ids->n = n;
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
cmd_get_batch_key_fast(const char *p, size_t len, struct ids *pids,
    struct ids *cids)
{
	const char *end = p + len, *name;
	struct ids *dst;
	size_t nlen;
	int seen = 0, k;

	p = cmd_key_ws(p, end);
	if (p >= end || *p++ != '{')
		goto slow;
	for (k = 0; k < 2; k++) {
		if (k > 0 && (p >= end || *p++ != ','))
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
		if ((p = cmd_key_list(p, end, dst)) == NULL)
			goto slow;
		p = cmd_key_ws(p, end);
	}
	if (p >= end || *p++ != '}' || cmd_key_ws(p, end) != end)
		goto slow;
	return 0;
slow:
	ids_cleanup(pids);
	ids_cleanup(cids);
	return -1;
}

/* Read the keys of a get-batch: one JSON object a line. */
int
cmd_get_batch_keys(FILE *fp, struct ids **pids, struct ids **cids, size_t *n,
    struct err *e)
{
	struct buf line = BUF_INIT;
	size_t lineno = 0, cap = 0;
	int r, rc = 0;

	*n = 0;
	while ((r = cmd_read_line(fp, &line)) == 1) {
		struct value *doc;
		const struct value *names[2];
		struct ids *dst[2];
		size_t k, i;

		lineno++;
		if (line.len == 0)
			continue;
		if (*n == cap) {
			cap = cap ? cap * 2 : 128;
			*pids = xreallocarray(*pids, cap, sizeof **pids);
			*cids = xreallocarray(*cids, cap, sizeof **cids);
		}
		ids_init(&(*pids)[*n]);
		ids_init(&(*cids)[*n]);
		if (cmd_get_batch_key_fast(line.data, line.len, &(*pids)[*n],
		    &(*cids)[*n]) == 0) {
			(*n)++;
			continue;
		}
		doc = json_parse(line.data, line.len, e);
		if (doc == NULL) {
			err_prefix(e, "stdin line %zu: ", lineno);
			rc = -1;
			break;
		}
		dst[0] = &(*pids)[*n];
		dst[1] = &(*cids)[*n];
		(*n)++;
		names[0] = doc->type == VT_M ? value_map_get(doc,
		    "partition_ids") : NULL;
		names[1] = doc->type == VT_M ? value_map_get(doc,
		    "content_ids") : NULL;
		for (k = 0; k < 2 && rc == 0; k++) {
			const struct value *l = names[k];

			if (l == NULL || l->type != VT_L) {
				rc = err_set(e, ERR_INPUT, "stdin line %zu: "
				    "expected {\"partition_ids\":[...],"
				    "\"content_ids\":[...]}", lineno);
				break;
			}
			for (i = 0; i < l->u.list.len; i++) {
				const struct value *s = l->u.list.items[i];

				if (s->type != VT_S) {
					rc = err_set(e, ERR_INPUT, "stdin line "
					    "%zu: ids must be strings", lineno);
					break;
				}
				if (content_check_id(s->u.str.ptr,
				    s->u.str.len, e) == -1) {
					err_prefix(e, "stdin line %zu: ",
					    lineno);
					rc = -1;
					break;
				}
				ids_push(dst[k], s->u.str.ptr, s->u.str.len);
			}
		}
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
	struct ids *pids = NULL, *cids = NULL;
	size_t n = 0, i;
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
	rc = cmd_get_batch_keys(stdin, &pids, &cids, &n, &e);
	if (rc == 0 && session_open(&s, &cc.so, &e) == 0) {
		/* Printing only reads the contents: no copy of each item. */
		repo_set_shared_contents(s.repo, true);
		out = output_new(fmt, stdout);
		rc = repo_get_batch(s.repo, pids, cids, n, cmd_get_print,
		    output_takes_lines(out) ? cmd_get_line : NULL, out, &e);
		output_finish(out);
		session_close(&s);
	} else if (rc == 0) {
		session_close(&s);
		rc = -1;
	}
	for (i = 0; i < n; i++) {
		ids_cleanup(&pids[i]);
		ids_cleanup(&cids[i]);
	}
	free(pids);
	free(cids);
	return rc == 0 ? 0 : cmd_fail("get-batch", &e);
}
