# SPDX-License-Identifier: ISC
# The embedded store through the CLI: the demo, check and partitions,
# export and import between the embedded store and a server, write-once
# (--changed-only) counts, and bad input that writes nothing.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

XDG_DATA_HOME=$T_TMP/data
export XDG_DATA_HOME
SHIPPED="$DYNREPO_SRCDIR/profiles"
DB=$XDG_DATA_HOME/dynrepo/demo.db

# A profile on a local file of its own, same repository as "rw".
cat >"$T_PROFDIR/local.ini" <<EOF
[repository loc]
table            = local-table
endpoint         = local:$T_TMP/local.db
partition_prefix = content
partition_name   = film_actor
content_type     = film_actor

[repository locro]
table            = local-table
endpoint         = local:$T_TMP/local.db
partition_prefix = content
partition_name   = film_actor
content_type     = film_actor
read_only        = true
EOF

# Content lines: $1 items in partition p, field n = index (+ $2).
contents()
{
	node -e 'const [n, add] = process.argv.slice(1).map(Number);
	for (let i = 0; i < n; i++)
		console.log(JSON.stringify({ partition_ids: ["p"],
		    content_ids: ["c" + String(i).padStart(3, "0")],
		    item: { name: "n" + i, n: i + add } }));' "$1" "${2:-0}"
}

t_begin
run "$DYNREPO_BIN" --demo
check_rc 0
check_out_has "1500 film actors, 800 characters, 1800 events"
[ "$(stat -c %a "$DB" 2>/dev/null)" = 600 ] || fail "demo.db mode is not 0600"
[ "$(stat -c %a "$XDG_DATA_HOME/dynrepo" 2>/dev/null)" = 700 ] ||
    fail "the demo directory is not 0700"
t_end "--demo creates the demo database (0600 in a 0700 directory)"

t_begin
run "$DYNREPO_BIN" --profiles "$SHIPPED" profiles
check_rc 0
check_out_has demo-film-actors
check_out_has demo-characters
check_out_has demo-events
t_end "the shipped profiles include the demo's"

t_begin
run "$DYNREPO_BIN" --profiles "$SHIPPED" update -p demo-characters \
    --partition night-train --content lead#char0071 --set name=Edited
check_rc 0
run "$DYNREPO_BIN" --demo
check_rc 0
check_out_has "is there already"
run "$DYNREPO_BIN" --profiles "$SHIPPED" get -p demo-characters \
    --partition night-train --content lead#char0071
check_out_has '"name":"Edited"'
check_out_has '"current_version":2'
t_end "running --demo again keeps a person's edits"

t_begin
run "$DYNREPO_BIN" --demo --reset
check_rc 0
check_out_has "created"
run "$DYNREPO_BIN" --profiles "$SHIPPED" get -p demo-characters \
    --partition night-train --content lead#char0071
check_out_lacks '"name":"Edited"'
check_out_has '"current_version":1'
t_end "--demo --reset starts over"

t_begin
run "$DYNREPO_BIN" --profiles "$SHIPPED" partitions -p demo-characters
check_rc 0
check_out_has "8 partitions, 800 items"
t_end "partitions counts the demo's characters"

t_begin
run "$DYNREPO_BIN" --profiles "$SHIPPED" check -p demo-events \
    --all-partitions
check_rc 0
check_out_has "checked 1800 items"
check_out_has "0 with violations"
t_end "check passes the demo's event log by its model"

t_begin
run "$DYNREPO_BIN" --profiles "$SHIPPED" between -p demo-events \
    --partition billing --start 2026-10-02 --end 2026-10-03 --output jsonl
check_rc 0
check_js 'const l = h.jsonl(process.argv[1]);
if (l.length < 5) { console.log("only " + l.length); process.exit(1); }
for (const x of l)
	if (x.content_ids[0] < "2026-10-02" || x.content_ids[0] > "2026-10-03")
		{ console.log(x.content_ids[0]); process.exit(1); }' "$OUT"
t_end "between walks the event log by timestamp ids"

# ---- export and import ------------------------------------------------
t_begin
run "$DYNREPO_BIN" --profiles "$SHIPPED" export -p demo-film-actors \
    --partition studio-a -o "$T_TMP/a.jsonl"
check_rc 0
n_a=$(wc -l <"$T_TMP/a.jsonl")
[ "$n_a" -gt 100 ] || fail "only $n_a lines exported"
grep -qv '^{"Item":{' "$T_TMP/a.jsonl" && fail "a line is not {\"Item\": ...}"
[ "$(stat -c %a "$T_TMP/a.jsonl")" = 600 ] || fail "the export is not 0600"
t_end "export writes {\"Item\": ...} lines, 0600"

