/* SPDX-License-Identifier: ISC */
/* AWS credentials from the places the AWS CLI looks, in its order. */
#ifndef DYNREPO_CREDS_H
#define DYNREPO_CREDS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "clock.h"
#include "err.h"

struct http_ops;

struct creds {
	char	*access_key_id;
	char	*secret_access_key;	/* never logged, never shown */
	char	*session_token;		/* NULL when none; never logged */
	time_t	 expiration;		/* 0 when they do not expire */
	/* "environment", "shared-credentials-file", "config-file",
	 * "credential_process", "assume-role",
	 * "assume-role-with-web-identity", "container-role", "iam-role" */
	char	 source[64];
	char	 detail[512];		/* where exactly, for whoami and -v:
					   files, profiles, role ARNs, URLs;
					   never a secret */
};

void	 creds_cleanup(struct creds *);
void	 creds_copy(struct creds *dst, const struct creds *src);

/* Lookup of environment variables; NULL = getenv. Injected for tests. */
typedef const char *(*creds_getenv_fn)(void *ctx, const char *name);

/* Ask the person for an MFA code: show prompt, put the answer (without
 * the newline) in answer[size]. 0, or -1 with err (ERR_AUTH when nobody
 * can be asked, ERR_CANCELLED when they declined). */
typedef int (*creds_prompt_fn)(void *ctx, const char *prompt, char *answer,
	    size_t size, struct err *);

struct creds_provider;

/* A provider for one AWS profile name (NULL: AWS_PROFILE, else "default").
 * Cannot fail: problems show when credentials are asked for. */
struct creds_provider *creds_provider_new(const char *aws_profile,
	    creds_getenv_fn getenv_fn, void *env_ctx);
void	 creds_provider_free(struct creds_provider *);
/* Current credentials (cached; refreshed when within 5 minutes of
 * expiring). Fills *out with copies the caller cleans up. ERR_AUTH with
 * the sources tried when none is found. */
int	 creds_provider_get(struct creds_provider *, struct creds *out,
	     struct err *);

