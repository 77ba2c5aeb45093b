/* SPDX-License-Identifier: ISC */
/* AWS credentials from the places the AWS CLI looks, in its order. */
#include "config.h"

#include "creds.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <jansson.h>

#include "awsconfig.h"
#include "buf.h"
#include "xmalloc.h"

extern char **environ;

/* Refresh credentials this close to their expiry. */
#define CREDS_REFRESH_SECONDS	300
#define CREDS_PROCESS_TIMEOUT_MS 60000
/* credential_process output larger than this is refused. */
#define CREDS_PROCESS_MAX_OUT	(1024 * 1024)
/* Bytes of a failed process's stderr kept for the message. */
#define CREDS_PROCESS_MAX_ERR	500

struct creds_provider {
	char		*aws_profile;	/* NULL: AWS_PROFILE / default */
	creds_getenv_fn	 getenv_fn;
	void		*env_ctx;
	const struct clock_ops *clock;
	int		 timeout_ms;
	pthread_mutex_t	 lock;
	bool		 have;
	struct creds	 cached;
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
	free(p->aws_profile);
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

/* Milliseconds of the monotonic clock. */
static long long
creds_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read what is there from fd into b; keep at most max bytes (the rest is
 * drained). Returns 0 at EOF, 1 for more, -1 on error. */
static int
creds_drain(int fd, struct buf *b, size_t max, bool *overflow)
{
	char chunk[4096];
	ssize_t n;
	size_t keep;

	n = read(fd, chunk, sizeof chunk);
	if (n == -1)
		return errno == EINTR || errno == EAGAIN ? 1 : -1;
	if (n == 0)
		return 0;
	keep = b->len < max ? max - b->len : 0;
	if (keep > (size_t)n)
		keep = (size_t)n;
	else if (keep < (size_t)n)
		*overflow = true;
	buf_add(b, chunk, keep);
	explicit_bzero(chunk, sizeof chunk);
	return 1;
}

/* Replace control characters so a message stays one readable line. */
static void
creds_sanitize(struct buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if ((unsigned char)b->data[i] < 0x20 ||
		    b->data[i] == 0x7f)
			b->data[i] = ' ';
	while (b->len > 0 && b->data[b->len - 1] == ' ')
		b->data[--b->len] = '\0';
}

/* Start /bin/sh -c cmd with stdout and stderr to the pipes. */
static int
creds_spawn(const char *cmd, int outfd, int errfd, pid_t *pid,
    struct err *err)
{
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", (char *)cmd, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dflt;
	int rc;

	sigemptyset(&none);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGPIPE);
	sigaddset(&dflt, SIGINT);
	sigaddset(&dflt, SIGQUIT);
	sigaddset(&dflt, SIGTERM);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, outfd, 1);
	posix_spawn_file_actions_adddup2(&fa, errfd, 2);
	posix_spawnattr_init(&attr);
	/* its own process group, so a timeout kills all it started */
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dflt);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		*pid = -1;
		return err_set(err, ERR_AUTH, "credential_process: cannot "
		    "start /bin/sh: %s", strerror(rc));
	}
	return 0;
}

/* Wait for the child until the deadline, then kill its process group.
 * Returns false when it had to be killed. */
static bool
creds_reap(pid_t pid, long long deadline, int *status)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		/* ECHILD: reaped elsewhere (a SIGCHLD handler); nothing
		 * left to wait for */
		if (r == pid || (r == -1 && errno != EINTR))
			return true;
		if (creds_monotonic_ms() >= deadline)
			break;
		nanosleep(&nap, NULL);
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, status, 0) == -1 && errno == EINTR)
		continue;
	return false;
}

