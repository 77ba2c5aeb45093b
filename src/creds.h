/* SPDX-License-Identifier: ISC */
/* AWS credentials from the places the AWS CLI looks, in its order. */
#ifndef DYNREPO_CREDS_H
#define DYNREPO_CREDS_H

#include <stdbool.h>
#include <time.h>

#include "clock.h"
#include "err.h"

struct creds {
	char	*access_key_id;
	char	*secret_access_key;	/* never logged, never shown */
	char	*session_token;		/* NULL when none; never logged */
	time_t	 expiration;		/* 0 when they do not expire */
	char	 source[64];		/* "environment", "shared-credentials-file",
					   "config-file", "credential_process", ... */
};

void	 creds_cleanup(struct creds *);
void	 creds_copy(struct creds *dst, const struct creds *src);

/* Lookup of environment variables; NULL = getenv. Injected for tests. */
typedef const char *(*creds_getenv_fn)(void *ctx, const char *name);

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
 * The order (the AWS CLI's): with aws_profile NULL, the environment
 * (AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY [+ AWS_SESSION_TOKEN]) first;
 * then the profile ($AWS_PROFILE, else "default"). A profile named by
 * aws_profile is explicit and, as with the AWS CLI's --profile, the
 * environment's keys are not used at all. For the profile: the
 * credentials file's keys, its credential_process (credentials file over
 * config file), the config file's keys. A profile with role_arn,
 * web_identity_token_file or sso_* settings, or AWS_WEB_IDENTITY_TOKEN_FILE
 * in the environment, is ERR_AUTH "not supported yet" rather than skipped.
 * A profile named explicitly or by AWS_PROFILE that is in neither file is
 * ERR_AUTH. Unreadable or malformed AWS files are ERR_CONFIG / ERR_IO.
 *
 * credential_process runs as /bin/sh -c COMMAND with stdin /dev/null in
 * its own process group (killed on timeout); its stdout is the JSON
 * {"Version": 1, "AccessKeyId", "SecretAccessKey", "SessionToken"?,
 * "Expiration"? (ISO-8601)}. A non-zero exit is ERR_AUTH with the first
 * 500 bytes of its stderr, never its stdout. Credentials that have
 * already expired are refused. A failed refresh returns the cached
 * credentials while they have not expired yet. Thread-safe.
 */
struct creds_options {
	const char	*aws_profile;		/* NULL: AWS_PROFILE, default */
	creds_getenv_fn	 getenv_fn;		/* NULL: getenv */
	void		*env_ctx;
	const struct clock_ops *clock;		/* NULL: time() */
	int		 process_timeout_ms;	/* 0: 60000 */
};

/* As creds_provider_new, with every option. Cannot fail. */
struct creds_provider *creds_provider_new_ex(const struct creds_options *);

/* Parse credential_process output into *out (source "credential_process").
 * ERR_AUTH with the reason; the message never quotes the input. now is
 * for refusing expired credentials. */
int	 creds_parse_process_output(const char *json, size_t len, time_t now,
	     struct creds *out, struct err *);
/* Parse an ISO-8601 time, "2026-11-25T09:14:03Z", with optional
 * fraction and "Z" or a +HH:MM / +HHMM offset. -1 when malformed. */
int	 creds_parse_time(const char *, time_t *);

#endif
