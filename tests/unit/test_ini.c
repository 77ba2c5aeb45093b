/* SPDX-License-Identifier: ISC */
/* Tests of the INI parser: syntax, sub-sections, errors with line numbers. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "ini.h"
#include "xmalloc.h"

/* What the callbacks saw, one line per event. */
struct trace {
	struct buf	 b;
	int		 stop_at;	/* a key callback fails on this line */
};

static int
on_section(void *ctx, const char *name, const char *file, int line,
    struct err *err)
{
	struct trace *t = ctx;

	(void)err;
	buf_printf(&t->b, "S %s:%d [%s]\n", file, line,
	    name != NULL ? name : "(bad)");
	return 0;
}

static int
on_key(void *ctx, const char *section, const char *key, const char *value,
    const char *file, int line, struct err *err)
{
	struct trace *t = ctx;

	if (line == t->stop_at)
		return err_set(err, ERR_CONFIG, "no keys here");
	buf_printf(&t->b, "K %s:%d [%s] <%s>=<%s>\n", file, line, section,
	    key, value);
	return 0;
}

static int
on_error(void *ctx, const char *file, int line, const char *reason,
    struct err *err)
{
	struct trace *t = ctx;

	(void)err;
	buf_printf(&t->b, "E %s:%d %s\n", file, line, reason);
	return 0;
}

/* Parse s; return the trace (caller frees) and the result in *rc. */
static char *
parse(const char *s, int flags, bool with_error, int *rc, struct err *err)
{
	struct trace t = { BUF_INIT, 0 };
	struct ini_handler h = {
		.section = on_section,
		.key = on_key,
		.error = with_error ? on_error : NULL,
		.ctx = &t,
		.flags = flags,
	};

	*rc = ini_parse_buf(s, strlen(s), "t.ini", &h, err);
	return buf_detach(&t.b, NULL);
}

/* The fixtures directory: $DYNREPO_FIXTURES, else next to this file. */
static char *
fixture(const char *name)
{
	const char *env = getenv("DYNREPO_FIXTURES");
	const char *slash = strrchr(__FILE__, '/');

	if (env != NULL && *env != '\0')
		return xasprintf("%s/%s", env, name);
	if (slash == NULL)
		return xasprintf("fixtures/%s", name);
	return xasprintf("%.*s/fixtures/%s", (int)(slash - __FILE__),
	    __FILE__, name);
}

Test(ini, sections_keys_comments)
{
	struct err err;
	int rc;
	char *t = parse(
	    "# comment\n"
	    "; other comment\n"
	    "   # indented comment\n"
	    "\n"
	    "[ repository film-actors ]\n"
	    "table=app-data\n"
	    "  region   =   eu-west-1  \n"
	    "partitions = studio-a, studio-b#east\n"
	    "expr = a=b ; not a comment\n"
	    "empty =\n"
	    "[profile prod]\n"
	    "key = last line without newline", 0, false, &rc, &err);

	cr_assert_eq(rc, 0, "%s", err.msg);
	cr_assert_str_eq(t,
	    "S t.ini:5 [repository film-actors]\n"
	    "K t.ini:6 [repository film-actors] <table>=<app-data>\n"
	    "K t.ini:7 [repository film-actors] <region>=<eu-west-1>\n"
	    "K t.ini:8 [repository film-actors] <partitions>="
	    "<studio-a, studio-b#east>\n"
	    "K t.ini:9 [repository film-actors] <expr>=<a=b ; not a comment>\n"
	    "K t.ini:10 [repository film-actors] <empty>=<>\n"
	    "S t.ini:11 [profile prod]\n"
	    "K t.ini:12 [profile prod] <key>=<last line without newline>\n");
	free(t);
}

Test(ini, crlf_bom_and_tabs)
{
	struct err err;
	int rc;
	char *t = parse("\xef\xbb\xbf[a]\r\n\tk\t=\tv\t\r\n\r\nx = y\r\n", 0,
	    false, &rc, &err);

	cr_assert_eq(rc, 0, "%s", err.msg);
	cr_assert_str_eq(t,
	    "S t.ini:1 [a]\n"
	    "K t.ini:2 [a] <k>=<v>\n"
	    "K t.ini:4 [a] <x>=<y>\n");
	free(t);
}