/* Run cmd; its stdout into out, the start of its stderr into errb. */
static int
creds_run(const char *cmd, int timeout_ms, struct buf *out, struct buf *errb,
    int *status, struct err *err)
{
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, rc = -1, n, i;
	bool overflow = false, errover = false;
	struct pollfd pfd[2];
	long long deadline, left;
	pid_t pid = -1;

	if (pipe2(outp, O_CLOEXEC) == -1 || pipe2(errp, O_CLOEXEC) == -1) {
		err_set(err, ERR_IO, "credential_process: pipe: %s",
		    strerror(errno));
		goto done;
	}
	if (creds_spawn(cmd, outp[1], errp[1], &pid, err) != 0)
		goto done;
	close(outp[1]);
	close(errp[1]);
	outp[1] = errp[1] = -1;
	deadline = creds_monotonic_ms() + timeout_ms;
	pfd[0].fd = outp[0];
	pfd[1].fd = errp[0];
	while ((pfd[0].fd != -1 || pfd[1].fd != -1) && !overflow) {
		if ((left = deadline - creds_monotonic_ms()) <= 0)
			break;
		pfd[0].events = pfd[1].events = POLLIN;
		n = poll(pfd, 2, (int)left);
		if (n == -1 && errno != EINTR) {
			err_set(err, ERR_IO, "credential_process: poll: %s",
			    strerror(errno));
			goto done;
		}
		for (i = 0; i < 2 && n > 0; i++) {
			if (pfd[i].fd == -1 || pfd[i].revents == 0)
				continue;
			if (creds_drain(pfd[i].fd, i == 0 ? out : errb,
			    i == 0 ? CREDS_PROCESS_MAX_OUT :
			    CREDS_PROCESS_MAX_ERR,
			    i == 0 ? &overflow : &errover) <= 0)
				pfd[i].fd = -1;
		}
	}
	if (overflow) {
		err_set(err, ERR_AUTH, "credential_process wrote more than %d "
		    "bytes", CREDS_PROCESS_MAX_OUT);
		goto done;
	}
	if (pfd[0].fd != -1 || pfd[1].fd != -1) {
		err_set(err, ERR_AUTH, "credential_process did not finish "
		    "within %d ms", timeout_ms);
		goto done;
	}
	/* the output may end before the process does */
	if (!creds_reap(pid, deadline, status)) {
		pid = -1;
		err_set(err, ERR_AUTH, "credential_process did not finish "
		    "within %d ms", timeout_ms);
		goto done;
	}
	pid = -1;
	rc = 0;
done:
	if (pid != -1) {
		/* an error before it ended: stop it now */
		creds_reap(pid, 0, status);
	}
	if (outp[0] != -1)
		close(outp[0]);
	if (outp[1] != -1)
		close(outp[1]);
	if (errp[0] != -1)
		close(errp[0]);
	if (errp[1] != -1)
		close(errp[1]);
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
	if (creds_run(cmd, p->timeout_ms, &o, &e, &status, err) != 0) {
		err_prefix(err, "AWS profile '%s': ", profile);
		goto done;
	}
	creds_sanitize(&e);
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
	return 1;
}

/* ERR_AUTH when the profile needs a provider not written yet. */
static int
creds_check_unsupported(const struct awsconfig *cfg, const char *profile,
    struct err *err)
{
	static const char *const sso[] = { "sso_session", "sso_start_url",
	    "sso_account_id", "sso_role_name" };
	size_t i;

	if (awsconfig_get(cfg, profile, "role_arn") != NULL)
		return err_set(err, ERR_AUTH, "AWS profile '%s': role_arn "
		    "(assume role) is not supported yet; use "
		    "credential_process (for example 'aws configure "
		    "export-credentials --profile %s --format process') in "
		    "another profile", profile, profile);
	if (awsconfig_get(cfg, profile, "web_identity_token_file") != NULL)
		return err_set(err, ERR_AUTH, "AWS profile '%s': "
		    "web_identity_token_file is not supported yet; use "
		    "credential_process", profile);
	for (i = 0; i < sizeof sso / sizeof sso[0]; i++)
		if (awsconfig_get(cfg, profile, sso[i]) != NULL)
			return err_set(err, ERR_AUTH, "AWS profile '%s': SSO "
			    "(%s) is not supported yet; use credential_process "
			    "= aws configure export-credentials --profile %s "
			    "--format process", profile, sso[i], profile);
	return 0;
}

