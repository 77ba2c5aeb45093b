/* SPDX-License-Identifier: ISC */
/* AWS credentials from the places the AWS CLI looks, in its order. */
#include "config.h"

#include "creds.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <jansson.h>

#include "awsconfig.h"
#include "buf.h"
#include "http.h"
#include "imds.h"
#include "log.h"
#include "proc.h"
#include "sts.h"
#include "xmalloc.h"

/* Refresh credentials this close to their expiry. */
#define CREDS_REFRESH_SECONDS	300
#define CREDS_PROCESS_TIMEOUT_MS 60000
/* credential_process output larger than this is refused. */
#define CREDS_PROCESS_MAX_OUT	(1024 * 1024)
/* Bytes of a failed process's stderr kept for the message. */
#define CREDS_PROCESS_MAX_ERR	500
/* After a failed or too-short refresh, wait this long before the next. */
#define CREDS_RETRY_SECONDS	30
/* Token files (web identity, container authorization) larger than this
 * are refused. */
#define CREDS_TOKEN_FILE_MAX	(64 * 1024)
/* source_profile chains longer than this are refused. */
#define CREDS_MAX_CHAIN		16

struct creds_provider {
	char		*aws_profile;	/* NULL: AWS_PROFILE / default */
	creds_getenv_fn	 getenv_fn;
	void		*env_ctx;
	const struct clock_ops *clock;
	int		 timeout_ms;
	struct http_ops	*http;		/* borrowed, or own_http */
	bool		 own_http;
	char		*ca_bundle;
	char		*region;
	creds_prompt_fn	 mfa_prompt;
	void		*mfa_ctx;
	long		 metadata_timeout_ms;
	pthread_mutex_t	 lock;
	bool		 have;
	struct creds	 cached;
	time_t		 next_refresh;	/* when to fetch again */
};

/* One resolution: the files, the profiles visited, what was looked at. */
struct creds_ctx {
	struct creds_provider	*p;
	struct awsconfig	*cfg;
	bool			 explicit;	/* aws_profile was given */
	const char		*visited[CREDS_MAX_CHAIN + 1];
	int			 nvisited;
	char			*sts_endpoint;	/* resolved when needed */
	const char		*sts_region;
	struct buf		 looked;	/* for the final message */
	time_t			 now;
	long			 test_timeout_ms; /* the test hook, or 0 */
};

/* Free a string that may hold a secret, wiping it first. */
static void
creds_free_secret(char *s)
{
	if (s == NULL)
		return;
	explicit_bzero(s, strlen(s));
	free(s);
}

void
creds_cleanup(struct creds *c)
{
	if (c == NULL)
		return;
	free(c->access_key_id);
	creds_free_secret(c->secret_access_key);
	creds_free_secret(c->session_token);
	memset(c, 0, sizeof *c);
}

void
creds_copy(struct creds *dst, const struct creds *src)
{
	/* dst is overwritten, not cleaned: pass an empty or fresh one */
	memset(dst, 0, sizeof *dst);
	dst->access_key_id = src->access_key_id ?
	    xstrdup(src->access_key_id) : NULL;
	dst->secret_access_key = src->secret_access_key ?
	    xstrdup(src->secret_access_key) : NULL;
	dst->session_token = src->session_token ?
	    xstrdup(src->session_token) : NULL;
	dst->expiration = src->expiration;
	memcpy(dst->source, src->source, sizeof dst->source);
	memcpy(dst->detail, src->detail, sizeof dst->detail);
}

/* Fill c from its parts (copies); source names where they came from. */
static void
creds_fill(struct creds *c, const char *id, const char *secret,
    const char *token, time_t expiration, const char *source)
{
	memset(c, 0, sizeof *c);
	c->access_key_id = xstrdup(id);
	c->secret_access_key = xstrdup(secret);
	c->session_token = token != NULL && *token != '\0' ?
	    xstrdup(token) : NULL;
	c->expiration = expiration;
	snprintf(c->source, sizeof c->source, "%s", source);
}

/* The real environment, for a NULL getenv function. */
static const char *
creds_real_getenv(void *ctx, const char *name)
{
	(void)ctx;
	return getenv(name);
}

struct creds_provider *
creds_provider_new_ex(const struct creds_options *o)
{
	struct creds_provider *p = xcalloc(1, sizeof *p);

	p->aws_profile = o->aws_profile ? xstrdup(o->aws_profile) : NULL;
	p->getenv_fn = o->getenv_fn ? o->getenv_fn : creds_real_getenv;
	p->env_ctx = o->env_ctx;
	p->clock = o->clock;
	p->timeout_ms = o->process_timeout_ms > 0 ? o->process_timeout_ms :
	    CREDS_PROCESS_TIMEOUT_MS;
	p->http = o->http;
	p->ca_bundle = o->ca_bundle ? xstrdup(o->ca_bundle) : NULL;
	p->region = o->region && *o->region ? xstrdup(o->region) : NULL;
	p->mfa_prompt = o->mfa_prompt;
	p->mfa_ctx = o->mfa_ctx;
	p->metadata_timeout_ms = o->metadata_timeout_ms;
	pthread_mutex_init(&p->lock, NULL);
	return p;
}

struct creds_provider *
creds_provider_new(const char *aws_profile, creds_getenv_fn getenv_fn,
    void *env_ctx)
{
	struct creds_options o = {
		.aws_profile = aws_profile,
		.getenv_fn = getenv_fn,
		.env_ctx = env_ctx,
	};

	return creds_provider_new_ex(&o);
}

void
creds_provider_free(struct creds_provider *p)
{
	if (p == NULL)
		return;
	creds_cleanup(&p->cached);
	pthread_mutex_destroy(&p->lock);
	if (p->own_http)
		http_free(p->http);
	free(p->aws_profile);
	free(p->ca_bundle);
	free(p->region);
	free(p);
}

/* Wall-clock seconds from the injected clock or time(). */
static time_t
creds_now(const struct creds_provider *p)
{
	struct timespec ts;

	if (p->clock == NULL)
		return time(NULL);
	p->clock->now(p->clock->ctx, &ts);
	return ts.tv_sec;
}

