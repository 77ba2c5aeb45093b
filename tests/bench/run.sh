#!/bin/sh
# SPDX-License-Identifier: ISC
# dynrepo's benchmark (issue 6): start dynalite on 127.0.0.1, seed one
# partition with the same pydantic-dynamo items for every client, and run
# put_batch, list, get_batch, filtered list and start-up with dynrepo, the
# peers that are installed (boto3, AWS SDK JS v3, AWS CLI) and a raw-HTTP
# floor. Prints the median wall, client CPU, µs/item, peak RSS and ratios.
# Run by hand (make bench), never by CI. It installs nothing: a missing
# peer is skipped (README.md says how to install them).
#
# usage: tests/bench/run.sh [PATH/TO/dynrepo]
# Environment (defaults): BENCH_N=10000 items, BENCH_GET=1000 keys,
# BENCH_REPS=3, BENCH_STARTUP_RUNS=15, BENCH_CLI_PUT=100 (items the AWS
# CLI writes: one process per 25), BENCH_TIMEOUT=600 (seconds per run),
# BENCH_CLIENTS="dynrepo floor boto3 js awscli", BENCH_PYTHON, BENCH_JS_DIR
# (default BUILDDIR/tests/bench-js), AWS (the CLI), BENCH_FLOOR=curl (node:
# the node floor client also on one connection), BENCH_KEEP=1 keeps the
# work directory.
set -u
here=$(cd "$(dirname "$0")" && pwd)

if [ "${1:-}" != --inner ]; then
	srcdir=${DYNREPO_SRCDIR:-$(cd "$here/../.." && pwd)}
	bin=${1:-$srcdir/build/dynrepo}
	case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
	if [ ! -x "$bin" ]; then
		echo "run.sh: $bin: no dynrepo program (give its path)" >&2
		exit 2
	fi
	builddir=${DYNREPO_BUILDDIR:-$(cd "$(dirname "$bin")" && pwd)}
	for tool in node cc; do
		command -v $tool >/dev/null 2>&1 || {
			echo "run.sh: $tool is needed" >&2
			exit 2
		}
	done
	work=$(mktemp -d "${TMPDIR:-/tmp}/dynrepo-bench.XXXXXX") || exit 1
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		trap 'echo "work directory kept: $work" >&2' EXIT
	else
		trap 'rm -rf "$work"' EXIT
	fi
	trap 'exit 130' INT TERM HUP
	cc -O2 -o "$work/rusage" "$here/rusage.c" || exit 1
	n=${BENCH_N:-10000}
	node "$here/gen.js" "$work/data" "$n" "${BENCH_GET:-1000}" \
	    "$srcdir/profiles/film_actor.schema.json" || exit 1

	# Which peers are here (never installed by this script).
	clients=${BENCH_CLIENTS:-dynrepo floor boto3 js awscli}
	have=
	python=
	for c in $clients; do
		case $c in
		dynrepo | floor) have="$have $c" ;;
		boto3)
			for py in ${BENCH_PYTHON:-} python3 /usr/bin/python3; do
				if "$py" -c 'import boto3' 2>/dev/null; then
					python=$py
					break
				fi
			done
			if [ -n "$python" ]; then
				have="$have boto3"
			else
				echo "# skipped boto3: no python3 with boto3 (apt-get install python3-boto3)"
			fi
			;;
		js)
			jsdir=${BENCH_JS_DIR:-$builddir/tests/bench-js}
			if [ -f "$jsdir/node_modules/@aws-sdk/client-dynamodb/package.json" ]; then
				have="$have js"
			else
				echo "# skipped AWS SDK JS v3: not in $jsdir (see tests/bench/README.md)"
			fi
			;;
		awscli)
			aws=${AWS:-}
			[ -n "$aws" ] || { [ -x /usr/bin/aws ] && aws=/usr/bin/aws; } ||
			    aws=aws
			if "$aws" --version >/dev/null 2>&1; then
				have="$have awscli"
			else
				echo "# skipped AWS CLI: no aws program (apt-get install awscli)"
			fi
			;;
		*) echo "run.sh: unknown client $c" >&2; exit 2 ;;
		esac
	done
	BENCH_WORK=$work BENCH_BIN=$bin BENCH_HAVE=$have BENCH_PY=$python
	BENCH_JSDIR=${jsdir:-} AWS=${aws:-aws}
	export BENCH_WORK BENCH_BIN BENCH_HAVE BENCH_PY BENCH_JSDIR AWS
	DYNREPO_SRCDIR=$srcdir DYNREPO_BUILDDIR=$builddir
	export DYNREPO_SRCDIR DYNREPO_BUILDDIR
	# with-dynalite stops the server when the inner run ends, however.
	"$srcdir/tests/with-dynalite" sh "$here/run.sh" --inner
	exit $?
fi

