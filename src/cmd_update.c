/* SPDX-License-Identifier: ISC */
/* dynrepo update: the library's UpdateCommand on one item. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "json.h"
#include "number.h"
#include "xmalloc.h"

enum {
	OPT_PARTITION = CMD_OPT_FIRST_OWN,
	OPT_CONTENT,
	OPT_SET,
	OPT_INCR,
	OPT_APPEND,
	OPT_VERSION,
	OPT_EXPIRY,
	OPT_NO_REQUIRE_EXISTS
};

struct cmd_update {
	struct value	*set;		/* M */
	struct value	*incr;		/* M */
	struct value	*append;	/* M */
	long long	 version;
	bool		 has_expiry;
	int64_t		 expiry;
};

/* Split "F=V" at the first '='. */
static int
cmd_update_split(const char *opt, const char *arg, char **field,
    const char **val, struct err *e)
{
	const char *eq = strchr(arg, '=');

	if (eq == NULL || eq == arg)
		return err_set(e, ERR_USAGE, "%s: expected FIELD=VALUE, got "
		    "\"%.64s\"", opt, arg);
	*field = xstrndup(arg, (size_t)(eq - arg));
	*val = eq + 1;
	return 0;
}

/* Parse a value of an option and check its numbers. */
static int
cmd_update_value(const char *opt, const char *field, const char *text,
    struct value **out, struct err *e)
{
	char *where;
	int rc;

	*out = cmd_parse_value(text, e);
	if (*out == NULL) {
		err_prefix(e, "%s %s: ", opt, field);
		return -1;
	}
	where = xasprintf("%s %s", opt, field);
	rc = content_check_numbers(*out, where, e);
	free(where);
	if (rc == -1) {
		value_free(*out);
		*out = NULL;
	}
	return rc;
}

/* --set F=V or --set F.M=V (the library sets members of a map value). */
static int
cmd_update_set(struct cmd_update *u, const char *arg, struct err *e)
{
	char *field, *dot;
	const char *text;
	struct value *v, *m;
	int rc = 0;

	if (cmd_update_split("--set", arg, &field, &text, e) == -1)
		return -1;
	if (cmd_update_value("--set", field, text, &v, e) == -1) {
		free(field);
		return -1;
	}
	dot = strchr(field, '.');
	if (dot == NULL) {
		value_map_set(u->set, field, v);
	} else if (strchr(dot + 1, '.') != NULL || dot == field ||
	    dot[1] == '\0') {
		value_free(v);
		rc = err_set(e, ERR_USAGE, "--set %s: only FIELD or "
		    "FIELD.MEMBER can be set (the library's UpdateCommand sets "
		    "the members of a map value)", field);
	} else {
		*dot = '\0';
		m = value_map_get(u->set, field);
		if (m == NULL || m->type != VT_M) {
			m = value_new_m();
			value_map_set(u->set, field, m);
		}
		value_map_set(m, dot + 1, v);
	}
	free(field);
	return rc;
}

/* --incr F=N with an integer N. */
static int
cmd_update_incr(struct cmd_update *u, const char *arg, struct err *e)
{
	char *field;
	const char *text;
	int rc = 0;

	if (cmd_update_split("--incr", arg, &field, &text, e) == -1)
		return -1;
	if (number_check(text, strlen(text), e) == -1) {
		err_prefix(e, "--incr %s: ", field);
		free(field);
		return -1;
	}
	if (!number_is_integer(text, strlen(text)))
		rc = err_set(e, ERR_USAGE, "--incr %s: expected an integer, "
		    "got \"%.64s\"", field, text);
	else
		value_map_set(u->incr, field, value_new_n(text, strlen(text)));
	free(field);
	return rc;
}

/* --append F=V: a JSON list, or one value made a list of one. */
static int
cmd_update_append(struct cmd_update *u, const char *arg, struct err *e)
{
	char *field;
	const char *text;
	struct value *v, *l;

	if (cmd_update_split("--append", arg, &field, &text, e) == -1)
		return -1;
	if (cmd_update_value("--append", field, text, &v, e) == -1) {
		free(field);
		return -1;
	}
	l = value_map_get(u->append, field);
	if (l == NULL) {
		l = value_new_l();
		value_map_set(u->append, field, l);
	}
	if (v->type == VT_L) {
		size_t i;

		for (i = 0; i < v->u.list.len; i++) {
			value_list_append(l, v->u.list.items[i]);
			v->u.list.items[i] = NULL;
		}
		v->u.list.len = 0;
		value_free(v);
	} else {
		value_list_append(l, v);
	}
	free(field);
	return 0;
}

