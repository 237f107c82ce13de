// One test per kind of mistake, each checking the exact file:line:col and message.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/config/load.h"
#include "server/config/test_util.h"

namespace saker::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::vector<std::string> Errors(const std::string& yaml) {
  auto c = ParseConfig(yaml, "saker.yaml");
  EXPECT_FALSE(c.ok()) << yaml;
  return ErrorLines(c);
}

TEST(ConfigErrors, NotYaml) {
  EXPECT_THAT(Errors("priority: debug\nrules_files: [a, b\njson_output: true\n"),
              ElementsAre(HasSubstr("saker.yaml:3:")));
  EXPECT_THAT(Errors("a: 1\n  b: 2\n"),
              ElementsAre("saker.yaml:2:4: not valid YAML: illegal map value"));
}

TEST(ConfigErrors, TopLevelNotAMap) {
  EXPECT_THAT(Errors("- a\n- b\n"),
              ElementsAre("saker.yaml:1:1: expected a map of keys at the top level, got a list"));
}

TEST(ConfigErrors, WrongTypes) {
  EXPECT_THAT(Errors("json_output: maybe\n"),
              ElementsAre("saker.yaml:1:14: json_output: expected true or false, got \"maybe\""));
  EXPECT_THAT(Errors("webserver:\n  listen_port: [1]\n"),
              ElementsAre("saker.yaml:2:16: webserver.listen_port: expected an integer from 0 to "
                          "65535, got a list"));
  EXPECT_THAT(Errors("http_output:\n  user_agent: {a: b}\n"),
              ElementsAre("saker.yaml:2:15: http_output.user_agent: expected a string, got a map"));
  EXPECT_THAT(Errors("rules_files: /etc/a.yaml\n"),
              ElementsAre("saker.yaml:1:14: rules_files: expected a list, got \"/etc/a.yaml\""));
  EXPECT_THAT(Errors("rules_files:\n  - /a.yaml\n  - {x: 1}\n"),
              ElementsAre("saker.yaml:3:5: rules_files[1]: expected a string, got a map"));
  EXPECT_THAT(Errors("http_output: true\n"),
              ElementsAre("saker.yaml:1:14: http_output: expected a map, got \"true\""));
  EXPECT_THAT(Errors("syscall_event_drops:\n  rate: fast\n"),
              ElementsAre("saker.yaml:2:9: syscall_event_drops.rate: expected a number >= 0, "
                          "got \"fast\""));
  EXPECT_THAT(Errors("webserver:\n  enabled:\n"),
              ElementsAre("saker.yaml:2:3: webserver.enabled: expected true or false, got null"));
}

TEST(ConfigErrors, RuleSelection) {
  EXPECT_THAT(Errors("rules: {disable: {rule: x}}\n"),
              ElementsAre(HasSubstr("saker.yaml:1:8: rules: expected a list of")));
  EXPECT_THAT(Errors("rules:\n  - toggle: {rule: x}\n"),
              ElementsAre(HasSubstr("saker.yaml:2:5: rules[0]: expected a map with one key, "
                                    "enable or disable")));
  EXPECT_THAT(Errors("rules:\n  - enable: {name: x}\n"),
              ElementsAre(HasSubstr("rules[0].enable.name: expected rule or tag"),
                          HasSubstr("rules[0].enable: expected a map with rule or tag")));
}

