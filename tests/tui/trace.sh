# SPDX-License-Identifier: ISC
# DYNREPO_TRACE=FILE: the browser writes the times of named events (the
# key, the list, the Query sent and answered, the page posted, received
# and drawn) in order, one per line, and nothing of the data.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/tui/lib.sh"

new_table
cat >"$T_TMP/items.jsonl" <<'EOF'
{"partition_ids":["studio-secret"],"content_ids":["usa","actor-hidden"],"item":{"name":"Zelda Quux","year":1999,"tags":["plover"]}}
{"partition_ids":["studio-secret"],"content_ids":["uk","actor-other"],"item":{"name":"Yorick Xyzzy","year":2001,"tags":[]}}
EOF
run_in "$T_TMP/items.jsonl" dr put $RW
[ "$RC" = 0 ] || { echo "Bail out! put failed: $(cat "$ERR")"; exit 0; }
tui_profile films "partitions       = studio-secret"
trace=$T_TMP/trace

t_begin
TUI_ENV="DYNREPO_TRACE=$trace"
tui_start -p films
wait_for "films: partitions" 10 || fail "the partitions pane did not open"
keys Enter
wait_for "Zelda Quux" 10 || fail "the partition did not open"
tui_stop
TUI_ENV=
[ -f "$trace" ] || fail "no trace file"
[ "$(stat -c %a "$trace" 2>/dev/null)" = 600 ] || fail "the trace is not 0600"
# The events of the open, in this order, each once at least.
got=$(awk '$3 == "list-submit" { on = 1 } on { print $3 ($4 != "" ? " " $4 : "") }' "$trace" |
    awk '!seen[$0]++' | tr '\n' ',')
want="list-submit,list-start,http-send Query,http-done Query,page-posted,page-received,page-drawn,"
case $got in
"$want"*) ;;
*) fail "events after list-submit: $got (want $want...)" ;;
esac
# A key came before the list, and the times never go back.
awk '$3 == "key" { k = 1 } $3 == "list-submit" { exit !k }' "$trace" ||
    fail "no key before the list"
awk 'NR > 1 && $1 + 0 < t { exit 1 } { t = $1 + 0 }' "$trace" ||
    fail "the times go back"
grep -v -E '^[0-9]+\.[0-9]{3} [0-9]+\.[0-9]{3} [a-z-]+( [A-Za-z]+)?$' \
    "$trace" >"$T_TMP/odd"
[ -s "$T_TMP/odd" ] &&
    fail_file "lines not of the form TIME CPU NAME [OPERATION]" "$T_TMP/odd"
t_end "the trace holds the events of an opened partition, in order"

t_begin
[ -s "$trace" ] || fail "no trace to look at"
for word in studio secret actor hidden Zelda Quux Xyzzy plover usa \
    "$TBL" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" 127.0.0.1; do
	grep -F -q -e "$word" "$trace" && fail "the trace holds \"$word\""
done
t_end "the trace holds no data: no ids, values, table, endpoint or keys"

t_begin
TUI_ENV="DYNREPO_TRACE=$T_TMP/no/such/dir/trace"
tui_start -p films
check_exit 1
grep -q "trace $T_TMP/no/such/dir/trace" "$T_TMP/tui.err" ||
    fail_file "stderr" "$T_TMP/tui.err"
TUI_ENV=
t_end "a trace file that cannot be made: a message and exit 1"

t_done
