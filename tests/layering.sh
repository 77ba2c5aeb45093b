#!/bin/sh
# SPDX-License-Identifier: ISC
# The layering rules of DESIGN.md: src/ never includes curses or readline;
# ui/ never includes HTTP, SQL or crypto headers.
srcdir=${DYNREPO_SRCDIR:-.}
echo "1..2"
bad=$(grep -lE '#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/|readline/|panel\.h|form\.h|menu\.h)' \
    "$srcdir"/src/*.c "$srcdir"/src/*.h 2>/dev/null)
if [ -z "$bad" ]; then echo "ok 1 - src/ has no curses or readline"
else echo "not ok 1 - src/ includes curses or readline: $bad"; fi
bad=$(grep -lE '#[[:space:]]*include[[:space:]]*[<"](curl/|sqlite3\.h|openssl/|yajl/|jansson\.h|sys/socket\.h)' \
    "$srcdir"/ui/*.c "$srcdir"/ui/*.h 2>/dev/null)
if [ -z "$bad" ]; then echo "ok 2 - ui/ does no I/O of its own"
else echo "not ok 2 - ui/ includes I/O headers: $bad"; fi
