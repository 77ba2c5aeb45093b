/* SPDX-License-Identifier: ISC */
/* HTTP transport as an injected table: the libcurl one. */
#include "config.h"

#include "http.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "dynload.h"
#include "log.h"
#include "xmalloc.h"

/* The soname of the libcurl the program was built against: the system's,
 * loaded when the one configure named (DYNREPO_LIBCURL) is not there. */
#define HTTP_LIBCURL	"libcurl.so.4"
/* The most bytes reserved for a body on its Content-Length. */
#define HTTP_BODY_RESERVE_MAX	(64u << 20)
#define HTTP_READ_BUFFER	(256L * 1024)	/* curl's receive buffer */

struct http_curl {
	CURL		*easy;		/* kept: its connection cache */
	char		*ca_bundle;
	bool		 verbose;
	bool		 prereq;	/* CURLOPT_PREREQFUNCTION works */
	bool		 configured;	/* the options every request shares */
	char		 errbuf[CURL_ERROR_SIZE];
	/* The request body: handed to curl whole (CURLOPT_POSTFIELDS) where
	 * http_prereq_cb can refuse a second attempt, else by http_read_cb. */
	const char	*body;
	size_t		 body_len;
	size_t		 body_pos;
	int		 attempts;	/* http_prereq_cb's calls */
	bool		 rewind_refused;	/* curl wanted to resend it */
	/* The answer of the request in flight, and where its body goes. */
	struct http_response	*resp;
	const struct http_sink	*sink;
	bool		 routed;		/* the body's way is chosen */
};

/*
 * libcurl, loaded when the first transport is made rather than linked:
 * `dynrepo --version`, `profiles` and the embedded store never need it.
 * Debian's libcurl also brings some 30 libraries (LDAP, SSH, Kerberos,
 * HTTP/2...), ~15 ms of dynamic loading for each command that talks to
 * DynamoDB; build.sh builds one for HTTP and HTTPS only, which needs only
 * libssl and libcrypto, and configure names it (DYNREPO_LIBCURL).
 */
static struct {
	CURLcode	 (*global_init)(long);
	void		 (*global_cleanup)(void);
	CURL		*(*easy_init)(void);
	CURLcode	 (*easy_setopt)(CURL *, CURLoption, ...);
	CURLcode	 (*easy_perform)(CURL *);
	CURLcode	 (*easy_getinfo)(CURL *, CURLINFO, ...);
	void		 (*easy_reset)(CURL *);
	void		 (*easy_cleanup)(CURL *);
	const char	*(*easy_strerror)(CURLcode);
	struct curl_slist *(*slist_append)(struct curl_slist *, const char *);
	void		 (*slist_free_all)(struct curl_slist *);
} http_lib;
static bool		 http_loaded;		/* http_lib is complete */
static char		 http_load_error[256];
static pthread_once_t	 http_global_once = PTHREAD_ONCE_INIT;

void
http_response_init(struct http_response *resp)
{
	memset(resp, 0, sizeof *resp);
	buf_init(&resp->body);
}

/* Free the captured header values. */
static void
http_response_clear_headers(struct http_response *resp)
{
	free(resp->date);
	free(resp->crc32);
	free(resp->request_id);
	free(resp->content_type);
	resp->date = resp->crc32 = resp->request_id = resp->content_type = NULL;
}

void
http_response_cleanup(struct http_response *resp)
{
	http_response_clear_headers(resp);
	buf_cleanup(&resp->body);
	http_response_init(resp);
}

void
http_response_reset(struct http_response *resp)
{
	http_response_clear_headers(resp);
	buf_reset(&resp->body);
	resp->status = 0;
	resp->request_sent = false;
	resp->timed_out = false;
	resp->permanent = false;
	resp->streamed = false;
}

void
http_free(struct http_ops *ops)
{
	if (ops == NULL)
		return;
	if (ops->free != NULL)
		ops->free(ops->ctx);
	free(ops);
}

