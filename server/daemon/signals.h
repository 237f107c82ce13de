// SIGINT and SIGTERM stop the running EventSource (async-signal-safe: Stop()
// is an atomic store and an eventfd write).
#pragma once

#include "server/driver/event_source.h"

namespace saker::daemon {

// Installs the handlers for its lifetime; one at a time.
class StopOnSignals {
 public:
  explicit StopOnSignals(EventSource* source);
  ~StopOnSignals();
  StopOnSignals(const StopOnSignals&) = delete;
  StopOnSignals& operator=(const StopOnSignals&) = delete;
};

}  // namespace saker::daemon
