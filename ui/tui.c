/* SPDX-License-Identifier: ISC */
/* The terminal UI: event loop, terminal, pane stack, global commands. */
#include "config.h"

#include "tui.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <curses.h>
#include <term.h>

#include "base64.h"
#include "cmdline.h"
#include "draw.h"
#include "pane_items.h"
#include "phist.h"
#include "scratch.h"
#include "session.h"
#include "trace.h"
#include "ui.h"
#include "utf8.h"
#include "worker.h"
#include "xmalloc.h"

/* Keys read in one pass before painting again. */
#define TUI_KEYS_MAX	256
#define TUI_ERROR_ROWS	4	/* rows a fresh long error may take */

/*
 * The terminal as we found it, and the bytes that put it back, kept where
 * a fatal signal handler can use them without calling into curses.
 */
static struct termios	 tui_saved_tios;
static bool		 tui_have_tios;
static char		 tui_leave_seq[128];
static size_t		 tui_leave_len;
static volatile sig_atomic_t tui_curses_on;
static int		 tui_sigfd[2] = { -1, -1 };

static const int tui_fatal_signals[] = {
	SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP, SIGSYS
};
static const int tui_loop_signals[] = {
	SIGWINCH, SIGTERM, SIGHUP, SIGINT, SIGQUIT, SIGCONT, SIGTSTP
};

/* A fatal signal: put the terminal back (async-signal-safe calls only),
 * then die of the same signal. */
static void
tui_fatal_handler(int sig)
{
	if (tui_curses_on) {
		if (tui_leave_len > 0)
			(void)!write(STDOUT_FILENO, tui_leave_seq,
			    tui_leave_len);
		if (tui_have_tios)
			tcsetattr(STDIN_FILENO, TCSANOW, &tui_saved_tios);
	}
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Loop signals go through the self-pipe to the event loop. */
static void
tui_loop_handler(int sig)
{
	unsigned char c = (unsigned char)sig;
	int saved = errno;

	if (tui_sigfd[1] != -1)
		(void)!write(tui_sigfd[1], &c, 1);
	errno = saved;
}

/* Append a terminfo string capability to the leave sequence. */
static void
tui_leave_add(const char *cap)
{
	char *s = tigetstr(cap);
	size_t n;

	if (s == NULL || s == (char *)-1)
		return;
	n = strlen(s);
	if (tui_leave_len + n < sizeof tui_leave_seq) {
		memcpy(tui_leave_seq + tui_leave_len, s, n);
		tui_leave_len += n;
	}
}

/* atexit: a way out that did not pass through tui_term_stop. */
static void
tui_atexit(void)
{
	if (tui_curses_on && !isendwin()) {
		endwin();
		tui_curses_on = 0;
	}
}

/* Curses on, signals routed; -1 with a message on stderr when the
 * terminal cannot be used. */
static int
tui_term_start(void)
{
	struct sigaction sa;
	size_t i;
	int k;

	if (pipe(tui_sigfd) == -1) {
		fprintf(stderr, "dynrepo: pipe: %s\n", strerror(errno));
		return -1;
	}
	for (k = 0; k < 2; k++) {
		fcntl(tui_sigfd[k], F_SETFL, fcntl(tui_sigfd[k], F_GETFL) |
		    O_NONBLOCK);
		fcntl(tui_sigfd[k], F_SETFD, FD_CLOEXEC);
	}
	tui_have_tios = tcgetattr(STDIN_FILENO, &tui_saved_tios) == 0;
	/* Our own handlers first: curses then leaves SIGWINCH, SIGINT and
	 * SIGTERM to us. */
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = tui_loop_handler;
	sa.sa_flags = SA_RESTART;
	for (i = 0; i < sizeof tui_loop_signals / sizeof *tui_loop_signals;
	    i++)
		sigaction(tui_loop_signals[i], &sa, NULL);
	sa.sa_handler = tui_fatal_handler;
	sa.sa_flags = SA_RESETHAND;
	for (i = 0; i < sizeof tui_fatal_signals / sizeof *tui_fatal_signals;
	    i++)
		sigaction(tui_fatal_signals[i], &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (getenv("ESCDELAY") == NULL)
		set_escdelay(25);
	if (newterm(NULL, stdout, stdin) == NULL) {
		fprintf(stderr, "dynrepo: cannot use the terminal \"%s\"\n",
		    getenv("TERM") != NULL ? getenv("TERM") : "");
		return -1;
	}
	tui_curses_on = 1;
	atexit(tui_atexit);
	tui_leave_add("sgr0");
	tui_leave_add("cnorm");
	tui_leave_add("rmkx");
	tui_leave_add("rmcup");
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	draw_init();
	return 0;
}

/* Curses off, the terminal as it was. */
static void
tui_term_stop(void)
{
	size_t i;

	if (tui_curses_on) {
		endwin();
		tui_curses_on = 0;
	}
	for (i = 0; i < sizeof tui_loop_signals / sizeof *tui_loop_signals;
	    i++)
		signal(tui_loop_signals[i], SIG_DFL);
	close(tui_sigfd[0]);
	close(tui_sigfd[1]);
	tui_sigfd[0] = tui_sigfd[1] = -1;
}

/* Stop the process with the terminal restored; on return (fg) curses
 * takes the terminal back and everything is repainted. */
static void
tui_suspend(void)
{
	struct sigaction sa, old;

	endwin();
	tui_curses_on = 0;
	memset(&sa, 0, sizeof sa);
	sigemptyset(&sa.sa_mask);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGTSTP, &sa, &old);
	raise(SIGTSTP);
	sigaction(SIGTSTP, &old, NULL);
	tui_curses_on = 1;
	clearok(curscr, TRUE);
}

int
ui_run_editor(struct ui *ui, const char *path, struct err *e)
{
	int rc;

	def_prog_mode();
	endwin();
	tui_curses_on = 0;
	rc = scratch_edit(path, e);
	tui_curses_on = 1;
	reset_prog_mode();
	clearok(curscr, TRUE);
	ui->dirty = true;
	return rc;
}

/* Terminals cap what OSC 52 carries; past this, a file is the way. */
#define TUI_CLIPBOARD_MAX	(100 * 1024)

int
ui_clipboard(struct ui *ui, const char *text, size_t len)
{
	struct buf b = BUF_INIT;
	ssize_t n;
	size_t off;

	(void)ui;
	if (len > TUI_CLIPBOARD_MAX)
		return -1;
	/* Base64 carries any bytes, control characters included, without
	 * one of them reaching the terminal as such. */
	buf_adds(&b, "\033]52;c;");
	base64_encode(&b, text, len);
	buf_adds(&b, "\a");
	for (off = 0; off < b.len; off += (size_t)n) {
		n = write(STDOUT_FILENO, b.data + off, b.len - off);
		if (n == -1 && errno == EINTR)
			n = 0;
		else if (n <= 0)
			break;
	}
	buf_cleanup(&b);
	return 0;
}

/* ---- panes --------------------------------------------------------- */

void
ui_dirty(struct ui *ui)
{
	ui->dirty = true;
}

void
ui_trace_painted(struct ui *ui, const char *name)
{
	ui->trace_painted = name;
}

void
ui_idle(struct ui *ui)
{
	ui->idle = true;
}

/* A slice of the top pane's idle work; whether any is left. */
static bool
tui_idle(struct ui *ui)
{
	struct pane *p;
	bool more = false;

	/* Only the pane in view: a search left in a pane below waits,
	 * and goes on when that pane is on top again (tui_drop_top). */
	p = ui->top;
	if (p != NULL && p->ops->idle != NULL && p->ops->idle(ui, p))
		more = true;
	ui->dirty = true;
	return more;
}

void
ui_push(struct ui *ui, struct pane *p)
{
	p->below = ui->top;
	ui->top = p;
	ui->dirty = true;
}

/* Free the top pane without showing the one below. */
static void
tui_drop_top(struct ui *ui)
{
	struct pane *p = ui->top;

	if (p == NULL)
		return;
	ui->top = p->below;
	/* The pane now on top may have work in slices left. */
	ui->idle = true;
	if (ui->prompt_pane == p) {
		cmdline_abort();
		ui->prompt_pane = NULL;
	}
	if (p->ops->free != NULL)
		p->ops->free(ui, p);
	else
		free(p);
}

void
ui_pop(struct ui *ui)
{
	tui_drop_top(ui);
	if (ui->top != NULL && ui->top->ops->shown != NULL)
		ui->top->ops->shown(ui, ui->top);
	ui->dirty = true;
}

void
ui_pop_to(struct ui *ui, struct pane *p)
{
	if (!ui_pane_alive(ui, p))
		return;
	if (ui->top == p)
		return;
	while (ui->top != NULL && ui->top != p)
		tui_drop_top(ui);
	if (ui->top != NULL && ui->top->ops->shown != NULL)
		ui->top->ops->shown(ui, ui->top);
	ui->dirty = true;
}

bool
ui_pane_alive(const struct ui *ui, const struct pane *p)
{
	const struct pane *q;

	for (q = ui->top; q != NULL; q = q->below)
		if (q == p)
			return true;
	return false;
}

struct pane *
ui_find_pane(const struct ui *ui, const struct pane_ops *ops)
{
	struct pane *q;

	for (q = ui->top; q != NULL; q = q->below)
		if (q->ops == ops)
			return q;
	return NULL;
}

void
ui_item_saved(struct ui *ui, struct pane *except, const struct content *c)
{
	struct pane *q;

	for (q = ui->top; q != NULL; q = q->below)
		if (q != except && q->ops->item_saved != NULL)
			q->ops->item_saved(ui, q, c);
}

void
ui_item_deleted(struct ui *ui, const struct ids *partition,
    const struct ids *content)
{
	struct pane *q;

	for (q = ui->top; q != NULL; q = q->below)
		if (pane_is_items(q))
			pane_items_remove(ui, q, partition, content);
}

const struct worker_field *
ui_field(const struct ui *ui, const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < ui->nfields; i++)
		if (strcmp(ui->fields[i].name, name) == 0)
			return &ui->fields[i];
	return NULL;
}

