# SPDX-License-Identifier: ISC
# Bad input, usage errors and failures of dynrepo: the exit status of
# dynrepo(1), a message that names the problem, nothing written; and no
# secret in the request log.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

# A PartitionedContent line with content id $1 (item {"n": $2}).
pc()
{
	printf '{"partition_ids":["e"],"content_ids":["%s"],"item":{"n":%s}}\n' \
	    "$1" "${2:-1}"
}

# Expect partition e of the test table to be empty.
check_nothing_written()
{
	dr list $RW --partition e >"$T_TMP/left" 2>&1
	if [ -s "$T_TMP/left" ]; then
		fail "something was written"
		fail_file "list" "$T_TMP/left"
	fi
}

# Run put -v on the stream $T_TMP/in; expect exit 2, "line $1" and the
# text $2 in the message, no write request and nothing in the table.
check_bad_put()
{
	run_in "$T_TMP/in" dr -v put $RW
	check_rc 2
	check_err_has "line $1"
	check_err_has "$2"
	check_err_has "nothing was written"
	check_err_lacks "BatchWriteItem attempt"
	check_err_lacks "PutItem attempt"
	check_nothing_written
}

new_table

# ---- put: the whole stream is checked before the first write -----------------
t_begin
{ pc a1; pc a2; echo '{"partition_ids":["e"],"content_ids":["a3"],"item":{"n":1}'; pc a4; pc a5; } >"$T_TMP/in"
check_bad_put 3 "invalid JSON"
t_end "put: malformed JSON on line 3 of 5 -> exit 2, 'line 3', lines 1-2 not written"

t_begin
{ pc a1; pc a2; pc a3; pc a4 123456789012345678901234567890123456789; } >"$T_TMP/in"
check_bad_put 4 "123456789012345678901234567890123456789"
check_err_has "38"
t_end "put: a number of 39 significant digits is refused"

t_begin
{ pc a1; pc a2 1e126; } >"$T_TMP/in"
check_bad_put 2 "1e126"
{ pc a1; pc a2 -1e-131; } >"$T_TMP/in"
check_bad_put 2 "1e-131"
t_end "put: numbers beyond DynamoDB's range (1e126, 1e-131) are refused"

t_begin
{ pc a1; pc 'x#y'; } >"$T_TMP/in"
check_bad_put 2 "x#y"
printf '%s\n' '{"partition_ids":["e#f"],"content_ids":["a"],"item":{}}' >"$T_TMP/in"
check_bad_put 1 "e#f"
t_end "put: an id containing '#' is refused (content and partition ids)"

t_begin
{ pc a1; printf '%s\n' '{"partition_ids":["e"],"content_ids":["a"],"item":{},"colour":1}'; } >"$T_TMP/in"
check_bad_put 2 "colour"
t_end "put: an unknown member is refused and named"

t_begin
{ pc a1; printf '%s\n' '{"partition_ids":["e"],"content_ids":["a"]}'; } >"$T_TMP/in"
check_bad_put 2 "item"
{ pc a1; printf '%s\n' '{"partition_ids":["e"],"content_ids":["a"],"item":[1]}'; } >"$T_TMP/in"
check_bad_put 2 "item"
{ pc a1; printf '%s\n' '{"partition_ids":"e","content_ids":["a"],"item":{}}'; } >"$T_TMP/in"
check_bad_put 2 "partition_ids"
t_end "put: a missing item, an item that is not an object, ids not a list"

t_begin
{ pc a1; printf '%s\n' '{"partition_ids":["e"],"content_ids":["a"],"item":{},"current_version":"2"}'; } >"$T_TMP/in"
check_bad_put 2 "current_version"
{ pc a1; printf '%s\n' '{"partition_ids":["e"],"content_ids":["a"],"item":{},"expiry":"tomorrow"}'; } >"$T_TMP/in"
check_bad_put 2 "expiry"
t_end "put: a bad current_version or expiry is refused"

t_begin
js '
for (let i = 0; i < 70; i++)
	console.log(JSON.stringify({ partition_ids: ["e"],
	    content_ids: ["b" + i], item: { n: i } }));
console.log("{\"partition_ids\":[\"e\"],\"content_ids\":[\"z\"],\"item\":{\"n\":1,}}");' >"$T_TMP/in"
check_bad_put 71 "invalid JSON"
t_end "put: a bad line 71 stops a batch stream before its first chunk"