Test(ini, empty_input)
{
	struct err err;
	int rc;
	char *t = parse("", 0, false, &rc, &err);

	cr_assert_eq(rc, 0);
	cr_assert_str_eq(t, "");
	free(t);
}

/* One syntax error per input: the message with its line. */
Test(ini, errors_have_file_and_line)
{
	static const struct {
		const char *in;
		const char *msg;
	} cases[] = {
		{ "[a]\nk = v\njust words\n",
		  "t.ini:3: expected 'key = value' or '[section]'" },
		{ "k = v\n", "t.ini:1: key outside of any [section]" },
		{ "\n\n[a\n", "t.ini:3: section header does not end in ']'" },
		{ "[a]\n[  ]\n", "t.ini:2: empty section name" },
		{ "[a]\n[x]y]\n", "t.ini:2: bracket inside a section name" },
		{ "[a]\n\n = v\n", "t.ini:3: missing key before '='" },
		{ "[a]\n[b] # note\n",
		  "t.ini:2: section header does not end in ']'" },
	};
	struct err err;
	size_t i;
	char *t;
	int rc;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		t = parse(cases[i].in, 0, false, &rc, &err);
		cr_assert_eq(rc, -1, "case %zu", i);
		cr_assert_eq(err.code, ERR_CONFIG, "case %zu", i);
		cr_assert_str_eq(err.msg, cases[i].msg, "case %zu", i);
		free(t);
	}
}

Test(ini, nul_byte_is_an_error)
{
	static const char in[] = "[a]\nk = v\0w\n";
	struct ini_handler h = { .key = on_key };
	struct trace t = { BUF_INIT, 0 };
	struct err err;

	h.ctx = &t;
	cr_assert_eq(ini_parse_buf(in, sizeof in - 1, "n.ini", &h, &err), -1);
	cr_assert_str_eq(err.msg, "n.ini:2: NUL byte in line");
	buf_cleanup(&t.b);
}

Test(ini, error_handler_goes_on_and_skips_bad_section)
{
	struct err err;
	int rc;
	char *t = parse(
	    "orphan = 1\n"
	    "[good]\n"
	    "a = 1\n"
	    "nonsense\n"
	    "b = 2\n"
	    "[bad\n"
	    "c = 3\n"
	    "[again]\n"
	    "d = 4\n", 0, true, &rc, &err);

	cr_assert_eq(rc, 0, "%s", err.msg);
	cr_assert_str_eq(t,
	    "E t.ini:1 key outside of any [section]\n"
	    "S t.ini:2 [good]\n"
	    "K t.ini:3 [good] <a>=<1>\n"
	    "E t.ini:4 expected 'key = value' or '[section]'\n"
	    "K t.ini:5 [good] <b>=<2>\n"
	    "S t.ini:6 [(bad)]\n"
	    "E t.ini:6 section header does not end in ']'\n"
	    "S t.ini:8 [again]\n"
	    "K t.ini:9 [again] <d>=<4>\n");
	free(t);
}

Test(ini, nested_subsections)
{
	struct err err;
	int rc;
	char *t = parse(
	    "[profile p]\n"
	    "s3 =\n"
	    "  max_concurrent_requests = 20\n"
	    "\n"
	    "  # still inside\n"
	    "\taddressing_style = path\n"
	    "region = eu-west-1\n"
	    "  indented = after a valued key\n"
	    "[services s]\n"
	    "  dynamodb =\n"
	    "    endpoint_url = http://localhost:8000\n"
	    "  other = x\n", INI_NESTED, false, &rc, &err);

	cr_assert_eq(rc, 0, "%s", err.msg);
	cr_assert_str_eq(t,
	    "S t.ini:1 [profile p]\n"
	    "K t.ini:2 [profile p] <s3>=<>\n"
	    "K t.ini:3 [profile p] <s3.max_concurrent_requests>=<20>\n"
	    "K t.ini:6 [profile p] <s3.addressing_style>=<path>\n"
	    "K t.ini:7 [profile p] <region>=<eu-west-1>\n"
	    "K t.ini:8 [profile p] <indented>=<after a valued key>\n"
	    "S t.ini:9 [services s]\n"
	    "K t.ini:10 [services s] <dynamodb>=<>\n"
	    "K t.ini:11 [services s] <dynamodb.endpoint_url>="
	    "<http://localhost:8000>\n"
	    "K t.ini:12 [services s] <other>=<x>\n");
	free(t);
}

