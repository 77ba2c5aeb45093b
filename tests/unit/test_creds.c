/* SPDX-License-Identifier: ISC */
/* Tests of AWS credentials: precedence, credential_process, expiry. */
#include "config.h"

#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "creds.h"
#include "xmalloc.h"

struct fakeenv {
	const char	*name[16];
	const char	*value[16];
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

/* Set (or override: the last one wins) a variable. */
static void
fake_set(struct fakeenv *e, const char *name, const char *value)
{
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

/* Get credentials once from a new provider. */
static int
get_once(const char *aws_profile, struct creds *c, struct err *err)
{
	struct creds_options o = {
		.aws_profile = aws_profile,
		.getenv_fn = fake_getenv,
		.env_ctx = &env,
		.clock = &fake_clock,
	};
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
	    "rolesecret" };
	size_t i;

	for (i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
		cr_assert_null(strstr(msg, secrets[i]), "secret in: %s", msg);
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
	    "(credential_process, aws_access_key_id); container and instance "
	    "metadata credentials are not supported yet", tmp);
	cr_assert_str_eq(err.msg, want);
	free(want);
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

Test(creds, unsupported_providers_fail)
{
	struct creds c;
	struct err err;

	aws_file("config",
	    "[profile role]\n"
	    "role_arn = arn:aws:iam::123456789012:role/r\n"
	    "source_profile = default\n"
	    "[profile sso]\n"
	    "sso_session = corp\n"
	    "sso_account_id = 123456789012\n"
	    "[sso-session corp]\n"
	    "sso_start_url = https://example.awsapps.com/start\n");
	aws_file("credentials", "[role]\naws_access_key_id = AKIDROLE\n"
	    "aws_secret_access_key = rolesecret\n");
	cr_assert_eq(get_once("role", &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert(strstr(err.msg, "role_arn (assume role) is not supported "
	    "yet; use credential_process") != NULL, "%s", err.msg);
	assert_no_secret(err.msg);
	cr_assert_eq(get_once("sso", &c, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert(strstr(err.msg, "SSO (sso_session) is not supported yet")
	    != NULL, "%s", err.msg);

	fake_set(&env, "AWS_WEB_IDENTITY_TOKEN_FILE", "/var/run/token");
	cr_assert_eq(get_once(NULL, &c, &err), -1);
	cr_assert(strstr(err.msg, "web identity credentials "
	    "(AWS_WEB_IDENTITY_TOKEN_FILE) are not supported yet") != NULL,
	    "%s", err.msg);
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
	struct creds_options o = {
		.getenv_fn = fake_getenv,
		.env_ctx = &env,
		.clock = &fake_clock,
	};
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
