#!/usr/bin/env bash
# Reload failures against ONE real `sakerd run -c FILE` that must live through
# all of them, keep alerting with its running rules, log each failure, count
# it in saker_reloads_total{result="failed"} and return it from the API's
# rules reload (`saker rules reload`) with its message and a non-zero exit:
#   - a rules file whose lists double at each level (l_i: [l_{i-1}, l_{i-1}],
#     40 levels, 1.5 KB): compiling it runs out of memory (std::bad_alloc),
#     which used to terminate sakerd (SIGHUP) or answer UNIMPLEMENTED with no
#     message (API). sakerd runs under `ulimit -v` so that this takes seconds
#     and never the machine's memory; with an expansion bound in the rules
#     compiler the same file is a plain error, which the test accepts too;
#   - rules that leave no rule enabled: refused unless saker.rules.allow_empty,
#     then allowed with it (and at start);
#   - a reload that takes longer than /healthz's 10 s (the configuration file
#     is a FIFO nobody writes yet): /healthz stays 200 throughout.
# Usage: reload_failures_root_test.sh SAKERD SAKER. Root: loads the probe.
set -euo pipefail
sakerd=$(realpath "$1")
cli=$(realpath "$2")

# Unix socket paths must stay short: not under Bazel's TEST_TMPDIR.
tmp=$(mktemp -d /tmp/saker-rlfail-XXXXXX)
id=${tmp##*-}
pids=()
cleanup() {
  local p
  if [[ -p ${cfg:-} ]]; then # never leave sakerd blocked reading the FIFO
    exec 3<>"$cfg"
    cat "$tmp/good.yaml" >&3 || true
    exec 3>&-
  fi
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
fail() {
  echo "FAIL: $*" >&2
  local f
  for f in "$log" "$alerts" "$tmp"/cmd.*; do
    [[ -f $f ]] || continue
    echo "--- tail of $f" >&2
    tail -n 25 "$f" >&2
  done
  exit 1
}
step() { echo "== $*"; }

rule() {  # rule NAME ENABLED
  cat <<Y
- rule: $1
  desc: reload failures test rule
  condition: evt.type in (open, openat) and fd.name startswith /tmp/saker-rlfail-$1-$id-
  output: "$1 %proc.name %fd.name"
  priority: WARNING
  enabled: $2
Y
}
doubling() {  # 40 levels of lists, each twice the one before
  echo "- list: l_0"
  echo "  items: [a, b]"
  local i
  for i in $(seq 40); do
    echo "- list: l_$i"
    echo "  items: [l_$((i - 1)), l_$((i - 1))]"
  done
  echo "- rule: rule_D"
  echo "  desc: d"
  echo "  condition: evt.type in (open, openat) and proc.name in (l_40)"
  echo "  output: x"
  echo "  priority: WARNING"
}
rules=$tmp/rules.yaml
sock=$tmp/s.sock
cfg=$tmp/saker.yaml
write_config() {  # write_config ALLOW_EMPTY
  cat >"$tmp/config.new" <<Y
rules_files: [$rules]
json_output: true
webserver:
  enabled: true
  listen_address: 127.0.0.1
  listen_port: 0
  prometheus_metrics_enabled: true
saker:
  api:
    binds: ["unix://$sock"]
  rules:
    allow_empty: $1
Y
  mv "$tmp/config.new" "$cfg"
}

# --- Start ---------------------------------------------------------------------
rule rule_A true >"$rules"
write_config false
# About 0.9 GB of address space at start (gRPC, the rings): 2.5 GB leaves the
# rules compiler about 1.5 GB before std::bad_alloc. Two malloc arenas keep
# the threads' reservations from eating that room.
(
  ulimit -v 2500000
  MALLOC_ARENA_MAX=2 exec "$sakerd" run -c "$cfg" --duration 1200 >"$alerts" 2>"$log"
) &
sakerd_pid=$!
pids+=("$sakerd_pid")
for _ in $(seq 1200); do # 120 s: loading the probe on a busy machine
  grep -q 'sakerd: capturing' "$log" && break
  kill -0 "$sakerd_pid" 2>/dev/null || fail "sakerd exited at start"
  sleep 0.1
done
grep -q 'sakerd: capturing; 1 rules loaded' "$log" || fail "sakerd did not start in 120 s"
web_port=$(sed -n 's/.*web server listening.* port=\([0-9]*\).*/\1/p' "$log" | head -1)
[[ -n $web_port && $web_port != 0 ]] || fail "no 'web server listening ... port=N' line"

alive() {
  kill -0 "$sakerd_pid" 2>/dev/null || fail "sakerd is gone (exit or abort)"
  [[ -S $sock ]] || fail "the API socket is gone"
  curl -fsS --max-time 30 "http://127.0.0.1:$web_port/healthz" >/dev/null ||
    fail "/healthz is not 200"
}
# fires NAME PHASE: opens marker files until the rule's alert for this phase
# shows on stdout (90 s).
fires() {
  local i
  for i in $(seq 300); do
    cat "/tmp/saker-rlfail-$1-$id-$2-$i" >/dev/null 2>&1 || true
    grep -q "saker-rlfail-$1-$id-$2-" "$alerts" && return 0
    sleep 0.3
  done
  fail "phase $2: no $1 alert"
}
failed=0
ok=0
metrics_are() {  # metrics_are: saker_reloads_total is $ok and $failed
  curl -fsS --max-time 30 "http://127.0.0.1:$web_port/metrics" >"$tmp/cmd.metrics" ||
    fail "GET /metrics failed"
  grep -qx "saker_reloads_total{result=\"ok\"} $ok" "$tmp/cmd.metrics" &&
    grep -qx "saker_reloads_total{result=\"failed\"} $failed" "$tmp/cmd.metrics" ||
    fail "saker_reloads_total is not ok=$ok failed=$failed: $(grep reloads_ "$tmp/cmd.metrics")"
}
# hup ok|failed: SIGHUP, then waits (120 s) for the reload's result line.
hup() {
  local before after last
  before=$(grep -cE 'sakerd: (reloaded;|reload failed)' "$log" || true)
  kill -HUP "$sakerd_pid"
  for _ in $(seq 1200); do
    after=$(grep -cE 'sakerd: (reloaded;|reload failed)' "$log" || true)
    ((after > before)) && break
    kill -0 "$sakerd_pid" 2>/dev/null || fail "sakerd died during the reload"
    sleep 0.1
  done
  ((after > before)) || fail "no reload result in the log after SIGHUP"
  last=$(grep -E 'sakerd: (reloaded;|reload failed)' "$log" | tail -1)
  case $1 in
    ok)
      [[ $last == *"sakerd: reloaded;"* ]] || fail "the reload failed: $last"
      ok=$((ok + 1))
      ;;
    failed)
      [[ $last == *"reload failed, keeping the running configuration: "* ]] ||
        fail "the reload succeeded but must fail: $last"
      failed=$((failed + 1))
      ;;
  esac
  reload_line=$last
}
# api_reload_fails PATTERN: `saker rules reload` exits 1 and prints PATTERN.
api_reload_fails() {
  local rc=0
  "$cli" rules reload --no-progress --socket "$sock" >"$tmp/cmd.reload" 2>&1 || rc=$?
  [[ $rc == 1 ]] || fail "saker rules reload exited $rc, not 1: $(cat "$tmp/cmd.reload")"
  grep -qE "$1" "$tmp/cmd.reload" || fail "saker rules reload did not print '$1'"
  failed=$((failed + 1))
}

