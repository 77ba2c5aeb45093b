# SPDX-License-Identifier: ISC
# Hostile and broken inputs, each with its expected clear error and the
# proof that nothing was written: the proxy counts no write request and
# the partition stays empty. A bad line comes last, after 29 good ones,
# so "nothing written" also proves the stream was checked whole before
# the first BatchWriteItem. NUL bytes inside strings are data (DynamoDB
# allows them) and must come back whole.
. "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/fault/lib.sh"

# Each test point writes into a partition of its own, $HP, so a known
# bug that writes cannot spoil the next point.
HP=h
hbegin()
{
	t_begin
	HP="h$((T_NUM + 1))"
}

# 29 good lines in partition $HP, then the lines on stdin, their
# partition "h..." moved to $HP.
stream()
{
	node -e 'for (let i = 0; i < 29; i++)
		console.log(JSON.stringify({ partition_ids: [process.argv[1]],
		    content_ids: ["ok" + i], item: { n: i } }));' "$HP"
	sed "s/\"partition_ids\":\[\"h/\"partition_ids\":[\"$HP/"
}

# Expect no write request at the proxy and partition $HP of the table to
# be empty.
check_nothing_written()
{
	check_proxy requests.PutItem=0 requests.BatchWriteItem=0 \
	    requests.UpdateItem=0 requests.DeleteItem=0
	dr list $RW --partition "$HP" >"$T_TMP/left" 2>&1
	if [ -s "$T_TMP/left" ]; then
		fail "$(wc -l <"$T_TMP/left") items were written"
	fi
}

# Put the stream $T_TMP/in through the proxy; expect exit status $1, the
# text $2 in the message and nothing written. $3: why it is a known bug.
hostile_put()
{
	pctl config '{"reset":true}'
	run_in "$T_TMP/in" dr put $FRW
	check_rc "$1"
	check_err_has "$2"
	check_nothing_written
}

fault_new_table
# Bodies over 1 MB are refused at the proxy as DynamoDB refuses them
# (dynalite takes ~30 s to refuse a 10 MB item).
proxy_start --max-body 1048576

# ---- the table of hostile input -------------------------------------------
hbegin
echo '{"partition_ids":["h"],"content_ids":["x"],"item":{"n":1}' | stream \
    >"$T_TMP/in"
hostile_put 2 "line 30"
check_err_has "invalid JSON"
t_end "a malformed JSON line (30 of 30): exit 2, the line named, nothing written"

hbegin
{ echo '{"partition_ids":["h"],"content_ids":["x"],"item":{"n":1}}'; echo '[1,'; } |
    stream >"$T_TMP/in"
hostile_put 2 "line 31"
t_end "a truncated JSON line: exit 2, nothing written"

hbegin
echo '{"partition_ids":["h"],"content_ids":["x"],"item":{"n":123456789012345678901234567890123456789}}' |
    stream >"$T_TMP/in"
hostile_put 2 "123456789012345678901234567890123456789"
check_err_has "38"
t_end "a number of 39 digits: exit 2, named, nothing written"

hbegin
node -e 'console.log(JSON.stringify({ partition_ids: ["h"],
    content_ids: ["big"], item: { pad: "x".repeat(401 * 1024) } }));' |
    stream >"$T_TMP/in"
hostile_put 2 "400 KB"
t_end "a 401 KB item: exit 2 before any write, nothing written"

hbegin
node -e 'console.log(JSON.stringify({ partition_ids: ["h"],
    content_ids: ["k".repeat(2048)], item: {} }));' | stream >"$T_TMP/in"
hostile_put 2 "1024"
t_end "a 2 KB sort key (a long content id): exit 2 before any write"

hbegin
node -e 'console.log(JSON.stringify({ partition_ids: ["p".repeat(3000)],
    content_ids: ["k"], item: {} }));' | stream >"$T_TMP/in"
hostile_put 2 "2048"
t_end "a 3 KB partition key: exit 2 before any write"

hbegin
echo '{"partition_ids":["h"],"content_ids":["a#b"],"item":{}}' | stream \
    >"$T_TMP/in"
hostile_put 2 "a#b"
echo '{"partition_ids":["h#i"],"content_ids":["a"],"item":{}}' | stream \
    >"$T_TMP/in"
