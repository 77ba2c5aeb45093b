#!/bin/sh
# SPDX-License-Identifier: ISC
# Install the benchmark's peers by hand (run.sh never installs anything):
# boto3 and the AWS CLI from Debian, the AWS SDK for JavaScript v3 from the
# npm registry, pinned by tests/bench/js/package-lock.json, into the build
# tree. Nothing here is needed to build or test dynrepo.
#
# usage: tests/bench/install-peers.sh BUILDDIR
set -eu
here=$(cd "$(dirname "$0")" && pwd)
builddir=${1:?usage: install-peers.sh BUILDDIR}
if [ "$(id -u)" = 0 ]; then
	apt-get install -y python3-boto3 awscli
elif command -v sudo >/dev/null 2>&1; then
	sudo apt-get install -y python3-boto3 awscli
else
	echo "as root: apt-get install -y python3-boto3 awscli"
fi
js=$builddir/tests/bench-js
mkdir -p "$js"
cp "$here/js/package.json" "$here/js/package-lock.json" "$js/"
cd "$js" && npm ci --no-audit --no-fund --loglevel=error
echo "AWS SDK JS v3 installed in $js"
