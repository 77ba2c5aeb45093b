# SPDX-License-Identifier: ISC
# Reading keeps memory flat (issue 6): list, export and check of 60,000
# items in the embedded store peak within a few MB of the same commands
# over 10,000. Both are many pages (a page of ~1 MB holds ~3,000 of these
# items), so what a page costs is in both; an item kept after it is
# written out costs at least its ~300 bytes of JSON (a tree of values,
# 2 KB), so 50,000 more would add 15 MB or more; the bound is 8 MB (the
# figures here: ~17 MB against ~18 MB). Peak RSS comes from
# tests/bench/rusage (wait4's ru_maxrss).
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

RUSAGE=${DYNREPO_BUILDDIR:-.}/tests/bench/rusage
if [ ! -x "$RUSAGE" ]; then
	echo "1..0 # SKIP $RUSAGE is not built (make check builds it)"
	exit 0
fi
# AddressSanitizer keeps freed memory in quarantine (up to 256 MB) and
# shadows the rest: peak RSS then says nothing about what is kept.
if ldd "$DYNREPO_BIN" 2>/dev/null | grep -q 'libasan'; then
	echo "1..0 # SKIP an AddressSanitizer build; the plain build measures"
	exit 0
fi
SMALL=10000
BIG=60000
BOUND_KB=8192

cat >"$T_PROFDIR/mem.ini" <<EOF2
[repository mem]
table            = mem
endpoint         = local:$T_TMP/mem.db
partition_prefix = content
partition_name   = film_actor
content_type     = film_actor
EOF2

# $1 items in partition $2, each ~300 bytes of DynamoDB JSON.
items()
{
	node -e 'const [n, p] = process.argv.slice(1);
	const pad = (i) => String(i).padStart(6, "0");
	for (let i = 0; i < Number(n); i++)
		console.log(JSON.stringify({ partition_ids: [p],
		    content_ids: ["us", "ny", "c" + pad(i)], item: {
		    name: "Name " + i, review: i % 4 ? "review " + i : null,
		    year: 1950 + i % 70, rating: "7." + i % 10,
		    tags: ["comedy", "tag" + i], address: { city: "Albany",
		    zip: "12201" }, roles: [{ title: "Role " + i, lead: true }],
		    big_count: "1234567890123456" + pad(i).slice(2) } }));' \
	    "$1" "$2"
}

# Peak RSS in kB of `dynrepo ARGS...` into $PEAK; its output is thrown
# away, its status must be 0.
peak()
{
	"$RUSAGE" "$T_TMP/ru" 300 "$DYNREPO_BIN" --profiles "$T_PROFDIR" \
	    "$@" </dev/null >"$OUT" 2>"$ERR"
	RC=$?
	check_rc 0
	PEAK=$(cut -d ' ' -f 4 "$T_TMP/ru")
}

# Expect the peak of the big run ($2) within the bound of the small ($1).
check_flat()
{
	if [ "$2" -gt $(($1 + BOUND_KB)) ]; then
		fail "peak RSS $2 kB over $BIG items against $1 kB over" \
		    "$SMALL: more than $BOUND_KB kB grew"
	fi
}

t_begin
items $SMALL small >"$T_TMP/small.jsonl"
items $BIG big >"$T_TMP/big.jsonl"
run dr create-table -p mem
check_rc 0
run_in "$T_TMP/small.jsonl" dr --no-journal put -p mem
check_rc 0
run_in "$T_TMP/big.jsonl" dr --no-journal put -p mem
check_rc 0
check_err_has "$BIG"
t_end "$SMALL and $BIG items in the embedded store"

t_begin
peak list -p mem --partition small
small=$PEAK
check_lines $SMALL
peak list -p mem --partition big
check_lines $BIG
check_flat "$small" "$PEAK"
t_end "list of $BIG items peaks within $BOUND_KB kB of $SMALL ($small kB, $PEAK kB)"

t_begin
peak export -p mem --partition small
small=$PEAK
peak export -p mem
check_lines $((SMALL + BIG))
check_flat "$small" "$PEAK"
t_end "export of $((SMALL + BIG)) items peaks within $BOUND_KB kB of $SMALL ($small kB, $PEAK kB)"

t_begin
peak check -p mem --partition small
small=$PEAK
peak check -p mem --partition big
check_flat "$small" "$PEAK"
peak check -p mem --all-partitions --segments 1
check_flat "$small" "$PEAK"
t_end "check of $BIG items peaks within $BOUND_KB kB of $SMALL ($small kB, $PEAK kB)"

t_done
