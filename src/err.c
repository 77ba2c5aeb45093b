/* SPDX-License-Identifier: ISC */
/* Error reports for everything that comes from outside: a code and a
 * message. */
#include "config.h"

#include "err.h"

#include <stdio.h>
#include <string.h>

static const char *const err_names[ERR_CODE_COUNT] = {
	[ERR_OK] = "ok",
	[ERR_USAGE] = "usage",
	[ERR_INPUT] = "bad input",
	[ERR_CONFIG] = "configuration",
	[ERR_NOT_FOUND] = "not found",
	[ERR_CONFLICT] = "conflict",
	[ERR_READ_ONLY] = "read-only",
	[ERR_AUTH] = "authentication",
	[ERR_ACCESS_DENIED] = "access denied",
	[ERR_THROTTLED] = "throttled",
	[ERR_NETWORK] = "network",
	[ERR_OUTCOME_UNKNOWN] = "outcome unknown",
	[ERR_SERVICE] = "service",
	[ERR_IO] = "i/o",
	[ERR_CANCELLED] = "cancelled",
	[ERR_INTERNAL] = "internal",
};

void
err_clear(struct err *e)
{
	if (e == NULL)
		return;
	e->code = ERR_OK;
	e->applied = ERR_APPLIED_UNSAID;
	e->http_status = 0;
	e->aws_type[0] = '\0';
	e->msg[0] = '\0';
}

int
err_vset(struct err *e, enum err_code code, const char *fmt, va_list ap)
{
	if (e == NULL)
		return -1;
	err_clear(e);
	e->code = code;
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	return -1;
}

int
err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	err_vset(e, code, fmt, ap);
	va_end(ap);
	return -1;
}

void
err_prefix(struct err *e, const char *fmt, ...)
{
	char old[sizeof e->msg];
	size_t n;
	va_list ap;

	if (e == NULL)
		return;
	memcpy(old, e->msg, sizeof old);
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof e->msg, fmt, ap);
	va_end(ap);
	n = strlen(e->msg);
	if (n + 1 < sizeof e->msg) {
		size_t room = sizeof e->msg - n - 1, len = strlen(old);

		memcpy(e->msg + n, old, len < room ? len : room);
		e->msg[n + (len < room ? len : room)] = '\0';
	}
}

const char *
err_code_name(enum err_code code)
{
	if ((unsigned)code >= ERR_CODE_COUNT)
		return "unknown";
	return err_names[code];
}

int
err_exit_code(enum err_code code)
{
	switch (code) {
	case ERR_OK:
		return 0;
	case ERR_USAGE:
	case ERR_INPUT:
	case ERR_CONFIG:
	case ERR_READ_ONLY:
		return 2;
	case ERR_CONFLICT:
		return 3;
	case ERR_AUTH:
	case ERR_ACCESS_DENIED:
		return 4;
	default:
		return 1;
	}
}
