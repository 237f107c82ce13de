// `sakerd run [-r FILE ...] [--json] [--grpc-bind ADDR ...]`: live detection.
// Captures syscalls, keeps the process state, evaluates the rules, prints
// the alerts and serves them (and raw events) over the gRPC API.
#include <cstdio>

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/api/api_server.h"
#include "server/capture/proc_snapshot.h"
#include "server/daemon/api_bridge.h"
#include "server/daemon/commands.h"
#include "server/daemon/detection.h"
#include "server/daemon/driver_flags.h"
#include "server/daemon/event_output.h"
#include "server/daemon/flags.h"
#include "server/daemon/rules_handle.h"
#include "server/daemon/signals.h"
#include "server/daemon/stats.h"
#include "server/driver/driver.h"

namespace saker::daemon {
namespace {

struct RunFlags {
  std::vector<std::string> rules;
  bool json = false;
  bool match_all = false;
  double duration = 0;
  driver::DriverOptions driver;
  std::vector<std::string> binds;
  std::string tls_cert;
  std::string tls_key;
  std::string tls_ca;
  bool falco_socket = false;
  bool no_grpc = false;
  uint64_t socket_mode = 0660;
  std::string socket_group;
  std::vector<std::string> allow;  // SERVICE=ID[,ID...]
  uint64_t alert_history = 65536;
  uint64_t event_history = 65536;
  uint64_t keepalive_time_ms = 30000;
  uint64_t keepalive_timeout_ms = 10000;
};

absl::Status ParseRunFlags(const std::vector<std::string>& args, RunFlags* f) {
  FlagSet flags("run");
  flags.Strings("--rules", "-r", "a rules file to load (repeatable; default: built-in rules)",
                &f->rules);
  flags.Bool("--json", "print Falco's JSON alert, one per line", &f->json);
  flags.Value("--rule-matching", "", "first (default: the first matching rule alerts) or all",
              [f](absl::string_view v) {
                if (v != "first" && v != "all") {
                  return absl::InvalidArgumentError(
                      absl::StrCat("--rule-matching expects first or all, got \"", v, "\""));
                }
                f->match_all = v == "all";
                return absl::OkStatus();
              });
  flags.Strings("--grpc-bind", "",
                "serve the gRPC API at unix:///PATH or HOST:PORT (mTLS; repeatable; "
                "default unix:///run/saker/saker.sock)",
                &f->binds);
  flags.String("--tls-cert", "", "server certificate (PEM) for TCP binds", &f->tls_cert);
  flags.String("--tls-key", "", "server private key (PEM) for TCP binds", &f->tls_key);
  flags.String("--tls-ca", "", "CA (PEM) that client certificates must chain to", &f->tls_ca);
  flags.Bool("--grpc-falco-socket", "also serve Falco's socket unix:///run/falco/falco.sock",
             &f->falco_socket);
  flags.Bool("--no-grpc", "serve no gRPC API", &f->no_grpc);
  flags.Value("--grpc-socket-mode", "", "unix socket mode, octal (default 0660)",
              [f](absl::string_view v) {
                char* end = nullptr;
                const std::string s(v);
                f->socket_mode = std::strtoul(s.c_str(), &end, 8);
                if (s.empty() || *end != '\0' || f->socket_mode > 0777) {
                  return absl::InvalidArgumentError(
                      absl::StrCat("--grpc-socket-mode expects an octal mode, got \"", v, "\""));
                }
                return absl::OkStatus();
              });
  flags.String("--grpc-socket-group", "", "unix socket group (name)", &f->socket_group);
  flags.Value("--grpc-allow", "",
              "SERVICE=ID[,ID...]: only these client certificate identities (CN or SAN) may "
              "call SERVICE, e.g. saker.rules.v1.RuleService=admin (repeatable)",
              [f](absl::string_view v) {
                if (v.find('=') == absl::string_view::npos) {
                  return absl::InvalidArgumentError(
                      absl::StrCat("--grpc-allow expects SERVICE=ID[,ID...], got \"", v, "\""));
                }
                f->allow.emplace_back(v);
                return absl::OkStatus();
              });
  flags.Value("--grpc-alert-history", "",
              "alerts the API keeps for get and resume; also each subscriber's queue bound "
              "(default 65536)",
              [f](absl::string_view v) {
                return ParseUint("--grpc-alert-history", v, &f->alert_history);
              });
  flags.Value("--grpc-event-history", "", "raw events the API keeps (default 65536)",
              [f](absl::string_view v) {
                return ParseUint("--grpc-event-history", v, &f->event_history);
              });
  flags.Value("--grpc-keepalive-time-ms", "", "ping idle clients this often (default 30000)",
              [f](absl::string_view v) {
                return ParseUint("--grpc-keepalive-time-ms", v, &f->keepalive_time_ms);
              });
  flags.Value("--grpc-keepalive-timeout-ms", "",
              "drop a client whose ping goes unanswered this long (default 10000)",
              [f](absl::string_view v) {
                return ParseUint("--grpc-keepalive-timeout-ms", v, &f->keepalive_timeout_ms);
              });
  AddDriverFlags(&flags, &f->duration, &f->driver);
  return flags.ParseFlagsOnly(args);
}

absl::Status AddListeners(const RunFlags& f, api::ApiServerOptions* o) {
  for (const std::string& bind : f.binds) {
    const bool tcp = bind.rfind("unix:", 0) != 0;
    auto l = tcp ? api::ParseBind(bind, f.tls_cert, f.tls_key, f.tls_ca) : api::ParseBind(bind);
    if (!l.ok()) {
      return l.status();
    }
    l->unix_mode = static_cast<uint32_t>(f.socket_mode);
    l->unix_group = f.socket_group;
    o->listeners.push_back(*std::move(l));
  }
  if (f.binds.empty() && (f.socket_mode != 0660 || !f.socket_group.empty())) {
    auto l = api::ParseBind(api::kDefaultSocket);
    l->unix_mode = static_cast<uint32_t>(f.socket_mode);
    l->unix_group = f.socket_group;
    o->listeners.push_back(*std::move(l));
  }
  o->falco_socket = f.falco_socket;
  for (const std::string& a : f.allow) {
    const size_t eq = a.find('=');
    for (absl::string_view id : absl::StrSplit(absl::string_view(a).substr(eq + 1), ',',
                                                absl::SkipEmpty())) {
      o->allow[a.substr(0, eq)].insert(std::string(id));
    }
  }
  o->keepalive.time_ms = static_cast<int>(f.keepalive_time_ms);
  o->keepalive.timeout_ms = static_cast<int>(f.keepalive_timeout_ms);
  return absl::OkStatus();
}

int Fail(const absl::Status& st) {
  std::fprintf(stderr, "sakerd: %s\n", std::string(st.message()).c_str());
  return 1;
}

}  // namespace

int RunDetect(const std::vector<std::string>& args) {
  RunFlags f;
  if (auto st = ParseRunFlags(args, &f); !st.ok()) {
    std::fprintf(stderr, "sakerd: %s\n", std::string(st.message()).c_str());
    return 2;
  }
  rules::EngineOptions eo;
  eo.alerts.hostname = AlertHostname();
  eo.alerts.json_output = f.json;
  eo.rule_matching = f.match_all ? rules::RuleMatching::kAll : rules::RuleMatching::kFirst;
  RulesHandle rules(eo, f.rules);
  if (auto st = rules.Load(); !st.ok()) {
    return Fail(st);
  }
  auto drv = driver::Driver::Open(f.driver);
  if (!drv.ok()) {
    return Fail(drv.status());
  }
  driver::Driver& d = **drv;
  // The probe is attached first, so nothing falls between the snapshot and
  // the first event; events of processes the snapshot already holds are
  // applied on top of it.
  auto snapshot = capture::ReadProcSnapshot();
  if (!snapshot.ok()) {
    return Fail(absl::InternalError(absl::StrCat("reading /proc: ", snapshot.status().message())));
  }

  api::ApiServer api(api::ApiServer::HubOptions{f.alert_history, f.event_history});
  ApiRulesControl rules_control(&rules);
  ApiDriverStatus driver_status(&d);
  ApiAlertFilterCompiler alert_filters;
  ApiEventFilterCompiler event_filters;
  if (!f.no_grpc) {
    api::ApiServerOptions ao;
    if (auto st = AddListeners(f, &ao); !st.ok()) {
      std::fprintf(stderr, "sakerd: %s\n", std::string(st.message()).c_str());
      return 2;
    }
    ao.version = SakerVersion();
    ao.hostname = eo.alerts.hostname;
    ao.rules = &rules_control;
    ao.driver = &driver_status;
    ao.alert_filter_compiler = &alert_filters;
    ao.event_filter_compiler = &event_filters;
    if (auto st = api.Start(ao); !st.ok()) {
      return Fail(st);
    }
  }

  AlertPrinter printer(stdout, f.json);
  ApiAlertPublisher publisher(&api.alerts());
  PipelineOptions po;
  po.boot_time_ns = d.boot_time_ns();
  po.hostname = eo.alerts.hostname;
  Pipeline pipeline(&rules, *snapshot, {&printer, &publisher}, po);
  ApiEventPublisher events(&api, d.boot_time_ns());
  TeeSink tee;
  if (!f.no_grpc) {
    tee.Add(&events);
  }
  tee.Add(pipeline.sink());

  ReloadOnSighup reload;
  pipeline.detector()->SetBeforeEvent([&reload, &rules] {
    if (!reload.TakeRequest()) {
      return;
    }
    // On error the running rules stay: detection never stops.
    if (auto st = rules.Load(); !st.ok()) {
      const size_t n = rules.With([](rules::Engine& e) { return e.summary().enabled_rules; });
      std::fprintf(stderr, "sakerd: reload failed, keeping the %zu running rules: %s\n", n,
                   std::string(st.message()).c_str());
    } else {
      const size_t n = rules.With([](rules::Engine& e) { return e.summary().enabled_rules; });
      std::fprintf(stderr, "sakerd: reloaded; %zu rules loaded\n", n);
    }
  });
  const size_t loaded = rules.With([](rules::Engine& e) { return e.summary().enabled_rules; });
  std::fprintf(stderr, "sakerd: capturing; %zu rules loaded\n", loaded);
  std::fflush(stderr);

  absl::Status st = RunLive(&d, &tee, f.duration);
  std::fflush(stdout);
  api.Shutdown();
  PrintStats(stderr, d.delivered(), d.ReadCounters());
  std::fprintf(stderr, "sakerd: %llu alerts\n", static_cast<unsigned long long>(printer.alerts()));
  if (!st.ok()) {
    return Fail(st);
  }
  return 0;
}

}  // namespace saker::daemon
