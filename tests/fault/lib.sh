# SPDX-License-Identifier: ISC
# Shared helpers of the fault and security tests: tests/cli/lib.sh (TAP,
# run, checks, a fresh table) plus the fault-injecting proxy
# (tests/fault/proxy.js) started on a free 127.0.0.1 port in front of the
# test server and stopped whatever happens.
#
# Sourced by tests/fault/*.sh and tests/security/*.sh. When the suite runs
# them without a server (DYNREPO_TEST_ENDPOINT unset), the script re-runs
# itself under tests/with-dynalite.
#
# After proxy_start:
#	FAULT_PORT, FAULT_ENDPOINT	the proxy
#	FRW, FRO			"-p frw --table TBL" / "-p fro ..."
#					(read-write / read-only through the
#					proxy; set by new_table, like RW, RO)
#	pctl config '{"rate":0.2,"seed":7}'	reconfigure the proxy
#	pstat 'requests.UpdateItem'	one number (0 when absent) from its
#					counts
#	check_proxy requests.GetItem=2 'faults.crc>=1'	expect counts
fault_srcdir=${DYNREPO_SRCDIR:-$(cd "$(dirname "$0")/../.." && pwd)}
if [ -z "${DYNREPO_TEST_ENDPOINT:-}" ] && [ -n "${DYNREPO_BIN:-}" ] &&
    [ -z "${DYNREPO_FAULT_WRAPPED:-}" ]; then
	DYNREPO_FAULT_WRAPPED=1
	export DYNREPO_FAULT_WRAPPED
	exec sh "$fault_srcdir/tests/with-dynalite" sh "$0" "$@"
fi
. "$fault_srcdir/tests/cli/lib.sh"

FAULT_PROXY=$fault_srcdir/tests/fault/proxy.js
FAULT_PID=
FAULT_PORT=
FAULT_ENDPOINT=
FRW=
FRO=
trap 'proxy_stop; rm -rf "$T_TMP"' EXIT

# Start the proxy in front of the test server; arguments go to proxy.js
# (--rate, --seed, --faults, --script, --clock-skew, ...).
proxy_start()
{
	proxy_stop
	rm -f "$T_TMP/proxy.port"
	node "$FAULT_PROXY" --upstream "$DYNREPO_TEST_ENDPOINT" --port 0 \
	    --port-file "$T_TMP/proxy.port" --parent $$ "$@" \
	    >"$T_TMP/proxy.out" \
	    2>"$T_TMP/proxy.err" &
	FAULT_PID=$!
	proxy_start_i=0
	while [ ! -s "$T_TMP/proxy.port" ]; do
		if ! kill -0 "$FAULT_PID" 2>/dev/null ||
		    [ $proxy_start_i -ge 100 ]; then
			echo "Bail out! the fault proxy did not start:" \
			    "$(head -c 300 "$T_TMP/proxy.err")"
			exit 0
		fi
		sleep 0.1
		proxy_start_i=$((proxy_start_i + 1))
	done
	FAULT_PORT=$(cat "$T_TMP/proxy.port")
	FAULT_ENDPOINT="http://127.0.0.1:$FAULT_PORT"
	cat >"$T_PROFDIR/fault.ini" <<EOF
# Written by tests/fault/lib.sh: the test profiles through the proxy.
[repository frw]
table            = unused-table
region           = us-east-1
endpoint         = $FAULT_ENDPOINT
partition_prefix = content
partition_name   = film_actor
content_type     = film_actor

[repository fro]
table            = unused-table
region           = us-east-1
endpoint         = $FAULT_ENDPOINT
partition_prefix = content
partition_name   = film_actor
content_type     = film_actor
read_only        = true
EOF
	if [ -n "$TBL" ]; then
		FRW="-p frw --table $TBL"
		FRO="-p fro --table $TBL"
	fi
}

# Stop the proxy if it runs (only the process this script started).
proxy_stop()
{
	if [ -n "$FAULT_PID" ]; then
		kill "$FAULT_PID" 2>/dev/null
		wait "$FAULT_PID" 2>/dev/null
		FAULT_PID=
	fi
}

# Reconfigure the running proxy: pctl config JSON | pctl reset.
pctl()
{
	node "$FAULT_PROXY" ctl "$FAULT_PORT" "$@" >"$T_TMP/pctl.out" 2>&1 ||
	    {
		echo "Bail out! proxy ctl $*: $(head -c 300 "$T_TMP/pctl.out")"
		exit 0
	}
}

# Print one field of the proxy's counts by its dotted path (0 if absent).
pstat()
{
	node "$FAULT_PROXY" ctl "$FAULT_PORT" stats >"$T_TMP/pstat.json" ||
	    return 1
	node -e '
	let v = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	for (const k of process.argv[2].split("."))
		v = v === undefined || v === null ? undefined : v[k];
	console.log(v === undefined ? 0 : typeof v === "object" ?
	    JSON.stringify(v) : v);' "$T_TMP/pstat.json" "$1"
}

# Expect the proxy's counts to satisfy every argument, each a dotted path,
# an operator (=, >=, <=) and a number: check_proxy requests.GetItem=2
# 'faults.crc>=1'. One node process for all of them.
check_proxy()
{
	if ! node "$FAULT_PROXY" ctl "$FAULT_PORT" stats >"$T_TMP/pstat.json"
	then
		fail "cannot read the proxy's counts"
		return
	fi
	node -e '
	const st = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
	for (const e of process.argv.slice(2)) {
		const m = /^([A-Za-z0-9_.]+)(>=|<=|=)(-?[0-9]+)$/.exec(e);
		if (m === null)
			throw new Error("bad expectation " + e);
		let v = st;
		for (const k of m[1].split("."))
			v = v === undefined || v === null ? undefined : v[k];
		v = v === undefined ? 0 : v;
		const n = Number(m[3]);
		const ok = m[2] === "=" ? v === n : m[2] === ">=" ? v >= n :
		    v <= n;
		if (!ok)
			console.log("proxy " + m[1] + " = " + JSON.stringify(v) +
			    ", expected " + m[2] + " " + n);
	}' "$T_TMP/pstat.json" "$@" >"$T_TMP/pstat.diag" 2>&1
	if [ -s "$T_TMP/pstat.diag" ]; then
		cat "$T_TMP/pstat.diag" >>"$T_DIAG"
	fi
}

# new_table from tests/cli/lib.sh, and FRW / FRO for the same table.
fault_new_table()
{
	new_table
	FRW="-p frw --table $TBL"
	FRO="-p fro --table $TBL"
}
