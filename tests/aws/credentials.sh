#!/bin/sh
# SPDX-License-Identifier: ISC
# Every credential source against the stand-ins on 127.0.0.1: STS (its
# signatures checked), web identity, the container endpoint, IMDSv2; their
# expired, malformed and slow answers; whoami; DynamoDB requests signed
# with what each source gave, checked by the front in tests/aws/servers.
AWS_SCRIPT=$0
. "$(dirname "$0")/lib.sh"

standin_start --sts --container --imds --ddb "$DYNREPO_TEST_ENDPOINT"
CK=http://127.0.0.1:$DDB
STSURL=http://127.0.0.1:$STS
IMDSURL=http://127.0.0.1:$IMDS
ROLE=arn:aws:iam::123456789012:role
WEBTOKEN=eyJhbGciOiJSUzI1NiJ9.standin-web-identity.c2ln

t_begin
check node "$AWS_SERVERS/sigv4.js" --selftest "$DYNREPO_TESTDATA/sigv4"
t_end "the stand-ins' SigV4 check passes the AWS vectors and catches changes"

new_table
printf '%s\n' '{"partition_ids":["p"],"content_ids":["a"],"item":{"n":1}}' \
    '{"partition_ids":["p"],"content_ids":["b"],"item":{"n":2}}' \
    >"$T_TMP/items.jsonl"
run_in "$T_TMP/items.jsonl" dr put $RW
[ "$RC" = 0 ] || { echo "Bail out! put failed: $(cat "$ERR")"; exit 0; }
aws_profile ck "$CK"
aws_profile ck-dev "$CK" "aws_profile = dev"
aws_profile ck-ci "$CK" "aws_profile = ci"
aws_profile ck-from-env "$CK" "aws_profile = from-env"
printf '%s' "$WEBTOKEN" >"$T_TMP/web-token"
printf 'not-the-token' >"$T_TMP/bad-token"
aws_credentials "[base]
aws_access_key_id = AKIDSTANDIN
aws_secret_access_key = standin-secret-do-not-log
[wrong-secret]
aws_access_key_id = AKIDSTANDIN
aws_secret_access_key = not-the-secret
[files]
aws_access_key_id = AKIDSOURCE2
aws_secret_access_key = source2-secret-do-not-log"
aws_config "[profile dev]
role_arn = $ROLE/dev
source_profile = base
role_session_name = alice
duration_seconds = 1800
[profile chain]
role_arn = $ROLE/top
source_profile = dev
[profile loop-a]
role_arn = $ROLE/a
source_profile = loop-b
[profile loop-b]
role_arn = $ROLE/b
source_profile = loop-a
[profile ext]
role_arn = $ROLE/external
source_profile = base
external_id = ext-42
[profile denied]
role_arn = $ROLE/denied
source_profile = base
[profile expired]
role_arn = $ROLE/expired
source_profile = base
[profile malformed]
role_arn = $ROLE/malformed
source_profile = base
[profile slow]
role_arn = $ROLE/slow
source_profile = base
[profile mfa]
role_arn = $ROLE/mfa
source_profile = base
mfa_serial = arn:aws:iam::123456789012:mfa/alice
[profile from-env]
role_arn = $ROLE/from-env
credential_source = Environment
[profile from-ec2]
role_arn = $ROLE/from-ec2
credential_source = Ec2InstanceMetadata
[profile from-ecs]
role_arn = $ROLE/from-ecs
credential_source = EcsContainer
[profile ci]
web_identity_token_file = $T_TMP/web-token
role_arn = $ROLE/ci-profile
role_session_name = ci-run"
STSENV="AWS_ENDPOINT_URL_STS=$STSURL"

# ---- environment and files ------------------------------------------------

t_begin
log_reset
aws_run AWS_ACCESS_KEY_ID=AKIDSTANDIN \
    AWS_SECRET_ACCESS_KEY=standin-secret-do-not-log "$STSENV" -- whoami -p ck
check_rc 0
check_out_has "source       environment"
check_out_has "account      123456789012"
check_out_has "arn          arn:aws:iam::123456789012:user/akidstandin"
check_out_has "expires      never (long-term keys)"
check_out_has "sts          $STSURL"
check_out_lacks "AKIDSTANDIN"
check_no_secret
check_log_has "sts GetCallerIdentity signed by AKIDSTANDIN for us-east-1"
t_end "whoami: environment keys, account and ARN from GetCallerIdentity, no keys shown"

