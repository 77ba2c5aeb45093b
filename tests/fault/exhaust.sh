# SPDX-License-Identifier: ISC
# A 100% fault rate: every verb fails within the configured attempts
# (counted at the proxy), with a message that names the last error the
# proxy injected, and the attempts come from max_attempts /
# AWS_MAX_ATTEMPTS in the documented order.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/fault/lib.sh"

fault_new_table
proxy_start
node -e 'for (let i = 0; i < 300; i++)
	console.log(JSON.stringify({ partition_ids: ["p"],
	    content_ids: ["c" + String(i).padStart(3, "0")], item: { i } }));' \
    >"$T_TMP/p.jsonl"
dr put $RW <"$T_TMP/p.jsonl" >/dev/null 2>&1
sed 's/,"item".*/}/' "$T_TMP/p.jsonl" >"$T_TMP/p.keys"
cat >"$T_PROFDIR/check.schema.json" <<'EOF'
{"title": "P", "type": "object",
 "properties": {"i": {"title": "I", "type": "integer"}}, "required": ["i"]}
EOF
cat >>"$T_PROFDIR/fault.ini" <<EOF

[repository fchk]
table            = $TBL
region           = us-east-1
endpoint         = $FAULT_ENDPOINT
partition_prefix = content
partition_name   = film_actor
content_type     = film_actor
schema           = check.schema.json

[repository ftwo]
table            = $TBL
region           = us-east-1
endpoint         = $FAULT_ENDPOINT
partition_prefix = content
partition_name   = film_actor
content_type     = film_actor
max_attempts     = 2
EOF

# Expect the last run to have failed after exactly $2 requests of
# operation $1, its message naming the error of the last one.
check_gave_up()
{
	check_rc 1
	check_proxy "requests.$1=$2"
	check_js '
const fs = require("fs");
const [statf, errf, op, n] = process.argv.slice(1);
const st = JSON.parse(fs.readFileSync(statf, "utf8"));
const err = fs.readFileSync(errf, "utf8");
const names = {
	throttle: "ProvisionedThroughputExceededException",
	throttling: "ThrottlingException", limit: "RequestLimitExceeded",
	http429: "HTTP 429", e500: "InternalServerError", e500html: "HTTP 500",
	e502: "HTTP 502", e502html: "HTTP 502", e503: "ServiceUnavailable",
	e503html: "HTTP 503", e504: "HTTP 504", e504html: "HTTP 504",
	reset_before: "Connection reset", reset_after: "Connection reset",
	truncate: "transfer closed", crc: "CRC32",
};
const last = st.last[op];
if (names[last] === undefined)
	throw new Error("the last " + op + " was " + last);
if (!err.includes(names[last]))
	throw new Error("the last fault was " + last + "; the message lacks \"" +
	    names[last] + "\": " + err);
if (Number(n) > 1 && !err.includes("gave up after " + n + " attempts"))
	throw new Error("the message lacks \"gave up after " + n +
	    " attempts\": " + err);' "$T_TMP/pstat.json" "$ERR" "$1" "$2"
}

# Run dynrepo with AWS_MAX_ATTEMPTS=$1; like run otherwise.
run_attempts()
{
	run_attempts_n=$1
	shift
	run env AWS_MAX_ATTEMPTS="$run_attempts_n" "$DYNREPO_BIN" \
	    --profiles "$T_PROFDIR" "$@"
}

# Every fault of the default mix but the unprocessed ones (those answer
# 200 and are the batch loop's business).
MIX='["throttle","throttling","limit","http429","e500","e500html","e502","e502html","e503","e503html","e504","e504html","reset_before","reset_after","truncate","crc"]'
AWS_MAX_ATTEMPTS=4
export AWS_MAX_ATTEMPTS

seed=1
for verb in get list get-batch put check; do
	seed=$((seed + 1))
	pctl config "{\"reset\":true,\"rate\":1,\"seed\":$seed,\"faults\":$MIX}"
	t_begin
	case $verb in
	get)
		run dr get $FRW --partition p --content c001
		check_gave_up GetItem 4
		;;
	list)
		run dr list $FRW --partition p
		check_gave_up Query 4
		;;
	get-batch)
		run_in "$T_TMP/p.keys" dr get-batch $FRW
		check_gave_up BatchGetItem 4
		;;
	put)
		# The journal reads the before-images first: that read is
		# what gives up. Without the journal, the write itself.
		run_in "$T_TMP/p.jsonl" dr put $FRW
		check_gave_up BatchGetItem 4
		check_proxy requests.BatchWriteItem=0
		# One request at a time, so that the last fault is the
		# reported one's.
		pctl config "{\"reset\":true,\"rate\":1,\"seed\":$seed,\"faults\":$MIX}"
		run_in "$T_TMP/p.jsonl" dr --no-journal --in-flight 1 put $FRW
		check_gave_up BatchWriteItem 4
		# 4 in flight: each of the first 4 chunks (of the 300 items)
		# gives up after its own 4 attempts (the next is sent within a
		# millisecond, the retries wait 25 ms and more); nothing more
		# is sent after the first gave up.
		pctl config "{\"reset\":true,\"rate\":1,\"seed\":$seed,\"faults\":$MIX}"
		run_in "$T_TMP/p.jsonl" dr --no-journal put $FRW
		check_rc 1
		check_err_has "gave up after 4 attempts"
		check_proxy requests.BatchWriteItem=16
		;;
	check)
		run dr check -p fchk --table "$TBL" --partition p
		check_gave_up Query 4
		;;
	esac
	t_end "$verb at 100% faults: 4 attempts, then the last error named"
done

for k in throttle e503html reset_after crc; do
	t_begin
	pctl config "{\"reset\":true,\"rate\":1,\"faults\":[\"$k\"]}"
	run dr get $FRW --partition p --content c001
	check_gave_up GetItem 4
	t_end "get at 100% $k: 4 requests, then that error by name"
done

t_begin
pctl config "{\"reset\":true,\"rate\":1,\"faults\":$MIX}"
run_attempts 1 get $FRW --partition p --content c001
check_gave_up GetItem 1
check_err_lacks "gave up"
t_end "AWS_MAX_ATTEMPTS=1: one request, no retry"

t_begin
pctl config '{"reset":true,"rate":1,"faults":["throttle"]}'
run_attempts 7 get -p ftwo --table "$TBL" --partition p --content c001
check_gave_up GetItem 2
t_end "the profile's max_attempts = 2 wins over AWS_MAX_ATTEMPTS=7"

# An answered attempt keeps the connection; libcurl then re-sends a
# request whose reused connection is reset, beyond the attempts.
t_begin
pctl config '{"reset":true,"rate":0,"script":[{"op":"GetItem","fault":"e503"},{"op":"GetItem","fault":"reset_after","times":10}]}'
run dr get $FRW --partition p --content c001
check_rc 1
check_proxy requests.GetItem=4
t_end "a reset on a reused connection costs one attempt, not a hidden extra request"

t_begin
pctl config '{"reset":true}'
run_attempts 0 get $FRW --partition p --content c001
check_rc 2
check_err_has "AWS_MAX_ATTEMPTS"
check_proxy total=0
t_end "AWS_MAX_ATTEMPTS=0 is a configuration error, nothing sent"

t_done
