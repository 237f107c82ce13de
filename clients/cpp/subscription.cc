#include "clients/cpp/subscription.h"

#include <algorithm>
#include <random>
#include <utility>

#include "clients/cpp/subscription_impl.h"

namespace saker::client {
namespace internal {

bool Retryable(const grpc::Status& status) {
  switch (status.error_code()) {
    case grpc::StatusCode::UNAVAILABLE:         // server down, restarting, shutting down
    case grpc::StatusCode::DEADLINE_EXCEEDED:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
    case grpc::StatusCode::ABORTED:
    case grpc::StatusCode::INTERNAL:            // e.g. a connection reset mid-message
    case grpc::StatusCode::UNKNOWN:
    case grpc::StatusCode::CANCELLED:           // by the server: ours is checked first
    case grpc::StatusCode::OK:                  // the API never ends a stream with OK
      return true;
    default:  // INVALID_ARGUMENT, PERMISSION_DENIED, UNAUTHENTICATED, UNIMPLEMENTED, ...
      return false;
  }
}

absl::Status ToAbsl(const grpc::Status& status) {
  return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                      status.error_message());
}

namespace {

uint64_t LastSequenceOf(const Alert& a) { return a.sequence; }
uint64_t LastSequenceOf(const Event& e) { return e.sequence; }
uint64_t LastSequenceOf(const Gap& g) { return g.to_sequence; }
uint64_t LastSequenceOf(const End&) { return 0; }

double Jitter() {
  thread_local std::mt19937 rng{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.8, 1.2)(rng);
}

}  // namespace

template <typename T>
SubscriptionImpl<T>::SubscriptionImpl(Attempt attempt, Epoch epoch, ReconnectPolicy policy,
                                      StartAt start, size_t buffer,
                                      typename Subscription<T>::Callback callback)
    : attempt_(std::move(attempt)),
      epoch_(std::move(epoch)),
      policy_(policy),
      initial_start_(start),
      buffer_(std::max<size_t>(buffer, 1)),
      callback_(std::move(callback)) {}

template <typename T>
SubscriptionImpl<T>::~SubscriptionImpl() {
  Cancel();
  if (thread_.joinable()) {
    if (thread_.get_id() == std::this_thread::get_id()) {
      thread_.detach();  // destroyed from its own callback: Run() returns next
    } else {
      thread_.join();
    }
  }
}

template <typename T>
void SubscriptionImpl<T>::Start() {
  thread_ = std::thread([this] { Run(); });
}

// Where the next attempt starts: after the last sequence delivered, or, when
// the server is a new instance (its start time changed, so its sequence
// numbers started again at 1), at the new instance's first alert. Nullopt
// when that cannot be told (the server's status did not answer): resuming
// blindly could skip a new instance's first alerts, so the attempt waits.
template <typename T>
std::optional<StartAt> SubscriptionImpl<T>::NextStart() {
  std::optional<absl::Time> epoch = epoch_ ? epoch_() : std::nullopt;
  bool restarted = epoch && server_epoch_ && *epoch != *server_epoch_;
  if (epoch) {
    server_epoch_ = epoch;
  }
  uint64_t last = last_sequence();
  if (last == 0) {
    return initial_start_;
  }
  if (epoch_ && !epoch) {
    return std::nullopt;
  }
  StartAt start;
  start.from_sequence = restarted ? 1 : last + 1;
  return start;
}

template <typename T>
void SubscriptionImpl<T>::Run() {
  absl::Duration backoff = policy_.initial_backoff;
  int failures = 0;
  grpc::Status last;
  for (bool first = true;; first = false) {
    if (!first) {
      absl::MutexLock l(&mu_);
      ++reconnects_;
    }
    std::optional<StartAt> start = NextStart();
    bool received = false;
    if (!start) {
      last = grpc::Status(grpc::StatusCode::UNAVAILABLE, "the server's status did not answer");
    } else {
      grpc::ClientContext context;
      {
        absl::MutexLock l(&mu_);
        if (cancelled_) {
          break;
        }
        context_ = &context;
      }
      last = attempt_(&context, *start, [&](Item item) {
        received = true;
        return Deliver(std::move(item));
      });
      absl::MutexLock l(&mu_);
      context_ = nullptr;
      if (cancelled_) {
        break;
      }
    }
    if (!Retryable(last)) {
      Deliver(End{ToAbsl(last)});
      return;
    }
    if (received) {
      failures = 0;
      backoff = policy_.initial_backoff;
    }
    if (policy_.max_attempts > 0 && ++failures >= policy_.max_attempts) {
      Deliver(End{ToAbsl(last)});
      return;
    }
    absl::MutexLock l(&mu_);
    if (mu_.AwaitWithTimeout(absl::Condition(&cancelled_), backoff * Jitter())) {
      break;
    }
    backoff = std::min(backoff * policy_.multiplier, policy_.max_backoff);
  }
  Deliver(End{absl::CancelledError("subscription cancelled")});
}

template <typename T>
bool SubscriptionImpl<T>::Deliver(Item item) {
  const bool is_end = std::holds_alternative<End>(item);
  uint64_t seq = std::visit([](const auto& v) { return LastSequenceOf(v); }, item);
  if (callback_) {
    {
      absl::MutexLock l(&mu_);
      if (cancelled_ && !is_end) {
        return false;
      }
      if (!is_end) {
        last_sequence_ = seq;
      }
    }
    callback_(std::move(item));
    absl::MutexLock l(&mu_);
    return !cancelled_;
  }
  absl::MutexLock l(&mu_);
  if (is_end) {
    end_ = std::get<End>(std::move(item));
    return false;
  }
  auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return cancelled_ || queue_.size() < buffer_;
  };
  mu_.Await(absl::Condition(&room));
  if (cancelled_) {
    return false;
  }
  // A restarted server numbers from 1 again: the last sequence follows it.
  last_sequence_ = seq;
  queue_.push_back(std::move(item));
  return true;
}