t_begin
aws_run "$STSENV" AWS_PROFILE=files -- whoami -p ck --output json
check_rc 0
check_js 'const o = JSON.parse(require("fs").readFileSync(process.argv[1]));
if (o.source !== "shared-credentials-file" || o.account !== "123456789012" ||
    o.arn !== "arn:aws:iam::123456789012:user/akidsource2" ||
    o.expiration !== null || !/\.aws\/credentials \[files\]$/.test(o.detail))
	throw new Error(JSON.stringify(o));' "$OUT"
check_no_secret
t_end "whoami --output json: keys of the credentials file (AWS_PROFILE)"

t_begin
log_reset
aws_run "$STSENV" AWS_PROFILE=files -- list -p ck --partition p
check_rc 0
check_lines 2
check_log_has "ddb Query by AKIDSOURCE2 ok"
check_no_secret
t_end "list through the signature-checking front with file keys"

t_begin
log_reset
aws_run "$STSENV" AWS_PROFILE=wrong-secret -- whoami -p ck
check_rc 4
check_err_has "STS GetCallerIdentity at 127.0.0.1:$STS: HTTP 403 SignatureDoesNotMatch"
check_err_lacks "not-the-secret"
check_log_has "sts GetCallerIdentity -> 403 SignatureDoesNotMatch"
aws_run "$STSENV" AWS_PROFILE=wrong-secret -- list -p ck --partition p
check_rc 4
check_err_has "InvalidSignatureException"
t_end "a wrong secret: STS and the DynamoDB front refuse the signature (exit 4)"

# ---- assume role -----------------------------------------------------------

t_begin
log_reset
aws_run "$STSENV" -- whoami -p ck-dev
check_rc 0
check_out_has "source       assume-role"
check_out_has "arn          arn:aws:sts::123456789012:assumed-role/dev/alice"
check_out_has "from         role $ROLE/dev of AWS profile 'dev', from shared-credentials-file"
check_out_has "aws profile  dev (the profile's aws_profile)"
check_no_secret
check_log_has "sts AssumeRole signed by AKIDSTANDIN for us-east-1"
check_log_has "sts AssumeRole role=dev session=alice duration=1800"
check_log_has "sts GetCallerIdentity signed by ASIAROLE"
t_end "assume role: source_profile keys sign AssumeRole; the role's key signs the rest"

t_begin
log_reset
aws_run "$STSENV" -- list -p ck-dev --partition p
check_rc 0
check_lines 2
check_log_has "ddb Query by ASIAROLE"
check_log_lacks "refused"
t_end "assume role: DynamoDB requests signed with the session (token included)"

t_begin
log_reset
aws_run "$STSENV" AWS_PROFILE=chain -- whoami -p ck
check_rc 0
check_out_has "assumed-role/top/dynrepo-session-"
check_log_has "sts AssumeRole role=dev session=alice"
check_log_has "sts AssumeRole role=top session=dynrepo-session-"
check_no_secret
t_end "assume role: a chain of source profiles, through AWS_PROFILE"

t_begin
log_reset
aws_run "$STSENV" AWS_PROFILE=loop-a -- whoami -p ck
check_rc 2
check_err_has "AWS profile 'loop-b': source_profile loop: loop-a -> loop-b -> loop-a"
check_log_lacks "sts"
t_end "assume role: a source_profile loop is reported, nothing sent"

t_begin
aws_run "$STSENV" AWS_PROFILE=ext -- whoami -p ck
check_rc 0
check_out_has "assumed-role/external/"
check_log_has "external=ext-42"
t_end "assume role: external_id is sent"

t_begin
aws_run "$STSENV" AWS_PROFILE=denied -- list -p ck --partition p
check_rc 4
check_err_has "AWS profile 'denied': STS AssumeRole of $ROLE/denied at 127.0.0.1:$STS: HTTP 403 AccessDenied: User: arn:aws:iam::123456789012:user/akidstandin is not authorized to perform: sts:AssumeRole"
check_no_secret
t_end "assume role: AccessDenied is a permission error (exit 4) naming the role"

t_begin
aws_run "$STSENV" AWS_PROFILE=expired -- whoami -p ck
check_rc 4
check_err_has "STS AssumeRole of $ROLE/expired at 127.0.0.1:$STS: the credentials it returned expired at"
aws_run "$STSENV" AWS_PROFILE=malformed -- whoami -p ck
check_rc 4
check_err_has "STS AssumeRole of $ROLE/malformed at 127.0.0.1:$STS: the answer's Credentials lack SessionToken"
check_no_secret
t_end "assume role: expired and malformed STS answers are refused, nothing quoted"

