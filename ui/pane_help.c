/* SPDX-License-Identifier: ISC */
/* The help pane: a pane's keys and commands, generated from its tables. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <curses.h>

#include "draw.h"
#include "ui.h"
#include "xmalloc.h"

#define HELP_KEYS_W	22
#define HELP_CMD_W	26

struct help_line {
	char	*text;
	bool	 heading;
	bool	 off;		/* a write on a read-only profile: dimmed */
};

struct pane_help {
	struct pane		 base;
	char			*about;		/* the pane's name */
	struct help_line	*lines;
	size_t			 n;
	size_t			 top;
	int			 h;
};

/* Append a line (takes text). */
static void
help_add(struct pane_help *ph, char *text, bool heading)
{
	ph->lines = xreallocarray(ph->lines, ph->n + 1, sizeof *ph->lines);
	ph->lines[ph->n].text = text;
	ph->lines[ph->n].heading = heading;
	ph->lines[ph->n].off = false;
	ph->n++;
}

/* The keys bound to a command in a table, as "j Down". */
static void
help_keys(const struct ui_key *keys, const char *cmd, struct buf *b)
{
	const struct ui_key *k;

	for (k = keys; k != NULL && k->key != 0; k++) {
		if (strcmp(k->cmd, cmd) != 0)
			continue;
		/* Enter is bound as CR, LF and KEY_ENTER: name it once. */
		if (k->key == '\n' || k->key == UI_KEY_FN_BASE + KEY_ENTER)
			continue;
		if (b->len > 0)
			buf_addc(b, ' ');
		ui_key_name(k->key, b);
	}
}

/* One line per command of a table. */
static void
help_table(struct ui *ui, struct pane_help *ph, const struct pane *about,
    const struct ui_cmd *cmds, const struct ui_key *keys,
    const struct ui_cmd *skip)
{
	bool ro = ui->profile != NULL && ui->profile->read_only;

	struct buf k = BUF_INIT, c = BUF_INIT;
	const struct ui_cmd *cmd, *s;
	bool dup;

	for (cmd = cmds; cmd != NULL && cmd->name != NULL; cmd++) {
		dup = false;
		for (s = skip; s != NULL && s->name != NULL; s++)
			if (strcmp(s->name, cmd->name) == 0)
				dup = true;
		if (dup)
			continue;
		buf_reset(&k);
		buf_reset(&c);
		help_keys(keys, cmd->name, &k);
		buf_printf(&c, ":%s%s%s", cmd->name, cmd->args != NULL ? " " :
		    "", cmd->args != NULL ? cmd->args : "");
		help_add(ph, xasprintf("  %-*s %-*s %s%s", HELP_KEYS_W,
		    buf_cstr(&k), HELP_CMD_W, buf_cstr(&c), ro &&
		    ui_cmd_writes(about, cmd->name) ? "[read-only] " : "",
		    cmd->help), false);
		ph->lines[ph->n - 1].off = ro &&
		    ui_cmd_writes(about, cmd->name);
	}
	buf_cleanup(&k);
	buf_cleanup(&c);
}

/* pane_ops draw. */
static void
help_draw(struct ui *ui, struct pane *pane, int y, int h)
{
	struct pane_help *ph = (struct pane_help *)pane;
	size_t i;
	int r;

	ph->h = h > 1 ? h : 1;
	if (ph->top + (size_t)ph->h > ph->n)
		ph->top = ph->n > (size_t)ph->h ? ph->n - (size_t)ph->h : 0;
	for (r = 0; r < ph->h && ph->top + (size_t)r < ph->n; r++) {
		i = ph->top + (size_t)r;
		draw_str(y + r, 1, ui->cols - 2, ph->lines[i].text,
		    ph->lines[i].heading ? draw_attr(DR_HEADER) :
		    ph->lines[i].off ? draw_attr(DR_DIM) : A_NORMAL);
	}
}

/* pane_ops title. */
static void
help_title(struct ui *ui, struct pane *pane, struct buf *b)
{
	(void)ui;
	buf_printf(b, "help: %s", ((struct pane_help *)pane)->about);
}

/* pane_ops status. */
static void
help_status(struct ui *ui, struct pane *pane, struct buf *b)
{
	(void)ui;
	(void)pane;
	buf_adds(b, "j/k scroll, Esc or q goes back");
}