/* An UpdateCommand JSON document from stdin. */
static int
cmd_update_stdin(struct cmd_update *u, struct err *e)
{
	struct buf all = BUF_INIT;
	char chunk[8192];
	struct value *doc, *v;
	size_t n, i;
	int rc = -1;

	while (cmd_stop_signal == 0 &&
	    (n = fread(chunk, 1, sizeof chunk, stdin)) > 0)
		buf_add(&all, chunk, n);
	if (cmd_stop_signal != 0) {
		buf_cleanup(&all);
		return err_set(e, ERR_CANCELLED, "stdin: interrupted while "
		    "reading it; nothing was written");
	}
	/* A read cut short must not parse as a shorter command. */
	if (ferror(stdin)) {
		buf_cleanup(&all);
		return err_set(e, cmd_stop_signal != 0 ? ERR_CANCELLED :
		    ERR_IO, "stdin: %s; nothing was written",
		    cmd_stop_signal != 0 ? "interrupted while reading it" :
		    "cannot be read");
	}
	doc = json_parse(buf_cstr(&all), all.len, e);
	buf_cleanup(&all);
	if (doc == NULL) {
		err_prefix(e, "stdin: ");
		return -1;
	}
	if (doc->type != VT_M) {
		err_set(e, ERR_INPUT, "stdin: expected an UpdateCommand "
		    "object");
		goto out;
	}
	for (i = 0; i < doc->u.map.len; i++) {
		const char *name = doc->u.map.items[i].name;
		struct value **dst = NULL;

		v = doc->u.map.items[i].value;
		if (strcmp(name, "set_commands") == 0)
			dst = &u->set;
		else if (strcmp(name, "increment_attrs") == 0)
			dst = &u->incr;
		else if (strcmp(name, "append_attrs") == 0)
			dst = &u->append;
		if (dst != NULL) {
			if (v->type != VT_M) {
				err_set(e, ERR_INPUT, "stdin: %s: expected an "
				    "object", name);
				goto out;
			}
			value_free(*dst);
			*dst = value_copy(v);
		} else if (strcmp(name, "current_version") == 0) {
			if (v->type == VT_NULL)
				continue;
			if (v->type != VT_N || !number_is_integer(v->u.str.ptr,
			    v->u.str.len)) {
				err_set(e, ERR_INPUT, "stdin: current_version: "
				    "expected an integer");
				goto out;
			}
			u->version = strtoll(v->u.str.ptr, NULL, 10);
		} else if (strcmp(name, "expiry") == 0) {
			if (v->type == VT_NULL)
				continue;
			if (v->type == VT_N) {
				u->expiry = strtoll(v->u.str.ptr, NULL, 10);
			} else if (v->type != VT_S || content_parse_time(
			    v->u.str.ptr, &u->expiry, e) == -1) {
				err_set(e, ERR_INPUT, "stdin: expiry: expected "
				    "epoch seconds or an ISO-8601 date-time");
				goto out;
			}
			u->has_expiry = true;
		} else {
			err_set(e, ERR_INPUT, "stdin: unknown member \"%.64s\" "
			    "(set_commands, increment_attrs, append_attrs, "
			    "current_version, expiry)", name);
			goto out;
		}
	}
	/* Numbers within DynamoDB's limits; appended values are lists. */
	if (content_check_numbers(u->set, "stdin: set_commands", e) == -1 ||
	    content_check_numbers(u->incr, "stdin: increment_attrs", e) == -1 ||
	    content_check_numbers(u->append, "stdin: append_attrs", e) == -1)
		goto out;
	for (i = 0; i < u->append->u.map.len; i++)
		if (u->append->u.map.items[i].value->type != VT_L) {
			err_set(e, ERR_INPUT, "stdin: append_attrs.%s: "
			    "expected a list", u->append->u.map.items[i].name);
			goto out;
		}
	rc = 0;
out:
	value_free(doc);
	return rc;
}

