// `sakerd run [-c FILE] [-o KEY=VALUE ...] [flags]`: live detection.
// Captures syscalls, keeps the process state, evaluates the rules, and sends
// the alerts to the outputs (stdout, file, HTTP) and the gRPC API (with raw
// events); serves /metrics, /healthz and /readyz; reloads on SIGHUP.
//
// Start-up order matters: the probe is loaded and attached and /proc is read
// while sakerd is still privileged and single-threaded; then it drops every
// capability it no longer needs (server/daemon/privileges.h), and only then
// starts its threads (outputs, API, web server, housekeeping), which inherit
// the reduced set.
#include <pwd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "server/api/api_server.h"
#include "server/api/unix_socket.h"
#include "server/capture/proc_snapshot.h"
#include "server/daemon/alert_outputs.h"
#include "server/daemon/api_bridge.h"
#include "server/daemon/commands.h"
#include "server/daemon/daemon_metrics.h"
#include "server/daemon/detection.h"
#include "server/daemon/event_output.h"
#include "server/daemon/housekeeping.h"
#include "server/daemon/privileges.h"
#include "server/daemon/reloader.h"
#include "server/daemon/rules_handle.h"
#include "server/daemon/run_config.h"
#include "server/daemon/signals.h"
#include "server/daemon/stats.h"
#include "server/driver/driver.h"
#include "server/observe/logger.h"
#include "server/observe/web_server.h"

