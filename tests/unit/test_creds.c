/* SPDX-License-Identifier: ISC */
/* Tests of AWS credentials: every source, their order, chains, refresh. */
#include "config.h"

#include <criterion/criterion.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "creds.h"
#include "http.h"
#include "imds.h"
#include "xmalloc.h"

struct fakeenv {
	const char	*name[48];
	const char	*value[48];
	int		 n;
};

static const char *
fake_getenv(void *ctx, const char *name)
{
	struct fakeenv *e = ctx;
	int i;

	for (i = e->n - 1; i >= 0; i--)
		if (strcmp(e->name[i], name) == 0)
			return e->value[i];
	return NULL;
}

/* Set (or override: the last one wins; "" unsets) a variable. */
static void
fake_set(struct fakeenv *e, const char *name, const char *value)
{
	cr_assert_lt(e->n, 48);
	e->name[e->n] = name;
	e->value[e->n] = value;
	e->n++;
}

/* A wall clock the test sets. */
static time_t fake_now;

static void
fake_clock_now(void *ctx, struct timespec *ts)
{
	(void)ctx;
	ts->tv_sec = fake_now;
	ts->tv_nsec = 0;
}

static const struct clock_ops fake_clock = { .now = fake_clock_now };

/*
 * A fake HTTP transport: routes by method, URL and a body substring, with
 * scripted answers (the last one repeats). A body may hold one %d: the
 * route's hit count. Anything unrouted fails like a refused connection,
 * so nothing ever leaves the process.
 */
struct fake_answer {
	long		 status;	/* 0: transport failure */
	bool		 timeout;
	const char	*body;
};

struct fake_route {
	const char		*method;
	char			 url[256];
	const char		*match;		/* body substring, or NULL */
	struct fake_answer	 ans[4];
	int			 nans;
	int			 hits;
};

static struct {
	struct fake_route	 r[24];
	int			 nr;
	int			 nreq;
	struct buf		 log;		/* one line per request */
	char			 url[512];	/* the last request's */
	char			 method[8];
	struct buf		 headers;	/* "Name: value\n"... */
	struct buf		 body;
} fk;

/* Add a route with one answer; returns its index. */
static int
fake_route(const char *method, const char *url, const char *match,
    long status, const char *body)
{
	struct fake_route *r;

	cr_assert_lt(fk.nr, 24);
	r = &fk.r[fk.nr];
	memset(r, 0, sizeof *r);
	r->method = method;
	snprintf(r->url, sizeof r->url, "%s", url);
	r->match = match;
	r->ans[0] = (struct fake_answer){ status, false, body };
	r->nans = 1;
	return fk.nr++;
}

/* Add a further answer to route i. */
static void
fake_then(int i, long status, const char *body)
{
	cr_assert_lt(fk.r[i].nans, 4);
	fk.r[i].ans[fk.r[i].nans++] = (struct fake_answer){ status, false,
	    body };
}

/* The value of a header of the last request, or NULL. */
static const char *
fake_header(const char *name)
{
	static char v[4096];
	const char *p = buf_cstr(&fk.headers);
	size_t n = strlen(name);

	while (*p != '\0') {
		const char *eol = strchr(p, '\n');

		if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
			snprintf(v, sizeof v, "%.*s", (int)(eol - p - n - 2),
			    p + n + 2);
			return v;
		}
		p = eol + 1;
	}
	return NULL;
}

static int
fake_perform(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *err)
{
	struct fake_route *r = NULL;
	struct fake_answer *a;
	size_t i;
	int k;

	(void)ctx;
	http_response_reset(resp);
	fk.nreq++;
	snprintf(fk.url, sizeof fk.url, "%s", req->url);
	snprintf(fk.method, sizeof fk.method, "%s", req->method);
	buf_reset(&fk.headers);
	for (i = 0; i < req->nheaders; i++)
		buf_printf(&fk.headers, "%s: %s\n", req->headers[i].name,
		    req->headers[i].value);
	buf_reset(&fk.body);
	buf_add(&fk.body, req->body != NULL ? req->body : "", req->body_len);
	buf_printf(&fk.log, "%s %s%s\n", req->method, req->url,
	    req->no_proxy ? " (no proxy)" : "");
	for (k = 0; k < fk.nr; k++)
		if (strcmp(fk.r[k].method, req->method) == 0 &&
		    strcmp(fk.r[k].url, req->url) == 0 &&
		    (fk.r[k].match == NULL ||
		    strstr(buf_cstr(&fk.body), fk.r[k].match) != NULL)) {
			r = &fk.r[k];
			break;
		}
	if (r == NULL)
		return err_set(err, ERR_NETWORK, "%s: Couldn't connect to "
		    "server", req->url);
	a = &r->ans[r->hits < r->nans ? r->hits : r->nans - 1];
	r->hits++;
	if (a->status == 0) {
		resp->timed_out = a->timeout;
		return err_set(err, ERR_NETWORK, "%s: %s", req->url,
		    a->timeout ? "Timeout was reached" : "Couldn't connect");
	}
	resp->status = a->status;
	resp->request_sent = true;
	if (a->body != NULL) {
		const char *d = strstr(a->body, "%d");

		if (d == NULL)
			buf_adds(&resp->body, a->body);
		else {
			buf_add(&resp->body, a->body, (size_t)(d - a->body));
			buf_printf(&resp->body, "%d", r->hits);
			buf_adds(&resp->body, d + 2);
		}
	}
	return 0;
}

static struct http_ops fake_http = { .perform = fake_perform };

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

static char tmp[64];
static struct fakeenv env;

/* A temporary HOME with no AWS files; an environment holding only it. */
static void
setup(void)
{
	char *p;

	snprintf(tmp, sizeof tmp, "/tmp/creds-test-XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
	p = xasprintf("%s/.aws", tmp);
	mkdir(p, 0700);
	free(p);
	memset(&env, 0, sizeof env);
	fake_set(&env, "HOME", tmp);
	fake_now = 1893456000 - 3600;	/* an hour before 2030 */
	memset(&fk, 0, sizeof fk);
}

static int
rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	return remove(path);
}

static void
teardown(void)
{
	nftw(tmp, rm_one, 16, FTW_DEPTH | FTW_PHYS);
	buf_cleanup(&fk.log);
	buf_cleanup(&fk.headers);
	buf_cleanup(&fk.body);
}

/* Write ~/.aws/NAME (NAME is "config" or "credentials"). */
static void
aws_file(const char *name, const char *contents)
{
	char *path = xasprintf("%s/.aws/%s", tmp, name);
	FILE *f = fopen(path, "w");

	cr_assert_not_null(f);
	fputs(contents, f);
	fclose(f);
	free(path);
}

/* Write a file in the temporary directory; its path (static). */
static const char *
tmp_file(const char *name, const char *contents)
{
	static char path[8][256];
	static int next;
	char *p = path[next++ % 8];
	FILE *f;

	snprintf(p, 256, "%s/%s", tmp, name);
	f = fopen(p, "w");
	cr_assert_not_null(f);
	fputs(contents, f);
	fclose(f);
	return p;
}

/* The fixture files as ~/.aws/config and ~/.aws/credentials. */
static void
fixture_files(void)
{
	static const char *const names[] = { "config", "credentials" };
	char *rel, *src, buf[4096];
	size_t i, n;
	FILE *f;

	for (i = 0; i < 2; i++) {
		rel = xasprintf("aws/%s", names[i]);
		src = fixture(rel);
		f = fopen(src, "r");
		cr_assert_not_null(f, "%s", src);
		n = fread(buf, 1, sizeof buf - 1, f);
		buf[n] = '\0';
		fclose(f);
		aws_file(names[i], buf);
		free(src);
		free(rel);
	}
}

/* A config with credential_process running fixture `script` in [default]
 * and in [profile p]. */
static void
process_config(const char *script)
{
	char *path = fixture(script), *cfg;

	cfg = xasprintf("[default]\ncredential_process = /bin/sh %s\n\n"
	    "[profile p]\ncredential_process = /bin/sh %s\n", path, path);
	aws_file("config", cfg);
	free(cfg);
	free(path);
}

/* MFA prompt callbacks: one that answers, one that counts. */
static int mfa_calls;
static char mfa_prompt_seen[256];

static int
mfa_answer(void *ctx, const char *prompt, char *answer, size_t size,
    struct err *err)
{
	(void)err;
	mfa_calls++;
	snprintf(mfa_prompt_seen, sizeof mfa_prompt_seen, "%s", prompt);
	snprintf(answer, size, "%s", (const char *)ctx);
	return 0;
}

/* Options every test uses: the fake environment, clock and transport. */
static struct creds_options
opts(const char *aws_profile)
{
	struct creds_options o = {
		.aws_profile = aws_profile,
		.getenv_fn = fake_getenv,
		.env_ctx = &env,
		.clock = &fake_clock,
		.http = &fake_http,
	};

	return o;
}

/* Get credentials once from a new provider. */
static int
get_once(const char *aws_profile, struct creds *c, struct err *err)
{
	struct creds_options o = opts(aws_profile);
	struct creds_provider *p = creds_provider_new_ex(&o);
	int rc = creds_provider_get(p, c, err);

	creds_provider_free(p);
	return rc;
}

