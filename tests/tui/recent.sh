# SPDX-License-Identifier: ISC
# The partitions pane lists the partition ids opened before with the same
# profile (most recent first, after the profile's own), kept in a 0600
# file in a 0700 directory of the state directory; Tab completes ids.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/tui/lib.sh"

new_table
cat >"$T_TMP/items.jsonl" <<'EOT'
{"partition_ids":["studio-a"],"content_ids":["usa","actor1"],"item":{"name":"Ann"}}
{"partition_ids":["studio-b","east"],"content_ids":["uk","actor9"],"item":{"name":"Dee"}}
EOT
run_in "$T_TMP/items.jsonl" dr put $RW
[ "$RC" = 0 ] || { echo "Bail out! put failed: $(cat "$ERR")"; exit 0; }
tui_profile films "partitions       = studio-a"
tui_profile other "partitions       = studio-a"

t_begin
tui_start -p films
wait_for "films: partitions" 10 || fail "the partitions pane did not open"
screen_lacks "studio-b#east"
keys i
type_text "studio-b#east"
keys Enter
wait_for "uk#actor9" 10 || fail "the typed partition did not open"
tui_stop
f=$TUI_STATE/dynrepo/partitions/films
[ -f "$f" ] || fail "no history file $f"
[ "$(stat -c %a "$f" 2>/dev/null)" = 600 ] || fail "$f is not 0600"
[ "$(stat -c %a "$(dirname "$f")" 2>/dev/null)" = 700 ] ||
    fail "$(dirname "$f") is not 0700"
t_end "a partition opened by its typed id is kept (0600 in 0700)"

t_begin
tui_start -p films
wait_for "films: partitions" 10 || fail "the partitions pane did not open"
screen_has "studio-a"
screen_has "studio-b#east"
keys j Enter
wait_for "uk#actor9" 10 || fail "the remembered partition does not open"
tui_stop
tui_start -p other
wait_for "other: partitions" 10 || fail "the partitions pane did not open"
screen_lacks "studio-b#east"
tui_stop
t_end "the next start lists it after the profile's own; other profiles do not"

t_begin
tui_start -p films
wait_for "films: partitions" 10 || fail "the partitions pane did not open"
keys i
type_text "studio-b"
keys Tab
wait_for "partition id: studio-b#east" 5 ||
    fail "Tab did not complete the partition id from the history"
keys C-u C-g
keys Enter
wait_for "usa#actor1" 10 || fail "studio-a did not open"
type_text ":between us"
keys Tab
wait_for ":between usa#actor1" 5 ||
    fail "Tab did not complete an id from the items loaded"
keys C-u C-g
tui_stop
t_end "Tab completes partition ids (profile, history) and the ids of the items loaded"

t_begin
# A history that cannot be read (here a directory where the file goes):
# the pane says so and lists the profile's own; a partition still opens.
tui_profile third "partitions       = studio-a"
mkdir -p "$TUI_STATE/dynrepo/partitions/third"
tui_start -p third
wait_for "third: partitions" 10 || fail "the partitions pane did not open"
wait_for "partitions opened before are not listed" 5 ||
    fail "the unreadable history was not said"
screen_has "studio-a"
keys Enter
wait_for "usa#actor1" 10 || fail "studio-a did not open"
tui_stop
t_end "a history that cannot be read is said, and the browser goes on"

t_done
