/* SPDX-License-Identifier: ISC */
/* The terminal UI's shared state: panes, commands, key tables, messages. */
#ifndef DYNREPO_UI_H
#define DYNREPO_UI_H

#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "err.h"
#include "profile.h"
#include "worker.h"

/*
 * The screen: a title bar (row 0), the top pane (rows 1 .. rows-3), the
 * status line (rows-2) and the message / command line (rows-1); a fresh
 * error too long for its row takes up to 4 rows, the status line and the
 * pane moving up.
 *
 * Keys map to command names through key tables: the top pane's first,
 * then the global one. A command is a function that changes state and
 * returns flags; it never paints and never blocks. The loop paints once
 * per pass when something is dirty. The same commands run from the `:`
 * line with an argument, looked up in the panes from the top down and
 * then among the global ones; help is generated from the tables.
 */

/* What a command did. */
enum {
	UI_HANDLED = 1 << 0,
	UI_REDRAW = 1 << 1,
	UI_QUIT = 1 << 2
};

/* Function keys and special keys share one space with characters:
 * characters are their code points, curses' KEY_* codes sit above
 * Unicode. */
#define UI_KEY_FN_BASE	0x110000
#define UI_KEY_ESC	27
#define UI_KEY_CTRL_C	3
#define UI_KEY_CTRL_L	12
#define UI_KEY_CTRL_Z	26

struct ui;
struct pane;

/* A command: op tells apart the commands that share a function; arg is
 * what followed the name on the `:` line, or NULL when a key ran it. */
typedef int (*ui_cmd_fn)(struct ui *, struct pane *, int op,
	    const char *arg);

struct ui_cmd {
	const char	*name;		/* "down", "filter", ... */
	ui_cmd_fn	 fn;
	int		 op;
	const char	*args;		/* for help: "COND", or NULL */
	const char	*help;		/* one line */
};

/* The ops of the cursor movement commands every list pane has. */
enum ui_move {
	UI_MOVE_DOWN = 1,
	UI_MOVE_UP,
	UI_MOVE_PAGE_DOWN,
	UI_MOVE_PAGE_UP,
	UI_MOVE_FIRST,
	UI_MOVE_LAST
};

struct ui_key {
	int		 key;	/* a code point or UI_KEY_FN_BASE + KEY_* */
	const char	*cmd;
};

struct worker_event;

/* What a prompt calls with the line typed, or NULL when cancelled. */
typedef void (*ui_prompt_fn)(struct ui *, struct pane *, const char *line);

/* A pane type. Every function but draw may be NULL. */
struct pane_ops {
	const char		*name;
	const struct ui_cmd	*cmds;		/* ends with a NULL name */
	const struct ui_key	*keys;		/* ends with key 0 */
	/* Paint rows [y, y + h) of the whole width. */
	void	(*draw)(struct ui *, struct pane *, int y, int h);
	/* The title bar's text. */
	void	(*title)(struct ui *, struct pane *, struct buf *);
	/* The pane's part of the status line. */
	void	(*status)(struct ui *, struct pane *, struct buf *);
	/* An event of a job this pane submitted (borrowed; the pane may take
	 * what it holds, leaving NULLs). */
	void	(*event)(struct ui *, struct pane *, struct worker_event *);
	/* The pane is on top again: the one above it went away. */
	void	(*shown)(struct ui *, struct pane *);
	/* An item was saved elsewhere (borrowed): show it if it is here. */
	void	(*item_saved)(struct ui *, struct pane *,
		    const struct content *);
	/* Cancel the pane's jobs and free it. */
	void	(*free)(struct ui *, struct pane *);
	/* Work that a keypress started and that would hold the screen too
	 * long (a search over a million rows): do a few ms of it; true
	 * while some is left. Called when no key or event waits, after
	 * ui_idle asked for it, and only while the pane is on top. NULL:
	 * none. */
	bool	(*idle)(struct ui *, struct pane *);
};

/* Every pane embeds this first. */
struct pane {
	const struct pane_ops	*ops;
	struct pane		*below;
};

struct ui {
	struct worker		*worker;
	struct pane		*top;
	bool			 dirty;
	bool			 idle;		/* a pane has work in slices */
	bool			 quit;
	int			 rows, cols;

	/* Profiles as the UI shows them; the worker loads its own. */
	char			*profiles_dir;
	struct profile_set	*profiles;
	const struct profile	*profile;	/* open, borrowed, or NULL */
	const struct profile	*opening;	/* being opened, or NULL */
	unsigned long		 open_job;
	char			*endpoint;	/* of the open profile */
	char			*region;
	char			*table;
	/* The open profile's model fields (none without a model). */
	struct worker_field	*fields;
	size_t			 nfields;

	char			*profile_path;	/* -p FILE, or NULL */

	char			*msg;		/* message line, or NULL */
	bool			 msg_error;
	unsigned long		 retry_job;	/* waiting to retry: Esc
						   cancels it; 0: none */
	char			**history;	/* partitions opened before */
	size_t			 nhistory;
	char			*after_note;	/* shown when the pane's next
						   job is done (:undo's report
						   after the reload) */
	bool			 msg_fresh;	/* set by this key or event */
	/* An error met just before a prompt opened: shown above it on the
	 * status line while the prompt is open (the prompt covers the
	 * message line). */
	char			*prompt_error;
	char			*prompt_listing;	/* completions */

