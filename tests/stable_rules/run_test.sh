#!/usr/bin/env bash
# Bazel entry point: runs the behaviour runner with the system python3
# (stdlib only). Arguments go to runner.py.
set -euo pipefail
here="$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"
exec /usr/bin/python3 "$here/runner.py" "$@"
