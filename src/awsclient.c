/* SPDX-License-Identifier: ISC */
/* One AWS JSON-RPC service endpoint: signing, sending, retrying, errors. */
#include "config.h"

#include "awsclient.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "crc32.h"
#include "log.h"
#include "sigv4.h"
#include "trace.h"
#include "xmalloc.h"

#define AWSCLIENT_DEFAULT_ATTEMPTS	3
#define AWSCLIENT_CONNECT_TIMEOUT_MS	10000
#define AWSCLIENT_TIMEOUT_MS		60000
/* Full-jitter backoff: DynamoDB's base for transient errors, a larger
 * one for throttling, and the cap, as the SDKs use. */
#define AWSCLIENT_BASE_TRANSIENT_MS	25
#define AWSCLIENT_BASE_THROTTLE_MS	500
#define AWSCLIENT_MAX_BACKOFF_MS	20000
/* The standard mode's retry quota. */
#define AWSCLIENT_QUOTA			500
#define AWSCLIENT_RETRY_COST		5
#define AWSCLIENT_TIMEOUT_COST		10
#define AWSCLIENT_SUCCESS_REFILL	1
/* How much of a non-JSON error body a message quotes. */
#define AWSCLIENT_QUOTE_MAX		200

struct awsclient {
	char			*endpoint;
	char			*region;
	char			*service;
	char			*target_prefix;
	char			*host;		/* the Host header */
	char			*path;		/* the signed path */
	char			 config_error[256]; /* set: every call fails */
	/* The last call's answer came after an attempt that may have been
	 * carried out (awsclient_retried_maybe). */
	bool			 retried_maybe;
	int			 max_attempts;
	long			 connect_timeout_ms;
	long			 timeout_ms;

	struct http_ops		*http;
	bool			 own_http;
	struct creds_provider	*creds;
	const struct clock_ops	*clock;
	void			(*on_retry)(void *,
				    const struct awsclient_retry *);
	void			*on_retry_ctx;

	/* Kept between calls: its body's memory is reused, page after
	 * page, instead of being grown again by realloc for each. */
	struct http_response	 resp;
	/* The sink of the call in flight, and the CRC-32 and length of
	 * what went to it in this attempt. */
	const struct awsclient_sink *sink;
	uint32_t		 sink_crc;
	size_t			 sink_len;

	/* Service time minus ours, in seconds: skew_own, or the one of the
	 * client this one shares it with (awsclient_share). Read and
	 * written atomically: the sharing clients run on several threads. */
	int64_t			 skew_own;
	int64_t			*skew_s;
	/* The standard mode's retry quota: quota_own, or the one of the
	 * client this one shares it with, atomically too: a storm met by
	 * four connections empties one quota, not four. */
	int			 quota_own;
	int			*quota;
	struct awsclient_stats	 stats;
};

/* What one attempt came to. */
enum awsclient_outcome {
	AWSCLIENT_OK,
	AWSCLIENT_THROTTLED,	/* retry with the throttling base */
	AWSCLIENT_TRANSIENT,	/* retry with the transient base */
	AWSCLIENT_SKEWED,	/* learn the clock skew, retry at once */
	AWSCLIENT_FATAL		/* no retry can help */
};

struct awsclient_attempt {
	enum awsclient_outcome	 outcome;
	bool			 timed_out;	/* costs more retry quota */
	bool			 maybe_applied;	/* the service may have acted */
	struct err		 err;
};

/* Error types that mean throttling. */
static const char *const awsclient_throttle_types[] = {
	"ProvisionedThroughputExceededException", "ThrottlingException",
	"Throttling", "RequestLimitExceeded", "TooManyRequestsException",
	"RequestThrottled", "RequestThrottledException",
	"ThrottledException", "SlowDown", NULL
};

/* Error types that mean a passing fault on the service's side. */
static const char *const awsclient_transient_types[] = {
	"InternalServerError", "InternalFailure", "ServiceUnavailable",
	"RequestTimeout", "RequestTimeoutException",
	"PriorRequestNotComplete", NULL
};