Test(ini, nesting_needs_the_flag)
{
	struct err err;
	int rc;
	char *t = parse("[a]\ns3 =\n  x = 1\n", 0, false, &rc, &err);

	cr_assert_eq(rc, 0);
	cr_assert_str_eq(t,
	    "S t.ini:1 [a]\n"
	    "K t.ini:2 [a] <s3>=<>\n"
	    "K t.ini:3 [a] <x>=<1>\n");
	free(t);
}

Test(ini, nested_line_without_equals)
{
	struct err err;
	int rc;
	char *t = parse("[a]\ns3 =\n  oops\n", INI_NESTED, false, &rc, &err);

	cr_assert_eq(rc, -1);
	cr_assert_str_eq(err.msg,
	    "t.ini:3: expected 'key = value' or '[section]'");
	free(t);
}

Test(ini, callback_failure_stops_with_location)
{
	struct trace t = { BUF_INIT, 3 };
	struct ini_handler h = { .key = on_key, .ctx = &t };
	const char *in = "[a]\nx = 1\ny = 2\nz = 3\n";
	struct err err;

	cr_assert_eq(ini_parse_buf(in, strlen(in), "c.ini", &h, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
	cr_assert_str_eq(err.msg, "c.ini:3: no keys here");
	cr_assert_str_eq(buf_cstr(&t.b), "K c.ini:2 [a] <x>=<1>\n");
	buf_cleanup(&t.b);
}

Test(ini, file_fixture)
{
	struct trace t = { BUF_INIT, 0 };
	struct ini_handler h = {
		.section = on_section, .key = on_key, .ctx = &t,
		.flags = INI_NESTED,
	};
	char *path = fixture("ini/sample.ini"), *want;
	struct err err;

	cr_assert_eq(ini_parse_file(path, &h, &err), 0, "%s", err.msg);
	want = xasprintf(
	    "S %1$s:4 [default]\n"
	    "K %1$s:5 [default] <region>=<eu-west-1>\n"
	    "S %1$s:7 [profile prod]\n"
	    "K %1$s:8 [profile prod] <output>=<json>\n"
	    "K %1$s:9 [profile prod] <endpoint_url>="
	    "<http://127.0.0.1:8000/?a=b#c>\n"
	    "K %1$s:10 [profile prod] <s3>=<>\n"
	    "K %1$s:11 [profile prod] <s3.max_concurrent_requests>=<20>\n"
	    "K %1$s:14 [profile prod] <s3.addressing_style>=<path>\n"
	    "K %1$s:15 [profile prod] <region>=<us-east-1>\n", path);
	cr_assert_str_eq(buf_cstr(&t.b), want);
	free(want);
	free(path);
	buf_cleanup(&t.b);
}

Test(ini, file_errors)
{
	struct ini_handler h = { 0 };
	char dir[] = "/tmp/ini-test-XXXXXX", *path;
	struct err err;

	cr_assert_eq(ini_parse_file("/nonexistent/x.ini", &h, &err), -1);
	cr_assert_eq(err.code, ERR_NOT_FOUND);
	cr_assert_str_eq(err.msg,
	    "/nonexistent/x.ini: No such file or directory");

	cr_assert_not_null(mkdtemp(dir));
	cr_assert_eq(ini_parse_file(dir, &h, &err), -1);
	cr_assert_eq(err.code, ERR_IO);
	path = xasprintf("%s: is a directory", dir);
	cr_assert_str_eq(err.msg, path);
	free(path);
	rmdir(dir);
}
