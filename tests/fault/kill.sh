# SPDX-License-Identifier: ISC
# kill -9 in the middle of a large put, against the server and against the
# embedded store: every write the server acknowledged is stored, no item
# is stored half (each stored item is exactly its input line), the store
# is left readable, undo sees the killed put as unfinished (refuses it,
# and with --partial takes back what the journal holds), and running the
# same put again converges on the whole input.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/fault/lib.sh"

# A journal of this test's own writes.
XDG_STATE_HOME=$T_TMP/state
export XDG_STATE_HOME
JOURNAL=$XDG_STATE_HOME/dynrepo/journal.jsonl

N=30000
fault_new_table
node -e 'for (let i = 0; i < Number(process.argv[1]); i++)
	console.log(JSON.stringify({ partition_ids: ["k"],
	    content_ids: ["c" + String(i).padStart(6, "0")],
	    item: { i, name: "item " + i, tags: ["a", "b"],
	        nested: { x: i % 7, y: "z".repeat(i % 300) } } }));' "$N" \
    >"$T_TMP/big.jsonl"
cat >>"$T_PROFDIR/cli.ini" <<EOF

[repository lk]
table            = kill-table
endpoint         = local:$T_TMP/kill.db
partition_prefix = content
partition_name   = film_actor
content_type     = film_actor
EOF

# The test server must outlive a client killed while its request body is
# on the wire (dynalite alone re-throws that and exits; tests/server/run.js
# keeps it serving), or every point after a kill -9 reads nothing.
t_begin
node -e '
const net = require("net"), u = new URL(process.env.DYNREPO_TEST_ENDPOINT);
const s = net.connect(+u.port, u.hostname, () => {
	s.write("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: " +
	    "application/x-amz-json-1.0\r\nX-Amz-Target: " +
	    "DynamoDB_20120810.ListTables\r\nContent-Length: 1000\r\n\r\n{\"a\":");
	setTimeout(() => { s.destroy(); process.exit(0); }, 200);
});'
sleep 0.5
run dr list $RW --partition k
check_rc 0
check_lines 0
t_end "the test server outlives a client gone in the middle of a request"

# Start `put $*` from big.jsonl in the background as the process itself
# (so that kill hits dynrepo, not a shell), with the request log on.
put_bg()
{
	rm -f "$T_TMP/put.log"
	DYNREPO_LOG=$T_TMP/put.log "$DYNREPO_BIN" --profiles "$T_PROFDIR" put \
	    "$@" <"$T_TMP/big.jsonl" >"$T_TMP/put.out" 2>"$T_TMP/put.err" &
	PUT_PID=$!
}

# Wait (at most 60 s) until put.log has at least $2 lines matching $1, or
# the put is over.
wait_log()
{
	i=0
	while [ $i -lt 600 ]; do
		n=$(grep -c "$1" "$T_TMP/put.log" 2>/dev/null)
		[ "${n:-0}" -ge "$2" ] && return 0
		kill -0 "$PUT_PID" 2>/dev/null || return 0
		sleep 0.1
		i=$((i + 1))
	done
}

# Start `put $1...` from file $1 with SIGINT at its default, as a
# terminal's Ctrl-C finds it (a background job of a script starts with it
# ignored), wait until put.log has $3 lines matching $2, send SIGINT and
# wait for the end: its status in rc.
put_sigint()
{
	sig_in=$1 sig_pat=$2 sig_n=$3
	shift 3
	rm -f "$T_TMP/put.log"
	DYNREPO_LOG=$T_TMP/put.log env --default-signal=INT "$DYNREPO_BIN" \
	    --profiles "$T_PROFDIR" put "$@" <"$sig_in" \
	    >"$T_TMP/put.out" 2>"$T_TMP/put.err" &
	PUT_PID=$!
	wait_log "$sig_pat" "$sig_n"
	kill -INT "$PUT_PID" 2>/dev/null
	wait "$PUT_PID"
	rc=$?
	[ "$rc" = 130 ] || fail "exit status $rc after SIGINT, not 130"
}

# Wait until the log shows at least $1 answered BatchWriteItem requests
# (at most 60 s), then kill -9 the put.
kill_after_acks()
{
	wait_log 'BatchWriteItem attempt [0-9]*/[0-9]*: HTTP 200' "$1"
	kill -9 "$PUT_PID" 2>/dev/null
	wait "$PUT_PID" 2>/dev/null
	KILL_RC=$?
}

