# SPDX-License-Identifier: ISC
# Editing in the browser (tmux): a field saved as an update guarded by the
# version on screen, checked with the CLI; version conflicts made by a CLI
# write in between; typed values keeping their type; read-only profiles.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/tui/lib.sh"

new_table
cat >"$T_TMP/items.jsonl" <<'EOF'
{"partition_ids":["studio-a"],"content_ids":["usa","ny","actor1"],"item":{"name":"Ann Lee","year":1999,"tags":["x","y"],"address":{"city":"Troy","zip":null}}}
{"partition_ids":["studio-a"],"content_ids":["usa","ny","actor2"],"item":{"name":"Bob","year":2001,"tags":[],"address":null}}
EOF
run_in "$T_TMP/items.jsonl" dr put $RW
[ "$RC" = 0 ] || { echo "Bail out! put failed: $(cat "$ERR")"; exit 0; }
tui_profile films "partitions       = studio-a"
tui_profile films_ro "partitions       = studio-a" "read_only        = true"
tui_profile films_model "partitions       = studio-a" \
    "schema           = $DYNREPO_SRCDIR/profiles/film_actor.schema.json"

# The stored item usa#ny#actor1 as DynamoDB JSON into $OUT.
get_actor1()
{
	run dr get $RW --partition studio-a --content 'usa#ny#actor1' \
	    --output ddb
}

# Start on the item view of usa#ny#actor1 with profile $1.
open_actor1()
{
	tui_start -p "$1"
	wait_for "$1: partitions" >/dev/null
	keys Enter
	wait_for "usa#ny#actor1" >/dev/null
	keys Enter
	wait_for "item usa#ny#actor1" >/dev/null
}

# ---- edit and save -------------------------------------------------------
t_begin
open_actor1 films
screen_has "item usa#ny#actor1 (version 1)"
screen_has "field name"
keys j
screen_has "field year"
keys e
screen_has "year = 1999"
[ "$(pane_fmt cursor_flag)" = 1 ] || fail "no cursor on the prompt"
keys C-u
type_text "1998"
keys Enter
screen_has "saved: version 2"
screen_has '"year": 1998,'
screen_has "version    2"
get_actor1
check_rc 0
check_out_has '"year":{"N":"1998"}'
check_out_has '"_object_version":{"N":"2"}'
check_out_has '"name":{"S":"Ann Lee"}'
check_out_has '"city":{"S":"Troy"}'
t_end "e edits a field; the update is stored and the version goes 1 -> 2"

t_begin
keys Escape
screen_has "items of studio-a"
snap
grep 'usa#ny#actor1' "$TUI_SCREEN" | grep -q '1998 .* 2  20' ||
    fail "the items row does not show year 1998 and version 2"
t_end "the items table shows the saved item"

# ---- a conflict made by a CLI write in between ------------------------------
t_begin
keys Enter
screen_has "item usa#ny#actor1 (version 2)"
run dr update $RW --partition studio-a --content 'usa#ny#actor1' \
    --set year=2005
check_rc 0
keys j e C-u
type_text "1977"
keys Enter
screen_has "VERSION CONFLICT: you edited version 2; the store holds version 3."
screen_has "year  theirs: 2005"
screen_has "year  yours:  1977"
screen_has "version conflict"
# The screen now shows theirs.
screen_has '"year": 2005,'
get_actor1
check_out_has '"year":{"N":"2005"}'
check_out_has '"_object_version":{"N":"3"}'
t_end "a CLI write in between: a conflict, theirs and yours, nothing written"

t_begin
keys e
screen_has "year = 1977"
keys Escape
wait_gone "year = 1977" >/dev/null
screen_has "year  yours:  1977"
t_end "after a conflict, e brings the typed value back; Esc keeps it"

t_begin
keys o
screen_has "saved: version 4"
screen_has '"year": 1977,'
screen_lacks "VERSION CONFLICT"
get_actor1
check_out_has '"year":{"N":"1977"}'
check_out_has '"_object_version":{"N":"4"}'
t_end "o overwrites with yours, guarded by their version: 3 -> 4"

t_begin
run dr update $RW --partition studio-a --content 'usa#ny#actor1' \
    --set 'name=Ann B'
keys g e C-u
type_text "Someone Else"
keys Enter
screen_has "VERSION CONFLICT"
screen_has "name  theirs: Ann B"
keys r
screen_has "reloaded: version 5"
screen_lacks "VERSION CONFLICT"
screen_has '"name": "Ann B",'
get_actor1
check_out_has '"name":{"S":"Ann B"}'
check_out_has '"_object_version":{"N":"5"}'
t_end "r after a conflict reloads theirs and drops yours"

# ---- values keep their type -------------------------------------------------
t_begin
keys j e C-u
type_text "abc"
keys Enter
screen_has "year is a number: type a number or null"
screen_has "year = abc"
get_actor1
check_out_has '"_object_version":{"N":"5"}'
keys C-g
wait_gone "year = abc" >/dev/null
t_end "a word for a number field is refused before anything is sent; the prompt comes back with it"

t_begin
keys g e C-u
type_text "1234"
keys Enter
screen_has "saved: version 6"
screen_has '"name": "1234",'
get_actor1
check_out_has '"name":{"S":"1234"}'
t_end "digits typed for a string field stay a string"

t_begin
keys :
screen_has ":"
type_text 'set address={"city":"Utica","zip":"13501"}'
keys Enter
screen_has "saved: version 7"
get_actor1
check_out_has '"address":{"M":{"city":{"S":"Utica"},"zip":{"S":"13501"}}}'
check_out_has '"_object_version":{"N":"7"}'
t_end ":set FIELD=VALUE saves a map value"

t_begin
keys Q
check_exit 0
open_actor1 films_model
keys j e C-u
type_text "1998.5"
keys Enter
screen_has "not saved (bad input"
screen_has "year: expected integer, got number 1998.5"
screen_has "year = 1998.5"
get_actor1
check_out_has '"_object_version":{"N":"7"}'
keys C-g
wait_gone "year = 1998.5" >/dev/null
keys Escape
screen_has "items of studio-a"
keys :
type_text "filter nosuch = 1"
keys Enter
screen_has "nosuch"
screen_has "load failed"
t_end "with a model: an edit or a filter it refuses is not sent"

t_begin
keys Q
check_exit 0
open_actor1 films_ro
keys e
screen_has "profile films_ro is read-only: writes are refused"
screen_lacks "name = "
keys :
type_text 'set year=1'
keys Enter
screen_has "read-only"
get_actor1
check_out_has '"_object_version":{"N":"7"}'
keys Q
check_exit 0
t_end "a read-only profile refuses edits with a message"

t_done
