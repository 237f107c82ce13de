// Defaults, every supported key round-trips, real files (falco.yaml, saker.yaml).
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_join.h"
#include "server/config/load.h"
#include "server/config/schema.h"
#include "server/config/test_util.h"

namespace saker::config {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(ConfigDefaults, NoFile) {
  auto c = LoadConfig("");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->rules_files.empty());  // built-in rules
  EXPECT_TRUE(c->stdout_output.enabled);
  EXPECT_FALSE(c->json_output);
  EXPECT_EQ(c->priority, Priority::kDebug);
  EXPECT_EQ(c->rule_matching, RuleMatching::kFirst);
  EXPECT_THAT(c->saker.api.binds, ElementsAre("unix:///run/saker/saker.sock"));
  EXPECT_THAT(c->ApiBinds(), ElementsAre("unix:///run/saker/saker.sock"));
  EXPECT_EQ(c->saker.api.socket_mode, 0660u);
  EXPECT_TRUE(c->webserver.enabled);
  EXPECT_EQ(c->webserver.listen_port, 8765u);
  EXPECT_EQ(c->webserver.listen_address, "0.0.0.0");
  EXPECT_EQ(c->outputs_queue.capacity, kUnboundedOutputsQueue);
  EXPECT_FALSE(c->file_output.enabled);
  EXPECT_FALSE(c->http_output.enabled);
  EXPECT_EQ(c->saker.http_output.queue_capacity, 10000u);
  EXPECT_EQ(c->saker.webserver.readyz_endpoint, "/readyz");
  EXPECT_FALSE(c->saker.rules.allow_empty);
  EXPECT_EQ(c->saker.webserver.header_timeout_ms, 5000u);
  EXPECT_EQ(c->saker.webserver.idle_timeout_ms, 2000u);
  EXPECT_EQ(c->saker.webserver.max_connections, 256u);
  EXPECT_THAT(c->syscall_event_drops.actions, ElementsAre(DropAction::kLog, DropAction::kAlert));
  EXPECT_THAT(c->warnings, IsEmpty());
  EXPECT_EQ(c->Where("priority"), "default");
}

TEST(ConfigDefaults, EmptyFileAndEmptySections) {
  auto c = ParseConfig("# nothing\nsaker:\nhttp_output:\nrules_files:\n", "e.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->rules_files.empty());
  EXPECT_THAT(c->warnings, IsEmpty());
}

// Every supported key, each set to a value other than its default.
constexpr char kAllKeys[] = R"(rules_files: [/r1.yaml, /rules.d]
priority: Warning
rule_matching: all
json_output: true
json_include_output_property: false
json_include_tags_property: false
json_include_message_property: true
json_include_output_fields_property: false
time_format_iso_8601: true
buffered_outputs: true
outputs_queue: {capacity: 500}
stdout_output: {enabled: false}
file_output: {enabled: true, keep_alive: true, filename: /var/log/a.txt}
http_output:
  enabled: true
  url: https://h:1/p
  user_agent: ua
  insecure: true
  ca_cert: /ca.pem
  ca_bundle: /bundle.pem
  ca_path: /certs/
  mtls: true
  client_cert: /cc.pem
  client_key: /ck.pem
  echo: true
  compress_uploads: true
  keep_alive: true
grpc: {enabled: true, bind_address: "unix:///run/falco/f.sock", threadiness: 4}
grpc_output: {enabled: false}
webserver:
  enabled: true
  threadiness: 2
  listen_port: 9876
  listen_address: 127.0.0.1
  k8s_healthz_endpoint: /hz
  prometheus_metrics_enabled: true
  ssl_enabled: true
  ssl_certificate: /w.pem
log_level: debug
log_stderr: false
log_syslog: true
syscall_event_drops: {actions: [ignore, exit], rate: 2.5, max_burst: 7, threshold: 0.5}
append_output:
  - suggested_output: true
  - match: {source: syscall, tag: net, rule: R}
    extra_output: "cpu=%evt.cpu"
    extra_fields: [evt.cpu, {home: "${HOME}"}]
engine: {kind: modern_ebpf}
saker:
  api:
    enabled: false
    binds: ["unix:///tmp/s.sock", "127.0.0.1:5060"]
    tls: {cert: /t.crt, key: /t.key, ca: /t.ca}
    socket_mode: 0600
    socket_group: saker
    allow: {saker.rules.v1.RuleService: [admin]}
    alert_history: 10
    event_history: 20
    keepalive_time_ms: 5000
    keepalive_timeout_ms: 2000
    max_subscribers: 30
    max_subscribers_per_identity: 20
    max_streams_per_connection: 10
  file_output: {max_size_mb: 64, max_files: 3}
  http_output: {queue_capacity: 9, max_retries: 1, retry_backoff_ms: 10,
                retry_backoff_max_ms: 20, timeout_ms: 30}
  rate_limit:
    rate: 5
    max_burst: 50
    rules: {"Shell in container": {rate: 1}, Other: {max_burst: 2}}
  internal_alerts: {enabled: false, rate: 1, max_burst: 2}
  log_format: json
  user: saker
  group: saker
  driver: {ring_bytes: 65536, coalesce_us: 0, snaplen: 80, syscalls: [execve]}
  webserver: {readyz_endpoint: /ready, header_timeout_ms: 700, idle_timeout_ms: 300,
              max_connections: 9}
  rules: {allow_empty: true, limits: {max_depth: 50, max_nodes: 1000, max_list_items: 20}}
  capture: {flush_interval_ms: 250}
rules:
  - disable: {rule: "Shell*"}
  - enable: {tag: container}
)";

