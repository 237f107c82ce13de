# Shared by the conformance sh_tests: start //server/api:api_test_server and
# check the suite's report. Sourced; runs in the test's runfiles directory.
set -euo pipefail

CONF=conformance/conformance
SERVER=server/api/api_test_server
# A short directory: a socket path must fit in sun_path (108 bytes).
if [[ -n ${TEST_TMPDIR:-} && ${#TEST_TMPDIR} -lt 80 ]]; then
  WORK=$(mktemp -d "$TEST_TMPDIR/c-XXXXXX")
else
  WORK=$(mktemp -d /tmp/saker-conf-XXXXXX)
fi
OUT=${TEST_UNDECLARED_OUTPUTS_DIR:-$WORK}
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

testdata/certs/make_certs.sh "$WORK/certs" >/dev/null
CERTS=$WORK/certs

# start_server NAME ARGS...: sets PORT (0 without a TCP bind).
start_server() {
  local name=$1 log=$WORK/$1.log
  shift
  "$SERVER" "$@" 2>"$log" &
  PIDS+=($!)
  for _ in $(seq 200); do
    grep -q "serving" "$log" && break
    sleep 0.05
  done
  grep -q "serving" "$log" || { echo "server $name did not start:"; cat "$log"; exit 1; }
  PORT=$(sed -n 's/.*TCP port \([0-9]*\).*/\1/p' "$log" | head -1)
}

# run_suite NAME ARGS...: runs the suite, keeps its output in $WORK/NAME.out
# and its exit code in RC.
run_suite() {
  local name=$1
  LAST=$name
  shift
  set +e
  "$CONF" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
  RC=$?
  set -e
  echo "--- $name (exit $RC)"
  cat "$WORK/$name.out"
}

fail() {
  echo "FAILED: $*"
  [[ -f $WORK/${LAST:-none}.err ]] && tail -20 "$WORK/$LAST.err"
  exit 1
}

# only_known_failures NAME CASE...: every FAIL line of NAME is one of CASE,
# and the exit code says whether there were any.
only_known_failures() {
  local name=$1 line c ok
  shift
  LAST=$name
  while read -r line; do
    c=${line#FAIL }
    c=${c%%:*}
    ok=0
    for k in "$@"; do [[ $c == "$k" ]] && ok=1; done
    [[ $ok == 1 ]] || fail "$name: unexpected $line"
  done < <(grep '^FAIL ' "$WORK/$name.out" || true)
  if grep -q '^FAIL ' "$WORK/$name.out"; then
    [[ $RC == 1 ]] || fail "$name: exit $RC with failures"
  else
    [[ $RC == 0 ]] || fail "$name: exit $RC without failures"
  fi
}

# expect NAME LINE-REGEX...: each regex matches a whole line of NAME's output.
expect() {
  LAST=$1
  shift
  for re in "$@"; do
    grep -Eq "^($re)\$" "$WORK/$LAST.out" || fail "$LAST: no line matching '$re'"
  done
}
