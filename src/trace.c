/* SPDX-License-Identifier: ISC */
/* The timing trace (DYNREPO_TRACE=FILE): named events, monotonic times. */
#include "config.h"

#include "trace.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define TRACE_QUEUE	1024		/* events waiting to be written */
#define TRACE_WORD	32

struct trace_entry {
	struct timespec	 when;
	struct timespec	 cpu;		/* of the thread that recorded it */
	char		 name[TRACE_WORD];
	char		 detail[TRACE_WORD];
};

static pthread_mutex_t	 trace_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t	 trace_cond = PTHREAD_COND_INITIALIZER;
static pthread_t	 trace_thread;
static bool		 trace_on;
static bool		 trace_quit;
static int		 trace_fd = -1;
static struct trace_entry trace_queue[TRACE_QUEUE];
static size_t		 trace_head, trace_n;	/* a ring */
static unsigned long	 trace_dropped;

/* Copy a word of the program into out, anything else made '_'. */
static void
trace_word(char out[TRACE_WORD], const char *in)
{
	size_t i;
	unsigned char ch;

	for (i = 0; in != NULL && in[i] != '\0' && i + 1 < TRACE_WORD; i++) {
		ch = (unsigned char)in[i];
		if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    (ch >= '0' && ch <= '9') || ch == '_' || ch == '.' ||
		    ch == '-')
			out[i] = (char)ch;
		else
			out[i] = '_';
	}
	out[i] = '\0';
}

/* Write all of len bytes; a failure stops nothing but this write. */
static void
trace_write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			return;
		p += n;
		len -= (size_t)n;
	}
}

/* Format n entries taken from the queue and write them out, 16 KB at a
 * time. */
static void
trace_flush(int fd, const struct trace_entry *e, size_t n)
{
	char out[16384];
	size_t len = 0, i;
	int r;

	for (i = 0; i < n; i++) {
		if (len + 128 > sizeof out) {
			trace_write_all(fd, out, len);
			len = 0;
		}
		r = snprintf(out + len, sizeof out - len,
		    "%lld.%03ld %lld.%03ld %s%s%s\n",
		    (long long)e[i].when.tv_sec * 1000000LL +
		    e[i].when.tv_nsec / 1000, e[i].when.tv_nsec % 1000,
		    (long long)e[i].cpu.tv_sec * 1000000LL +
		    e[i].cpu.tv_nsec / 1000, e[i].cpu.tv_nsec % 1000,
		    e[i].name, e[i].detail[0] != '\0' ? " " : "",
		    e[i].detail);
		if (r > 0)
			len += (size_t)r;
	}
	trace_write_all(fd, out, len);
}

/* The writer thread: take what is queued, write it without the lock. */
static void *
trace_writer(void *arg)
{
	static struct trace_entry batch[TRACE_QUEUE];
	size_t n;
	bool quit;

	(void)arg;
	for (;;) {
		pthread_mutex_lock(&trace_lock);
		while (trace_n == 0 && !trace_quit)
			pthread_cond_wait(&trace_cond, &trace_lock);
		for (n = 0; n < trace_n; n++)
			batch[n] = trace_queue[(trace_head + n) % TRACE_QUEUE];
		trace_head = (trace_head + n) % TRACE_QUEUE;
		trace_n = 0;
		quit = trace_quit;
		pthread_mutex_unlock(&trace_lock);
		trace_flush(trace_fd, batch, n);
		if (quit)
			return NULL;
	}
}

int
trace_open(const char *path, struct err *err)
{
	int fd, rc;

	trace_close();
	/* 0600 like the debug log, though it holds no data. */
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd == -1)
		return err_set(err, ERR_IO, "trace %s: %s", path,
		    strerror(errno));
	pthread_mutex_lock(&trace_lock);
	trace_fd = fd;
	trace_quit = false;
	trace_head = trace_n = 0;
	trace_dropped = 0;
	pthread_mutex_unlock(&trace_lock);
	rc = pthread_create(&trace_thread, NULL, trace_writer, NULL);
	if (rc != 0) {
		close(fd);
		trace_fd = -1;
		return err_set(err, ERR_INTERNAL, "trace thread: %s",
		    strerror(rc));
	}
	pthread_mutex_lock(&trace_lock);
	__atomic_store_n(&trace_on, true, __ATOMIC_RELAXED);
	pthread_mutex_unlock(&trace_lock);
	return 0;
}

void
trace_close(void)
{
	char line[64];
	int n;

	pthread_mutex_lock(&trace_lock);
	if (!trace_on) {
		pthread_mutex_unlock(&trace_lock);
		return;
	}
	__atomic_store_n(&trace_on, false, __ATOMIC_RELAXED);
	trace_quit = true;
	pthread_cond_signal(&trace_cond);
	pthread_mutex_unlock(&trace_lock);
	pthread_join(trace_thread, NULL);
	if (trace_dropped > 0) {
		n = snprintf(line, sizeof line, "dropped %lu\n",
		    trace_dropped);
		trace_write_all(trace_fd, line, (size_t)n);
	}
	close(trace_fd);
	trace_fd = -1;
}

bool
trace_enabled(void)
{
	return __atomic_load_n(&trace_on, __ATOMIC_RELAXED);
}

void
trace_event(const char *name, const char *detail)
{
	struct trace_entry *e;
	struct timespec now, cpu;

	if (!trace_enabled())
		return;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &cpu);
	pthread_mutex_lock(&trace_lock);
	/* Read under the lock, so that the lines' times never go back. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!trace_on) {
		pthread_mutex_unlock(&trace_lock);
		return;
	}
	if (trace_n == TRACE_QUEUE) {
		trace_dropped++;
		pthread_mutex_unlock(&trace_lock);
		return;
	}
	e = &trace_queue[(trace_head + trace_n) % TRACE_QUEUE];
	e->when = now;
	e->cpu = cpu;
	trace_word(e->name, name);
	trace_word(e->detail, detail);
	trace_n++;
	pthread_cond_signal(&trace_cond);
	pthread_mutex_unlock(&trace_lock);
}