/* An environment variable; NULL when unset or empty. */
static const char *
creds_env(const struct creds_provider *p, const char *name)
{
	const char *v = p->getenv_fn(p->env_ctx, name);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* The n-digit decimal number at s, or -1. */
static int
creds_digits(const char *s, int n)
{
	int v = 0, i;

	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int
creds_parse_time(const char *s, time_t *out)
{
	static const int mdays[] = { 31, 29, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	struct tm tm;
	int y, mo, d, h, mi, sec, oh, om, sign;
	time_t t;

	y = creds_digits(s, 4);
	if (y < 0 || s[4] != '-' || (mo = creds_digits(s + 5, 2)) < 1 ||
	    mo > 12 || s[7] != '-' || (d = creds_digits(s + 8, 2)) < 1 ||
	    d > mdays[mo - 1] || (s[10] != 'T' && s[10] != 't' &&
	    s[10] != ' ') || (h = creds_digits(s + 11, 2)) < 0 || h > 23 ||
	    s[13] != ':' || (mi = creds_digits(s + 14, 2)) < 0 || mi > 59 ||
	    s[16] != ':' || (sec = creds_digits(s + 17, 2)) < 0 || sec > 60)
		return -1;
	s += 19;
	if (*s == '.' || *s == ',') {
		s++;
		if (*s < '0' || *s > '9')
			return -1;
		while (*s >= '0' && *s <= '9')
			s++;
	}
	oh = om = 0;
	sign = 1;
	if (*s == 'Z' || *s == 'z')
		s++;
	else if (*s == '+' || *s == '-') {
		sign = *s == '-' ? -1 : 1;
		if ((oh = creds_digits(s + 1, 2)) < 0 || oh > 23)
			return -1;
		s += 3;
		if (*s == ':')
			s++;
		if ((om = creds_digits(s, 2)) < 0 || om > 59)
			return -1;
		s += 2;
	} else
		return -1;
	if (*s != '\0')
		return -1;
	memset(&tm, 0, sizeof tm);
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	if (t == (time_t)-1 && !(y == 1969 && mo == 12 && d == 31))
		return -1;
	*out = t - sign * (oh * 3600 + om * 60);
	return 0;
}

/* A required non-empty string member of the process output. */
static const char *
creds_json_str(json_t *root, const char *name, struct err *err)
{
	json_t *v = json_object_get(root, name);

	if (!json_is_string(v) || json_string_length(v) == 0) {
		err_set(err, ERR_AUTH, "credential_process output: %s is "
		    "missing or not a non-empty string", name);
		return NULL;
	}
	return json_string_value(v);
}

int
creds_parse_process_output(const char *json, size_t len, time_t now,
    struct creds *out, struct err *err)
{
	const char *id, *secret, *token = NULL, *exp;
	json_error_t jerr;
	json_t *root, *v;
	time_t expiration = 0;
	int rc = -1;

	memset(out, 0, sizeof *out);
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &jerr);
	if (root == NULL)
		/* jerr.text may quote the input, which holds secrets */
		return err_set(err, ERR_AUTH, "credential_process output is "
		    "not valid JSON (line %d, column %d)", jerr.line,
		    jerr.column);
	if (!json_is_object(root)) {
		err_set(err, ERR_AUTH, "credential_process output is not a "
		    "JSON object");
		goto done;
	}
	v = json_object_get(root, "Version");
	if (!json_is_integer(v) || json_integer_value(v) != 1) {
		err_set(err, ERR_AUTH, "credential_process output: Version "
		    "must be 1");
		goto done;
	}
	if ((id = creds_json_str(root, "AccessKeyId", err)) == NULL ||
	    (secret = creds_json_str(root, "SecretAccessKey", err)) == NULL)
		goto done;
	v = json_object_get(root, "SessionToken");
	if (v != NULL && !json_is_null(v)) {
		if (!json_is_string(v)) {
			err_set(err, ERR_AUTH, "credential_process output: "
			    "SessionToken is not a string");
			goto done;
		}
		token = json_string_value(v);
	}
	v = json_object_get(root, "Expiration");
	if (v != NULL && !json_is_null(v)) {
		exp = json_string_value(v);
		if (exp == NULL || creds_parse_time(exp, &expiration) != 0) {
			err_set(err, ERR_AUTH, "credential_process output: "
			    "Expiration is not an ISO-8601 time");
			goto done;
		}
		if (expiration <= now) {
			err_set(err, ERR_AUTH, "credential_process returned "
			    "credentials that expired at %s", exp);
			goto done;
		}
	}
	creds_fill(out, id, secret, token, expiration, "credential_process");
	rc = 0;
done:
	json_decref(root);
	return rc;
}

/* Credentials from a credential_process command of profile `profile`. */
static int
creds_from_process(struct creds_provider *p, const char *profile,
    const char *cmd, struct creds *out, struct err *err)
{
	struct buf o = BUF_INIT, e = BUF_INIT;
	int status = 0, rc = -1;

	/* room enough that the secrets are never left behind by a realloc */
	buf_reserve(&o, 16384);
	if (proc_run("credential_process", cmd, p->timeout_ms,
	    CREDS_PROCESS_MAX_OUT, CREDS_PROCESS_MAX_ERR, &o, &e, &status,
	    err) != 0) {
		/* No credentials came of it: an authentication failure. */
		if (err != NULL)
			err->code = ERR_AUTH;
		err_prefix(err, "AWS profile '%s': ", profile);
		goto done;
	}
	proc_sanitize(&e);
	if (WIFSIGNALED(status)) {
		err_set(err, ERR_AUTH, "AWS profile '%s': credential_process "
		    "was killed by signal %d%s%s", profile, WTERMSIG(status),
		    e.len ? ": " : "", buf_cstr(&e));
		goto done;
	}
	if (WEXITSTATUS(status) != 0) {
		err_set(err, ERR_AUTH, "AWS profile '%s': credential_process "
		    "exited with status %d%s%s", profile, WEXITSTATUS(status),
		    e.len ? ": " : "", buf_cstr(&e));
		goto done;
	}
	if (creds_parse_process_output(buf_cstr(&o), o.len, creds_now(p),
	    out, err) != 0) {
		err_prefix(err, "AWS profile '%s': ", profile);
		goto done;
	}
	rc = 0;
done:
	if (o.data != NULL)
		explicit_bzero(o.data, o.cap);
	buf_cleanup(&o);
	buf_cleanup(&e);
	return rc;
}

/* Say where credentials came from (truncated to fit). */
static void __attribute__((format(printf, 2, 3)))
creds_detail(struct creds *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof c->detail, fmt, ap);
	va_end(ap);
}

/* Append one place to the "looked in" list of the final message. */
static void
creds_looked(struct creds_ctx *x, const char *fmt, ...)
{
	va_list ap;

	if (x->looked.len > 0)
		buf_adds(&x->looked, ", ");
	va_start(ap, fmt);
	buf_vprintf(&x->looked, fmt, ap);
	va_end(ap);
}

/* Keys from the environment: 1 found, 0 none, -1 incomplete. */
static int
creds_from_env(struct creds_provider *p, struct creds *out, struct err *err)
{
	const char *id = creds_env(p, "AWS_ACCESS_KEY_ID");
	const char *secret = creds_env(p, "AWS_SECRET_ACCESS_KEY");

	if (id == NULL && secret == NULL)
		return 0;
	if (id == NULL || secret == NULL)
		return err_set(err, ERR_AUTH, "%s is set but %s is not",
		    id ? "AWS_ACCESS_KEY_ID" : "AWS_SECRET_ACCESS_KEY",
		    id ? "AWS_SECRET_ACCESS_KEY" : "AWS_ACCESS_KEY_ID");
	creds_fill(out, id, secret, creds_env(p, "AWS_SESSION_TOKEN"), 0,
	    "environment");
	creds_detail(out, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY%s in "
	    "the environment",
	    out->session_token != NULL ? " (with AWS_SESSION_TOKEN)" : "");
	return 1;
}

/* Keys from one file's profile: 1 found, 0 none, -1 incomplete. */
static int
creds_from_keys(const struct awsconfig *cfg, const char *profile,
    bool credentials_file, struct creds *out, struct err *err)
{
	const char *(*get)(const struct awsconfig *, const char *,
	    const char *) = credentials_file ? awsconfig_get_credentials :
	    awsconfig_get_config;
	const char *id, *secret, *path;

	id = get(cfg, profile, "aws_access_key_id");
	secret = get(cfg, profile, "aws_secret_access_key");
	if (id != NULL && *id == '\0')
		id = NULL;
	if (secret != NULL && *secret == '\0')
		secret = NULL;
	if (id == NULL && secret == NULL)
		return 0;
	path = credentials_file ? awsconfig_credentials_path(cfg) :
	    awsconfig_config_path(cfg);
	if (id == NULL || secret == NULL)
		return err_set(err, ERR_AUTH, "%s: AWS profile '%s' has %s but "
		    "not %s", path, profile, id ? "aws_access_key_id" :
		    "aws_secret_access_key", id ? "aws_secret_access_key" :
		    "aws_access_key_id");
	creds_fill(out, id, secret, get(cfg, profile, "aws_session_token"), 0,
	    credentials_file ? "shared-credentials-file" : "config-file");
	creds_detail(out, "%s [%s%s]", path,
	    !credentials_file && strcmp(profile, "default") != 0 ?
	    "profile " : "", profile);
	return 1;
}

/* A profile's value, NULL when absent or empty. Borrowed. */
static const char *
creds_get(const struct creds_ctx *x, const char *profile, const char *key)
{
	const char *v = awsconfig_get(x->cfg, profile, key);

	return v != NULL && *v != '\0' ? v : NULL;
}

/* An environment variable (when allowed), else the top profile's key. */
static const char *
creds_setting(const struct creds_ctx *x, const char *env, const char *key)
{
	const char *v = env != NULL ? creds_env(x->p, env) : NULL;

	if (v == NULL && key != NULL)
		v = creds_get(x, awsconfig_profile_name(x->cfg,
		    x->p->aws_profile), key);
	return v;
}

/* Whether the profile has keys of its own (botocore's test). */
static bool
creds_has_static(const struct creds_ctx *x, const char *profile)
{
	return awsconfig_get(x->cfg, profile, "aws_access_key_id") != NULL ||
	    awsconfig_get(x->cfg, profile, "aws_secret_access_key") != NULL;
}

/* The transport for STS and metadata requests, made when first needed. */
static struct http_ops *
creds_http(struct creds_ctx *x)
{
	struct creds_provider *p = x->p;
	struct http_options ho;

	if (p->http == NULL) {
		memset(&ho, 0, sizeof ho);
		ho.ca_bundle = p->ca_bundle != NULL ? p->ca_bundle :
		    awsconfig_resolve_ca_bundle(x->cfg, p->aws_profile, NULL);
		p->http = http_new_curl(&ho);
		p->own_http = true;
	}
	return p->http;
}

/* Where STS is, once per resolution. */
static int
creds_sts_config(struct creds_ctx *x, struct sts_config *sc,
    struct err *err)
{
	struct creds_provider *p = x->p;
	const char *region;

	if (x->sts_endpoint == NULL) {
		region = p->region != NULL ? p->region :
		    awsconfig_resolve_region(x->cfg, p->aws_profile, NULL);
		x->sts_endpoint = awsconfig_resolve_sts_endpoint(x->cfg,
		    p->aws_profile, region, &x->sts_region, err);
		if (x->sts_endpoint == NULL)
			return -1;
		if (strncmp(x->sts_endpoint, "local:", 6) == 0 ||
		    awsconfig_check_endpoint(x->sts_endpoint, false,
		    err) == -1) {
			err_set(err, ERR_CONFIG, "STS endpoint %.300s: "
			    "https:// or http:// to a loopback host is needed",
			    x->sts_endpoint);
			free(x->sts_endpoint);
			x->sts_endpoint = NULL;
			return -1;
		}
	}
	memset(sc, 0, sizeof *sc);
	sc->endpoint = x->sts_endpoint;
	sc->region = x->sts_region;
	sc->http = creds_http(x);
	sc->clock = p->clock;
	sc->connect_timeout_ms = x->test_timeout_ms;
	sc->timeout_ms = x->test_timeout_ms;
	return 0;
}

/* Read a token file whole, trailing blanks and newlines dropped, into a
 * new string the caller wipes. what names it in messages. */
static int
creds_read_token_file(const char *path, const char *what, char **out,
    struct err *err)
{
	struct buf b = BUF_INIT;
	char chunk[4096];
	ssize_t n;
	int fd;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1)
		return err_set(err, ERR_AUTH, "%s %s: %s", what, path,
		    strerror(errno));
	buf_reserve(&b, CREDS_TOKEN_FILE_MAX + 1);
	while ((n = read(fd, chunk, sizeof chunk)) > 0) {
		if (b.len + (size_t)n > CREDS_TOKEN_FILE_MAX) {
			n = -1;
			errno = EFBIG;
			break;
		}
		buf_add(&b, chunk, (size_t)n);
	}
	explicit_bzero(chunk, sizeof chunk);
	close(fd);
	if (n == -1) {
		err_set(err, ERR_AUTH, "%s %s: %s", what, path,
		    errno == EFBIG ? "larger than 64 KiB" : strerror(errno));
		goto fail;
	}
	while (b.len > 0 && (b.data[b.len - 1] == '\n' ||
	    b.data[b.len - 1] == '\r' || b.data[b.len - 1] == ' ' ||
	    b.data[b.len - 1] == '\t'))
		b.data[--b.len] = '\0';
	if (b.len == 0) {
		err_set(err, ERR_AUTH, "%s %s is empty", what, path);
		goto fail;
	}
	if (strlen(b.data) != b.len || strpbrk(b.data, "\r\n") != NULL) {
		err_set(err, ERR_AUTH, "%s %s: not one line of text", what,
		    path);
		goto fail;
	}
	*out = buf_detach(&b, NULL);
	return 0;
fail:
	if (b.data != NULL)
		explicit_bzero(b.data, b.cap);
	buf_cleanup(&b);
	return -1;
}

