#pragma once

#include <cstdint>
#include <chrono>
#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

namespace saker::api {

enum class StreamKind { kAlerts = 1, kEvents = 2, kFalco = 3 };

// "alerts", "events", "falco": e.g. a metric label.
inline const char* StreamKindName(StreamKind k) {
  switch (k) {
    case StreamKind::kAlerts:
      return "alerts";
    case StreamKind::kEvents:
      return "events";
    case StreamKind::kFalco:
      return "falco";
  }
  return "unknown";
}

struct SubscriberSnapshot {
  uint64_t id = 0;
  std::string peer;
  std::string identity;
  StreamKind kind = StreamKind::kAlerts;
  uint64_t queue_depth = 0;
  uint64_t delivered = 0;
  uint64_t dropped = 0;
  int64_t since_ns = 0;
};

// An open stream, as the registry sees it.
class Subscription {
 public:
  virtual ~Subscription() = default;
  // Ends the stream with its shutdown status (asynchronously; never blocks).
  virtual void Stop() = 0;
  virtual SubscriberSnapshot Snapshot() const = 0;
};

// Every open subscription: for status, and to end them all at shutdown.
class SubscriberRegistry {
 public:
  // Returns the id, or 0 when the server is shutting down (the caller must
  // then end its stream itself).
  uint64_t Add(Subscription* s);
  void Remove(Subscription* s);
  std::vector<SubscriberSnapshot> List() const;
  // Stops every stream, and every stream added from now on.
  void StopAll();
  // Lock-free: the event path asks on every event.
  size_t size() const;
  // Waits until every subscription is gone or the deadline passes; true when
  // empty.
  bool WaitEmpty(std::chrono::system_clock::time_point deadline);

 private:
  mutable std::mutex mu_;
  std::condition_variable empty_cv_;
  std::unordered_map<Subscription*, uint64_t> subs_;
  std::atomic<size_t> count_{0};  // subs_.size(), readable without mu_
  uint64_t next_id_ = 1;
  bool stopping_ = false;
};

}  // namespace saker::api
