#pragma once

// The fan-out hubs the detection pipeline and the event source publish into
// and every API stream reads from.

#include <cstdint>

#include "absl/time/clock.h"
#include "server/api/records.h"
#include "server/api/ring.h"

namespace saker::api {

// Alerts. Publish() copies the input into the oldest history slot (no
// allocation once the slot's strings have grown), assigns the next sequence
// number, and wakes the parked streams; it never waits for a subscriber.
class AlertHub : public Ring<AlertRecord> {
 public:
  explicit AlertHub(size_t history = 65536) : Ring<AlertRecord>(history) {}
  uint64_t Publish(const AlertInput& in) {
    return PublishWith([&in](AlertRecord& r) {
      r.Assign(in);
      r.publish_ns = absl::GetCurrentTimeNanos();
    });
  }
};

// Raw syscall events, with the same semantics.
class EventHub : public Ring<EventRecord> {
 public:
  explicit EventHub(size_t history = 65536) : Ring<EventRecord>(history) {}
  uint64_t Publish(const EventInput& in) {
    return PublishWith([&in](EventRecord& r) { r.Assign(in); });
  }
};

}  // namespace saker::api
