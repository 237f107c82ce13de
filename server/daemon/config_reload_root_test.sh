#!/usr/bin/env bash
# Configuration reload end to end, against ONE `sakerd run -c FILE` that never
# restarts, with two live subscribers (unix socket and mutual TLS) that must
# never reconnect: new rules and priority on SIGHUP; a broken configuration, a
# broken rule file and a garbage CA refused with their file:line:col and the
# running configuration kept; the API's `saker rules reload` (failed and good);
# a new client CA applied to new connections while the old stream stays; a
# restart-only change warned about; saker_reloads_total counting all of it.
# Usage: config_reload_root_test.sh SAKERD SAKER MAKE_CERTS. Root: loads the probe.
set -euo pipefail
sakerd=$(realpath "$1")
cli=$(realpath "$2")
make_certs=$(realpath "$3")

# Unix socket paths must stay short: not under Bazel's TEST_TMPDIR.
tmp=$(mktemp -d /tmp/saker-cfgreload-XXXXXX)
id=${tmp##*-}  # in the marker paths: another run's alerts are not ours
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
alerts=$tmp/alerts.jsonl
tail_unix=$tmp/tail_unix.jsonl
tail_tls=$tmp/tail_tls.jsonl
fail() {
  echo "FAIL: $*" >&2
  local f
  for f in "$log" "$alerts" "$tail_unix" "$tail_unix.err" "$tail_tls" "$tail_tls.err" \
    "$tmp"/cmd.*; do
    [[ -f $f ]] || continue
    echo "--- tail of $f" >&2
    tail -n 25 "$f" >&2
  done
  exit 1
}
step() { echo "== $*"; }

# --- 1. Certificates, rules, the configuration --------------------------------
"$make_certs" "$tmp/certs" >/dev/null
mkdir -m 0700 "$tmp/tls"
cp "$tmp/certs/server.pem" "$tmp/tls/server.pem"
cp "$tmp/certs/server.key" "$tmp/tls/server.key"
cp "$tmp/certs/ca.pem" "$tmp/tls/ca.pem"
sock=$tmp/s.sock

rule() {  # rule NAME PATH-PREFIX PRIORITY
  cat <<Y
- rule: $1
  desc: config reload test rule
  condition: evt.type in (open, openat) and fd.name startswith $2
  output: "$1 %proc.name %fd.name"
  priority: $3
Y
}
rule rule_A "/tmp/saker-reload-A-$id-" WARNING >"$tmp/r1.yaml"
{
  rule rule_B "/tmp/saker-reload-B-$id-" WARNING
  rule rule_L "/tmp/saker-reload-L-$id-" INFO  # below `priority: warning`
} >"$tmp/r2.yaml"
cp "$tmp/r2.yaml" "$tmp/r2.good"

cfg=$tmp/saker.yaml
# write_config RULES_FILE PRIORITY WEB_PORT [EXTRA_BIND]
write_config() {
  local extra=""
  [[ -n ${4:-} ]] && extra=", \"$4\""
  cat >"$cfg.new" <<Y
rules_files: [$1]
priority: $2
rule_matching: first
json_output: true
log_level: info
webserver:
  enabled: true
  listen_address: 127.0.0.1
  listen_port: $3
saker:
  api:
    binds: ["unix://$sock", "$tcp"$extra]
    tls:
      cert: $tmp/tls/server.pem
      key: $tmp/tls/server.key
      ca: $tmp/tls/ca.pem
Y
  mv "$cfg.new" "$cfg"
}
# Starts sakerd on a free TCP port; another one if that port was taken
# meanwhile (the port is picked, then bound by sakerd).
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
start_sakerd() {
  local attempt
  for attempt in 1 2 3; do
    tcp=127.0.0.1:$(free_port)
    write_config "$tmp/r1.yaml" debug 0
    "$sakerd" run -c "$cfg" -o webserver.prometheus_metrics_enabled=true --duration 1200 \
      >"$alerts" 2>"$log" &
    sakerd_pid=$!
    pids+=("$sakerd_pid")
    for _ in $(seq 1200); do  # 120 s: loading the probe on a busy machine
      grep -q 'sakerd: capturing' "$log" && return 0
      kill -0 "$sakerd_pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$sakerd_pid" 2>/dev/null && fail "sakerd did not start in 120 s"
    grep -q "could not bind.*$tcp" "$log" || fail "sakerd exited at start"
    echo "port ${tcp#*:} was taken; again (attempt $attempt)"
  done
  fail "sakerd could not bind a TCP port 3 times"
}
start_sakerd
web_port=$(sed -n 's/.*web server listening.* port=\([0-9]*\).*/\1/p' "$log" | head -1)
[[ -n $web_port && $web_port != 0 ]] || fail "no 'web server listening ... port=N' line"

# The one sakerd and the two subscribers must live through every step.
alive() {
  kill -0 "$sakerd_pid" 2>/dev/null || fail "sakerd (pid $sakerd_pid) is gone"
  [[ $(grep -c 'sakerd: capturing' "$log") == 1 ]] || fail "sakerd started capturing twice"
  kill -0 "$unix_pid" 2>/dev/null || fail "the unix-socket subscriber exited"
  kill -0 "$tls_pid" 2>/dev/null || fail "the mTLS subscriber exited"
  if grep -qiE 'lost|reconnect' "$tail_unix.err" "$tail_tls.err"; then
    fail "a subscriber lost its stream or reconnected"
  fi
}

trigger() {  # trigger KIND-PHASE-N: opens /tmp/saker-reload-KIND-ID-PHASE-N
  cat "/tmp/saker-reload-${1%%-*}-$id-${1#*-}" >/dev/null 2>&1 || true
}
ours=("$alerts" "$tail_unix" "$tail_tls")
# fires KIND PHASE: opens /tmp/saker-reload-KIND-ID-PHASE-N (with A-PHASE-N and
# L-PHASE-N before it) until stdout and both subscribers have KIND-PHASE (90 s),
# then one last KIND-PHASE-last that stdout must show: every event before it
# has been evaluated.
fires() {
  local kind=$1 phase=$2 i f ok
  for i in $(seq 300); do
    [[ $kind == A ]] || trigger "A-$phase-$i"
    trigger "L-$phase-$i"
    trigger "$kind-$phase-$i"
    ok=1
    for f in "${ours[@]}"; do
      grep -q "saker-reload-$kind-$id-$phase-" "$f" || ok=0
    done
    ((ok)) && break
    sleep 0.3
  done
  for f in "${ours[@]}"; do
    grep -q "saker-reload-$kind-$id-$phase-" "$f" || fail "phase $phase: no rule_$kind alert in $f"
  done
  for i in $(seq 300); do
    trigger "$kind-$phase-last"
    grep -q "saker-reload-$kind-$id-$phase-last" "$alerts" && return 0
    sleep 0.3
  done
  fail "phase $phase: no rule_$kind alert for $kind-$phase-last"
}
never() {  # never KIND PHASE: no alert for /tmp/saker-reload-KIND-ID-PHASE-*
  local f
  for f in "${ours[@]}"; do
    if grep -q "saker-reload-$1-$id-$2-" "$f"; then
      fail "phase $2: rule_$1 fired but must not: $(grep "saker-reload-$1-$id-$2-" "$f" | head -1)"
    fi
  done
}

ok_reloads=0
failed_reloads=0
# hup ok|failed: SIGHUP, then waits (90 s) for the reload's result line.
hup() {
  local before after
  before=$(grep -cE 'sakerd: (reloaded;|reload failed)' "$log" || true)
  kill -HUP "$sakerd_pid"
  for _ in $(seq 900); do
    after=$(grep -cE 'sakerd: (reloaded;|reload failed)' "$log" || true)
    ((after > before)) && break
    sleep 0.1
  done
  ((after > before)) || fail "no reload result in the log after SIGHUP"
  local last
  last=$(grep -E 'sakerd: (reloaded;|reload failed)' "$log" | tail -1)
  case $1 in
    ok) [[ $last == *"sakerd: reloaded;"* ]] || fail "the reload failed: $last"
        ok_reloads=$((ok_reloads + 1)) ;;
    failed) [[ $last == *"reload failed, keeping the running configuration: "* ]] ||
              fail "the reload succeeded but must fail: $last"
            failed_reloads=$((failed_reloads + 1)) ;;
  esac
  reload_line=$last
}