/* Error types that mean the credentials or signature are wrong. */
static const char *const awsclient_auth_types[] = {
	"UnrecognizedClientException", "InvalidSignatureException",
	"MissingAuthenticationTokenException", "MissingAuthenticationToken",
	"ExpiredTokenException", "ExpiredToken", "IncompleteSignatureException",
	"InvalidClientTokenId", "SignatureDoesNotMatch",
	"RequestTimeTooSkewed", "RequestExpired", NULL
};

/* Whether type is one of list. */
static bool
awsclient_type_in(const char *type, const char *const *list)
{
	for (; *list != NULL; list++)
		if (strcmp(type, *list) == 0)
			return true;
	return false;
}

/* Parse the endpoint into host header and path; false with a reason. */
static bool
awsclient_parse_endpoint(struct awsclient *c)
{
	const char *p = c->endpoint, *auth, *end, *port;
	bool https;
	size_t hostlen, plen;

	if (strncasecmp(p, "https://", 8) == 0) {
		https = true;
		auth = p + 8;
	} else if (strncasecmp(p, "http://", 7) == 0) {
		https = false;
		auth = p + 7;
	} else {
		snprintf(c->config_error, sizeof c->config_error,
		    "endpoint %.200s: not an http:// or https:// URL", p);
		return false;
	}
	end = auth + strcspn(auth, "/?#");
	if (end == auth || memchr(auth, '@', (size_t)(end - auth)) != NULL) {
		snprintf(c->config_error, sizeof c->config_error,
		    "endpoint: a URL with a host and no user name is needed");
		return false;
	}
	if (strpbrk(end, "?#") != NULL) {
		snprintf(c->config_error, sizeof c->config_error,
		    "endpoint: a query or fragment is not supported");
		return false;
	}

	/* The port after an IPv6 literal's ']' or after the last ':'. */
	hostlen = (size_t)(end - auth);
	port = NULL;
	if (*auth == '[') {
		const char *rb = memchr(auth, ']', hostlen);

		if (rb != NULL && rb + 1 < end && rb[1] == ':')
			port = rb + 1;
	} else
		port = memchr(auth, ':', hostlen);
	/* A default port is left out, as the SDKs (and the service) do. */
	if (port != NULL) {
		plen = (size_t)(end - port);
		if ((https && plen == 4 && strncmp(port, ":443", 4) == 0) ||
		    (!https && plen == 3 && strncmp(port, ":80", 3) == 0))
			hostlen = (size_t)(port - auth);
	}
	c->host = xstrndup(auth, hostlen);
	c->path = xstrdup(*end == '/' ? end : "/");
	return true;
}

struct awsclient *
awsclient_new(const struct awsclient_config *cfg, struct http_ops *http,
    struct creds_provider *creds, const struct clock_ops *clock)
{
	struct awsclient *c = xcalloc(1, sizeof *c);

	http_response_init(&c->resp);
	c->skew_s = &c->skew_own;

	c->region = xstrdup(cfg->region != NULL ? cfg->region : "");
	c->service = xstrdup(cfg->service != NULL ? cfg->service : "dynamodb");
	c->target_prefix = xstrdup(cfg->target_prefix != NULL ?
	    cfg->target_prefix : "DynamoDB_20120810");
	if (cfg->endpoint != NULL && cfg->endpoint[0] != '\0')
		c->endpoint = xstrdup(cfg->endpoint);
	else
		c->endpoint = xasprintf("https://%s.%s.amazonaws.com",
		    c->service, c->region);
	c->on_retry = cfg->on_retry;
	c->on_retry_ctx = cfg->on_retry_ctx;
	c->max_attempts = cfg->max_attempts > 0 ? cfg->max_attempts :
	    AWSCLIENT_DEFAULT_ATTEMPTS;
	c->connect_timeout_ms = cfg->connect_timeout_ms > 0 ?
	    cfg->connect_timeout_ms : AWSCLIENT_CONNECT_TIMEOUT_MS;
	c->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms :
	    AWSCLIENT_TIMEOUT_MS;

	if (c->region[0] == '\0')
		snprintf(c->config_error, sizeof c->config_error,
		    "no AWS region: set region in the profile, AWS_REGION "
		    "or the AWS config");
	else
		awsclient_parse_endpoint(c);

