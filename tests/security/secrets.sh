# SPDX-License-Identifier: ISC
# Secrets never leave the process: every verb runs with -v and with
# DYNREPO_LOG, against the server and through the fault proxy (so retries
# and failures are logged too), with test credentials that include a
# session token; then everything written (stdout, stderr, the log files,
# exports, the demo database read with strings) is searched for the
# secret key, the token and the signature. Broken credential sources
# must not quote the secret either. The proxy proves the token was sent.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/fault/lib.sh"

# Test credentials: distinctive, with '/' and '+' as real keys have.
SECRET='tEsT/sEcReT+kEy0123456789ABCDEFGHIJKLMNOP'
TOKEN='IQoJb3JpZ2luX2VjEXAMPLEtestSESSIONtoken/only+for+dynrepo+tests0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789SeSsIoNtOkEnEnD'
AWS_ACCESS_KEY_ID=AKIDSECURITYTEST01
AWS_SECRET_ACCESS_KEY=$SECRET
AWS_SESSION_TOKEN=$TOKEN
export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
SECRET2='fIlE/sEcReT+kEy9876543210zyxwvutsrqponmlkji'
TOKEN2='FiLeSeSsIoNtOkEn/abcdefghijklmnopqrstuvwxyz+0123456789ABCDEF'
SECRET3='bRoKeN/sEcReT+kEy5555555555aaaaaaaaaabbbbbb'
W=$T_TMP/written
mkdir -p "$W" "$T_TMP/home/.aws" "$T_TMP/xdg"
XDG_DATA_HOME=$T_TMP/xdg
export XDG_DATA_HOME
# The journal of writes (and any recovery file) lands under $W, so every
# scan below covers it.
XDG_STATE_HOME=$W/state
export XDG_STATE_HOME

# Expect no file under $1 (recursively; gzip files also uncompressed,
# binary files searched byte for byte, as strings(1) would show them) to
# hold a secret, a token, a large piece of either, or a signature. One
# node process: a grep per file and pattern costs a minute here.
check_no_secret_in()
{
	check_js '
const fs = require("fs"), path = require("path"), zlib = require("zlib");
const pieces = [];
for (const s of process.argv.slice(2)) {
	pieces.push(s);
	if (s.length >= 40) {
		pieces.push(s.slice(0, 16), s.slice(s.length - 16));
		pieces.push(s.slice(Math.floor(s.length / 2) - 8,
		    Math.floor(s.length / 2) + 8));
	}
}
pieces.push("Signature=", "X-Amz-Security-Token:", "Authorization:");
const bad = [];
const walk = (d) => {
	for (const e of fs.readdirSync(d, { withFileTypes: true })) {
		const f = path.join(d, e.name);
		if (e.isDirectory()) {
			walk(f);
			continue;
		}
		let b = fs.readFileSync(f);
		if (b.length > 2 && b[0] === 0x1f && b[1] === 0x8b) {
			try { b = Buffer.concat([b, zlib.gunzipSync(b)]); }
			catch (x) { bad.push(f + ": a gzip file that does not unpack"); }
		}
		for (const p of pieces)
			if (b.includes(p))
				bad.push(path.relative(process.argv[1], f) +
				    " holds \"" + p.slice(0, 12) + "...\"");
	}
};
walk(process.argv[1]);
if (bad.length > 0) {
	console.log(bad.slice(0, 10).join("\n"));
	process.exit(1);
}' "$1" "$SECRET" "$TOKEN" "$SECRET2" "$TOKEN2" "$SECRET3"
}

# Run dynrepo with -v (log on stderr) and again with DYNREPO_LOG (log in
# a file); keep stdout, stderr and the log under $W as $1.*; stdin from
# $2 (or /dev/null). The rest is the command line.
vrun()
{
	vrun_name=$1
	vrun_in=$2
	shift 2
	"$DYNREPO_BIN" --profiles "$T_PROFDIR" -v "$@" <"$vrun_in" \
	    >"$W/$vrun_name.v.out" 2>"$W/$vrun_name.v.err"
	DYNREPO_LOG="$W/$vrun_name.log" "$DYNREPO_BIN" --profiles \
	    "$T_PROFDIR" "$@" <"$vrun_in" >"$W/$vrun_name.out" \
	    2>"$W/$vrun_name.err"
	RC=$?
}

