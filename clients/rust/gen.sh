#!/usr/bin/env bash
# Generates clients/rust/src/gen/*.rs (Saker v1 and Falco's API, client stubs
# only) from proto/ with tonic-build, pinned by clients/rust/Cargo.lock.
# Run from anywhere; ci/gen_clients runs it and checks the result is committed.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
cargo=${CARGO:-$(command -v cargo || echo "${HOME:-/root}/.cargo/bin/cargo")}
export PROTOC=${PROTOC:-$(command -v protoc || echo /usr/bin/protoc)}
export CARGO_BUILD_JOBS=${CARGO_BUILD_JOBS:-1}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$cargo" run --quiet --locked --manifest-path "$here/Cargo.toml" -p saker-client-codegen -- \
  "$root/proto" "$tmp"
rm -rf "$here/src/gen"
mkdir -p "$here/src/gen"
cp "$tmp"/*.rs "$here/src/gen/"
