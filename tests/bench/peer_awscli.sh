#!/bin/sh
# SPDX-License-Identifier: ISC
# The AWS CLI peer: the workloads as a shell script would run them with
# `aws dynamodb`, one process per BatchWriteItem (25 items) and per
# BatchGetItem (100 keys); query pages through every page itself.
#
# usage: peer_awscli.sh prepare DIR PUT_ITEMS   split the floor's bodies
#                                               into --request-items files
#        peer_awscli.sh WORKLOAD DIR ENDPOINT   run one workload
#        peer_awscli.sh startup                 load the CLI and the
#                                               DynamoDB model, no request
# WORKLOAD: put_batch (the first PUT_ITEMS items only: each process costs
# a second of CPU), list, filtered_list, get_batch. The answers are kept in
# DIR/cli-out/ and counted afterwards by `peer_awscli.sh count`.
# AWS selects the program (default: /usr/bin/aws, else aws on PATH).
set -u
aws=${AWS:-}
if [ -z "$aws" ]; then
	if [ -x /usr/bin/aws ]; then aws=/usr/bin/aws; else aws=aws; fi
fi
mode=$1

case $mode in
startup)
	exec "$aws" dynamodb query --generate-cli-skeleton input >/dev/null
	;;
prepare)
	dir=$2 n=$3
	rm -rf "$dir/cli-put" "$dir/cli-get" "$dir/cli-out"
	mkdir -p "$dir/cli-put" "$dir/cli-get" "$dir/cli-out" || exit 1
	exec node -e '
const fs = require("fs");
const [dir, n] = [process.argv[1], parseInt(process.argv[2], 10)];
const split = (w, sub, max) => fs.readFileSync(`${dir}/floor-${w}.bodies`, "utf8")
  .split("\n").filter((l) => l).slice(0, max).forEach((l, i) =>
    fs.writeFileSync(`${dir}/${sub}/${String(i).padStart(5, "0")}.json`,
      JSON.stringify(JSON.parse(l).RequestItems)));
split("put_batch", "cli-put", Math.ceil(n / 25));
split("get_batch", "cli-get", 1e9);
// The query arguments, read by the CLI itself (file://).
const m = JSON.parse(fs.readFileSync(`${dir}/meta.json`, "utf8"));
const names = { "#p": m.pkName, "#s": m.skName };
const values = { ":p": { S: m.pk }, ":s": { S: m.skPrefix } };
fs.writeFileSync(`${dir}/cli-table`, m.table);
fs.writeFileSync(`${dir}/cli-list-names.json`, JSON.stringify(names));
fs.writeFileSync(`${dir}/cli-list-values.json`, JSON.stringify(values));
names["#f"] = m.filter.name;
values[":f"] = { S: m.filter.value };
fs.writeFileSync(`${dir}/cli-filtered_list-names.json`, JSON.stringify(names));
fs.writeFileSync(`${dir}/cli-filtered_list-values.json`, JSON.stringify(values));
' "$dir" "$n"
	;;
count)
	# What the last run's answers hold: "items=N requests=R".
	dir=$2
	exec node -e '
const fs = require("fs");
const dir = process.argv[1];
let items = 0, requests = 0, bad = 0;
for (const f of fs.readdirSync(`${dir}/cli-out`).sort()) {
  const a = JSON.parse(fs.readFileSync(`${dir}/cli-out/${f}`, "utf8") || "{}");
  requests++;
  if (a.Items)
    items += a.Items.length;
  for (const t of Object.keys(a.Responses || {}))
    items += a.Responses[t].length;
  if (f.startsWith("put-")) {
    const req = JSON.parse(fs.readFileSync(`${dir}/cli-put/${f.slice(4)}`, "utf8"));
    for (const t of Object.keys(req))
      items += req[t].length;
  }
  bad += Object.keys(a.UnprocessedItems || {}).length +
    Object.keys(a.UnprocessedKeys || {}).length;
}
console.log(bad ? `unprocessed=${bad}` : `items=${items} requests=${requests}`);
' "$dir"
	;;
esac

dir=$2 endpoint=$3
out=$dir/cli-out
rm -f "$out"/*

case $mode in
put_batch)
	for f in "$dir"/cli-put/*.json; do
		"$aws" dynamodb batch-write-item --endpoint-url "$endpoint" \
		    --request-items "file://$f" --output json \
		    >"$out/put-$(basename "$f")" || exit 1
	done
	;;
get_batch)
	for f in "$dir"/cli-get/*.json; do
		"$aws" dynamodb batch-get-item --endpoint-url "$endpoint" \
		    --request-items "file://$f" --output json \
		    >"$out/get-$(basename "$f")" || exit 1
	done
	;;
list | filtered_list)
	# The CLI follows LastEvaluatedKey itself (its paginator).
	set --
	if [ "$mode" = filtered_list ]; then
		set -- --filter-expression '#f = :f'
	fi
	"$aws" dynamodb query --endpoint-url "$endpoint" \
	    --table-name "$(cat "$dir/cli-table")" \
	    --key-condition-expression '#p = :p AND begins_with(#s, :s)' \
	    --expression-attribute-names "file://$dir/cli-$mode-names.json" \
	    --expression-attribute-values "file://$dir/cli-$mode-values.json" \
	    "$@" --output json >"$out/query.json" || exit 1
	;;
*)
	echo "peer_awscli.sh: unknown workload $mode" >&2
	exit 2
	;;
esac