/* The profile's duration_seconds into *out (0 when unset). */
static int
creds_duration(const struct creds_ctx *x, const char *profile, int *out,
    struct err *err)
{
	const char *v = creds_get(x, profile, "duration_seconds"), *file;
	char *end;
	long n;
	int line;

	*out = 0;
	if (v == NULL)
		return 0;
	n = strtol(v, &end, 10);
	if (*v < '0' || *v > '9' || *end != '\0' || n < 900 || n > 43200) {
		if (awsconfig_where(x->cfg, profile, "duration_seconds", &file,
		    &line))
			return err_set(err, ERR_CONFIG, "%s:%d: "
			    "duration_seconds: '%.32s' is not a number of "
			    "seconds from 900 to 43200", file, line, v);
		return err_set(err, ERR_CONFIG, "AWS profile '%s': "
		    "duration_seconds: '%.32s' is not a number of seconds from "
		    "900 to 43200", profile, v);
	}
	*out = (int)n;
	return 0;
}

static int creds_from_profile(struct creds_ctx *, const char *, bool,
    struct creds *, struct err *);
static int creds_from_container(struct creds_ctx *, struct creds *,
    struct err *);
static int creds_from_imds(struct creds_ctx *, struct creds *,
    struct err *);

/* Credentials from a credential_source: 1 found, -1 error. */
static int
creds_from_credential_source(struct creds_ctx *x, const char *profile,
    const char *cs, struct creds *out, struct err *err)
{
	int n;

	err_clear(err);
	if (strcmp(cs, "Environment") == 0)
		n = creds_from_env(x->p, out, err);
	else if (strcmp(cs, "Ec2InstanceMetadata") == 0)
		n = creds_from_imds(x, out, err);
	else if (strcmp(cs, "EcsContainer") == 0)
		n = creds_from_container(x, out, err);
	else
		return err_set(err, ERR_CONFIG, "AWS profile '%s': "
		    "credential_source '%.64s' is not Environment, "
		    "Ec2InstanceMetadata or EcsContainer", profile, cs);
	if (n == 0) {
		if (err != NULL && err->code == ERR_NOT_FOUND)
			err_prefix(err, "AWS profile '%s': credential_source "
			    "%s found no credentials: ", profile, cs);
		else
			err_set(err, ERR_AUTH, "AWS profile '%s': "
			    "credential_source %s found no credentials",
			    profile, cs);
		if (err != NULL)
			err->code = ERR_AUTH;
		return -1;
	}
	if (n < 0) {
		err_prefix(err, "AWS profile '%s': credential_source %s: ",
		    profile, cs);
		return -1;
	}
	return 1;
}