hostile_put 2 "$HP#i"
printf '%s\n' '{"partition_ids":["h"],"content_ids":["ok1"]}' \
    '{"partition_ids":["h"],"content_ids":["x#y"]}' | sed "s/\\[\"h\"/[\"$HP\"/" \
    >"$T_TMP/keys"
pctl config '{"reset":true}'
run_in "$T_TMP/keys" dr get-batch $FRW
check_rc 2
check_err_has "x#y"
check_proxy total=0
t_end "'#' inside a content or partition id: exit 2, named, nothing sent"

hbegin
printf '{"partition_ids":["h"],"content_ids":["u"],"item":{"s":"bad \377\376 utf8"}}\n' |
    stream >"$T_TMP/in"
hostile_put 2 "line 30"
check_err_has "UTF8"
printf '{"partition_ids":["h"],"content_ids":["u\303"],"item":{}}\n' |
    stream >"$T_TMP/in"
hostile_put 2 "line 30"
check_err_has "UTF8"
t_end "invalid UTF-8 in a value or an id: exit 2, named, nothing written"

hbegin
printf '{"partition_ids":["h"],"content_ids":["z"],"item":{"s":"x\000y"}}\n' |
    stream >"$T_TMP/in"
hostile_put 2 "line 30"
t_end "a raw NUL byte inside a string: exit 2, nothing written"

hbegin
printf '{"partition_ids":["h"],"content_ids":["z"],"item":{"n":1}}\000 trailing garbage\n' |
    stream >"$T_TMP/in"
hostile_put 2 "line 30"
t_end "a raw NUL byte after a line's JSON: refused, not cut off silently"

hbegin
node -e 'console.log(JSON.stringify({ partition_ids: ["h"],
    content_ids: ["huge"], item: { pad: "x".repeat(10 * 1024 * 1024) } }));' |
    stream >"$T_TMP/in"
hostile_put 2 "400 KB"
check_proxy too_large=0
t_end "a 10 MB line: exit 2 before anything is sent"

hbegin
node -e 'console.log(JSON.stringify({ partition_ids: ["h"],
    content_ids: ["huge"], item: { pad: "x".repeat(10 * 1024 * 1024) } }));' |
    sed "s/\\[\"h\"/[\"$HP\"/" >"$T_TMP/in"
pctl config '{"reset":true}'
run_in "$T_TMP/in" dr put $FRW
check_rc 2
check_err_has "400 KB"
check_nothing_written
t_end "a 10 MB line alone: read whole, refused before sending, nothing written"

hbegin
{ echo '{"Item":{"_table_item_id":{"S":"content#film_actor#'"$HP"'"},"_table_content_id":{"S":"film_actor#ok"},"n":{"N":"1"}}}'
  echo '{"Item":{"_table_item_id":{"S":"content#film_actor#'"$HP"'"},"_table_content_id":{"S":"film_actor#set"},"tags":{"SS":[]}}}'; } \
    >"$T_TMP/export.jsonl"
pctl config '{"reset":true}'
run dr import $FRW "$T_TMP/export.jsonl"
check_rc 2
check_err_has "line 2"
check_err_has "empty"
check_nothing_written
t_end "an empty set in an import: exit 2, the line named, nothing written"

hbegin
pctl config '{"reset":true}'
run dr update $FRW --partition "$HP" --content ok1 --set 'tags=[]' \
    --incr n=123456789012345678901234567890123456789
check_rc 2
check_err_has "38"
check_nothing_written
t_end "update --incr with 39 digits: exit 2, nothing sent"

# ---- broken configuration ------------------------------------------------------
cp "$DYNREPO_FIXTURES/schema/loop.json" "$T_PROFDIR/loop.schema.json" 2>/dev/null ||
    cat >"$T_PROFDIR/loop.schema.json" <<'EOF'
{"title": "Loop", "type": "object",
 "properties": {"a": {"$ref": "#/definitions/A"}},
 "definitions": {"A": {"$ref": "#/definitions/B"},
  "B": {"allOf": [{"$ref": "#/definitions/A"}]}}}
