# SPDX-License-Identifier: ISC
# Terminal safety of the CLI: items whose values, attribute names and ids
# hold escape sequences (a title change, cursor moves, the alternate
# screen, OSC 52 clipboard writes, OSC 8 links, C1 controls, bidi
# overrides, BEL) print with --output table as escapes, never as the raw
# bytes a terminal would obey; messages that quote what a person typed do
# the same.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/fault/lib.sh"

# Expect file $1 to hold no byte a terminal would act on: C0 controls
# but newline (ESC, BEL, CR, ...), DEL, the C1 controls U+0080..U+009F
# and the bidi controls U+202A..U+202E, U+2066..U+2069.
check_inert()
{
	check_js '
const b = require("fs").readFileSync(process.argv[1]);
const t = b.toString("utf8");
const bad = [];
for (let i = 0; i < t.length; i++) {
	const c = t.charCodeAt(i);
	if ((c < 0x20 && c !== 0x0a) || (c >= 0x7f && c <= 0x9f) ||
	    (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069))
		bad.push("U+" + c.toString(16).padStart(4, "0") + " at " + i +
		    " after " + JSON.stringify(t.slice(Math.max(0, i - 12), i)));
}
if (bad.length > 0) {
	console.log(process.argv[2] + ": " + bad.length + " raw controls: " +
	    bad.slice(0, 4).join("; "));
	process.exit(1);
}' "$1" "$2"
}

fault_new_table
# An item with every kind of sequence in its values, and one more in an
# attribute name and in its content id.
node -e '
const E = "\u001b", B = "\u0007", ST = E + "\\";
const v = {
	title: E + "]0;pwned" + B,
	title_st: E + "]2;pwned" + ST,
	cursor: E + "[2J" + E + "[H" + E + "[10;10H" + E + "[?1049h" + E + "c",
	osc52: E + "]52;c;cm0gLXJmIH4K" + B,
	osc8: E + "]8;;http://evil.example/" + ST + "click" + E + "]8;;" + ST,
	c1: "\u009b31m red \u009d0;title\u009c \u0085",
	bidi: "abc\u202edcba\u2066x\u2069\u202a",
	bel: "ding" + B, del: "a\u007fb", cr: "over\rwrite", nl: "two\nlines",
	tab: "a\tb", bs: "abc\b\b\bxyz",
	nested: { k: E + "[31m" }, list: [E + "[5m"],
};
console.log(JSON.stringify({ partition_ids: ["t"],
    content_ids: ["plain"], item: v }));
console.log(JSON.stringify({ partition_ids: ["t"],
    content_ids: ["id" + E + "]0;id" + B], item: { n: 1 } }));
const named = { n: 2 };
named[E + "]0;attr" + B] = "x";
console.log(JSON.stringify({ partition_ids: ["u"],
    content_ids: ["named"], item: named }));' >"$T_TMP/items.jsonl"
dr put $RW <"$T_TMP/items.jsonl" >/dev/null 2>&1

t_begin
run dr list $RW --partition t --output table
check_rc 0
check_inert "$OUT" "list --output table"
check_out_has '\x1b]0;pwned\x07'
check_out_has '(2 items)'
run dr get $RW --partition t --content plain --output table
check_rc 0
check_inert "$OUT" "get --output table"
t_end "values and ids with escape sequences print escaped in --output table"

t_begin
run dr list $RW --partition u --output table
check_rc 0
check_inert "$OUT" "the header of list --output table"
t_end "an attribute name with escape sequences prints escaped in the table header"

t_begin
run dr list $RW --partition t --output jsonl
check_rc 0
check_js '
const b = require("fs").readFileSync(process.argv[1]);
for (const c of [0x1b, 0x07, 0x08, 0x0d])
	if (b.includes(c))
		throw new Error("raw byte 0x" + c.toString(16));' "$OUT"
t_end "jsonl output carries C0 controls as \\u escapes"