# ---- bad filters --------------------------------------------------------------
GRAMMAR='FIELD missing | FIELD = VALUE | FIELD != VALUE'
t_begin
for f in 'year = ' 'year ~ 3' ' = 1' 'a == 1' 'a missing x' 'a.b. = 1' \
    'a = "unterminated' 'year'; do
	run dr -v list $RW --partition e --filter "$f"
	if [ "$RC" != 2 ]; then
		fail "--filter '$f': exit status $RC, expected 2"
	fi
	check_err_has "$GRAMMAR"
	check_err_lacks "Query attempt"
done
t_end "list: bad --filter -> exit 2, the grammar shown, nothing sent"

t_begin
run dr between $RW --partition e --start a --end b --filter 'name is x'
check_rc 2
check_err_has "$GRAMMAR"
t_end "between: a bad --filter is a usage error too"

# ---- usage errors ---------------------------------------------------------------
t_begin
run dr frobnicate $RW
check_rc 2
check_err_has 'frobnicate'
check_err_has 'verbs:'
run "$DYNREPO_BIN"
check_rc 2
t_end "an unknown or missing verb exits 2 with the list of verbs"

t_begin
run dr list $RW --partition e --colour
check_rc 2
check_err_has '--colour'
check_err_has 'usage: dynrepo list'
run dr --bogus profiles
check_rc 2
run dr list $RW --partition e extra
check_rc 2
t_end "an unknown option or a stray argument exits 2 with the verb's usage"

t_begin
for a in 'get --partition e --content a' 'list --partition e' \
    'between --partition e --start a --end b' 'delete --partition e --yes' \
    'update --partition e --content a --set a=1' 'create-table'; do
	run dr $a
	[ "$RC" = 2 ] || fail "$a without -p: exit status $RC, expected 2"
	check_err_has "-p"
done
printf '%s\n' "$(pc a)" >"$T_TMP/in"
run_in "$T_TMP/in" dr put
check_rc 2
check_nothing_written
t_end "every verb that opens a profile needs -p (exit 2)"

t_begin
run dr get $RW --partition e
check_rc 2
run dr list $RW
check_rc 2
run dr between $RW --partition e --start a
check_rc 2
run dr delete $RW --yes
check_rc 2
run dr update $RW --content a --set a=1
check_rc 2
t_end "a missing --partition, --content, --start/--end exits 2"

t_begin
for l in 0 -1 x 1.5; do
	run dr list $RW --partition e --limit "$l"
	[ "$RC" = 2 ] || fail "--limit $l: exit status $RC, expected 2"
done
run dr list $RW --partition e --output xml
check_rc 2
check_err_has "xml"
t_end "a bad --limit or --output exits 2"

t_begin
run dr list -p no-such-profile --partition e
[ "$RC" -ne 0 ] || fail "exit status 0"
check_err_has "no-such-profile"
run dr list -p "$T_TMP/missing.ini" --partition e
[ "$RC" -ne 0 ] || fail "exit status 0 for a missing file"
check_err_has "missing.ini"
t_end "an unknown profile name or file fails with a message naming it"

t_begin
mkdir "$T_TMP/badprof"
cat >"$T_TMP/badprof/bad.ini" <<EOF
[repository good]
table = good-table
endpoint = $DYNREPO_TEST_ENDPOINT
partition_prefix = a
partition_name = b
content_type = c

[repository nokey]
table = t-1
partition_prefix = a
partition_name = b

[repository typo]
table = t-2
partition_prefix = a
partition_name = b
content_type = c
colour = red
EOF
run "$DYNREPO_BIN" --profiles "$T_TMP/badprof" profiles
check_rc 1
check_err_has "bad.ini:8"
check_err_has "content_type"
check_err_has "bad.ini:18"
check_err_has "colour"
check_out_has "good-table"
run "$DYNREPO_BIN" --profiles "$T_TMP/badprof" list -p typo --partition e
[ "$RC" -ne 0 ] || fail "a broken profile was used"
t_end "profiles: FILE:LINE: reason for bad sections (exit 1), the rest load"

t_begin
run dr list $RW --partition e --endpoint http://192.0.2.1:8000
check_rc 2
check_err_has "allow_http"
run dr list $RW --partition e --endpoint ftp://127.0.0.1:1
check_rc 2
t_end "plain http to a host that is not loopback is refused (exit 2)"

# ---- update -----------------------------------------------------------------------
printf '%s\n' '{"partition_ids":["u"],"content_ids":["a"],"item":{"n":1,"l":["x"]}}' >"$T_TMP/u.jsonl"
dr put $RW <"$T_TMP/u.jsonl" >/dev/null 2>&1
dr get $RW --partition u --content a --output ddb >"$T_TMP/u0" 2>&1

