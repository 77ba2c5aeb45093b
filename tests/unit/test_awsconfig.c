/* SPDX-License-Identifier: ISC */
/* Tests of the AWS config files and the region/endpoint/attempts order. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "awsconfig.h"
#include "buf.h"
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

/* The fixture files with the given environment. */
static struct awsconfig *
load(struct fakeenv *env)
{
	char *c = fixture("aws/config"), *k = fixture("aws/credentials");
	struct awsconfig *cfg;
	struct err err;

	cfg = awsconfig_load_files(c, k, fake_getenv, env, &err);
	cr_assert_not_null(cfg, "%s", err.msg);
	free(c);
	free(k);
	return cfg;
}

Test(awsconfig, lookups)
{
	struct fakeenv env = { .n = 0 };
	struct awsconfig *cfg = load(&env);
	const char *file;
	char *c = fixture("aws/config"), *k = fixture("aws/credentials");
	int line;

	cr_assert_str_eq(awsconfig_get(cfg, "default", "region"),
	    "eu-west-1");
	cr_assert_str_eq(awsconfig_get(cfg, "prod", "region"), "us-east-1");
	cr_assert_str_eq(awsconfig_get(cfg, "quoted name", "region"),
	    "ap-south-1");
	/* keys are lowercased, nested blocks are "parent.child" */
	cr_assert_str_eq(awsconfig_get(cfg, "prod", "max_attempts"), "9");
	cr_assert_str_eq(awsconfig_get(cfg, "prod", "MAX_ATTEMPTS"), "9");
	cr_assert_str_eq(awsconfig_get(cfg, "prod",
	    "s3.max_concurrent_requests"), "20");
	/* the credentials file wins over the config file */
	cr_assert_str_eq(awsconfig_get(cfg, "prod", "output"), "text");
	cr_assert_str_eq(awsconfig_get_config(cfg, "prod", "output"), "json");
	cr_assert_str_eq(awsconfig_get_credentials(cfg, "prod", "output"),
	    "text");
	cr_assert_null(awsconfig_get_credentials(cfg, "prod", "region"));
	cr_assert_str_eq(awsconfig_get(cfg, "creds-only", "region"),
	    "sa-east-1");
	/* a [profile x] section in the credentials file is not special */
	cr_assert_null(awsconfig_get(cfg, "profile prod", "region"));
	cr_assert_null(awsconfig_get(cfg, "local-ddb", "dynamodb"));
	cr_assert_str_eq(awsconfig_get_section(cfg, "services local-ddb",
	    "dynamodb.endpoint_url"), "http://127.0.0.1:8000");
	cr_assert_str_eq(awsconfig_get_section(cfg, "sso-session corp",
	    "sso_region"), "us-east-1");
	cr_assert(awsconfig_has_profile(cfg, "prod"));
	cr_assert(awsconfig_has_profile(cfg, "creds-only"));
	cr_assert(awsconfig_has_profile(cfg, "quoted name"));
	cr_assert_not(awsconfig_has_profile(cfg, "corp"));
	cr_assert_not(awsconfig_has_profile(cfg, "missing"));

	cr_assert(awsconfig_where(cfg, "prod", "output", &file, &line));
	cr_assert_str_eq(file, k);
	cr_assert_eq(line, 10);
	cr_assert(awsconfig_where(cfg, "prod", "max_attempts", &file, &line));
	cr_assert_str_eq(file, c);
	cr_assert_eq(line, 11);
	cr_assert_not(awsconfig_where(cfg, "prod", "nope", &file, &line));
	cr_assert_str_eq(awsconfig_config_path(cfg), c);
	cr_assert_str_eq(awsconfig_credentials_path(cfg), k);
	awsconfig_free(cfg);
	free(c);
	free(k);
}

