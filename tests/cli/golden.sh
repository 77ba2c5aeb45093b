# SPDX-License-Identifier: ISC
# Items written by the real pydantic-dynamo (tests/data/pydantic-dynamo) read
# through dynrepo with the library's repository settings, then written back by
# dynrepo to another table: every stored attribute must come out the same.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

GOLD=$DYNREPO_TESTDATA/pydantic-dynamo/items.ddb.jsonl
SCHEMA=$DYNREPO_TESTDATA/pydantic-dynamo/film_actor.schema.pydantic1.json
TS_RE='^[0-9]{4}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9](\.[0-9]{6})?\+00:00$'
export GOLD TS_RE
if [ ! -r "$GOLD" ]; then
	echo "Bail out! $GOLD is missing"
	exit 0
fi

# A profile file for the library's settings: name $1, table $2.
golden_profile()
{
	cat >"$T_PROFDIR/$1.ini" <<EOF
[repository $1]
table            = $2
region           = us-east-1
endpoint         = $DYNREPO_TEST_ENDPOINT
partition_prefix = interop
partition_name   = film_actor
content_type     = film_actor
schema           = $SCHEMA
EOF
}

# Expect stdout (jsonl) to be the golden items of partition $1 (ids joined
# by #) whose content id starts with $2, in key order (the library's list):
# ids, current_version and every field, numbers compared by value.
check_gold_list()
{
	check_js '
	const fs = require("fs");
	const [out, part, pre] = process.argv.slice(1);
	const pk = "interop#film_actor#" + part;
	const want = h.jsonl(process.env.GOLD).map((l) => l.Item)
	    .filter((it) => it._table_item_id.S === pk &&
		it._table_content_id.S.startsWith("film_actor#" + pre))
	    .sort((a, b) => Buffer.compare(Buffer.from(a._table_content_id.S),
		Buffer.from(b._table_content_id.S)));
	const got = fs.readFileSync(out, "utf8").split("\n")
	    .filter((l) => l !== "").map(h.parse);
	if (got.length !== want.length)
		throw new Error(got.length + " items, expected " + want.length);
	want.forEach((it, k) => {
		const g = got[k];
		const cid = it._table_content_id.S.slice("film_actor#".length);
		const item = {};
		for (const [n, v] of Object.entries(it))
			if (!n.startsWith("_"))
				item[n] = h.plain(v);
		const e = [];
		if (g.partition_ids.join("#") !== part)
			e.push("partition_ids " + JSON.stringify(g.partition_ids));
		if (g.content_ids.join("#") !== cid)
			e.push("content_ids " + JSON.stringify(g.content_ids) +
			    ", expected " + cid);
		if (h.canonx(g.current_version) !==
		    h.canonx(h.plain(it._object_version)))
			e.push("current_version " + JSON.stringify(g.current_version));
		if (g.expiry !== null)
			e.push("expiry " + JSON.stringify(g.expiry));
		if (h.canonx(g.item) !== h.canonx(item))
			e.push("item\n got  " + h.canonx(g.item) + "\n want " +
			    h.canonx(item));
		if (e.length)
			throw new Error(cid + ": " + e.join("; "));
	});' "$OUT" "$1" "${2:-}"
}

new_table
GTBL=$TBL
golden_profile golden "$GTBL"

t_begin
raw_put "$GTBL" <"$GOLD" >"$T_TMP/raw.out" 2>&1 ||
    fail_file "raw PutItem failed" "$T_TMP/raw.out"
run dr list -p golden --partition studio-a --output ddb
check_rc 0
check_lines 4
t_end "the 10 items of the library are loaded as stored"

t_begin
run dr list -p golden --partition studio-a
check_rc 0
check_gold_list studio-a
t_end "list studio-a: ids, versions and every value as the library stored them"

t_begin
run dr list -p golden --partition 'studio-b#east'
check_rc 0
check_out_has '"partition_ids":["studio-b","east"]'
check_gold_list 'studio-b#east'
t_end "list studio-b#east: a two-segment partition id"

t_begin
run dr list -p golden --partition 'studio-c#west#2024'
check_rc 0
check_out_has '"partition_ids":["studio-c","west","2024"]'
check_gold_list 'studio-c#west#2024'
t_end "list studio-c#west#2024: a three-segment partition id"

t_begin
run dr get -p golden --partition studio-a \
    --content 'usa#ny#saratoga#12020#actor015'
check_rc 0
check_out_has '"content_ids":["usa","ny","saratoga","12020","actor015"]'
check_out_has '"big_count":12345678901234567905'
check_out_has '"zip":"12020"'
check_out_has '"current_version":1,"expiry":null}'
check_gold_list studio-a 'usa#ny#saratoga#12020#actor015'
t_end "get usa#ny#saratoga#12020#actor015: five content ids, a 20-digit int"

t_begin
run dr get -p golden --partition studio-a --content 'ireland#dublin#actor042'
check_rc 0
check_out_has '"rating":1.5,'
check_out_has '"born":"1992-07-15T12:30:15.042007+00:00"'
check_gold_list studio-a 'ireland#dublin#actor042'
js 'const it = h.parse(require("fs").readFileSync(process.argv[1], "utf8")).item;
if (it.name !== "Saoirse \u00d3 Ronan-42 \u201cquoted\u201d \ud83c\udfac")
	throw new Error(JSON.stringify(it.name));' "$OUT" >"$T_TMP/js.out" 2>&1 ||
    fail_file "name" "$T_TMP/js.out"
t_end "get: non-ASCII and astral characters, a normalised Decimal, a datetime"