new_table
t_begin
gzip -c "$T_TMP/a.jsonl" >"$T_TMP/a.jsonl.gz"
run dr import $RW "$T_TMP/a.jsonl.gz"
check_rc 0
check_err_has "$n_a items written"
run dr list $RW --partition studio-a --output ddb
check_lines "$n_a"
check_js 'const a = h.jsonl(process.argv[1]).map((l) => h.canon(l.Item)).sort();
const b = h.jsonl(process.argv[2]).map((l) => h.canon(l)).sort();
if (a.join("\n") !== b.join("\n")) { console.log("items differ"); process.exit(1); }' \
    "$T_TMP/a.jsonl" "$OUT"
t_end "a gzip export imports into a server table, every attribute kept"

t_begin
run dr import $RW --changed-only "$T_TMP/a.jsonl"
check_rc 0
check_err_has "0 items written, $n_a unchanged"
t_end "import --changed-only writes nothing when nothing changed"

t_begin
run dr export $RW -o "$T_TMP/b.jsonl"
check_rc 0
run dr create-table -p loc
check_rc 0
run dr import -p loc "$T_TMP/b.jsonl"
check_rc 0
run dr list -p loc --partition studio-a --output ddb
check_lines "$n_a"
t_end "and back from the server into the embedded store (a whole-repository export)"

# export -o over a file writes beside it and replaces it only when the
# export is whole: through a symbolic link the file it names is replaced,
# not the link; a failed export (its size limited, as a full disk would)
# leaves the old file as it was, and nothing behind.
t_begin
mkdir "$T_TMP/exp"
echo old >"$T_TMP/exp/b.jsonl"
chmod 644 "$T_TMP/exp/b.jsonl"
ln -s b.jsonl "$T_TMP/exp/link"
run dr export $RW -o "$T_TMP/exp/link"
check_rc 0
[ -L "$T_TMP/exp/link" ] || fail "the link was replaced"
cmp -s "$T_TMP/exp/b.jsonl" "$T_TMP/b.jsonl" || fail "the export differs"
[ "$(stat -c %a "$T_TMP/exp/b.jsonl")" = 600 ] || fail "the export is not 0600"
[ "$(ls "$T_TMP/exp" | wc -l)" = 2 ] || fail "left behind: $(ls "$T_TMP/exp")"
echo old >"$T_TMP/exp/b.jsonl"
run sh -c '(trap "" XFSZ; ulimit -f 8 &&
    exec "$1" --profiles "$2" export $3 -o "$4")' sh "$DYNREPO_BIN" \
    "$T_PROFDIR" "$RW" "$T_TMP/exp/b.jsonl"
check_rc 1
check_err_has "writing the export failed (disk full?); $T_TMP/exp/b.jsonl is as it was"
grep -q 'export: [0-9]* items' "$ERR" && fail "a failed export counted items"
[ "$(cat "$T_TMP/exp/b.jsonl")" = old ] || fail "the old file was changed"
[ "$(ls "$T_TMP/exp" | wc -l)" = 2 ] || fail "left behind: $(ls "$T_TMP/exp")"
t_end "export -o over a file replaces it only when the export is whole"

t_begin
head -2 "$T_TMP/a.jsonl" >"$T_TMP/bad.jsonl"
echo '{"Item":{"_table_item_id":{"S":"x"},"_table_content_id":{"N":"1"}}}' >>"$T_TMP/bad.jsonl"
sed -n 3,5p "$T_TMP/a.jsonl" >>"$T_TMP/bad.jsonl"
run dr create-table -p loc --table fresh
run dr import -p loc --table fresh "$T_TMP/bad.jsonl"
check_rc 2
check_err_has "line 3"
check_err_has "nothing was written"
run dr export -p loc --table fresh
check_lines 0
t_end "a bad line anywhere: exit 2, the line named, nothing written"

t_begin
printf '{"Item":{"_table_item_id":{"S":"a"},"_table_content_id":{"S":"b"},"x":{"SS":[]}}}\n' >"$T_TMP/bad2.jsonl"
run dr import -p loc --table fresh "$T_TMP/bad2.jsonl"
check_rc 2
printf '{"Item":{"_table_item_id":{"S":"a"},"_table_content_id":{"S":"b"},"x":{"S":"%s"}}}\n' \
    "$(head -c 410000 /dev/zero | tr '\0' x)" >"$T_TMP/big.jsonl"
