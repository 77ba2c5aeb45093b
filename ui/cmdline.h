/* SPDX-License-Identifier: ISC */
/* The bottom-line prompt: GNU readline through its callback interface. */
#ifndef DYNREPO_CMDLINE_H
#define DYNREPO_CMDLINE_H

#include <stdbool.h>

/* Separate histories, so values typed into an edit never come back as
 * commands. Only CMDLINE_HIST_COMMAND is kept across runs. */
enum cmdline_history {
	CMDLINE_HIST_COMMAND,	/* the `:` line */
	CMDLINE_HIST_SEARCH,	/* `/` */
	CMDLINE_HIST_FILTER,	/* filter conditions */
	CMDLINE_HIST_IDS,	/* partition ids, prefixes, between bounds */
	CMDLINE_HIST_VALUE,	/* edited values */
	CMDLINE_HIST_COUNT
};

/* Called once with the line typed (the callee may keep nothing of it), or
 * with NULL when the prompt was cancelled (Esc in emacs mode, C-c, C-g,
 * C-d on an empty line). */
typedef void (*cmdline_fn)(void *ctx, const char *line);

/* Words to complete the word at index `word` (0: the first) of the line;
 * a NULL-terminated array, borrowed until the next call. */
typedef const char *const *(*cmdline_complete_fn)(void *ctx, int hist,
	    const char *line, int word);

/* Set readline up for the callback interface: it never touches the
 * terminal (the UI draws the line), reads ~/.inputrc as "dynrepo". */
void	 cmdline_init(cmdline_complete_fn, void *ctx);
/* Save the command history and forget everything. */
void	 cmdline_cleanup(void);
/* Use the command history of this profile (NULL: none kept), saved in
 * $XDG_STATE_HOME/dynrepo/history/NAME (or ~/.local/state/...), mode
 * 0600. A file that cannot be read or written is ignored. */
void	 cmdline_set_profile(const char *name);

bool	 cmdline_active(void);
/* Open the prompt; prefill is put on the line (may be NULL). */
void	 cmdline_open(int hist, const char *prompt, const char *prefill,
	     cmdline_fn, void *ctx);
/* Close it as if cancelled, without calling back. */
void	 cmdline_abort(void);
/* Hand one key to readline (a UI key code: a code point or
 * UI_KEY_FN_BASE + KEY_*); more_pending tells whether another key
 * follows at once (an Esc then is a Meta prefix, not a cancel). */
void	 cmdline_key(int key, bool more_pending);
/* Whether the line changed since the last call. */
bool	 cmdline_take_dirty(void);
/* Paint the prompt and line on row y of width cols and leave the
 * terminal cursor on the line's point. */
void	 cmdline_draw(int y, int cols);
/* Possible completions readline listed, for the message line; NULL when
 * none since the last call. Caller frees. */
char	*cmdline_take_listing(void);

#endif
