/* SPDX-License-Identifier: ISC */
/* An open repository: a profile wired to its store, credentials and client. */
#include "config.h"

#include "session.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "log.h"
#include "store_dynamodb.h"
#include "store_local.h"
#include "xmalloc.h"

#ifndef DYNREPO_PROFILES_DIR
#define DYNREPO_PROFILES_DIR "/usr/local/share/dynrepo/profiles"
#endif

struct profile_set *
session_load_profiles(const char *profiles_dir)
{
	return profile_set_load(profiles_dir, DYNREPO_PROFILES_DIR, NULL,
	    NULL);
}

static void session_open_repo(struct session *, const struct profile *,
    const char *, const struct session_options *);
static int session_in_flight(const struct session_options *,
    const struct profile *);
static void session_open_clients(struct session *,
    const struct awsclient_config *, const struct http_options *,
    const struct clock_ops *, int);

/* A profile file others may change could send the person's credentials
 * and writes anywhere: say so. */
static void
session_check_profile_mode(const struct session_options *opt,
    const struct profile *p)
{
	struct stat sb;
	char *msg;

	if (opt->warn == NULL || p->file == NULL ||
	    stat(p->file, &sb) == -1 ||
	    (sb.st_mode & (S_IWGRP | S_IWOTH)) == 0)
		return;
	msg = xasprintf("profile %s: %s can be changed by other users "
	    "(mode %04o); chmod go-w %s", p->name, p->file,
	    (unsigned)(sb.st_mode & 07777), p->file);
	opt->warn(opt->warn_ctx, msg);
	free(msg);
}

int
session_open(struct session *s, const struct session_options *opt,
    struct err *e)
{
	const struct profile *p;
	struct awsclient_config ac;
	struct creds_options co;
	struct http_options ho;
	const char *region, *table, *ca;
	int max_attempts;

	memset(s, 0, sizeof *s);
	if (opt->profile == NULL)
		return err_set(e, ERR_USAGE, "no profile given: use -p NAME "
		    "(see `dynrepo profiles`) or -p FILE.ini");
	if (profile_arg_is_path(opt->profile)) {
		s->profiles = profile_load_path(opt->profile);
		if (profile_set_lookup(s->profiles, NULL, &p, e) == -1)
			return -1;
	} else {
		s->profiles = session_load_profiles(opt->profiles_dir);
		if (profile_set_lookup(s->profiles, opt->profile, &p, e) == -1)
			return -1;
	}
	s->profile = p;
	session_check_profile_mode(opt, p);
	if (p->schema != NULL) {
		s->schema = schema_load(p->schema, e);
		if (s->schema == NULL) {
			err_prefix(e, "profile %s: schema: ", p->name);
			if (e != NULL)
				e->code = ERR_CONFIG;
			return -1;
		}
	}

	s->awsconfig = awsconfig_load(NULL, NULL, e);
	if (s->awsconfig == NULL)
		return -1;
	if (opt->warn != NULL)
		awsconfig_check_modes(s->awsconfig, opt->warn, opt->warn_ctx);
	region = opt->region != NULL ? opt->region :
	    awsconfig_resolve_region(s->awsconfig, p->aws_profile, p->region);
	s->region = xstrdup(region != NULL ? region : "us-east-1");
	s->endpoint = awsconfig_resolve_endpoint(s->awsconfig, p->aws_profile,
	    opt->endpoint != NULL ? opt->endpoint : p->endpoint, region, e);
	if (s->endpoint == NULL)
		return -1;
	table = opt->table != NULL ? opt->table : p->table;
	/* Nothing is opened until the first write. */
	if (!opt->no_journal)
		s->journal = journal_new(opt->journal_path, NULL);
	if (strncmp(s->endpoint, "local:", 6) == 0) {
		/* The embedded store: no credentials, no network. */
		s->store = store_local_open(s->endpoint + 6, e);
		if (s->store == NULL) {
			err_prefix(e, "profile %s: ", p->name);
			return -1;
		}
		session_open_repo(s, p, table, opt);
		return 0;
	}
	if (awsconfig_check_endpoint(s->endpoint, p->allow_http, e) == -1) {
		err_prefix(e, "profile %s: ", p->name);
		return -1;
	}
	if (awsconfig_resolve_max_attempts(s->awsconfig, p->aws_profile,
	    p->max_attempts, &max_attempts, e) == -1)
		return -1;
	ca = awsconfig_resolve_ca_bundle(s->awsconfig, p->aws_profile,
	    p->ca_bundle);

