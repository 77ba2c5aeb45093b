# SPDX-License-Identifier: ISC
# Every verb and option of dynrepo(1) against a DynamoDB-compatible server
# (dynalite, started by tests/with-dynalite), checked through the CLI's own
# outputs and exit statuses.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

TS_RE='^[0-9]{4}-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9](\.[0-9]{6})?\+00:00$'
export TS_RE

# Expect stdout (jsonl) to hold the content ids of the items of
# $T_TMP/items.jsonl in partition p1 for which the JS expression $1 holds
# (x: the item, c: the content id string), in key order ("desc" in $2
# reverses it), at most $3 of them (0: all).
check_sel()
{
	check_js '
	const [inp, out, pred, dir, lim] = process.argv.slice(1);
	const f = new Function("x", "c", "return (" + pred + ");");
	let want = h.jsonl(inp).filter((l) => l.partition_ids[0] === "p1")
	    .map((l) => [l.content_ids.join("#"), l.item])
	    .filter(([c, x]) => f(x, c)).map(([c]) => c);
	want.sort((a, b) => Buffer.compare(Buffer.from("film_actor#" + a),
	    Buffer.from("film_actor#" + b)));
	if (dir === "desc")
		want.reverse();
	if (Number(lim) > 0)
		want = want.slice(0, Number(lim));
	const got = h.jsonl(out).map((l) => l.content_ids.join("#"));
	if (JSON.stringify(got) !== JSON.stringify(want)) {
		console.log("want " + want.length + ": " + want.join(" "));
		console.log("got  " + got.length + ": " + got.join(" "));
		process.exit(1);
	}' "$T_TMP/items.jsonl" "$OUT" "$1" "${2:-asc}" "${3:-0}"
}

# Expect the file $1 (the stderr of a -v run) to log operation $2 $3 times
# ("+N": at least N).
check_ops()
{
	check_ops_n=$(grep -c " $2 attempt " "$1")
	case $3 in
	+*)
		[ "$check_ops_n" -ge "${3#+}" ] ||
		    fail "$2 logged $check_ops_n times, expected at least ${3#+}"
		;;
	*)
		[ "$check_ops_n" -eq "$3" ] ||
		    fail "$2 logged $check_ops_n times, expected $3"
		;;
	esac
}

# The DynamoDB JSON of one item (get --output ddb) into the file $3.
ddb_get()
{
	dr get $RW --partition "$1" --content "$2" --output ddb >"$3" 2>&1
}

t_begin
run "$DYNREPO_BIN" --version
check_rc 0
check_out_has "dynrepo "
run "$DYNREPO_BIN" --help
check_rc 0
for v in profiles get get-batch list between put update delete; do
	check_out_has "  $v "
	run "$DYNREPO_BIN" $v --help
	[ "$RC" = 0 ] || fail "$v --help: exit status $RC"
	check_out_has "usage: dynrepo $v"
	run "$DYNREPO_BIN" --help
done
t_end "--version, --help and VERB --help exit 0"

# ---- put and get of one item ---------------------------------------------
new_table
cat >"$T_TMP/one.jsonl" <<'EOF'
{"partition_ids":["studio-a"],"content_ids":["usa","ny","actor1"],"item":{"name":"Ann \"A\" Lee \u00e9\ud83c\udfac","year":1999,"status":"on","rating":1.50,"tags":["x","y"],"address":{"city":"Troy","zip":null},"ok":true}}
EOF
t_begin
run_in "$T_TMP/one.jsonl" dr -v put $RW
check_rc 0
check_err_has "1 item written"
check_ops "$ERR" PutItem 1
check_ops "$ERR" BatchWriteItem 0
t_end "put of one line is one PutItem"

t_begin
run dr get $RW --partition studio-a --content 'usa#ny#actor1'
check_rc 0
check_out_eq '{"partition_ids":["studio-a"],"content_ids":["usa","ny","actor1"],"item":{"name":"Ann \"A\" Lee é🎬","year":1999,"status":"on","rating":1.5,"tags":["x","y"],"address":{"city":"Troy","zip":null},"ok":true},"current_version":1,"expiry":null}'
t_end "get prints the item as one PartitionedContent line"

t_begin
run dr get $RW --partition studio-a --content 'usa#ny#actor1' --output ddb
check_rc 0
check_lines 1
check_js '
const it = h.jsonl(process.argv[1])[0];
const ts = it._timestamp;
delete it._timestamp;
const want = {
	_table_item_id: { S: "content#film_actor#studio-a" },
	_table_content_id: { S: "film_actor#usa#ny#actor1" },
	name: { S: "Ann \"A\" Lee \u00e9\ud83c\udfac" }, year: { N: "1999" },
	status: { S: "on" }, rating: { N: "1.5" },
	tags: { L: [{ S: "x" }, { S: "y" }] },
	address: { M: { city: { S: "Troy" }, zip: { NULL: true } } },
	ok: { BOOL: true }, _object_version: { N: "1" },
};
if (h.canon(it) !== h.canon(want)) {
	console.log("got  " + h.canon(it));
	console.log("want " + h.canon(want));
	process.exit(1);
}
if (!ts || !new RegExp(process.env.TS_RE).test(ts.S)) {
	console.log("bad _timestamp " + JSON.stringify(ts));
	process.exit(1);
}' "$OUT"
t_end "get --output ddb: keys, types, _object_version and _timestamp as stored"

t_begin
run dr get $RW --partition studio-a --content 'usa#ny#actor1' --output json
check_rc 0
check_js '
const t = require("fs").readFileSync(process.argv[1], "utf8");
const a = JSON.parse(t);
if (!Array.isArray(a) || a.length !== 1 ||
    a[0].content_ids.join("#") !== "usa#ny#actor1" ||
    a[0].item.year !== 1999 || a[0].current_version !== 1)
	throw new Error("unexpected: " + t);' "$OUT"
t_end "get --output json is a JSON array of one PartitionedContent"

t_begin
run dr get $RW --partition studio-a --content 'usa#ny#actor1' --output table
check_rc 0
check_js '
const l = require("fs").readFileSync(process.argv[1], "utf8").split("\n");
const hd = l[0].split(/ {2,}/), row = l[1].split(/ {2,}/);
for (const c of ["partition", "content", "version", "name", "year"])
	if (!hd.includes(c))
		throw new Error("no column " + c + " in " + l[0]);
if (row[hd.indexOf("content")] !== "usa#ny#actor1" ||
    row[hd.indexOf("year")] !== "1999" || row[hd.indexOf("version")] !== "1")
	throw new Error("row: " + l[1]);
if (l[2] !== "(1 item)")
	throw new Error("footer: " + l[2]);' "$OUT"
t_end "get --output table: aligned columns and a count"

t_begin
run dr get $RW --partition studio-a --content 'usa#ny#actor2'
check_rc 1
check_lines 0
check_err_has "usa#ny#actor2"
run dr get $RW --partition studio-b --content 'usa#ny#actor1'
check_rc 1
t_end "get of a missing item exits 1 with nothing on stdout"

cat >"$T_TMP/exp.jsonl" <<'EOF'
{"partition_ids":["studio-a"],"content_ids":["exp1"],"item":{"a":1},"current_version":5,"expiry":1900000000}
{"partition_ids":["studio-a"],"content_ids":["exp2"],"item":{"a":2},"expiry":"2030-01-01T00:00:00+00:00"}
EOF
t_begin
run_in "$T_TMP/exp.jsonl" dr put $RW
check_rc 0
run dr get $RW --partition studio-a --content exp1
check_out_has '"current_version":5,"expiry":"2030-03-17T17:46:40+00:00"}'
ddb_get studio-a exp1 "$T_TMP/e1"
check grep -q '"_ttl":{"N":"1900000000"}' "$T_TMP/e1"
check grep -q '"_object_version":{"N":"5"}' "$T_TMP/e1"
ddb_get studio-a exp2 "$T_TMP/e2"
check grep -q '"_ttl":{"N":"1893456000"}' "$T_TMP/e2"
check grep -q '"_object_version":{"N":"1"}' "$T_TMP/e2"
t_end "put: current_version is written, expiry (epoch or ISO) becomes _ttl"