fault_new_table
proxy_start
node -e 'for (let i = 0; i < 60; i++)
	console.log(JSON.stringify({ partition_ids: ["s"],
	    content_ids: ["c" + String(i).padStart(3, "0")],
	    item: { name: "n" + i, n: i } }));' >"$T_TMP/s.jsonl"
sed 's/,"item".*/}/' "$T_TMP/s.jsonl" >"$T_TMP/s.keys"
printf '%s\n' '{"set_commands":{"name":"via stdin"},"increment_attrs":{"n":1}}' \
    >"$T_TMP/upd.json"
cat >"$T_PROFDIR/sec.schema.json" <<'EOF'
{"title": "S", "type": "object",
 "properties": {"name": {"type": "string"}, "n": {"type": "integer"}},
 "required": ["name", "n"]}
EOF
cat >>"$T_PROFDIR/fault.ini" <<EOF

[repository fsec]
table            = $TBL
region           = us-east-1
endpoint         = $FAULT_ENDPOINT
partition_prefix = content
partition_name   = film_actor
content_type     = film_actor
schema           = sec.schema.json

[repository filecreds]
table            = $TBL
region           = us-east-1
endpoint         = $FAULT_ENDPOINT
partition_prefix = content
partition_name   = film_actor
content_type     = film_actor
aws_profile      = sec
EOF

# Every verb, once straight and once with faults.
all_verbs()
{
	p=$1	# a prefix for the file names
	vrun "$p.put" "$T_TMP/s.jsonl" put $FRW
	vrun "$p.get" /dev/null get $FRW --partition s --content c001
	vrun "$p.get-batch" "$T_TMP/s.keys" get-batch $FRW
	vrun "$p.list" /dev/null list $FRW --partition s --output table
	vrun "$p.between" /dev/null between $FRW --partition s --start c010 \
	    --end c020 --output json
	vrun "$p.update" /dev/null update $FRW --partition s --content c002 \
	    --set name=x --incr n=2
	vrun "$p.update-stdin" "$T_TMP/upd.json" update $FRW --partition s \
	    --content c003
	vrun "$p.export" /dev/null export $FRW --partition s -o \
	    "$W/$p.export.jsonl"
	vrun "$p.export-gz" /dev/null export $FRW --partition s --gzip -o \
	    "$W/$p.export.jsonl.gz"
	if [ -f "$W/$p.export.jsonl" ]; then
		vrun "$p.import" /dev/null import $FRW "$W/$p.export.jsonl"
	fi
	vrun "$p.check" /dev/null check -p fsec --partition s
	vrun "$p.check-all" /dev/null check -p fsec --all-partitions
	vrun "$p.partitions" /dev/null partitions $FRW
	vrun "$p.delete" /dev/null delete $FRW --partition s --prefix c05 --yes
	vrun "$p.whoami" /dev/null whoami $FRW
	vrun "$p.profiles" /dev/null profiles
}

t_begin
vrun create /dev/null create-table -p frw --table "${TBL}_2"
all_verbs plain
for v in put get get-batch list between update export check partitions; do
	[ -s "$W/plain.$v.v.err" ] || fail "$v -v logged nothing"
done
check grep -q "GetItem attempt" "$W/plain.get.log"
check_proxy "with_token>=20"
check_js 'const st = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
if (st.token !== process.env.AWS_SESSION_TOKEN)
	throw new Error("the proxy saw another token: " + String(st.token).slice(0, 12));
if (st.with_token !== st.total)
	throw new Error(st.total - st.with_token + " requests without the token");' \
    "$T_TMP/pstat.json"
[ -s "$W/state/dynrepo/journal.jsonl" ] || fail "the writes left no journal"
check_no_secret_in "$W"
t_end "every verb with -v and DYNREPO_LOG: the token was sent, nothing written holds a secret"

t_begin
pctl config '{"reset":true,"rate":0.5,"seed":3}'
AWS_MAX_ATTEMPTS=2
export AWS_MAX_ATTEMPTS
all_verbs faults
unset AWS_MAX_ATTEMPTS
pctl config '{"reset":true,"rate":1,"faults":["skew"]}'
vrun skew /dev/null get $FRW --partition s --content c001
grep -q . "$W/skew.err" || fail "the failing get printed no message"
grep -q "attempt" "$W/faults.list.v.err" || fail "no retries logged"
check_no_secret_in "$W"
t_end "with 50% faults and signature errors: messages and logs hold no secret"
pctl config '{"reset":true,"rate":0}'

