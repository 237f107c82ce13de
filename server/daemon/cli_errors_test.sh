#!/usr/bin/env bash
# Bad command lines and bad capture files get clear errors and exit codes.
set -euo pipefail
sakerd="$1"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
fail() { echo "FAIL: $*" >&2; exit 1; }

expect_error() {  # expect_error CODE PATTERN ARGS...
  local code=$1 pattern=$2
  shift 2
  set +e
  "$sakerd" "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  set -e
  [[ $rc -eq $code ]] || fail "sakerd $* exited $rc, expected $code: $(cat "$tmp/err")"
  grep -q -- "$pattern" "$tmp/err" || fail "sakerd $*: stderr lacks '$pattern': $(cat "$tmp/err")"
}

expect_error 2 'unknown command "bogus"' bogus
expect_error 2 'unknown flag --bogus' capture --bogus
expect_error 2 '--duration expects a number of seconds' capture --duration soon
# capture's key flags go through the configuration's schema too, before the
# probe loads (no root needed; --duration ends the capture should a check
# regress).
expect_error 2 '--snaplen: saker.driver.snaplen: expected an integer from 0 to 65536, got "999999"' \
  capture --duration 1 --snaplen 999999
expect_error 2 '--ring-bytes: saker.driver.ring_bytes: expected a power of two' capture --duration 1 \
  --ring-bytes 3000
expect_error 2 '--flush-interval-ms: saker.capture.flush_interval_ms: expected an integer from 10 to 600000, got "9"' \
  capture --duration 1 -w "$tmp/x.scap" --flush-interval-ms 9
expect_error 2 '--flush-interval-ms: saker.capture.flush_interval_ms: expected an integer from 10 to 600000, got "600001"' \
  capture --duration 1 --flush-interval-ms 600001
expect_error 2 '-o saker.capture.flush_interval_ms=0: saker.capture.flush_interval_ms: expected' \
  capture --duration 1 -o saker.capture.flush_interval_ms=0
printf 'saker:\n  capture:\n    flush_interval_ms: 600001\n' >"$tmp/c.yaml"
expect_error 2 'c.yaml:3:24: saker.capture.flush_interval_ms: expected an integer from 10 to 600000' \
  capture --duration 1 -c "$tmp/c.yaml"
[[ ! -e "$tmp/x.scap" ]] || fail "capture created its file despite a bad flag"
expect_error 2 'replay takes one capture file' replay
expect_error 1 'missing.scap' replay "$tmp/missing.scap"
printf 'not a capture file at all, just text\n' >"$tmp/garbage.scap"
expect_error 1 'garbage.scap' replay "$tmp/garbage.scap"
# --help is not an error: the usage on stdout, exit 0.
"$sakerd" run --help >"$tmp/out" 2>"$tmp/err" || fail "sakerd run --help failed"
grep -q -- '-c, --config' "$tmp/out" || fail "run --help lacks -c: $(cat "$tmp/out")"
"$sakerd" capture -h >"$tmp/out" 2>"$tmp/err" || fail "sakerd capture -h failed"
grep -q -- '--syscalls' "$tmp/out" || fail "capture -h lacks --syscalls: $(cat "$tmp/out")"
echo PASS
