#!/usr/bin/env bash
# The saker CLI against a live sakerd (clients/testing/sakerd_fixture.sh):
# tail (text, JSON, filters, history, --count, Ctrl-C, across a restart),
# events with a filter, status, rules list and reload (good and broken),
# --progress, mTLS (accepted, rogue and expired certificates), and the errors
# for a server that is not running and a socket the user may not open.
source clients/testing/sakerd_fixture.sh server/sakerd testdata/certs/make_certs.sh
saker_start
S=$PWD/clients/cli/saker
OUT=$SAKER_WORK/out
mkdir -p "$OUT"
export SAKER_SOCKET=${SAKER_UNIX_ADDR#unix://}
unset SAKER_ADDRESS SAKER_CERT SAKER_KEY  # (the fixture needs its SAKER_CA)
fail() {
  echo "FAIL: $*" >&2
  for f in "$OUT"/*; do echo "--- $f" >&2; head -c 3000 "$f" >&2; echo >&2; done
  echo "--- sakerd.log" >&2; tail -20 "$SAKER_WORK/sakerd.log" >&2
  exit 1
}
pass() { echo "PASS: $*"; passed=$((passed + 1)); }
passed=0

# Makes a marker alert (and a `cat` openat) every 0.3 s while $1 runs, at most 60 s.
provoke() {
  local pid=$1 i=0
  while kill -0 "$pid" 2>/dev/null && ((i < 200)); do
    i=$((i + 1))
    saker_trigger "cli-$RANDOM-$i"
    cat /etc/hostname >/dev/null
    sleep 0.3
  done
}
# Waits (at most 60 s) until file $1 has at least $2 lines.
wait_lines() {
  for _ in $(seq 600); do
    [[ -f $1 && $(wc -l <"$1") -ge $2 ]] && return 0
    sleep 0.1
  done
  return 1
}
# Runs the command in the background with a 90 s limit, provoking alerts; sets rc.
run_provoked() {
  local out=$1
  shift
  timeout 90 "$@" >"$OUT/$out" 2>"$OUT/$out.err" &
  local pid=$!
  provoke "$pid"
  rc=0
  wait "$pid" || rc=$?
}

# tail, text, --count
run_provoked tail "$S" tail --count 2
[[ $rc == 0 ]] || fail "tail --count 2 exited $rc"
[[ $(grep -cE "^[0-9T:.+-]+: Warning \[$SAKER_RULE\] sdk marker opened by .*\(file=/tmp/saker-sdk-marker-cli-" "$OUT/tail") == 2 ]] \
  || fail "tail did not print 2 Falco-like alert lines"
pass "tail prints alerts as text and --count exits 0"

# tail --json with every server-side filter
run_provoked tail_json "$S" tail --json --count 2 --priority warning --rule "$SAKER_RULE" \
  --tag sdk_test --source syscall --filter "proc.name = python3"
[[ $rc == 0 ]] || fail "tail --json exited $rc"
python3 - "$OUT/tail_json" <<'P' || fail "tail --json printed no valid alert objects"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 2, lines
for l in lines:
    a = json.loads(l)
    assert a["rule"] == "sdk marker opened" and a["priority"] == "WARNING", a
    assert a["seq"] > 0 and a["source"] == "syscall" and "sdk_test" in a["tags"], a
    assert a["output_fields"]["fd.name"].startswith("/tmp/saker-sdk-marker-cli-"), a
P
pass "tail --json with priority, rule, tag, source and condition filters"

# A filter no alert passes, then Ctrl-C: nothing printed, exit 0.
"$S" tail --priority error --no-progress >"$OUT/tail_error" 2>"$OUT/tail_error.err" &
pid=$!
for _ in 1 2 3 4 5 6; do saker_trigger "cli-error-$_"; sleep 0.3; done
kill -INT "$pid"
rc=0
wait "$pid" || rc=$?
[[ $rc == 0 ]] || fail "tail exited $rc on SIGINT"
[[ ! -s $OUT/tail_error ]] || fail "tail --priority error printed WARNING alerts"
pass "tail --priority error filters, Ctrl-C exits 0"

# A bad condition is the server's error: exit 1 with its message.
rc=0
timeout 60 "$S" tail --filter "proc.name =" >"$OUT/badfilter" 2>&1 || rc=$?
[[ $rc == 1 ]] && grep -q "^saker: " "$OUT/badfilter" || fail "a bad --filter exited $rc"
pass "a bad --filter exits 1 with the server's message"

# History and resume
rc=0
timeout 60 "$S" tail --history --count 1 --json >"$OUT/history" 2>&1 || rc=$?
[[ $rc == 0 ]] && grep -q '"seq":1,' "$OUT/history" || fail "tail --history did not start at seq 1"
timeout 60 "$S" tail --since-seq 3 --count 1 --json >"$OUT/since" 2>&1 || rc=$?
[[ $rc == 0 ]] && grep -q '"seq":3,' "$OUT/since" || fail "tail --since-seq 3 did not start at 3"
pass "tail --history and --since-seq"

# --progress: the status line on stderr, never in stdout
run_provoked progress "$S" tail --progress --count 4
[[ $rc == 0 ]] || fail "tail --progress exited $rc"
grep -q $'\r\033\[Kalerts: [0-9]* received, [0-9.]*/s, 0 lost, connected' "$OUT/progress.err" \
  || fail "tail --progress drew no status line"
! grep -q $'\033' "$OUT/progress" || fail "the progress line leaked into stdout"
[[ $(wc -l <"$OUT/progress") == 4 ]] || fail "tail --progress printed $(wc -l <"$OUT/progress") alerts"
"$S" tail --count 1 >/dev/null 2>"$OUT/noprogress.err" &
provoke $!
! grep -q $'\033' "$OUT/noprogress.err" || fail "a progress line was drawn on a non-terminal"
pass "--progress draws on stderr only, and only when asked off a terminal"

# Following a restart
timeout 120 "$S" tail --count 2 >"$OUT/restart" 2>"$OUT/restart.err" &
pid=$!
sleep 1
saker_trigger cli-before-restart
wait_lines "$OUT/restart" 1 || fail "no alert before the restart"
saker_restart
provoke "$pid"
rc=0
wait "$pid" || rc=$?
[[ $rc == 0 ]] || fail "tail across a restart exited $rc"
grep -q "saker: connection to unix://$SAKER_SOCKET lost; reconnecting" "$OUT/restart.err" \
  || fail "no notice of the lost connection"
grep -q "saker: reconnected to unix://$SAKER_SOCKET" "$OUT/restart.err" || fail "no reconnect notice"
[[ $(grep -c "\[$SAKER_RULE\]" "$OUT/restart") == 2 ]] || fail "tail lost the alert after the restart"
pass "tail follows a sakerd restart with notices on stderr"

# events with a filter sees a real syscall
run_provoked events "$S" events --filter "evt.type = openat and proc.name = cat" --count 1 --json
[[ $rc == 0 ]] || fail "events exited $rc"
python3 - "$OUT/events" <<'P' || fail "events printed no openat by cat"
import json, sys
e = json.loads(open(sys.argv[1]).read().splitlines()[0])
assert e["type"] == "openat" and e["proc_name"] == "cat" and e["pid"] > 0, e
P
run_provoked events_text "$S" events --type openat --filter "proc.name = cat" --count 1
[[ $rc == 0 ]] && grep -q " openat pid=[0-9]* ppid=[0-9]* uid=0 cat res=" "$OUT/events_text" \
  || fail "events text printed no openat by cat"
pass "events with a filter, JSON and text"

# status
"$S" status >"$OUT/status" 2>&1 || fail "status failed"
grep -qE "^version +0\.[0-9]+\.[0-9]+ " "$OUT/status" && grep -qE "^probe +loaded" "$OUT/status" \
  && grep -qE "^rules +1 loaded, 1 enabled" "$OUT/status" && grep -qE "^started .*\(up " "$OUT/status" \
  || fail "status text lacks version, probe, rules or uptime"
"$S" status --json >"$OUT/status_json" 2>&1 || fail "status --json failed"
python3 - "$OUT/status_json" <<'P' || fail "status --json is wrong"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["probe_loaded"] and s["rules_loaded"] == 1 and s["events_captured"] > 0, s
assert s["version"] and s["uptime_seconds"] >= 0 and "kernel_drops" in s, s
P
pass "status, text and --json"

# rules list
"$S" rules list >"$OUT/rules" 2>&1 || fail "rules list failed"
grep -qE "^NAME +PRIORITY +ENABLED +SOURCE +MATCHES +TAGS" "$OUT/rules" \
  && grep -qE "^$SAKER_RULE +WARNING +yes +syscall +[0-9]+ +sdk_test" "$OUT/rules" \
  || fail "rules list lacks the marker rule"
"$S" rules list --json >"$OUT/rules_json" 2>&1 || fail "rules list --json failed"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert r[0]["name"]=="sdk marker opened" and r[0]["enabled"], r' \
  "$OUT/rules_json" || fail "rules list --json is wrong"
pass "rules list, text and --json"

# rules reload: good, broken (file:line:column, exit 1, the rules stay), good again
"$S" rules reload --progress >"$OUT/reload" 2>"$OUT/reload.err" || fail "rules reload failed"
grep -q "^rules reloaded: 1 rules loaded" "$OUT/reload" || fail "rules reload printed no count"
grep -q "reloading rules on unix://$SAKER_SOCKET\.\.\. [0-9.]*s" "$OUT/reload.err" \
  || fail "rules reload --progress showed no elapsed time"
cp "$SAKER_WORK/rules.yaml" "$SAKER_WORK/rules.good"
printf -- '- rule: broken\n  desc: d\n  condition: evt.type = openat and nosuch.field = 1\n  output: o\n  priority: WARNING\n' \
  >>"$SAKER_WORK/rules.yaml"
rc=0
"$S" rules reload >"$OUT/reload_bad" 2>"$OUT/reload_bad.err" || rc=$?
[[ $rc == 1 ]] || fail "a broken rules reload exited $rc"
grep -q "rules reload failed; the running rules stay" "$OUT/reload_bad.err" \
  && grep -qE "rules\.yaml:[0-9]+:[0-9]+: " "$OUT/reload_bad.err" \
  || fail "the reload error has no file:line:column"
cp "$SAKER_WORK/rules.good" "$SAKER_WORK/rules.yaml"
"$S" rules list | grep -q "^$SAKER_RULE " || fail "the running rules did not stay"
"$S" rules reload >"$OUT/reload2" 2>&1 || fail "rules reload after the fix failed"
pass "rules reload: good, broken (file:line:column, exit 1), good again"

# mTLS: flags, then the environment; rogue and expired certificates refused
run_provoked mtls "$S" tail --address "$SAKER_TCP_ADDR" --cert "$SAKER_CLIENT_CERT" \
  --key "$SAKER_CLIENT_KEY" --ca "$SAKER_CA" --count 1
[[ $rc == 0 ]] && grep -q "\[$SAKER_RULE\]" "$OUT/mtls" || fail "tail over mTLS exited $rc"
SAKER_ADDRESS=$SAKER_TCP_ADDR SAKER_CERT=$SAKER_CLIENT_CERT SAKER_KEY=$SAKER_CLIENT_KEY \
  SAKER_CA=$SAKER_CA SAKER_SOCKET='' "$S" status >"$OUT/mtls_status" 2>&1 \
  || fail "status over mTLS from the environment failed"
grep -q "^server  *$SAKER_TCP_ADDR" "$OUT/mtls_status" || fail "status did not use \$SAKER_ADDRESS"
rc=0
"$S" status --address "$SAKER_TCP_ADDR" --cert "$SAKER_BAD_CERT" --key "$SAKER_BAD_KEY" \
  --ca "$SAKER_CA" --timeout 5s >"$OUT/rogue" 2>&1 || rc=$?
[[ $rc == 1 ]] && grep -q "TLS handshake with $SAKER_TCP_ADDR failed" "$OUT/rogue" \
  && grep -q "refused the client certificate $SAKER_BAD_CERT" "$OUT/rogue" \
  || fail "a rogue certificate: exit $rc"
rc=0
"$S" status --address "$SAKER_TCP_ADDR" --cert "$SAKER_EXPIRED_CERT" --key "$SAKER_EXPIRED_KEY" \
  --ca "$SAKER_CA" >"$OUT/expired" 2>&1 || rc=$?
[[ $rc == 1 ]] && grep -q "$SAKER_EXPIRED_CERT expired on" "$OUT/expired" || fail "an expired certificate: exit $rc"
pass "mTLS: accepted, from the environment, rogue and expired certificates refused"

# A socket this user may not open: first its directory (0700 root) keeps
# nobody out, then the socket itself (0660 root:root).
if command -v setpriv >/dev/null; then
  as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
  rc=0
  as_nobody "$S" status >"$OUT/perm_dir" 2>&1 || rc=$?
  [[ $rc == 1 ]] && grep -q "permission denied on $SAKER_SOCKET: its directory $SAKER_WORK (mode 0700" \
    "$OUT/perm_dir" || fail "permission denied by the directory: exit $rc"
  chmod 0755 "$SAKER_WORK"
  rc=0
  as_nobody "$S" status >"$OUT/perm" 2>&1 || rc=$?
  chmod 0700 "$SAKER_WORK"
  [[ $rc == 1 ]] && grep -q "permission denied on $SAKER_SOCKET (mode 0660, owner uid 0, group root)" \
    "$OUT/perm" && grep -q "join group root" "$OUT/perm" || fail "permission denied: exit $rc"
  pass "permission denied names the socket or its directory, the mode and the group"
fi

# The server not running
saker_stop
rc=0
"$S" status >"$OUT/down" 2>&1 || rc=$?
[[ $rc == 1 ]] && grep -q "sakerd is not running" "$OUT/down" && grep -q "$SAKER_SOCKET" "$OUT/down" \
  && grep -q "sakerd run" "$OUT/down" || fail "server not running: exit $rc"
rc=0
"$S" tail --socket /nonexistent/saker.sock >"$OUT/down2" 2>&1 || rc=$?
[[ $rc == 1 ]] && grep -q "there is no socket /nonexistent/saker.sock" "$OUT/down2" \
  || fail "tail with no server: exit $rc"
pass "server not running: exit 1, names the socket and how to start sakerd"

echo "$passed passed, 0 failed"