t_begin
m=$(ls -l "$W/plain.get.log" | cut -c 1-10)
[ "$m" = "-rw-------" ] || fail "DYNREPO_LOG file mode $m"
for f in plain.export.jsonl plain.export.jsonl.gz; do
	m=$(ls -l "$W/$f" 2>/dev/null | cut -c 1-10)
	[ "$m" = "-rw-------" ] || fail "$f mode $m"
done
t_end "the log and the exports are created 0600"

# ---- credentials from the shared credentials file --------------------------
cat >"$T_TMP/home/.aws/credentials" <<EOF
[sec]
aws_access_key_id = AKIDFILETEST02
aws_secret_access_key = $SECRET2
aws_session_token = $TOKEN2
EOF
chmod 600 "$T_TMP/home/.aws/credentials"
t_begin
pctl config '{"reset":true}'
run env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
    HOME="$T_TMP/home" "$DYNREPO_BIN" --profiles "$T_PROFDIR" -v \
    get -p filecreds --partition s --content c001
check_rc 0
cp "$OUT" "$W/filecreds.out"
cp "$ERR" "$W/filecreds.err"
check_proxy requests.GetItem=1
check_js 'const st = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
if (st.token !== process.argv[2])
	throw new Error("the file token was not sent");' \
    "$T_TMP/pstat.json" "$TOKEN2"
check_no_secret_in "$W"
t_end "credentials file with a session token: used, never logged"

# A broken credentials file whose bad lines hold the secret: the error
# must name the file and line, never quote the value.
for bad in "aws_secret_access_key: $SECRET3" "aws_secret_access_key $SECRET3" \
    "[sec $SECRET3"; do
	t_begin
	printf '[sec]\naws_access_key_id = AKIDFILETEST03\n%s\n' "$bad" \
	    >"$T_TMP/home/.aws/credentials"
	run env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY \
	    -u AWS_SESSION_TOKEN HOME="$T_TMP/home" "$DYNREPO_BIN" \
	    --profiles "$T_PROFDIR" -v get -p filecreds --partition s \
	    --content c001
	[ "$RC" != 0 ] || fail "a broken credentials file was accepted"
	mkdir -p "$W/broken"
	cat "$OUT" "$ERR" >"$W/broken/out.$T_NUM"
	check_no_secret_in "$W/broken"
	t_end "a credentials file line \"$(printf %s "$bad" | head -1 |
	    cut -c 1-24)...\" is refused without quoting the secret"
done

# credential_process whose output is broken and holds the secret (its
# own stderr is shown as it is, as the AWS CLI shows it: not tested).
cat >"$T_TMP/proc.sh" <<EOF
#!/bin/sh
printf '{"Version": 1, "AccessKeyId": "AKIDPROC", "SecretAccessKey": "$SECRET3", "SessionToken": "$TOKEN2"'
exit \${1:-0}
EOF
chmod 755 "$T_TMP/proc.sh"
printf '[profile sec]\ncredential_process = %s\n' "$T_TMP/proc.sh" \
    >"$T_TMP/home/.aws/config"
: >"$T_TMP/home/.aws/credentials"
t_begin
run env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
    HOME="$T_TMP/home" "$DYNREPO_BIN" --profiles "$T_PROFDIR" -v \
    get -p filecreds --partition s --content c001
[ "$RC" != 0 ] || fail "broken credential_process output was accepted"
mkdir -p "$W/proc"
cat "$OUT" "$ERR" >"$W/proc/out"
printf '[profile sec]\ncredential_process = %s 1\n' "$T_TMP/proc.sh" \
    >"$T_TMP/home/.aws/config"
run env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN \
    HOME="$T_TMP/home" "$DYNREPO_BIN" --profiles "$T_PROFDIR" -v \
    get -p filecreds --partition s --content c001
[ "$RC" != 0 ] || fail "a failing credential_process was accepted"
cat "$OUT" "$ERR" >>"$W/proc/out"
check_no_secret_in "$W/proc"
rm -rf "$W/proc" "$W/broken"
t_end "credential_process with broken output or a failure: the secret is not repeated"

# ---- the demo database --------------------------------------------------------
t_begin
run "$DYNREPO_BIN" --demo
check_rc 0
cp "$XDG_DATA_HOME/dynrepo/demo.db" "$W/demo.db" 2>/dev/null ||
    fail "no demo database"
run "$DYNREPO_BIN" -v export -p demo-film-actors -o "$W/demo.export.jsonl"
check_no_secret_in "$W"
t_end "the demo database and its export hold no secret"

t_done