Test(awsconfig, paths_from_environment)
{
	struct fakeenv env = { .n = 0 };
	char dir[] = "/tmp/awsconfig-test-XXXXXX", *p, *c, *k;
	struct awsconfig *cfg;
	struct err err;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	p = xasprintf("%s/.aws", dir);
	mkdir(p, 0700);
	free(p);
	c = xasprintf("%s/.aws/config", dir);
	f = fopen(c, "w");
	fputs("[default]\nregion = home-region\n", f);
	fclose(f);
	k = xasprintf("%s/mycreds", dir);
	f = fopen(k, "w");
	fputs("[default]\nregion = creds-region\n", f);
	fclose(f);

	/* defaults under HOME; a missing credentials file is empty */
	fake_set(&env, "HOME", dir);
	cfg = awsconfig_load(fake_getenv, &env, &err);
	cr_assert_not_null(cfg, "%s", err.msg);
	cr_assert_str_eq(awsconfig_config_path(cfg), c);
	cr_assert_str_eq(awsconfig_get(cfg, "default", "region"),
	    "home-region");
	awsconfig_free(cfg);

	/* the variables, with "~/" */
	fake_set(&env, "AWS_CONFIG_FILE", "/nonexistent/config");
	fake_set(&env, "AWS_SHARED_CREDENTIALS_FILE", "~/mycreds");
	cfg = awsconfig_load(fake_getenv, &env, &err);
	cr_assert_not_null(cfg, "%s", err.msg);
	cr_assert_str_eq(awsconfig_config_path(cfg), "/nonexistent/config");
	cr_assert_str_eq(awsconfig_credentials_path(cfg), k);
	cr_assert_str_eq(awsconfig_get(cfg, "default", "region"),
	    "creds-region");
	awsconfig_free(cfg);

	/* no HOME, no variables: no files at all */
	env.n = 0;
	cfg = awsconfig_load(fake_getenv, &env, &err);
	cr_assert_not_null(cfg);
	cr_assert_null(awsconfig_config_path(cfg));
	cr_assert_null(awsconfig_get(cfg, "default", "region"));
	awsconfig_free(cfg);

	/* a syntax error names the file and line */
	f = fopen(c, "w");
	fputs("[default]\nregion = x\nbroken\n", f);
	fclose(f);
	fake_set(&env, "HOME", dir);
	cr_assert_null(awsconfig_load(fake_getenv, &env, &err));
	cr_assert_eq(err.code, ERR_CONFIG);
	p = xasprintf("AWS config file %s:3: expected 'key = value' or "
	    "'[section]'", c);
	cr_assert_str_eq(err.msg, p);
	free(p);

	unlink(c);
	unlink(k);
	p = xasprintf("%s/.aws", dir);
	rmdir(p);
	free(p);
	rmdir(dir);
	free(c);
	free(k);
}

Test(awsconfig, profile_name)
{
	struct fakeenv env = { .n = 0 };
	struct awsconfig *cfg = load(&env);

	cr_assert_str_eq(awsconfig_profile_name(cfg, NULL), "default");
	fake_set(&env, "AWS_PROFILE", "");
	cr_assert_str_eq(awsconfig_profile_name(cfg, NULL), "default");
	fake_set(&env, "AWS_PROFILE", "prod");
	cr_assert_str_eq(awsconfig_profile_name(cfg, NULL), "prod");
	cr_assert_str_eq(awsconfig_profile_name(cfg, "x"), "x");
	awsconfig_free(cfg);
}