# --- 2. Two live subscribers; rule A fires --------------------------------------
step "subscribers on the unix socket and on mTLS; rule A"
"$cli" tail --json --no-progress --socket "$sock" >"$tail_unix" 2>"$tail_unix.err" &
unix_pid=$!
pids+=("$unix_pid")
"$cli" tail --json --no-progress --address "$tcp" --cert "$tmp/certs/client1.pem" \
  --key "$tmp/certs/client1.key" --ca "$tmp/certs/ca.pem" >"$tail_tls" 2>"$tail_tls.err" &
tls_pid=$!
pids+=("$tls_pid")
fires A p2
alive

# --- 3. New rules and priority on SIGHUP --------------------------------------
step "SIGHUP with rules_files [r2.yaml] and priority warning"
write_config "$tmp/r2.yaml" warning 0
hup ok
fires B p3
never A p3
never L p3
alive

# --- 4. Broken configurations and rules: refused, the running ones stay --------
step "SIGHUP with a wrong-typed key"
cp "$cfg" "$tmp/good.yaml"
echo "time_format_iso_8601: maybe" >>"$cfg"
bad_line=$(wc -l <"$cfg")
hup failed
[[ $reload_line == *"$cfg:$bad_line:23: time_format_iso_8601: expected true or false"* ]] ||
  fail "the error does not name $cfg:$bad_line:23: $reload_line"