# Expect the item u/a to be as it was first stored.
check_u_unchanged()
{
	dr get $RW --partition u --content a --output ddb >"$T_TMP/u1" 2>&1
	check cmp "$T_TMP/u0" "$T_TMP/u1"
}

t_begin
for a in '--incr n=1.5' '--incr n=x' '--set n' '--set =3' \
    '--append l=null' '--append l=[1,null]' '--version -1 --set n=2' \
    '--version x --set n=2' '--expiry soon --set n=2'; do
	run dr update $RW --partition u --content a $a
	[ "$RC" = 2 ] || fail "update $a: exit status $RC, expected 2"
done
check_u_unchanged
t_end "update: bad --set/--incr/--append/--version/--expiry exit 2, no write"

t_begin
for d in '' '{' '{"set_commands":{"n":2},"colour":1}' \
    '{"increment_attrs":{"n":"1"}}' '{"set_commands":[1]}'; do
	printf '%s\n' "$d" >"$T_TMP/in"
	run_in "$T_TMP/in" dr update $RW --partition u --content a
	[ "$RC" = 2 ] || fail "UpdateCommand '$d': exit status $RC, expected 2"
done
check_u_unchanged
t_end "update: a bad UpdateCommand on stdin exits 2, no write"

t_begin
printf '%s\n' '{"partition_ids":["u"],"content_ids":["a"]}' 'nope' >"$T_TMP/in"
run_in "$T_TMP/in" dr get-batch $RW
check_rc 2
check_err_has "line 2"
t_end "get-batch: a bad key line exits 2 and names the line"

t_begin
printf '%s\n' '{"partition_ids":["u"],"content_ids":["a#b"]}' >"$T_TMP/in"
run_in "$T_TMP/in" dr get-batch $RW
check_rc 2
t_end "get-batch: an id containing '#' is refused, as put refuses it"

t_begin
N39=123456789012345678901234567890123456789
run dr -v update $RW --partition u --content a --set "n=$N39"
check_rc 2
check_err_lacks "UpdateItem attempt"
printf '{"set_commands":{"n":%s}}\n' "$N39" >"$T_TMP/in"
run_in "$T_TMP/in" dr -v update $RW --partition u --content a
check_rc 2
check_err_lacks "UpdateItem attempt"
run dr -v list $RW --partition u --filter "n = 1e126"
check_rc 2
check_err_lacks "Query attempt"
check_u_unchanged
t_end "update --set / UpdateCommand / --filter: a number DynamoDB refuses is bad input (exit 2), not sent"

# ---- AWS problems ------------------------------------------------------------------
t_begin
mkdir "$T_TMP/nohome"
run env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_PROFILE \
    HOME="$T_TMP/nohome" "$DYNREPO_BIN" --profiles "$T_PROFDIR" \
    list $RW --partition e
check_rc 4
check_err_has "credentials"
t_end "no credentials at all exits 4"

t_begin
run dr list -p rw --table no-such-table --partition e
check_rc 1
check_err_has "ResourceNotFound"
t_end "a missing table fails (exit 1) with DynamoDB's error name"

# ---- secrets never reach the log ------------------------------------------------------
mkdir -p "$T_TMP/home/.aws"
cat >"$T_TMP/home/.aws/credentials" <<'EOF'
[filecreds]
aws_access_key_id = AKIDFILE
aws_secret_access_key = file-secret-do-not-log
aws_session_token = file-token-do-not-log
EOF
cat >"$T_TMP/home/.aws/config" <<'EOF'
[profile proccreds]
credential_process = printf '{"Version":1,"AccessKeyId":"AKIDPROC","SecretAccessKey":"proc-secret-do-not-log","SessionToken":"proc-token-do-not-log"}'
EOF
for p in filecreds proccreds; do
	cat >"$T_PROFDIR/$p.ini" <<EOF
[repository]
table            = $TBL
endpoint         = $DYNREPO_TEST_ENDPOINT
aws_profile      = $p
partition_prefix = content
partition_name   = film_actor
content_type     = film_actor
EOF
done

# Expect the file $1 to hold none of the test secrets nor a signature.
check_no_secret()
{
	for s in test-secret-key-do-not-log env-token-do-not-log \
	    file-secret-do-not-log file-token-do-not-log \
	    proc-secret-do-not-log proc-token-do-not-log \
	    Authorization Signature= Credential= X-Amz-Security-Token; do
		if grep -F -i -q -e "$s" "$1"; then
			fail "the log holds $s:"
			fail_file "log" "$1"
		fi
	done
}