	if (http == NULL) {
		struct http_options ho = { .ca_bundle = cfg->ca_bundle };

		c->http = http_new_curl(&ho);
		c->own_http = true;
	} else
		c->http = http;
	c->creds = creds;
	c->clock = clock != NULL ? clock : clock_system();
	c->quota_own = AWSCLIENT_QUOTA;
	c->quota = &c->quota_own;
	return c;
}

void
awsclient_free(struct awsclient *c)
{
	if (c == NULL)
		return;
	if (c->own_http)
		http_free(c->http);
	free(c->endpoint);
	free(c->region);
	free(c->service);
	free(c->target_prefix);
	free(c->host);
	free(c->path);
	http_response_cleanup(&c->resp);
	free(c);
}

const struct awsclient_stats *
awsclient_stats(const struct awsclient *c)
{
	return &c->stats;
}

void
awsclient_share(struct awsclient *c, struct awsclient *with)
{
	c->skew_s = with->skew_s;
	c->quota = with->quota;
}

/* Take cost from the retry quota; false (nothing taken) when it holds
 * less. */
static bool
awsclient_quota_take(struct awsclient *c, int cost)
{
	int q = __atomic_load_n(c->quota, __ATOMIC_RELAXED);

	do {
		if (q < cost)
			return false;
	} while (!__atomic_compare_exchange_n(c->quota, &q, q - cost, true,
	    __ATOMIC_RELAXED, __ATOMIC_RELAXED));
	return true;
}

/* Give n back to the retry quota, up to its size. */
static void
awsclient_quota_refill(struct awsclient *c, int n)
{
	int q = __atomic_load_n(c->quota, __ATOMIC_RELAXED), nq;

	do {
		nq = q + n > AWSCLIENT_QUOTA ? AWSCLIENT_QUOTA : q + n;
	} while (!__atomic_compare_exchange_n(c->quota, &q, nq, true,
	    __ATOMIC_RELAXED, __ATOMIC_RELAXED));
}

int64_t
awsclient_clock_skew(const struct awsclient *c)
{
	return __atomic_load_n(c->skew_s, __ATOMIC_RELAXED);
}

/* CRC-32 (IEEE 802.3, reflected 0xEDB88320) as x-amz-crc32 carries it:
 * folded 64 bytes at a time where the CPU can (crc32.c). */
uint32_t
awsclient_crc32(const void *data, size_t len)
{
	return crc32_ieee(0, data, len);
}

/* Parse an HTTP date ("Wed, 25 Nov 2026 09:14:03 GMT"); -1 if not one. */
static time_t
awsclient_parse_http_date(const char *s)
{
	static const char months[] = "JanFebMarAprMayJunJulAugSepOctNovDec";
	char mon[4];
	const char *m;
	struct tm tm;
	int n = 0;

	memset(&tm, 0, sizeof tm);
	if (s == NULL || sscanf(s, "%*3s, %d %3s %d %d:%d:%d GMT%n",
	    &tm.tm_mday, mon, &tm.tm_year, &tm.tm_hour, &tm.tm_min,
	    &tm.tm_sec, &n) != 6 || n == 0)
		return -1;
	m = strstr(months, mon);
	if (strlen(mon) != 3 || m == NULL || (m - months) % 3 != 0)
		return -1;
	tm.tm_mon = (int)(m - months) / 3;
	tm.tm_year -= 1900;
	return timegm(&tm);
}

/* Copy s into out (size bytes) with control characters as spaces. */
static void
awsclient_clean(char *out, size_t size, const char *s)
{
	size_t i;

	for (i = 0; i + 1 < size && s[i] != '\0'; i++)
		out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ? ' ' :
		    s[i];
	out[i] = '\0';
}

/* Quote up to AWSCLIENT_QUOTE_MAX printable bytes of a non-JSON body,
 * runs of white space and other bytes folded into one space. */