# Messages that quote what a person typed.
E=$(printf '\033')
BEL=$(printf '\007')
t_begin
: >"$T_TMP/msgs"
run dr get $RW --partition t --content "x${E}]0;t${BEL}"
cat "$ERR" >>"$T_TMP/msgs"
[ "$RC" = 1 ] || fail "get of a missing id: exit status $RC"
run dr list $RW --partition t --filter "${E}[2J = 1"
cat "$ERR" >>"$T_TMP/msgs"
run dr list $RW --partition t --limit "${E}[2J"
cat "$ERR" >>"$T_TMP/msgs"
run dr get -p "x${E}[2J" --partition a --content b
cat "$ERR" >>"$T_TMP/msgs"
run dr get $RW --partition "a${E}[2J" --content "b${E}]52;c;eA==${BEL}"
cat "$ERR" >>"$T_TMP/msgs"
check_inert "$T_TMP/msgs" "error messages"
t_end "error messages quote typed ids, filters and names escaped"

t_begin
printf '{"partition_ids":["v"],"content_ids":["x%s]0;t%s"],"item":{"n":1}}\n' \
    '\u001b' '\u0007' >"$T_TMP/one.jsonl"
dr put $RW <"$T_TMP/one.jsonl" >/dev/null 2>&1
cat >"$T_PROFDIR/term.schema.json" <<'EOF'
{"title": "T", "type": "object",
 "properties": {"n": {"type": "string"}, "m": {"type": "integer"}},
 "required": ["n", "m"]}
EOF
cat >>"$T_PROFDIR/cli.ini" <<EOF

[repository term]
table            = $TBL
region           = us-east-1
endpoint         = $DYNREPO_TEST_ENDPOINT
partition_prefix = content
partition_name   = film_actor
content_type     = film_actor
schema           = term.schema.json
EOF
run dr check -p term --partition v
check_rc 1
check_inert "$OUT" "check's report"
t_end "check's report quotes ids with escape sequences escaped"

# ---- the browser -------------------------------------------------------------
# The same items on a real terminal (tmux): the title stays, no clipboard
# buffer appears, the screen shows the sequences as text, and the program
# leaves the terminal as it found it.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/tui/lib.sh"

tui_profile hostile "partitions = t, u"
t_begin
tui_start -p hostile
wait_for "hostile: partitions" 10 || fail "the partitions pane did not open"
title0=$(pane_fmt pane_title)
keys Enter
wait_for "items of t" 10 || fail "the items of t did not open"
screen_has 'id\x1b]0;id\x07'
keys Down Enter
wait_for '"title": "\u001b]0;pwned\u0007"' 10 ||
    fail "the item view does not show the title sequence as text"
screen_has '"cursor": "\u001b[2J\u001b[H'
keys Escape Escape Down Enter
wait_for "items of u" 10 || fail "the items of u did not open"
screen_has '\x1b]0;attr\x07'
tm capture-pane -p -e -t "$TUI_T" >"$T_TMP/raw"
check_js '
const t = require("fs").readFileSync(process.argv[1], "utf8");
for (const s of ["]0;", "]2;", "]52;", "]8;", "[?1049h", "\u009b",
    "\u009d", "\u202e"])
	if (t.includes("\u001b" + s) || (s.length === 1 && t.includes(s)))
		throw new Error("a raw " + JSON.stringify(s) + " reached the screen");
' "$T_TMP/raw"
[ "$(pane_fmt pane_title)" = "$title0" ] ||
    fail "the pane title changed: $(pane_fmt pane_title)"
tm list-buffers >"$T_TMP/buffers" 2>/dev/null
[ ! -s "$T_TMP/buffers" ] || fail "a clipboard buffer appeared: $(head -c 200 "$T_TMP/buffers")"
tui_stop
t_end "the browser shows escape sequences in values and names as text; title, clipboard and terminal modes unchanged"

t_done
