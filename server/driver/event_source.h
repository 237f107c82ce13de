// The seam between where events come from (the live kernel, a capture file)
// and what consumes them (JSON printer, capture writer, later the state and
// rules engine). Wired together in main.
#pragma once

#include <cstdint>

#include "absl/status/status.h"
#include "server/driver/event_view.h"

namespace saker {

// Receives events in order. `evt_num` counts from 1 in delivery order; the
// view is valid only during the call.
class EventSink {
 public:
  virtual ~EventSink() = default;
  virtual void OnEvent(uint64_t evt_num, const EventView& event) = 0;
};

class EventSource {
 public:
  virtual ~EventSource() = default;
  // Delivers events to `sink` until the source ends (end of file), Stop() is
  // called, or an error occurs. Returns OK on a clean end.
  virtual absl::Status Run(EventSink* sink) = 0;
  // Asks Run() to return soon; safe from any thread or a signal handler.
  virtual void Stop() = 0;
  // CLOCK_REALTIME - CLOCK_BOOTTIME, in ns: add to an event's ts_ns to get
  // wall-clock time. Recorded in capture files so replays print the same.
  virtual int64_t boot_time_ns() const = 0;
};

}  // namespace saker
