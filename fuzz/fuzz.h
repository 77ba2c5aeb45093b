/* SPDX-License-Identifier: ISC */
/* What the fuzz targets share: a failed invariant is a crash with a note. */
#ifndef DYNREPO_FUZZ_H
#define DYNREPO_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

int	 LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Report a broken invariant and abort, so libFuzzer keeps the input. */
static inline void
fuzz_fail(const char *what, const char *detail)
{
	fprintf(stderr, "fuzz invariant broken: %s%s%s\n", what,
	    detail != NULL ? ": " : "", detail != NULL ? detail : "");
	abort();
}

/* A NUL-terminated copy of the input; the caller frees it. */
static inline char *
fuzz_cstr(const uint8_t *data, size_t len)
{
	char *s = malloc(len + 1);

	if (s == NULL)
		abort();
	for (size_t i = 0; i < len; i++)
		s[i] = (char)data[i];
	s[len] = '\0';
	return s;
}

#endif
