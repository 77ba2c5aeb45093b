/* SPDX-License-Identifier: ISC */
/* AWS STS over its Query protocol: assume a role, or ask who we are. */
#include "config.h"

#include "sts.h"

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "log.h"
#include "sigv4.h"
#include "xmalloc.h"

#define STS_VERSION		"2011-06-15"
#define STS_CONTENT_TYPE \
	"application/x-www-form-urlencoded; charset=utf-8"
/* Bytes of an error answer that is not STS's XML kept for the message. */
#define STS_QUOTE_MAX		200

/* One request: its form body, whom it is for, how it is signed. */
struct sts_call {
	const struct sts_config	*cfg;
	const char		*action;
	const char		*what;		/* for messages */
	const struct creds	*creds;		/* NULL: unsigned */
	struct buf		 body;		/* may hold a token */
	char			 host[256];	/* the Host header */
	char			*path;
};

void
sts_identity_cleanup(struct sts_identity *id)
{
	if (id == NULL)
		return;
	free(id->account);
	free(id->arn);
	free(id->user_id);
	memset(id, 0, sizeof *id);
}

/* Append name=value, form-encoded, to the body. */
static void
sts_param(struct buf *b, const char *name, const char *value)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p;

	if (value == NULL)
		return;
	buf_printf(b, "&%s=", name);
	for (p = (const unsigned char *)value; *p != '\0'; p++) {
		if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
		    (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' ||
		    *p == '.' || *p == '~')
			buf_addc(b, (char)*p);
		else {
			buf_addc(b, '%');
			buf_addc(b, hex[*p >> 4]);
			buf_addc(b, hex[*p & 15]);
		}
	}
}

/* Split the endpoint into the Host header and the path. */
static int
sts_parse_endpoint(struct sts_call *c, struct err *err)
{
	const char *url = c->cfg->endpoint, *auth, *end, *port;
	size_t hostlen, plen;
	bool https;

	if (url == NULL)
		return err_set(err, ERR_CONFIG, "STS: no endpoint");
	if (strncasecmp(url, "https://", 8) == 0) {
		https = true;
		auth = url + 8;
	} else if (strncasecmp(url, "http://", 7) == 0) {
		https = false;
		auth = url + 7;
	} else
		return err_set(err, ERR_CONFIG, "STS endpoint %.200s: not an "
		    "http:// or https:// URL", url);
	end = auth + strcspn(auth, "/?#");
	hostlen = (size_t)(end - auth);
	if (hostlen == 0 || hostlen >= sizeof c->host ||
	    memchr(auth, '@', hostlen) != NULL || strpbrk(end, "?#") != NULL)
		return err_set(err, ERR_CONFIG, "STS endpoint %.200s: a URL "
		    "with a host, no user name, no query is needed", url);
	port = NULL;
	if (*auth == '[') {
		const char *rb = memchr(auth, ']', hostlen);

		if (rb != NULL && rb + 1 < end && rb[1] == ':')
			port = rb + 1;
	} else
		port = memchr(auth, ':', hostlen);
	/* the default port is left out of Host, as the SDKs do */
	if (port != NULL) {
		plen = (size_t)(end - port);
		if ((https && plen == 4 && strncmp(port, ":443", 4) == 0) ||
		    (!https && plen == 3 && strncmp(port, ":80", 3) == 0))
			hostlen = (size_t)(port - auth);
	}
	memcpy(c->host, auth, hostlen);
	c->host[hostlen] = '\0';
	c->path = xstrdup(*end == '/' ? end : "/");
	return 0;
}

/* Decode XML entities in s[0..n) into a new string. */
static char *
sts_xml_decode(const char *s, size_t n)
{
	static const struct {
		const char *name;
		char c;
	} ents[] = { { "amp;", '&' }, { "lt;", '<' }, { "gt;", '>' },
	    { "quot;", '"' }, { "apos;", '\'' } };
	struct buf b = BUF_INIT;
	size_t i, k, len;
	unsigned long cp;
	char *end;

	buf_reserve(&b, n + 1);
	for (i = 0; i < n; i++) {
		if (s[i] != '&') {
			buf_addc(&b, s[i]);
			continue;
		}
		for (k = 0; k < sizeof ents / sizeof ents[0]; k++) {
			len = strlen(ents[k].name);
			if (n - i - 1 >= len &&
			    strncmp(s + i + 1, ents[k].name, len) == 0)
				break;
		}
		if (k < sizeof ents / sizeof ents[0]) {
			buf_addc(&b, ents[k].c);
			i += strlen(ents[k].name);
			continue;
		}
		if (i + 2 < n && s[i + 1] == '#') {
			cp = s[i + 2] == 'x' ? strtoul(s + i + 3, &end, 16) :
			    strtoul(s + i + 2, &end, 10);
			if (end < s + n && *end == ';' && cp > 0 && cp < 0x80) {
				buf_addc(&b, (char)cp);
				i = (size_t)(end - s);
				continue;
			}
		}
		buf_addc(&b, '&');
	}
	/* a reserved but empty buf holds no terminator yet */
	buf_adds(&b, "");
	return buf_detach(&b, NULL);
}

