/* SPDX-License-Identifier: ISC */
/* Allocation that cannot fail: out of memory aborts with a message. */
#ifndef DYNREPO_XMALLOC_H
#define DYNREPO_XMALLOC_H

#include <stddef.h>

/* GNU readline's static library defines an xmalloc of its own, and the
 * program links readline statically (configure --enable-static-deps):
 * ours is linked as dr_xmalloc. */
#define xmalloc	dr_xmalloc

void	*xmalloc(size_t);
/* n bytes aligned to align (a power of two, a multiple of the size of a
 * pointer); freed with free. */
void	*xmalloc_aligned(size_t align, size_t n);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
void	*xmemdup(const void *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
/* How many allocations the functions above have made, process-wide. */
unsigned long xmalloc_calls(void);

#endif
