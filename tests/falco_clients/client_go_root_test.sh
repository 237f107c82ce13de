#!/usr/bin/env bash
# Falco's own Go client, github.com/falcosecurity/client-go v0.6.1, used
# unchanged against `sakerd run` on a unix socket and on mutual-TLS TCP:
# version, get, and the polling OutputsWatch helper receiving a real alert.
# Needs Go and the Go module proxy. Root: loads the probe.
set -euo pipefail
sakerd=$(realpath "$1")
make_certs=$(realpath "$2")
src=$(dirname "$(realpath "$3")")
go=$(command -v go || echo /usr/local/go/bin/go)
[[ -x $go ]] || { echo "FAIL: no Go toolchain (ci/setup installs one)"; exit 1; }
work=$(mktemp -d /tmp/saker-clientgo-XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
# Module and build caches outside the sandboxed HOME, reused between runs.
export HOME=${HOME:-/root} GOFLAGS=-mod=mod
export GOPATH=${SAKER_GOPATH:-/root/go} GOCACHE=${SAKER_GOCACHE:-/root/.cache/go-build}
(cd "$src" && "$go" build -o "$work/client" .)

"$make_certs" "$work/certs" >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$sakerd" run --grpc-bind "unix://$work/s.sock" --grpc-bind "127.0.0.1:$port" \
  --tls-cert "$work/certs/server.pem" --tls-key "$work/certs/server.key" \
  --tls-ca "$work/certs/ca.pem" --duration 300 >/dev/null 2>"$work/sakerd.log" &
pids+=($!)
for _ in $(seq 200); do grep -q 'sakerd: capturing' "$work/sakerd.log" && break; sleep 0.1; done
grep -q 'sakerd: capturing' "$work/sakerd.log" || { cat "$work/sakerd.log"; exit 1; }

rule="Credential file read by unexpected program"  # rules/saker_rules.yaml
"$work/client" -unix "unix://$work/s.sock" -trigger "cat /etc/shadow" -rule "$rule"
"$work/client" -host localhost -port "$port" -cert "$work/certs/client1.pem" \
  -key "$work/certs/client1.key" -ca "$work/certs/ca.pem" -trigger "cat /etc/shadow" -rule "$rule"
