#!/usr/bin/env bash
# Runs each Go example briefly against a live sakerd (the shared fixture),
# over the unix socket and over mutual TLS, and checks its output.
# Usage: examples_test.sh SAKERD MAKE_CERTS FIXTURE EXAMPLES_GO_MOD CLIENTS_GO_MOD
# Needs Go and the Go module proxy. Root: loads the probe.
set -euo pipefail
sakerd=$1 make_certs=$2 fixture=$3
examples=$(dirname "$(realpath "$4")") sdk=$(dirname "$(realpath "$5")")
go=$(command -v go || echo /usr/local/go/bin/go)
[[ -x $go ]] || { echo "FAIL: no Go toolchain (ci/setup installs one)"; exit 1; }
export HOME=${HOME:-/root} GOFLAGS=-mod=mod
export GOPATH=${SAKER_GOPATH:-/root/go} GOCACHE=${SAKER_GOCACHE:-/root/.cache/go-build}
# shellcheck source=../../clients/testing/sakerd_fixture.sh
source "$fixture" "$sakerd" "$make_certs"
# The examples' go.mod replaces the SDK with ../../clients/go: keep that layout.
mkdir -p "$SAKER_WORK/src/examples" "$SAKER_WORK/src/clients"
cp -rL "$examples" "$SAKER_WORK/src/examples/go"
cp -rL "$sdk" "$SAKER_WORK/src/clients/go"
cd "$SAKER_WORK/src/examples/go"
"$go" vet ./...
bin=$SAKER_WORK/bin
"$go" build -o "$bin/" ./tail ./count ./execs
saker_start

unix=(-address "$SAKER_UNIX_ADDR")
mtls=(-address "$SAKER_TCP_ADDR" -cert "$SAKER_CLIENT_CERT" -key "$SAKER_CLIENT_KEY" -ca "$SAKER_CA")
fail=0
check() {  # name file pattern
  if grep -qE -- "$3" "$2"; then
    echo "PASS: $1"
  else
    echo "FAIL: $1: no line matching /$3/ in:"; cat "$2"; fail=1
  fi
}
# Runs the example in the background for 4 s while poking the server.
run() {  # name poke example args...
  local name=$1 poke=$2; shift 2
  "$bin/$@" >"$SAKER_WORK/$name.out" 2>&1 &
  local pid=$!
  for i in $(seq 12); do sleep 0.3; eval "$poke" >/dev/null 2>&1 || true; done
  wait "$pid" || { echo "FAIL: $name exited with $?"; cat "$SAKER_WORK/$name.out"; fail=1; }
}
poke_alert='sh -c "$SAKER_TRIGGER ex$i-$RANDOM"'
poke_exec='/bin/true sakerexample'
for t in unix mtls; do
  declare -n a=$t
  run "tail-$t" "$poke_alert" tail "${a[@]}" -priority warning -duration 4s
  check "tail ($t)" "$SAKER_WORK/tail-$t.out" "Warning \[$SAKER_RULE\] .*sdk marker opened by .*file=/tmp/saker-sdk-marker-ex"
  run "tail-high-$t" "$poke_alert" tail "${a[@]}" -priority error -rule "$SAKER_RULE" -duration 2s
  if [[ -s $SAKER_WORK/tail-high-$t.out ]]; then
    echo "FAIL: tail -priority error printed a Warning alert:"; cat "$SAKER_WORK/tail-high-$t.out"; fail=1
  else
    echo "PASS: tail -priority error ($t) filters out Warning"
  fi
  run "count-$t" "$poke_alert" count "${a[@]}" -duration 4s
  check "count ($t)" "$SAKER_WORK/count-$t.out" "^ *[0-9]+\| $SAKER_RULE\$"
  check "count total ($t)" "$SAKER_WORK/count-$t.out" "^ *[0-9]+\| TOTAL in 4s"
  run "execs-$t" "$poke_exec" execs "${a[@]}" -condition "proc.name = true" -duration 4s
  check "execs ($t)" "$SAKER_WORK/execs-$t.out" "pid=[0-9]+ ppid=[0-9]+ uid=0 true /bin/true .*sakerexample"
  unset -n a
done
exit "$fail"
