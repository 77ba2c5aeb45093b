/* SPDX-License-Identifier: ISC */
/* The AWS config and credentials files, and the settings taken from them. */
#ifndef DYNREPO_AWSCONFIG_H
#define DYNREPO_AWSCONFIG_H

#include <stdbool.h>

#include "err.h"

/* Lookup of environment variables; NULL = getenv. Injected for tests.
 * The same type as creds_getenv_fn and profile_getenv_fn. */
typedef const char *(*awsconfig_getenv_fn)(void *ctx, const char *name);

/* Upper bound for max_attempts wherever it is set. */
#define AWSCONFIG_MAX_ATTEMPTS_LIMIT	100

struct awsconfig;

/*
 * Read $AWS_CONFIG_FILE (default ~/.aws/config) and
 * $AWS_SHARED_CREDENTIALS_FILE (default ~/.aws/credentials); "~/" in the
 * variables means $HOME. A missing file (or no HOME) reads as empty. A
 * syntax error is ERR_CONFIG "FILE:LINE: reason", an unreadable file
 * ERR_IO; then NULL. The getenv function is kept for the resolvers below.
 * Config sections: "default" and "profile NAME" (NAME may be quoted) are
 * profiles; others ("sso-session x", "services y") are kept by their
 * whole name. Credentials sections are profile names. Keys are lowercased
 * (as botocore does); within one file a later value of a key wins.
 */
struct awsconfig *awsconfig_load(awsconfig_getenv_fn getenv_fn, void *ctx,
	    struct err *);
/* The same from explicit paths (NULL: no such file). */
struct awsconfig *awsconfig_load_files(const char *config_path,
	    const char *credentials_path, awsconfig_getenv_fn getenv_fn,
	    void *ctx, struct err *);
void	 awsconfig_free(struct awsconfig *);

/* Tell warn about each file read that holds a secret key or a session
 * token and that the group or others can read (the message names the
 * file and its mode, never a value). */
void	 awsconfig_check_modes(const struct awsconfig *,
	     void (*warn)(void *ctx, const char *msg), void *ctx);

/* The paths read, for messages; NULL when there was none. Borrowed. */
const char *awsconfig_config_path(const struct awsconfig *);
const char *awsconfig_credentials_path(const struct awsconfig *);

/* The AWS profile meant by aws_profile: itself when non-NULL, else
 * $AWS_PROFILE when set and non-empty, else "default". Borrowed. */
const char *awsconfig_profile_name(const struct awsconfig *,
	    const char *aws_profile);

/* A profile's value as botocore sees it: the credentials file's value
 * over the config file's. NULL when absent. Borrowed. */
const char *awsconfig_get(const struct awsconfig *, const char *profile,
	    const char *key);
/* Only the config file's [default] / [profile NAME]. */
const char *awsconfig_get_config(const struct awsconfig *,
	    const char *profile, const char *key);
/* Only the credentials file's [NAME]. */
const char *awsconfig_get_credentials(const struct awsconfig *,
	    const char *profile, const char *key);
/* A config section that is not a profile, by its whole name. */
const char *awsconfig_get_section(const struct awsconfig *,
	    const char *section, const char *key);
/* Where a value came from (as awsconfig_get chooses): file and line.
 * Returns false when the key is absent. */
bool	 awsconfig_where(const struct awsconfig *, const char *profile,
	     const char *key, const char **file, int *line);
/* Whether either file has a section for the profile. */
bool	 awsconfig_has_profile(const struct awsconfig *, const char *profile);

/*
 * Settings resolution. aws_profile is the repository profile's AWS
 * profile (NULL: as awsconfig_profile_name). Environment reads go through
 * the getenv function given at load time.
 */

/* The repository profile's region, else AWS_REGION, AWS_DEFAULT_REGION,
 * the AWS profile's region. NULL when none. Borrowed. */
const char *awsconfig_resolve_region(const struct awsconfig *,
	    const char *aws_profile, const char *profile_region);
/* The repository profile's value (0: unset), else AWS_MAX_ATTEMPTS, the
 * AWS profile's max_attempts, else 3. A value that is not an integer in
 * 1..AWSCONFIG_MAX_ATTEMPTS_LIMIT is ERR_CONFIG naming where it is. */
int	 awsconfig_resolve_max_attempts(const struct awsconfig *,
	     const char *aws_profile, int profile_value, int *out,
	     struct err *);
