# SPDX-License-Identifier: ISC
# The journal and `dynrepo undo`, through the CLI, against the server and
# against the embedded store: put, put batch, update, delete and import
# undone; undo of an undo redoes; a change made in between is never
# overwritten; the journal is 0600 in a 0700 directory and holds no secret.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

XDG_STATE_HOME=$T_TMP/state
export XDG_STATE_HOME
JOURNAL=$XDG_STATE_HOME/dynrepo/journal.jsonl
# A session token too, so the secret test has one to look for.
AWS_SESSION_TOKEN='UnDoTeStSeSsIoNtOkEn/only+for+the+journal+test0123456789'
export AWS_SESSION_TOKEN

cat >"$T_PROFDIR/local.ini" <<EOP
[repository loc]
table            = undo-table
endpoint         = local:$T_TMP/local.db
partition_prefix = content
partition_name   = film_actor
content_type     = film_actor

[repository locro]
table            = undo-table
endpoint         = local:$T_TMP/local.db
partition_prefix = content
partition_name   = film_actor
content_type     = film_actor
read_only        = true
EOP

# One content line: partition p, content id $1, name $2, n $3.
line()
{
	printf '{"partition_ids":["p"],"content_ids":["%s"],"item":{"name":"%s","n":%s}}\n' \
	    "$1" "$2" "$3"
}

# The stored item (DynamoDB JSON) of content id $1 into file $2 (empty
# when there is none).
stored()
{
	dr get $P --partition p --content "$1" --output ddb >"$2" 2>/dev/null ||
	    : >"$2"
}

# Expect files $1 and $2 to hold the same bytes; $3 says what is wrong.
check_same()
{
	cmp -s "$1" "$2" || {
		fail "$3"
		fail_file "expected" "$1"
		fail_file "got" "$2"
	}
}

# The undo tests, with $P the profile options and $1 the store's name.
suite()
{
	S=$1

	t_begin
	line a A 1 >"$T_TMP/a.jsonl"
	run_in "$T_TMP/a.jsonl" dr put $P
	check_rc 0
	run dr undo $P
	check_rc 0
	check_out_has "undo put of "
	check_out_has "delete "
	stored a "$T_TMP/now"
	[ -s "$T_TMP/now" ] && fail "the item is still there"
	[ "$(stat -c %a "$JOURNAL" 2>/dev/null)" = 600 ] ||
	    fail "journal mode is not 600"
	[ "$(stat -c %a "$XDG_STATE_HOME/dynrepo" 2>/dev/null)" = 700 ] ||
	    fail "journal directory is not 0700"
	t_end "$S: undo of a put that created an item deletes it; journal 0600 in 0700"

	t_begin
	line b First 1.50 >"$T_TMP/b1.jsonl"
	line b Second 2 >"$T_TMP/b2.jsonl"
	run_in "$T_TMP/b1.jsonl" dr put $P
	stored b "$T_TMP/before"
	run_in "$T_TMP/b2.jsonl" dr put $P
	stored b "$T_TMP/after"
	run dr undo $P
	check_rc 0
	check_out_has "put back"
	stored b "$T_TMP/now"
	check_same "$T_TMP/before" "$T_TMP/now" "undo did not restore the item"
	run dr undo $P
	check_rc 0
	check_out_has "undo undo of "
	stored b "$T_TMP/now"
	check_same "$T_TMP/after" "$T_TMP/now" "undo of the undo did not redo"
	t_end "$S: undo of a put over an item restores it byte for byte; undo again redoes"

	t_begin
	stored b "$T_TMP/before"
	run dr update $P --partition p --content b --set name=Third --incr n=5
	check_rc 0
	stored b "$T_TMP/after"
	run dr undo $P --dry-run
	check_rc 0
	check_out_has "would undo update of "
	stored b "$T_TMP/now"
	check_same "$T_TMP/after" "$T_TMP/now" "--dry-run wrote"
	run dr undo $P
	check_rc 0
	stored b "$T_TMP/now"
	check_same "$T_TMP/before" "$T_TMP/now" "undo of update did not restore"
	t_end "$S: undo of an update restores the before-image; --dry-run writes nothing"

	t_begin
	run dr update $P --partition p --content b --set name=Mine
	check_rc 0
	# Someone else writes after us (not journaled).
	run dr --no-journal update $P --partition p --content b --set name=Theirs
	check_rc 0
	stored b "$T_TMP/theirs"
	run dr undo $P
	check_rc 3
	check_err_has "changed since"
	check_err_has "name"
	check_err_has "nothing was written"
	stored b "$T_TMP/now"
	check_same "$T_TMP/theirs" "$T_TMP/now" "a refused undo wrote"
	t_end "$S: undo refuses when the item changed since (exit 3, says what changed)"

	t_begin
	: >"$T_TMP/batch.jsonl"
	i=0
	while [ $i -lt 30 ]; do
		line "k$i" "N$i" "$i" >>"$T_TMP/batch.jsonl"
		i=$((i + 1))
	done
	# One item of the batch exists already: undo must put it back.
	line k0 Old 100 >"$T_TMP/k0.jsonl"
	run_in "$T_TMP/k0.jsonl" dr put $P
	stored k0 "$T_TMP/before"
	run_in "$T_TMP/batch.jsonl" dr put $P
	check_rc 0
	run dr undo $P --list -n 1
	check_rc 0
	check_out_has "put-batch"
	check_out_has "30 items"
	run dr undo $P
	check_rc 0
	run dr list $P --partition p --prefix k
	check_lines 1
	stored k0 "$T_TMP/now"
	check_same "$T_TMP/before" "$T_TMP/now" "k0 not restored"
	t_end "$S: undo of a put batch deletes what it created, restores what it replaced"

	t_begin
	run dr delete $P --partition p --prefix k --yes
	check_rc 0
	run dr undo $P
	check_rc 0
	check_out_has "re-create"
	stored k0 "$T_TMP/now"
	check_same "$T_TMP/before" "$T_TMP/now" "k0 not re-created"
	# A deleted item is put back only where nothing exists now.
	run dr delete $P --partition p --prefix k0 --yes
	run_in "$T_TMP/k0.jsonl" dr --no-journal put $P
	run dr undo $P
	check_rc 3
	check_err_has "written again since"
	t_end "$S: undo of a delete re-creates the items, never over a newer one"

	t_begin
	line d D0 0 >"$T_TMP/d0.jsonl"
	run_in "$T_TMP/d0.jsonl" dr put $P
	stored d "$T_TMP/before"
	{ line d D1 1; line e E1 1; line d D2 2; } >"$T_TMP/d.jsonl"
	run_in "$T_TMP/d.jsonl" dr put $P
	check_rc 0
	run dr undo $P
	check_rc 0
	stored d "$T_TMP/now"
	check_same "$T_TMP/before" "$T_TMP/now" "d is not back to D0"
	stored e "$T_TMP/now"
	[ -s "$T_TMP/now" ] && fail "e is still there"
	t_end "$S: a stream writing one key twice undoes to what was there first"

	t_begin
	line m1 M1 1 >"$T_TMP/m.jsonl"
	run_in "$T_TMP/m.jsonl" dr put $P
	line m2 M2 2 >"$T_TMP/m.jsonl"
	run_in "$T_TMP/m.jsonl" dr put $P
	run dr undo $P -n 2
	check_rc 0
	run dr list $P --partition p --prefix m
	check_lines 0
	t_end "$S: undo -n 2 undoes the last two writes"

	t_begin
	printf '%s\n' \
	    '{"Item":{"_table_item_id":{"S":"content#film_actor#p"},"_table_content_id":{"S":"film_actor#imp"},"x":{"N":"1.0"}}}' \
	    >"$T_TMP/imp.jsonl"
	run dr import $P "$T_TMP/imp.jsonl"
	check_rc 0
	run dr undo $P --list -n 1
	check_out_has "import"
	run dr undo $P
	check_rc 0
	stored imp "$T_TMP/now"
	[ -s "$T_TMP/now" ] && fail "the imported item is still there"
	t_end "$S: undo of an import"
}

