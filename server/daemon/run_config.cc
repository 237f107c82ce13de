#include "server/daemon/run_config.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "server/config/load.h"
#include "server/daemon/driver_flags.h"
#include "server/daemon/flags.h"

namespace saker::daemon {
namespace {

using config::FlagSetting;

// A flag without a value that sets keys to fixed values.
void AddKeyAction(FlagSet* flags, std::string name, std::string help,
                  std::vector<std::pair<std::string, std::string>> settings, ConfigSources* out) {
  flags->Action(name, std::move(help), [name, settings, out] {
    for (const auto& [key, value] : settings) {
      out->flags.push_back({name, absl::StrSplit(key, '.'), value, FlagSetting::Op::kSet});
    }
  });
}

// The run flags. Each one that stands for a configuration key is recorded as
// an override of that key, applied after -o (config::FlagSetting). A repeated
// list flag replaces the configured list on its first use.
void AddRunFlags(FlagSet* flags, ConfigSources* src, double* duration) {
  AddListFlag(flags, "--rules", "-r",
              "a rules file or directory (repeatable; default: built-in rules; rules_files)",
              "rules_files", false, src);
  AddKeyAction(flags, "--json", "print Falco's JSON alert, one per line (json_output)",
               {{"json_output", "true"}}, src);
  AddKeyFlag(flags, "--rule-matching",
             "first (default: the first matching rule alerts) or all (rule_matching)",
             "rule_matching", src);
  AddListFlag(flags, "--grpc-bind", "",
              "serve the gRPC API at unix:///PATH or HOST:PORT (mTLS; repeatable; "
              "default unix:///run/saker/saker.sock; saker.api.binds)",
              "saker.api.binds", false, src);
  AddKeyFlag(flags, "--tls-cert", "server certificate (PEM) for TCP binds (saker.api.tls.cert)",
             "saker.api.tls.cert", src);
  AddKeyFlag(flags, "--tls-key", "server private key (PEM) for TCP binds (saker.api.tls.key)",
             "saker.api.tls.key", src);
  AddKeyFlag(flags, "--tls-ca",
             "CA (PEM) that client certificates must chain to (saker.api.tls.ca)",
             "saker.api.tls.ca", src);
  AddKeyAction(flags, "--grpc-falco-socket",
               "also serve Falco's socket unix:///run/falco/falco.sock (grpc.enabled)",
               {{"grpc.enabled", "true"}, {"grpc.bind_address", api::kFalcoSocket}}, src);
  AddKeyAction(flags, "--no-grpc", "serve no gRPC API (saker.api.enabled and grpc.enabled false)",
               {{"saker.api.enabled", "false"}, {"grpc.enabled", "false"}}, src);
  AddKeyFlag(flags, "--grpc-socket-mode",
             "unix socket mode, octal (default 0660; saker.api.socket_mode)",
             "saker.api.socket_mode", src);
  AddKeyFlag(flags, "--grpc-socket-group", "unix socket group (name; saker.api.socket_group)",
             "saker.api.socket_group", src);
  flags->Value(
      "--grpc-allow", "",
      "SERVICE[/METHOD]=ID[,ID...]: only these client certificate identities (CN or SAN) may "
      "call SERVICE (or one of its methods), e.g. saker.rules.v1.RuleService=admin "
      "(repeatable; saker.api.allow)",
      [src](absl::string_view v) {
        const size_t eq = v.find('=');
        if (eq == absl::string_view::npos || eq == 0) {
          return absl::InvalidArgumentError(
              absl::StrCat("--grpc-allow expects SERVICE=ID[,ID...], got \"", v, "\""));
        }
        // The service name holds dots: one key part.
        std::vector<std::string> key = {"saker", "api", "allow", std::string(v.substr(0, eq))};
        for (absl::string_view id : absl::StrSplit(v.substr(eq + 1), ',')) {
          src->flags.push_back({"--grpc-allow", key, std::string(id), FlagSetting::Op::kAppend});
        }
        return absl::OkStatus();
      });
  AddKeyFlag(flags, "--grpc-alert-history",
             "alerts the API keeps for get and resume; also each subscriber's queue bound "
             "(default 65536; saker.api.alert_history)",
             "saker.api.alert_history", src);
  AddKeyFlag(flags, "--grpc-event-history",
             "raw events the API keeps (default 65536; saker.api.event_history)",
             "saker.api.event_history", src);
  AddKeyFlag(flags, "--grpc-keepalive-time-ms",
             "ping idle clients this often (default 30000; saker.api.keepalive_time_ms)",
             "saker.api.keepalive_time_ms", src);
  AddKeyFlag(flags, "--grpc-keepalive-timeout-ms",
             "drop a client whose ping goes unanswered this long (default 10000; "
             "saker.api.keepalive_timeout_ms)",
             "saker.api.keepalive_timeout_ms", src);
  AddKeyFlag(flags, "--grpc-max-subscribers",
             "open API streams of all clients at most; more: RESOURCE_EXHAUSTED (default 1024; "
             "saker.api.max_subscribers)",
             "saker.api.max_subscribers", src);
  AddKeyFlag(flags, "--grpc-max-subscribers-per-identity",
             "open API streams of one client certificate identity at most (default 512; "
             "saker.api.max_subscribers_per_identity)",
             "saker.api.max_subscribers_per_identity", src);
  AddKeyFlag(flags, "--grpc-max-streams-per-connection",
             "open API streams of one TCP connection at most (default 100; "
             "saker.api.max_streams_per_connection)",
             "saker.api.max_streams_per_connection", src);
  AddKeyFlag(flags, "--user", "after loading the probe, run as this user (saker.user)",
             "saker.user", src);
  AddDriverFlags(flags, duration, src);
}

// saker.api.allow from the file or -o: every service must be one the API
// serves (a misspelt one would leave the service it meant to protect open).
absl::Status CheckAllowServices(const config::Config& c) {
  for (const auto& [service, ids] : c.saker.api.allow) {
    const std::string key = absl::StrCat("saker.api.allow.", service);
    if (auto st = api::CheckServiceName(service, absl::StrCat(c.Where(key), ": saker.api.allow"));
        !st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<RunConfig> RunInvocation::Load() const {
  FlagSet flags("run");
  ConfigSources src;
  RunConfig rc;
  AddConfigFlags(&flags, &src);
  AddRunFlags(&flags, &src, &rc.duration);
  if (auto st = flags.ParseFlagsOnly(args_); !st.ok()) {
    return st;
  }
  auto c = src.Load();
  if (!c.ok()) {
    return c.status();
  }
  if (auto st = CheckAllowServices(*c); !st.ok()) {
    return st;
  }
  rc.config = *std::move(c);
  rc.driver = DriverOptionsOf(rc.config);
  return rc;
}

std::string RunInvocation::Usage() const {
  FlagSet flags("run");
  ConfigSources src;
  double duration = 0;
  AddConfigFlags(&flags, &src);
  AddRunFlags(&flags, &src, &duration);
  return flags.Usage();
}

}  // namespace saker::daemon

namespace saker::daemon {

rules::RuleLimits RuleLimitsOf(const config::Config& c) {
  const config::RulesLimits& l = c.saker.rules.limits;
  rules::RuleLimits out;
  out.max_depth = static_cast<int>(l.max_depth);
  out.max_nodes = l.max_nodes;
  out.max_list_items = l.max_list_items;
  return out;
}

absl::StatusOr<rules::RuleLimits> RuleLimitsOf(const std::string& config_path,
                                               const std::vector<std::string>& overrides) {
  auto c = config::LoadConfig(config_path, overrides);
  if (!c.ok()) {
    return c.status();
  }
  return RuleLimitsOf(*c);
}

rules::EngineOptions EngineOptionsOf(const config::Config& c, const std::string& hostname) {
  rules::EngineOptions eo;
  eo.limits = RuleLimitsOf(c);
  eo.rule_matching = c.rule_matching == config::RuleMatching::kAll ? rules::RuleMatching::kAll
                                                                   : rules::RuleMatching::kFirst;
  // Both enums follow Falco's order, most severe first.
  eo.min_priority = static_cast<rules::Priority>(static_cast<int>(c.priority));
  for (const config::RuleSelection& r : c.rules) {
    eo.selection.push_back({r.enable, r.rule, r.tag});
  }
  // No append_output key: Falco's default falco.yaml, suggested_output on.
  eo.suggested_output = c.append_output.suggested_output || c.Where("append_output") == "default";
  rules::AlertOptions& a = eo.alerts;
  a.hostname = hostname;
  a.json_output = c.json_output;
  a.json_include_output_property = c.json_include_output_property;
  a.json_include_output_fields_property = c.json_include_output_fields_property;
  a.json_include_tags_property = c.json_include_tags_property;
  a.json_include_message_property = c.json_include_message_property;
  a.time_format_iso_8601 = c.time_format_iso_8601;
  return eo;
}

api::AllowList AllowListOf(const config::Config& c) {
  api::AllowList allow;
  for (const auto& [service, ids] : c.saker.api.allow) {
    allow[service].insert(ids.begin(), ids.end());
  }
  return allow;
}

absl::StatusOr<api::ApiServerOptions> ApiOptionsOf(const config::Config& c) {
  api::ApiServerOptions o;
  const config::Api& a = c.saker.api;
  for (const std::string& bind : c.ApiBinds()) {
    const bool tcp = bind.rfind("unix:", 0) != 0;
    auto l = tcp ? api::ParseBind(bind, a.tls.cert, a.tls.key, a.tls.ca) : api::ParseBind(bind);
    if (!l.ok()) {
      return l.status();
    }
    l->unix_mode = a.socket_mode;
    l->unix_group = a.socket_group;
    o.listeners.push_back(*std::move(l));
  }
  o.allow = AllowListOf(c);
  o.limits.max_subscribers = a.max_subscribers;
  o.limits.max_per_identity = a.max_subscribers_per_identity;
  o.limits.max_per_connection = a.max_streams_per_connection;
  o.keepalive.time_ms = static_cast<int>(a.keepalive_time_ms);
  o.keepalive.timeout_ms = static_cast<int>(a.keepalive_timeout_ms);
  return o;
}

absl::Status CheckEnabledRules(const rules::LoadSummary& summary, const config::Config& c) {
  if (summary.enabled_rules > 0 || c.saker.rules.allow_empty) {
    return absl::OkStatus();
  }
  const std::string from =
      c.rules_files.empty() ? "the built-in rules" : absl::StrJoin(c.rules_files, ", ");
  return absl::FailedPreconditionError(absl::StrCat(
      "no rule is enabled: ", summary.rules, " rules in ", from,
      ", none left enabled by `priority`, `rules:` or the files' `enabled:`, so nothing would "
      "be detected; set saker.rules.allow_empty: true if that is intended"));
}

}  // namespace saker::daemon