/* Load libcurl and run curl_global_init, once per process. */
static void
http_global_init(void)
{
	const struct dynload_sym syms[] = {
		{ "curl_global_init", &http_lib.global_init },
		{ "curl_global_cleanup", &http_lib.global_cleanup },
		{ "curl_easy_init", &http_lib.easy_init },
		{ "curl_easy_setopt", &http_lib.easy_setopt },
		{ "curl_easy_perform", &http_lib.easy_perform },
		{ "curl_easy_getinfo", &http_lib.easy_getinfo },
		{ "curl_easy_reset", &http_lib.easy_reset },
		{ "curl_easy_cleanup", &http_lib.easy_cleanup },
		{ "curl_easy_strerror", &http_lib.easy_strerror },
		{ "curl_slist_append", &http_lib.slist_append },
		{ "curl_slist_free_all", &http_lib.slist_free_all },
		{ NULL, NULL }
	};
	const char *lib = DYNREPO_LIBCURL;

	/* The configured file is a path into the tree the program was
	 * built in: loaded only while it is as safe as the program's own
	 * (an installed dynrepo run by root must not load a user's file). */
	if ((strcmp(lib, HTTP_LIBCURL) != 0 && dynload_trusted(lib,
	    http_load_error, sizeof http_load_error) != 0) ||
	    dynload_open(lib, syms, http_load_error,
	    sizeof http_load_error) == -1) {
		if (strcmp(lib, HTTP_LIBCURL) == 0)
			return;
		LOG_DEBUG("%s; trying the system's", http_load_error);
		lib = HTTP_LIBCURL;
		if (dynload_open(lib, syms, http_load_error,
		    sizeof http_load_error) == -1)
			return;
	}
	LOG_DEBUG("libcurl: %s", lib);
	http_lib.global_init(CURL_GLOBAL_DEFAULT);
	http_loaded = true;
}

void
http_global_cleanup(void)
{
	/* Only a process that made a transport initialised libcurl. */
	if (http_loaded)
		http_lib.global_cleanup();
}

/* CURLOPT_WRITEFUNCTION: a 200 answer's body to the sink when the
 * request has one, any other into the response body. */
static size_t
http_write_cb(char *p, size_t size, size_t n, void *arg)
{
	struct http_curl *hc = arg;
	struct http_response *resp = hc->resp;
	long status = 0;

	if (!hc->routed) {
		/* The status is known once the body begins. */
		hc->routed = true;
		if (hc->sink != NULL) {
			http_lib.easy_getinfo(hc->easy, CURLINFO_RESPONSE_CODE,
			    &status);
			resp->streamed = status == 200;
		}
	}
	if (resp->streamed)
		hc->sink->write(hc->sink->ctx, p, size * n);
	else
		buf_add(&resp->body, p, size * n);
	return size * n;
}

/* CURLOPT_READFUNCTION: the request body. */
static size_t
http_read_cb(char *p, size_t size, size_t n, void *arg)
{
	struct http_curl *hc = arg;
	size_t len = size * n;

	if (len > hc->body_len - hc->body_pos)
		len = hc->body_len - hc->body_pos;
	memcpy(p, hc->body + hc->body_pos, len);
	hc->body_pos += len;
	return len;
}

/*
 * CURLOPT_SEEKFUNCTION: refuse to rewind a body once any of it went out.
 * libcurl re-sends a request by itself when a reused connection dies
 * before the answer; for a write that could apply it twice, and for any
 * request it is an attempt the retry policy does not count. Refused, the
 * transfer fails (CURLE_SEND_FAIL_REWIND) and awsclient decides.
 */
static int
http_seek_cb(void *arg, curl_off_t offset, int origin)
{
	struct http_curl *hc = arg;

	if (origin == SEEK_SET && offset == 0 && hc->body_pos == 0)
		return CURL_SEEKFUNC_OK;
	hc->rewind_refused = true;
	return CURL_SEEKFUNC_CANTSEEK;
}

/* Store a copy of value[0..len) in *slot, replacing what was there. */
static void
http_keep(char **slot, const char *value, size_t len)
{
	free(*slot);
	*slot = xstrndup(value, len);
}