# Compare what a profile's partition k holds with the input: each stored
# item must be exactly its input line (version 1); prints the count.
# $1: the file of `list` output; $2: "all" when every line must be there.
check_stored()
{
	node -e '
	const fs = require("fs");
	const want = new Map();
	for (const l of fs.readFileSync(process.argv[1], "utf8").split("\n"))
		if (l !== "") {
			const o = JSON.parse(l);
			want.set(o.content_ids[0], o);
		}
	const seen = new Set();
	let bad = 0;
	for (const l of fs.readFileSync(process.argv[2], "utf8").split("\n")) {
		if (l === "")
			continue;
		const o = JSON.parse(l);
		const id = o.content_ids[0];
		const w = want.get(id);
		if (w === undefined || seen.has(id) ||
		    JSON.stringify(o.item) !== JSON.stringify(w.item) ||
		    o.current_version !== 1) {
			if (bad++ < 5)
				console.error("wrong: " + l.slice(0, 200));
		}
		seen.add(id);
	}
	if (process.argv[3] === "all" && seen.size !== want.size)
		console.error("only " + seen.size + " of " + want.size);
	console.log(seen.size);
	process.exit(bad > 0 || (process.argv[3] === "all" &&
	    seen.size !== want.size) ? 1 : 0);' \
	    "$T_TMP/big.jsonl" "$1" "${2:-}" 2>>"$T_DIAG"
}

# ---- the server --------------------------------------------------------------
t_begin
put_bg $RW
kill_after_acks 100
[ "$KILL_RC" = 137 ] ||
    fail "the put was not killed mid-way (status $KILL_RC); make N larger"
acked=$(grep -c 'BatchWriteItem attempt [0-9]*/[0-9]*: HTTP 200' \
    "$T_TMP/put.log")
dr list $RW --partition k >"$T_TMP/stored" 2>"$T_TMP/list.err" ||
    fail "list after the kill failed: $(head -c 300 "$T_TMP/list.err")"
n=$(check_stored "$T_TMP/stored") || fail "an item is stored wrong"
# Each answered request acknowledged 25 items (dynalite processes all).
[ "${n:-0}" -ge $((acked * 25)) ] ||
    fail "$acked acknowledged requests (= $((acked * 25)) items), $n stored"
[ "${n:-0}" -lt "$N" ] || fail "all $N were stored: nothing was cut short"
t_end "kill -9 during a put to the server: every acknowledged item stored, each whole"

# The killed put never wrote its end line: undo cannot tell whether items
# it wrote are missing from the journal, and says so.
t_begin
journaled=$(grep -c '"operation":"put-batch".*"key":' "$JOURNAL" 2>/dev/null)
grep -q '"end":' "$JOURNAL" 2>/dev/null && fail "the killed put wrote its end"
[ "${journaled:-0}" -gt 0 ] || fail "nothing of the killed put is journaled"
run dr undo $RW
check_rc 2
check_err_has "did not finish"
check_err_has "nothing was written"
check_err_has "--partial"
dr list $RW --partition k >"$T_TMP/stored2"
cmp -s "$T_TMP/stored" "$T_TMP/stored2" || fail "a refused undo wrote"
run dr undo $RW --list -n 1
check_rc 0
check_out_has "(unfinished)"
run dr undo $RW --list -n 1 --output jsonl
check_rc 0
check_out_has '"complete":false,"unfinished":true'
run dr undo $RW --partial
check_rc 0
check_out_has "unfinished: only the items journaled"
dr list $RW --partition k >"$T_TMP/stored2"
left=$(wc -l <"$T_TMP/stored2")
# The put created every item: its journaled ones are deleted, only those
# it wrote after its last journaled line stay.
[ "$left" -eq $((n - journaled)) ] ||
    fail "$n stored, $journaled journaled: $left left after undo --partial"
t_end "undo refuses the killed put as unfinished; --partial deletes the $journaled journaled, $left were written after"

t_begin
run_in "$T_TMP/big.jsonl" dr put $RW
check_rc 0
dr list $RW --partition k >"$T_TMP/stored"
n=$(check_stored "$T_TMP/stored" all) || fail "the second put did not converge"
[ "$n" = "$N" ] || fail "$n items after the second put"
t_end "the same put again converges on all $N items"