TEST(ConfigErrors, OutOfRange) {
  EXPECT_THAT(Errors("saker:\n  webserver: {max_connections: 0}\n"),
              ElementsAre("saker.yaml:2:32: saker.webserver.max_connections: expected an integer "
                          "from 1 to 65536, got \"0\""));
  EXPECT_THAT(Errors("saker:\n  webserver: {header_timeout_ms: 99, idle_timeout_ms: 600001}\n"),
              ElementsAre("saker.yaml:2:34: saker.webserver.header_timeout_ms: expected an "
                          "integer from 100 to 600000, got \"99\"",
                          "saker.yaml:2:55: saker.webserver.idle_timeout_ms: expected an integer "
                          "from 100 to 600000, got \"600001\""));
  EXPECT_THAT(Errors("webserver:\n  listen_port: 70000\n"),
              ElementsAre("saker.yaml:2:16: webserver.listen_port: expected an integer from 0 to "
                          "65535, got \"70000\""));
  EXPECT_THAT(Errors("syscall_event_drops:\n  threshold: 1.5\n"),
              ElementsAre("saker.yaml:2:14: syscall_event_drops.threshold: expected a number from "
                          "0 to 1, got \"1.5\""));
  EXPECT_THAT(Errors("outputs_queue: {capacity: -1}\n"),
              ElementsAre("saker.yaml:1:27: outputs_queue.capacity: expected an integer >= 0, got "
                          "\"-1\""));
  EXPECT_THAT(Errors("saker:\n  driver:\n    ring_bytes: 5000\n"),
              ElementsAre("saker.yaml:3:17: saker.driver.ring_bytes: expected a power of two from "
                          "4096 to 1073741824, got \"5000\""));
  EXPECT_THAT(Errors("saker:\n  api:\n    socket_mode: \"0999\"\n"),
              ElementsAre("saker.yaml:3:18: saker.api.socket_mode: expected an octal mode from "
                          "0000 to 0777, got \"0999\""));
}

TEST(ConfigErrors, BadEnumValues) {
  EXPECT_THAT(Errors("priority: loud\n"),
              ElementsAre("saker.yaml:1:11: priority: expected emergency, alert, critical, error, "
                          "warning, notice, informational, info or debug, got \"loud\""));
  EXPECT_THAT(Errors("rule_matching: some\n"),
              ElementsAre("saker.yaml:1:16: rule_matching: expected first or all, got \"some\""));
  EXPECT_THAT(Errors("log_level: informational\n"),
              ElementsAre("saker.yaml:1:12: log_level: expected emergency, alert, critical, "
                          "error, warning, notice, info or debug, got \"informational\""));
  EXPECT_THAT(Errors("syscall_event_drops:\n  actions: [log, panic]\n"),
              ElementsAre("saker.yaml:2:18: syscall_event_drops.actions[1]: expected ignore, log, "
                          "alert or exit, got \"panic\""));
  EXPECT_THAT(Errors("saker:\n  log_format: xml\n"),
              ElementsAre("saker.yaml:2:15: saker.log_format: expected text or json, got \"xml\""));
  EXPECT_THAT(Errors("engine:\n  kind: fpga\n"),
              ElementsAre("saker.yaml:2:9: engine.kind: expected modern_ebpf, ebpf, kmod, gvisor, "
                          "replay or nodriver, got \"fpga\""));
}

TEST(ConfigErrors, BadStrings) {
  EXPECT_THAT(Errors("http_output:\n  enabled: true\n  url: \"ftp://x\"\n"),
              ElementsAre("saker.yaml:3:8: http_output.url: expected an http:// or https:// URL, "
                          "got \"ftp://x\""));
  EXPECT_THAT(Errors("saker:\n  api:\n    binds: [unix:/x, \"localhost:99999\"]\n"),
              ElementsAre("saker.yaml:3:13: saker.api.binds[0]: expected unix:///PATH or "
                          "HOST:PORT, got \"unix:/x\"",
                          "saker.yaml:3:22: saker.api.binds[1]: expected unix:///PATH or "
                          "HOST:PORT, got \"localhost:99999\""));
  EXPECT_THAT(Errors("webserver:\n  k8s_healthz_endpoint: healthz\n"),
              ElementsAre("saker.yaml:2:25: webserver.k8s_healthz_endpoint: expected a path "
                          "starting with /, got \"healthz\""));
}

