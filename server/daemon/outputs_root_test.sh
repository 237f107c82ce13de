#!/usr/bin/env bash
# sakerd's outputs, end to end, from a configuration file: real alerts go to
# stdout, a file and an HTTPS receiver with mutual TLS (Falco's http_output
# keys); the receiver is down at first and its alert arrives once it comes
# back; a per-rule rate limit holds back a burst; when the receiver goes away
# for good the give-up raises an internal alert (stdout, file and the gRPC
# API); /healthz, /readyz and /metrics are scraped and checked, also with 100
# idle and 5 slow-header connections open (they answer within 100 ms).
# Root: sakerd loads the probe.
set -euo pipefail
sakerd=$(realpath "$1")
receiver=$(realpath "$2")
make_certs=$(realpath "$3")
saker=$(realpath "$4")
work=$(mktemp -d /tmp/saker-outputs-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work" /tmp/saker-outputs-marker-*
}
trap cleanup EXIT
fail() {
  echo "FAIL: $*" >&2
  for f in sakerd.log stdout.txt alerts.txt receiver.jsonl; do
    [[ -f $work/$f ]] && { echo "--- $f" >&2; tail -n 20 "$work/$f" >&2; }
  done
  exit 1
}
# wait_for SECONDS DESCRIPTION COMMAND...: polls until COMMAND succeeds.
wait_for() {
  local secs=$1 what=$2
  shift 2
  for _ in $(seq $((secs * 10))); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 0.1
  done
  fail "timed out after ${secs}s waiting for $what"
}
trigger() { python3 -c 'import os,sys
try: os.open(sys.argv[1], os.O_RDONLY)
except OSError: pass' "/tmp/saker-outputs-$1"; }

"$make_certs" "$work/certs" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cat >"$work/rules.yaml" <<'Y'
- rule: outputs marker opened
  desc: fires once per open of an outputs test marker
  condition: evt.type in (open, openat) and fd.name startswith /tmp/saker-outputs-marker-
  output: "outputs marker opened by %proc.name (file=%fd.name)"
  priority: WARNING
  tags: [outputs_test]
- rule: outputs other marker opened
  desc: a second rule, not rate-limited
  condition: evt.type in (open, openat) and fd.name startswith /tmp/saker-outputs-other-
  output: "outputs other marker opened by %proc.name (file=%fd.name)"
  priority: ERROR
Y
cat >"$work/saker.yaml" <<Y
rules_files: [$work/rules.yaml]
stdout_output:
  enabled: true
file_output:
  enabled: true
  keep_alive: false
  filename: $work/alerts.txt
http_output:
  enabled: true
  url: https://127.0.0.1:$port/alerts
  user_agent: saker-e2e
  ca_cert: $work/certs/ca.pem
  mtls: true
  client_cert: $work/certs/client1.pem
  client_key: $work/certs/client1.key
webserver:
  enabled: true
  listen_address: 127.0.0.1
  listen_port: 0
  prometheus_metrics_enabled: true
saker:
  api:
    binds: [unix://$work/s.sock]
  http_output:
    max_retries: 25
    retry_backoff_ms: 100
    retry_backoff_max_ms: 300
  rate_limit:
    rules:
      outputs marker opened: {rate: 0.001, max_burst: 3}
  internal_alerts:
    enabled: true
    rate: 10
    max_burst: 10
Y

"$sakerd" run -c "$work/saker.yaml" --duration 600 >"$work/stdout.txt" 2>"$work/sakerd.log" &
sakerd_pid=$!
pids+=("$sakerd_pid")
wait_for 60 "sakerd to capture" grep -q 'sakerd: capturing' "$work/sakerd.log"
web=$(grep -o 'web server listening .*port=[0-9]*' "$work/sakerd.log" | grep -o '[0-9]*$')
[[ -n $web ]] || fail "no web server port in the log"
metrics() { curl -sf "http://127.0.0.1:$web/metrics"; }
# metric NAME_WITH_LABELS: its value (0 when absent).
metric() {
  metrics | awk -v k="$1" 'substr($0, 1, length(k) + 1) == k " " { print $NF; found = 1 }
                           END { if (!found) print 0 }'
}
at_least() { [[ $(metric "$1") -ge $2 ]]; }

# Probes.
curl -sf "http://127.0.0.1:$web/healthz" | grep -q '"ok"' || fail "/healthz is not ok"
curl -sf "http://127.0.0.1:$web/readyz" | grep -q 'ready' || fail "/readyz is not ready"
curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$web/nope" | grep -q 404 ||
  fail "unknown path is not 404"
# Probes never queue behind idle clients (issue 10): with 100 idle connections
# and 5 slow-header ones (a byte a second) open, /healthz, /readyz and /metrics
# each answer within 100 ms (about 1 ms on loopback; the old server, a worker
# per connection, took 55 s with ten idle connections).
python3 - "$web" <<'PY' || fail "a probe was slow or failed with idle and slow clients open"
import socket, sys, threading, time
port = int(sys.argv[1])
idle = [socket.create_connection(("127.0.0.1", port)) for _ in range(100)]
slow = [socket.create_connection(("127.0.0.1", port)) for _ in range(5)]
stop = threading.Event()
def drip():
    head = b"GET /healthz HTTP/1.1\r\nX-Slow: " + b"a" * 100
    i = 0
    while not stop.is_set():
        for s in slow:
            try:
                s.send(head[i % len(head):i % len(head) + 1])
            except OSError:
                pass
        i += 1
        stop.wait(1)
dripper = threading.Thread(target=drip)
dripper.start()
worst = 0.0
try:
    for _ in range(5):
        for path in ("/healthz", "/readyz", "/metrics"):
            start = time.monotonic()
            c = socket.create_connection(("127.0.0.1", port), timeout=5)
            c.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            data = b""
            while chunk := c.recv(65536):
                data += chunk
            c.close()
            took = time.monotonic() - start
            assert data.startswith(b"HTTP/1.1 200 "), (path, data[:80])
            assert took < 0.1, (path, took)
            worst = max(worst, took)
        time.sleep(0.3)
finally:
    stop.set()
    dripper.join()
print(f"slowest of 15 probes, 105 idle and slow clients open: {worst * 1000:.1f} ms",
      file=sys.stderr)
PY
at_least saker_webserver_connections_total 120 || fail "web server connections not counted"

# 1. The receiver is down: the alert waits, retried.
trigger marker-1
wait_for 30 "the HTTP output to retry" at_least 'saker_output_retries_total{output="http"}' 1
python3 "$receiver" --port "$port" --port-file "$work/port" --log "$work/receiver.jsonl" \
  --cert "$work/certs/server.pem" --key "$work/certs/server.key" \
  --client-ca "$work/certs/ca.pem" &
pids+=($!)
wait_for 30 "the receiver to get the alert once back" grep -q 'marker-1' "$work/receiver.jsonl"
python3 - "$work/receiver.jsonl" <<'PY' || fail "the POSTed alert is not Falco's JSON alert"
import json, sys
r = [json.loads(l) for l in open(sys.argv[1]) if "marker-1" in l][0]
assert r["method"] == "POST" and r["path"] == "/alerts", r
assert r["headers"]["content-type"] == "application/json", r["headers"]
assert r["headers"]["user-agent"] == "saker-e2e", r["headers"]
assert r["peer_cn"] == "client-one", r  # mutual TLS with the configured client certificate
a = json.loads(r["body"])
for k in ("hostname", "output", "output_fields", "priority", "rule", "source", "tags", "time"):
    assert k in a, (k, a)
assert a["rule"] == "outputs marker opened" and a["priority"] == "Warning", a
assert a["source"] == "syscall" and a["tags"] == ["outputs_test"], a
assert a["output_fields"]["fd.name"] == "/tmp/saker-outputs-marker-1", a
assert a["time"].endswith("Z") and "T" in a["time"], a
PY
grep -q 'Warning outputs marker opened .*marker-1' "$work/stdout.txt" || fail "no text alert on stdout"
grep -q 'Warning outputs marker opened .*marker-1' "$work/alerts.txt" || fail "no alert in the file"

# 2. The per-rule limit (burst 3): of six alerts three pass, three are counted.
for i in 2 3 4 5 6; do trigger marker-$i; done
wait_for 30 "three alerts rate-limited" at_least \
  'saker_alerts_rate_limited_total{rule="outputs marker opened"}' 3
[[ $(grep -c 'outputs marker opened' "$work/alerts.txt") -eq 3 ]] ||
  fail "the file holds $(grep -c 'outputs marker opened' "$work/alerts.txt") alerts, expected 3"
at_least 'saker_alerts_total{rule="outputs marker opened",priority="Warning"}' 6 ||
  fail "saker_alerts_total does not count the six matches"

# 3. The receiver goes away for good: the output gives up and says so.
kill "${pids[-1]}"
wait "${pids[-1]}" 2>/dev/null || true
trigger other-1
wait_for 60 "an internal alert for the output failure" \
  grep -q 'Error Saker internal: output http failed: .*gave up after 26 attempts' "$work/alerts.txt"
grep -q 'Saker internal: output http failed' "$work/stdout.txt" || fail "no internal alert on stdout"
at_least 'saker_output_failures_total{output="http"}' 1 || fail "the failure is not counted"
at_least 'saker_internal_alerts_total' 1 || fail "the internal alert is not counted"
timeout 20 "$saker" tail --socket "$work/s.sock" --history --json --source internal --count 1 \
  >"$work/api.json" || fail "the internal alert did not reach the gRPC API"
grep -q '"source":"internal"' "$work/api.json" || fail "API alert: $(cat "$work/api.json")"

# 4. The rest of /metrics.
metrics >"$work/metrics.txt"
for family in saker_kernel_events_total saker_kernel_drops_total saker_rules_loaded \
  saker_api_subscribers saker_rule_evaluation_seconds saker_output_sent_total \
  saker_outputs_queue_depth process_resident_memory_bytes; do
  grep -q "^# TYPE $family " "$work/metrics.txt" || fail "/metrics lacks $family"
done
at_least 'saker_kernel_events_total{category="file"}' 1 || fail "no file events counted"
at_least 'saker_output_sent_total{output="file"}' 4 || fail "file output sent count"
at_least 'saker_output_sent_total{output="http"}' 1 || fail "http output sent count"
[[ $(metric saker_rules_loaded) -eq 2 ]] || fail "saker_rules_loaded is not 2"

kill -TERM "$sakerd_pid"
wait "$sakerd_pid" || fail "sakerd exited $?"
echo PASS
