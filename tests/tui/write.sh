# SPDX-License-Identifier: ISC
# Writes in the browser besides set (tmux): increment and append as
# updates guarded by the version, a new item put so that it cannot
# overwrite, delete of one item and of a prefix after a confirmation,
# read-only profiles refusing them; each checked with the CLI.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/tui/lib.sh"

new_table
cat >"$T_TMP/items.jsonl" <<'JSON'
{"partition_ids":["studio-a"],"content_ids":["usa","ny","actor1"],"item":{"name":"Ann Lee","year":1999,"tags":["x","y"]}}
{"partition_ids":["studio-a"],"content_ids":["usa","ny","actor2"],"item":{"name":"Bob","year":2001,"tags":[]}}
{"partition_ids":["studio-a"],"content_ids":["usa","nyc","actor3"],"item":{"name":"Cy","year":1970,"tags":[]}}
{"partition_ids":["studio-a"],"content_ids":["uk","actor4"],"item":{"name":"Dee","year":1980,"tags":[]}}
JSON
run_in "$T_TMP/items.jsonl" dr put $RW
[ "$RC" = 0 ] || { echo "Bail out! put failed: $(cat "$ERR")"; exit 0; }
mini_schema "$T_TMP/mini.schema.json"
tui_profile films "partitions       = studio-a"
tui_profile films_ro "partitions       = studio-a" "read_only        = true"
tui_profile films_model "partitions       = studio-a" \
    "schema           = $T_TMP/mini.schema.json"

# The stored item $1 as DynamoDB JSON into $OUT.
get_item()
{
	run dr get $RW --partition studio-a --content "$1" --output ddb
}

# Start on the items of studio-a with profile $1.
open_items()
{
	tui_start -p "$1"
	wait_for "$1: partitions" >/dev/null
	keys Enter
	wait_for "usa#ny#actor1" >/dev/null
}

# ---- increment and append ---------------------------------------------------
t_begin
open_items films
keys Enter
screen_has "item uk#actor4 (version 1)"
keys j
screen_has "field year"
keys +
screen_has "year += 1"
keys C-u
type_text "5"
keys Enter
screen_has "saved: version 2"
screen_has '"year": 1985,'
get_item 'uk#actor4'
check_out_has '"year":{"N":"1985"}'
check_out_has '"_object_version":{"N":"2"}'
t_end "+ increments an integer field by the number typed; version 1 -> 2"

t_begin
colon 'append tags "z"'
screen_has "saved: version 3"
get_item 'uk#actor4'
check_out_has '"tags":{"L":[{"S":"z"}]}'
check_out_has '"_object_version":{"N":"3"}'
colon 'append tags ["p", "q"]'
screen_has "saved: version 4"
get_item 'uk#actor4'
check_out_has '"tags":{"L":[{"S":"z"},{"S":"p"},{"S":"q"}]}'
t_end ":append FIELD VALUE appends one element or a JSON list"

t_begin
colon 'append year 1'
screen_has "year holds a N: only a list can be appended to"
screen_has "year append 1"
keys C-g
colon 'incr name 1'
screen_has "name holds a S: only a number can be incremented"
screen_has "name += 1"
keys C-g
colon 'incr year 1.5'
screen_has "year: increment by an integer"
screen_has "year += 1.5"
keys C-g
wait_gone "year += 1.5" >/dev/null
get_item 'uk#actor4'
check_out_has '"_object_version":{"N":"4"}'
t_end "increment and append of the wrong type are refused, nothing sent; the prompt comes back"

t_begin
run dr update $RW --partition studio-a --content 'uk#actor4' --set year=2000
check_rc 0
colon 'incr year 10'
screen_has "VERSION CONFLICT: you edited version 4; the store holds version 5."
screen_has "year  theirs: 2000"
screen_has "year  yours:  += 10"
get_item 'uk#actor4'
check_out_has '"year":{"N":"2000"}'
keys o
screen_has "saved: version 6"
get_item 'uk#actor4'
check_out_has '"year":{"N":"2010"}'
t_end "an increment is guarded by the version; o applies it to theirs"

# ---- create -----------------------------------------------------------------
t_begin
keys Escape
screen_has "items of studio-a"
keys c
screen_has "new item ids:"
type_text "usa#ca#actor9"
keys Enter
screen_has "fields (a JSON object): {}"
keys C-u
type_text '{"name": "Zed", "year": 2020}'
keys Enter
screen_has "created usa#ca#actor9: version 1"
screen_has "item usa#ca#actor9 (version 1)"
get_item 'usa#ca#actor9'
check_rc 0
check_out_has '"name":{"S":"Zed"}'
check_out_has '"year":{"N":"2020"}'
check_out_has '"_object_version":{"N":"1"}'
t_end "c creates an item: ids, then its fields; a put, version 1"

