#!/usr/bin/env bash
# The suite detects faults: no server, a server whose certificate it cannot
# verify, a refused client, a server that raises no alert despite --trigger,
# and bad usage. Each run must print FAIL lines and exit non-zero.
source conformance/testlib.sh

start_server main --grpc_bind="unix://$WORK/s.sock,127.0.0.1:0" \
  --tls_cert="$CERTS/server.pem" --tls_key="$CERTS/server.key" --tls_ca="$CERTS/ca.pem" \
  --rate=0
TCP_PORT=$PORT

run_suite nothing --address "unix://$WORK/nothing.sock" --timeout 3
[[ $RC == 1 ]] || fail "nothing: exit $RC, expected 1"
expect nothing "FAIL falco\.version: version: UNAVAILABLE.*" "FAIL health: .*UNAVAILABLE.*" \
  "FAIL reflection: .*" "FAIL v1\.status: GetStatus: UNAVAILABLE.*" "0 passed, [0-9]+ failed.*"

# The suite trusts another CA than the one that signed the server.
run_suite wrong_ca --address "127.0.0.1:$TCP_PORT" --cert "$CERTS/client1.pem" \
  --key "$CERTS/client1.key" --ca "$CERTS/other-ca.pem" --timeout 3 \
  --only falco.version,tls.allowed_client,tls.no_client_cert
[[ $RC == 1 ]] || fail "wrong_ca: exit $RC, expected 1"
expect wrong_ca "FAIL falco\.version: .*UNAVAILABLE.*" "FAIL tls\.allowed_client: .*" \
  "FAIL tls\.no_client_cert: the allowed client fails too .*" "0 passed, 3 failed"

# The "allowed" client is one the server refuses.
run_suite refused --address "127.0.0.1:$TCP_PORT" --cert "$CERTS/rogue.pem" \
  --key "$CERTS/rogue.key" --ca "$CERTS/ca.pem" --timeout 3 --only tls,health
[[ $RC == 1 ]] || fail "refused: exit $RC, expected 1"
expect refused "FAIL tls\.allowed_client: .*UNAVAILABLE.*" "FAIL health: .*UNAVAILABLE.*" \
  "FAIL tls\.plaintext: the allowed client fails too .*"

# A server that raises nothing: SKIP without --trigger, FAIL with one.
run_suite quiet --address "unix://$WORK/s.sock" --timeout 2 --only falco.sub,falco.source
[[ $RC == 0 ]] || fail "quiet: exit $RC, expected 0"
expect quiet \
  "SKIP falco\.sub\.push: the server produced no alert .* \(give --trigger CMD to provoke one\)" \
  "0 passed, 0 failed, 3 skipped"
run_suite triggered --address "unix://$WORK/s.sock" --timeout 2 --only falco.sub.push \
  --trigger "touch $WORK/triggered"
[[ $RC == 1 ]] || fail "triggered: exit $RC, expected 1"
expect triggered "FAIL falco\.sub\.push: no alert .* although --trigger ran" "0 passed, 1 failed"
[[ -f $WORK/triggered ]] || fail "triggered: --trigger did not run"

# Bad usage: exit 2.
run_suite usage_tcp --address "127.0.0.1:$TCP_PORT"
[[ $RC == 2 ]] || fail "usage_tcp: exit $RC, expected 2"
run_suite usage_only --address "unix://$WORK/s.sock" --only no.such.case
[[ $RC == 2 ]] || fail "usage_only: exit $RC, expected 2"
echo "OK"
