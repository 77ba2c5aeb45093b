#!/bin/sh
# SPDX-License-Identifier: ISC
# Time to the first page in the browser: the real TUI in tmux, over
# dynalite on 127.0.0.1, opens a partition of BENCH_N bench items
# BENCH_RUNS times; its DYNREPO_TRACE gives, per open, the time from the
# key to the first page drawn (doupdate done) and the Query round trips in
# between as the core saw them (http-send .. http-done). The client's own
# overhead is the difference; the issue's target is 5 ms.
#
# usage: tests/bench/tui_first_page.sh BUILD/dynrepo
# Run by hand, never by CI. Settings: BENCH_N (10000), BENCH_RUNS (21),
# BENCH_PAUSE seconds between opens (1), BENCH_KEEP=1 keeps the work
# directory (trace, profile, log).
set -u
here=$(cd "$(dirname "$0")" && pwd)
srcdir=${DYNREPO_SRCDIR:-$(cd "$here/../.." && pwd)}

if [ "${1:-}" != --inner ]; then
	bin=${1:-}
	[ -n "$bin" ] && [ -x "$bin" ] || {
		echo "usage: $0 BUILD/dynrepo" >&2
		exit 2
	}
	bin=$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")
	for tool in node tmux; do
		command -v $tool >/dev/null 2>&1 || {
			echo "tui_first_page.sh: $tool is needed" >&2
			exit 2
		}
	done
	builddir=${DYNREPO_BUILDDIR:-$(cd "$(dirname "$bin")" && pwd)}
	work=$(mktemp -d "${TMPDIR:-/tmp}/dynrepo-tfp.XXXXXX") || exit 1
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		trap 'echo "work directory kept: $work" >&2' EXIT
	else
		trap 'rm -rf "$work"' EXIT
	fi
	trap 'exit 130' INT TERM HUP
	node "$here/gen.js" "$work/data" "${BENCH_N:-10000}" 1 \
	    "$srcdir/profiles/film_actor.schema.json" >/dev/null || exit 1
	BENCH_WORK=$work BENCH_BIN=$bin
	export BENCH_WORK BENCH_BIN
	DYNREPO_SRCDIR=$srcdir DYNREPO_BUILDDIR=$builddir
	export DYNREPO_SRCDIR DYNREPO_BUILDDIR
	# with-dynalite stops the server when the inner run ends, however.
	"$srcdir/tests/with-dynalite" sh "$here/tui_first_page.sh" --inner
	exit $?
fi

