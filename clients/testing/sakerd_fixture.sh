#!/usr/bin/env bash
# A live sakerd for the SDK tests, shared by every language:
#   source clients/testing/sakerd_fixture.sh SAKERD MAKE_CERTS
#   saker_start            # starts sakerd; exports the variables below
#   saker_trigger NAME     # makes one alert (rule "sdk marker opened", fd.name
#                          # /tmp/saker-sdk-marker-NAME)
#   saker_restart          # stops sakerd and starts it again on the same addresses
#   saker_stop
# Exported for the tests:
#   SAKER_UNIX_ADDR   unix:///.../s.sock
#   SAKER_TCP_ADDR    127.0.0.1:PORT (mutual TLS)
#   SAKER_CA SAKER_CLIENT_CERT SAKER_CLIENT_KEY      an accepted client
#   SAKER_BAD_CERT SAKER_BAD_KEY                     a client from another CA
#   SAKER_EXPIRED_CERT SAKER_EXPIRED_KEY             an expired client
#   SAKER_RULE        the marker rule's name
#   SAKER_TRIGGER     a shell command making one alert (append a unique suffix)
# sakerd runs with a small alert history (SAKER_HISTORY, default 64) so that a
# slow consumer is lapped quickly and gets gap notices. Root: loads the probe.
set -euo pipefail

_saker_bin=$(realpath "$1")
_saker_make_certs=$(realpath "$2")
SAKER_WORK=$(mktemp -d /tmp/saker-sdk-XXXXXX)
export SAKER_WORK
"$_saker_make_certs" "$SAKER_WORK/certs" >/dev/null
export SAKER_CA=$SAKER_WORK/certs/ca.pem
export SAKER_CLIENT_CERT=$SAKER_WORK/certs/client1.pem SAKER_CLIENT_KEY=$SAKER_WORK/certs/client1.key
export SAKER_BAD_CERT=$SAKER_WORK/certs/rogue.pem SAKER_BAD_KEY=$SAKER_WORK/certs/rogue.key
export SAKER_EXPIRED_CERT=$SAKER_WORK/certs/expired.pem SAKER_EXPIRED_KEY=$SAKER_WORK/certs/expired.key
export SAKER_UNIX_ADDR=unix://$SAKER_WORK/s.sock
_saker_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
export SAKER_TCP_ADDR=127.0.0.1:$_saker_port
export SAKER_RULE="sdk marker opened"
export SAKER_TRIGGER="python3 -c 'import os,sys
try: os.open(\"/tmp/saker-sdk-marker-\"+sys.argv[1], os.O_RDONLY)
except OSError: pass'"
cat >"$SAKER_WORK/rules.yaml" <<'Y'
- rule: sdk marker opened
  desc: fires once per open of an SDK test marker path
  condition: evt.type in (open, openat) and fd.name startswith /tmp/saker-sdk-marker-
  output: "sdk marker opened by %proc.name (file=%fd.name)"
  priority: WARNING
  tags: [sdk_test]
Y
_saker_pid=""

saker_start() {
  : >"$SAKER_WORK/sakerd.log"
  "$_saker_bin" run -r "$SAKER_WORK/rules.yaml" --grpc-bind "$SAKER_UNIX_ADDR" \
    --grpc-bind "$SAKER_TCP_ADDR" --tls-cert "$SAKER_WORK/certs/server.pem" \
    --tls-key "$SAKER_WORK/certs/server.key" --tls-ca "$SAKER_CA" \
    --grpc-alert-history "${SAKER_HISTORY:-64}" --duration 900 \
    >>"$SAKER_WORK/alerts.txt" 2>>"$SAKER_WORK/sakerd.log" &
  _saker_pid=$!
  for _ in $(seq 300); do
    grep -q 'sakerd: capturing' "$SAKER_WORK/sakerd.log" && return 0
    sleep 0.1
  done
  echo "sakerd did not start:" >&2
  cat "$SAKER_WORK/sakerd.log" >&2
  return 1
}

saker_stop() {
  if [[ -n $_saker_pid ]]; then
    kill -TERM "$_saker_pid" 2>/dev/null || true
    wait "$_saker_pid" 2>/dev/null || true
    _saker_pid=""
  fi
}

saker_restart() {
  saker_stop
  saker_start
}

saker_trigger() {
  sh -c "$SAKER_TRIGGER $1"
}

_saker_cleanup() {
  saker_stop
  rm -rf "$SAKER_WORK"
}
trap _saker_cleanup EXIT
