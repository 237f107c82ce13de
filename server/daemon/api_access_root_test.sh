#!/usr/bin/env bash
# The API's access control and stream caps against one real `sakerd run -c
# FILE` (unix socket and mutual TLS): an allow-list edit applied on SIGHUP; an
# allow-list naming an unknown service refused on reload with its
# file:line:col, the running list still enforced; 2,000 stalled event streams
# (largest batches; the client then stops reading its sockets) held by a
# hostile client: past
# saker.api.max_subscribers they get RESOURCE_EXHAUSTED, and sakerd's RSS
# stays under RSS_BOUND_MB with the default limits; the per-connection and
# per-identity caps over mTLS; saker_api_rejected_total counting each.
# Usage: api_access_root_test.sh SAKERD SAKER MAKE_CERTS STALL_STREAMS.
# Root: loads the probe.
set -euo pipefail
sakerd=$(realpath "$1")
cli=$(realpath "$2")
make_certs=$(realpath "$3")
stall=$(realpath "$4")
# The bound the README states for 2,000 stalled streams with the default
# limits (1,024 admitted): measured 0.44-0.58 GB on a 2-core VM.
RSS_BOUND_MB=1024

tmp=$(mktemp -d /tmp/saker-apiacl-XXXXXX)
pids=()
cleanup() {
  local p
  for p in "${pids[@]}"; do
    kill -TERM "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$tmp" 2>/dev/null || true
}
trap cleanup EXIT
trap 'exit 1' INT TERM
log=$tmp/sakerd.log
fail() {
  echo "FAIL: $*" >&2
  local f
  for f in "$log" "$tmp"/cmd.* "$tmp"/stall.*; do
    [[ -f $f ]] || continue
    echo "--- tail of $f" >&2
    tail -n 20 "$f" >&2
  done
  exit 1
}
step() { echo "== $*"; }

"$make_certs" "$tmp/certs" >/dev/null
sock=$tmp/s.sock
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
tcp=127.0.0.1:$(free_port)
cfg=$tmp/saker.yaml
# write_config SERVICE IDENTITY: saker.api.allow is {SERVICE: [IDENTITY]}.
write_config() {
  cat >"$cfg.new" <<Y
log_level: info
webserver:
  enabled: true
  listen_address: 127.0.0.1
  listen_port: 0
  prometheus_metrics_enabled: true
saker:
  api:
    binds: ["unix://$sock", "$tcp"]
    tls:
      cert: $tmp/certs/server.pem
      key: $tmp/certs/server.key
      ca: $tmp/certs/ca.pem
    allow:
      $1: [$2]
Y
  mv "$cfg.new" "$cfg"
}
write_config saker.status.v1.StatusService client-one
"$sakerd" run -c "$cfg" --duration 1200 >/dev/null 2>"$log" &
sakerd_pid=$!
pids+=("$sakerd_pid")
for _ in $(seq 1200); do
  grep -q 'sakerd: capturing' "$log" && break
  kill -0 "$sakerd_pid" 2>/dev/null || fail "sakerd exited at start"
  sleep 0.1
done
grep -q 'sakerd: capturing' "$log" || fail "sakerd did not start in 120 s"
web_port=$(sed -n 's/.*web server listening.* port=\([0-9]*\).*/\1/p' "$log" | head -1)
[[ -n $web_port && $web_port != 0 ]] || fail "no 'web server listening ... port=N' line"
metrics() {
  curl -fsS --max-time 30 "http://127.0.0.1:$web_port/metrics" >"$tmp/cmd.metrics" ||
    fail "GET /metrics failed"
}
metric() {  # metric LINE-PREFIX: its value
  metrics
  grep -F "$1" "$tmp/cmd.metrics" | awk '{print $2}'
}
status_as() {  # status_as CLIENT: GetStatus over a new mTLS connection
  "$cli" status --address "$tcp" --cert "$tmp/certs/$1.pem" --key "$tmp/certs/$1.key" \
    --ca "$tmp/certs/ca.pem" --timeout 10s >"$tmp/cmd.status_$1" 2>&1
}
hup() {  # hup ok|failed
  local before after last
  before=$(grep -cE 'sakerd: (reloaded;|reload failed)' "$log" || true)
  kill -HUP "$sakerd_pid"
  for _ in $(seq 900); do
    after=$(grep -cE 'sakerd: (reloaded;|reload failed)' "$log" || true)
    ((after > before)) && break
    sleep 0.1
  done
  ((after > before)) || fail "no reload result in the log after SIGHUP"
  last=$(grep -E 'sakerd: (reloaded;|reload failed)' "$log" | tail -1)
  case $1 in
    ok) [[ $last == *"sakerd: reloaded;"* ]] || fail "the reload failed: $last" ;;
    failed) [[ $last == *"reload failed, keeping the running configuration: "* ]] ||
      fail "the reload succeeded but must fail: $last" ;;
  esac
  reload_line=$last
}

