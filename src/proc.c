/* SPDX-License-Identifier: ISC */
/* Running a helper command with a deadline: credential_process. */
#include "config.h"

#include "proc.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdbool.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* Milliseconds of the monotonic clock. */
static long long
proc_monotonic_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read what is there from fd into b; keep at most max bytes (the rest is
 * drained). Returns 0 at EOF, 1 for more, -1 on error. */
static int
proc_drain(int fd, struct buf *b, size_t max, bool *overflow)
{
	char chunk[4096];
	ssize_t n;
	size_t keep;

	n = read(fd, chunk, sizeof chunk);
	if (n == -1)
		return errno == EINTR || errno == EAGAIN ? 1 : -1;
	if (n == 0)
		return 0;
	keep = b->len < max ? max - b->len : 0;
	if (keep > (size_t)n)
		keep = (size_t)n;
	else if (keep < (size_t)n)
		*overflow = true;
	buf_add(b, chunk, keep);
	explicit_bzero(chunk, sizeof chunk);
	return 1;
}

void
proc_sanitize(struct buf *b)
{
	size_t i;

	for (i = 0; i < b->len; i++)
		if ((unsigned char)b->data[i] < 0x20 ||
		    b->data[i] == 0x7f)
			b->data[i] = ' ';
	while (b->len > 0 && b->data[b->len - 1] == ' ')
		b->data[--b->len] = '\0';
}

/* Start /bin/sh -c cmd with stdout and stderr to the pipes. */
static int
proc_spawn(const char *what, const char *cmd, int outfd, int errfd,
    pid_t *pid, struct err *err)
{
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", (char *)cmd, NULL };
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	sigset_t none, dflt;
	int rc;

	sigemptyset(&none);
	sigemptyset(&dflt);
	sigaddset(&dflt, SIGPIPE);
	sigaddset(&dflt, SIGINT);
	sigaddset(&dflt, SIGQUIT);
	sigaddset(&dflt, SIGTERM);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, outfd, 1);
	posix_spawn_file_actions_adddup2(&fa, errfd, 2);
	posix_spawnattr_init(&attr);
	/* its own process group, so a timeout kills all it started */
	posix_spawnattr_setpgroup(&attr, 0);
	posix_spawnattr_setsigmask(&attr, &none);
	posix_spawnattr_setsigdefault(&attr, &dflt);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	rc = posix_spawn(pid, "/bin/sh", &fa, &attr, argv, environ);
	posix_spawnattr_destroy(&attr);
	posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		*pid = -1;
		return err_set(err, ERR_IO, "%s: cannot start /bin/sh: %s",
		    what, strerror(rc));
	}
	return 0;
}

/* Wait for the child until the deadline, then kill its process group.
 * Returns false when it had to be killed. */
static bool
proc_reap(pid_t pid, long long deadline, int *status)
{
	struct timespec nap = { 0, 10 * 1000 * 1000 };
	pid_t r;

	for (;;) {
		r = waitpid(pid, status, WNOHANG);
		/* ECHILD: reaped elsewhere (a SIGCHLD handler); nothing
		 * left to wait for */
		if (r == pid || (r == -1 && errno != EINTR))
			return true;
		if (proc_monotonic_ms() >= deadline)
			break;
		nanosleep(&nap, NULL);
	}
	kill(-pid, SIGKILL);
	while (waitpid(pid, status, 0) == -1 && errno == EINTR)
		continue;
	return false;
}

int
proc_run(const char *what, const char *cmd, int timeout_ms, size_t max_out,
    size_t max_err, struct buf *out, struct buf *errb, int *status,
    struct err *err)
{
	int outp[2] = { -1, -1 }, errp[2] = { -1, -1 }, rc = -1, n, i;
	bool overflow = false, errover = false;
	struct pollfd pfd[2];
	long long deadline, left;
	pid_t pid = -1;

	if (pipe2(outp, O_CLOEXEC) == -1 || pipe2(errp, O_CLOEXEC) == -1) {
		err_set(err, ERR_IO, "%s: pipe: %s", what, strerror(errno));
		goto done;
	}
	if (proc_spawn(what, cmd, outp[1], errp[1], &pid, err) != 0)
		goto done;
	close(outp[1]);
	close(errp[1]);
	outp[1] = errp[1] = -1;
	deadline = proc_monotonic_ms() + timeout_ms;
	pfd[0].fd = outp[0];
	pfd[1].fd = errp[0];
	while ((pfd[0].fd != -1 || pfd[1].fd != -1) && !overflow) {
		if ((left = deadline - proc_monotonic_ms()) <= 0)
			break;
		pfd[0].events = pfd[1].events = POLLIN;
		n = poll(pfd, 2, (int)left);
		if (n == -1 && errno != EINTR) {
			err_set(err, ERR_IO, "%s: poll: %s", what,
			    strerror(errno));
			goto done;
		}
		for (i = 0; i < 2 && n > 0; i++) {
			if (pfd[i].fd == -1 || pfd[i].revents == 0)
				continue;
			if (proc_drain(pfd[i].fd, i == 0 ? out : errb,
			    i == 0 ? max_out : max_err,
			    i == 0 ? &overflow : &errover) <= 0)
				pfd[i].fd = -1;
		}
	}
	if (overflow) {
		err_set(err, ERR_IO, "%s wrote more than %zu bytes", what,
		    max_out);
		goto done;
	}
	if (pfd[0].fd != -1 || pfd[1].fd != -1) {
		err_set(err, ERR_IO, "%s did not finish within %d ms", what,
		    timeout_ms);
		goto done;
	}
	/* the output may end before the process does */
	if (!proc_reap(pid, deadline, status)) {
		pid = -1;
		err_set(err, ERR_IO, "%s did not finish within %d ms", what,
		    timeout_ms);
		goto done;
	}
	pid = -1;
	rc = 0;
done:
	if (pid != -1) {
		/* an error before it ended: stop it now */
		proc_reap(pid, 0, status);
	}
	if (outp[0] != -1)
		close(outp[0]);
	if (outp[1] != -1)
		close(outp[1]);
	if (errp[0] != -1)
		close(errp[0]);
	if (errp[1] != -1)
		close(errp[1]);
	return rc;
}
