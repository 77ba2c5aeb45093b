#!/bin/sh
# SPDX-License-Identifier: ISC
# The demo: create (once) the demo repositories in the embedded store
# (dynrepo --demo), then open them in the browser (on a terminal), or
# browse, filter and edit them with the CLI. Nothing leaves this machine;
# no AWS account or server is needed.
set -eu
bin=${1:?usage: demo.sh PATH/TO/dynrepo}
top=$(cd "$(dirname "$0")/.." && pwd)
profiles="$top/profiles"

d() {
	echo
	echo "\$ dynrepo $*"
	"$bin" --profiles "$profiles" "$@"
}

# On a terminal: the browser, on the demo. Otherwise: a CLI walk-through.
if [ -t 0 ] && [ -t 1 ]; then
	exec "$bin" --profiles "$profiles" --demo
fi
"$bin" --demo
d profiles
d list -p demo-film-actors --partition studio-a --prefix usa#ny --limit 6 \
    --output table
d between -p demo-events --partition billing --start 2026-10-02 \
    --end 2026-10-02T06 --output table
echo
echo "# None is stored as NULL, so an empty review is 'review = null';"
echo "# 'review missing' finds only items written without the field."
d list -p demo-film-actors --partition studio-b#east \
    --filter "review = null" --filter "genre = noir" --limit 5 --output table
first=$("$bin" --profiles "$profiles" list -p demo-characters \
    --partition night-train --prefix lead --limit 1 --output jsonl)
cid=$(printf "%s" "$first" |
    sed 's/.*"content_ids":\[\([^]]*\)\].*/\1/; s/"//g; s/,/#/g')
ver=$(printf "%s" "$first" | sed 's/.*"current_version":\([0-9]*\).*/\1/')
d update -p demo-characters --partition night-train --content "$cid" \
    --incr lines=10 --append aliases=demo-alias --version "$ver"
d get -p demo-characters --partition night-train --content "$cid" \
    --output json
echo
echo "# the same versioned update again is a conflict (exit 3): nothing is written"
d update -p demo-characters --partition night-train --content "$cid" \
    --incr lines=10 --version "$ver" || echo "exit status $?"
echo
echo "The demo database stays; run \`dynrepo --demo --reset\` to start over."
