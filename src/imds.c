/* SPDX-License-Identifier: ISC */
/* Credentials from metadata endpoints: EC2 instance metadata (IMDSv2) and
 * the container credential endpoint of ECS, CodeBuild and EKS. */
#include "config.h"

#include "imds.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "buf.h"
#include "log.h"
#include "xmalloc.h"

#define IMDS_TOKEN_TTL		"21600"
#define IMDS_CREDS_PATH		"/latest/meta-data/iam/security-credentials/"
/* Bytes of an error answer kept for a message. */
#define IMDS_QUOTE_MAX		200

/* Wipe and free a response that may have held credentials. */
static void
imds_response_cleanup(struct http_response *resp)
{
	if (resp->body.data != NULL)
		explicit_bzero(resp->body.data, resp->body.cap);
	http_response_cleanup(resp);
}

/* Printable text of an answer, for a message. */
static void
imds_quote(struct buf *out, const struct http_response *resp)
{
	size_t i;

	for (i = 0; i < resp->body.len && i < IMDS_QUOTE_MAX; i++)
		buf_addc(out, (unsigned char)resp->body.data[i] < 0x20 ||
		    resp->body.data[i] == 0x7f ? ' ' : resp->body.data[i]);
	if (resp->body.len > IMDS_QUOTE_MAX)
		buf_adds(out, "...");
}

bool
imds_host_is_loopback(const char *host)
{
	size_t n = strcspn(host, ":/?#");
	unsigned a, b, c, d;
	char ip[16], tail;

	if (strncmp(host, "[::1]", 5) == 0)
		return host[5] == '\0' || strchr(":/?#", host[5]) != NULL;
	if (n == 9 && strncasecmp(host, "localhost", 9) == 0)
		return true;
	if (n > 15 || n == 0)
		return false;
	memcpy(ip, host, n);
	ip[n] = '\0';
	if (sscanf(ip, "%u.%u.%u.%u%c", &a, &b, &c, &d, &tail) != 4)
		return false;
	return a == 127 && b <= 255 && c <= 255 && d <= 255;
}

bool
imds_container_url_allowed(const char *url)
{
	static const char *const hosts[] = { "169.254.170.2",
	    "169.254.170.23", "[fd00:ec2::23]" };
	const char *auth, *end;
	size_t i, n, hlen;

	if (strncasecmp(url, "http://", 7) == 0)
		auth = url + 7;
	else if (strncasecmp(url, "https://", 8) == 0)
		auth = url + 8;
	else
		return false;
	end = auth + strcspn(auth, "/?#");
	if (end == auth || memchr(auth, '@', (size_t)(end - auth)) != NULL)
		return false;
	if (imds_host_is_loopback(auth))
		return true;
	hlen = *auth == '[' ? strcspn(auth, "]") + 1 :
	    strcspn(auth, ":/?#");
	for (i = 0; i < sizeof hosts / sizeof hosts[0]; i++) {
		n = strlen(hosts[i]);
		if (hlen == n && strncasecmp(auth, hosts[i], n) == 0)
			return true;
	}
	return false;
}

/* A required non-empty string member of a credentials document. */
static const char *
imds_json_str(json_t *root, const char *name, const char *what,
    struct err *err)
{
	json_t *v = json_object_get(root, name);

	if (!json_is_string(v) || json_string_length(v) == 0) {
		err_set(err, ERR_AUTH, "%s: the credentials' %s is missing or "
		    "not a non-empty string", what, name);
		return NULL;
	}
	return json_string_value(v);
}

int
imds_parse_credentials(const char *json, size_t len, const char *what,
    time_t now, const char *source, struct creds *out, struct err *err)
{
	const char *id, *secret, *token = NULL, *exp, *code;
	json_error_t jerr;
	json_t *root, *v;
	time_t expiration;
	int rc = -1;

	memset(out, 0, sizeof *out);
	root = json_loadb(json, len, 0, &jerr);
	if (root == NULL)
		/* jerr.text may quote the input, which holds secrets */
		return err_set(err, ERR_AUTH, "%s: the credentials are not "
		    "valid JSON (line %d, column %d)", what, jerr.line,
		    jerr.column);
	if (!json_is_object(root)) {
		err_set(err, ERR_AUTH, "%s: the credentials are not a JSON "
		    "object", what);
		goto done;
	}
	v = json_object_get(root, "Code");
	if (v != NULL && (code = json_string_value(v)) != NULL &&
	    strcmp(code, "Success") != 0) {
		err_set(err, ERR_AUTH, "%s: the credentials' Code is %.64s, "
		    "not Success", what, code);
		goto done;
	}
	if ((id = imds_json_str(root, "AccessKeyId", what, err)) == NULL ||
	    (secret = imds_json_str(root, "SecretAccessKey", what,
	    err)) == NULL)
		goto done;
	v = json_object_get(root, "Token");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_string(v)) {
			err_set(err, ERR_AUTH, "%s: the credentials' Token is "
			    "not a string", what);
			goto done;
		}
		token = json_string_value(v);
	}
	exp = json_string_value(json_object_get(root, "Expiration"));
	if (exp == NULL || creds_parse_time(exp, &expiration) != 0) {
		err_set(err, ERR_AUTH, "%s: the credentials' Expiration is "
		    "missing or not an ISO-8601 time", what);
		goto done;
	}
	if (expiration <= now) {
		err_set(err, ERR_AUTH, "%s returned credentials that expired "
		    "at %.40s", what, exp);
		goto done;
	}
	out->access_key_id = xstrdup(id);
	out->secret_access_key = xstrdup(secret);
	out->session_token = token != NULL && *token != '\0' ?
	    xstrdup(token) : NULL;
	out->expiration = expiration;
	snprintf(out->source, sizeof out->source, "%s", source);
	rc = 0;
