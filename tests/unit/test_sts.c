/* SPDX-License-Identifier: ISC */
/* Tests of the STS client: requests, answers, errors, retries. */
#include "config.h"

#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "http.h"
#include "sts.h"
#include "xmalloc.h"

/* A fake transport with scripted answers, one after the other (the last
 * repeats); it records the last request. */
struct answer {
	long		 status;	/* 0: transport failure */
	bool		 permanent;
	const char	*body;
};

static struct {
	struct answer	 a[4];
	int		 na;
	int		 nreq;
	char		 url[256];
	struct buf	 headers;
	struct buf	 body;
} fk;

static int
fake_perform(void *ctx, const struct http_request *req,
    struct http_response *resp, struct err *err)
{
	const struct answer *a = &fk.a[fk.nreq < fk.na ? fk.nreq : fk.na - 1];
	size_t i;

	(void)ctx;
	http_response_reset(resp);
	fk.nreq++;
	snprintf(fk.url, sizeof fk.url, "%s", req->url);
	buf_reset(&fk.headers);
	for (i = 0; i < req->nheaders; i++)
		buf_printf(&fk.headers, "%s: %s\n", req->headers[i].name,
		    req->headers[i].value);
	buf_reset(&fk.body);
	buf_add(&fk.body, req->body, req->body_len);
	if (a->status == 0) {
		resp->permanent = a->permanent;
		return err_set(err, ERR_NETWORK, "sts.test: Couldn't connect");
	}
	resp->status = a->status;
	buf_adds(&resp->body, a->body);
	return 0;
}

static struct http_ops fake_http = { .perform = fake_perform };

/* A clock: a fixed now, sleeps recorded, not slept. */
static int64_t slept[8];
static int nslept;

static void
fake_now(void *ctx, struct timespec *ts)
{
	(void)ctx;
	ts->tv_sec = 1893456000 - 3600;
	ts->tv_nsec = 0;
}

static int
fake_sleep(void *ctx, int64_t ms)
{
	(void)ctx;
	if (nslept < 8)
		slept[nslept++] = ms;
	return 0;
}

static uint32_t
fake_random(void *ctx)
{
	(void)ctx;
	return 199;
}

static const struct clock_ops fake_clock = { .now = fake_now,
    .sleep_ms = fake_sleep, .random = fake_random };

static void
setup(void)
{
	memset(&fk, 0, sizeof fk);
	nslept = 0;
}

static void
teardown(void)
{
	buf_cleanup(&fk.headers);
	buf_cleanup(&fk.body);
}

/* Script the answers. */
static void
answers(int n, ...)
{
	va_list ap;
	int i;

	va_start(ap, n);
	for (i = 0; i < n; i++) {
		fk.a[i].status = va_arg(ap, long);
		fk.a[i].body = va_arg(ap, const char *);
	}
	va_end(ap);
	fk.na = n;
}

/* A header of the last request (a copy the caller frees), or NULL. */
static char *
header(const char *name)
{
	const char *p = buf_cstr(&fk.headers), *eol;
	size_t n = strlen(name);

	for (; *p != '\0'; p = eol + 1) {
		eol = strchr(p, '\n');
		if (strncasecmp(p, name, n) == 0 && p[n] == ':')
			return xstrndup(p + n + 2, (size_t)(eol - p - n - 2));
	}
	return NULL;
}

static const struct sts_config cfg = {
	.endpoint = "https://sts.eu-west-1.amazonaws.com",
	.region = "eu-west-1",
	.http = &fake_http,
	.clock = &fake_clock,
};

static const struct creds source = {
	.access_key_id = (char *)"AKIDSOURCE",
	.secret_access_key = (char *)"sourcesecret",
	.session_token = (char *)"sourcetoken",
};

#define CREDS_XML(action, exp)						\
	"<" action "Response xmlns=\"https://sts.amazonaws.com/doc/"	\
	"2011-06-15/\">\n <" action "Result>\n  <Credentials>\n"	\
	"   <AccessKeyId>ASIANEW</AccessKeyId>\n"			\
	"   <SecretAccessKey>new/secret+x</SecretAccessKey>\n"		\
	"   <SessionToken>newtoken&amp;more</SessionToken>\n"		\
	"   <Expiration>" exp "</Expiration>\n  </Credentials>\n"	\
	" </" action "Result>\n</" action "Response>\n"

