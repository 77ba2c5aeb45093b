# SPDX-License-Identifier: ISC
# Nothing lost (issue 7): an edit the browser cannot save is kept in a
# recovery file (0600 in a 0700 directory, no credential) and offered on
# the next start of the profile; :recover brings it back, o saves it (the
# file goes), r drops it. A kill -9 while the edit is on its way leaves it
# too: the file is written before the request is sent.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/tui/lib.sh"

new_table
cat >"$T_TMP/items.jsonl" <<'EOT'
{"partition_ids":["studio-a"],"content_ids":["usa","ny","actor1"],"item":{"name":"Ann Lee","year":1999}}
EOT
run_in "$T_TMP/items.jsonl" dr put $RW
[ "$RC" = 0 ] || { echo "Bail out! put failed: $(cat "$ERR")"; exit 0; }
tui_profile films "partitions       = studio-a"
RECDIR=$TUI_STATE/dynrepo/recovery/films

# The stored usa#ny#actor1 as DynamoDB JSON into $OUT.
get_actor1()
{
	run dr get $RW --partition studio-a --content 'usa#ny#actor1' \
	    --output ddb
}

# The recovery files of the profile, one a line.
rec_files()
{
	ls "$RECDIR" 2>/dev/null | grep -v '^\.'
}

# Start on the item view of usa#ny#actor1.
open_actor1()
{
	tui_open_item films 'usa#ny#actor1'
}

# ---- a version conflict, then quit -----------------------------------------
t_begin
open_actor1
run dr update $RW --partition studio-a --content 'usa#ny#actor1' \
    --set year=2005
check_rc 0
keys j e C-u
type_text "1977"
keys Enter
screen_has "VERSION CONFLICT"
tui_stop
n=$(rec_files | wc -l)
[ "$n" = 1 ] || fail "$n recovery files, expected 1"
f=$RECDIR/$(rec_files | head -n 1)
[ "$(stat -c %a "$f")" = 600 ] || fail "the file's mode is $(stat -c %a "$f")"
[ "$(stat -c %a "$RECDIR")" = 700 ] ||
    fail "the directory's mode is $(stat -c %a "$RECDIR")"
grep -q '1977' "$f" || { fail "the file lacks the edited value"; fail_file f "$f"; }
grep -q 'version conflict' "$f" || fail "the file lacks the reason"
if grep -q -e "$AWS_SECRET_ACCESS_KEY" -e "$AWS_ACCESS_KEY_ID" "$f"; then
	fail "the recovery file holds a credential"
fi
t_end "a conflict, then quit: the edit is kept (0600 in 0700, the value, no credential)"

t_begin
tui_start -p films
screen_has "1 unsaved edit from before: :recover" 10
tui_stop
# A recovery file that cannot be read is said, not passed over.
printf '{"time":"2026-11-' >"$RECDIR/0123-torn.json"
tui_start -p films
screen_joined_has "1 unsaved edit from before cannot be read, left in $RECDIR; the others: :recover" 10
tui_stop
mv "$RECDIR/0123-torn.json" "$T_TMP/"
tui_start -p films
screen_has "1 unsaved edit from before: :recover" 10
colon "recover"
screen_has "KEPT EDIT (version conflict"
screen_has "year  yours:  1977"
screen_has "year  theirs: 2005"
t_end "the next start offers it; :recover shows yours against theirs"

t_begin
keys o
screen_has "the kept edit is gone" 10
get_actor1
check_rc 0
check_out_has '"year":{"N":"1977"}'
[ -z "$(rec_files)" ] || fail "the recovery file is still there"
tui_stop
t_end "o saves it over theirs and the recovery file goes"

