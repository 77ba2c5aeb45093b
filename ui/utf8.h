/* SPDX-License-Identifier: ISC */
/* UTF-8 for the terminal: widths, fitting, escaping untrusted text. */
#ifndef DYNREPO_UTF8_H
#define DYNREPO_UTF8_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* Look at the locale (after setlocale): whether it is UTF-8. Without a
 * UTF-8 locale every non-ASCII character is escaped. */
void	 utf8_init(void);
bool	 utf8_locale(void);

/* Decode the character at s (len > 0): its length in bytes, with *cp;
 * 0 for an invalid, overlong, surrogate or truncated sequence. */
size_t	 utf8_decode(const char *s, size_t len, uint32_t *cp);
/* Append the UTF-8 bytes of cp (<= 0x10FFFF) to b. */
void	 utf8_append(struct buf *b, uint32_t cp);

/* Append s to out as text that is safe to draw: control characters
 * ("\n", "\t", "\x1b"), invalid bytes ("\xff"), C1 controls, bidi
 * controls and characters the terminal cannot show ("\u202e") are
 * written as escapes; everything else is copied. */
void	 utf8_escape(struct buf *out, const char *s, size_t len);
/* Whether s needs no escaping. */
bool	 utf8_is_safe(const char *s, size_t len);

/* Display columns of safe text (output of utf8_escape). */
int	 utf8_width(const char *s, size_t len);
/* The bytes of safe text that fit in cols columns (never splitting a
 * character); *used (may be NULL) gets the columns they take. */
size_t	 utf8_fit(const char *s, size_t len, int cols, int *used);
/* The bytes to skip so that at least cols columns are skipped; *over (may
 * be NULL) gets how many columns more than cols were skipped (a wide
 * character cut in half). */
size_t	 utf8_skip(const char *s, size_t len, int cols, int *over);

#endif