t_begin
aws_run "$STSENV" AWS_PROFILE=slow DYNREPO_TEST_TIMEOUT_MS=300 -- whoami -p ck
check_rc 1
check_err_has "STS AssumeRole of $ROLE/slow: 127.0.0.1:$STS: Timeout was reached"
t_end "assume role: a slow STS times out (the test hook shortens the wait)"

t_begin
aws_run "$STSENV" AWS_PROFILE=mfa -- whoami -p ck
check_rc 4
check_err_has "AWS profile 'mfa': an MFA code is needed and there is no terminal to ask for it on"
check_log_lacks "role=mfa"
t_end "mfa_serial without a terminal fails clearly, before STS"

t_begin
if command -v script >/dev/null 2>&1; then
	log_reset
	# script gives dynrepo a terminal; the code is typed after the
	# prompt (what is typed before it is flushed, as getpass does)
	(sleep 1; printf '123456\n'; sleep 3) |
	    env -i PATH="$PATH" HOME="$AWS_HOME" \
	    AWS_EC2_METADATA_DISABLED=true "$STSENV" AWS_PROFILE=mfa \
	    DYNREPO_BIN="$DYNREPO_BIN" T_PROFDIR="$T_PROFDIR" \
	    script -qec '"$DYNREPO_BIN" --profiles "$T_PROFDIR" whoami -p ck' \
	    /dev/null >"$OUT" 2>"$ERR"
	RC=$?
	check_rc 0
	check_out_has "Enter MFA code for arn:aws:iam::123456789012:mfa/alice:"
	check_out_has "assumed-role/mfa/"
	check_out_lacks "mfa/alice: 1"
	check_log_has "mfa=arn:aws:iam::123456789012:mfa/alice"
	t_end "mfa_serial: the code is asked for on the terminal, not echoed"
else
	t_end "mfa_serial on a terminal # SKIP no script(1)"
fi

# Run the shell line $1 under script(1), a terminal, as the MFA profile
# (dynrepo as "$DYNREPO_BIN", put's input as "$T_IN"): once the prompt
# for the code shows, a Ctrl-C, then 2 s later a code. The shell's trap
# keeps it alive after the Ctrl-C to print dynrepo's status and run
# stty. All of it in $OUT.
mfa_ctrl_c()
{
	: >"$OUT"
	(
		i=0
		while ! grep -q "Enter MFA code" "$OUT" 2>/dev/null &&
		    [ $i -lt 300 ]; do
			sleep 0.1
			i=$((i + 1))
		done
		sleep 0.3
		printf '\003'
		sleep 2
		printf '123456\n'
		sleep 3
	) | env -i PATH="$PATH" HOME="$AWS_HOME" \
	    AWS_EC2_METADATA_DISABLED=true "$STSENV" AWS_PROFILE=mfa \
	    DYNREPO_BIN="$DYNREPO_BIN" T_PROFDIR="$T_PROFDIR" \
	    T_IN="$T_TMP/mfa.jsonl" \
	    script -qec "trap 'echo trapped' INT; $1; echo rc=\$?; stty -a" \
	    /dev/null >"$OUT" 2>"$ERR"
}

t_begin
if command -v script >/dev/null 2>&1; then
	# A put sends its batches from threads of its own, which block
	# SIGINT. The code is asked for before the first of them, where a
	# Ctrl-C ends the prompt: nothing is written, the put dies of the
	# signal, and the terminal echoes again. (Were the prompt on such a
	# thread, the Ctrl-C would be missed and the code typed after it
	# taken.)
	i=0
	while [ $i -lt 60 ]; do
		printf '{"partition_ids":["mfa"],"content_ids":["c%d"],"item":{"n":%d}}\n' \
		    $i $i
		i=$((i + 1))
	done >"$T_TMP/mfa.jsonl"
	mfa_ctrl_c '"$DYNREPO_BIN" --profiles "$T_PROFDIR" --no-journal put -p ck <"$T_IN"'
	check_out_has "Enter MFA code for arn:aws:iam::123456789012:mfa/alice:"
	check_out_has "no MFA code was given"
	# --no-journal: the stop does not promise a journal
	check_out_has "stopping: the requests sent are answered, nothing more"
	check_out_has "rc=130"
	check_out_has "dynrepo put: 0 items written"
	check_out_lacks "-echo "
	run dr list $RW --partition mfa
	check_rc 0
	check_lines 0
	t_end "mfa_serial: a Ctrl-C at the prompt of a put ends it, nothing written, echo back"