	struct pane		*prompt_pane;	/* the open prompt's */
	ui_prompt_fn		 prompt_fn;
	const char		**words;	/* completions, borrowed */
	size_t			 nwords, wordscap;
	char			**owned;	/* completions made for them */
	size_t			 nowned;
	/* DYNREPO_TRACE: the event to record once this paint is on the
	 * terminal (after doupdate), or NULL. */
	const char		*trace_painted;
};

/* Panes. */
void	 ui_push(struct ui *, struct pane *);
/* Remove and free the top pane; the one below is shown. */
void	 ui_pop(struct ui *);
/* Pop panes until p is on top (p must be in the stack). */
void	 ui_pop_to(struct ui *, struct pane *);
bool	 ui_pane_alive(const struct ui *, const struct pane *);
/* The nearest pane of this type from the top, or NULL. */
struct pane *ui_find_pane(const struct ui *, const struct pane_ops *);
void	 ui_dirty(struct ui *);
/* From a pane's draw: record the trace event `name` (a word of the
 * program) once the paint under way has reached the terminal. */
void	 ui_trace_painted(struct ui *, const char *name);
/* A pane has work to do in slices (pane_ops idle) between keys. */
void	 ui_idle(struct ui *);

/* Messages on the bottom line; an error stays until the next error or
 * message, a note until a few keys later. */
void	 ui_note(struct ui *, const char *, ...)
	     __attribute__((format(printf, 2, 3)));
void	 ui_error(struct ui *, const char *, ...)
	     __attribute__((format(printf, 2, 3)));
void	 ui_error_err(struct ui *, const char *what, const struct err *);
void	 ui_clear_msg(struct ui *);

/* Submit a job on behalf of pane p; its events go to p->ops->event while
 * p is in the stack. Returns the job id. */
unsigned long ui_submit(struct ui *, struct pane *p, struct worker_job *);
void	 ui_cancel(struct ui *, unsigned long job);

/* Ask for a line on the bottom row with readline. done gets the line or
 * NULL when the person cancelled, and is called only while p is still in
 * the stack. hist: which history (enum cmdline_history). */
void	 ui_prompt(struct ui *, struct pane *p, int hist, const char *prompt,
	     const char *prefill, ui_prompt_fn done);

/* The model field of this name, or NULL (borrowed). */
const struct worker_field *ui_field(const struct ui *, const char *name);
/* Tell the items panes that an item is gone. */
void	 ui_item_deleted(struct ui *, const struct ids *partition,
	     const struct ids *content);

/* Hand the terminal to the person's editor on the file at path (see
 * scratch_edit) and take it back; everything is repainted after. */
int	 ui_run_editor(struct ui *, const char *path, struct err *);

/* Put text on the clipboard of the terminal (OSC 52, base64). -1 when it
 * is too long for terminals to take (100 KiB). */
int	 ui_clipboard(struct ui *, const char *text, size_t len);

/* Whether the command of this name of pane p writes (refused on
 * read-only profiles, dimmed in their help). */
bool	 ui_cmd_writes(const struct pane *p, const char *name);
/* A command's argument: with arg, done gets it at once; else a prompt
 * asks for it (as ui_prompt, nothing filled in). */
void	 ui_arg_or_prompt(struct ui *, struct pane *p, const char *arg,
	     int hist, const char *prompt, ui_prompt_fn done);
/* Whether the open profile is read-only; says so when it is. */
bool	 ui_refuse_write(struct ui *);
/* Open a profile (by name) in the worker; on success the partitions pane
 * comes up. */
void	 ui_open_profile(struct ui *, const struct profile *);
/* Tell every pane but `except` that an item was saved. */
void	 ui_item_saved(struct ui *, struct pane *except,
	     const struct content *);

/* Key names for help and messages: "j", "Enter", "C-l", "PgDn". */
void	 ui_key_name(int key, struct buf *);
/* Run a command by name for pane p (NULL: global only) with arg. */
int	 ui_run_command(struct ui *, const char *name, const char *arg);

/* Panes (ui/pane_*.c). */
struct pane *pane_profiles_new(struct ui *);
struct pane *pane_partitions_new(struct ui *);
struct pane *pane_items_new(struct ui *, const struct ids *partition);
struct pane *pane_item_new(struct ui *, const struct content *);
/* A kept edit of a WJ_RECOVER event (its recovered content and item are
 * taken) shown as a conflict: o saves, e edits, r drops it. */
struct pane *pane_item_recovered(struct ui *, struct worker_event *);
struct pane *pane_help_new(struct ui *, const struct pane *about);
struct pane *pane_filter_new(struct ui *, struct pane *items);

/* The global commands and keys (ui/tui.c). */
extern const struct ui_cmd ui_global_cmds[];
extern const struct ui_key ui_global_keys[];

/* Scrolling helpers shared by the list-like panes: move a cursor in
 * [0, n) by an enum ui_move (false when it did not move); keep top so
 * that cur is visible in h rows. */
bool	 ui_list_move(int op, size_t n, int h, size_t *cur);
void	 ui_list_scroll(size_t cur, size_t n, int h, size_t *top);

#endif