/* botocore's source_profile checks: it exists and makes no loop. */
static int
creds_check_source(struct creds_ctx *x, const char *parent,
    const char *source, struct err *err)
{
	const char *cpath = awsconfig_config_path(x->cfg);
	const char *kpath = awsconfig_credentials_path(x->cfg);
	struct buf chain = BUF_INIT;
	int i;

	if (!awsconfig_has_profile(x->cfg, source))
		return err_set(err, ERR_CONFIG, "AWS profile '%s': its "
		    "source_profile '%s' is in neither %s nor %s", parent,
		    source, cpath ? cpath : "(no config file)",
		    kpath ? kpath : "(no credentials file)");
	for (i = 0; i < x->nvisited; i++)
		if (strcmp(x->visited[i], source) == 0)
			break;
	if (i == x->nvisited && x->nvisited < CREDS_MAX_CHAIN)
		return 0;
	/* naming itself is how a profile with keys assumes its own role */
	if (i < x->nvisited && strcmp(source, parent) == 0 &&
	    creds_has_static(x, source))
		return 0;
	for (i = 0; i < x->nvisited; i++)
		buf_printf(&chain, "%s -> ", x->visited[i]);
	buf_adds(&chain, source);
	if (x->nvisited >= CREDS_MAX_CHAIN)
		err_set(err, ERR_CONFIG, "AWS profile '%s': source_profile "
		    "chain longer than %d: %s", parent, CREDS_MAX_CHAIN,
		    buf_cstr(&chain));
	else
		err_set(err, ERR_CONFIG, "AWS profile '%s': source_profile "
		    "loop: %s", parent, buf_cstr(&chain));
	buf_cleanup(&chain);
	return -1;
}

/* The MFA code for serial, from the prompt callback, into code[8]. */
static int
creds_mfa_code(struct creds_ctx *x, const char *profile, const char *serial,
    char *code, size_t size, struct err *err)
{
	struct creds_provider *p = x->p;
	char *prompt;
	size_t i;
	int rc;

	if (p->mfa_prompt == NULL)
		return err_set(err, ERR_AUTH, "AWS profile '%s' has mfa_serial "
		    "%s: an MFA code is needed and nothing here can ask for "
		    "it", profile, serial);
	prompt = xasprintf("Enter MFA code for %s: ", serial);
	rc = p->mfa_prompt(p->mfa_ctx, prompt, code, size, err);
	free(prompt);
	if (rc != 0) {
		err_prefix(err, "AWS profile '%s': ", profile);
		return -1;
	}
	for (i = 0; code[i] != '\0'; i++)
		if (code[i] < '0' || code[i] > '9')
			break;
	if (code[i] != '\0' || i != 6)
		return err_set(err, ERR_AUTH, "AWS profile '%s': the MFA code "
		    "must be 6 digits", profile);
	return 0;
}

