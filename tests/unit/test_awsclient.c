/* SPDX-License-Identifier: ISC */
/* Tests for the AWS client over a scripted transport and a fake clock. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "awsclient.h"
#include "buf.h"
#include "clock.h"
#include "creds.h"
#include "err.h"
#include "http.h"
#include "log.h"

#define SECRET	"wJalrXUtnFEMI/K7MDENG+bPxRfiCYSECRETKEY"
#define TOKEN	"IQoJb3JpZ2luX2VjSESSIONTOKEN"

/* One scripted answer. */
enum fake_kind {
	FAKE_ANSWER,		/* an HTTP answer */
	FAKE_NOT_SENT,		/* connection refused */
	FAKE_SENT,		/* connection died after the request went out */
	FAKE_TIMEOUT,		/* no answer in time, after sending */
	FAKE_TORN		/* half of a 200 body, then the connection
				   dies */
};

struct fake_reply {
	enum fake_kind	 kind;
	long		 status;
	const char	*body;
	const char	*date;
	const char	*crc32;		/* "auto": the right one */
};

#define FAKE_MAX 64

/* What the transport saw for each call. */
struct fake_seen {
	char	 url[128];
	char	 host[128];
	char	 target[128];
	char	 content_type[64];
	char	 amz_date[32];
	char	 token[128];
	char	 authorization[512];
	char	 body[256];
};

static struct {
	const struct fake_reply	*script;
	size_t			 n;		/* the last one repeats */
	int			 calls;
	struct fake_seen	 seen[FAKE_MAX];
	bool			 stream;	/* 200 bodies to the sink, in
						   pieces of 3 bytes */
} fh;

static struct {
	struct timespec	 now;
	int64_t		 mono;
	int64_t		 sleeps[FAKE_MAX];
	int		 nsleeps;
	uint32_t	 rnd;
	int		 cancel;		/* sleep_ms reports a cancel */
} fc;

/* Copy a header value into a fixed field. */
static void
fake_copy(char *dst, size_t size, const char *src)
{
	snprintf(dst, size, "%s", src);
}

/* http_ops.perform: record the request, play the next scripted answer;
 * each request takes one second of the fake clock. */
static int
fake_perform(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *e)
{
	const struct fake_reply *r;
	struct fake_seen *s;
	char crc[16];
	size_t i;

	(void)ctx;
	http_response_reset(resp);
	cr_assert_gt(fh.n, 0, "no script");
	r = &fh.script[(size_t)fh.calls < fh.n ? (size_t)fh.calls : fh.n - 1];
	s = &fh.seen[fh.calls < FAKE_MAX ? fh.calls : FAKE_MAX - 1];
	memset(s, 0, sizeof *s);
	fh.calls++;
	fake_copy(s->url, sizeof s->url, req->url);
	snprintf(s->body, sizeof s->body, "%.*s", (int)req->body_len,
	    req->body);
	cr_assert_str_eq(req->method, "POST");
	for (i = 0; i < req->nheaders; i++) {
		const struct http_header *h = &req->headers[i];

		if (strcasecmp(h->name, "Host") == 0)
			fake_copy(s->host, sizeof s->host, h->value);
		else if (strcasecmp(h->name, "X-Amz-Target") == 0)
			fake_copy(s->target, sizeof s->target, h->value);
		else if (strcasecmp(h->name, "Content-Type") == 0)
			fake_copy(s->content_type, sizeof s->content_type,
			    h->value);
		else if (strcasecmp(h->name, "X-Amz-Date") == 0)
			fake_copy(s->amz_date, sizeof s->amz_date, h->value);
		else if (strcasecmp(h->name, "X-Amz-Security-Token") == 0)
			fake_copy(s->token, sizeof s->token, h->value);
		else if (strcasecmp(h->name, "Authorization") == 0)
			fake_copy(s->authorization, sizeof s->authorization,
			    h->value);
	}
	fc.now.tv_sec += 1;
	fc.mono += 1000;

	switch (r->kind) {
	case FAKE_NOT_SENT:
		return err_set(e, ERR_NETWORK, "fake: Couldn't connect");
	case FAKE_SENT:
		resp->request_sent = true;
		return err_set(e, ERR_NETWORK, "fake: Connection reset");
	case FAKE_TIMEOUT:
		resp->request_sent = true;
		resp->timed_out = true;
		return err_set(e, ERR_NETWORK, "fake: Timeout was reached");
	case FAKE_TORN:
	case FAKE_ANSWER:
		break;
	}
	resp->status = r->status;
	resp->request_sent = true;
	if (fh.stream && req->sink != NULL && r->status == 200) {
		const char *b = r->body != NULL ? r->body : "";
		size_t len = strlen(b), n;

		/* As libcurl's write callback gives it: in pieces. */
		if (r->kind == FAKE_TORN)
			len /= 2;
		resp->streamed = true;
		for (i = 0; i < len; i += n) {
			n = len - i < 3 ? len - i : 3;
			req->sink->write(req->sink->ctx, b + i, n);
		}
		if (r->kind == FAKE_TORN) {
			resp->status = 0;
			return err_set(e, ERR_NETWORK, "fake: transfer closed "
			    "with outstanding read data remaining");
		}
		if (r->crc32 != NULL && strcmp(r->crc32, "auto") == 0) {
			snprintf(crc, sizeof crc, "%u",
			    (unsigned)awsclient_crc32(b, len));
			resp->crc32 = strdup(crc);
		} else if (r->crc32 != NULL)
			resp->crc32 = strdup(r->crc32);
		return 0;
	}
	if (r->kind == FAKE_TORN) {
		resp->status = 0;
		return err_set(e, ERR_NETWORK, "fake: transfer closed with "
		    "outstanding read data remaining");
	}
	buf_adds(&resp->body, r->body != NULL ? r->body : "");
	if (r->date != NULL)
		resp->date = strdup(r->date);
	if (r->crc32 != NULL && strcmp(r->crc32, "auto") == 0) {
		snprintf(crc, sizeof crc, "%u",
		    (unsigned)awsclient_crc32(resp->body.data, resp->body.len));
		resp->crc32 = strdup(crc);
	} else if (r->crc32 != NULL)
		resp->crc32 = strdup(r->crc32);
	return 0;
}

