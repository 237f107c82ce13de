// sakerd's configuration: one YAML file (`sakerd -c FILE`) plus `-o key=value`
// overrides, loaded into a plain struct. Falco's keys keep Falco's names and
// meaning (an operator's falco.yaml loads unchanged); Saker's own settings
// live under `saker:`. See server/config/README.md for every key.
//
//   absl::StatusOr<Config> c = LoadConfig(path, overrides);  // every error at once
//   for (const auto& w : c->warnings) log(w);                  // unsupported keys
//   c->Where("http_output.url");  // "saker.yaml:12:14", "-o http_output.url=...", "default"
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace saker::config {

// Falco's alert priorities, most severe first (the order Falco compares them).
enum class Priority {
  kEmergency,
  kAlert,
  kCritical,
  kError,
  kWarning,
  kNotice,
  kInformational,
  kDebug
};
// Falco's log severities, most severe first.
enum class LogLevel { kEmergency, kAlert, kCritical, kError, kWarning, kNotice, kInfo, kDebug };
enum class RuleMatching { kFirst, kAll };
enum class DropAction { kIgnore, kLog, kAlert, kExit };
enum class LogFormat { kText, kJson };
// Falco's engine.kind values. Saker always runs its own CO-RE probe.
enum class EngineKind { kModernEbpf, kEbpf, kKmod, kGvisor, kReplay, kNodriver };

std::string_view PriorityName(Priority p);  // "emergency" ... "debug" ("informational")
std::string_view LogLevelName(LogLevel l);
std::string_view DropActionName(DropAction a);

inline constexpr char kDefaultApiSocket[] = "unix:///run/saker/saker.sock";
// outputs_queue.capacity 0 is Falco's "unbounded"; Saker bounds it at this.
inline constexpr uint64_t kUnboundedOutputsQueue = 1u << 20;

struct OutputsQueue {
  uint64_t capacity = kUnboundedOutputsQueue;
};

struct StdoutOutput {
  bool enabled = true;
};

struct FileOutput {
  bool enabled = false;
  bool keep_alive = false;
  std::string filename;  // required when enabled
};

struct HttpOutput {
  bool enabled = false;
  std::string url;  // http:// or https://, required when enabled
  std::string user_agent = "saker";
  bool insecure = false;
  std::string ca_cert;
  std::string ca_bundle;
  std::string ca_path;
  bool mtls = false;
  std::string client_cert;  // required when mtls
  std::string client_key;   // required when mtls
  bool echo = false;
  bool compress_uploads = false;
  bool keep_alive = false;
};

// Falco's gRPC server. In Saker, grpc.enabled adds grpc.bind_address to the
// API's binds (Falco's socket); Saker's own API is saker.api.
struct Grpc {
  bool enabled = false;
  std::string bind_address = "unix:///run/falco/falco.sock";
  uint32_t threadiness = 0;  // 0 = automatic
};

struct GrpcOutput {
  bool enabled = true;  // alerts reach the API's Falco outputs service
};

struct Webserver {
  bool enabled = true;
  uint32_t threadiness = 0;  // 0 = automatic
  uint32_t listen_port = 8765;
  std::string listen_address = "0.0.0.0";
  std::string k8s_healthz_endpoint = "/healthz";
  bool prometheus_metrics_enabled = false;
  bool ssl_enabled = false;
  std::string ssl_certificate;  // PEM with key and certificate; required when ssl_enabled
};

struct SyscallEventDrops {
  std::vector<DropAction> actions = {DropAction::kLog, DropAction::kAlert};
  double rate = 0.03333;  // notices per second
  uint32_t max_burst = 1;
  double threshold = 0.1;  // fraction of dropped events, 0..1
};

// One entry of Falco's append_output list.
struct AppendOutputEntry {
  // match: empty = any.
  std::string source;
  std::string tag;
  std::string rule;
  std::string extra_output;
  // extra_fields: (name, expression); the expression is empty for a plain field name.
  std::vector<std::pair<std::string, std::string>> extra_fields;
};

struct AppendOutput {
  bool suggested_output = false;  // any `- suggested_output: true` entry
  std::vector<AppendOutputEntry> entries;
};

struct Engine {
  EngineKind kind = EngineKind::kModernEbpf;
};

// One item of Falco's `rules:` selection: enable or disable the rules whose
// name matches `rule` (`*` matches any run of characters) or that carry
// `tag`.
struct RuleSelection {
  bool enable = true;
  std::string rule;
  std::string tag;
};

// ---- saker: ----

struct ApiTls {
  std::string cert;
  std::string key;
  std::string ca;
};

struct Api {
  bool enabled = true;
  std::vector<std::string> binds = {kDefaultApiSocket};
  ApiTls tls;  // required for any TCP bind
  uint32_t socket_mode = 0660;
  std::string socket_group;
  std::map<std::string, std::vector<std::string>> allow;  // service -> identities
  uint64_t alert_history = 65536;
  uint64_t event_history = 65536;
  uint64_t keepalive_time_ms = 30000;
  uint64_t keepalive_timeout_ms = 10000;
  // Caps on open API streams (see server/api/subscriber_registry.h).
  uint64_t max_subscribers = 1024;
  uint64_t max_subscribers_per_identity = 512;
  uint64_t max_streams_per_connection = 100;
};

struct SakerFileOutput {
  uint64_t max_size_mb = 0;  // rotate at this size; 0 = never
  uint32_t max_files = 5;    // rotated files kept
};

struct SakerHttpOutput {
  uint64_t queue_capacity = 10000;
  uint32_t max_retries = 5;
  uint64_t retry_backoff_ms = 200;
  uint64_t retry_backoff_max_ms = 10000;
  uint64_t timeout_ms = 5000;
};

struct RuleRateLimit {
  std::optional<double> rate;  // unset = saker.rate_limit.rate
  std::optional<uint32_t> max_burst;
};

struct RateLimit {
  double rate = 0;  // alerts per second per rule; 0 = no limit
  uint32_t max_burst = 10;
  std::map<std::string, RuleRateLimit> rules;

  // The effective (rate, max_burst) of one rule.
  std::pair<double, uint32_t> For(std::string_view rule) const;
};

struct InternalAlerts {
  bool enabled = true;
  double rate = 0.1;
  uint32_t max_burst = 5;
};

struct Driver {
  uint32_t ring_bytes = 8u << 20;  // per CPU, a power of two
  uint32_t coalesce_us = 500;
  uint32_t snaplen = 0;
  std::vector<std::string> syscalls;  // empty = all
};

// `sakerd capture -w`: a partial block is written at least this often, so a
// killed capture loses at most this long of events.
struct SakerCapture {
  uint64_t flush_interval_ms = 1000;
};

// saker.rules.limits.*: bounds on what rule files may expand to (the rules
// engine's RuleLimits; the same defaults).
struct RulesLimits {
  uint32_t max_depth = 100;
  uint64_t max_nodes = 200000;
  uint64_t max_list_items = 10000;
};

struct SakerWebserver {
  std::string readyz_endpoint = "/readyz";
  uint64_t header_timeout_ms = 5000;  // accept to the end of the request head (TLS included)
  uint64_t idle_timeout_ms = 2000;    // longest silence before the response
  uint32_t max_connections = 256;     // open at once; a new one past it sheds the oldest
};

struct SakerRules {
  // Start or reload with no rule enabled (detection off); refused otherwise.
  bool allow_empty = false;
  RulesLimits limits;
};

struct Saker {
  Api api;
  SakerFileOutput file_output;
  SakerHttpOutput http_output;
  RateLimit rate_limit;
  InternalAlerts internal_alerts;
  LogFormat log_format = LogFormat::kText;
  std::string user;  // drop to this user after the probe loads; empty = stay uid 0
  std::string group;
  Driver driver;
  SakerWebserver webserver;
  SakerRules rules;
  SakerCapture capture;
};

struct Config {
  std::vector<std::string> rules_files;  // files or directories; empty = built-in rules
  Priority priority = Priority::kDebug;
  RuleMatching rule_matching = RuleMatching::kFirst;
  std::vector<RuleSelection> rules;  // applied in order after loading
  bool json_output = false;
  bool json_include_output_property = true;
  bool json_include_tags_property = true;
  bool json_include_message_property = false;
  bool json_include_output_fields_property = true;
  bool time_format_iso_8601 = false;
  bool buffered_outputs = false;
  OutputsQueue outputs_queue;
  StdoutOutput stdout_output;
  FileOutput file_output;
  HttpOutput http_output;
  Grpc grpc;
  GrpcOutput grpc_output;
  Webserver webserver;
  LogLevel log_level = LogLevel::kInfo;
  bool log_stderr = true;
  bool log_syslog = false;
  SyscallEventDrops syscall_event_drops;
  AppendOutput append_output;
  Engine engine;
  Saker saker;

  // `file:line:column: KEY: ...` for every ignored key or value.
  std::vector<std::string> warnings;
  // Where each key set from the file, -o or a flag came from: dotted key (list
  // items as `key[N]`) -> "FILE:LINE:COL", "-o ARG" or "--FLAG".
  std::map<std::string, std::string, std::less<>> positions;

  // "FILE:LINE:COL", "-o ARG", "--FLAG" or "default". For a section (e.g. "saker.api.tls"):
  // where one of its keys was set (the first in key order).
  std::string Where(std::string_view key) const;

  // The API's listen addresses: saker.api.binds (when saker.api.enabled) and
  // grpc.bind_address (when grpc.enabled), without repeats.
  std::vector<std::string> ApiBinds() const;
};

}  // namespace saker::config
