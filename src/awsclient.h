/* SPDX-License-Identifier: ISC */
/* One AWS JSON-RPC service endpoint: signing, sending, retrying, errors. */
#ifndef DYNREPO_AWSCLIENT_H
#define DYNREPO_AWSCLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "clock.h"
#include "creds.h"
#include "err.h"
#include "http.h"

/* A retry about to wait, for whoever shows progress. */
struct awsclient_retry {
	const char	*op;		/* "Query" */
	int		 attempt;	/* the one that comes after the wait */
	int		 max_attempts;
	const char	*reason;	/* "throttling", the error's type, or
					   "a network error" */
	int64_t		 delay_ms;
};

struct awsclient_config {
	/* "https://dynamodb.eu-west-1.amazonaws.com";
	 * NULL: "https://SERVICE.REGION.amazonaws.com" */
	const char	*endpoint;
	const char	*region;
	const char	*service;	/* "dynamodb" (the default) */
	const char	*target_prefix;	/* "DynamoDB_20120810" (the default) */
	int		 max_attempts;	/* 0: the default (3) */
	long		 connect_timeout_ms;	/* 0: 10 s */
	long		 timeout_ms;		/* 0: 60 s */
	const char	*ca_bundle;	/* for the transport made when http is
					   NULL; NULL: the system bundle */
	/* Told before each wait to retry, on the calling thread; NULL:
	 * nobody. The wait itself is the clock's sleep_ms, which a caller
	 * can make cancellable. */
	void		(*on_retry)(void *ctx, const struct awsclient_retry *);
	void		*on_retry_ctx;
};

struct awsclient;

/* Borrowed tables must outlive the client; the client owns nothing but
 * copies of the config strings (and the transport it makes when http is
 * NULL). NULL clock = clock_system(). Cannot fail: a bad endpoint or a
 * missing region is reported by every call as ERR_CONFIG. One client per
 * thread: it keeps one connection and its retry quota. */
struct awsclient *awsclient_new(const struct awsclient_config *,
	    struct http_ops *http, struct creds_provider *creds,
	    const struct clock_ops *clock);
void	 awsclient_free(struct awsclient *);

/* Call operation `op` ("Query") with a JSON body. On HTTP 200 the body is
 * appended to *resp and 0 is returned. Otherwise -1 with err filled:
 * aws_type = the short __type ("ConditionalCheckFailedException"),
 * http_status, the message "Type: the service's message", and a code:
 * ERR_CONFLICT for ConditionalCheckFailedException, ERR_ACCESS_DENIED for
 * AccessDeniedException, ERR_AUTH for credential, signature and token
 * problems (UnrecognizedClientException, InvalidSignatureException,
 * ExpiredTokenException, ...), ERR_NOT_FOUND for
 * ResourceNotFoundException, ERR_THROTTLED when throttling outlasted the
 * attempts, ERR_NETWORK, ERR_OUTCOME_UNKNOWN, ERR_CANCELLED when the
 * clock's sleep was cancelled, ERR_SERVICE otherwise (ValidationException
 * included: callers decide by aws_type). A non-JSON answer (a proxy's
 * HTML page) gives "HTTP 502 from HOST: " and its first 200 printable
 * bytes. err->applied says whether the request may have been carried
 * out: ERR_APPLIED_MAYBE when any attempt may have been (sent, then the
 * connection lost or a timeout; a 500, 502 or 504; a 200 that failed its
 * CRC check), else ERR_APPLIED_NO (every attempt refused with a 4xx or a
 * 503, or never sent).
 * Retries (standard mode): throttling (500 ms base), 5xx and connection
 * errors and a failed x-amz-crc32 check (25 ms base), full jitter capped
 * at 20 s, a retry quota of 500 tokens; clock skew errors are retried once
 * at once, with the skew learned from the Date header. Every attempt is
 * freshly signed.
 * awsclient_call treats UpdateItem and the transaction and PartiQL
 * operations as not idempotent; see awsclient_call2. */
int	 awsclient_call(struct awsclient *, const char *op, const char *body,
	     size_t body_len, struct buf *resp, struct err *);
/* awsclient_call with the caller's word on whether the request may be
 * sent twice. When it may not, and an attempt may have reached the
 * service (the connection died after the request went out, a 500, 502 or
 * 504 answer, a 200 answer that failed its CRC check), the call stops with
 * ERR_OUTCOME_UNKNOWN instead of replaying it. A ConditionalCheckFailed
 * answer to a retry after such an attempt is ERR_OUTCOME_UNKNOWN too. */
int	 awsclient_call2(struct awsclient *, const char *op, const char *body,
	     size_t body_len, bool idempotent, struct buf *resp, struct err *);

/* Where a call's answer goes as it arrives (awsclient_call_sink). */
struct awsclient_sink {
	/* An attempt begins: forget what an earlier one wrote (a body torn
	 * half-way, or one that failed its CRC check). */
	void	(*begin)(void *ctx);
	/* The next bytes of the attempt's 200 answer. */
	void	(*write)(void *ctx, const char *p, size_t n);
	void	*ctx;
};
/* awsclient_call2, but the body of the 200 answer goes to sink as it
 * arrives instead of being held whole (its CRC-32 computed on the way,
 * and checked at its end). On 0 what was written after the last begin is
 * the whole answer, checked; on -1 (the same errors and retries as
 * awsclient_call2) what was written means nothing. Answers of any other
 * status never reach the sink. */
int	 awsclient_call_sink(struct awsclient *, const char *op,
	     const char *body, size_t body_len, bool idempotent,
	     const struct awsclient_sink *, struct err *);
/* Whether the last call's answer came to an attempt after one that may
 * have been carried out (sent, and its answer lost): what that one did
 * is unknown, and the answer does not tell it (a BatchWriteItem's
 * UnprocessedItems may have been stored by it). */
bool	 awsclient_retried_maybe(const struct awsclient *);

/* The credentials every call signs with, got now on this thread (from
 * the provider's cache, or resolved, a prompt for an MFA code and all):
 * a caller that hands its calls to threads of its own asks here first, so
 * that a prompt is where a Ctrl-C ends it. */
int	 awsclient_credentials(struct awsclient *, struct err *);

/* From now on c learns and uses the clock skew and the retry quota of
 * `with` (which must outlive c): clients of one endpoint used at once,
 * on several threads, meet a skewed server clock once between them, and
 * a storm of errors empties one quota, as for one client. Cannot fail. */
void	 awsclient_share(struct awsclient *c, struct awsclient *with);
/* The learned clock skew: the service's time minus ours, in seconds. */
int64_t	 awsclient_clock_skew(const struct awsclient *);
/* CRC-32 (IEEE) of data, as the x-amz-crc32 header carries it. */
uint32_t awsclient_crc32(const void *, size_t);

/* Statistics for -v logs and the regression guard. */
struct awsclient_stats {
	unsigned long	 requests;	/* attempts sent */
	unsigned long	 retries;
	unsigned long	 bytes_sent;
	unsigned long	 bytes_received;
};
const struct awsclient_stats *awsclient_stats(const struct awsclient *);

#endif
