# SPDX-License-Identifier: ISC
# Copies and exports in the browser (tmux): a value or the item to the
# clipboard by OSC 52 (tmux takes it as a paste buffer), or into a new
# 0600 file; :export of the query in force, as `dynrepo export` writes.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/tui/lib.sh"

new_table
cat >"$T_TMP/items.jsonl" <<'JSON'
{"partition_ids":["s"],"content_ids":["a1"],"item":{"name":"Ann \u001b[31mRed","year":1999}}
{"partition_ids":["s"],"content_ids":["a2"],"item":{"name":"Bob","year":2001}}
{"partition_ids":["s"],"content_ids":["a3"],"item":{"name":"Cy","year":2001}}
JSON
run_in "$T_TMP/items.jsonl" dr put $RW
[ "$RC" = 0 ] || { echo "Bail out! put failed: $(cat "$ERR")"; exit 0; }
tui_profile films "partitions       = s"

t_begin
tui_start -p films
wait_for "films: partitions" >/dev/null
tm set-option -g set-clipboard on
keys Enter
screen_has "1/3 items"
keys Enter
screen_has "item a1"
screen_has "field name"
screen_has 'Ann \u001b[31mRed'
keys y
screen_has "name copied to the clipboard (12 bytes)"
tm show-buffer >"$T_TMP/buf"
printf 'Ann \033[31mRed' | cmp -s - "$T_TMP/buf" ||
    fail "the buffer is not the value: $(od -c "$T_TMP/buf" | head -3)"
screen_lacks "Ann Red"
t_end "y copies the value (control characters and all) by OSC 52; the screen stays escaped"

t_begin
keys Y
screen_has "the item copied to the clipboard"
tm show-buffer >"$T_TMP/buf"
grep -q '"year": 1999' "$T_TMP/buf" || fail "not the item: $(cat "$T_TMP/buf")"
keys t Y
screen_has "the item copied to the clipboard"
tm show-buffer >"$T_TMP/buf"
grep -q '"_object_version":{"N":"1"}' "$T_TMP/buf" ||
    fail "not DynamoDB JSON: $(cat "$T_TMP/buf")"
keys t
t_end "Y copies the whole item as in view: plain JSON, or DynamoDB JSON"

t_begin
colon "copy-item $T_TMP/item.json"
screen_has "the item written to $T_TMP/item.json"
[ "$(stat -c %a "$T_TMP/item.json")" = 600 ] || fail "mode $(stat -c %a "$T_TMP/item.json")"
grep -q '"name": "Ann \\u001b\[31mRed"' "$T_TMP/item.json" ||
    fail "not the item: $(cat "$T_TMP/item.json")"
colon "copy $T_TMP/item.json"
screen_has "File exists"
grep -q '"year": 1999' "$T_TMP/item.json" || fail "the file was replaced"
t_end ":copy-item FILE writes a new 0600 file; an existing file is never replaced"

t_begin
keys Escape
screen_has "1/3 items"
colon "filter year = 2001"
screen_has "1/2 items"
colon "export $T_TMP/out.jsonl"
screen_has "exported 2 items to $T_TMP/out.jsonl"
[ "$(wc -l <"$T_TMP/out.jsonl")" = 2 ] || fail "lines: $(cat "$T_TMP/out.jsonl")"
[ "$(stat -c %a "$T_TMP/out.jsonl")" = 600 ] || fail "mode $(stat -c %a "$T_TMP/out.jsonl")"
grep -q '^{"Item":{.*"name":{"S":"Bob"}' "$T_TMP/out.jsonl" ||
    fail "not an export line: $(head -1 "$T_TMP/out.jsonl")"
colon "export $T_TMP/out.jsonl"
screen_has "File exists"
keys Q
check_exit 0
t_end ":export FILE writes the query's items as dynrepo export does, into a new 0600 file"

t_done