static void
awsclient_quote(char *out, size_t size, const char *body, size_t len)
{
	size_t i, n = 0;
	bool space = false;

	for (i = 0; i < len && n < AWSCLIENT_QUOTE_MAX && n + 1 < size; i++) {
		unsigned char ch = (unsigned char)body[i];

		if (ch > 0x20 && ch < 0x7f) {
			if (space && n > 0 && n + 2 < size)
				out[n++] = ' ';
			space = false;
			out[n++] = (char)ch;
		} else
			space = true;
	}
	out[n] = '\0';
}

/* Read the service's error from a non-200 answer into a->err. */
static void
awsclient_parse_error(struct awsclient *c, const struct http_response *resp,
    struct awsclient_attempt *a)
{
	char type[96] = "", msg[800] = "", quote[AWSCLIENT_QUOTE_MAX + 1];
	const char *t, *m, *hash;
	json_t *root, *jt, *jm;
	enum err_code code;
	size_t tl;

	root = json_loadb(buf_cstr(&resp->body), resp->body.len, 0, NULL);
	jt = json_is_object(root) ? json_object_get(root, "__type") : NULL;
	if (json_is_string(jt)) {
		/* "com.amazonaws.dynamodb.v20120810#ThrottlingException";
		 * some services add ":http://..." after the name. */
		t = json_string_value(jt);
		hash = strrchr(t, '#');
		if (hash != NULL)
			t = hash + 1;
		tl = strcspn(t, ":");
		if (tl >= sizeof type)
			tl = sizeof type - 1;
		memcpy(type, t, tl);
		type[tl] = '\0';
		awsclient_clean(type, sizeof type, type);
		jm = json_object_get(root, "message");
		if (!json_is_string(jm))
			jm = json_object_get(root, "Message");
		m = json_is_string(jm) ? json_string_value(jm) : NULL;
		if (m != NULL && m[0] != '\0')
			awsclient_clean(msg, sizeof msg, m);
	}
	json_decref(root);

	if (type[0] == '\0') {
		awsclient_quote(quote, sizeof quote, buf_cstr(&resp->body),
		    resp->body.len);
		if (quote[0] != '\0')
			err_set(&a->err, ERR_SERVICE, "HTTP %ld from %s: %s",
			    resp->status, c->host, quote);
		else
			err_set(&a->err, ERR_SERVICE,
			    "HTTP %ld from %s with an empty body",
			    resp->status, c->host);
	} else {
		if (strcmp(type, "ConditionalCheckFailedException") == 0)
			code = ERR_CONFLICT;
		else if (strcmp(type, "AccessDeniedException") == 0)
			code = ERR_ACCESS_DENIED;
		else if (awsclient_type_in(type, awsclient_auth_types))
			code = ERR_AUTH;
		else if (strcmp(type, "ResourceNotFoundException") == 0)
			code = ERR_NOT_FOUND;
		else
			code = ERR_SERVICE;
		if (msg[0] != '\0')
			err_set(&a->err, code, "%s: %s", type, msg);
		else
			err_set(&a->err, code, "%s (HTTP %ld)", type,
			    resp->status);
	}
	a->err.http_status = (int)resp->status;
	snprintf(a->err.aws_type, sizeof a->err.aws_type, "%s", type);
}

