#!/usr/bin/env bash
# Two `sakerd run` on the same unix socket: the second refuses (exit 1, the
# path named, before loading the probe) and the first stays reachable, its
# socket kept (also by the second's exit). Two started at once: exactly one
# serves. A stale socket (no listener) is replaced and sakerd starts; a file
# that is not a socket is refused and kept.
# Usage: socket_in_use_root_test.sh SAKERD SAKER. Root: loads the probe.
set -euo pipefail
sakerd=$(realpath "$1")
cli=$(realpath "$2")

# Unix socket paths must stay short: not under Bazel's TEST_TMPDIR.
tmp=$(mktemp -d /tmp/saker-sockuse-XXXXXX)
sock=$tmp/s.sock
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
fail() {
  echo "FAIL: $*" >&2
  local f
  for f in "$tmp"/*.log; do
    [[ -f $f ]] || continue
    echo "--- tail of $f" >&2
    tail -n 20 "$f" >&2
  done
  exit 1
}
pass() { echo "PASS: $*"; }

# start_sakerd NAME: runs sakerd on $sock in the background (pid in $pid).
start_sakerd() {
  "$sakerd" run --grpc-bind "unix://$sock" -o webserver.enabled=false --duration 600 \
    >"$tmp/$1.out" 2>"$tmp/$1.log" &
  pid=$!
  pids+=("$pid")
}
# wait_capturing NAME PID: until sakerd says it captures (120 s: a busy machine).
wait_capturing() {
  for _ in $(seq 1200); do
    grep -q 'sakerd: capturing' "$tmp/$1.log" && return 0
    kill -0 "$2" 2>/dev/null || fail "sakerd $1 exited at start"
    sleep 0.1
  done
  fail "sakerd $1 did not start in 120 s"
}
reachable() {
  timeout 30 "$cli" status --socket "$sock" >"$tmp/status.log" 2>&1
}
# stop PID: SIGTERM, then its exit status (0 expected).
stop() {
  kill -TERM "$1"
  local rc=0
  wait "$1" || rc=$?
  [[ $rc == 0 ]] || fail "sakerd (pid $1) exited $rc on SIGTERM"
}

# --- 1. A second sakerd on a live daemon's socket ------------------------------
start_sakerd first
first=$pid
wait_capturing first "$first"
[[ -S $sock ]] || fail "no socket at $sock"
reachable || fail "the first sakerd is not reachable: $(cat "$tmp/status.log")"
inode=$(stat -c %i "$sock")

rc=0
timeout 120 "$sakerd" run --grpc-bind "unix://$sock" -o webserver.enabled=false --duration 30 \
  >"$tmp/second.out" 2>"$tmp/second.log" || rc=$?
[[ $rc == 1 ]] || fail "the second sakerd exited $rc, not 1"
grep -q "another server is listening on the unix socket $sock" "$tmp/second.log" ||
  fail "the second sakerd did not name the socket in use"
if grep -q 'capturing\|privileges dropped' "$tmp/second.log"; then
  fail "the second sakerd went on starting before refusing"
fi
[[ -S $sock && $(stat -c %i "$sock") == "$inode" ]] || fail "the first sakerd's socket was replaced"
kill -0 "$first" 2>/dev/null || fail "the first sakerd is gone"
reachable || fail "the first sakerd is unreachable after the second: $(cat "$tmp/status.log")"
pass "a second sakerd on a live socket exits 1 naming it; the first stays reachable"

# --- 2. A file that is not a socket: refused, kept ------------------------------
echo "not a socket" >"$tmp/file.sock"
rc=0
timeout 120 "$sakerd" run --grpc-bind "unix://$tmp/file.sock" -o webserver.enabled=false \
  --duration 30 >"$tmp/file.out" 2>"$tmp/file.log" || rc=$?
[[ $rc == 1 ]] || fail "sakerd on a regular file exited $rc, not 1"
grep -q "$tmp/file.sock exists and is not a socket" "$tmp/file.log" || fail "no 'not a socket' error"
[[ $(cat "$tmp/file.sock") == "not a socket" ]] || fail "the regular file was changed"
pass "a file that is not a socket is refused and kept"

stop "$first"
[[ ! -e $sock ]] || fail "the first sakerd left its socket behind"

# --- 3. A stale socket: replaced --------------------------------------------------
python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(); s.close()' "$sock"
[[ -S $sock ]] || fail "could not make a stale socket"
start_sakerd stale
stale=$pid
wait_capturing stale "$stale"
reachable || fail "sakerd did not serve on the replaced stale socket: $(cat "$tmp/status.log")"
stop "$stale"
pass "a stale socket is replaced and sakerd starts"

# --- 4. Two started at once: exactly one serves ------------------------------------
start_sakerd race1
race1=$pid
start_sakerd race2
race2=$pid
winner=""
for _ in $(seq 1200); do
  for name in race1 race2; do
    grep -q 'sakerd: capturing' "$tmp/$name.log" && winner=$name
  done
  [[ -n $winner ]] && break
  sleep 0.1
done
[[ -n $winner ]] || fail "neither of two sakerds started at once started"
loser=race2 loser_pid=$race2 winner_pid=$race1
[[ $winner == race2 ]] && loser=race1 loser_pid=$race1 winner_pid=$race2
rc=0
wait "$loser_pid" || rc=$?
[[ $rc == 1 ]] || fail "of two sakerds started at once, $loser exited $rc, not 1"
grep -q "another server is listening on the unix socket $sock" "$tmp/$loser.log" ||
  fail "$loser did not name the socket in use"
reachable || fail "$winner is unreachable after $loser refused: $(cat "$tmp/status.log")"
stop "$winner_pid"
pass "of two sakerds started at once, one serves and the other exits 1"
echo PASS