/* Assert that no secret of the fixtures is in a message. */
static void
assert_no_secret(const char *msg)
{
	static const char *const secrets[] = { "defaultsecret", "prodsecret",
	    "prodtoken", "configsecret", "credsonlysecret", "envsecret",
	    "envtoken", "stdoutsecret", "jsonsecret", "procsecret",
	    "rolesecret", "stssecret", "ststoken", "basesecret",
	    "webidentity.jwt", "ctrsecret", "ctrtoken", "imdssecret",
	    "imdstoken", "authtoken", "IMDSTOKEN" };
	size_t i;

	for (i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
		cr_assert_null(strstr(msg, secrets[i]), "secret in: %s", msg);
}

/* STS's answer to AssumeRole or AssumeRoleWithWebIdentity; the key id is
 * PREFIX + the route's hit count. */
static char *
sts_answer(const char *action, const char *prefix, const char *expiration)
{
	return xasprintf("<%1$sResponse xmlns=\"https://sts.amazonaws.com/"
	    "doc/2011-06-15/\">\n <%1$sResult>\n  <AssumedRoleUser><Arn>"
	    "arn:aws:sts::123456789012:assumed-role/r/s</Arn></AssumedRoleUser>"
	    "\n  <Credentials>\n   <AccessKeyId>%2$s%%d</AccessKeyId>\n"
	    "   <SecretAccessKey>stssecret</SecretAccessKey>\n"
	    "   <SessionToken>ststoken</SessionToken>\n"
	    "   <Expiration>%3$s</Expiration>\n  </Credentials>\n"
	    " </%1$sResult>\n <ResponseMetadata><RequestId>r</RequestId>"
	    "</ResponseMetadata>\n</%1$sResponse>\n", action, prefix,
	    expiration);
}

/* A metadata credentials document; key id PREFIX + hit count. */
static char *
meta_answer(const char *prefix, const char *secret, const char *token,
    const char *expiration)
{
	return xasprintf("{\"Code\": \"Success\", \"Type\": \"AWS-HMAC\", "
	    "\"AccessKeyId\": \"%s%%d\", \"SecretAccessKey\": \"%s\", "
	    "\"Token\": \"%s\", \"Expiration\": \"%s\"}", prefix, secret,
	    token, expiration);
}

#define EXP_2030	"2030-01-01T00:00:00Z"
#define STS_URL		"https://sts.eu-west-1.amazonaws.com"
#define IMDS		"http://169.254.169.254"

/* The three routes of a working IMDSv2 with role "web-role". */
static void
imds_routes(const char *base, const char *answer)
{
	char url[256];

	snprintf(url, sizeof url, "%s/latest/api/token", base);
	fake_route("PUT", url, NULL, 200, "IMDSTOKEN");
	snprintf(url, sizeof url, "%s/latest/meta-data/iam/"
	    "security-credentials/", base);
	fake_route("GET", url, NULL, 200, "web-role\n");
	snprintf(url, sizeof url, "%s/latest/meta-data/iam/"
	    "security-credentials/web-role", base);
	fake_route("GET", url, NULL, 200, answer);
}

TestSuite(creds, .init = setup, .fini = teardown);

Test(creds, environment_first)
{
	struct creds c;
	struct err err;

	fixture_files();
	fake_set(&env, "AWS_PROFILE", "prod");
	fake_set(&env, "AWS_ACCESS_KEY_ID", "AKIDENV");
	fake_set(&env, "AWS_SECRET_ACCESS_KEY", "envsecret");
	fake_set(&env, "AWS_SESSION_TOKEN", "envtoken");
	cr_assert_eq(get_once(NULL, &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "AKIDENV");
	cr_assert_str_eq(c.secret_access_key, "envsecret");
	cr_assert_str_eq(c.session_token, "envtoken");
	cr_assert_eq(c.expiration, 0);
	cr_assert_str_eq(c.source, "environment");
	creds_cleanup(&c);
	cr_assert_null(c.access_key_id);

	/* an empty token is no token */
	fake_set(&env, "AWS_SESSION_TOKEN", "");
	cr_assert_eq(get_once(NULL, &c, &err), 0);
	cr_assert_null(c.session_token);
	creds_cleanup(&c);
}

Test(creds, environment_incomplete)
{
	struct creds c;
	struct err err;

	fixture_files();
	fake_set(&env, "AWS_SECRET_ACCESS_KEY", "envsecret");
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert_str_eq(err.msg,
	    "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not");
	cr_assert_null(c.access_key_id);
}

Test(creds, explicit_profile_overrides_environment)
{
	struct creds c;
	struct err err;

	fixture_files();
	fake_set(&env, "AWS_ACCESS_KEY_ID", "AKIDENV");
	fake_set(&env, "AWS_SECRET_ACCESS_KEY", "envsecret");
	cr_assert_eq(get_once("prod", &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "AKIDPROD");
	cr_assert_str_eq(c.secret_access_key, "prodsecret");
	cr_assert_str_eq(c.session_token, "prodtoken");
	cr_assert_str_eq(c.source, "shared-credentials-file");
	creds_cleanup(&c);

	/* and the environment is no fallback for it */
	cr_assert_eq(get_once("quoted name", &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert(strstr(err.msg, "no AWS credentials found") != NULL);
	cr_assert(strstr(err.msg, "AWS_ACCESS_KEY_ID is not used") != NULL,
	    "%s", err.msg);
	cr_assert_null(strstr(err.msg, "looked in: environment"));
	assert_no_secret(err.msg);
}

Test(creds, aws_profile_variable_and_default)
{
	struct creds c;
	struct err err;

	fixture_files();
	cr_assert_eq(get_once(NULL, &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "AKIDDEFAULT");
	cr_assert_null(c.session_token);
	cr_assert_str_eq(c.source, "shared-credentials-file");
	creds_cleanup(&c);

	fake_set(&env, "AWS_PROFILE", "prod");
	cr_assert_eq(get_once(NULL, &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "AKIDPROD");
	creds_cleanup(&c);

	fake_set(&env, "AWS_PROFILE", "nobody");
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert(strstr(err.msg, "AWS profile 'nobody' (named by "
	    "AWS_PROFILE) is in neither") != NULL, "%s", err.msg);
}

Test(creds, config_file_keys)
{
	struct creds c;
	struct err err;

	fixture_files();
	cr_assert_eq(get_once("cfgkeys", &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "AKIDCONFIG");
	cr_assert_str_eq(c.secret_access_key, "configsecret");
	cr_assert_str_eq(c.source, "config-file");
	creds_cleanup(&c);
}

Test(creds, file_order_credentials_process_config)
{
	char *script = fixture("aws/process_ok.sh"), *cfg;
	struct creds c;
	struct err err;

	cfg = xasprintf(
	    "[profile both]\n"
	    "credential_process = /bin/sh %1$s\n"
	    "[profile proc-and-config-keys]\n"
	    "aws_access_key_id = AKIDCONFIG\n"
	    "aws_secret_access_key = configsecret\n"
	    "credential_process = /bin/sh %1$s\n", script);
	aws_file("config", cfg);
	aws_file("credentials", "[both]\naws_access_key_id = AKIDFILE\n"
	    "aws_secret_access_key = filesecret\n");
	cr_assert_eq(get_once("both", &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "AKIDFILE");
	cr_assert_str_eq(c.source, "shared-credentials-file");
	creds_cleanup(&c);
	/* botocore's order: credential_process before config file keys */
	cr_assert_eq(get_once("proc-and-config-keys", &c, &err), 0, "%s",
	    err.msg);
	cr_assert_str_eq(c.access_key_id, "AKIDPROC1");
	cr_assert_str_eq(c.source, "credential_process");
	creds_cleanup(&c);
	free(cfg);
	free(script);
}

Test(creds, explicit_profile_missing)
{
	struct creds c;
	struct err err;
	char *want;

	fixture_files();
	cr_assert_eq(get_once("nobody", &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	want = xasprintf("AWS profile 'nobody' (named by the repository's "
	    "aws_profile) is in neither %1$s/.aws/config nor "
	    "%1$s/.aws/credentials", tmp);
	cr_assert_str_eq(err.msg, want);
	free(want);
}

Test(creds, nothing_found_lists_places)
{
	struct creds c;
	struct err err;
	char *want;

	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	want = xasprintf("no AWS credentials found; looked in: environment "
	    "(AWS_ACCESS_KEY_ID), %1$s/.aws/credentials [default] "
	    "(aws_access_key_id), %1$s/.aws/config [default] "
	    "(credential_process, aws_access_key_id), container credentials "
	    "(AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are not "
	    "set), instance metadata (http://169.254.169.254): "
	    "http://169.254.169.254/latest/api/token: Couldn't connect to "
	    "server", tmp);
	cr_assert_str_eq(err.msg, want);
	free(want);
	/* the token request only, never through a proxy */
	cr_assert_str_eq(buf_cstr(&fk.log), "PUT "
	    "http://169.254.169.254/latest/api/token (no proxy)\n");

	fake_set(&env, "AWS_EC2_METADATA_DISABLED", "TRUE");
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert(strstr(err.msg, "(credential_process, aws_access_key_id), "
	    "container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and "
	    "_FULL_URI are not set), instance metadata "
	    "(AWS_EC2_METADATA_DISABLED is true)") != NULL, "%s", err.msg);
	cr_assert_eq(fk.nreq, 1);
}

Test(creds, incomplete_file_keys)
{
	struct creds c;
	struct err err;
	char *want;

	aws_file("credentials", "[default]\n"
	    "aws_secret_access_key = defaultsecret\n");
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	want = xasprintf("%s/.aws/credentials: AWS profile 'default' has "
	    "aws_secret_access_key but not aws_access_key_id", tmp);
	cr_assert_str_eq(err.msg, want);
	free(want);
}

Test(creds, sso_is_not_supported)
{
	struct creds c;
	struct err err;

	aws_file("config",
	    "[profile sso]\n"
	    "sso_session = corp\n"
	    "sso_account_id = 123456789012\n"
	    "[sso-session corp]\n"
	    "sso_start_url = https://example.awsapps.com/start\n");
	aws_file("credentials", "[sso]\naws_access_key_id = AKIDROLE\n"
	    "aws_secret_access_key = rolesecret\n");
	cr_assert_eq(get_once("sso", &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert_str_eq(err.msg, "AWS profile 'sso': SSO (sso_session) is "
	    "not supported yet; use credential_process = aws configure "
	    "export-credentials --profile sso --format process");
	assert_no_secret(err.msg);
	cr_assert_eq(fk.nreq, 0);
}

Test(creds, broken_config_file)
{
	struct creds c;
	struct err err;

	aws_file("config", "[default]\nregion\n");
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
	cr_assert(strstr(err.msg, "/.aws/config:2: expected 'key = value'")
	    != NULL, "%s", err.msg);
	/* environment credentials do not need the files */
	fake_set(&env, "AWS_ACCESS_KEY_ID", "AKIDENV");
	fake_set(&env, "AWS_SECRET_ACCESS_KEY", "envsecret");
	cr_assert_eq(get_once(NULL, &c, &err), 0);
	creds_cleanup(&c);
}

Test(creds, process_success)
{
	struct creds c;
	struct err err;

	process_config("aws/process_ok.sh");
	cr_assert_eq(get_once(NULL, &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "AKIDPROC1");
	cr_assert_str_eq(c.secret_access_key, "procsecret1");
	cr_assert_str_eq(c.session_token, "proctoken");
	cr_assert_eq(c.expiration, 4070908800);
	cr_assert_str_eq(c.source, "credential_process");
	creds_cleanup(&c);
}

Test(creds, process_failure_shows_stderr_not_stdout)
{
	struct creds c;
	struct err err;

	process_config("aws/process_fail.sh");
	cr_assert_eq(get_once("p", &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert_str_eq(err.msg, "AWS profile 'p': credential_process exited "
	    "with status 1: Error loading SSO Token: token expired; run aws "
	    "sso login");
	cr_assert_null(strstr(err.msg, "AKIDLEAK"));
	assert_no_secret(err.msg);
}

Test(creds, process_bad_json)
{
	struct creds c;
	struct err err;

	process_config("aws/process_badjson.sh");
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert(strstr(err.msg, "credential_process output is not valid "
	    "JSON") != NULL, "%s", err.msg);
	assert_no_secret(err.msg);
	cr_assert_null(strstr(err.msg, "AKIDBAD"));
}

Test(creds, process_timeout)
{
	struct creds_options o = {
		.getenv_fn = fake_getenv,
		.env_ctx = &env,
		.process_timeout_ms = 300,
		.http = &fake_http,
	};
	struct creds_provider *p;
	struct timespec t0, t1;
	struct creds c;
	struct err err;

	process_config("aws/process_slow.sh");
	p = creds_provider_new_ex(&o);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(creds_provider_get(p, &c, &err), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert_str_eq(err.msg, "AWS profile 'default': credential_process "
	    "did not finish within 300 ms");
	cr_assert_lt(t1.tv_sec - t0.tv_sec, 5);
	creds_provider_free(p);
}

Test(creds, process_that_closes_its_output_and_lingers)
{
	struct creds_options o = {
		.getenv_fn = fake_getenv,
		.env_ctx = &env,
		.process_timeout_ms = 300,
		.http = &fake_http,
	};
	struct creds_provider *p;
	struct timespec t0, t1;
	struct creds c;
	struct err err;

	process_config("aws/process_lingers.sh");
	p = creds_provider_new_ex(&o);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	cr_assert_eq(creds_provider_get(p, &c, &err), -1);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	cr_assert_str_eq(err.msg, "AWS profile 'default': credential_process "
	    "did not finish within 300 ms");
	cr_assert_lt(t1.tv_sec - t0.tv_sec, 5);
	creds_provider_free(p);
}

Test(creds, static_credentials_are_cached)
{
	struct creds_provider *p;
	struct creds c;
	struct err err;

	fake_set(&env, "AWS_ACCESS_KEY_ID", "AKIDENV");
	fake_set(&env, "AWS_SECRET_ACCESS_KEY", "envsecret");
	p = creds_provider_new(NULL, fake_getenv, &env);
	cr_assert_eq(creds_provider_get(p, &c, &err), 0);
	creds_cleanup(&c);
	fake_set(&env, "AWS_ACCESS_KEY_ID", "AKIDLATER");
	cr_assert_eq(creds_provider_get(p, &c, &err), 0);
	cr_assert_str_eq(c.access_key_id, "AKIDENV");
	creds_cleanup(&c);
	creds_provider_free(p);
}

Test(creds, process_refreshed_near_expiry)
{
	struct creds_options o = opts(NULL);
	char *counter = xasprintf("%s/counter", tmp);
	struct creds_provider *p;
	struct creds c;
	struct err err;

	process_config("aws/process_ok.sh");
	setenv("CREDS_TEST_COUNTER", counter, 1);
	setenv("CREDS_TEST_EXPIRATION", "2030-01-01T00:00:00Z", 1);
	p = creds_provider_new_ex(&o);

	fake_now = 1893456000 - 3600;
	cr_assert_eq(creds_provider_get(p, &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "AKIDPROC1");
	cr_assert_eq(c.expiration, 1893456000);
	creds_cleanup(&c);

	/* ten minutes before: the cached ones */
	fake_now = 1893456000 - 600;
	cr_assert_eq(creds_provider_get(p, &c, &err), 0);
	cr_assert_str_eq(c.access_key_id, "AKIDPROC1");
	creds_cleanup(&c);

	/* within five minutes: run again */
	fake_now = 1893456000 - 299;
	cr_assert_eq(creds_provider_get(p, &c, &err), 0);
	cr_assert_str_eq(c.access_key_id, "AKIDPROC2");
	cr_assert_str_eq(c.secret_access_key, "procsecret2");
	creds_cleanup(&c);

	/* a failed refresh keeps the old ones while they last */
	setenv("CREDS_TEST_FAIL", "1", 1);
	cr_assert_eq(creds_provider_get(p, &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "AKIDPROC2");
	creds_cleanup(&c);
	fake_now = 1893456000;
	cr_assert_eq(creds_provider_get(p, &c, &err), -1);
	cr_assert_str_eq(err.msg, "AWS profile 'default': credential_process "
	    "exited with status 3: failing as asked");
	creds_provider_free(p);
	free(counter);
}

Test(creds, process_expired_credentials_refused)
{
	struct creds c;
	struct err err;

	process_config("aws/process_ok.sh");
	setenv("CREDS_TEST_EXPIRATION", "2029-12-31T22:59:59+00:00", 1);
	fake_now = 1893456000 - 3600;
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert_str_eq(err.msg, "AWS profile 'default': credential_process "
	    "returned credentials that expired at 2029-12-31T22:59:59+00:00");
}

Test(creds, parse_time)
{
	static const struct {
		const char *s;
		time_t t;
	} good[] = {
		{ "2026-11-25T09:14:03Z", 1795598043 },
		{ "2026-11-25T09:14:03.512345Z", 1795598043 },
		{ "2026-11-25T10:14:03+01:00", 1795598043 },
		{ "2026-11-25T07:44:03-0130", 1795598043 },
		{ "2026-11-25t09:14:03z", 1795598043 },
		{ "2024-02-29T23:59:59+00:00", 1709251199 },
		{ "1970-01-01T00:00:00Z", 0 },
	};
	static const char *const bad[] = {
		"", "2026-11-25", "2026-11-25T09:14:03", "2026-13-01T00:00:00Z",
		"2026-02-30T00:00:00Z", "2026-11-25T24:00:00Z",
		"2026-11-25T09:14:03Zjunk", "2026-11-25T09:14:03.Z",
		"2026-11-25T09:14:03+1", "26-11-25T09:14:03Z",
	};
	time_t t;
	size_t i;

	for (i = 0; i < sizeof good / sizeof good[0]; i++) {
		cr_assert_eq(creds_parse_time(good[i].s, &t), 0, "%s",
		    good[i].s);
		cr_assert_eq(t, good[i].t, "%s", good[i].s);
	}
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++)
		cr_assert_eq(creds_parse_time(bad[i], &t), -1, "%s", bad[i]);
}

Test(creds, parse_process_output)
{
	static const struct {
		const char *json;
		const char *msg;
	} bad[] = {
		{ "[]", "credential_process output is not a JSON object" },
		{ "{\"Version\": 2, \"AccessKeyId\": \"A\", "
		  "\"SecretAccessKey\": \"jsonsecret\"}",
		  "credential_process output: Version must be 1" },
		{ "{\"Version\": 1, \"AccessKeyId\": \"A\"}",
		  "credential_process output: SecretAccessKey is missing or "
		  "not a non-empty string" },
		{ "{\"Version\": 1, \"AccessKeyId\": \"\", "
		  "\"SecretAccessKey\": \"jsonsecret\"}",
		  "credential_process output: AccessKeyId is missing or not a "
		  "non-empty string" },
		{ "{\"Version\": 1, \"AccessKeyId\": \"A\", "
		  "\"SecretAccessKey\": \"jsonsecret\", \"Expiration\": 5}",
		  "credential_process output: Expiration is not an ISO-8601 "
		  "time" },
		{ "{\"Version\": 1, \"AccessKeyId\": \"A\", "
		  "\"SecretAccessKey\": \"jsonsecret\", \"SessionToken\": 1}",
		  "credential_process output: SessionToken is not a string" },
		{ "{\"Version\": 1, \"Version\": 1}",
		  "credential_process output is not valid JSON (line 1, "
		  "column 24)" },
	};
	static const char ok[] = "{\"Version\": 1, \"AccessKeyId\": \"A\", "
	    "\"SecretAccessKey\": \"S\", \"SessionToken\": null, "
	    "\"Expiration\": null}";
	struct creds c;
	struct err err;
	size_t i;

	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		cr_assert_eq(creds_parse_process_output(bad[i].json,
		    strlen(bad[i].json), 0, &c, &err), -1, "%zu", i);
		cr_assert_eq(err.code, ERR_AUTH);
		cr_assert_str_eq(err.msg, bad[i].msg, "%zu", i);
	}
	cr_assert_eq(creds_parse_process_output(ok, strlen(ok), 0, &c, &err),
	    0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "A");
	cr_assert_str_eq(c.secret_access_key, "S");
	cr_assert_null(c.session_token);
	cr_assert_eq(c.expiration, 0);
	creds_cleanup(&c);
}

Test(creds, copy)
{
	struct creds a, b;

	memset(&a, 0, sizeof a);
	a.access_key_id = xstrdup("AKID");
	a.secret_access_key = xstrdup("s");
	a.expiration = 42;
	snprintf(a.source, sizeof a.source, "environment");
	creds_copy(&b, &a);
	creds_cleanup(&a);
	cr_assert_str_eq(b.access_key_id, "AKID");
	cr_assert_str_eq(b.secret_access_key, "s");
	cr_assert_null(b.session_token);
	cr_assert_eq(b.expiration, 42);
	cr_assert_str_eq(b.source, "environment");
	creds_cleanup(&b);
	creds_cleanup(NULL);
	creds_provider_free(NULL);
}

/* ---- assume role ------------------------------------------------------ */

Test(creds, assume_role_from_source_profile)
{
	char *answer = sts_answer("AssumeRole", "ASIADEV", EXP_2030), *want;
	const char *auth;
	struct creds c;
	struct err err;

	aws_file("config",
	    "[profile dev]\n"
	    "role_arn = arn:aws:iam::123456789012:role/dev\n"
	    "source_profile = base\n"
	    "external_id = ext-123\n"
	    "role_session_name = alice\n"
	    "duration_seconds = 1800\n"
	    "region = eu-west-1\n");
	aws_file("credentials", "[base]\naws_access_key_id = AKIDBASE\n"
	    "aws_secret_access_key = basesecret\n");
	fake_route("POST", STS_URL, "Action=AssumeRole&", 200, answer);
	cr_assert_eq(get_once("dev", &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "ASIADEV1");
	cr_assert_str_eq(c.secret_access_key, "stssecret");
	cr_assert_str_eq(c.session_token, "ststoken");
	cr_assert_eq(c.expiration, 1893456000);
	cr_assert_str_eq(c.source, "assume-role");
	want = xasprintf("role arn:aws:iam::123456789012:role/dev of AWS "
	    "profile 'dev', from shared-credentials-file: "
	    "%s/.aws/credentials [base]", tmp);
	cr_assert_str_eq(c.detail, want);
	free(want);
	creds_cleanup(&c);

	cr_assert_eq(fk.nreq, 1);
	cr_assert_str_eq(fk.method, "POST");
	cr_assert_str_eq(buf_cstr(&fk.body), "Action=AssumeRole&"
	    "Version=2011-06-15&"
	    "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdev&"
	    "RoleSessionName=alice&DurationSeconds=1800&ExternalId=ext-123");
	cr_assert_str_eq(fake_header("Content-Type"),
	    "application/x-www-form-urlencoded; charset=utf-8");
	cr_assert_str_eq(fake_header("Host"), "sts.eu-west-1.amazonaws.com");
	cr_assert_str_eq(fake_header("X-Amz-Date"), "20291231T230000Z");
	cr_assert_null(fake_header("X-Amz-Security-Token"));
	auth = fake_header("Authorization");
	cr_assert_not_null(auth);
	cr_assert(strncmp(auth, "AWS4-HMAC-SHA256 Credential=AKIDBASE/"
	    "20291231/eu-west-1/sts/aws4_request, SignedHeaders=content-type;"
	    "host;x-amz-date, Signature=", 120) == 0, "%s", auth);
	free(answer);
}

Test(creds, assume_role_default_session_name)
{
	char *answer = sts_answer("AssumeRole", "ASIADEV", EXP_2030);
	struct creds c;
	struct err err;

	aws_file("config", "[default]\n"
	    "role_arn = arn:aws:iam::123456789012:role/dev\n"
	    "source_profile = base\n");
	aws_file("credentials", "[base]\naws_access_key_id = AKIDBASE\n"
	    "aws_secret_access_key = basesecret\n");
	fake_set(&env, "AWS_REGION", "eu-west-1");
	fake_route("POST", STS_URL, NULL, 200, answer);
	cr_assert_eq(get_once(NULL, &c, &err), 0, "%s", err.msg);
	creds_cleanup(&c);
	cr_assert_str_eq(buf_cstr(&fk.body), "Action=AssumeRole&"
	    "Version=2011-06-15&"
	    "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdev&"
	    "RoleSessionName=dynrepo-session-1893452400");
	free(answer);
}

Test(creds, assume_role_chain)
{
	char *a = sts_answer("AssumeRole", "ASIAA", EXP_2030);
	char *b = sts_answer("AssumeRole", "ASIAB", EXP_2030);
	const char *auth;
	struct creds c;
	struct err err;

	aws_file("config",
	    "[profile a]\n"
	    "role_arn = arn:aws:iam::111111111111:role/A\n"
	    "source_profile = b\n"
	    "[profile b]\n"
	    "role_arn = arn:aws:iam::222222222222:role/B\n"
	    "source_profile = c\n"
	    "role_session_name = from-c\n");
	aws_file("credentials", "[c]\naws_access_key_id = AKIDC\n"
	    "aws_secret_access_key = basesecret\n");
	fake_set(&env, "AWS_REGION", "eu-west-1");
	fake_route("POST", STS_URL, "role%2FA", 200, a);
	fake_route("POST", STS_URL, "role%2FB", 200, b);
	cr_assert_eq(get_once("a", &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "ASIAA1");
	cr_assert_str_eq(c.source, "assume-role");
	cr_assert(strstr(c.detail, "role arn:aws:iam::111111111111:role/A of "
	    "AWS profile 'a', from assume-role: role "
	    "arn:aws:iam::222222222222:role/B of AWS profile 'b', from "
	    "shared-credentials-file") != NULL, "%s", c.detail);
	creds_cleanup(&c);
	/* B first, with c's keys; then A with B's session */
	cr_assert_eq(fk.nreq, 2);
	cr_assert_eq(fk.r[1].hits, 1);
	cr_assert(strstr(buf_cstr(&fk.body), "role%2FA") != NULL);
	auth = fake_header("Authorization");
	cr_assert(strstr(auth, "Credential=ASIAB1/") != NULL, "%s", auth);
	cr_assert(strstr(auth, "SignedHeaders=content-type;host;x-amz-date;"
	    "x-amz-security-token,") != NULL, "%s", auth);
	cr_assert_str_eq(fake_header("X-Amz-Security-Token"), "ststoken");
	free(a);
	free(b);
}

Test(creds, source_profile_loops_and_self_reference)
{
	char *answer = sts_answer("AssumeRole", "ASIASELF", EXP_2030), *want;
	struct creds c;
	struct err err;

	aws_file("config",
	    "[profile a]\nrole_arn = arn:aws:iam::1:role/A\n"
	    "source_profile = b\n"
	    "[profile b]\nrole_arn = arn:aws:iam::1:role/B\n"
	    "source_profile = c\n"
	    "[profile c]\nrole_arn = arn:aws:iam::1:role/C\n"
	    "source_profile = a\n"
	    "[profile n]\nrole_arn = arn:aws:iam::1:role/N\n"
	    "source_profile = n\n"
	    "[profile s]\nrole_arn = arn:aws:iam::1:role/S\n"
	    "source_profile = s\n"
	    "[profile x]\nrole_arn = arn:aws:iam::1:role/X\n"
	    "source_profile = ghost\n");
	aws_file("credentials", "[s]\naws_access_key_id = AKIDSELF\n"
	    "aws_secret_access_key = basesecret\n");
	fake_set(&env, "AWS_REGION", "eu-west-1");
	fake_route("POST", STS_URL, NULL, 200, answer);

	cr_assert_eq(get_once("a", &c, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
	cr_assert_str_eq(err.msg, "AWS profile 'c': source_profile loop: "
	    "a -> b -> c -> a");
	cr_assert_eq(get_once("b", &c, &err), -1);
	cr_assert_str_eq(err.msg, "AWS profile 'a': source_profile loop: "
	    "b -> c -> a -> b");
	/* naming itself without keys of its own is a loop too */
	cr_assert_eq(get_once("n", &c, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
	cr_assert_str_eq(err.msg, "AWS profile 'n': source_profile loop: "
	    "n -> n");
	cr_assert_eq(get_once("x", &c, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
	want = xasprintf("AWS profile 'x': its source_profile 'ghost' is in "
	    "neither %1$s/.aws/config nor %1$s/.aws/credentials", tmp);
	cr_assert_str_eq(err.msg, want);
	free(want);
	cr_assert_eq(fk.nreq, 0);

	/* with keys, naming itself assumes its own role with them */
	cr_assert_eq(get_once("s", &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "ASIASELF1");
	creds_cleanup(&c);
	cr_assert(strstr(fake_header("Authorization"), "Credential=AKIDSELF/")
	    != NULL);
	free(answer);
}

Test(creds, role_configuration_errors)
{
	struct creds c;
	struct err err;
	char *want;

	aws_file("config",
	    "[profile both]\nrole_arn = arn:aws:iam::1:role/A\n"
	    "source_profile = base\ncredential_source = Environment\n"
	    "[profile neither]\nrole_arn = arn:aws:iam::1:role/A\n"
	    "[profile badsource]\nrole_arn = arn:aws:iam::1:role/A\n"
	    "credential_source = Laptop\n"
	    "[profile badduration]\nrole_arn = arn:aws:iam::1:role/A\n"
	    "source_profile = base\nduration_seconds = 60\n"
	    "[profile nokeys]\nrole_arn = arn:aws:iam::1:role/A\n"
	    "source_profile = empty\n"
	    "[profile empty]\nregion = eu-west-1\n");
	aws_file("credentials", "[base]\naws_access_key_id = AKIDBASE\n"
	    "aws_secret_access_key = basesecret\n");
	cr_assert_eq(get_once("both", &c, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
	cr_assert_str_eq(err.msg, "AWS profile 'both' has both source_profile "
	    "and credential_source");
	cr_assert_eq(get_once("neither", &c, &err), -1);
	cr_assert_str_eq(err.msg, "AWS profile 'neither' has role_arn but "
	    "neither source_profile nor credential_source");
	cr_assert_eq(get_once("badsource", &c, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
	cr_assert_str_eq(err.msg, "AWS profile 'badsource': credential_source "
	    "'Laptop' is not Environment, Ec2InstanceMetadata or "
	    "EcsContainer");
	cr_assert_eq(get_once("badduration", &c, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
	want = xasprintf("%s/.aws/config:13: duration_seconds: '60' is not a "
	    "number of seconds from 900 to 43200", tmp);
	cr_assert_str_eq(err.msg, want);
	free(want);
	cr_assert_eq(get_once("nokeys", &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert_str_eq(err.msg, "AWS profile 'nokeys': its source_profile "
	    "'empty' has no credentials");
	cr_assert_eq(fk.nreq, 0);
}

Test(creds, credential_source_environment)
{
	char *answer = sts_answer("AssumeRole", "ASIAENVROLE", EXP_2030);
	struct creds c;
	struct err err;

	aws_file("config", "[profile r]\nrole_arn = arn:aws:iam::1:role/R\n"
	    "credential_source = Environment\nregion = eu-west-1\n");
	fake_route("POST", STS_URL, NULL, 200, answer);
	/* no keys in the environment */
	cr_assert_eq(get_once("r", &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert_str_eq(err.msg, "AWS profile 'r': credential_source "
	    "Environment found no credentials");
	/* an explicit profile still reads them for credential_source */
	fake_set(&env, "AWS_ACCESS_KEY_ID", "AKIDENV");
	fake_set(&env, "AWS_SECRET_ACCESS_KEY", "envsecret");
	fake_set(&env, "AWS_SESSION_TOKEN", "envtoken");
	cr_assert_eq(get_once("r", &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "ASIAENVROLE1");
	cr_assert(strstr(c.detail, "from environment: AWS_ACCESS_KEY_ID")
	    != NULL, "%s", c.detail);
	creds_cleanup(&c);
	cr_assert(strstr(fake_header("Authorization"), "Credential=AKIDENV/")
	    != NULL);
	cr_assert_str_eq(fake_header("X-Amz-Security-Token"), "envtoken");
	free(answer);
}

Test(creds, credential_source_metadata)
{
	char *answer = sts_answer("AssumeRole", "ASIAROLE", EXP_2030);
	char *meta = meta_answer("ASIAIMDS", "imdssecret", "imdstoken",
	    EXP_2030);
	char *ctr = meta_answer("ASIACTR", "ctrsecret", "ctrtoken", EXP_2030);
	struct creds c;
	struct err err;

	aws_file("config",
	    "[profile ec2]\nrole_arn = arn:aws:iam::1:role/R\n"
	    "credential_source = Ec2InstanceMetadata\nregion = eu-west-1\n"
	    "[profile ecs]\nrole_arn = arn:aws:iam::1:role/R\n"
	    "credential_source = EcsContainer\nregion = eu-west-1\n");
	fake_route("POST", STS_URL, NULL, 200, answer);
	/* nothing there yet */
	cr_assert_eq(get_once("ec2", &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert_str_eq(err.msg, "AWS profile 'ec2': credential_source "
	    "Ec2InstanceMetadata found no credentials: instance metadata "
	    "(http://169.254.169.254): http://169.254.169.254/latest/api/"
	    "token: Couldn't connect to server");
	cr_assert_eq(get_once("ecs", &c, &err), -1);
	cr_assert_str_eq(err.msg, "AWS profile 'ecs': credential_source "
	    "EcsContainer found no credentials");

	imds_routes(IMDS, meta);
	cr_assert_eq(get_once("ec2", &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "ASIAROLE1");
	creds_cleanup(&c);
	cr_assert(strstr(fake_header("Authorization"), "Credential=ASIAIMDS1/")
	    != NULL);
	cr_assert_str_eq(fake_header("X-Amz-Security-Token"), "imdstoken");

	fake_set(&env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/c");
	fake_set(&env, "DYNREPO_TEST_CONTAINER_HOST", "127.0.0.1:4242");
	fake_route("GET", "http://127.0.0.1:4242/v2/c", NULL, 200, ctr);
	cr_assert_eq(get_once("ecs", &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "ASIAROLE2");
	creds_cleanup(&c);
	cr_assert(strstr(fake_header("Authorization"), "Credential=ASIACTR1/")
	    != NULL);
	free(answer);
	free(meta);
	free(ctr);
}

Test(creds, mfa_prompt)
{
	char *answer = sts_answer("AssumeRole", "ASIAMFA", EXP_2030);
	struct creds_options o = opts("mfa");
	struct creds_provider *p;
	struct creds c;
	struct err err;

	aws_file("config", "[profile mfa]\nrole_arn = arn:aws:iam::1:role/R\n"
	    "source_profile = base\nregion = eu-west-1\n"
	    "mfa_serial = arn:aws:iam::123456789012:mfa/alice\n");
	aws_file("credentials", "[base]\naws_access_key_id = AKIDBASE\n"
	    "aws_secret_access_key = basesecret\n");
	fake_route("POST", STS_URL, NULL, 200, answer);
	/* nobody to ask */
	cr_assert_eq(get_once("mfa", &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert_str_eq(err.msg, "AWS profile 'mfa' has mfa_serial "
	    "arn:aws:iam::123456789012:mfa/alice: an MFA code is needed and "
	    "nothing here can ask for it");
	cr_assert_eq(fk.nreq, 0);

	o.mfa_prompt = mfa_answer;
	o.mfa_ctx = (void *)"12ab56";
	p = creds_provider_new_ex(&o);
	cr_assert_eq(creds_provider_get(p, &c, &err), -1);
	cr_assert_str_eq(err.msg, "AWS profile 'mfa': the MFA code must be 6 "
	    "digits");
	creds_provider_free(p);

	o.mfa_ctx = (void *)"123456";
	mfa_calls = 0;
	p = creds_provider_new_ex(&o);
	cr_assert_eq(creds_provider_get(p, &c, &err), 0, "%s", err.msg);
	creds_cleanup(&c);
	cr_assert_str_eq(mfa_prompt_seen, "Enter MFA code for "
	    "arn:aws:iam::123456789012:mfa/alice: ");
	cr_assert(strstr(buf_cstr(&fk.body), "&SerialNumber=arn%3Aaws%3Aiam"
	    "%3A%3A123456789012%3Amfa%2Falice&TokenCode=123456") != NULL,
	    "%s", buf_cstr(&fk.body));
	/* cached: no second prompt; asked again at the refresh */
	cr_assert_eq(creds_provider_get(p, &c, &err), 0);
	creds_cleanup(&c);
	cr_assert_eq(mfa_calls, 1);
	fake_now = 1893456000 - 299;
	cr_assert_eq(creds_provider_get(p, &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "ASIAMFA2");
	creds_cleanup(&c);
	cr_assert_eq(mfa_calls, 2);
	creds_provider_free(p);
	free(answer);
}

Test(creds, sessions_of_one_process_share_an_assumed_role)
{
	char *answer = sts_answer("AssumeRole", "ASIAMFA", EXP_2030);
	char *later = sts_answer("AssumeRole", "ASIAMFA",
	    "2030-01-01T01:00:00Z");
	struct creds_options o = opts("mfa");
	struct creds_provider *p[4];
	struct creds c;
	struct err err;
	int i, r;

	aws_file("config", "[profile mfa]\nrole_arn = arn:aws:iam::1:role/R\n"
	    "source_profile = base\nregion = eu-west-1\n"
	    "mfa_serial = arn:aws:iam::123456789012:mfa/alice\n"
	    "[profile other]\nrole_arn = arn:aws:iam::1:role/R\n"
	    "source_profile = base\nregion = eu-west-1\n");
	aws_file("credentials", "[base]\naws_access_key_id = AKIDBASE\n"
	    "aws_secret_access_key = basesecret\n");
	r = fake_route("POST", STS_URL, NULL, 200, answer);
	fake_then(r, 200, answer);
	fake_then(r, 200, later);
	o.mfa_prompt = mfa_answer;
	o.mfa_ctx = (void *)"123456";
	mfa_calls = 0;
	/* check --segments 4: four sessions, one AssumeRole, one code */
	for (i = 0; i < 4; i++) {
		p[i] = creds_provider_new_ex(&o);
		cr_assert_eq(creds_provider_get(p[i], &c, &err), 0, "%s",
		    err.msg);
		cr_assert_str_eq(c.access_key_id, "ASIAMFA1");
		creds_cleanup(&c);
	}
	cr_assert_eq(fk.nreq, 1);
	cr_assert_eq(mfa_calls, 1);
	/* another profile is another role */
	cr_assert_eq(get_once("other", &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "ASIAMFA2");
	creds_cleanup(&c);
	/* near expiry, the first to ask renews it for all */
	fake_now = 1893456000 - 299;
	for (i = 0; i < 4; i++) {
		cr_assert_eq(creds_provider_get(p[i], &c, &err), 0, "%s",
		    err.msg);
		cr_assert_str_eq(c.access_key_id, "ASIAMFA3");
		creds_cleanup(&c);
		creds_provider_free(p[i]);
	}
	cr_assert_eq(fk.nreq, 3);
	cr_assert_eq(mfa_calls, 2);
	free(answer);
	free(later);
}

/* The STS URL and scope region one AssumeRole went to. */
static void
sts_target(const char *want_url, const char *want_scope)
{
	const char *auth = fake_header("Authorization");

	cr_assert_str_eq(fk.url, want_url);
	cr_assert_not_null(auth);
	cr_assert(strstr(auth, want_scope) != NULL, "%s", auth);
}

Test(creds, sts_endpoints)
{
	char *answer = sts_answer("AssumeRole", "ASIAX", EXP_2030);
	struct creds_options o = opts("r");
	struct creds_provider *p;
	struct creds c;
	struct err err;

	aws_file("config", "[profile r]\nrole_arn = arn:aws:iam::1:role/R\n"
	    "source_profile = base\nregion = us-east-1\n"
	    "[profile legacy]\nrole_arn = arn:aws:iam::1:role/R\n"
	    "source_profile = base\nregion = us-east-1\n"
	    "sts_regional_endpoints = legacy\n"
	    "[profile legacy-far]\nrole_arn = arn:aws:iam::1:role/R\n"
	    "source_profile = base\nregion = af-south-1\n"
	    "sts_regional_endpoints = legacy\n"
	    "[profile noregion]\nrole_arn = arn:aws:iam::1:role/R\n"
	    "source_profile = base\n"
	    "[profile bad]\nrole_arn = arn:aws:iam::1:role/R\n"
	    "source_profile = base\nsts_regional_endpoints = sometimes\n");
	aws_file("credentials", "[base]\naws_access_key_id = AKIDBASE\n"
	    "aws_secret_access_key = basesecret\n");
	fake_route("POST", "https://sts.us-east-1.amazonaws.com", NULL, 200,
	    answer);
	fake_route("POST", "https://sts.amazonaws.com", NULL, 200, answer);
	fake_route("POST", "https://sts.af-south-1.amazonaws.com", NULL, 200,
	    answer);
	fake_route("POST", "https://sts.eu-central-1.amazonaws.com", NULL, 200,
	    answer);
	fake_route("POST", "https://sts-fips.us-east-1.amazonaws.com", NULL,
	    200, answer);
	fake_route("POST", "http://127.0.0.1:4599", NULL, 200, answer);

	/* the AWS CLI v2's default: regional */
	cr_assert_eq(get_once("r", &c, &err), 0, "%s", err.msg);
	creds_cleanup(&c);
	sts_target("https://sts.us-east-1.amazonaws.com",
	    "/us-east-1/sts/aws4_request");
	cr_assert_eq(get_once("legacy", &c, &err), 0, "%s", err.msg);
	creds_cleanup(&c);
	sts_target("https://sts.amazonaws.com", "/us-east-1/sts/aws4_request");
	cr_assert_eq(get_once("legacy-far", &c, &err), 0, "%s", err.msg);
	creds_cleanup(&c);
	sts_target("https://sts.af-south-1.amazonaws.com",
	    "/af-south-1/sts/aws4_request");
	cr_assert_eq(get_once("noregion", &c, &err), 0, "%s", err.msg);
	creds_cleanup(&c);
	sts_target("https://sts.amazonaws.com", "/us-east-1/sts/aws4_request");
	cr_assert_eq(get_once("bad", &c, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
	cr_assert(strstr(err.msg, "/.aws/config:21: sts_regional_endpoints: "
	    "'sometimes' is neither 'regional' nor 'legacy'") != NULL, "%s",
	    err.msg);

	/* the session's region (the repository profile's) wins */
	o.region = "eu-central-1";
	p = creds_provider_new_ex(&o);
	cr_assert_eq(creds_provider_get(p, &c, &err), 0, "%s", err.msg);
	creds_cleanup(&c);
	creds_provider_free(p);
	sts_target("https://sts.eu-central-1.amazonaws.com",
	    "/eu-central-1/sts/aws4_request");

	fake_set(&env, "AWS_USE_FIPS_ENDPOINT", "true");
	cr_assert_eq(get_once("r", &c, &err), 0, "%s", err.msg);
	creds_cleanup(&c);
	sts_target("https://sts-fips.us-east-1.amazonaws.com",
	    "/us-east-1/sts/aws4_request");

	fake_set(&env, "AWS_ENDPOINT_URL_STS", "http://127.0.0.1:4599");
	cr_assert_eq(get_once("r", &c, &err), 0, "%s", err.msg);
	creds_cleanup(&c);
	sts_target("http://127.0.0.1:4599", "/us-east-1/sts/aws4_request");
	cr_assert_str_eq(fake_header("Host"), "127.0.0.1:4599");

	/* never plain http to anything but loopback */
	fake_set(&env, "AWS_ENDPOINT_URL_STS", "http://sts.example.com");
	cr_assert_eq(get_once("r", &c, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
	cr_assert_str_eq(err.msg, "STS endpoint http://sts.example.com: "
	    "https:// or http:// to a loopback host is needed");
	free(answer);
}

Test(creds, sts_errors_reported)
{
	struct creds c;
	struct err err;

	aws_file("config", "[profile r]\nrole_arn = arn:aws:iam::1:role/R\n"
	    "source_profile = base\nregion = eu-west-1\n");
	aws_file("credentials", "[base]\naws_access_key_id = AKIDBASE\n"
	    "aws_secret_access_key = basesecret\n");
	fake_route("POST", STS_URL, NULL, 403, "<ErrorResponse xmlns=\"x\">"
	    "<Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User: "
	    "arn:aws:iam::1:user/u is not authorized to perform: "
	    "sts:AssumeRole on resource: arn:aws:iam::1:role/R</Message>"
	    "</Error><RequestId>x</RequestId></ErrorResponse>");
	cr_assert_eq(get_once("r", &c, &err), -1);
	cr_assert_eq(err.code, ERR_ACCESS_DENIED);
	cr_assert_str_eq(err.msg, "AWS profile 'r': STS AssumeRole of "
	    "arn:aws:iam::1:role/R at sts.eu-west-1.amazonaws.com: HTTP 403 "
	    "AccessDenied: User: arn:aws:iam::1:user/u is not authorized to "
	    "perform: sts:AssumeRole on resource: arn:aws:iam::1:role/R");
	assert_no_secret(err.msg);
}

/* ---- web identity ------------------------------------------------------ */

Test(creds, web_identity_from_environment)
{
	char *answer = sts_answer("AssumeRoleWithWebIdentity", "ASIAWEB",
	    EXP_2030);
	const char *token = tmp_file("token", "webidentity.jwt.value\n");
	struct creds c;
	struct err err;
	char *want;

	fake_set(&env, "AWS_REGION", "eu-west-1");
	fake_set(&env, "AWS_WEB_IDENTITY_TOKEN_FILE", token);
	fake_set(&env, "AWS_ROLE_ARN", "arn:aws:iam::1:role/ci");
	fake_set(&env, "AWS_ROLE_SESSION_NAME", "run-42");
	fake_route("POST", STS_URL, "Action=AssumeRoleWithWebIdentity&", 200,
	    answer);
	cr_assert_eq(get_once(NULL, &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "ASIAWEB1");
	cr_assert_str_eq(c.source, "assume-role-with-web-identity");
	want = xasprintf("role arn:aws:iam::1:role/ci with the web identity "
	    "token file %s", token);
	cr_assert_str_eq(c.detail, want);
	free(want);
	creds_cleanup(&c);
	/* unsigned; the token without its newline */
	cr_assert_null(fake_header("Authorization"));
	cr_assert_null(fake_header("X-Amz-Date"));
	cr_assert_str_eq(buf_cstr(&fk.body), "Action="
	    "AssumeRoleWithWebIdentity&Version=2011-06-15&"
	    "RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fci&"
	    "RoleSessionName=run-42&WebIdentityToken=webidentity.jwt.value");
	free(answer);
}

Test(creds, web_identity_errors_never_show_the_token)
{
	const char *token = tmp_file("token", "webidentity.jwt.value");
	struct creds c;
	struct err err;
	char *want;

	fake_set(&env, "AWS_REGION", "eu-west-1");
	fake_set(&env, "AWS_WEB_IDENTITY_TOKEN_FILE", token);
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
	want = xasprintf("web identity token file %s is set but no role: set "
	    "AWS_ROLE_ARN or role_arn in AWS profile 'default'", token);
	cr_assert_str_eq(err.msg, want);
	free(want);

	fake_set(&env, "AWS_ROLE_ARN", "arn:aws:iam::1:role/ci");
	fake_route("POST", STS_URL, NULL, 400, "<ErrorResponse><Error>"
	    "<Type>Sender</Type><Code>InvalidIdentityToken</Code>"
	    "<Message>Incorrect token audience</Message></Error>"
	    "</ErrorResponse>");
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert_str_eq(err.msg, "STS AssumeRoleWithWebIdentity of "
	    "arn:aws:iam::1:role/ci at sts.eu-west-1.amazonaws.com: HTTP 400 "
	    "InvalidIdentityToken: Incorrect token audience");
	assert_no_secret(err.msg);

	fake_set(&env, "AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token");
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert_str_eq(err.msg, "web identity token file /nonexistent/token:"
	    " No such file or directory");
	fake_set(&env, "AWS_WEB_IDENTITY_TOKEN_FILE", tmp_file("empty", "\n"));
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert(strstr(err.msg, "/empty is empty") != NULL, "%s", err.msg);
}

Test(creds, web_identity_in_a_profile)
{
	char *answer = sts_answer("AssumeRoleWithWebIdentity", "ASIAWEB",
	    EXP_2030);
	const char *token = tmp_file("token", "webidentity.jwt.value");
	struct creds c;
	struct err err;
	char *cfg;

	cfg = xasprintf("[profile ci]\nweb_identity_token_file = %s\n"
	    "role_arn = arn:aws:iam::1:role/profile-role\n"
	    "region = eu-west-1\nduration_seconds = 900\n"
	    "[default]\nrole_arn = arn:aws:iam::1:role/default-role\n", token);
	aws_file("config", cfg);
	aws_file("credentials", "[prod]\naws_access_key_id = AKIDPROD\n"
	    "aws_secret_access_key = prodsecret\n");
	fake_route("POST", STS_URL, NULL, 200, answer);
	cr_assert_eq(get_once("ci", &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.source, "assume-role-with-web-identity");
	creds_cleanup(&c);
	cr_assert(strstr(buf_cstr(&fk.body), "RoleArn=arn%3Aaws%3Aiam%3A%3A1%3A"
	    "role%2Fprofile-role&RoleSessionName=dynrepo-session-1893452400&"
	    "DurationSeconds=900&WebIdentityToken=") != NULL, "%s",
	    buf_cstr(&fk.body));

	/* an explicit profile never reads the variables */
	fake_set(&env, "AWS_WEB_IDENTITY_TOKEN_FILE", token);
	fake_set(&env, "AWS_ROLE_ARN", "arn:aws:iam::1:role/env-role");
	cr_assert_eq(get_once("prod", &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "AKIDPROD");
	creds_cleanup(&c);
	cr_assert_eq(fk.nreq, 1);

	/* per setting, the variable first, then the profile (botocore);
	 * here [default]'s role_arn without a source is for web identity */
	fake_set(&env, "AWS_ROLE_ARN", "");
	fake_set(&env, "AWS_REGION", "eu-west-1");
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_str_eq(err.msg, "AWS profile 'default' has role_arn but "
	    "neither source_profile nor credential_source");
	free(cfg);
	free(answer);
}

/* ---- container credentials --------------------------------------------- */

Test(creds, container_relative_uri)
{
	char *ctr = meta_answer("ASIACTR", "ctrsecret", "ctrtoken", EXP_2030);
	struct creds c;
	struct err err;

	fake_set(&env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	    "/v2/credentials/0a1b");
	fake_set(&env, "AWS_CONTAINER_AUTHORIZATION_TOKEN", "authtoken-env");
	/* without the test hook: the ECS address (a refused connection
	 * here: the fake transport never leaves the process) */
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_eq(err.code, ERR_NETWORK);
	cr_assert_str_eq(buf_cstr(&fk.log), "GET http://169.254.170.2/v2/"
	    "credentials/0a1b (no proxy)\n"
	    "GET http://169.254.170.2/v2/credentials/0a1b (no proxy)\n"
	    "GET http://169.254.170.2/v2/credentials/0a1b (no proxy)\n");
	cr_assert_str_eq(err.msg, "container credentials "
	    "(AWS_CONTAINER_CREDENTIALS_RELATIVE_URI): http://169.254.170.2/"
	    "v2/credentials/0a1b: Couldn't connect to server");

	fake_set(&env, "DYNREPO_TEST_CONTAINER_HOST", "127.0.0.1:4242");
	fake_route("GET", "http://127.0.0.1:4242/v2/credentials/0a1b", NULL,
	    200, ctr);
	cr_assert_eq(get_once(NULL, &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "ASIACTR1");
	cr_assert_str_eq(c.secret_access_key, "ctrsecret");
	cr_assert_str_eq(c.session_token, "ctrtoken");
	cr_assert_eq(c.expiration, 1893456000);
	cr_assert_str_eq(c.source, "container-role");
	cr_assert_str_eq(c.detail, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI "
	    "http://127.0.0.1:4242/v2/credentials/0a1b");
	creds_cleanup(&c);
	/* the token is for full URIs only */
	cr_assert_null(fake_header("Authorization"));

	/* the hook takes loopback only */
	fake_set(&env, "DYNREPO_TEST_CONTAINER_HOST", "10.1.2.3:80");
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
	cr_assert_str_eq(err.msg, "DYNREPO_TEST_CONTAINER_HOST (a test hook) "
	    "must be a loopback HOST:PORT");
	fake_set(&env, "DYNREPO_TEST_CONTAINER_HOST", "127.0.0.1@evil:80");
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
	free(ctr);
}

Test(creds, container_full_uri_and_token)
{
	char *ctr = meta_answer("ASIACTR", "ctrsecret", "ctrtoken", EXP_2030);
	struct creds c;
	struct err err;

	fake_set(&env, "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	    "http://127.0.0.1:4243/get-credentials");
	fake_route("GET", "http://127.0.0.1:4243/get-credentials", NULL, 200,
	    ctr);
	cr_assert_eq(get_once(NULL, &c, &err), 0, "%s", err.msg);
	creds_cleanup(&c);
	cr_assert_null(fake_header("Authorization"));
	fake_set(&env, "AWS_CONTAINER_AUTHORIZATION_TOKEN", "authtoken-env");
	cr_assert_eq(get_once(NULL, &c, &err), 0, "%s", err.msg);
	creds_cleanup(&c);
	cr_assert_str_eq(fake_header("Authorization"), "authtoken-env");
	/* the file wins, read at every fetch */
	fake_set(&env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	    tmp_file("auth", "authtoken-file\n"));
	cr_assert_eq(get_once(NULL, &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.detail, "AWS_CONTAINER_CREDENTIALS_FULL_URI "
	    "http://127.0.0.1:4243/get-credentials");
	creds_cleanup(&c);
	cr_assert_str_eq(fake_header("Authorization"), "authtoken-file");
	fake_set(&env, "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE",
	    "/nonexistent/auth");
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_str_eq(err.msg, "container authorization token file "
	    "(AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) /nonexistent/auth: No "
	    "such file or directory");

	/* hosts other than loopback and the container ones are refused */
	fake_set(&env, "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	    "http://169.254.169.254/latest/meta-data/");
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
	cr_assert_str_eq(err.msg, "AWS_CONTAINER_CREDENTIALS_FULL_URI: only "
	    "http(s) to a loopback host or to 169.254.170.2, 169.254.170.23 "
	    "or [fd00:ec2::23] is allowed");
	cr_assert_eq(fk.nreq, 3);

	/* the relative URI wins over the full one */
	fake_set(&env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/rel");
	fake_set(&env, "DYNREPO_TEST_CONTAINER_HOST", "localhost:4244");
	fake_route("GET", "http://localhost:4244/rel", NULL, 200, ctr);
	cr_assert_eq(get_once(NULL, &c, &err), 0, "%s", err.msg);
	creds_cleanup(&c);
	cr_assert_str_eq(fk.url, "http://localhost:4244/rel");
	free(ctr);
}

Test(creds, container_bad_answers)
{
	char *expired = meta_answer("ASIACTR", "ctrsecret", "ctrtoken",
	    "2029-12-31T22:59:59Z");
	char *ok = meta_answer("ASIACTR", "ctrsecret", "ctrtoken", EXP_2030);
	struct creds c;
	struct err err;
	int r;

	fake_set(&env, "AWS_CONTAINER_CREDENTIALS_FULL_URI",
	    "http://127.0.0.1:4243/c");
	r = fake_route("GET", "http://127.0.0.1:4243/c", NULL, 500, "busy");
	fake_then(r, 200, ok);
	cr_assert_eq(get_once(NULL, &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "ASIACTR2");
	creds_cleanup(&c);
	cr_assert_eq(fk.nreq, 2);

	fk.r[r] = (struct fake_route){ .method = "GET",
	    .url = "http://127.0.0.1:4243/c", .nans = 1,
	    .ans = { { 500, false, "still busy" } } };
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert_str_eq(err.msg, "container credentials "
	    "(AWS_CONTAINER_CREDENTIALS_FULL_URI): HTTP 500: still busy");
	cr_assert_eq(fk.r[r].hits, 3);

	fk.r[r].ans[0] = (struct fake_answer){ 403, false,
	    "{\"code\": \"AccessDenied\"}" };
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_str_eq(err.msg, "container credentials "
	    "(AWS_CONTAINER_CREDENTIALS_FULL_URI): HTTP 403: "
	    "{\"code\": \"AccessDenied\"}");
	fk.r[r].ans[0] = (struct fake_answer){ 200, false,
	    "{\"AccessKeyId\": \"ASIAX\", \"SecretAccessKey\": \"ctrsecret\","
	    " \"Token\": \"ctrtoken\", \"Expiration\": " };
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert(strstr(err.msg, "the credentials are not valid JSON")
	    != NULL, "%s", err.msg);
	assert_no_secret(err.msg);
	fk.r[r].ans[0] = (struct fake_answer){ 200, false,
	    "{\"AccessKeyId\": \"ASIAX\", \"Token\": \"ctrtoken\", "
	    "\"Expiration\": \"2030-01-01T00:00:00Z\"}" };
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_str_eq(err.msg, "container credentials "
	    "(AWS_CONTAINER_CREDENTIALS_FULL_URI): the credentials' "
	    "SecretAccessKey is missing or not a non-empty string");
	fk.r[r].ans[0] = (struct fake_answer){ 200, false, expired };
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_str_eq(err.msg, "container credentials "
	    "(AWS_CONTAINER_CREDENTIALS_FULL_URI) returned credentials that "
	    "expired at 2029-12-31T22:59:59Z");
	/* a timeout, three times */
	fk.r[r].ans[0] = (struct fake_answer){ 0, true, NULL };
	fk.r[r].hits = 0;
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_eq(err.code, ERR_NETWORK);
	cr_assert_eq(fk.r[r].hits, 3);
	cr_assert(strstr(err.msg, "Timeout was reached") != NULL);
	free(expired);
	free(ok);
}

/* ---- instance metadata ------------------------------------------------- */

Test(creds, imds_v2)
{
	char *meta = meta_answer("ASIAIMDS", "imdssecret", "imdstoken",
	    EXP_2030);
	struct creds c;
	struct err err;

	imds_routes(IMDS, meta);
	cr_assert_eq(get_once(NULL, &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "ASIAIMDS1");
	cr_assert_str_eq(c.session_token, "imdstoken");
	cr_assert_str_eq(c.source, "iam-role");
	cr_assert_str_eq(c.detail, "instance metadata http://169.254.169.254");
	creds_cleanup(&c);
	cr_assert_str_eq(buf_cstr(&fk.log),
	    "PUT http://169.254.169.254/latest/api/token (no proxy)\n"
	    "GET http://169.254.169.254/latest/meta-data/iam/"
	    "security-credentials/ (no proxy)\n"
	    "GET http://169.254.169.254/latest/meta-data/iam/"
	    "security-credentials/web-role (no proxy)\n");
	cr_assert_str_eq(fake_header("X-aws-ec2-metadata-token"), "IMDSTOKEN");

	/* the endpoint from the environment (the tests' stand-in) */
	fk.nr = 0;
	fk.nreq = 0;
	fake_set(&env, "AWS_EC2_METADATA_SERVICE_ENDPOINT",
	    "http://127.0.0.1:4245/");
	imds_routes("http://127.0.0.1:4245", meta);
	cr_assert_eq(get_once(NULL, &c, &err), 0, "%s", err.msg);
	creds_cleanup(&c);
	cr_assert_eq(fk.nreq, 3);
	cr_assert_str_eq(fk.url, "http://127.0.0.1:4245/latest/meta-data/iam/"
	    "security-credentials/web-role");

	/* IPv6 mode */
	fake_set(&env, "AWS_EC2_METADATA_SERVICE_ENDPOINT", "");
	fake_set(&env, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv6");
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_str_eq(fk.url, "http://[fd00:ec2::254]/latest/api/token");
	fake_set(&env, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE", "IPv5");
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
	free(meta);
}

Test(creds, imds_v1_fallback_is_off_by_default)
{
	char *meta = meta_answer("ASIAIMDS", "imdssecret", "imdstoken",
	    EXP_2030);
	struct creds c;
	struct err err;

	imds_routes(IMDS, meta);
	fk.r[0].ans[0] = (struct fake_answer){ 403, false, "Forbidden" };
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert_str_eq(err.msg, "instance metadata (http://169.254.169.254): "
	    "the IMDSv2 token request was answered HTTP 403 and the IMDSv1 "
	    "fallback is off (AWS_EC2_METADATA_V1_DISABLED=false turns it "
	    "on)");
	cr_assert_eq(fk.nreq, 1);

	fake_set(&env, "AWS_EC2_METADATA_V1_DISABLED", "false");
	cr_assert_eq(get_once(NULL, &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.detail, "instance metadata http://169.254.169.254 "
	    "(IMDSv1 fallback allowed)");
	creds_cleanup(&c);
	cr_assert_eq(fk.nreq, 4);
	cr_assert_null(fake_header("X-aws-ec2-metadata-token"));

	/* a timed-out token request falls back too, when allowed */
	fk.r[0].ans[0] = (struct fake_answer){ 0, true, NULL };
	cr_assert_eq(get_once(NULL, &c, &err), 0, "%s", err.msg);
	creds_cleanup(&c);
	/* and is "no instance metadata" when not */
	fake_set(&env, "AWS_EC2_METADATA_V1_DISABLED", "true");
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert(strstr(err.msg, "no AWS credentials found; ") == err.msg);
	cr_assert(strstr(err.msg, "instance metadata (http://169.254.169.254)"
	    ": http://169.254.169.254/latest/api/token: Timeout was reached")
	    != NULL, "%s", err.msg);
	free(meta);
}

Test(creds, imds_bad_answers)
{
	char *expired = meta_answer("ASIAIMDS", "imdssecret", "imdstoken",
	    "2029-12-31T22:00:00Z");
	char *meta = meta_answer("ASIAIMDS", "imdssecret", "imdstoken",
	    EXP_2030);
	struct creds c;
	struct err err;

	imds_routes(IMDS, meta);
	fk.r[1].ans[0] = (struct fake_answer){ 404, false, "" };
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert(strstr(err.msg, ", instance metadata "
	    "(http://169.254.169.254): no IAM role is attached to the "
	    "instance") != NULL, "%s", err.msg);
	fk.r[1].ans[0] = (struct fake_answer){ 200, false, "../../etc\n" };
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_str_eq(err.msg, "instance metadata (http://169.254.169.254):"
	    " the role name it gave is not an IAM role name");
	fk.r[1].ans[0] = (struct fake_answer){ 200, false, "web-role" };
	fk.r[2].ans[0] = (struct fake_answer){ 200, false, expired };
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_str_eq(err.msg, "instance metadata (http://169.254.169.254, "
	    "role web-role) returned credentials that expired at "
	    "2029-12-31T22:00:00Z");
	fk.r[2].ans[0] = (struct fake_answer){ 200, false,
	    "{\"Code\": \"AssumeRoleUnauthorizedAccess\"}" };
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_str_eq(err.msg, "instance metadata (http://169.254.169.254, "
	    "role web-role): the credentials' Code is "
	    "AssumeRoleUnauthorizedAccess, not Success");
	fk.r[2].ans[0] = (struct fake_answer){ 200, false, "<html>" };
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert(strstr(err.msg, "the credentials are not valid JSON") !=
	    NULL, "%s", err.msg);
	fk.r[0].ans[0] = (struct fake_answer){ 400, false, "" };
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert_str_eq(err.msg, "instance metadata (http://169.254.169.254): "
	    "the IMDSv2 token request was answered HTTP 400");
	assert_no_secret(err.msg);
	free(expired);
	free(meta);
}

/* ---- precedence: every pair of sources --------------------------------- */

enum src { S_ENV, S_ROLE, S_WEB, S_FILE, S_PROC, S_CONFIG, S_CTR, S_IMDS,
	S_COUNT };

static const char *const src_name[S_COUNT] = { "environment", "assume-role",
    "assume-role-with-web-identity", "shared-credentials-file",
    "credential_process", "config-file", "container-role", "iam-role" };

/* Set up sources a and b at once (files, variables, routes). */
static void
set_sources(int a, int b, char **keep)
{
	struct buf cfg = BUF_INIT, cred = BUF_INIT;
	char *proc = fixture("aws/process_ok.sh");
	int s;

	buf_adds(&cfg, "[default]\nregion = eu-west-1\n");
	buf_adds(&cred, "[base]\naws_access_key_id = AKIDBASE\n"
	    "aws_secret_access_key = basesecret\n[default]\n");
	for (s = 0; s < S_COUNT; s++) {
		if (s != a && s != b)
			continue;
		switch (s) {
		case S_ENV:
			fake_set(&env, "AWS_ACCESS_KEY_ID", "AKIDENV");
			fake_set(&env, "AWS_SECRET_ACCESS_KEY", "envsecret");
			break;
		case S_ROLE:
			buf_adds(&cfg, "role_arn = arn:aws:iam::1:role/R\n"
			    "source_profile = base\n");
			break;
		case S_WEB:
			fake_set(&env, "AWS_WEB_IDENTITY_TOKEN_FILE",
			    tmp_file("token", "webidentity.jwt"));
			fake_set(&env, "AWS_ROLE_ARN", "arn:aws:iam::1:role/W");
			break;
		case S_FILE:
			buf_adds(&cred, "aws_access_key_id = AKIDFILE\n"
			    "aws_secret_access_key = defaultsecret\n");
			break;
		case S_PROC:
			buf_printf(&cfg, "credential_process = /bin/sh %s\n",
			    proc);
			break;
		case S_CONFIG:
			buf_adds(&cfg, "aws_access_key_id = AKIDCONFIG\n"
			    "aws_secret_access_key = configsecret\n");
			break;
		case S_CTR:
			fake_set(&env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
			    "/c");
			fake_set(&env, "DYNREPO_TEST_CONTAINER_HOST",
			    "127.0.0.1:4242");
			break;
		default:
			break;
		}
	}
	aws_file("config", buf_cstr(&cfg));
	aws_file("credentials", buf_cstr(&cred));
	/* the endpoints are always there; only what is set is used */
	fake_route("POST", STS_URL, "Action=AssumeRole&", 200, keep[0]);
	fake_route("POST", STS_URL, "Action=AssumeRoleWithWebIdentity&", 200,
	    keep[1]);
	fake_route("GET", "http://127.0.0.1:4242/c", NULL, 200, keep[2]);
	if (a == S_IMDS || b == S_IMDS)
		imds_routes(IMDS, keep[3]);
	buf_cleanup(&cfg);
	buf_cleanup(&cred);
	free(proc);
}

Test(creds, precedence_of_every_pair)
{
	char *keep[4] = {
		sts_answer("AssumeRole", "ASIAROLE", EXP_2030),
		sts_answer("AssumeRoleWithWebIdentity", "ASIAWEB", EXP_2030),
		meta_answer("ASIACTR", "ctrsecret", "ctrtoken", EXP_2030),
		meta_answer("ASIAIMDS", "imdssecret", "imdstoken", EXP_2030),
	};
	struct creds c;
	struct err err;
	int a, b, explicit, want, pairs = 0;

	for (explicit = 0; explicit < 2; explicit++)
		for (a = 0; a < S_COUNT; a++)
			for (b = a + 1; b < S_COUNT; b++) {
				memset(&env, 0, sizeof env);
				fake_set(&env, "HOME", tmp);
				memset(fk.r, 0, sizeof fk.r);
				fk.nr = 0;
				set_sources(a, b, keep);
				/* the chain's order is the enum's; with an
				 * explicit profile the variables do not
				 * count */
				want = a;
				if (explicit && (a == S_ENV || a == S_WEB))
					want = explicit && (b == S_ENV ||
					    b == S_WEB) ? -1 : b;
				if (want == -1) {
					cr_assert_eq(get_once("default", &c,
					    &err), -1, "%s+%s explicit",
					    src_name[a], src_name[b]);
					cr_assert_eq(err.code, ERR_AUTH);
				} else {
					cr_assert_eq(get_once(explicit ?
					    "default" : NULL, &c, &err), 0,
					    "%s+%s%s: %s", src_name[a],
					    src_name[b], explicit ?
					    " explicit" : "", err.msg);
					cr_assert_str_eq(c.source,
					    src_name[want], "%s+%s%s",
					    src_name[a], src_name[b],
					    explicit ? " explicit" : "");
					creds_cleanup(&c);
				}
				pairs++;
			}
	cr_assert_eq(pairs, 56);
	for (a = 0; a < 4; a++)
		free(keep[a]);
}

/* ---- refresh, for every source that expires ---------------------------- */

Test(creds, refresh_before_expiry_for_every_source)
{
	static const int sources[] = { S_ROLE, S_WEB, S_PROC, S_CTR, S_IMDS };
	static const char *const first[] = { "ASIAROLE1", "ASIAWEB1",
	    "AKIDPROC1", "ASIACTR1", "ASIAIMDS1" };
	static const char *const second[] = { "ASIAROLE2", "ASIAWEB2",
	    "AKIDPROC2", "ASIACTR2", "ASIAIMDS2" };
	char *keep[4] = {
		sts_answer("AssumeRole", "ASIAROLE", EXP_2030),
		sts_answer("AssumeRoleWithWebIdentity", "ASIAWEB", EXP_2030),
		meta_answer("ASIACTR", "ctrsecret", "ctrtoken", EXP_2030),
		meta_answer("ASIAIMDS", "imdssecret", "imdstoken", EXP_2030),
	};
	char *counter = xasprintf("%s/counter", tmp);
	struct creds_provider *p;
	struct creds_options o;
	struct creds c;
	struct err err;
	size_t i;
	int n;

	setenv("CREDS_TEST_COUNTER", counter, 1);
	setenv("CREDS_TEST_EXPIRATION", EXP_2030, 1);
	for (i = 0; i < sizeof sources / sizeof sources[0]; i++) {
		memset(&env, 0, sizeof env);
		fake_set(&env, "HOME", tmp);
		memset(fk.r, 0, sizeof fk.r);
		fk.nr = 0;
		unlink(counter);
		set_sources(sources[i], sources[i], keep);
		o = opts(NULL);
		p = creds_provider_new_ex(&o);

		fake_now = 1893456000 - 3600;
		cr_assert_eq(creds_provider_get(p, &c, &err), 0, "%s",
		    err.msg);
		cr_assert_str_eq(c.access_key_id, first[i]);
		cr_assert_eq(c.expiration, 1893456000);
		creds_cleanup(&c);
		n = fk.nreq;
		/* five minutes and a second before: the cached ones */
		fake_now = 1893456000 - 301;
		cr_assert_eq(creds_provider_get(p, &c, &err), 0);
		cr_assert_str_eq(c.access_key_id, first[i]);
		creds_cleanup(&c);
		cr_assert_eq(fk.nreq, n, "%s", src_name[sources[i]]);
		/* inside five minutes: new ones, before any request fails */
		fake_now = 1893456000 - 299;
		cr_assert_eq(creds_provider_get(p, &c, &err), 0, "%s",
		    err.msg);
		cr_assert_str_eq(c.access_key_id, second[i], "%s",
		    src_name[sources[i]]);
		creds_cleanup(&c);
		creds_provider_free(p);
	}
	for (i = 0; i < 4; i++)
		free(keep[i]);
	free(counter);
}

Test(creds, failed_refresh_backs_off)
{
	char *ok = sts_answer("AssumeRole", "ASIAROLE", EXP_2030);
	struct creds_options o = opts(NULL);
	struct creds_provider *p;
	struct creds c;
	struct err err;
	int r;

	aws_file("config", "[default]\nregion = eu-west-1\n"
	    "role_arn = arn:aws:iam::1:role/R\nsource_profile = base\n");
	aws_file("credentials", "[base]\naws_access_key_id = AKIDBASE\n"
	    "aws_secret_access_key = basesecret\n");
	r = fake_route("POST", STS_URL, NULL, 200, ok);
	fake_then(r, 503, "<ErrorResponse><Error><Code>ServiceUnavailable"
	    "</Code></Error></ErrorResponse>");
	p = creds_provider_new_ex(&o);
	cr_assert_eq(creds_provider_get(p, &c, &err), 0, "%s", err.msg);
	creds_cleanup(&c);
	cr_assert_eq(fk.nreq, 1);
	/* STS is down: the current ones are kept while they are valid */
	fake_now = 1893456000 - 200;
	cr_assert_eq(creds_provider_get(p, &c, &err), 0, "%s", err.msg);
	cr_assert_str_eq(c.access_key_id, "ASIAROLE1");
	creds_cleanup(&c);
	cr_assert_eq(fk.nreq, 4);	/* three attempts */
	/* not tried again at every request, but 30 s later */
	fake_now += 29;
	cr_assert_eq(creds_provider_get(p, &c, &err), 0);
	creds_cleanup(&c);
	cr_assert_eq(fk.nreq, 4);
	fake_now += 1;
	cr_assert_eq(creds_provider_get(p, &c, &err), 0);
	creds_cleanup(&c);
	cr_assert_eq(fk.nreq, 7);
	/* once they have expired, the failure is the answer */
	fake_now = 1893456000;
	cr_assert_eq(creds_provider_get(p, &c, &err), -1);
	cr_assert_eq(err.code, ERR_SERVICE);
	cr_assert(strstr(err.msg, "HTTP 503 ServiceUnavailable") != NULL,
	    "%s", err.msg);
	creds_provider_free(p);
	free(ok);
}

Test(creds, credentials_inside_the_margin_are_not_fetched_at_every_call)
{
	char *ctr = meta_answer("ASIACTR", "ctrsecret", "ctrtoken",
	    "2029-12-31T23:02:00Z");
	struct creds_options o = opts(NULL);
	struct creds_provider *p;
	struct creds c;
	struct err err;

	fake_set(&env, "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/c");
	fake_set(&env, "DYNREPO_TEST_CONTAINER_HOST", "127.0.0.1:4242");
	fake_route("GET", "http://127.0.0.1:4242/c", NULL, 200, ctr);
	p = creds_provider_new_ex(&o);
	cr_assert_eq(creds_provider_get(p, &c, &err), 0, "%s", err.msg);
	creds_cleanup(&c);
	cr_assert_eq(creds_provider_get(p, &c, &err), 0);
	creds_cleanup(&c);
	cr_assert_eq(fk.nreq, 1);
	fake_now += 30;
	cr_assert_eq(creds_provider_get(p, &c, &err), 0);
	cr_assert_str_eq(c.access_key_id, "ASIACTR2");
	creds_cleanup(&c);
	creds_provider_free(p);
	free(ctr);
}

Test(creds, prompt_tty_without_a_terminal)
{
	char answer[16];
	struct err err;
	int status;
	pid_t pid;

	/* in a new session there is no controlling terminal */
	pid = fork();
	cr_assert_neq(pid, -1);
	if (pid == 0) {
		setsid();
		_exit(creds_prompt_tty(NULL, "code: ", answer, sizeof answer,
		    &err) == -1 && err.code == ERR_AUTH &&
		    strstr(err.msg, "no terminal") != NULL ? 0 : 1);
	}
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

Test(creds, container_hosts_allowed)
{
	static const struct {
		const char *url;
		bool ok;
	} cases[] = {
		{ "http://169.254.170.2/v2/credentials", true },
		{ "http://169.254.170.2:80/v2/credentials", true },
		{ "http://169.254.170.23/v1/credentials", true },
		{ "http://[fd00:ec2::23]/v1/credentials", true },
		{ "http://[FD00:EC2::23]:80/x", true },
		{ "https://localhost:8443/creds", true },
		{ "http://127.0.0.1:51679/creds", true },
		{ "http://127.9.8.7/creds", true },
		{ "http://[::1]:9/creds", true },
		{ "http://169.254.169.254/latest/meta-data/", false },
		{ "http://169.254.170.2.evil.com/x", false },
		{ "http://169.254.170.20/x", false },
		{ "http://127.0.0.1@evil.com/x", false },
		{ "http://evil.com/?h=127.0.0.1", false },
		{ "http://localhost.evil.com/x", false },
		{ "https://ecs.example.com/creds", false },
		{ "ftp://127.0.0.1/x", false },
		{ "127.0.0.1:80/x", false },
		{ "http:///x", false },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_assert_eq(imds_container_url_allowed(cases[i].url),
		    cases[i].ok, "%s", cases[i].url);
	cr_assert(imds_host_is_loopback("127.0.0.1:4242"));
	cr_assert(imds_host_is_loopback("localhost"));
	cr_assert_not(imds_host_is_loopback("10.0.0.1:80"));
	cr_assert_not(imds_host_is_loopback("127.0.0.1.nip.io:80"));
}
