#!/usr/bin/env bash
# //examples/rust:examples_test — builds the Rust examples and runs each one
# briefly against a live sakerd (clients/testing/sakerd_fixture.sh): tail
# alerts (unix and mTLS), count alerts by rule, watch exec events.
#   examples_test.sh SAKERD MAKE_CERTS FIXTURE CARGO_TOML
set -euo pipefail
sakerd=$(realpath "$1")
make_certs=$(realpath "$2")
fixture=$(realpath "$3")
src=$(dirname "$(realpath "$4")")
export HOME=${SAKER_CARGO_HOME_DIR:-/root}
cargo=$(command -v cargo || echo "$HOME/.cargo/bin/cargo")
[[ -x $cargo ]] || { echo "FAIL: no cargo"; exit 1; }
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/root/.cache/saker-cargo-target}
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}
(cd "$src" && "$cargo" clippy --locked --all-targets -- -D warnings && "$cargo" build --locked --bins)
bin=$CARGO_TARGET_DIR/debug

# shellcheck source=/dev/null
source "$fixture" "$sakerd" "$make_certs"
saker_start
trig() { while :; do sh -c "$SAKER_TRIGGER rs-example-$RANDOM" || true; sleep 0.3; done; }
trig &
trigger_pid=$!
execs() { while :; do /bin/true; sleep 0.3; done; }
execs &
exec_pid=$!
trap 'kill $trigger_pid $exec_pid 2>/dev/null || true; _saker_cleanup' EXIT
tls=(--ca "$SAKER_CA" --cert "$SAKER_CLIENT_CERT" --key "$SAKER_CLIENT_KEY")

out=$(timeout 30 "$bin/tail_alerts" --address "$SAKER_UNIX_ADDR" --priority warning --count 2)
echo "$out"
[[ $(grep -c "WARNING.*$SAKER_RULE" <<<"$out") -eq 2 ]] || { echo "FAIL: tail_alerts (unix)"; exit 1; }

out=$(timeout 30 "$bin/tail_alerts" --address "$SAKER_TCP_ADDR" "${tls[@]}" --priority notice --count 1)
echo "$out"
grep -q "$SAKER_RULE" <<<"$out" || { echo "FAIL: tail_alerts (mTLS)"; exit 1; }

# Above the marker rule's WARNING: nothing within 2 s (timeout's 124).
rc=0
timeout 2 "$bin/tail_alerts" --address "$SAKER_UNIX_ADDR" --priority error --count 1 >"$SAKER_WORK/none" || rc=$?
[[ $rc -eq 124 && ! -s $SAKER_WORK/none ]] || { echo "FAIL: --priority error printed alerts (rc $rc)"; exit 1; }

out=$(timeout 30 "$bin/count_by_rule" --address "$SAKER_TCP_ADDR" "${tls[@]}" --seconds 3)
echo "$out"
head -1 <<<"$out" | grep -q '^RULE  *ALERTS$' || { echo "FAIL: count_by_rule header"; exit 1; }
n=$(awk -v r="$SAKER_RULE" 'index($0, r) == 1 { print $NF }' <<<"$out")
[[ ${n:-0} -ge 3 ]] || { echo "FAIL: count_by_rule counted ${n:-0} marker alerts in 3 s"; exit 1; }

out=$(timeout 30 "$bin/watch_exec" --address "$SAKER_UNIX_ADDR" --count 3)
echo "$out"
[[ $(grep -c 'pid=' <<<"$out") -eq 3 ]] || { echo "FAIL: watch_exec"; exit 1; }
out=$(timeout 30 "$bin/watch_exec" --address "$SAKER_TCP_ADDR" "${tls[@]}" --count 1)
echo "$out"
grep -q 'pid=' <<<"$out" || { echo "FAIL: watch_exec (mTLS)"; exit 1; }

# A certificate from another CA is refused: the example fails.
if timeout 15 "$bin/tail_alerts" --address "$SAKER_TCP_ADDR" --ca "$SAKER_CA" --cert "$SAKER_BAD_CERT" \
  --key "$SAKER_BAD_KEY" --count 1 >/dev/null 2>&1; then
  echo "FAIL: a rogue certificate was accepted"; exit 1
fi
echo PASS