t_begin
keys Escape
screen_has "usa#ca#actor9"
colon 'put usa#ca#actor9 {"name": "Other"}'
screen_has "already exists; nothing was overwritten"
get_item 'usa#ca#actor9'
check_out_has '"name":{"S":"Zed"}'
t_end "a new item with the ids of a stored one is refused, nothing overwritten"

# ---- delete -----------------------------------------------------------------
t_begin
keys g
screen_has "usa#ca#actor9"
keys D
screen_has "delete uk#actor4 (version 6)? y/N:"
keys n Enter
screen_has "not deleted"
get_item 'uk#actor4'
check_out_has '"name":{"S":"Dee"}'
t_end "D asks first; anything but y deletes nothing"

t_begin
keys Escape
screen_has "items of studio-a"
colon 'prefix usa#ca'
screen_has "prefix usa # ca"
# Loaded before D, which needs an item under the cursor (under load the
# key came while the list was still on its way).
screen_has "1/1 item"
keys D
screen_has "delete usa#ca#actor9 (version 1)? y/N:"
keys y Enter
screen_has "deleted usa#ca#actor9"
screen_has "items of studio-a"
screen_has "no items"
get_item 'usa#ca#actor9'
check_out_lacks '"Zed"'
t_end "D then y deletes the item under the cursor; its row goes"

t_begin
colon 'prefix usa#ny#actor2'
screen_has "usa#ny#actor2"
keys Enter
screen_has "item usa#ny#actor2 (version 1)"
run dr update $RW --partition studio-a --content 'usa#ny#actor2' --set year=2002
keys D
screen_has "? y/N:"
keys y Enter
screen_has "not deleted: usa#ny#actor2 changed underneath (now version 2)"
get_item 'usa#ny#actor2'
check_out_has '"year":{"N":"2002"}'
t_end "a delete is guarded by the version on screen"

t_begin
keys Escape
colon 'delete-prefix usa#ny'
screen_has 'delete 3 items under "usa#ny"? type yes:'
type_text "y"
keys Enter
screen_has "nothing was deleted"
run dr list $RW --partition studio-a --prefix 'usa'
[ "$(wc -l <"$OUT")" = 3 ] || fail "items went: $(cat "$OUT")"
colon 'delete-prefix usa#ny'
screen_has 'delete 3 items under "usa#ny"? type yes:'
type_text "yes"
keys Enter
screen_has 'deleted 3 items under prefix "usa#ny"'
run dr list $RW --partition studio-a
check_out_lacks "actor1"
check_out_lacks "actor3"
check_out_has "actor4"
t_end ":delete-prefix shows the count (the library's prefix: usa#nyc too) and wants yes"

# ---- a form from the model --------------------------------------------------
t_begin
keys Q
check_exit 0
open_items films_model
screen_has "uk#actor4"
keys c
screen_has "new item ids:"
type_text "fr#actor5"
keys Enter
screen_has "name (string, required) ="
keys Enter
screen_has "name is required"
type_text "Neo"
keys Enter
screen_has "year (integer, required) ="
type_text "soon"
keys Enter
screen_has "not created"
screen_has 'fields (a JSON object): {"name":"Neo","year":"soon"}'
get_item 'fr#actor5'
check_out_lacks "Neo"
keys C-u
type_text '{"name":"Neo","year":1999}'
keys Enter
screen_has "created fr#actor5: version 1"
get_item 'fr#actor5'
check_out_has '"name":{"S":"Neo"}'
check_out_has '"year":{"N":"1999"}'
check_out_has '"tags":{"NULL":true}'
# The refused attempt was kept; the one that went through ends it.
kept=$(ls "$TUI_STATE/dynrepo/recovery/films_model" 2>/dev/null)
[ -z "$kept" ] || fail "a recovery file is left after the create: $kept"
t_end "with a model, c asks for the required fields; a refusal brings them back"

# ---- read-only ----------------------------------------------------------------
t_begin
keys Q
check_exit 0
open_items films_ro
for k in c D X; do
	keys "$k"
	screen_has "profile films_ro is read-only: writes are refused"
	keys C-l
done
keys Enter
screen_has "item "
for k in + a D; do
	keys "$k"
	screen_has "profile films_ro is read-only: writes are refused"
done
screen_lacks "y/N"
screen_lacks "new item ids"
screen_lacks "counting"
keys '?'
screen_has "help: item"
snap
grep -q ":incr .*\[read-only\] increment" "$TUI_SCREEN" ||
    fail_file "no :incr marked off" "$TUI_SCREEN"
grep -q ':reload .*\[read-only\]' "$TUI_SCREEN" && fail ":reload is marked off"
keys Q
check_exit 0
t_end "a read-only profile refuses create, delete, increment and append; help marks them off"

t_done
