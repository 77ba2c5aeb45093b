/* SPDX-License-Identifier: ISC */
/* The verbs of the command line, one file each, and what they share. */
#ifndef DYNREPO_CMD_H
#define DYNREPO_CMD_H

#include <getopt.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "err.h"
#include "filter.h"
#include "output.h"
#include "session.h"

/* Options given before the verb. */
struct cmd_global {
	const char	*profiles_dir;
	bool		 verbose;
	bool		 no_journal;	/* --no-journal */
	int		 in_flight;	/* --in-flight; 0: not given */
	int		 in_flight_env;	/* DYNREPO_IN_FLIGHT; 0: not set */
};

struct cmd_entry {
	const char	*name;
	const char	*usage;		/* the options, for --help */
	const char	*summary;	/* one line */
	int		(*exec)(const struct cmd_global *, int argc,
			    char **argv);
	int		 flags;
};
/* The verb reads only local files and escapes what it prints byte by
 * byte: main skips setlocale, whose locale files cost every start
 * (issue 6: start-up counted in page faults). */
#define CMD_NO_LOCALE	0x1
/* The verb writes: main has the first SIGINT or SIGTERM ask it to stop
 * (cmd_stop_on_signals), so that what it sent is answered and journaled
 * and its write ends whole. */
#define CMD_WRITES	0x2

/* The signal that asked the verb to stop, or 0: each session's
 * repo_config.stop. */
extern volatile sig_atomic_t cmd_stop_signal;
/* Catch SIGINT and SIGTERM: the first sets cmd_stop_signal, says on
 * stderr that the write is stopping (and journaled, unless g turns the
 * journal off), and gives the signal back its default, so that a second
 * one ends the process at once. */
void	 cmd_stop_on_signals(const struct cmd_global *g);
/* A writing verb that turns out only to read (undo --list, --dry-run):
 * the signals caught go back to their default and end it at once, as
 * they end the verbs that read. (Caught, a signal while it waits on a
 * full pipe would fail that write: no SA_RESTART.) */
void	 cmd_stop_off(void);
/* After a verb a signal stopped (and everything is written and closed):
 * end the process by that signal. Returns when there was none. */
void	 cmd_stop_exit(void);
/* ERR_CANCELLED in e when a signal asked to stop (what: where, e.g.
 * "before the first write: nothing was written"); else rc. */
int	 cmd_stop_check(int rc, const char *what, struct err *);

/* The verbs; NULL-terminated by name. */
extern const struct cmd_entry cmd_table[];
const struct cmd_entry *cmd_find(const char *name);

/* Long options every verb that opens a profile takes. */
enum cmd_common_opt {
	CMD_OPT_ENDPOINT = 0x100,
	CMD_OPT_TABLE,
	CMD_OPT_REGION,
	CMD_OPT_OUTPUT,
	CMD_OPT_HELP,
	CMD_OPT_FIRST_OWN	/* a verb's own options start here */
};

#define CMD_COMMON_LONGOPTS						\
	{ "profile", required_argument, NULL, 'p' },			\
	{ "endpoint", required_argument, NULL, CMD_OPT_ENDPOINT },	\
	{ "table", required_argument, NULL, CMD_OPT_TABLE },		\
	{ "region", required_argument, NULL, CMD_OPT_REGION },		\
	{ "output", required_argument, NULL, CMD_OPT_OUTPUT },		\
	{ "help", no_argument, NULL, CMD_OPT_HELP }

struct cmd_common {
	struct session_options	 so;
	const char		*output;
	bool			 help;
};

/* Start parsing: reset getopt, fill defaults. */
void	 cmd_common_init(struct cmd_common *, const struct cmd_global *);
/* Take a common option; true when it was one. */
bool	 cmd_common_opt(struct cmd_common *, int opt, const char *arg);
/* Print a verb's usage to fp. */
void	 cmd_usage(const struct cmd_entry *, FILE *);
/* Print a message to stderr with control characters escaped (messages
 * quote what people typed and what tables hold); line breaks stay. */
void	 cmd_eprintf(const char *fmt, ...)
	     __attribute__((format(printf, 1, 2)));
/* Print "dynrepo VERB: message" for err and return its exit code. */
int	 cmd_fail(const char *verb, const struct err *);
/* End the journal's group (NULL: none) after a write with rc: its end
 * line. When the write succeeded and that fails, rc is -1 with ERR_IO in
 * e. */
int	 cmd_journal_group_end(struct journal *, int rc, struct err *);
/* A usage error: message, the usage line, exit code 2. */
int	 cmd_usage_error(const char *verb, const char *fmt, ...)
	     __attribute__((format(printf, 2, 3)));
/* Parse a decimal integer option. */
int	 cmd_parse_long(const char *opt, const char *arg, long long min,
	     long long *out, struct err *);
/* Parse a value as the grammar has it: a JSON literal, else a bare word
 * taken as a string. */
struct value *cmd_parse_value(const char *text, struct err *);

/* Read one line of any length from fp into b (without the newline).
 * 1 when a line was read, 0 at end of file, -1 on a read error. */
int	 cmd_read_line(FILE *fp, struct buf *b);
/*
 * Lines are read this many bytes at a time: stdio's own buffer is the
 * file's block size (4 KB), which made a put of 10,000 lines some 1,150
 * read(2)s. A terminal or a pipe still returns what it has at once.
 */
#define CMD_INPUT_BUFFER	(256 * 1024)
/* Read stdin in blocks of CMD_INPUT_BUFFER; before its first read. */
void	 cmd_buffer_stdin(void);
/* get-batch's keys: n partitions' and contents' ids. Their arrays and
 * strings are in blocks of the keys' own, a few hundred keys a block (a
 * malloc an id cost as much as reading the line; issue 6): freed whole
 * by cmd_keys_cleanup, never by ids_cleanup. */
struct cmd_key_block;
struct cmd_keys {
	struct ids		*pids, *cids;
	size_t			 n;
	struct cmd_key_block	*blocks;
	char			*at;		/* the last block's free part */
	size_t			 left;
};
/* Read get-batch's keys from fp, one JSON object a line, into k (the
 * caller's to clean up, also on -1); -1 with e set on the first bad
 * line. */
int	 cmd_get_batch_keys(FILE *fp, struct cmd_keys *k, struct err *e);
void	 cmd_keys_cleanup(struct cmd_keys *);

int	 cmd_profiles_exec(const struct cmd_global *, int, char **);
int	 cmd_get_exec(const struct cmd_global *, int, char **);
int	 cmd_get_batch_exec(const struct cmd_global *, int, char **);
int	 cmd_list_exec(const struct cmd_global *, int, char **);
int	 cmd_between_exec(const struct cmd_global *, int, char **);
int	 cmd_put_exec(const struct cmd_global *, int, char **);
int	 cmd_update_exec(const struct cmd_global *, int, char **);
int	 cmd_delete_exec(const struct cmd_global *, int, char **);
int	 cmd_check_exec(const struct cmd_global *, int, char **);
int	 cmd_partitions_exec(const struct cmd_global *, int, char **);
int	 cmd_export_exec(const struct cmd_global *, int, char **);
int	 cmd_import_exec(const struct cmd_global *, int, char **);
int	 cmd_create_table_exec(const struct cmd_global *, int, char **);
int	 cmd_whoami_exec(const struct cmd_global *, int, char **);
int	 cmd_undo_exec(const struct cmd_global *, int, char **);
/* dynrepo --demo [--reset]: not a verb, an action of its own. */
int	 cmd_demo_exec(const struct cmd_global *, bool reset);

#endif