static struct http_ops fake_http = { .perform = fake_perform };

/* clock_ops for the fake clock. */
static void
fake_now(void *ctx, struct timespec *ts)
{
	(void)ctx;
	*ts = fc.now;
}

static int64_t
fake_mono(void *ctx)
{
	(void)ctx;
	return fc.mono;
}

static int
fake_sleep(void *ctx, int64_t ms)
{
	(void)ctx;
	if (fc.nsleeps < FAKE_MAX)
		fc.sleeps[fc.nsleeps++] = ms;
	fc.now.tv_sec += ms / 1000;
	fc.now.tv_nsec += (ms % 1000) * 1000000;
	if (fc.now.tv_nsec >= 1000000000) {
		fc.now.tv_sec++;
		fc.now.tv_nsec -= 1000000000;
	}
	fc.mono += ms;
	return fc.cancel;
}

static uint32_t
fake_random(void *ctx)
{
	(void)ctx;
	return fc.rnd;
}

static const struct clock_ops fake_clock = {
	.now = fake_now,
	.monotonic_ms = fake_mono,
	.sleep_ms = fake_sleep,
	.random = fake_random,
};

/* Environment for the credentials provider. */
static const char *
fake_getenv(void *ctx, const char *name)
{
	(void)ctx;
	if (strcmp(name, "AWS_ACCESS_KEY_ID") == 0)
		return "AKIDEXAMPLE";
	if (strcmp(name, "AWS_SECRET_ACCESS_KEY") == 0)
		return SECRET;
	if (strcmp(name, "AWS_SESSION_TOKEN") == 0)
		return TOKEN;
	return NULL;
}

static struct creds_provider *creds;
static struct awsclient *client;

/* A client for endpoint with attempts, and the fakes reset. */
static struct awsclient *
make_client(const char *endpoint, int max_attempts)
{
	struct awsclient_config cfg = {
		.endpoint = endpoint,
		.region = "eu-west-1",
		.service = "dynamodb",
		.target_prefix = "DynamoDB_20120810",
		.max_attempts = max_attempts,
	};

	awsclient_free(client);
	client = awsclient_new(&cfg, &fake_http, creds, &fake_clock);
	return client;
}

/* Before each test: 2026-11-25T07:14:03Z, jitter at its maximum. */
static void
setup(void)
{
	memset(&fh, 0, sizeof fh);
	memset(&fc, 0, sizeof fc);
	fc.now.tv_sec = 1795590843;
	fc.mono = 100000;
	fc.rnd = 0xffffffffu;
	creds = creds_provider_new(NULL, fake_getenv, NULL);
	client = NULL;
	make_client("https://dynamodb.eu-west-1.amazonaws.com", 0);
}

static void
teardown(void)
{
	awsclient_free(client);
	creds_provider_free(creds);
}

TestSuite(awsclient, .init = setup, .fini = teardown);

/* Run the script through one idempotent GetItem call. */
static int
run(const struct fake_reply *script, size_t n, struct buf *out,
    struct err *e)
{
	fh.script = script;
	fh.n = n;
	return awsclient_call(client, "GetItem", "{\"TableName\":\"t\"}", 17,
	    out, e);
}

#define RUN(script, out, e) run(script, sizeof script / sizeof script[0], \
	out, e)

static const char ccf_body[] =
    "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
    "ConditionalCheckFailedException\","
    "\"message\":\"The conditional request failed\"}";
static const char throttle_body[] =
    "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
    "ProvisionedThroughputExceededException\",\"message\":\"The level of "
    "configured provisioned throughput for the table was exceeded.\"}";
static const char ise_body[] =
    "{\"__type\":\"com.amazon.coral.service#InternalServerError\"}";

/* One call, one signed request with every header, the body handed back. */
Test(awsclient, success)
{
	static const struct fake_reply s[] = {
		{ FAKE_ANSWER, 200, "{\"Item\":{}}", NULL, "auto" },
	};
	struct buf out = BUF_INIT;
	struct err e;
	const struct awsclient_stats *st;
	const char *want;

	cr_assert_eq(RUN(s, &out, &e), 0, "%s", e.msg);
	cr_assert_str_eq(buf_cstr(&out), "{\"Item\":{}}");
	cr_assert_eq(e.code, ERR_OK);
	cr_assert_eq(fh.calls, 1);
	cr_assert_eq(fc.nsleeps, 0);
	cr_assert_str_eq(fh.seen[0].url,
	    "https://dynamodb.eu-west-1.amazonaws.com");
	cr_assert_str_eq(fh.seen[0].host, "dynamodb.eu-west-1.amazonaws.com");
	cr_assert_str_eq(fh.seen[0].target, "DynamoDB_20120810.GetItem");
	cr_assert_str_eq(fh.seen[0].content_type,
	    "application/x-amz-json-1.0");
	cr_assert_str_eq(fh.seen[0].amz_date, "20261125T071403Z");
	cr_assert_str_eq(fh.seen[0].token, TOKEN);
	cr_assert_str_eq(fh.seen[0].body, "{\"TableName\":\"t\"}");
	want = "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261125/eu-west-1/"
	    "dynamodb/aws4_request, SignedHeaders=content-type;host;"
	    "x-amz-date;x-amz-security-token;x-amz-target, Signature=";
	cr_assert(strncmp(fh.seen[0].authorization, want, strlen(want)) == 0,
	    "%s", fh.seen[0].authorization);
	cr_assert_eq(strlen(fh.seen[0].authorization), strlen(want) + 64);
	st = awsclient_stats(client);
	cr_assert_eq(st->requests, 1);
	cr_assert_eq(st->retries, 0);
	cr_assert_eq(st->bytes_sent, 17);
	cr_assert_eq(st->bytes_received, 11);
	buf_cleanup(&out);
}

