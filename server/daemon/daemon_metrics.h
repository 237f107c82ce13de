// sakerd's Prometheus metrics: what the driver, the rules, the API and the
// outputs count, registered as collectors read at scrape time. The hot path
// only bumps atomics (eval-time histogram) or, per alert, one map entry.
#pragma once

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "server/api/api_server.h"
#include "server/daemon/detection.h"
#include "server/daemon/rules_handle.h"
#include "server/driver/driver.h"
#include "server/observe/instruments.h"
#include "server/observe/metrics.h"

namespace saker::daemon {

// Alerts by rule and priority, counted for the life of the daemon (rule
// reloads do not reset them).
class AlertCounter : public AlertSink {
 public:
  void OnAlert(const AlertView& alert) override;
  void Write(observe::metrics::Writer& w) const;

 private:
  struct Entry {
    rules::Priority priority;
    uint64_t count = 0;
  };
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, Entry> by_rule_ ABSL_GUARDED_BY(mu_);
};

// The rule evaluation time of the sampled events, in seconds.
class EvalTimeHistogram : public EvalTimeObserver {
 public:
  EvalTimeHistogram();
  void OnEvalTime(uint64_t ns) override { ns_.Observe(static_cast<double>(ns)); }
  void Write(observe::metrics::Writer& w) const;

 private:
  observe::metrics::Histogram ns_;
};

// Reloads by result (ok, failed), for the reloader to bump.
struct ReloadCounters {
  observe::metrics::Counter ok;
  observe::metrics::Counter failed;
};

struct DaemonMetricsSources {
  std::string version;
  const driver::Driver* driver = nullptr;
  RulesHandle* rules = nullptr;
  const api::ApiServer* api = nullptr;  // null: no gRPC API
  const AlertCounter* alerts = nullptr;
  const EvalTimeHistogram* eval_time = nullptr;
  const ReloadCounters* reloads = nullptr;
};

// Registers the collectors; the sources must outlive the registry's use.
void RegisterDaemonMetrics(const DaemonMetricsSources& sources,
                           observe::metrics::Registry* registry);

}  // namespace saker::daemon
