/* SPDX-License-Identifier: ISC */
/* The timing trace (DYNREPO_TRACE=FILE): named events, monotonic times. */
#ifndef DYNREPO_TRACE_H
#define DYNREPO_TRACE_H

#include <stdbool.h>

#include "err.h"

/*
 * A trace is one line per event, "MICROSECONDS CPU NAME [DETAIL]": the
 * time of CLOCK_MONOTONIC and the CPU time of the thread that recorded
 * the event, both in microseconds (three decimals), the event's name and
 * an optional detail such as a DynamoDB operation. Names and details are
 * words of the program, never data: any byte outside [A-Za-z0-9_.-] is
 * written as '_', so an item, a key or a secret cannot reach the file.
 *
 * trace_event never waits on the file: it copies the event into a queue
 * under a lock and a thread of the trace's own writes the queue out. When
 * the queue is full the event is dropped and counted; trace_close writes
 * the count ("dropped N").
 */

/* Start tracing to the file at path (created 0600, truncated) with its
 * writer thread. -1 with ERR_IO when the file cannot be opened or
 * ERR_INTERNAL when the thread cannot be started; tracing stays off. */
int	 trace_open(const char *path, struct err *);
/* Write what is queued, stop the thread, close the file; a no-op when no
 * trace is open. */
void	 trace_close(void);
/* Whether a trace is open. */
bool	 trace_enabled(void);

/* Record the event now: name and detail (NULL: none) are words of the
 * program, at most 31 bytes each are kept. Safe from any thread; a no-op
 * when no trace is open; cannot fail. */
void	 trace_event(const char *name, const char *detail);

#endif
