/* SPDX-License-Identifier: ISC */
/* HTTP transport as an injected table; the real one is libcurl. */
#ifndef DYNREPO_HTTP_H
#define DYNREPO_HTTP_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"

struct http_header {
	const char	*name;
	const char	*value;
};

/* Where the body of a 200 answer goes as it arrives, instead of into
 * resp->body: a page is read without being held whole. The body of any
 * other answer is kept in resp->body, for its error. */
struct http_sink {
	void	(*write)(void *ctx, const char *p, size_t n);
	void	*ctx;
};

struct http_request {
	const char			*method;
	const char			*url;
	const struct http_header	*headers;
	size_t				 nheaders;
	const char			*body;
	size_t				 body_len;
	long				 connect_timeout_ms;
	long				 timeout_ms;
	/* Never through a proxy, whatever HTTPS_PROXY says: the instance
	 * and container metadata endpoints, which hand out credentials. */
	bool				 no_proxy;
	/* NULL: every body into resp->body. A transport may ignore it
	 * (and leave resp->streamed false). */
	const struct http_sink		*sink;
};

struct http_response {
	long		 status;		/* 0 when no answer */
	struct buf	 body;
	char		*date;			/* the Date header, or NULL */
	char		*crc32;			/* x-amz-crc32, or NULL */
	char		*request_id;		/* x-amzn-requestid, or NULL */
	char		*content_type;
	bool		 request_sent;		/* the request went out whole */
	bool		 timed_out;		/* the failure was a timeout */
	bool		 permanent;		/* retrying cannot fix it: TLS
						   verification, a bad URL */
	bool		 streamed;		/* the body (or what came of
						   it) went to the sink */
};

void	 http_response_init(struct http_response *);
void	 http_response_cleanup(struct http_response *);
/* Empty the response for the next request, keeping the body's memory. */
void	 http_response_reset(struct http_response *);

struct http_ops {
	/* Perform one request; resp is reset first. -1 with ERR_NETWORK on
	 * a transport failure (resp->request_sent tells whether the request
	 * may have been received; timed_out and permanent classify it).
	 * Any HTTP status is success at this level. */
	int	(*perform)(void *ctx, const struct http_request *,
		    struct http_response *, struct err *);
	void	(*free)(void *ctx);
	void	*ctx;
};

struct http_options {
	const char	*ca_bundle;		/* NULL: the system bundle */
	bool		 verbose;		/* curl's connection notes to
						   the debug log, no headers */
};

/* The libcurl transport: one keep-alive connection reused across calls,
 * TLS always verified, no compression, no "Expect: 100-continue". One
 * table per thread (a curl handle is not shared). NULL options: the
 * defaults. Cannot fail; free with http_free.
 * Proxies are curl's own reading of the environment: https_proxy /
 * HTTPS_PROXY for https URLs, http_proxy (lower case only) for http,
 * ALL_PROXY, and NO_PROXY / no_proxy (host names, domain suffixes, IP
 * addresses, "*"), unless the request says no_proxy.
 * A certificate that does not verify is ERR_NETWORK, permanent:
 * "HOST: TLS certificate not accepted: REASON (trusted: ...)", naming the
 * CA bundle in use; an unreadable ca_bundle names the file.
 * libcurl is loaded (dlopen) when the first transport is made, so that
 * the program starts without it; if it cannot be, every request fails
 * (ERR_NETWORK, permanent) saying why. */
struct http_ops	*http_new_curl(const struct http_options *);
/* Undo the first transport's curl_global_init, at exit, when no
 * transport is left; a no-op when none was made. */
void		 http_global_cleanup(void);
/* ops->free(ops->ctx), then the table itself; NULL is a no-op. */
void		 http_free(struct http_ops *);

#endif