run dr import -p loc --table fresh "$T_TMP/big.jsonl"
check_rc 2
check_err_has "400 KB"
t_end "an empty set and a 401 KB item are refused before any write"

# A FIFO (as <(...) gives) cannot be read twice: it is spooled, and every
# line written.
t_begin
run dr create-table -p loc --table fifo
check_rc 0
mkfifo "$T_TMP/fifo"
cat "$T_TMP/a.jsonl" >"$T_TMP/fifo" &
run dr import -p loc --table fifo "$T_TMP/fifo"
wait
check_rc 0
run dr export -p loc --table fifo
check_lines "$(wc -l <"$T_TMP/a.jsonl")"
t_end "import of a FIFO spools it: every line written"

# A second pass that cannot read its input again, or reads less of it,
# fails the run and says how far it got, instead of taking the end of
# what it read for the end of the input. strace injects the failure into
# the first read of the second pass (the checks above count the reads).
head -5 "$T_TMP/a.jsonl" >"$T_TMP/five.jsonl"
node -e '
for (let i = 0; i < 5; i++)
	console.log(JSON.stringify({ partition_ids: ["inj"],
	    content_ids: ["c" + i], item: { i: i } }));' >"$T_TMP/fiveput.jsonl"
# Run the rest of the line with the Nth read of file $1 made to fail as $2
# says (error=EIO, or retval=0: the end of the file).
# LeakSanitizer cannot run under ptrace: an ASan build leaves it out there.
strace_env="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
inject_read()
{
	inject_read_file=$1 inject_read_how=$2 inject_read_n=$3
	shift 3
	run env "$strace_env" strace -o /dev/null -P "$inject_read_file" \
	    -e trace=read \
	    -e inject=read:"$inject_read_how":when="$inject_read_n" "$@"
}
dr create-table -p loc --table inj >/dev/null 2>&1
dr create-table -p loc --table injput >/dev/null 2>&1
if strace -o /dev/null true 2>/dev/null; then
	t_begin
	run env "$strace_env" strace -o "$T_TMP/reads" -P "$T_TMP/five.jsonl" \
	    -e trace=read \
	    "$DYNREPO_BIN" --profiles "$T_PROFDIR" import -p loc --table fresh \
	    "$T_TMP/five.jsonl"
	check_rc 0
	[ "$(grep -c '^read(' "$T_TMP/reads")" = 6 ] ||
	    fail "import read its file $(grep -c '^read(' "$T_TMP/reads") times, not 3 a pass"
	inject_read "$T_TMP/five.jsonl" error=EIO 4 "$DYNREPO_BIN" \
	    --profiles "$T_PROFDIR" import -p loc --table inj "$T_TMP/five.jsonl"
	check_rc 1
	check_err_has "the input cannot be read again after 0 of the 5 items checked"
	inject_read "$T_TMP/five.jsonl" retval=0 4 "$DYNREPO_BIN" \
	    --profiles "$T_PROFDIR" import -p loc --table inj "$T_TMP/five.jsonl"
	check_rc 1
	check_err_has "the input shrank between the check and the write: 0 of the 5 items checked"
	run dr export -p loc --table inj
	check_lines 0
	t_end "import: a read error or a shorter input in the second pass fails it"

	t_begin
	run_in "$T_TMP/fiveput.jsonl" env "$strace_env" strace -o "$T_TMP/reads" \
	    -P "$T_TMP/fiveput.jsonl" -e trace=read env DYNREPO_PUT_MEMORY=0 \
	    DYNREPO_PUT_SPILL=0 "$DYNREPO_BIN" --profiles "$T_PROFDIR" put \
	    -p loc --table fresh
	check_rc 0
	[ "$(grep -c '^read(' "$T_TMP/reads")" = 4 ] ||
	    fail "put read stdin $(grep -c '^read(' "$T_TMP/reads") times, not 2 a pass"
	inject_put()
	{
		run_in "$T_TMP/fiveput.jsonl" env "$strace_env" strace -o /dev/null \
		    -P "$T_TMP/fiveput.jsonl" -e trace=read \
		    -e inject=read:"$1":when=3 env DYNREPO_PUT_MEMORY=0 \
		    DYNREPO_PUT_SPILL=0 "$DYNREPO_BIN" --profiles "$T_PROFDIR" \
		    put -p loc --table injput
	}
	inject_put error=EIO
	check_rc 1
	check_err_has "stdin cannot be read again after 0 of the 5 lines checked"
	inject_put retval=0
	check_rc 1
	check_err_has "stdin shrank between the check and the write: 0 of the 5 lines checked"
	run dr list -p loc --table injput --partition inj
	check_lines 0
	t_end "put: a read error or a shorter stdin in the second pass fails it"
