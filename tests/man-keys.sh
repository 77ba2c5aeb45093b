#!/bin/sh
# SPDX-License-Identifier: ISC
# The man page's key lists are the key tables of doc/tui.md.
exec sh "${DYNREPO_SRCDIR:-.}/doc/man-keys.sh" --check
