#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace saker::api {

// A stream that waits for new items in a hub.
class Waiter {
 public:
  virtual ~Waiter() = default;
  // Called on the hub's dispatcher thread after the waiter was taken off the
  // wait list, when new items were published or on Poke(). Must not block.
  virtual void Wake() = 0;
};

// The streams parked on one hub and the thread that wakes them.
//
// A caught-up stream parks itself, then re-checks for new items and, if any
// arrived, takes itself back with Unpark(). A publisher calls Notify() after
// publishing: a relaxed check when nobody is parked, otherwise one signal to
// the dispatcher (coalesced while a signal is pending). The publisher never
// waits for a stream.
class WakeList {
 public:
  WakeList();
  ~WakeList();
  WakeList(const WakeList&) = delete;
  WakeList& operator=(const WakeList&) = delete;

  // After the hub's head moved (seq_cst store before this call).
  void Notify() {
    if (parked_count_.load(std::memory_order_seq_cst) != 0 &&
        !pending_.exchange(true, std::memory_order_acq_rel)) {
      Signal();
    }
  }
  // Wakes every parked stream now (used after flagging a stop or a cancel).
  void Poke() {
    pending_.store(true, std::memory_order_release);
    Signal();
  }
  void Park(Waiter* w);
  // Takes w back if it is still parked: true means the caller owns it again;
  // false means the dispatcher has it (and will call Wake()).
  bool Unpark(Waiter* w);
  size_t parked() const { return parked_count_.load(std::memory_order_relaxed); }

 private:
  void Signal();
  void Run();

  std::mutex mu_;
  std::vector<Waiter*> parked_;
  std::atomic<size_t> parked_count_{0};
  std::atomic<bool> pending_{false};

  std::mutex cv_mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace saker::api
