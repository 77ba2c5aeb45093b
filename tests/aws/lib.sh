# SPDX-License-Identifier: ISC
# Shared helpers of the AWS tests (tests/aws/*.sh): the CLI tests' TAP
# helpers (tests/cli/lib.sh), the stand-in servers of tests/aws/servers on
# 127.0.0.1, and dynrepo run with exactly the environment a test gives it.
#
# A script sources this file with AWS_SCRIPT=$0 set; when not already
# under tests/with-dynalite it re-runs itself there. Then:
#	standin_start --sts --container --imds ...	sets STS, CTR, IMDS,
#							DDB, TLS, PROXY ports
#	aws_run VAR=value ... -- dynrepo-args...	clean environment
#	check_no_secret					on OUT and ERR
# Nothing is ever sent anywhere but 127.0.0.1: every run has
# AWS_EC2_METADATA_DISABLED=true unless the test points
# AWS_EC2_METADATA_SERVICE_ENDPOINT at the stand-in, and AWS_ENDPOINT_URL_STS
# at the STS stand-in.

if [ -z "${DYNREPO_TEST_ENDPOINT:-}" ] && [ -n "${DYNREPO_SRCDIR:-}" ] &&
    [ -z "${AWS_LIB_WRAPPED:-}" ]; then
	AWS_LIB_WRAPPED=1
	export AWS_LIB_WRAPPED
	exec "$DYNREPO_SRCDIR/tests/with-dynalite" sh "$AWS_SCRIPT"
fi

AWS_SERVERS=${DYNREPO_SRCDIR:-$(cd "$(dirname "$AWS_SCRIPT")/../.." &&
    pwd)}/tests/aws/servers
. "$(dirname "$AWS_SCRIPT")/../cli/lib.sh"

AWS_HOME=$T_TMP/home
AWS_LOG=$T_TMP/standin.log
mkdir -p "$AWS_HOME/.aws"
: >"$AWS_LOG"
STANDIN_PID=

# The dynalite port, from the endpoint tests/with-dynalite started.
DYNALITE=${DYNREPO_TEST_ENDPOINT##*:}

# Start the stand-ins with the given standin.js arguments; the ports land
# in STS, CTR, IMDS, DDB, TLS and PROXY (empty when not asked for).
standin_start()
{
	standin_stop
	rm -f "$T_TMP/ports"
	node "$AWS_SERVERS/standin.js" --log "$AWS_LOG" "$@" \
	    >"$T_TMP/ports" 2>"$T_TMP/standin.err" &
	STANDIN_PID=$!
	i=0
	while [ ! -s "$T_TMP/ports" ] && [ $i -lt 100 ]; do
		kill -0 "$STANDIN_PID" 2>/dev/null || break
		sleep 0.1
		i=$((i + 1))
	done
	if [ ! -s "$T_TMP/ports" ]; then
		echo "Bail out! the stand-in servers did not start:" \
		    "$(head -c 300 "$T_TMP/standin.err")"
		exit 0
	fi
	eval "$(node -e '
		const p = JSON.parse(require("fs").readFileSync(process.argv[1]));
		for (const k of ["sts", "container", "imds", "ddb", "tls", "proxy"])
			console.log((k === "container" ? "CTR" : k.toUpperCase()) +
			    "=" + (p[k] || ""));' "$T_TMP/ports")"
	trap 'standin_stop; rm -rf "$T_TMP"' EXIT
}

# Stop the stand-ins (started by this script, by their pid).
standin_stop()
{
	if [ -n "$STANDIN_PID" ]; then
		kill "$STANDIN_PID" 2>/dev/null
		wait "$STANDIN_PID" 2>/dev/null
		STANDIN_PID=
	fi
}

# Set the stand-in IMDS's mode (ok, v1only, expired, malformed, slow,
# norole).
imds_mode()
{
	node -e '
		const r = require("http").request({ host: "127.0.0.1",
		    port: process.argv[1], path: "/__mode", method: "POST" },
		    (res) => res.resume());
		r.end(process.argv[2]);' "$IMDS" "$1"
}

# Forget what the stand-ins logged so far.
log_reset()
{
	: >"$AWS_LOG"
}

# Expect the stand-ins' log to contain (or, with -v, to lack) a string.
check_log_has()
{
	if ! grep -F -q -e "$1" "$AWS_LOG"; then
		fail "stand-in log lacks: $1"
		fail_file "stand-in log" "$AWS_LOG"
	fi
}
check_log_lacks()
{
	if grep -F -q -e "$1" "$AWS_LOG"; then
		fail "stand-in log contains: $1"
		fail_file "stand-in log" "$AWS_LOG"
	fi
}

# Run dynrepo with only PATH, HOME (a private one with .aws/config and
# .aws/credentials) and the VAR=value arguments before "--"; stdin is
# /dev/null and there is no controlling terminal (setsid).
aws_run()
{
	aws_run_env=
	while [ $# -gt 0 ] && [ "$1" != "--" ]; do
		aws_run_env="$aws_run_env $(printf '%s' "$1" | sed "s/'/'\\\\''/g;
		    s/^/'/; s/\$/'/")"
		shift
	done
	[ "${1:-}" = "--" ] && shift
	eval "setsid env -i PATH=\"\$PATH\" HOME=\"\$AWS_HOME\" \
	    AWS_EC2_METADATA_DISABLED=true $aws_run_env \
	    \"\$DYNREPO_BIN\" --profiles \"\$T_PROFDIR\" \"\$@\"" \
	    </dev/null >"$OUT" 2>"$ERR"
	RC=$?
}

# The secrets of the suite: none may ever be printed.
check_no_secret()
{
	for s in test-secret-key-do-not-log standin-secret-do-not-log \
	    source2-secret-do-not-log tmpsecret- tmptoken- \
	    standin-web-identity imdsv2- standin-auth-token; do
		if grep -F -q -e "$s" "$OUT" "$ERR"; then
			fail "a secret ($s...) was printed"
			fail_file "stdout" "$OUT"
			fail_file "stderr" "$ERR"
		fi
	done
}

# Write the AWS config and credentials files of the private HOME.
aws_config()
{
	printf '%s\n' "$1" >"$AWS_HOME/.aws/config"
}
aws_credentials()
{
	printf '%s\n' "$1" >"$AWS_HOME/.aws/credentials"
}

# A repository profile NAME with endpoint URL and, optionally, an
# aws_profile and more lines (third argument, verbatim).
aws_profile()
{
	{
		printf '[repository %s]\ntable = %s\nregion = us-east-1\n' \
		    "$1" "${TBL:-unused-table}"
		printf 'endpoint = %s\npartition_prefix = content\n' "$2"
		printf 'partition_name = film_actor\ncontent_type = film_actor\n'
		[ -n "${3:-}" ] && printf '%s\n' "$3"
		printf '\n'
	} >>"$T_PROFDIR/aws.ini"
}
