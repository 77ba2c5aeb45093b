# SPDX-License-Identifier: ISC
# The browser in a real terminal (tmux): profiles, partitions, the items
# table, the item view, help, resize, and leaving the terminal sane.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/tui/lib.sh"

new_table
cat >"$T_TMP/items.jsonl" <<'EOF'
{"partition_ids":["studio-a"],"content_ids":["usa","ny","actor1"],"item":{"name":"Ann Lee","year":1999,"tags":["x","y"],"address":{"city":"Troy","zip":null}}}
{"partition_ids":["studio-a"],"content_ids":["usa","ny","actor2"],"item":{"name":"Bob \u001b[31mRed","year":2001,"tags":[],"address":{"city":"Albany","zip":"12207"}}}
{"partition_ids":["studio-a"],"content_ids":["usa","ca","actor3"],"item":{"name":"Chloé 映画","year":1987,"tags":["z"],"address":null},"expiry":"2030-01-02T03:04:05Z"}
{"partition_ids":["studio-b","east"],"content_ids":["uk","actor9"],"item":{"name":"Dee","year":1970,"tags":[],"address":null}}
EOF
run_in "$T_TMP/items.jsonl" dr put $RW
[ "$RC" = 0 ] || { echo "Bail out! put failed: $(cat "$ERR")"; exit 0; }
tui_profile films "partitions       = studio-a, studio-b#east"
tui_profile films_ro "read_only        = true"

# ---- profiles ----------------------------------------------------------
t_begin
tui_start
screen_has "dynrepo: profiles (2)"
row_has 1 "NAME"
screen_has "films     $TBL"
screen_has "films_ro  $TBL"
screen_has "read-only"
screen_has "content#film_actor# film_actor#"
t_end "no verb: the profiles pane lists every profile with its table"

t_begin
keys Enter
screen_has "films: partitions"
screen_has "studio-a"
screen_has "studio-b#east"
screen_has "2 partitions"
t_end "Enter opens the profile: its partitions"

# ---- items -------------------------------------------------------------
t_begin
keys Enter
screen_has "items of studio-a > all items"
screen_has "1/3 items"
snap
# Key id first, then the fields in first-seen order, then the metadata.
head_row=$(sed -n 2p "$TUI_SCREEN")
printf '%s\n' "$head_row" | grep -q \
    '^ *ID  *name  *year  *tags  *address  *v  *_timestamp' ||
    fail "header row: $head_row"
screen_has "usa#ca#actor3  Chloé 映画"
screen_has '["x","y"]'
screen_has '{"city":"Troy","zip":null}'
screen_has "1/3 items"
# Ascending by sort key: ca before ny.
grep -n 'usa#' "$TUI_SCREEN" | head -1 | grep -q 'actor3' ||
    fail "the first row is not usa#ca#actor3"
t_end "Enter opens the partition: a table of its items, key ids first"

t_begin
screen_has 'Bob \x1b[31mRed'
tm capture-pane -p -e -t "$TUI_T" >"$T_TMP/escapes"
grep -q "$(printf '\033')\[31mRed" "$T_TMP/escapes" &&
    fail "the ESC inside the data reached the terminal"
t_end "control characters in data are shown escaped, never sent"

t_begin
keys s
screen_has "all items, descending"
wait_for "1/3" >/dev/null
grep -n 'usa#' "$TUI_SCREEN" | head -1 | grep -q 'actor2' ||
    fail "descending: the first row is not usa#ny#actor2"
keys s
screen_has "items of studio-a > all items "
# The reload is done when the first row is the first again (the columns
# scrolled below must not race it).
row_has 2 "usa#ca#actor3"
t_end "s toggles the sort order and reloads"

t_begin
keys l l l l
row_has 1 " _ttl"
screen_has "<"
snap
sed -n 2p "$TUI_SCREEN" | grep -q '_timestamp  *_ttl' ||
    fail "_ttl does not follow _timestamp"
sed -n 3p "$TUI_SCREEN" | grep -q '2030-01-02T03:04:05+00:00' ||
    fail "_ttl of usa#ca#actor3 is not shown as a date"
sed -n 2p "$TUI_SCREEN" | grep -q ' name ' &&
    fail "the name column is still shown after two scrolls right"
sed -n 2p "$TUI_SCREEN" | grep -q '^<*ID' || fail "the id column scrolled away"
keys h h h h
screen_has " name "
t_end "l and h scroll the columns; the id column stays; _ttl as a date"

# ---- the item view ------------------------------------------------------
t_begin
keys g Enter
screen_has "item usa#ca#actor3 (version 1) JSON"
screen_has '"name": "Chloé 映画",'
screen_has '"year": 1987,'
screen_has "ttl        2030-01-02T03:04:05+00:00 (1893553445)"
screen_has "timestamp  20"
t_end "Enter opens the item: pretty JSON, _ttl as a date"

t_begin
keys t
screen_has "DynamoDB JSON"
screen_has '"_table_content_id": {'
screen_has '"S": "film_actor#usa#ca#actor3"'
screen_has '"N": "1987"'
keys G
screen_has '"_ttl": {'
screen_has '"N": "1893553445"'
keys t
screen_has '"year": 1987,'
t_end "t toggles DynamoDB JSON and back"

# ---- help --------------------------------------------------------------
t_begin
keys '?'
screen_has "help: item"
screen_has "In the item pane"
screen_has ":edit [FIELD]"
screen_has ":toggle-json"
screen_has "Everywhere"
screen_has ":quit"
snap
grep -q '^ *t  *:toggle-json' "$TUI_SCREEN" ||
    fail "t is not listed for toggle-json"