/* Host carries a port only when it is not the scheme's default. */
Test(awsclient, host_header)
{
	static const struct fake_reply s[] = {
		{ FAKE_ANSWER, 200, "{}", NULL, NULL },
	};
	struct buf out = BUF_INIT;
	struct err e;

	make_client("http://127.0.0.1:8000", 0);
	cr_assert_eq(RUN(s, &out, &e), 0, "%s", e.msg);
	cr_assert_str_eq(fh.seen[0].host, "127.0.0.1:8000");
	make_client("https://dynamodb.eu-west-1.amazonaws.com:443/", 0);
	cr_assert_eq(RUN(s, &out, &e), 0, "%s", e.msg);
	cr_assert_str_eq(fh.seen[1].host, "dynamodb.eu-west-1.amazonaws.com");
	make_client("http://[::1]:80", 0);
	cr_assert_eq(RUN(s, &out, &e), 0, "%s", e.msg);
	cr_assert_str_eq(fh.seen[2].host, "[::1]");
	make_client("https://localhost:8443/", 0);
	cr_assert_eq(RUN(s, &out, &e), 0, "%s", e.msg);
	cr_assert_str_eq(fh.seen[3].host, "localhost:8443");
	buf_cleanup(&out);
}

/* A bad endpoint or no region: ERR_CONFIG, nothing sent. */
Test(awsclient, config_errors)
{
	static const struct fake_reply s[] = {
		{ FAKE_ANSWER, 200, "{}", NULL, NULL },
	};
	struct awsclient_config cfg = { .endpoint = NULL, .region = NULL };
	struct buf out = BUF_INIT;
	struct err e;

	make_client("ftp://dynamodb.example", 0);
	cr_assert_eq(RUN(s, &out, &e), -1);
	cr_assert_eq(e.code, ERR_CONFIG);
	make_client("https://user:pw@dynamodb.example", 0);
	cr_assert_eq(RUN(s, &out, &e), -1);
	cr_assert_eq(e.code, ERR_CONFIG);
	cr_assert_null(strstr(e.msg, "pw"));
	awsclient_free(client);
	client = awsclient_new(&cfg, &fake_http, creds, &fake_clock);
	cr_assert_eq(RUN(s, &out, &e), -1);
	cr_assert_eq(e.code, ERR_CONFIG);
	cr_assert_not_null(strstr(e.msg, "region"));
	cr_assert_eq(fh.calls, 0);
	buf_cleanup(&out);
}

/* A 500 is retried after a 25 ms (at most) backoff, then succeeds. */
Test(awsclient, retry_500_then_success)
{
	static const struct fake_reply s[] = {
		{ FAKE_ANSWER, 500, ise_body, NULL, NULL },
		{ FAKE_ANSWER, 200, "{\"ok\":1}", NULL, NULL },
	};
	struct buf out = BUF_INIT;
	struct err e;

	cr_assert_eq(RUN(s, &out, &e), 0, "%s", e.msg);
	cr_assert_str_eq(buf_cstr(&out), "{\"ok\":1}");
	cr_assert_eq(fh.calls, 2);
	cr_assert_eq(fc.nsleeps, 1);
	cr_assert_eq(fc.sleeps[0], 25);
	cr_assert_eq(awsclient_stats(client)->retries, 1);
	cr_assert_eq(awsclient_stats(client)->requests, 2);
	buf_cleanup(&out);
}

/* Jitter is full: a zero random number means no wait at all. */
Test(awsclient, full_jitter)
{
	static const struct fake_reply s[] = {
		{ FAKE_ANSWER, 503, "", NULL, NULL },
		{ FAKE_ANSWER, 503, "", NULL, NULL },
		{ FAKE_ANSWER, 200, "{}", NULL, NULL },
	};
	struct buf out = BUF_INIT;
	struct err e;

	fc.rnd = 0x80000000u;
	cr_assert_eq(RUN(s, &out, &e), 0, "%s", e.msg);
	cr_assert_eq(fc.nsleeps, 2);
	cr_assert_eq(fc.sleeps[0], 13);	/* half of [0, 25] */
	cr_assert_eq(fc.sleeps[1], 25);	/* half of [0, 50] */
	fc.rnd = 0;
	fc.nsleeps = 0;
	fh.calls = 0;
	cr_assert_eq(RUN(s, &out, &e), 0, "%s", e.msg);
	cr_assert_eq(fc.nsleeps, 0);
	buf_cleanup(&out);
}

/* Throttling waits on the larger base, then gives up naming the error. */
Test(awsclient, throttling_gives_up)
{
	static const struct fake_reply s[] = {
		{ FAKE_ANSWER, 400, throttle_body, NULL, NULL },
	};
	struct buf out = BUF_INIT;
	struct err e;

	cr_assert_eq(RUN(s, &out, &e), -1);
	cr_assert_eq(e.code, ERR_THROTTLED);
	cr_assert_eq(e.http_status, 400);
	cr_assert_str_eq(e.aws_type, "ProvisionedThroughputExceededException");
	cr_assert_not_null(strstr(e.msg,
	    "ProvisionedThroughputExceededException: The level of"), "%s",
	    e.msg);
	cr_assert_not_null(strstr(e.msg, "gave up after 3 attempts"), "%s",
	    e.msg);
	cr_assert_eq(fh.calls, 3);
	cr_assert_eq(fc.nsleeps, 2);
	cr_assert_eq(fc.sleeps[0], 500);
	cr_assert_eq(fc.sleeps[1], 1000);
	cr_assert_eq(buf_cstr(&out)[0], '\0');

	/* max_attempts from the config; HTTP 429 without JSON throttles. */
	static const struct fake_reply s429[] = {
		{ FAKE_ANSWER, 429, "Too Many Requests", NULL, NULL },
	};
	make_client("https://dynamodb.eu-west-1.amazonaws.com", 5);
	fh.calls = 0;
	fc.nsleeps = 0;
	cr_assert_eq(RUN(s429, &out, &e), -1);
	cr_assert_eq(e.code, ERR_THROTTLED);
	cr_assert_eq(fh.calls, 5);
	cr_assert_eq(fc.nsleeps, 4);
	cr_assert_eq(fc.sleeps[3], 4000);
	cr_assert_not_null(strstr(e.msg, "Too Many Requests"), "%s", e.msg);
	buf_cleanup(&out);
}