/* Assert that no secret is in a message. */
static void
assert_no_secret(const char *msg)
{
	static const char *const secrets[] = { "sourcesecret", "sourcetoken",
	    "new/secret", "newtoken", "eyJ" };
	size_t i;

	for (i = 0; i < sizeof secrets / sizeof secrets[0]; i++)
		cr_assert_null(strstr(msg, secrets[i]), "secret in: %s", msg);
}

TestSuite(sts, .init = setup, .fini = teardown);

Test(sts, assume_role)
{
	struct sts_role r = {
		.role_arn = "arn:aws:iam::123456789012:role/a b",
		.role_session_name = "me@example.com",
		.external_id = "x=y&z",
		.serial_number = "arn:aws:iam::123456789012:mfa/me",
		.token_code = "012345",
		.duration_seconds = 3600,
	};
	static const char want_auth[] = "AWS4-HMAC-SHA256 Credential="
	    "AKIDSOURCE/20291231/eu-west-1/sts/aws4_request, SignedHeaders="
	    "content-type;host;x-amz-date;x-amz-security-token, Signature=";
	struct creds out;
	struct err err;
	char *h;

	answers(1, 200L, CREDS_XML("AssumeRole", "2030-01-01T00:00:00Z"));
	cr_assert_eq(sts_assume_role(&cfg, &source, &r, &out, &err), 0, "%s",
	    err.msg);
	cr_assert_str_eq(out.access_key_id, "ASIANEW");
	cr_assert_str_eq(out.secret_access_key, "new/secret+x");
	cr_assert_str_eq(out.session_token, "newtoken&more");
	cr_assert_eq(out.expiration, 1893456000);
	cr_assert_str_eq(out.source, "assume-role");
	creds_cleanup(&out);

	cr_assert_str_eq(fk.url, "https://sts.eu-west-1.amazonaws.com");
	cr_assert_str_eq(buf_cstr(&fk.body), "Action=AssumeRole&"
	    "Version=2011-06-15&"
	    "RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fa%20b&"
	    "RoleSessionName=me%40example.com&DurationSeconds=3600&"
	    "ExternalId=x%3Dy%26z&"
	    "SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Fme&"
	    "TokenCode=012345");
	h = header("Host");
	cr_assert_str_eq(h, "sts.eu-west-1.amazonaws.com");
	free(h);
	h = header("X-Amz-Security-Token");
	cr_assert_str_eq(h, "sourcetoken");
	free(h);
	h = header("X-Amz-Date");
	cr_assert_str_eq(h, "20291231T230000Z");
	free(h);
	h = header("Authorization");
	cr_assert(strncmp(h, want_auth, strlen(want_auth)) == 0, "%s", h);
	cr_assert_eq(strlen(h), strlen(want_auth) + 64, "%s", h);
	free(h);
}

Test(sts, web_identity_is_unsigned)
{
	struct sts_role r = {
		.role_arn = "arn:aws:iam::1:role/ci",
		.role_session_name = "gh-1",
	};
	struct creds out;
	struct err err;
	char *h;

	answers(1, 200L, CREDS_XML("AssumeRoleWithWebIdentity",
	    "2030-01-01T00:00:00+00:00"));
	cr_assert_eq(sts_assume_role_with_web_identity(&cfg, &r,
	    "eyJhbGciOi.J9+/=", &out, &err), 0, "%s", err.msg);
	cr_assert_str_eq(out.source, "assume-role-with-web-identity");
	cr_assert_eq(out.expiration, 1893456000);
	creds_cleanup(&out);
	cr_assert_str_eq(buf_cstr(&fk.body), "Action="
	    "AssumeRoleWithWebIdentity&Version=2011-06-15&"
	    "RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fci&RoleSessionName=gh-1&"
	    "WebIdentityToken=eyJhbGciOi.J9%2B%2F%3D");
	h = header("Authorization");
	cr_assert_null(h);
	h = header("X-Amz-Date");
	cr_assert_null(h);
	h = header("Content-Type");
	cr_assert_str_eq(h, "application/x-www-form-urlencoded; charset=utf-8");
	free(h);

	/* its errors never repeat the token */
	answers(1, 400L, "<ErrorResponse><Error><Type>Sender</Type>"
	    "<Code>ExpiredTokenException</Code><Message>Token expired: "
	    "current date/time 1 must be before the expiration date/time 0"
	    "</Message></Error></ErrorResponse>");
	cr_assert_eq(sts_assume_role_with_web_identity(&cfg, &r,
	    "eyJhbGciOi.J9+/=", &out, &err), -1);
	cr_assert_eq(err.code, ERR_AUTH);
	cr_assert_str_eq(err.aws_type, "ExpiredTokenException");
	cr_assert_eq(err.http_status, 400);
	cr_assert_str_eq(err.msg, "STS AssumeRoleWithWebIdentity of "
	    "arn:aws:iam::1:role/ci at sts.eu-west-1.amazonaws.com: HTTP 400 "
	    "ExpiredTokenException: Token expired: current date/time 1 must "
	    "be before the expiration date/time 0");
	assert_no_secret(err.msg);
}