TEST(ConfigErrors, MissingRequiredSubKeys) {
  EXPECT_THAT(Errors("http_output:\n  enabled: true\n"),
              ElementsAre("saker.yaml:2:12: http_output.url: required when http_output.enabled "
                          "is true"));
  EXPECT_THAT(Errors("file_output:\n  enabled: yes\n"),
              ElementsAre("saker.yaml:2:12: file_output.filename: required when "
                          "file_output.enabled is true"));
  EXPECT_THAT(Errors("webserver:\n  ssl_enabled: true\n"),
              ElementsAre("saker.yaml:2:16: webserver.ssl_certificate: required when "
                          "webserver.ssl_enabled is true"));
  EXPECT_THAT(Errors("http_output: {enabled: true, url: \"https://h/\", mtls: true,"
                     " client_cert: /c.pem}\n"),
              ElementsAre("saker.yaml:1:55: http_output.client_key: required when "
                          "http_output.mtls is true"));
  EXPECT_THAT(Errors("saker:\n  api:\n    binds: [\"0.0.0.0:5060\"]\n"),
              ElementsAre(HasSubstr("saker.yaml:3:13: saker.api.binds[0]: TCP address "
                                    "\"0.0.0.0:5060\" requires saker.api.tls.cert, key and ca")));
  EXPECT_THAT(Errors("saker:\n  api:\n    tls:\n      cert: /c.pem\n"),
              ElementsAre(HasSubstr("saker.yaml:4:13: saker.api.tls.key: required")));
}

TEST(ConfigErrors, DuplicateKeys) {
  EXPECT_THAT(Errors("priority: debug\njson_output: true\npriority: error\n"),
              ElementsAre("saker.yaml:3:1: priority: duplicate key (first set at saker.yaml:1:1)"));
  EXPECT_THAT(Errors("webserver:\n  listen_port: 1\n  listen_port: 2\n"),
              ElementsAre("saker.yaml:3:3: webserver.listen_port: duplicate key (first set at "
                          "saker.yaml:2:3)"));
}

TEST(ConfigErrors, OrderedBounds) {
  EXPECT_THAT(Errors("saker:\n  http_output:\n    retry_backoff_ms: 500\n"
                     "    retry_backoff_max_ms: 100\n"),
              ElementsAre("saker.yaml:4:27: saker.http_output.retry_backoff_max_ms: expected at "
                          "least saker.http_output.retry_backoff_ms (500), got \"100\""));
}

TEST(ConfigErrors, EveryErrorOfAFileIsReported) {
  auto c = ParseConfig(
      "priority: loud\n"
      "json_output: 3\n"
      "webserver:\n"
      "  listen_port: -1\n"
      "http_output:\n"
      "  enabled: true\n"
      "saker:\n"
      "  log_format: xml\n",
      "many.yaml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument);
  std::vector<std::string> lines = ErrorLines(c);
  ASSERT_EQ(lines.size(), 5u) << c.status().message();
  EXPECT_THAT(lines[0], HasSubstr("many.yaml:1:11: priority:"));
  EXPECT_THAT(lines[1], HasSubstr("many.yaml:2:14: json_output:"));
  EXPECT_THAT(lines[2], HasSubstr("many.yaml:4:16: webserver.listen_port:"));
  EXPECT_THAT(lines[3], HasSubstr("many.yaml:8:15: saker.log_format:"));
  EXPECT_THAT(lines[4], HasSubstr("many.yaml:6:12: http_output.url: required"));
}

TEST(ConfigWarnings, UnknownAndUnsupportedKeysWarn) {
  auto c = ParseConfig(
      "metrics:\n"
      "  enabled: true\n"
      "engine:\n"
      "  kind: kmod\n"
      "  kmod: {buf_size_preset: 4}\n"
      "http_outptu:\n"
      "  enabled: true\n"
      "saker:\n"
      "  colour: blue\n",
      "w.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->warnings,
              ElementsAre("w.yaml:1:1: metrics: not supported by saker, ignored",
                          "w.yaml:4:9: engine.kind: saker always uses its own CO-RE eBPF probe; "
                          "\"kmod\" is treated as modern_ebpf",
                          "w.yaml:5:3: engine.kmod: not supported by saker, ignored",
                          "w.yaml:6:1: http_outptu: not supported by saker, ignored (did you mean "
                          "http_output?)",
                          "w.yaml:9:3: saker.colour: not supported by saker, ignored"));
  EXPECT_EQ(c->engine.kind, EngineKind::kKmod);
}

}  // namespace
}  // namespace saker::config