# Ctrl-C stops a put --changed-only that finds nothing changed too: it
# reads no more.
t_begin
put_sigint "$T_TMP/big.jsonl" 'Query attempt [0-9]*/[0-9]*: HTTP 200' 5 \
    $RW --changed-only
grep -q "interrupted" "$T_TMP/put.err" || fail_file "stderr" "$T_TMP/put.err"
grep -q "0 items written, .* unchanged" "$T_TMP/put.err" ||
    fail_file "stderr" "$T_TMP/put.err"
t_end "Ctrl-C stops a put --changed-only between its reads"

# Ctrl-C (SIGINT) stops a put whole: what it sent is answered and
# journaled, nothing more is sent, its write ends in the journal; plain
# undo then deletes every item it wrote. Partition s: a part of its own.
t_begin
sed 's/"partition_ids":\["k"\]/"partition_ids":["s"]/' "$T_TMP/big.jsonl" \
    >"$T_TMP/big-s.jsonl"
put_sigint "$T_TMP/big-s.jsonl" \
    'BatchWriteItem attempt [0-9]*/[0-9]*: HTTP 200' 100 $RW
grep -q "stopping" "$T_TMP/put.err" || fail "no word of stopping"
grep -q "interrupted" "$T_TMP/put.err" || fail "no word of the interruption"
written=$(sed -n 's/^dynrepo put: \([0-9]*\) items written$/\1/p' \
    "$T_TMP/put.err")
dr list $RW --partition s >"$T_TMP/stored-s" 2>/dev/null
s_n=$(wc -l <"$T_TMP/stored-s")
[ "$s_n" -gt 0 ] && [ "$s_n" -lt "$N" ] ||
    fail "$s_n of $N stored: the put was not cut short"
[ "${written:-x}" = "$s_n" ] ||
    fail "the put said ${written:-nothing} items written, $s_n are stored"
grep -q '"end":'"$s_n"'}$' "$JOURNAL" ||
    fail "no end line counting the $s_n items"
run dr undo $RW --list -n 1
check_rc 0
check_out_lacks "unfinished"
run dr undo $RW
check_rc 0
dr list $RW --partition s >"$T_TMP/stored-s" 2>/dev/null
[ -s "$T_TMP/stored-s" ] &&
    fail "$(wc -l <"$T_TMP/stored-s") items left after undo: written, not journaled"
t_end "Ctrl-C stops a put whole: exit 130, $s_n written and journaled, undo takes all back"

# ---- the embedded store ------------------------------------------------------
t_begin
run dr create-table -p lk
check_rc 0
put_bg -p lk
# The embedded store logs no HTTP: wait for rows instead, then kill.
i=0
while [ $i -lt 600 ]; do
	[ "$(stat -c %s "$T_TMP/kill.db-wal" 2>/dev/null || echo 0)" \
	    -gt 2000000 ] && break
	kill -0 "$PUT_PID" 2>/dev/null || break
	sleep 0.05
	i=$((i + 1))
done
kill -9 "$PUT_PID" 2>/dev/null
wait "$PUT_PID" 2>/dev/null
KILL_RC=$?
[ "$KILL_RC" = 137 ] ||
    fail "the put to the embedded store was not killed mid-way (status $KILL_RC)"
dr list -p lk --partition k >"$T_TMP/stored" 2>"$T_TMP/list.err" ||
    fail "the store cannot be read after the kill: $(head -c 300 "$T_TMP/list.err")"
n=$(check_stored "$T_TMP/stored") || fail "an item is stored wrong"
[ "${n:-0}" -gt 0 ] || fail "nothing was stored before the kill"
[ "${n:-0}" -lt "$N" ] || fail "all $N were stored: nothing was cut short"
t_end "kill -9 during a put to the embedded store: it opens, each stored item whole ($n stored)"

t_begin
run_in "$T_TMP/big.jsonl" dr put -p lk
check_rc 0
dr list -p lk --partition k >"$T_TMP/stored"
n=$(check_stored "$T_TMP/stored" all) || fail "the second put did not converge"
[ "$n" = "$N" ] || fail "$n items after the second put"
t_end "the same put again converges on all $N items in the embedded store"

t_done
