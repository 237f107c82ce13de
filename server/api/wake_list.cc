#include "server/api/wake_list.h"

#include <algorithm>

namespace saker::api {

WakeList::WakeList() : thread_([this] { Run(); }) {}

WakeList::~WakeList() {
  {
    std::lock_guard<std::mutex> l(cv_mu_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void WakeList::Park(Waiter* w) {
  std::lock_guard<std::mutex> l(mu_);
  parked_.push_back(w);
  parked_count_.fetch_add(1, std::memory_order_seq_cst);
}

bool WakeList::Unpark(Waiter* w) {
  std::lock_guard<std::mutex> l(mu_);
  auto it = std::find(parked_.begin(), parked_.end(), w);
  if (it == parked_.end()) {
    return false;
  }
  *it = parked_.back();
  parked_.pop_back();
  parked_count_.fetch_sub(1, std::memory_order_seq_cst);
  return true;
}

void WakeList::Signal() {
  // Taking the lock orders this with the dispatcher's check of pending_, so
  // the notification cannot fall between its check and its wait.
  { std::lock_guard<std::mutex> l(cv_mu_); }
  cv_.notify_one();
}

void WakeList::Run() {
  std::vector<Waiter*> batch;
  for (;;) {
    {
      std::unique_lock<std::mutex> l(cv_mu_);
      cv_.wait(l, [this] { return stop_ || pending_.load(std::memory_order_acquire); });
      if (stop_) {
        return;
      }
      pending_.store(false, std::memory_order_release);
    }
    {
      std::lock_guard<std::mutex> l(mu_);
      batch.swap(parked_);
      parked_count_.fetch_sub(batch.size(), std::memory_order_seq_cst);
    }
    for (Waiter* w : batch) {
      w->Wake();
    }
    batch.clear();
  }
}

}  // namespace saker::api