# --- Allow-lists ---------------------------------------------------------------
step "StatusService allowed to client-one only"
status_as client1 || fail "client-one is refused"
if status_as client2; then fail "client-two is allowed"; fi
grep -q PERMISSION_DENIED "$tmp/cmd.status_client2" ||
  grep -qi "not allowed" "$tmp/cmd.status_client2" || fail "client-two's refusal does not say why"

step "SIGHUP with StatusService allowed to client-two: applied to new calls"
write_config saker.status.v1.StatusService client-two
hup ok
status_as client2 || fail "client-two is refused after the reload"
if status_as client1; then fail "client-one is still allowed after the reload"; fi

step "SIGHUP with a misspelt service: refused, the running list stays"
write_config saker.status.v1.StatusServce client-one
hup failed
line=$(grep -n 'StatusServce' "$cfg" | cut -d: -f1)
[[ $reload_line =~ $cfg:$line:[0-9]+:\ saker.api.allow:\ unknown\ service\ \"saker.status.v1.StatusServce\" ]] ||
  fail "the error does not name $cfg:$line:COL and the service: $reload_line"
[[ $reload_line == *"saker.status.v1.StatusService"* ]] || fail "the valid names are not listed"
status_as client2 || fail "client-two is refused after the refused reload"
if status_as client1; then fail "client-one is allowed after the refused reload"; fi
write_config saker.status.v1.StatusService client-two

release() {  # ends the stall client, waits until sakerd has closed its streams
  exec 7>&-
  wait "$stall_pid" || true
  for _ in $(seq 300); do
    [[ $(metric 'saker_api_subscribers{kind="events"}') == 0 ]] && return 0
    sleep 0.1
  done
  fail "the stalled streams did not close"
}

# --- 2,000 stalled event streams --------------------------------------------------
step "2000 stalled event streams on the unix socket (20 connections, max_batch 1024)"
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$sakerd_pid/status"; }
echo "RSS before: $(($(rss_kb) / 1024)) MB"
mkfifo "$tmp/hold"
"$stall" --target "unix://$sock" --streams 2000 --per_connection 100 --max_batch 1024 \
  --settle_seconds 15 <"$tmp/hold" >"$tmp/stall.unix" 2>"$tmp/stall.unix.err" &
stall_pid=$!
pids+=("$stall_pid")
exec 7>"$tmp/hold"
for _ in $(seq 600); do
  [[ -s $tmp/stall.unix ]] && break
  sleep 0.1
done
grep -qx "open=1024 refused_resource_exhausted=976 other=0" "$tmp/stall.unix" ||
  fail "expected 1024 open and 976 refused streams: $(cat "$tmp/stall.unix")"
[[ $(metric 'saker_api_rejected_total{reason="subscribers"}') == 976 ]] ||
  fail "saker_api_rejected_total{reason=\"subscribers\"} is not 976"
[[ $(metric 'saker_api_subscribers{kind="events"}') == 1024 ]] || fail "not 1024 event streams"
# A client that stops reading its socket altogether (stopped), so every
# admitted stream is stuck on its write in flight.
kill -STOP "$stall_pid"
max=0
for _ in $(seq 12); do  # 60 s of live events for the stalled streams
  kb=$(rss_kb)
  ((kb > max)) && max=$kb
  sleep 5
done
echo "RSS with 1024 stalled streams (976 refused): max $((max / 1024)) MB over 60 s"
kill -CONT "$stall_pid"
((max / 1024 < RSS_BOUND_MB)) || fail "RSS $((max / 1024)) MB passed $RSS_BOUND_MB MB"
release

# --- Per-connection and per-identity caps over mTLS ----------------------------------
tls_stall() {  # tls_stall NAME STREAMS PER_CONNECTION EXPECTED-LINE
  mkfifo "$tmp/hold.$1"
  "$stall" --target "$tcp" --cert "$tmp/certs/client1.pem" --key "$tmp/certs/client1.key" \
    --ca "$tmp/certs/ca.pem" --streams "$2" --per_connection "$3" --settle_seconds 15 \
    <"$tmp/hold.$1" >"$tmp/stall.$1" 2>"$tmp/stall.$1.err" &
  stall_pid=$!
  pids+=("$stall_pid")
  exec 7>"$tmp/hold.$1"
  for _ in $(seq 600); do
    [[ -s $tmp/stall.$1 ]] && break
    sleep 0.1
  done
  grep -qx "$4" "$tmp/stall.$1" || fail "$1: expected $4: $(cat "$tmp/stall.$1")"
}
step "150 streams on one mTLS connection: 100 open, 50 refused"
tls_stall conn 150 150 "open=100 refused_resource_exhausted=50 other=0"
[[ $(metric 'saker_api_rejected_total{reason="connection"}') == 50 ]] ||
  fail "saker_api_rejected_total{reason=\"connection\"} is not 50"
release

step "700 streams of client-one on 7 connections: 512 open, 188 refused"
tls_stall identity 700 100 "open=512 refused_resource_exhausted=188 other=0"
[[ $(metric 'saker_api_rejected_total{reason="identity"}') == 188 ]] ||
  fail "saker_api_rejected_total{reason=\"identity\"} is not 188"
release
kill -0 "$sakerd_pid" 2>/dev/null || fail "sakerd is gone"
echo PASS