/* Scrolling. */
static int
help_cmd(struct ui *ui, struct pane *pane, int op, const char *arg)
{
	struct pane_help *ph = (struct pane_help *)pane;
	size_t page = ph->h > 1 ? (size_t)ph->h - 1 : 1;

	(void)ui;
	(void)arg;
	switch (op) {
	case UI_MOVE_DOWN:
		ph->top++;
		break;
	case UI_MOVE_UP:
		if (ph->top > 0)
			ph->top--;
		break;
	case UI_MOVE_PAGE_DOWN:
		ph->top += page;
		break;
	case UI_MOVE_PAGE_UP:
		ph->top = ph->top > page ? ph->top - page : 0;
		break;
	case UI_MOVE_FIRST:
		ph->top = 0;
		break;
	case UI_MOVE_LAST:
		ph->top = ph->n;
		break;
	}
	return UI_REDRAW;
}

/* pane_ops free. */
static void
help_free(struct ui *ui, struct pane *pane)
{
	struct pane_help *ph = (struct pane_help *)pane;
	size_t i;

	(void)ui;
	for (i = 0; i < ph->n; i++)
		free(ph->lines[i].text);
	free(ph->lines);
	free(ph->about);
	free(ph);
}

static const struct ui_cmd help_cmds[] = {
	{ "down", help_cmd, UI_MOVE_DOWN, NULL, "scroll down" },
	{ "up", help_cmd, UI_MOVE_UP, NULL, "scroll up" },
	{ "page-down", help_cmd, UI_MOVE_PAGE_DOWN, NULL, "a page down" },
	{ "page-up", help_cmd, UI_MOVE_PAGE_UP, NULL, "a page up" },
	{ "first", help_cmd, UI_MOVE_FIRST, NULL, "the top" },
	{ "last", help_cmd, UI_MOVE_LAST, NULL, "the end" },
	{ NULL, NULL, 0, NULL, NULL }
};

static const struct ui_key help_keys_table[] = {
	{ 'j', "down" }, { UI_KEY_FN_BASE + KEY_DOWN, "down" },
	{ 'k', "up" }, { UI_KEY_FN_BASE + KEY_UP, "up" },
	{ UI_KEY_FN_BASE + KEY_NPAGE, "page-down" }, { ' ', "page-down" },
	{ UI_KEY_FN_BASE + KEY_PPAGE, "page-up" },
	{ 'g', "first" }, { UI_KEY_FN_BASE + KEY_HOME, "first" },
	{ 'G', "last" }, { UI_KEY_FN_BASE + KEY_END, "last" },
	{ 0, NULL }
};

static const struct pane_ops help_ops = {
	"help",
	help_cmds,
	help_keys_table,
	help_draw,
	help_title,
	help_status,
	NULL,
	NULL,
	NULL,
	help_free,
	NULL
};

struct pane *
pane_help_new(struct ui *ui, const struct pane *about)
{
	struct pane_help *ph = xcalloc(1, sizeof *ph);
	const struct pane_ops *ops = about != NULL ? about->ops : NULL;

	ph->base.ops = &help_ops;
	ph->h = 1;
	ph->about = xstrdup(ops != NULL ? ops->name : "dynrepo");
	help_add(ph, xasprintf("%-*s %-*s %s", HELP_KEYS_W + 2, "KEYS",
	    HELP_CMD_W, "COMMAND", "WHAT IT DOES"), true);
	if (ops != NULL) {
		help_add(ph, xasprintf("In the %s pane", ops->name), true);
		help_table(ui, ph, about, ops->cmds, ops->keys, NULL);
		help_add(ph, xstrdup(""), false);
	}
	help_add(ph, xstrdup("Everywhere"), true);
	help_table(ui, ph, NULL, ui_global_cmds, ui_global_keys, ops != NULL ?
	    ops->cmds : NULL);
	help_add(ph, xstrdup(""), false);
	help_add(ph, xstrdup("Every command runs from the : line too "
	    "(Tab completes); a command of a pane further back returns to "
	    "it."), false);
	help_add(ph, xstrdup("The : line and prompts use readline: emacs "
	    "or vi keys as ~/.inputrc says; Esc or C-g cancels."), false);
	return &ph->base;
}