t_begin
printf '%s\n' '{"partition_ids":["studio-a"],"content_ids":["usa","ny","actor1"],"item":{"name":"B"}}' >"$T_TMP/over.jsonl"
run_in "$T_TMP/over.jsonl" dr put $RW
check_rc 0
run dr get $RW --partition studio-a --content 'usa#ny#actor1'
check_out_eq '{"partition_ids":["studio-a"],"content_ids":["usa","ny","actor1"],"item":{"name":"B"},"current_version":1,"expiry":null}'
t_end "put overwrites the whole item, like the library"

t_begin
printf '%s\n' '{"partition_ids":[],"content_ids":[],"item":{"a":"x\u0007y\nz\u001b[31m"}}' >"$T_TMP/noids.jsonl"
run_in "$T_TMP/noids.jsonl" dr put $RW
check_rc 0
run dr get $RW --partition "" --content ""
check_rc 0
check_out_has '{"partition_ids":[""],"content_ids":[""],'
ddb_get "" "" "$T_TMP/n1"
check grep -q '"_table_item_id":{"S":"content#film_actor#"},"_table_content_id":{"S":"film_actor#"}' "$T_TMP/n1"
t_end "no ids: keys end in '#', ids read back as [\"\"]"

t_begin
run dr get $RW --partition "" --content "" --output table
check_rc 0
if LC_ALL=C grep -q "$(printf '[\001-\010\033]')" "$OUT"; then
	fail "raw control characters in table output"
	fail_file stdout "$OUT"
fi
check_out_has 'x\x07y\nz\x1b[31m'
t_end "--output table escapes control characters"

# ---- many items: batches, list, filters, between -------------------------
new_table
js '
for (let i = 0; i < 65; i++) {
	const p = String(i).padStart(3, "0");
	const c = i % 3 === 0 ? ["usa", "ny", "a" + p] :
	    i % 3 === 1 ? ["us", "x" + p] : ["uk", "y" + p];
	const item = { name: "n" + i, year: 1990 + i % 10,
	    status: i % 2 ? "on" : "off",
	    address: { city: i % 5 ? "Boston" : "Troy", zip: "z" + i },
	    flag: i % 4 === 0 ? true : i % 4 === 1 ? false : null, i: i };
	if (i % 7 === 0)
		item.opt = "o" + i;
	console.log(JSON.stringify({ partition_ids: ["p1"], content_ids: c,
	    item: item }));
}
for (const c of ["us", "usa", "zz"])
	console.log(JSON.stringify({ partition_ids: ["p2"],
	    content_ids: [c, "q"], item: { i: -1 } }));' >"$T_TMP/items.jsonl"

t_begin
run_in "$T_TMP/items.jsonl" dr -v put $RW
check_rc 0
check_err_has "68 items written"
check_ops "$ERR" BatchWriteItem 3
check_ops "$ERR" PutItem 0
t_end "put of 68 lines is three BatchWriteItem chunks of at most 25"

t_begin
run dr list $RW --partition p1
check_rc 0
check_lines 65
check_sel 'true'
cp "$OUT" "$T_TMP/all.jsonl"
t_end "list without a prefix: the whole partition, in key order"

t_begin
run dr list $RW --partition p1 --prefix us
check_rc 0
check_lines 44
check_sel 'c.startsWith("us")'
run dr list $RW --partition p1 --prefix usa
check_lines 22
check_sel 'c.startsWith("usa#")'
run dr list $RW --partition p1 --prefix 'usa#ny#a00'
check_sel 'c.startsWith("usa#ny#a00")'
t_end "list --prefix: 'us' also matches 'usa' (begins_with on the key)"

t_begin
run dr list $RW --partition p1 --prefix u --desc
check_rc 0
check_sel 'c.startsWith("u")' desc
t_end "list --desc: the reverse order"

t_begin
run dr list $RW --partition p1 --limit 5
check_rc 0
check_sel 'true' asc 5
run dr list $RW --partition p1 --prefix usa --desc --limit 3
check_sel 'c.startsWith("usa")' desc 3
t_end "list --limit without a filter (ascending and --desc)"

t_begin
run dr list $RW --partition p1 --filter 'address.city = Troy' --limit 4
check_rc 0
check_sel 'x.address.city === "Troy"' asc 4
run dr list $RW --partition p1 --filter 'opt missing' --limit 30
check_sel '!("opt" in x)' asc 30
t_end "list --limit counts matching items when a filter is set"

t_begin
run dr list $RW --partition p1 --filter 'name = "n3"'
check_rc 0
check_sel 'x.name === "n3"'
run dr list $RW --partition p1 --filter 'name = n42'
check_sel 'x.name === "n42"'
t_end "--filter FIELD = VALUE on the reserved word name (JSON string, bare word)"

t_begin
run dr list $RW --partition p1 --filter 'year = 1995'
check_rc 0
check_sel 'x.year === 1995'
run dr list $RW --partition p1 --filter 'year = "1995"'
check_rc 0
check_lines 0
t_end "--filter year = 1995 compares a number; \"1995\" a string (no match)"

t_begin
run dr list $RW --partition p1 --filter 'status != on'
check_rc 0
check_sel 'x.status !== "on"'
t_end "--filter FIELD != VALUE on the reserved word status"

t_begin
run dr list $RW --partition p1 --filter 'opt missing'
check_rc 0
check_sel '!("opt" in x)'
run dr list $RW --partition p1 --filter 'year missing'
check_rc 0
check_lines 0
t_end "--filter FIELD missing (attribute_not_exists)"

t_begin
run dr list $RW --partition p1 --filter 'flag = true'
check_rc 0
check_sel 'x.flag === true'
run dr list $RW --partition p1 --filter 'flag = null'
check_sel 'x.flag === null'
run dr list $RW --partition p1 --filter 'flag != false'
check_sel 'x.flag !== false'
t_end "--filter values true, null, false are JSON literals"

t_begin
run dr list $RW --partition p1 --filter 'address.zip = z15'
check_rc 0
check_sel 'x.address.zip === "z15"'
t_end "--filter on a nested dotted path"

t_begin
run dr list $RW --partition p1 --prefix us --filter 'year != 1991' \
    --filter 'status = on' --filter 'opt missing' --filter 'address.city = Boston'
check_rc 0
check_sel 'c.startsWith("us") && x.year !== 1991 && x.status === "on" && !("opt" in x) && x.address.city === "Boston"'
t_end "several --filter are joined with AND"

t_begin
run dr between $RW --partition p1 --start 'uk#y020' --end 'uk#y035'
check_rc 0
check_sel 'c >= "uk#y020" && c <= "uk#y035"'
check_out_has '"content_ids":["uk","y020"]'
check_out_has '"content_ids":["uk","y035"]'
t_end "between: both ends are included"

t_begin
run dr between $RW --partition p1 --start us --end us
check_rc 0
check_lines 44
check_sel 'c.startsWith("us")'
t_end "between with start == end is list with that prefix"