/* on_retry: what the TUI shows, before each wait. */
static char retry_seen[256];

static void
note_retry(void *ctx, const struct awsclient_retry *r)
{
	size_t len = strlen(retry_seen);

	(void)ctx;
	snprintf(retry_seen + len, sizeof retry_seen - len, "%s %d/%d %s "
	    "%lld;", r->op, r->attempt, r->max_attempts, r->reason,
	    (long long)r->delay_ms);
}

Test(awsclient, on_retry_before_each_wait)
{
	static const struct fake_reply s[] = {
		{ FAKE_ANSWER, 400, throttle_body, NULL, NULL },
		{ FAKE_ANSWER, 503, "Service Unavailable", NULL, NULL },
		{ FAKE_ANSWER, 200, "{}", NULL, NULL },
	};
	struct awsclient_config cfg = {
		.endpoint = "https://dynamodb.eu-west-1.amazonaws.com",
		.region = "eu-west-1",
		.max_attempts = 4,
		.on_retry = note_retry,
	};
	struct buf out = BUF_INIT;
	struct err e;

	awsclient_free(client);
	client = awsclient_new(&cfg, &fake_http, creds, &fake_clock);
	retry_seen[0] = '\0';
	cr_assert_eq(RUN(s, &out, &e), 0, "%s", e.msg);
	cr_assert_str_eq(retry_seen, "GetItem 2/4 throttling 500;"
	    "GetItem 3/4 HTTP 503 50;");
	cr_assert_eq(fc.nsleeps, 2);

	/* A connection that fails: no status, no type. */
	static const struct fake_reply s2[] = {
		{ FAKE_NOT_SENT, 0, NULL, NULL, NULL },
		{ FAKE_ANSWER, 200, "{}", NULL, NULL },
	};
	fh.calls = 0;
	retry_seen[0] = '\0';
	cr_assert_eq(RUN(s2, &out, &e), 0, "%s", e.msg);
	cr_assert_str_eq(retry_seen, "GetItem 2/4 a network error 25;");
	buf_cleanup(&out);
}

/* The backoff is capped at 20 seconds. */
Test(awsclient, backoff_cap)
{
	static const struct fake_reply s[] = {
		{ FAKE_ANSWER, 400, throttle_body, NULL, NULL },
	};
	struct buf out = BUF_INIT;
	struct err e;

	make_client("https://dynamodb.eu-west-1.amazonaws.com", 10);
	cr_assert_eq(RUN(s, &out, &e), -1);
	cr_assert_eq(fc.nsleeps, 9);
	cr_assert_eq(fc.sleeps[5], 16000);
	cr_assert_eq(fc.sleeps[6], 20000);
	cr_assert_eq(fc.sleeps[8], 20000);
	buf_cleanup(&out);
}

/* A failed condition is a conflict, at once, with the service's words. */
Test(awsclient, conditional_check_failed)
{
	static const struct fake_reply s[] = {
		{ FAKE_ANSWER, 400, ccf_body, NULL, NULL },
	};
	struct buf out = BUF_INIT;
	struct err e;

	cr_assert_eq(RUN(s, &out, &e), -1);
	cr_assert_eq(e.code, ERR_CONFLICT);
	cr_assert_eq(e.http_status, 400);
	cr_assert_str_eq(e.aws_type, "ConditionalCheckFailedException");
	cr_assert_str_eq(e.msg,
	    "ConditionalCheckFailedException: The conditional request failed");
	cr_assert_eq(fh.calls, 1);
	cr_assert_eq(fc.nsleeps, 0);
	buf_cleanup(&out);
}

/* Each error type maps to its code; "Message" is read too. */
Test(awsclient, error_codes)
{
	static const struct {
		const char	*body;
		enum err_code	 code;
		const char	*type;
		const char	*msg;
	} cases[] = {
		{ "{\"__type\":\"x#AccessDeniedException\",\"Message\":"
		  "\"User: u is not authorized to perform: dynamodb:Scan\"}",
		  ERR_ACCESS_DENIED, "AccessDeniedException",
		  "AccessDeniedException: User: u is not authorized to "
		  "perform: dynamodb:Scan" },
		{ "{\"__type\":\"x#UnrecognizedClientException\",\"message\":"
		  "\"The security token included in the request is invalid.\"}",
		  ERR_AUTH, "UnrecognizedClientException", NULL },
		{ "{\"__type\":\"x#InvalidSignatureException\",\"message\":"
		  "\"The request signature we calculated does not match\"}",
		  ERR_AUTH, "InvalidSignatureException", NULL },
		{ "{\"__type\":\"x#ExpiredTokenException\"}",
		  ERR_AUTH, "ExpiredTokenException",
		  "ExpiredTokenException (HTTP 400)" },
		{ "{\"__type\":\"x#MissingAuthenticationTokenException\"}",
		  ERR_AUTH, "MissingAuthenticationTokenException", NULL },
		{ "{\"__type\":\"x#ResourceNotFoundException\",\"message\":"
		  "\"Requested resource not found\"}",
		  ERR_NOT_FOUND, "ResourceNotFoundException", NULL },
		{ "{\"__type\":\"x#ValidationException\",\"message\":"
		  "\"Item size has exceeded the maximum allowed size\"}",
		  ERR_SERVICE, "ValidationException",
		  "ValidationException: Item size has exceeded the maximum "
		  "allowed size" },
		{ "{\"__type\":\"x#SerializationException:http://x\","
		  "\"message\":\"bad\\u0007bell\"}",
		  ERR_SERVICE, "SerializationException",
		  "SerializationException: bad bell" },
	};
	struct fake_reply s[1] = { { FAKE_ANSWER, 400, NULL, NULL, NULL } };
	struct buf out = BUF_INIT;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		s[0].body = cases[i].body;
		fh.calls = 0;
		cr_assert_eq(run(s, 1, &out, &e), -1);
		cr_assert_eq(e.code, cases[i].code, "case %zu: %s", i, e.msg);
		cr_assert_str_eq(e.aws_type, cases[i].type);
		if (cases[i].msg != NULL)
			cr_assert_str_eq(e.msg, cases[i].msg);
		cr_assert_eq(fh.calls, 1, "case %zu retried", i);
	}
	buf_cleanup(&out);
}