char *
sts_xml_text(const char *xml, size_t len, const char *name)
{
	size_t nlen = strlen(name), i;
	const char *p, *end = xml + len, *close;
	char *want;

	if (xml == NULL)
		return NULL;
	want = xasprintf("</%s>", name);
	for (p = xml; p + nlen + 2 <= end; p++) {
		if (p[0] != '<' || strncmp(p + 1, name, nlen) != 0)
			continue;
		i = nlen + 1;
		/* <Name> or <Name attr="..."> */
		if (p[i] != '>' && p[i] != ' ' && p[i] != '\t' &&
		    p[i] != '\r' && p[i] != '\n')
			continue;
		p = memchr(p + i, '>', (size_t)(end - p - i));
		if (p == NULL || p[-1] == '/')
			break;
		p++;
		close = memmem(p, (size_t)(end - p), want, strlen(want));
		if (close == NULL)
			break;
		free(want);
		return sts_xml_decode(p, (size_t)(close - p));
	}
	free(want);
	return NULL;
}

/* The element's body (between its tags) as a range, for nested lookups;
 * false when absent. */
static bool
sts_xml_range(const char *xml, size_t len, const char *name,
    const char **start, size_t *n)
{
	char *open = xasprintf("<%s>", name), *close = xasprintf("</%s>",
	    name);
	const char *a, *b;
	bool ok = false;

	a = memmem(xml, len, open, strlen(open));
	if (a != NULL) {
		a += strlen(open);
		b = memmem(a, len - (size_t)(a - xml), close, strlen(close));
		if (b != NULL) {
			*start = a;
			*n = (size_t)(b - a);
			ok = true;
		}
	}
	free(open);
	free(close);
	return ok;
}

/* Printable text of an answer for a message: control characters become
 * spaces, at most max bytes. */
static void
sts_quote(struct buf *out, const char *s, size_t n, size_t max)
{
	size_t i;

	for (i = 0; i < n && i < max; i++)
		buf_addc(out, (unsigned char)s[i] < 0x20 || s[i] == 0x7f ?
		    ' ' : s[i]);
	if (n > max)
		buf_adds(out, "...");
}

/* Whether an STS error code is worth another attempt. */
static bool
sts_retryable_code(const char *code)
{
	static const char *const codes[] = { "Throttling",
	    "ThrottlingException", "RequestLimitExceeded",
	    "IDPCommunicationError", "InternalFailure", "ServiceUnavailable",
	    "RequestTimeout", "RequestTimeoutException",
	    "PriorRequestNotComplete" };
	size_t i;

	for (i = 0; i < sizeof codes / sizeof codes[0]; i++)
		if (strcmp(code, codes[i]) == 0)
			return true;
	return false;
}

/* The err code for an STS error code. */
static enum err_code
sts_err_code(const char *code, long status)
{
	static const char *const auth[] = { "InvalidClientTokenId",
	    "SignatureDoesNotMatch", "ExpiredToken", "ExpiredTokenException",
	    "InvalidIdentityToken", "IncompleteSignature",
	    "MissingAuthenticationToken", "UnrecognizedClientException",
	    "InvalidAccessKeyId", "RegionDisabledException" };
	size_t i;

	if (strcmp(code, "AccessDenied") == 0 ||
	    strcmp(code, "AccessDeniedException") == 0)
		return ERR_ACCESS_DENIED;
	for (i = 0; i < sizeof auth / sizeof auth[0]; i++)
		if (strcmp(code, auth[i]) == 0)
			return ERR_AUTH;
	if (sts_retryable_code(code) && strstr(code, "Throttl") != NULL)
		return ERR_THROTTLED;
	if (status == 401 || status == 403)
		return ERR_AUTH;
	return ERR_SERVICE;
}

