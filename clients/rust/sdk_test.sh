#!/usr/bin/env bash
# //clients/rust:sdk_test — cargo test (and cargo clippy -D warnings) of the
# Rust SDK against a live sakerd from clients/testing/sakerd_fixture.sh.
#   sdk_test.sh SAKERD MAKE_CERTS FIXTURE CARGO_TOML
# Needs cargo and crates.io (or a warm cache). Root: sakerd loads the probe.
set -euo pipefail
sakerd=$(realpath "$1")
make_certs=$(realpath "$2")
fixture=$(realpath "$3")
src=$(dirname "$(realpath "$4")")
export HOME=${SAKER_CARGO_HOME_DIR:-/root}
cargo=$(command -v cargo || echo "$HOME/.cargo/bin/cargo")
[[ -x $cargo ]] || { echo "FAIL: no cargo (install rustup's stable toolchain)"; exit 1; }
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/root/.cache/saker-cargo-target}
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}
export PATH=$(dirname "$cargo"):$PATH

(cd "$src" && "$cargo" clippy --locked --all-targets -- -D warnings)
(cd "$src" && "$cargo" test --locked --no-run)

# shellcheck source=/dev/null
source "$fixture" "$sakerd" "$make_certs"
saker_start
# The tests restart sakerd through this script: it asks this shell (which
# owns sakerd) and waits until the restart is done.
cat >"$SAKER_WORK/restart.sh" <<S
#!/bin/sh
rm -f "$SAKER_WORK/restart.done"
touch "$SAKER_WORK/restart.req"
i=0
while [ ! -f "$SAKER_WORK/restart.done" ]; do
  i=\$((i + 1)); [ \$i -gt 600 ] && exit 1
  sleep 0.1
done
exit 0
S
chmod +x "$SAKER_WORK/restart.sh"
export SAKER_RESTART=$SAKER_WORK/restart.sh SAKER_REQUIRE_LIVE=1

(cd "$src" && exec "$cargo" test --locked -- --test-threads=1) &
tests=$!
while kill -0 "$tests" 2>/dev/null; do
  if [[ -f $SAKER_WORK/restart.req ]]; then
    rm -f "$SAKER_WORK/restart.req"
    saker_restart
    touch "$SAKER_WORK/restart.done"
  fi
  sleep 0.1
done
rc=0
wait "$tests" || rc=$?
if ((rc)); then
  echo "--- sakerd.log" >&2
  tail -50 "$SAKER_WORK/sakerd.log" >&2
fi
exit "$rc"
