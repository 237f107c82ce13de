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
  # --duration: should a check regress, the run still ends.
  "$sakerd" run --duration 1 "$@" >"$tmp/out" 2>"$tmp/err"
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
expect 2 '--rule-matching: rule_matching: expected first or all, got "some"' -c "$tmp/c.yaml" \
  --rule-matching some

# A flag that stands for a key is checked by that key's schema, with its
# bounds and message, and exits 2 before anything loads (no root needed):
# each at its bound (accepted: only the deliberate --rule-matching error is
# reported) and past it, as a flag and as the key in a file.
at_and_past() {  # at_and_past FLAG KEY SECTION NAME OK BAD EXPECTED
  local flag=$1 key=$2 section=$3 name=$4 ok=$5 bad=$6 expected=$7
  expect 2 "$flag: $key: expected $expected, got \"$bad\"" "$flag" "$bad"
  expect 2 'rule_matching: expected first or all' "$flag" "$ok" --rule-matching x
  ! grep -q "$key" "$tmp/err" || fail "$flag $ok was refused: $(cat "$tmp/err")"
  cfg 'saker:' "  $section:" "    $name: $bad"
  expect 2 "c.yaml:3:[0-9]*: $key: expected $expected, got \"$bad\"" -c "$tmp/c.yaml"
  cfg 'saker:' "  $section:" "    $name: $ok"
  expect 2 'rule_matching: expected first or all' -c "$tmp/c.yaml" --rule-matching x
  ! grep -q "$key" "$tmp/err" || fail "$key: $ok was refused: $(cat "$tmp/err")"
}
history='an integer from 1 to 16777216'
at_and_past --grpc-alert-history saker.api.alert_history api alert_history 16777216 100000000000 \
  "$history"
at_and_past --grpc-alert-history saker.api.alert_history api alert_history 1 0 "$history"
at_and_past --grpc-event-history saker.api.event_history api event_history 16777216 16777217 \
  "$history"
at_and_past --grpc-event-history saker.api.event_history api event_history 1 0 "$history"
at_and_past --grpc-keepalive-time-ms saker.api.keepalive_time_ms api keepalive_time_ms 10000 0 \
  'an integer from 1000 to 86400000'
at_and_past --grpc-keepalive-timeout-ms saker.api.keepalive_timeout_ms api keepalive_timeout_ms \
  100 99 'an integer from 100 to 86400000'
at_and_past --snaplen saker.driver.snaplen driver snaplen 65536 999999 'an integer from 0 to 65536'
at_and_past --coalesce-us saker.driver.coalesce_us driver coalesce_us 1000000 1000001 \
  'an integer from 0 to 1000000'
at_and_past --ring-bytes saker.driver.ring_bytes driver ring_bytes 4096 3000 \
  'a power of two from 4096 to 1073741824'
# The keepalive timeout may not exceed the keepalive time: the same check for
# flags and keys, naming whichever set the timeout (or the time, when the
# timeout is the default).
expect 2 '--grpc-keepalive-timeout-ms: saker.api.keepalive_timeout_ms: expected at most saker.api.keepalive_time_ms (5000), got "6000"' \
  --grpc-keepalive-time-ms 5000 --grpc-keepalive-timeout-ms 6000
expect 2 '--grpc-keepalive-time-ms: saker.api.keepalive_time_ms: expected at least saker.api.keepalive_timeout_ms (10000), got "5000"' \
  --grpc-keepalive-time-ms 5000
cfg 'saker:' '  api:' '    keepalive_time_ms: 5000' '    keepalive_timeout_ms: 6000'
expect 2 'c.yaml:4:27: saker.api.keepalive_timeout_ms: expected at most' -c "$tmp/c.yaml"
expect 2 'rule_matching: expected first or all' --grpc-keepalive-time-ms 5000 \
  --grpc-keepalive-timeout-ms 5000 --rule-matching x
! grep -q keepalive "$tmp/err" || fail "equal keepalive time and timeout refused: $(cat "$tmp/err")"
# The other key flags: the key's message, naming the flag.
expect 2 '--grpc-socket-mode: saker.api.socket_mode: expected an octal mode' --grpc-socket-mode 999
expect 2 '--grpc-bind: saker.api.binds\[0\]: expected' --grpc-bind nowhere
expect 2 '--grpc-allow: saker.api.allow.svc\[0\]: expected a client identity' --grpc-allow svc=
expect 2 '--grpc-bind: saker.api.binds\[0\]: TCP address "127.0.0.1:5060" requires saker.api.tls' \
  --grpc-bind 127.0.0.1:5060
# Every flag error at once, like a file's.
expect 2 '--grpc-alert-history: ' --grpc-alert-history 0 --snaplen 999999
grep -q -- '--snaplen: ' "$tmp/err" || fail "only the first flag error: $(cat "$tmp/err")"

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
expect 2 '--grpc-allow: saker.api.allow: unknown service "saker.rules.v1.RulesService"' \
  --grpc-allow saker.rules.v1.RulesService=admin
grep -q 'saker.status.v1.StatusService' "$tmp/err" || fail "--grpc-allow: no valid names listed"
expect 2 '--grpc-allow: saker.api.allow: unknown method "saker.rules.v1.RuleService/Reload"' \
  --grpc-allow saker.rules.v1.RuleService/Reload=admin
grep -q 'saker.rules.v1.RuleService/ReloadRules' "$tmp/err" || fail "the methods are not listed"
# The stream caps: in range, named.
cfg 'saker:' '  api:' '    max_subscribers: 0'
expect 2 'c.yaml:3:22: saker.api.max_subscribers: expected an integer from 1 to 1048576' \
  -c "$tmp/c.yaml"
expect 2 '--grpc-max-streams-per-connection' --grpc-max-streams-per-connection lots
expect 2 '--grpc-max-subscribers: saker.api.max_subscribers: expected an integer from 1 to 1048576, got "0"' \
  --grpc-max-subscribers 0

# -o overrides the file, a flag overrides -o.
cfg "rules_files: [$tmp/missing-from-file.yaml]"
expect 1 'missing-from-o.yaml' -c "$tmp/c.yaml" -o "rules_files=[$tmp/missing-from-o.yaml]"
expect 1 'missing-from-flag.yaml' -c "$tmp/c.yaml" -o "rules_files=[$tmp/missing-from-o.yaml]" \
  -r "$tmp/missing-from-flag.yaml"
# Rules that leave no rule enabled are detection silently off: refused at
# start (exit 2, before the probe loads) unless saker.rules.allow_empty.
printf -- '- rule: off\n  desc: x\n  condition: evt.type = open\n  output: x\n  priority: WARNING\n  enabled: false\n' \
  >"$tmp/off_rules.yaml"
expect 2 "no rule is enabled: 1 rules in $tmp/off_rules.yaml, none left enabled" \
  -r "$tmp/off_rules.yaml"
grep -q 'set saker.rules.allow_empty: true if that is intended' "$tmp/err" ||
  fail "the error does not name saker.rules.allow_empty: $(cat "$tmp/err")"
expect 2 "no rule is enabled: [0-9]* rules in the built-in rules" -o priority=emergency
expect 2 "no rule is enabled" -o 'rules=[{disable: {rule: "*"}}]'
echo PASS
