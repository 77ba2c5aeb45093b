# SPDX-License-Identifier: ISC
# Queries in the browser (tmux): page-by-page loading and cancelling it,
# prefix and between navigation, filters, search, and the `:` command
# line with its history.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/tui/lib.sh"

new_table
cat >"$T_TMP/items.jsonl" <<'EOF'
{"partition_ids":["studio-a"],"content_ids":["usa","ny","actor1"],"item":{"name":"Ann Lee","year":1999,"review":"good"}}
{"partition_ids":["studio-a"],"content_ids":["usa","ny","actor2"],"item":{"name":"Bob","year":2001}}
{"partition_ids":["studio-a"],"content_ids":["usa","ca","actor3"],"item":{"name":"Chloe","year":1987}}
{"partition_ids":["studio-a"],"content_ids":["uk","actor4"],"item":{"name":"Dee","year":1999}}
EOF
# 400 items of 8 KB: dynalite pages Query at 1 MB, so several pages.
js 'const pad = "x".repeat(8000);
for (let i = 0; i < 400; i++)
	console.log(JSON.stringify({ partition_ids: ["big"],
	    content_ids: ["p", String(i).padStart(4, "0")],
	    item: { n: i, pad: pad } }));' >>"$T_TMP/items.jsonl"
run_in "$T_TMP/items.jsonl" dr put $RW
[ "$RC" = 0 ] || { echo "Bail out! put failed: $(cat "$ERR")"; exit 0; }
tui_profile films "partitions       = studio-a, big"

# The items pane of partition $1 (the n-th in the list, from 0).
open_partition()
{
	tui_start -p films
	wait_for "films: partitions" >/dev/null
	if [ "$1" = 1 ]; then
		keys j
	fi
	keys Enter
	wait_for "items of " >/dev/null
}

# ---- loading page by page ------------------------------------------------
t_begin
open_partition 1
# The first Query asks for one screen; the look-ahead then loads more
# pages in the background ("loading..." in between) and stops short of
# the end. Wait for that pause, then check it holds.
loaded_paused()
{
	sed -n 's/^ *1\/\([0-9]*\) items loaded, more on the server.*/\1/p' \
	    "$TUI_SCREEN"
}
i=0 n=
while [ "$i" -lt 150 ]; do
	snap
	n=$(loaded_paused)
	[ -n "$n" ] && [ "$n" -ge 100 ] && break
	sleep 0.1
	i=$((i + 1))
done
[ -n "$n" ] && [ "$n" -lt 400 ] && [ "$n" -ge 100 ] ||
    fail "a first load of $n items, expected 100..399"
sleep 1
snap
[ "$(loaded_paused)" = "$n" ] ||
    fail "the load did not wait at $n items: $(grep -F items "$TUI_SCREEN" | tail -1)"
screen_has "p#0000"
t_end "a big partition loads the first pages, then waits"

t_begin
keys G
screen_has "/400 items"
screen_lacks "more on the server"
keys G
screen_has "400/400 items"
screen_has "p#0399"
t_end "going to the end loads the rest, page by page"

t_begin
keys r
screen_has "more on the server"
keys Escape
screen_has "load cancelled (r reloads)"
screen_has "load cancelled at"
screen_has "items of big"
keys G
screen_lacks "/400 items"
t_end "Esc cancels a load that waits; the items loaded stay"

t_begin
keys r
screen_has "more on the server"
keys L
screen_has "1/400 items"
t_end "L loads every page"

t_begin
keys Escape
screen_has "films: partitions"
screen_lacks "items of big"
t_end "Esc with no load running goes back"

# ---- prefix and between -----------------------------------------------------
t_begin
keys k Enter
screen_has "1/4 items"
keys p
screen_has "prefix:"
type_text "usa#ny"
keys Enter
screen_has "prefix usa # ny"
screen_has "1/2 items"
screen_lacks "usa#ca#actor3"
keys BSpace
screen_has "prefix usa "
screen_has "1/3 items"
keys BSpace
screen_has "all items"
screen_has "1/4 items"
t_end "p takes a typed prefix; Backspace goes up a level"

t_begin
keys p C-u
type_text "us"
keys Enter
screen_has "prefix us "
screen_has "1/3 items"
screen_lacks "uk#actor4"
t_end "a raw prefix is the library's: [\"us\"] matches usa#..."

t_begin
keys BSpace
screen_has "1/4 items"
keys g
screen_has "uk#actor4"
keys '>'
screen_has "prefix uk "
screen_has "1/1 item"
keys BSpace
screen_has "1/4 items"
t_end "> narrows the prefix to the next segment of the item's id"