t_begin
run dr between $RW --partition p1 --start 'uk' --end 'us#x070' --desc --limit 7
check_rc 0
check_sel 'c >= "uk" && c <= "us#x070"' desc 7
run dr between $RW --partition p1 --start 'uk' --end 'usa' --filter 'status = off'
check_sel 'c >= "uk" && c <= "usa" && x.status === "off"'
t_end "between --desc --limit and --filter"

t_begin
run dr list $RW --partition p1 --prefix uk --output json
check_rc 0
check_js '
const a = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
const want = require("fs").readFileSync(process.argv[2], "utf8").split("\n")
    .filter((l) => l.startsWith("{\"partition_ids\":[\"p1\"],\"content_ids\":[\"uk\""));
if (a.length !== want.length)
	throw new Error(a.length + " items, expected " + want.length);
for (let i = 0; i < a.length; i++)
	if (h.canon(a[i]) !== h.canon(JSON.parse(want[i])))
		throw new Error("item " + i + ": " + JSON.stringify(a[i]));' \
    "$OUT" "$T_TMP/all.jsonl"
t_end "list --output json: one array, the same items as jsonl"

t_begin
run dr list $RW --partition p1 --prefix uk --output jsonl
check_rc 0
check_lines 21
cp "$OUT" "$T_TMP/uk.jsonl"
run dr list $RW --partition p1 --prefix uk
check cmp "$OUT" "$T_TMP/uk.jsonl"
t_end "list --output jsonl is the default when stdout is not a terminal"

t_begin
run dr list $RW --partition p1 --prefix uk --output ddb
check_rc 0
check_lines 21
check_js '
const l = h.jsonl(process.argv[1]);
l.forEach((it, k) => {
	const i = 3 * k + 2;
	const c = "film_actor#uk#y" + String(i).padStart(3, "0");
	if (it._table_item_id.S !== "content#film_actor#p1" ||
	    it._table_content_id.S !== c || it.i.N !== String(i) ||
	    it.address.M.city.S === undefined || it._object_version.N !== "1")
		throw new Error("line " + k + ": " + JSON.stringify(it));
});' "$OUT"
t_end "list --output ddb: one stored item a line, keys included"

t_begin
run dr list $RW --partition p1 --prefix 'usa#ny#a00' --output table
check_rc 0
check_lines 6
check_out_has "(4 items)"
check_out_has "usa#ny#a009"
t_end "list --output table"

# ---- get-batch ------------------------------------------------------------
js '
for (let i = 0; i < 160; i++)
	console.log(JSON.stringify({ partition_ids: ["gb"],
	    content_ids: ["k", String(i)], item: { i: i } }));' >"$T_TMP/gb.jsonl"
js '
for (let i = 0; i < 160; i++)
	console.log(JSON.stringify({ partition_ids: ["gb"],
	    content_ids: ["k", String(i)] }));
for (let i = 0; i < 160; i += 10)
	console.log(JSON.stringify({ partition_ids: ["gb"],
	    content_ids: ["k", String(i)] }));
for (let i = 0; i < 5; i++)
	console.log(JSON.stringify({ partition_ids: ["gb"],
	    content_ids: ["missing", String(i)] }));
console.log(JSON.stringify({ partition_ids: ["p1"],
    content_ids: ["uk", "y002"] }));' >"$T_TMP/gbkeys.jsonl"
run_in "$T_TMP/gb.jsonl" dr put $RW

t_begin
run_in "$T_TMP/gbkeys.jsonl" dr -v get-batch $RW
check_rc 0
check_ops "$ERR" BatchGetItem +2
cp "$OUT" "$T_TMP/gbout.jsonl"
check_js '
const l = h.jsonl(process.argv[1]);
const seen = new Set();
for (const x of l) {
	const k = x.partition_ids.join("#") + "/" + x.content_ids.join("#");
	seen.add(k);
	if (x.partition_ids[0] === "gb" &&
	    (x.content_ids[0] !== "k" || String(x.item.i) !== x.content_ids[1]))
		throw new Error("wrong item for " + k);
}
for (let i = 0; i < 160; i++)
	if (!seen.has("gb/k#" + i))
		throw new Error("missing gb/k#" + i);
if (!seen.has("p1/uk#y002"))
	throw new Error("missing p1/uk#y002");
if (seen.size !== 161)
	throw new Error(seen.size + " distinct items, expected 161");' "$OUT"
t_end "get-batch: 176 keys in two chunks, missing keys skipped, all 161 items"

t_begin
run_in "$T_TMP/gbkeys.jsonl" dr get-batch $RW
check_lines 161
check_js '
const l = h.jsonl(process.argv[1]).map((x) =>
    x.partition_ids.join("#") + "/" + x.content_ids.join("#"));
const d = l.filter((k, i) => l.indexOf(k) !== i);
if (d.length)
	throw new Error("printed twice: " + d.join(" "));' "$OUT"
t_end "get-batch asks for a key repeated 100+ lines later once"

t_begin
printf '%s\n' '{"partition_ids":["gb"],"content_ids":["k","7"]}' \
    '{"partition_ids":["gb"],"content_ids":["k","7"]}' \
    '{"partition_ids":["gb"],"content_ids":["nope"]}' >"$T_TMP/gb3.jsonl"
run_in "$T_TMP/gb3.jsonl" dr get-batch $RW
check_rc 0
check_out_eq '{"partition_ids":["gb"],"content_ids":["k","7"],"item":{"i":7},"current_version":1,"expiry":null}'
t_end "get-batch: a duplicate in one chunk is read once"

# ---- delete ------------------------------------------------------------------
t_begin
run dr delete $RW --partition p1 --prefix us
check_rc 2
run dr list $RW --partition p1
check_lines 65
t_end "delete without --yes exits 2 and deletes nothing"

t_begin
run dr delete $RW --partition p1 --prefix us --yes
check_rc 0
check_err_has "44 items deleted"
run dr list $RW --partition p1
check_lines 21
check_sel 'c.startsWith("uk")'
run dr list $RW --partition p2
check_lines 3
t_end "delete --prefix us --yes: 44 items (us and usa) gone, the rest kept"

t_begin
run dr delete $RW --partition gb --yes
check_rc 0
check_err_has "160 items deleted"
run dr list $RW --partition gb
check_lines 0
run dr list $RW --partition p2
check_lines 3
t_end "delete without --prefix empties only that partition"

# ---- update -----------------------------------------------------------------
new_table
printf '%s\n' '{"partition_ids":["s"],"content_ids":["a","1"],"item":{"name":"Ann","address":{"city":"Troy","zip":"12180"},"awards":2,"tags":["t"],"extra":{"old":1}}}' >"$T_TMP/u.jsonl"
run_in "$T_TMP/u.jsonl" dr put $RW
ddb_get s 'a#1' "$T_TMP/u0"

t_begin
run dr update $RW --partition s --content 'a#1' --set name=Bob \
    --set year=1999 --set address.city=Boston --set address.no=7 \
    --set active=true --set nothing=null --set 'extra={"k":[1,"x"]}'
check_rc 0
ddb_get s 'a#1' "$T_TMP/u1"
check_js '
const it = h.jsonl(process.argv[1])[0];
const want = { name: { S: "Bob" }, year: { N: "1999" },
	address: { M: { city: { S: "Boston" }, zip: { S: "12180" },
	    no: { N: "7" } } },
	active: { BOOL: true }, nothing: { NULL: true },
	extra: { M: { old: { N: "1" }, k: { L: [{ N: "1" }, { S: "x" }] } } },
	awards: { N: "2" }, tags: { L: [{ S: "t" }] } };
for (const k of Object.keys(want))
	if (h.canon(it[k]) !== h.canon(want[k]))
		throw new Error(k + ": " + JSON.stringify(it[k]));' "$T_TMP/u1"
