/* SPDX-License-Identifier: ISC */
/* Shared libraries loaded when first needed instead of at start-up. */
#include "config.h"

#include "dynload.h"

#include <sys/stat.h>

#include <dlfcn.h>
#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
dynload_open(const char *soname, const struct dynload_sym *syms, char *msg,
    size_t msgsize)
{
	void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL), *f;

	if (lib == NULL) {
		snprintf(msg, msgsize, "%s cannot be loaded: %s", soname,
		    dlerror());
		return -1;
	}
	for (; syms->name != NULL; syms++) {
		if ((f = dlsym(lib, syms->name)) == NULL) {
			snprintf(msg, msgsize, "%s cannot be used: it has no "
			    "%s", soname, syms->name);
			return -1;
		}
		/* POSIX: a function's address converts through void *. */
		memcpy(syms->fnp, &f, sizeof f);
	}
	return 0;
}

/* One component of a path dynload_trusted walks: owned by root or us,
 * not writable by group or others unless a root-owned sticky directory. */
static int
dynload_safe(const char *path, bool top, char *msg, size_t msgsize)
{
	struct stat st;

	if (stat(path, &st) != 0) {
		snprintf(msg, msgsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (top && !S_ISREG(st.st_mode)) {
		snprintf(msg, msgsize, "%s is not a file", path);
		return -1;
	}
	if (st.st_uid != 0 && st.st_uid != geteuid()) {
		snprintf(msg, msgsize, "%s belongs to another user (uid %lu)",
		    path, (unsigned long)st.st_uid);
		return -1;
	}
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0 && (top ||
	    st.st_uid != 0 || (st.st_mode & S_ISVTX) == 0)) {
		snprintf(msg, msgsize, "%s is writable by others", path);
		return -1;
	}
	return 0;
}

int
dynload_trusted(const char *path, char *msg, size_t msgsize)
{
	char real[PATH_MAX], *slash;

	if (realpath(path, real) == NULL) {
		snprintf(msg, msgsize, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (dynload_safe(real, true, msg, msgsize) != 0)
		return -1;
	while ((slash = strrchr(real, '/')) != NULL) {
		if (slash == real)
			slash[1] = '\0';
		else
			*slash = '\0';
		if (dynload_safe(real, false, msg, msgsize) != 0)
			return -1;
		if (slash == real)
			break;
	}
	return 0;
}