/* The DynamoDB endpoint: the repository profile's, else (unless
 * AWS_IGNORE_CONFIGURED_ENDPOINT_URLS or the AWS profile's
 * ignore_configured_endpoint_urls is true) AWS_ENDPOINT_URL_DYNAMODB, the
 * AWS profile's services section's dynamodb endpoint_url,
 * AWS_ENDPOINT_URL, the AWS profile's endpoint_url; else the default of
 * awsconfig_default_endpoint("dynamodb", region, fips, dualstack) with
 * fips and dualstack from AWS_USE_FIPS_ENDPOINT / use_fips_endpoint and
 * AWS_USE_DUALSTACK_ENDPOINT / use_dualstack_endpoint (ignored for a
 * configured endpoint, as botocore ignores them). ERR_CONFIG when a
 * default is needed and region is NULL, not a region name, or its
 * partition lacks the variant asked for. Returns a string the caller
 * frees, or NULL. */
char	*awsconfig_resolve_endpoint(const struct awsconfig *,
	    const char *aws_profile, const char *profile_endpoint,
	    const char *region, struct err *);

/* An AWS partition: where a region's endpoints live. */
struct awsconfig_partition {
	const char	*name;			/* "aws", "aws-cn", ... */
	const char	*dns_suffix;		/* "amazonaws.com" */
	const char	*dualstack_dns_suffix;	/* "api.aws"; NULL: none */
	bool		 fips;			/* has FIPS endpoints */
};

/* The partition of a region, by the SDKs' partition patterns (aws,
 * aws-cn, aws-us-gov, the ISO partitions, aws-eusc); an unknown region
 * is in "aws". Cannot fail; borrowed (static). */
const struct awsconfig_partition *awsconfig_partition(const char *region);

/* The endpoint rules of the SDKs for dynamodb and sts (other services
 * get the generic https://SERVICE[-fips].REGION.SUFFIX):
 *   fips + dualstack  https://SERVICE-fips.REGION.DUALSTACK_SUFFIX
 *   fips              https://SERVICE-fips.REGION.SUFFIX
 *                     (aws-us-gov: https://SERVICE.REGION.amazonaws.com)
 *   dualstack         https://SERVICE.REGION.DUALSTACK_SUFFIX
 *   neither           https://SERVICE.REGION.SUFFIX
 * and for dynamodb the region "local" is http://localhost:8000.
 * ERR_CONFIG when region is NULL or not a region name, or the partition
 * has no FIPS or no dual-stack endpoints. The caller frees the string. */
char	*awsconfig_default_endpoint(const char *service, const char *region,
	    bool fips, bool dualstack, struct err *);

/* A boolean setting as botocore reads it: the environment variable when
 * set and non-empty, else the AWS profile's key; true only for "true"
 * (any case). */
bool	 awsconfig_resolve_flag(const struct awsconfig *,
	     const char *aws_profile, const char *env_name, const char *key);

/* The STS endpoint for credentials and whoami. Configured ones first,
 * unless endpoint URLs are ignored as above: AWS_ENDPOINT_URL_STS, the
 * AWS profile's services section's sts endpoint_url, AWS_ENDPOINT_URL,
 * the AWS profile's endpoint_url. Else by AWS_STS_REGIONAL_ENDPOINTS /
 * sts_regional_endpoints ("regional", the AWS CLI v2's default, or
 * "legacy": the global https://sts.amazonaws.com for the regions that
 * used it) and the FIPS and dual-stack settings; with no region (or
 * "aws-global") the global endpoint. *signing_region is region, or
 * "us-east-1" for the global endpoint and for a configured endpoint
 * without a region (borrowed: region or a static string). ERR_CONFIG for
 * a bad sts_regional_endpoints value or region. The caller frees the
 * string. */
char	*awsconfig_resolve_sts_endpoint(const struct awsconfig *,
	    const char *aws_profile, const char *region,
	    const char **signing_region, struct err *);
/* The repository profile's ca_bundle, else AWS_CA_BUNDLE, the AWS
 * profile's ca_bundle. NULL: the system's. Borrowed. */
const char *awsconfig_resolve_ca_bundle(const struct awsconfig *,
	    const char *aws_profile, const char *profile_ca_bundle);

/* Whether an endpoint may be used: https://, local:PATH, or http:// to a
 * loopback host (localhost, 127.0.0.0/8, [::1]) or with allow_http.
 * ERR_CONFIG with the reason otherwise. */
int	 awsconfig_check_endpoint(const char *url, bool allow_http,
	     struct err *);

#endif
