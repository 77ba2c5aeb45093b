/* SPDX-License-Identifier: ISC */
/* dynrepo whoami: which AWS credentials a profile gets, and whose they are. */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cmd.h"
#include "sts.h"
#include "xmalloc.h"

/* What whoami found out; strings borrowed or owned by the caller. */
struct cmd_whoami_facts {
	const char		*profile;
	const char		*aws_profile;
	const char		*aws_profile_from;
	const struct creds	*creds;
	const struct sts_identity *id;
	const char		*sts_endpoint;
	time_t			 now;
};

/* One "name  value" line, the value escaped for the terminal. */
static void
cmd_whoami_line(const char *name, const char *value)
{
	struct buf b = BUF_INIT;

	output_escape(&b, value, strlen(value));
	printf("%-12s %s\n", name, buf_cstr(&b));
	buf_cleanup(&b);
}

/* A "name": "value" member of the JSON object (value NULL: null). */
static void
cmd_whoami_member(struct buf *b, const char *name, const char *value)
{
	buf_printf(b, "%s\"%s\": ", b->len > 1 ? ", " : "", name);
	if (value == NULL)
		buf_adds(b, "null");
	else
		buf_add_json_string(b, value, strlen(value));
}

/* Print the facts as text or as one JSON object. */
static void
cmd_whoami_print(const struct cmd_whoami_facts *f, bool json)
{
	const struct creds *c = f->creds;
	char when[64] = "", line[128];
	struct buf b = BUF_INIT;
	struct tm tm;

	if (c->expiration != 0) {
		gmtime_r(&c->expiration, &tm);
		strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
	}
	if (json) {
		buf_addc(&b, '{');
		cmd_whoami_member(&b, "profile", f->profile);
		cmd_whoami_member(&b, "aws_profile", f->aws_profile);
		cmd_whoami_member(&b, "source", c->source);
		cmd_whoami_member(&b, "detail", c->detail);
		cmd_whoami_member(&b, "expiration", c->expiration != 0 ?
		    when : NULL);
		cmd_whoami_member(&b, "account", f->id->account);
		cmd_whoami_member(&b, "arn", f->id->arn);
		cmd_whoami_member(&b, "user_id", f->id->user_id);
		cmd_whoami_member(&b, "sts_endpoint", f->sts_endpoint);
		buf_adds(&b, "}\n");
		fputs(buf_cstr(&b), stdout);
		buf_cleanup(&b);
		return;
	}
	cmd_whoami_line("profile", f->profile);
	snprintf(line, sizeof line, "%.64s (%s)", f->aws_profile,
	    f->aws_profile_from);
	cmd_whoami_line("aws profile", line);
	cmd_whoami_line("source", c->source);
	cmd_whoami_line("from", c->detail);
	if (c->expiration != 0) {
		snprintf(line, sizeof line, "%s (in %lld min)", when,
		    (long long)(c->expiration - f->now) / 60);
		cmd_whoami_line("expires", line);
	} else
		cmd_whoami_line("expires", "never (long-term keys)");
	cmd_whoami_line("account", f->id->account);
	cmd_whoami_line("arn", f->id->arn);
	if (f->id->user_id != NULL)
		cmd_whoami_line("user id", f->id->user_id);
	cmd_whoami_line("sts", f->sts_endpoint);
}

/* Ask STS whose the session's credentials are, and print f with it. */
static int
cmd_whoami_run(struct session *s, const struct cmd_common *cc,
    struct cmd_whoami_facts *f, bool json, struct err *e)
{
	const struct profile *p = s->profile;
	struct sts_identity id;
	struct sts_config sc;
	const char *region, *signing;
	struct creds c;
	char *endpoint = NULL;
	int rc = -1;

	memset(&c, 0, sizeof c);
	memset(&id, 0, sizeof id);
	if (creds_provider_get(s->creds, &c, e) == -1)
		goto done;
	region = cc->so.region != NULL ? cc->so.region :
	    awsconfig_resolve_region(s->awsconfig, p->aws_profile, p->region);
	endpoint = awsconfig_resolve_sts_endpoint(s->awsconfig,
	    p->aws_profile, region, &signing, e);
	if (endpoint == NULL)
		goto done;
	if (strncmp(endpoint, "local:", 6) == 0 ||
	    awsconfig_check_endpoint(endpoint, false, e) == -1) {
		err_set(e, ERR_CONFIG, "STS endpoint %.300s: https:// or "
		    "http:// to a loopback host is needed", endpoint);
		goto done;
	}
	memset(&sc, 0, sizeof sc);
	sc.endpoint = endpoint;
	sc.region = signing;
	sc.http = s->http;
	if (sts_get_caller_identity(&sc, &c, &id, e) == -1) {
		err_prefix(e, "credentials from %s (%s): ", c.source, c.detail);
		goto done;
	}
	f->profile = p->name;
	f->aws_profile = awsconfig_profile_name(s->awsconfig, p->aws_profile);
	if (p->aws_profile != NULL)
		f->aws_profile_from = "the profile's aws_profile";
	f->creds = &c;
	f->id = &id;
	f->sts_endpoint = endpoint;
	cmd_whoami_print(f, json);
	rc = 0;
done:
	sts_identity_cleanup(&id);
	creds_cleanup(&c);
	free(endpoint);
	return rc;
}

int
cmd_whoami_exec(const struct cmd_global *g, int argc, char **argv)
{
	static const struct option longopts[] = {
		CMD_COMMON_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	struct cmd_whoami_facts f;
	struct cmd_common cc;
	struct session s;
	const char *v;
	struct err e;
	bool json;
	int opt;

	err_clear(&e);
	cmd_common_init(&cc, g);
	while ((opt = getopt_long(argc, argv, "p:", longopts, NULL)) != -1) {
		if (cmd_common_opt(&cc, opt, optarg))
			continue;
		return cmd_usage_error("whoami", "unknown option %s",
		    argv[optind - 1]);
	}
	if (cc.help) {
		cmd_usage(cmd_find("whoami"), stdout);
		return 0;
	}
	if (optind < argc)
		return cmd_usage_error("whoami", "unexpected argument \"%s\"",
		    argv[optind]);
	if (cc.output != NULL && strcmp(cc.output, "text") != 0 &&
	    strcmp(cc.output, "json") != 0)
		return cmd_usage_error("whoami", "--output: text or json, not "
		    "\"%s\"", cc.output);
	json = cc.output != NULL && strcmp(cc.output, "json") == 0;
	if (session_open(&s, &cc.so, &e) == -1) {
		session_close(&s);
		return cmd_fail("whoami", &e);
	}
	if (s.creds == NULL) {
		printf("profile %s uses the embedded store (%s): no AWS "
		    "credentials are needed\n", s.profile->name, s.endpoint);
		session_close(&s);
		return 0;
	}
	memset(&f, 0, sizeof f);
	v = getenv("AWS_PROFILE");
	f.aws_profile_from = v != NULL && *v != '\0' ? "AWS_PROFILE" :
	    "the default";
	f.now = time(NULL);
	if (cmd_whoami_run(&s, &cc, &f, json, &e) == -1) {
		session_close(&s);
		return cmd_fail("whoami", &e);
	}
	session_close(&s);
	return 0;
}