/* Turn an error answer into err; *retry says whether to try again. */
static void
sts_answer_error(struct sts_call *c, const struct http_response *resp,
    bool *retry, struct err *err)
{
	char *code, *msg;
	struct buf q = BUF_INIT;
	enum err_code ec;

	code = sts_xml_text(resp->body.data, resp->body.len, "Code");
	msg = sts_xml_text(resp->body.data, resp->body.len, "Message");
	*retry = resp->status >= 500 ||
	    (code != NULL && sts_retryable_code(code));
	if (code != NULL) {
		if (msg != NULL)
			sts_quote(&q, msg, strlen(msg), 400);
		ec = sts_err_code(code, resp->status);
		err_set(err, ec, "STS %s at %s: HTTP %ld %.100s%s%s", c->what,
		    c->host, resp->status, code, q.len ? ": " : "",
		    buf_cstr(&q));
		if (err != NULL)
			snprintf(err->aws_type, sizeof err->aws_type, "%s",
			    code);
	} else {
		sts_quote(&q, resp->body.data, resp->body.len, STS_QUOTE_MAX);
		err_set(err, resp->status >= 500 ? ERR_SERVICE : ERR_AUTH,
		    "STS %s at %s: HTTP %ld%s%s", c->what, c->host,
		    resp->status, q.len ? ": " : "", buf_cstr(&q));
	}
	if (err != NULL)
		err->http_status = (int)resp->status;
	buf_cleanup(&q);
	free(code);
	free(msg);
}

/* Sign (when there are credentials) and send one attempt. */
static int
sts_attempt(struct sts_call *c, const struct clock_ops *clock,
    struct http_response *resp, struct err *err)
{
	const struct creds *cr = c->creds;
	struct sigv4_header sh[2];
	struct http_header hh[5];
	struct sigv4_state st;
	struct timespec now;
	size_t nh = 0;
	int rc;

	sh[0] = (struct sigv4_header){ "Host", c->host };
	sh[1] = (struct sigv4_header){ "Content-Type", STS_CONTENT_TYPE };
	hh[nh++] = (struct http_header){ "Host", c->host };
	hh[nh++] = (struct http_header){ "Content-Type", STS_CONTENT_TYPE };
	sigv4_state_init(&st);
	if (cr != NULL) {
		clock->now(clock->ctx, &now);
		rc = sigv4_sign(&st, &(struct sigv4_request){
			.method = "POST",
			.path = c->path,
			.headers = sh,
			.nheaders = 2,
			.body = c->body.data,
			.body_len = c->body.len,
		    }, &(struct sigv4_params){
			.access_key_id = cr->access_key_id,
			.secret_access_key = cr->secret_access_key,
			.session_token = cr->session_token,
			.region = c->cfg->region,
			.service = "sts",
			.when = now.tv_sec,
			.normalize_path = true,
		    }, err);
		if (rc == -1) {
			err_prefix(err, "STS %s: ", c->what);
			goto done;
		}
		hh[nh++] = (struct http_header){ "X-Amz-Date", st.amz_date };
		if (cr->session_token != NULL && *cr->session_token != '\0')
			hh[nh++] = (struct http_header){
			    "X-Amz-Security-Token", cr->session_token };
		hh[nh++] = (struct http_header){ "Authorization",
		    buf_cstr(&st.authorization) };
	}
	rc = c->cfg->http->perform(c->cfg->http->ctx, &(struct http_request){
		.method = "POST",
		.url = c->cfg->endpoint,
		.headers = hh,
		.nheaders = nh,
		.body = c->body.data,
		.body_len = c->body.len,
		.connect_timeout_ms = c->cfg->connect_timeout_ms > 0 ?
		    c->cfg->connect_timeout_ms : 5000,
		.timeout_ms = c->cfg->timeout_ms > 0 ? c->cfg->timeout_ms :
		    30000,
	    }, resp, err);
	if (rc == -1)
		err_prefix(err, "STS %s: ", c->what);
done:
	sigv4_state_cleanup(&st);
	return rc;
}

