#!/usr/bin/env bash
# The conformance suite against the real daemon: `sakerd run` serving the
# API on a unix socket and on mutual-TLS TCP, real alerts provoked by a
# trigger (reading /etc/shadow, which Saker's built-in rules flag), and a
# rules engine behind the condition filters and the rules list. Every case
# must pass or skip with a reason; none may fail. Root: loads the probe.
source conformance/testlib.sh
SAKERD=server/sakerd
# A small history, so that the gap case can lap a stalled reader.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$SAKERD" run --grpc-bind "unix://$WORK/s.sock" --grpc-bind "127.0.0.1:$port" \
  --tls-cert "$CERTS/server.pem" --tls-key "$CERTS/server.key" --tls-ca "$CERTS/ca.pem" \
  --duration 300 >"$WORK/alerts.txt" 2>"$WORK/sakerd.log" &
PIDS+=($!)
for _ in $(seq 200); do grep -q 'sakerd: capturing' "$WORK/sakerd.log" && break; sleep 0.1; done
grep -q 'sakerd: capturing' "$WORK/sakerd.log" || fail "sakerd did not start: $(cat "$WORK/sakerd.log")"

TRIGGER="cat /etc/shadow >/dev/null"
run_suite unix --address "unix://$WORK/s.sock" --trigger "$TRIGGER" --junit "$OUT/sakerd-unix.xml"
[[ $RC == 0 ]] || fail "unix: the suite failed against sakerd"
expect unix "PASS falco\.version" "PASS falco\.sub\.push" "PASS falco\.sub\.fanout" \
  "PASS v1\.alerts\.condition" "PASS v1\.rules\.list" "PASS v1\.status" "PASS health" \
  "PASS reflection" "PASS v1\.events\.filter" "[0-9]+ passed, 0 failed(, [0-9]+ skipped)?"

run_suite tls --address "127.0.0.1:$port" --trigger "$TRIGGER" \
  --cert "$CERTS/client1.pem" --key "$CERTS/client1.key" --ca "$CERTS/ca.pem" \
  --expired-cert "$CERTS/expired.pem" --expired-key "$CERTS/expired.key" \
  --other-ca-cert "$CERTS/rogue.pem" --other-ca-key "$CERTS/rogue.key" \
  --junit "$OUT/sakerd-tls.xml"
[[ $RC == 0 ]] || fail "tls: the suite failed against sakerd"
expect tls "PASS tls\.allowed_client" "PASS tls\.no_client_cert" "PASS tls\.expired_cert" \
  "PASS tls\.other_ca" "PASS falco\.sub\.push" "[0-9]+ passed, 0 failed(, [0-9]+ skipped)?"

# A second daemon with a tiny history and a rule that fires on every open of
# a marker path: a stalled reader is lapped by real alerts (enough of them
# to fill the transport's buffers too) and must get an in-band gap notice.
cat >"$WORK/gap_rules.yaml" <<'Y'
- rule: gap marker opened
  desc: fires once per open of the marker path
  condition: evt.type in (open, openat) and fd.name startswith /tmp/saker-gap-marker
  output: "marker opened by %proc.name (%fd.name)"
  priority: NOTICE
Y
"$SAKERD" run --grpc-bind "unix://$WORK/small.sock" --grpc-alert-history 8 \
  -r "$WORK/gap_rules.yaml" -o webserver.listen_port=0 --duration 300 \
  >/dev/null 2>"$WORK/small.log" &
PIDS+=($!)
for _ in $(seq 200); do grep -q 'sakerd: capturing' "$WORK/small.log" && break; sleep 0.1; done
run_suite gap --address "unix://$WORK/small.sock" --only v1.alerts.gap,v1.alerts.resume \
  --trigger "python3 -c 'import os
for _ in range(100000):
    try: os.open(\"/tmp/saker-gap-marker\", os.O_RDONLY)
    except OSError: pass'"
[[ $RC == 0 ]] || fail "gap: the suite failed against sakerd"
expect gap "PASS v1\.alerts\.gap" "PASS v1\.alerts\.resume" "2 passed, 0 failed"
echo "OK"
