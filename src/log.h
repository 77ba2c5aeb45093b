/* SPDX-License-Identifier: ISC */
/* The debug log (-v, DYNREPO_LOG=FILE): timestamped lines naming __func__. */
#ifndef DYNREPO_LOG_H
#define DYNREPO_LOG_H

#include <stdbool.h>

#include "err.h"

/* Start logging to the file at path (created 0600, appended to), or to
 * stderr when path is NULL. Replaces a log already open. -1 with ERR_IO
 * when the file cannot be opened; logging then stays as it was. */
int	 log_open(const char *path, struct err *);
/* Stop logging and close the file; a no-op when no log is open. */
void	 log_close(void);
/* Whether a log is open, to skip building expensive messages. */
bool	 log_enabled(void);

/* Write one line "2026-11-25T09:14:03.512345Z func: message". Control
 * characters in the message are escaped, so one call is one line. Callers
 * never pass secrets: no Authorization, secret keys or tokens. Safe from
 * any thread; a no-op when no log is open. */
void	 log_debug(const char *func, const char *fmt, ...)
	     __attribute__((format(printf, 2, 3)));

/* log_debug with the calling function's name. */
#define LOG_DEBUG(...) log_debug(__func__, __VA_ARGS__)

#endif
