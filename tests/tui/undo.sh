# SPDX-License-Identifier: ISC
# :undo in the browser: the journal's before-image of the last write comes
# back (checked with the CLI), the items reload; a change made by someone
# else in between is never overwritten; a write the journal holds part of
# is undone only with --partial; read-only profiles refuse it.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/tui/lib.sh"

new_table
cat >"$T_TMP/items.jsonl" <<'EOT'
{"partition_ids":["studio-a"],"content_ids":["usa","ny","actor1"],"item":{"name":"Ann Lee","year":1999}}
{"partition_ids":["studio-a"],"content_ids":["usa","ny","actor2"],"item":{"name":"Bob","year":2001}}
EOT
run_in "$T_TMP/items.jsonl" dr put $RW
[ "$RC" = 0 ] || { echo "Bail out! put failed: $(cat "$ERR")"; exit 0; }
tui_profile films "partitions       = studio-a"
tui_profile films_ro "partitions       = studio-a" "read_only        = true"

# The stored usa#ny#actor1 as DynamoDB JSON into $OUT.
get_actor1()
{
	run dr get $RW --partition studio-a --content 'usa#ny#actor1' \
	    --output ddb
}

# Edit year of usa#ny#actor1 to $1 in the item view.
edit_year()
{
	keys g j e C-u
	type_text "$1"
	keys Enter
	wait_for "saved: version" 10 || fail "the edit to $1 was not saved"
}

# Start on the item view of usa#ny#actor1.
open_actor1()
{
	tui_open_item films 'usa#ny#actor1'
}

t_begin
open_actor1
edit_year 1998
type_text ":undo"
keys Enter
wait_for "put back" 15 || fail "no report of the undo"
get_actor1
check_rc 0
check_out_has '"year":{"N":"1999"}'
check_out_has '"_object_version":{"N":"1"}'
wait_for '"year": 1999' 10 || fail "the item view did not reload"
t_end ":undo restores the before-image of the last edit (version 1 again) and reloads"

t_begin
edit_year 1997
# Someone else changes it in between: the undo must not overwrite that.
run dr update $RW --partition studio-a --content 'usa#ny#actor1' \
    --set name=Changed
check_rc 0
type_text ":undo"
keys Enter
wait_for "undo:" 15 || fail "no message after a refused undo"
screen_has "conflict"
get_actor1
check_out_has '"name":{"S":"Changed"}'
check_out_has '"year":{"N":"1997"}'
tui_stop
t_end ":undo after a change by someone else: refused with the conflict, nothing overwritten"

# The last edit's end line lost (as when its program is killed): :undo
# refuses the write, :undo --partial restores what the journal holds.
t_begin
open_actor1
edit_year 1996
J=$TUI_STATE/dynrepo/journal.jsonl
tail -n 1 "$J" | grep -q '"end":1}$' || fail "the edit did not end with its end line"
sed -i '$d' "$J"
type_text ":undo"
keys Enter
wait_for "undo:" 15 || fail "no message after :undo of an unfinished write"
# The whole error, over more than one row: the advice at its end too.
screen_joined_has "undo --partial restores the item"
# The status line stays, above it; after the next key the error is on the
# bottom line alone, cut to its width.
screen_has "e edit, + incr"
keys k
sleep 0.5
joined_wait_for "undo --partial restores" 0 &&
    fail "the long error stayed whole after a key"
screen_has "undo: the journal holds only part"
screen_has "e edit, + incr"
get_actor1
check_out_has '"year":{"N":"1996"}'
type_text ":undo --partial"
keys Enter
wait_for "put back" 15 || fail "no report of :undo --partial"
get_actor1
check_out_has '"year":{"N":"1997"}'
check_out_has '"name":{"S":"Changed"}'
tui_stop
t_end ":undo refuses a write without its end line; :undo --partial restores it"

t_begin
tui_start -p films_ro
wait_for "films_ro: partitions" 10 >/dev/null
type_text ":undo"
keys Enter
wait_for "read-only" 10 || fail "a read-only profile did not refuse :undo"
tui_stop
t_end ":undo on a read-only profile is refused"

t_done