	memset(&ho, 0, sizeof ho);
	ho.ca_bundle = ca;
	s->http = http_new_curl(&ho);
	/* STS (assumed roles, web identity) goes to the session's region
	 * and trusts the same CA bundle as DynamoDB */
	memset(&co, 0, sizeof co);
	co.aws_profile = p->aws_profile;
	co.ca_bundle = ca;
	co.region = region;
	co.mfa_prompt = opt->mfa_prompt;
	co.mfa_ctx = opt->mfa_ctx;
	s->creds = creds_provider_new_ex(&co);

	memset(&ac, 0, sizeof ac);
	ac.endpoint = s->endpoint;
	ac.region = s->region;
	ac.service = "dynamodb";
	ac.target_prefix = "DynamoDB_20120810";
	ac.max_attempts = max_attempts;
	ac.connect_timeout_ms = 5000;
	ac.timeout_ms = 60000;
	ac.on_retry = opt->on_retry;
	ac.on_retry_ctx = opt->on_retry_ctx;
	/* The first client stays the caller's (a write's before-images,
	 * a delete's Query) while in_flight others carry BatchWriteItems. */
	session_open_clients(s, &ac, &ho, opt->clock,
	    session_in_flight(opt, p) + 1);
	s->store = store_dynamodb_new_lanes(s->clients, (size_t)s->nclients);
	/* Logged requests say what they consumed, whoever opened them. */
	store_dynamodb_ask_capacity(s->store, opt->capacity || log_enabled());
	session_open_repo(s, p, table, opt);
	return 0;
}

/* How many BatchWriteItems a batch write keeps in flight. */
static int
session_in_flight(const struct session_options *opt, const struct profile *p)
{
	if (opt->in_flight > 0)
		return opt->in_flight;
	if (p->in_flight > 0)
		return p->in_flight;
	if (opt->in_flight_env > 0)
		return opt->in_flight_env;
	return REPO_IN_FLIGHT_DEFAULT;
}

/* The caller's client and one per request in flight: the first over
 * the session's transport, the others each over a transport of their own
 * (a libcurl handle, hence a connection, serves one request at a time).
 * They share the credentials, whose provider is thread-safe. */
static void
session_open_clients(struct session *s, const struct awsclient_config *ac,
    const struct http_options *ho, const struct clock_ops *clock, int n)
{
	int i;

	s->clients = xcalloc((size_t)n, sizeof *s->clients);
	s->https = xcalloc((size_t)n, sizeof *s->https);
	s->nclients = n;
	for (i = 0; i < n; i++) {
		s->https[i] = i == 0 ? s->http : http_new_curl(ho);
		s->clients[i] = awsclient_new(ac, s->https[i], s->creds,
		    clock);
		if (i > 0)
			awsclient_share(s->clients[i], s->clients[0]);
	}
	s->client = s->clients[0];
}

/* The repository of profile p over the session's store. */
static void
session_open_repo(struct session *s, const struct profile *p,
    const char *table, const struct session_options *opt)
{
	struct repo_config rc;

	memset(&rc, 0, sizeof rc);
	rc.table = table;
	rc.partition_key = p->partition_key;
	rc.sort_key = p->sort_key;
	rc.partition_prefix = p->partition_prefix;
	rc.partition_name = p->partition_name;
	rc.content_type = p->content_type;
	rc.consistent_reads = p->consistent_reads;
	rc.read_only = p->read_only;
	rc.name = p->name;
	rc.journal = s->journal;
	rc.in_flight = session_in_flight(opt, p);
	rc.stop = opt->stop;
	s->repo = repo_new(&rc, s->store, NULL);
}

void
session_close(struct session *s)
{
	int i;

	repo_free(s->repo);
	journal_free(s->journal);
	schema_free(s->schema);
	store_free(s->store);
	for (i = 0; i < s->nclients; i++) {
		awsclient_free(s->clients[i]);
		if (i > 0)
			http_free(s->https[i]);
	}
	free(s->clients);
	free(s->https);
	creds_provider_free(s->creds);
	if (s->http != NULL)
		http_free(s->http);
	awsconfig_free(s->awsconfig);
	profile_set_free(s->profiles);
	free(s->endpoint);
	free(s->region);
	memset(s, 0, sizeof *s);
}
