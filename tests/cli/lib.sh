# SPDX-License-Identifier: ISC
# Shared helpers of the CLI tests: TAP output, running dynrepo with its
# stdout, stderr and exit status captured, assertions with diagnostics, a
# private profile directory and a fresh table per test group.
#
# Sourced by tests/cli/*.sh, which tests/with-dynalite runs with
# DYNREPO_TEST_ENDPOINT, DYNREPO_BIN, DYNREPO_TESTDATA and fake AWS
# credentials in the environment. Every script prints TAP and exits 0; the
# TAP driver counts the failures.
#
# A test point:
#	t_begin
#	run_in "$T_TMP/x.jsonl" dr put $RW	# or: run dr get $RW ...
#	check_rc 0
#	check_out_has '"name":"x"'
#	t_end "put writes one item"	# or: t_end "..." "bug: why"
# Checks only collect diagnostics; t_end prints "ok" or "not ok" and them.
# A second argument to t_end marks the point "# TODO" (a known program bug,
# reported, expected to fail).
# Only node is used for JSON (jq and python3 are not guaranteed in CI).

if [ -z "${DYNREPO_TEST_ENDPOINT:-}" ] || [ -z "${DYNREPO_BIN:-}" ] ||
    [ -z "${DYNREPO_TESTDATA:-}" ]; then
	echo "1..0 # SKIP run through tests/with-dynalite with DYNREPO_BIN" \
	    "and DYNREPO_TESTDATA set"
	exit 0
fi
if [ ! -x "$DYNREPO_BIN" ]; then
	echo "Bail out! $DYNREPO_BIN is not an executable"
	exit 0
fi

T_CLI_LIB=1
T_NUM=0
T_TABLES=0
T_TMP=$(mktemp -d "${TMPDIR:-/tmp}/dynrepo-cli.XXXXXX") || {
	echo "Bail out! mktemp -d failed"
	exit 0
}
trap 'rm -rf "$T_TMP"' EXIT
trap 'exit 130' INT TERM HUP
T_PROFDIR=$T_TMP/profiles
T_DIAG=$T_TMP/diag
T_HJS=$T_TMP/h.js
OUT=$T_TMP/out
ERR=$T_TMP/err
RC=0
TBL=
RW=
RO=
export T_HJS
mkdir "$T_PROFDIR"
: >"$T_DIAG"

# The profiles every test uses; --table picks the test's own table.
cat >"$T_PROFDIR/cli.ini" <<EOF
# Written by tests/cli/lib.sh for one test run.
[repository rw]
table            = unused-table
region           = us-east-1
endpoint         = $DYNREPO_TEST_ENDPOINT
partition_prefix = content
partition_name   = film_actor
content_type     = film_actor

[repository ro]
table            = unused-table
region           = us-east-1
endpoint         = $DYNREPO_TEST_ENDPOINT
partition_prefix = content
partition_name   = film_actor
content_type     = film_actor
read_only        = true
EOF

# JSON helpers for node -e scripts: const h = require(process.env.T_HJS).
cat >"$T_HJS" <<'EOF'
'use strict';
const fs = require('fs');
// The non-empty lines of a file, each parsed as JSON.
exports.jsonl = (path) => fs.readFileSync(path, 'utf8').split('\n')
    .filter((l) => l.trim() !== '').map((l) => JSON.parse(l));
