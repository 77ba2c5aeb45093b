#!/bin/sh
# SPDX-License-Identifier: ISC
# The mechanical rules of the code's layout (STYLE.md, "Mechanics") over
# every C file of src/, ui/, tests/ and fuzz/: lines of at most 80 columns
# with tabs at 8; no trailing white space; no space before a tab; indented
# with tabs, spaces only to align after them (a continuation line's four,
# a comment's " *", a column of a table), never eight of them where a tab
# belongs; one newline at the end; no CRLF.  .clang-format describes the
# same layout to editors, but clang-format's whole output is not checked:
# it would undo the hand alignment of the KNF code.
srcdir=${DYNREPO_SRCDIR:-.}
cd "$srcdir" || exit 1

# The files git tracks in a checkout, so that nothing left lying in the
# tree is checked; in an unpacked tarball (no .git), every C file there.
list=
if [ -e .git ] && command -v git >/dev/null 2>&1; then
	list=$(git ls-files -- 'src/*.[ch]' 'ui/*.[ch]' 'tests/*.[ch]' \
	    'fuzz/*.[ch]' 2>/dev/null)
fi
if [ -z "$list" ]; then
	list=$(find src ui tests fuzz \( -name node_modules -o \
	    -name server-install \) -prune -o -type f -name '*.[ch]' -print \
	    2>/dev/null | LC_ALL=C sort)
fi
IFS='
'
files=
for f in $list; do
	[ -f "$f" ] && files="$files$f
"
done

echo "1..6"
if [ -z "$files" ]; then
	for n in 1 2 3 4 5 6; do
		echo "not ok $n - no C files found under $srcdir"
	done
	exit 0
fi

# First on the input, wc -l: the newlines of each file.  A file whose last
# line has no newline has one line more than it has newlines.  LC_ALL=C:
# awk counts bytes, and drops a UTF-8 character's continuation bytes before
# it measures a line.
# shellcheck disable=SC2086 # $files is split on newlines only
{ wc -l -- $files; echo "--"; } | LC_ALL=C awk '
BEGIN {
	what[1] = "lines of at most 80 columns (tabs at 8)"
	what[2] = "no trailing white space"
	what[3] = "no space before a tab"
	what[4] = "indented with tabs, not 8 spaces"
	what[5] = "one newline at the end of each file"
	what[6] = "no CRLF line ends"
	nrules = 6
	shown = 20
	counting = 1
}
function flag(rule, where) {
	if (++count[rule] <= shown)
		list[rule] = list[rule] "\n# " where
}
function endfile() {
	if (file == "")
		return
	if (lines > newlines[file])
		flag(5, file ":" lines " (no newline at the end)")
	else if (last == "")
		flag(5, file ":" lines " (a blank line at the end)")
}
counting {
	if ($0 == "--") {
		counting = 0
		next
	}
	name = $0
	sub(/^ *[0-9]+ /, "", name)
	newlines[name] = $1
	next
}
FNR == 1 {
	endfile()
	file = FILENAME
}
{
	lines = FNR
	line = $0
	if (sub(/\r$/, "", line))
		flag(6, file ":" FNR)
	last = line
	if (line ~ /[ \t]$/)
		flag(2, file ":" FNR)
	if (index(line, " \t"))
		flag(3, file ":" FNR)
	if (line ~ /^\t*        / && line !~ /^[ \t]*$/)
		flag(4, file ":" FNR)
	gsub(/[\200-\277]/, "", line)
	if (index(line, "\t")) {
		n = split(line, part, "\t")
		col = 0
		for (i = 1; i < n; i++) {
			col += length(part[i])
			col += 8 - col % 8
		}
		col += length(part[n])
	} else
		col = length(line)
	if (col > 80)
		flag(1, file ":" FNR " (" col " columns)")
}
END {
	endfile()
	for (r = 1; r <= nrules; r++) {
		if (count[r] == 0) {
			print "ok " r " - " what[r]
			continue
		}
		print "not ok " r " - " what[r] ": " count[r] " found" list[r]
		if (count[r] > shown)
			print "# ... and " count[r] - shown " more"
	}
}' - $files
