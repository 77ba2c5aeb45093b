#!/bin/sh
# SPDX-License-Identifier: ISC
# The demo until the embedded store lands: start a DynamoDB-compatible server
# (dynalite) on loopback, create the film-actors table, write a demo
# repository through `dynrepo put`, then browse, filter and edit it with the
# CLI. The server stops when the demo ends.
set -eu
bin=${1:?usage: demo.sh PATH/TO/dynrepo}
top=$(cd "$(dirname "$0")/.." && pwd)
DYNREPO_SRCDIR=$top
DYNREPO_BUILDDIR=$(dirname "$bin")
export DYNREPO_SRCDIR DYNREPO_BUILDDIR
exec "$top/tests/with-dynalite" sh -eu -c '
bin=$1 top=$2
d() { echo; echo "\$ dynrepo $*" | sed "s| --profiles [^ ]*||; s| --endpoint [^ ]*||"; "$bin" "$@"; }
P="-p film-actors-local-server --endpoint $DYNREPO_TEST_ENDPOINT"
echo "dynalite is listening on $DYNREPO_TEST_ENDPOINT"
d --profiles "$top/profiles" profiles
"$bin" --profiles "$top/profiles" create-table $P
node "$top/tests/demo/seed.js" 600 > "${TMPDIR:-/tmp}/dynrepo-demo.$$.jsonl"
echo; echo "\$ node tests/demo/seed.js 600 | dynrepo put -p film-actors-local-server"
"$bin" --profiles "$top/profiles" put $P < "${TMPDIR:-/tmp}/dynrepo-demo.$$.jsonl"
rm -f "${TMPDIR:-/tmp}/dynrepo-demo.$$.jsonl"
d --profiles "$top/profiles" list $P --partition studio-a --prefix usa#ny --limit 8 --output table
d --profiles "$top/profiles" between $P --partition studio-a --start usa#ca --end usa#ny --limit 5 --output table
d --profiles "$top/profiles" list $P --partition studio-b#east --filter "review = null" --filter "genre = drama" --limit 5 --output table
echo "# (the library stores None as NULL: \"review missing\" finds only items written without the field)"
first=$("$bin" --profiles "$top/profiles" list $P --partition studio-a --prefix usa#ny#albany --limit 1 --output jsonl)
cid=$(printf "%s" "$first" | sed "s/.*\"content_ids\":\[\([^]]*\)\].*/\1/; s/\"//g; s/,/#/g")
d --profiles "$top/profiles" update $P --partition studio-a --content "$cid" --set address.city=Troy --incr awards=1 --append tags=award-winner --version 1
d --profiles "$top/profiles" get $P --partition studio-a --content "$cid" --output json
echo; echo "# the same versioned update again is a conflict (exit 3), nothing is written:"
d --profiles "$top/profiles" update $P --partition studio-a --content "$cid" --set address.city=Troy --version 1 || echo "exit status $?"
' demo "$bin" "$top"