TEST(ConfigRoundTrip, EverySupportedKey) {
  auto c = ParseConfig(kAllKeys, "all.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->warnings, IsEmpty());
  EXPECT_THAT(c->rules_files, ElementsAre("/r1.yaml", "/rules.d"));
  EXPECT_EQ(c->priority, Priority::kWarning);
  EXPECT_EQ(c->rule_matching, RuleMatching::kAll);
  ASSERT_EQ(c->rules.size(), 2u);
  EXPECT_FALSE(c->rules[0].enable);
  EXPECT_EQ(c->rules[0].rule, "Shell*");
  EXPECT_TRUE(c->rules[1].enable);
  EXPECT_EQ(c->rules[1].tag, "container");
  EXPECT_TRUE(c->json_output);
  EXPECT_FALSE(c->json_include_output_property);
  EXPECT_FALSE(c->json_include_tags_property);
  EXPECT_TRUE(c->json_include_message_property);
  EXPECT_FALSE(c->json_include_output_fields_property);
  EXPECT_TRUE(c->time_format_iso_8601);
  EXPECT_TRUE(c->buffered_outputs);
  EXPECT_EQ(c->outputs_queue.capacity, 500u);
  EXPECT_FALSE(c->stdout_output.enabled);
  EXPECT_TRUE(c->file_output.enabled);
  EXPECT_TRUE(c->file_output.keep_alive);
  EXPECT_EQ(c->file_output.filename, "/var/log/a.txt");
  const HttpOutput& h = c->http_output;
  EXPECT_TRUE(h.enabled && h.insecure && h.mtls && h.echo && h.compress_uploads && h.keep_alive);
  EXPECT_EQ(h.url, "https://h:1/p");
  EXPECT_EQ(h.user_agent, "ua");
  EXPECT_EQ(h.ca_cert, "/ca.pem");
  EXPECT_EQ(h.ca_bundle, "/bundle.pem");
  EXPECT_EQ(h.ca_path, "/certs/");
  EXPECT_EQ(h.client_cert, "/cc.pem");
  EXPECT_EQ(h.client_key, "/ck.pem");
  EXPECT_TRUE(c->grpc.enabled);
  EXPECT_EQ(c->grpc.bind_address, "unix:///run/falco/f.sock");
  EXPECT_EQ(c->grpc.threadiness, 4u);
  EXPECT_FALSE(c->grpc_output.enabled);
  const Webserver& w = c->webserver;
  EXPECT_EQ(w.threadiness, 2u);
  EXPECT_EQ(w.listen_port, 9876u);
  EXPECT_EQ(w.listen_address, "127.0.0.1");
  EXPECT_EQ(w.k8s_healthz_endpoint, "/hz");
  EXPECT_TRUE(w.prometheus_metrics_enabled && w.ssl_enabled);
  EXPECT_EQ(w.ssl_certificate, "/w.pem");
  EXPECT_EQ(c->log_level, LogLevel::kDebug);
  EXPECT_FALSE(c->log_stderr);
  EXPECT_TRUE(c->log_syslog);
  const SyscallEventDrops& d = c->syscall_event_drops;
  EXPECT_THAT(d.actions, ElementsAre(DropAction::kIgnore, DropAction::kExit));
  EXPECT_DOUBLE_EQ(d.rate, 2.5);
  EXPECT_EQ(d.max_burst, 7u);
  EXPECT_DOUBLE_EQ(d.threshold, 0.5);
  EXPECT_TRUE(c->append_output.suggested_output);
  ASSERT_EQ(c->append_output.entries.size(), 1u);
  const AppendOutputEntry& e = c->append_output.entries[0];
  EXPECT_EQ(e.source, "syscall");
  EXPECT_EQ(e.tag, "net");
  EXPECT_EQ(e.rule, "R");
  EXPECT_EQ(e.extra_output, "cpu=%evt.cpu");
  EXPECT_THAT(e.extra_fields,
              ElementsAre(std::make_pair(std::string("evt.cpu"), std::string()),
                          std::make_pair(std::string("home"), std::string("${HOME}"))));
  EXPECT_EQ(c->engine.kind, EngineKind::kModernEbpf);
  const Api& a = c->saker.api;
  EXPECT_FALSE(a.enabled);
  EXPECT_THAT(a.binds, ElementsAre("unix:///tmp/s.sock", "127.0.0.1:5060"));
  EXPECT_THAT(c->ApiBinds(), ElementsAre("unix:///run/falco/f.sock"));
  EXPECT_EQ(a.tls.cert, "/t.crt");
  EXPECT_EQ(a.tls.key, "/t.key");
  EXPECT_EQ(a.tls.ca, "/t.ca");
  EXPECT_EQ(a.socket_mode, 0600u);
  EXPECT_EQ(a.socket_group, "saker");
  EXPECT_THAT(a.allow.at("saker.rules.v1.RuleService"), ElementsAre("admin"));
  EXPECT_EQ(a.alert_history, 10u);
  EXPECT_EQ(a.event_history, 20u);
  EXPECT_EQ(a.keepalive_time_ms, 5000u);
  EXPECT_EQ(a.keepalive_timeout_ms, 2000u);
  EXPECT_EQ(a.max_subscribers, 30u);
  EXPECT_EQ(a.max_subscribers_per_identity, 20u);
  EXPECT_EQ(a.max_streams_per_connection, 10u);
  EXPECT_EQ(c->saker.file_output.max_size_mb, 64u);
  EXPECT_EQ(c->saker.file_output.max_files, 3u);
  const SakerHttpOutput& sh = c->saker.http_output;
  EXPECT_EQ(sh.queue_capacity, 9u);
  EXPECT_EQ(sh.max_retries, 1u);
  EXPECT_EQ(sh.retry_backoff_ms, 10u);
  EXPECT_EQ(sh.retry_backoff_max_ms, 20u);
  EXPECT_EQ(sh.timeout_ms, 30u);
  const RateLimit& r = c->saker.rate_limit;
  EXPECT_EQ(r.For("Shell in container"), std::make_pair(1.0, 50u));
  EXPECT_EQ(r.For("Other"), std::make_pair(5.0, 2u));
  EXPECT_EQ(r.For("Unlisted"), std::make_pair(5.0, 50u));
  EXPECT_FALSE(c->saker.internal_alerts.enabled);
  EXPECT_DOUBLE_EQ(c->saker.internal_alerts.rate, 1);
  EXPECT_EQ(c->saker.internal_alerts.max_burst, 2u);
  EXPECT_EQ(c->saker.log_format, LogFormat::kJson);
  EXPECT_EQ(c->saker.user, "saker");
  EXPECT_EQ(c->saker.group, "saker");
  EXPECT_EQ(c->saker.driver.ring_bytes, 65536u);
  EXPECT_EQ(c->saker.driver.coalesce_us, 0u);
  EXPECT_EQ(c->saker.driver.snaplen, 80u);
  EXPECT_THAT(c->saker.driver.syscalls, ElementsAre("execve"));
  EXPECT_EQ(c->saker.webserver.readyz_endpoint, "/ready");
  EXPECT_TRUE(c->saker.rules.allow_empty);
  EXPECT_EQ(c->saker.webserver.header_timeout_ms, 700u);
  EXPECT_EQ(c->saker.webserver.idle_timeout_ms, 300u);
  EXPECT_EQ(c->saker.webserver.max_connections, 9u);
  EXPECT_EQ(c->saker.capture.flush_interval_ms, 250u);
  EXPECT_EQ(c->saker.rules.limits.max_depth, 50u);
  EXPECT_EQ(c->saker.rules.limits.max_nodes, 1000u);
  EXPECT_EQ(c->saker.rules.limits.max_list_items, 20u);
  EXPECT_EQ(c->Where("http_output.user_agent"), "all.yaml:17:15");
  EXPECT_EQ(c->Where("saker.api.binds[1]"), "all.yaml:52:35");
  EXPECT_EQ(c->Where("saker.api"), "all.yaml:57:20");  // its first key in key order
}

TEST(ConfigRoundTrip, TheTestCoversEverySupportedKey) {
  auto c = ParseConfig(kAllKeys, "all.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  internal::Schema schema;
  internal::AddFalcoKeys(&schema);
  internal::AddSakerKeys(&schema);
  for (const std::string& key : schema.Keys()) {
    if (key == "rules_file") {
      continue;  // the legacy name, below
    }
    EXPECT_NE(c->Where(key), "default") << key << " is not in kAllKeys";
  }
}

TEST(ConfigRoundTrip, LegacyRulesFile) {
  auto c = ParseConfig("rules_file:\n  - /old.yaml\n", "l.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->rules_files, ElementsAre("/old.yaml"));
  c = ParseConfig("rules_file: /old.yaml\nrules_files: [/new.yaml]\n", "l.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->rules_files, ElementsAre("/new.yaml"));
  EXPECT_THAT(c->warnings, ElementsAre("l.yaml:1:13: rules_file: ignored, rules_files is set"));
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(ConfigFiles, AnOperatorsFalcoYamlLoads) {
  auto c = LoadConfig("testdata/config/falco.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->rules_files,
              ElementsAre("/etc/falco/falco_rules.yaml", "/etc/falco/falco_rules.local.yaml",
                          "/etc/falco/rules.d"));
  EXPECT_EQ(c->priority, Priority::kNotice);
  EXPECT_TRUE(c->json_output);
  EXPECT_TRUE(c->time_format_iso_8601);
  EXPECT_TRUE(c->append_output.suggested_output);
  EXPECT_TRUE(c->http_output.enabled);
  EXPECT_EQ(c->http_output.url, "https://falcosidekick.monitoring.svc:2801/");
  EXPECT_TRUE(c->webserver.prometheus_metrics_enabled);
  EXPECT_FALSE(c->grpc_output.enabled);
  EXPECT_EQ(c->file_output.filename, "/var/log/falco/events.txt");
  EXPECT_EQ(c->Where("priority"), "testdata/config/falco.yaml:48:11");
  ASSERT_EQ(c->rules.size(), 2u);  // Falco's rule selection
  EXPECT_FALSE(c->rules[0].enable);
  EXPECT_EQ(c->rules[0].rule, "*");
  EXPECT_TRUE(c->rules[1].enable);
  EXPECT_EQ(c->rules[1].tag, "container");
  std::vector<std::string> ignored;
  for (const std::string& w : c->warnings) {
    ASSERT_THAT(w, HasSubstr(": not supported by saker, ignored")) << w;
    ignored.push_back(w.substr(w.find(": ") + 2, w.find(": not supported") - w.find(": ") - 2));
  }
  EXPECT_THAT(
      ignored,
      ElementsAre("config_files", "watch_config_files", "engine.kmod", "engine.ebpf",
                  "engine.modern_ebpf", "engine.replay", "engine.gvisor", "load_plugins", "plugins",
                  "buffer_format_base64", "syslog_output", "http_output.max_consecutive_timeouts",
                  "program_output", "libs_logger", "output_timeout", "syscall_event_timeouts",
                  "syscall_event_drops.simulate_drops", "metrics", "base_syscalls", "falco_libs",
                  "container_engines", "capture"));
}

TEST(ConfigFiles, TheExampleSakerYamlLoadsAsTheDefaults) {
  auto c = LoadConfig("testdata/config/saker.yaml");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->warnings, IsEmpty());
  auto d = LoadConfig("");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(c->saker.api.binds, d->saker.api.binds);
  EXPECT_EQ(c->saker.api.socket_mode, d->saker.api.socket_mode);
  EXPECT_EQ(c->outputs_queue.capacity, d->outputs_queue.capacity);
  EXPECT_EQ(c->webserver.listen_address, d->webserver.listen_address);
  EXPECT_EQ(c->saker.driver.ring_bytes, d->saker.driver.ring_bytes);
  EXPECT_EQ(c->saker.rules.limits.max_depth, d->saker.rules.limits.max_depth);
  EXPECT_EQ(c->saker.rules.limits.max_nodes, d->saker.rules.limits.max_nodes);
  EXPECT_EQ(c->saker.rules.limits.max_list_items, d->saker.rules.limits.max_list_items);
  EXPECT_EQ(c->saker.rate_limit.max_burst, d->saker.rate_limit.max_burst);
  EXPECT_EQ(c->http_output.user_agent, d->http_output.user_agent);
  EXPECT_EQ(c->grpc_output.enabled, d->grpc_output.enabled);
  EXPECT_EQ(c->saker.rules.allow_empty, d->saker.rules.allow_empty);
}

// Every single-line edit of the operator's file loads or fails with messages; none crashes.
TEST(ConfigFiles, MutatedFilesNeverCrash) {
  const std::string text = ReadFile("testdata/config/falco.yaml");
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  const std::vector<std::pair<std::string, std::string>> edits = {
      {": ", ":"}, {": ", ": [x"}, {": ", ": {a: "}, {"  ", ""}, {"- ", ""}, {": ", ": -1"}};
  int loaded = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    for (const auto& [from, to] : edits) {
      std::vector<std::string> copy = lines;
      const size_t at = copy[i].find(from);
      if (at == std::string::npos) {
        continue;
      }
      copy[i].replace(at, from.size(), to);
      auto c = ParseConfig(absl::StrJoin(copy, "\n"), "m.yaml");
      if (c.ok()) {
        ++loaded;
      } else {
        EXPECT_THAT(std::string(c.status().message()), HasSubstr("m.yaml")) << copy[i];
      }
    }
  }
  EXPECT_GT(loaded, 0);
}

TEST(ConfigFiles, TheReadmeDocumentsEveryKey) {
  const std::string readme = ReadFile("server/config/README.md");
  ASSERT_FALSE(readme.empty());
  internal::Schema schema;
  internal::AddFalcoKeys(&schema);
  internal::AddSakerKeys(&schema);
  for (const std::string& key : schema.Keys()) {
    EXPECT_THAT(readme, HasSubstr("`" + key + "`")) << key;
  }
}

TEST(ConfigFiles, ReadsARealFileAndReportsAMissingOne) {
  const char* tmp = std::getenv("TEST_TMPDIR");
  const std::string path = std::string(tmp != nullptr ? tmp : "/tmp") + "/bad.yaml";
  {
    std::ofstream out(path);
    out << "json_output: true\nwebserver:\n  listen_port: 0x10\n";
  }
  auto c = LoadConfig(path);
  EXPECT_THAT(ErrorLines(c), ElementsAre(path + ":3:16: webserver.listen_port: expected an "
                                                "integer from 0 to 65535, got \"0x10\""));
  ::unlink(path.c_str());
  c = LoadConfig(path);
  EXPECT_THAT(ErrorLines(c), ElementsAre(path + ": cannot read the configuration file: No such "
                                                "file or directory"));
}

}  // namespace
}  // namespace saker::config
