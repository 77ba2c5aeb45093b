# SPDX-License-Identifier: ISC
# Colour where the terminal has it (256 colours), none with NO_COLOR or on
# a monochrome terminal (vt100): the title still stands out (reverse), and
# the program works the same.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/tui/lib.sh"

new_table
printf '%s\n' '{"partition_ids":["p"],"content_ids":["a"],"item":{"name":"Ann"}}' \
    >"$T_TMP/items.jsonl"
run_in "$T_TMP/items.jsonl" dr put $RW
[ "$RC" = 0 ] || { echo "Bail out! put failed: $(cat "$ERR")"; exit 0; }
tui_profile films "partitions       = p"

# The screen with its attributes, as tmux sees them, into $T_TMP/attrs.
attrs()
{
	tm capture-pane -p -e -t "$TUI_T" >"$T_TMP/attrs" 2>/dev/null
}

# Whether the screen uses a colour: an SGR with 30-37, 40-47, 90-97,
# 100-107 or 38;/48; (tmux writes each attribute change as ESC [ ... m).
has_color()
{
	node -e '
	const t = require("fs").readFileSync(process.argv[1], "utf8");
	const re = /\x1b\[([0-9;]*)m/g;
	let m;
	while ((m = re.exec(t)) !== null)
		for (const p of m[1].split(";"))
			if (/^(3[0-8]|4[0-8]|9[0-7]|10[0-7])$/.test(p))
				process.exit(0);
	process.exit(1);' "$T_TMP/attrs"
}

t_begin
tui_start -p films
wait_for "films: partitions" 10 || fail "no partitions pane"
attrs
has_color || fail "no colour on a 256-colour terminal"
tui_stop
t_end "a 256-colour terminal gets colours"

t_begin
TUI_ENV="NO_COLOR=1"
tui_start -p films
wait_for "films: partitions" 10 || fail "no partitions pane"
keys Enter
wait_for "items of p" 10 || fail "the items did not open"
attrs
has_color && fail "colours despite NO_COLOR"
node -e '
const t = require("fs").readFileSync(process.argv[1], "utf8");
process.exit(/\x1b\[(?:[0-9]*;)*7(?:;[0-9]*)*m/.test(t) ? 0 : 1);' \
    "$T_TMP/attrs" || fail "no reverse video for the title and status lines"
tui_stop
TUI_ENV=
t_end "NO_COLOR: no colour, the title and status in reverse video"

t_begin
TUI_ENV="TERM=vt100"
tui_start -p films
wait_for "films: partitions" 10 || fail "no partitions pane on vt100"
keys Enter
wait_for "items of p" 10 || fail "the items did not open on vt100"
attrs
has_color && fail "colours on a monochrome terminal"
tui_stop
TUI_ENV=
t_end "a monochrome terminal (vt100): no colour, works the same"

t_done
