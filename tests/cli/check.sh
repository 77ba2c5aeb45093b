# SPDX-License-Identifier: ISC
# dynrepo check on a repository seeded with the library's own items plus
# deliberately broken ones: it must find exactly those, on the server and
# in the embedded store alike.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

SCHEMA="$DYNREPO_SRCDIR/profiles/film_actor.schema.json"
GOLDEN="$DYNREPO_TESTDATA/pydantic-dynamo/items.ddb.jsonl"
{
	echo "[repository srv]"
	echo "table            = unused-table"
	echo "region           = us-east-1"
	echo "endpoint         = $DYNREPO_TEST_ENDPOINT"
	echo "partition_prefix = interop"
	echo "partition_name   = film_actor"
	echo "content_type     = film_actor"
	echo "schema           = $SCHEMA"
	echo "partitions       = studio-a, studio-b#east, studio-c#west#2024"
	echo
	echo "[repository loc]"
	echo "table            = checked"
	echo "endpoint         = local:$T_TMP/check.db"
	echo "partition_prefix = interop"
	echo "partition_name   = film_actor"
	echo "content_type     = film_actor"
	echo "schema           = $SCHEMA"
	echo "partitions       = studio-a, studio-b#east, studio-c#west#2024"
} >"$T_PROFDIR/check.ini"

# Five broken copies of golden items: a wrong type, a missing required
# field, an unparseable _timestamp, a foreign attribute, an empty id.
node -e '
const fs = require("fs");
const g = fs.readFileSync(process.argv[1], "utf8").trim().split("\n")
    .map((l) => JSON.parse(l));
const mk = (i, id, f) => { const o = JSON.parse(JSON.stringify(g[i]));
	o.Item._table_content_id = { S: "film_actor#bad#" + id }; f(o.Item);
	console.log(JSON.stringify(o)); };
mk(0, "wrongtype", (x) => { x.year = { S: "abc" }; });
mk(1, "missing", (x) => { delete x.name; });
mk(2, "timestamp", (x) => { x._timestamp = { S: "yesterday" }; });
mk(3, "foreign", (x) => { x.colour = { S: "red" }; });
mk(4, "#mangled", (x) => {});' "$GOLDEN" >"$T_TMP/broken.jsonl"

# Expect the findings of $OUT (jsonl) to be exactly the five.
check_findings()
{
	check_js '
	const l = require(process.env.T_HJS).jsonl(process.argv[1]);
	const f = l.filter((x) => x.summary === undefined)
	    .map((x) => x.sort_key.replace("film_actor#bad#", "") + " " +
	    x.field + " " + x.severity).sort();
	const want = [
		"#mangled _table_content_id warning",
		"foreign colour warning",
		"missing name violation",
		"timestamp _timestamp violation",
		"wrongtype year violation",
	];
	if (JSON.stringify(f) !== JSON.stringify(want)) {
		console.log("got " + JSON.stringify(f));
		process.exit(1);
	}
	const s = l.find((x) => x.summary !== undefined);
	if (!s || s.summary.items !== 15 || s.summary.with_violations !== 3) {
		console.log("summary " + JSON.stringify(s));
		process.exit(1);
	}' "$OUT"
}

for where in srv loc; do
	if [ $where = srv ]; then
		new_table
		P="-p srv --table $TBL"
	else
		P="-p loc"
		dr create-table $P >/dev/null 2>&1
	fi
	t_begin
	run dr import $P "$GOLDEN"
	check_rc 0
	run dr check $P --all-partitions --output jsonl
	check_rc 0
	check_out_has '"violations":0'
	t_end "$where: the library's own items are clean"

	t_begin
	run dr import $P "$T_TMP/broken.jsonl"
	check_rc 0
	run dr check $P --all-partitions --output jsonl
	check_rc 1
	check_findings
	t_end "$where: check --all-partitions finds exactly the broken items (exit 1)"

	t_begin
	run dr check $P --output jsonl
	check_rc 1
	check_findings
	t_end "$where: check of the profile's partitions finds the same"

	t_begin
	run dr check $P --partition studio-c#west#2024 --output jsonl
	check_rc 0
	t_end "$where: a partition without broken items passes"

	t_begin
	run dr partitions $P
	check_rc 0
	check_out_has "3 partitions, 15 items"
	t_end "$where: partitions lists the three with counts"
done

t_done