/*
 * Assumed roles, shared by every provider of the process: the sessions of
 * one run (check's and partitions' segments each open one) make one
 * AssumeRole and ask for one MFA code. In memory only, never on disk.
 * The lock is recursive: a chain of roles takes it once per link, and is
 * held across the fetch so that a second provider waits for the first.
 */
struct creds_role_entry {
	char			*key;
	struct creds		 creds;
	struct creds_role_entry	*next;
};

static pthread_once_t		 creds_roles_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t		 creds_roles_lock;
static struct creds_role_entry	*creds_roles;

/* Make the recursive lock, once. */
static void
creds_roles_init(void)
{
	pthread_mutexattr_t a;

	pthread_mutexattr_init(&a);
	pthread_mutexattr_settype(&a, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&creds_roles_lock, &a);
	pthread_mutexattr_destroy(&a);
}

/* The entry for key, or NULL. Lock held. */
static struct creds_role_entry *
creds_roles_find(const char *key)
{
	struct creds_role_entry *e;

	for (e = creds_roles; e != NULL; e = e->next)
		if (strcmp(e->key, key) == 0)
			return e;
	return NULL;
}

/* Keep a copy of c under key. Lock held. */
static void
creds_roles_store(const char *key, const struct creds *c)
{
	struct creds_role_entry *e = creds_roles_find(key);

	if (e == NULL) {
		e = xcalloc(1, sizeof *e);
		e->key = xstrdup(key);
		e->next = creds_roles;
		creds_roles = e;
	} else
		creds_cleanup(&e->creds);
	creds_copy(&e->creds, c);
}

/* What makes one assumed role's credentials: the profile, its settings
 * and where STS is. */
static char *
creds_role_key(const struct creds_ctx *x, const char *profile,
    const struct sts_config *sc)
{
	static const char *const keys[] = { "role_arn", "source_profile",
	    "credential_source", "external_id", "role_session_name",
	    "duration_seconds", "mfa_serial" };
	struct buf b = BUF_INIT;
	const char *v;
	size_t i;

	buf_printf(&b, "%s\n%s\n%s\n%s", awsconfig_config_path(x->cfg) ?
	    awsconfig_config_path(x->cfg) : "", profile, sc->endpoint,
	    sc->region);
	for (i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		v = creds_get(x, profile, keys[i]);
		buf_printf(&b, "\n%s", v != NULL ? v : "");
	}
	return buf_detach(&b, NULL);
}

/* Assume the role of a profile with role_arn: 0 with *out, or -1. */
static int
creds_assume_role(struct creds_ctx *x, const char *profile,
    struct creds *out, struct err *err)
{
	const char *arn = creds_get(x, profile, "role_arn");
	const char *sp = creds_get(x, profile, "source_profile");
	const char *cs = creds_get(x, profile, "credential_source");
	const char *mfa = creds_get(x, profile, "mfa_serial");
	struct creds_role_entry *hit;
	struct creds src;
	struct sts_config sc;
	struct sts_role role;
	char code[16] = "", *session = NULL, *key;
	int n, rc = -1;

	memset(&src, 0, sizeof src);
	memset(&role, 0, sizeof role);
	if (sp != NULL && cs != NULL)
		return err_set(err, ERR_CONFIG, "AWS profile '%s' has both "
		    "source_profile and credential_source", profile);
	if (sp == NULL && cs == NULL)
		return err_set(err, ERR_CONFIG, "AWS profile '%s' has role_arn "
		    "but neither source_profile nor credential_source",
		    profile);
	if (creds_duration(x, profile, &role.duration_seconds, err) == -1)
		return -1;
	if (sp != NULL && creds_check_source(x, profile, sp, err) == -1)
		return -1;
	if (creds_sts_config(x, &sc, err) == -1)
		return -1;

	key = creds_role_key(x, profile, &sc);
	pthread_once(&creds_roles_once, creds_roles_init);
	pthread_mutex_lock(&creds_roles_lock);
	hit = creds_roles_find(key);
	if (hit != NULL && x->now < hit->creds.expiration -
	    CREDS_REFRESH_SECONDS) {
		LOG_DEBUG("AWS profile '%s': role %s as another session of "
		    "this process assumed it", profile, arn);
		creds_copy(out, &hit->creds);
		rc = 0;
		goto done;
	}
	if (cs != NULL)
		n = creds_from_credential_source(x, profile, cs, &src, err);
	else {
		x->visited[x->nvisited++] = sp;
		n = creds_from_profile(x, sp, true, &src, err);
		if (n == 0)
			err_set(err, ERR_AUTH, "AWS profile '%s': its "
			    "source_profile '%s' has no credentials", profile,
			    sp);
	}
	if (n <= 0)
		goto done;
	if (mfa != NULL && creds_mfa_code(x, profile, mfa, code, sizeof code,
	    err) == -1)
		goto done;
	role.role_arn = arn;
	role.external_id = creds_get(x, profile, "external_id");
	role.role_session_name = creds_get(x, profile, "role_session_name");
	if (role.role_session_name == NULL) {
		session = xasprintf("dynrepo-session-%lld",
		    (long long)x->now);
		role.role_session_name = session;
	}
	if (mfa != NULL) {
		role.serial_number = mfa;
		role.token_code = code;
	}
	LOG_DEBUG("AWS profile '%s': AssumeRole %s at %s with %s "
	    "credentials", profile, arn, sc.endpoint, src.source);
	if (sts_assume_role(&sc, &src, &role, out, err) == -1) {
		err_prefix(err, "AWS profile '%s': ", profile);
		goto done;
	}
	creds_detail(out, "role %s of AWS profile '%s', from %s: %s", arn,
	    profile, src.source, src.detail);
	creds_roles_store(key, out);
	rc = 0;
done:
	pthread_mutex_unlock(&creds_roles_lock);
	explicit_bzero(code, sizeof code);
	creds_cleanup(&src);
	free(session);
	free(key);
	return rc;
}

/* Web identity: 1 found, 0 not configured, -1 error. use_env lets the
 * AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN, AWS_ROLE_SESSION_NAME
 * variables come first. */
