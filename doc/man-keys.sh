#!/bin/sh
# SPDX-License-Identifier: ISC
# The browser's key lists of the man page, made from the key tables of
# doc/tui.md (| keys | command | what |): each table under its heading
# becomes a .SS of .TP entries. Rewrites doc/dynrepo.1 between its
# `.\" keys: begin` and `.\" keys: end` lines; with --check, says whether
# the page is up to date instead (exit 1 when not).
srcdir=${DYNREPO_SRCDIR:-$(dirname "$0")/..}
md=$srcdir/doc/tui.md
man=$srcdir/doc/dynrepo.1
tmp=$(mktemp) || exit 1
trap 'rm -f "$tmp" "$tmp.keys"' EXIT

awk '
/^##+ / { heading = $0; sub(/^#+ /, "", heading); sub(/ keys$/, "", heading) }
/^\| keys \| command \|/ { intable = 1; print ".SS \"" heading "\""; next }
intable && /^\| ---/ { next }
intable && !/^\|/ { intable = 0; next }
intable {
	line = $0
	gsub(/\\\|/, "\001", line)
	n = split(line, f, "|")
	keys = f[2]; cmd = f[3]; what = f[4]
	for (i = 5; i < n; i++) what = what "|" f[i]
	gsub(/`/, "", keys); gsub(/`/, "", cmd)
	gsub(/^ +| +$/, "", keys); gsub(/^ +| +$/, "", cmd)
	gsub(/^ +| +$/, "", what); gsub(/\001/, "|", cmd); gsub(/`/, "", what)
	gsub(/-/, "\\-", keys); gsub(/-/, "\\-", cmd)
	print ".TP"
	if (keys == "")
		print ".B " cmd
	else
		print ".B " keys "  (" cmd ")"
	print what
}
' "$md" >"$tmp.keys"

awk -v keys="$tmp.keys" '
/^\.\\" keys: begin/ { print; while ((getline l < keys) > 0) print l; skip = 1; next }
/^\.\\" keys: end/ { skip = 0 }
!skip { print }
' "$man" >"$tmp"

if [ "${1:-}" = --check ]; then
	echo "1..1"
	if cmp -s "$tmp" "$man"; then
		echo "ok 1 - the man page lists the keys of doc/tui.md"
	else
		echo "not ok 1 - doc/dynrepo.1 is out of date: run doc/man-keys.sh"
		diff "$man" "$tmp" | head -20 | sed 's/^/# /'
	fi
	exit 0
fi
cat "$tmp" >"$man"
