#!/usr/bin/env bash
# Runs each Python example briefly against a live sakerd and checks its output.
# Args: SAKERD MAKE_CERTS.
set -euo pipefail
source clients/python/testenv.sh "$1" "$2"
ex=examples/python
out=$SAKER_WORK/ex
mkdir -p "$out"
fail() { echo "FAIL: $*" >&2; for f in "$out"/*.txt; do echo "--- $f" >&2; cat "$f" >&2; done; exit 1; }
exe=$SAKER_WORK/saker-ex-exec-$$
cp /bin/true "$exe"

# Run all four at once (each for a few seconds) while alerts and execs happen.
"$PY" "$ex/tail_alerts.py" --address "$SAKER_UNIX_ADDR" --priority warning --duration 12 >"$out/tail.txt" 2>&1 &
p1=$!
"$PY" "$ex/count_by_rule.py" --address "$SAKER_UNIX_ADDR" --duration 12 >"$out/count.txt" 2>&1 &
p2=$!
"$PY" "$ex/watch_exec.py" --address "$SAKER_UNIX_ADDR" --duration 12 >"$out/exec.txt" 2>&1 &
p3=$!
"$PY" "$ex/tail_alerts_mtls.py" --address "$SAKER_TCP_ADDR" --ca "$SAKER_CA" \
  --cert "$SAKER_CLIENT_CERT" --key "$SAKER_CLIENT_KEY" --duration 12 >"$out/mtls.txt" 2>&1 &
p4=$!
sleep 4
for i in 1 2 3 4 5 6; do
  sh -c "$SAKER_TRIGGER ex-py-$$-$i"
  "$exe"; sleep 0.5
done
rc=0
for p in $p1 $p2 $p3 $p4; do wait "$p" || rc=1; done
((rc == 0)) || fail "an example exited non-zero"

grep -q "WARNING $SAKER_RULE: .*saker-sdk-marker-ex-py-$$-6" "$out/tail.txt" || fail "tail_alerts: no marker alert"
grep -Eq "^$SAKER_RULE +[0-9]+$" "$out/count.txt" || fail "count_by_rule: no row for the rule"
grep -Eq "^TOTAL +[0-9]+$" "$out/count.txt" || fail "count_by_rule: no total"
grep -q "exec pid=[0-9]* .*$exe" "$out/exec.txt" || fail "watch_exec: no exec of $exe"
grep -q "^connected to $SAKER_TCP_ADDR" "$out/mtls.txt" || fail "tail_alerts_mtls: not connected"
grep -q "WARNING $SAKER_RULE: .*saker-sdk-marker-ex-py-$$-6" "$out/mtls.txt" || fail "tail_alerts_mtls: no marker alert"
# mTLS with a certificate from another CA is refused.
if "$PY" "$ex/tail_alerts_mtls.py" --address "$SAKER_TCP_ADDR" --ca "$SAKER_CA" \
  --cert "$SAKER_BAD_CERT" --key "$SAKER_BAD_KEY" --duration 2 >"$out/bad.txt" 2>&1; then
  fail "tail_alerts_mtls: a rogue certificate was accepted"
fi
echo "examples: all passed"
