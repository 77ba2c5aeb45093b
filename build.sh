#!/bin/sh
# SPDX-License-Identifier: ISC
# dynrepo's one entry point on a fresh Debian 12 machine:
#   ./build.sh demo    build, then open the demo repositories (embedded store)
#   ./build.sh check   build, then run every test suite
#   ./build.sh build   only build (in ./build)
# It installs what is missing (apt-get as root or through sudo; otherwise it
# prints the apt-get line and stops), and runs autoreconf, configure and make
# only when needed.
set -eu

top=$(cd "$(dirname "$0")" && pwd)
builddir=${DYNREPO_BUILD_DIR:-$top/build}
jobs=$(nproc 2>/dev/null || echo 2)

say() { printf '%s\n' "build.sh: $*" >&2; }

# ---- dependencies: look for commands and headers, not package names ----
missing=""
need_cmd() {	# command package
	command -v "$1" >/dev/null 2>&1 || missing="$missing $2"
}
need_header() {	# header package
	for d in /usr/include /usr/local/include /usr/include/x86_64-linux-gnu \
	    /usr/include/aarch64-linux-gnu; do
		[ -f "$d/$1" ] && return 0
	done
	missing="$missing $2"
}
need_pc() {	# pkg-config module package
	pkg-config --exists "$1" 2>/dev/null || missing="$missing $2"
}

deps() {
	need_cmd cc gcc
	need_cmd make make
	need_cmd autoreconf autoconf
	need_cmd automake automake
	need_cmd pkg-config pkg-config
	need_cmd flock util-linux
	command -v pkg-config >/dev/null 2>&1 || {
		install_packages pkg-config
		missing=""
	}
	need_pc ncursesw libncurses-dev
	need_pc libcurl libcurl4-openssl-dev
	need_pc libcrypto libssl-dev
	need_pc jansson libjansson-dev
	need_pc yajl libyajl-dev
	need_header readline/readline.h libreadline-dev
	need_pc sqlite3 libsqlite3-dev
	need_pc zlib zlib1g-dev
	# apt-get source unpacks with dpkg-source (curl_http_only): asked
	# for only where it can be installed, since without it build.sh
	# keeps the system's libcurl.
	if [ "${DYNREPO_CURL:-}" != system ] && { [ "$(id -u)" = 0 ] ||
	    sudo -n true 2>/dev/null; }; then
		need_cmd dpkg-source dpkg-dev
	fi
	if [ "${1:-}" = check ]; then
		need_pc criterion libcriterion-dev
		need_cmd tmux tmux
		need_cmd node nodejs
		# A Node.js that brings its own npm must not get Debian's npm.
		need_cmd npm npm
		# The fuzz targets' short runs (fuzz/run.sh) need libFuzzer.
		need_cmd clang "clang libclang-rt-dev"
		# The CLI suites again under memcheck (tests/valgrind.sh).
		need_cmd valgrind valgrind
		# Read errors injected into a second pass (tests/cli/local.sh).
		need_cmd strace strace
	fi
	if [ -n "$missing" ]; then
		install_packages $missing
	fi
}

install_packages() {
	if [ "$(id -u)" = 0 ]; then
		sudo=""
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
		sudo="sudo"
	else
		say "missing packages; install them with:"
		echo "  sudo apt-get install -y$*" >&2
		exit 1
	fi
	say "installing:$*"
	if [ ! -f /var/lib/apt/periodic/dynrepo-updated ] ||
	    [ -z "$(ls /var/lib/apt/lists/ 2>/dev/null | grep -v lock | head -1)" ]; then
		$sudo apt-get update -qq
		$sudo mkdir -p /var/lib/apt/periodic
		$sudo touch /var/lib/apt/periodic/dynrepo-updated
	fi
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >&2
}

# ---- libcurl for HTTP and HTTPS only ------------------------------------
# Debian's libcurl brings ~30 libraries (LDAP, RTMP, SSH, Kerberos, HTTP/2,
# IDN, PSL, brotli, zstd and theirs); loading them costs every command that
# talks to DynamoDB ~15 ms of CPU, more than the rest of its start. dynrepo
# speaks HTTP/1.1 and HTTPS only, so this builds the same libcurl from
# Debian's source package (Debian's patches applied) with only those, once,
# in build-curl/, and tells configure to load it. DYNREPO_CURL=system keeps
# the system's libcurl; when the source cannot be fetched or built, or is
# not the version of the installed headers, the system's is used too.
# The build is redone when Debian's libcurl changes version (a security
# update), or when DYNREPO_CURL=rebuild; a failure is not retried until
# then.
curl_top=$top/build-curl
curl_flags=""
# Changed whenever curl_build changes, so the next build redoes it.
curl_recipe=3

