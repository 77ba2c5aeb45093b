# SPDX-License-Identifier: ISC
# :undo in the browser: the journal's before-image of the last write comes
# back (checked with the CLI), the items reload; a change made by someone
# else in between is never overwritten; read-only profiles refuse it.
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

t_begin
tui_start -p films
wait_for "films: partitions" 10 >/dev/null
keys Enter
wait_for "usa#ny#actor1" 10 >/dev/null
keys Enter
wait_for "item usa#ny#actor1" 10 >/dev/null
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

t_begin
tui_start -p films_ro
wait_for "films_ro: partitions" 10 >/dev/null
type_text ":undo"
keys Enter
wait_for "read-only" 10 || fail "a read-only profile did not refuse :undo"
tui_stop
t_end ":undo on a read-only profile is refused"

t_done