EOF
cat >"$T_PROFDIR/broken.ini" <<EOF
[repository loop]
table            = $TBL
region           = us-east-1
endpoint         = $FAULT_ENDPOINT
partition_prefix = content
partition_name   = film_actor
content_type     = film_actor
schema           = loop.schema.json

[repository notable]
region           = us-east-1
endpoint         = $FAULT_ENDPOINT
partition_prefix = content
partition_name   = film_actor
content_type     = film_actor
EOF

hbegin
pctl config '{"reset":true}'
echo '{"partition_ids":["h"],"content_ids":["l"],"item":{"a":1}}' >"$T_TMP/in"
run_in "$T_TMP/in" dr put -p loop
check_rc 2
check_err_has "loop.schema.json"
check_err_has "loop"
run dr list -p loop --partition h
check_rc 2
check_err_has "loop"
check_proxy total=0
t_end "a schema with a \$ref loop: exit 2 naming the file and the loop, nothing sent"

hbegin
pctl config '{"reset":true}'
run_in "$T_TMP/in" dr put -p notable
check_rc 2
check_err_has "broken.ini"
check_err_has "table"
run dr get -p notable --partition h --content l
check_rc 2
check_err_has "table"
run dr profiles
check_out_has "frw"
check_err_has "broken.ini"
check_proxy total=0
t_end "a profile with no table: exit 2 with file:line and the key, nothing sent; others still load"

# ---- NUL bytes inside strings are data ---------------------------------------
t_begin
pctl config '{"reset":true}'
printf '%s\n' '{"partition_ids":["n"],"content_ids":["nul"],"item":{"s":"a\u0000b","t":"\u0000","m":{"k\u0000ey":"x\u0000"},"l":["\u0000\u0000"]}}' \
    >"$T_TMP/nul.jsonl"
run_in "$T_TMP/nul.jsonl" dr put $FRW
check_rc 0
run dr get $FRW --partition n --content nul
check_rc 0
check_js 'const a = h.jsonl(process.argv[1])[0].item;
const b = h.jsonl(process.argv[2])[0].item;
if (h.canon(a) !== h.canon(b))
	throw new Error("got " + JSON.stringify(b));' "$T_TMP/nul.jsonl" "$OUT"
run dr get $FRW --partition n --content nul --output ddb
check_out_has '"s":{"S":"a\u0000b"}'
check_out_has '"k\u0000ey":{"S":"x\u0000"}'
# Straight from the server: the stored string is three bytes.
check_js '(async () => {
	const r = JSON.parse(await h.raw("GetItem", { TableName: process.argv[1],
	    Key: { _table_item_id: { S: "content#film_actor#n" },
	    _table_content_id: { S: "film_actor#nul" } } }));
	if (r.Item.s.S !== "a\u0000b" || r.Item.t.S !== "\u0000" ||
	    r.Item.l.L[0].S.length !== 2)
		throw new Error("stored " + JSON.stringify(r.Item));
})().catch((e) => { console.log(e.message); process.exit(1); });' "$TBL"
t_end "NUL bytes inside strings and names are stored and read back whole"

t_begin
run dr list $FRW --partition n --filter 's = "a\u0000b"'
check_rc 0
check_lines 1
run dr list $FRW --partition n --filter 's = "a"'
check_rc 0
check_lines 0
t_end "a filter value with a NUL byte matches the whole string, not a prefix"

hbegin
echo '{"partition_ids":["h"],"content_ids":["a\u0000b"],"item":{}}' |
    stream >"$T_TMP/in"
hostile_put 2 "line 30"
t_end "a NUL byte in an id (the CLI's notation cannot carry it): exit 2"

# ---- a content line must survive its own round trip ------------------------
t_begin
printf '%s\n' '{"partition_ids":["r"],"content_ids":["old"],"item":{},"expiry":"0230-01-02T03:04:05+00:00"}' \
    >"$T_TMP/old.jsonl"
run_in "$T_TMP/old.jsonl" dr put $RW
check_rc 0
dr get $RW --partition r --content old >"$T_TMP/old.got" 2>&1
run_in "$T_TMP/old.got" dr put $RW
check_rc 0
t_end "an expiry in the year 230 prints as text that put reads back"

t_done