keys Escape
screen_has "item usa#ca#actor3"
t_end "? shows help generated from the pane's key table; Esc goes back"

t_begin
keys Escape
screen_has "items of studio-a"
keys '?'
screen_has "help: items"
snap
grep -q '^ *j Down  *:down' "$TUI_SCREEN" || fail "j Down not listed"
grep -q 'Esc  *:back' "$TUI_SCREEN" || fail "Esc not listed for back"
keys q
screen_has "items of studio-a"
t_end "help for the items pane; q goes back"

# ---- partitions: the other one, typed ids --------------------------------
t_begin
keys Escape
screen_has "films: partitions"
keys j Enter
screen_has "items of studio-b#east"
screen_has "uk#actor9"
screen_has "1/1 item"
# Apart: Esc with the next key in one read is Alt and that key.
keys Escape
screen_has "films: partitions"
keys i
screen_has "partition id:"
type_text "studio-c"
keys Enter
screen_has "items of studio-c"
screen_has "no items"
keys Escape
screen_has "studio-c"
t_end "the second partition; i types an id, which joins the list"

# ---- resize --------------------------------------------------------------
t_begin
keys k k Enter
screen_has "items of studio-a"
tm resize-window -t "$TUI_T" -x 80 -y 24
[ "$(pane_fmt pane_width)x$(pane_fmt pane_height)" = 80x24 ] ||
    fail "tmux did not resize the window"
row_has 22 "1/3 items"
[ "$(wc -l <"$TUI_SCREEN")" -eq 24 ] || fail "not 24 rows"
# Cells that do not fit are cut with an ellipsis at the new edge.
grep 'usa#ny#actor2' "$TUI_SCREEN" | grep -q '…$' ||
    fail "the last column is not cut at 80 columns"
tm resize-window -t "$TUI_T" -x 120 -y 40
row_has 38 "1/3 items"
grep 'usa#ny#actor1' "$TUI_SCREEN" | grep -q '+00:00 *$' ||
    fail "the _timestamp is not whole at 120 columns"
t_end "the layout follows a resize (80x24, then 120x40)"

# ---- leaving ---------------------------------------------------------------
t_begin
[ "$(pane_fmt alternate_on)" = 1 ] ||
    fail "not on the alternate screen while running"
keys Q
check_exit 0
[ "$(pane_fmt alternate_on)" = 0 ] || fail "the alternate screen is still on"
[ "$(pane_fmt cursor_flag)" = 1 ] || fail "the cursor is still hidden"
[ "$(pane_fmt keypad_cursor_flag)" = 0 ] || fail "keypad mode left on"
screen_lacks "items of studio-a"
[ -s "$T_TMP/tui.err" ] && fail_file "stderr" "$T_TMP/tui.err"
t_end "Q quits: exit 0, the screen, cursor, keypad and tty modes restored"

t_begin
tui_start
screen_has "dynrepo: profiles"
tm kill-session -t "$TUI_T" >/dev/null 2>&1
tui_start -p films_ro
# No partitions listed: the partition without ids opens at once.
screen_has "items of (no ids) > all items"
screen_has "films_ro [read-only]"
screen_has "no items"
keys Escape
screen_has "films_ro: partitions"
screen_has "(no ids)"
keys Escape
screen_has "dynrepo: profiles"
keys q
check_exit 0
t_end "-p NAME skips the profiles pane (which stays below); q quits from it"

t_begin
tui_profile remote "endpoint = http://192.0.2.1:8000"
echo '{' >"$TUI_PROFDIR/broken.json"
tui_profile broken "schema = broken.json"
tui_start
screen_has "remote.ini:"
screen_wrapped_has \
    "endpoint http://192.0.2.1:8000: plain http to a host that is not loopback"
screen_has "problem"
tm kill-server >/dev/null 2>&1
tui_start -p broken
screen_has "cannot open the profile: profile broken: schema:"
screen_has "dynrepo: profiles"
keys Q
check_exit 0
rm -f "$TUI_PROFDIR/remote.ini" "$TUI_PROFDIR/broken.ini"
t_end "profile problems are listed; one that cannot be opened says why"

t_begin
tui_profile closed "endpoint         = http://127.0.0.1:1" \
    "max_attempts     = 1"
tui_start -p closed
screen_has "items of (no ids)"
screen_has "load failed (r retries)"
screen_has "list: "
keys r
screen_has "load failed (r retries)"
keys Q
check_exit 0
t_end "a server that does not answer: the error, and r tries again"

t_begin
tui_start -p nosuch
screen_has "[exit 1]"
grep -q 'nosuch' "$T_TMP/tui.err" || fail_file "stderr" "$T_TMP/tui.err"
t_end "-p with an unknown profile fails before the screen is taken"

t_begin
tui_start
screen_has "dynrepo: profiles"
tm kill-server >/dev/null 2>&1
# A signal: the same clean way out (SIGTERM through the self-pipe).
tui_start
screen_has "dynrepo: profiles"
pid=$(pgrep -P "$(pane_fmt pane_pid)")
[ -n "$pid" ] && kill -TERM $pid
check_exit 0
[ "$(pane_fmt alternate_on)" = 0 ] || fail "the alternate screen is still on"
t_end "SIGTERM leaves as cleanly as Q"

t_begin
tui_start -p films
screen_has "films: partitions"
pid=$(pgrep -P "$(pane_fmt pane_pid)")
[ -n "$pid" ] && kill -SEGV $pid
check_exit 139
[ "$(pane_fmt cursor_flag)" = 1 ] || fail "the cursor is still hidden"
t_end "a crash (SIGSEGV) still puts the screen and the tty modes back"

t_done