/* A body of the length announced is about to come: room for it at once,
 * so a page of megabytes is not copied again each time the buffer would
 * double. Only up to HTTP_BODY_RESERVE_MAX: the header is the server's
 * word, not a reason to allocate without bound. */
static void
http_expect_body(struct http_response *resp, const char *v, size_t vlen)
{
	char digits[24];
	unsigned long long n;
	char *end;

	if (vlen == 0 || vlen >= sizeof digits)
		return;
	memcpy(digits, v, vlen);
	digits[vlen] = '\0';
	n = strtoull(digits, &end, 10);
	if (*end == '\0' && n > 0 && n <= HTTP_BODY_RESERVE_MAX)
		buf_reserve(&resp->body, (size_t)n);
}

/* CURLOPT_HEADERFUNCTION: capture the headers the client needs. */
static size_t
http_header_cb(char *p, size_t size, size_t n, void *arg)
{
	struct http_curl *hc = arg;
	struct http_response *resp = hc->resp;
	size_t len = size * n, namelen, vlen;
	const char *colon, *v;

	/* A new status line (after a 1xx answer): forget earlier headers. */
	if (len >= 5 && strncmp(p, "HTTP/", 5) == 0) {
		http_response_clear_headers(resp);
		return len;
	}
	colon = memchr(p, ':', len);
	if (colon == NULL)
		return len;
	namelen = (size_t)(colon - p);
	v = colon + 1;
	vlen = len - namelen - 1;
	while (vlen > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vlen--;
	}
	while (vlen > 0 && isspace((unsigned char)v[vlen - 1]))
		vlen--;

	if (namelen == 4 && strncasecmp(p, "date", 4) == 0)
		http_keep(&resp->date, v, vlen);
	else if (namelen == 11 && strncasecmp(p, "x-amz-crc32", 11) == 0)
		http_keep(&resp->crc32, v, vlen);
	else if (namelen == 16 && strncasecmp(p, "x-amzn-requestid", 16) == 0)
		http_keep(&resp->request_id, v, vlen);
	else if (namelen == 12 && strncasecmp(p, "content-type", 12) == 0)
		http_keep(&resp->content_type, v, vlen);
	else if (namelen == 14 && strncasecmp(p, "content-length", 14) == 0 &&
	    hc->sink == NULL)
		/* With a sink, only an error's small body is kept. */
		http_expect_body(resp, v, vlen);
	return len;
}

/* CURLOPT_DEBUGFUNCTION: curl's own notes only, never headers or data. */
static int
http_debug_cb(CURL *easy, curl_infotype type, char *p, size_t n, void *arg)
{
	(void)easy;
	(void)arg;
	if (type != CURLINFO_TEXT)
		return 0;
	while (n > 0 && (p[n - 1] == '\n' || p[n - 1] == '\r'))
		n--;
	log_debug("curl", "%.*s", (int)n, p);
	return 0;
}

/* The host (and port) of url into out, for messages. */
static void
http_url_host(const char *url, char *out, size_t size)
{
	const char *start, *end, *at;
	size_t len;

	start = strstr(url, "://");
	start = start != NULL ? start + 3 : url;
	end = start + strcspn(start, "/?#");
	/* Never show user:password@ even if someone put it in a URL. */
	at = memchr(start, '@', (size_t)(end - start));
	if (at != NULL)
		start = at + 1;
	len = (size_t)(end - start);
	if (len >= size)
		len = size - 1;
	memcpy(out, start, len);
	out[len] = '\0';
}

/* Whether rc means the request never reached the server. */
static bool
http_failed_before_send(CURLcode rc)
{
	switch (rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_COULDNT_RESOLVE_PROXY:
	case CURLE_COULDNT_RESOLVE_HOST:
	case CURLE_COULDNT_CONNECT:
	case CURLE_SSL_CONNECT_ERROR:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
		return true;
	default:
		return false;
	}
}

/* Whether retrying cannot help after rc. */
static bool
http_permanent(CURLcode rc)
{
	switch (rc) {
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CIPHER:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_CRL_BADFILE:
		return true;
	default:
		return false;
	}
}