/* ---- messages ------------------------------------------------------ */

/* Set the message line. */
static void
tui_vmsg(struct ui *ui, bool error, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;

	buf_vprintf(&b, fmt, ap);
	free(ui->msg);
	ui->msg = buf_detach(&b, NULL);
	ui->msg_error = error;
	ui->msg_fresh = true;
	ui->dirty = true;
}

void
ui_note(struct ui *ui, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tui_vmsg(ui, false, fmt, ap);
	va_end(ap);
}

void
ui_error(struct ui *ui, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	tui_vmsg(ui, true, fmt, ap);
	va_end(ap);
}

void
ui_error_err(struct ui *ui, const char *what, const struct err *e)
{
	if (what != NULL)
		ui_error(ui, "%s: %s", what, e->msg[0] != '\0' ? e->msg :
		    err_code_name(e->code));
	else
		ui_error(ui, "%s", e->msg[0] != '\0' ? e->msg :
		    err_code_name(e->code));
}

void
ui_clear_msg(struct ui *ui)
{
	free(ui->msg);
	ui->msg = NULL;
	ui->dirty = true;
}

/* ---- jobs, prompts, profiles --------------------------------------- */

unsigned long
ui_submit(struct ui *ui, struct pane *p, struct worker_job *j)
{
	j->owner = p;
	ui->dirty = true;
	return worker_submit(ui->worker, j);
}

void
ui_cancel(struct ui *ui, unsigned long job)
{
	if (job != 0)
		worker_cancel(ui->worker, job);
}

/* cmdline_fn of ui_prompt: hand the line to the pane if it is still
 * there. */
static void
tui_prompt_done(void *ctx, const char *line)
{
	struct ui *ui = ctx;
	struct pane *p = ui->prompt_pane;
	ui_prompt_fn fn = ui->prompt_fn;

	ui->prompt_pane = NULL;
	ui->prompt_fn = NULL;
	ui->dirty = true;
	free(ui->prompt_error);
	ui->prompt_error = NULL;
	free(ui->prompt_listing);
	ui->prompt_listing = NULL;
	if (fn != NULL && (p == NULL || ui_pane_alive(ui, p)))
		fn(ui, p, line);
}

void
ui_prompt(struct ui *ui, struct pane *p, int hist, const char *prompt,
    const char *prefill, ui_prompt_fn done)
{
	ui->prompt_pane = p;
	ui->prompt_fn = done;
	free(ui->prompt_error);
	ui->prompt_error = ui->msg != NULL && ui->msg_error &&
	    ui->msg_fresh ? xstrdup(ui->msg) : NULL;
	cmdline_open(hist, prompt, prefill, tui_prompt_done, ui);
	ui->dirty = true;
}

void
ui_arg_or_prompt(struct ui *ui, struct pane *p, const char *arg, int hist,
    const char *prompt, ui_prompt_fn done)
{
	if (arg != NULL)
		done(ui, p, arg);
	else
		ui_prompt(ui, p, hist, prompt, NULL, done);
}

