// Saker's own alerts (source "internal"), in Falco's text and JSON shapes,
// limited by their own token bucket: kernel event drops and output failures.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/outputs/alert.h"
#include "server/outputs/clock.h"
#include "server/outputs/rate_limiter.h"
#include "server/outputs/stats.h"

namespace saker::outputs {

inline constexpr char kDropsRule[] = "Saker internal: kernel event drops";
inline constexpr char kOutputFailureRule[] = "Saker internal: output failure";

struct InternalAlertOptions {
  // Falco's syscall_event_drops default: one alert per 30 s, a small burst.
  RateLimit limit{1.0 / 30, 5};
  std::string hostname;
  bool time_format_iso_8601 = false;  // the text line's time, as Falco's option
  absl::TimeZone time_zone = absl::LocalTimeZone();
};

// A named value for output_fields.
struct InternalField {
  std::string key;
  std::string text;  // the value as text
  bool is_number;    // JSON number (else JSON string)
};

class InternalAlerts {
 public:
  using Emit = std::function<void(const Alert&)>;
  // `emit` gets every alert that passed the bucket: the daemon passes one
  // that calls Dispatcher::SubmitInternal and publishes to the gRPC API.
  // `clock` is not owned.
  InternalAlerts(InternalAlertOptions options, Clock* clock, Emit emit);

  // Once a second with the driver's cumulative counters: total drops and
  // drops by category (e.g. {"file", 3}). Alerts on the increase since the
  // previous call.
  void OnDriverCounters(uint64_t total_drops,
                        const std::vector<std::pair<std::string, uint64_t>>& by_category);
  // An output failed (file write error, HTTP retries exhausted).
  void OnOutputFailure(absl::string_view output, const absl::Status& error);

  InternalAlertStats Stats() const;

  // Builds an internal alert (exposed for tests and the daemon).
  Alert Build(absl::string_view rule, int priority, const std::string& output,
              const std::vector<InternalField>& fields, int64_t time_ns) const;

 private:
  void Raise(absl::string_view rule, int priority, const std::string& output,
             const std::vector<InternalField>& fields, absl::string_view skip_output = {});

  const InternalAlertOptions options_;
  Clock* clock_;
  Emit emit_;

  mutable absl::Mutex mu_;
  TokenBucket bucket_ ABSL_GUARDED_BY(mu_);
  uint64_t emitted_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t suppressed_ ABSL_GUARDED_BY(mu_) = 0;
  // Previous driver counters (OnDriverCounters' caller is one thread).
  int64_t last_counters_ns_ ABSL_GUARDED_BY(mu_);
  uint64_t last_total_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::pair<std::string, uint64_t>> last_by_category_ ABSL_GUARDED_BY(mu_);
};

}  // namespace saker::outputs