/* Whether the whole request went out before a failure. */
static bool
http_was_sent(struct http_curl *hc, CURLcode rc,
    const struct http_request *req)
{
	curl_off_t up = 0;
	long reqsize = 0;

	if (http_failed_before_send(rc))
		return false;
	/* The upload counter includes body bytes that curl sent in the same
	 * write as the headers, so it is the body that reached the socket. */
	if (req->body_len > 0) {
		if (http_lib.easy_getinfo(hc->easy, CURLINFO_SIZE_UPLOAD_T,
		    &up) != CURLE_OK)
			return true;
		return up >= (curl_off_t)req->body_len;
	}
	if (http_lib.easy_getinfo(hc->easy, CURLINFO_REQUEST_SIZE,
	    &reqsize) != CURLE_OK)
		return true;
	return reqsize > 0;
}

#if LIBCURL_VERSION_NUM >= 0x075000
/*
 * CURLOPT_PREREQFUNCTION: called before each attempt at the request, once
 * its connection is ready. libcurl makes another attempt by itself when a
 * reused connection dies before any answer. For a request with a body that
 * is refused, as http_seek_cb refuses the rewind: for a write it could
 * apply the request twice, and it is an attempt the retry policy does not
 * count. The transfer fails and awsclient decides. (A request without a
 * body is let through, as before.)
 */
static int
http_prereq_cb(void *arg, char *primary_ip, char *local_ip, int primary_port,
    int local_port)
{
	struct http_curl *hc = arg;

	(void)primary_ip;
	(void)local_ip;
	(void)primary_port;
	(void)local_port;
	if (hc->attempts++ == 0 || hc->body_len == 0)
		return CURL_PREREQFUNC_OK;
	hc->rewind_refused = true;
	return CURL_PREREQFUNC_ABORT;
}
#endif

/* The options every request on the handle shares, set once: resetting
 * the handle and setting them again cost each request more than its
 * headers. */
static void
http_configure(struct http_curl *hc)
{
	CURL *e = hc->easy;

#if LIBCURL_VERSION_NUM >= 0x075500
	http_lib.easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	http_lib.easy_setopt(e, CURLOPT_PROTOCOLS,
	    (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	http_lib.easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	/*
	 * A Query page is up to 1 MB: read it 256 KB at a time rather than
	 * curl's 16 KB (a poll(2) and a recv(2) each).
	 */
	http_lib.easy_setopt(e, CURLOPT_BUFFERSIZE, HTTP_READ_BUFFER);
	http_lib.easy_setopt(e, CURLOPT_HTTP_VERSION,
	    (long)CURL_HTTP_VERSION_1_1);
	http_lib.easy_setopt(e, CURLOPT_TCP_KEEPALIVE, 1L);
	http_lib.easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 1L);
	http_lib.easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 2L);
	if (hc->ca_bundle != NULL)
		http_lib.easy_setopt(e, CURLOPT_CAINFO, hc->ca_bundle);
	http_lib.easy_setopt(e, CURLOPT_USERAGENT, "dynrepo");
	http_lib.easy_setopt(e, CURLOPT_ERRORBUFFER, hc->errbuf);
	http_lib.easy_setopt(e, CURLOPT_READFUNCTION, http_read_cb);
	http_lib.easy_setopt(e, CURLOPT_READDATA, hc);
	http_lib.easy_setopt(e, CURLOPT_SEEKFUNCTION, http_seek_cb);
	http_lib.easy_setopt(e, CURLOPT_SEEKDATA, hc);
	/* A libcurl older than 7.80 has no pre-request callback: the body
	 * then goes through http_read_cb, whose rewind can be refused. */
#if LIBCURL_VERSION_NUM >= 0x075000
	hc->prereq = http_lib.easy_setopt(e, CURLOPT_PREREQFUNCTION,
	    http_prereq_cb) == CURLE_OK;
	http_lib.easy_setopt(e, CURLOPT_PREREQDATA, hc);
#else
	hc->prereq = false;
#endif
	http_lib.easy_setopt(e, CURLOPT_WRITEFUNCTION, http_write_cb);
	http_lib.easy_setopt(e, CURLOPT_WRITEDATA, hc);
	http_lib.easy_setopt(e, CURLOPT_HEADERFUNCTION, http_header_cb);
	http_lib.easy_setopt(e, CURLOPT_HEADERDATA, hc);
	if (hc->verbose) {
		http_lib.easy_setopt(e, CURLOPT_DEBUGFUNCTION, http_debug_cb);
		http_lib.easy_setopt(e, CURLOPT_VERBOSE, 1L);
	}
	hc->configured = true;
}