# --- inside with-dynalite: DYNREPO_TEST_ENDPOINT is the server ---
# One brace group to the end: the shell reads it whole before it runs it,
# so editing this file during a run cannot change the run.
{
work=$BENCH_WORK bin=$BENCH_BIN data=$BENCH_WORK/data
endpoint=$DYNREPO_TEST_ENDPOINT
# The floor is curl reading a config of pre-rendered requests, else node.
floor_curl=0
command -v curl >/dev/null 2>&1 && [ "${BENCH_FLOOR:-curl}" = curl ] && floor_curl=1
reps=${BENCH_REPS:-3}
limit=${BENCH_TIMEOUT:-600}
results=$work/results
log=$work/log
: >"$results"
dyn() {
	"$bin" --profiles "$data" "$@" -p bench --endpoint "$endpoint"
}
meta() {
	node -e 'const m = JSON.parse(require("fs").readFileSync(process.argv[1]));
console.log(process.argv[2].split(".").reduce((o, k) => o[k], m))' \
	    "$data/meta.json" "$1"
}
n=$(meta items) nget=$(meta get) nfilt=$(meta filter.matching)

# The command line of CLIENT for WORKLOAD (stdin is set by run_one).
command_of() {
	case $1 in
	dynrepo)
		case $2 in
		startup-version) echo "$bin --version" ;;
		startup-profiles) echo "$bin --profiles $data profiles" ;;
		startup-first) echo "$bin --profiles $data list -p bench --endpoint $endpoint --partition no-such-partition --output jsonl" ;;
		put_batch) echo "$bin --profiles $data ${3:+--no-journal} put -p bench --endpoint $endpoint" ;;
		list) echo "$bin --profiles $data list -p bench --endpoint $endpoint --partition studio-a --output jsonl" ;;
		filtered_list) echo "$bin --profiles $data list -p bench --endpoint $endpoint --partition studio-a --filter genre=drama --output jsonl" ;;
		get_batch) echo "$bin --profiles $data get-batch -p bench --endpoint $endpoint --output jsonl" ;;
		esac ;;
	floor)
		if [ "$floor_curl" = 1 ] && [ -z "${3:-}" ]; then
			case $2 in
			startup) echo "curl --version" ;;
			*) echo "curl -s -K $data/floor-$2.curl" ;;
			esac
		else
			case $2 in
			startup) echo "node $here/floor.js startup" ;;
			*) echo "node $here/floor.js $2 $data $endpoint ${3:-1}" ;;
			esac
		fi ;;
	boto3) echo "$BENCH_PY $here/peer_boto3.py $2 $data $endpoint" ;;
	js) echo "node $here/peer_js.js $2 $data $endpoint" ;;
	awscli) echo "sh $here/peer_awscli.sh $2 $data $endpoint" ;;
	esac
}

# Run CLIENT's WORKLOAD once (REP, optional IN_FLIGHT for the floor) and
# append its measures to the results.
run_one() {
	c=$1 w=$2 rep=$3 label=$1
	input=/dev/null
	case $c/$w in
	dynrepo/put_batch) input=$data/put.jsonl ;;
	dynrepo/get_batch) input=$data/keys.jsonl ;;
	esac
	[ -n "${4:-}" ] && label=$1-$4
	out=$work/out
	# shellcheck disable=SC2046
	NODE_PATH=$BENCH_JSDIR/node_modules "$work/rusage" "$work/ru" "$limit" \
	    $(command_of "$c" "$w" "${4:-}") <"$input" >"$out" 2>>"$log"
	status=$?
	read -r wall user sys rss code <"$work/ru" || code=1
	case $w in
	put_batch) want=$n
		[ "$c" = awscli ] && want=$(( (${BENCH_CLI_PUT:-100} + 24) / 25 * 25 ))
		[ "$want" -gt "$n" ] && want=$n ;;
	list) want=$n ;;
	get_batch) want=$nget ;;
	filtered_list) want=$nfilt ;;
	esac
	if [ "$c" = floor ] && [ "$floor_curl" = 1 ] && [ -z "${4:-}" ]; then
		# "STATUS SECONDS" a request: all 200 is every item; the wall
		# is the requests' time, without curl's start-up
		awk -v want="$want" -v n="$(wc -l <"$data/floor-$w.bodies")" '
		    $1 == 200 { ok++; t += $2 } END {
		    if (ok == n && NR == n) printf "items=%d wall_s=%.6f\n", want, t }' \
		    "$out" >"$out.sum"
		mv "$out.sum" "$out"
	fi
	# the floor's own wall: its requests, without its start-up
	[ "$c" = floor ] && wall=$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' "$out")
	wall=${wall:-0}
	ok=0 items=0
	case $c in
	dynrepo)
		case $w in
		put_batch) items=$(sed -n 's/.* \([0-9][0-9]*\) items written.*/\1/p' \
		    "$out" "$log" | tail -n 1) ;;
		*) items=$(wc -l <"$out") ;;
		esac ;;
	awscli) items=$(sh "$here/peer_awscli.sh" count "$data" |
	    sed -n 's/^items=\([0-9]*\).*/\1/p') ;;
	*) items=$(sed -n 's/^items=\([0-9]*\).*/\1/p' "$out") ;;
	esac
	# the peers that can measure their own work's CPU say so
	work_cpu=$(sed -n 's/.*cpu_s=\([0-9.]*\).*/\1/p' "$out")
	items=${items:-0}
	[ "$status" = 0 ] && [ "$items" = "$want" ] && ok=1
	if [ $ok = 0 ]; then
		echo "# FAILED: $label $w run $rep: exit $status, $items of $want items (log: $log)"
	fi
	echo "$w $label $rep $wall $user $sys $rss $items $ok ${work_cpu:--1}" >>"$results"
}

