#!/usr/bin/env bash
# SIGHUP reloads the rules; a bad file is rejected with file:line:column and
# the running rules stay. Root: loads the probe.
set -euo pipefail
sakerd=$(realpath "$1")
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
fail() { echo "FAIL: $*" >&2; exit 1; }
rule() {  # rule NAME PATH-PREFIX
  cat <<Y
- rule: $1
  desc: test rule
  condition: evt.type in (open, openat) and fd.name startswith $2
  output: "$1 %proc.name %fd.name"
  priority: WARNING
Y
}
rule first_rule "$tmp/first" >"$tmp/rules.yaml"
"$sakerd" run --json -r "$tmp/rules.yaml" --duration 20 >"$tmp/out.jsonl" 2>"$tmp/err" &
pid=$!
for _ in $(seq 150); do grep -q 'sakerd: capturing' "$tmp/err" && break; sleep 0.1; done
grep -q 'sakerd: capturing' "$tmp/err" || fail "sakerd did not start: $(cat "$tmp/err")"

cat "$tmp/first-1" 2>/dev/null || true
printf -- '- rule: broken\n  condition: evt.type = open and\n  output: x\n  priority: WARNING\n  desc: d\n' >"$tmp/rules.yaml"
kill -HUP $pid
for _ in $(seq 100); do grep -q 'reload failed' "$tmp/err" && break; cat /dev/null; sleep 0.1; done
grep -q "reload failed, keeping the running configuration: $tmp/rules.yaml:2:" "$tmp/err" ||
  fail "no reload error with a position: $(cat "$tmp/err")"
cat "$tmp/first-2" 2>/dev/null || true

rule second_rule "$tmp/second" >"$tmp/rules.yaml"
kill -HUP $pid
for _ in $(seq 100); do grep -q 'reloaded' "$tmp/err" && break; cat /dev/null; sleep 0.1; done
grep -q 'sakerd: reloaded; 1 rules loaded' "$tmp/err" || fail "no reload: $(cat "$tmp/err")"
cat "$tmp/first-3" "$tmp/second-1" 2>/dev/null || true
sleep 1
kill -TERM $pid
wait $pid || true

# The output text is "<rule> <proc.name> <fd.name>".
grep -q "first_rule cat [^ ]*/first-1" "$tmp/out.jsonl" || fail "first rule did not fire"
grep -q "first_rule cat [^ ]*/first-2" "$tmp/out.jsonl" || fail "the running rules did not survive a bad reload"
grep -q "second_rule cat [^ ]*/second-1" "$tmp/out.jsonl" || fail "the new rules did not fire"
if grep -q "first-3" "$tmp/out.jsonl"; then fail "the old rules still ran after a good reload"; fi
echo PASS