/* Set the options of one request, every one a request may change: the
 * handle keeps what the last request set. */
static struct curl_slist *
http_setup(struct http_curl *hc, const struct http_request *req,
    struct http_response *resp)
{
	struct curl_slist *hl = NULL;
	char *line;
	size_t i;
	CURL *e = hc->easy;

	if (!hc->configured)
		http_configure(hc);
	hc->body = NULL;
	hc->body_len = hc->body_pos = 0;
	hc->attempts = 0;
	hc->rewind_refused = false;
	hc->errbuf[0] = '\0';
	http_lib.easy_setopt(e, CURLOPT_URL, req->url);
	http_lib.easy_setopt(e, CURLOPT_NOPROXY, req->no_proxy ? "*" : NULL);
	http_lib.easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
	    req->connect_timeout_ms > 0 ? req->connect_timeout_ms : 0L);
	http_lib.easy_setopt(e, CURLOPT_TIMEOUT_MS,
	    req->timeout_ms > 0 ? req->timeout_ms : 0L);

	if (strcmp(req->method, "GET") == 0 && req->body_len == 0) {
		http_lib.easy_setopt(e, CURLOPT_HTTPGET, 1L);
		http_lib.easy_setopt(e, CURLOPT_CUSTOMREQUEST, NULL);
	} else {
		hc->body = req->body != NULL ? req->body : "";
		hc->body_len = req->body_len;
		http_lib.easy_setopt(e, CURLOPT_POST, 1L);
		http_lib.easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
		    (curl_off_t)req->body_len);
		/* Whole, curl sends a body of up to 64 KB with the headers,
		 * in one send(2); by http_read_cb, in another, after a poll. */
		http_lib.easy_setopt(e, CURLOPT_POSTFIELDS,
		    hc->prereq ? hc->body : NULL);
		http_lib.easy_setopt(e, CURLOPT_CUSTOMREQUEST,
		    strcmp(req->method, "POST") != 0 ? req->method : NULL);
	}

	for (i = 0; i < req->nheaders; i++) {
		line = xasprintf("%s: %s", req->headers[i].name,
		    req->headers[i].value);
		hl = http_lib.slist_append(hl, line);
		free(line);
	}
	/* No 100-continue round trip; no Content-Type guessed by curl. */
	hl = http_lib.slist_append(hl, "Expect:");
	http_lib.easy_setopt(e, CURLOPT_HTTPHEADER, hl);

	hc->resp = resp;
	hc->sink = req->sink;
	hc->routed = false;
	return hl;
}

/* A clear message for a TLS verification failure; false for other
 * errors. */
static bool
http_tls_error(struct http_curl *hc, CURLcode rc, const char *host,
    struct err *err)
{
	const char *reason = hc->errbuf[0] != '\0' ? hc->errbuf :
	    http_lib.easy_strerror(rc);
	char trusted[600];