Test(sts, get_caller_identity)
{
	struct sts_identity id;
	struct creds plain = {
		.access_key_id = (char *)"AKIDPLAIN",
		.secret_access_key = (char *)"sourcesecret",
	};
	struct err err;
	char *h;

	answers(1, 200L, "<GetCallerIdentityResponse xmlns=\"https://sts."
	    "amazonaws.com/doc/2011-06-15/\">\n<GetCallerIdentityResult>\n"
	    "<Arn>arn:aws:sts::123456789012:assumed-role/dev/alice</Arn>\n"
	    "<UserId>AROAEXAMPLE:alice</UserId>\n"
	    "<Account>123456789012</Account>\n</GetCallerIdentityResult>\n"
	    "<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>\n"
	    "</GetCallerIdentityResponse>\n");
	cr_assert_eq(sts_get_caller_identity(&cfg, &plain, &id, &err), 0, "%s",
	    err.msg);
	cr_assert_str_eq(id.account, "123456789012");
	cr_assert_str_eq(id.arn,
	    "arn:aws:sts::123456789012:assumed-role/dev/alice");
	cr_assert_str_eq(id.user_id, "AROAEXAMPLE:alice");
	sts_identity_cleanup(&id);
	cr_assert_null(id.account);
	sts_identity_cleanup(NULL);
	cr_assert_str_eq(buf_cstr(&fk.body),
	    "Action=GetCallerIdentity&Version=2011-06-15");
	h = header("X-Amz-Security-Token");
	cr_assert_null(h);
	h = header("Authorization");
	cr_assert(strstr(h, "Credential=AKIDPLAIN/20291231/eu-west-1/sts/"
	    "aws4_request, SignedHeaders=content-type;host;x-amz-date, ")
	    != NULL, "%s", h);
	free(h);

	answers(1, 200L, "<GetCallerIdentityResponse><GetCallerIdentityResult>"
	    "<Arn>x</Arn></GetCallerIdentityResult>"
	    "</GetCallerIdentityResponse>");
	cr_assert_eq(sts_get_caller_identity(&cfg, &plain, &id, &err), -1);
	cr_assert_eq(err.code, ERR_SERVICE);
	cr_assert_str_eq(err.msg, "STS GetCallerIdentity at "
	    "sts.eu-west-1.amazonaws.com: the answer lacks Account or Arn");
}