fires B p4a
never A p4a
alive

step "SIGHUP with bad YAML"
cp "$tmp/good.yaml" "$cfg"
echo "priority: [debug" >>"$cfg"
hup failed
[[ $reload_line =~ $cfg:[0-9]+:[0-9]+:\ not\ valid\ YAML ]] ||
  fail "the YAML error does not name $cfg:LINE:COL: $reload_line"
fires B p4b
never A p4b
alive

step "SIGHUP with a rule file that does not compile"
cp "$tmp/good.yaml" "$cfg"
cat >"$tmp/r2.yaml" <<'Y'
- rule: rule_B
  desc: broken
  condition: evt.type = open and
  output: x
  priority: WARNING
Y
hup failed
[[ $reload_line =~ $tmp/r2.yaml:3:[0-9]+: ]] ||
  fail "the error does not name r2.yaml:3:COL: $reload_line"
fires B p4c
never A p4c
alive

step "saker rules reload (API) with the broken rule file, then the good one"
rc=0
"$cli" rules reload --no-progress --socket "$sock" >"$tmp/cmd.reload1" 2>&1 || rc=$?
[[ $rc == 1 ]] || fail "rules reload with a broken file exited $rc, not 1"
failed_reloads=$((failed_reloads + 1))
grep -q "rules reload failed; the running rules stay" "$tmp/cmd.reload1" ||
  fail "rules reload did not say it failed"
grep -qE "$tmp/r2.yaml:3:[0-9]+: " "$tmp/cmd.reload1" ||
  fail "rules reload did not print r2.yaml:3:COL"
cp "$tmp/r2.good" "$tmp/r2.yaml"
rc=0
"$cli" rules reload --no-progress --socket "$sock" >"$tmp/cmd.reload2" 2>&1 || rc=$?
[[ $rc == 0 ]] || fail "rules reload with good files exited $rc"
ok_reloads=$((ok_reloads + 1))
grep -qE "rules reloaded: [0-9]+ rules loaded" "$tmp/cmd.reload2" ||
  fail "rules reload did not report the rule count"
fires B p4d
never A p4d
never L p4d
alive

# --- 5. Certificates ----------------------------------------------------------
# status_as NAME: a new mTLS connection with client certificate NAME.
status_as() {
  "$cli" status --address "$tcp" --cert "$tmp/certs/$1.pem" --key "$tmp/certs/$1.key" \
    --ca "$tmp/certs/ca.pem" --timeout 10s >"$tmp/cmd.status_$1" 2>&1
}
status_as client1 || fail "client1 is refused before the CA changes"
if status_as rogue; then fail "rogue (another CA) is accepted before the CA changes"; fi

step "SIGHUP with the other CA: rogue gets in, client1 is refused, the old stream stays"
cp "$tmp/certs/other-ca.pem" "$tmp/tls/ca.pem"
hup ok
for _ in $(seq 60); do  # gRPC re-reads the staged copies every second
  status_as rogue && break
  sleep 1