bool
ui_cmd_writes(const struct pane *p, const char *name)
{
	static const struct {
		const char	*pane;
		const char	*cmd;
	} writes[] = {
		{ "item", "edit" }, { "item", "set" }, { "item", "overwrite" },
		{ "item", "incr" }, { "item", "append" },
		{ "item", "edit-json" }, { "item", "delete" },
		{ "items", "put" }, { "items", "delete" },
		{ "items", "delete-prefix" }, { "items", "set" },
		{ "items", "incr" }, { "items", "append" }
	};
	size_t i;

	for (i = 0; p != NULL && i < sizeof writes / sizeof *writes; i++)
		if (strcmp(p->ops->name, writes[i].pane) == 0 &&
		    strcmp(name, writes[i].cmd) == 0)
			return true;
	return false;
}

bool
ui_refuse_write(struct ui *ui)
{
	if (ui->profile != NULL && ui->profile->read_only) {
		ui_error(ui, "profile %s is read-only: writes are refused",
		    ui->profile->name);
		return true;
	}
	return false;
}

void
ui_open_profile(struct ui *ui, const struct profile *p)
{
	struct worker_job *j;
	struct pane *bottom = ui->top;

	/* The panes of the profile open now go first: a list of theirs
	 * waiting for demand would hold the open behind it. */
	while (bottom != NULL && bottom->below != NULL)
		bottom = bottom->below;
	if (bottom != NULL)
		ui_pop_to(ui, bottom);
	j = worker_job_new(WJ_OPEN);

	if (ui->profile_path != NULL)
		j->profile = xstrdup(ui->profile_path);
	else
		j->profile = xstrdup(p->name);
	if (ui->profiles_dir != NULL)
		j->profiles_dir = xstrdup(ui->profiles_dir);
	ui->opening = p;
	ui->open_job = ui_submit(ui, NULL, j);
	ui_note(ui, "opening %s ...", p->name);
}

/* The end of an open: the partitions pane over the profiles pane. */
/* Whether a partition with ids was opened before with this profile. */
static bool
tui_history_has_ids(const struct ui *ui)
{
	size_t i;

	for (i = 0; i < ui->nhistory; i++)
		if (ui->history[i][0] != '\0')
			return true;
	return false;
}

/* The message just shown, said again once the first page is in, when the
 * only partition opens at once (its pane's own messages come first). */
static void
tui_say_after_page(struct ui *ui)
{
	if (ui->profile->npartitions == 0) {
		free(ui->after_note);
		ui->after_note = xstrdup(ui->msg);
	}
}

static void
tui_open_done(struct ui *ui, struct worker_event *ev)
{
	struct pane *bottom;

	if (ev->job != ui->open_job)
		return;
	ui->open_job = 0;
	if (ev->rc == -1) {
		ui_error_err(ui, "cannot open the profile", &ev->err);
		ui->opening = NULL;
		return;
	}
	ui->profile = ui->opening;
	ui->opening = NULL;
	free(ui->endpoint);
	free(ui->region);
	free(ui->table);
	ui->endpoint = ev->endpoint;
	ui->region = ev->region;
	ui->table = ev->table;
	ev->endpoint = ev->region = ev->table = NULL;
	worker_fields_free(ui->fields, ui->nfields);
	ui->fields = ev->fields;
	ui->nfields = ev->nfields;
	ev->fields = NULL;
	ev->nfields = 0;
	phist_free(ui->history, ui->nhistory);
	ui->history = ev->history;
	ui->nhistory = ev->nhistory;
	ev->history = NULL;
	ev->nhistory = 0;
	cmdline_set_profile(ui->profile->name);
	for (bottom = ui->top; bottom != NULL && bottom->below != NULL;
	    bottom = bottom->below)
		continue;
	if (bottom != NULL)
		ui_pop_to(ui, bottom);
	ui_clear_msg(ui);
	ui_push(ui, pane_partitions_new(ui));
	/* A repository without partition ids has one partition: open it
	 * (unless ids were opened before: then the list is worth a look). */
	if (ui->profile->npartitions == 0 && !tui_history_has_ids(ui)) {
		struct ids none;

		ids_init(&none);
		ui_push(ui, pane_items_new(ui, &none));
	}
	/* Edits kept from before (not saved): offered again. A file that
	 * cannot be read may hold one: said, never passed over. */
	if (ev->unreadable > 0) {
		ui_error(ui, "%zu unsaved edit%s from before cannot be read, "
		    "left in %s%s", ev->unreadable, ev->unreadable == 1 ?
		    "" : "s", ev->recovery_dir != NULL ? ev->recovery_dir :
		    "the state directory's recovery/", ev->count > 0 ?
		    "; the others: :recover" : "");
		tui_say_after_page(ui);
	} else if (ev->count > 0) {
		ui_note(ui, "%zu unsaved edit%s from before: :recover",
		    ev->count, ev->count == 1 ? "" : "s");
		tui_say_after_page(ui);
	} else if (ev->history_error != NULL) {
		ui_error(ui, "the partitions opened before are not listed: %s",
		    ev->history_error);
		tui_say_after_page(ui);
	}
}

static void	tui_undo_done(struct ui *, const struct worker_event *);
static void	tui_recover_done(struct ui *, struct worker_event *);

/* Route one worker event to the pane that asked. */
static void
tui_event(struct ui *ui, struct worker_event *ev)
{
	struct pane *p = ev->owner;

	ui->msg_fresh = false;
	if (ev->type == WE_RETRY) {
		/* Whoever asked, the person sees the wait and may end it. */
		ui->retry_job = ev->job;
		ui_note(ui, "retrying (%d/%d) after %s in %.1f s; Esc cancels",
		    ev->attempt, ev->max_attempts, ev->reason,
		    (double)ev->delay_ms / 1000.0);
		worker_event_free(ev);
		ui->dirty = true;
		return;
	}
	if (ev->type == WE_DONE && ev->job == ui->retry_job)
		ui->retry_job = 0;
	if (p == NULL) {
		if (ev->type == WE_DONE && ev->job_type == WJ_OPEN)
			tui_open_done(ui, ev);
		else if (ev->type == WE_DONE && ev->job_type == WJ_UNDO)
			tui_undo_done(ui, ev);
		else if (ev->type == WE_DONE && ev->job_type == WJ_RECOVER)
			tui_recover_done(ui, ev);
	} else if (ui_pane_alive(ui, p) && p->ops->event != NULL) {
		p->ops->event(ui, p, ev);
		if (ev->type == WE_DONE && ui->after_note != NULL) {
			ui_note(ui, "%s", ui->after_note);
			free(ui->after_note);
			ui->after_note = NULL;
		}
	}
	/* Saved, but something after it failed: said over "saved". */
	if (ev->type == WE_DONE && ev->warning != NULL)
		ui_error(ui, "saved; %s", ev->warning);
	worker_event_free(ev);
	ui->dirty = true;
}

