/* SPDX-License-Identifier: ISC */
/* AWS STS over its Query protocol: assume a role, or ask who we are. */
#ifndef DYNREPO_STS_H
#define DYNREPO_STS_H

#include <stddef.h>
#include <time.h>

#include "clock.h"
#include "creds.h"
#include "err.h"
#include "http.h"

/* Where and how requests go. Strings and tables are borrowed for the
 * call. */
struct sts_config {
	const char		*endpoint;	/* the URL */
	const char		*region;	/* the signing region */
	struct http_ops		*http;
	const struct clock_ops	*clock;		/* NULL: clock_system() */
	long			 connect_timeout_ms;	/* 0: 5000 */
	long			 timeout_ms;		/* 0: 30000 */
	int			 max_attempts;		/* 0: 3 */
};

/* The parameters of AssumeRole and AssumeRoleWithWebIdentity. */
struct sts_role {
	const char	*role_arn;
	const char	*role_session_name;
	const char	*external_id;		/* AssumeRole only; or NULL */
	const char	*serial_number;		/* mfa_serial; or NULL */
	const char	*token_code;		/* the MFA code; or NULL */
	int		 duration_seconds;	/* 0: STS's default, 1 hour */
};

/* Who the credentials belong to. */
struct sts_identity {
	char	*account;
	char	*arn;
	char	*user_id;
};

/*
 * Every call POSTs Action=...&Version=2011-06-15 form-encoded to the
 * endpoint. AssumeRole and GetCallerIdentity are SigV4-signed (service
 * "sts") with the given credentials; AssumeRoleWithWebIdentity is not
 * signed (the token is the proof). Transport errors, 5xx and throttling
 * are retried with jittered backoff up to max_attempts.
 * Errors: ERR_ACCESS_DENIED (AccessDenied), ERR_AUTH (credentials,
 * signatures, tokens, MFA; an answer without credentials; credentials that
 * have already expired), ERR_THROTTLED, ERR_NETWORK, ERR_CONFIG (a bad
 * endpoint), ERR_SERVICE (any other error code); the message names the
 * action, the role and the host, with STS's code and message. Messages
 * never hold a key, a token or anything from a successful answer.
 * Credentials land in *out (source "assume-role" or
 * "assume-role-with-web-identity", expiration set); the caller cleans up.
 */
int	 sts_assume_role(const struct sts_config *, const struct creds *source,
	     const struct sts_role *, struct creds *out, struct err *);
/* token: the web identity token (an OIDC JWT), sent once, never shown. */
int	 sts_assume_role_with_web_identity(const struct sts_config *,
	     const struct sts_role *, const char *token, struct creds *out,
	     struct err *);
int	 sts_get_caller_identity(const struct sts_config *,
	     const struct creds *, struct sts_identity *out, struct err *);
void	 sts_identity_cleanup(struct sts_identity *);

/* The text of the first <name> element inside xml[0..len), entities
 * decoded, as a new string; NULL when there is none. For tests and the
 * parsers here. */
char	*sts_xml_text(const char *xml, size_t len, const char *name);

#endif