echo "# dynrepo benchmark: $n items (~$(meta itemBytes) bytes each, $(meta wireBytes) bytes of DynamoDB JSON), $reps runs"
echo "# server: dynalite (in memory) at $endpoint; clients:$BENCH_HAVE"
echo "# machine: $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -n 1), $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
dyn create-table >>"$log" 2>&1 || { echo "create-table failed: $(tail -n 3 "$log")"; exit 1; }
# Seed the table (not timed), then learn the pages for the floor.
dyn put <"$data/put.jsonl" >>"$log" 2>&1 || { echo "seeding failed: $(tail -n 3 "$log")"; exit 1; }
node "$here/floor.js" prepare "$data" "$endpoint" >>"$log" 2>&1 ||
    { echo "floor prepare failed: $(tail -n 3 "$log")"; exit 1; }
# BatchGetItem has not run yet: once, so that the server is warm for all.
node "$here/floor.js" get_batch "$data" "$endpoint" >>"$log" 2>&1
sh "$here/peer_awscli.sh" prepare "$data" "${BENCH_CLI_PUT:-100}" >>"$log" 2>&1 ||
    { echo "AWS CLI prepare failed"; exit 1; }
echo "# $(wc -l <"$data/floor-list.bodies") Query pages for the list, $(wc -l <"$data/floor-filtered_list.bodies") for the filtered list"

# Start-up: each client several times, interleaved.
i=1
while [ $i -le "${BENCH_STARTUP_RUNS:-15}" ]; do
	for c in $BENCH_HAVE; do
		case $c in
		dynrepo)
			for v in version profiles first; do
				# shellcheck disable=SC2046
				"$work/rusage" "$work/ru" 60 $(command_of dynrepo startup-$v) \
				    >/dev/null 2>>"$log" </dev/null
				read -r wall user sys rss code <"$work/ru"
				echo "startup dynrepo-$v $i $wall $user $sys $rss 0 $([ "$code" = 0 ] && echo 1 || echo 0)" >>"$results"
			done
			# what any process costs on this machine: the bar under 5 ms
			"$work/rusage" "$work/ru" 60 true >/dev/null 2>>"$log" </dev/null
			read -r wall user sys rss code <"$work/ru"
			echo "startup true $i $wall $user $sys $rss 0 $([ "$code" = 0 ] && echo 1 || echo 0)" >>"$results"
			;;
		*)
			# the CLI costs seconds: fewer runs of it
			[ "$c" = awscli ] && [ $i -gt 5 ] && continue
			# shellcheck disable=SC2046
			NODE_PATH=$BENCH_JSDIR/node_modules "$work/rusage" "$work/ru" 60 \
			    $(command_of "$c" startup) >/dev/null 2>>"$log" </dev/null
			read -r wall user sys rss code <"$work/ru"
			echo "startup $c $i $wall $user $sys $rss 0 $([ "$code" = 0 ] && echo 1 || echo 0)" >>"$results"
			;;
		esac
	done
	i=$((i + 1))
done

# The workloads: every client once per round, rounds repeated, so that a
# change in the machine's load falls on all of them alike; each round
# starts with another client, so that none always follows the same one.
rep=1
order=$BENCH_HAVE
while [ $rep -le "$reps" ]; do
	for w in put_batch list get_batch filtered_list; do
		for c in $order; do
			run_one "$c" "$w" "$rep"
			if [ "$c" = floor ] && [ "$w" = put_batch ]; then
				run_one floor put_batch "$rep" 4
			fi
			# the peers journal nothing: dynrepo once more without
			if [ "$c" = dynrepo ] && [ "$w" = put_batch ]; then
				run_one dynrepo put_batch "$rep" nojournal
			fi
		done
	done
	# shellcheck disable=SC2086
	echo "# round $rep done (order: $(echo $order)), load average $(cut -d' ' -f1-3 /proc/loadavg)"
	# shellcheck disable=SC2086
	set -- $order
	first=$1
	shift
	order="$* $first"
	rep=$((rep + 1))
done
echo
BENCH_FLOOR_CURL=$floor_curl node "$here/report.js" "$results" "$data/meta.json"
exit $?
}