static int
creds_web_identity(struct creds_ctx *x, const char *profile, bool use_env,
    struct creds *out, struct err *err)
{
	struct creds_provider *p = x->p;
	const char *file = NULL, *arn = NULL, *name = NULL;
	struct sts_config sc;
	struct sts_role role;
	char *token = NULL, *session = NULL;
	int rc = -1;

	memset(&role, 0, sizeof role);
	if (use_env) {
		file = creds_env(p, "AWS_WEB_IDENTITY_TOKEN_FILE");
		arn = creds_env(p, "AWS_ROLE_ARN");
		name = creds_env(p, "AWS_ROLE_SESSION_NAME");
	}
	if (file == NULL)
		file = creds_get(x, profile, "web_identity_token_file");
	if (file == NULL)
		return 0;
	if (arn == NULL)
		arn = creds_get(x, profile, "role_arn");
	if (name == NULL)
		name = creds_get(x, profile, "role_session_name");
	if (arn == NULL)
		return err_set(err, ERR_CONFIG, "web identity token file %s is "
		    "set but no role: set AWS_ROLE_ARN or role_arn in AWS "
		    "profile '%s'", file, profile);
	if (creds_duration(x, profile, &role.duration_seconds, err) == -1)
		return -1;
	if (creds_sts_config(x, &sc, err) == -1)
		return -1;
	if (creds_read_token_file(file, "web identity token file", &token,
	    err) == -1)
		return -1;
	if (name == NULL) {
		session = xasprintf("dynrepo-session-%lld",
		    (long long)x->now);
		name = session;
	}
	role.role_arn = arn;
	role.role_session_name = name;
	LOG_DEBUG("AssumeRoleWithWebIdentity %s at %s, token from %s", arn,
	    sc.endpoint, file);
	if (sts_assume_role_with_web_identity(&sc, &role, token, out,
	    err) == -1)
		goto done;
	creds_detail(out, "role %s with the web identity token file %s", arn,
	    file);
	rc = 1;
done:
	creds_free_secret(token);
	free(session);
	return rc;
}

/* The container endpoint's authorization value (new), or NULL. */
static int
creds_container_auth(struct creds_ctx *x, char **out, struct err *err)
{
	const char *file, *v;

	*out = NULL;
	if ((file = creds_env(x->p,
	    "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE")) != NULL)
		return creds_read_token_file(file, "container authorization "
		    "token file (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)", out,
		    err);
	if ((v = creds_env(x->p, "AWS_CONTAINER_AUTHORIZATION_TOKEN")) ==
	    NULL)
		return 0;
	if (strpbrk(v, "\r\n") != NULL)
		return err_set(err, ERR_AUTH, "AWS_CONTAINER_AUTHORIZATION_"
		    "TOKEN holds a line break");
	*out = xstrdup(v);
	return 0;
}

/* Container credentials: 1 found, 0 not configured, -1 error. */
static int
creds_from_container(struct creds_ctx *x, struct creds *out,
    struct err *err)
{
	struct creds_provider *p = x->p;
	const char *rel = creds_env(p,
	    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI");
	const char *full = creds_env(p,
	    "AWS_CONTAINER_CREDENTIALS_FULL_URI");
	const char *host = "169.254.170.2", *test;
	struct imds_container c;
	char *url = NULL, *auth = NULL;
	int rc = -1;

	memset(&c, 0, sizeof c);
	if (rel != NULL) {
		/* a test hook: the suite's stand-in on loopback */
		test = creds_env(p, "DYNREPO_TEST_CONTAINER_HOST");
		if (test != NULL) {
			if (!imds_host_is_loopback(test) ||
			    strpbrk(test, "/?#@") != NULL)
				return err_set(err, ERR_CONFIG,
				    "DYNREPO_TEST_CONTAINER_HOST (a test hook) "
				    "must be a loopback HOST:PORT");
			host = test;
		}
		if (*rel != '/')
			return err_set(err, ERR_CONFIG,
			    "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI must start "
			    "with '/'");
		url = xasprintf("http://%s%s", host, rel);
		c.what = "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI";
	} else if (full != NULL) {
		if (!imds_container_url_allowed(full))
			return err_set(err, ERR_CONFIG,
			    "AWS_CONTAINER_CREDENTIALS_FULL_URI: only http(s) "
			    "to a loopback host or to 169.254.170.2, "
			    "169.254.170.23 or [fd00:ec2::23] is allowed");
		if (creds_container_auth(x, &auth, err) == -1)
			return -1;
		url = xstrdup(full);
		c.what = "AWS_CONTAINER_CREDENTIALS_FULL_URI";
	} else {
		creds_looked(x, "container credentials "
		    "(AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and _FULL_URI are "
		    "not set)");
		return 0;
	}
	c.url = url;
	c.authorization = auth;
	c.http = creds_http(x);
	c.timeout_ms = x->test_timeout_ms > 0 ? x->test_timeout_ms :
	    p->metadata_timeout_ms;
	LOG_DEBUG("container credentials from %s (%s)", c.what,
	    auth != NULL ? "with an authorization token" : "no token");
	if (imds_container_credentials(&c, x->now, out, err) == 0) {
		creds_detail(out, "%s %.*s", c.what,
		    (int)strcspn(url, "?#"), url);
		rc = 1;
	}
	creds_free_secret(auth);
	free(url);
	return rc;
}

/* EC2 instance metadata: 1 found, 0 none there, -1 error. */
static int
creds_from_imds(struct creds_ctx *x, struct creds *out, struct err *err)
{
	struct creds_provider *p = x->p;
	struct imds_config ic;
	const char *v;
	double secs;
	char *end;
	int n;

	memset(&ic, 0, sizeof ic);
	v = creds_env(p, "AWS_EC2_METADATA_DISABLED");
	if (v != NULL && strcasecmp(v, "true") == 0) {
		creds_looked(x, "instance metadata (AWS_EC2_METADATA_DISABLED "
		    "is true)");
		return 0;
	}
	ic.endpoint = creds_setting(x, "AWS_EC2_METADATA_SERVICE_ENDPOINT",
	    "ec2_metadata_service_endpoint");
	if (ic.endpoint == NULL) {
		v = creds_setting(x, "AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE",
		    "ec2_metadata_service_endpoint_mode");
		if (v == NULL || strcasecmp(v, "IPv4") == 0)
			ic.endpoint = "http://169.254.169.254";
		else if (strcasecmp(v, "IPv6") == 0)
			ic.endpoint = "http://[fd00:ec2::254]";
		else
			return err_set(err, ERR_CONFIG, "instance metadata "
			    "endpoint mode '%.32s' is neither IPv4 nor IPv6",
			    v);
	}
	v = creds_setting(x, "AWS_EC2_METADATA_V1_DISABLED",
	    "ec2_metadata_v1_disabled");
	ic.v1_fallback = v != NULL && strcasecmp(v, "false") == 0;
	ic.timeout_ms = p->metadata_timeout_ms;
	v = creds_setting(x, "AWS_METADATA_SERVICE_TIMEOUT",
	    "metadata_service_timeout");
	if (ic.timeout_ms == 0 && v != NULL) {
		secs = strtod(v, &end);
		if (end == v || *end != '\0' || !(secs > 0) || secs > 60)
			return err_set(err, ERR_CONFIG, "metadata service "
			    "timeout '%.32s' is not a number of seconds from 0 "
			    "to 60", v);
		ic.timeout_ms = (long)(secs * 1000);
		if (ic.timeout_ms < 1)
			ic.timeout_ms = 1;
	}
	v = creds_setting(x, "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
	    "metadata_service_num_attempts");
	if (v != NULL) {
		ic.attempts = (int)strtol(v, &end, 10);
		if (end == v || *end != '\0' || ic.attempts < 1 ||
		    ic.attempts > 10)
			return err_set(err, ERR_CONFIG, "metadata service "
			    "attempts '%.32s' is not a number from 1 to 10", v);
	}
	if (x->test_timeout_ms > 0)
		ic.timeout_ms = x->test_timeout_ms;
	ic.http = creds_http(x);
	n = imds_get_credentials(&ic, x->now, out, err);
	if (n == 0 && err != NULL)
		creds_looked(x, "%s", err->msg);
	else if (n == 0)
		creds_looked(x, "instance metadata (%s)", ic.endpoint);
	if (n == 1)
		creds_detail(out, "instance metadata %s%s", ic.endpoint,
		    ic.v1_fallback ? " (IMDSv1 fallback allowed)" : "");
	return n;
}

/* ERR_AUTH for SSO settings: not supported, with what to do instead. */
static int
creds_check_sso(const struct creds_ctx *x, const char *profile,
    struct err *err)
{
	static const char *const sso[] = { "sso_session", "sso_start_url",
	    "sso_account_id", "sso_role_name" };
	size_t i;