/* A proxy's HTML page: the status, the host, and the start of the page. */
Test(awsclient, html_502)
{
	static const struct fake_reply s[] = {
		{ FAKE_ANSWER, 502, "<html>\r\n<head><title>502 Bad Gateway"
		  "</title></head>\r\n<body>\n\t<center><h1>502 Bad Gateway"
		  "</h1></center>\r\n</body>\r\n</html>\r\n", NULL, NULL },
	};
	struct buf out = BUF_INIT, big = BUF_INIT;
	struct fake_reply sb[1] = { { FAKE_ANSWER, 502, NULL, NULL, NULL } };
	struct err e;
	int i;

	make_client("https://dynamodb.eu-west-1.amazonaws.com", 1);
	cr_assert_eq(RUN(s, &out, &e), -1);
	cr_assert_eq(e.code, ERR_SERVICE);
	cr_assert_eq(e.http_status, 502);
	cr_assert_str_eq(e.aws_type, "");
	cr_assert_str_eq(e.msg,
	    "HTTP 502 from dynamodb.eu-west-1.amazonaws.com: <html> "
	    "<head><title>502 Bad Gateway</title></head> <body> "
	    "<center><h1>502 Bad Gateway</h1></center> </body> </html>");

	/* Only the first 200 printable bytes are quoted. */
	for (i = 0; i < 100; i++)
		buf_adds(&big, "<p>abcdefgh</p>\n");
	sb[0].body = buf_cstr(&big);
	cr_assert_eq(run(sb, 1, &out, &e), -1);
	cr_assert_not_null(strstr(e.msg, "<p>abcdefgh</p>"));
	cr_assert_lt(strlen(e.msg), 200 + 100, "%s", e.msg);
	cr_assert_geq(strlen(e.msg), 200, "%s", e.msg);
	buf_cleanup(&big);
	buf_cleanup(&out);
}

/* A non-idempotent write is not replayed once it may have arrived. */
Test(awsclient, outcome_unknown)
{
	static const struct fake_reply s[] = {
		{ FAKE_SENT, 0, NULL, NULL, NULL },
		{ FAKE_ANSWER, 200, "{}", NULL, NULL },
	};
	static const struct fake_reply s500[] = {
		{ FAKE_ANSWER, 500, ise_body, NULL, NULL },
		{ FAKE_ANSWER, 200, "{}", NULL, NULL },
	};
	static const struct fake_reply unsent[] = {
		{ FAKE_NOT_SENT, 0, NULL, NULL, NULL },
		{ FAKE_ANSWER, 200, "{}", NULL, NULL },
	};
	struct buf out = BUF_INIT;
	struct err e;

	fh.script = s;
	fh.n = 2;
	cr_assert_eq(awsclient_call2(client, "UpdateItem", "{}", 2, false,
	    &out, &e), -1);
	cr_assert_eq(e.code, ERR_OUTCOME_UNKNOWN);
	cr_assert_not_null(strstr(e.msg, "may have been applied"), "%s",
	    e.msg);
	cr_assert_eq(fh.calls, 1);

	/* awsclient_call knows UpdateItem is not safe to replay. */
	fh.calls = 0;
	cr_assert_eq(awsclient_call(client, "UpdateItem", "{}", 2, &out, &e),
	    -1);
	cr_assert_eq(e.code, ERR_OUTCOME_UNKNOWN);
	cr_assert_eq(fh.calls, 1);

	/* An idempotent call is sent again. */
	fh.calls = 0;
	cr_assert_eq(awsclient_call2(client, "PutItem", "{}", 2, true, &out,
	    &e), 0, "%s", e.msg);
	cr_assert_eq(fh.calls, 2);

	/* A 500 may mean it was done, too. */
	fh.script = s500;
	fh.calls = 0;
	cr_assert_eq(awsclient_call2(client, "UpdateItem", "{}", 2, false,
	    &out, &e), -1);
	cr_assert_eq(e.code, ERR_OUTCOME_UNKNOWN);
	cr_assert_str_eq(e.aws_type, "InternalServerError");
	cr_assert_eq(fh.calls, 1);

	/* A request that never left is retried even when not idempotent. */
	fh.script = unsent;
	fh.calls = 0;
	cr_assert_eq(awsclient_call2(client, "UpdateItem", "{}", 2, false,
	    &out, &e), 0, "%s", e.msg);
	cr_assert_eq(fh.calls, 2);
	buf_cleanup(&out);
}