// JSON with object keys sorted at every depth (list order kept).
exports.canon = function canon(v) {
	if (Array.isArray(v))
		return '[' + v.map(canon).join(',') + ']';
	if (v !== null && typeof v === 'object')
		return '{' + Object.keys(v).sort().map((k) =>
		    JSON.stringify(k) + ':' + canon(v[k])).join(',') + '}';
	return JSON.stringify(v);
};
// A decimal number's text in one form per value: "-" digits "e" exponent,
// no leading or trailing zeros in the digits; "0" for zero.
exports.num = (s) => {
	const m = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(String(s));
	if (m === null)
		return 'NaN(' + s + ')';
	let digits = m[2] + (m[3] || '');
	let exp = BigInt(m[4] || '0') - BigInt((m[3] || '').length);
	digits = digits.replace(/^0+/, '');
	if (digits === '')
		return '0';
	const t = digits.length - digits.replace(/0+$/, '').length;
	digits = digits.slice(0, digits.length - t);
	exp += BigInt(t);
	return m[1] + digits + 'e' + exp;
};
// JSON.parse, except that every number becomes { $n: "its text" }, so no
// digit is lost to a double.
exports.parse = (text) => {
	let i = 0;
	const ws = () => { while (/\s/.test(text[i] || '')) i++; };
	const val = () => {
		ws();
		const c = text[i];
		if (c === '{') {
			const o = {};
			i++;
			ws();
			if (text[i] === '}') { i++; return o; }
			for (;;) {
				ws();
				const k = val();
				ws();
				if (text[i++] !== ':')
					throw new Error('expected : at ' + i);
				o[k] = val();
				ws();
				const d = text[i++];
				if (d === '}') return o;
				if (d !== ',')
					throw new Error('expected , at ' + i);
			}
		}
		if (c === '[') {
			const a = [];
			i++;
			ws();
			if (text[i] === ']') { i++; return a; }
			for (;;) {
				a.push(val());
				ws();
				const d = text[i++];
				if (d === ']') return a;
				if (d !== ',')
					throw new Error('expected , at ' + i);
			}
		}
		if (c === '"') {
			const m = /^"(?:[^"\\]|\\.)*"/.exec(text.slice(i));
			if (m === null)
				throw new Error('bad string at ' + i);
			i += m[0].length;
			return JSON.parse(m[0]);
		}
		const m = /^(?:-?[0-9][0-9.eE+-]*|true|false|null)/.exec(text.slice(i));
		if (m === null)
			throw new Error('bad value at ' + i);
		i += m[0].length;
		return /^[-0-9]/.test(m[0]) ? { $n: m[0] } : JSON.parse(m[0]);
	};
	const v = val();
	ws();
	if (i !== text.length)
		throw new Error('text after the value at ' + i);
	return v;
};
// A DynamoDB JSON value as h.parse returns its plain JSON form.
exports.plain = function plain(d) {
	const [t, v] = Object.entries(d)[0];
	switch (t) {
	case 'S': return v;
	case 'N': return { $n: v };
	case 'BOOL': return v;
	case 'NULL': return null;
	case 'L': return v.map(plain);
	case 'M': return Object.fromEntries(Object.entries(v).map(
	    ([k, x]) => [k, plain(x)]));
	default: throw new Error('type ' + t + ' has no plain form');
	}
};
// h.canon for h.parse results: numbers compared by value (h.num).
exports.canonx = function canonx(v) {
	if (v !== null && typeof v === 'object' && typeof v.$n === 'string' &&
	    Object.keys(v).length === 1)
		return 'N(' + exports.num(v.$n) + ')';
	if (Array.isArray(v))
		return '[' + v.map(canonx).join(',') + ']';
	if (v !== null && typeof v === 'object')
		return '{' + Object.keys(v).sort().map((k) =>
		    JSON.stringify(k) + ':' + canonx(v[k])).join(',') + '}';
	return JSON.stringify(v);
};
// The raw text of the number that follows "name": in a JSON document.
exports.rawnum = (text, name) => {
	const re = new RegExp('"' + name + '":(-?[0-9.eE+-]+)');
	const m = re.exec(text);
	return m === null ? null : m[1];
};
// Send one DynamoDB request straight to the test server (dynalite checks
// the shape of the Authorization header, never the signature).
exports.raw = (target, body) => new Promise((resolve, reject) => {
	const u = new URL(process.env.DYNREPO_TEST_ENDPOINT);
	const data = Buffer.from(JSON.stringify(body));
	const req = require('http').request({
		host: u.hostname, port: u.port, path: '/', method: 'POST',
		headers: {
			'X-Amz-Target': 'DynamoDB_20120810.' + target,
			'Content-Type': 'application/x-amz-json-1.0',
			'Content-Length': data.length,
			'X-Amz-Date': '20260101T000000Z',
			'Authorization': 'AWS4-HMAC-SHA256 Credential=a/' +
			    '20150830/us-east-1/dynamodb/aws4_request, ' +
			    'SignedHeaders=host, Signature=abc',
		},
	}, (res) => {
		let s = '';
		res.on('data', (c) => { s += c; });
		res.on('end', () => res.statusCode === 200 ? resolve(s) :
		    reject(new Error('HTTP ' + res.statusCode + ': ' + s)));
	});
	req.on('error', reject);
	req.end(data);
});
EOF

# Run dynrepo with the test profiles first in the search path.
dr()
{
	"$DYNREPO_BIN" --profiles "$T_PROFDIR" "$@"
}

# Run a command with no stdin; stdout to $OUT, stderr to $ERR, status to $RC.
run()
{
	"$@" </dev/null >"$OUT" 2>"$ERR"
	RC=$?
}

# Run a command with stdin from the file $1; like run otherwise.
run_in()
{
	run_in_file=$1
	shift
	"$@" <"$run_in_file" >"$OUT" 2>"$ERR"
	RC=$?
}

# Start a test point: forget the diagnostics of the last one.
t_begin()
{
	: >"$T_DIAG"
}

# Record a failed expectation of the current test point.
fail()
{
	printf '%s\n' "$*" >>"$T_DIAG"
}

# Record the first lines of a file under a heading.
fail_file()
{
	printf '%s:\n' "$1" >>"$T_DIAG"
	head -n ${FAIL_LINES:-12} "$2" | cut -c 1-400 | sed 's/^/  /' >>"$T_DIAG"
}