	for (i = 0; i < sizeof sso / sizeof sso[0]; i++)
		if (awsconfig_get(x->cfg, profile, sso[i]) != NULL)
			return err_set(err, ERR_AUTH, "AWS profile '%s': SSO "
			    "(%s) is not supported yet; use credential_process "
			    "= aws configure export-credentials --profile %s "
			    "--format process", profile, sso[i], profile);
	return 0;
}

/* A profile's own providers, botocore's order: 1 found, 0 none, -1
 * error. source: it is some role's source_profile (keys then win over
 * its own role_arn; the environment is never read). */
static int
creds_from_profile(struct creds_ctx *x, const char *profile, bool source,
    struct creds *out, struct err *err)
{
	const char *cmd, *cpath, *kpath;
	int n;

	if (creds_get(x, profile, "role_arn") != NULL &&
	    creds_get(x, profile, "web_identity_token_file") == NULL &&
	    (!source || !creds_has_static(x, profile)))
		return creds_assume_role(x, profile, out, err) == 0 ? 1 : -1;
	if ((n = creds_web_identity(x, profile, !source && !x->explicit, out,
	    err)) != 0)
		return n;
	if (creds_check_sso(x, profile, err) != 0)
		return -1;
	if ((n = creds_from_keys(x->cfg, profile, true, out, err)) != 0)
		return n;
	cmd = creds_get(x, profile, "credential_process");
	if (cmd != NULL) {
		if (creds_from_process(x->p, profile, cmd, out, err) == -1)
			return -1;
		creds_detail(out, "credential_process of AWS profile '%s'",
		    profile);
		return 1;
	}
	if ((n = creds_from_keys(x->cfg, profile, false, out, err)) != 0)
		return n;
	cpath = awsconfig_config_path(x->cfg);
	kpath = awsconfig_credentials_path(x->cfg);
	creds_looked(x, "%s [%s] (aws_access_key_id), %s [%s%s] "
	    "(credential_process, aws_access_key_id)",
	    kpath ? kpath : "(no credentials file)", profile,
	    cpath ? cpath : "(no config file)",
	    strcmp(profile, "default") == 0 ? "" : "profile ", profile);
	return 0;
}

/* DYNREPO_TEST_TIMEOUT_MS, a test hook: the timeout of every STS and
 * metadata request (1..60000 ms), so the suite's slow stand-ins fail
 * fast. 0 when unset or out of range. */
static long
creds_test_timeout(const struct creds_provider *p)
{
	const char *v = creds_env(p, "DYNREPO_TEST_TIMEOUT_MS");
	char *end;
	long n;

	if (v == NULL)
		return 0;
	n = strtol(v, &end, 10);
	return *end == '\0' && n >= 1 && n <= 60000 ? n : 0;
}

/* The whole chain, once; fresh credentials into *out. */
static int
creds_resolve(struct creds_provider *p, struct creds *out, struct err *err)
{
	struct creds_ctx x;
	const char *profile, *cpath, *kpath;
	bool by_env;
	int rc = -1, n;

	memset(&x, 0, sizeof x);
	x.p = p;
	x.explicit = p->aws_profile != NULL;
	x.now = creds_now(p);
	x.test_timeout_ms = creds_test_timeout(p);
	if (!x.explicit) {
		if ((n = creds_from_env(p, out, err)) != 0)
			return n > 0 ? 0 : -1;
		creds_looked(&x, "environment (AWS_ACCESS_KEY_ID)");
	}
	x.cfg = awsconfig_load(p->getenv_fn, p->env_ctx, err);
	if (x.cfg == NULL)
		goto done;
	profile = awsconfig_profile_name(x.cfg, p->aws_profile);
	by_env = !x.explicit && creds_env(p, "AWS_PROFILE") != NULL;
	cpath = awsconfig_config_path(x.cfg);
	kpath = awsconfig_credentials_path(x.cfg);
	if ((x.explicit || by_env) && !awsconfig_has_profile(x.cfg, profile)) {
		err_set(err, ERR_AUTH, "AWS profile '%s' (named by %s) is in "
		    "neither %s nor %s", profile,
		    by_env ? "AWS_PROFILE" : "the repository's aws_profile",
		    cpath ? cpath : "(no config file)",
		    kpath ? kpath : "(no credentials file)");
		goto done;
	}
	x.visited[x.nvisited++] = profile;
	if ((n = creds_from_profile(&x, profile, false, out, err)) == 0 &&
	    (n = creds_from_container(&x, out, err)) == 0)
		n = creds_from_imds(&x, out, err);
	if (n > 0) {
		rc = 0;
		goto done;
	}
	if (n < 0)
		goto done;
	err_set(err, ERR_AUTH, "no AWS credentials found; looked in: %s%s",
	    buf_cstr(&x.looked), x.explicit &&
	    creds_env(p, "AWS_ACCESS_KEY_ID") ? "; AWS_ACCESS_KEY_ID is not "
	    "used because the repository profile names aws_profile" : "");
done:
	if (rc == 0)
		LOG_DEBUG("AWS credentials: %s (%s)", out->source,
		    out->detail);
	free(x.sts_endpoint);
	buf_cleanup(&x.looked);
	awsconfig_free(x.cfg);
	return rc;
}

int
creds_provider_get(struct creds_provider *p, struct creds *out,
    struct err *err)
{
	struct creds fresh;
	struct err e;
	time_t now;
	int rc = 0;

	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&p->lock);
	now = creds_now(p);
	if (p->have && (p->cached.expiration == 0 || now < p->next_refresh)) {
		creds_copy(out, &p->cached);
		goto done;
	}
	memset(&fresh, 0, sizeof fresh);
	err_clear(&e);
	if (creds_resolve(p, &fresh, &e) == 0) {
		creds_cleanup(&p->cached);
		p->cached = fresh;
		p->have = true;
		p->next_refresh = fresh.expiration - CREDS_REFRESH_SECONDS;
		if (fresh.expiration != 0 && p->next_refresh <= now) {
			/* handed out inside the margin: use them, ask again
			 * soon, not at every request */
			p->next_refresh = now + CREDS_RETRY_SECONDS;
			if (p->next_refresh >= fresh.expiration)
				p->next_refresh = fresh.expiration - 1;
		}
		creds_copy(out, &p->cached);
	} else if (p->have && now < p->cached.expiration) {
		/* the old ones still work for a few minutes */
		LOG_DEBUG("refreshing AWS credentials failed; the current "
		    "ones are kept until they expire: %s", e.msg);
		creds_cleanup(&fresh);
		p->next_refresh = now + CREDS_RETRY_SECONDS;
		if (p->next_refresh >= p->cached.expiration)
			p->next_refresh = p->cached.expiration - 1;
		creds_copy(out, &p->cached);
	} else {
		creds_cleanup(&fresh);
		if (err != NULL)
			*err = e;
		rc = -1;
	}
done:
	pthread_mutex_unlock(&p->lock);
	if (rc == 0)
		err_clear(err);
	return rc;
}

