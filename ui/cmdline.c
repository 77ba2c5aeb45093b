/* SPDX-License-Identifier: ISC */
/* The bottom-line prompt: GNU readline through its callback interface. */
#include "config.h"

#include "cmdline.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <curses.h>
#include <readline/history.h>
#include <readline/readline.h>

#include "buf.h"
#include "draw.h"
#include "ui.h"
#include "utf8.h"
#include "xmalloc.h"

#define CMDLINE_HISTORY_MAX	1000

/*
 * Readline never sees the terminal: its input comes from a queue that
 * cmdline_key fills with the bytes a key stands for, its output goes to
 * /dev/null, and its redisplay only marks the line dirty for the UI's
 * next paint. Everything runs on the UI thread, inside cmdline_key.
 */
static struct {
	bool			 init;
	bool			 active;
	bool			 dirty;
	int			 hist;
	char			*prompt;
	HISTORY_STATE		*states[CMDLINE_HIST_COUNT];
	unsigned char		 q[64];
	size_t			 qhead, qlen;
	bool			 got_line;
	char			*line;
	cmdline_fn		 fn;
	void			*ctx;
	char			*histfile;
	FILE			*devnull;
	cmdline_complete_fn	 complete;
	void			*cctx;
	const char *const	*words;		/* of the completion running */
	char			*listing;
} cl;

/* rl_getc_function: the next queued byte. */
static int
cmdline_getc(FILE *fp)
{
	(void)fp;
	if (cl.qlen == 0)
		return EOF;	/* not reached: called only with input */
	cl.qlen--;
	return cl.q[cl.qhead++];
}

/* rl_input_available_hook: whether bytes are queued. */
static int
cmdline_input_available(void)
{
	return cl.qlen > 0;
}

/* rl_redisplay_function: the UI paints; just note the change. */
static void
cmdline_redisplay(void)
{
	cl.dirty = true;
}

/* rl_prep_term_function and rl_deprep_term_function: curses owns the
 * terminal modes. */
static void
cmdline_prep(int meta)
{
	(void)meta;
}

static void
cmdline_deprep(void)
{
}

/* The line handler: keep the line; the caller finishes after readline
 * has returned. */
static void
cmdline_handler(char *line)
{
	cl.got_line = true;
	cl.line = line;
	rl_callback_handler_remove();
}

/* Generator for rl_completion_matches over cl.words. */
static char *
cmdline_generator(const char *text, int state)
{
	static size_t i;
	size_t n = strlen(text);

	if (state == 0)
		i = 0;
	while (cl.words != NULL && cl.words[i] != NULL) {
		const char *w = cl.words[i++];

		if (strncmp(w, text, n) == 0)
			return xstrdup(w);
	}
	return NULL;
}

/* rl_attempted_completion_function: the UI's words for the word at point,
 * never file names. */
static char **
cmdline_attempt(const char *text, int start, int end)
{
	int word = 0, i;
	bool in = false;

	(void)end;
	rl_attempted_completion_over = 1;
	if (cl.complete == NULL)
		return NULL;
	for (i = 0; i < start; i++) {
		bool sp = rl_line_buffer[i] == ' ' || rl_line_buffer[i] == '\t';

		if (!sp && !in)
			word++;
		in = !sp;
	}
	if (in)
		word--;
	cl.words = cl.complete(cl.cctx, cl.hist, rl_line_buffer, word);
	if (cl.words == NULL)
		return NULL;
	return rl_completion_matches(text, cmdline_generator);
}

/* rl_completion_display_matches_hook: the matches go to the message line
 * instead of the terminal. */
static void
cmdline_display_matches(char **matches, int num, int maxlen)
{
	struct buf b = BUF_INIT;
	int i;

	(void)maxlen;
	for (i = 1; i <= num; i++) {
		if (i > 1)
			buf_addc(&b, ' ');
		buf_adds(&b, matches[i]);
	}
	free(cl.listing);
	cl.listing = buf_detach(&b, NULL);
	cl.dirty = true;
}

void
cmdline_init(cmdline_complete_fn complete, void *ctx)
{
	if (cl.init)
		return;
	cl.devnull = fopen("/dev/null", "r+");
	rl_readline_name = "dynrepo";
	rl_catch_signals = 0;
	rl_catch_sigwinch = 0;
	rl_change_environment = 0;
	rl_prep_term_function = cmdline_prep;
	rl_deprep_term_function = cmdline_deprep;
	rl_getc_function = cmdline_getc;
	rl_input_available_hook = cmdline_input_available;
	rl_redisplay_function = cmdline_redisplay;
	rl_attempted_completion_function = cmdline_attempt;
	rl_completion_display_matches_hook = cmdline_display_matches;
	if (cl.devnull != NULL) {
		rl_instream = cl.devnull;
		rl_outstream = cl.devnull;
	}
	rl_initialize();
	rl_variable_bind("bell-style", "none");
	using_history();
	cl.complete = complete;
	cl.cctx = ctx;
	cl.init = true;
}

