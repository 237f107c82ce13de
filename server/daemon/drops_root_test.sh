#!/usr/bin/env bash
# Kernel drops, end to end: a tiny ring and a syscall storm make the probe
# drop events; Falco's syscall_event_drops actions then apply: `log` writes a
# warning, `alert` raises the internal alert "Saker internal: kernel event
# drops" (source internal) on the outputs, and /metrics counts the drops and
# the alert; with `exit`, sakerd stops with status 1. Root: loads the probe.
set -euo pipefail
sakerd=$(realpath "$1")
work=$(mktemp -d /tmp/saker-drops-XXXXXX)
pid=""
cleanup() {
  [[ -n $pid ]] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  [[ -n ${KEEP:-} ]] || rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for f in log out; do
    [[ -f $work/$f ]] && { echo "--- $f" >&2; tail -n 20 "$work/$f" >&2; }
  done
  exit 1
}
storm() {  # storm SECONDS: failed opens as fast as one core goes
  python3 -c 'import os, sys, time
end = time.time() + float(sys.argv[1])
while time.time() < end:
    for _ in range(1000):
        try: os.open("/nonexistent/saker-drops", os.O_RDONLY)
        except OSError: pass' "$1"
}
start() {  # start ACTIONS
  "$sakerd" run --grpc-bind "unix://$work/s.sock" --duration 120 \
    -o saker.driver.ring_bytes=4096 -o saker.driver.coalesce_us=5000 \
    -o "syscall_event_drops={actions: $1, rate: 100, max_burst: 10, threshold: 0}" \
    -o saker.internal_alerts.rate=10 -o webserver.listen_address=127.0.0.1 \
    -o webserver.listen_port=0 -o webserver.prometheus_metrics_enabled=true \
    >"$work/out" 2>"$work/log" &
  pid=$!
  for _ in $(seq 600); do
    grep -q 'sakerd: capturing' "$work/log" && return 0
    kill -0 "$pid" 2>/dev/null || fail "sakerd exited early"
    sleep 0.1
  done
  fail "sakerd did not start"
}

# log + alert.
start '[log, alert]'
for _ in $(seq 20); do
  storm 1
  grep -q 'Saker internal: .*kernel events dropped' "$work/out" && break
done
grep -q 'Critical Saker internal: .*kernel events dropped' "$work/out" ||
  fail "no internal alert for the drops on stdout"
grep -q ' warning sakerd: kernel event drops: ' "$work/log" || fail "no drop warning in the log"
web=$(grep -o 'web server listening .*port=[0-9]*' "$work/log" | grep -o '[0-9]*$')
curl -sf "http://127.0.0.1:$web/metrics" >"$work/metrics"
awk '/^saker_kernel_drops_total/ { n += $NF } END { exit !(n > 0) }' "$work/metrics" ||
  fail "saker_kernel_drops_total is 0"
awk '/^saker_internal_alerts_total / { exit !($NF >= 1) }' "$work/metrics" ||
  fail "saker_internal_alerts_total is not counted"
kill -TERM "$pid"
wait "$pid" || fail "sakerd exited $? after SIGTERM"
pid=""

# exit: sakerd stops by itself, status 1, saying why.
start '[exit]'
for _ in $(seq 20); do
  kill -0 "$pid" 2>/dev/null || break
  storm 1
done
set +e
wait "$pid"
rc=$?
set -e
pid=""
[[ $rc -eq 1 ]] || fail "with the exit action sakerd exited $rc, expected 1"
grep -q 'sakerd: kernel event drops: exiting' "$work/log" || fail "the exit is not explained"
echo PASS
