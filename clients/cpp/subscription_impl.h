// The reader thread behind a Subscription: one stream attempt at a time,
// reconnection with backoff, resume from the last sequence delivered, and a
// bounded hand-off to Next() or to a callback.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "clients/cpp/options.h"
#include "clients/cpp/subscription.h"
#include "grpcpp/grpcpp.h"

namespace saker::client::internal {

template <typename T>
class SubscriptionImpl {
 public:
  using Item = std::variant<T, Gap, End>;
  // Hands one item on; false when the subscription was cancelled.
  using Emit = std::function<bool(Item)>;
  // Runs one stream from `start` until it ends, emitting what it reads.
  using Attempt = std::function<grpc::Status(grpc::ClientContext*, const StartAt&, const Emit&)>;
  // The server instance's start time, when it can be had (see Reconnect()).
  using Epoch = std::function<std::optional<absl::Time>()>;

  SubscriptionImpl(Attempt attempt, Epoch epoch, ReconnectPolicy policy, StartAt start,
                   size_t buffer, typename Subscription<T>::Callback callback);
  ~SubscriptionImpl();

  void Start();
  Item Next();
  std::optional<Item> Next(absl::Duration timeout);
  void Cancel();
  uint64_t last_sequence() const;
  uint64_t reconnects() const;

 private:
  void Run();
  std::optional<StartAt> NextStart();
  bool Deliver(Item item);
  std::optional<Item> PopLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Attempt attempt_;
  const Epoch epoch_;
  const ReconnectPolicy policy_;
  const StartAt initial_start_;
  const size_t buffer_;
  const typename Subscription<T>::Callback callback_;
  std::thread thread_;
  std::optional<absl::Time> server_epoch_;  // reader thread only

  mutable absl::Mutex mu_;
  std::deque<Item> queue_ ABSL_GUARDED_BY(mu_);
  std::optional<End> end_ ABSL_GUARDED_BY(mu_);  // returned once the queue is drained
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;
  grpc::ClientContext* context_ ABSL_GUARDED_BY(mu_) = nullptr;
  uint64_t last_sequence_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t reconnects_ ABSL_GUARDED_BY(mu_) = 0;
};

// Whether a stream that ended with this status is worth re-opening.
bool Retryable(const grpc::Status& status);
absl::Status ToAbsl(const grpc::Status& status);

}  // namespace saker::client::internal
