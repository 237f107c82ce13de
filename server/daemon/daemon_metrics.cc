#include "server/daemon/daemon_metrics.h"

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "server/rules/common/priority.h"

namespace saker::daemon {
namespace metrics = observe::metrics;

void AlertCounter::OnAlert(const AlertView& alert) {
  absl::MutexLock lock(&mu_);
  auto it = by_rule_.find(alert.rule->name());
  if (it == by_rule_.end()) {
    it = by_rule_.emplace(alert.rule->name(), Entry{alert.rule->priority()}).first;
  }
  it->second.priority = alert.rule->priority();
  ++it->second.count;
}

void AlertCounter::Write(metrics::Writer& w) const {
  absl::MutexLock lock(&mu_);
  for (const auto& [rule, e] : by_rule_) {
    w.Counter("saker_alerts_total", "Alerts raised, by rule and priority.",
              {{"rule", rule}, {"priority", std::string(rules::PriorityName(e.priority))}},
              e.count);
  }
}

EvalTimeHistogram::EvalTimeHistogram()
    // 250 ns .. ~2 ms.
    : ns_(metrics::ExponentialBounds(250, 2, 14)) {}

void EvalTimeHistogram::Write(metrics::Writer& w) const {
  ns_.Write(w, "saker_rule_evaluation_seconds",
            absl::StrCat("Time the rules took on one event (one event in ",
                         Detector::kEvalSampleEvery, " is timed)."),
            {}, 1e9);
}

namespace {

void WriteDriver(const driver::Driver& d, metrics::Writer& w) {
  const driver::DriverCounters c = d.ReadCounters();
  for (int i = 0; i < SAKER_CAT__COUNT; ++i) {
    const metrics::Labels cat = {{"category", driver::CategoryName(i)}};
    w.Counter("saker_kernel_events_total", "Events the probe sent, by syscall category.", cat,
              c.sent[i]);
    w.Counter("saker_kernel_drops_total",
              "Events the probe dropped (ring full), by syscall category.", cat, c.dropped[i]);
  }
  w.Counter("saker_kernel_oversize_total", "Events too large for the ring, dropped.", {},
            c.oversize);
  w.Counter("saker_kernel_truncated_total", "Events whose data was cut to the snaplen.", {},
            c.truncated);
  w.Counter("saker_kernel_read_faults_total", "Arguments the probe could not read.", {},
            c.read_faults);
}

void WriteApi(const api::ApiServer& api, metrics::Writer& w) {
  const std::vector<api::SubscriberSnapshot> subs = api.subscriber_stats();
  uint64_t by_kind[4] = {};  // by StreamKind (1..3)
  for (const api::SubscriberSnapshot& s : subs) {
    by_kind[static_cast<int>(s.kind) & 3]++;
    const metrics::Labels l = {{"id", absl::StrCat(s.id)},
                               {"kind", std::string(api::StreamKindName(s.kind))},
                               {"peer", s.peer}};
    w.Gauge("saker_api_subscriber_queue_depth", "Records waiting for one API subscriber.", l,
            s.queue_depth);
    w.Counter("saker_api_subscriber_delivered_total", "Records delivered to one API subscriber.", l,
              s.delivered);
    w.Counter("saker_api_subscriber_dropped_total",
              "Records one API subscriber lost (reported to it in-band).", l, s.dropped);
  }
  for (api::StreamKind k :
       {api::StreamKind::kAlerts, api::StreamKind::kEvents, api::StreamKind::kFalco}) {
    w.Gauge("saker_api_subscribers", "Open API streams, by kind.",
            {{"kind", std::string(api::StreamKindName(k))}}, by_kind[static_cast<int>(k) & 3]);
  }
  for (api::Rejection r :
       {api::Rejection::kSubscribers, api::Rejection::kIdentity, api::Rejection::kConnection}) {
    w.Counter("saker_api_rejected_total",
              "API streams refused with RESOURCE_EXHAUSTED, by the cap they would pass.",
              {{"reason", api::RejectionName(r)}}, api.rejected(r));
  }
}

// The standard process metrics, from /proc/self.
void WriteProcess(metrics::Writer& w) {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  if (statm >> size >> resident) {
    w.Gauge("process_resident_memory_bytes", "Resident memory size in bytes.", {},
            resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)));
    w.Gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", {},
            size * static_cast<uint64_t>(sysconf(_SC_PAGESIZE)));
  }
  std::ifstream stat("/proc/self/stat");
  std::string line;
  if (std::getline(stat, line)) {
    // Fields after the command (which may hold spaces): state is field 3.
    std::istringstream rest(line.substr(line.rfind(')') + 2));
    std::string f;
    double utime = 0, stime = 0;
    for (int field = 3; rest >> f; ++field) {
      if (field == 14) {
        utime = std::stod(f);
      } else if (field == 15) {
        stime = std::stod(f);
        break;
      }
    }
    w.Counter("process_cpu_seconds_total", "User and system CPU time spent in seconds.", {},
              (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK)));
  }
}

}  // namespace

void RegisterDaemonMetrics(const DaemonMetricsSources& s, metrics::Registry* registry) {
  registry->Add([s](metrics::Writer& w) {
    w.Gauge("saker_build_info", "Always 1; the labels say which sakerd this is.",
            {{"version", s.version}}, 1);
    if (s.driver != nullptr) {
      WriteDriver(*s.driver, w);
    }
    if (s.rules != nullptr) {
      const size_t n = s.rules->With([](rules::Engine& e) { return e.summary().enabled_rules; });
      w.Gauge("saker_rules_loaded", "Enabled rules in the running rule set.", {}, n);
    }
    if (s.reloads != nullptr) {
      w.Counter("saker_reloads_total", "Configuration and rules reloads, by result.",
                {{"result", "ok"}}, s.reloads->ok.value());
      w.Counter("saker_reloads_total", "Configuration and rules reloads, by result.",
                {{"result", "failed"}}, s.reloads->failed.value());
    }
    if (s.alerts != nullptr) {
      s.alerts->Write(w);
    }
    if (s.eval_time != nullptr) {
      s.eval_time->Write(w);
    }
    if (s.api != nullptr) {
      WriteApi(*s.api, w);
    }
    WriteProcess(w);
  });
}

}  // namespace saker::daemon
