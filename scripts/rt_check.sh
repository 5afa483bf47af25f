#!/usr/bin/env bash
# Runs the audio-thread storm (tests/rt_check.rs) under strace and fails if the audio thread
# made any system call between its begin and end marks other than the pacing sleep.
set -euo pipefail
if ! command -v strace >/dev/null; then
    echo "rt-check: strace is not installed; skipped" >&2
    exit 0
fi
binary=$(cargo test --release --test rt_check --no-run --message-format=json 2>/dev/null \
    | grep '"name":"rt_check"' | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
trace=$(mktemp)
trap 'rm -f "$trace"' EXIT
strace -f -qq -o "$trace" "$binary" --ignored --test-threads=1 >/dev/null
tid=$(grep -F '"/patches-rt-check/begin"' "$trace" | awk '{print $1}' | head -1)
if [ -z "$tid" ]; then
    echo "rt-check: the audio thread's begin mark is not in the trace" >&2
    exit 1
fi
calls=$(awk -v tid="$tid" '
    $1 == tid && /patches-rt-check\/begin/ { on = 1; next }
    $1 == tid && /patches-rt-check\/end/ { on = 0 }
    on && $1 == tid { print }
' "$trace" | grep -vE '^[0-9]+ +(clock_nanosleep|nanosleep)\(' \
    | grep -vE '^[0-9]+ +<\.\.\. (clock_nanosleep|nanosleep) resumed>' || true)
if [ -n "$calls" ]; then
    echo "rt-check: system calls on the audio thread:" >&2
    echo "$calls" | head -20 >&2
    exit 1
fi
sleeps=$(awk -v tid="$tid" '$1 == tid' "$trace" | grep -cE 'nanosleep' || true)
echo "rt-check: audio thread made only pacing sleeps ($sleeps) during the storm"
