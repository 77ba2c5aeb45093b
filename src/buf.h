/* SPDX-License-Identifier: ISC */
/* A growable byte buffer; always NUL-terminated after data[len]. */
#ifndef DYNREPO_BUF_H
#define DYNREPO_BUF_H

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

struct buf {
	char	*data;	/* NULL before the first append; data[len] == '\0' */
	size_t	 len;
	size_t	 cap;
};

#define BUF_INIT { NULL, 0, 0 }

void	 buf_init(struct buf *);
/* An empty buffer with room for cap bytes at once, on huge pages where
 * the system gives them (2 MB aligned, a hint): for the megabytes of a
 * page, faulted in a few times rather than 4 kB at a time. Freed and
 * grown as any other. */
void	 buf_init_huge(struct buf *, size_t cap);
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
/* buf_add for the short runs emitters append by the thousand (names,
 * scalars): inline, and without a call to memcpy up to 32 bytes. */
static inline void
buf_add_short(struct buf *b, const void *p, size_t n)
{
	const char *s = p;
	char *d;

	if (n > 32 || b->cap - b->len <= n) {
		buf_add(b, p, n);
		return;
	}
	d = b->data + b->len;
	/* Two copies of a fixed size that overlap in the middle. */
	if (n >= 16) {
		memcpy(d, s, 16);
		memcpy(d + n - 16, s + n - 16, 16);
	} else if (n >= 8) {
		memcpy(d, s, 8);
		memcpy(d + n - 8, s + n - 8, 8);
	} else if (n >= 4) {
		memcpy(d, s, 4);
		memcpy(d + n - 4, s + n - 4, 4);
	} else if (n > 0) {
		d[0] = s[0];
		d[n / 2] = s[n / 2];
		d[n - 1] = s[n - 1];
	}
	b->len += n;
	d[n] = '\0';
}
/* Append a string literal, its length known when compiled. */
#define BUF_ADD_LITERAL(b, lit)	buf_add_short((b), "" lit, sizeof(lit) - 1)
/* The contents as a C string; "" for an empty buffer. Borrowed. */
const char *buf_cstr(const struct buf *);
/* Hand the contents to the caller (never NULL) and empty the buffer. */
char	*buf_detach(struct buf *, size_t *lenp);

#endif
