# SPDX-License-Identifier: ISC
# Shared helpers of the terminal UI tests: dynrepo runs in a tmux server of
# its own (a private socket, no user config), send-keys types, capture-pane
# reads the screen. Built on tests/cli/lib.sh (TAP points, the private
# profile directory, a fresh table per test, `dr` for the CLI).
#
# Sourced by tests/tui/*.sh, which tests/with-dynalite runs with
# DYNREPO_TEST_ENDPOINT, DYNREPO_BIN and fake AWS credentials set.
#
#	tui_profile NAME [KEY = VALUE ...]	# a profile on the test table
#	tui_start -p NAME			# dynrepo in a 100x30 window
#	keys j j Enter				# tmux send-keys
#	wait_for 'text' || fail "..."		# until the screen shows it
#	screen_has 'text'			# a check on the screen now
#	tui_stop				# Q, then a clean exit

# Sourced after tests/fault/lib.sh (which brings tests/cli/lib.sh), the
# fault proxy is stopped at the end too.
[ -n "${T_CLI_LIB:-}" ] ||
    . "${DYNREPO_SRCDIR:-$(dirname "$0")/../..}/tests/cli/lib.sh"

if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux is not installed"
	exit 0
fi

TUI_SOCK="dynrepo-tui-$$"
TUI_T="dr"
TUI_PROFDIR=$T_TMP/tui-profiles
TUI_SCREEN=$T_TMP/screen
TUI_STATE=$T_TMP/state
mkdir -p "$TUI_PROFDIR" "$TUI_STATE"
# The tmux server always goes, whatever way the script ends.
trap 'tmux -L "$TUI_SOCK" kill-server >/dev/null 2>&1
rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TUI_SOCK"
command -v proxy_stop >/dev/null 2>&1 && proxy_stop; rm -rf "$T_TMP"' EXIT

# tmux on the test's private server.
tm()
{
	tmux -L "$TUI_SOCK" -f /dev/null "$@"
}

# Write profile $1 on the current test table (TBL); more "KEY = VALUE"
# lines as args, which replace the defaults of the same key.
tui_profile()
{
	tui_profile_name=$1
	shift
	{
		echo "[repository $tui_profile_name]"
		for d in "table = $TBL" "region = us-east-1" \
		    "endpoint = $DYNREPO_TEST_ENDPOINT" \
		    "partition_prefix = content" "partition_name = film_actor" \
		    "content_type = film_actor"; do
			tui_profile_set=
			for l in "$@"; do
				[ "${l%%[ =]*}" = "${d%% *}" ] && tui_profile_set=1
			done
			[ -z "$tui_profile_set" ] && echo "$d"
		done
		for l in "$@"; do
			echo "$l"
		done
	} >"$TUI_PROFDIR/$tui_profile_name.ini"
}

# Start dynrepo with these arguments in a fresh 100x30 window. When it
# ends, the shell around it prints "[exit N]" and the terminal modes
# (icanon, echo), and the window stays for inspection.
tui_start()
{
	tm kill-server >/dev/null 2>&1
	printf '%s\n' "$@" >"$T_TMP/args"
	cat >"$T_TMP/run.sh" <<EOF
set -- \$(cat "$T_TMP/args")
"$DYNREPO_BIN" --profiles "$TUI_PROFDIR" "\$@" 2>"$T_TMP/tui.err"
rc=\$?
printf '[exit %s] ' "\$rc"
stty -a | tr ' ;' '\n\n' |
    grep -x -e icanon -e -icanon -e echo -e -echo | tr '\n' ' '
echo
exec sleep 600
EOF
	# A server being killed may still hold the socket: start again
	# until a session is there.
	tui_start_try=0
	while [ $tui_start_try -lt 30 ]; do
		tm new-session -d -s "$TUI_T" -x 100 -y 30 \
		    "env LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=tmux-256color \
		    XDG_STATE_HOME=$TUI_STATE HOME=$T_TMP ${TUI_ENV:-} \
		    sh $T_TMP/run.sh" >/dev/null 2>&1 &&
		    tm has-session -t "$TUI_T" >/dev/null 2>&1 && return 0
		sleep 0.1
		tui_start_try=$((tui_start_try + 1))
	done
	echo "Bail out! tmux new-session failed"
	exit 0
}

# Start the browser on profile $1, open its first partition, then the
# item $2 (its first in that partition's list).
tui_open_item()
{
	tui_start -p "$1"
	wait_for "$1: partitions" 10 >/dev/null
	keys Enter
	wait_for "$2" 10 >/dev/null
	keys Enter
	wait_for "item $2" 10 || fail "no item view of $2"
}

# Type keys (tmux key names: Enter, Escape, Up, C-c, ...).
keys()
{
	tm send-keys -t "$TUI_T" "$@"
}

# Type a `:` command line and run it.
colon()
{
	keys :
	wait_for ":" >/dev/null
	type_text "$1"
	keys Enter
}

