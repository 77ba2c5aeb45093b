# SPDX-License-Identifier: ISC
# Marks and bulk edits in the browser (tmux): rows marked one by one, by
# screen or by a condition; set, incr, append and delete over the marked
# rows after a confirmation with the count, each row guarded by its own
# version; the report of written / conflicted / failed, the conflicted
# rows left marked. Checked with the CLI.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/tui/lib.sh"

new_table
: >"$T_TMP/items.jsonl"
for i in 1 2 3 4 5; do
	y=1999
	[ $i -gt 2 ] && y=2001
	echo "{\"partition_ids\":[\"s\"],\"content_ids\":[\"a$i\"],\"item\":{\"name\":\"N$i\",\"year\":$y,\"tags\":[]}}" >>"$T_TMP/items.jsonl"
done
run_in "$T_TMP/items.jsonl" dr put $RW
[ "$RC" = 0 ] || { echo "Bail out! put failed: $(cat "$ERR")"; exit 0; }
tui_profile films "partitions       = s"
tui_profile films_ro "partitions       = s" "read_only        = true"

# The stored item $1 as DynamoDB JSON into $OUT.
get_item()
{
	run dr get $RW --partition s --content "$1" --output ddb
}

t_begin
tui_start -p films
wait_for "films: partitions" >/dev/null
keys Enter
screen_has "1/5 items"
keys Space
screen_has "1 marked"
keys Space
screen_has "2 marked"
row_has 2 "*"
row_has 3 "*"
snap
sed -n 5p "$TUI_SCREEN" | grep -q '^\*' && fail "a row not marked shows a mark"
keys k Space k
screen_has "1 marked"
keys Space
screen_has "2 marked"
t_end "Space marks the row and moves on; again unmarks it"

t_begin
colon 'set name=Same'
screen_has "set name on 2 marked items? type yes:"
type_text "no"
keys Enter
screen_has "nothing was written"
get_item a1
check_out_has '"name":{"S":"N1"}'
colon 'set name=Same'
screen_has "set name on 2 marked items? type yes:"
type_text "yes"
keys Enter
screen_has "set name: 2 written, 0 conflicted, 0 failed"
screen_lacks "| 2 marked"
for i in 1 2; do
	get_item a$i
	check_out_has '"name":{"S":"Same"}'
	check_out_has '"_object_version":{"N":"2"}'
done
get_item a3
check_out_has '"name":{"S":"N3"}'
check_out_has '"_object_version":{"N":"1"}'
t_end ":set over the marked rows asks with the count, then writes each; marks go"

t_begin
colon 'mark-filter year = 2001'
screen_has "marked 3 more of the 5 items loaded (3 marked)"
run dr update $RW --partition s --content a4 --set year=1500
colon 'incr year 10'
screen_has "incr year on 3 marked items? type yes:"
type_text "yes"
keys Enter
screen_has "incr year: 2 written, 1 conflicted, 0 failed (still marked)"
screen_has "1 marked"
get_item a3
check_out_has '"year":{"N":"2011"}'
get_item a4
check_out_has '"year":{"N":"1500"}'
check_out_has '"_object_version":{"N":"2"}'
get_item a5
check_out_has '"year":{"N":"2011"}'
snap
grep '^\*' "$TUI_SCREEN" | grep -q 'a4 .*1500' || fail "a4 is not marked with its stored year"
t_end "each row has its own version guard; the conflicted one stays marked, showing theirs"

t_begin
colon 'incr name 1'
screen_has "incr name on 1 marked items? type yes:"
type_text "yes"
keys Enter
screen_has "incr name: 0 written, 0 conflicted, 1 failed (still marked): name holds a S"
get_item a4
check_out_has '"_object_version":{"N":"2"}'
t_end "a value refused for a row is counted as failed; nothing sent for it"

t_begin
keys U
screen_has "5 items | 0.5 RCU  "
screen_lacks "| 1 marked"
keys M
screen_has "5 marked"
keys U g Space Space
screen_has "2 marked"
colon 'append tags ["t"]'
type_text "yes"
keys Enter
screen_has "append tags: 2 written"
get_item a1
check_out_has '"tags":{"L":[{"S":"t"}]}'
get_item a3
check_out_has '"tags":{"L":[]}'
t_end "M marks the screen, U unmarks all; :append over the marked rows"

t_begin
keys g Space Space
screen_has "2 marked"
keys D
screen_has "delete 2 marked items? type yes:"
type_text "yes"
keys Enter
screen_has "delete: 2 deleted, 0 conflicted, 0 failed"
screen_has "1/3 items"
run dr list $RW --partition s
check_out_lacks '"a1"'
check_out_lacks '"a2"'
check_out_has '"a3"'
t_end "D with marked rows deletes them all after a confirmation"

t_begin
keys Q
check_exit 0
tui_start -p films_ro
wait_for "films_ro: partitions" >/dev/null
keys Enter
screen_has "1/3 items"
keys Space
colon 'set name=x'
screen_has "profile films_ro is read-only: writes are refused"
screen_lacks "type yes"
keys Q
check_exit 0
t_end "a read-only profile refuses bulk edits"

t_done
