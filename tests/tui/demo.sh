# SPDX-License-Identifier: ISC
# The browser on the demo's embedded store, as `./build.sh demo` opens it
# on a terminal: `dynrepo --demo` fills the store, then the profiles pane;
# a partition, the prefix tree, an item, an edit saved (checked with the
# CLI: the value and a version one higher), and a clean exit.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/tui/lib.sh"

cp "$DYNREPO_SRCDIR"/profiles/demo-*.ini \
    "$DYNREPO_SRCDIR"/profiles/*.schema.json "$TUI_PROFDIR/"
XDG_DATA_HOME=$T_TMP/xdg
export XDG_DATA_HOME
TUI_ENV="XDG_DATA_HOME=$XDG_DATA_HOME"

# The CLI on the demo profiles.
demo_cli()
{
	"$DYNREPO_BIN" --profiles "$TUI_PROFDIR" "$@"
}

t_begin
tui_start --demo
wait_for "profiles (3)" 60 || fail "the demo did not open the profiles pane"
screen_has "demo-film-actors"
screen_has "dynrepo-demo"
[ -f "$XDG_DATA_HOME/dynrepo/demo.db" ] || fail "no demo.db"
t_end "--demo on a terminal fills the embedded store and opens the browser"

t_begin
keys :
type_text "profile demo-film-actors"
keys Enter
wait_for "demo-film-actors: partitions" 10 ||
    fail "the demo-film-actors profile did not open"
screen_has "studio-a"
keys Enter
wait_for "items of studio-a" 15 || fail "studio-a did not open"
keys t
wait_for "usa#" 10 || fail "no prefix tree"
t_end "a demo partition opens, with its prefix tree"

t_begin
keys t
# The first item of the partition, as the CLI lists it.
demo_cli list -p demo-film-actors --partition studio-a --limit 1 \
    >"$T_TMP/first" 2>&1
id=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).content_ids.join("#"))' "$T_TMP/first")
keys g Enter
wait_for "item $id" 10 || fail "the item $id did not open"
demo_cli get -p demo-film-actors --partition studio-a --content "$id" \
    >"$T_TMP/before" 2>&1 || fail "the CLI cannot read $id"
v0=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).current_version)' "$T_TMP/before")
type_text ":set name=Tmux"
keys Enter
wait_for "saved: version $((v0 + 1))" 10 || fail "the edit was not saved"
demo_cli get -p demo-film-actors --partition studio-a --content "$id" \
    >"$T_TMP/after" 2>&1
grep -q '"name":"Tmux"' "$T_TMP/after" ||
    fail "the CLI does not see the edit: $(head -c 300 "$T_TMP/after")"
grep -q "\"current_version\":$((v0 + 1))" "$T_TMP/after" ||
    fail "the version did not go up by one: $(head -c 300 "$T_TMP/after")"
tui_stop
t_end "an edit in the demo is stored (the CLI sees it, version one higher); the terminal is left sane"

t_done
