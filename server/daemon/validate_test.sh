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
# Resource limits (saker.rules.limits.*): hostile files are refused with
# the item and the limit, never a crash; a large legal one validates.
repeat() { local i; for ((i = 0; i < $2; i++)); do printf '%s' "$1"; done; }
rule() { printf -- '- rule: r\n  desc: d\n  output: o\n  priority: WARNING\n  condition: %s\n' "$1"; }

{  # 8 macros, each nesting the previous 999 deep (160 KB)
  printf -- '- macro: m_0\n  condition: proc.name = b\n'
  for i in 1 2 3 4 5 6 7 8; do
    printf -- '- macro: m_%d\n  condition: %sm_%d%s\n' "$i" "$(repeat 'proc.name = b and (' 999)" \
      $((i - 1)) "$(repeat ')' 999)"
  done
  rule "evt.type = open and m_8"
} | check_bad deep_macros 'deep_macros.yaml:4:'
grep -qF 'limit of 100 (saker.rules.limits.max_depth) (macro "m_1")' "$tmp/err" ||
  fail "deep_macros: $(cat "$tmp/err")"

{  # each list doubles the previous: 2^40 items from 1.3 KB
  printf -- '- list: l_0\n  items: [a]\n'
  for ((i = 1; i <= 40; i++)); do printf -- '- list: l_%d\n  items: [l_%d, l_%d]\n' $i $((i - 1)) $((i - 1)); done
  rule "proc.name in (l_40)"
} | check_bad doubling_lists 'doubling_lists.yaml:29:3: list '"'"'l_14'"'"' expands past the limit of 10000 items (saker.rules.limits.max_list_items) (list "l_14")'

or_chain() {  # m_i: m_{i-1} or m_{i-1}, 2^$1 checks written out
  printf -- '- macro: m_0\n  condition: proc.name = b\n'
  for ((i = 1; i <= $1; i++)); do printf -- '- macro: m_%d\n  condition: m_%d or m_%d\n' $i $((i - 1)) $((i - 1)); done
  rule "evt.type = open and m_$1"
}
or_chain 44 >"$tmp/or_chain.yaml"
out=$(timeout 60 "$sakerd" validate -r "$tmp/or_chain.yaml") || fail "or_chain: exit $?"
[[ $out == *": ok: 1 rules (1 enabled), 45 macros, 0 lists, 0 warnings" ]] || fail "or_chain: $out"

# The limits come from -c/-o: the same chain is too deep at 50.
set +e
"$sakerd" validate -o saker.rules.limits.max_depth=50 -r "$tmp/or_chain.yaml" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[[ $rc -eq 1 ]] || fail "or_chain at depth 50: exit $rc"
grep -qF "past the limit of 50 (saker.rules.limits.max_depth)" "$tmp/err" || fail "$(cat "$tmp/err")"
printf 'saker:\n  rules:\n    limits: {max_depth: 0}\n' >"$tmp/bad_limits.yaml"
set +e
"$sakerd" validate -c "$tmp/bad_limits.yaml" -r "$tmp/or_chain.yaml" >"$tmp/out" 2>"$tmp/err"
rc=$?
set -e
[[ $rc -eq 2 ]] || fail "bad limits config: exit $rc"
grep -qF "bad_limits.yaml:3:" "$tmp/err" || fail "bad limits config: $(cat "$tmp/err")"
echo PASS
