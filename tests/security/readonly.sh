# SPDX-License-Identifier: ISC
# read_only = true is enforced in the core: through a read-only profile
# every verb that writes (put, put --changed-only, update in each of its
# forms, delete, import, create-table) is refused with a message that
# says so, and the proxy in front of the server counts zero write
# requests; reads still work.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/fault/lib.sh"

WRITE_OPS="PutItem BatchWriteItem UpdateItem DeleteItem CreateTable \
DeleteTable UpdateTable TransactWriteItems ExecuteStatement \
BatchExecuteStatement ExecuteTransaction"

# Expect the proxy to have seen no write operation at all.
check_no_writes()
{
	set --
	for op in $WRITE_OPS; do
		set -- "$@" "requests.$op=0"
	done
	check_proxy "$@"
}

fault_new_table
proxy_start
node -e 'for (let i = 0; i < 40; i++)
	console.log(JSON.stringify({ partition_ids: ["r"],
	    content_ids: ["c" + String(i).padStart(2, "0")], item: { n: i } }));' \
    >"$T_TMP/r.jsonl"
dr put $RW <"$T_TMP/r.jsonl" >/dev/null 2>&1
dr export $RW --partition r -o "$T_TMP/r.export.jsonl" >/dev/null 2>&1
sed 's/"n":\([0-9]*\)/"n":\1,"changed":true/' "$T_TMP/r.jsonl" >"$T_TMP/r2.jsonl"
printf '%s\n' '{"set_commands":{"n":100},"increment_attrs":{"n":1}}' \
    >"$T_TMP/upd.json"

# Run a write through the read-only profile: refused, nothing sent.
ro_refused()
{
	ro_in=$1
	shift
	pctl config '{"reset":true}'
	run_in "$ro_in" dr "$@"
	check_rc 2
	check_err_has "read-only"
	check_no_writes
}

t_begin
ro_refused "$T_TMP/r2.jsonl" put $FRO
ro_refused "$T_TMP/r2.jsonl" put $FRO --changed-only
t_end "put and put --changed-only: refused, no write request"

t_begin
ro_refused /dev/null update $FRO --partition r --content c01 --set n=5
ro_refused /dev/null update $FRO --partition r --content c01 --incr n=1
ro_refused /dev/null update $FRO --partition r --content c01 --append l=x
ro_refused /dev/null update $FRO --partition r --content c01 --set n=5 \
    --expiry 2030-01-01 --version 1
ro_refused /dev/null update $FRO --partition r --content c99 --set n=5 \
    --no-require-exists
ro_refused "$T_TMP/upd.json" update $FRO --partition r --content c01
t_end "update (--set, --incr, --append, --expiry, new item, UpdateCommand on stdin): refused"

t_begin
ro_refused /dev/null delete $FRO --partition r --prefix c0 --yes
ro_refused /dev/null delete $FRO --partition r --yes
t_end "delete: refused before anything is deleted"

t_begin
ro_refused /dev/null import $FRO "$T_TMP/r.export.jsonl"
ro_refused "$T_TMP/r.export.jsonl" import $FRO -
ro_refused /dev/null import $FRO --changed-only "$T_TMP/r.export.jsonl"
t_end "import (file, stdin, --changed-only): refused"

t_begin
ro_refused /dev/null create-table -p fro --table "${TBL}_new"
t_end "create-table: refused"

t_begin
dr list $RW --partition r >"$T_TMP/after" 2>&1
check_js 'const got = h.jsonl(process.argv[1]);
if (got.length !== 40)
	throw new Error(got.length + " items, expected 40");
for (const l of got)
	if (l.current_version !== 1 || l.item.changed !== undefined ||
	    l.item.n !== Number(l.content_ids[0].slice(1)))
		throw new Error("changed: " + JSON.stringify(l));' "$T_TMP/after"
t_end "the table is exactly as it was"

t_begin
pctl config '{"reset":true}'
run dr get $FRO --partition r --content c01
check_rc 0
check_out_has '"n":1'
run dr list $FRO --partition r --limit 5
check_rc 0
check_lines 5
run dr export $FRO --partition r -o "$T_TMP/ro.export"
check_rc 0
check_proxy requests.GetItem=1 "requests.Query>=2"
check_no_writes
t_end "reads through the read-only profile work and send only reads"

t_done