/* ---- list helpers -------------------------------------------------- */

bool
ui_list_move(int op, size_t n, int h, size_t *cur)
{
	size_t old = *cur, page = h > 1 ? (size_t)h - 1 : 1;

	if (n == 0) {
		*cur = 0;
		return false;
	}
	switch (op) {
	case UI_MOVE_DOWN:
		if (*cur + 1 < n)
			(*cur)++;
		break;
	case UI_MOVE_UP:
		if (*cur > 0)
			(*cur)--;
		break;
	case UI_MOVE_PAGE_DOWN:
		*cur = *cur + page < n ? *cur + page : n - 1;
		break;
	case UI_MOVE_PAGE_UP:
		*cur = *cur > page ? *cur - page : 0;
		break;
	case UI_MOVE_FIRST:
		*cur = 0;
		break;
	case UI_MOVE_LAST:
		*cur = n - 1;
		break;
	}
	if (*cur >= n)
		*cur = n - 1;
	return *cur != old;
}

void
ui_list_scroll(size_t cur, size_t n, int h, size_t *top)
{
	size_t rows = h > 0 ? (size_t)h : 1;

	if (cur < *top)
		*top = cur;
	else if (cur >= *top + rows)
		*top = cur - rows + 1;
	/* No blank rows below the last when the list could fill them. */
	if (n > 0 && *top + rows > n)
		*top = n > rows ? n - rows : 0;
}

/* ---- keys and commands --------------------------------------------- */

void
ui_key_name(int key, struct buf *b)
{
	static const struct {
		int		 code;
		const char	*name;
	} fn[] = {
		{ KEY_DOWN, "Down" }, { KEY_UP, "Up" }, { KEY_LEFT, "Left" },
		{ KEY_RIGHT, "Right" }, { KEY_HOME, "Home" },
		{ KEY_END, "End" }, { KEY_NPAGE, "PgDn" },
		{ KEY_PPAGE, "PgUp" }, { KEY_BACKSPACE, "Backspace" },
		{ KEY_DC, "Del" }, { KEY_IC, "Ins" }, { KEY_ENTER, "Enter" },
		{ KEY_BTAB, "S-Tab" }, { KEY_F(1), "F1" }, { KEY_F(5), "F5" },
	};
	size_t i;

	if (key >= UI_KEY_FN_BASE) {
		for (i = 0; i < sizeof fn / sizeof *fn; i++)
			if (fn[i].code == key - UI_KEY_FN_BASE) {
				buf_adds(b, fn[i].name);
				return;
			}
		buf_printf(b, "key%d", key - UI_KEY_FN_BASE);
	} else if (key == '\r' || key == '\n') {
		buf_adds(b, "Enter");
	} else if (key == UI_KEY_ESC) {
		buf_adds(b, "Esc");
	} else if (key == '\t') {
		buf_adds(b, "Tab");
	} else if (key == ' ') {
		buf_adds(b, "Space");
	} else if (key == 127 || key == 8) {
		buf_adds(b, "Backspace");
	} else if (key < 32) {
		buf_printf(b, "C-%c", key + 'a' - 1);
	} else {
		utf8_append(b, (uint32_t)key);
	}
}

/* The command of this name in a table, or NULL. */
static const struct ui_cmd *
tui_cmd_in(const struct ui_cmd *cmds, const char *name)
{
	const struct ui_cmd *c;

	for (c = cmds; c != NULL && c->name != NULL; c++)
		if (strcmp(c->name, name) == 0)
			return c;
	return NULL;
}

/* Find a command for the `:` line: in the panes from the top down, then
 * the global ones. *owner gets the pane (NULL for a global one). */
static const struct ui_cmd *
tui_find_cmd(struct ui *ui, const char *name, struct pane **owner)
{
	const struct ui_cmd *c;
	struct pane *p;

	for (p = ui->top; p != NULL; p = p->below) {
		c = tui_cmd_in(p->ops->cmds, name);
		if (c != NULL) {
			*owner = p;
			return c;
		}
	}
	*owner = NULL;
	return tui_cmd_in(ui_global_cmds, name);
}

int
ui_run_command(struct ui *ui, const char *name, const char *arg)
{
	static const struct {
		const char	*alias;
		const char	*name;
	} aliases[] = {
		{ "q", "quit" }, { "q!", "quit" }, { "qa", "quit" },
		{ "exit", "quit" }, { "h", "help" }, { "e", "reload" },
	};
	const struct ui_cmd *c;
	struct pane *owner;
	size_t i;

	for (i = 0; i < sizeof aliases / sizeof *aliases; i++)
		if (strcmp(name, aliases[i].alias) == 0)
			name = aliases[i].name;
	c = tui_find_cmd(ui, name, &owner);
	if (c == NULL) {
		ui_error(ui, "unknown command \"%s\" (? lists them)", name);
		return UI_HANDLED;
	}
	/* A command of a pane further down brings that pane back first
	 * (":filter" from an item goes back to its items). */
	if (ui_cmd_writes(owner, c->name) && ui_refuse_write(ui))
		return UI_HANDLED;
	if (owner != NULL && owner != ui->top)
		ui_pop_to(ui, owner);
	return c->fn(ui, owner, c->op, arg);
}

