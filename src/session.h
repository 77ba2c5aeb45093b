/* SPDX-License-Identifier: ISC */
/* An open repository: a profile wired to its store, credentials and client. */
#ifndef DYNREPO_SESSION_H
#define DYNREPO_SESSION_H

#include <stdbool.h>

#include "awsclient.h"
#include "awsconfig.h"
#include "creds.h"
#include "err.h"
#include "http.h"
#include "journal.h"
#include "profile.h"
#include "repo.h"
#include "schema.h"
#include "store.h"

struct session_options {
	const char	*profiles_dir;	/* --profiles, or NULL */
	const char	*profile;	/* -p: a name or a path */
	const char	*endpoint;	/* overrides, or NULL */
	const char	*table;
	const char	*region;
	/* Asks for an MFA code when an assumed role has mfa_serial; NULL:
	 * such profiles fail with a clear message. The CLI passes
	 * creds_prompt_tty; the TUI must not (curses owns the terminal). */
	creds_prompt_fn	 mfa_prompt;
	void		*mfa_ctx;
	/* Told what deserves a look but does not stop the work: a profile
	 * file others can change, AWS secrets others can read. NULL: not
	 * told. The CLI prints to stderr; the TUI shows it. */
	void		(*warn)(void *ctx, const char *msg);
	void		*warn_ctx;
	/* For DynamoDB requests: told before each wait to retry, and the
	 * clock whose sleep_ms is that wait (the TUI's is cancellable).
	 * NULL: nobody told; the system clock. */
	void		(*on_retry)(void *ctx, const struct awsclient_retry *);
	void		*on_retry_ctx;
	const struct clock_ops *clock;
	/* The journal of writes: on unless no_journal; journal_path NULL is
	 * the default file under $XDG_STATE_HOME/dynrepo. */
	bool		 no_journal;
	const char	*journal_path;
	/* BatchWriteItem requests in flight at once (put, import, delete),
	 * 1..REPO_IN_FLIGHT_MAX, each on its own connection: in_flight
	 * (--in-flight), else the profile's, else in_flight_env
	 * (DYNREPO_IN_FLIGHT), else REPO_IN_FLIGHT_DEFAULT; 0: unset. */
	int		 in_flight;
	int		 in_flight_env;
	/* Ask DynamoDB for the capacity each request consumes, for whoever
	 * shows it (the browser); asked too while requests are logged (-v,
	 * DYNREPO_LOG). Unasked, a request asks for nothing that is not
	 * used: a server does less for it (dynalite sizes each item once
	 * more to count capacity). */
	bool		 capacity;
	/* The repository's repo_config.stop (borrowed; NULL: none). */
	const volatile sig_atomic_t *stop;
};

struct session {
	struct profile_set	*profiles;
	const struct profile	*profile;	/* borrowed from profiles */
	struct awsconfig	*awsconfig;
	struct creds_provider	*creds;
	struct http_ops		*http;
	struct awsclient	*client;	/* clients[0] */
	/* The caller's client and one per request in flight, each with its
	 * own transport (https[0] is http). */
	struct awsclient	**clients;
	struct http_ops		**https;
	int			 nclients;
	struct store		*store;
	struct repo		*repo;
	/* The profile's model, or NULL. */
	struct schema		*schema;
	struct journal		*journal;	/* NULL when turned off */
	char			*endpoint;	/* as resolved */
	char			*region;
};

/* Load the profiles, find the one asked for, load its model (the
 * profile's schema, when it names one) and connect its store (no
 * request is sent yet). -1 with err: ERR_USAGE (no -p), ERR_NOT_FOUND,
 * ERR_CONFIG (a broken profile, a bad endpoint, no region). The session is
 * always left safe for session_close. */
int	 session_open(struct session *, const struct session_options *,
	     struct err *);
void	 session_close(struct session *);

/* The profiles of the search path, for `dynrepo profiles`. */
struct profile_set *session_load_profiles(const char *profiles_dir);

#endif
