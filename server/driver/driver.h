// The live event source: loads the CO-RE probe, attaches it, and consumes the
// per-CPU ring buffers on one thread woken by epoll, merging them in
// timestamp order.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "saker/wire.h"
#include "server/driver/event_source.h"

namespace saker::driver {

struct DriverOptions {
  // evt.type names to capture (e.g. "openat", "procexit"); empty = all.
  std::vector<std::string> syscalls;
  // Bytes of ring buffer per CPU (a power of two, >= page size).
  uint32_t ring_bytes_per_cpu = 8u << 20;
  // Bytes of send/recv payload to capture; 0 = none (the default).
  uint32_t snaplen = 0;
  // Caps on execve argv and env bytes.
  uint32_t argv_max = 4096;
  uint32_t env_max = 4096;
  // Leave out sakerd's own syscalls.
  bool exclude_self = true;
  // After a wakeup, let events gather this long before draining, so that a
  // burst costs one wakeup rather than one per event. Bounds the added
  // latency; 0 drains at once.
  uint32_t coalesce_us = 500;
};

// Counters kept by the probe, summed over CPUs.
struct DriverCounters {
  uint64_t sent[SAKER_CAT__COUNT] = {};
  uint64_t dropped[SAKER_CAT__COUNT] = {};
  uint64_t oversize = 0;
  uint64_t truncated = 0;
  uint64_t read_faults = 0;
  uint64_t procexit_sent = 0;

  uint64_t total_sent() const;
  uint64_t total_dropped() const;
};

const char* CategoryName(int category);

class Driver : public EventSource {
 public:
  // Checks the kernel's features and privileges, then opens, loads and
  // attaches the probe. Errors name what is missing and how to fix it.
  static absl::StatusOr<std::unique_ptr<Driver>> Open(const DriverOptions& options);
  ~Driver() override;

  absl::Status Run(EventSink* sink) override;
  void Stop() override;
  int64_t boot_time_ns() const override { return boot_time_ns_; }

  // Delivers every event already in the rings, then returns.
  absl::Status Drain(EventSink* sink);
  // Detaches the probe: no new events are produced (already-buffered ones
  // can still be drained).
  void Detach();
  // Attaches again after Detach() (benchmarks compare both states).
  absl::Status Attach();

  DriverCounters ReadCounters() const;
  // Events delivered by Run/Drain so far.
  uint64_t delivered() const { return next_evt_num_ - 1; }

  struct Impl;

 private:
  explicit Driver(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
  int64_t boot_time_ns_ = 0;
  uint64_t next_evt_num_ = 1;
};

}  // namespace saker::driver
