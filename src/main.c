/* SPDX-License-Identifier: ISC */
/* dynrepo: browse and edit pydantic-dynamo repositories; the entry point. */
#include "config.h"

#include <errno.h>
#include <locale.h>
#ifdef HAVE_MALLOPT
#include <malloc.h>
#endif
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "http.h"
#include "log.h"
#include "trace.h"
#include "tui.h"

/* The whole usage text, generated from the verb table. */
static void
main_usage(FILE *fp)
{
	const struct cmd_entry *c;

	fprintf(fp, "usage: dynrepo [-v] [--profiles DIR] [--no-journal] "
	    "[--in-flight N] VERB [OPTIONS]\n"
	    "       dynrepo [--profiles DIR] [-p PROFILE]   (the browser)\n"
	    "       dynrepo --demo [--reset]\n"
	    "       dynrepo --version | --help | VERB --help\n\nverbs:\n");
	for (c = cmd_table; c->name != NULL; c++)
		fprintf(fp, "  %-10s %s\n", c->name, c->summary);
	fprintf(fp, "\nexit codes: 0 ok, 1 failed (incl. not found), 2 usage "
	    "or bad input,\n            3 version conflict, 4 authentication "
	    "or permission\nsee dynrepo(1)\n");
}

/* Parse --in-flight or DYNREPO_IN_FLIGHT (what): 1..REPO_IN_FLIGHT_MAX. */
static int
main_in_flight(const char *what, const char *arg, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || n < 1 ||
	    n > REPO_IN_FLIGHT_MAX) {
		cmd_eprintf("dynrepo: %s: expected 1 to %d, got \"%.32s\"\n",
		    what, REPO_IN_FLIGHT_MAX, arg);
		return -1;
	}
	*out = (int)n;
	return 0;
}

/*
 * Keep freed memory for the next allocation instead of handing it back to
 * the kernel. libcurl frees its receive buffer (256 KB, HTTP_READ_BUFFER)
 * and its upload buffer at the end of every request and allocates them
 * again for the next; glibc's default thresholds then return those pages
 * and fault them in anew, and a page fault costs ~10 µs on the virtual
 * machines measured (doc/performance.md). The largest buffers (32 MB and
 * up) are still mapped on their own and given back when freed.
 */
static void
main_malloc(void)
{
#ifdef HAVE_MALLOPT
	(void)mallopt(M_MMAP_THRESHOLD, 32 << 20);
	(void)mallopt(M_TRIM_THRESHOLD, 128 << 20);
#endif
}

/* The person's LC_CTYPE, for curses, readline and libcurl's host names.
 * Called once the verb is known: --version, --help and the verbs that
 * need no locale never pay for reading the locale files. */
static void
main_locale(void)
{
	setlocale(LC_CTYPE, "");
}

/* What the run printed must all have reached standard output: a full
 * disk (`dynrepo list ... >file`) fails the run instead of leaving a
 * short file behind an exit status of 0, as coreutils' close_stdout
 * does: standard output is closed here, and a failure of the close
 * counts too (a file system that reports write errors then), unless
 * standard output was closed from the start and nothing was printed.
 * verb names the run (NULL: none). Nothing may print after. */
static int
main_stdout_done(const char *verb, int rc)
{
	bool pending = __fpending(stdout) != 0;
	bool write_failed = ferror(stdout) != 0;
	bool close_failed = fclose(stdout) != 0;
	int saved = errno;

	if (!write_failed && (!close_failed || (saved == EBADF && !pending)))
		return rc;
	cmd_eprintf("dynrepo%s%s: cannot write standard output: %s\n",
	    verb != NULL ? " " : "", verb != NULL ? verb : "",
	    close_failed ? strerror(saved) : "a write failed (disk full?)");
	return rc == 0 ? err_exit_code(ERR_IO) : rc;
}

/* The browser, with the timing trace of DYNREPO_TRACE=FILE if set. */
static int
main_tui(const struct tui_options *to)
{
	const char *path = getenv("DYNREPO_TRACE");
	struct err e;
	int rc;

	err_clear(&e);
	if (path != NULL && *path != '\0' && trace_open(path, &e) == -1) {
		cmd_eprintf("dynrepo: %s\n", e.msg);
		return 1;
	}
	rc = tui_main(to);
	trace_close();
	return rc;
}

