#!/usr/bin/env bash
# A capture cut exactly at a block boundary (what a crash between two block
# writes leaves) is replayed to the cut and then reported: a warning naming
# the last good offset, "truncated":true in the stats line, exit 1; with
# --allow-truncated the same report and exit 0. The whole file is not
# truncated. No root: the capture is written by make_test_capture.
set -euo pipefail
sakerd="$1"
make_capture="$2"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$make_capture" "$tmp/full.scap" 400 4096 >"$tmp/blocks"
blocks=$(wc -l <"$tmp/blocks")
[[ $blocks -gt 6 ]] || fail "only $blocks blocks: $(cat "$tmp/blocks")"

replay() {  # replay CODE FILE ARGS...: runs sakerd replay, checks the exit code
  local code=$1 file=$2
  shift 2
  set +e
  "$sakerd" replay "$file" --quiet "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  set -e
  [[ $rc -eq $code ]] || fail "replay $file $* exited $rc, expected $code: $(cat "$tmp/err")"
}

# The complete file.
replay 0 "$tmp/full.scap"
grep -q 'sakerd stats: {"events":400,"truncated":false}' "$tmp/err" ||
  fail "full file stats: $(cat "$tmp/err")"
! grep -q 'warning' "$tmp/err" || fail "a warning for the full file: $(cat "$tmp/err")"

# Cut at a block boundary in the middle, and at the first block (header only).
for line in "$(sed -n "$((blocks / 2))p" "$tmp/blocks")" "$(head -1 "$tmp/blocks")"; do
  read -r off before <<<"$line"
  head -c "$off" "$tmp/full.scap" >"$tmp/cut.scap"
  replay 1 "$tmp/cut.scap"
  grep -q "sakerd stats: {\"events\":$before,\"truncated\":true}" "$tmp/err" ||
    fail "cut at $off: stats: $(cat "$tmp/err")"
  grep -q "sakerd: warning: $tmp/cut.scap: truncated: no trailer after the last complete block, which ends at offset $off (event $before)" \
    "$tmp/err" || fail "cut at $off: warning: $(cat "$tmp/err")"
  grep -q -- '--allow-truncated' "$tmp/err" || fail "the warning does not name --allow-truncated"
  replay 0 "$tmp/cut.scap" --allow-truncated
  grep -q "sakerd stats: {\"events\":$before,\"truncated\":true}" "$tmp/err" ||
    fail "cut at $off with --allow-truncated: stats: $(cat "$tmp/err")"
  grep -q "warning: $tmp/cut.scap: truncated: .* offset $off " "$tmp/err" ||
    fail "cut at $off with --allow-truncated: no warning: $(cat "$tmp/err")"
  # With rules, the same report (and an "alerts" count).
  replay 1 "$tmp/cut.scap" --builtin-rules
  grep -q "sakerd stats: {\"events\":$before,\"truncated\":true,\"alerts\":[0-9]*}" "$tmp/err" ||
    fail "cut at $off with rules: stats: $(cat "$tmp/err")"
  replay 0 "$tmp/cut.scap" --builtin-rules --allow-truncated
done

# A cut inside a block (a torn last write) is the same kind of loss: the
# events before that block, the warning with its offset and the partial
# block named, exit 1, or 0 with --allow-truncated.
read -r off before <<<"$(sed -n 3p "$tmp/blocks")"
head -c "$((off + 40))" "$tmp/full.scap" >"$tmp/torn.scap"
replay 1 "$tmp/torn.scap"
grep -q "sakerd stats: {\"events\":$before,\"truncated\":true}" "$tmp/err" ||
  fail "torn block: stats: $(cat "$tmp/err")"
grep -q "warning: $tmp/torn.scap: truncated: .* ends at offset $off (event $before), then a partial block (.*block at offset $off: truncated block" \
  "$tmp/err" || fail "torn block: warning: $(cat "$tmp/err")"
replay 0 "$tmp/torn.scap" --allow-truncated

# Damage is not truncation: a flipped payload byte in the last block is an
# error (exit 1) even with --allow-truncated, and "truncated":false.
read -r off before <<<"$(tail -2 "$tmp/blocks" | head -1)"
cp "$tmp/full.scap" "$tmp/bad.scap"
printf '\x55' | dd of="$tmp/bad.scap" bs=1 seek=$((off + 32 + 9)) conv=notrunc status=none
replay 1 "$tmp/bad.scap" --allow-truncated
grep -q "block at offset $off: checksum mismatch" "$tmp/err" || fail "damage: $(cat "$tmp/err")"
grep -q '"truncated":false' "$tmp/err" || fail "damage reported as truncation: $(cat "$tmp/err")"
echo PASS