# A small model into the file $1: name and year required, tags; more
# properties (JSON members, each ending in a comma) as $2.
mini_schema()
{
	cat >"$1" <<JSON
{"title": "Mini", "type": "object", "properties": {${2:-}
 "name": {"title": "Name", "type": "string"},
 "year": {"title": "Year", "type": "integer"},
 "tags": {"title": "Tags", "type": "array", "items": {"type": "string"}}},
 "required": ["name", "year"]}
JSON
}

# Type text literally.
type_text()
{
	tm send-keys -t "$TUI_T" -l -- "$1"
}

# The screen now, into $TUI_SCREEN.
snap()
{
	tm capture-pane -p -t "$TUI_T" >"$TUI_SCREEN" 2>/dev/null
}

# Wait up to ${2:-8} seconds for the screen to show the fixed string $1.
wait_for()
{
	wait_for_n=$(( ${2:-8} * 10 ))
	while [ "$wait_for_n" -gt 0 ]; do
		snap
		if grep -F -q -e "$1" "$TUI_SCREEN"; then
			return 0
		fi
		sleep 0.1
		wait_for_n=$((wait_for_n - 1))
	done
	return 1
}

# Wait until the screen no longer shows $1.
wait_gone()
{
	wait_gone_n=$(( ${2:-8} * 10 ))
	while [ "$wait_gone_n" -gt 0 ]; do
		snap
		if ! grep -F -q -e "$1" "$TUI_SCREEN"; then
			return 0
		fi
		sleep 0.1
		wait_gone_n=$((wait_gone_n - 1))
	done
	return 1
}

# Expect the screen to show $1 within a few seconds.
screen_has()
{
	if ! wait_for "$1" "${2:-8}"; then
		fail "the screen lacks: $1"
		fail_file "screen" "$TUI_SCREEN"
	fi
}

# Expect the screen to show $1 where text may wrap: rows joined, each
# without its first column.
screen_wrapped_has()
{
	snap
	if ! sed 's/^.//; s/ *$//' "$TUI_SCREEN" | tr -d '\n' |
	    grep -F -q -e "$1"; then
		fail "the screen lacks (even wrapped): $1"
		fail_file "screen" "$TUI_SCREEN"
	fi
}

# Whether the screen, rows joined as they are, shows $1 (a message over
# more than one row), within ${2:-8} seconds (0: as it is now).
joined_wait_for()
{
	joined_n=$(( ${2:-8} * 10 ))
	while :; do
		snap
		tr -d '\n' <"$TUI_SCREEN" | grep -F -q -e "$1" && return 0
		[ $joined_n -gt 0 ] || return 1
		sleep 0.1
		joined_n=$((joined_n - 1))
	done
}

# Expect the screen to show $1 with its rows joined as they are (a long
# error over more than one row) within ${2:-8} seconds.
screen_joined_has()
{
	if ! joined_wait_for "$1" "${2:-8}"; then
		fail "the screen lacks (rows joined): $1"
		fail_file "screen" "$TUI_SCREEN"
	fi
}

# Expect the screen (as it is now) not to show $1.
screen_lacks()
{
	snap
	if grep -F -q -e "$1" "$TUI_SCREEN"; then
		fail "the screen shows: $1"
		fail_file "screen" "$TUI_SCREEN"
	fi
}

# Wait up to 8 seconds for row $1 (0-based) to contain $2.
wait_row()
{
	wait_row_n=80
	while [ "$wait_row_n" -gt 0 ]; do
		snap
		if sed -n "$(($1 + 1))p" "$TUI_SCREEN" | grep -F -q -e "$2"; then
			return 0
		fi
		sleep 0.1
		wait_row_n=$((wait_row_n - 1))
	done
	return 1
}

# Expect row $1 (0-based) of the screen to contain $2 within a few
# seconds.
row_has()
{
	if ! wait_row "$1" "$2"; then
		fail "row $1 lacks: $2"
		fail_file "screen" "$TUI_SCREEN"
	fi
}

# A tmux format of the pane: alternate_on, cursor_flag, pane_width, ...
pane_fmt()
{
	tm display-message -p -t "$TUI_T" "#{$1}"
}

# Expect the program to have ended with status $1 (default 0), the tty
# modes back (icanon, echo), the alternate screen left, nothing on stderr.
check_exit()
{
	if ! wait_for "[exit ${1:-0}] icanon echo" 8; then
		fail "no clean exit with status ${1:-0}"
		fail_file "screen" "$TUI_SCREEN"
	fi
	[ "$(pane_fmt alternate_on)" = 0 ] ||
	    fail "the alternate screen is still on"
	if [ "${1:-0}" = 0 ] && [ -s "$T_TMP/tui.err" ]; then
		fail "stderr is not empty"
		fail_file "stderr" "$T_TMP/tui.err"
	fi
}

# Quit with Q and expect a clean exit.
tui_stop()
{
	keys Q
	check_exit 0
}
