/* SPDX-License-Identifier: ISC */
/* Run a command and print its wall time, CPU time and peak RSS. */

/*
 * usage: rusage OUT TIMEOUT_S COMMAND [ARG]...
 * Runs COMMAND in its own process group with the standard streams it was
 * given, and writes "wall_s user_s sys_s maxrss_kb status" to the file OUT.
 * CPU and RSS cover COMMAND and every descendant it waited for (wait4).
 * After TIMEOUT_S seconds the whole group is killed and status is 124;
 * SIGINT, SIGTERM and SIGHUP are passed on to the group, then rusage dies
 * of the same signal, so that a shell running it stops as well.
 * Exits with COMMAND's status (124 on time-out, 127 if it cannot start).
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static volatile sig_atomic_t rusage_expired;
static volatile sig_atomic_t rusage_stop;

/* Note that the time limit has passed (SIGALRM). */
static void
rusage_alarm(int sig)
{
	(void)sig;
	rusage_expired = 1;
}

/* Note a request to stop (SIGINT, SIGTERM, SIGHUP) to pass it on. */
static void
rusage_signal(int sig)
{
	rusage_stop = sig;
}

/* Seconds of a timeval as a double. */
static double
rusage_tv(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int
main(int argc, char **argv)
{
	struct timespec t0, t1;
	struct sigaction sa;
	struct rusage ru;
	pid_t pid;
	FILE *out;
	int status, code;
	long limit;

	if (argc < 4) {
		fprintf(stderr,
		    "usage: rusage OUT TIMEOUT_S COMMAND [ARG]...\n");
		return 2;
	}
	limit = strtol(argv[2], NULL, 10);
	if (limit <= 0)
		limit = 600;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = rusage_alarm;
	sigaction(SIGALRM, &sa, NULL);
	sa.sa_handler = rusage_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid = fork();
	if (pid < 0) {
		perror("rusage: fork");
		return 127;
	}
	if (pid == 0) {
		setpgid(0, 0);
		execvp(argv[3], argv + 3);
		fprintf(stderr, "rusage: %s: %s\n", argv[3], strerror(errno));
		_exit(127);
	}
	setpgid(pid, pid);
	alarm((unsigned int)limit);
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("rusage: wait4");
			return 127;
		}
		if (rusage_stop != 0) {
			kill(-pid, rusage_stop);
			rusage_expired = 1;
		} else if (rusage_expired) {
			kill(-pid, SIGTERM);
			sleep(1);
			kill(-pid, SIGKILL);
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rusage_stop != 0)
		code = 128 + rusage_stop;
	else if (rusage_expired)
		code = 124;
	else if (WIFEXITED(status))
		code = WEXITSTATUS(status);
	else
		code = 128 + WTERMSIG(status);
	out = fopen(argv[1], "w");
	if (out == NULL) {
		perror("rusage: OUT");
		return 127;
	}
	fprintf(out, "%.6f %.6f %.6f %ld %d\n",
	    (double)(t1.tv_sec - t0.tv_sec) +
	    (double)(t1.tv_nsec - t0.tv_nsec) / 1e9,
	    rusage_tv(ru.ru_utime), rusage_tv(ru.ru_stime), ru.ru_maxrss, code);
	fclose(out);
	if (rusage_stop != 0) {
		/* Die of the same signal, so that the calling shell stops
		 * too. */
		signal(rusage_stop, SIG_DFL);
		raise(rusage_stop);
	}
	return code;
}
