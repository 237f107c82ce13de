#!/usr/bin/env bash
# go vet + go test ./... of the Go SDK against a live sakerd (the shared
# fixture, with the test certificates). SAKER_RESTART_CMD lets a test restart
# sakerd: it asks this script, which runs the fixture's saker_restart.
# Usage: go_test.sh SAKERD MAKE_CERTS FIXTURE GO_MOD [go test args...]
# Needs Go and the Go module proxy. Root: loads the probe.
set -euo pipefail
sakerd=$1 make_certs=$2 fixture=$3 src=$(dirname "$(realpath "$4")")
shift 4
go=$(command -v go || echo /usr/local/go/bin/go)
[[ -x $go ]] || { echo "FAIL: no Go toolchain (ci/setup installs one)"; exit 1; }
export HOME=${HOME:-/root} GOFLAGS=-mod=mod
export GOPATH=${SAKER_GOPATH:-/root/go} GOCACHE=${SAKER_GOCACHE:-/root/.cache/go-build}
# shellcheck source=../testing/sakerd_fixture.sh
source "$fixture" "$sakerd" "$make_certs"
cp -rL "$src" "$SAKER_WORK/src"
cd "$SAKER_WORK/src"
"$go" vet ./...
"$go" test -c -o "$SAKER_WORK/saker.test" ./saker
saker_start

mkfifo "$SAKER_WORK/restart.req" "$SAKER_WORK/restart.ack"
export SAKER_RESTART_CMD="echo restart >'$SAKER_WORK/restart.req' && read -r _ <'$SAKER_WORK/restart.ack'"
exec 3<>"$SAKER_WORK/restart.req"
(cd saker && "$SAKER_WORK/saker.test" -test.v -test.timeout 10m "$@") &
tpid=$!
while kill -0 "$tpid" 2>/dev/null; do
  if read -r -t 1 -u 3 line && [[ $line == restart ]]; then
    saker_restart
    echo done >"$SAKER_WORK/restart.ack"
  fi
done
rc=0
wait "$tpid" || rc=$?
if ((rc)); then
  echo "--- sakerd log:" && tail -50 "$SAKER_WORK/sakerd.log"
fi
exit "$rc"
