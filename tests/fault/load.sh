# SPDX-License-Identifier: ISC
# Large reads and writes through the fault proxy at a 20% mixed fault rate
# (every fault of the default mix: throttling, 5xx with JSON and HTML,
# resets before and after the request, truncated and corrupted bodies,
# unprocessed batch entries) with the server's clock 15 minutes ahead:
# list, check, put and get-batch must end with exactly the right items.
#
# AWS_MAX_ATTEMPTS=10: at a 20% fault rate one call fails all of its
# attempts with probability 0.2^N. These runs make about 1,100 calls, so
# with the default 3 attempts (0.8% a call) some call would fail in every
# run; with 10 (1e-7 a call) one run in ~10,000 would, and the seed makes
# each run the same anyway.
#
# Sizes: a 50,000-item list (the issue's number) of ~1 KB items is 50
# Query pages; seeding it takes ~7 s and listing it through the proxy ~5 s
# on 2 cores, so the issue's size fits in the budget (the whole script
# runs in about a minute).
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/fault/lib.sh"

N_LIST=${DYNREPO_FAULT_LIST_ITEMS:-50000}
N_PUT=10000
AWS_MAX_ATTEMPTS=10
export AWS_MAX_ATTEMPTS

fault_new_table

# The model of the items, for check.
cat >"$T_PROFDIR/load.schema.json" <<'EOF'
{"title": "Load", "type": "object",
 "properties": {"name": {"title": "Name", "type": "string"},
  "pad": {"title": "Pad", "type": "string"},
  "year": {"title": "Year", "type": "integer"}},
 "required": ["name", "pad", "year"]}
EOF

# $N_LIST items in partition big, ~1 KB each; every 997th has a year the
# model refuses, so check has something exact to report.
node -e '
const n = Number(process.argv[1]);
for (let i = 0; i < n; i++)
	console.log(JSON.stringify({ partition_ids: ["big"],
	    content_ids: ["c" + String(i).padStart(6, "0")],
	    item: { name: "n" + i, pad: "p" + i + "-".repeat(900),
	    year: i % 997 === 5 ? "year " + i : 1900 + i % 200 } }));' \
    "$N_LIST" >"$T_TMP/big.jsonl"
if ! dr put $RW <"$T_TMP/big.jsonl" >"$T_TMP/seed.out" 2>&1; then
	echo "Bail out! seeding $N_LIST items failed: $(head -c 300 "$T_TMP/seed.out")"
	exit 0
fi
dr list $RW --partition big >"$T_TMP/big.want" 2>"$T_TMP/big.err"

proxy_start --rate 0.2 --seed 20 --clock-skew 900
cat >>"$T_PROFDIR/fault.ini" <<EOF

[repository chk]
table            = $TBL
region           = us-east-1
endpoint         = $DYNREPO_TEST_ENDPOINT
partition_prefix = content
partition_name   = film_actor
content_type     = film_actor
schema           = load.schema.json

[repository fchk]
table            = $TBL
region           = us-east-1
endpoint         = $FAULT_ENDPOINT
partition_prefix = content
partition_name   = film_actor
content_type     = film_actor
schema           = load.schema.json
EOF

t_begin
[ "$(wc -l <"$T_TMP/big.want")" -eq "$N_LIST" ] ||
    fail "the direct list has $(wc -l <"$T_TMP/big.want") lines"
pctl config '{"reset":true}'
run dr list $FRW --partition big
check_rc 0
if ! cmp -s "$T_TMP/big.want" "$OUT"; then
	fail "the list through the proxy differs from the direct one"
	fail "$(wc -l <"$OUT") lines; first difference: $(cmp "$T_TMP/big.want" "$OUT" 2>&1 | head -1)"
fi
check_proxy "requests.Query>=$((N_LIST / 1000))"
cp "$T_TMP/pstat.json" "$T_TMP/stats.$T_NUM.json"
check_js 'const st = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const f = Object.values(st.byop.Query || {}).reduce((a, b) => a + b, 0);
if (f < Number(process.argv[2]) / 10000)
	throw new Error("only " + f + " faults on Query: the test proves little");' \
    "$T_TMP/pstat.json" "$N_LIST"
t_end "list of $N_LIST items at 20% faults: byte for byte the direct list"

t_begin
run dr check -p chk --partition big --output jsonl
cp "$OUT" "$T_TMP/check.want"
want_rc=$RC
[ "$want_rc" = 1 ] || fail "the direct check exits $want_rc, expected 1"
pctl config '{"reset":true}'
run dr check -p fchk --partition big --output jsonl
check_rc "$want_rc"
if ! cmp -s "$T_TMP/check.want" "$OUT"; then
	fail "check through the proxy reports differently"
	fail_file "direct" "$T_TMP/check.want"
	fail_file "through the proxy" "$OUT"
fi
check_proxy "requests.Query>=$((N_LIST / 1000))"
cp "$T_TMP/pstat.json" "$T_TMP/stats.$T_NUM.json"
check_js 'const n = require("fs").readFileSync(process.argv[1], "utf8")
    .split("\n").filter((l) => l.includes("year ")).length;
const want = Math.floor((Number(process.argv[2]) - 6) / 997) + 1;
if (n !== want)
	throw new Error(n + " violations reported, expected " + want);' \
    "$T_TMP/check.want" "$N_LIST"
