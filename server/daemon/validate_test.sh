#!/usr/bin/env bash
# `sakerd validate`: counts for good files, file:line:column for bad ones,
# and a non-zero exit.
set -euo pipefail
sakerd="$1"
builtin="$2"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
fail() { echo "FAIL: $*" >&2; exit 1; }

out=$("$sakerd" validate -r "$builtin")
[[ $out == *": ok: "*" rules ("*" enabled), "*" macros, "*" lists, 0 warnings" ]] || fail "built-in rules: $out"

check_bad() {  # check_bad NAME EXPECTED-SUBSTRING  (file content on stdin)
  cat >"$tmp/$1.yaml"
  set +e
  "$sakerd" validate -r "$tmp/$1.yaml" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  set -e
  [[ $rc -eq 1 ]] || fail "$1: exit $rc, expected 1"
  grep -qF -- "$2" "$tmp/err" || fail "$1: stderr lacks '$2': $(cat "$tmp/err")"
}

check_bad undefined_macro "$tmp/undefined_macro.yaml:4:" <<'Y'
- rule: r
  desc: d
  output: o
  condition: evt.type = open and no_such_macro
  priority: WARNING
Y
check_bad unknown_field "unknown_field.yaml:4:" <<'Y'
- rule: r
  desc: d
  output: o
  condition: proc.nosuchfield = x
  priority: WARNING
Y
check_bad yaml_error "yaml_error.yaml:3:1: YAML parse error" <<'Y'
- rule: r
  desc: [unclosed
Y
# Lists that double at each level (40 levels, 1.5 KB) expand past any memory:
# an error (out of memory, or an expansion bound of the compiler), never an
# abort. `ulimit -v` keeps the attempt to about 1 GB and a few seconds.
{
  echo "- list: l_0"
  echo "  items: [a, b]"
  for i in $(seq 40); do
    echo "- list: l_$i"
    echo "  items: [l_$((i - 1)), l_$((i - 1))]"
  done
  printf -- '- rule: r\n  desc: d\n  output: o\n  priority: WARNING\n'
  echo "  condition: evt.type = open and proc.name in (l_40)"
} >"$tmp/doubling.yaml"
set +e
(
  ulimit -v 1000000
  exec "$sakerd" validate -r "$tmp/doubling.yaml"
) >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[[ $rc -eq 1 ]] || fail "doubling lists: exit $rc, expected 1: $(cat "$tmp/err")"
grep -qF -- "doubling.yaml" "$tmp/err" || fail "doubling lists: stderr lacks the file: $(cat "$tmp/err")"
grep -qF -- "doubling.yaml: invalid" "$tmp/err" || fail "doubling lists: not invalid: $(cat "$tmp/err")"
echo PASS