# ---- kill -9 while the edit is on its way ----------------------------------
# A forwarder to the test server that, once $FLAG exists, swallows what it
# is sent and never answers.
FLAG=$T_TMP/hang
FLAG=$FLAG UP=$DYNREPO_TEST_ENDPOINT node -e '
const net = require("net"), fs = require("fs");
const up = new URL(process.env.UP);
net.createServer((c) => {
	const s = net.connect(+up.port, up.hostname);
	s.on("data", (d) => c.write(d));
	c.on("data", (d) => { if (!fs.existsSync(process.env.FLAG)) s.write(d); });
	c.on("error", () => {}); s.on("error", () => {});
	c.on("close", () => s.destroy()); s.on("close", () => c.destroy());
}).listen(0, "127.0.0.1", function () { console.log(this.address().port); });
' >"$T_TMP/fwd.port" 2>/dev/null &
FWD_PID=$!
i=0
while [ ! -s "$T_TMP/fwd.port" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
FWD_PORT=$(cat "$T_TMP/fwd.port")

t_begin
tui_profile films "partitions       = studio-a" \
    "endpoint = http://127.0.0.1:$FWD_PORT"
open_actor1
touch "$FLAG"
keys j e C-u
type_text "1888"
keys Enter
screen_has "saving year"
i=0
while [ -z "$(rec_files)" ] && [ $i -lt 50 ]; do
	sleep 0.1
	i=$((i + 1))
done
sh_pid=$(pane_fmt pane_pid)
dr_pid=$(pgrep -P "$sh_pid" | head -n 1)
if [ -n "$dr_pid" ]; then
	kill -9 "$dr_pid"
else
	fail "no dynrepo process under the pane's shell $sh_pid"
fi
screen_has "[exit 137]"
f=$RECDIR/$(rec_files | head -n 1)
[ -f "$f" ] || fail "no recovery file after kill -9"
grep -q '1888' "$f" || fail "the file lacks the edited value"
grep -q 'pending' "$f" || fail "the file lacks the reason pending"
t_end "kill -9 while the edit is on its way: the recovery file is there"
kill "$FWD_PID" 2>/dev/null

t_begin
tui_profile films "partitions       = studio-a"
tui_start -p films
screen_has "1 unsaved edit from before: :recover" 10
colon "recover"
screen_has "KEPT EDIT (pending"
screen_has "year  yours:  1888"
keys r
screen_has "reloaded: version" 10
[ -z "$(rec_files)" ] || fail "r left the recovery file"
get_actor1
check_out_has '"year":{"N":"1977"}'
tui_stop
t_end "restarted on the real endpoint: the edit is offered; r drops it and its file"

t_begin
open_actor1
run dr update $RW --partition studio-a --content 'usa#ny#actor1' \
    --set year=2010
check_rc 0
keys j e C-u
type_text "1666"
keys Enter
screen_has "VERSION CONFLICT"
colon "back"
wait_gone "VERSION CONFLICT" >/dev/null
[ -n "$(rec_files)" ] || fail "leaving the item view lost the kept edit"
colon "recover drop"
screen_has "the kept edit is dropped; 0 left"
[ -z "$(rec_files)" ] || fail ":recover drop left the recovery file"
get_actor1
check_out_has '"year":{"N":"2010"}'
tui_stop
t_end "leaving the item view keeps the edit; :recover drop drops it and its file"

# ---- two edits of one item: the second never replaces the kept first -------
t_begin
open_actor1
run dr update $RW --partition studio-a --content 'usa#ny#actor1' \
    --set year=2020
check_rc 0
keys j e C-u
type_text "1444"
keys Enter
screen_has "VERSION CONFLICT"
colon "back"
wait_for "films: partitions" 10 >/dev/null
keys Enter
wait_for "usa#ny#actor1" 10 >/dev/null
keys Enter
wait_for "item usa#ny#actor1" 10 || fail "no item view"
keys j e C-u
type_text "1333"
keys Enter
screen_has "saved: version" 10
get_actor1
check_out_has '"year":{"N":"1333"}'
n=$(rec_files | wc -l)
[ "$n" = 1 ] || fail "$n recovery files, expected 1 (the first edit)"
f=$RECDIR/$(rec_files | head -n 1)
grep -q '1444' "$f" || { fail "the kept first edit is gone"; fail_file f "$f"; }
colon "recover"
screen_has "year  yours:  1444"
keys r
screen_has "reloaded: version" 10
[ -z "$(rec_files)" ] || fail "r left the recovery file"
tui_stop
t_end "a second edit of the same item, saved, leaves the kept first edit alone"

# ---- the whole item from $EDITOR, refused by a conflict ----------------------
cat >"$T_TMP/ed.sh" <<'SCRIPT'
#!/bin/sh
sed -i 's/"Ann Lee"/"Ann Zed"/; s/"year": [0-9]*/"year": 1555/' "$1"
SCRIPT
chmod +x "$T_TMP/ed.sh"
TUI_ENV="VISUAL=$T_TMP/ed.sh"

# On the item view, the year set to YEAR behind it, then E: the editor's
# save meets a version conflict.
json_conflict()
{
	open_actor1
	run dr update $RW --partition studio-a --content 'usa#ny#actor1' \
	    --set year="$1"
	check_rc 0
	keys E
	screen_has "version conflict: nothing saved" 10
}

t_begin
json_conflict 2011
tui_stop
f=$RECDIR/$(rec_files | head -n 1)
grep -q 'Ann Zed' "$f" && grep -q '1555' "$f" ||
    { fail "the file lacks the edited item"; fail_file f "$f"; }
tui_start -p films
screen_has "1 unsaved edit from before: :recover" 10
colon "recover"
screen_has "yours:  the whole item as you edited it"
keys o
screen_has "the kept edit is gone" 10
get_actor1
check_out_has '"name":{"S":"Ann Zed"}'
check_out_has '"year":{"N":"1555"}'
[ -z "$(rec_files)" ] || fail "the recovery file is still there"
tui_stop
t_end "a whole-item edit refused by a conflict is kept; :recover and o save it"

# A whole-item edit refused, a field's prompt opened and cancelled, then E
# again and saved: the retry goes in the refused edit's file, which the
# save ends (a field edit between does not make it forget the file).
cat >"$T_TMP/ed2.sh" <<'SCRIPT'
#!/bin/sh
sed -i 's/"name": "[^"]*"/"name": "Ann Kim"/' "$1"
SCRIPT
chmod +x "$T_TMP/ed2.sh"
TUI_ENV="VISUAL=$T_TMP/ed2.sh"
t_begin
json_conflict 2015
[ "$(rec_files | wc -l)" = 1 ] || fail "$(rec_files | wc -l) files kept"
colon "edit name"
screen_has "name = "
keys C-g
keys E
screen_has "saved: version" 10
[ -z "$(rec_files)" ] || fail "a recovery file is still there: $(rec_files)"
tui_stop
t_end "a whole-item edit retried after a field's prompt ends its own recovery file"

# ---- a kept edit typed again, then a second conflict -----------------------
TUI_ENV=

# On the item view (of ID, default usa#ny#actor1), the year set to THEIRS
# behind it, then OURS typed: a version conflict on the screen.
year_conflict()
{
	tui_open_item films "${3:-usa#ny#actor1}"
	run dr update $RW --partition studio-a --content "${3:-usa#ny#actor1}" \
	    --set year="$1"
	check_rc 0
	colon "edit year"
	keys C-u
	type_text "$2"
	keys Enter
	screen_has "VERSION CONFLICT"
}

t_begin
year_conflict 2012 1444
tui_stop
tui_start -p films
screen_has "1 unsaved edit from before: :recover" 10
colon "recover"
screen_has "year  yours:  1444"
# Typed again (1222), while someone else renames the item: a conflict
# again, and o must save what was typed last, over the rename's version,
# not the kept edit's whole item from before the rename.
keys e C-u
type_text "1222"
run dr update $RW --partition studio-a --content 'usa#ny#actor1' \
    --set 'name="Ann Roe"'
check_rc 0
keys Enter
screen_has "year  yours:  1222" 10
keys o
screen_has "saved: version" 10
get_actor1
check_out_has '"year":{"N":"1222"}'
check_out_has '"name":{"S":"Ann Roe"}'
[ -z "$(rec_files)" ] || fail "a recovery file is still there: $(rec_files)"
tui_stop
t_end "a kept edit typed again and refused again: o saves what was typed last"

t_begin
year_conflict 2013 1111
# Another field's prompt, left with C-g, then o: the first edit was
# dropped when the prompt opened; nothing is overwritten, nothing dies.
colon "incr name"
screen_has "name += 1"
keys C-g
keys o
screen_has "no conflict to overwrite" 5
screen_lacks "[exit"
get_actor1
check_out_has '"year":{"N":"2013"}'
tui_stop
rm -f "$RECDIR"/*
t_end "a conflict, another field's prompt cancelled, then o: no crash, nothing written"

# ---- a kept edit of an item that expires -----------------------------------
printf '%s\n' '{"partition_ids":["studio-a"],"content_ids":["usa","ny","actor0"],"item":{"name":"Bo","year":1990},"expiry":"2030-01-02T03:04:05Z"}' \
    >"$T_TMP/a0.jsonl"
run_in "$T_TMP/a0.jsonl" dr put $RW
check_rc 0
t_begin
year_conflict 2014 1333 'usa#ny#actor0'
tui_stop
tui_start -p films
screen_has "1 unsaved edit from before: :recover" 10
colon "recover"
screen_has "year  yours:  1333"
keys o
screen_has "the kept edit is gone" 10
run dr get $RW --partition studio-a --content 'usa#ny#actor0' --output ddb
check_rc 0
check_out_has '"year":{"N":"1333"}'
check_out_has '"_ttl":{"N":"1893553445"}'
tui_stop
t_end "a kept edit saved by o keeps the item's expiry"

t_done