t_end "check of one partition at 20% faults: the same report as without"

t_begin
run dr check -p chk --all-partitions --segments 4 --output jsonl
cp "$OUT" "$T_TMP/scan.want"
want_rc=$RC
pctl config '{"reset":true}'
run dr check -p fchk --all-partitions --segments 4 --output jsonl
check_rc "$want_rc"
sort "$T_TMP/scan.want" >"$T_TMP/scan.want.s"
sort "$OUT" >"$T_TMP/scan.got.s"
if ! cmp -s "$T_TMP/scan.want.s" "$T_TMP/scan.got.s"; then
	fail "check --all-partitions through the proxy reports differently"
	fail_file "direct" "$T_TMP/scan.want"
	fail_file "through the proxy" "$OUT"
fi
check_proxy "requests.Scan>=$((N_LIST / 1000))"
cp "$T_TMP/pstat.json" "$T_TMP/stats.$T_NUM.json"
t_end "check --all-partitions (4 parallel Scan segments) at 20% faults: the same report"

# ---- a 10,000-item put --------------------------------------------------
node -e '
for (let i = 0; i < Number(process.argv[1]); i++)
	console.log(JSON.stringify({ partition_ids: ["w"],
	    content_ids: ["k" + String(i).padStart(5, "0")],
	    item: { i: i, s: "value " + i, l: [i, "x"], m: { a: i % 7 } } }));' \
    "$N_PUT" >"$T_TMP/w.jsonl"
t_begin
pctl config '{"reset":true}'
run_in "$T_TMP/w.jsonl" dr put $FRW
check_rc 0
check_err_has "$N_PUT items written"
check_proxy "requests.BatchWriteItem>=400" "byop.BatchWriteItem.unprocessed>=1"
cp "$T_TMP/pstat.json" "$T_TMP/stats.$T_NUM.json"
dr list $RW --partition w >"$T_TMP/w.got" 2>&1
check_js 'const want = h.jsonl(process.argv[1]).map((l) =>
    l.content_ids[0] + " " + h.canon(l.item));
const got = h.jsonl(process.argv[2]).map((l) =>
    l.content_ids[0] + " " + h.canon(l.item) + (l.current_version === 1 ?
    "" : " version " + l.current_version));
if (got.length !== want.length)
	throw new Error(got.length + " items stored, expected " + want.length);
for (let i = 0; i < want.length; i++)
	if (got[i] !== want[i])
		throw new Error("item " + i + ": " + got[i] + " != " + want[i]);' \
    "$T_TMP/w.jsonl" "$T_TMP/w.got"
t_end "put of $N_PUT items at 20% faults: exactly those items stored"

# ---- get-batch of 10,000 keys ---------------------------------------------
# Every 25th key is missing; the rest are items of partition big.
node -e '
for (let i = 0; i < 10000; i++)
	console.log(JSON.stringify({ partition_ids: ["big"],
	    content_ids: [i % 25 === 3 ? "missing" + i :
	    "c" + String((i * 7) % Number(process.argv[1])).padStart(6, "0")] }));' \
    "$N_LIST" >"$T_TMP/keys.jsonl"
t_begin
pctl config '{"reset":true}'
run_in "$T_TMP/keys.jsonl" dr get-batch $FRW
check_rc 0
check_proxy "requests.BatchGetItem>=100" "byop.BatchGetItem.unprocessed>=1"
cp "$T_TMP/pstat.json" "$T_TMP/stats.$T_NUM.json"
check_js '
const want = new Map();
for (const l of h.jsonl(process.argv[3]))
	want.set(l.content_ids[0], JSON.stringify(l));
const asked = new Set(h.jsonl(process.argv[1]).map((k) => k.content_ids[0])
    .filter((c) => want.has(c)));
const got = require("fs").readFileSync(process.argv[2], "utf8").split("\n")
    .filter((l) => l !== "");
const seen = new Set();
for (const l of got) {
	const c = JSON.parse(l).content_ids[0];
	if (!asked.has(c))
		throw new Error("an item not asked for: " + c);
	if (seen.has(c))
		throw new Error("twice: " + c);
	if (want.get(c) !== l)
		throw new Error("differs: " + c);
	seen.add(c);
}
if (seen.size !== asked.size)
	throw new Error(seen.size + " items, expected " + asked.size);' \
    "$T_TMP/keys.jsonl" "$OUT" "$T_TMP/big.want"
t_end "get-batch of 10,000 keys at 20% faults: every stored item once, exact"

t_begin
check_js '
const fs = require("fs");
const sum = {};
for (const f of process.argv.slice(1))
	for (const [k, n] of Object.entries(JSON.parse(fs.readFileSync(f,
	    "utf8")).faults))
		sum[k] = (sum[k] || 0) + n;
const kinds = ["throttle", "throttling", "limit", "http429", "e500",
    "e500html", "e502", "e502html", "e503", "e503html", "e504", "e504html",
    "reset_before", "reset_after", "truncate", "crc", "unprocessed",
    "unprocessed_all"];
const none = kinds.filter((k) => !sum[k]);
if (none.length > 0)
	throw new Error("never injected: " + none.join(" ") + "; counts " +
	    JSON.stringify(sum));' "$T_TMP"/stats.*.json
t_end "every fault of the mix was injected at least once in these runs"

t_done
