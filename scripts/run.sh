#!/usr/bin/env bash
# `make play`: plays a set live with `patches-tui play` (Ctrl-C stops). When no sound device can
# be opened, says so and plays it on the null backend instead: silently, with the same reloads.
# Usage: scripts/run.sh SET [BINARY]
set -uo pipefail

set_file=${1:-patches/set.yaml}
bin=${2:-./target/release/patches-tui}
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT

# stderr goes to the terminal as it comes and to $errors, to tell "no device" from other failures.
{ "$bin" play "$set_file" 2>&1 1>&3 3>&- | tee "$errors" >&2 3>&-; } 3>&1
status=${PIPESTATUS[0]}

# The message start_output gives when no device can be opened.
if [ "$status" -ne 0 ] && grep -q "no usable sound device" "$errors"; then
  echo "make play: no sound device could be opened (see above), so $set_file plays on the null backend: silently, with the same reloads (Ctrl-C stops)." >&2
  exec "$bin" play --null "$set_file"
fi
exit "$status"