else
	t_skip "import: a read error or a shorter input in the second pass fails it" "strace cannot trace here"
	t_skip "put: a read error or a shorter stdin in the second pass fails it" "strace cannot trace here"
fi

# A gzip file cut short (here its 8-byte trailer, every line whole) is
# refused, not imported as a shorter export.
t_begin
gzip -c "$T_TMP/a.jsonl" | head -c -8 >"$T_TMP/cut.jsonl.gz"
run dr import -p loc --table inj "$T_TMP/cut.jsonl.gz"
check_rc 2
check_err_has "the input cannot be read (a damaged gzip file?); nothing was written"
run dr export -p loc --table inj
check_lines 0
t_end "import of a gzip file cut short writes nothing"

# Plain lines after a gzip member (cat a.gz b.jsonl) are refused, from a
# file and from a pipe, not dropped as zlib would; two members are one
# export.
t_begin
head -n 3 "$T_TMP/a.jsonl" >"$T_TMP/b.jsonl"
cat "$T_TMP/a.jsonl.gz" "$T_TMP/b.jsonl" >"$T_TMP/mixed.gz"
tail_bytes=$(wc -c <"$T_TMP/b.jsonl")
run dr import -p loc --table inj "$T_TMP/mixed.gz"
check_rc 2
check_err_has "$T_TMP/mixed.gz: $tail_bytes bytes after the end of its gzip data that are not gzip"
check_err_has "nothing was written"
run sh -c 'cat "$1" | "$2" --profiles "$3" import -p loc --table inj -' sh \
    "$T_TMP/mixed.gz" "$DYNREPO_BIN" "$T_PROFDIR"
check_rc 2
check_err_has "stdin: $tail_bytes bytes after the end of its gzip data"
# One stray byte, the first of gzip's magic, and zero padding.
{ cat "$T_TMP/a.jsonl.gz"; printf '\037'; } >"$T_TMP/stray.gz"
run dr import -p loc --table inj "$T_TMP/stray.gz"
check_rc 2
check_err_has "1 byte after the end of its gzip data"
{ cat "$T_TMP/a.jsonl.gz"; head -c 512 /dev/zero; } >"$T_TMP/zeros.gz"
run dr import -p loc --table inj "$T_TMP/zeros.gz"
check_rc 2
check_err_has "512 bytes after the end of its gzip data"
run dr export -p loc --table inj
check_lines 0
gzip -c "$T_TMP/b.jsonl" >"$T_TMP/b.jsonl.gz"
cat "$T_TMP/a.jsonl.gz" "$T_TMP/b.jsonl.gz" >"$T_TMP/two.gz"
run sh -c 'cat "$1" | "$2" --profiles "$3" import -p loc --table inj -' sh \
    "$T_TMP/two.gz" "$DYNREPO_BIN" "$T_PROFDIR"
check_rc 0
check_err_has "$((n_a + 3)) items written"
t_end "import: plain text after a gzip member is refused; two members are read whole"

t_begin
run dr import -p locro "$T_TMP/a.jsonl"
check_rc 2
check_err_has "read-only"
t_end "a read-only profile refuses import"

# ---- put --changed-only -------------------------------------------------
t_begin
contents 10 >"$T_TMP/c.jsonl"
run_in "$T_TMP/c.jsonl" dr put -p loc --changed-only
check_rc 0
check_err_has "10 items written, 0 unchanged"
run_in "$T_TMP/c.jsonl" dr put -p loc --changed-only
check_err_has "0 items written, 10 unchanged"
{ contents 9; contents 10 100 | tail -1; } >"$T_TMP/c2.jsonl"
run_in "$T_TMP/c2.jsonl" dr put -p loc --changed-only
check_err_has "1 item written, 9 unchanged"
t_end "put --changed-only writes only new or changed contents"

t_begin
run dr get -p loc --partition p --content c009
check_out_has '"n":109'
t_end "the changed content is the one written"

