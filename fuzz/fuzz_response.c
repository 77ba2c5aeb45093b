/* SPDX-License-Identifier: ISC */
/* Fuzz HTTP answers: store_dynamodb_parse for every operation, and
 * awsclient's handling of any status, headers and body. */
#include "config.h"

#include "fuzz.h"

#include <stdbool.h>
#include <string.h>

#include "awsclient.h"
#include "buf.h"
#include "clock.h"
#include "creds.h"
#include "err.h"
#include "http.h"
#include "request.h"
#include "store_dynamodb.h"

/* The answer the fake transport gives. */
struct fuzz_answer {
	long		 status;
	int		 fail;		/* transport error after sending */
	const char	*date;
	char		 crc[16];
	const char	*body;
	size_t		 len;
	bool		 update;	/* UpdateItem: not replayed */
	int		 calls;
};

/* http_ops.perform: the fuzzer's answer, every time. */
static int
fuzz_response_perform(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *e)
{
	struct fuzz_answer *a = ctx;

	(void)req;
	a->calls++;
	http_response_reset(resp);
	if (a->fail) {
		resp->request_sent = true;
		return err_set(e, ERR_NETWORK, "fuzz: connection reset");
	}
	resp->status = a->status;
	buf_add(&resp->body, a->body, a->len);
	if (a->date != NULL)
		resp->date = strdup(a->date);
	if (a->crc[0] != '\0')
		resp->crc32 = strdup(a->crc);
	return 0;
}

static void
fuzz_response_now(void *ctx, struct timespec *ts)
{
	(void)ctx;
	ts->tv_sec = 1795600000;
	ts->tv_nsec = 0;
}

static int64_t
fuzz_response_mono(void *ctx)
{
	(void)ctx;
	return 0;
}

/* Retries wait no time at all here. */
static int
fuzz_response_sleep(void *ctx, int64_t ms)
{
	(void)ctx;
	(void)ms;
	return 0;
}

static uint32_t
fuzz_response_random(void *ctx)
{
	(void)ctx;
	return 0x9e3779b9u;
}

static const struct clock_ops fuzz_response_clock = {
	fuzz_response_now, fuzz_response_mono, fuzz_response_sleep,
	fuzz_response_random, NULL
};

/* Test credentials, from a fake environment. */
static const char *
fuzz_response_getenv(void *ctx, const char *name)
{
	(void)ctx;
	if (strcmp(name, "AWS_ACCESS_KEY_ID") == 0)
		return "AKIDFUZZ";
	if (strcmp(name, "AWS_SECRET_ACCESS_KEY") == 0)
		return "fuzz-secret-key";
	if (strcmp(name, "AWS_SESSION_TOKEN") == 0)
		return "fuzz-session-token";
	return NULL;
}

static const long fuzz_response_statuses[] = {
	200, 200, 200, 400, 400, 403, 413, 429, 500, 502, 503, 504, 301, 0
};

static const char *const fuzz_response_dates[] = {
	NULL, "Wed, 25 Nov 2026 09:14:03 GMT", "Thu, 01 Jan 1970 00:00:00 GMT",
	"Mon, 31 Dec 9999 23:59:59 GMT", "garbage", ""
};

/* Send one call through a client whose transport answers with a. */
static void
fuzz_response_call(struct fuzz_answer *a, int attempts)
{
	struct http_ops ops = { fuzz_response_perform, NULL, a };
	struct awsclient_config cfg;
	struct creds_provider *cp;
	struct awsclient *c;
	struct buf out = BUF_INIT;
	struct err e;
	int rc;

	memset(&cfg, 0, sizeof cfg);
	cfg.endpoint = "http://127.0.0.1:1";
	cfg.region = "us-east-1";
	cfg.max_attempts = attempts;
	cp = creds_provider_new(NULL, fuzz_response_getenv, NULL);
	c = awsclient_new(&cfg, &ops, cp, &fuzz_response_clock);
	rc = awsclient_call(c, a->update ? "UpdateItem" : "Query", "{}", 2,
	    &out, &e);
	if (rc == -1) {
		if (e.msg[0] == '\0')
			fuzz_fail("a failed call without a message", NULL);
		/* Nothing of the credentials may reach a message, unless
		 * the answer itself holds them (a message may quote it). */
		if ((strstr(e.msg, "fuzz-secret-key") != NULL &&
		    memmem(a->body, a->len, "fuzz-secret-key", 15) == NULL) ||
		    (strstr(e.msg, "fuzz-session-token") != NULL &&
		    memmem(a->body, a->len, "fuzz-session-token", 18) == NULL))
			fuzz_fail("a secret in an error message", e.msg);
	} else if (out.len != a->len)
		fuzz_fail("a successful call lost body bytes", NULL);
	if (a->calls > attempts)
		fuzz_fail("more requests than attempts", NULL);
	awsclient_free(c);
	creds_provider_free(cp);
	buf_cleanup(&out);
}

/*
 * Input: byte 0 picks the operation to parse for, byte 1 the status,
 * byte 2 the Date header and whether the CRC is right, wrong or absent;
 * the rest is the body.
 */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t len)
{
	struct fuzz_answer a;
	struct response rs;
	struct err e;
	enum request_op op;
	size_t nstat = sizeof fuzz_response_statuses /
	    sizeof fuzz_response_statuses[0];
	size_t ndate = sizeof fuzz_response_dates /
	    sizeof fuzz_response_dates[0];

	if (len < 3)
		return 0;
	op = (enum request_op)(data[0] % OP_COUNT);
	memset(&a, 0, sizeof a);
	a.body = (const char *)data + 3;
	a.len = len - 3;

	response_init(&rs);
	if (store_dynamodb_parse(op, "t", a.body, a.len, &rs, &e) == -1 &&
	    (e.code != ERR_SERVICE || e.msg[0] == '\0'))
		fuzz_fail("a malformed answer not reported as ERR_SERVICE",
		    e.msg);
	response_cleanup(&rs);

	a.status = fuzz_response_statuses[data[1] % nstat];
	a.fail = a.status == 0;
	a.update = (data[1] / nstat) % 2 == 1;
	a.date = fuzz_response_dates[(data[2] >> 2) % ndate];
	switch (data[2] & 3) {
	case 0:
		break;
	case 1:
		snprintf(a.crc, sizeof a.crc, "%lu", (unsigned long)
		    awsclient_crc32(a.body, a.len));
		break;
	case 2:
		snprintf(a.crc, sizeof a.crc, "%lu", (unsigned long)
		    (awsclient_crc32(a.body, a.len) ^ 1u));
		break;
	default:
		snprintf(a.crc, sizeof a.crc, "x%u", data[2]);
		break;
	}
	fuzz_response_call(&a, 1 + data[1] % 3);
	return 0;
}