t_end "update --set: bare word, JSON literals, F.M=V and a map value set members"

t_begin
run dr update $RW --partition s --content 'a#1' --set name=Zed \
    --set 'newmap={"a":1}'
[ "$RC" -ne 0 ] || fail "exit status 0"
ddb_get s 'a#1' "$T_TMP/u1b"
check cmp "$T_TMP/u1" "$T_TMP/u1b"
t_end "update --set of a map value onto an absent field fails, writes nothing"

t_begin
run dr update $RW --partition s --content 'a#1' --incr awards=3 \
    --incr fresh=5 --incr neg=-2
check_rc 0
ddb_get s 'a#1' "$T_TMP/u2"
check grep -q '"awards":{"N":"5"}' "$T_TMP/u2"
check grep -q '"fresh":{"N":"5"}' "$T_TMP/u2"
check grep -q '"neg":{"N":"-2"}' "$T_TMP/u2"
t_end "update --incr adds to a number, an absent one counts from 0"

t_begin
run dr update $RW --partition s --content 'a#1' --append tags=word \
    --append tags=7 --append 'tags=["l1",{"m":1}]' --append tags=true \
    --append 'newlist={"d":true}'
check_rc 0
ddb_get s 'a#1' "$T_TMP/u3"
check grep -q '"tags":{"L":\[{"S":"t"},{"S":"word"},{"S":"7"},{"S":"l1"},{"M":{"m":{"N":"1"}}},{"S":"True"}\]}' "$T_TMP/u3"
check grep -q '"newlist":{"L":\[{"M":{"d":{"BOOL":true}}}\]}' "$T_TMP/u3"
t_end "update --append: words, lists, dicts; a number or bool as str() does"

t_begin
check_js '
const v = process.argv.slice(1).map((f) => h.jsonl(f)[0]);
const re = new RegExp(process.env.TS_RE);
v.forEach((it, k) => {
	if (it._object_version.N !== String(k + 1))
		throw new Error("after " + k + " updates _object_version is " +
		    it._object_version.N);
	if (!re.test(it._timestamp.S))
		throw new Error("bad _timestamp " + it._timestamp.S);
	if (k > 0 && it._timestamp.S === v[k - 1]._timestamp.S)
		throw new Error("_timestamp unchanged by update " + k);
});' "$T_TMP/u0" "$T_TMP/u1" "$T_TMP/u2" "$T_TMP/u3"
t_end "every update adds 1 to _object_version and sets a new _timestamp"

t_begin
run dr update $RW --partition s --content 'a#1' --set name=Cat --version 4
check_rc 0
ddb_get s 'a#1' "$T_TMP/u4"
check grep -q '"_object_version":{"N":"5"}' "$T_TMP/u4"
check grep -q '"name":{"S":"Cat"}' "$T_TMP/u4"
t_end "update --version N succeeds when the stored version is N"

t_begin
run dr update $RW --partition s --content 'a#1' --set name=Dan --version 4
check_rc 3
ddb_get s 'a#1' "$T_TMP/u5"
check cmp "$T_TMP/u4" "$T_TMP/u5"
t_end "update --version with a stale version exits 3, item unchanged"

t_begin
run dr update $RW --partition s --content 'a#2' --set name=Eve
check_rc 3
run dr get $RW --partition s --content 'a#2'
check_rc 1
t_end "update of a missing item exits 3 and creates nothing"

t_begin
run dr update $RW --partition s --content 'a#3' --set name=Fay --incr n=1 \
    --no-require-exists
check_rc 0
run dr get $RW --partition s --content 'a#3'
check_rc 0
check_out_eq '{"partition_ids":["s"],"content_ids":["a","3"],"item":{"name":"Fay","n":1},"current_version":1,"expiry":null}'
t_end "update --no-require-exists creates the item (version 1)"

printf '%s\n' '{"set_commands":{"name":"Gus","address":{"city":"Albany"}},"increment_attrs":{"awards":10},"append_attrs":{"tags":["j"]},"current_version":5,"expiry":null}' >"$T_TMP/uc.json"
t_begin
run_in "$T_TMP/uc.json" dr update $RW --partition s --content 'a#1'
check_rc 0
ddb_get s 'a#1' "$T_TMP/u6"
check grep -q '"name":{"S":"Gus"}' "$T_TMP/u6"
check grep -q '"address":{"M":{[^}]*"city":{"S":"Albany"}' "$T_TMP/u6"
check grep -q '"zip":{"S":"12180"}' "$T_TMP/u6"
check grep -q '"awards":{"N":"15"}' "$T_TMP/u6"
check grep -q '{"S":"j"}\]}' "$T_TMP/u6"
check grep -q '"_object_version":{"N":"6"}' "$T_TMP/u6"
t_end "update reads an UpdateCommand JSON on stdin (dict set by member)"

t_begin
run_in "$T_TMP/uc.json" dr update $RW --partition s --content 'a#1'
check_rc 3
ddb_get s 'a#1' "$T_TMP/u7"
check cmp "$T_TMP/u6" "$T_TMP/u7"
t_end "an UpdateCommand with a stale current_version exits 3"

t_begin
run dr update $RW --partition s --content 'a#3' --set name=Hal \
    --expiry 1900000000
check_rc 0
run dr get $RW --partition s --content 'a#3'
check_out_has '"current_version":2,"expiry":"2030-03-17T17:46:40+00:00"}'
t_end "update --expiry sets _ttl"

t_begin
run dr update $RW --partition s --content 'a#3' --expiry 1900000600 </dev/null
check_rc 0
run dr get $RW --partition s --content 'a#3'
check_out_has '"current_version":3,"expiry":"2030-03-17T17:56:40+00:00"}'
t_end "update --expiry alone is a change (stdin not read)"

# ---- profiles, read-only profiles, overrides ---------------------------------
t_begin
run dr profiles
check_rc 0
check_js '
const l = require("fs").readFileSync(process.argv[1], "utf8").split("\n");
const rw = l.find((x) => /^rw\s/.test(x)), ro = l.find((x) => /^ro\s/.test(x));
if (!rw || !ro)
	throw new Error("rw or ro missing");
for (const x of [rw, ro])
	if (!x.includes("unused-table") ||
	    !x.includes(process.env.DYNREPO_TEST_ENDPOINT) ||
	    !x.includes("content#film_actor#") || !x.includes("cli.ini"))
		throw new Error("incomplete: " + x);
if (!/\sro\s/.test(ro) || /\sro\s/.test(rw))
	throw new Error("read-only mark wrong:\n" + rw + "\n" + ro);' "$OUT"
t_end "profiles lists name, table, endpoint, prefix, read-only mark, file"

t_begin
run dr get $RO --partition s --content 'a#1' --output ddb
check_rc 0
check cmp "$OUT" "$T_TMP/u7"
run dr list $RO --partition s
check_lines 2
t_end "a read-only profile reads"

t_begin
printf '%s\n' '{"partition_ids":["s"],"content_ids":["ro"],"item":{"a":1}}' >"$T_TMP/ro.jsonl"
run_in "$T_TMP/ro.jsonl" dr put $RO
check_rc 2
check_err_has "read-only"
run dr get $RW --partition s --content ro
check_rc 1
t_end "a read-only profile refuses put (exit 2), nothing written"

t_begin
run dr update $RO --partition s --content 'a#1' --set name=Ivy
check_rc 2
check_err_has "read-only"
run_in "$T_TMP/uc.json" dr update $RO --partition s --content 'a#1'
check_rc 2
run dr update $RO --partition s --content 'ro' --set name=Ivy \
    --no-require-exists