/* A conflict after a retry may be our own first write: unknown. */
Test(awsclient, conflict_after_replay)
{
	static const struct fake_reply s[] = {
		{ FAKE_SENT, 0, NULL, NULL, NULL },
		{ FAKE_ANSWER, 400, ccf_body, NULL, NULL },
	};
	struct buf out = BUF_INIT;
	struct err e;

	fh.script = s;
	fh.n = 2;
	cr_assert_eq(awsclient_call2(client, "PutItem", "{}", 2, true, &out,
	    &e), -1);
	cr_assert_eq(e.code, ERR_OUTCOME_UNKNOWN);
	cr_assert_str_eq(e.aws_type, "ConditionalCheckFailedException");
	cr_assert_eq(fh.calls, 2);
	buf_cleanup(&out);
}

/* Whether a failed BatchWriteItem (idempotent, so retried) may have been
 * carried out: a refusal says no; a 500, a timeout or a lost connection
 * after sending say maybe, and so does a refusal of a retry after one. */
Test(awsclient, applied_says_whether_a_failure_may_have_acted)
{
	static const char validation_body[] =
	    "{\"__type\":\"com.amazonaws.dynamodb.v20120810#"
	    "ValidationException\",\"message\":\"One or more parameter "
	    "values were invalid\"}";
	static const struct fake_reply refused[] = {
		{ FAKE_ANSWER, 400, validation_body, NULL, NULL },
	};
	static const struct fake_reply throttled[] = {
		{ FAKE_ANSWER, 400, throttle_body, NULL, NULL },
	};
	static const struct fake_reply unavailable[] = {
		{ FAKE_ANSWER, 503, "", NULL, NULL },
	};
	static const struct fake_reply not_sent[] = {
		{ FAKE_NOT_SENT, 0, NULL, NULL, NULL },
	};
	static const struct fake_reply ise[] = {
		{ FAKE_ANSWER, 500, ise_body, NULL, NULL },
	};
	static const struct fake_reply timeout[] = {
		{ FAKE_TIMEOUT, 0, NULL, NULL, NULL },
	};
	static const struct fake_reply reset[] = {
		{ FAKE_SENT, 0, NULL, NULL, NULL },
	};
	static const struct fake_reply ise_then_refused[] = {
		{ FAKE_ANSWER, 500, ise_body, NULL, NULL },
		{ FAKE_ANSWER, 400, validation_body, NULL, NULL },
	};
	static const struct {
		const struct fake_reply	*script;
		size_t			 n;
		enum err_code		 code;
		enum err_applied	 applied;
	} cases[] = {
		{ refused, 1, ERR_SERVICE, ERR_APPLIED_NO },
		{ throttled, 1, ERR_THROTTLED, ERR_APPLIED_NO },
		{ unavailable, 1, ERR_SERVICE, ERR_APPLIED_NO },
		{ not_sent, 1, ERR_NETWORK, ERR_APPLIED_NO },
		{ ise, 1, ERR_SERVICE, ERR_APPLIED_MAYBE },
		{ timeout, 1, ERR_NETWORK, ERR_APPLIED_MAYBE },
		{ reset, 1, ERR_NETWORK, ERR_APPLIED_MAYBE },
		{ ise_then_refused, 2, ERR_SERVICE, ERR_APPLIED_MAYBE },
	};
	struct buf out = BUF_INIT;
	struct err e;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		fh.script = cases[i].script;
		fh.n = cases[i].n;
		fh.calls = 0;
		cr_assert_eq(awsclient_call(client, "BatchWriteItem", "{}", 2,
		    &out, &e), -1, "case %zu", i);
		cr_assert_eq(e.code, cases[i].code, "case %zu: %s", i, e.msg);
		cr_assert_eq(e.applied, cases[i].applied, "case %zu: %s", i,
		    e.msg);
	}

	/* Nothing sent at all: a configuration error. */
	make_client("ftp://dynamodb.example", 0);
	cr_assert_eq(awsclient_call(client, "BatchWriteItem", "{}", 2, &out,
	    &e), -1);
	cr_assert_eq(e.applied, ERR_APPLIED_NO);
	buf_cleanup(&out);
}

/* A body that fails its CRC32 is retried; only the good body is kept. */
Test(awsclient, crc_mismatch_retried)
{
	static const struct fake_reply s[] = {
		{ FAKE_ANSWER, 200, "{\"Item\":{\"a\":{\"S\":\"x\"}}}", NULL,
		  "12345" },
		{ FAKE_ANSWER, 200, "{\"Item\":{\"a\":{\"S\":\"y\"}}}", NULL,
		  "auto" },
	};
	struct buf out = BUF_INIT;
	struct err e;

	cr_assert_eq(awsclient_crc32("123456789", 9), 0xcbf43926u);
	cr_assert_eq(awsclient_crc32("", 0), 0);
	cr_assert_eq(RUN(s, &out, &e), 0, "%s", e.msg);
	cr_assert_str_eq(buf_cstr(&out), "{\"Item\":{\"a\":{\"S\":\"y\"}}}");
	cr_assert_eq(fh.calls, 2);
	cr_assert_eq(fc.nsleeps, 1);

	/* For a write that cannot be replayed, a 200 with a bad CRC is an
	 * unknown outcome. */
	fh.calls = 0;
	fh.script = s;
	cr_assert_eq(awsclient_call2(client, "UpdateItem", "{}", 2, false,
	    &out, &e), -1);
	cr_assert_eq(e.code, ERR_OUTCOME_UNKNOWN);
	cr_assert_not_null(strstr(e.msg, "CRC32"), "%s", e.msg);
	buf_cleanup(&out);
}

/* What a test sink was given. */
struct test_sink {
	struct buf	 got;
	int		 begins;
};

static void
test_sink_begin(void *ctx)
{
	struct test_sink *ts = ctx;

	buf_reset(&ts->got);
	ts->begins++;
}

static void
test_sink_write(void *ctx, const char *p, size_t n)
{
	struct test_sink *ts = ctx;

	buf_add(&ts->got, p, n);
}