done
status_as rogue || fail "rogue is still refused 60 s after the CA changed"
for _ in $(seq 60); do
  status_as client1 || break
  sleep 1
done
if status_as client1; then fail "client1 is still accepted 60 s after the CA changed"; fi
fires B p5a
never A p5a
alive

step "SIGHUP with a garbage CA: refused, the running certificates stay"
echo "this is not a certificate" >"$tmp/tls/ca.pem"
hup failed
[[ $reload_line == *"$tmp/tls/ca.pem"* ]] ||
  fail "the error does not name the CA file: $reload_line"
sleep 3  # more than gRPC's one-second re-read: a staged garbage CA would show now
status_as rogue || fail "rogue is refused after a rejected CA (the running CA did not stay)"
if status_as client1; then fail "client1 is accepted after a rejected CA"; fi
fires B p5b
never A p5b
alive
cp "$tmp/certs/other-ca.pem" "$tmp/tls/ca.pem"

# --- 6. Restart-only settings -------------------------------------------------
step "SIGHUP with a new web server port and API bind: warned about, nothing breaks"
if grep -q "restart sakerd to apply it" "$log"; then
  fail "a restart warning before any restart-only change"
fi
write_config "$tmp/r2.yaml" warning "$((web_port == 65535 ? 65534 : web_port + 1))" \
  "unix://$tmp/s2.sock"
hup ok
grep -q "webserver changed in the configuration: restart sakerd to apply it" "$log" ||
  fail "no warning naming the webserver"
grep -q "API listeners (saker.api, grpc) changed in the configuration: restart sakerd" "$log" ||
  fail "no warning naming the API listeners"
[[ ! -e $tmp/s2.sock ]] || fail "the new API bind was applied without a restart"
status_as rogue || fail "rogue is refused after the restart-only change"
fires B p6
never A p6
alive

step "SIGHUP again unchanged: still warned; then reverted to what runs: no warning"
warnings=$(grep -c "restart sakerd to apply it" "$log")
hup ok
[[ $(grep -c "restart sakerd to apply it" "$log") == $((warnings + 2)) ]] ||
  fail "a second reload of the same restart-only change did not warn again"
write_config "$tmp/r2.yaml" warning 0
hup ok
[[ $(grep -c "restart sakerd to apply it" "$log") == $((warnings + 2)) ]] ||
  fail "a reload back to the running settings warned about a restart"
fires B p6b
never A p6b
alive

metrics() {
  curl -fsS --max-time 30 "http://127.0.0.1:$web_port/metrics" >"$tmp/cmd.metrics" ||
    fail "GET /metrics on port $web_port failed"
}

step "SIGHUP with log_level warning: the info line of the reload is not logged"
sed -i 's/^log_level: info$/log_level: warning/' "$cfg"
infos=$(grep -c "sakerd: reloaded;" "$log")
kill -HUP "$sakerd_pid"
ok_reloads=$((ok_reloads + 1))
for _ in $(seq 900); do
  metrics
  grep -qx "saker_reloads_total{result=\"ok\"} $ok_reloads" "$tmp/cmd.metrics" && break
  sleep 0.1
done
grep -qx "saker_reloads_total{result=\"ok\"} $ok_reloads" "$tmp/cmd.metrics" ||
  fail "the reload with log_level warning did not count as ok"
[[ $(grep -c "sakerd: reloaded;" "$log") == "$infos" ]] || fail "log_level warning did not apply"
echo "log_level: [" >>"$cfg"
hup failed  # errors are still logged
sed -i '$d' "$cfg"
fires B p6c
alive

# --- 7. Metrics ---------------------------------------------------------------
step "saker_reloads_total: $ok_reloads ok, $failed_reloads failed"
metrics
grep -qx "saker_reloads_total{result=\"ok\"} $ok_reloads" "$tmp/cmd.metrics" ||
  fail "saker_reloads_total{result=\"ok\"} is not $ok_reloads: $(grep reloads_ "$tmp/cmd.metrics")"
grep -qx "saker_reloads_total{result=\"failed\"} $failed_reloads" "$tmp/cmd.metrics" ||
  fail "failed reloads are not $failed_reloads: $(grep reloads_ "$tmp/cmd.metrics")"
alive
echo PASS
