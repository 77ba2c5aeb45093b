/* SPDX-License-Identifier: ISC */
/* A growable byte buffer; always NUL-terminated after data[len]. */
#ifndef DYNREPO_BUF_H
#define DYNREPO_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char	*data;	/* NULL until the first append; then data[len] == '\0' */
	size_t	 len;
	size_t	 cap;
};

#define BUF_INIT { NULL, 0, 0 }

void	 buf_init(struct buf *);
void	 buf_cleanup(struct buf *);
/* Empty the buffer, keeping its memory. */
void	 buf_reset(struct buf *);
/* Make room for n more bytes; cannot fail. */
void	 buf_reserve(struct buf *, size_t n);
void	 buf_add(struct buf *, const void *, size_t);
void	 buf_adds(struct buf *, const char *);
void	 buf_printf(struct buf *, const char *, ...)
	     __attribute__((format(printf, 2, 3)));
void	 buf_vprintf(struct buf *, const char *, va_list);
/* Append n in decimal, as "%lld" would, without stdio's cost. */
void	 buf_add_int(struct buf *, long long n);
/* Append s as a quoted JSON string, escaping as RFC 8259 requires.
 * Bytes >= 0x80 are copied as they are (the caller passes UTF-8). */
void	 buf_add_json_string(struct buf *, const char *s, size_t len);
/* Append one byte; inline, as emitters call it for every bracket and
 * comma. */
static inline void
buf_addc(struct buf *b, char c)
{
	if (b->cap - b->len < 2)
		buf_reserve(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}
/* The contents as a C string; "" for an empty buffer. Borrowed. */
const char *buf_cstr(const struct buf *);
/* Hand the contents to the caller (never NULL) and empty the buffer. */
char	*buf_detach(struct buf *, size_t *lenp);

#endif