/* Send the call, retrying what may pass; the 200 answer lands in resp. */
static int
sts_send(struct sts_call *c, struct http_response *resp, struct err *err)
{
	const struct clock_ops *clock = c->cfg->clock != NULL ?
	    c->cfg->clock : clock_system();
	int attempts = c->cfg->max_attempts > 0 ? c->cfg->max_attempts : 3;
	int i, rc = -1;
	bool retry;
	int64_t cap;

	if (c->cfg->http == NULL)
		return err_set(err, ERR_INTERNAL, "STS: no HTTP transport");
	if (sts_parse_endpoint(c, err) == -1)
		return -1;
	for (i = 1; i <= attempts; i++) {
		if (i > 1) {
			/* full jitter over 100 ms, 200 ms, ... up to 2 s */
			cap = (int64_t)100 << (i - 2 < 4 ? i - 2 : 4);
			if (cap > 2000)
				cap = 2000;
			if (clock->sleep_ms != NULL && clock->random != NULL &&
			    clock->sleep_ms(
			    clock->ctx, (int64_t)(clock->random(clock->ctx) %
			    (uint32_t)cap)) != 0)
				return err_set(err, ERR_CANCELLED, "STS %s: "
				    "cancelled", c->what);
		}
		LOG_DEBUG("STS %s to %s, attempt %d", c->action, c->host, i);
		if (sts_attempt(c, clock, resp, err) == -1) {
			if (resp->permanent || err == NULL ||
			    err->code != ERR_NETWORK)
				return -1;
			continue;
		}
		if (resp->status == 200) {
			rc = 0;
			break;
		}
		sts_answer_error(c, resp, &retry, err);
		if (!retry)
			return -1;
	}
	return rc;
}

/* Release what a call holds; the body may hold a token. */
static void
sts_call_cleanup(struct sts_call *c)
{
	if (c->body.data != NULL)
		explicit_bzero(c->body.data, c->body.cap);
	buf_cleanup(&c->body);
	free(c->path);
}

/* The <Credentials> of a 200 answer into out. */
static int
sts_parse_credentials(struct sts_call *c, const struct http_response *resp,
    const char *source, struct creds *out, struct err *err)
{
	const char *start;
	char *id = NULL, *secret = NULL, *token = NULL, *exp = NULL;
	const struct clock_ops *clock = c->cfg->clock != NULL ?
	    c->cfg->clock : clock_system();
	struct timespec now;
	time_t expiration;
	size_t n;
	int rc = -1;

	if (!sts_xml_range(resp->body.data, resp->body.len, "Credentials",
	    &start, &n)) {
		err_set(err, ERR_AUTH, "STS %s at %s: the answer holds no "
		    "Credentials", c->what, c->host);
		goto done;
	}
	id = sts_xml_text(start, n, "AccessKeyId");
	secret = sts_xml_text(start, n, "SecretAccessKey");
	token = sts_xml_text(start, n, "SessionToken");
	exp = sts_xml_text(start, n, "Expiration");
	if (id == NULL || *id == '\0' || secret == NULL || *secret == '\0' ||
	    token == NULL || *token == '\0') {
		err_set(err, ERR_AUTH, "STS %s at %s: the answer's Credentials "
		    "lack %s", c->what, c->host, id == NULL || *id == '\0' ?
		    "AccessKeyId" : secret == NULL || *secret == '\0' ?
		    "SecretAccessKey" : "SessionToken");
		goto done;
	}
	if (exp == NULL || creds_parse_time(exp, &expiration) != 0) {
		err_set(err, ERR_AUTH, "STS %s at %s: the answer's Expiration "
		    "is missing or not an ISO-8601 time", c->what, c->host);
		goto done;
	}
	clock->now(clock->ctx, &now);
	if (expiration <= now.tv_sec) {
		err_set(err, ERR_AUTH, "STS %s at %s: the credentials it "
		    "returned expired at %s", c->what, c->host, exp);
		goto done;
	}
	memset(out, 0, sizeof *out);
	out->access_key_id = id;
	out->secret_access_key = secret;
	out->session_token = token;
	out->expiration = expiration;
	snprintf(out->source, sizeof out->source, "%s", source);
	id = secret = token = NULL;
	rc = 0;
done:
	free(id);
	if (secret != NULL) {
		explicit_bzero(secret, strlen(secret));
		free(secret);
	}
	if (token != NULL) {
		explicit_bzero(token, strlen(token));
		free(token);
	}
	free(exp);
	return rc;
}

