#!/usr/bin/env bash
# The suite against //server/api:api_test_server, over a unix socket and over
# mutual-TLS TCP: nothing fails, and what the server supports passes.
source conformance/testlib.sh

start_server main --grpc_bind="unix://$WORK/s.sock,127.0.0.1:0" \
  --tls_cert="$CERTS/server.pem" --tls_key="$CERTS/server.key" --tls_ca="$CERTS/ca.pem" \
  --rate=50 --event_rate=50
TCP_PORT=$PORT
# Small history, many alerts: a stalled reader is lapped within a second.
start_server fast --grpc_bind="unix://$WORK/fast.sock" --rate=5000 --history=256

# Server defects the suite found and that are not fixed yet: a case listed
# here may FAIL, every other must not. Empty now.
KNOWN=()

# Cases api_test_server passes on every transport.
COMMON=(falco.version falco.get falco.sub.push falco.sub.fanout falco.source
  falco.legacy.subscribe v1.alerts.min_priority v1.alerts.rules v1.alerts.tags
  v1.alerts.sources v1.alerts.resume v1.events.filter v1.status health reflection)
# PASS lines for the cases given, except the KNOWN ones.
pass_lines() {
  for c in "$@"; do
    [[ " ${KNOWN[*]} " == *" $c "* ]] || echo "PASS ${c//./\\.}"
  done
}

run_suite unix --address "unix://$WORK/s.sock" --junit "$OUT/unix.xml"
only_known_failures unix "${KNOWN[@]}"
mapfile -t want < <(pass_lines "${COMMON[@]}")
expect unix "${want[@]}" "[0-9]+ passed, [0-${#KNOWN[@]}] failed, [0-9]+ skipped" \
  "SKIP v1\.alerts\.condition: .*UNIMPLEMENTED.*" "SKIP v1\.rules\.list: .*UNIMPLEMENTED.*" \
  "SKIP tls\.no_client_cert: a unix address has no TLS"
grep -q '<testcase classname="conformance.falco" name="falco.version"' "$OUT/unix.xml" ||
  fail "unix: JUnit XML lacks falco.version"
grep -Eq 'tests="23" failures="[0-9]+"' "$OUT/unix.xml" || fail "unix: JUnit totals"

run_suite tls --address "127.0.0.1:$TCP_PORT" \
  --cert "$CERTS/client1.pem" --key "$CERTS/client1.key" --ca "$CERTS/ca.pem" \
  --expired-cert "$CERTS/expired.pem" --expired-key "$CERTS/expired.key" \
  --other-ca-cert "$CERTS/rogue.pem" --other-ca-key "$CERTS/rogue.key" \
  --junit "$OUT/tls.xml"
only_known_failures tls "${KNOWN[@]}"
mapfile -t want < <(pass_lines "${COMMON[@]}" tls.allowed_client tls.no_client_cert \
  tls.expired_cert tls.other_ca tls.plaintext)
expect tls "${want[@]}" "[0-9]+ passed, [0-${#KNOWN[@]}] failed, [0-9]+ skipped"

# The server's name given explicitly, as for a certificate without an IP SAN.
run_suite tls_name --address "127.0.0.1:$TCP_PORT" --server-name localhost \
  --cert "$CERTS/client2.pem" --key "$CERTS/client2.key" --ca "$CERTS/ca.pem" \
  --only falco.version,tls.allowed_client
[[ $RC == 0 ]] || fail "tls_name: exit $RC"
expect tls_name "PASS falco\.version" "PASS tls\.allowed_client" "2 passed, 0 failed"

run_suite gap --address "unix://$WORK/fast.sock" --only v1.alerts.gap,v1.alerts.resume,falco.get
[[ $RC == 0 ]] || fail "gap: exit $RC"
expect gap "PASS v1\.alerts\.gap" "PASS v1\.alerts\.resume" "PASS falco\.get" "3 passed, 0 failed"
echo "OK"
