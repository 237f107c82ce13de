#!/usr/bin/env bash
# Shared by the Python sh_tests (sourced, from the runfiles root):
#   source clients/python/testenv.sh SAKERD MAKE_CERTS
# Makes a venv with the saker package pip-installed (plus pytest), starts the
# live sakerd of clients/testing/sakerd_fixture.sh, and writes
# $SAKER_RESTART, a script that restarts sakerd with the same arguments.
# Exports PY (the venv's python).
set -euo pipefail
_sakerd=$1 _make_certs=$2
export HOME=${HOME:-/root}
export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_CACHE_DIR=${SAKER_PIP_CACHE:-/root/.cache/pip}

# The dependencies live in a cached venv keyed by pyproject.toml; the package
# itself is reinstalled from this tree on every run.
_key=$( (cat clients/python/pyproject.toml; python3 --version) | sha256sum | cut -c1-16)
VENV=${SAKER_PYVENV:-/root/.cache/saker-pyvenv/$_key}
if [[ ! -x $VENV/bin/python || ! -f $VENV/.complete ]]; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install -q "setuptools>=64" wheel
  deps=$("$VENV/bin/python" - <<'PY'
import tomllib
p = tomllib.load(open("clients/python/pyproject.toml", "rb"))["project"]
print("\n".join(p["dependencies"] + p["optional-dependencies"]["test"]))
PY
)
  mapfile -t _deps <<<"$deps"
  "$VENV/bin/pip" install -q "${_deps[@]}"
  touch "$VENV/.complete"
fi
PY=$VENV/bin/python
export PY
_pkg=$(mktemp -d "${TEST_TMPDIR:-/tmp}/saker-py-XXXXXX")
cp -rL clients/python/. "$_pkg/"
"$VENV/bin/pip" install -q --no-deps --no-build-isolation --force-reinstall "$_pkg"
"$PY" -c 'import saker, sys; sys.exit(0 if "site-packages" in saker.__file__ else 1)'

source clients/testing/sakerd_fixture.sh "$_sakerd" "$_make_certs"
saker_start
echo "$_saker_pid" >"$SAKER_WORK/sakerd.pid"

# The restart command the tests call: stop sakerd, start it again with the
# exact same command line (read from /proc), wait until it captures again.
export SAKER_RESTART=$SAKER_WORK/restart_sakerd.sh
cat >"$SAKER_RESTART" <<'R'
#!/usr/bin/env bash
set -euo pipefail
work=$(dirname "$0")
pid=$(cat "$work/sakerd.pid")
mapfile -d '' -t cmd <"/proc/$pid/cmdline"
kill -TERM "$pid"
# Gone, or a zombie its parent (the test script) has not reaped yet.
for _ in $(seq 300); do
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo X)
  [[ $state == X || $state == Z ]] && break
  sleep 0.1
done
: >"$work/sakerd.log"
setsid "${cmd[@]}" >>"$work/alerts.txt" 2>>"$work/sakerd.log" </dev/null &
echo $! >"$work/sakerd.pid"
for _ in $(seq 300); do
  grep -q 'sakerd: capturing' "$work/sakerd.log" && exit 0
  sleep 0.1
done
echo "sakerd did not restart:" >&2
cat "$work/sakerd.log" >&2
exit 1
R
chmod +x "$SAKER_RESTART"

# Stop a restarted sakerd too (the fixture's trap knows only the first one).
_saker_py_cleanup() {
  local p
  p=$(cat "$SAKER_WORK/sakerd.pid" 2>/dev/null || true)
  if [[ -n $p && $p != "$_saker_pid" ]]; then
    kill -TERM "$p" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  fi
  _saker_cleanup
  rm -rf "$_pkg"
}
trap _saker_py_cleanup EXIT