template <typename T>
std::optional<typename SubscriptionImpl<T>::Item> SubscriptionImpl<T>::PopLocked() {
  if (cancelled_) {
    return Item(End{absl::CancelledError("subscription cancelled")});
  }
  if (!queue_.empty()) {
    Item item = std::move(queue_.front());
    queue_.pop_front();
    return item;
  }
  if (end_) {
    return Item(*end_);
  }
  return std::nullopt;
}

template <typename T>
typename SubscriptionImpl<T>::Item SubscriptionImpl<T>::Next() {
  for (;;) {
    if (auto item = Next(absl::InfiniteDuration())) {
      return *std::move(item);
    }
  }
}

template <typename T>
std::optional<typename SubscriptionImpl<T>::Item> SubscriptionImpl<T>::Next(
    absl::Duration timeout) {
  if (callback_) {
    return Item(End{absl::FailedPreconditionError("a callback subscription has no Next()")});
  }
  absl::MutexLock l(&mu_);
  auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return cancelled_ || !queue_.empty() || end_.has_value();
  };
  mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
  return PopLocked();
}

template <typename T>
void SubscriptionImpl<T>::Cancel() {
  absl::MutexLock l(&mu_);
  cancelled_ = true;
  if (context_ != nullptr) {
    context_->TryCancel();
  }
}

template <typename T>
uint64_t SubscriptionImpl<T>::last_sequence() const {
  absl::MutexLock l(&mu_);
  return last_sequence_;
}

template <typename T>
uint64_t SubscriptionImpl<T>::reconnects() const {
  absl::MutexLock l(&mu_);
  return reconnects_;
}

template class SubscriptionImpl<Alert>;
template class SubscriptionImpl<Event>;

}  // namespace internal

template <typename T>
Subscription<T>::Subscription(std::unique_ptr<internal::SubscriptionImpl<T>> impl)
    : impl_(std::move(impl)) {}
template <typename T>
Subscription<T>::~Subscription() = default;
template <typename T>
typename Subscription<T>::Item Subscription<T>::Next() {
  return impl_->Next();
}
template <typename T>
std::optional<typename Subscription<T>::Item> Subscription<T>::Next(absl::Duration timeout) {
  return impl_->Next(timeout);
}
template <typename T>
void Subscription<T>::Cancel() {
  impl_->Cancel();
}
template <typename T>
uint64_t Subscription<T>::last_sequence() const {
  return impl_->last_sequence();
}
template <typename T>
uint64_t Subscription<T>::reconnects() const {
  return impl_->reconnects();
}

template class Subscription<Alert>;
template class Subscription<Event>;

}  // namespace saker::client