/* A streamed answer: a torn body and one that fails its CRC are thrown
 * away and asked for again; an error's body never reaches the sink;
 * what the sink holds at the end is the good body, whole. The same with
 * a transport that keeps bodies whole. */
Test(awsclient, streamed_answer_checked_and_restarted)
{
	static const char good[] = "{\"Items\":[{\"a\":{\"S\":\"y\"}}]}";
	static const struct fake_reply s[] = {
		{ FAKE_TORN, 200, "{\"Items\":[{\"a\":{\"S\":\"x\"}}]}",
		  NULL, "auto" },
		{ FAKE_ANSWER, 503, "{\"__type\":\"com.amazonaws.dynamodb."
		  "v20120810#ServiceUnavailable\",\"message\":\"down\"}",
		  NULL, "auto" },
		{ FAKE_ANSWER, 200, "{\"Items\":[{\"a\":{\"S\":\"z\"}}]}",
		  NULL, "12345" },
		{ FAKE_ANSWER, 200, good, NULL, "auto" },
	};
	struct test_sink ts = { BUF_INIT, 0 };
	const struct awsclient_sink sink = {
		test_sink_begin, test_sink_write, &ts
	};
	struct err e;
	int streamed;

	make_client("https://dynamodb.eu-west-1.amazonaws.com", 4);
	for (streamed = 1; streamed >= 0; streamed--) {
		fh.stream = streamed;
		fh.script = s;
		fh.n = sizeof s / sizeof s[0];
		fh.calls = 0;
		ts.begins = 0;
		cr_assert_eq(awsclient_call_sink(client, "Query", "{}", 2, true,
		    &sink, &e), 0, "%s", e.msg);
		cr_assert_str_eq(buf_cstr(&ts.got), good);
		cr_assert_eq(fh.calls, 4);
		cr_assert_eq(ts.begins, 4);
	}

	/* Out of attempts on a bad CRC: the CRC error, as for a kept body. */
	fh.stream = true;
	fh.script = s + 2;
	fh.n = 1;
	fh.calls = 0;
	cr_assert_eq(awsclient_call_sink(client, "Query", "{}", 2, true,
	    &sink, &e), -1);
	cr_assert_eq(e.code, ERR_NETWORK);
	cr_assert_not_null(strstr(e.msg, "CRC32"), "%s", e.msg);
	cr_assert_not_null(strstr(e.msg, "gave up after 4 attempts"), "%s",
	    e.msg);
	buf_cleanup(&ts.got);
}

/* "Signature expired": the skew comes from Date; the retry is signed at
 * the service's time. */
Test(awsclient, clock_skew_learned)
{
	static const struct fake_reply s[] = {
		{ FAKE_ANSWER, 400, "{\"__type\":\"com.amazon.coral.service#"
		  "InvalidSignatureException\",\"message\":\"Signature "
		  "expired: 20261125T071403Z is now earlier than "
		  "20261125T073403Z (20261125T074903Z - 15 min.)\"}",
		  "Wed, 25 Nov 2026 07:49:03 GMT", NULL },
		{ FAKE_ANSWER, 200, "{}", NULL, NULL },
	};
	struct buf out = BUF_INIT;
	struct err e;

	cr_assert_eq(RUN(s, &out, &e), 0, "%s", e.msg);
	cr_assert_eq(fh.calls, 2);
	cr_assert_eq(fc.nsleeps, 0);
	cr_assert_str_eq(fh.seen[0].amz_date, "20261125T071403Z");
	/* The answer came at 07:14:04 our time; 07:49:03 theirs. */
	cr_assert_eq(awsclient_clock_skew(client), 35 * 60 - 1);
	cr_assert_str_eq(fh.seen[1].amz_date, "20261125T074903Z");
	cr_assert(strstr(fh.seen[1].authorization, "/20261125/") != NULL);
	buf_cleanup(&out);
}

/* Skew errors without a Date, or twice, are authentication errors. */
Test(awsclient, clock_skew_fails)
{
	static const struct fake_reply nodate[] = {
		{ FAKE_ANSWER, 400, "{\"__type\":\"x#RequestTimeTooSkewed\"}",
		  NULL, NULL },
	};
	static const struct fake_reply twice[] = {
		{ FAKE_ANSWER, 400, "{\"__type\":\"x#RequestTimeTooSkewed\"}",
		  "Wed, 25 Nov 2026 07:49:03 GMT", NULL },
	};
	struct buf out = BUF_INIT;
	struct err e;

	cr_assert_eq(RUN(nodate, &out, &e), -1);
	cr_assert_eq(e.code, ERR_AUTH);
	cr_assert_not_null(strstr(e.msg, "clock"), "%s", e.msg);
	cr_assert_eq(fh.calls, 1);
	fh.calls = 0;
	cr_assert_eq(RUN(twice, &out, &e), -1);
	cr_assert_eq(e.code, ERR_AUTH);
	cr_assert_eq(fh.calls, 2);
	buf_cleanup(&out);
}

/* Every attempt is signed afresh at the clock's new time. */
Test(awsclient, every_attempt_resigned)
{
	static const struct fake_reply s[] = {
		{ FAKE_ANSWER, 500, ise_body, NULL, NULL },
		{ FAKE_TIMEOUT, 0, NULL, NULL, NULL },
		{ FAKE_ANSWER, 200, "{}", NULL, NULL },
	};
	struct buf out = BUF_INIT;
	struct err e;

	cr_assert_eq(RUN(s, &out, &e), 0, "%s", e.msg);
	cr_assert_eq(fh.calls, 3);
	cr_assert_str_eq(fh.seen[0].amz_date, "20261125T071403Z");
	cr_assert_str_eq(fh.seen[1].amz_date, "20261125T071404Z");
	cr_assert_str_eq(fh.seen[2].amz_date, "20261125T071405Z");
	cr_assert_str_neq(fh.seen[0].authorization, fh.seen[1].authorization);
	cr_assert_str_neq(fh.seen[1].authorization, fh.seen[2].authorization);
	buf_cleanup(&out);
}

