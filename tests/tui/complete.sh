# SPDX-License-Identifier: ISC
# Field-name completion from the model (tmux): Tab in a filter condition
# and after :set, :incr, :append, :filter, :mark-filter.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/tui/lib.sh"

new_table
echo '{"partition_ids":["s"],"content_ids":["a1"],"item":{"name":"A","year":1999,"tags":[]}}' >"$T_TMP/items.jsonl"
run_in "$T_TMP/items.jsonl" dr put $RW
[ "$RC" = 0 ] || { echo "Bail out! put failed: $(cat "$ERR")"; exit 0; }
mini_schema "$T_TMP/mini.schema.json" '
 "yield": {"title": "Yield", "type": "integer"},'
tui_profile films "partitions       = s" \
    "schema           = $T_TMP/mini.schema.json"

t_begin
tui_start -p films
wait_for "films: partitions" >/dev/null
keys Enter
screen_has "1/1 item"
keys F
screen_has "filter:"
type_text "na"
keys Tab
type_text "= A"
screen_has "filter: name = A"
keys Enter
screen_has "where name = A"
screen_has "1/1 item"
t_end "Tab completes a field name of the model in a filter condition"

t_begin
keys :
type_text "filter y"
keys Tab Tab
screen_has "year"
screen_has "yield"
keys C-u C-g
keys Enter
screen_has "item a1"
keys :
type_text "set ye"
keys Tab
type_text "= 1998"
screen_has ":set year = 1998"
keys Enter
screen_has "saved: version 2"
run dr get $RW --partition s --content a1 --output ddb
check_out_has '"year":{"N":"1998"}'
t_end "the : line completes field names after :filter and :set; Tab Tab lists them"

t_begin
keys :
type_text "incr yi"
keys Tab
screen_has ":incr yield"
keys C-u C-g
keys Q
check_exit 0
t_end ":incr completes too"

t_done