check_rc 2
run dr get $RW --partition s --content ro
check_rc 1
ddb_get s 'a#1' "$T_TMP/u8"
check cmp "$T_TMP/u7" "$T_TMP/u8"
t_end "a read-only profile refuses update (exit 2), nothing written"

t_begin
run dr delete $RO --partition s --yes
check_rc 2
check_err_has "read-only"
run dr list $RW --partition s
check_lines 2
t_end "a read-only profile refuses delete (exit 2), nothing deleted"

t_begin
run dr delete $RO --partition s --yes
check_err_lacks "items deleted"
t_end "a refused delete does not report a count of deleted items"

mkdir "$T_TMP/other" "$T_TMP/env"
cat >"$T_TMP/other/solo.ini" <<EOF
[repository]
table            = $TBL
region           = eu-west-1
endpoint         = http://127.0.0.1:1
partition_prefix = content
partition_name   = film_actor
content_type     = film_actor
max_attempts     = 1
EOF
t_begin
run "$DYNREPO_BIN" get -p "$T_TMP/other/solo.ini" --partition s \
    --content 'a#3' --endpoint "$DYNREPO_TEST_ENDPOINT" --region us-east-1
check_rc 0
check_out_has '"item":{"name":"Hal","n":1}'
run "$DYNREPO_BIN" get -p "$T_TMP/other/solo.ini" --partition s \
    --content 'a#3'
check_rc 1
t_end "-p FILE.ini; --endpoint overrides the profile's endpoint"

cp "$T_TMP/other/solo.ini" "$T_TMP/env/envprof.ini"
t_begin
mkdir "$T_TMP/empty"
DYNREPO_PROFILES="$T_TMP/empty:$T_TMP/env"
export DYNREPO_PROFILES
run "$DYNREPO_BIN" profiles
check_rc 0
check_out_has "envprof"
run "$DYNREPO_BIN" get -p envprof --endpoint "$DYNREPO_TEST_ENDPOINT" \
    --partition s --content 'a#3'
check_rc 0
check_out_has '"name":"Hal"'
unset DYNREPO_PROFILES
t_end "DYNREPO_PROFILES: a [repository] named after its file"

# ---- items without _object_version, large items, exact numbers ---------------
t_begin
printf '%s\n' '{"_table_item_id":{"S":"content#film_actor#raw"},"_table_content_id":{"S":"film_actor#r#1"},"v":{"N":"3"}}' |
    raw_put "$TBL" >"$T_TMP/raw.out" 2>&1 || fail_file "raw PutItem" "$T_TMP/raw.out"
run dr get $RW --partition raw --content 'r#1'
check_rc 0
check_out_eq '{"partition_ids":["raw"],"content_ids":["r","1"],"item":{"v":3},"current_version":1,"expiry":null}'
run dr list $RW --partition raw
check_out_has '"current_version":1,'
t_end "an item without _object_version reads as version 1"

new_table
js '
const pad = "x".repeat(100000);
for (let i = 0; i < 40; i++)
	console.log(JSON.stringify({ partition_ids: ["big"],
	    content_ids: ["b" + String(i).padStart(2, "0")],
	    item: { i: i, pad: pad } }));' >"$T_TMP/big.jsonl"
t_begin
run_in "$T_TMP/big.jsonl" dr put $RW
check_rc 0
run dr -v list $RW --partition big
check_rc 0
check_lines 40
check_ops "$ERR" Query +4
check_js '
const l = h.jsonl(process.argv[1]);
l.forEach((x, k) => {
	if (x.item.i !== k || x.content_ids[0] !== "b" + String(k).padStart(2, "0") ||
	    x.item.pad.length !== 100000)
		throw new Error("line " + k + ": " + x.content_ids);
});' "$OUT"
t_end "list of 40 items of 100 KB: every 1 MB Query page, in order"

t_begin
run dr -v list $RW --partition big --desc --limit 15
check_rc 0
check_lines 15
check_out_has '"content_ids":["b25"]'
check_out_lacks '"content_ids":["b24"]'
check_ops "$ERR" Query +2
t_end "list --desc --limit across Query pages stops at the limit"

# Standard output that cannot be written (a full disk; /dev/full) fails
# the run, rather than leaving a short file behind an exit status of 0,
# and a list stops reading at the first failed write: the page it was
# printing and the one asked for meanwhile, not all four.
t_begin
run sh -c '"$1" --profiles "$2" -v list $3 --partition big >/dev/full' sh \
    "$DYNREPO_BIN" "$T_PROFDIR" "$RW"
check_rc 1
check_err_has "dynrepo list: cannot write standard output"
n=$(grep -c " Query attempt " "$ERR")
[ "$n" -le 2 ] || fail "$n Query pages read for an output that had failed"
run sh -c '"$1" --profiles "$2" list $3 --partition big --output table \
    >/dev/full' sh "$DYNREPO_BIN" "$T_PROFDIR" "$RW"
check_rc 1
check_err_has "dynrepo list: cannot write standard output"
run sh -c '"$1" --version >/dev/full' sh "$DYNREPO_BIN"
check_rc 1
check_err_has "dynrepo: cannot write standard output: No space left on device"
t_end "list to a full disk exits 1, says so, and stops reading"

# Standard output closed from the start: an error for what prints to it,
# none for a verb that prints nothing there.
t_begin
run sh -c '"$1" --version >&-' sh "$DYNREPO_BIN"
check_rc 1
check_err_has "dynrepo: cannot write standard output: Bad file descriptor"
printf '{"partition_ids":["closed"],"content_ids":["c"],"item":{}}\n' \
    >"$T_TMP/closed.jsonl"
run sh -c '"$1" --profiles "$2" put $3 <"$4" >&-' sh "$DYNREPO_BIN" \
    "$T_PROFDIR" "$RW" "$T_TMP/closed.jsonl"
check_rc 0
check_err_has "1 item written"
t_end "standard output closed: --version fails, a put (printing nothing there) does not"

t_begin
js 'for (let i = 39; i >= 0; i--)
	console.log(JSON.stringify({ partition_ids: ["big"],
	    content_ids: ["b" + String(i).padStart(2, "0")] }));' >"$T_TMP/bigkeys.jsonl"
run_in "$T_TMP/bigkeys.jsonl" dr -v get-batch $RW
check_rc 0
check_lines 40
check_ops "$ERR" BatchGetItem +2
check_js '
const l = h.jsonl(process.argv[1]);
const s = new Set(l.filter((x) => x.item.pad.length === 100000)
    .map((x) => x.item.i));
if (s.size !== 40)
	throw new Error(s.size + " distinct complete items");' "$OUT"
t_end "get-batch of 40 items of 100 KB re-sends UnprocessedKeys"

t_begin
run sh -c '"$1" --profiles "$2" get-batch $3 <"$4" >/dev/full' sh \
    "$DYNREPO_BIN" "$T_PROFDIR" "$RW" "$T_TMP/bigkeys.jsonl"
check_rc 1
check_err_has "dynrepo get-batch: cannot write standard output"
t_end "get-batch to a full disk exits 1 and says so"

cat >"$T_TMP/num.jsonl" <<'EOF'
{"partition_ids":["n"],"content_ids":["1"],"item":{"a":12345678901234567890123456789012345678,"b":-1.5E-130,"c":9.9999999999999999999999999999999999999E+125,"d":-0.00012300,"e":[1.0,100e-2],"m":{"x":-98765432109876543210.123456789012345678}}}
EOF
t_begin
run_in "$T_TMP/num.jsonl" dr put $RW
check_rc 0
ddb_get n 1 "$T_TMP/num.ddb"
run dr get $RW --partition n --content 1
check_rc 0
check_js '
const fs = require("fs");
const d = h.jsonl(process.argv[1])[0];
const txt = fs.readFileSync(process.argv[2], "utf8");
const want = { a: "12345678901234567890123456789012345678", b: "-1.5E-130",
	c: "9.9999999999999999999999999999999999999E+125", d: "-0.00012300" };