	if (hc->ca_bundle != NULL)
		snprintf(trusted, sizeof trusted, "the CA bundle %s",
		    hc->ca_bundle);
	else
		snprintf(trusted, sizeof trusted, "the system CA bundle; set "
		    "ca_bundle or AWS_CA_BUNDLE for a private CA");
	switch (rc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_ISSUER_ERROR:
	case CURLE_SSL_INVALIDCERTSTATUS:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
		err_set(err, ERR_NETWORK, "%s: TLS certificate not accepted: "
		    "%s (trusted: %s)", host, reason, trusted);
		return true;
	case CURLE_SSL_CACERT_BADFILE:
		if (hc->ca_bundle != NULL)
			err_set(err, ERR_NETWORK, "%s: the CA bundle %s cannot "
			    "be used: %s", host, hc->ca_bundle, reason);
		else
			err_set(err, ERR_NETWORK, "%s: the system CA bundle "
			    "cannot be used: %s", host, reason);
		return true;
	default:
		return false;
	}
}

/* One request on the handle (http_curl_perform). */
static int
http_curl_perform_once(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *err)
{
	struct http_curl *hc = ctx;
	struct curl_slist *hl;
	char host[256];
	CURLcode rc;
	long status = 0;

	http_response_reset(resp);
	if (hc->easy == NULL) {
		resp->permanent = true;
		return err_set(err, ERR_NETWORK, "%s", http_load_error);
	}
	hl = http_setup(hc, req, resp);
	rc = http_lib.easy_perform(hc->easy);
	http_lib.slist_free_all(hl);

	if (rc == CURLE_OK) {
		http_lib.easy_getinfo(hc->easy, CURLINFO_RESPONSE_CODE,
		    &status);
		resp->status = status;
		resp->request_sent = true;
		return 0;
	}

	resp->status = 0;
	if (hc->rewind_refused) {
		/* The connection died after (part of) the request went out. */
		resp->request_sent = true;
		http_url_host(req->url, host, sizeof host);
		err_set(err, ERR_NETWORK, "%s: the connection closed after "
		    "the request was sent, before any answer", host);
		return -1;
	}
	resp->request_sent = http_was_sent(hc, rc, req);
	resp->timed_out = rc == CURLE_OPERATION_TIMEDOUT;
	resp->permanent = http_permanent(rc);
	http_url_host(req->url, host, sizeof host);
	if (http_tls_error(hc, rc, host, err))
		return -1;
	if (hc->errbuf[0] != '\0')
		err_set(err, ERR_NETWORK, "%s: %s (%s)", host,
		    http_lib.easy_strerror(rc), hc->errbuf);
	else
		err_set(err, ERR_NETWORK, "%s: %s", host,
		    http_lib.easy_strerror(rc));
	return -1;
}

/* http_ops.perform for libcurl. */
static int
http_curl_perform(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *err)
{
	struct http_curl *hc = ctx;
	int rc = http_curl_perform_once(ctx, req, resp, err);

	/* libcurl counts its own retries over the handle's life (reset only
	 * by curl_easy_reset): after one, or a failure, start afresh. */
	if (hc->easy != NULL && (rc != 0 || hc->attempts > 1)) {
		http_lib.easy_reset(hc->easy);
		hc->configured = false;
	}
	return rc;
}

/* http_ops.free for libcurl. */
static void
http_curl_free(void *ctx)
{
	struct http_curl *hc = ctx;

	if (hc == NULL)
		return;
	if (hc->easy != NULL)
		http_lib.easy_cleanup(hc->easy);
	free(hc->ca_bundle);
	free(hc);
}

struct http_ops *
http_new_curl(const struct http_options *opts)
{
	struct http_ops *ops;
	struct http_curl *hc;

	pthread_once(&http_global_once, http_global_init);
	hc = xcalloc(1, sizeof *hc);
	/* Without libcurl every request fails with the reason. */
	if (http_loaded && (hc->easy = http_lib.easy_init()) == NULL) {
		/* Only allocation makes curl_easy_init fail. */
		fprintf(stderr, "dynrepo: out of memory (curl_easy_init)\n");
		abort();
	}
	if (opts != NULL) {
		if (opts->ca_bundle != NULL)
			hc->ca_bundle = xstrdup(opts->ca_bundle);
		hc->verbose = opts->verbose;
	}
	ops = xcalloc(1, sizeof *ops);
	ops->perform = http_curl_perform;
	ops->free = http_curl_free;
	ops->ctx = hc;
	return ops;
}
