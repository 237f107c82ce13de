#!/usr/bin/env bash
# Without CAP_BPF/CAP_PERFMON (and CAP_SYS_ADMIN) sakerd refuses to start
# with a message that names what is missing and the fix. Root: drops its own
# capabilities for the child.
set -euo pipefail
sakerd=$(realpath "$1")
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
fail() { echo "FAIL: $*" >&2; exit 1; }

set +e
setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-bpf,-perfmon,-sys_admin \
  "$sakerd" capture --duration 1 >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[[ $rc -eq 1 ]] || fail "expected exit 1 without capabilities, got $rc: $(cat "$tmp/err")"
grep -q 'lacks CAP_BPF CAP_PERFMON' "$tmp/err" || fail "no capability message: $(cat "$tmp/err")"
grep -q 'run it as root' "$tmp/err" || fail "the fix is not named: $(cat "$tmp/err")"
echo PASS
