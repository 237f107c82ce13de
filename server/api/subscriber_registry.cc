#include "server/api/subscriber_registry.h"

namespace saker::api {

uint64_t SubscriberRegistry::Add(Subscription* s) {
  std::lock_guard<std::mutex> l(mu_);
  if (stopping_) {
    return 0;
  }
  uint64_t id = next_id_++;
  subs_.emplace(s, id);
  count_.store(subs_.size(), std::memory_order_relaxed);
  return id;
}

void SubscriberRegistry::Remove(Subscription* s) {
  std::lock_guard<std::mutex> l(mu_);
  subs_.erase(s);
  count_.store(subs_.size(), std::memory_order_relaxed);
  if (subs_.empty()) {
    empty_cv_.notify_all();
  }
}

bool SubscriberRegistry::WaitEmpty(std::chrono::system_clock::time_point deadline) {
  std::unique_lock<std::mutex> l(mu_);
  return empty_cv_.wait_until(l, deadline, [this] { return subs_.empty(); });
}

std::vector<SubscriberSnapshot> SubscriberRegistry::List() const {
  std::lock_guard<std::mutex> l(mu_);
  std::vector<SubscriberSnapshot> out;
  out.reserve(subs_.size());
  for (const auto& [s, id] : subs_) {
    out.push_back(s->Snapshot());
    out.back().id = id;
  }
  return out;
}

void SubscriberRegistry::StopAll() {
  // Stop() only flags and pokes; streams finish on the hubs' dispatcher
  // threads or in their next OnWriteDone, then Remove() themselves in OnDone.
  std::lock_guard<std::mutex> l(mu_);
  stopping_ = true;
  for (const auto& [s, id] : subs_) {
    s->Stop();
  }
}

size_t SubscriberRegistry::size() const { return count_.load(std::memory_order_relaxed); }

}  // namespace saker::api