int
cmd_update_exec(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_COMMON_LONGOPTS,
		{ "partition", required_argument, NULL, OPT_PARTITION },
		{ "content", required_argument, NULL, OPT_CONTENT },
		{ "set", required_argument, NULL, OPT_SET },
		{ "incr", required_argument, NULL, OPT_INCR },
		{ "append", required_argument, NULL, OPT_APPEND },
		{ "version", required_argument, NULL, OPT_VERSION },
		{ "expiry", required_argument, NULL, OPT_EXPIRY },
		{ "no-require-exists", no_argument, NULL,
		    OPT_NO_REQUIRE_EXISTS },
		{ NULL, 0, NULL, 0 }
	};
	const char *partition = NULL, *content = NULL;
	struct cmd_update u = { 0 };
	struct update_command uc;
	struct cmd_common cc;
	struct session s;
	struct ids pids, cids;
	bool require_exists = true, from_args = false;
	struct err e;
	int opt, rc = -1;

	err_clear(&e);
	u.set = value_new_m();
	u.incr = value_new_m();
	u.append = value_new_m();
	cmd_common_init(&cc, g);
	while ((opt = getopt_long(argc, argv, "p:", longopts, NULL)) != -1) {
		if (cmd_common_opt(&cc, opt, optarg))
			continue;
		switch (opt) {
		case OPT_PARTITION: partition = optarg; break;
		case OPT_CONTENT: content = optarg; break;
		case OPT_SET:
			from_args = true;
			if (cmd_update_set(&u, optarg, &e) == -1)
				goto usage;
			break;
		case OPT_INCR:
			from_args = true;
			if (cmd_update_incr(&u, optarg, &e) == -1)
				goto usage;
			break;
		case OPT_APPEND:
			from_args = true;
			if (cmd_update_append(&u, optarg, &e) == -1)
				goto usage;
			break;
		case OPT_VERSION:
			if (cmd_parse_long("--version", optarg, 0, &u.version,
			    &e) == -1)
				goto usage;
			break;
		case OPT_EXPIRY:
			if (content_parse_time(optarg, &u.expiry, NULL) == -1) {
				long long t;

				if (cmd_parse_long("--expiry", optarg, 0, &t,
				    &e) == -1) {
					err_set(&e, ERR_USAGE, "--expiry: "
					    "expected epoch seconds or an "
					    "ISO-8601 date-time");
					goto usage;
				}
				u.expiry = t;
			}
			u.has_expiry = true;
			/* An expiry alone is a change. */
			from_args = true;
			break;
		case OPT_NO_REQUIRE_EXISTS:
			require_exists = false;
			break;
		default:
			err_set(&e, ERR_USAGE, "unknown option %s",
			    argv[optind - 1]);
			goto usage;
		}
	}
	if (cc.help) {
		cmd_usage(cmd_find("update"), stdout);
		rc = 0;
		goto out;
	}
	if (optind < argc) {
		err_set(&e, ERR_USAGE, "unexpected argument \"%s\"",
		    argv[optind]);
		goto usage;
	}
	if (partition == NULL || content == NULL) {
		err_set(&e, ERR_USAGE, "--partition and --content are required "
		    "(use \"\" for no ids)");
		goto usage;
	}
	if (!from_args) {
		if (isatty(fileno(stdin))) {
			err_set(&e, ERR_USAGE, "nothing to change: give --set, "
			    "--incr or --append, or an UpdateCommand on stdin");
			goto usage;
		}
		if (cmd_update_stdin(&u, &e) == -1) {
			rc = cmd_fail("update", &e);
			goto out;
		}
	}
	if (session_open(&s, &cc.so, &e) == -1) {
		session_close(&s);
		rc = cmd_fail("update", &e);
		goto out;
	}
	/* With a model: values typed as the library stores them, and the
	 * command checked as the library checks it, before anything is sent. */
	if (s.schema != NULL) {
		struct value *typed;

		if (schema_type_set_commands(s.schema, u.set, NULL,
		    s.profile->allow_extra, &typed, &e) == -1) {
			session_close(&s);
			rc = cmd_fail("update", &e);
			goto out;
		}
		value_free(u.set);
		u.set = typed;
	}
	memset(&uc, 0, sizeof uc);
	uc.set_commands = u.set;
	uc.increment_attrs = u.incr;
	uc.append_attrs = u.append;
	uc.current_version = u.version;
	uc.has_expiry = u.has_expiry;
	uc.expiry = u.expiry;
	if (s.schema != NULL && schema_validate_update(s.schema, &uc,
	    s.profile->allow_extra, &e) == -1) {
		session_close(&s);
		rc = cmd_fail("update", &e);
		goto out;
	}
	ids_parse(&pids, partition);
	ids_parse(&cids, content);
	rc = cmd_stop_check(0, "before the write: nothing was written", &e);
	if (rc == 0)
		rc = repo_update(s.repo, &pids, &cids, &uc, require_exists,
		    &e);
	ids_cleanup(&pids);
	ids_cleanup(&cids);
	session_close(&s);
	rc = rc == 0 ? 0 : cmd_fail("update", &e);
	goto out;
usage:
	rc = cmd_usage_error("update", "%s", e.msg);
out:
	value_free(u.set);
	value_free(u.incr);
	value_free(u.append);
	return rc;
}