/* Sort an answer (or a transport failure) into an outcome. */
static void
awsclient_classify(struct awsclient *c, const struct http_response *resp,
    int rc, struct awsclient_attempt *a)
{
	const char *type = a->err.aws_type;
	unsigned long want;
	char *end;

	if (rc == -1) {
		/* Transport failure: a->err already says what. */
		a->outcome = resp->permanent ? AWSCLIENT_FATAL :
		    AWSCLIENT_TRANSIENT;
		a->timed_out = resp->timed_out;
		a->maybe_applied = resp->request_sent;
		return;
	}
	if (resp->crc32 != NULL) {
		want = strtoul(resp->crc32, &end, 10);
		if (*end != '\0' || want != (resp->streamed ? c->sink_crc :
		    awsclient_crc32(resp->body.data, resp->body.len))) {
			err_set(&a->err, ERR_NETWORK,
			    "the answer from %s (HTTP %ld) failed its CRC32 "
			    "check", c->host, resp->status);
			a->err.http_status = (int)resp->status;
			a->outcome = AWSCLIENT_TRANSIENT;
			/* A 4xx answer means nothing was done. */
			a->maybe_applied = resp->status < 400 ||
			    resp->status >= 500;
			return;
		}
	}
	if (resp->status == 200) {
		a->outcome = AWSCLIENT_OK;
		return;
	}

	awsclient_parse_error(c, resp, a);
	if (resp->status == 429 ||
	    awsclient_type_in(type, awsclient_throttle_types))
		a->outcome = AWSCLIENT_THROTTLED;
	else if (strcmp(type, "RequestTimeTooSkewed") == 0 ||
	    (strcmp(type, "InvalidSignatureException") == 0 &&
	    (strstr(a->err.msg, "Signature expired") != NULL ||
	    strstr(a->err.msg, "Signature not yet current") != NULL)))
		a->outcome = AWSCLIENT_SKEWED;
	else if (resp->status == 500 || resp->status == 502 ||
	    resp->status == 503 || resp->status == 504 ||
	    awsclient_type_in(type, awsclient_transient_types))
		a->outcome = AWSCLIENT_TRANSIENT;
	else
		a->outcome = AWSCLIENT_FATAL;
	/* A 503 or a throttled request was turned away before any work;
	 * after a 500, 502 or 504 (a gateway timing out) it may be done. */
	a->maybe_applied = a->outcome == AWSCLIENT_TRANSIENT &&
	    resp->status != 503 && strcmp(type, "ServiceUnavailable") != 0;
}

/* http_sink.write: on to the call's sink, checksummed on the way. */
static void
awsclient_sink_write(void *ctx, const char *p, size_t n)
{
	struct awsclient *c = ctx;

	c->sink_crc = crc32_ieee(c->sink_crc, p, n);
	c->sink_len += n;
	c->sink->write(c->sink->ctx, p, n);
}

/* The bytes of the answer's body, kept or streamed. */
static size_t
awsclient_body_len(const struct awsclient *c, const struct http_response *resp)
{
	return resp->streamed ? c->sink_len : resp->body.len;
}

/* Sign and send one attempt; the outcome lands in *a. */
static void
awsclient_attempt(struct awsclient *c, const char *op, const char *body,
    size_t body_len, struct http_response *resp, struct awsclient_attempt *a)
{
	struct sigv4_state st;
	struct sigv4_header sh[3];
	struct http_header hh[6];
	struct creds cr;
	struct timespec now;
	char *target;
	size_t nh = 0;
	int rc;

	memset(a, 0, sizeof *a);
	memset(&cr, 0, sizeof cr);
	http_response_reset(resp);
	err_clear(&a->err);
	a->outcome = AWSCLIENT_FATAL;
	if (c->creds == NULL) {
		err_set(&a->err, ERR_AUTH, "no AWS credentials provider");
		return;
	}
	if (creds_provider_get(c->creds, &cr, &a->err) == -1)
		return;

	target = xasprintf("%s.%s", c->target_prefix, op);
	sh[0] = (struct sigv4_header){ "Host", c->host };
	sh[1] = (struct sigv4_header){ "Content-Type",
	    "application/x-amz-json-1.0" };
	sh[2] = (struct sigv4_header){ "X-Amz-Target", target };

	/* Every attempt is signed afresh, at the service's idea of now. */
	c->clock->now(c->clock->ctx, &now);
	sigv4_state_init(&st);
	rc = sigv4_sign(&st, &(struct sigv4_request){
		.method = "POST",
		.path = c->path,
		.query = NULL,
		.headers = sh,
		.nheaders = 3,
		.body = body,
		.body_len = body_len,
	    }, &(struct sigv4_params){
		.access_key_id = cr.access_key_id,
		.secret_access_key = cr.secret_access_key,
		.session_token = cr.session_token,
		.region = c->region,
		.service = c->service,
		.when = now.tv_sec + (time_t)awsclient_clock_skew(c),
		.normalize_path = true,
	    }, &a->err);
	if (rc == -1)
		goto out;

	for (nh = 0; nh < 3; nh++)
		hh[nh] = (struct http_header){ sh[nh].name, sh[nh].value };
	hh[nh++] = (struct http_header){ "X-Amz-Date", st.amz_date };
	if (cr.session_token != NULL && cr.session_token[0] != '\0')
		hh[nh++] = (struct http_header){ "X-Amz-Security-Token",
		    cr.session_token };
	hh[nh++] = (struct http_header){ "Authorization",
	    buf_cstr(&st.authorization) };

	/* What an earlier attempt streamed is thrown away. */
	c->sink_crc = 0;
	c->sink_len = 0;
	if (c->sink != NULL)
		c->sink->begin(c->sink->ctx);
	trace_event("http-send", op);
	rc = c->http->perform(c->http->ctx, &(struct http_request){
		.method = "POST",
		.url = c->endpoint,
		.headers = hh,
		.nheaders = nh,
		.body = body,
		.body_len = body_len,
		.connect_timeout_ms = c->connect_timeout_ms,
		.timeout_ms = c->timeout_ms,
		.sink = c->sink != NULL ? &(struct http_sink){
			awsclient_sink_write, c } : NULL,
	    }, resp, &a->err);
	trace_event("http-done", op);
	c->stats.requests++;
	c->stats.bytes_sent += body_len;
	c->stats.bytes_received += awsclient_body_len(c, resp);
	if (rc == -1 && a->err.code == ERR_OK)
		err_set(&a->err, ERR_NETWORK, "%s: request failed", c->host);
	awsclient_classify(c, resp, rc, a);
out:
	sigv4_state_cleanup(&st);
	creds_cleanup(&cr);
	free(target);
}

