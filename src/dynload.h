/* SPDX-License-Identifier: ISC */
/* Shared libraries loaded when first needed instead of at start-up. */
#ifndef DYNREPO_DYNLOAD_H
#define DYNREPO_DYNLOAD_H

#include <stddef.h>

/* One function to look up: its name and where its address goes (the
 * address of a function pointer of the right type). */
struct dynload_sym {
	const char	*name;
	void		*fnp;
};

/* dlopen soname and fill every symbol of the NULL-name-terminated syms.
 * 0, or -1 with msg ("libcurl.so.4 cannot be loaded: ...") when the
 * library or a symbol is missing; the library stays loaded either way. */
int	 dynload_open(const char *soname, const struct dynload_sym *syms,
	     char *msg, size_t msgsize);
/* Whether the library at path (absolute) may be loaded by this process:
 * the file and every directory above it owned by root or the effective
 * user, and none writable by others (a root-owned sticky directory such
 * as /tmp aside). Else -1 with msg saying which is not. A library named
 * by a path, not found by the loader's search, could otherwise be
 * anyone's code run with the person's credentials. */
int	 dynload_trusted(const char *path, char *msg, size_t msgsize);

#endif
