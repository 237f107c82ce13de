#!/usr/bin/env bash
# The Python SDK's tests (pytest) against a live sakerd (root: loads the probe).
# Args: SAKERD MAKE_CERTS.
set -euo pipefail
source clients/python/testenv.sh "$1" "$2"
rc=0
"$PY" -m pytest -v -p no:cacheprovider clients/python/tests \
  --junitxml="${XML_OUTPUT_FILE:-$SAKER_WORK/junit.xml}" || rc=$?
if ((rc == 5)); then
  echo "pytest collected no tests: failing" >&2
  exit 1
fi
if ((rc != 0)); then
  echo "--- sakerd.log" >&2
  tail -50 "$SAKER_WORK/sakerd.log" >&2
fi
exit "$rc"