step "rule_A alerts"
fires rule_A p1
alive
metrics_are

# --- Rules that throw while compiling -----------------------------------------
step "SIGHUP with the doubling lists"
doubling >"$rules"
hup failed
[[ $reload_line == *"$rules"* ]] || fail "the error does not name $rules: $reload_line"
echo "   logged: ${reload_line#*sakerd: }"
alive
fires rule_A p2
metrics_are

step "saker rules reload with the doubling lists"
api_reload_fails "$rules"
echo "   printed: $(tr '\n' ' ' <"$tmp/cmd.reload")"
alive
fires rule_A p3
metrics_are

# --- No rule enabled -----------------------------------------------------------
step "SIGHUP and saker rules reload with every rule disabled"
rule rule_B false >"$rules"
hup failed
[[ $reload_line == *"no rule is enabled: 1 rules in $rules"*"saker.rules.allow_empty: true"* ]] ||
  fail "the error does not say no rule is enabled: $reload_line"
api_reload_fails "no rule is enabled"
alive
fires rule_A p4
metrics_are

step "SIGHUP with saker.rules.allow_empty: true"
write_config true
hup ok
[[ $reload_line == *"reloaded; 0 rules loaded"* ]] || fail "not 0 rules: $reload_line"
alive
metrics_are

# --- A reload slower than the liveness bound -------------------------------------
step "a reload held 12 s: /healthz stays 200"
rule rule_B true >"$rules"
write_config false
cp "$cfg" "$tmp/good.yaml"
rm "$cfg"
mkfifo "$cfg"
before=$(grep -cE 'sakerd: (reloaded;|reload failed)' "$log" || true)
kill -HUP "$sakerd_pid"
end=$((SECONDS + 12))
while ((SECONDS < end)); do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 "http://127.0.0.1:$web_port/healthz" ||
    true)
  [[ $code == 200 ]] || fail "/healthz answered $code during a slow reload"
  sleep 0.5
done
[[ $(grep -cE 'sakerd: (reloaded;|reload failed)' "$log" || true) == "$before" ]] ||
  fail "the reload did not wait for its configuration file"
cat "$tmp/good.yaml" >"$cfg"
for _ in $(seq 600); do
  (($(grep -cE 'sakerd: (reloaded;|reload failed)' "$log" || true) > before)) && break
  sleep 0.1
done
grep -E 'sakerd: (reloaded;|reload failed)' "$log" | tail -1 | grep -q 'reloaded; 1 rules loaded' ||
  fail "the slow reload did not succeed"
ok=$((ok + 1))
rm "$cfg"
cp "$tmp/good.yaml" "$cfg"
alive
fires rule_B p5
metrics_are

# --- At start --------------------------------------------------------------------
step "start with every rule disabled: exit 2; with saker.rules.allow_empty: runs"
rule rule_C false >"$tmp/off.yaml"
rc=0
"$sakerd" run -r "$tmp/off.yaml" --grpc-bind "unix://$tmp/s2.sock" -o webserver.enabled=false \
  --duration 3 >/dev/null 2>"$tmp/cmd.start_off" || rc=$?
[[ $rc == 2 ]] || fail "a start with no rule enabled exited $rc, not 2"
grep -q "no rule is enabled: 1 rules in $tmp/off.yaml" "$tmp/cmd.start_off" ||
  fail "the start did not say no rule is enabled"
rc=0
"$sakerd" run -r "$tmp/off.yaml" --grpc-bind "unix://$tmp/s2.sock" -o webserver.enabled=false \
  -o saker.rules.allow_empty=true --duration 3 >/dev/null 2>"$tmp/cmd.start_allowed" || rc=$?
[[ $rc == 0 ]] || fail "a start with saker.rules.allow_empty exited $rc"
grep -q "capturing; 0 rules loaded" "$tmp/cmd.start_allowed" ||
  fail "the allowed start did not capture with 0 rules"
alive
echo PASS