Test(awsconfig, region_order)
{
	struct fakeenv env = { .n = 0 };
	struct awsconfig *cfg = load(&env);

	cr_assert_str_eq(awsconfig_resolve_region(cfg, NULL, NULL),
	    "eu-west-1");
	cr_assert_str_eq(awsconfig_resolve_region(cfg, "prod", NULL),
	    "us-east-1");
	cr_assert_null(awsconfig_resolve_region(cfg, "cfgkeys", NULL));
	fake_set(&env, "AWS_PROFILE", "prod");
	cr_assert_str_eq(awsconfig_resolve_region(cfg, NULL, NULL),
	    "us-east-1");
	fake_set(&env, "AWS_DEFAULT_REGION", "from-default-region");
	cr_assert_str_eq(awsconfig_resolve_region(cfg, "prod", NULL),
	    "from-default-region");
	fake_set(&env, "AWS_REGION", "from-region");
	cr_assert_str_eq(awsconfig_resolve_region(cfg, "prod", NULL),
	    "from-region");
	cr_assert_str_eq(awsconfig_resolve_region(cfg, "prod", "mine"),
	    "mine");
	cr_assert_str_eq(awsconfig_resolve_region(cfg, "prod", ""),
	    "from-region");
	awsconfig_free(cfg);
}

