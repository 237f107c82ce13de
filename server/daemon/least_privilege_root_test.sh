#!/usr/bin/env bash
# Once the probe is attached, `sakerd run` keeps only cap_sys_ptrace and
# cap_dac_read_search (permitted = effective = bounding), nothing inheritable
# or ambient, and no_new_privs, on EVERY thread (the gRPC threads start after
# the drop); with `--user nobody` every thread runs as uid 65534 and the
# daemon still alerts. Root: sakerd loads the probe.
set -euo pipefail
sakerd=$(realpath "$1")
work=$(mktemp -d /tmp/saker-least-privilege-XXXXXX)
# The socket directory must be writable whoever binds (the API may bind after
# the drop, as nobody or as a root without cap_dac_override): sticky, like /tmp.
chmod 1777 "$work"
pid=""
fail() {
  echo "FAIL: $*" >&2
  for f in "$work"/log "$work"/alerts; do
    [[ -f $f ]] && { echo "--- $f" >&2; tail -n 30 "$f" >&2; }
  done
  exit 1
}
stop() {
  if [[ -n $pid ]]; then
    kill -TERM "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    pid=""
  fi
}
trap 'stop; rm -rf "$work"' EXIT

# cap_dac_read_search is bit 2, cap_sys_ptrace bit 19.
kept=$(printf '%016x' $(((1 << 19) | (1 << 2))))
none=0000000000000000

start() {
  rm -f "$work/s.sock"
  "$sakerd" run --grpc-bind "unix://$work/s.sock" --duration 600 "$@" \
    >"$work/alerts" 2>"$work/log" &
  pid=$!
  for _ in $(seq 600); do
    kill -0 "$pid" 2>/dev/null || fail "sakerd $* exited"
    if grep -q 'sakerd: capturing' "$work/log" && [[ -S $work/s.sock ]]; then
      return 0
    fi
    sleep 0.1
  done
  fail "sakerd $* did not start within 60 s"
}

field() { awk -v k="$1:" '$1 == k { $1 = ""; sub(/^ +/, ""); print }' "$2"; }

# check_threads UID: every thread of $pid shows the kept set and UID.
check_threads() {
  local uid=$1 n=0 st
  for st in /proc/"$pid"/task/*/status; do
    [[ -r $st ]] || continue # a thread that just exited
    cp "$st" "$work/status" 2>/dev/null || continue
    n=$((n + 1))
    for k in CapEff CapPrm CapBnd; do
      [[ $(field $k "$work/status") == "$kept" ]] ||
        fail "$st: $k $(field $k "$work/status"), want $kept"
    done
    for k in CapInh CapAmb; do
      [[ $(field $k "$work/status") == "$none" ]] ||
        fail "$st: $k $(field $k "$work/status"), want $none"
    done
    [[ $(field NoNewPrivs "$work/status") == 1 ]] || fail "$st: NoNewPrivs is not 1"
    [[ $(field Uid "$work/status") == "$uid $uid $uid $uid" ]] ||
      fail "$st: Uid $(field Uid "$work/status"), want $uid"
  done
  ((n > 1)) || fail "sakerd has $n thread(s): the API threads should be running"
  echo "ok: $n threads of sakerd (uid $uid) hold only cap_dac_read_search,cap_sys_ptrace"
}

start
check_threads 0
stop

start --user nobody
check_threads 65534
# A built-in rule ("Credential file read by unexpected program") still fires.
for _ in $(seq 120); do
  cat /etc/shadow >/dev/null
  grep -q 'Credential file read by unexpected program' "$work/alerts" && break
  sleep 0.5
done
grep -q 'Credential file read by unexpected program' "$work/alerts" ||
  fail "sakerd --user nobody produced no alert for cat /etc/shadow"
check_threads 65534
stop
echo PASS
