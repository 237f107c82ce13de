#!/usr/bin/env bash
# The tests that read Falco's files from outside the repository (shared/), run
# with shared/ hidden two ways: $SAKER_SHARED naming a missing directory, and
# no $SAKER_SHARED from a directory tree without shared/. Each must pass with
# its shared/ tests skipped, and say what is missing and how to provide it.
# Usage: shared_dir_skip_test.sh TEST_BINARY...
set -euo pipefail
fail() { echo "FAIL: $*" >&2; exit 1; }
# The inner tests must not write over this test's own result files.
unset XML_OUTPUT_FILE GTEST_OUTPUT TEST_PREMATURE_EXIT_FILE TEST_SHARD_STATUS_FILE \
  TEST_SHARD_INDEX TEST_TOTAL_SHARDS TEST_UNDECLARED_OUTPUTS_DIR
how="set SAKER_SHARED to a directory holding Falco's rule files (compat/falco-rules/)"
elsewhere=$TEST_TMPDIR/elsewhere
mkdir -p "$elsewhere"

check() {  # check NAME OUTPUT-FILE RC WHY
  local name=$1 out=$2 rc=$3 why=$4
  [[ $rc -eq 0 ]] || fail "$name exited $rc with shared/ hidden: $(cat "$out")"
  grep -q '\[  SKIPPED \]' "$out" || fail "$name skipped nothing with shared/ hidden: $(cat "$out")"
  grep -qF "$why" "$out" || fail "$name does not say '$why': $(cat "$out")"
  grep -qF "$how" "$out" || fail "$name does not say how to provide shared/: $(cat "$out")"
}

for bin in "$@"; do
  bin=$(realpath "$bin")
  name=$(basename "$bin")
  rc=0
  SAKER_SHARED="$TEST_TMPDIR/absent" "$bin" >"$TEST_TMPDIR/$name.env" 2>&1 || rc=$?
  check "$name" "$TEST_TMPDIR/$name.env" $rc "SAKER_SHARED=$TEST_TMPDIR/absent is not a directory"
  rc=0
  (cd "$elsewhere" && env -u SAKER_SHARED "$bin") >"$TEST_TMPDIR/$name.tree" 2>&1 || rc=$?
  check "$name" "$TEST_TMPDIR/$name.tree" $rc "no shared/ directory beside the repository"
  echo "$name: $(grep -c '^\[  SKIPPED \] .* ([0-9]* ms)$' "$TEST_TMPDIR/$name.env") skipped, as it should"
done
echo PASS
