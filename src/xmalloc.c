/* SPDX-License-Identifier: ISC */
/* Allocation that cannot fail: out of memory aborts with a message. */
#include "config.h"

#include "xmalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Calls of xmalloc, xcalloc and xreallocarray: the work counted by the
 * regression guards (allocations per decoded item). */
static unsigned long xmalloc_ncalls;

unsigned long
xmalloc_calls(void)
{
	return __atomic_load_n(&xmalloc_ncalls, __ATOMIC_RELAXED);
}

/* Print the failed size and abort; nothing sensible can follow. */
static void
xmalloc_die(size_t n)
{
	fprintf(stderr, "dynrepo: out of memory (allocating %zu bytes)\n", n);
	abort();
}

void *
xmalloc(size_t n)
{
	void *p;

	__atomic_add_fetch(&xmalloc_ncalls, 1, __ATOMIC_RELAXED);
	p = malloc(n ? n : 1);
	if (p == NULL)
		xmalloc_die(n);
	return p;
}

void *
xmalloc_aligned(size_t align, size_t n)
{
	void *p;

	__atomic_add_fetch(&xmalloc_ncalls, 1, __ATOMIC_RELAXED);
	if (posix_memalign(&p, align, n ? n : 1) != 0)
		xmalloc_die(n);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p;

	__atomic_add_fetch(&xmalloc_ncalls, 1, __ATOMIC_RELAXED);
	p = calloc(nmemb ? nmemb : 1, size ? size : 1);

	if (p == NULL)
		xmalloc_die(nmemb * size);
	return p;
}

void *
xreallocarray(void *old, size_t nmemb, size_t size)
{
	size_t n;
	void *p;

	if (size != 0 && nmemb > SIZE_MAX / size)
		xmalloc_die(SIZE_MAX);
	n = nmemb * size;
	__atomic_add_fetch(&xmalloc_ncalls, 1, __ATOMIC_RELAXED);
	p = realloc(old, n != 0 ? n : 1);
	if (p == NULL)
		xmalloc_die(n);
	return p;
}

char *
xstrdup(const char *s)
{
	return xmemdup(s, strlen(s) + 1);
}

char *
xstrndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = xmalloc(len + 1);

	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void *
xmemdup(const void *src, size_t n)
{
	void *p = xmalloc(n);

	if (n > 0)
		memcpy(p, src, n);
	return p;
}

char *
xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) == -1)
		xmalloc_die(strlen(fmt));
	va_end(ap);
	return s;
}
