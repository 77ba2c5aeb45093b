#!/bin/sh
# SPDX-License-Identifier: ISC
# Start-up counted, not timed (issue 6): what the dynamic loader maps
# before main. Each library mapped at start costs every run of the
# program, --version included; libcurl (and its ~30 libraries),
# libcrypto and SQLite are loaded when first needed (src/dynload.c).
bin=${DYNREPO_BUILDDIR:-.}/dynrepo
echo "1..6"
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

# What --version and a profile load do after main, counted with strace:
# no locale files (setlocale reads up to five, each a page fault or more
# on every start), and a profile file read in two read(2)s (stdio's
# FILE took three, and a buffer and a stack chunk besides).
tmp=$(mktemp -d "${TMPDIR:-/tmp}/startup.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/p"
printf '[repository]\ntable = tbl\npartition_prefix = a\npartition_name = b\ncontent_type = c\n' \
    >"$tmp/p/one.ini"

# A command that talks to DynamoDB loads libcurl when it makes its
# transport: the one configure named (build.sh builds one for HTTP and
# HTTPS only). Debian's brings ~30 libraries, ~15 ms of every such
# command's start; this one only libssl and libcrypto, which SigV4 needs
# anyway. Counted with the loader's own trace; the request goes to a
# closed port on loopback and fails at once.
curl=$(sed -n 's/^#define DYNREPO_LIBCURL "\(.*\)"$/\1/p' \
    "${DYNREPO_BUILDDIR:-.}/config.h" 2>/dev/null)
case $curl in
/*)
	AWS_ACCESS_KEY_ID=AKIDEXAMPLE AWS_SECRET_ACCESS_KEY=secret \
	    AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true \
	    AWS_MAX_ATTEMPTS=1 AWS_PROFILE= AWS_CONFIG_FILE=/dev/null \
	    AWS_SHARED_CREDENTIALS_FILE=/dev/null HOME=$tmp \
	    LD_DEBUG=files "$bin" -v --profiles "$tmp/p" list -p one \
	    --partition x --endpoint http://127.0.0.1:1 \
	    >/dev/null 2>"$tmp/files"
	if grep -q "http_global_init: libcurl: $curl\$" "$tmp/files"; then
		echo "ok 3 - the configured libcurl is loaded ($curl)"
	else
		echo "not ok 3 - $curl is not the libcurl loaded:"
		grep -E 'libcurl|dynrepo' "$tmp/files" | sed 's/^/# /'
	fi
	# After start: libcurl, libssl and libcrypto.
	late=$(sed -n 's/.*file=\([^ ]*\) .*\(dynamically loaded\|needed\) by.*/\1/p' \
	    "$tmp/files" | sed -n '/libcurl/,$p')
	n=$(printf '%s\n' "$late" | grep -c .)
	if [ "$n" -ge 1 ] && [ "$n" -le 3 ]; then
		echo "ok 4 - libcurl loads $n objects (at most 3)"
	else
		echo "not ok 4 - libcurl loads $n objects (at most 3):"
		printf '%s\n' "$late" | sed 's/^/# /'
	fi
	;;
*)
	echo "ok 3 - # SKIP configured with the system's libcurl"
	echo "ok 4 - # SKIP configured with the system's libcurl"
	;;
esac

if ! command -v strace >/dev/null 2>&1 ||
    ! strace -o /dev/null true >/dev/null 2>&1; then
	echo "ok 5 - # SKIP no strace that works here"
	echo "ok 6 - # SKIP no strace that works here"
	exit 0
fi
bad=
for args in "--version" "--profiles $tmp/p profiles"; do
	# shellcheck disable=SC2086
	LANG=C.UTF-8 LC_ALL= LC_CTYPE= HOME=$tmp XDG_CONFIG_HOME= \
	    DYNREPO_PROFILES= strace -f -e trace=open,openat -o "$tmp/trace" \
	    "$bin" $args >/dev/null 2>&1
	n=$(grep -cE 'locale|gconv' "$tmp/trace")
	[ "$n" -eq 0 ] || bad="$bad dynrepo $args: $n;"
done
if [ -z "$bad" ]; then
	echo "ok 5 - --version and profiles open no locale files"
else
	echo "not ok 5 - locale files opened:$bad"
	grep -E 'locale|gconv' "$tmp/trace" | sed 's/^/# /'
fi
HOME=$tmp XDG_CONFIG_HOME= DYNREPO_PROFILES= strace -e trace=openat,read \
    -o "$tmp/trace" "$bin" --profiles "$tmp/p" profiles >/dev/null 2>&1
# The reads of the descriptor one.ini was opened on, until it is closed.
n=$(awk '/one\.ini"/ && /= [0-9]+$/ { fd = $NF; next }
    fd != "" && $0 ~ "^read\\(" fd "," { n++ }
    fd != "" && $0 ~ "^close\\(" fd "\\)" { fd = "" }
    END { print n + 0 }' "$tmp/trace")
if [ "$n" -le 2 ]; then
	echo "ok 6 - a profile file read in $n read(2)s (at most 2)"
else
	echo "not ok 6 - a profile file read in $n read(2)s (at most 2)"
fi