# apt-get with its own lists and cache in build-curl/apt, reading the
# system's sources as deb-src: nothing of the system's apt state changes.
curl_apt() {
	apt-get -q -o Dir::Etc::SourceList="$curl_top/apt/sources.list" \
	    -o Dir::Etc::SourceParts="$curl_top/apt/sources.list.d" \
	    -o Dir::State::Lists="$curl_top/apt/lists" \
	    -o Dir::Cache="$curl_top/apt/cache" \
	    -o APT::Sandbox::User="$(id -un)" "$@"
}

curl_sources() {
	rm -rf "$curl_top/apt"
	mkdir -p "$curl_top/apt/sources.list.d" "$curl_top/apt/lists/partial" \
	    "$curl_top/apt/cache/archives/partial"
	sed -n 's/^[[:space:]]*deb[[:space:]]/deb-src /p' \
	    /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
	    2>/dev/null >"$curl_top/apt/sources.list" || :
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		sed 's/^Types:.*/Types: deb-src/' "$f" \
		    >"$curl_top/apt/sources.list.d/${f##*/}"
	done
}

# Runs in a subshell with its output to build-curl/build.log; set -e does
# not hold where a status is tested, so each step says when it failed.
curl_build() {
	want=$(pkg-config --modversion libcurl) || return 1
	curl_sources
	# Sources that have no deb-src fail alone; apt-get source decides.
	curl_apt update || :
	rm -rf "$curl_top/src"
	mkdir -p "$curl_top/src"
	cd "$curl_top/src" || return 1
	# The very version of the installed headers' package, Debian's
	# patches and all: not whatever a deb-src line offers newest.
	curl_apt source "curl=$curl_debver" ||
	    { echo "apt-get source curl=$curl_debver failed"; return 1; }
	src=$(ls -d "$curl_top"/src/curl-*/ | head -1)
	have=$(sed -n 's/^#define LIBCURL_VERSION "\(.*\)"$/\1/p' \
	    "$src/include/curl/curlver.h")
	if [ "$have" != "$want" ]; then
		echo "the source is curl $have, the headers $want"
		return 1
	fi
	cd "$src" || return 1
	# Its calls to its own functions stay in it, whatever else a process
	# (a test, say) has loaded under the same names.
	LDFLAGS=-Wl,-Bsymbolic-functions \
	./configure --prefix="$curl_top" --disable-static --enable-shared \
	    --disable-dependency-tracking --with-openssl --without-zlib \
	    --without-brotli --without-zstd --without-libpsl \
	    --without-libidn2 --without-nghttp2 --without-libssh2 \
	    --without-libssh --without-librtmp --without-gssapi \
	    --disable-ldap --disable-ldaps --disable-rtsp --disable-dict \
	    --disable-telnet --disable-tftp --disable-pop3 --disable-imap \
	    --disable-smb --disable-smtp --disable-gopher --disable-mqtt \
	    --disable-ftp --disable-file --disable-manual --disable-ntlm-wb \
	    --disable-websockets --disable-alt-svc --disable-hsts \
	    --disable-doh --disable-mime --disable-netrc --disable-cookies \
	    --with-ca-path=/etc/ssl/certs \
	    --with-ca-bundle=/etc/ssl/certs/ca-certificates.crt ||
	    { echo "curl's configure failed"; return 1; }
	make -j"$jobs" -C lib && make -C lib install ||
	    { echo "curl's make failed"; return 1; }
	echo "$curl_stamp" >"$curl_top/.built"
}

