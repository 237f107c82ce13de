#!/usr/bin/env bash
# `sakerd run -c FILE -o KEY=VALUE`: every kind of configuration mistake is
# refused before anything starts, with FILE:LINE:COLUMN (or the -o argument),
# the key and what was expected, exit 2; keys Saker does not support are
# warnings naming them. No root needed: nothing gets as far as the probe.
set -euo pipefail
sakerd="$1"
tmp="${TEST_TMPDIR:-$(mktemp -d)}"
fail() { echo "FAIL: $*" >&2; exit 1; }

expect() {  # expect CODE PATTERN ARGS...
  local code=$1 pattern=$2
  shift 2
  set +e
  "$sakerd" run "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  set -e
  [[ $rc -eq $code ]] || fail "sakerd run $* exited $rc, expected $code: $(cat "$tmp/err")"
  grep -q -- "$pattern" "$tmp/err" || fail "sakerd run $*: stderr lacks '$pattern': $(cat "$tmp/err")"
}
cfg() { printf '%s\n' "$@" >"$tmp/c.yaml"; }

# Not YAML.
cfg 'rules_files: [a.yaml' 'priority: debug'
expect 2 "c.yaml:2:[0-9]*: not valid YAML" -c "$tmp/c.yaml"
# A key of the wrong type.
cfg 'json_output: yes-please'
expect 2 'c.yaml:1:14: json_output: expected true or false, got "yes-please"' -c "$tmp/c.yaml"
# A bad enum value.
cfg 'priority: loud'
expect 2 "c.yaml:1:11: priority: expected emergency, alert, .*got \"loud\"" -c "$tmp/c.yaml"
# Out of range.
cfg 'webserver:' '  listen_port: 70000'
expect 2 "c.yaml:2:16: webserver.listen_port: expected an integer from 0 to 65535" -c "$tmp/c.yaml"
# A required sub-key missing.
cfg 'http_output:' '  enabled: true'
expect 2 "c.yaml:2:12: http_output.url: required when http_output.enabled is true" -c "$tmp/c.yaml"
# A bad URL.
cfg 'http_output:' '  enabled: true' '  url: ftp://x'
expect 2 'c.yaml:3:8: http_output.url: expected an http:// or https:// URL' -c "$tmp/c.yaml"
# Every error of a file at once.
cfg 'json_output: 3' 'priority: loud' 'rule_matching: some'
expect 2 'c.yaml:1:' -c "$tmp/c.yaml"
grep -q 'c.yaml:2:' "$tmp/err" || fail "only the first error was reported: $(cat "$tmp/err")"
grep -q 'c.yaml:3:' "$tmp/err" || fail "only the first errors were reported: $(cat "$tmp/err")"
# A missing file.
expect 2 "$tmp/none.yaml" -c "$tmp/none.yaml"
# -o: a bad value, a bad path.
expect 2 '-o json_output=maybe: json_output: expected true or false' -o json_output=maybe
expect 2 "-o no-equals-sign: expected KEY=VALUE" -o no-equals-sign
# Flags still override and still check their values.
expect 2 '--rule-matching expects first or all' -c "$tmp/c.yaml" --rule-matching some

# Unsupported keys are warnings (named with their position), not errors: the
# run goes on to the rules, whose error then stops it (exit 1) with its
# file:line:column.
printf -- '- rule: broken\n  desc: x\n  condition: evt.type = = open\n  output: x\n  priority: WARNING\n' \
  >"$tmp/bad_rules.yaml"
cfg "rules_files: [$tmp/bad_rules.yaml]" 'program_output:' '  enabled: false' 'metrics:' \
  '  enabled: true'
expect 1 "bad_rules.yaml:3:" -c "$tmp/c.yaml"
grep -q 'c.yaml:2:1: program_output: not supported by saker, ignored' "$tmp/err" ||
  fail "no warning for program_output: $(cat "$tmp/err")"
grep -q 'c.yaml:4:1: metrics: not supported by saker, ignored' "$tmp/err" ||
  fail "no warning for metrics: $(cat "$tmp/err")"
grep -q ' warning sakerd: ' "$tmp/err" || fail "warnings are not logged at level warning"
# The log format and level come from the configuration.
cfg "rules_files: [$tmp/bad_rules.yaml]" 'saker:' '  log_format: json'
expect 1 '"level":"error"' -c "$tmp/c.yaml"
# An allow-list naming a service the API does not serve (a misspelt one would
# leave the service it meant to protect open to every client): exit 2, with
# where it was set and the valid names; from the file, -o and --grpc-allow.
cfg 'saker:' '  api:' '    allow:' '      saker.rules.v1.RulesService: [admin]'
expect 2 'c.yaml:4:36: saker.api.allow: unknown service "saker.rules.v1.RulesService"' \
  -c "$tmp/c.yaml"
grep -q 'expected one of: falco.output.service, .*saker.rules.v1.RuleService' "$tmp/err" ||
  fail "the valid service names are not listed: $(cat "$tmp/err")"
expect 2 '-o saker.api.allow={saker.alerts.v1.Alerts: \[a\]}: saker.api.allow: unknown service' \
  -o 'saker.api.allow={saker.alerts.v1.Alerts: [a]}'
expect 2 '--grpc-allow saker.rules.v1.RulesService=admin: unknown service "saker.rules.v1.RulesService"' \
  --grpc-allow saker.rules.v1.RulesService=admin
grep -q 'saker.status.v1.StatusService' "$tmp/err" || fail "--grpc-allow: no valid names listed"
expect 2 '--grpc-allow saker.rules.v1.RuleService/Reload=admin: unknown method "saker.rules.v1.RuleService/Reload"' \
  --grpc-allow saker.rules.v1.RuleService/Reload=admin
grep -q 'saker.rules.v1.RuleService/ReloadRules' "$tmp/err" || fail "the methods are not listed"
# The stream caps: in range, named.
cfg 'saker:' '  api:' '    max_subscribers: 0'
expect 2 'c.yaml:3:22: saker.api.max_subscribers: expected an integer from 1 to 1048576' \
  -c "$tmp/c.yaml"
expect 2 '--grpc-max-streams-per-connection' --grpc-max-streams-per-connection lots
expect 2 '--grpc-max-subscribers expects an integer from 1 to 1048576, got "0"' \
  --grpc-max-subscribers 0

# -o overrides the file, a flag overrides -o.
cfg "rules_files: [$tmp/missing-from-file.yaml]"
expect 1 'missing-from-o.yaml' -c "$tmp/c.yaml" -o "rules_files=[$tmp/missing-from-o.yaml]"
expect 1 'missing-from-flag.yaml' -c "$tmp/c.yaml" -o "rules_files=[$tmp/missing-from-o.yaml]" \
  -r "$tmp/missing-from-flag.yaml"
echo PASS
