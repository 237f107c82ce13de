// Time for rate limits and internal alerts, behind a seam so tests can step it.
#pragma once

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace saker::outputs {

class Clock {
 public:
  virtual ~Clock() = default;
  // Monotonic nanoseconds (token buckets, intervals).
  virtual int64_t MonotonicNs() = 0;
  // Wall-clock nanoseconds since the epoch (alert times).
  virtual int64_t WallNs() = 0;
};

class SystemClock : public Clock {
 public:
  int64_t MonotonicNs() override;
  int64_t WallNs() override { return absl::GetCurrentTimeNanos(); }
};

// A clock that moves only when told to; thread-safe.
class FakeClock : public Clock {
 public:
  explicit FakeClock(int64_t wall_ns = 1718000000000000000) : wall_ns_(wall_ns) {}
  int64_t MonotonicNs() override {
    absl::MutexLock l(&mu_);
    return mono_ns_;
  }
  int64_t WallNs() override {
    absl::MutexLock l(&mu_);
    return wall_ns_;
  }
  void Advance(absl::Duration d) {
    absl::MutexLock l(&mu_);
    mono_ns_ += absl::ToInt64Nanoseconds(d);
    wall_ns_ += absl::ToInt64Nanoseconds(d);
  }

 private:
  absl::Mutex mu_;
  int64_t mono_ns_ ABSL_GUARDED_BY(mu_) = 1000000000;
  int64_t wall_ns_ ABSL_GUARDED_BY(mu_);
};

}  // namespace saker::outputs
