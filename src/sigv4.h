/* SPDX-License-Identifier: ISC */
/* AWS Signature Version 4, in stages over one state, the date injected. */
#ifndef DYNREPO_SIGV4_H
#define DYNREPO_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "buf.h"
#include "err.h"

struct sigv4_header {
	const char	*name;
	const char	*value;
};

/* What is signed. Strings are borrowed for the duration of the calls.
 * The canonical URI is path with, when normalize_path is set, "." and
 * ".." segments removed and runs of '/' merged (a final '/' kept), then
 * every byte outside A-Z a-z 0-9 - . _ ~ / percent-encoded once. Passing
 * the path as sent on the wire gives AWS's double encoding for services
 * other than S3 ("/a%20b" signs as "/a%2520b"); S3 is not supported.
 * The query is split on '&' and '=', each key and value %XX-decoded
 * ('+' stays '+') and encoded again, then sorted by key and value.
 * Header values are trimmed, runs of blanks become one space, and
 * repeated names are joined with ','. Values must not hold CR or LF. */
struct sigv4_request {
	const char			*method;	/* "POST" */
	const char			*path;		/* as sent: "/" */
	const char			*query;		/* no '?'; or NULL */
	const struct sigv4_header	*headers;	/* must hold Host */
	size_t				 nheaders;
	const void			*body;
	size_t				 body_len;
};

struct sigv4_params {
	const char	*access_key_id;
	const char	*secret_access_key;
	const char	*session_token;		/* NULL when none */
	const char	*region;		/* "eu-west-1" */
	const char	*service;		/* "dynamodb" */
	time_t		 when;			/* the signing time, UTC */
	bool		 normalize_path;	/* true but for S3 */
	bool		 sign_body;		/* add x-amz-content-sha256 */
	bool		 omit_session_token;	/* send the token unsigned */
	long		 expires;		/* query mode: X-Amz-Expires */
};

/* Every stage's output; a test compares each with the vector files. */
struct sigv4_state {
	char		 amz_date[17];		/* 20150830T123600Z */
	char		 scope_date[9];		/* 20150830 */
	struct buf	 canonical_request;
	struct buf	 string_to_sign;
	struct buf	 signed_headers;	/* "host;x-amz-date" */
	char		 signature[65];		/* lower-case hex */
	struct buf	 authorization;		/* header mode: the value */
	struct buf	 query;			/* query mode: signed */
	char		 payload_hash[65];
};

void	 sigv4_state_init(struct sigv4_state *);
void	 sigv4_state_cleanup(struct sigv4_state *);

/* Header mode, the three stages, then all of them. Each stage uses the
 * state the previous one left. 0 or -1 with err: ERR_INPUT on a request
 * that cannot be signed (no Host header, a header the signer adds itself,
 * a path not starting with '/'), ERR_AUTH without credentials, ERR_CONFIG
 * on a bad region or service, ERR_INTERNAL when stages run out of order or
 * libcrypto fails. The state may be reused; each run overwrites it. */
int	 sigv4_canonical_request(struct sigv4_state *,
	     const struct sigv4_request *, const struct sigv4_params *,
	     struct err *);
int	 sigv4_string_to_sign(struct sigv4_state *, const struct sigv4_params *,
	     struct err *);
int	 sigv4_signature(struct sigv4_state *, const struct sigv4_params *,
	     struct err *);
/* All three stages; then st->authorization holds the Authorization value
 * and the caller adds X-Amz-Date (st->amz_date), X-Amz-Security-Token
 * (when a token is set) and x-amz-content-sha256 (when sign_body). */
int	 sigv4_sign(struct sigv4_state *, const struct sigv4_request *,
	     const struct sigv4_params *, struct err *);
/* Query mode (presigned URL): st->query holds the full signed query: the
 * canonical query, then X-Amz-Signature, then X-Amz-Security-Token when
 * omit_session_token is set (otherwise the token is signed in the query).
 * params->expires must be 1..604800. Headers are signed but none added. */
int	 sigv4_presign(struct sigv4_state *, const struct sigv4_request *,
	     const struct sigv4_params *, struct err *);

/* Lower-case hex SHA-256 of data into out[65]; data may be NULL when the
 * length is 0. Cannot fail (aborts, like out of memory, if libcrypto
 * cannot compute SHA-256). */
void	 sigv4_sha256_hex(const void *, size_t, char out[65]);

#endif