let bad = [];
for (const k of Object.keys(want)) {
	if (h.num(d[k].N) !== h.num(want[k]))
		bad.push("ddb " + k + ": " + d[k].N);
	if (h.num(h.rawnum(txt, k)) !== h.num(want[k]))
		bad.push("jsonl " + k + ": " + h.rawnum(txt, k));
}
if (h.num(d.e.L[0].N) !== "1e0" || h.num(d.e.L[1].N) !== "1e0")
	bad.push("e: " + JSON.stringify(d.e));
if (h.num(d.m.M.x.N) !== h.num("-98765432109876543210.123456789012345678") ||
    h.num(h.rawnum(txt, "x")) !== h.num(d.m.M.x.N))
	bad.push("m.x: " + JSON.stringify(d.m));
if (bad.length) {
	console.log(bad.join("\n"));
	process.exit(1);
}' "$T_TMP/num.ddb" "$OUT"
t_end "38-digit, 1E-130 and 9.99..E+125 numbers round-trip exactly"

t_begin
run dr get $RW --partition n --content 1
cp "$OUT" "$T_TMP/num.out"
run_in "$T_TMP/num.out" dr put $RW
check_rc 0
ddb_get n 1 "$T_TMP/num2.ddb"
check_js '
const [a, b] = process.argv.slice(1).map((f) => h.jsonl(f)[0]);
delete a._timestamp;
delete b._timestamp;
if (h.canon(a) !== h.canon(b))
	throw new Error(h.canon(a) + "\n" + h.canon(b));' "$T_TMP/num.ddb" "$T_TMP/num2.ddb"
t_end "get output put back stores the same numbers"


# ---- batch writes in flight ---------------------------------------------------
new_table
js '
for (let i = 0; i < 80; i++) {
	const k = i < 60 ? i : i - 60;
	console.log(JSON.stringify({ partition_ids: ["d"],
	    content_ids: ["k" + String(k).padStart(3, "0")],
	    item: { line: i } }));
}' >"$T_TMP/dup.jsonl"

t_begin
run_in "$T_TMP/dup.jsonl" dr -v put $RW
check_rc 0
check_err_has "80 items written"
# Line 60 repeats line 0's key: unless line 0's chunk was answered by then,
# lines 50-59 go alone and 60-79 wait for every chunk before them; either
# way 4 requests, never one key in two at once.
check_ops "$ERR" BatchWriteItem 4
run dr list $RW --partition d
check_rc 0
check_js '
const got = h.jsonl(process.argv[1]);
if (got.length !== 60)
	throw new Error(got.length + " items");
for (const l of got) {
	const k = Number(l.content_ids[0].slice(1));
	const want = k < 20 ? k + 60 : k;
	if (l.item.line !== want)
		throw new Error(l.content_ids[0] + ": line " + l.item.line +
		    ", want " + want);
}' "$OUT"
t_end "put with a key given twice, 4 in flight: the last line wins"

t_begin
run_in "$T_TMP/dup.jsonl" dr -v --in-flight 1 put $RW
check_rc 0
check_err_has "80 items written"
check_ops "$ERR" BatchWriteItem 4
run_in "$T_TMP/dup.jsonl" dr --in-flight 17 put $RW
check_rc 2
check_err_has "--in-flight: expected 1 to 16"
run_in "$T_TMP/dup.jsonl" env DYNREPO_IN_FLIGHT=0 "$DYNREPO_BIN" \
    --profiles "$T_PROFDIR" put $RW
check_rc 2
check_err_has "DYNREPO_IN_FLIGHT: expected 1 to 16"
t_end "--in-flight 1 sends one chunk at a time; out-of-range values exit 2"

t_begin
run dr -v delete $RW --partition d --yes
check_rc 0
check_ops "$ERR" BatchWriteItem 3
run dr list $RW --partition d
check_rc 0
[ -s "$OUT" ] && fail "items left after delete"
t_end "delete of 60 items: 3 BatchWriteItems"

# 1,000 lines of 5 kB in partition $1, item i's string $2 repeated and i;
# then, with a third argument, line 3's key again with the string "last".
big_lines()
{
	js '
const [part, ch, again] = process.argv.slice(1);
for (let i = 0; i < 1000; i++)
	console.log(JSON.stringify({ partition_ids: [part],
	    content_ids: ["b" + String(i).padStart(4, "0")],
	    item: { i: i, s: ch.repeat(5000) + i } }));
for (const i of again ? again.split(",").map(Number) : [])
	console.log(JSON.stringify({ partition_ids: [part],
	    content_ids: ["b" + String(i).padStart(4, "0")],
	    item: { i: -i, s: "last" } }));' "$@"
}

# Expect partition $1 to hold what big_lines $1 $2 $3 wrote, the later
# line of a key twice winning ($3: the lines written again, as 3,300).
check_big_lines()
{
	run dr list $RW --partition "$1"
	check_rc 0
	check_js '
const [file, ch, again] = process.argv.slice(1);
const twice = new Set(again ? again.split(",").map(Number) : []);
const got = h.jsonl(file);
if (got.length !== 1000)
	throw new Error(got.length + " items");
got.forEach((l, i) => {
	const want = twice.has(i) ? [-i, "last"] : [i, ch.repeat(5000) + i];
	if (l.item.i !== want[0] || l.item.s !== want[1])
		throw new Error("item " + i + " differs");
});' "$OUT" "$2" "${3:-}"
}

# The regression guard of the put issue (work, not time): 1,000 lines of
# 5 kB, more than the 4 MB of contents the check pass used to keep, are
# each parsed once, kept as their requests' text for the write pass.
big_lines big x >"$T_TMP/big.jsonl"

t_begin
run_in "$T_TMP/big.jsonl" dr -v put $RW
check_rc 0
check_err_has "1000 items written"
check_err_has "1000 lines checked, 0 kept as contents, 1000 as their"
check_err_has ", 0 in a temporary file (0 bytes), 0 parsed again"
check_big_lines big x
t_end "put of 1,000 lines of 5 kB parses each line once"

# Past the memory kept for them (DYNREPO_PUT_MEMORY, here 1 MB), the
# checked requests wait in a temporary file: still parsed once, written in
# the stream's order, the later line of a key twice winning.
big_lines spill y 3 >"$T_TMP/spill.jsonl"

t_begin
run_in "$T_TMP/spill.jsonl" env DYNREPO_PUT_MEMORY=1000000 \
    "$DYNREPO_BIN" --profiles "$T_PROFDIR" -v put $RW
check_rc 0
check_err_has "1001 items written"
check grep -E -q ' [1-9][0-9]* as their requests.* text \([0-9]+ bytes\), [1-9][0-9]* in a temporary file .*, 0 parsed again' "$ERR"
check_big_lines spill y 3
t_end "put past DYNREPO_PUT_MEMORY keeps the rest in a temporary file, parsed once, in order"

# A temporary file that cannot be written (its size limited, as a full
# disk would): it is given up whole, its lines read from the stream again
# as they are written, and every line is written, in order.
big_lines spill2 z 3 >"$T_TMP/spill2.jsonl"

t_begin
run_in "$T_TMP/spill2.jsonl" sh -c 'trap "" XFSZ; ulimit -f 2048 &&
    exec env DYNREPO_PUT_MEMORY=1000000 "$0" "$@"' "$DYNREPO_BIN" \
    --profiles "$T_PROFDIR" --no-journal -v put $RW
