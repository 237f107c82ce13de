// Snapshots for Prometheus (the daemon exports them).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "server/outputs/output.h"

namespace saker::outputs {

struct OutputStats {
  std::string name;         // AlertOutput::Name()
  OutputCounters counters;  // sent, failed, dropped, retries, queue_depth
};

struct DispatcherStats {
  uint64_t queued = 0;       // alerts accepted into the dispatcher's queue, ever
  uint64_t queue_depth = 0;  // alerts waiting now
  uint64_t dropped = 0;      // alerts lost because the queue was full
  uint64_t rate_limited = 0; // alerts suppressed by the per-rule limits, all rules
  std::vector<std::pair<std::string, uint64_t>> rate_limited_by_rule;  // sorted by rule
  std::vector<OutputStats> outputs;  // in the order the outputs were given
};

struct InternalAlertStats {
  uint64_t emitted = 0;     // internal alerts sent on
  uint64_t suppressed = 0;  // internal alerts the internal token bucket held back
};

}  // namespace saker::outputs
