#!/usr/bin/env bash
# Live detection and replay agree: record a capture while doing things the
# upstream stable rules (or, without ../shared, Saker's built-in rules) flag,
# then replay it with the rules twice: the same alerts, byte for byte, and
# the expected ones present. Also `sakerd run` prints the alert live.
# Root: loads the probe.
set -euo pipefail
sakerd=$(realpath "$1")
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
fail() { echo "FAIL: $*" >&2; exit 1; }

wait_ready() {  # wait_ready STDERR-FILE
  for _ in $(seq 150); do
    grep -q 'sakerd: capturing' "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  fail "sakerd did not start: $(cat "$1")"
}

act() {
  cat /etc/shadow >/dev/null
  ln -sf /etc/shadow "$tmp/shadow-link"
}

# 1. Record, then replay with the built-in rules (always present).
"$sakerd" capture --quiet -w "$tmp/t.scap" --duration 4 2>"$tmp/cap.err" &
cap=$!
wait_ready "$tmp/cap.err"
act
wait $cap || fail "capture failed: $(cat "$tmp/cap.err")"

for i in 1 2; do
  "$sakerd" replay "$tmp/t.scap" --builtin-rules --json >"$tmp/replay$i.jsonl" 2>"$tmp/replay$i.err" ||
    fail "replay failed: $(cat "$tmp/replay$i.err")"
done
cmp -s "$tmp/replay1.jsonl" "$tmp/replay2.jsonl" || fail "two replays differ"
grep -q '"proc.name":"cat"' "$tmp/replay1.jsonl" || fail "no alert for cat /etc/shadow: $(head -c 2000 "$tmp/replay1.jsonl")"
grep -q '"fd.name":"/etc/shadow"' "$tmp/replay1.jsonl" || fail "alert lacks fd.name=/etc/shadow"
grep -q "shadow-link" "$tmp/replay1.jsonl" || fail "no alert for the symlink over /etc/shadow"

# 2. The upstream stable rules, when shared/ is there: $SAKER_SHARED, or a
# shared/ folder beside the clone (found by walking up from this script's
# source, which the runfiles link to).
rel=compat/falco-rules/falco_rules.yaml
upstream=""
if [[ -n ${SAKER_SHARED:-} ]]; then
  [[ -f $SAKER_SHARED/$rel ]] && upstream=$SAKER_SHARED/$rel
else
  d=$(dirname "$(realpath "${BASH_SOURCE[0]}")")
  while [[ $d != / ]]; do
    [[ -f $d/shared/$rel ]] && upstream=$d/shared/$rel && break
    d=$(dirname "$d")
  done
fi
if [[ -n $upstream ]]; then
  "$sakerd" replay "$tmp/t.scap" -r "$upstream" --json >"$tmp/up.jsonl" 2>"$tmp/up.err" ||
    fail "replay with upstream rules failed: $(cat "$tmp/up.err")"
  grep -q '"rule":"Read sensitive file untrusted"' "$tmp/up.jsonl" || fail "upstream: no 'Read sensitive file untrusted'"
  grep -q '"rule":"Create Symlink Over Sensitive Files"' "$tmp/up.jsonl" || fail "upstream: no symlink alert"
else
  missing=${SAKER_SHARED:+$SAKER_SHARED/$rel}
  echo "SKIP (upstream part): ${missing:-$rel (no shared/ beside the repository)} not found:" \
    "set SAKER_SHARED to a directory holding Falco's rule files (compat/falco-rules/)," \
    "or place that directory, named shared/, beside the clone"
fi

# 3. Live: sakerd run prints the alert as it happens.
"$sakerd" run --json --duration 4 >"$tmp/live.jsonl" 2>"$tmp/live.err" &
run=$!
wait_ready "$tmp/live.err"
act
wait $run || fail "run failed: $(cat "$tmp/live.err")"
grep -q '"fd.name":"/etc/shadow"' "$tmp/live.jsonl" || fail "run printed no alert: $(cat "$tmp/live.err")"
grep -q 'sakerd: [1-9][0-9]* alerts' "$tmp/live.err" || fail "run did not count alerts"
echo PASS