/* Learn the clock skew from the answer's Date; false when it has none. */
static bool
awsclient_learn_skew(struct awsclient *c, const struct http_response *resp)
{
	struct timespec now;
	time_t server;
	int64_t skew;

	server = awsclient_parse_http_date(resp->date);
	if (server == -1)
		return false;
	c->clock->now(c->clock->ctx, &now);
	skew = (int64_t)server - (int64_t)now.tv_sec;
	__atomic_store_n(c->skew_s, skew, __ATOMIC_RELAXED);
	LOG_DEBUG("clock skew learned: the service is %+lld s from us",
	    (long long)skew);
	return true;
}

/* Full-jitter backoff for the retry after `retries` earlier ones. */
static int64_t
awsclient_backoff_ms(struct awsclient *c, enum awsclient_outcome o,
    int retries)
{
	int64_t ceil = o == AWSCLIENT_THROTTLED ? AWSCLIENT_BASE_THROTTLE_MS :
	    AWSCLIENT_BASE_TRANSIENT_MS;
	uint64_t r;

	while (retries-- > 0 && ceil < AWSCLIENT_MAX_BACKOFF_MS)
		ceil *= 2;
	if (ceil > AWSCLIENT_MAX_BACKOFF_MS)
		ceil = AWSCLIENT_MAX_BACKOFF_MS;
	/* A uniform pick in [0, ceil]. */
	r = c->clock->random(c->clock->ctx);
	return (int64_t)((r * (uint64_t)(ceil + 1)) >> 32);
}

/* Log one attempt: no headers, keys or tokens, ever. */
static void
awsclient_log_attempt(const struct awsclient *c, const char *op, int n,
    const struct http_response *resp, const struct awsclient_attempt *a,
    int64_t ms)
{
	if (!log_enabled())
		return;
	if (a->outcome == AWSCLIENT_OK)
		LOG_DEBUG("%s attempt %d/%d: HTTP %ld, %zu bytes, %lld ms, "
		    "request id %s", op, n, c->max_attempts, resp->status,
		    awsclient_body_len(c, resp), (long long)ms,
		    resp->request_id != NULL ? resp->request_id : "-");
	else
		LOG_DEBUG("%s attempt %d/%d: HTTP %ld, %lld ms, %s%s%s, "
		    "request id %s", op, n, c->max_attempts, resp->status,
		    (long long)ms, err_code_name(a->err.code),
		    a->err.aws_type[0] != '\0' ? " " : "", a->err.aws_type,
		    resp->request_id != NULL ? resp->request_id : "-");
}

