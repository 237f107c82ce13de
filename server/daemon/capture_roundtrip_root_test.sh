#!/usr/bin/env bash
# Live capture with --json and -w at once, then replay: the replay must print
# exactly the lines the live capture printed. Also checks the JSON contract
# keys and that stats reach stderr. Root: loads the probe.
set -euo pipefail

sakerd="$1"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
marker="/nonexistent/saker-roundtrip-$$"

rm -f "$tmp/live.err"
# A workload that makes captured syscalls while the capture runs, started
# once sakerd says the probe is attached.
(
  for _ in $(seq 100); do
    grep -q 'sakerd: capturing' "$tmp/live.err" 2>/dev/null && break
    sleep 0.1
  done
  for _ in $(seq 20); do
    cat "$marker" 2>/dev/null || true
    mkdir "$tmp/d" && rmdir "$tmp/d"
  done
) &
workload=$!

"$sakerd" capture --json -w "$tmp/c.scap" --duration 4 \
  --syscalls openat,close,mkdir,rmdir,execve,procexit \
  >"$tmp/live.jsonl" 2>"$tmp/live.err"
wait "$workload"

"$sakerd" replay "$tmp/c.scap" --json >"$tmp/replay.jsonl" 2>"$tmp/replay.err"

fail() { echo "FAIL: $*" >&2; exit 1; }

lines=$(wc -l <"$tmp/live.jsonl")
[[ $lines -gt 40 ]] || fail "only $lines events captured"
cmp -s "$tmp/live.jsonl" "$tmp/replay.jsonl" || {
  diff "$tmp/live.jsonl" "$tmp/replay.jsonl" | head -20 >&2
  fail "replay differs from the live capture"
}
grep -q "sakerd stats: {\"events\":$lines," "$tmp/live.err" ||
  fail "live stats missing or wrong: $(cat "$tmp/live.err")"
grep -q "sakerd stats: {\"events\":$lines,\"truncated\":false}" "$tmp/replay.err" ||
  fail "replay stats missing or wrong: $(cat "$tmp/replay.err")"

# The contract keys, and the failing openat of the marker with its arguments.
hit=$(grep -m1 -F "\"name\":\"$marker\"" "$tmp/live.jsonl" || true)
[[ -n $hit ]] || fail "no openat of $marker"
for key in '"evt.num":' '"evt.time":' '"evt.type":"openat"' '"evt.res":"ENOENT"' \
  '"evt.rawres":-2' '"proc.pid":' '"thread.tid":' '"proc.ppid":' '"proc.name":"cat"' \
  '"user.uid":0' '"evt.args":{'; do
  [[ $hit == *"$key"* ]] || fail "openat event lacks $key: $hit"
done
grep -q '"evt.type":"mkdir","evt.res":"SUCCESS"' "$tmp/live.jsonl" || fail "no successful mkdir"
grep -q '"evt.type":"execve"' "$tmp/live.jsonl" || fail "no execve"
grep -q '"evt.type":"procexit"' "$tmp/live.jsonl" || fail "no procexit"

# Event numbers count from 1 without gaps.
awk -F'"evt.num":' '{ split($2, a, ","); if (a[1] != NR) { print "gap at " NR; exit 1 } }' \
  "$tmp/live.jsonl" || fail "evt.num is not 1..N"
echo "PASS: $lines events round-tripped"
