#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"

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

// Caps on open streams, so clients cannot make the server hold memory without
// bound (every stream costs its messages and its transport buffers).
struct SubscriberLimits {
  size_t max_subscribers = 1024;  // all streams together
  // Streams of one certificate identity (mutual TLS; the unix socket's
  // clients have none and only count towards max_subscribers).
  size_t max_per_identity = 512;
  // Streams of one TCP connection (its peer address; unix-socket clients
  // share one address, so HTTP/2's max concurrent streams bounds those).
  size_t max_per_connection = 100;
};

// Why a stream was refused (a metric label each).
enum class Rejection { kSubscribers = 0, kIdentity = 1, kConnection = 2 };
inline constexpr int kRejectionKinds = 3;
// "subscribers", "identity", "connection".
const char* RejectionName(Rejection r);

// Every open subscription: for status, to bound them, and to end them all at
// shutdown.
class SubscriberRegistry {
 public:
  void SetLimits(const SubscriberLimits& limits);
  // Returns the id; UNAVAILABLE when the server is shutting down, or
  // RESOURCE_EXHAUSTED naming the limit a new stream would pass (counted, see
  // rejected()). Either way the caller ends its stream itself. `peer`:
  // gRPC's peer address ("ipv4:..."; "unix:..." is not a connection key);
  // `identity`: the client certificate's, empty for none.
  absl::StatusOr<uint64_t> Add(Subscription* s, const std::string& peer,
                               const std::string& identity);
  void Remove(Subscription* s);
  uint64_t rejected(Rejection r) const {
    return rejected_[static_cast<int>(r)].load(std::memory_order_relaxed);
  }
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
  struct Entry {
    uint64_t id = 0;
    std::string connection;  // empty: not counted per connection
    std::string identity;    // empty: not counted per identity
  };
  absl::StatusOr<uint64_t> Refuse(Rejection r, size_t limit, const char* what);

  std::unordered_map<Subscription*, Entry> subs_;
  std::unordered_map<std::string, size_t> per_connection_;
  std::unordered_map<std::string, size_t> per_identity_;
  SubscriberLimits limits_;
  std::atomic<uint64_t> rejected_[kRejectionKinds] = {};
  std::atomic<size_t> count_{0};  // subs_.size(), readable without mu_
  uint64_t next_id_ = 1;
  bool stopping_ = false;
};

}  // namespace saker::api
