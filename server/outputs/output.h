// The seam every alert output implements.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/outputs/alert.h"

namespace saker::outputs {

// Counters one output keeps about itself (a snapshot).
struct OutputCounters {
  uint64_t sent = 0;         // alerts written / delivered
  uint64_t failed = 0;       // writes that failed (for HTTP: gave up after retries)
  uint64_t dropped = 0;      // alerts lost: own queue full, or given up (HTTP)
  uint64_t retries = 0;      // extra attempts (HTTP)
  uint64_t queue_depth = 0;  // alerts waiting in the output's own queue (HTTP)
};

// Called when an output fails asynchronously (HTTP retries exhausted): the
// output's name and the error. May run on the output's own thread.
using OutputFailureHandler = std::function<void(absl::string_view output, const absl::Status&)>;

class AlertOutput {
 public:
  virtual ~AlertOutput() = default;
  // Writes or enqueues one alert. A non-OK status is a failed write (the
  // Dispatcher counts it and raises an internal alert). Called from one
  // thread at a time (the Dispatcher's worker).
  virtual absl::Status Write(const Alert& alert) = 0;
  // "stdout", "file", "http": names the output in stats and internal alerts.
  virtual std::string Name() const = 0;
  // Reopens what it writes to (a file after logrotate moved it).
  virtual absl::Status Reopen() { return absl::OkStatus(); }
  virtual OutputCounters Counters() const = 0;
  // Outputs that deliver on their own thread report failures here.
  virtual void SetFailureHandler(OutputFailureHandler handler) {}
  // Waits until everything accepted so far is delivered or given up, up to
  // `timeout`; true if it got there.
  virtual bool Flush(absl::Duration timeout) { return true; }
};

}  // namespace saker::outputs