/* Wipe a response body that held credentials. */
static void
sts_response_cleanup(struct http_response *resp)
{
	if (resp->body.data != NULL)
		explicit_bzero(resp->body.data, resp->body.cap);
	http_response_cleanup(resp);
}

/* The role parameters common to both AssumeRole actions. */
static void
sts_role_params(struct buf *b, const struct sts_role *r)
{
	char num[16];

	sts_param(b, "RoleArn", r->role_arn);
	sts_param(b, "RoleSessionName", r->role_session_name);
	if (r->duration_seconds > 0) {
		snprintf(num, sizeof num, "%d", r->duration_seconds);
		sts_param(b, "DurationSeconds", num);
	}
}

int
sts_assume_role(const struct sts_config *cfg, const struct creds *source,
    const struct sts_role *r, struct creds *out, struct err *err)
{
	struct sts_call c = { .cfg = cfg, .action = "AssumeRole",
	    .creds = source };
	struct http_response resp;
	char *what;
	int rc = -1;

	memset(out, 0, sizeof *out);
	what = xasprintf("AssumeRole of %.300s", r->role_arn);
	c.what = what;
	http_response_init(&resp);
	buf_printf(&c.body, "Action=AssumeRole&Version=%s", STS_VERSION);
	sts_role_params(&c.body, r);
	sts_param(&c.body, "ExternalId", r->external_id);
	if (r->serial_number != NULL) {
		sts_param(&c.body, "SerialNumber", r->serial_number);
		sts_param(&c.body, "TokenCode", r->token_code);
	}
	if (sts_send(&c, &resp, err) == 0)
		rc = sts_parse_credentials(&c, &resp, "assume-role", out, err);
	sts_response_cleanup(&resp);
	sts_call_cleanup(&c);
	free(what);
	return rc;
}

int
sts_assume_role_with_web_identity(const struct sts_config *cfg,
    const struct sts_role *r, const char *token, struct creds *out,
    struct err *err)
{
	struct sts_call c = { .cfg = cfg,
	    .action = "AssumeRoleWithWebIdentity" };
	struct http_response resp;
	char *what;
	int rc = -1;

	memset(out, 0, sizeof *out);
	what = xasprintf("AssumeRoleWithWebIdentity of %.300s", r->role_arn);
	c.what = what;
	http_response_init(&resp);
	/* room enough that the token is never left behind by a realloc */
	buf_reserve(&c.body, 3 * strlen(token) + 1024);
	buf_printf(&c.body, "Action=AssumeRoleWithWebIdentity&Version=%s",
	    STS_VERSION);
	sts_role_params(&c.body, r);
	sts_param(&c.body, "WebIdentityToken", token);
	if (sts_send(&c, &resp, err) == 0)
		rc = sts_parse_credentials(&c, &resp,
		    "assume-role-with-web-identity", out, err);
	sts_response_cleanup(&resp);
	sts_call_cleanup(&c);
	free(what);
	return rc;
}

int
sts_get_caller_identity(const struct sts_config *cfg,
    const struct creds *cr, struct sts_identity *out, struct err *err)
{
	struct sts_call c = { .cfg = cfg, .action = "GetCallerIdentity",
	    .what = "GetCallerIdentity", .creds = cr };
	struct http_response resp;
	const char *start;
	size_t n;
	int rc = -1;

	memset(out, 0, sizeof *out);
	http_response_init(&resp);
	buf_printf(&c.body, "Action=GetCallerIdentity&Version=%s",
	    STS_VERSION);
	if (sts_send(&c, &resp, err) == -1)
		goto done;
	if (!sts_xml_range(resp.body.data, resp.body.len,
	    "GetCallerIdentityResult", &start, &n)) {
		err_set(err, ERR_SERVICE, "STS GetCallerIdentity at %s: the "
		    "answer holds no GetCallerIdentityResult", c.host);
		goto done;
	}
	out->account = sts_xml_text(start, n, "Account");
	out->arn = sts_xml_text(start, n, "Arn");
	out->user_id = sts_xml_text(start, n, "UserId");
	if (out->account == NULL || out->arn == NULL) {
		sts_identity_cleanup(out);
		err_set(err, ERR_SERVICE, "STS GetCallerIdentity at %s: the "
		    "answer lacks Account or Arn", c.host);
		goto done;
	}
	rc = 0;
done:
	sts_response_cleanup(&resp);
	sts_call_cleanup(&c);
	return rc;
}
