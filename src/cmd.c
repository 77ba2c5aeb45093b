/* SPDX-License-Identifier: ISC */
/* The verbs of the command line, one file each, and what they share. */
#include "config.h"

#include "cmd.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "journal.h"
#include "json.h"
#include "output.h"
#include "xmalloc.h"

#define CMD_PROFILE_OPTS \
	"-p PROFILE [--endpoint URL] [--table NAME] [--region R]"

const struct cmd_entry cmd_table[] = {
	{ "profiles", "", "list the repository profiles of the search path",
	    cmd_profiles_exec, CMD_NO_LOCALE },
	{ "get", CMD_PROFILE_OPTS " --partition ID --content ID [--output F]",
	    "read one item", cmd_get_exec, 0 },
	{ "get-batch", CMD_PROFILE_OPTS " [--output F] < KEYS.jsonl",
	    "read many items; keys on stdin: {\"partition_ids\":[...],"
	    "\"content_ids\":[...]}", cmd_get_batch_exec, 0 },
	{ "list", CMD_PROFILE_OPTS " --partition ID [--prefix ID] [--desc] "
	    "[--limit N] [--filter EXPR]... [--output F]",
	    "items whose content id starts with a prefix", cmd_list_exec, 0 },
	{ "between", CMD_PROFILE_OPTS " --partition ID --start ID --end ID "
	    "[--desc] [--limit N] [--filter EXPR]... [--output F]",
	    "items whose content id is between two ids (inclusive)",
	    cmd_between_exec, 0 },
	{ "put", CMD_PROFILE_OPTS " [--changed-only] < CONTENT.jsonl",
	    "write items: PartitionedContent JSON lines on stdin",
	    cmd_put_exec, CMD_WRITES },
	{ "update", CMD_PROFILE_OPTS " --partition ID --content ID "
	    "[--set F=V]... [--incr F=N]... [--append F=V]... [--version N] "
	    "[--expiry WHEN] [--no-require-exists]  (or an UpdateCommand "
	    "JSON on stdin)", "change fields of one item", cmd_update_exec,
	    CMD_WRITES },
	{ "delete", CMD_PROFILE_OPTS " --partition ID [--prefix ID] --yes",
	    "delete every item under a prefix", cmd_delete_exec, CMD_WRITES },
	{ "export", CMD_PROFILE_OPTS " [--partition ID]... [--gzip] "
	    "[-o FILE]", "stored items as DynamoDB JSON lines "
	    "({\"Item\": ...}, DynamoDB's export format)", cmd_export_exec, 0 },
	{ "import", CMD_PROFILE_OPTS " [--changed-only] FILE|-",
	    "write the items of an export (gzip or not), checked whole "
	    "before the first write", cmd_import_exec, CMD_WRITES },
	{ "check", CMD_PROFILE_OPTS " [--partition ID]... "
	    "[--all-partitions] [--segments N] [--pydantic 1|2] "
	    "[--output table|jsonl] [--fail-fast]", "would the application "
	    "still parse every item? (exit 1 when not)", cmd_check_exec, 0 },
	{ "partitions", CMD_PROFILE_OPTS " [--segments N] "
	    "[--output table|jsonl]", "the partition ids of the repository, "
	    "with item counts (needs dynamodb:Scan)", cmd_partitions_exec, 0 },
	{ "create-table", CMD_PROFILE_OPTS, "create the profile's table with "
	    "its key names (for DynamoDB Local, dynalite)",
	    cmd_create_table_exec, 0 },
	{ "whoami", CMD_PROFILE_OPTS " [--output text|json]", "which AWS "
	    "credentials the profile gets, the account and the ARN (STS "
	    "GetCallerIdentity); never the keys", cmd_whoami_exec, 0 },
	{ "undo", CMD_PROFILE_OPTS " [--dry-run] [--partial] [-n N | --list]",
	    "restore what the last write (or N writes) replaced, from the "
	    "journal, unless the item changed since", cmd_undo_exec,
	    CMD_WRITES },
	{ NULL, NULL, NULL, NULL, 0 }
};