# End a test point: print ok / not ok, then the diagnostics as "# " lines.
# A second argument marks a known bug (TODO: expected to fail).
t_end()
{
	T_NUM=$((T_NUM + 1))
	t_end_todo=
	if [ -n "${2:-}" ]; then
		t_end_todo=" # TODO $2"
	fi
	if [ -s "$T_DIAG" ]; then
		printf 'not ok %s - %s%s\n' "$T_NUM" "$1" "$t_end_todo"
		sed 's/^/# /' "$T_DIAG"
	else
		printf 'ok %s - %s%s\n' "$T_NUM" "$1" "$t_end_todo"
	fi
	: >"$T_DIAG"
}

# A test point that could not run here, and why.
t_skip()
{
	T_NUM=$((T_NUM + 1))
	printf 'ok %s - %s # SKIP %s\n' "$T_NUM" "$1" "$2"
	: >"$T_DIAG"
}

# Print the plan after the last test point.
t_done()
{
	echo "1..$T_NUM"
	exit 0
}

# Expect the exit status of the last run to be $1.
check_rc()
{
	if [ "$RC" != "$1" ]; then
		fail "exit status $RC, expected $1"
		fail_file "stderr" "$ERR"
	fi
}

# Expect stdout of the last run to contain the fixed string $1.
check_out_has()
{
	if ! grep -F -q -e "$1" "$OUT"; then
		fail "stdout lacks: $1"
		fail_file "stdout" "$OUT"
	fi
}

# Expect stdout of the last run not to contain the fixed string $1.
check_out_lacks()
{
	if grep -F -q -e "$1" "$OUT"; then
		fail "stdout contains: $1"
		fail_file "stdout" "$OUT"
	fi
}

# Expect stderr of the last run to contain the fixed string $1.
check_err_has()
{
	if ! grep -F -q -e "$1" "$ERR"; then
		fail "stderr lacks: $1"
		fail_file "stderr" "$ERR"
	fi
}

# Expect stderr of the last run not to contain the fixed string $1.
check_err_lacks()
{
	if grep -F -q -e "$1" "$ERR"; then
		fail "stderr contains: $1"
		fail_file "stderr" "$ERR"
	fi
}

# Expect stdout of the last run to be exactly the lines given as arguments.
check_out_eq()
{
	printf '%s\n' "$@" >"$T_TMP/expected"
	if ! cmp -s "$T_TMP/expected" "$OUT"; then
		fail_file "expected stdout" "$T_TMP/expected"
		fail_file "got stdout" "$OUT"
	fi
}

# Expect stdout of the last run to have $1 lines.
check_lines()
{
	check_lines_n=$(wc -l <"$OUT" | tr -d ' ')
	if [ "$check_lines_n" != "$1" ]; then
		fail "stdout has $check_lines_n lines, expected $1"
		fail_file "stdout" "$OUT"
	fi
}

# Expect a command to succeed; its output becomes the diagnostic if not.
check()
{
	if ! "$@" >"$T_TMP/check.out" 2>&1; then
		fail "check failed: $*"
		fail_file "output" "$T_TMP/check.out"
	fi
}

# Run a node script with h.js at hand; extra arguments go to process.argv.
# Prints what the script prints; fails (exit 1) when it throws.
js()
{
	js_code=$1
	shift
	node -e "const h = require(process.env.T_HJS); $js_code" -- "$@"
}

# Expect a node script to exit 0; what it prints is the diagnostic.
check_js()
{
	if ! js "$@" >"$T_TMP/check.out" 2>&1; then
		fail "node check failed"
		fail_file "output" "$T_TMP/check.out"
	fi
}

# Create a fresh table for the next tests; sets TBL, RW and RO (the
# "-p rw --table TBL" / "-p ro --table TBL" options, split on spaces).
new_table()
{
	T_TABLES=$((T_TABLES + 1))
	TBL="t_$$_$T_TABLES"
	RW="-p rw --table $TBL"
	RO="-p ro --table $TBL"
	if ! dr create-table $RW >"$T_TMP/create.out" 2>&1; then
		echo "Bail out! create-table $TBL failed:" \
		    "$(head -c 300 "$T_TMP/create.out")"
		exit 0
	fi
}

# Write DynamoDB items, bypassing dynrepo: table $1, stdin one item (its
# DynamoDB JSON) or one {"Item": {...}} export line a line.
raw_put()
{
	js 'const lines = require("fs").readFileSync(0, "utf8").split("\n")
	    .filter((l) => l.trim() !== "").map((l) => JSON.parse(l));
	(async () => {
		for (const l of lines)
			await h.raw("PutItem", { TableName: process.argv[1],
			    Item: l.Item !== undefined ? l.Item : l });
	})().catch((e) => { console.error(e.message); process.exit(1); });' "$1"
}
