/* SPDX-License-Identifier: ISC */
/* Credentials from metadata endpoints: EC2 instance metadata (IMDSv2) and
 * the container credential endpoint of ECS, CodeBuild and EKS. */
#ifndef DYNREPO_IMDS_H
#define DYNREPO_IMDS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "creds.h"
#include "err.h"
#include "http.h"

/* The instance metadata service. Strings and tables are borrowed. */
struct imds_config {
	const char	*endpoint;	/* http://169.254.169.254 */
	struct http_ops	*http;
	long		 timeout_ms;	/* connect and whole request; 0: 1000 */
	int		 attempts;	/* per request; 0: 1 */
	bool		 v1_fallback;	/* IMDSv1 when no token is given */
};

/*
 * The instance role's credentials: PUT /latest/api/token (TTL 21600 s),
 * then GET /latest/meta-data/iam/security-credentials/ for the role name
 * and GET .../ROLE for the JSON credentials, both with the token. Without
 * a token (the PUT timed out or was answered 403, 404 or 405) IMDSv1 is
 * used only when v1_fallback is set. Requests never go through a proxy.
 * Returns 1 with credentials in *out (source "iam-role"); 0 when there is
 * no instance metadata service or no role, with err set to ERR_NOT_FOUND
 * and why (for the "looked in" message); -1 with ERR_AUTH
 * when the service answers but not with usable credentials (a 400 to the
 * token request, Code other than "Success", malformed JSON, credentials
 * that expired by `now`). Messages never hold the token or a secret.
 */
int	 imds_get_credentials(const struct imds_config *, time_t now,
	     struct creds *out, struct err *);

/* A container credential endpoint. */
struct imds_container {
	const char	*url;		/* the whole URL */
	const char	*what;		/* for messages: the variable used */
	const char	*authorization;	/* the Authorization value, or NULL */
	struct http_ops	*http;
	long		 timeout_ms;	/* 0: 2000 */
	int		 attempts;	/* 0: 3 */
};

/* GET the URL (with the authorization header when given, never through a
 * proxy) and parse {"AccessKeyId", "SecretAccessKey", "Token",
 * "Expiration"}; transport errors and 5xx are tried again. 0 with *out
 * (source "container-role"), or -1: ERR_NETWORK when unreachable, ERR_AUTH
 * for an error answer (its status and first 200 printable bytes) or a
 * malformed or expired one. */
int	 imds_container_credentials(const struct imds_container *, time_t now,
	     struct creds *out, struct err *);

/* Whether a full container URI may be used: http or https to a loopback
 * host (127.0.0.0/8, localhost, [::1]) or to one of the documented
 * container hosts 169.254.170.2, 169.254.170.23 and [fd00:ec2::23]. */
bool	 imds_container_url_allowed(const char *url);
/* Whether a "HOST:PORT" or "HOST" names a loopback host. */
bool	 imds_host_is_loopback(const char *host);

/* Parse a metadata credentials document (the form both endpoints use)
 * into *out with the given source. what names the endpoint in messages.
 * ERR_AUTH with the reason; messages never quote the input. */
int	 imds_parse_credentials(const char *json, size_t len, const char *what,
	     time_t now, const char *source, struct creds *out,
	     struct err *);

#endif