check_rc 0
check_err_has "1001 items written"
check grep -E -q ' [1-9][0-9]* as their requests.* text \([0-9]+ bytes\), 0 in a temporary file \(0 bytes\), [1-9][0-9]* parsed again' "$ERR"
check_big_lines spill2 z 3
t_end "put: a temporary file that cannot be written is given up, its lines read again"

# Expect partition $1 to hold nothing.
check_nothing_in()
{
	run dr list $RW --partition "$1"
	check_rc 0
	[ -s "$OUT" ] && fail "items were written in $1"
}

# A stream from a pipe is spooled to a temporary file to be read again;
# when its last flush fails (the file's size limited; every line still in
# stdio's buffer until then), the put stops before writing anything, not
# with lines missing.
node -e '
for (let i = 0; i < 100; i++)
	console.log(JSON.stringify({ partition_ids: ["spool"],
	    content_ids: ["c" + i], item: { s: "w".repeat(900) + i } }));' \
    >"$T_TMP/spool.jsonl"

t_begin
run sh -c 'cat "$1" | (trap "" XFSZ; ulimit -f 100 &&
    exec env DYNREPO_PUT_MEMORY=0 "$2" --profiles "$3" put $4)' sh \
    "$T_TMP/spool.jsonl" "$DYNREPO_BIN" "$T_PROFDIR" "$RW"
check_rc 1
check_err_has "cannot spool stdin to a temporary file (disk full?); nothing was written"
check_nothing_in spool
t_end "put from a pipe: a spool that cannot be flushed stops it before any write"

t_begin
run_in "$T_TMP/spill2.jsonl" env DYNREPO_PUT_MEMORY=lots "$DYNREPO_BIN" \
    --profiles "$T_PROFDIR" put $RW
check_rc 2
check_err_has "DYNREPO_PUT_MEMORY: expected a number of bytes"
t_end "put: a DYNREPO_PUT_MEMORY that is not a number of bytes is a usage error"

t_begin
run_in "$T_TMP/spill2.jsonl" env DYNREPO_PUT_SPILL=-1 "$DYNREPO_BIN" \
    --profiles "$T_PROFDIR" put $RW
check_rc 2
check_err_has "DYNREPO_PUT_SPILL: expected a number of bytes"
t_end "put: a DYNREPO_PUT_SPILL that is not a number of bytes is a usage error"

# Past both budgets (DYNREPO_PUT_MEMORY and DYNREPO_PUT_SPILL, 1 MB each,
# ~190 lines of 5 kB each), the lines are read again from the stream: the
# three parts are written in the stream's order, a key first kept in
# memory (b0003) or in the file (b0300) and written again at the end
# taking its last line.
big_lines three w 3,300 >"$T_TMP/three.jsonl"

t_begin
run_in "$T_TMP/three.jsonl" env DYNREPO_PUT_MEMORY=1000000 \
    DYNREPO_PUT_SPILL=1000000 "$DYNREPO_BIN" --profiles "$T_PROFDIR" \
    --no-journal -v put $RW
check_rc 0
check_err_has "1002 items written"
check grep -E -q ' [1-9][0-9]* as their requests.* text \([0-9]+ bytes\), [1-9][0-9]* in a temporary file \([0-9]+ bytes\), [1-9][0-9]* parsed again' "$ERR"
check_big_lines three w 3,300
t_end "put past both budgets: memory, the temporary file, then the stream, in order"

# The temporary files go to $TMPDIR: one that does not exist is a spill
# that cannot be made (the lines read again, all written), and for a pipe
# a spool that cannot be made (nothing written, and why).
big_lines tmpdir v 3 >"$T_TMP/tmpdir.jsonl"

t_begin
run_in "$T_TMP/tmpdir.jsonl" env TMPDIR="$T_TMP/no-such-dir" \
    DYNREPO_PUT_MEMORY=1000000 "$DYNREPO_BIN" --profiles "$T_PROFDIR" \
    --no-journal -v put $RW
check_rc 0
check_err_has "1001 items written"
check_err_has "cannot create a temporary file in $T_TMP/no-such-dir: No such file or directory"
check grep -E -q ' [1-9][0-9]* as their requests.* text \([0-9]+ bytes\), 0 in a temporary file \(0 bytes\), [1-9][0-9]* parsed again' "$ERR"
check_big_lines tmpdir v 3
t_end "put: the temporary file of checked requests is made in \$TMPDIR"

# DYNREPO_PUT_SPILL=0: no temporary file is even tried (the one $TMPDIR
# would refuse); the lines past the memory are read again.
t_begin
run_in "$T_TMP/tmpdir.jsonl" env TMPDIR="$T_TMP/no-such-dir" \
    DYNREPO_PUT_MEMORY=1000000 DYNREPO_PUT_SPILL=0 "$DYNREPO_BIN" \
    --profiles "$T_PROFDIR" --no-journal -v put $RW
check_rc 0
check_err_has "1001 items written"
check_err_lacks "cannot create a temporary file"
check grep -E -q ' [1-9][0-9]* as their requests.* text \([0-9]+ bytes\), 0 in a temporary file \(0 bytes\), [1-9][0-9]* parsed again' "$ERR"
check_big_lines tmpdir v 3
t_end "put with DYNREPO_PUT_SPILL=0 keeps nothing in a temporary file"

t_begin
run sh -c 'cat "$1" | TMPDIR="$2" "$3" --profiles "$4" put $5' sh \
    "$T_TMP/spool.jsonl" "$T_TMP/no-such-dir" "$DYNREPO_BIN" "$T_PROFDIR" \
    "$RW"
check_rc 1
check_err_has "stdin is read twice, and nothing was written: cannot create a temporary file in $T_TMP/no-such-dir: No such file or directory"
check_nothing_in spool
t_end "put from a pipe: the spool is made in \$TMPDIR, and without one nothing is written"

# import - from a pipe spools it to an unlinked file in $TMPDIR, whole,
# before reading it: without one, or when a write to it fails (its size
# limited), nothing is written, rather than the spool read back short.
node -e '
for (let i = 0; i < 100; i++)
	console.log(JSON.stringify({ Item: {
	    _table_item_id: { S: "content#film_actor#spoolimp" },
	    _table_content_id: { S: "film_actor#c" + i },
	    s: { S: "w".repeat(900) + i } } }));' >"$T_TMP/spoolimp.jsonl"

# Expect the table to hold n (default 0) of spoolimp.jsonl's items.
check_spoolimp()
{
	run dr list $RW --partition spoolimp
	check_rc 0
	[ "$(wc -l <"$OUT")" -eq "${1:-0}" ] ||
	    fail "$(wc -l <"$OUT") items written, not ${1:-0}"
}

t_begin
run sh -c 'cat "$1" | TMPDIR="$2" "$3" --profiles "$4" import $5 -' sh \
    "$T_TMP/spoolimp.jsonl" "$T_TMP/no-such-dir" "$DYNREPO_BIN" \
    "$T_PROFDIR" "$RW"
check_rc 1
check_err_has "stdin is read twice, and nothing was written: cannot create a temporary file in $T_TMP/no-such-dir: No such file or directory"
check_spoolimp
t_end "import - from a pipe: the spool is made in \$TMPDIR, and without one nothing is written"

t_begin
run sh -c 'cat "$1" | (trap "" XFSZ; ulimit -f 100 &&
    exec "$2" --profiles "$3" import $4 -)' sh \
    "$T_TMP/spoolimp.jsonl" "$DYNREPO_BIN" "$T_PROFDIR" "$RW"
