#!/usr/bin/env bash
# Runs each C++ example briefly against a live sakerd and checks its output.
source clients/testing/sakerd_fixture.sh server/sakerd testdata/certs/make_certs.sh
saker_start
E=examples/cpp
OUT=$SAKER_WORK/out
mkdir -p "$OUT"
fail() { echo "FAIL: $*" >&2; for f in "$OUT"/*; do echo "--- $f" >&2; head -c 2000 "$f" >&2; done; exit 1; }

# Makes marker alerts every 0.3 s (and execs of /bin/true) while $1 runs.
provoke() {
  local pid=$1 i=0
  while kill -0 "$pid" 2>/dev/null; do
    i=$((i + 1))
    saker_trigger "cpp-example-$i"
    /bin/true saker-cpp-example-exec
    sleep 0.3
  done
}

export SAKER_ADDRESS=$SAKER_UNIX_ADDR  # the default address comes from the environment

"$E/tail_alerts" --min_priority=WARNING --count=2 --duration=30s >"$OUT/tail" 2>"$OUT/tail.err" &
provoke $!
wait $! 2>/dev/null || true
[[ $(grep -c "WARNING \[$SAKER_RULE\] .*sdk marker opened by .*(file=/tmp/saker-sdk-marker-" "$OUT/tail") == 2 ]] \
  || fail "tail_alerts did not print 2 marker alerts"

"$E/tail_alerts" --min_priority=ERROR --duration=2s >"$OUT/tail_error" 2>&1 &
provoke $!
[[ ! -s $OUT/tail_error || $(grep -c '\[sdk marker' "$OUT/tail_error") == 0 ]] \
  || fail "tail_alerts --min_priority=ERROR printed WARNING alerts"

"$E/count_by_rule" --duration=3s >"$OUT/count" 2>&1 &
provoke $!
grep -Eq "^RULE +ALERTS$" "$OUT/count" || fail "count_by_rule printed no table header"
grep -Eq "^$SAKER_RULE +[1-9][0-9]*$" "$OUT/count" || fail "count_by_rule did not count the marker rule"

"$E/watch_exec" --condition="proc.name = true" --count=1 --duration=30s >"$OUT/exec" 2>&1 &
provoke $!
grep -q "^exec pid=[0-9]* ppid=[0-9]* uid=0 true /bin/true .*saker-cpp-example-exec" "$OUT/exec" \
  || fail "watch_exec did not print the exec of /bin/true"

"$E/tail_alerts_mtls" --address="$SAKER_TCP_ADDR" --ca="$SAKER_CA" --cert="$SAKER_CLIENT_CERT" \
  --key="$SAKER_CLIENT_KEY" --count=1 --duration=30s >"$OUT/mtls" 2>"$OUT/mtls.err" &
provoke $!
grep -q "WARNING \[$SAKER_RULE\]" "$OUT/mtls" || fail "tail_alerts_mtls printed no alert"

rc=0
"$E/tail_alerts_mtls" --address="$SAKER_TCP_ADDR" --ca="$SAKER_CA" --cert="$SAKER_BAD_CERT" \
  --key="$SAKER_BAD_KEY" --count=1 --duration=10s >"$OUT/bad" 2>&1 || rc=$?
[[ $rc == 1 ]] && grep -q "cannot connect" "$OUT/bad" || fail "tail_alerts_mtls accepted a rogue certificate (rc $rc)"
echo OK