int
main(int argc, char **argv)
{
	struct cmd_global g = { 0 };
	bool demo = false, reset = false;
	struct tui_options to = { 0 };
	const struct cmd_entry *c;
	const char *logfile, *in_flight = NULL;
	struct err e;
	int i, rc;

	main_malloc();
	for (i = 1; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-v") == 0 ||
		    strcmp(argv[i], "--verbose") == 0) {
			g.verbose = true;
		} else if (strcmp(argv[i], "--profiles") == 0 && i + 1 < argc) {
			g.profiles_dir = argv[++i];
		} else if (strncmp(argv[i], "--profiles=", 11) == 0) {
			g.profiles_dir = argv[i] + 11;
		} else if ((strcmp(argv[i], "-p") == 0 ||
		    strcmp(argv[i], "--profile") == 0) && i + 1 < argc) {
			to.profile = argv[++i];
		} else if (strncmp(argv[i], "--profile=", 10) == 0) {
			to.profile = argv[i] + 10;
		} else if (strcmp(argv[i], "--no-journal") == 0) {
			g.no_journal = true;
		} else if (strcmp(argv[i], "--in-flight") == 0 &&
		    i + 1 < argc) {
			in_flight = argv[++i];
		} else if (strncmp(argv[i], "--in-flight=", 12) == 0) {
			in_flight = argv[i] + 12;
		} else if (strcmp(argv[i], "--demo") == 0) {
			demo = true;
		} else if (strcmp(argv[i], "--reset") == 0) {
			reset = true;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("dynrepo %s\n", PACKAGE_VERSION);
			return main_stdout_done(NULL, 0);
		} else if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0) {
			main_usage(stdout);
			return main_stdout_done(NULL, 0);
		} else {
			cmd_eprintf("dynrepo: unknown option %s\n", argv[i]);
			main_usage(stderr);
			return 2;
		}
	}
	if (in_flight != NULL && main_in_flight("--in-flight", in_flight,
	    &g.in_flight) == -1)
		return 2;
	in_flight = getenv("DYNREPO_IN_FLIGHT");
	if (in_flight != NULL && *in_flight != '\0' &&
	    main_in_flight("DYNREPO_IN_FLIGHT", in_flight,
	    &g.in_flight_env) == -1)
		return 2;
	if (reset && !demo) {
		fprintf(stderr, "dynrepo: --reset goes with --demo\n");
		return 2;
	}
	if (demo && i < argc) {
		fprintf(stderr, "dynrepo: --demo takes no verb\n");
		return 2;
	}
	if (demo) {
		main_locale();
		rc = cmd_demo_exec(&g, reset);
		/* On a terminal the demo opens in the browser. */
		if (rc != 0 || !isatty(STDIN_FILENO) ||
		    !isatty(STDOUT_FILENO))
			return main_stdout_done("--demo", rc);
		to.profiles_dir = g.profiles_dir;
		rc = main_tui(&to);
		http_global_cleanup();
		return rc;
	}
	/* No verb on a terminal: the browser. */
	if (i >= argc && isatty(STDIN_FILENO) && isatty(STDOUT_FILENO)) {
		main_locale();
		logfile = getenv("DYNREPO_LOG");
		err_clear(&e);
		if (logfile != NULL && *logfile != '\0' &&
		    log_open(logfile, &e) == -1) {
			cmd_eprintf("dynrepo: %s\n", e.msg);
			return 1;
		} else if (g.verbose && (logfile == NULL || *logfile == '\0')) {
			fprintf(stderr, "dynrepo: -v needs DYNREPO_LOG=FILE "
			    "in the browser (the screen is taken)\n");
			return 2;
		}
		to.profiles_dir = g.profiles_dir;
		rc = main_tui(&to);
		http_global_cleanup();
		log_close();
		return rc;
	}
	if (i >= argc || to.profile != NULL) {
		if (to.profile != NULL)
			fprintf(stderr, "dynrepo: -p goes after the verb "
			    "(dynrepo VERB -p NAME ...)\n");
		main_usage(stderr);
		return 2;
	}
	c = cmd_find(argv[i]);
	if (c == NULL) {
		cmd_eprintf("dynrepo: unknown verb \"%s\"\n", argv[i]);
		main_usage(stderr);
		return 2;
	}
	if ((c->flags & CMD_NO_LOCALE) == 0)
		main_locale();
	err_clear(&e);
	logfile = getenv("DYNREPO_LOG");
	if ((g.verbose || (logfile != NULL && *logfile != '\0')) &&
	    log_open(logfile != NULL && *logfile != '\0' ? logfile : NULL,
	    &e) == -1)
		cmd_eprintf("dynrepo: %s\n", e.msg);
	if ((c->flags & CMD_WRITES) != 0)
		cmd_stop_on_signals(&g);
	rc = c->exec(&g, argc - i, argv + i);
	rc = main_stdout_done(c->name, rc);
	http_global_cleanup();
	log_close();
	/* Stopped by a signal, once the write ended whole: die of it. */
	cmd_stop_exit();
	return rc;
}
