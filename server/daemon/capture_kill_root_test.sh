#!/usr/bin/env bash
# `sakerd capture -w` killed with kill -9 keeps what it captured more than a
# flush interval (default 1 s) before: make known syscalls, wait 3 s with
# nothing else captured, kill -9, and the replay finds every one of them.
# Before the timed flush, events reached the file only when a 256 KiB block
# filled: this found 0. The file has no trailer: replay says so (exit 1) and
# accepts it with --allow-truncated. Root: loads the probe.
set -euo pipefail
sakerd="$1"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
fail() { echo "FAIL: $*" >&2; exit 1; }
dir="$tmp/saker-kill-$$"

# mkdir and rmdir only: too few events system-wide to fill a block.
"$sakerd" capture --quiet -w "$tmp/k.scap" --syscalls mkdir,rmdir 2>"$tmp/capture.err" &
capture=$!
for _ in $(seq 300); do
  grep -q 'sakerd: capturing' "$tmp/capture.err" 2>/dev/null && break
  kill -0 "$capture" 2>/dev/null || fail "capture exited: $(cat "$tmp/capture.err")"
  sleep 0.1
done
grep -q 'sakerd: capturing' "$tmp/capture.err" || fail "capture did not start"

for i in $(seq 25); do
  mkdir "$dir-$i" && rmdir "$dir-$i"
done
# Three flush intervals with nothing of ours to capture, then a crash.
sleep 3
kill -9 "$capture"
wait "$capture" 2>/dev/null || true

set +e
"$sakerd" replay "$tmp/k.scap" --json >"$tmp/replay.jsonl" 2>"$tmp/replay.err"
rc=$?
set -e
[[ $rc -eq 1 ]] || fail "replay of a killed capture exited $rc, expected 1: $(cat "$tmp/replay.err")"
grep -q "sakerd: warning: $tmp/k.scap: truncated: no trailer .* ends at offset [0-9]*" \
  "$tmp/replay.err" || fail "no truncation warning: $(cat "$tmp/replay.err")"
grep -q '"truncated":true}' "$tmp/replay.err" || fail "stats: $(cat "$tmp/replay.err")"

"$sakerd" replay "$tmp/k.scap" --json --allow-truncated >"$tmp/replay.jsonl" \
  2>"$tmp/replay.err" || fail "replay --allow-truncated failed: $(cat "$tmp/replay.err")"
for i in $(seq 25); do
  for type in mkdir rmdir; do
    grep -q "\"evt.type\":\"$type\".*\"$dir-$i\"" "$tmp/replay.jsonl" ||
      fail "no $type of $dir-$i in the file ($(grep -c . "$tmp/replay.jsonl") events): $(
        head -c 1500 "$tmp/replay.jsonl")"
  done
done
echo "PASS: $(grep -c . "$tmp/replay.jsonl") events survived kill -9"