t_begin
keys t
screen_has "NEXT LEVEL"
snap
grep -q '^ *uk# *1 item$' "$TUI_SCREEN" || fail "no line: uk# 1 item"
grep -q '^ *usa# *3 items$' "$TUI_SCREEN" || fail "no line: usa# 3 items"
keys g j Enter
screen_has "prefix usa "
wait_for "ny#" >/dev/null
snap
grep -q '^ *ca# *1 item$' "$TUI_SCREEN" || fail "no line: ca# 1 item"
grep -q '^ *ny# *2 items$' "$TUI_SCREEN" || fail "no line: ny# 2 items"
keys j Enter
screen_has "prefix usa # ny"
screen_has "actor2"
snap
grep -q '^ *actor1 *item, version 1$' "$TUI_SCREEN" ||
    fail "no leaf line: actor1 item, version 1"
keys Enter
screen_has "item usa#ny#actor1 (version 1)"
# Apart: Esc with the next key in one read is Alt and that key.
keys Escape
screen_has "prefix usa # ny"
keys BSpace
screen_has "prefix usa "
wait_for "ca#" >/dev/null
screen_has "ny#"
keys BSpace t
screen_has "1/4 items"
screen_lacks "NEXT LEVEL"
t_end "t: the next level as a tree with counts; Enter descends, BSpace ascends"

t_begin
keys :
type_text "between usa#ca#actor3 usa#ny#actor1"
keys Enter
screen_has "between usa#ca#actor3 .. usa#ny#actor1"
screen_has "1/2 items"
screen_lacks "usa#ny#actor2"
keys b
screen_has "between start: usa#ca#actor3"
keys C-u
type_text "usa#ny#actor2"
keys Enter
screen_has "between end: usa#ny#actor1"
keys C-u
type_text "usa#ny#actor2"
keys Enter
screen_has "between usa#ny#actor2 .. usa#ny#actor2"
screen_has "1/1 item"
keys BSpace
screen_has "all items"
t_end ":between and b list a range; start = end is that prefix"

# ---- filters ------------------------------------------------------------
t_begin
keys :
type_text "filter year = 1999"
keys Enter
screen_has "where year = 1999"
screen_has "1/2 items"
screen_lacks "Bob"
t_end ":filter adds a condition of the CLI grammar; the query re-runs"

t_begin
keys f
screen_has "[x] year = 1999"
screen_has "1 condition, 1 applied"
keys a
type_text "review missing"
keys Enter
screen_has "[x] review missing"
keys Escape
screen_has "where year = 1999 and review missing"
screen_has "1/1 item"
screen_has "uk#actor4"
t_end "the filters pane adds a condition; both apply"

t_begin
keys f
keys g ' '
screen_has "[ ] year = 1999"
keys Escape
screen_has "where review missing"
screen_has "1/3 items"
keys f
# The pane is open before the keys meant for it (under load they raced).
screen_has "[ ] year = 1999"
keys j d
screen_lacks "review missing"
keys g d
screen_has "none: a adds one"
keys Escape
screen_has "1/4 items"
screen_lacks "where"
t_end "Space toggles a condition, d removes it; the query follows"

t_begin
keys F
type_text "year >> 3"
keys Enter
screen_has "filter:"
screen_has "1/4 items"
t_end "a condition outside the grammar is refused with the grammar"

# ---- search and the command line ---------------------------------------------
t_begin
keys g /
type_text "chloe"
keys Enter
screen_has "2/4 items"
keys n
screen_has "2/4 items"
keys :
type_text "search Dee"
keys Enter
screen_has "1/4 items"
t_end "/ finds text in the items loaded (n again)"

t_begin
keys :
type_text "sort desc"
keys Enter
screen_has "all items, descending"
keys :
type_text "frobnicate"
keys Enter
screen_has 'unknown command "frobnicate"'
keys :
type_text "fil"
keys Tab
screen_has ":filter"
keys C-u
type_text "quit"
keys Enter
check_exit 0
t_end ":sort, an unknown command, Tab completion, :quit"

t_begin
h=$TUI_STATE/dynrepo/history/films
if [ -f "$h" ]; then
	[ "$(stat -c %a "$h")" = 600 ] || fail "history mode $(stat -c %a "$h")"
	grep -qx 'filter year = 1999' "$h" || fail_file "history" "$h"
	grep -qx 'quit' "$h" || fail_file "history" "$h"
else
	fail "no history file $h"
fi
open_partition 0
keys : Up
screen_has ":quit"
keys Up
screen_has ":frobnicate"
keys Escape
wait_gone ":frobnicate" >/dev/null
keys Q
check_exit 0
t_end "the : history is kept per profile (mode 0600) and comes back"

t_begin
# With a filter the first Query is a page of 1 MB (DynamoDB's Limit counts
# items before the filter), more than two screens: the list pauses there.
open_partition 1
keys :
type_text "filter n != -1"
keys Enter
screen_has "where n != -1"
wait_for "items loaded, more on the server" >/dev/null ||
    fail "a filtered list that waits for demand does not say so"
screen_lacks "loading"
keys Q
check_exit 0
t_end "a filtered list paused after its first page says more on the server"

t_done