t_begin
run dr list -p golden --partition studio-a --prefix 'usa#ny'
check_rc 0
check_lines 2
check_gold_list studio-a 'usa#ny'
run dr list -p golden --partition studio-a --prefix 'usa#ny#'
check_lines 1
t_end "list --prefix usa#ny also matches usa#nyc (the library's begins_with)"

t_begin
run dr between -p golden --partition studio-a --start france --end ireland
check_rc 0
check_gold_list studio-a 'france'
run dr between -p golden --partition studio-a --start france \
    --end 'ireland#dublin#actor042' --desc
check_lines 2
check_out_has '"content_ids":["ireland","dublin","actor042"]'
t_end "between: the end key 'ireland' is below ireland#dublin#..."

t_begin
run dr list -p golden --partition 'studio-b#east' --filter 'address.zip = null'
check_rc 0
check_lines 2
check_out_lacks 'actor040'
run dr list -p golden --partition 'studio-b#east' --filter 'address.zip missing'
check_rc 0
check_lines 0
run dr list -p golden --partition studio-a --filter 'year = 2002' \
    --filter 'genre = drama' --filter 'score = null'
check_rc 0
check_lines 1
check_out_has 'actor042'
t_end "filters on the library's items: None is NULL, not a missing attribute"

t_begin
js 'for (const l of h.jsonl(process.env.GOLD)) {
	const p = l.Item._table_item_id.S.split("#").slice(2);
	const c = l.Item._table_content_id.S.split("#").slice(1);
	console.log(JSON.stringify({ partition_ids: p, content_ids: c }));
}' >"$T_TMP/keys.jsonl"
run_in "$T_TMP/keys.jsonl" dr get-batch -p golden --output ddb
check_rc 0
check_js '
const got = h.jsonl(process.argv[1]).map(h.canon).sort();
const want = h.jsonl(process.env.GOLD).map((l) => h.canon(l.Item)).sort();
if (JSON.stringify(got) !== JSON.stringify(want))
	throw new Error("get-batch --output ddb differs from the stored items");' \
    "$OUT"
t_end "get-batch --output ddb returns the 10 stored items exactly"

# ---- dynrepo writes back what it read ------------------------------------------
new_table
CTBL=$TBL
golden_profile golden-copy "$CTBL"
: >"$T_TMP/all.jsonl"
for p in studio-a 'studio-b#east' 'studio-c#west#2024'; do
	dr list -p golden --partition "$p" >>"$T_TMP/all.jsonl" 2>"$ERR" ||
	    fail_file "list $p" "$ERR"
done

t_begin
run_in "$T_TMP/all.jsonl" dr put -p golden-copy
check_rc 0
check_err_has "10 items written"
t_end "list output of the three partitions put into another table"

: >"$T_TMP/copy.ddb"
for p in studio-a 'studio-b#east' 'studio-c#west#2024'; do
	dr list -p golden-copy --partition "$p" --output ddb \
	    >>"$T_TMP/copy.ddb" 2>"$ERR" || fail_file "list $p" "$ERR"
done
t_begin
check_js '
const re = new RegExp(process.env.TS_RE);
const want = new Map(h.jsonl(process.env.GOLD).map((l) =>
    [l.Item._table_item_id.S + "/" + l.Item._table_content_id.S, l.Item]));
const got = h.jsonl(process.argv[1]);
if (got.length !== want.size)
	throw new Error(got.length + " items, expected " + want.size);
const e = [];
for (const g of got) {
	const k = g._table_item_id.S + "/" + g._table_content_id.S;
	const w = want.get(k);
	if (w === undefined) {
		e.push("unexpected item " + k);
		continue;
	}
	if (!g._timestamp || !re.test(g._timestamp.S))
		e.push(k + ": _timestamp " + JSON.stringify(g._timestamp));
	for (const n of new Set([...Object.keys(w), ...Object.keys(g)])) {
		if (n === "_timestamp")
			continue;
		if (h.canon(w[n]) !== h.canon(g[n]))
			e.push(k + ": " + n + "\n  stored   " +
			    JSON.stringify(w[n]) + "\n  rewritten " +
			    JSON.stringify(g[n]));
	}
}
if (e.length)
	throw new Error(e.join("\n"));' "$T_TMP/copy.ddb"
t_end "written back: every attribute identical in name, type and value (but _timestamp)"

t_begin
run dr update -p golden-copy --partition studio-a \
    --content 'usa#ny#saratoga#12020#actor015' --set address.city=Troy \
    --incr awards=2 --incr big_count=1 --append tags=award --version 1
check_rc 0
run dr get -p golden-copy --partition studio-a \
    --content 'usa#ny#saratoga#12020#actor015' --output ddb
check_out_has '"address":{"M":{"city":{"S":"Troy"},"country":{"S":"USA"},"zip":{"S":"12020"}}}'
check_out_has '"big_count":{"N":"12345678901234567906"}'
check_out_has '"awards":{"N":"2"}'
check_out_has '"tags":{"L":[{"S":"drama"},{"S":"tag15"},{"S":"award"}]}'
check_out_has '"_object_version":{"N":"2"}'
t_end "update of a library item: nested set, 20-digit increment, append, version"

t_begin
run dr update -p golden-copy --partition studio-a \
    --content 'usa#ny#saratoga#12020#actor015' --set name=Nobody --version 1
check_rc 3
run dr get -p golden-copy --partition studio-a \
    --content 'usa#ny#saratoga#12020#actor015'
check_out_has '"current_version":2,'
check_out_has '"name":"Actor 15"'
t_end "a second update at version 1 is a conflict (exit 3)"

t_begin
run dr profiles
check_rc 0
check_out_has "$SCHEMA"
run dr -v list -p golden --partition studio-a --filter 'colour = red'
check_rc 2
check_err_lacks "Query attempt"
t_end "with a schema, a filter on a field the model lacks is refused"

t_done