done:
	json_decref(root);
	return rc;
}

/* One request, tried up to attempts times on transport errors and 5xx;
 * -1 only for a transport failure of the last attempt. */
static int
imds_perform(struct http_ops *http, const char *method, const char *url,
    const struct http_header *h, size_t nh, long timeout_ms, int attempts,
    struct http_response *resp, struct err *err)
{
	int i, rc = -1;

	for (i = 0; i < attempts; i++) {
		rc = http->perform(http->ctx, &(struct http_request){
			.method = method,
			.url = url,
			.headers = h,
			.nheaders = nh,
			.connect_timeout_ms = timeout_ms,
			.timeout_ms = timeout_ms,
			.no_proxy = true,
		    }, resp, err);
		if (rc == 0 && resp->status < 500)
			return 0;
		if (rc == -1 && resp->permanent)
			return -1;
	}
	return rc;
}

/* The IMDSv2 token into *token (NULL: use IMDSv1). 1 ok, 0 no service,
 * -1 error. */
static int
imds_token(const struct imds_config *cfg, const char *base, long timeout,
    int attempts, char **token, struct err *err)
{
	struct http_header h[] = {
		{ "X-aws-ec2-metadata-token-ttl-seconds", IMDS_TOKEN_TTL },
	};
	struct http_response resp;
	char *url = xasprintf("%s/latest/api/token", base);
	struct err e;
	int rc = -1;

	*token = NULL;
	http_response_init(&resp);
	if (imds_perform(cfg->http, "PUT", url, h, 1, timeout, attempts,
	    &resp, &e) == -1) {
		/* a laptop: nothing at the address */
		if (!cfg->v1_fallback || !resp.timed_out) {
			err_set(err, ERR_NOT_FOUND, "instance metadata "
			    "(%s): %s", base, e.msg);
			rc = 0;
			goto done;
		}
		LOG_DEBUG("IMDSv2 token timed out; IMDSv1 fallback");
		rc = 1;
		goto done;
	}
	if (resp.status == 200 && resp.body.len > 0) {
		*token = xstrndup(resp.body.data, resp.body.len);
		(*token)[strcspn(*token, "\r\n")] = '\0';
		rc = 1;
	} else if ((resp.status == 403 || resp.status == 404 ||
	    resp.status == 405) && cfg->v1_fallback) {
		LOG_DEBUG("IMDSv2 token refused (HTTP %ld); IMDSv1 fallback",
		    resp.status);
		rc = 1;
	} else if (resp.status == 403 || resp.status == 404 ||
	    resp.status == 405) {
		err_set(err, ERR_AUTH, "instance metadata (%s): the IMDSv2 "
		    "token request was answered HTTP %ld and the IMDSv1 "
		    "fallback is off (AWS_EC2_METADATA_V1_DISABLED=false "
		    "turns it on)", base, resp.status);
	} else
		err_set(err, ERR_AUTH, "instance metadata (%s): the IMDSv2 "
		    "token request was answered HTTP %ld", base, resp.status);
done:
	imds_response_cleanup(&resp);
	free(url);
	return rc;
}

/* Whether s is a plausible IAM role name: [\w+=,.@-]+. */
static bool
imds_role_ok(const char *s)
{
	if (*s == '\0' || strlen(s) > 128)
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z') ||
		    (*s >= '0' && *s <= '9') || strchr("_+=,.@-", *s) != NULL))
			return false;
	return true;
}