# --- inside with-dynalite: DYNREPO_TEST_ENDPOINT is the server ---
{
work=$BENCH_WORK bin=$BENCH_BIN data=$BENCH_WORK/data
runs=${BENCH_RUNS:-21}
log=$work/log trace=$work/trace
sock="dynrepo-tfp-$$"
tm() {
	tmux -L "$sock" -f /dev/null "$@"
}
trap 'tm kill-server >/dev/null 2>&1' EXIT
# The bench profile, on this server, with its one partition listed.
{
	sed '/^endpoint/d' "$data/bench.ini"
	echo "endpoint         = $DYNREPO_TEST_ENDPOINT"
	echo "partitions       = studio-a"
} >"$data/tfp.ini"
dyn() {
	"$bin" --profiles "$data" "$@" -p tfp
}
dyn create-table >>"$log" 2>&1 || { echo "create-table failed: $(tail -n 3 "$log")"; exit 1; }
dyn put <"$data/put.jsonl" >>"$log" 2>&1 || { echo "seeding failed: $(tail -n 3 "$log")"; exit 1; }

# Wait up to 10 s for the screen to show $1.
wait_screen() {
	i=0
	while [ $i -lt 200 ]; do
		tm capture-pane -p -t tfp 2>/dev/null | grep -F -q -e "$1" &&
		    return 0
		sleep 0.05
		i=$((i + 1))
	done
	echo "the screen never showed: $1" >&2
	tm capture-pane -p -t tfp >&2
	return 1
}
# Wait up to 10 s for the trace to hold $2 lines of event $1.
wait_trace() {
	i=0
	while [ $i -lt 200 ]; do
		[ "$(grep -c " $1\$" "$trace" 2>/dev/null)" -ge "$2" ] && return 0
		sleep 0.05
		i=$((i + 1))
	done
	echo "the trace never held $2 $1 events" >&2
	return 1
}

tm new-session -d -s tfp -x 120 -y 40 "env LANG=C.UTF-8 LC_ALL=C.UTF-8 \
    TERM=tmux-256color XDG_STATE_HOME=$work/state HOME=$work \
    DYNREPO_TRACE=$trace DYNREPO_JOURNAL=off \
    $bin --profiles $data -p tfp 2>$work/tui.err" || exit 1
wait_screen "tfp: partitions" || exit 1
r=1
while [ $r -le "$runs" ]; do
	tm send-keys -t tfp Enter
	wait_trace page-drawn $r || exit 1
	wait_screen "items of studio-a" || exit 1
	# Esc cancels a load still under way, the next one goes back.
	k=0
	while ! tm capture-pane -p -t tfp | grep -F -q "tfp: partitions"; do
		[ $k -ge 10 ] && { wait_screen "tfp: partitions" || exit 1; }
		tm send-keys -t tfp Escape
		sleep 0.2
		k=$((k + 1))
	done
	# Let the look-ahead (a 1 MB page) end before the next open.
	sleep "${BENCH_PAUSE:-1}"
	r=$((r + 1))
done
tm send-keys -t tfp Q
i=0
while tm has-session -t tfp 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done

echo "# tui first page: $(grep -c . "$data/put.jsonl") items in the partition, $runs opens, 120x40 terminal"
echo "# server: dynalite (in memory) at $DYNREPO_TEST_ENDPOINT"
echo "# machine: $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1), $(date -u '+%Y-%m-%d %H:%M UTC')"
# Per open (ms): key to drawn, the Query round trips, the overhead, and
# where it went: key..list-start (the UI and the worker's start),
# list-start..first send, last answer..page posted (decode), posted..drawn;
# then the CPU time the UI and request threads spent on the way (the
# overhead on an idle machine, waits for a CPU and wake-ups left out).
awk '
$3 == "key" { key = $1; keycpu = $2 }
$3 == "list-submit" { start = key; on = 1; rtt = 0; nq = 0; ls = 0; fs = 0; post = 0
	cpu = $2 - keycpu }
on && $3 == "list-start" { ls = $1; lscpu = $2 }
on && $3 == "http-send" { s = $1; if (!fs) { fs = $1; cpu += $2 - lscpu } }
on && $3 == "http-done" { rtt += $1 - s; nq++; ld = $1; ldcpu = $2 }
on && $3 == "page-posted" && !post { post = $1; cpu += $2 - ldcpu }
on && $3 == "page-received" { rcpu = $2 }
on && $3 == "page-drawn" {
	on = 0
	cpu += $2 - rcpu
	printf "%.3f %.3f %.3f %d %.3f %.3f %.3f %.3f %.3f\n", ($1 - start) / 1000,
	    rtt / 1000, ($1 - start - rtt) / 1000, nq, (ls - start) / 1000,
	    (fs - ls) / 1000, (post - ld) / 1000, ($1 - post) / 1000, cpu / 1000
}' "$trace" >"$work/opens"
[ "$(wc -l <"$work/opens")" -eq "$runs" ] ||
    { echo "the trace holds $(wc -l <"$work/opens") opens of $runs"; exit 1; }
median() {
	sort -n | awk '{ v[NR] = $1 } END { printf "%.3f", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
col() {
	awk -v c="$1" '{ print $c }' "$work/opens" | median
}
printf '%-36s %10s\n' "median of $runs opens" ms
printf '%-36s %10s\n' "key to first page drawn" "$(col 1)"
printf '%-36s %10s\n' "Query round trips (as the core saw)" "$(col 2)"
printf '%-36s %10s\n' "client overhead (target <= 5)" "$(col 3)"
printf '%-36s %10s\n' "  key .. worker starts the list" "$(col 5)"
printf '%-36s %10s\n' "  worker start .. Query sent" "$(col 6)"
printf '%-36s %10s\n' "  answer .. page decoded, posted" "$(col 7)"
printf '%-36s %10s\n' "  posted .. drawn on the terminal" "$(col 8)"
printf '%-36s %10s\n' "client CPU on the way (both threads)" "$(col 9)"
echo "# Queries before the first page: $(awk '{ print $4 }' "$work/opens" | sort -u | tr '\n' ' ')"
echo "# overhead of each open (ms): $(awk '{ printf "%s ", $3 }' "$work/opens")"
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -s "$work/tui.err" ] && { echo "# stderr of the TUI:"; cat "$work/tui.err"; }
exit 0
}
