/* SPDX-License-Identifier: ISC */
/* The AWS config and credentials files, and the settings taken from them. */
#include "config.h"

#include "awsconfig.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "ini.h"
#include "xmalloc.h"

enum awsconfig_kind {
	AWSCONFIG_PROFILE,	/* config file: [default], [profile NAME] */
	AWSCONFIG_OTHER,	/* config file: any other section */
	AWSCONFIG_CREDS		/* credentials file: [NAME] */
};

struct awsconfig_entry {
	enum awsconfig_kind kind;
	char		*section;	/* profile name, or the whole name */
	char		*key;		/* NULL: the section header itself */
	char		*value;
	const char	*file;		/* borrowed from struct awsconfig */
	int		 line;
};

struct awsconfig {
	char		*config_path;
	char		*credentials_path;
	struct awsconfig_entry *v;
	size_t		 n;
	size_t		 cap;
	awsconfig_getenv_fn getenv_fn;
	void		*env_ctx;
};

struct awsconfig_parse {
	struct awsconfig *cfg;
	bool		 credentials;
	const char	*file;
};

/* The real environment, for a NULL getenv function. */
static const char *
awsconfig_real_getenv(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

/* An environment variable; NULL when unset or empty. */
static const char *
awsconfig_env(const struct awsconfig *cfg, const char *name)
{
	const char *v = cfg->getenv_fn(cfg->env_ctx, name);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* Split a config section name into its kind and profile name (new). */
static enum awsconfig_kind
awsconfig_classify(const char *section, char **name)
{
	const char *p;
	size_t n;

	if (strcmp(section, "default") == 0) {
		*name = xstrdup(section);
		return AWSCONFIG_PROFILE;
	}
	if (strncmp(section, "profile", 7) == 0 &&
	    (section[7] == ' ' || section[7] == '\t')) {
		p = section + 7;
		while (*p == ' ' || *p == '\t')
			p++;
		n = strlen(p);
		/* botocore splits the header like a shell: quotes allowed */
		if (n >= 2 && (p[0] == '"' || p[0] == '\'') &&
		    p[n - 1] == p[0]) {
			p++;
			n -= 2;
		}
		if (n > 0) {
			*name = xstrndup(p, n);
			return AWSCONFIG_PROFILE;
		}
	}
	*name = xstrdup(section);
	return AWSCONFIG_OTHER;
}

/* Append one entry (key NULL for a section header). */
static void
awsconfig_add(struct awsconfig_parse *ps, const char *section,
    const char *key, const char *value, int line)
{
	struct awsconfig *cfg = ps->cfg;
	struct awsconfig_entry *e;
	char *k;

	if (cfg->n == cfg->cap) {
		cfg->cap = cfg->cap ? cfg->cap * 2 : 32;
		cfg->v = xreallocarray(cfg->v, cfg->cap, sizeof *cfg->v);
	}
	e = &cfg->v[cfg->n++];
	if (ps->credentials) {
		e->kind = AWSCONFIG_CREDS;
		e->section = xstrdup(section);
	} else
		e->kind = awsconfig_classify(section, &e->section);
	e->key = NULL;
	if (key != NULL) {
		e->key = xstrdup(key);
		for (k = e->key; *k != '\0'; k++)
			*k = (char)tolower((unsigned char)*k);
	}
	e->value = value != NULL ? xstrdup(value) : NULL;
	e->file = ps->file;
	e->line = line;
}

/* ini callback: a section header. */
static int
awsconfig_on_section(void *ctx, const char *name, const char *file,
    int line, struct err *err)
{
	(void)file;
	(void)err;
	awsconfig_add(ctx, name, NULL, NULL, line);
	return 0;
}

/* ini callback: a key. */
static int
awsconfig_on_key(void *ctx, const char *section, const char *key,
    const char *value, const char *file, int line, struct err *err)
{
	(void)file;
	(void)err;
	awsconfig_add(ctx, section, key, value, line);
	return 0;
}

/* Read one file into cfg; a missing one is empty. */
static int
awsconfig_read(struct awsconfig *cfg, const char *path, bool credentials,
    struct err *err)
{
	struct awsconfig_parse ps = { cfg, credentials, path };
	struct ini_handler h = {
		.section = awsconfig_on_section,
		.key = awsconfig_on_key,
		.ctx = &ps,
		.flags = INI_NESTED,
	};
	struct err e;

	if (path == NULL)
		return 0;
	if (ini_parse_file(path, &h, &e) == 0 || e.code == ERR_NOT_FOUND)
		return 0;
	if (e.code == ERR_CONFIG)
		err_prefix(&e, "AWS %s file ",
		    credentials ? "credentials" : "config");
	if (err != NULL)
		*err = e;
	return -1;
}

/* A path from a variable ("~/" = $HOME), or HOME + dflt. NULL: none. */
static char *
awsconfig_path(const struct awsconfig *cfg, const char *var,
    const char *dflt)
{
	const char *v = awsconfig_env(cfg, var), *home;

	home = awsconfig_env(cfg, "HOME");
	if (v != NULL) {
		if (strncmp(v, "~/", 2) == 0 && home != NULL)
			return xasprintf("%s/%s", home, v + 2);
		return xstrdup(v);
	}
	if (home == NULL)
		return NULL;
	return xasprintf("%s/%s", home, dflt);
}

struct awsconfig *
awsconfig_load_files(const char *config_path, const char *credentials_path,
    awsconfig_getenv_fn getenv_fn, void *ctx, struct err *err)
{
	struct awsconfig *cfg = xcalloc(1, sizeof *cfg);

	cfg->getenv_fn = getenv_fn != NULL ? getenv_fn : awsconfig_real_getenv;
	cfg->env_ctx = ctx;
	cfg->config_path = config_path ? xstrdup(config_path) : NULL;
	cfg->credentials_path = credentials_path ?
	    xstrdup(credentials_path) : NULL;
	if (awsconfig_read(cfg, cfg->config_path, false, err) != 0 ||
	    awsconfig_read(cfg, cfg->credentials_path, true, err) != 0) {
		awsconfig_free(cfg);
		return NULL;
	}
	err_clear(err);
	return cfg;
}

/* Whether the file at path gave a secret key or a session token. */
static bool
awsconfig_file_has_secret(const struct awsconfig *cfg, const char *path)
{
	size_t i;

	for (i = 0; i < cfg->n; i++)
		if (cfg->v[i].file == path && cfg->v[i].key != NULL &&
		    (strcmp(cfg->v[i].key, "aws_secret_access_key") == 0 ||
		    strcmp(cfg->v[i].key, "aws_session_token") == 0))
			return true;
	return false;
}

void
awsconfig_check_modes(const struct awsconfig *cfg,
    void (*warn)(void *, const char *), void *ctx)
{
	const char *paths[2] = { cfg->config_path, cfg->credentials_path };
	struct stat sb;
	char *msg;
	size_t i;

	for (i = 0; i < 2; i++) {
		if (paths[i] == NULL ||
		    !awsconfig_file_has_secret(cfg, paths[i]) ||
		    stat(paths[i], &sb) == -1 ||
		    (sb.st_mode & (S_IRGRP | S_IROTH)) == 0)
			continue;
		msg = xasprintf("%s holds AWS secret keys and other users can "
		    "read it (mode %04o); chmod 600 %s", paths[i],
		    (unsigned)(sb.st_mode & 07777), paths[i]);
		warn(ctx, msg);
		free(msg);
	}
}

struct awsconfig *
awsconfig_load(awsconfig_getenv_fn getenv_fn, void *ctx, struct err *err)
{
	struct awsconfig env = { 0 }, *cfg;
	char *config, *credentials;

	env.getenv_fn = getenv_fn != NULL ? getenv_fn : awsconfig_real_getenv;
	env.env_ctx = ctx;
	config = awsconfig_path(&env, "AWS_CONFIG_FILE", ".aws/config");
	credentials = awsconfig_path(&env, "AWS_SHARED_CREDENTIALS_FILE",
	    ".aws/credentials");
	cfg = awsconfig_load_files(config, credentials, getenv_fn, ctx, err);
	free(config);
	free(credentials);
	return cfg;
}

void
awsconfig_free(struct awsconfig *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	for (i = 0; i < cfg->n; i++) {
		free(cfg->v[i].section);
		free(cfg->v[i].key);
		free(cfg->v[i].value);
	}
	free(cfg->v);
	free(cfg->config_path);
	free(cfg->credentials_path);
	free(cfg);
}

const char *
awsconfig_config_path(const struct awsconfig *cfg)
{
	return cfg->config_path;
}

const char *
awsconfig_credentials_path(const struct awsconfig *cfg)
{
	return cfg->credentials_path;
}

const char *
awsconfig_profile_name(const struct awsconfig *cfg, const char *aws_profile)
{
	const char *v;

	if (aws_profile != NULL)
		return aws_profile;
	v = awsconfig_env(cfg, "AWS_PROFILE");
	return v != NULL ? v : "default";
}

/* The last entry of a kind, section and key (NULL key: the header). */
static const struct awsconfig_entry *
awsconfig_find(const struct awsconfig *cfg, enum awsconfig_kind kind,
    const char *section, const char *key)
{
	const struct awsconfig_entry *e;
	size_t i;

	if (cfg == NULL || section == NULL)
		return NULL;
	for (i = cfg->n; i > 0; i--) {
		e = &cfg->v[i - 1];
		if (e->kind != kind || strcmp(e->section, section) != 0)
			continue;
		if (key == NULL ? e->key == NULL :
		    e->key != NULL && strcasecmp(e->key, key) == 0)
			return e;
	}
	return NULL;
}

/* The entry awsconfig_get chooses. */
static const struct awsconfig_entry *
awsconfig_find_merged(const struct awsconfig *cfg, const char *profile,
    const char *key)
{
	const struct awsconfig_entry *e;

	e = awsconfig_find(cfg, AWSCONFIG_CREDS, profile, key);
	if (e == NULL)
		e = awsconfig_find(cfg, AWSCONFIG_PROFILE, profile, key);
	return e;
}

const char *
awsconfig_get(const struct awsconfig *cfg, const char *profile,
    const char *key)
{
	const struct awsconfig_entry *e;

	e = awsconfig_find_merged(cfg, profile, key);
	return e != NULL ? e->value : NULL;
}

const char *
awsconfig_get_config(const struct awsconfig *cfg, const char *profile,
    const char *key)
{
	const struct awsconfig_entry *e;

	e = awsconfig_find(cfg, AWSCONFIG_PROFILE, profile, key);
	return e != NULL ? e->value : NULL;
}

const char *
awsconfig_get_credentials(const struct awsconfig *cfg, const char *profile,
    const char *key)
{
	const struct awsconfig_entry *e;

	e = awsconfig_find(cfg, AWSCONFIG_CREDS, profile, key);
	return e != NULL ? e->value : NULL;
}

const char *
awsconfig_get_section(const struct awsconfig *cfg, const char *section,
    const char *key)
{
	const struct awsconfig_entry *e;

	e = awsconfig_find(cfg, AWSCONFIG_OTHER, section, key);
	return e != NULL ? e->value : NULL;
}

bool
awsconfig_where(const struct awsconfig *cfg, const char *profile,
    const char *key, const char **file, int *line)
{
	const struct awsconfig_entry *e;

	e = awsconfig_find_merged(cfg, profile, key);
	if (e == NULL)
		return false;
	*file = e->file;
	*line = e->line;
	return true;
}

bool
awsconfig_has_profile(const struct awsconfig *cfg, const char *profile)
{
	return awsconfig_find_merged(cfg, profile, NULL) != NULL;
}

const char *
awsconfig_resolve_region(const struct awsconfig *cfg,
    const char *aws_profile, const char *profile_region)
{
	const char *v;

	if (profile_region != NULL && *profile_region != '\0')
		return profile_region;
	if ((v = awsconfig_env(cfg, "AWS_REGION")) != NULL ||
	    (v = awsconfig_env(cfg, "AWS_DEFAULT_REGION")) != NULL)
		return v;
	v = awsconfig_get(cfg, awsconfig_profile_name(cfg, aws_profile),
	    "region");
	return v != NULL && *v != '\0' ? v : NULL;
}

/* Parse a max_attempts value; -1 when it is not one. */
static int
awsconfig_parse_attempts(const char *s)
{
	char *end;
	long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtol(s, &end, 10);
	if (*end != '\0' || v < 1 || v > AWSCONFIG_MAX_ATTEMPTS_LIMIT)
		return -1;
	return (int)v;
}

int
awsconfig_resolve_max_attempts(const struct awsconfig *cfg,
    const char *aws_profile, int profile_value, int *out, struct err *err)
{
	const char *v, *profile, *file;
	int n, line;

	if (profile_value > 0) {
		*out = profile_value;
		return 0;
	}
	if ((v = awsconfig_env(cfg, "AWS_MAX_ATTEMPTS")) != NULL) {
		if ((n = awsconfig_parse_attempts(v)) < 0)
			return err_set(err, ERR_CONFIG,
			    "AWS_MAX_ATTEMPTS: '%s' is not an integer from 1 "
			    "to %d", v, AWSCONFIG_MAX_ATTEMPTS_LIMIT);
		*out = n;
		return 0;
	}
	profile = awsconfig_profile_name(cfg, aws_profile);
	if (awsconfig_where(cfg, profile, "max_attempts", &file, &line)) {
		v = awsconfig_get(cfg, profile, "max_attempts");
		if ((n = awsconfig_parse_attempts(v)) < 0)
			return err_set(err, ERR_CONFIG,
			    "%s:%d: max_attempts: '%s' is not an integer from "
			    "1 to %d", file, line, v,
			    AWSCONFIG_MAX_ATTEMPTS_LIMIT);
		*out = n;
		return 0;
	}
	*out = 3;
	return 0;
}

/* Whether a setting reads as true ("true", any case). */
static bool
awsconfig_true(const char *v)
{
	return v != NULL && strcasecmp(v, "true") == 0;
}

/* Whether s is a plausible region name: [a-z0-9-]+. */
static bool
awsconfig_region_ok(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!(*s >= 'a' && *s <= 'z') && !(*s >= '0' && *s <= '9') &&
		    *s != '-')
			return false;
	return true;
}

/* Whether s is "\w+-\d+" and nothing more (the end of a region name). */
static bool
awsconfig_word_digits(const char *s)
{
	const char *p = s;

	while (isalnum((unsigned char)*p) || *p == '_')
		p++;
	if (p == s || *p != '-')
		return false;
	s = ++p;
	while (*p >= '0' && *p <= '9')
		p++;
	return p != s && *p == '\0';
}

/* Whether region is PREFIX-\w+-\d+ for one of the '|'-separated
 * prefixes (the partitions' regionRegex, without a regex engine). */
static bool
awsconfig_region_in(const char *region, const char *prefixes)
{
	const char *p = prefixes, *bar;
	size_t n;

	for (;;) {
		bar = strchr(p, '|');
		n = bar != NULL ? (size_t)(bar - p) : strlen(p);
		if (strncmp(region, p, n) == 0 && region[n] == '-' &&
		    awsconfig_word_digits(region + n + 1))
			return true;
		if (bar == NULL)
			return false;
		p = bar + 1;
	}
}

/* The SDKs' partitions.json, the parts endpoints need. */
static const struct {
	const char			*prefixes;
	const char			*global;	/* its global region */
	struct awsconfig_partition	 part;
} awsconfig_partitions[] = {
	{ "us-gov", "aws-us-gov-global",
	    { "aws-us-gov", "amazonaws.com", "api.aws", true } },
	{ "us-iso", "aws-iso-global",
	    { "aws-iso", "c2s.ic.gov", NULL, true } },
	{ "us-isob", "aws-iso-b-global",
	    { "aws-iso-b", "sc2s.sgov.gov", NULL, true } },
	{ "eu-isoe", "aws-iso-e-global",
	    { "aws-iso-e", "cloud.adc-e.uk", NULL, true } },
	{ "us-isof", "aws-iso-f-global",
	    { "aws-iso-f", "csp.hci.ic.gov", NULL, true } },
	{ "eusc-de", "aws-eusc-global",
	    { "aws-eusc", "amazonaws.eu", NULL, true } },
	{ "cn", "aws-cn-global",
	    { "aws-cn", "amazonaws.com.cn", "api.amazonwebservices.com.cn",
	    true } },
	{ "us|eu|ap|sa|ca|me|af|il|mx", "aws-global",
	    { "aws", "amazonaws.com", "api.aws", true } },
};

const struct awsconfig_partition *
awsconfig_partition(const char *region)
{
	size_t i, n = sizeof awsconfig_partitions /
	    sizeof awsconfig_partitions[0];

	for (i = 0; region != NULL && i < n; i++)
		if (awsconfig_region_in(region,
		    awsconfig_partitions[i].prefixes) ||
		    strcmp(region, awsconfig_partitions[i].global) == 0)
			return &awsconfig_partitions[i].part;
	/* the SDKs' rule: a region no pattern matches is in "aws" */
	return &awsconfig_partitions[n - 1].part;
}

char *
awsconfig_default_endpoint(const char *service, const char *region,
    bool fips, bool dualstack, struct err *err)
{
	const struct awsconfig_partition *pt;

	if (region == NULL || *region == '\0') {
		err_set(err, ERR_CONFIG, "no region: set region in the "
		    "profile, AWS_REGION or AWS_DEFAULT_REGION, or region in "
		    "the AWS profile");
		return NULL;
	}
	if (!awsconfig_region_ok(region)) {
		err_set(err, ERR_CONFIG, "region '%s' is not a region name",
		    region);
		return NULL;
	}
	pt = awsconfig_partition(region);
	if (fips && !pt->fips) {
		err_set(err, ERR_CONFIG, "region %s (partition %s) has no "
		    "FIPS endpoints", region, pt->name);
		return NULL;
	}
	if (dualstack && pt->dualstack_dns_suffix == NULL) {
		err_set(err, ERR_CONFIG, "region %s (partition %s) has no "
		    "dual-stack endpoints", region, pt->name);
		return NULL;
	}
	if (!fips && !dualstack && strcmp(service, "dynamodb") == 0 &&
	    strcmp(region, "local") == 0)
		return xstrdup("http://localhost:8000");
	if (fips && dualstack)
		return xasprintf("https://%s-fips.%s.%s", service, region,
		    pt->dualstack_dns_suffix);
	if (fips && strcmp(pt->name, "aws-us-gov") == 0 &&
	    (strcmp(service, "dynamodb") == 0 || strcmp(service, "sts") == 0))
		/* GovCloud's plain endpoints of these are FIPS already */
		return xasprintf("https://%s.%s.amazonaws.com", service,
		    region);
	if (fips)
		return xasprintf("https://%s-fips.%s.%s", service, region,
		    pt->dns_suffix);
	if (dualstack)
		return xasprintf("https://%s.%s.%s", service, region,
		    pt->dualstack_dns_suffix);
	return xasprintf("https://%s.%s.%s", service, region, pt->dns_suffix);
}

bool
awsconfig_resolve_flag(const struct awsconfig *cfg, const char *aws_profile,
    const char *env_name, const char *key)
{
	const char *v = awsconfig_env(cfg, env_name);

	if (v == NULL)
		v = awsconfig_get(cfg, awsconfig_profile_name(cfg,
		    aws_profile), key);
	return awsconfig_true(v);
}

/* A configured endpoint for service (services section key
 * "SERVICE.endpoint_url", variable AWS_ENDPOINT_URL_ENVNAME), else NULL.
 * Borrowed. */
static const char *
awsconfig_configured_endpoint(const struct awsconfig *cfg,
    const char *profile, const char *service, const char *env_name)
{
	const char *v, *services;
	char *section, *key;

	if (awsconfig_true(awsconfig_env(cfg,
	    "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS")) ||
	    awsconfig_true(awsconfig_get(cfg, profile,
	    "ignore_configured_endpoint_urls")))
		return NULL;
	if ((v = awsconfig_env(cfg, env_name)) != NULL)
		return v;
	services = awsconfig_get(cfg, profile, "services");
	if (services != NULL && *services != '\0') {
		section = xasprintf("services %s", services);
		key = xasprintf("%s.endpoint_url", service);
		v = awsconfig_get_section(cfg, section, key);
		free(section);
		free(key);
		if (v != NULL && *v != '\0')
			return v;
	}
	if ((v = awsconfig_env(cfg, "AWS_ENDPOINT_URL")) != NULL)
		return v;
	v = awsconfig_get(cfg, profile, "endpoint_url");
	return v != NULL && *v != '\0' ? v : NULL;
}

char *
awsconfig_resolve_endpoint(const struct awsconfig *cfg,
    const char *aws_profile, const char *profile_endpoint,
    const char *region, struct err *err)
{
	const char *profile, *v;
	char *e;

	if (profile_endpoint != NULL && *profile_endpoint != '\0')
		return xstrdup(profile_endpoint);
	profile = awsconfig_profile_name(cfg, aws_profile);
	v = awsconfig_configured_endpoint(cfg, profile, "dynamodb",
	    "AWS_ENDPOINT_URL_DYNAMODB");
	if (v != NULL)
		return xstrdup(v);
	e = awsconfig_default_endpoint("dynamodb", region,
	    awsconfig_resolve_flag(cfg, aws_profile, "AWS_USE_FIPS_ENDPOINT",
	    "use_fips_endpoint"), awsconfig_resolve_flag(cfg, aws_profile,
	    "AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint"), err);
	if (e == NULL && region == NULL)
		err_set(err, ERR_CONFIG, "no region: set region in the "
		    "profile, AWS_REGION or AWS_DEFAULT_REGION, or region in "
		    "the AWS profile '%s'", profile);
	return e;
}

/* The regions that sts_regional_endpoints = legacy sends to the global
 * endpoint (botocore's LEGACY_GLOBAL_STS_REGIONS). */
static bool
awsconfig_sts_legacy_global(const char *region)
{
	static const char *const legacy[] = { "ap-northeast-1", "ap-south-1",
	    "ap-southeast-1", "ap-southeast-2", "aws-global", "ca-central-1",
	    "eu-central-1", "eu-north-1", "eu-west-1", "eu-west-2",
	    "eu-west-3", "sa-east-1", "us-east-1", "us-east-2", "us-west-1",
	    "us-west-2" };
	size_t i;

	for (i = 0; i < sizeof legacy / sizeof legacy[0]; i++)
		if (strcmp(region, legacy[i]) == 0)
			return true;
	return false;
}

char *
awsconfig_resolve_sts_endpoint(const struct awsconfig *cfg,
    const char *aws_profile, const char *region,
    const char **signing_region, struct err *err)
{
	const char *profile, *v, *mode, *file;
	bool fips, dualstack, legacy;
	int line;

	profile = awsconfig_profile_name(cfg, aws_profile);
	if (region != NULL && *region == '\0')
		region = NULL;
	*signing_region = region != NULL ? region : "us-east-1";
	v = awsconfig_configured_endpoint(cfg, profile, "sts",
	    "AWS_ENDPOINT_URL_STS");
	if (v != NULL)
		return xstrdup(v);
	mode = awsconfig_env(cfg, "AWS_STS_REGIONAL_ENDPOINTS");
	if (mode == NULL)
		mode = awsconfig_get(cfg, profile, "sts_regional_endpoints");
	if (mode != NULL && *mode != '\0' && strcmp(mode, "regional") != 0 &&
	    strcmp(mode, "legacy") != 0) {
		if (awsconfig_env(cfg, "AWS_STS_REGIONAL_ENDPOINTS") != NULL)
			err_set(err, ERR_CONFIG, "AWS_STS_REGIONAL_ENDPOINTS: "
			    "'%s' is neither 'regional' nor 'legacy'", mode);
		else if (awsconfig_where(cfg, profile,
		    "sts_regional_endpoints", &file, &line))
			err_set(err, ERR_CONFIG, "%s:%d: "
			    "sts_regional_endpoints: '%s' is neither "
			    "'regional' nor 'legacy'", file, line, mode);
		return NULL;
	}
	legacy = mode != NULL && strcmp(mode, "legacy") == 0;
	fips = awsconfig_resolve_flag(cfg, aws_profile,
	    "AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint");
	dualstack = awsconfig_resolve_flag(cfg, aws_profile,
	    "AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint");
	if (!fips && !dualstack && (region == NULL ||
	    strcmp(region, "aws-global") == 0 ||
	    (legacy && awsconfig_sts_legacy_global(region)))) {
		*signing_region = "us-east-1";
		return xstrdup("https://sts.amazonaws.com");
	}
	if (region == NULL)
		region = "us-east-1";
	return awsconfig_default_endpoint("sts", region, fips, dualstack,
	    err);
}

const char *
awsconfig_resolve_ca_bundle(const struct awsconfig *cfg,
    const char *aws_profile, const char *profile_ca_bundle)
{
	const char *v;

	if (profile_ca_bundle != NULL && *profile_ca_bundle != '\0')
		return profile_ca_bundle;
	if ((v = awsconfig_env(cfg, "AWS_CA_BUNDLE")) != NULL)
		return v;
	v = awsconfig_get(cfg, awsconfig_profile_name(cfg, aws_profile),
	    "ca_bundle");
	return v != NULL && *v != '\0' ? v : NULL;
}

/* Whether the host of an http URL (after "http://") is loopback. */
static bool
awsconfig_loopback(const char *host)
{
	size_t n = strcspn(host, ":/?#");
	unsigned a, b, c, d;
	char ip[16], tail;

	if (strncmp(host, "[::1]", 5) == 0)
		return host[5] == '\0' || strchr(":/?#", host[5]) != NULL;
	if (n == 9 && strncasecmp(host, "localhost", 9) == 0)
		return true;
	if (n > 15 || n == 0)
		return false;
	memcpy(ip, host, n);
	ip[n] = '\0';
	if (sscanf(ip, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4)
		return false;
	return a == 127 && b <= 255 && c <= 255 && d <= 255;
}

int
awsconfig_check_endpoint(const char *url, bool allow_http, struct err *err)
{
	if (strncmp(url, "https://", 8) == 0 && url[8] != '\0')
		return 0;
	if (strncmp(url, "local:", 6) == 0 && url[6] != '\0')
		return 0;
	if (strncmp(url, "http://", 7) == 0 && url[7] != '\0') {
		if (allow_http || awsconfig_loopback(url + 7))
			return 0;
		return err_set(err, ERR_CONFIG, "endpoint %s: plain http to a "
		    "host that is not loopback; set allow_http = true in the "
		    "profile to allow it", url);
	}
	return err_set(err, ERR_CONFIG, "endpoint '%s' does not start with "
	    "https://, http:// or local:", url);
}