Test(sts, error_codes)
{
	static const struct {
		long status;
		const char *code;
		enum err_code want;
	} cases[] = {
		{ 403, "AccessDenied", ERR_ACCESS_DENIED },
		{ 403, "InvalidClientTokenId", ERR_AUTH },
		{ 403, "SignatureDoesNotMatch", ERR_AUTH },
		{ 400, "ExpiredToken", ERR_AUTH },
		{ 403, "RegionDisabledException", ERR_AUTH },
		{ 400, "MalformedPolicyDocument", ERR_SERVICE },
		{ 400, "ValidationError", ERR_SERVICE },
		{ 403, "SomethingNew", ERR_AUTH },
		{ 400, "Throttling", ERR_THROTTLED },
	};
	struct sts_role r = { .role_arn = "arn:aws:iam::1:role/R",
	    .role_session_name = "s" };
	char body[256], *want;
	struct creds out;
	struct err err;
	size_t i;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		snprintf(body, sizeof body, "<ErrorResponse><Error><Type>Sender"
		    "</Type><Code>%s</Code><Message>it &lt;failed&gt;\n"
		    "badly</Message></Error></ErrorResponse>", cases[i].code);
		answers(1, cases[i].status, body);
		fk.nreq = 0;
		cr_assert_eq(sts_assume_role(&cfg, &source, &r, &out, &err),
		    -1);
		cr_assert_eq(err.code, cases[i].want, "%s", cases[i].code);
		cr_assert_str_eq(err.aws_type, cases[i].code);
		cr_assert_eq(err.http_status, cases[i].status);
		want = xasprintf("STS AssumeRole of arn:aws:iam::1:role/R at "
		    "sts.eu-west-1.amazonaws.com: HTTP %ld %s: it <failed> "
		    "badly", cases[i].status, cases[i].code);
		cr_assert_str_eq(err.msg, want);
		free(want);
		/* only throttling is tried again */
		cr_assert_eq(fk.nreq, strcmp(cases[i].code, "Throttling") == 0 ?
		    3 : 1, "%s", cases[i].code);
		cr_assert_null(out.access_key_id);
	}
}

Test(sts, retries_with_backoff)
{
	struct sts_role r = { .role_arn = "arn:aws:iam::1:role/R",
	    .role_session_name = "s" };
	struct creds out;
	struct err err;

	/* a 500 and a dropped connection, then the answer */
	answers(3, 500L, "<ErrorResponse><Error><Code>InternalFailure</Code>"
	    "</Error></ErrorResponse>", 0L, NULL, 200L,
	    CREDS_XML("AssumeRole", "2030-01-01T00:00:00Z"));
	cr_assert_eq(sts_assume_role(&cfg, &source, &r, &out, &err), 0, "%s",
	    err.msg);
	creds_cleanup(&out);
	cr_assert_eq(fk.nreq, 3);
	cr_assert_eq(nslept, 2);
	/* full jitter under 100 ms, then 200 ms */
	cr_assert_eq(slept[0], 99);
	cr_assert_eq(slept[1], 199);

	/* a proxy's HTML page: status and the start of it */
	fk.nreq = 0;
	answers(1, 502L, "<html><body>Bad gateway\nfrom the corporate proxy"
	    "</body></html>");
	cr_assert_eq(sts_assume_role(&cfg, &source, &r, &out, &err), -1);
	cr_assert_eq(err.code, ERR_SERVICE);
	cr_assert_eq(fk.nreq, 3);
	cr_assert_str_eq(err.msg, "STS AssumeRole of arn:aws:iam::1:role/R at "
	    "sts.eu-west-1.amazonaws.com: HTTP 502: <html><body>Bad gateway "
	    "from the corporate proxy</body></html>");

	/* a certificate problem is not tried again */
	fk.nreq = 0;
	answers(1, 0L, NULL);
	fk.a[0].permanent = true;
	cr_assert_eq(sts_assume_role(&cfg, &source, &r, &out, &err), -1);
	cr_assert_eq(err.code, ERR_NETWORK);
	cr_assert_eq(fk.nreq, 1);
	cr_assert_str_eq(err.msg, "STS AssumeRole of arn:aws:iam::1:role/R: "
	    "sts.test: Couldn't connect");
}