namespace saker::daemon {
namespace {

observe::LoggerOptions LoggerOptionsOf(const config::Config& c) {
  observe::LoggerOptions o;
  o.level = static_cast<observe::LogLevel>(static_cast<int>(c.log_level));
  o.format = c.saker.log_format == config::LogFormat::kJson ? observe::LogFormat::kJson
                                                            : observe::LogFormat::kText;
  o.log_stderr = c.log_stderr;
  o.log_syslog = c.log_syslog;
  return o;
}

// Kernels before 6.5 check CAP_BPF on every bpf() call when unprivileged BPF
// is disabled (Debian's default), reading a map included.
bool KernelNeedsCapBpfForMaps() {
  utsname u;
  int major = 0, minor = 0;
  if (uname(&u) != 0 || std::sscanf(u.release, "%d.%d", &major, &minor) != 2) {
    return true;
  }
  return major < 6 || (major == 6 && minor < 5);
}

int PortOf(const std::string& bind) {
  const size_t colon = bind.rfind(':');
  return colon == std::string::npos ? 0 : std::atoi(bind.c_str() + colon + 1);
}

PrivilegeOptions PrivilegesFor(const config::Config& c) {
  PrivilegeOptions p;
  p.user = c.saker.user;
  p.group = c.saker.group;
  if (!c.saker.api.socket_group.empty()) {
    p.keep.push_back(CAP_CHOWN);  // the API sets its sockets' group after binding
  }
  bool low_port =
      c.webserver.enabled && c.webserver.listen_port != 0 && c.webserver.listen_port < 1024;
  for (const std::string& b : c.ApiBinds()) {
    const int port = b.rfind("unix:", 0) == 0 ? 0 : PortOf(b);
    low_port |= port != 0 && port < 1024;
  }
  if (low_port) {
    p.keep.push_back(CAP_NET_BIND_SERVICE);
  }
  if (KernelNeedsCapBpfForMaps()) {
    p.keep.push_back(CAP_BPF);
  }
  return p;
}

// The unix sockets' directories, made while still privileged for whoever
// sakerd runs as after the drop (saker.user, else root without
// CAP_DAC_OVERRIDE), so that the API can bind then. An existing directory is
// handed over only if it is sakerd's own (/run/saker, /run/falco); any other
// must already be writable by that user.
absl::Status PrepareSocketDirs(const config::Config& c) {
  uid_t uid = 0;
  gid_t gid = 0;
  const std::string who = c.saker.user.empty() ? "root" : c.saker.user;
  if (!c.saker.user.empty()) {
    const passwd* pw = getpwnam(c.saker.user.c_str());
    if (pw == nullptr) {
      return absl::NotFoundError(
          absl::StrCat(c.Where("saker.user"), ": saker.user: no user \"", c.saker.user, "\""));
    }
    uid = pw->pw_uid;
    gid = pw->pw_gid;
  }
  for (const std::string& b : c.ApiBinds()) {
    if (b.rfind("unix://", 0) != 0) {
      continue;
    }
    const std::filesystem::path dir = std::filesystem::path(b.substr(7)).parent_path();
    std::error_code ec;
    const bool existed = std::filesystem::exists(dir, ec);
    if (!existed) {
      std::filesystem::create_directories(dir, ec);
    }
    struct stat st {};
    if (ec || stat(dir.c_str(), &st) != 0) {
      return absl::InternalError(absl::StrCat("cannot make the socket directory ", dir.string()));
    }
    if (st.st_uid == uid || (st.st_mode & S_IWOTH) != 0) {
      continue;
    }
    if (existed && dir != "/run/saker" && dir != "/run/falco") {
      return absl::FailedPreconditionError(absl::StrCat(
          "the socket directory ", dir.string(), " is not writable by ", who,
          ", whom sakerd runs as once the probe is loaded: chown it or choose another directory"));
    }
    if (chown(dir.c_str(), uid, gid) != 0 || chmod(dir.c_str(), 0755) != 0) {
      return absl::InternalError(absl::StrCat("cannot hand ", dir.string(), " to ", who));
    }
  }
  return absl::OkStatus();
}

// A server already listening on one of the API's unix sockets (a second
// sakerd on the same path): refused before the probe is loaded or an output
// opened. Changes nothing; ApiServer::Start checks again under a lock, when
// it replaces a stale socket.
absl::Status CheckApiSockets(const config::Config& c) {
  for (const std::string& b : c.ApiBinds()) {
    if (b.rfind("unix://", 0) != 0) {
      continue;
    }
    if (auto state = api::ProbeUnixSocketPath(b.substr(7)); !state.ok()) {
      return state.status();
    }
  }
  return absl::OkStatus();
}

observe::WebServerOptions WebOptionsOf(const config::Config& c) {
  observe::WebServerOptions o;
  const config::Webserver& w = c.webserver;
  o.enabled = w.enabled;
  o.listen_address = w.listen_address;
  o.listen_port = static_cast<int>(w.listen_port);
  o.threadiness = static_cast<int>(w.threadiness);
  o.ssl_enabled = w.ssl_enabled;
  o.ssl_certificate = w.ssl_certificate;
  o.k8s_healthz_endpoint = w.k8s_healthz_endpoint;
  o.readiness_endpoint = c.saker.webserver.readyz_endpoint;
  o.prometheus_metrics_enabled = w.prometheus_metrics_enabled;
  const config::SakerWebserver& sw = c.saker.webserver;
  o.header_timeout = absl::Milliseconds(sw.header_timeout_ms);
  o.idle_timeout = absl::Milliseconds(sw.idle_timeout_ms);
  o.max_connections = sw.max_connections;
  return o;
}

outputs::InternalAlertOptions InternalOptionsOf(const config::Config& c,
                                                const std::string& hostname) {
  outputs::InternalAlertOptions o;
  o.limit = {c.saker.internal_alerts.rate, static_cast<double>(c.saker.internal_alerts.max_burst)};
  o.hostname = hostname;
  o.time_format_iso_8601 = c.time_format_iso_8601;
  return o;
}

void LogConfigWarnings(const config::Config& c, observe::Logger* log) {
  for (const std::string& w : c.warnings) {
    log->Warning(w);
  }
  if (c.grpc.threadiness != 0) {
    log->Warning(absl::StrCat(c.Where("grpc.threadiness"),
                              ": grpc.threadiness: saker's API sizes its own threads, ignored"));
  }
  if (!c.append_output.entries.empty()) {
    log->Warning(absl::StrCat(c.Where("append_output"),
                              ": append_output: entries with match, extra_output or "
                              "extra_fields are not supported by saker, ignored"));
  }
}

}  // namespace

int RunDetect(const std::vector<std::string>& args) {
  const RunInvocation invocation(args);
  auto rc = invocation.Load();
  if (!rc.ok()) {
    std::fprintf(stderr, "sakerd: %s\n", std::string(rc.status().message()).c_str());
    return 2;
  }
  config::Config& c = rc->config;
  observe::Logger log(LoggerOptionsOf(c));
  auto fail = [&log](const absl::Status& st) {
    log.Error(std::string(st.message()));
    return 1;
  };
  LogConfigWarnings(c, &log);
  if (auto st = CheckApiSockets(c); !st.ok()) {
    return fail(st);
  }

  const std::string hostname = AlertHostname();
  RulesHandle rules(EngineOptionsOf(c, hostname), c.rules_files);
  if (auto st = rules.Load(); !st.ok()) {
    return fail(st);
  }
  // Detection silently off is an outage: a configuration error unless asked for.
  const absl::Status enabled =
      rules.With([&c](rules::Engine& e) { return CheckEnabledRules(e.summary(), c); });
  if (!enabled.ok()) {
    log.Error(std::string(enabled.message()));
    return 2;
  }
  auto drv = driver::Driver::Open(rc->driver);
  if (!drv.ok()) {
    return fail(drv.status());
  }
  driver::Driver& d = **drv;
  // The probe is attached first, so nothing falls between the snapshot and
  // the first event; events of processes the snapshot already holds are
  // applied on top of it.
  auto snapshot = capture::ReadProcSnapshot();
  if (!snapshot.ok()) {
    return fail(absl::InternalError(absl::StrCat("reading /proc: ", snapshot.status().message())));
  }

  // Still one thread: drop what is no longer needed.
  if (auto st = PrepareSocketDirs(c); !st.ok()) {
    return fail(st);
  }
  if (auto st = DropPrivileges(PrivilegesFor(c)); !st.ok()) {
    return fail(st);
  }
  log.Info("privileges dropped",
           {{"capabilities", DescribeCapabilities()}, {"uid", static_cast<int64_t>(getuid())}});

  // Outputs, with internal alerts for their failures.
  outputs::SystemClock clock;
  auto outs = BuildOutputs(c, stdout);
  if (!outs.ok()) {
    return fail(outs.status());
  }
  outputs::Dispatcher dispatcher(*std::move(outs), {c.outputs_queue.capacity, {}}, &clock);
  const bool api_on = !c.ApiBinds().empty();
  api::ApiServer api(
      api::ApiServer::HubOptions{c.saker.api.alert_history, c.saker.api.event_history});
  outputs::InternalAlerts internal(InternalOptionsOf(c, hostname), &clock,
                                   [&](const outputs::Alert& a) {
                                     dispatcher.SubmitInternal(a);
                                     if (api_on) {
                                       PublishInternalAlert(a, &api.alerts());
                                     }
                                   });
  if (c.saker.internal_alerts.enabled) {
    dispatcher.SetFailureHandler([&internal](absl::string_view output, const absl::Status& st) {
      internal.OnOutputFailure(output, st);
    });
  }
  dispatcher.Start();

  // The gRPC API.
  ReloadCounters reload_counters;
  Reloader reloader(
      {&invocation, hostname, &rules, api_on ? &api : nullptr, &dispatcher, &log, &reload_counters},
      c);
  ApiRulesControl rules_control(&rules, [&reloader] { return reloader.Reload(); });
  ApiDriverStatus driver_status(&d);
  ApiAlertFilterCompiler alert_filters;
  ApiEventFilterCompiler event_filters;
  if (api_on) {
    auto ao = ApiOptionsOf(c);
    if (!ao.ok()) {
      dispatcher.Stop(absl::ZeroDuration());
      return fail(ao.status());
    }
    ao->version = SakerVersion();
    ao->hostname = hostname;
    ao->rules = &rules_control;
    ao->driver = &driver_status;
    ao->alert_filter_compiler = &alert_filters;
    ao->event_filter_compiler = &event_filters;
    ao->falco_outputs = c.grpc_output.enabled;
    if (auto st = api.Start(*ao); !st.ok()) {
      dispatcher.Stop(absl::ZeroDuration());
      return fail(st);
    }
  }

  // Detection: per-rule limit, then the outputs and the API.
  outputs::RuleRateLimiter limiter(RateLimitsOf(c), &clock);
  ApiAlertPublisher publisher(&api.alerts());
  AlertFanout fanout(c, &limiter, &dispatcher, api_on ? &publisher : nullptr);
  AlertCounter alert_counter;
  PipelineOptions po;
  po.boot_time_ns = d.boot_time_ns();
  po.hostname = hostname;
  Pipeline pipeline(&rules, *snapshot, {&alert_counter, &fanout}, po);
  EvalTimeHistogram eval_time;
  pipeline.detector()->SetEvalTimeObserver(&eval_time);
  ApiEventPublisher events(&api, d.boot_time_ns());
  TeeSink tee;
  if (api_on) {
    tee.Add(&events);
  }
  tee.Add(pipeline.sink());

  // Housekeeping: SIGHUP reloads, drop actions.
  ReloadOnSighup sighup;
  Housekeeping housekeeping(
      {&d, &reloader, &sighup, c.saker.internal_alerts.enabled ? &internal : nullptr, &log, &clock},
      c.syscall_event_drops);
  housekeeping.Start();

  // Metrics and probes.
  observe::metrics::Registry registry;
  DaemonMetricsSources ms;
  ms.version = SakerVersion().version;
  ms.driver = &d;
  ms.rules = &rules;
  ms.api = api_on ? &api : nullptr;
  ms.alerts = &alert_counter;
  ms.eval_time = &eval_time;
  ms.reloads = &reload_counters;
  RegisterDaemonMetrics(ms, &registry);
  registry.Add([&](observe::metrics::Writer& w) {
    WriteOutputMetrics(dispatcher.Stats(), internal.Stats(), limiter.Suppressed(), w);
  });
  std::atomic<bool> ready{false};
  observe::WebServerHooks hooks;
  hooks.metrics = &registry;
  hooks.liveness = [&housekeeping]() -> absl::Status {
    const int64_t age = absl::GetCurrentTimeNanos() - housekeeping.last_round_ns();
    if (age > absl::ToInt64Nanoseconds(absl::Seconds(10))) {
      return absl::UnavailableError("the housekeeping thread has not run for 10 s");
    }
    return absl::OkStatus();
  };
  hooks.readiness = [&ready]() -> absl::Status {
    return ready.load() ? absl::OkStatus()
                        : absl::UnavailableError("not capturing (starting or stopping)");
  };
  hooks.versions = {{"saker_version", SakerVersion().version},
                    {"engine_version", SakerVersion().engine_version}};
  observe::WebServer web(WebOptionsOf(c), hooks);
  // Only the web server scrapes the registry, and it stops before `web` goes.
  registry.Add([&web](observe::metrics::Writer& w) { web.stats().Write(w); });
  if (c.webserver.enabled) {
    if (auto st = web.Start(); !st.ok()) {
      housekeeping.Stop();
      api.Shutdown();
      dispatcher.Stop(absl::ZeroDuration());
      return fail(absl::Status(st.code(),
                               absl::StrCat(c.Where("webserver"), ": webserver: ", st.message())));
    }
    log.Info("web server listening",
             {{"address", c.webserver.listen_address}, {"port", static_cast<int64_t>(web.port())}});
  }

  const size_t loaded = rules.With([](rules::Engine& e) { return e.summary().enabled_rules; });
  ready.store(true);
  log.Info(absl::StrCat("capturing; ", loaded, " rules loaded"),
           {{"rules", static_cast<int64_t>(loaded)}});

  absl::Status st = RunLive(&d, &tee, rc->duration);
  ready.store(false);
  housekeeping.Stop();
  web.Stop();
  api.Shutdown();
  dispatcher.Stop(absl::Seconds(5));
  std::fflush(stdout);
  log.Info(absl::StrCat("stats: ", StatsJson(d.delivered(), d.ReadCounters())));
  log.Info(absl::StrCat(fanout.alerts(), " alerts"));
  if (!st.ok()) {
    return fail(st);
  }
  return housekeeping.exited_on_drops() ? 1 : 0;
}

}  // namespace saker::daemon
