# SPDX-License-Identifier: ISC
# The whole item in $EDITOR (tmux): plain JSON in a 0600 file, saved as a
# put guarded by the version on screen; a refused or conflicting edit
# comes back with the reason at the top, and is never lost. The editor is
# a script that does what $T_TMP/ed/action-N says on its N-th run.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/tui/lib.sh"

new_table
cat >"$T_TMP/items.jsonl" <<'JSON'
{"partition_ids":["studio-a"],"content_ids":["usa","ny","actor1"],"item":{"name":"Ann Lee","year":1999,"tags":["x","y"]}}
JSON
run_in "$T_TMP/items.jsonl" dr put $RW
[ "$RC" = 0 ] || { echo "Bail out! put failed: $(cat "$ERR")"; exit 0; }
mini_schema "$T_TMP/mini.schema.json"
tui_profile films "partitions       = studio-a" \
    "schema           = $T_TMP/mini.schema.json"
tui_profile films_raw "partitions       = studio-a"

ED=$T_TMP/ed
mkdir -p "$ED"
cat >"$T_TMP/ed.sh" <<SCRIPT
#!/bin/sh
n=\$(cat "$ED/count" 2>/dev/null || echo 0)
n=\$((n + 1))
echo \$n >"$ED/count"
cp "\$1" "$ED/seen-\$n"
stat -c %a "\$1" >"$ED/mode-\$n"
echo "\$1" >"$ED/path"
[ -f "$ED/action-\$n" ] && . "$ED/action-\$n"
exit 0
SCRIPT
chmod +x "$T_TMP/ed.sh"
TUI_ENV="VISUAL=$T_TMP/ed.sh"

# The editor's run N (the next one, or $2 runs from now) does $1 to the
# file "$1".
next_action()
{
	n=$(( $(cat "$ED/count" 2>/dev/null || echo 0) + ${2:-1} ))
	printf '%s\n' "$1" >"$ED/action-$n"
}

# The copy of the file a run saw: the last, or $1 runs before it.
seen()
{
	cat "$ED/seen-$(( $(cat "$ED/count") - ${1:-0} ))"
}

get_actor1()
{
	run dr get $RW --partition studio-a --content 'usa#ny#actor1' \
	    --output ddb
}

# ---- edit and save ----------------------------------------------------------
t_begin
tui_start -p films
wait_for "films: partitions" >/dev/null
keys Enter
wait_for "usa#ny#actor1" >/dev/null
keys Enter
screen_has "item usa#ny#actor1 (version 1)"
next_action 'sed -i "s/\"year\": 1999/\"year\": 1990/" "$1"'
keys E
screen_has "saved: version 2"
screen_has '"year": 1990,'
get_actor1
check_out_has '"year":{"N":"1990"}'
check_out_has '"name":{"S":"Ann Lee"}'
check_out_has '"tags":{"L":[{"S":"x"},{"S":"y"}]}'
check_out_has '"_object_version":{"N":"2"}'
[ "$(cat "$ED/mode-1")" = 600 ] || fail "the file's mode is $(cat "$ED/mode-1")"
seen | head -1 | grep -q '^// dynrepo: usa#ny#actor1 as plain JSON' ||
    fail "no header: $(seen | head -1)"
seen | grep -q '"name": "Ann Lee"' || fail "no plain JSON: $(seen)"
[ ! -e "$(cat "$ED/path")" ] || fail "the saved edit's file is still there"
t_end "E edits the item as plain JSON in a 0600 file; saved as a put, version 2"

t_begin
keys E
screen_has "no change: nothing saved"
get_actor1
check_out_has '"_object_version":{"N":"2"}'
t_end "quitting the editor without a change writes nothing"

# ---- refused edits come back --------------------------------------------------
t_begin
next_action 'printf "{\"name\": \n" >"$1"'
next_action ':' 2
keys E
screen_has "not saved; your edit is kept in "
seen | grep -q '^// ERROR: ' || fail "no error at the top: $(seen)"
seen | grep -q '^{"name": $' || fail "the text typed is not there: $(seen)"
kept=$(cat "$ED/path")
[ -f "$kept" ] || fail "the kept file is gone"
grep -q '{"name": ' "$kept" || fail "the kept file lost the text"
screen_wrapped_has "$kept"
get_actor1
check_out_has '"_object_version":{"N":"2"}'
t_end "bad JSON reopens the editor with the error on top; quitting keeps the file and says where"

t_begin
next_action 'sed -i "s/^{\"name\": $/{\"name\": \"Ann\", \"year\": \"soon\"}/" "$1"'
next_action 'sed -i "s/\"soon\"/1991/" "$1"' 2
keys E
screen_has "saved: version 3"
seen 1 | grep -q '{"name": $' || fail "E did not bring the kept text back"
seen | grep -q '^// ERROR: .*year' || fail "no model error on top: $(seen)"
get_actor1
check_out_has '"year":{"N":"1991"}'
check_out_has '"name":{"S":"Ann"}'
check_out_has '"tags":{"NULL":true}'
check_out_has '"_object_version":{"N":"3"}'
t_end "E reopens the kept edit; a value the model refuses brings the editor back"

# ---- a conflict -----------------------------------------------------------------
t_begin
next_action "sed -i 's/\"Ann\"/\"Mine\"/' \"\$1\"; \"$DYNREPO_BIN\" --profiles \"$T_PROFDIR\" update $RW --partition studio-a --content usa#ny#actor1 --set year=2005 >/dev/null 2>&1"
keys E
screen_has "version conflict: nothing saved; theirs is shown"
screen_has '"year": 2005,'
get_actor1
check_out_has '"name":{"S":"Ann"}'
check_out_has '"year":{"N":"2005"}'
check_out_has '"_object_version":{"N":"4"}'
next_action 'sleep 0.1; touch "$1"'
keys E
screen_has "saved: version 5"
seen | grep -q '^// ERROR: version conflict' || fail "no conflict note: $(seen)"
seen | grep -q '"Mine"' || fail "the edit was lost: $(seen)"
get_actor1
check_out_has '"name":{"S":"Mine"}'
check_out_has '"year":{"N":"1991"}'
t_end "a write in between: nothing saved, theirs shown; E keeps yours and saving replaces theirs"

t_begin
keys Q
check_exit 0
tui_start -p films_raw
wait_for "films_raw: partitions" >/dev/null
keys Enter
wait_for "usa#ny#actor1" >/dev/null
keys Enter
screen_has "item usa#ny#actor1 (version 5)"
next_action 'sed -i "s/\"year\": 1991/\"year\": \"x\"/" "$1"'
keys E
screen_has "saved: version 6"
get_actor1
check_out_has '"year":{"S":"x"}'
keys Q
check_exit 0
t_end "without a model the JSON is stored with its natural types"

t_done