Test(awsconfig, max_attempts_order)
{
	struct fakeenv env = { .n = 0 };
	struct awsconfig *cfg = load(&env);
	struct err err;
	char *c = fixture("aws/config"), *want;
	int n = 0;

	cr_assert_eq(awsconfig_resolve_max_attempts(cfg, "cfgkeys", 0, &n,
	    &err), 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(awsconfig_resolve_max_attempts(cfg, NULL, 0, &n, &err),
	    0);
	cr_assert_eq(n, 5);
	cr_assert_eq(awsconfig_resolve_max_attempts(cfg, "prod", 0, &n, &err),
	    0);
	cr_assert_eq(n, 9);
	cr_assert_eq(awsconfig_resolve_max_attempts(cfg, "bad-attempts", 0,
	    &n, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
	want = xasprintf("%s:30: max_attempts: 'lots' is not an integer from "
	    "1 to 100", c);
	cr_assert_str_eq(err.msg, want);
	free(want);
	fake_set(&env, "AWS_MAX_ATTEMPTS", "4");
	cr_assert_eq(awsconfig_resolve_max_attempts(cfg, "bad-attempts", 0,
	    &n, &err), 0);
	cr_assert_eq(n, 4);
	cr_assert_eq(awsconfig_resolve_max_attempts(cfg, "prod", 2, &n, &err),
	    0);
	cr_assert_eq(n, 2);
	fake_set(&env, "AWS_MAX_ATTEMPTS", "0");
	cr_assert_eq(awsconfig_resolve_max_attempts(cfg, "prod", 0, &n, &err),
	    -1);
	cr_assert_str_eq(err.msg,
	    "AWS_MAX_ATTEMPTS: '0' is not an integer from 1 to 100");
	awsconfig_free(cfg);
	free(c);
}

Test(awsconfig, endpoint_order)
{
	struct fakeenv env = { .n = 0 };
	struct awsconfig *cfg = load(&env);
	struct err err;
	char *e;

	e = awsconfig_resolve_endpoint(cfg, NULL, NULL, "eu-west-1", &err);
	cr_assert_str_eq(e, "https://dynamodb.eu-west-1.amazonaws.com");
	free(e);
	e = awsconfig_resolve_endpoint(cfg, "china", NULL, "cn-north-1", &err);
	cr_assert_str_eq(e, "https://dynamodb.cn-north-1.amazonaws.com.cn");
	free(e);
	cr_assert_null(awsconfig_resolve_endpoint(cfg, NULL, NULL, NULL,
	    &err));
	cr_assert_eq(err.code, ERR_CONFIG);
	cr_assert(strstr(err.msg, "no region") != NULL);
	cr_assert_null(awsconfig_resolve_endpoint(cfg, NULL, NULL,
	    "evil.com/x?", &err));
	cr_assert_str_eq(err.msg, "region 'evil.com/x?' is not a region name");

	/* config: the profile's endpoint_url, services over it */
	e = awsconfig_resolve_endpoint(cfg, "cfgkeys", NULL, "r", &err);
	cr_assert_str_eq(e, "https://global.example");
	free(e);
	e = awsconfig_resolve_endpoint(cfg, "prod", NULL, "r", &err);
	cr_assert_str_eq(e, "http://127.0.0.1:8000");
	free(e);
	e = awsconfig_resolve_endpoint(cfg, "ignoring", NULL, "r", &err);
	cr_assert_str_eq(e, "https://dynamodb.r.amazonaws.com");
	free(e);

	/* AWS_ENDPOINT_URL beats endpoint_url, not the services section */
	fake_set(&env, "AWS_ENDPOINT_URL", "http://global-env");
	e = awsconfig_resolve_endpoint(cfg, "cfgkeys", NULL, "r", &err);
	cr_assert_str_eq(e, "http://global-env");
	free(e);
	e = awsconfig_resolve_endpoint(cfg, "prod", NULL, "r", &err);
	cr_assert_str_eq(e, "http://127.0.0.1:8000");
	free(e);
	fake_set(&env, "AWS_ENDPOINT_URL_DYNAMODB", "http://ddb-env");
	e = awsconfig_resolve_endpoint(cfg, "prod", NULL, "r", &err);
	cr_assert_str_eq(e, "http://ddb-env");
	free(e);
	e = awsconfig_resolve_endpoint(cfg, "prod", "local:/x.db", "r", &err);
	cr_assert_str_eq(e, "local:/x.db");
	free(e);
	fake_set(&env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE");
	e = awsconfig_resolve_endpoint(cfg, "prod", NULL, "r", &err);
	cr_assert_str_eq(e, "https://dynamodb.r.amazonaws.com");
	free(e);
	e = awsconfig_resolve_endpoint(cfg, "prod", "https://mine", "r",
	    &err);
	cr_assert_str_eq(e, "https://mine");
	free(e);
	awsconfig_free(cfg);
}

Test(awsconfig, ca_bundle_order)
{
	struct fakeenv env = { .n = 0 };
	char dir[] = "/tmp/awsconfig-test-XXXXXX", *c;
	struct awsconfig *cfg;
	struct err err;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	c = xasprintf("%s/config", dir);
	f = fopen(c, "w");
	fputs("[default]\nca_bundle = /etc/from-config.pem\n", f);
	fclose(f);
	cfg = awsconfig_load_files(c, NULL, fake_getenv, &env, &err);
	cr_assert_not_null(cfg);
	cr_assert_str_eq(awsconfig_resolve_ca_bundle(cfg, NULL, NULL),
	    "/etc/from-config.pem");
	cr_assert_null(awsconfig_resolve_ca_bundle(cfg, "other", NULL));
	fake_set(&env, "AWS_CA_BUNDLE", "/etc/from-env.pem");
	cr_assert_str_eq(awsconfig_resolve_ca_bundle(cfg, NULL, NULL),
	    "/etc/from-env.pem");
	cr_assert_str_eq(awsconfig_resolve_ca_bundle(cfg, NULL, "/p.pem"),
	    "/p.pem");
	awsconfig_free(cfg);
	unlink(c);
	rmdir(dir);
	free(c);
}

Test(awsconfig, check_endpoint)
{
	static const struct {
		const char *url;
		bool allow_http;
		int rc;
	} cases[] = {
		{ "https://dynamodb.eu-west-1.amazonaws.com", false, 0 },
		{ "local:/tmp/t.db", false, 0 },
		{ "http://localhost:8000", false, 0 },
		{ "http://LOCALHOST", false, 0 },
		{ "http://127.0.0.1:8000/", false, 0 },
		{ "http://127.1.2.3", false, 0 },
		{ "http://[::1]:8000", false, 0 },
		{ "http://localhost.evil.com:8000", false, -1 },
		{ "http://127.0.0.1.evil.com", false, -1 },
		{ "http://user@127.0.0.1", false, -1 },
		{ "http://10.0.0.1:8000", false, -1 },
		{ "http://10.0.0.1:8000", true, 0 },
		{ "ftp://x", true, -1 },
		{ "https://", false, -1 },
		{ "local:", false, -1 },
		{ "", false, -1 },
	};
	struct err err;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_assert_eq(awsconfig_check_endpoint(cases[i].url,
		    cases[i].allow_http, &err), cases[i].rc, "%s",
		    cases[i].url);
	awsconfig_check_endpoint("http://10.0.0.1", false, &err);
	cr_assert_eq(err.code, ERR_CONFIG);
	cr_assert(strstr(err.msg, "allow_http = true") != NULL);
}

Test(awsconfig, partitions)
{
	static const struct {
		const char *region;
		const char *partition;
	} cases[] = {
		{ "eu-west-1", "aws" },
		{ "us-east-1", "aws" },
		{ "il-central-1", "aws" },
		{ "mx-central-1", "aws" },
		{ "aws-global", "aws" },
		{ "cn-north-1", "aws-cn" },
		{ "cn-northwest-1", "aws-cn" },
		{ "us-gov-west-1", "aws-us-gov" },
		{ "us-gov-east-1", "aws-us-gov" },
		{ "us-iso-east-1", "aws-iso" },
		{ "us-isob-east-1", "aws-iso-b" },
		{ "eu-isoe-west-1", "aws-iso-e" },
		{ "us-isof-south-1", "aws-iso-f" },
		{ "eusc-de-east-1", "aws-eusc" },
		/* no pattern matches: "aws", as the SDKs decide */
		{ "local", "aws" },
		{ "moon-base-1", "aws" },
		{ "cn-north", "aws" },
		{ "us-gov-west-x", "aws" },
	};
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		cr_assert_str_eq(awsconfig_partition(cases[i].region)->name,
		    cases[i].partition, "%s", cases[i].region);
	cr_assert_str_eq(awsconfig_partition(NULL)->name, "aws");
	cr_assert_str_eq(awsconfig_partition("cn-north-1")->dns_suffix,
	    "amazonaws.com.cn");
}

Test(awsconfig, default_endpoints)
{
	static const struct {
		const char *service;
		const char *region;
		bool fips, dualstack;
		const char *url;	/* NULL: an error */
	} cases[] = {
		{ "dynamodb", "eu-west-1", false, false,
		  "https://dynamodb.eu-west-1.amazonaws.com" },
		{ "dynamodb", "us-east-1", true, false,
		  "https://dynamodb-fips.us-east-1.amazonaws.com" },
		{ "dynamodb", "us-east-1", false, true,
		  "https://dynamodb.us-east-1.api.aws" },
		{ "dynamodb", "us-east-1", true, true,
		  "https://dynamodb-fips.us-east-1.api.aws" },
		{ "dynamodb", "cn-north-1", false, false,
		  "https://dynamodb.cn-north-1.amazonaws.com.cn" },
		{ "dynamodb", "cn-north-1", false, true,
		  "https://dynamodb.cn-north-1.api.amazonwebservices.com.cn" },
		{ "dynamodb", "cn-north-1", true, false,
		  "https://dynamodb-fips.cn-north-1.amazonaws.com.cn" },
		{ "dynamodb", "us-gov-west-1", false, false,
		  "https://dynamodb.us-gov-west-1.amazonaws.com" },
		{ "dynamodb", "us-gov-west-1", true, false,
		  "https://dynamodb.us-gov-west-1.amazonaws.com" },
		{ "dynamodb", "us-gov-west-1", false, true,
		  "https://dynamodb.us-gov-west-1.api.aws" },
		{ "dynamodb", "us-gov-west-1", true, true,
		  "https://dynamodb-fips.us-gov-west-1.api.aws" },
		{ "dynamodb", "us-iso-east-1", false, false,
		  "https://dynamodb.us-iso-east-1.c2s.ic.gov" },
		{ "dynamodb", "us-iso-east-1", false, true, NULL },
		{ "dynamodb", "local", false, false, "http://localhost:8000" },
		{ "sts", "eu-west-1", false, false,
		  "https://sts.eu-west-1.amazonaws.com" },
		{ "sts", "us-east-2", true, false,
		  "https://sts-fips.us-east-2.amazonaws.com" },
		{ "sts", "us-gov-east-1", true, false,
		  "https://sts.us-gov-east-1.amazonaws.com" },
		{ "sts", "cn-northwest-1", false, false,
		  "https://sts.cn-northwest-1.amazonaws.com.cn" },
		{ "sts", "eu-west-1", false, true,
		  "https://sts.eu-west-1.api.aws" },
		{ "sts", "local", false, false,
		  "https://sts.local.amazonaws.com" },
		{ "dynamodb", NULL, false, false, NULL },
		{ "dynamodb", "eu-west-1/../x", false, false, NULL },
	};
	struct err err;
	size_t i;
	char *e;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		e = awsconfig_default_endpoint(cases[i].service,
		    cases[i].region, cases[i].fips, cases[i].dualstack, &err);
		if (cases[i].url == NULL) {
			cr_assert_null(e, "%zu: %s", i, e);
			cr_assert_eq(err.code, ERR_CONFIG);
			continue;
		}
		cr_assert_not_null(e, "%zu: %s", i, err.msg);
		cr_assert_str_eq(e, cases[i].url, "%zu", i);
		free(e);
	}
	cr_assert_null(awsconfig_default_endpoint("dynamodb", "us-isob-east-1",
	    true, true, &err));
	cr_assert_str_eq(err.msg, "region us-isob-east-1 (partition aws-iso-b) "
	    "has no dual-stack endpoints");
}

Test(awsconfig, fips_and_dualstack_settings)
{
	struct fakeenv env = { .n = 0 };
	char dir[] = "/tmp/awsconfig-test-XXXXXX", *c;
	struct awsconfig *cfg;
	struct err err;
	FILE *f;
	char *e;

	cr_assert_not_null(mkdtemp(dir));
	c = xasprintf("%s/config", dir);
	f = fopen(c, "w");
	fputs("[default]\nuse_fips_endpoint = true\n"
	    "[profile ds]\nuse_dualstack_endpoint = True\n"
	    "[profile custom]\nuse_fips_endpoint = true\n"
	    "endpoint_url = https://ddb.example\n", f);
	fclose(f);
	cfg = awsconfig_load_files(c, NULL, fake_getenv, &env, &err);
	cr_assert_not_null(cfg);
	cr_assert(awsconfig_resolve_flag(cfg, NULL, "AWS_USE_FIPS_ENDPOINT",
	    "use_fips_endpoint"));
	cr_assert_not(awsconfig_resolve_flag(cfg, "ds",
	    "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint"));
	e = awsconfig_resolve_endpoint(cfg, NULL, NULL, "us-west-2", &err);
	cr_assert_str_eq(e, "https://dynamodb-fips.us-west-2.amazonaws.com");
	free(e);
	e = awsconfig_resolve_endpoint(cfg, "ds", NULL, "eu-west-1", &err);
	cr_assert_str_eq(e, "https://dynamodb.eu-west-1.api.aws");
	free(e);
	/* a configured endpoint ignores both, as botocore does */
	e = awsconfig_resolve_endpoint(cfg, "custom", NULL, "us-west-2", &err);
	cr_assert_str_eq(e, "https://ddb.example");
	free(e);
	e = awsconfig_resolve_endpoint(cfg, NULL, "http://127.0.0.1:8000",
	    "us-west-2", &err);
	cr_assert_str_eq(e, "http://127.0.0.1:8000");
	free(e);
	/* the variables win over the file, "false" included */
	fake_set(&env, "AWS_USE_FIPS_ENDPOINT", "false");
	fake_set(&env, "AWS_USE_DUALSTACK_ENDPOINT", "true");
	e = awsconfig_resolve_endpoint(cfg, NULL, NULL, "us-west-2", &err);
	cr_assert_str_eq(e, "https://dynamodb.us-west-2.api.aws");
	free(e);
	e = awsconfig_resolve_endpoint(cfg, NULL, NULL, "us-isof-south-1",
	    &err);
	cr_assert_null(e);
	cr_assert_eq(err.code, ERR_CONFIG);
	cr_assert_str_eq(err.msg, "region us-isof-south-1 (partition "
	    "aws-iso-f) has no dual-stack endpoints");
	awsconfig_free(cfg);
	unlink(c);
	rmdir(dir);
	free(c);
}

Test(awsconfig, sts_endpoint)
{
	struct fakeenv env = { .n = 0 };
	char dir[] = "/tmp/awsconfig-test-XXXXXX", *c;
	const char *sr;
	struct awsconfig *cfg;
	struct err err;
	FILE *f;
	char *e;

	cr_assert_not_null(mkdtemp(dir));
	c = xasprintf("%s/config", dir);
	f = fopen(c, "w");
	fputs("[default]\nregion = eu-west-1\n"
	    "[profile legacy]\nsts_regional_endpoints = legacy\n"
	    "[profile svc]\nservices = mine\n"
	    "[services mine]\nsts =\n  endpoint_url = http://127.0.0.1:4566\n"
	    "[profile bad]\nsts_regional_endpoints = global\n", f);
	fclose(f);
	cfg = awsconfig_load_files(c, NULL, fake_getenv, &env, &err);
	cr_assert_not_null(cfg);

	e = awsconfig_resolve_sts_endpoint(cfg, NULL, "eu-west-1", &sr, &err);
	cr_assert_str_eq(e, "https://sts.eu-west-1.amazonaws.com");
	cr_assert_str_eq(sr, "eu-west-1");
	free(e);
	e = awsconfig_resolve_sts_endpoint(cfg, NULL, NULL, &sr, &err);
	cr_assert_str_eq(e, "https://sts.amazonaws.com");
	cr_assert_str_eq(sr, "us-east-1");
	free(e);
	e = awsconfig_resolve_sts_endpoint(cfg, "legacy", "eu-west-1", &sr,
	    &err);
	cr_assert_str_eq(e, "https://sts.amazonaws.com");
	cr_assert_str_eq(sr, "us-east-1");
	free(e);
	e = awsconfig_resolve_sts_endpoint(cfg, "legacy", "eu-south-1", &sr,
	    &err);
	cr_assert_str_eq(e, "https://sts.eu-south-1.amazonaws.com");
	cr_assert_str_eq(sr, "eu-south-1");
	free(e);
	e = awsconfig_resolve_sts_endpoint(cfg, "legacy", "cn-north-1", &sr,
	    &err);
	cr_assert_str_eq(e, "https://sts.cn-north-1.amazonaws.com.cn");
	free(e);
	e = awsconfig_resolve_sts_endpoint(cfg, "svc", "eu-west-1", &sr, &err);
	cr_assert_str_eq(e, "http://127.0.0.1:4566");
	cr_assert_str_eq(sr, "eu-west-1");
	free(e);
	cr_assert_null(awsconfig_resolve_sts_endpoint(cfg, "bad", "eu-west-1",
	    &sr, &err));
	cr_assert_eq(err.code, ERR_CONFIG);
	cr_assert(strstr(err.msg, "/config:11: sts_regional_endpoints: "
	    "'global' is neither 'regional' nor 'legacy'") != NULL, "%s",
	    err.msg);

	fake_set(&env, "AWS_STS_REGIONAL_ENDPOINTS", "legacy");
	e = awsconfig_resolve_sts_endpoint(cfg, NULL, "us-west-2", &sr, &err);
	cr_assert_str_eq(e, "https://sts.amazonaws.com");
	free(e);
	fake_set(&env, "AWS_USE_FIPS_ENDPOINT", "true");
	e = awsconfig_resolve_sts_endpoint(cfg, NULL, "us-west-2", &sr, &err);
	cr_assert_str_eq(e, "https://sts-fips.us-west-2.amazonaws.com");
	cr_assert_str_eq(sr, "us-west-2");
	free(e);
	fake_set(&env, "AWS_ENDPOINT_URL", "http://127.0.0.1:1111");
	e = awsconfig_resolve_sts_endpoint(cfg, NULL, NULL, &sr, &err);
	cr_assert_str_eq(e, "http://127.0.0.1:1111");
	cr_assert_str_eq(sr, "us-east-1");
	free(e);
	fake_set(&env, "AWS_ENDPOINT_URL_STS", "http://127.0.0.1:2222");
	e = awsconfig_resolve_sts_endpoint(cfg, "svc", "eu-west-1", &sr, &err);
	cr_assert_str_eq(e, "http://127.0.0.1:2222");
	free(e);
	fake_set(&env, "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true");
	fake_set(&env, "AWS_USE_FIPS_ENDPOINT", "");
	fake_set(&env, "AWS_STS_REGIONAL_ENDPOINTS", "");
	e = awsconfig_resolve_sts_endpoint(cfg, "svc", "eu-west-1", &sr, &err);
	cr_assert_str_eq(e, "https://sts.eu-west-1.amazonaws.com");
	free(e);
	awsconfig_free(cfg);
	unlink(c);
	rmdir(dir);
	free(c);
}

/* awsconfig_check_modes: collects the messages. */
static void
collect_warning(void *ctx, const char *msg)
{
	struct buf *b = ctx;

	buf_adds(b, msg);
	buf_addc(b, '\n');
}

Test(awsconfig, secrets_others_can_read)
{
	struct fakeenv env = { .n = 0 };
	char dir[] = "/tmp/awsconfig-test-XXXXXX", *c, *k;
	struct awsconfig *cfg;
	struct buf b = BUF_INIT;
	struct err err;
	FILE *f;

	cr_assert_not_null(mkdtemp(dir));
	c = xasprintf("%s/config", dir);
	k = xasprintf("%s/credentials", dir);
	f = fopen(c, "w");
	fputs("[default]\nregion = eu-west-1\n", f);
	fclose(f);
	f = fopen(k, "w");
	fputs("[default]\naws_access_key_id = AKIDMODE\n"
	    "aws_secret_access_key = mOdEsEcReT\n", f);
	fclose(f);
	chmod(c, 0644);
	chmod(k, 0600);
	cfg = awsconfig_load_files(c, k, fake_getenv, &env, &err);
	cr_assert_not_null(cfg);
	awsconfig_check_modes(cfg, collect_warning, &b);
	cr_assert_eq(b.len, 0, "%s", buf_cstr(&b));

	/* Readable by the group: named, with its mode, never the value. */
	chmod(k, 0640);
	awsconfig_check_modes(cfg, collect_warning, &b);
	cr_assert_not_null(strstr(buf_cstr(&b), k));
	cr_assert_not_null(strstr(buf_cstr(&b), "0640"));
	cr_assert_null(strstr(buf_cstr(&b), "mOdEsEcReT"));
	cr_assert_null(strstr(buf_cstr(&b), "config "), "%s", buf_cstr(&b));
	awsconfig_free(cfg);

	/* A config file with a session token in it counts too. */
	buf_reset(&b);
	f = fopen(c, "w");
	fputs("[default]\naws_session_token = tOkEn\n", f);
	fclose(f);
	chmod(c, 0604);
	chmod(k, 0600);
	cfg = awsconfig_load_files(c, k, fake_getenv, &env, &err);
	cr_assert_not_null(cfg);
	awsconfig_check_modes(cfg, collect_warning, &b);
	cr_assert_not_null(strstr(buf_cstr(&b), c));
	cr_assert_null(strstr(buf_cstr(&b), k), "%s", buf_cstr(&b));
	cr_assert_null(strstr(buf_cstr(&b), "tOkEn"));
	awsconfig_free(cfg);
	buf_cleanup(&b);
	unlink(c);
	unlink(k);
	rmdir(dir);
	free(c);
	free(k);
}
