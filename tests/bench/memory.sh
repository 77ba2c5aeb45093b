#!/bin/sh
# SPDX-License-Identifier: ISC
# Memory at a million items (issue 6), by hand, never by CI: seeds
# BENCH_MEM_N items (1,000,000) of the benchmark's kind into an embedded
# store, then prints the peak RSS, wall and CPU of list, export and check
# over all of them, and runs tui_rows (the browser's table holding them:
# bytes a row, draw, scroll and search times). Takes ~10 minutes and
# ~3 GB of disk on a 2-core machine (the seeding ~2 minutes).
#
#   tests/bench/memory.sh BUILDDIR          (BUILDDIR holds dynrepo)
#   BENCH_MEM_N=100000 BENCH_MEM_DIR=/var/tmp/m tests/bench/memory.sh build
#
# BENCH_MEM_DIR (default a new directory under $TMPDIR) is kept, so a
# second run skips the generation and the seeding.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: memory.sh BUILDDIR}" && pwd)
n=${BENCH_MEM_N:-1000000}
dir=${BENCH_MEM_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/dynrepo-mem.XXXXXX")}
dr=$build/dynrepo
mkdir -p "$dir"

echo "== dynrepo memory at $n items: $(date -u '+%Y-%m-%d %H:%M UTC')," \
    "$(nproc) cores, load $(cut -d ' ' -f 1-3 /proc/loadavg)"
echo "   dynrepo $(git -C "$src" rev-parse --short HEAD 2>/dev/null || echo '?'), work in $dir"

cc -O2 -o "$dir/rusage" "$here/rusage.c"
# tui_rows: the browser's table, linked as the program links it.
libs=$(sed -n 's/^\(JANSSON\|YAJL\|SQLITE\|ZLIB\|CURL\|CRYPTO\|NCURSES\)_LIBS = //p' \
    "$build/Makefile" | tr '\n' ' ')
# shellcheck disable=SC2086
cc -O2 -I"$build" -I"$src/src" -I"$src/ui" -o "$dir/tui_rows" \
    "$here/tui_rows.c" "$src/ui/table.c" "$src/ui/draw.c" "$src/ui/utf8.c" \
    "$build/libdynrepo.a" $libs -lpthread -ldl

if [ ! -s "$dir/put.jsonl" ] || [ "$(wc -l <"$dir/put.jsonl")" != "$n" ]; then
	echo "-- generating $n items"
	node "$here/gen.js" "$dir" "$n" 10 "$src/profiles/film_actor.schema.json" \
	    >/dev/null
	rm -f "$dir/local.db" "$dir/local.db-wal" "$dir/local.db-shm"
fi
sed -e "\$a endpoint = local:$dir/local.db" "$dir/bench.ini" >"$dir/local.ini"

# run LABEL ARGS...: one dynrepo run, its figures on one line.
run()
{
	label=$1
	shift
	"$dir/rusage" "$dir/ru" 3600 "$dr" --profiles "$dir" "$@" -p local \
	    <"${RUN_IN:-/dev/null}" >"$dir/out" 2>"$dir/err" || {
		echo "$label failed:"
		cat "$dir/err"
		exit 1
	}
	read -r wall user sys rss status <"$dir/ru"
	awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v r="$rss" \
	    -v n="$(wc -l <"$dir/out")" 'BEGIN { printf "%-36s %8.1f s wall " \
	    "%7.1f s CPU %6.1f MB peak RSS %8d lines\n", l, w, u + s,
	    r / 1024, n }'
}

if [ ! -s "$dir/local.db" ]; then
	"$dr" --profiles "$dir" create-table -p local >/dev/null
	RUN_IN=$dir/put.jsonl run "put (seeding, --no-journal)" --no-journal put
fi
run "list" list --partition studio-a
run "export" export
run "check --partition" check --partition studio-a
run "check --all-partitions" check --all-partitions
run "check --all-partitions --segments 1" check --all-partitions --segments 1

echo "-- the browser's table holding every item (tui_rows)"
"$dr" --profiles "$dir" export -p local >"$dir/export.ddb.jsonl"
"$dir/rusage" "$dir/ru" 3600 "$dir/tui_rows" "$dir/export.ddb.jsonl"
read -r wall user sys rss status <"$dir/ru"
awk -v r="$rss" -v w="$wall" 'BEGIN { printf "tui_rows peak RSS %.1f MB, " \
    "wall %.1f s\n", r / 1024, w }'