/*
 * The order is the AWS CLI v2's (botocore's credential chain):
 *  1. the environment: AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY
 *     [+ AWS_SESSION_TOKEN] — only when aws_profile is NULL;
 *  2. assume role: the profile has role_arn (and no
 *     web_identity_token_file) with source_profile or credential_source;
 *  3. web identity: web_identity_token_file, role_arn, role_session_name
 *     — each from AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN,
 *     AWS_ROLE_SESSION_NAME first when aws_profile is NULL, else from the
 *     profile; AssumeRoleWithWebIdentity, unsigned;
 *  4. SSO settings (sso_session, sso_start_url, ...): ERR_AUTH, not
 *     supported, with the credential_process line to use instead;
 *  5. the credentials file's keys; 6. credential_process (credentials
 *     file over config file); 7. the config file's keys;
 *  8. container credentials: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI
 *     (http://169.254.170.2 + it), else AWS_CONTAINER_CREDENTIALS_FULL_URI
 *     (loopback or 169.254.170.2, 169.254.170.23, [fd00:ec2::23] only)
 *     with AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE (read at every refresh)
 *     or AWS_CONTAINER_AUTHORIZATION_TOKEN; a failure is an error;
 *  9. EC2 instance metadata (IMDSv2; see imds.h) unless
 *     AWS_EC2_METADATA_DISABLED=true; endpoint from
 *     AWS_EC2_METADATA_SERVICE_ENDPOINT / ec2_metadata_service_endpoint,
 *     else by AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE /
 *     ec2_metadata_service_endpoint_mode (IPv4, IPv6); IMDSv1 fallback
 *     only when AWS_EC2_METADATA_V1_DISABLED / ec2_metadata_v1_disabled
 *     is "false"; AWS_METADATA_SERVICE_TIMEOUT / metadata_service_timeout
 *     (seconds, default 1) and ..._NUM_ATTEMPTS (default 1). No metadata
 *     service there is not an error, only a line of the final message.
 * A profile named by aws_profile is explicit, as the AWS CLI's --profile:
 * the environment's keys and web identity variables are not used at all.
 * A profile named explicitly or by AWS_PROFILE that is in neither file is
 * ERR_AUTH. Unreadable or malformed AWS files are ERR_CONFIG / ERR_IO.
 *
 * Assume role: source_profile chains are followed (a profile whose source
 * has keys uses them; one with role_arn and no keys assumes its own role
 * first); a loop is ERR_CONFIG naming the chain; a profile may name
 * itself only when it has keys. credential_source is Environment,
 * Ec2InstanceMetadata or EcsContainer. external_id, role_session_name
 * (default "dynrepo-session-EPOCH"), duration_seconds (900..43200) and
 * mfa_serial are sent; for mfa_serial the code comes from the prompt
 * callback at every refresh (ERR_AUTH without one). Assumed roles are
 * shared by every provider of the process (in memory, until 5 minutes
 * before they expire), so the sessions of one run make one AssumeRole
 * and ask for one MFA code. STS is reached at
 * awsconfig_resolve_sts_endpoint's endpoint for the session's region,
 * https or loopback http only.
 *
 * credential_process runs as /bin/sh -c COMMAND with stdin /dev/null in
 * its own process group (killed on timeout); its stdout is the JSON
 * {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?,
 * "Expiration"? (ISO-8601)}. A non-zero exit is ERR_AUTH with the first
 * 500 bytes of its stderr, never its stdout.
 *
 * Test hooks, set by the test suite only: DYNREPO_TEST_CONTAINER_HOST (a
 * loopback HOST:PORT in place of 169.254.170.2 for the relative URI;
 * anything else is ERR_CONFIG) and DYNREPO_TEST_TIMEOUT_MS (the timeout
 * of every STS and metadata request, 1..60000).
 *
 * Credentials that have already expired are refused, from every source.
 * Credentials that expire are fetched again 5 minutes before; a failed
 * refresh returns the cached credentials while they have not expired yet
 * (and is tried again 30 s later, not at every call); credentials that
 * come back already inside the 5 minutes are used and fetched again 30 s
 * later. Thread-safe: one fetch at a time, under the provider's lock.
 */
struct creds_options {
	const char	*aws_profile;		/* NULL: AWS_PROFILE, default */
	creds_getenv_fn	 getenv_fn;		/* NULL: getenv */
	void		*env_ctx;
	const struct clock_ops *clock;		/* NULL: the system clock */
	int		 process_timeout_ms;	/* 0: 60000 */
	/* STS and metadata requests. NULL: a libcurl transport made when
	 * first needed, trusting ca_bundle (NULL: as
	 * awsconfig_resolve_ca_bundle finds it). Borrowed. */
	struct http_ops	*http;
	const char	*ca_bundle;
	/* The STS region. NULL: AWS_REGION, AWS_DEFAULT_REGION, the AWS
	 * profile's region; none: the global endpoint. */
	const char	*region;
	creds_prompt_fn	 mfa_prompt;		/* NULL: MFA profiles fail */
	void		*mfa_ctx;
	/* Metadata requests' timeout. 0: as the settings above say. */
	long		 metadata_timeout_ms;
};

/* As creds_provider_new, with every option (copied). Cannot fail. */
struct creds_provider *creds_provider_new_ex(const struct creds_options *);

/* A creds_prompt_fn that asks on /dev/tty without echo. ERR_AUTH when
 * there is no terminal (a CI job, a pipe, a cron run): the message says
 * that an MFA code is needed and cannot be asked for. ctx is unused. */
int	 creds_prompt_tty(void *ctx, const char *prompt, char *answer,
	     size_t size, struct err *);

/* Parse credential_process output into *out (source "credential_process").
 * ERR_AUTH with the reason; the message never quotes the input. now is
 * for refusing expired credentials. */
int	 creds_parse_process_output(const char *json, size_t len, time_t now,
	     struct creds *out, struct err *);
/* Parse an ISO-8601 time, "2026-11-25T09:14:03Z", with optional
 * fraction and "Z" or a +HH:MM / +HHMM offset. -1 when malformed. */
int	 creds_parse_time(const char *, time_t *);

#endif
