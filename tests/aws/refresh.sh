#!/bin/sh
# SPDX-License-Identifier: ISC
# Credentials that expire during a long list are renewed before any
# request fails, for every source that hands out temporary credentials.
#
# Time is compressed: the stand-ins hand out keys that say they expire in
# 302 s, so dynrepo (which renews 5 minutes before) renews them after
# 2 s; the DynamoDB front refuses a key 4 s after issuing it, as if it had
# expired. The front answers Query one item a page, 250 ms a request, so
# listing 20 items takes 5 s and outlives two keys.
AWS_SCRIPT=$0
. "$(dirname "$0")/lib.sh"

STANDIN_LIFETIME=302
STANDIN_USABLE=4
STANDIN_QUERY_LIMIT=1
STANDIN_DELAY_MS=250
export STANDIN_LIFETIME STANDIN_USABLE STANDIN_QUERY_LIMIT STANDIN_DELAY_MS
standin_start --sts --container --imds --ddb "$DYNREPO_TEST_ENDPOINT"
ROLE=arn:aws:iam::123456789012:role
WEBTOKEN=eyJhbGciOiJSUzI1NiJ9.standin-web-identity.c2ln
printf '%s' "$WEBTOKEN" >"$T_TMP/web-token"

new_table
node -e 'for (let i = 0; i < 20; i++)
	console.log(JSON.stringify({ partition_ids: ["p"],
	    content_ids: ["c" + String(i).padStart(2, "0")], item: { i } }));' \
    >"$T_TMP/items.jsonl"
run_in "$T_TMP/items.jsonl" dr put $RW
[ "$RC" = 0 ] || { echo "Bail out! put failed: $(cat "$ERR")"; exit 0; }
aws_profile ck "http://127.0.0.1:$DDB"
aws_profile ck-role "http://127.0.0.1:$DDB" "aws_profile = role"
aws_config "[profile role]
role_arn = $ROLE/long-run
credential_source = Environment"
STSENV="AWS_ENDPOINT_URL_STS=http://127.0.0.1:$STS"
STANDIN_KEYS="AWS_ACCESS_KEY_ID=AKIDSTANDIN"
STANDIN_SECRET="AWS_SECRET_ACCESS_KEY=standin-secret-do-not-log"

# Expect the last list to have printed all 20 items, no request refused,
# and Query signed with at least three different keys of the prefix $1.
check_long_list()
{
	check_rc 0
	check_lines 20
	check_log_lacks "refused"
	check_no_secret
	n=$(grep "ddb Query by $1" "$AWS_LOG" | sed 's/.* by //; s/ ok$//' |
	    sort -u | wc -l | tr -d ' ')
	q=$(grep -c "ddb Query by" "$AWS_LOG")
	if [ "$n" -lt 3 ] || [ "$q" -lt 20 ]; then
		fail "$q Query requests with $n keys of $1; expected 20+ and 3+"
		fail_file "stand-in log" "$AWS_LOG"
	fi
}

t_begin
log_reset
aws_run "$STSENV" AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/creds/ok \
    DYNREPO_TEST_CONTAINER_HOST=127.0.0.1:$CTR -- list -p ck --partition p
check_long_list ASIACTR
t_end "container credentials renewed during a long list"

t_begin
log_reset
aws_run "$STSENV" "$STANDIN_KEYS" "$STANDIN_SECRET" -- list -p ck-role \
    --partition p
check_long_list ASIAROLE
check_log_has "sts AssumeRole role=long-run"
t_end "an assumed role renewed during a long list"

t_begin
log_reset
aws_run "$STSENV" AWS_WEB_IDENTITY_TOKEN_FILE="$T_TMP/web-token" \
    AWS_ROLE_ARN=$ROLE/ci -- list -p ck --partition p
check_long_list ASIAWEB
t_end "web identity credentials renewed during a long list"

t_begin
log_reset
aws_run "$STSENV" AWS_EC2_METADATA_DISABLED=false \
    AWS_EC2_METADATA_SERVICE_ENDPOINT=http://127.0.0.1:$IMDS -- list -p ck \
    --partition p
check_long_list ASIAIMDS
t_end "instance role credentials renewed during a long list"

# The control: keys refused after 1 s, before dynrepo renews them at 2 s.
STANDIN_USABLE=1
export STANDIN_USABLE
standin_start --container --ddb "$DYNREPO_TEST_ENDPOINT"
aws_profile ck2 "http://127.0.0.1:$DDB"
t_begin
log_reset
aws_run AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/creds/ok \
    DYNREPO_TEST_CONTAINER_HOST=127.0.0.1:$CTR -- list -p ck2 --partition p
check_rc 4
check_err_has "ExpiredTokenException"
check_log_has "ddb Query refused ExpiredTokenException"
t_end "the front does refuse keys used too long (the check can fail)"

t_done
