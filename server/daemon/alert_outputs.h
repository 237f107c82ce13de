// sakerd's alerts leaving the pipeline: the per-rule rate limit, then one
// formatting, then the outputs (server/outputs) and the gRPC API. Internal
// alerts (drops, output failures) take the same two ways.
#pragma once

#include <atomic>
#include <cstdio>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "server/api/hub.h"
#include "server/config/config.h"
#include "server/daemon/api_bridge.h"
#include "server/daemon/detection.h"
#include "server/observe/metrics.h"
#include "server/outputs/dispatcher.h"
#include "server/outputs/internal_alerts.h"
#include "server/outputs/output.h"
#include "server/outputs/rate_limiter.h"

namespace saker::daemon {

// The outputs the configuration enables (stdout to `out`), in that order.
// Errors (an unreadable certificate, a bad URL) name the key.
absl::StatusOr<std::vector<std::unique_ptr<outputs::AlertOutput>>> BuildOutputs(
    const config::Config& c, FILE* out);

outputs::RuleRateLimitOptions RateLimitsOf(const config::Config& c);

// Rate-limits, formats once (only the forms the outputs and the API use) and
// hands each alert to the dispatcher, and to the API when there is one.
class AlertFanout : public AlertSink {
 public:
  // Any pointer may be null (no outputs, no API, no limit).
  AlertFanout(const config::Config& c, outputs::RuleRateLimiter* limiter,
              outputs::Dispatcher* dispatcher, ApiAlertPublisher* api);
  void OnAlert(const AlertView& alert) override;
  // Alerts that passed the rate limit.
  uint64_t alerts() const { return alerts_.load(std::memory_order_relaxed); }

 private:
  outputs::RuleRateLimiter* limiter_;
  outputs::Dispatcher* dispatcher_;
  ApiAlertPublisher* api_;
  bool text_ = false;
  bool json_ = false;
  std::atomic<uint64_t> alerts_{0};
};

// Publishes an internal alert (built by outputs::InternalAlerts) to the API:
// its output and output_fields come from its JSON form.
void PublishInternalAlert(const outputs::Alert& alert, api::AlertHub* hub);

// The outputs' counters for /metrics.
void WriteOutputMetrics(const outputs::DispatcherStats& d, const outputs::InternalAlertStats& i,
                        const std::vector<std::pair<std::string, uint64_t>>& rate_limited,
                        observe::metrics::Writer& w);

}  // namespace saker::daemon
