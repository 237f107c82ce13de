#include "server/daemon/reloader.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/daemon/exception_status.h"

namespace saker::daemon {

std::vector<std::pair<std::string, std::string>> RestartOnlySettings(const config::Config& c) {
  const config::Api& a = c.saker.api;
  const config::Webserver& w = c.webserver;
  const config::Driver& d = c.saker.driver;
  auto b = [](bool v) { return std::string(v ? "true" : "false"); };
  return {
      {"API listeners (saker.api, grpc)", absl::StrJoin(c.ApiBinds(), ",")},
      {"saker.api.tls files", absl::StrCat(a.tls.cert, ",", a.tls.key, ",", a.tls.ca)},
      {"saker.api.socket_mode/socket_group", absl::StrCat(a.socket_mode, ",", a.socket_group)},
      {"saker.api.alert_history/event_history",
       absl::StrCat(a.alert_history, ",", a.event_history)},
      {"saker.api.max_subscribers/max_subscribers_per_identity/max_streams_per_connection",
       absl::StrCat(a.max_subscribers, ",", a.max_subscribers_per_identity, ",",
                    a.max_streams_per_connection)},
      {"json_output", b(c.json_output)},
      {"stdout_output", b(c.stdout_output.enabled)},
      {"file_output",
       absl::StrCat(b(c.file_output.enabled), ",", c.file_output.filename, ",",
                    b(c.file_output.keep_alive), ",", c.saker.file_output.max_size_mb, ",",
                    c.saker.file_output.max_files)},
      {"http_output", absl::StrCat(b(c.http_output.enabled), ",", c.http_output.url, ",",
                                   b(c.http_output.mtls), ",", c.http_output.client_cert)},
      {"outputs_queue.capacity", absl::StrCat(c.outputs_queue.capacity)},
      {"saker.rate_limit", absl::StrCat(c.saker.rate_limit.rate, ",", c.saker.rate_limit.max_burst,
                                        ",", c.saker.rate_limit.rules.size())},
      {"webserver",
       absl::StrCat(b(w.enabled), ",", w.listen_address, ":", w.listen_port, ",", b(w.ssl_enabled),
                    ",", w.ssl_certificate, ",", b(w.prometheus_metrics_enabled), ",",
                    w.threadiness, ",", c.saker.webserver.header_timeout_ms, ",",
                    c.saker.webserver.idle_timeout_ms, ",", c.saker.webserver.max_connections)},
      {"saker.driver", absl::StrCat(d.ring_bytes, ",", d.coalesce_us, ",", d.snaplen, ",",
                                    absl::StrJoin(d.syscalls, ","))},
      {"saker.user/group", absl::StrCat(c.saker.user, ",", c.saker.group)},
      {"log_stderr/log_syslog/saker.log_format",
       absl::StrCat(b(c.log_stderr), ",", b(c.log_syslog), ",",
                    static_cast<int>(c.saker.log_format))},
  };
}

absl::StatusOr<api::ReloadResult> Reloader::Reload() {
  absl::MutexLock lock(&mu_);
  auto r = StatusOfExceptions("reload", [this]() ABSL_NO_THREAD_SAFETY_ANALYSIS {
    return ReloadLocked();  // mu_ is held
  });
  if (t_.counters != nullptr) {
    (r.ok() ? t_.counters->ok : t_.counters->failed).Inc();
  }
  if (!r.ok()) {
    t_.logger->Error(
        absl::StrCat("reload failed, keeping the running configuration: ", r.status().message()));
  }
  return r;
}

absl::StatusOr<api::ReloadResult> Reloader::ReloadLocked() {
  auto rc = t_.invocation->Load();
  if (!rc.ok()) {
    return rc.status();
  }
  const config::Config& c = rc->config;
  // Everything is checked (the rules compiled, the certificates validated)
  // before anything changes; the certificates are renewed before the rules
  // are swapped in, so a refused file leaves both as they were.
  auto compiled = t_.compile(EngineOptionsOf(c, t_.hostname), c.rules_files);
  if (!compiled.ok()) {
    return compiled.status();
  }
  if (auto st = CheckEnabledRules(compiled->engine->summary(), c); !st.ok()) {
    return st;
  }
  if (t_.api != nullptr) {
    if (auto st = t_.api->ReloadCertificates(); !st.ok()) {
      return st;
    }
    // Validated by Load(); new calls see the new lists.
    if (auto st = t_.api->ReplaceAllowList(AllowListOf(c)); !st.ok()) {
      return st;
    }
  }
  t_.rules->Swap(*std::move(compiled));
  if (t_.dispatcher != nullptr) {
    t_.dispatcher->Reopen();
  }
  t_.logger->set_level(static_cast<observe::LogLevel>(static_cast<int>(c.log_level)));
  for (const std::string& w : c.warnings) {
    t_.logger->Warning(w);
  }
  // Compared with what sakerd started with, which is what still runs: the
  // warning repeats on every reload until a restart, and a file set back to
  // the running values is not warned about.
  const auto before = RestartOnlySettings(running_);
  const auto after = RestartOnlySettings(c);
  for (size_t i = 0; i < before.size(); ++i) {
    if (before[i].second != after[i].second) {
      t_.logger->Warning(absl::StrCat(before[i].first,
                                      " changed in the configuration: restart sakerd to apply it"));
    }
  }
  api::ReloadResult result = t_.rules->With([](rules::Engine& engine) {
    api::ReloadResult r;
    r.rule_count = engine.summary().enabled_rules;
    for (const rules::Diagnostic& w : engine.summary().warnings) {
      r.warnings.push_back(w.ToString());
    }
    return r;
  });
  for (const std::string& w : c.warnings) {
    result.warnings.push_back(w);
  }
  t_.logger->Info(absl::StrCat("reloaded; ", result.rule_count, " rules loaded"),
                  {{"rules", static_cast<int64_t>(result.rule_count)}});
  return result;
}

}  // namespace saker::daemon