/* Make the history of kind h the current one. */
static void
cmdline_use_history(int h)
{
	HISTORY_STATE empty;

	if (cl.states[h] != NULL) {
		history_set_history_state(cl.states[h]);
	} else {
		memset(&empty, 0, sizeof empty);
		history_set_history_state(&empty);
	}
	using_history();
}

/* Keep the current history as kind h's. */
static void
cmdline_keep_history(int h)
{
	free(cl.states[h]);
	cl.states[h] = history_get_history_state();
}

/* mkdir -p with mode 0700 for the parts that do not exist. */
static int
cmdline_mkdirs(char *path)
{
	char *p;

	for (p = path + 1; *p != '\0'; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0700) == -1 && errno != EEXIST) {
			*p = '/';
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, 0700) == -1 && errno != EEXIST)
		return -1;
	return 0;
}

void
cmdline_set_profile(const char *name)
{
	const char *state = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");
	char *dir;
	int fd;

	free(cl.histfile);
	cl.histfile = NULL;
	cmdline_use_history(CMDLINE_HIST_COMMAND);
	clear_history();
	if (name != NULL && strchr(name, '/') == NULL && name[0] != '.') {
		if (state != NULL && state[0] == '/')
			dir = xasprintf("%s/dynrepo/history", state);
		else if (home != NULL && home[0] == '/')
			dir = xasprintf("%s/.local/state/dynrepo/history",
			    home);
		else
			dir = NULL;
		if (dir != NULL && cmdline_mkdirs(dir) == 0) {
			cl.histfile = xasprintf("%s/%s", dir, name);
			/* Created private before readline writes to it. */
			fd = open(cl.histfile, O_WRONLY | O_CREAT | O_APPEND |
			    O_CLOEXEC, 0600);
			if (fd != -1) {
				(void)fchmod(fd, 0600);
				close(fd);
				(void)read_history(cl.histfile);
			} else {
				free(cl.histfile);
				cl.histfile = NULL;
			}
		}
		free(dir);
	}
	stifle_history(CMDLINE_HISTORY_MAX);
	cmdline_keep_history(CMDLINE_HIST_COMMAND);
}

void
cmdline_cleanup(void)
{
	HISTORY_STATE empty;
	int h;

	if (!cl.init)
		return;
	if (cl.active)
		cmdline_abort();
	for (h = 0; h < CMDLINE_HIST_COUNT; h++) {
		if (cl.states[h] == NULL)
			continue;
		history_set_history_state(cl.states[h]);
		clear_history();
		/* clear_history keeps the array; it came from malloc. */
		free(cl.states[h]->entries);
		free(cl.states[h]);
		cl.states[h] = NULL;
	}
	memset(&empty, 0, sizeof empty);
	history_set_history_state(&empty);
	free(cl.histfile);
	free(cl.prompt);
	free(cl.listing);
	if (cl.devnull != NULL)
		fclose(cl.devnull);
	rl_instream = NULL;
	rl_outstream = NULL;
	memset(&cl, 0, sizeof cl);
}

bool
cmdline_active(void)
{
	return cl.active;
}

void
cmdline_open(int hist, const char *prompt, const char *prefill,
    cmdline_fn fn, void *ctx)
{
	if (cl.active)
		cmdline_abort();
	cl.hist = hist;
	free(cl.prompt);
	cl.prompt = xstrdup(prompt);
	cl.fn = fn;
	cl.ctx = ctx;
	cl.got_line = false;
	cl.line = NULL;
	cl.qhead = cl.qlen = 0;
	cmdline_use_history(hist);
	/* The prompt readline knows is empty: the UI draws its own. */
	rl_callback_handler_install("", cmdline_handler);
	if (prefill != NULL && *prefill != '\0')
		rl_insert_text(prefill);
	cl.active = true;
	cl.dirty = true;
}

/* Leave prompt mode; readline forgets the half-typed line. */
static void
cmdline_close(void)
{
	if (!cl.got_line) {
		rl_callback_sigcleanup();
		rl_callback_handler_remove();
	}
	cmdline_keep_history(cl.hist);
	cl.active = false;
	cl.dirty = true;
	cl.qhead = cl.qlen = 0;
}

void
cmdline_abort(void)
{
	if (!cl.active)
		return;
	cmdline_close();
	free(cl.line);
	cl.line = NULL;
}