t_begin
: >"$T_TMP/vlog"
AWS_SESSION_TOKEN=env-token-do-not-log
export AWS_SESSION_TOKEN
pc s1 >"$T_TMP/in"
pc s2 >>"$T_TMP/in"
dr -v put $RW <"$T_TMP/in" >/dev/null 2>>"$T_TMP/vlog"
pc s3 | dr -v put $RW >/dev/null 2>>"$T_TMP/vlog"
dr -v get $RW --partition e --content s1 >/dev/null 2>>"$T_TMP/vlog"
dr -v get $RW --partition e --content nope >/dev/null 2>>"$T_TMP/vlog"
printf '%s\n' '{"partition_ids":["e"],"content_ids":["s1"]}' |
    dr -v get-batch $RW >/dev/null 2>>"$T_TMP/vlog"
dr -v list $RW --partition e --filter 'n = 1' >/dev/null 2>>"$T_TMP/vlog"
dr -v between $RW --partition e --start s1 --end s2 >/dev/null 2>>"$T_TMP/vlog"
dr -v update $RW --partition e --content s1 --set n=2 >/dev/null 2>>"$T_TMP/vlog"
dr -v update $RW --partition e --content s1 --set n=3 --version 1 \
    >/dev/null 2>>"$T_TMP/vlog"
dr -v delete $RW --partition e --prefix s2 --yes >/dev/null 2>>"$T_TMP/vlog"
dr -v list -p rw --table no-such-table --partition e >/dev/null \
    2>>"$T_TMP/vlog"
dr -v list $RW --partition e --endpoint http://127.0.0.1:1 >/dev/null \
    2>>"$T_TMP/vlog"
unset AWS_SESSION_TOKEN
n=$(grep -c ' attempt ' "$T_TMP/vlog")
[ "$n" -ge 12 ] || { fail "only $n requests logged"; fail_file log "$T_TMP/vlog"; }
check grep -q 'UpdateItem attempt' "$T_TMP/vlog"
check_no_secret "$T_TMP/vlog"
t_end "-v logs every request of every verb and no secret or signature"

t_begin
: >"$T_TMP/vlog"
for p in filecreds proccreds; do
	run env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
	    HOME="$T_TMP/home" "$DYNREPO_BIN" --profiles "$T_PROFDIR" -v \
	    get -p "$p" --partition e --content s1
	[ "$RC" = 0 ] || { fail "$p: exit status $RC"; fail_file stderr "$ERR"; }
	grep -q '"n":2' "$OUT" || fail "$p: wrong output"
	cat "$ERR" >>"$T_TMP/vlog"
done
check_no_secret "$T_TMP/vlog"
t_end "credentials file and credential_process: used, never logged"

t_begin
chmod 600 "$T_TMP/home/.aws/credentials"
run env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY HOME="$T_TMP/home" \
    "$DYNREPO_BIN" --profiles "$T_PROFDIR" get -p filecreds --partition e \
    --content s1
check_rc 0
check_err_lacks "warning"
chmod 644 "$T_TMP/home/.aws/credentials"
chmod 666 "$T_PROFDIR/filecreds.ini"
run env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY HOME="$T_TMP/home" \
    "$DYNREPO_BIN" --profiles "$T_PROFDIR" get -p filecreds --partition e \
    --content s1
check_rc 0
check_err_has "warning: $T_TMP/home/.aws/credentials holds AWS secret keys and other users can read it (mode 0644)"
check_err_has "filecreds.ini can be changed by other users (mode 0666)"
check_no_secret "$ERR"
chmod 600 "$T_TMP/home/.aws/credentials"
chmod 644 "$T_PROFDIR/filecreds.ini"
t_end "a credentials file others can read, a profile others can change: warnings, no secret"

t_begin
rm -f "$T_TMP/req.log"
DYNREPO_LOG="$T_TMP/req.log"
export DYNREPO_LOG
AWS_SESSION_TOKEN=env-token-do-not-log
export AWS_SESSION_TOKEN
dr get $RW --partition e --content s1 >/dev/null 2>&1
dr update $RW --partition e --content s1 --incr n=1 >/dev/null 2>&1
unset DYNREPO_LOG AWS_SESSION_TOKEN
if [ -f "$T_TMP/req.log" ]; then
	m=$(ls -l "$T_TMP/req.log" | cut -c 1-10)
	[ "$m" = "-rw-------" ] || fail "DYNREPO_LOG file mode $m"
	check grep -q 'GetItem attempt' "$T_TMP/req.log"
	check grep -q 'UpdateItem attempt' "$T_TMP/req.log"
	check_no_secret "$T_TMP/req.log"
else
	fail "no DYNREPO_LOG file written"
fi
t_end "DYNREPO_LOG: a 0600 file with the requests and no secret"

t_done
