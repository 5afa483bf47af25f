#!/usr/bin/env bash
# Runs the audio-thread storm (tests/rt_check.rs) under strace and fails if the audio thread
# made any system call between its begin and end marks other than the pacing sleep. It first
# runs a version that plants one system call on the audio thread and fails unless it is seen,
# so a trace that cannot show a call never passes.
set -euo pipefail
if ! command -v strace >/dev/null; then
    echo "rt-check: strace is not installed; skipped" >&2
    exit 0
fi
binary=$(cargo test --release --test rt_check --no-run --message-format=json 2>/dev/null \
    | grep '"name":"rt_check"' | sed -n 's/.*"executable":"\([^"]*\)".*/\1/p' | tail -1)
trace=$(mktemp)
trap 'rm -f "$trace"' EXIT

# The audio thread's id in the trace: the thread that made the begin mark.
audio_tid() {
    grep -F '"/patches-rt-check/begin"' "$trace" | awk '{print $1}' | head -1
}

# Prints the system calls the audio thread made between its marks in a run of test $1, other
# than the pacing sleep.
audio_calls() {
    strace -f -qq -o "$trace" "$binary" --ignored --exact "$1" --test-threads=1 >/dev/null
    local tid
    tid=$(audio_tid)
    if [ -z "$tid" ]; then
        echo "rt-check: the audio thread's begin mark is not in the trace of $1" >&2
        exit 1
    fi
    # strace splits a call that another thread's line interrupts into `<unfinished ...>` and
    # `<... resumed>`: the resumed half of the begin mark is not a call of the run.
    awk -v tid="$tid" '
        $1 == tid && /patches-rt-check\/begin/ { on = 1; split_mark = /unfinished/; next }
        split_mark && $1 == tid && /<\.\.\. statx resumed>/ { split_mark = 0; next }
        $1 == tid && /patches-rt-check\/end/ { on = 0 }
        on && $1 == tid { print }
    ' "$trace" | grep -vE '^[0-9]+ +(clock_nanosleep|nanosleep)\(' \
        | grep -vE '^[0-9]+ +<\.\.\. (clock_nanosleep|nanosleep) resumed>' || true
}

planted=$(audio_calls audio_thread_with_a_planted_system_call_for_strace)
if ! grep -qF '/patches-rt-check/planted' <<<"$planted"; then
    echo "rt-check: the system call planted on the audio thread was not seen" >&2
    exit 1
fi
calls=$(audio_calls audio_thread_storm_for_strace)
if [ -n "$calls" ]; then
    echo "rt-check: system calls on the audio thread:" >&2
    echo "$calls" | head -20 >&2
    exit 1
fi
sleeps=$(awk -v tid="$(audio_tid)" '$1 == tid' "$trace" | grep -cE 'nanosleep' || true)
echo "rt-check: the planted system call was caught; the storm's audio thread made only pacing sleeps ($sleeps)"