/* The `:` line is done. */
static void
tui_command_done(struct ui *ui, struct pane *p, const char *line)
{
	char *copy, *name, *arg, *end;
	int flags;

	(void)p;
	if (line == NULL)
		return;
	copy = xstrdup(line);
	name = copy + strspn(copy, " \t");
	if (*name == ':')
		name++;
	arg = name + strcspn(name, " \t");
	if (*arg != '\0') {
		*arg++ = '\0';
		arg += strspn(arg, " \t");
	}
	end = arg + strlen(arg);
	while (end > arg && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	if (*name != '\0') {
		flags = ui_run_command(ui, name, *arg != '\0' ? arg : NULL);
		if (flags & UI_QUIT)
			ui->quit = true;
	}
	free(copy);
}

/* Whether the `:` line's command is one of cmds[0..n). */
static bool
tui_line_cmd_in(const char *line, const char *const *cmds, size_t n)
{
	size_t i, len;

	line += strspn(line, " :");
	len = strcspn(line, " \t");
	for (i = 0; i < n; i++)
		if (strlen(cmds[i]) == len && strncmp(line, cmds[i], len) == 0)
			return true;
	return false;
}

/* Whether the `:` line's command takes a field name as its first
 * argument. */
static bool
tui_takes_field(const char *line)
{
	static const char *const cmds[] = {
		"filter", "set", "incr", "append", "mark-filter", "edit"
	};

	return tui_line_cmd_in(line, cmds, sizeof cmds / sizeof *cmds);
}

/* Whether the `:` line's command takes ids: a prefix, a between bound,
 * a partition. */
static bool
tui_takes_ids(const char *line)
{
	static const char *const cmds[] = {
		"between", "prefix", "open", "partition"
	};

	return tui_line_cmd_in(line, cmds, sizeof cmds / sizeof *cmds);
}

/* Add a completion word (borrowed, or owned when made for it). */
static void
tui_word(struct ui *ui, const char *w, bool owned)
{
	if (ui->nwords + 2 > ui->wordscap) {
		ui->wordscap = ui->wordscap * 2 + 32;
		ui->words = xreallocarray(ui->words, ui->wordscap,
		    sizeof *ui->words);
	}
	if (owned) {
		ui->owned = xreallocarray(ui->owned, ui->nowned + 1,
		    sizeof *ui->owned);
		ui->owned[ui->nowned++] = (char *)w;
	}
	ui->words[ui->nwords++] = w;
}

/* Ids to complete: on the partitions pane its partitions (the profile's
 * and those opened before), else the content ids of the items loaded
 * in the nearest items pane (the ids on screen and around them). */
static void
tui_complete_ids(struct ui *ui)
{
	const struct table *t = NULL;
	struct pane *p;
	struct buf b = BUF_INIT;
	size_t i;

	for (p = ui->top; p != NULL && t == NULL; p = p->below)
		t = pane_items_table(p);
	if (ui->top != NULL && strcmp(ui->top->ops->name, "partitions") == 0)
		t = NULL;
	if (t == NULL && ui->profile != NULL) {
		for (i = 0; i < ui->profile->npartitions; i++)
			tui_word(ui, ui->profile->partitions[i], false);
		for (i = 0; i < ui->nhistory; i++)
			tui_word(ui, ui->history[i], false);
		return;
	}
	for (i = 0; t != NULL && i < t->nrows; i++) {
		buf_reset(&b);
		table_row_id(t, i, &b);
		/* A row without content ids has no word (an empty buffer
		 * detaches as NULL, which would end the list). */
		if (b.len > 0)
			tui_word(ui, buf_detach(&b, NULL), true);
	}
	buf_cleanup(&b);
}

/* The words to complete: command names and profile names on the `:`
 * line, the model's field names where a field is typed (a filter
 * condition, :set and the like), ids where ids are typed. */
static const char *const *
tui_complete(void *ctx, int hist, const char *line, int word)
{
	struct ui *ui = ctx;
	const struct ui_cmd *c;
	struct pane *p;
	size_t i;

	ui->nwords = 0;
	for (i = 0; i < ui->nowned; i++)
		free(ui->owned[i]);
	ui->nowned = 0;
	if (hist == CMDLINE_HIST_IDS || (hist == CMDLINE_HIST_COMMAND &&
	    word >= 1 && tui_takes_ids(line))) {
		tui_complete_ids(ui);
		if (ui->nwords == 0)
			return NULL;
		ui->words[ui->nwords] = NULL;
		return ui->words;
	}
	if ((hist == CMDLINE_HIST_FILTER && word == 0) ||
	    (hist == CMDLINE_HIST_COMMAND && word == 1 &&
	    tui_takes_field(line))) {
		if (ui->nfields + 1 > ui->wordscap) {
			ui->wordscap = ui->nfields + 1;
			ui->words = xreallocarray(ui->words, ui->wordscap,
			    sizeof *ui->words);
		}
		for (i = 0; i < ui->nfields; i++)
			ui->words[ui->nwords++] = ui->fields[i].name;
		if (ui->nwords == 0)
			return NULL;
		ui->words[ui->nwords] = NULL;
		return ui->words;
	}
	if (hist != CMDLINE_HIST_COMMAND)
		return NULL;
	if (word == 0) {
		for (p = ui->top; ; p = p->below) {
			for (c = p != NULL ? p->ops->cmds : ui_global_cmds;
			    c != NULL && c->name != NULL; c++) {
				if (ui->nwords + 2 > ui->wordscap) {
					ui->wordscap = ui->wordscap * 2 + 32;
					ui->words = xreallocarray(ui->words,
					    ui->wordscap, sizeof *ui->words);
				}
				ui->words[ui->nwords++] = c->name;
			}
			if (p == NULL)
				break;
		}
	} else if (strncmp(line + strspn(line, " :"), "profile", 7) == 0 &&
	    ui->profiles != NULL) {
		size_t n = profile_set_count(ui->profiles);

		if (n + 1 > ui->wordscap) {
			ui->wordscap = n + 1;
			ui->words = xreallocarray(ui->words, ui->wordscap,
			    sizeof *ui->words);
		}
		for (i = 0; i < n; i++)
			ui->words[ui->nwords++] =
			    profile_set_at(ui->profiles, i)->name;
	} else {
		return NULL;
	}
	if (ui->words == NULL)
		return NULL;
	ui->words[ui->nwords] = NULL;
	return ui->words;
}

/* The global commands. */
enum {
	TUI_QUIT = 1,
	TUI_BACK,
	TUI_CLOSE,
	TUI_HELP,
	TUI_COMMAND,
	TUI_REDRAW,
	TUI_SUSPEND,
	TUI_PROFILE,
	TUI_CANCEL,
	TUI_UNDO,
	TUI_RECOVER
};

/* The global commands' function. */
/* :undo [--partial] [N]: the worker restores the before-images of the
 * last N writes of this profile's table from the journal, each guarded so
 * that nothing changed since is overwritten. */
static void
tui_undo(struct ui *ui, const char *arg)
{
	struct worker_job *j;
	long long n = 1;
	bool partial = false;
	char *end;

	if (ui->profile == NULL) {
		ui_error(ui, "undo: open a profile first");
		return;
	}
	if (ui_refuse_write(ui))
		return;
	if (arg != NULL && strncmp(arg, "--partial", 9) == 0 &&
	    (arg[9] == '\0' || arg[9] == ' ')) {
		partial = true;
		for (arg += 9; *arg == ' '; arg++)
			continue;
	}
	if (arg != NULL && *arg != '\0') {
		n = strtoll(arg, &end, 10);
		if (*end != '\0' || n < 1 || n > 1000) {
			ui_error(ui, "undo: N is a number of writes, "
			    "1 to 1000");
			return;
		}
	}
	j = worker_job_new(WJ_UNDO);
	j->undo_count = (size_t)n;
	j->undo_partial = partial;
	ui_submit(ui, NULL, j);
	ui_note(ui, "undoing the last %s...", n == 1 ? "write" : "writes");
}

/* :recover [drop]: the newest kept edit (a recovery file) in the item
 * view against the item stored now, or dropped. */
static void
tui_recover(struct ui *ui, const char *arg)
{
	struct worker_job *j;
	bool drop = false;

	if (ui->profile == NULL) {
		ui_error(ui, "recover: open a profile first");
		return;
	}
	if (arg != NULL && strcmp(arg, "drop") == 0) {
		drop = true;
	} else if (arg != NULL) {
		ui_error(ui, "recover: [drop]");
		return;
	}
	free(ui->after_note);
	ui->after_note = NULL;
	j = worker_job_new(WJ_RECOVER);
	j->recover_drop = drop;
	ui_submit(ui, NULL, j);
	ui_note(ui, drop ? "dropping the kept edit ..." :
	    "bringing back the kept edit ...");
}

/* The end of a :recover (or of the drop of a kept edit by r). */
static void
tui_recover_done(struct ui *ui, struct worker_event *ev)
{
	size_t left = ev->count > 0 ? ev->count - 1 : 0;

	if (ev->rc == -1) {
		ui_error_err(ui, "recover", &ev->err);
		return;
	}
	if (ev->recovered == NULL) {
		/* A drop; silent when the item had no file. */
		if (ev->recovery_id != NULL)
			ui_note(ui, "the kept edit is dropped; %zu left", left);
		return;
	}
	ui_push(ui, pane_item_recovered(ui, ev));
	ui_note(ui, "your kept edit: o saves it over theirs, e edits it, "
	    "r drops it%s", left > 0 ? "; more: :recover" : "");
}

/* The end of an :undo: what was done (or why not), then the pane in
 * view loads again. */
static void
tui_undo_done(struct ui *ui, const struct worker_event *ev)
{
	struct buf b = BUF_INIT;
	const char *r = ev->undo_report != NULL ? ev->undo_report : "";
	const char *nl;

	/* The report's lines, one message: "undo put of T (1 item);
	 * put back K". */
	while (*r != '\0') {
		nl = strchr(r, '\n');
		if (b.len > 0)
			buf_adds(&b, "; ");
		buf_add(&b, r, nl != NULL ? (size_t)(nl - r) : strlen(r));
		r = nl != NULL ? nl + 1 : r + strlen(r);
	}
	/* A conflict found by the plan wrote nothing; any other failure
	 * (or a change made after the plan) may come after restores: the
	 * message says how many, the report which. */
	if (ev->rc != 0 && ev->count == 0 && ev->err.code == ERR_CONFLICT)
		ui_error(ui, "undo: conflict, nothing written: %s",
		    ev->err.msg);
	else if (ev->rc != 0 && ev->count == 0)
		ui_error_err(ui, "undo", &ev->err);
	else if (ev->rc != 0)
		ui_error(ui, "undo: %s (done: %s; the pane shows what was "
		    "loaded before: reload it)", ev->err.msg, b.len > 0 ?
		    buf_cstr(&b) : "no write whole");
	else if (ui->top != NULL &&
	    tui_cmd_in(ui->top->ops->cmds, "reload") != NULL) {
		/* The pane loads again; the report shows when that is done
		 * (over the pane's own "reloaded" note). */
		free(ui->after_note);
		ui->after_note = buf_detach(&b, NULL);
		ui_run_command(ui, "reload", NULL);
	} else
		ui_note(ui, "%s", b.len > 0 ? buf_cstr(&b) : "nothing to undo");
	buf_cleanup(&b);
}

static int
tui_global(struct ui *ui, struct pane *p, int op, const char *arg)
{
	const struct profile *prof;
	struct err e;

	(void)p;
	switch (op) {
	case TUI_QUIT:
		return UI_QUIT;
	case TUI_BACK:
	case TUI_CLOSE:
		if (ui->top != NULL && ui->top->below != NULL)
			ui_pop(ui);
		else if (op == TUI_CLOSE)
			return UI_QUIT;
		return UI_HANDLED;
	case TUI_HELP:
		ui_push(ui, pane_help_new(ui, ui->top));
		return UI_HANDLED;
	case TUI_COMMAND:
		ui_prompt(ui, NULL, CMDLINE_HIST_COMMAND, ":", NULL,
		    tui_command_done);
		return UI_HANDLED;
	case TUI_REDRAW:
		clearok(curscr, TRUE);
		return UI_REDRAW;
	case TUI_SUSPEND:
		tui_suspend();
		return UI_REDRAW;
	case TUI_PROFILE:
		if (arg == NULL) {
			struct pane *bottom = ui->top;

			while (bottom != NULL && bottom->below != NULL)
				bottom = bottom->below;
			ui_pop_to(ui, bottom);
			return UI_HANDLED;
		}
		err_clear(&e);
		if (profile_set_lookup(ui->profiles, arg, &prof, &e) == -1) {
			ui_error_err(ui, NULL, &e);
			return UI_HANDLED;
		}
		ui_open_profile(ui, prof);
		return UI_HANDLED;
	case TUI_CANCEL:
		ui_note(ui, "nothing to cancel here");
		return UI_HANDLED;
	case TUI_UNDO:
		tui_undo(ui, arg);
		return UI_HANDLED;
	case TUI_RECOVER:
		tui_recover(ui, arg);
		return UI_HANDLED;
	}
	return 0;
}

const struct ui_cmd ui_global_cmds[] = {
	{ "quit", tui_global, TUI_QUIT, NULL, "leave dynrepo" },
	{ "back", tui_global, TUI_BACK, NULL,
	    "go back to the pane before" },
	{ "close", tui_global, TUI_CLOSE, NULL,
	    "go back; quit from the first pane" },
	{ "help", tui_global, TUI_HELP, NULL, "keys and commands of the pane" },
	{ "command", tui_global, TUI_COMMAND, NULL, "type a command" },
	{ "redraw", tui_global, TUI_REDRAW, NULL, "repaint the screen" },
	{ "suspend", tui_global, TUI_SUSPEND, NULL,
	    "stop dynrepo (fg resumes it)" },
	{ "profile", tui_global, TUI_PROFILE, "[NAME]",
	    "open a profile, or go back to the profiles" },
	{ "cancel", tui_global, TUI_CANCEL, NULL, "stop a load" },
	{ "undo", tui_global, TUI_UNDO, "[--partial] [N]",
	    "restore what the last (N) writes changed, if nobody changed it "
	    "since" },
	{ "recover", tui_global, TUI_RECOVER, "[drop]",
	    "bring back the newest edit kept unsaved (or drop it)" },
	{ NULL, NULL, 0, NULL, NULL }
};

const struct ui_key ui_global_keys[] = {
	{ 'Q', "quit" },
	{ 'q', "close" },
	{ UI_KEY_ESC, "back" },
	{ '?', "help" },
	{ UI_KEY_FN_BASE + KEY_F(1), "help" },
	{ ':', "command" },
	{ UI_KEY_CTRL_L, "redraw" },
	{ UI_KEY_CTRL_Z, "suspend" },
	{ UI_KEY_CTRL_C, "cancel" },
	{ 0, NULL }
};

/* The command a key is bound to for the top pane, or NULL. */
static const char *
tui_binding(struct ui *ui, int key)
{
	const struct ui_key *k;

	if (ui->top != NULL)
		for (k = ui->top->ops->keys; k != NULL && k->key != 0; k++)
			if (k->key == key)
				return k->cmd;
	for (k = ui_global_keys; k->key != 0; k++)
		if (k->key == key)
			return k->cmd;
	return NULL;
}

/* ---- the loop ------------------------------------------------------ */

/* The terminal changed size: one place recomputes everything. */
static void
tui_resize(struct ui *ui)
{
	struct winsize ws;

	if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resizeterm(ws.ws_row, ws.ws_col);
	ui->rows = LINES;
	ui->cols = COLS;
	clearok(curscr, TRUE);
	ui->dirty = true;
}

/* One key. */
static void
tui_key(struct ui *ui, int key, bool more)
{
	const char *name;
	const struct ui_cmd *c;
	struct pane *owner;
	struct buf b = BUF_INIT;
	int flags;

	if (key == UI_KEY_FN_BASE + KEY_RESIZE) {
		tui_resize(ui);
		return;
	}
	ui->msg_fresh = false;
	if (cmdline_active()) {
		cmdline_key(key, more);
		ui->dirty = true;
		return;
	}
	if (key == UI_KEY_ESC && ui->retry_job != 0) {
		/* Esc first ends a wait to retry: the job ends cancelled. */
		ui_cancel(ui, ui->retry_job);
		ui->retry_job = 0;
		ui_note(ui, "cancelled: no more attempts");
		return;
	}
	if (ui->msg != NULL && !ui->msg_error)
		ui_clear_msg(ui);
	name = tui_binding(ui, key);
	if (name == NULL) {
		ui_key_name(key, &b);
		ui_note(ui, "%s does nothing here (? for help)", buf_cstr(&b));
		buf_cleanup(&b);
		return;
	}
	/* Keys act on the pane in view, else globally. */
	owner = ui->top;
	c = owner != NULL ? tui_cmd_in(owner->ops->cmds, name) : NULL;
	if (c == NULL) {
		owner = NULL;
		c = tui_cmd_in(ui_global_cmds, name);
	}
	if (c == NULL)
		return;
	/* Every write is refused here on a read-only profile, before the
	 * pane (and the core, which refuses too) sees it. */
	if (ui_cmd_writes(owner, c->name) && ui_refuse_write(ui))
		return;
	flags = c->fn(ui, owner, c->op, NULL);
	if (flags & UI_QUIT)
		ui->quit = true;
	if (flags & (UI_REDRAW | UI_HANDLED))
		ui->dirty = true;
}

/* Read every key waiting, then handle them in order. */
static void
tui_read_keys(struct ui *ui)
{
	int keys[TUI_KEYS_MAX];
	size_t n = 0, i;
	wint_t wc;
	int r;

	while (n < TUI_KEYS_MAX) {
		r = wget_wch(stdscr, &wc);
		if (r == ERR)
			break;
		keys[n++] = r == KEY_CODE_YES ? UI_KEY_FN_BASE + (int)wc :
		    (int)wc;
	}
	/* Which keys, never: only that some came, for the trace. */
	if (n > 0)
		trace_event("key", NULL);
	for (i = 0; i < n && !ui->quit; i++)
		tui_key(ui, keys[i], i + 1 < n);
}

/* The rows the message takes: 1, or for a fresh error too long for one
 * row (until the next key or event) up to TUI_ERROR_ROWS, with at least
 * 3 rows left for the title, a pane row and the status line: what went
 * wrong is read whole, not guessed from its first words. */
static int
tui_msg_rows(const struct ui *ui, int rows, int cols)
{
	int n;

	if (ui->msg == NULL || !ui->msg_error || !ui->msg_fresh ||
	    cmdline_active() || cols <= 0)
		return 1;
	/* As draw_wrapped breaks it (a wide character never split). */
	n = draw_wrapped_rows(cols, rows - 3 < TUI_ERROR_ROWS ? rows - 3 :
	    TUI_ERROR_ROWS, ui->msg);
	return n < 1 ? 1 : n;
}

/* Paint the whole screen once. */
static void
tui_paint(struct ui *ui)
{
	struct buf t = BUF_INIT, s = BUF_INIT, r = BUF_INIT;
	int rows = ui->rows, cols = ui->cols, w, m, sl;
	char *listing;

	erase();
	if (rows < 5 || cols < 20) {
		draw_str(0, 0, cols, "terminal too small", A_BOLD);
		curs_set(0);
		wnoutrefresh(stdscr);
		doupdate();
		return;
	}
	/* Title bar. */
	draw_fill(0, 0, cols, draw_attr(DR_TITLE));
	if (ui->top != NULL && ui->top->ops->title != NULL)
		ui->top->ops->title(ui, ui->top, &t);
	else if (ui->top != NULL)
		buf_adds(&t, ui->top->ops->name);
	if (ui->profile != NULL)
		buf_printf(&r, "%s%s  %s ", ui->profile->name,
		    ui->profile->read_only ? " [read-only]" : "",
		    ui->table != NULL ? ui->table : "");
	w = draw_width(r.data != NULL ? r.data : "", r.len);
	if (w > cols / 2)
		w = 0;
	draw_str(0, 1, cols - w - 2, buf_cstr(&t), draw_attr(DR_TITLE));
	if (w > 0)
		draw_str(0, cols - w, w, buf_cstr(&r), draw_attr(DR_TITLE));
	/* The message's rows (m) end on the bottom line; the status line
	 * (sl) is right above them, the pane between it and the title. */
	m = tui_msg_rows(ui, rows, cols);
	sl = rows - 1 - m;
	/* The pane. */
	if (ui->top != NULL)
		ui->top->ops->draw(ui, ui->top, 1, sl - 1);
	/* Status line. */
	draw_fill(sl, 0, cols, draw_attr(DR_STATUS));
	if (ui->top != NULL && ui->top->ops->status != NULL)
		ui->top->ops->status(ui, ui->top, &s);
	if (cmdline_active() && ui->prompt_error != NULL)
		draw_str(sl, 1, cols - 14, ui->prompt_error,
		    draw_attr(DR_ERROR));
	else
		draw_str(sl, 1, cols - 14, buf_cstr(&s),
		    draw_attr(DR_STATUS));
	draw_str(sl, cols - 12, 12, " ? help ", draw_attr(DR_STATUS));
	/* Message or command line, painted last: it places the cursor. */
	/* The prompt covers the message line: completions listed while
	 * it is open go on the status line. */
	listing = cmdline_take_listing();
	if (listing != NULL && cmdline_active()) {
		free(ui->prompt_listing);
		ui->prompt_listing = listing;
		draw_fill(sl, 0, cols, draw_attr(DR_STATUS));
		draw_str(sl, 1, cols - 2, listing, draw_attr(DR_STATUS));
	} else if (listing != NULL) {
		ui_note(ui, "%s", listing);
		free(listing);
	} else if (cmdline_active() && ui->prompt_listing != NULL) {
		draw_fill(sl, 0, cols, draw_attr(DR_STATUS));
		draw_str(sl, 1, cols - 2, ui->prompt_listing,
		    draw_attr(DR_STATUS));
	}
	if (cmdline_active()) {
		curs_set(1);
		cmdline_draw(rows - 1, cols);
	} else {
		curs_set(0);
		if (ui->msg != NULL)
			draw_wrapped(rows - m, 0, cols, m, ui->msg,
			    draw_attr(ui->msg_error ? DR_ERROR : DR_NORMAL));
	}
	wnoutrefresh(stdscr);
	doupdate();
	if (ui->trace_painted != NULL) {
		trace_event(ui->trace_painted, NULL);
		ui->trace_painted = NULL;
	}
	buf_cleanup(&t);
	buf_cleanup(&s);
	buf_cleanup(&r);
}

/* Signals that came through the self-pipe. */
static void
tui_signals(struct ui *ui)
{
	unsigned char sig[32];
	ssize_t n, i;

	while ((n = read(tui_sigfd[0], sig, sizeof sig)) > 0) {
		for (i = 0; i < n; i++) {
			switch (sig[i]) {
			case SIGWINCH:
				tui_resize(ui);
				break;
			case SIGCONT:
				clearok(curscr, TRUE);
				ui->dirty = true;
				break;
			case SIGTSTP:
				tui_suspend();
				ui->dirty = true;
				break;
			default:	/* TERM, HUP, INT, QUIT */
				ui->quit = true;
				break;
			}
		}
	}
}

/* Run until quit. */
static void
tui_loop(struct ui *ui)
{
	struct pollfd pfd[3];
	int n;

	ui->rows = LINES;
	ui->cols = COLS;
	ui->dirty = true;
	while (!ui->quit) {
		if (cmdline_take_dirty())
			ui->dirty = true;
		if (ui->dirty) {
			ui->dirty = false;
			tui_paint(ui);
		}
		pfd[0].fd = STDIN_FILENO;
		pfd[0].events = POLLIN;
		pfd[1].fd = worker_fd(ui->worker);
		pfd[1].events = POLLIN;
		pfd[2].fd = tui_sigfd[0];
		pfd[2].events = POLLIN;
		/* With work in slices, only look whether anything waits. */
		if ((n = poll(pfd, 3, ui->idle ? 0 : -1)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (n == 0) {
			ui->idle = tui_idle(ui);
			continue;
		}
		if (pfd[2].revents & POLLIN)
			tui_signals(ui);
		if (pfd[1].revents & POLLIN) {
			struct worker_event *ev;

			while ((ev = worker_next(ui->worker)) != NULL)
				tui_event(ui, ev);
		}
		if (pfd[0].revents & POLLIN)
			tui_read_keys(ui);
		else if (pfd[0].revents & (POLLHUP | POLLERR | POLLNVAL))
			ui->quit = true;
	}
}

int
tui_main(const struct tui_options *o)
{
	struct ui ui;
	const struct profile *p = NULL;
	struct err e;
	bool path;

	memset(&ui, 0, sizeof ui);
	err_clear(&e);
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "dynrepo: the browser needs a terminal; "
		    "see `dynrepo --help` for the verbs\n");
		return 1;
	}
	utf8_init();
	path = o->profile != NULL && profile_arg_is_path(o->profile);
	if (path) {
		ui.profiles = profile_load_path(o->profile);
		ui.profile_path = xstrdup(o->profile);
	} else {
		ui.profiles = session_load_profiles(o->profiles_dir);
	}
	if (o->profiles_dir != NULL)
		ui.profiles_dir = xstrdup(o->profiles_dir);
	if (o->profile != NULL && profile_set_lookup(ui.profiles,
	    path ? NULL : o->profile, &p, &e) == -1) {
		fprintf(stderr, "dynrepo: %s\n", e.msg);
		goto fail;
	}
	ui.worker = worker_new(&e);
	if (ui.worker == NULL) {
		fprintf(stderr, "dynrepo: %s\n", e.msg);
		goto fail;
	}
	if (tui_term_start() == -1)
		goto fail;
	cmdline_init(tui_complete, &ui);
	ui_push(&ui, pane_profiles_new(&ui));
	if (p != NULL)
		ui_open_profile(&ui, p);
	tui_loop(&ui);

	while (ui.top != NULL)
		tui_drop_top(&ui);
	cmdline_cleanup();
	tui_term_stop();
	worker_free(ui.worker);
	profile_set_free(ui.profiles);
	free(ui.profiles_dir);
	free(ui.profile_path);
	free(ui.endpoint);
	free(ui.region);
	free(ui.table);
	free(ui.msg);
	free(ui.after_note);
	phist_free(ui.history, ui.nhistory);
	free(ui.prompt_error);
	free(ui.prompt_listing);
	free(ui.words);
	while (ui.nowned > 0)
		free(ui.owned[--ui.nowned]);
	free(ui.owned);
	worker_fields_free(ui.fields, ui.nfields);
	return 0;

fail:
	worker_free(ui.worker);
	profile_set_free(ui.profiles);
	free(ui.profiles_dir);
	free(ui.profile_path);
	return 1;
}