const struct cmd_entry *
cmd_find(const char *name)
{
	const struct cmd_entry *c;

	for (c = cmd_table; c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* session_options.warn for the CLI. */
static void
cmd_warn(void *ctx, const char *msg)
{
	(void)ctx;
	cmd_eprintf("dynrepo: warning: %s\n", msg);
}

/* Whether DYNREPO_JOURNAL turns the journal off. */
static bool
cmd_journal_off(void)
{
	const char *v = getenv("DYNREPO_JOURNAL");

	return v != NULL && (strcmp(v, "off") == 0 || strcmp(v, "0") == 0 ||
	    strcmp(v, "no") == 0 || strcmp(v, "false") == 0);
}

volatile sig_atomic_t cmd_stop_signal;

/* SIGINT and SIGTERM, and whether each is caught (not ignored from the
 * start, as in a background job of a script or under nohup). */
static const int cmd_stop_signals[2] = { SIGINT, SIGTERM };
static volatile sig_atomic_t cmd_stop_caught[2];

/* What the first signal says, set before it is caught. */
static const char cmd_stop_journaled[] = "\ndynrepo: stopping: the requests "
    "sent are answered and journaled, nothing more is sent (again to quit "
    "at once)\n";
static const char cmd_stop_unjournaled[] = "\ndynrepo: stopping: the "
    "requests sent are answered, nothing more is sent (again to quit at "
    "once)\n";
static const char *cmd_stop_msg = cmd_stop_journaled;
static size_t cmd_stop_msg_len = sizeof cmd_stop_journaled - 1;

static void
cmd_stop_handler(int sig)
{
	int saved = errno, i;
	ssize_t n;

	cmd_stop_signal = sig;
	/* The next one, either of them, ends the process. */
	for (i = 0; i < 2; i++)
		if (cmd_stop_caught[i])
			signal(cmd_stop_signals[i], SIG_DFL);
	n = write(STDERR_FILENO, cmd_stop_msg, cmd_stop_msg_len);
	(void)n;
	errno = saved;
}

void
cmd_stop_on_signals(const struct cmd_global *g)
{
	struct sigaction sa, old;
	int i;

	if (g->no_journal || cmd_journal_off()) {
		cmd_stop_msg = cmd_stop_unjournaled;
		cmd_stop_msg_len = sizeof cmd_stop_unjournaled - 1;
	}

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = cmd_stop_handler;
	sigemptyset(&sa.sa_mask);
	/* No SA_RESTART: a read waiting on a terminal or a pipe ends
	 * (EINTR), so the stop is seen before anything is written; sleeps
	 * end early (a backoff is cancelled). */
	sa.sa_flags = 0;
	for (i = 0; i < 2; i++) {
		if (sigaction(cmd_stop_signals[i], NULL, &old) == 0 &&
		    old.sa_handler == SIG_IGN)
			continue;
		cmd_stop_caught[i] = 1;
		sigaction(cmd_stop_signals[i], &sa, NULL);
	}
}

void
cmd_stop_off(void)
{
	int i;

	for (i = 0; i < 2; i++)
		if (cmd_stop_caught[i]) {
			cmd_stop_caught[i] = 0;
			signal(cmd_stop_signals[i], SIG_DFL);
		}
}

int
cmd_stop_check(int rc, const char *what, struct err *e)
{
	if (rc != 0 || cmd_stop_signal == 0)
		return rc;
	return err_set(e, ERR_CANCELLED, "interrupted %s", what);
}

void
cmd_stop_exit(void)
{
	int sig = cmd_stop_signal;

	if (sig == 0)
		return;
	/* Dying of the signal, as a shell expects of a program it was sent
	 * to (a loop of commands then stops too). */
	signal(sig, SIG_DFL);
	raise(sig);
}

int
cmd_journal_group_end(struct journal *j, int rc, struct err *e)
{
	struct err je;

	if (j == NULL)
		return rc;
	err_clear(&je);
	if (journal_group_end(j, &je) == -1 && rc == 0)
		return err_set(e, ERR_IO, "written, but the journal could not "
		    "record the write's end (undo sees it unfinished): %s",
		    je.msg);
	return rc;
}

void
cmd_common_init(struct cmd_common *cc, const struct cmd_global *g)
{
	memset(cc, 0, sizeof *cc);
	cc->so.profiles_dir = g->profiles_dir;
	/* Bulk loads may turn the journal off: --no-journal or
	 * DYNREPO_JOURNAL=off. */
	cc->so.no_journal = g->no_journal || cmd_journal_off();
	cc->so.in_flight = g->in_flight;
	cc->so.in_flight_env = g->in_flight_env;
	cc->so.stop = &cmd_stop_signal;
	/* assumed roles with mfa_serial ask on the terminal */
	cc->so.mfa_prompt = creds_prompt_tty;
	cc->so.warn = cmd_warn;
	optind = 1;
	opterr = 0;
}

bool
cmd_common_opt(struct cmd_common *cc, int opt, const char *arg)
{
	switch (opt) {
	case 'p':
		cc->so.profile = arg;
		return true;
	case CMD_OPT_ENDPOINT:
		cc->so.endpoint = arg;
		return true;
	case CMD_OPT_TABLE:
		cc->so.table = arg;
		return true;
	case CMD_OPT_REGION:
		cc->so.region = arg;
		return true;
	case CMD_OPT_OUTPUT:
		cc->output = arg;
		return true;
	case CMD_OPT_HELP:
		cc->help = true;
		return true;
	default:
		return false;
	}
}

void
cmd_usage(const struct cmd_entry *c, FILE *fp)
{
	fprintf(fp, "usage: dynrepo %s %s\n  %s\n", c->name, c->usage,
	    c->summary);
}

/* cmd_eprintf's body. */
static void
cmd_veprintf(const char *fmt, va_list ap)
{
	struct buf raw = BUF_INIT, esc = BUF_INIT;

	buf_vprintf(&raw, fmt, ap);
	output_escape_text(&esc, buf_cstr(&raw), raw.len);
	fwrite(buf_cstr(&esc), 1, esc.len, stderr);
	buf_cleanup(&raw);
	buf_cleanup(&esc);
}

void
cmd_eprintf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	cmd_veprintf(fmt, ap);
	va_end(ap);
}

int
cmd_fail(const char *verb, const struct err *e)
{
	cmd_eprintf("dynrepo %s: %s\n", verb, e->msg);
	return err_exit_code(e->code) != 0 ? err_exit_code(e->code) : 1;
}

int
cmd_usage_error(const char *verb, const char *fmt, ...)
{
	const struct cmd_entry *c = cmd_find(verb);
	va_list ap;

	cmd_eprintf("dynrepo %s: ", verb);
	va_start(ap, fmt);
	cmd_veprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (c != NULL)
		cmd_usage(c, stderr);
	return 2;
}

int
cmd_parse_long(const char *opt, const char *arg, long long min,
    long long *out, struct err *e)
{
	char *end;

	errno = 0;
	*out = strtoll(arg, &end, 10);
	if (errno != 0 || end == arg || *end != '\0' || *out < min)
		return err_set(e, ERR_USAGE, "%s: expected an integer >= %lld, "
		    "got \"%.32s\"", opt, min, arg);
	return 0;
}

struct value *
cmd_parse_value(const char *text, struct err *e)
{
	struct value *v;
	const char *p = text;

	while (*p == ' ' || *p == '\t')
		p++;
	/* Something that looks like JSON must be JSON: a typo in a quoted
	 * string should not silently become a bare word. */
	if (*p == '"' || *p == '{' || *p == '[')
		return json_parse(text, strlen(text), e);
	v = json_parse(text, strlen(text), NULL);
	if (v != NULL)
		return v;
	return value_new_str(text);
}

void
cmd_buffer_stdin(void)
{
	/* glibc ignores the size unless given the buffer, which must last
	 * as long as the stream: stdin's, the process. */
	static char buffer[CMD_INPUT_BUFFER];

	(void)setvbuf(stdin, buffer, _IOFBF, sizeof buffer);
}

int
cmd_read_line(FILE *fp, struct buf *b)
{
	ssize_t n;

	/* getdelim, not fgets: a NUL byte inside a line is data (DynamoDB
	 * strings may hold it), and the line goes on after it. buf's memory
	 * is plain malloc, which getdelim may realloc. */
	buf_reset(b);
	n = getdelim(&b->data, &b->cap, '\n', fp);
	if (n == -1) {
		b->len = 0;
		if (b->data != NULL)
			b->data[0] = '\0';
		return ferror(fp) ? -1 : 0;
	}
	b->len = (size_t)n;
	if (b->len > 0 && b->data[b->len - 1] == '\n')
		b->data[--b->len] = '\0';
	if (b->len > 0 && b->data[b->len - 1] == '\r')
		b->data[--b->len] = '\0';
	return 1;
}
