/* SPDX-License-Identifier: ISC */
/* Running a helper command with a deadline: credential_process. */
#ifndef DYNREPO_PROC_H
#define DYNREPO_PROC_H

#include <stddef.h>

#include "buf.h"
#include "err.h"

/*
 * Run /bin/sh -c cmd: stdin /dev/null, its own process group (a timeout
 * kills everything it started), signals at their defaults. Its stdout goes
 * into out (more than max_out bytes is an error), the first max_err bytes
 * of its stderr into errb; *status as waitpid(2) gives it. The read
 * buffers are wiped after use: the output may be a secret. -1 with
 * ERR_IO, naming the command as `what`, when it cannot run, writes too
 * much or is not done within timeout_ms (then it is killed).
 */
int	 proc_run(const char *what, const char *cmd, int timeout_ms,
	     size_t max_out, size_t max_err, struct buf *out, struct buf *errb,
	     int *status, struct err *);
/* Replace control characters so a message stays one readable line, and
 * drop trailing blanks. */
void	 proc_sanitize(struct buf *);

#endif