/* Copy the attempt's error into err as the final one, with a note. */
static int
awsclient_fail(struct err *err, const struct awsclient_attempt *a,
    enum err_code code, const char *note)
{
	if (err == NULL)
		return -1;
	*err = a->err;
	err->code = code;
	if (note != NULL) {
		size_t len = strlen(err->msg);

		snprintf(err->msg + len, sizeof err->msg - len, " (%s)", note);
	}
	return -1;
}

int
awsclient_credentials(struct awsclient *c, struct err *err)
{
	struct creds cr;
	int rc;

	err_clear(err);
	if (c->config_error[0] != '\0')
		rc = err_set(err, ERR_CONFIG, "%s", c->config_error);
	else if (c->creds == NULL)
		rc = err_set(err, ERR_AUTH, "no AWS credentials provider");
	else {
		rc = creds_provider_get(c->creds, &cr, err);
		creds_cleanup(&cr);
	}
	/* Whatever failed, the call it stands for was not sent (a write
	 * that says nothing of it would be journaled as maybe stored). */
	if (rc != 0 && err != NULL)
		err->applied = ERR_APPLIED_NO;
	return rc;
}

/* Append the body to out; when out is empty, hand the memory over
 * instead of copying a page of several megabytes. */
static void
awsclient_hand_over(struct buf *body, struct buf *out)
{
	struct buf tmp;

	if (out->len > 0) {
		buf_add(out, body->data, body->len);
		return;
	}
	tmp = *out;
	*out = *body;
	*body = tmp;
}

/* awsclient_call2 and awsclient_call_sink: the answer into out, or
 * through sink when it is not NULL. */
static int
awsclient_run(struct awsclient *c, const char *op, const char *body,
    size_t body_len, bool idempotent, const struct awsclient_sink *sink,
    struct buf *out, struct err *err)
{
	struct http_response *resp = &c->resp;
	struct awsclient_attempt a;
	int64_t t0, delay;
	int n, cost, last_cost = 0;
	bool skew_learned = false, earlier_maybe = false;
	char note[128];

	err_clear(err);
	c->retried_maybe = false;
	if (c->config_error[0] != '\0') {
		err_set(err, ERR_CONFIG, "%s", c->config_error);
		if (err != NULL)
			err->applied = ERR_APPLIED_NO;
		return -1;
	}

