/* SPDX-License-Identifier: ISC */
/* Error reports for everything that comes from outside: a code and a
 * message. */
#ifndef DYNREPO_ERR_H
#define DYNREPO_ERR_H

#include <stdarg.h>

enum err_code {
	ERR_OK = 0,
	ERR_USAGE,		/* bad command line */
	ERR_INPUT,		/* bad input data: JSON, numbers, ids, values */
	ERR_CONFIG,		/* profile, schema or AWS config problem */
	ERR_NOT_FOUND,		/* the item (or file) does not exist */
	ERR_CONFLICT,		/* version or existence condition failed */
	ERR_READ_ONLY,		/* a write on a read-only profile */
	ERR_AUTH,		/* no or bad credentials, signature problems */
	ERR_ACCESS_DENIED,	/* the credentials lack a permission */
	ERR_THROTTLED,		/* throttling outlasted the retries */
	ERR_NETWORK,		/* connection, TLS, timeout */
	ERR_OUTCOME_UNKNOWN,	/* a write may or may not have happened */
	ERR_SERVICE,		/* DynamoDB answered with another error */
	ERR_IO,			/* local files, pipes, processes */
	ERR_CANCELLED,		/* the person asked to stop */
	ERR_INTERNAL,		/* a bug: an invariant did not hold */
	ERR_CODE_COUNT
};

/* Whether a failed request may have been carried out: what a journal
 * needs to know of a write that failed. */
enum err_applied {
	ERR_APPLIED_UNSAID = 0,	/* no word: the code decides */
	ERR_APPLIED_NO,		/* refused (a 4xx answer), or never sent */
	ERR_APPLIED_MAYBE,	/* sent, and no answer says it was not: a
				   connection lost or a timeout after
				   sending, a 500, 502 or 504, a 200 that
				   failed its checksum */
	ERR_APPLIED_YES		/* carried out: what failed came after the
				   write (its journal entry) */
};

struct err {
	enum err_code	 code;
	enum err_applied applied;	/* err_set: ERR_APPLIED_UNSAID */
	int		 http_status;	/* 0 when no HTTP answer */
	char		 aws_type[96];	/* DynamoDB __type short name, or "" */
	char		 msg[1024];	/* never holds a secret */
};

/* Reset to ERR_OK; err may be NULL. */
void	 err_clear(struct err *);
/* Record code and message; err may be NULL. Returns -1 so callers can
 * write "return err_set(...)". */
int	 err_set(struct err *, enum err_code, const char *, ...)
	     __attribute__((format(printf, 3, 4)));
int	 err_vset(struct err *, enum err_code, const char *, va_list);
/* Put context in front of the message: "line 3: " + old message. */
void	 err_prefix(struct err *, const char *, ...)
	     __attribute__((format(printf, 2, 3)));
/* "usage", "input", ... ; cannot fail. */
const char *err_code_name(enum err_code);
/* The CLI's exit code for a code: 0 ok, 1 failed, 2 usage/input,
 * 3 conflict, 4 auth/permission. */
int	 err_exit_code(enum err_code);

#endif