check_rc 1
check_err_has "cannot spool the input to a temporary file (File too large); nothing was written"
check_spoolimp
run sh -c 'cat "$1" | TMPDIR="$2" "$3" --profiles "$4" import $5 -' sh \
    "$T_TMP/spoolimp.jsonl" "$T_TMP" "$DYNREPO_BIN" "$T_PROFDIR" "$RW"
check_rc 0
check_err_has "100 items written"
check_spoolimp 100
t_end "import - from a pipe: a spool that cannot be flushed writes nothing; one that can, everything"

# A line whose item sets the partition key to a number cannot be kept as
# text: it and the lines after it are read again, and DynamoDB refuses
# the chunk as before.
printf '%s\n' '{"partition_ids":["n"],"content_ids":["1"],"item":{}}' \
    '{"partition_ids":["n"],"content_ids":["2"],"item":{"_table_item_id":5}}' \
    '{"partition_ids":["n"],"content_ids":["3"],"item":{}}' >"$T_TMP/nk.jsonl"

t_begin
run_in "$T_TMP/nk.jsonl" dr -v put $RW
check_rc 1
check_err_has "0 items written"
check_err_has "The provided key element does not match the schema"
check_err_has "1 as their requests' text"
check_err_has ", 2 parsed again"
t_end "put: a key that is not a string ends the lines kept as text"

# put's check pass prints most lines' requests from their plain items,
# typed on the way (schema_emit_item); a line put alone is typed into a
# tree and encoded. Both must store the same attributes: coercions
# (12.0, date-times in other forms, 1e2), defaults, Optional nulls, sets,
# unions, extras (allow_extra), escapes; and, with a model that has a
# field named like one of the library's attributes, the long way.
cat >"$T_TMP/emit.schema.json" <<'EOF'
{"title": "Emit", "type": "object", "properties": {
 "id": {"type": "string"}, "n": {"type": "integer"},
 "f": {"type": "number"}, "when": {"type": "string", "format": "date-time"},
 "tags": {"type": "array", "items": {"type": "string"}},
 "nick": {"type": "array", "items": {"type": "string"}, "uniqueItems": true},
 "u": {"anyOf": [{"type": "integer"}, {"type": "string"}]},
 "a": {"$ref": "#/definitions/A"}, "awards": {"default": 0, "type": "integer"},
 "e": {"enum": ["x", "y"]}},
 "required": ["id"],
 "definitions": {"A": {"title": "A", "type": "object", "properties": {
  "city": {"type": "string"}, "lead": {"default": false, "type": "boolean"}},
  "required": ["city"]}}}
EOF
sed 's/"e": {"enum"/"_timestamp": {"type": "string"}, "e": {"enum"/' \
    "$T_TMP/emit.schema.json" >"$T_TMP/emit-ts.schema.json"
cat >"$T_TMP/emit.jsonl" <<'EOF'
{"partition_ids":["e"],"content_ids":["1"],"item":{"id":"a","n":12,"f":1.5,"when":"2002-09-15T12:30:15.000001+00:00","tags":["x"],"a":{"city":"c"},"e":"x"}}
{"partition_ids":["e"],"content_ids":["2"],"item":{"id":"b","n":12.0,"f":1e2,"when":"2002-09-15T12:30:15Z","tags":[],"a":{"city":"c","lead":true}}}
{"partition_ids":["e"],"content_ids":["3"],"item":{"id":"q\"\\\n\u0001\u00e9\u2028","n":-7,"f":-0.0,"when":"2002-09-15 12:30","a":{"city":"\u00e9"},"awards":3.0}}
{"partition_ids":["e"],"content_ids":["4"],"item":{"id":"d","n":null,"f":null,"when":null,"tags":null,"a":null,"e":null}}
{"partition_ids":["e"],"content_ids":["5"],"item":{"id":"e","nick":["a","b","a"],"u":"7","a":{"city":"c"}}}
{"partition_ids":["e"],"content_ids":["6"],"item":{"a":{"city":"c"},"id":"f","u":7,"n":12345678901234567890123,"zz":[1,2.50,{"q":"x"}]}}
{"partition_ids":["e"],"content_ids":["7"],"item":{"id":"g","when":"2002-09-15T12:30:15.5-03:30","tags":["t\tab","\u00e9t\u00e9"],"a":{"city":"c"},"_timestamp":"theirs"},"expiry":1800000000}
{"partition_ids":["e"],"content_ids":["8","\u00e9"],"item":{"id":"h","f":2E-3,"a":{"city":"c"}},"current_version":4}
EOF

# Put $T_TMP/emit.jsonl with schema $1 as one batch and line by line into
# two tables, each journaled apart; expect them to hold the same
# attributes and their journals the same keys and after-images (numbers
# as put, not as DynamoDB rewrites them), but _timestamp.
emit_same()
{
	emit_state=${XDG_STATE_HOME-} emit_had=${XDG_STATE_HOME+yes}
	for emit_t in batch single; do
		rm -rf "$T_TMP/emit-$emit_t-state"
		XDG_STATE_HOME=$T_TMP/emit-$emit_t-state
		export XDG_STATE_HOME
		new_table
		# The rw profile on this table, with the model.
		{
			sed -n '/^\[repository rw\]/,/^$/p' "$T_PROFDIR/cli.ini" |
			    sed -e "s/repository rw/repository emit-$emit_t/" \
			    -e "s/^table .*/table = $TBL/" -e '/^$/d'
			printf 'schema = %s\nallow_extra = true\n' "$1"
		} >"$T_PROFDIR/emit-$emit_t.ini"
		if [ $emit_t = batch ]; then
			run_in "$T_TMP/emit.jsonl" dr put -p emit-batch
			check_rc 0
			check_err_has "8 items written"
		else
			while IFS= read -r emit_l; do
				printf '%s\n' "$emit_l" >"$T_TMP/emit1.jsonl"
				run_in "$T_TMP/emit1.jsonl" dr put -p emit-single
				check_rc 0
			done <"$T_TMP/emit.jsonl"
		fi
		dr list -p emit-$emit_t --partition e --output ddb \
		    >"$T_TMP/emit-$emit_t.ddb" 2>"$ERR" || fail_file "list" "$ERR"
	done
	if [ "$emit_had" = yes ]; then
		XDG_STATE_HOME=$emit_state
	else
		unset XDG_STATE_HOME
	fi
	check_js '
	// The end lines of the journal close its writes: one for the batch, one
	// per single put.
	const [b, s, jb, js] = process.argv.slice(1).map((f) => h.jsonl(f)
	    .filter((it) => it.end === undefined).map((it) => {
		if (it.after !== undefined)
			it = { key: it.key, after: it.after };
		delete (it.after || it)._timestamp;
		return JSON.stringify(it);
	}).sort());
	for (const [x, y, n] of [[b, s, "items"], [jb, js, "journals"]])
		if (x.length !== 8 || JSON.stringify(x) !== JSON.stringify(y)) {
			console.log(n + ", batch:  " + x.join("\n        "));
			console.log(n + ", single: " + y.join("\n        "));
			process.exit(1);
		}' "$T_TMP/emit-batch.ddb" "$T_TMP/emit-single.ddb" \
	    "$T_TMP/emit-batch-state/dynrepo/journal.jsonl" \
	    "$T_TMP/emit-single-state/dynrepo/journal.jsonl"
}

t_begin
emit_same "$T_TMP/emit.schema.json"
t_end "put: lines printed from their plain items store what lines put alone do"

t_begin
emit_same "$T_TMP/emit-ts.schema.json"
t_end "put: a model with a field named _timestamp stores what lines put alone do"

t_done
