#pragma once

// The write loop every hub-fed stream shares. A reactor derives from it and
// supplies the hooks; the pump keeps exactly one write in flight, parks the
// stream on the hub when it has caught up, and finishes it on cancel, failed
// write or stop.
//
// Ownership: at any moment exactly one of these drives the stream: the code
// that created it (Begin), the write in flight (WriteDone), or the hub's
// dispatcher (Wake, once parked). Cancel and Stop only set a flag and poke the
// dispatcher, so no reaction ever blocks or races another. gRPC calls
// (StartWrite, Finish) are made without holding any lock, and nothing touches
// `this` after Finish.

#include <atomic>
#include <string>

#include <grpcpp/support/status.h>

#include "absl/time/clock.h"
#include "server/api/ring.h"
#include "server/api/subscriber_registry.h"
#include "server/api/wake_list.h"

namespace saker::api {

template <class Record>
class StreamPump : public Waiter, public Subscription {
 public:
  struct Config {
    Ring<Record>* ring = nullptr;
    SubscriberRegistry* registry = nullptr;
    StartAt start;
    bool finish_when_caught_up = false;  // one-shot dump (Falco get)
    StreamKind kind = StreamKind::kAlerts;
    std::string peer;
    std::string identity;
    grpc::Status stop_status;  // the status a server shutdown ends it with
  };

  explicit StreamPump(Config config)
      : config_(std::move(config)),
        cursor_(config_.ring, config_.start),
        since_ns_(absl::GetCurrentTimeNanos()) {
    if (config_.finish_when_caught_up) {
      cursor_.StopAtCurrentEnd();
    }
  }

  // Subscription
  void Stop() override {
    stopping_.store(true, std::memory_order_seq_cst);
    config_.ring->waiters().Poke();
  }
  SubscriberSnapshot Snapshot() const override {
    SubscriberSnapshot s;
    s.peer = config_.peer;
    s.identity = config_.identity;
    s.kind = config_.kind;
    s.queue_depth = cursor_.depth();
    s.delivered = cursor_.delivered();
    s.dropped = cursor_.dropped() + lapped_pending();
    s.since_ns = since_ns_;
    return s;
  }

  // Waiter: the dispatcher hands the stream back.
  void Wake() override { Pump(); }

 protected:
  // Fill the next message from `r`; false skips it (filtered out).
  virtual bool Accept(const Record& r) = 0;
  // Fill a gap notice; false when the protocol has none (the loss is still
  // counted).
  virtual bool AcceptGap(const Gap& gap) = 0;
  virtual void StartNextWrite() = 0;
  virtual void FinishStream(const grpc::Status& status) = 0;

  // Starts the loop (from the reactor's constructor, after its own setup).
  void Begin() {
    if (config_.registry->Add(this) == 0) {
      FinishStream(config_.stop_status);
      return;
    }
    registered_ = true;
    Pump();
  }
  void WriteDone(bool ok) {
    if (!ok) {
      failed_.store(true, std::memory_order_seq_cst);
    }
    Pump();
  }
  void Cancelled() {
    cancelled_.store(true, std::memory_order_seq_cst);
    config_.ring->waiters().Poke();
  }
  // From OnDone, before `delete this`.
  void Done() {
    if (registered_) {
      config_.registry->Remove(this);
    }
  }

  const Cursor<Record>& cursor() const { return cursor_; }

 private:
  bool Ended() const {
    return cancelled_.load(std::memory_order_seq_cst) || failed_.load(std::memory_order_seq_cst) ||
           stopping_.load(std::memory_order_seq_cst);
  }
  uint64_t lapped_pending() const {
    uint64_t oldest = config_.ring->oldest();
    uint64_t pos = cursor_.position();
    return pos < oldest ? oldest - pos : 0;
  }
  void End() {
    if (cancelled_.load() || failed_.load()) {
      FinishStream(grpc::Status(grpc::StatusCode::CANCELLED, "stream cancelled"));
    } else {
      FinishStream(config_.stop_status);
    }
  }

  void Pump() {
    for (;;) {
      if (Ended()) {
        End();
        return;
      }
      Gap gap;
      auto step = cursor_.Next([this](const Record& r) { return Accept(r); }, &gap);
      if (step == Cursor<Record>::Step::kItem) {
        StartNextWrite();
        return;
      }
      if (step == Cursor<Record>::Step::kGap) {
        if (AcceptGap(gap)) {
          StartNextWrite();
          return;
        }
        continue;
      }
      if (config_.finish_when_caught_up) {
        FinishStream(grpc::Status::OK);
        return;
      }
      WakeList& waiters = config_.ring->waiters();
      waiters.Park(this);
      // Re-check after parking: a publish or a stop that raced the park.
      if (!cursor_.HasMore() && !Ended()) {
        return;
      }
      if (!waiters.Unpark(this)) {
        return;  // the dispatcher has it and will call Wake()
      }
    }
  }

  Config config_;
  Cursor<Record> cursor_;
  const int64_t since_ns_;
  bool registered_ = false;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> failed_{false};
};

}  // namespace saker::api