/* The prompt is done: history, then the callback (which may open the
 * next prompt). */
static void
cmdline_finish(char *line)
{
	cmdline_fn fn = cl.fn;
	void *ctx = cl.ctx;
	int hist = cl.hist;

	if (line != NULL && line[0] != '\0' && line[0] != ' ') {
		HIST_ENTRY *last = history_get(history_base + history_length
		    - 1);

		if (last == NULL || strcmp(last->line, line) != 0) {
			add_history(line);
			if (hist == CMDLINE_HIST_COMMAND && cl.histfile != NULL)
				if (append_history(1, cl.histfile) == 0)
					(void)history_truncate_file(cl.histfile,
					    CMDLINE_HISTORY_MAX);
		}
	}
	cl.line = NULL;
	cmdline_close();
	fn(ctx, line);
	free(line);
}

/* Queue the bytes a UI key stands for in a terminal. */
static void
cmdline_queue(int key)
{
	struct buf b = BUF_INIT;
	const char *seq = NULL;

	if (key >= UI_KEY_FN_BASE) {
		switch (key - UI_KEY_FN_BASE) {
		case KEY_LEFT:
			seq = "\033[D";
			break;
		case KEY_RIGHT:
			seq = "\033[C";
			break;
		case KEY_UP:
			seq = "\033[A";
			break;
		case KEY_DOWN:
			seq = "\033[B";
			break;
		case KEY_HOME:
			seq = "\033[H";
			break;
		case KEY_END:
			seq = "\033[F";
			break;
		case KEY_DC:
			seq = "\033[3~";
			break;
		case KEY_BACKSPACE:
			seq = "\177";
			break;
		case KEY_ENTER:
			seq = "\r";
			break;
		default:
			return;
		}
		buf_adds(&b, seq);
	} else if (key == '\n') {
		buf_addc(&b, '\r');
	} else if (key >= 0 && key < 0x110000) {
		utf8_append(&b, (uint32_t)key);
	}
	if (b.len > 0 && cl.qhead + cl.qlen + b.len > sizeof cl.q) {
		memmove(cl.q, cl.q + cl.qhead, cl.qlen);
		cl.qhead = 0;
	}
	if (b.len > 0 && cl.qlen + b.len <= sizeof cl.q) {
		memcpy(cl.q + cl.qhead + cl.qlen, b.data, b.len);
		cl.qlen += b.len;
	}
	buf_cleanup(&b);
}

void
cmdline_key(int key, bool more_pending)
{
	if (!cl.active)
		return;
	/* Cancel keys; a lone Esc cancels in emacs mode, while in vi mode it
	 * belongs to readline (command mode). */
	if (key == UI_KEY_CTRL_C || key == 7 || (key == UI_KEY_ESC &&
	    !more_pending && rl_editing_mode == 1)) {
		cmdline_fn fn = cl.fn;
		void *ctx = cl.ctx;

		cmdline_abort();
		fn(ctx, NULL);
		return;
	}
	cmdline_queue(key);
	while (cl.qlen > 0 && cl.active && !cl.got_line)
		rl_callback_read_char();
	if (cl.active && cl.got_line)
		cmdline_finish(cl.line);
}

bool
cmdline_take_dirty(void)
{
	bool d = cl.dirty;

	cl.dirty = false;
	return d;
}

char *
cmdline_take_listing(void)
{
	char *l = cl.listing;

	cl.listing = NULL;
	return l;
}

void
cmdline_draw(int y, int cols)
{
	struct buf before = BUF_INIT, after = BUF_INIT;
	int pw, cw, avail, skip, x;
	size_t point = (size_t)(rl_point < 0 ? 0 : rl_point);
	size_t end = (size_t)(rl_end < 0 ? 0 : rl_end);

	draw_fill(y, 0, cols, A_NORMAL);
	if (!cl.active)
		return;
	if (point > end)
		point = end;
	pw = draw_str(y, 0, cols / 2, cl.prompt, draw_attr(DR_KEY));
	/* Typed text is escaped too: C-v Esc puts an Esc on the line. */
	utf8_escape(&before, rl_line_buffer, point);
	utf8_escape(&after, rl_line_buffer + point, end - point);
	cw = utf8_width(before.data, before.len);
	avail = cols - pw - 1;
	if (avail < 1)
		avail = 1;
	skip = cw > avail ? cw - avail : 0;
	x = pw + draw_text(y, pw, avail, before.data, before.len, skip, false,
	    A_NORMAL);
	draw_text(y, x, cols - x, after.data, after.len, 0, false, A_NORMAL);
	move(y, pw + cw - skip);
	buf_cleanup(&before);
	buf_cleanup(&after);
}