/* The signal that came while the prompt had the terminal's echo off. */
static volatile sig_atomic_t creds_prompt_signal;

static void
creds_prompt_catch(int sig)
{
	creds_prompt_signal = sig;
}

/* SIGINT and SIGTERM that would end the process as they are (their
 * default) are caught while the echo is off, so that the terminal is
 * given back first: how each was, in old[], and whether it was
 * replaced, in caught[]. A handler of the program's (a writing verb's
 * stop) already ends the read (no SA_RESTART); an ignored one stays. */
static void
creds_prompt_signals(struct sigaction old[2], bool caught[2])
{
	static const int sigs[2] = { SIGINT, SIGTERM };
	struct sigaction sa;
	int i;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = creds_prompt_catch;
	sigemptyset(&sa.sa_mask);
	creds_prompt_signal = 0;
	for (i = 0; i < 2; i++)
		caught[i] = sigaction(sigs[i], NULL, &old[i]) == 0 &&
		    old[i].sa_handler == SIG_DFL &&
		    sigaction(sigs[i], &sa, NULL) == 0;
}

/* Put back what creds_prompt_signals replaced; a signal that came meanwhile
 * then ends the process, as it would have, the terminal as it was. */
static void
creds_prompt_signals_end(const struct sigaction old[2], const bool caught[2])
{
	static const int sigs[2] = { SIGINT, SIGTERM };
	int i;

	for (i = 0; i < 2; i++)
		if (caught[i])
			sigaction(sigs[i], &old[i], NULL);
	if (creds_prompt_signal != 0)
		raise(creds_prompt_signal);
}

int
creds_prompt_tty(void *ctx, const char *prompt, char *answer, size_t size,
    struct err *err)
{
	struct termios old, quiet;
	struct sigaction old_sa[2];
	bool restore = false, eof = false, caught[2];
	size_t len = 0;
	ssize_t n;
	char c;
	int fd;

	(void)ctx;
	fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (fd == -1 || !isatty(fd)) {
		if (fd != -1)
			close(fd);
		return err_set(err, ERR_AUTH, "an MFA code is needed and there "
		    "is no terminal to ask for it on; run where a terminal is "
		    "available, or use a profile without mfa_serial");
	}
	creds_prompt_signals(old_sa, caught);
	if (tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHOE | ECHOK | ECHONL);
		quiet.c_lflag |= ICANON;
		restore = tcsetattr(fd, TCSAFLUSH, &quiet) == 0;
	}
	if (write(fd, prompt, strlen(prompt)) < 0)
		eof = true;
	while (!eof) {
		n = read(fd, &c, 1);
		/* A signal the program catches (the CLI's Ctrl-C, asking a
		 * writing verb to stop) ends the prompt: no code. */
		if (n == -1 && errno == EINTR)
			len = 0;
		if (n <= 0) {
			eof = true;
			break;
		}
		if (c == '\n' || c == '\r')
			break;
		if (len + 1 < size)
			answer[len++] = c;
	}
	answer[len < size ? len : size - 1] = '\0';
	if (restore)
		tcsetattr(fd, TCSAFLUSH, &old);
	if (write(fd, "\n", 1) < 0)
		eof = true;
	close(fd);
	creds_prompt_signals_end(old_sa, caught);
	if (eof && len == 0)
		return err_set(err, ERR_CANCELLED, "no MFA code was given");
	return 0;
}