else
	t_end "mfa_serial: Ctrl-C at a put's prompt # SKIP no script(1)"
fi

t_begin
if command -v script >/dev/null 2>&1; then
	# A verb that reads ends at once on a Ctrl-C, the prompt's too:
	# after the terminal has its echo back.
	mfa_ctrl_c '"$DYNREPO_BIN" --profiles "$T_PROFDIR" list -p ck --partition p'
	check_out_has "Enter MFA code for arn:aws:iam::123456789012:mfa/alice:"
	check_out_has "rc=130"
	check_out_lacks "stopping"
	check_out_lacks "-echo "
	check_out_lacks '"content_ids"'
	t_end "mfa_serial: a Ctrl-C at the prompt of a list ends it, echo back"
else
	t_end "mfa_serial: Ctrl-C at a list's prompt # SKIP no script(1)"
fi

t_begin
log_reset
aws_run "$STSENV" AWS_ACCESS_KEY_ID=AKIDSTANDIN \
    AWS_SECRET_ACCESS_KEY=standin-secret-do-not-log -- whoami -p ck-from-env
check_rc 0
check_out_has "from         role $ROLE/from-env of AWS profile 'from-env', from environment"
check_log_has "sts AssumeRole signed by AKIDSTANDIN"
t_end "credential_source = Environment (with aws_profile: the keys are read for it only)"

t_begin
log_reset
aws_run "$STSENV" AWS_PROFILE=from-ecs \
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/creds/ok \
    DYNREPO_TEST_CONTAINER_HOST=127.0.0.1:$CTR -- whoami -p ck
check_rc 0
check_out_has "assumed-role/from-ecs/"
check_log_has "container GET /creds/ok"
check_log_has "sts AssumeRole signed by ASIACTR"
log_reset
aws_run "$STSENV" AWS_PROFILE=from-ec2 AWS_EC2_METADATA_DISABLED=false \
    AWS_EC2_METADATA_SERVICE_ENDPOINT=$IMDSURL -- whoami -p ck
check_rc 0
check_out_has "assumed-role/from-ec2/"
check_log_has "sts AssumeRole signed by ASIAIMDS"
t_end "credential_source = EcsContainer and Ec2InstanceMetadata"

t_begin
aws_run "$STSENV" AWS_REGION=eu-west-1 AWS_PROFILE=dev -- whoami -p ck \
    --region eu-west-1
check_rc 0
check_log_has "sts AssumeRole signed by AKIDSTANDIN for eu-west-1"
t_end "STS requests are signed for the session's region"

# ---- web identity ------------------------------------------------------------

t_begin
log_reset
aws_run "$STSENV" AWS_WEB_IDENTITY_TOKEN_FILE="$T_TMP/web-token" \
    AWS_ROLE_ARN=$ROLE/ci AWS_ROLE_SESSION_NAME=gh-run-7 -- whoami -p ck
check_rc 0
check_out_has "source       assume-role-with-web-identity"
check_out_has "arn          arn:aws:sts::123456789012:assumed-role/ci/gh-run-7"
check_log_has "sts AssumeRoleWithWebIdentity role=ci session=gh-run-7"
check_log_lacks "sts AssumeRoleWithWebIdentity signed"
check_no_secret
t_end "web identity from the environment: unsigned, the token accepted"

t_begin
aws_run "$STSENV" -- whoami -p ck-ci
check_rc 0
check_out_has "assumed-role/ci-profile/ci-run"
aws_run "$STSENV" AWS_WEB_IDENTITY_TOKEN_FILE="$T_TMP/bad-token" \
    AWS_ROLE_ARN=$ROLE/ci -- whoami -p ck
check_rc 4
check_err_has "STS AssumeRoleWithWebIdentity of $ROLE/ci at 127.0.0.1:$STS: HTTP 400 InvalidIdentityToken: Incorrect token audience"
check_err_lacks "not-the-token"
t_end "web identity: web_identity_token_file in a profile; a refused token"

# ---- container credentials ---------------------------------------------------

t_begin
log_reset
aws_run "$STSENV" AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/creds/ok \
    DYNREPO_TEST_CONTAINER_HOST=127.0.0.1:$CTR -- list -p ck --partition p