# ---- against the server ---------------------------------------------------
new_table
P=$RW
suite server

t_begin
run dr undo $RO
check_rc 2
check_err_has "read-only"
t_end "undo on a read-only profile writes nothing (exit 2)"

t_begin
new_table
P=$RW
run dr undo $P
check_rc 1
check_err_has "no write"
t_end "undo with nothing journaled for the table fails clearly"

t_begin
run dr undo $P -n 100001
check_rc 2
check_err_has "-n: at most 100000 writes at once"
run dr undo $P --list -n 100000000000
check_rc 2
check_err_has "-n: at most 100000 writes at once"
t_end "undo -n past 100000 is a usage error (exit 2), not an abort"

t_begin
wc -l <"$JOURNAL" >"$T_TMP/n0"
line off Off 1 >"$T_TMP/off.jsonl"
DYNREPO_JOURNAL=off
export DYNREPO_JOURNAL
run_in "$T_TMP/off.jsonl" dr put $P
unset DYNREPO_JOURNAL
check_rc 0
[ "$(wc -l <"$JOURNAL")" = "$(cat "$T_TMP/n0")" ] ||
    fail "DYNREPO_JOURNAL=off still journaled"
run dr --no-journal undo $P
check_rc 2
t_end "DYNREPO_JOURNAL=off and --no-journal write no entry"

# ---- against the embedded store -------------------------------------------
P="-p loc"
dr create-table $P >/dev/null 2>&1
suite local

t_begin
P="-p locro"
run dr undo $P
check_rc 2
t_end "local: undo on a read-only profile writes nothing"

# ---- secrets ---------------------------------------------------------------
t_begin
for s in "$AWS_SECRET_ACCESS_KEY" "$AWS_SESSION_TOKEN" "$AWS_ACCESS_KEY_ID"; do
	if grep -F -q -e "$s" "$JOURNAL"; then
		fail "the journal holds a credential"
	fi
done
if grep -q -i -e 'authorization' -e 'x-amz-security-token' "$JOURNAL"; then
	fail "the journal holds a request header"
fi
[ -s "$JOURNAL" ] || fail "the journal is empty"
t_end "the journal holds no credential (secret key, session token, key id)"

t_done
