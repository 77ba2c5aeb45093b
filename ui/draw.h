/* SPDX-License-Identifier: ISC */
/* Painting text: escaped, clipped, in the attributes of a role. */
#ifndef DYNREPO_DRAW_H
#define DYNREPO_DRAW_H

#include <stdbool.h>
#include <stddef.h>

#include <curses.h>

/* What a piece of the screen is; colours or, without them, attributes. */
enum draw_role {
	DR_NORMAL,
	DR_TITLE,	/* the top bar */
	DR_STATUS,	/* the status line */
	DR_HEADER,	/* column headers */
	DR_SELECTED,	/* the cursor row */
	DR_ERROR,	/* error messages */
	DR_DIM,		/* null, absent, hints */
	DR_KEY,		/* key names in help, ids */
	DR_WARN,	/* conflicts, read-only */
	DR_OK,		/* saved */
	DR_COUNT
};

/* Choose colours: none when NO_COLOR is set (to anything) or the terminal
 * has none. Call after initscr. */
void	 draw_init(void);
attr_t	 draw_attr(enum draw_role);

/* Draw untrusted text at (y, x) in at most w columns, escaped first, after
 * skipping `skip` columns of it. With `ellipsis` a cut is marked by a
 * final "…". Returns the columns drawn. */
int	 draw_text(int y, int x, int w, const char *s, size_t len, int skip,
	     bool ellipsis, attr_t attr);
/* Draw untrusted text from (y, x) over at most maxlines rows of w
 * columns, cut where a row is full (the last row ends in an ellipsis when
 * text remains). Returns the rows used. */
int	 draw_wrapped(int y, int x, int w, int maxlines, const char *s,
	     attr_t attr);
/* The rows draw_wrapped would use for s in w columns, at most maxlines. */
int	 draw_wrapped_rows(int w, int maxlines, const char *s);
/* draw_text of a C string, no skip, with ellipsis. */
int	 draw_str(int y, int x, int w, const char *s, attr_t attr);
/* Fill w columns from (y, x) with blanks in attr. */
void	 draw_fill(int y, int x, int w, attr_t attr);
/* Columns that s (untrusted) takes once escaped. */
int	 draw_width(const char *s, size_t len);

#endif