check_rc 0
check_lines 2
check_log_has "container GET /creds/ok"
check_log_has "ddb Query by ASIACTR"
check_no_secret
t_end "container: relative URI (the test host), DynamoDB signed with its session"

t_begin
log_reset
printf 'standin-auth-token-1\n' >"$T_TMP/auth"
aws_run "$STSENV" AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:$CTR/creds/auth \
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE="$T_TMP/auth" -- whoami -p ck
check_rc 4
check_err_has "HTTP 401"
check_no_secret
t_end "container: full URI with a token the endpoint refuses"

t_begin
log_reset
aws_run "$STSENV" STANDIN_AUTH_TOKEN=unused \
    AWS_CONTAINER_CREDENTIALS_FULL_URI=http://localhost:$CTR/creds/ok \
    AWS_CONTAINER_AUTHORIZATION_TOKEN=standin-auth-token-2 -- whoami -p ck
check_rc 0
check_out_has "source       container-role"
check_log_has "container GET /creds/ok with authorization"
check_no_secret
t_end "container: full URI on localhost with AWS_CONTAINER_AUTHORIZATION_TOKEN"

t_begin
log_reset
aws_run "$STSENV" \
    AWS_CONTAINER_CREDENTIALS_FULL_URI=http://192.0.2.1:$CTR/creds/ok \
    -- whoami -p ck
check_rc 2
check_err_has "AWS_CONTAINER_CREDENTIALS_FULL_URI: only http(s) to a loopback host or to 169.254.170.2, 169.254.170.23 or [fd00:ec2::23] is allowed"
aws_run "$STSENV" AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/creds/ok \
    DYNREPO_TEST_CONTAINER_HOST=192.0.2.1:80 -- whoami -p ck
check_rc 2
check_err_has "DYNREPO_TEST_CONTAINER_HOST (a test hook) must be a loopback HOST:PORT"
t_end "container: hosts other than loopback and the container ones are refused"

t_begin
for what in expired malformed 500; do
	log_reset
	aws_run "$STSENV" AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/creds/$what \
	    DYNREPO_TEST_CONTAINER_HOST=127.0.0.1:$CTR -- whoami -p ck
	check_rc 4
	check_no_secret
done
check_err_has "container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI): HTTP 500: {\"message\": \"agent is restarting\"}"
[ "$(grep -c "container GET /creds/500" "$AWS_LOG")" = 3 ] ||
    fail "expected 3 attempts at /creds/500"
aws_run "$STSENV" AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/creds/expired \
    DYNREPO_TEST_CONTAINER_HOST=127.0.0.1:$CTR -- whoami -p ck
check_err_has "container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI) returned credentials that expired at"
aws_run "$STSENV" AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/creds/malformed \
    DYNREPO_TEST_CONTAINER_HOST=127.0.0.1:$CTR -- whoami -p ck
check_err_has "container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI): the credentials are not valid JSON"
t_end "container: expired, malformed and failing answers are clear errors"

t_begin
aws_run "$STSENV" AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/creds/flaky \
    DYNREPO_TEST_CONTAINER_HOST=127.0.0.1:$CTR -- whoami -p ck
check_rc 0
aws_run "$STSENV" AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/creds/slow \
    DYNREPO_TEST_CONTAINER_HOST=127.0.0.1:$CTR DYNREPO_TEST_TIMEOUT_MS=200 \
    -- whoami -p ck
check_rc 1
check_err_has "Timeout was reached"
t_end "container: a 500 is tried again; a slow endpoint times out"

# ---- instance metadata ---------------------------------------------------------

t_begin
log_reset
imds_mode ok
aws_run "$STSENV" AWS_EC2_METADATA_DISABLED=false \
    AWS_EC2_METADATA_SERVICE_ENDPOINT=$IMDSURL -- list -p ck --partition p
check_rc 0
check_lines 2
check_log_has "imds PUT /latest/api/token without token"
check_log_has "imds GET /latest/meta-data/iam/security-credentials/ with token"
check_log_has "imds GET /latest/meta-data/iam/security-credentials/standin-instance-role with token"
check_log_has "ddb Query by ASIAIMDS"
check_log_lacks "imds GET /latest/meta-data/iam/security-credentials/ without token"
check_no_secret
t_end "IMDSv2: token first, then the role's credentials; DynamoDB signed with them"

t_begin
log_reset
imds_mode v1only
aws_run "$STSENV" AWS_EC2_METADATA_DISABLED=false \
    AWS_EC2_METADATA_SERVICE_ENDPOINT=$IMDSURL -- whoami -p ck
