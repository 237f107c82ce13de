// Ctrl-C (SIGINT) and SIGTERM as a flag the commands poll: the signals are
// blocked in every thread and taken by a watcher thread with sigtimedwait, so
// no handler and no process-global variable is needed. Create it first in
// main, before any other thread (gRPC's) starts, so they inherit the mask.
#pragma once

#include <atomic>
#include <thread>

namespace saker::cli {

class Interrupt {
 public:
  Interrupt();
  ~Interrupt();
  Interrupt(const Interrupt&) = delete;
  Interrupt& operator=(const Interrupt&) = delete;

  // True once SIGINT or SIGTERM arrived.
  bool requested() const { return requested_.load(); }

 private:
  std::atomic<bool> requested_{false};
  std::atomic<bool> stop_{false};
  std::thread watcher_;
};

}  // namespace saker::cli
