# SPDX-License-Identifier: ISC
# The browser under faults: a throttled query shows "retrying (n/N) after
# throttling" while it waits, Esc ends the wait (and no request follows),
# and once the server answers again the same query loads; a load under a
# 30% mixed fault rate (plus a sure reset, corrupted body and throttle)
# shows every item, exactly once.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/fault/lib.sh"
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/tui/lib.sh"

fault_new_table
proxy_start
node -e 'for (let i = 0; i < 1000; i++)
	console.log(JSON.stringify({ partition_ids: [],
	    content_ids: ["c" + String(i).padStart(3, "0")],
	    item: { i, pad: "x".repeat(3000) } }));' >"$T_TMP/items.jsonl"
dr put $RW <"$T_TMP/items.jsonl" >/dev/null 2>&1 ||
    echo "Bail out! cannot seed the table"
tui_profile slow "endpoint = $FAULT_ENDPOINT" "max_attempts = 10"

t_begin
pctl config '{"reset":true,"rate":1,"faults":["throttle"]}'
tui_start -p slow
# The waits are random (full jitter, some near 0 ms): look for any attempt,
# then for a later one.
# Wait up to 15 s for "retrying (N/10) after throttling" with N > $1;
# sets RETRY_N.
wait_retry_after()
{
	RETRY_N=
	i=0
	while [ $i -lt 150 ]; do
		snap
		RETRY_N=$(sed -n 's/.*retrying (\([0-9]*\)\/10) after throttling.*/\1/p' \
		    "$TUI_SCREEN" | head -1)
		[ -n "$RETRY_N" ] && [ "$RETRY_N" -gt "$1" ] && return 0
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}
wait_retry_after 1 ||
    fail "no \"retrying (n/10) after throttling\" after the first attempt"
first=${RETRY_N:-1}
wait_retry_after "$first" || fail "the retry count does not move on"
keys Escape
wait_for "cancelled" 10 || fail "Esc did not cancel the wait"
n1=$(pstat requests.Query)
sleep 3
n2=$(pstat requests.Query)
[ "$n1" = "$n2" ] ||
    fail "requests went on after Esc: $n1 Queries, then $n2"
[ "$n1" -lt 10 ] || fail "all $n1 attempts were made before the cancel"
t_end "a throttled query shows retrying (n/N) after throttling; Esc ends the wait, no request follows"

t_begin
pctl config '{"reset":true,"rate":0}'
keys r
wait_for "c000" 15 || fail "the reload after the faults stopped shows nothing"
screen_lacks "retrying"
tui_stop
t_end "when the server answers again, the same query loads"

# A reset after sending, a corrupted body and a throttle for sure, then a
# third of the requests fail in every way the proxy knows; the browser
# loads all 1000 items (3 MB: several Query pages), each once, in order.
t_begin
pctl config '{"reset":true,"rate":0.3,"seed":11,"faults":["default"],"script":[{"op":"Query","fault":"reset_after"},{"op":"Query","skip":1,"fault":"crc"},{"op":"Query","skip":1,"fault":"throttle"}]}'
tui_start -p slow
wait_for "c000" 30 || fail "no items shown under faults"
keys L
wait_for "/1000 items" 90 || {
	fail "the load did not reach 1000 items"
	fail_file screen "$TUI_SCREEN"
}
keys G
wait_for "c999" 10 || fail "the last item is not shown"
check_proxy 'requests.Query>=6' 'faults.reset_after>=1' 'faults.crc>=1' \
    'faults.throttle>=1'
tui_stop
t_end "a 30% mixed fault rate: every one of 1000 items loads, in order"

# An edit saved while an export of several slow pages runs waits behind
# it; it is kept in a recovery file before the export's next request, so
# a kill -9 before the export ends does not lose it.
t_begin
RECDIR=$TUI_STATE/dynrepo/recovery/slow
rm -rf "$RECDIR"
pctl config '{"reset":true,"rate":0}'
tui_start -p slow
wait_for "c000" 30 || fail "no items shown"
pctl config '{"reset":true,"rate":1,"faults":["slow"],"ops":["Query"],"slow_ms":1500}'
colon "export $T_TMP/slow-export.jsonl"
keys Enter
wait_for "item c000" 10 || fail "no item view of c000"
colon "set i=4242"
i=0
while [ -z "$(ls "$RECDIR" 2>/dev/null)" ] && [ $i -lt 40 ]; do
	sleep 0.1
	i=$((i + 1))
done
sh_pid=$(pane_fmt pane_pid)
dr_pid=$(pgrep -P "$sh_pid" | head -n 1)
[ -n "$dr_pid" ] && kill -9 "$dr_pid"
wait_for "[exit 137]" 10 || fail "dynrepo was not killed"
[ "$(pstat requests.Query)" -lt 5 ] ||
    fail "the export was over before the kill: $(pstat requests.Query) Queries"
f=$(ls "$RECDIR" 2>/dev/null | head -n 1)
if [ -z "$f" ]; then
	fail "the queued edit was not kept before the kill"
else
	grep -q '4242' "$RECDIR/$f" || fail "the kept file lacks the edit"
	grep -q 'pending' "$RECDIR/$f" || fail "the kept file is not pending"
fi
pctl config '{"reset":true,"rate":0}'
t_end "an edit queued behind a slow export is kept before the export ends"

t_done
