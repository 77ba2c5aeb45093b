# SPDX-License-Identifier: ISC
# Partition discovery in the browser (tmux): d scans the repository in
# parallel through the core, with a progress bar; the partitions found
# join the list with their item counts; Esc cancels.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/tui/lib.sh"

new_table
{
	echo '{"partition_ids":["studio-a"],"content_ids":["a1"],"item":{"name":"A"}}'
	echo '{"partition_ids":["studio-b"],"content_ids":["b1"],"item":{"name":"B"}}'
	echo '{"partition_ids":["studio-b"],"content_ids":["b2"],"item":{"name":"B"}}'
	echo '{"partition_ids":["studio-b","east"],"content_ids":["e1"],"item":{"name":"E"}}'
	i=0
	while [ $i -lt 1500 ]; do
		echo "{\"partition_ids\":[\"big\"],\"content_ids\":[\"x$i\"],\"item\":{\"name\":\"X\"}}"
		i=$((i + 1))
	done
} >"$T_TMP/items.jsonl"
run_in "$T_TMP/items.jsonl" dr put $RW
[ "$RC" = 0 ] || { echo "Bail out! put failed: $(cat "$ERR")"; exit 0; }
tui_profile films "partitions       = studio-a"

t_begin
tui_start -p films
screen_has "films: partitions"
screen_has "1 partition | Enter opens"
keys d Escape
screen_has "discovery cancelled"
screen_lacks "studio-b"
screen_has "films: partitions"
t_end "Esc cancels a discovery that runs; nothing is added"

t_begin
keys d
screen_has "discovered 4 partitions, 1504 items" 20
screen_has "4 partitions | Enter opens"
snap
grep -q 'studio-b#east .* 1 item$' "$TUI_SCREEN" || fail "no studio-b#east with 1 item"
grep -q 'studio-b  .* 2 items$' "$TUI_SCREEN" || fail "no studio-b with 2 items"
grep -q 'big  .* 1500 items$' "$TUI_SCREEN" || fail "no big with 1500 items"
[ -s "$TUI_SCREEN" ] || fail_file screen "$TUI_SCREEN"
t_end "d discovers every partition with its item count"

t_begin
keys G
keys Enter
screen_has "items of studio-b#east"
screen_has "e1"
keys Escape
screen_has "films: partitions"
keys Q
check_exit 0
t_end "a discovered partition opens"

t_done
