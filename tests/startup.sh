#!/bin/sh
# SPDX-License-Identifier: ISC
# Start-up counted, not timed (issue 6): what the dynamic loader maps
# before main. Each library mapped at start costs every run of the
# program, --version included; libcurl (and its ~30 libraries),
# libcrypto and SQLite are loaded when first needed (src/dynload.c).
bin=${DYNREPO_BUILDDIR:-.}/dynrepo
echo "1..2"
# What ldd prints, from the loader itself: every object mapped at start.
objs=$(LD_TRACE_LOADED_OBJECTS=1 "$bin" 2>&1) || {
	echo "not ok 1 - $bin cannot be traced: $objs"
	echo "not ok 2 - # skipped"
	exit 0
}
late=$(printf '%s\n' "$objs" | grep -E 'lib(curl|crypto|ssl|sqlite3)\.so' |
    awk '{print $1}' | tr '\n' ' ')
if [ -z "$late" ]; then
	echo "ok 1 - libcurl, libcrypto and SQLite are not loaded at start-up"
else
	echo "not ok 1 - loaded at start-up: $late"
fi
# Built with --enable-static-deps (the default where Debian's archives
# are installed), only the vDSO, the loader and libc: 3. Linked shared,
# also jansson, yajl, zlib and the TUI's ncursesw, tinfo and readline: 9
# (Debian 12). A new library linked into the program is a cost for every
# start: link it statically or load it when first needed.
max=9
grep -q '^#define DYNREPO_STATIC_DEPS 1' "${DYNREPO_BUILDDIR:-.}/config.h" \
    2>/dev/null && max=3
n=$(printf '%s\n' "$objs" | grep -c .)
if printf '%s\n' "$objs" | grep -q 'lib[a-z]*san\.so'; then
	# The sanitizers' runtimes (and what they need) are mapped too.
	echo "ok 2 - # SKIP a sanitizer build; the plain build counts"
elif [ "$n" -le $max ]; then
	echo "ok 2 - $n objects mapped at start-up (at most $max)"
else
	echo "not ok 2 - $n objects mapped at start-up (at most $max):"
	printf '%s\n' "$objs" | sed 's/^/# /'
fi
