#!/bin/sh
# SPDX-License-Identifier: ISC
# TLS in front of dynalite with a CA this test makes (openssl): trusted
# through ca_bundle or AWS_CA_BUNDLE, refused clearly without it, with a
# wrong CA and with a wrong host name; HTTPS_PROXY / NO_PROXY as curl reads
# them; plain http refused for hosts that are not loopback.
AWS_SCRIPT=$0
. "$(dirname "$0")/lib.sh"

if ! command -v openssl >/dev/null 2>&1; then
	echo "1..0 # SKIP no openssl command"
	exit 0
fi
PKI=$T_TMP/pki
mkdir -p "$PKI"
(
	cd "$PKI" || exit 1
	for ca in ca other-ca; do
		openssl req -x509 -newkey rsa:2048 -nodes -keyout $ca.key \
		    -out $ca.pem -days 2 -subj "/CN=dynrepo test $ca" \
		    -addext "basicConstraints=critical,CA:TRUE" \
		    -addext "keyUsage=critical,keyCertSign,cRLSign" || exit 1
	done
	openssl req -newkey rsa:2048 -nodes -keyout server.key \
	    -out server.csr -subj "/CN=localhost" || exit 1
	printf '%s\n' "subjectAltName=DNS:localhost" \
	    "basicConstraints=CA:FALSE" \
	    "keyUsage=digitalSignature,keyEncipherment" \
	    "extendedKeyUsage=serverAuth" >server.ext
	openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key \
	    -CAcreateserial -out server.pem -days 2 -extfile server.ext
) >"$T_TMP/openssl.log" 2>&1 || {
	echo "Bail out! openssl failed: $(tail -c 300 "$T_TMP/openssl.log")"
	exit 0
}

standin_start --tls "$DYNREPO_TEST_ENDPOINT" --key "$PKI/server.key" \
    --cert "$PKI/server.pem" --proxy --container
new_table
printf '%s\n' '{"partition_ids":["p"],"content_ids":["a"],"item":{"n":1}}' \
    >"$T_TMP/items.jsonl"
run_in "$T_TMP/items.jsonl" dr put $RW
[ "$RC" = 0 ] || { echo "Bail out! put failed: $(cat "$ERR")"; exit 0; }

HTTPS=https://localhost:$TLS
KEYS="AWS_ACCESS_KEY_ID=AKIDSTANDIN"
SECRET="AWS_SECRET_ACCESS_KEY=standin-secret-do-not-log"
aws_profile tls-ca "$HTTPS" "ca_bundle = $PKI/ca.pem"
aws_profile tls-none "$HTTPS"
aws_profile tls-other "$HTTPS" "ca_bundle = $PKI/other-ca.pem"
aws_profile tls-missing "$HTTPS" "ca_bundle = $PKI/nonexistent.pem"
aws_profile tls-ip "https://127.0.0.1:$TLS" "ca_bundle = $PKI/ca.pem"
aws_profile tls-awsprofile "$HTTPS" "aws_profile = private-ca"
aws_profile plain-remote "http://192.0.2.1:8000"
aws_config "[profile private-ca]
ca_bundle = $PKI/ca.pem"
aws_credentials "[private-ca]
aws_access_key_id = AKIDSTANDIN
aws_secret_access_key = standin-secret-do-not-log"

t_begin
log_reset
aws_run "$KEYS" "$SECRET" -- list -p tls-ca --partition p
check_rc 0
check_lines 1
check_log_has "tls POST / for localhost:$TLS"
t_end "https with the profile's ca_bundle"

t_begin
aws_run "$KEYS" "$SECRET" AWS_CA_BUNDLE="$PKI/ca.pem" -- list -p tls-none \
    --partition p
check_rc 0
check_lines 1
aws_run -- list -p tls-awsprofile --partition p
check_rc 0
check_lines 1
t_end "https with AWS_CA_BUNDLE, and with the AWS profile's ca_bundle"

t_begin
log_reset
aws_run "$KEYS" "$SECRET" -- list -p tls-none --partition p
check_rc 1
check_err_has "localhost:$TLS: TLS certificate not accepted: SSL certificate problem: unable to get local issuer certificate (trusted: the system CA bundle; set ca_bundle or AWS_CA_BUNDLE for a private CA)"
check_log_lacks "tls POST"
t_end "https without the CA: refused, naming the host and the reason"

t_begin
aws_run "$KEYS" "$SECRET" -- list -p tls-other --partition p
check_rc 1
check_err_has "localhost:$TLS: TLS certificate not accepted: SSL certificate problem: unable to get local issuer certificate (trusted: the CA bundle $PKI/other-ca.pem)"
aws_run "$KEYS" "$SECRET" -- list -p tls-missing --partition p
check_rc 1
check_err_has "localhost:$TLS: the CA bundle $PKI/nonexistent.pem cannot be used:"
t_end "https with another CA, or a CA bundle that is not there: refused"

t_begin
aws_run "$KEYS" "$SECRET" -- list -p tls-ip --partition p
check_rc 1
check_err_has "127.0.0.1:$TLS: TLS certificate not accepted: SSL: no alternative certificate subject name matches target host name '127.0.0.1'"
t_end "https to a name the certificate does not carry: refused"

t_begin
log_reset
aws_run "$KEYS" "$SECRET" HTTPS_PROXY=http://127.0.0.1:$PROXY -- list \
    -p tls-ca --partition p
check_rc 0
check_lines 1
check_log_has "proxy CONNECT localhost:$TLS"
log_reset
aws_run "$KEYS" "$SECRET" https_proxy=http://127.0.0.1:$PROXY -- list \
    -p tls-ca --partition p
check_rc 0
check_log_has "proxy CONNECT localhost:$TLS"
t_end "HTTPS_PROXY and https_proxy: a CONNECT tunnel, TLS still verified end to end"

t_begin
log_reset
aws_run "$KEYS" "$SECRET" HTTPS_PROXY=http://127.0.0.1:$PROXY \
    NO_PROXY=example.com,localhost -- list -p tls-ca --partition p
check_rc 0
check_log_lacks "proxy"
check_log_has "tls POST"
log_reset
aws_run "$KEYS" "$SECRET" HTTPS_PROXY=http://127.0.0.1:$PROXY \
    no_proxy='*' -- list -p tls-ca --partition p
check_rc 0
check_log_lacks "proxy"
t_end "NO_PROXY and no_proxy bypass the proxy"

t_begin
log_reset
aws_run HTTPS_PROXY=http://127.0.0.1:$PROXY \
    http_proxy=http://127.0.0.1:$PROXY \
    AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/creds/ok \
    DYNREPO_TEST_CONTAINER_HOST=127.0.0.1:$CTR -- list -p tls-ca \
    --partition p
check_rc 0
check_log_has "container GET /creds/ok"
check_log_has "proxy CONNECT localhost:$TLS"
check_log_lacks "proxy GET"
check_no_secret
t_end "credential endpoints are never reached through a proxy"

t_begin
aws_run "$KEYS" "$SECRET" -- list -p plain-remote --partition p
check_rc 2
check_err_has "endpoint http://192.0.2.1:8000: plain http to a host that is not loopback; set allow_http = true in the profile to allow it"
t_end "plain http to a host that is not loopback is refused before sending"

t_done
