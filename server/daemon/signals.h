// SIGINT and SIGTERM stop the running EventSource (async-signal-safe: Stop()
// is an atomic store and an eventfd write).
#pragma once

#include "absl/status/status.h"
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

namespace saker::daemon {

// SIGHUP asks for a reload; a thread of sakerd's housekeeping takes the request
// (server/daemon/housekeeping.h). One at a time.
class ReloadOnSighup {
 public:
  ReloadOnSighup();
  ~ReloadOnSighup();
  ReloadOnSighup(const ReloadOnSighup&) = delete;
  ReloadOnSighup& operator=(const ReloadOnSighup&) = delete;
  // True once per SIGHUP received.
  bool TakeRequest();
};

}  // namespace saker::daemon

namespace saker::driver {
class Driver;
}  // namespace saker::driver

namespace saker::daemon {

// Runs the live driver into `sink` until SIGINT/SIGTERM or `duration_s`
// seconds (0: no limit), then detaches the probe and drains what the rings
// still hold: those events belong to the run.
absl::Status RunLive(driver::Driver* driver, EventSink* sink, double duration_s);

}  // namespace saker::daemon
