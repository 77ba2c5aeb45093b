/* SPDX-License-Identifier: ISC */
/* Shared libraries loaded when first needed instead of at start-up. */
#include "config.h"

#include "dynload.h"

#include <dlfcn.h>
#include <stdio.h>
#include <string.h>

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