	c->sink = sink;
	for (n = 1;; n++) {
		t0 = c->clock->monotonic_ms(c->clock->ctx);
		awsclient_attempt(c, op, body, body_len, resp, &a);
		awsclient_log_attempt(c, op, n, resp, &a,
		    c->clock->monotonic_ms(c->clock->ctx) - t0);

		if (a.outcome == AWSCLIENT_OK) {
			c->retried_maybe = earlier_maybe;
			/* Standard mode refunds a retry that worked. */
			awsclient_quota_refill(c, last_cost > 0 ? last_cost :
			    AWSCLIENT_SUCCESS_REFILL);
			if (sink == NULL)
				awsclient_hand_over(&resp->body, out);
			else if (!resp->streamed && resp->body.len > 0)
				/* A transport that keeps bodies whole. */
				sink->write(sink->ctx, resp->body.data,
				    resp->body.len);
			c->sink = NULL;
			http_response_reset(resp);
			return 0;
		}
		if (a.maybe_applied && !idempotent) {
			/* Sending it again could apply it twice. */
			snprintf(note, sizeof note, "outcome unknown: %s may "
			    "have been applied; read the item before trying "
			    "again", op);
			awsclient_fail(err, &a, ERR_OUTCOME_UNKNOWN, note);
			break;
		}
		if (a.err.code == ERR_CONFLICT && earlier_maybe) {
			/* The condition may have failed on our own write. */
			awsclient_fail(err, &a, ERR_OUTCOME_UNKNOWN,
			    "outcome unknown: after a retry, an earlier "
			    "attempt may have been applied");
			break;
		}
		if (a.outcome == AWSCLIENT_SKEWED) {
			if (skew_learned || !awsclient_learn_skew(c, resp)) {
				awsclient_fail(err, &a, ERR_AUTH,
				    "is the system clock right?");
				break;
			}
			skew_learned = true;
		}
		if (a.outcome == AWSCLIENT_FATAL) {
			awsclient_fail(err, &a, a.err.code, NULL);
			break;
		}
		if (n >= c->max_attempts) {
			snprintf(note, sizeof note, "gave up after %d attempts",
			    n);
			awsclient_fail(err, &a, a.outcome ==
			    AWSCLIENT_THROTTLED ? ERR_THROTTLED : a.err.code,
			    n > 1 ? note : NULL);
			break;
		}
		cost = a.timed_out ? AWSCLIENT_TIMEOUT_COST :
		    AWSCLIENT_RETRY_COST;
		if (a.outcome != AWSCLIENT_SKEWED) {
			if (!awsclient_quota_take(c, cost)) {
				awsclient_fail(err, &a, a.outcome ==
				    AWSCLIENT_THROTTLED ? ERR_THROTTLED :
				    a.err.code, "retry quota exhausted");
				break;
			}
			last_cost = cost;
		}
		earlier_maybe = earlier_maybe || a.maybe_applied;
		c->stats.retries++;

		delay = a.outcome == AWSCLIENT_SKEWED ? 0 :
		    awsclient_backoff_ms(c, a.outcome, n - 1);
		LOG_DEBUG("%s: retrying in %lld ms", op, (long long)delay);
		if (c->on_retry != NULL) {
			struct awsclient_retry r;
			char why[sizeof a.err.aws_type];

			if (a.outcome == AWSCLIENT_THROTTLED)
				snprintf(why, sizeof why, "throttling");
			else if (a.outcome == AWSCLIENT_SKEWED)
				snprintf(why, sizeof why, "a clock skew");
			else if (a.err.aws_type[0] != '\0')
				snprintf(why, sizeof why, "%s", a.err.aws_type);
			else if (a.err.http_status > 0)
				snprintf(why, sizeof why, "HTTP %d",
				    a.err.http_status);
			else
				snprintf(why, sizeof why, "a network error");
			r.op = op;
			r.attempt = n + 1;
			r.max_attempts = c->max_attempts;
			r.reason = why;
			r.delay_ms = delay;
			c->on_retry(c->on_retry_ctx, &r);
		}
		if (delay > 0 &&
		    c->clock->sleep_ms(c->clock->ctx, delay) != 0) {
			awsclient_fail(err, &a, ERR_CANCELLED,
			    "cancelled while waiting to retry");
			break;
		}
	}
	/* Whatever the last attempt met, an earlier one that may have
	 * been carried out makes the call's outcome unknown. */
	if (err != NULL)
		err->applied = earlier_maybe || a.maybe_applied ?
		    ERR_APPLIED_MAYBE : ERR_APPLIED_NO;
	c->sink = NULL;
	http_response_reset(resp);
	return -1;
}

int
awsclient_call2(struct awsclient *c, const char *op, const char *body,
    size_t body_len, bool idempotent, struct buf *out, struct err *err)
{
	return awsclient_run(c, op, body, body_len, idempotent, NULL, out,
	    err);
}

int
awsclient_call_sink(struct awsclient *c, const char *op, const char *body,
    size_t body_len, bool idempotent, const struct awsclient_sink *sink,
    struct err *err)
{
	return awsclient_run(c, op, body, body_len, idempotent, sink, NULL,
	    err);
}

int
awsclient_call(struct awsclient *c, const char *op, const char *body,
    size_t body_len, struct buf *out, struct err *err)
{
	/* Without the caller's word, the operations that may change an
	 * item relative to its current state are not replayed blindly. */
	static const char *const unsafe[] = {
		"UpdateItem", "TransactWriteItems", "ExecuteStatement",
		"BatchExecuteStatement", "ExecuteTransaction", NULL
	};

	return awsclient_call2(c, op, body, body_len,
	    !awsclient_type_in(op, unsafe), out, err);
}

bool
awsclient_retried_maybe(const struct awsclient *c)
{
	return c->retried_maybe;
}
