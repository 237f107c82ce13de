#include "server/outputs/clock.h"

#include <time.h>

namespace saker::outputs {

int64_t SystemClock::MonotonicNs() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

}  // namespace saker::outputs