Test(sts, malformed_answers)
{
	static const struct {
		const char *body;
		const char *msg;
	} cases[] = {
		{ "<AssumeRoleResponse><AssumeRoleResult></AssumeRoleResult>"
		  "</AssumeRoleResponse>", "the answer holds no Credentials" },
		{ "<x><Credentials><AccessKeyId>A</AccessKeyId>"
		  "<SecretAccessKey>new/secret</SecretAccessKey>"
		  "<Expiration>2030-01-01T00:00:00Z</Expiration>"
		  "</Credentials></x>",
		  "the answer's Credentials lack SessionToken" },
		{ "<x><Credentials><AccessKeyId></AccessKeyId>"
		  "<SecretAccessKey>new/secret</SecretAccessKey>"
		  "</Credentials></x>",
		  "the answer's Credentials lack AccessKeyId" },
		{ "<x><Credentials><AccessKeyId>A</AccessKeyId>"
		  "<SecretAccessKey>new/secret</SecretAccessKey>"
		  "<SessionToken>newtoken</SessionToken>"
		  "<Expiration>tomorrow</Expiration></Credentials></x>",
		  "the answer's Expiration is missing or not an ISO-8601 "
		  "time" },
		{ CREDS_XML("AssumeRole", "2029-12-31T22:59:59Z"),
		  "the credentials it returned expired at "
		  "2029-12-31T22:59:59Z" },
		{ "not xml at all, new/secret", "the answer holds no "
		  "Credentials" },
	};
	struct sts_role r = { .role_arn = "arn:aws:iam::1:role/R",
	    .role_session_name = "s" };
	struct creds out;
	struct err err;
	size_t i;
	char *want;

	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		answers(1, 200L, cases[i].body);
		cr_assert_eq(sts_assume_role(&cfg, &source, &r, &out, &err),
		    -1, "%zu", i);
		cr_assert_eq(err.code, ERR_AUTH);
		want = xasprintf("STS AssumeRole of arn:aws:iam::1:role/R at "
		    "sts.eu-west-1.amazonaws.com: %s", cases[i].msg);
		cr_assert_str_eq(err.msg, want);
		free(want);
		assert_no_secret(err.msg);
	}
}

Test(sts, endpoints)
{
	struct sts_config c = cfg;
	struct sts_role r = { .role_arn = "arn:aws:iam::1:role/R",
	    .role_session_name = "s" };
	struct creds out;
	struct err err;
	char *h;

	answers(1, 200L, CREDS_XML("AssumeRole", "2030-01-01T00:00:00Z"));
	c.endpoint = "https://sts.example.com:443/sts/";
	cr_assert_eq(sts_assume_role(&c, &source, &r, &out, &err), 0, "%s",
	    err.msg);
	creds_cleanup(&out);
	h = header("Host");
	cr_assert_str_eq(h, "sts.example.com");
	free(h);
	c.endpoint = "http://127.0.0.1:4566";
	cr_assert_eq(sts_assume_role(&c, &source, &r, &out, &err), 0, "%s",
	    err.msg);
	creds_cleanup(&out);
	h = header("Host");
	cr_assert_str_eq(h, "127.0.0.1:4566");
	free(h);
	c.endpoint = "ftp://sts.example.com";
	cr_assert_eq(sts_assume_role(&c, &source, &r, &out, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
	c.endpoint = "https://user@sts.example.com";
	cr_assert_eq(sts_assume_role(&c, &source, &r, &out, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
	c.endpoint = "https://sts.example.com/?x=1";
	cr_assert_eq(sts_assume_role(&c, &source, &r, &out, &err), -1);
	cr_assert_eq(err.code, ERR_CONFIG);
}

Test(sts, xml_text)
{
	static const char doc[] = "<A xmlns=\"u\"><Bee>1</Bee><B>x &amp; "
	    "&lt;y&gt; &quot;&apos; &#65;&#x42; &bogus;</B><C/><D attr=\"1\">"
	    "d</D><E>open";
	char *v;

	v = sts_xml_text(doc, strlen(doc), "B");
	cr_assert_str_eq(v, "x & <y> \"' AB &bogus;");
	free(v);
	v = sts_xml_text(doc, strlen(doc), "Bee");
	cr_assert_str_eq(v, "1");
	free(v);
	v = sts_xml_text(doc, strlen(doc), "D");
	cr_assert_str_eq(v, "d");
	free(v);
	cr_assert_null(sts_xml_text(doc, strlen(doc), "C"));
	cr_assert_null(sts_xml_text(doc, strlen(doc), "E"));
	cr_assert_null(sts_xml_text(doc, strlen(doc), "Z"));
	cr_assert_null(sts_xml_text(NULL, 0, "A"));
	/* the length bounds the search */
	cr_assert_null(sts_xml_text(doc, 20, "B"));
}