# A key given twice: the last line decides, as writing the lines in order
# would; here it is what is stored, so nothing is written.
t_begin
{ contents 10 555 | tail -1; contents 10 100 | tail -1; } >"$T_TMP/c3.jsonl"
run_in "$T_TMP/c3.jsonl" dr put -p loc --changed-only
check_rc 0
check_err_has "0 items written, 2 unchanged"
run dr get -p loc --partition p --content c009
check_out_has '"n":109'
t_end "put --changed-only with a key given twice: the last line decides"

# stdin a regular file that a caller has read part of: put reads it twice
# (check, then write) from where it was handed over, never from byte 0,
# also past the contents its check pass keeps (12,000 lines: > 4 MB).
t_begin
node -e 'for (let i = 0; i < 100; i++)
	console.log(JSON.stringify({ partition_ids: ["pre"],
	    content_ids: ["c" + i], item: { name: "pre", n: i } }));
const pad = "y".repeat(300);
for (let i = 0; i < 12000; i++)
	console.log(JSON.stringify({ partition_ids: ["mid"],
	    content_ids: ["c" + String(i).padStart(5, "0")],
	    item: { name: "n" + i, n: i, pad: pad } }));' >"$T_TMP/off.jsonl"
{
	i=0
	while [ $i -lt 100 ]; do read -r _; i=$((i + 1)); done
	dr --no-journal put -p loc >"$OUT" 2>"$ERR"
	echo $? >"$T_TMP/rc"
} <"$T_TMP/off.jsonl"
RC=$(cat "$T_TMP/rc")
check_rc 0
check_err_has "12000 items written"
run dr list -p loc --partition pre
check_rc 0
[ -s "$OUT" ] && fail_file "the lines before stdin's start were written" "$OUT"
run dr list -p loc --partition mid --output jsonl
n=$(grep -c . "$OUT")
[ "$n" = 12000 ] || fail "$n items in partition mid, expected 12000"
t_end "put reads stdin again from where it started, not from byte 0"

# put -p loc --partition $1 from a FIFO, started by $2... (a command
# and its arguments before dynrepo's, or nothing) in the background: two
# lines, then SIGINT (or $INT_SIG) while it waits for more, then a third
# line and the end. The exit status in rc, stderr in int.err.
put_sigint()
{
	int_wait=0.5
	[ -n "${VG_SUITE:-}" ] && int_wait=4
	int_part=$1
	shift
	rm -f "$T_TMP/in.fifo"
	mkfifo "$T_TMP/in.fifo"
	"$@" "$DYNREPO_BIN" --profiles "$T_PROFDIR" put -p loc \
	    <"$T_TMP/in.fifo" >"$T_TMP/int.out" 2>"$T_TMP/int.err" &
	int_pid=$!
	exec 7>"$T_TMP/in.fifo"
	contents 2 | sed "s/\"p\"/\"$int_part\"/" >&7
	# Started and waiting for more (under valgrind, seconds to start).
	sleep "$int_wait"
	kill -"${INT_SIG:-INT}" $int_pid
	sleep "$int_wait"
	contents 3 | tail -n 1 | sed "s/\"p\"/\"$int_part\"/" >&7
	exec 7>&-
	wait $int_pid
	rc=$?
}

# Ctrl-C while put checks its stream: nothing is written, and the process
# dies of the signal. A SIGINT ignored from the start (a background job of
# a script, nohup) stays ignored.
t_begin
put_sigint int env --default-signal=INT
[ "$rc" = 130 ] || fail "exit status $rc after SIGINT, not 130"
grep -q "interrupted.*before the first write: nothing was written" \
    "$T_TMP/int.err" || fail_file "stderr" "$T_TMP/int.err"
grep -q "stopping: the requests sent are answered and journaled" \
    "$T_TMP/int.err" || fail_file "stderr" "$T_TMP/int.err"
run dr list -p loc --partition int
check_rc 0
check_lines 0
put_sigint ign
[ "$rc" = 0 ] || fail "exit status $rc: an ignored SIGINT stopped the put"
grep -q "3 items written" "$T_TMP/int.err" || fail_file "stderr" "$T_TMP/int.err"
# SIGTERM (a supervisor's stop) the same way: status 143.
INT_SIG=TERM put_sigint term
[ "$rc" = 143 ] || fail "exit status $rc after SIGTERM, not 143"
grep -q "interrupted.*before the first write: nothing was written" \
    "$T_TMP/int.err" || fail_file "stderr" "$T_TMP/int.err"
run dr list -p loc --partition term
check_lines 0
t_end "put interrupted (SIGINT, SIGTERM) while it checks its stream writes nothing; an ignored SIGINT stays ignored"