check_rc 4
check_err_has "the IMDSv2 token request was answered HTTP 403 and the IMDSv1 fallback is off"
check_log_lacks "imds GET /latest/meta-data/iam/security-credentials/ without token"
aws_run "$STSENV" AWS_EC2_METADATA_DISABLED=false \
    AWS_EC2_METADATA_SERVICE_ENDPOINT=$IMDSURL \
    AWS_EC2_METADATA_V1_DISABLED=false -- whoami -p ck
check_rc 0
check_out_has "source       iam-role"
check_log_has "imds GET /latest/meta-data/iam/security-credentials/ without token"
t_end "IMDS: no IMDSv1 fallback unless AWS_EC2_METADATA_V1_DISABLED=false"

t_begin
for mode in expired malformed; do
	imds_mode $mode
	aws_run "$STSENV" AWS_EC2_METADATA_DISABLED=false \
	    AWS_EC2_METADATA_SERVICE_ENDPOINT=$IMDSURL -- whoami -p ck
	check_rc 4
	check_no_secret
	cp "$ERR" "$T_TMP/err.$mode"
done
grep -q "returned credentials that expired at" "$T_TMP/err.expired" ||
    fail_file "expired" "$T_TMP/err.expired"
grep -q "the credentials are not valid JSON" "$T_TMP/err.malformed" ||
    fail_file "malformed" "$T_TMP/err.malformed"
imds_mode slow
aws_run "$STSENV" AWS_EC2_METADATA_DISABLED=false \
    AWS_EC2_METADATA_SERVICE_ENDPOINT=$IMDSURL \
    AWS_METADATA_SERVICE_TIMEOUT=0.3 -- whoami -p ck
check_rc 4
check_err_has "Timeout was reached"
imds_mode norole
aws_run "$STSENV" AWS_EC2_METADATA_DISABLED=false \
    AWS_EC2_METADATA_SERVICE_ENDPOINT=$IMDSURL -- whoami -p ck
check_rc 4
check_err_has "no AWS credentials found; looked in: environment (AWS_ACCESS_KEY_ID),"
check_err_has "instance metadata (http://127.0.0.1:$IMDS): no IAM role is attached to the instance"
imds_mode ok
t_end "IMDS: expired, malformed, slow answers and no role are clear errors"

t_begin
log_reset
aws_run "$STSENV" AWS_EC2_METADATA_SERVICE_ENDPOINT=$IMDSURL -- whoami -p ck
check_rc 4
check_err_has "instance metadata (AWS_EC2_METADATA_DISABLED is true)"
check_log_lacks "imds"
t_end "IMDS: AWS_EC2_METADATA_DISABLED=true sends nothing"

# ---- precedence, end to end --------------------------------------------------

t_begin
aws_run "$STSENV" AWS_ACCESS_KEY_ID=AKIDSTANDIN \
    AWS_SECRET_ACCESS_KEY=standin-secret-do-not-log \
    AWS_WEB_IDENTITY_TOKEN_FILE="$T_TMP/web-token" AWS_ROLE_ARN=$ROLE/ci \
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/creds/ok \
    DYNREPO_TEST_CONTAINER_HOST=127.0.0.1:$CTR -- whoami -p ck
check_out_has "source       environment"
aws_run "$STSENV" AWS_WEB_IDENTITY_TOKEN_FILE="$T_TMP/web-token" \
    AWS_ROLE_ARN=$ROLE/ci AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/creds/ok \
    DYNREPO_TEST_CONTAINER_HOST=127.0.0.1:$CTR -- whoami -p ck
check_out_has "source       assume-role-with-web-identity"
aws_run "$STSENV" AWS_PROFILE=files \
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/creds/ok \
    DYNREPO_TEST_CONTAINER_HOST=127.0.0.1:$CTR -- whoami -p ck
check_out_has "source       shared-credentials-file"
aws_run "$STSENV" AWS_ACCESS_KEY_ID=AKIDSTANDIN \
    AWS_SECRET_ACCESS_KEY=standin-secret-do-not-log \
    AWS_WEB_IDENTITY_TOKEN_FILE="$T_TMP/web-token" AWS_ROLE_ARN=$ROLE/ci \
    -- whoami -p ck-dev
check_out_has "source       assume-role"
t_end "precedence: environment, web identity, files, container; aws_profile ignores the variables"

t_done