# curl_http_only [existing]: with "existing" (the demo, which never talks
# to a server), use the one built before but do not build it.
curl_http_only() {
	curl_flags=""
	[ "${DYNREPO_CURL:-}" = system ] && return 0
	# configure's --with-libcurl becomes a C string: a plain path only.
	case $curl_top in
	*[[:space:]\"\\\']*)
		say "the tree's path has spaces or quotes: using the system's libcurl"
		return 0 ;;
	esac
	curl_debver=$(dpkg-query -W -f='${source:Version}' \
	    libcurl4-openssl-dev 2>/dev/null) || curl_debver=""
	if [ -z "$curl_debver" ] || ! command -v dpkg-source >/dev/null 2>&1
	then
		say "no libcurl4-openssl-dev or dpkg-source: using the system's libcurl"
		return 0
	fi
	curl_stamp="$curl_debver $curl_recipe"
	if [ "${1:-}" = existing ]; then
		[ "$(cat "$curl_top/.built" 2>/dev/null)" = "$curl_stamp" ] &&
		    [ -f "$curl_top/lib/libcurl.so.4" ] &&
		    curl_flags="--with-libcurl=$curl_top/lib/libcurl.so.4"
		return 0
	fi
	if [ "$(cat "$curl_top/.built" 2>/dev/null)" != "$curl_stamp" ] ||
	    [ ! -f "$curl_top/lib/libcurl.so.4" ] ||
	    [ "${DYNREPO_CURL:-}" = rebuild ]; then
		if [ "$(cat "$curl_top/.failed" 2>/dev/null)" = "$curl_stamp" ] &&
		    [ "${DYNREPO_CURL:-}" != rebuild ]; then
			say "libcurl $curl_debver could not be built before" \
			    "(build-curl/build.log; DYNREPO_CURL=rebuild tries" \
			    "again): using the system's"
			return 0
		fi
		say "libcurl $curl_debver for HTTP and HTTPS only (in $curl_top)"
		mkdir -p "$curl_top"
		rm -f "$curl_top/.built" "$curl_top/.failed"
		if ! (curl_build) >"$curl_top/build.log" 2>&1; then
			echo "$curl_stamp" >"$curl_top/.failed"
			say "libcurl could not be built ($(tail -n 1 \
			    "$curl_top/build.log")); using the system's"
			return 0
		fi
	fi
	curl_flags="--with-libcurl=$curl_top/lib/libcurl.so.4"
}

# ---- build: each step only when its inputs changed ---------------------
# build DIR [CONFIGURE FLAGS...]: configure (when needed) and make in DIR.
build_in() {
	dir=$1
	shift
	cd "$top"
	if [ ! -x configure ] || [ configure.ac -nt configure ] ||
	    [ Makefile.am -nt Makefile.in ]; then
		say "autoreconf"
		autoreconf -fi >/dev/null
	fi
	mkdir -p "$dir"
	cd "$dir"
	conf_flags="--enable-werror $curl_flags $* ${DYNREPO_CONFIGURE_FLAGS:-}"
	if [ ! -f Makefile ] || [ "$top/configure" -nt Makefile ] ||
	    [ "$(cat .dynrepo-configure-flags 2>/dev/null)" != "$conf_flags" ]; then
		say "configure $conf_flags (in $dir)"
		"$top/configure" $conf_flags >configure.out 2>&1 || {
			tail -20 configure.out >&2
			exit 1
		}
		echo "$conf_flags" >.dynrepo-configure-flags
	fi
	say "make (in $dir)"
	make -j"$jobs" >make.out 2>&1 || {
		grep -E 'error|Error' make.out | head -40 >&2
		tail -20 make.out >&2
		exit 1
	}
}

build() {
	build_in "$builddir"
}

# ---- check: every suite, one summary line ------------------------------
# check_in DIR: make check there; the counts go to DIR/summary.counts.
check_in() {
	cd "$1"
	say "make check (in $1)"
	rc=0
	make -j"$jobs" check || rc=$?
	if [ -f test-suite.log ]; then
		awk '/^# (PASS|FAIL|XPASS|ERROR|SKIP):/ { n[$2] = $3 }
		    END {
			printf "%d %d %d\n", n["PASS:"] + 0,
			    n["FAIL:"] + n["XPASS:"] + n["ERROR:"], n["SKIP:"] + 0
		    }' test-suite.log >summary.counts
		if [ $rc -ne 0 ]; then
			# Show what failed: the per-test logs of failing tests.
			grep -lE '^(not ok|Bail out)' tests/*/*.log tests/*.log \
			    2>/dev/null | while read -r f; do
				echo "==== $1/$f" >&2
				grep -E -A12 '^(not ok|Bail out)' "$f" | head -60 >&2
			done
		fi
	else
		echo "0 1 0" >summary.counts
	fi
	return $rc
}

# The whole test suite twice: a normal build, and one with AddressSanitizer
# and UndefinedBehaviorSanitizer (DYNREPO_SKIP_SANITIZERS=1 skips that).
check() {
	status=0
	check_in "$builddir" || status=1
	if [ "${DYNREPO_SKIP_SANITIZERS:-0}" != 1 ]; then
		build_in "$top/build-sanitizers" --enable-sanitizers
		check_in "$top/build-sanitizers" || status=1
	fi
	cat "$builddir/summary.counts" \
	    "$top/build-sanitizers/summary.counts" 2>/dev/null |
	    awk '{ p += $1; f += $2; s += $3 }
		END {
			printf "%d passed, %d failed", p, f
			if (s > 0) printf ", %d skipped", s
			printf "\n"
		}'
	return $status
}

demo() {
	exec sh "$top/tests/demo.sh" "$builddir/dynrepo"
}

cmd=${1:-build}
case $cmd in
build)	deps build; curl_http_only; build ;;
check)	deps check; curl_http_only; build_in "$builddir" --enable-fuzzing=${DYNREPO_FUZZ_SECONDS:-30}; check ;;
demo)	deps demo; curl_http_only existing; build; demo ;;
*)	echo "usage: ./build.sh [build|check|demo]" >&2; exit 2 ;;
esac
