// Stops an EventSource after a number of seconds (sakerd --duration).
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "server/driver/event_source.h"

namespace saker::daemon {

// Stops `source` after `seconds` unless cancelled first.
class Deadline {
 public:
  Deadline(EventSource* source, double seconds) {
    if (seconds <= 0) {
      return;
    }
    thread_ = std::thread([this, source, seconds] {
      std::unique_lock<std::mutex> lock(mu_);
      if (!cv_.wait_for(lock, std::chrono::duration<double>(seconds),
                        [this] { return cancelled_; })) {
        source->Stop();
      }
    });
  }
  ~Deadline() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      cancelled_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool cancelled_ = false;
  std::thread thread_;
};

}  // namespace saker::daemon
