#!/usr/bin/env bash
# Falco's own Python client, the `falco` package 0.4.0 from PyPI, used
# unchanged against `sakerd run` on a unix socket and on mutual-TLS TCP:
# version, get, and the `sub` stream receiving a real alert. falco 0.4.0 pins
# grpcio 1.26 and protobuf 3.12, which do not build on Python 3.11: it is
# installed without its pins, beside a current grpcio, protobuf 3.20.3 (the
# newest that runs its generated code) and python-dateutil 2.8.1.
# Needs PyPI. Root: loads the probe.
set -euo pipefail
sakerd=$(realpath "$1")
make_certs=$(realpath "$2")
client=$(realpath "$3")
work=$(mktemp -d /tmp/saker-clientpy-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# A venv outside the clone, keyed by the pins and the Python version, reused
# between runs.
deps=(grpcio==1.75.1 protobuf==3.20.3 python-dateutil==2.8.1)
falco=falco==0.4.0
export HOME=${HOME:-/root} PIP_DISABLE_PIP_VERSION_CHECK=1
export PIP_CACHE_DIR=${SAKER_PIP_CACHE:-/root/.cache/pip}
key=$( (echo "${deps[*]} $falco"; python3 --version) | sha256sum | cut -c1-16)
venv=${SAKER_FALCO_PYVENV:-/root/.cache/saker-falco-pyvenv/$key}
if [[ ! -x $venv/bin/python || ! -f $venv/.complete ]]; then
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "${deps[@]}"
  "$venv/bin/pip" install -q --no-deps "$falco"
  touch "$venv/.complete"
fi

"$make_certs" "$work/certs" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$sakerd" run --grpc-bind "unix://$work/s.sock" --grpc-bind "127.0.0.1:$port" \
  --tls-cert "$work/certs/server.pem" --tls-key "$work/certs/server.key" \
  --tls-ca "$work/certs/ca.pem" --duration 300 >/dev/null 2>"$work/sakerd.log" &
pids+=($!)
for _ in $(seq 200); do grep -q 'sakerd: capturing' "$work/sakerd.log" && break; sleep 0.1; done
grep -q 'sakerd: capturing' "$work/sakerd.log" || { cat "$work/sakerd.log"; exit 1; }

rule="Credential file read by unexpected program"  # rules/saker_rules.yaml
"$venv/bin/python" "$client" --endpoint "unix://$work/s.sock" --trigger "cat /etc/shadow" \
  --rule "$rule"
"$venv/bin/python" "$client" --endpoint "localhost:$port" --cert "$work/certs/client1.pem" \
  --key "$work/certs/client1.key" --ca "$work/certs/ca.pem" --trigger "cat /etc/shadow" \
  --rule "$rule"
