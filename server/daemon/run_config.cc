#include "server/daemon/run_config.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/config/load.h"
#include "server/daemon/driver_flags.h"
#include "server/daemon/flags.h"

namespace saker::daemon {
namespace {

// -c and -o are read before the other flags (they build what the flags
// override); the second pass accepts and skips them.
struct FileAndOverrides {
  std::string path;
  std::vector<std::string> overrides;
};

void AddConfigFlags(FlagSet* flags, FileAndOverrides* out) {
  flags->String("--config", "-c", "the YAML configuration file (see the README's keys)",
                &out->path);
  flags->Strings("--option", "-o",
                 "override one configuration key: KEY=VALUE, a.b=v, list[N]=v, list[]=v "
                 "(repeatable)",
                 &out->overrides);
}

// The run flags, writing into the configuration they override. A repeated
// list flag replaces the configured list on its first use.
void AddRunFlags(FlagSet* flags, RunConfig* rc, bool* first_rule, bool* first_bind) {
  config::Config* c = &rc->config;
  flags->Value("--rules", "-r", "a rules file or directory (repeatable; default: built-in rules)",
               [c, first_rule](absl::string_view v) {
                 if (*first_rule) {
                   c->rules_files.clear();
                   *first_rule = false;
                 }
                 c->rules_files.emplace_back(v);
                 return absl::OkStatus();
               });
  flags->Bool("--json", "print Falco's JSON alert, one per line (json_output)", &c->json_output);
  flags->Value("--rule-matching", "", "first (default: the first matching rule alerts) or all",
               [c](absl::string_view v) {
                 if (v != "first" && v != "all") {
                   return absl::InvalidArgumentError(
                       absl::StrCat("--rule-matching expects first or all, got \"", v, "\""));
                 }
                 c->rule_matching =
                     v == "all" ? config::RuleMatching::kAll : config::RuleMatching::kFirst;
                 return absl::OkStatus();
               });
  flags->Value("--grpc-bind", "",
               "serve the gRPC API at unix:///PATH or HOST:PORT (mTLS; repeatable; "
               "default unix:///run/saker/saker.sock; saker.api.binds)",
               [c, first_bind](absl::string_view v) {
                 if (*first_bind) {
                   c->saker.api.binds.clear();
                   *first_bind = false;
                 }
                 c->saker.api.binds.emplace_back(v);
                 return absl::OkStatus();
               });
  flags->String("--tls-cert", "", "server certificate (PEM) for TCP binds", &c->saker.api.tls.cert);
  flags->String("--tls-key", "", "server private key (PEM) for TCP binds", &c->saker.api.tls.key);
  flags->String("--tls-ca", "", "CA (PEM) that client certificates must chain to",
                &c->saker.api.tls.ca);
  flags->Action("--grpc-falco-socket",
                "also serve Falco's socket unix:///run/falco/falco.sock (grpc.enabled)", [c] {
                  c->grpc.enabled = true;
                  c->grpc.bind_address = api::kFalcoSocket;
                });
  flags->Action("--no-grpc", "serve no gRPC API (saker.api.enabled and grpc.enabled false)", [c] {
    c->saker.api.enabled = false;
    c->grpc.enabled = false;
  });
  flags->Value("--grpc-socket-mode", "", "unix socket mode, octal (default 0660)",
               [c](absl::string_view v) {
                 char* end = nullptr;
                 const std::string s(v);
                 const unsigned long mode = std::strtoul(s.c_str(), &end, 8);
                 if (s.empty() || *end != '\0' || mode > 0777) {
                   return absl::InvalidArgumentError(
                       absl::StrCat("--grpc-socket-mode expects an octal mode, got \"", v, "\""));
                 }
                 c->saker.api.socket_mode = static_cast<uint32_t>(mode);
                 return absl::OkStatus();
               });
  flags->String("--grpc-socket-group", "", "unix socket group (name)", &c->saker.api.socket_group);
  flags->Value(
      "--grpc-allow", "",
      "SERVICE[/METHOD]=ID[,ID...]: only these client certificate identities (CN or SAN) may "
      "call SERVICE, e.g. saker.rules.v1.RuleService=admin (repeatable)",
      [c](absl::string_view v) {
        const size_t eq = v.find('=');
        if (eq == absl::string_view::npos) {
          return absl::InvalidArgumentError(
              absl::StrCat("--grpc-allow expects SERVICE=ID[,ID...], got \"", v, "\""));
        }
        const std::string service(v.substr(0, eq));
        if (auto st = api::CheckServiceName(service, absl::StrCat("--grpc-allow ", v)); !st.ok()) {
          return st;
        }
        auto& ids = c->saker.api.allow[service];
        for (absl::string_view id : absl::StrSplit(v.substr(eq + 1), ',', absl::SkipEmpty())) {
          ids.emplace_back(id);
        }
        return absl::OkStatus();
      });
  auto uint_flag = [flags](const char* name, const char* help, uint64_t* out) {
    flags->Value(name, "", help,
                 [name, out](absl::string_view v) { return ParseUint(name, v, out); });
  };
  uint_flag("--grpc-alert-history",
            "alerts the API keeps for get and resume; also each subscriber's queue bound "
            "(default 65536)",
            &c->saker.api.alert_history);
  uint_flag("--grpc-event-history", "raw events the API keeps (default 65536)",
            &c->saker.api.event_history);
  uint_flag("--grpc-keepalive-time-ms", "ping idle clients this often (default 30000)",
            &c->saker.api.keepalive_time_ms);
  uint_flag("--grpc-keepalive-timeout-ms",
            "drop a client whose ping goes unanswered this long (default 10000)",
            &c->saker.api.keepalive_timeout_ms);
  // The stream caps: 1 to 1048576, as their configuration keys.
  auto cap_flag = [flags](const char* name, const char* help, uint64_t* out) {
    flags->Value(name, "", help, [name, out](absl::string_view v) {
      uint64_t n = 0;
      if (auto st = ParseUint(name, v, &n); !st.ok()) {
        return st;
      }
      if (n < 1 || n > (1u << 20)) {
        return absl::InvalidArgumentError(
            absl::StrCat(name, " expects an integer from 1 to 1048576, got \"", v, "\""));
      }
      *out = n;
      return absl::OkStatus();
    });
  };
  cap_flag("--grpc-max-subscribers",
           "open API streams of all clients at most; more: RESOURCE_EXHAUSTED (default 1024; "
           "saker.api.max_subscribers)",
           &c->saker.api.max_subscribers);
  cap_flag("--grpc-max-subscribers-per-identity",
           "open API streams of one client certificate identity at most (default 512)",
           &c->saker.api.max_subscribers_per_identity);
  cap_flag("--grpc-max-streams-per-connection",
           "open API streams of one TCP connection at most (default 100)",
           &c->saker.api.max_streams_per_connection);
  flags->String("--user", "", "after loading the probe, run as this user (saker.user)",
                &c->saker.user);
  AddDriverFlags(flags, &rc->duration, &rc->driver);
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
  // Pass 1: where the configuration comes from.
  FileAndOverrides src;
  {
    FlagSet pass1("run");
    AddConfigFlags(&pass1, &src);
    RunConfig ignored;
    bool a = true, b = true;
    AddRunFlags(&pass1, &ignored, &a, &b);
    if (auto st = pass1.ParseFlagsOnly(args_); !st.ok()) {
      return st;
    }
  }
  auto c = config::LoadConfig(src.path, src.overrides);
  if (!c.ok()) {
    return c.status();
  }
  if (auto st = CheckAllowServices(*c); !st.ok()) {
    return st;
  }
  // Pass 2: the flags, over the configuration.
  RunConfig rc;
  rc.config = *std::move(c);
  const config::Driver& d = rc.config.saker.driver;
  rc.driver.ring_bytes_per_cpu = d.ring_bytes;
  rc.driver.coalesce_us = d.coalesce_us;
  rc.driver.snaplen = d.snaplen;
  rc.driver.syscalls = d.syscalls;
  FlagSet pass2("run");
  FileAndOverrides again;
  AddConfigFlags(&pass2, &again);
  bool first_rule = true, first_bind = true;
  AddRunFlags(&pass2, &rc, &first_rule, &first_bind);
  if (auto st = pass2.ParseFlagsOnly(args_); !st.ok()) {
    return st;
  }
  return rc;
}

std::string RunInvocation::Usage() const {
  FlagSet flags("run");
  FileAndOverrides src;
  AddConfigFlags(&flags, &src);
  RunConfig rc;
  bool a = true, b = true;
  AddRunFlags(&flags, &rc, &a, &b);
  return flags.Usage();
}

}  // namespace saker::daemon

namespace saker::daemon {

rules::EngineOptions EngineOptionsOf(const config::Config& c, const std::string& hostname) {
  rules::EngineOptions eo;
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

}  // namespace saker::daemon