/* The whole chain, once; fresh credentials into *out. */
static int
creds_resolve(struct creds_provider *p, struct creds *out, struct err *err)
{
	struct awsconfig *cfg = NULL;
	const char *profile, *cmd, *cpath, *kpath;
	bool by_env;
	int rc = -1, n;

	if (p->aws_profile == NULL) {
		if ((n = creds_from_env(p, out, err)) != 0)
			return n > 0 ? 0 : -1;
		if (creds_env(p, "AWS_WEB_IDENTITY_TOKEN_FILE") != NULL)
			return err_set(err, ERR_AUTH, "web identity "
			    "credentials (AWS_WEB_IDENTITY_TOKEN_FILE) are not "
			    "supported yet; set AWS_ACCESS_KEY_ID and "
			    "AWS_SECRET_ACCESS_KEY or use credential_process");
	}
	cfg = awsconfig_load(p->getenv_fn, p->env_ctx, err);
	if (cfg == NULL)
		return -1;
	profile = awsconfig_profile_name(cfg, p->aws_profile);
	by_env = p->aws_profile == NULL && creds_env(p, "AWS_PROFILE") != NULL;
	cpath = awsconfig_config_path(cfg);
	kpath = awsconfig_credentials_path(cfg);
	if ((p->aws_profile != NULL || by_env) &&
	    !awsconfig_has_profile(cfg, profile)) {
		err_set(err, ERR_AUTH, "AWS profile '%s' (named by %s) is in "
		    "neither %s nor %s", profile,
		    by_env ? "AWS_PROFILE" : "the repository's aws_profile",
		    cpath ? cpath : "(no config file)",
		    kpath ? kpath : "(no credentials file)");
		goto done;
	}
	if (creds_check_unsupported(cfg, profile, err) != 0)
		goto done;
	if ((n = creds_from_keys(cfg, profile, true, out, err)) != 0) {
		rc = n > 0 ? 0 : -1;
		goto done;
	}
	cmd = awsconfig_get(cfg, profile, "credential_process");
	if (cmd != NULL && *cmd != '\0') {
		rc = creds_from_process(p, profile, cmd, out, err);
		goto done;
	}
	if ((n = creds_from_keys(cfg, profile, false, out, err)) != 0) {
		rc = n > 0 ? 0 : -1;
		goto done;
	}
	err_set(err, ERR_AUTH, "no AWS credentials found; looked in: %s%s "
	    "[%s] (aws_access_key_id), %s [%s%s] (credential_process, "
	    "aws_access_key_id)%s; container and instance metadata "
	    "credentials are not supported yet",
	    p->aws_profile ? "" : "environment (AWS_ACCESS_KEY_ID), ",
	    kpath ? kpath : "(no credentials file)", profile,
	    cpath ? cpath : "(no config file)",
	    strcmp(profile, "default") == 0 ? "" : "profile ", profile,
	    p->aws_profile && creds_env(p, "AWS_ACCESS_KEY_ID") ?
	    "; AWS_ACCESS_KEY_ID is not used because the repository "
	    "profile names aws_profile" : "");
done:
	awsconfig_free(cfg);
	return rc;
}

int
creds_provider_get(struct creds_provider *p, struct creds *out,
    struct err *err)
{
	struct creds fresh;
	time_t now;
	int rc = 0;

	memset(out, 0, sizeof *out);
	pthread_mutex_lock(&p->lock);
	now = creds_now(p);
	if (p->have && (p->cached.expiration == 0 ||
	    now < p->cached.expiration - CREDS_REFRESH_SECONDS)) {
		creds_copy(out, &p->cached);
		goto done;
	}
	memset(&fresh, 0, sizeof fresh);
	if (creds_resolve(p, &fresh, err) == 0) {
		creds_cleanup(&p->cached);
		p->cached = fresh;
		p->have = true;
		creds_copy(out, &p->cached);
	} else if (p->have && now < p->cached.expiration) {
		/* the old ones still work for a few minutes */
		creds_cleanup(&fresh);
		creds_copy(out, &p->cached);
	} else {
		creds_cleanup(&fresh);
		rc = -1;
	}
done:
	pthread_mutex_unlock(&p->lock);
	if (rc == 0)
		err_clear(err);
	return rc;
}