/* Connection errors are retried and reported as network errors. */
Test(awsclient, network_gives_up)
{
	static const struct fake_reply s[] = {
		{ FAKE_NOT_SENT, 0, NULL, NULL, NULL },
	};
	struct buf out = BUF_INIT;
	struct err e;

	cr_assert_eq(RUN(s, &out, &e), -1);
	cr_assert_eq(e.code, ERR_NETWORK);
	cr_assert_eq(fh.calls, 3);
	cr_assert_not_null(strstr(e.msg, "Couldn't connect"), "%s", e.msg);
	buf_cleanup(&out);
}

/* A cancelled backoff stops the call. */
Test(awsclient, cancelled_sleep)
{
	static const struct fake_reply s[] = {
		{ FAKE_ANSWER, 503, "", NULL, NULL },
	};
	struct buf out = BUF_INIT;
	struct err e;

	fc.cancel = 1;
	cr_assert_eq(RUN(s, &out, &e), -1);
	cr_assert_eq(e.code, ERR_CANCELLED);
	cr_assert_eq(fh.calls, 1);
	buf_cleanup(&out);
}

/* The retry quota runs dry after 100 retries; a success refills it. */
Test(awsclient, retry_quota)
{
	static const struct fake_reply bad[] = {
		{ FAKE_ANSWER, 503, "", NULL, NULL },
	};
	static const struct fake_reply good[] = {
		{ FAKE_ANSWER, 200, "{}", NULL, NULL },
	};
	struct buf out = BUF_INIT;
	struct err e;
	int i;

	/* 50 calls of 2 retries at 5 tokens use up all 500. */
	for (i = 0; i < 50; i++)
		cr_assert_eq(RUN(bad, &out, &e), -1);
	cr_assert_eq(awsclient_stats(client)->retries, 100);
	fh.calls = 0;
	cr_assert_eq(RUN(bad, &out, &e), -1);
	cr_assert_eq(fh.calls, 1);
	cr_assert_not_null(strstr(e.msg, "retry quota"), "%s", e.msg);
	/* Five successes give back enough for one retry. */
	for (i = 0; i < 5; i++)
		cr_assert_eq(RUN(good, &out, &e), 0);
	fh.calls = 0;
	cr_assert_eq(RUN(bad, &out, &e), -1);
	cr_assert_eq(fh.calls, 2);
	buf_cleanup(&out);
}

/* Clients that share (the lanes of several requests in flight) empty one
 * retry quota between them. */
Test(awsclient, shared_retry_quota)
{
	static const struct fake_reply bad[] = {
		{ FAKE_ANSWER, 503, "", NULL, NULL },
	};
	struct awsclient_config cfg = {
		.endpoint = "https://dynamodb.eu-west-1.amazonaws.com",
		.region = "eu-west-1",
		.service = "dynamodb",
		.target_prefix = "DynamoDB_20120810",
	};
	struct awsclient *first = client, *lane;
	struct buf out = BUF_INIT;
	struct err e;
	int i;

	lane = awsclient_new(&cfg, &fake_http, creds, &fake_clock);
	awsclient_share(lane, first);
	for (i = 0; i < 50; i++)
		cr_assert_eq(RUN(bad, &out, &e), -1);
	/* The quota the first emptied is the lane's too. */
	client = lane;
	fh.calls = 0;
	cr_assert_eq(RUN(bad, &out, &e), -1);
	cr_assert_eq(fh.calls, 1);
	cr_assert_not_null(strstr(e.msg, "retry quota"), "%s", e.msg);
	client = first;
	awsclient_free(lane);
	buf_cleanup(&out);
}

/* The log names each attempt and never holds a secret. */
Test(awsclient, log_has_no_secrets)
{
	static const struct fake_reply s[] = {
		{ FAKE_ANSWER, 500, ise_body, NULL, NULL },
		{ FAKE_ANSWER, 400, ccf_body, NULL, NULL },
	};
	char path[] = "/tmp/test_awsclient_log.XXXXXX";
	struct buf out = BUF_INIT, text = BUF_INIT;
	char chunk[4096], sig[65];
	const char *p;
	struct err e;
	size_t n;
	FILE *f;
	int fd;

	fd = mkstemp(path);
	cr_assert_neq(fd, -1);
	close(fd);
	cr_assert_eq(log_open(path, &e), 0, "%s", e.msg);
	cr_assert_eq(RUN(s, &out, &e), -1);
	log_close();

	f = fopen(path, "r");
	cr_assert_not_null(f);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_add(&text, chunk, n);
	fclose(f);
	unlink(path);

	cr_assert_not_null(strstr(buf_cstr(&text), "GetItem attempt 1/3"),
	    "%s", buf_cstr(&text));
	cr_assert_not_null(strstr(buf_cstr(&text), "HTTP 500"));
	cr_assert_not_null(strstr(buf_cstr(&text),
	    "ConditionalCheckFailedException"));
	cr_assert_not_null(strstr(buf_cstr(&text), "awsclient_"));
	p = strstr(fh.seen[0].authorization, "Signature=");
	cr_assert_not_null(p);
	snprintf(sig, sizeof sig, "%s", p + 10);
	cr_assert_eq(strlen(sig), 64);
	cr_assert_null(strstr(buf_cstr(&text), sig));
	cr_assert_null(strstr(buf_cstr(&text), "AWS4-HMAC-SHA256"));
	cr_assert_null(strstr(buf_cstr(&text), "Authorization"));
	cr_assert_null(strstr(buf_cstr(&text), SECRET));
	cr_assert_null(strstr(buf_cstr(&text), TOKEN));
	cr_assert_null(strstr(buf_cstr(&text), "AKIDEXAMPLE"));
	buf_cleanup(&text);
	buf_cleanup(&out);
}
