// A stream of alerts or events that survives the server: it reconnects with
// backoff and resumes after the last sequence number it delivered. Gap
// notices are delivered in order with the items, never dropped.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <variant>

#include "absl/time/time.h"
#include "clients/cpp/types.h"

namespace saker::client {

namespace internal {
template <typename T>
class SubscriptionImpl;
}  // namespace internal

// T is Alert or Event. Created by Client::SubscribeAlerts/SubscribeEvents.
// Destroying it cancels the stream and waits for its reader thread.
template <typename T>
class Subscription {
 public:
  using Item = std::variant<T, Gap, End>;
  using Callback = std::function<void(Item)>;

  ~Subscription();
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  // Blocks for the next item. Once an End is returned, every later call
  // returns it again. (A callback subscription returns End at once.)
  Item Next();
  // Like Next(), or nullopt when nothing arrives within the timeout.
  std::optional<Item> Next(absl::Duration timeout);

  // Ends the stream: Next() returns End{CANCELLED}, a callback subscription
  // gets End{CANCELLED} last. Safe from any thread, including the callback.
  void Cancel();

  // The last sequence number delivered (item or gap end); 0 before any.
  uint64_t last_sequence() const;
  // How many times the stream was re-opened after it broke.
  uint64_t reconnects() const;

  // For Client only.
  explicit Subscription(std::unique_ptr<internal::SubscriptionImpl<T>> impl);

 private:
  std::unique_ptr<internal::SubscriptionImpl<T>> impl_;
};

using AlertSubscription = Subscription<Alert>;
using EventSubscription = Subscription<Event>;

}  // namespace saker::client