# Once the process PID has had time to start (seconds under valgrind),
# SIGINT it and give it 10 s to end: 1 when it is still running then.
int_and_wait()
{
	sleep 1
	[ -n "${VG_SUITE:-}" ] && sleep 3
	kill -INT "$1"
	int_wait_i=0
	while kill -0 "$1" 2>/dev/null && [ $int_wait_i -lt 100 ]; do
		sleep 0.1
		int_wait_i=$((int_wait_i + 1))
	done
	! kill -0 "$1" 2>/dev/null
}

# import of a FIFO nobody has opened to write: its open waits, and a
# Ctrl-C ends it with the usual words, not "Interrupted system call".
t_begin
rm -f "$T_TMP/imp.fifo"
mkfifo "$T_TMP/imp.fifo"
env --default-signal=INT "$DYNREPO_BIN" --profiles "$T_PROFDIR" \
    import -p loc "$T_TMP/imp.fifo" >"$T_TMP/imp.out" 2>"$T_TMP/imp.err" &
imp_pid=$!
if ! int_and_wait $imp_pid; then
	fail "still waiting 10 s after SIGINT"
	# a writer releases the open; then nothing to read
	exec 9>"$T_TMP/imp.fifo"
	exec 9>&-
fi
wait $imp_pid
rc=$?
[ "$rc" = 130 ] || fail "exit status $rc after SIGINT, not 130"
grep -q "import: interrupted while opening its file, before the first write: nothing was written" \
    "$T_TMP/imp.err" || fail_file "stderr" "$T_TMP/imp.err"
t_end "import of a FIFO without a writer: Ctrl-C ends the wait, nothing written"

# undo --list (and --dry-run) only read: a Ctrl-C ends it at once, as it
# ends list, even while stdout waits on a full pipe (caught without
# SA_RESTART, it failed that write: "cannot write standard output"). A
# journal of 3,000 writes (one put's lines, each under an id of its own)
# lists in ~300 kB. Not under valgrind: a process a signal ends by its
# default action frees nothing, and its leaks would be reported.
t_begin
if [ -n "${VG_SUITE:-}" ]; then
	t_end "undo --list: Ctrl-C on a full pipe # SKIP under valgrind"
else
	(
		XDG_STATE_HOME=$T_TMP/st-list
		export XDG_STATE_HOME
		contents 1 | sed 's/"p"/"lst"/' |
		    "$DYNREPO_BIN" --profiles "$T_PROFDIR" put -p loc 2>/dev/null
	)
	J=$T_TMP/st-list/dynrepo/journal.jsonl
	[ "$(wc -l <"$J")" = 2 ] || fail_file "the journal of one put" "$J"
	awk 'NR <= 2 { l[NR] = $0 }
	    END { for (k = 1; k <= 3000; k++) for (i = 1; i <= 2; i++) {
		s = l[i]
		if (match(s, /"id":"[^"]*/))
			s = substr(s, 1, RSTART + RLENGTH - 1) "-" k \
			    substr(s, RSTART + RLENGTH)
		print s } }' "$J" >"$J.new" && mv "$J.new" "$J"
	rm -f "$T_TMP/out.fifo"
	mkfifo "$T_TMP/out.fifo"
	# The test holds the pipe open and reads nothing of it.
	exec 8<>"$T_TMP/out.fifo"
	XDG_STATE_HOME=$T_TMP/st-list env --default-signal=INT "$DYNREPO_BIN" \
	    --profiles "$T_PROFDIR" undo -p loc --list -n 3000 \
	    >"$T_TMP/out.fifo" 2>"$T_TMP/list.err" &
	list_pid=$!
	# Caught, the signal would leave it blocked on the pipe for good.
	int_and_wait $list_pid ||
	    { fail "still running 10 s after SIGINT"; kill -KILL $list_pid; }
	wait $list_pid
	rc=$?
	exec 8<&-
	[ "$rc" = 130 ] || fail "exit status $rc after SIGINT, not 130"
	grep -q "stopping\|standard output" "$T_TMP/list.err" &&
	    fail_file "stderr" "$T_TMP/list.err"
	XDG_STATE_HOME=$T_TMP/st-list run dr undo -p loc --list -n 3000
	check_rc 0
	check_lines 3000
	[ "$(wc -c <"$OUT")" -gt 131072 ] || fail "the list is too short to fill a pipe"
	t_end "undo --list: Ctrl-C on a full pipe ends it at once"
fi

t_done