int
imds_get_credentials(const struct imds_config *cfg, time_t now,
    struct creds *out, struct err *err)
{
	struct http_header h[1];
	struct http_response resp;
	struct buf q = BUF_INIT;
	char *base, *url = NULL, *token = NULL, *role = NULL, *what = NULL;
	long timeout = cfg->timeout_ms > 0 ? cfg->timeout_ms : 1000;
	int attempts = cfg->attempts > 0 ? cfg->attempts : 1, rc = -1, n;
	size_t nh = 0, len;
	struct err e;

	memset(out, 0, sizeof *out);
	base = xstrdup(cfg->endpoint != NULL ? cfg->endpoint :
	    "http://169.254.169.254");
	len = strlen(base);
	while (len > 0 && base[len - 1] == '/')
		base[--len] = '\0';
	http_response_init(&resp);
	if ((n = imds_token(cfg, base, timeout, attempts, &token, err)) <= 0) {
		rc = n;
		goto done;
	}
	if (token != NULL)
		h[nh++] = (struct http_header){ "X-aws-ec2-metadata-token",
		    token };
	url = xasprintf("%s%s", base, IMDS_CREDS_PATH);
	if (imds_perform(cfg->http, "GET", url, h, nh, timeout, attempts,
	    &resp, &e) == -1) {
		if (token != NULL) {
			err_set(err, ERR_AUTH, "instance metadata: %s", e.msg);
			goto done;
		}
		/* after an IMDSv1 fallback: no service there either */
		err_set(err, ERR_NOT_FOUND, "instance metadata (%s): %s",
		    base, e.msg);
		rc = 0;
		goto done;
	}
	if (resp.status == 404) {
		err_set(err, ERR_NOT_FOUND, "instance metadata (%s): no IAM "
		    "role is attached to the instance", base);
		rc = 0;
		goto done;
	}
	if (resp.status != 200) {
		imds_quote(&q, &resp);
		err_set(err, ERR_AUTH, "instance metadata (%s): the role name "
		    "request was answered HTTP %ld: %s", base, resp.status,
		    buf_cstr(&q));
		goto done;
	}
	role = xstrndup(resp.body.data, resp.body.len);
	role[strcspn(role, "\r\n")] = '\0';
	if (!imds_role_ok(role)) {
		err_set(err, ERR_AUTH, "instance metadata (%s): the role name "
		    "it gave is not an IAM role name", base);
		goto done;
	}
	free(url);
	url = xasprintf("%s%s%s", base, IMDS_CREDS_PATH, role);
	if (imds_perform(cfg->http, "GET", url, h, nh, timeout, attempts,
	    &resp, &e) == -1) {
		err_set(err, ERR_AUTH, "instance metadata: %s", e.msg);
		goto done;
	}
	if (resp.status != 200) {
		imds_quote(&q, &resp);
		err_set(err, ERR_AUTH, "instance metadata (%s): the "
		    "credentials of role %s were answered HTTP %ld: %s", base,
		    role, resp.status, buf_cstr(&q));
		goto done;
	}
	what = xasprintf("instance metadata (%s, role %s)", base, role);
	if (imds_parse_credentials(resp.body.data, resp.body.len, what, now,
	    "iam-role", out, err) == 0)
		rc = 1;
done:
	if (token != NULL) {
		explicit_bzero(token, strlen(token));
		free(token);
	}
	imds_response_cleanup(&resp);
	buf_cleanup(&q);
	free(what);
	free(role);
	free(url);
	free(base);
	return rc;
}

int
imds_container_credentials(const struct imds_container *c, time_t now,
    struct creds *out, struct err *err)
{
	struct http_header h[1];
	struct http_response resp;
	struct buf q = BUF_INIT;
	long timeout = c->timeout_ms > 0 ? c->timeout_ms : 2000;
	int attempts = c->attempts > 0 ? c->attempts : 3, rc = -1;
	size_t nh = 0;
	char *what;

	memset(out, 0, sizeof *out);
	what = xasprintf("container credentials (%s)", c->what != NULL ?
	    c->what : "endpoint");
	if (c->authorization != NULL)
		h[nh++] = (struct http_header){ "Authorization",
		    c->authorization };
	http_response_init(&resp);
	if (imds_perform(c->http, "GET", c->url, h, nh, timeout, attempts,
	    &resp, err) == -1) {
		err_prefix(err, "%s: ", what);
		goto done;
	}
	if (resp.status != 200) {
		imds_quote(&q, &resp);
		err_set(err, ERR_AUTH, "%s: HTTP %ld%s%s", what, resp.status,
		    q.len ? ": " : "", buf_cstr(&q));
		goto done;
	}
	rc = imds_parse_credentials(resp.body.data, resp.body.len, what, now,
	    "container-role", out, err);
done:
	imds_response_cleanup(&resp);
	buf_cleanup(&q);
	free(what);
	return rc;
}
