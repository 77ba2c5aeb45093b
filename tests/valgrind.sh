#!/bin/sh
# SPDX-License-Identifier: ISC
# The CLI's integration suites again, every dynrepo process under valgrind
# memcheck: each suite must still pass, and no process may report a memory
# error or a definite or indirect leak (issue 7, "Sanitizers").
#
# One test point per suite for its own results and one for valgrind's
# findings in it; the first lines of any report are printed as diagnostics
# and the whole reports are kept as BUILDDIR/tests/valgrind-logs/.
# A build with AddressSanitizer cannot run under valgrind: the plan is then
# "1..0 # SKIP" (the plain build of ./build.sh check runs it).
#
#   tests/valgrind.sh [SUITE...]	(default: verbs errors local)
set -u

srcdir=${DYNREPO_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${DYNREPO_BUILDDIR:-$srcdir/build}
bin=${DYNREPO_BIN:-$builddir/dynrepo}
suites=${*:-verbs errors local}

if ! command -v valgrind >/dev/null 2>&1; then
	echo "1..0 # SKIP valgrind is not installed (apt-get install valgrind)"
	exit 0
fi
if [ ! -x "$bin" ]; then
	echo "Bail out! $bin is not an executable"
	exit 0
fi
if ldd "$bin" 2>/dev/null | grep -q 'libasan'; then
	echo "1..0 # SKIP an AddressSanitizer build; valgrind runs on the plain one"
	exit 0
fi

logs=$builddir/tests/valgrind-logs
tmp=$(mktemp -d "${TMPDIR:-/tmp}/dynrepo-vg.XXXXXX") || {
	echo "Bail out! mktemp -d failed"
	exit 0
}
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT TERM HUP
rm -rf "$logs"
mkdir -p "$logs" || {
	echo "Bail out! cannot create $logs"
	exit 0
}

# The wrapper the suites run as DYNREPO_BIN. Leaks count as errors; a
# process's log stays empty (-q) unless it has something to report.
# --child-silent-after-fork: a forked child that execs something else is
# not ours to judge.
# valgrind makes its own files in $TMPDIR and cannot start without it:
# the few processes run with a TMPDIR that is not there (the tests of
# where dynrepo's temporary files go) run outside it. So do those started
# with standard output closed: valgrind's log would take its place.
cat >"$tmp/dynrepo" <<EOF
#!/bin/sh
if [ -n "\${TMPDIR:-}" ] && [ ! -d "\$TMPDIR" ]; then
	exec "$bin" "\$@"
fi
if [ ! -L /proc/\$\$/fd/1 ]; then
	exec "$bin" "\$@"
fi
exec valgrind -q --error-exitcode=0 --leak-check=full \\
    --errors-for-leak-kinds=definite,indirect \\
    --show-leak-kinds=definite,indirect \\
    --child-silent-after-fork=yes --num-callers=30 \\
    --suppressions="$srcdir/tests/valgrind.supp" \\
    --log-file="$logs/\$VG_SUITE.%p.log" "$bin" "\$@"
EOF
chmod +x "$tmp/dynrepo"

n=0
set -- $suites
echo "1..$(($# * 2))"
for suite in "$@"; do
	tap=$tmp/$suite.tap
	VG_SUITE=$suite DYNREPO_BIN=$tmp/dynrepo \
	    sh "$srcdir/tests/with-dynalite" sh "$srcdir/tests/cli/$suite.sh" \
	    >"$tap" 2>&1
	# Failures of the suite itself (a known bug's "# TODO" does not count).
	bad=$(grep -E '^not ok|^Bail out' "$tap" | grep -v '# TODO')
	total=$(grep -cE '^(ok|not ok)' "$tap")
	n=$((n + 1))
	if [ -z "$bad" ] && [ "$total" -gt 0 ]; then
		echo "ok $n - $suite.sh under valgrind: $total points pass"
	else
		echo "not ok $n - $suite.sh under valgrind: its own tests fail"
		{ printf '%s\n' "$bad"; tail -5 "$tap"; } | head -40 |
		    sed 's/^/# /'
	fi
	n=$((n + 1))
	procs=$(ls "$logs" | grep -c "^$suite\\.")
	reports=$(find "$logs" -name "$suite.*.log" -size +0 | sort)
	if [ "$procs" -gt 0 ] && [ -z "$reports" ]; then
		echo "ok $n - $suite.sh: $procs dynrepo processes, no memory" \
		    "error, no leak"
	else
		echo "not ok $n - $suite.sh: valgrind reports in" \
		    "$(printf '%s\n' "$reports" | grep -c .) of $procs processes"
		for f in $reports; do
			echo "# ---- $f"
			head -40 "$f" | sed 's/^/# /'
		done
	fi
done
exit 0
