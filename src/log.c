/* SPDX-License-Identifier: ISC */
/* The debug log (-v, DYNREPO_LOG=FILE): timestamped lines naming __func__. */
#include "config.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"

static pthread_mutex_t	 log_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE		*log_file;	/* NULL: logging is off */
static bool		 log_own_file;	/* log_file is ours to fclose */

/* Close the current log; the caller holds log_lock. */
static void
log_close_locked(void)
{
	if (log_file != NULL && log_own_file)
		fclose(log_file);
	log_file = NULL;
	log_own_file = false;
}

int
log_open(const char *path, struct err *err)
{
	FILE *f;
	int fd;

	if (path == NULL) {
		pthread_mutex_lock(&log_lock);
		log_close_locked();
		log_file = stderr;
		pthread_mutex_unlock(&log_lock);
		return 0;
	}
	/* 0600: the log holds table names and keys of items people opened. */
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
	if (fd == -1)
		return err_set(err, ERR_IO, "debug log %s: %s", path,
		    strerror(errno));
	f = fdopen(fd, "a");
	if (f == NULL) {
		close(fd);
		return err_set(err, ERR_IO, "debug log %s: %s", path,
		    strerror(errno));
	}
	pthread_mutex_lock(&log_lock);
	log_close_locked();
	log_file = f;
	log_own_file = true;
	pthread_mutex_unlock(&log_lock);
	return 0;
}

void
log_close(void)
{
	pthread_mutex_lock(&log_lock);
	log_close_locked();
	pthread_mutex_unlock(&log_lock);
}

bool
log_enabled(void)
{
	bool on;

	pthread_mutex_lock(&log_lock);
	on = log_file != NULL;
	pthread_mutex_unlock(&log_lock);
	return on;
}

/* Append s to b with control characters escaped as \xNN. */
static void
log_escape(struct buf *b, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p == 0x7f)
			buf_printf(b, "\\x%02x", *p);
		else
			buf_addc(b, (char)*p);
	}
}

void
log_debug(const char *func, const char *fmt, ...)
{
	struct buf msg = BUF_INIT, line = BUF_INIT;
	struct timespec ts;
	struct tm tm;
	va_list ap;

	if (!log_enabled())
		return;
	va_start(ap, fmt);
	buf_vprintf(&msg, fmt, ap);
	va_end(ap);

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	buf_printf(&line, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ %s: ",
	    tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
	    tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000, func);
	log_escape(&line, buf_cstr(&msg));
	buf_addc(&line, '\n');

	pthread_mutex_lock(&log_lock);
	if (log_file != NULL) {
		fwrite(line.data, 1, line.len, log_file);
		fflush(log_file);
	}
	pthread_mutex_unlock(&log_lock);
	buf_cleanup(&msg);
	buf_cleanup(&line);
}
