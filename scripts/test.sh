#!/usr/bin/env bash
# `make test`: every test, in a temporary directory of its own, which must be empty after:
# tests clean up after themselves, also when they fail.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d "${TMPDIR:-/tmp}/patches-tui-test.XXXXXX")
status=0
TMPDIR="$tmp" cargo test "$@" || status=$?
left=$(ls -A "$tmp")
rm -rf "$tmp"
if [ -n "$left" ]; then
    echo "make test: the tests left these in the temporary directory:" >&2
    echo "$left" >&2
    exit 1
fi
exit "$status"
