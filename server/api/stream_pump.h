#pragma once

// The write loop every hub-fed stream shares. A reactor derives from it and
// supplies the hooks; the pump keeps exactly one write in flight, parks the
// stream on the hub when it has caught up, and finishes it on cancel, failed
// write or stop.
//
// Batching and coalescing. A message carries up to `max_items` records (1 for
// the one-record-per-message protocols), filled only from records already
// published: nothing is ever delayed to fill a message, so messages grow only
// while the subscriber is behind. With one record per message the reactor
// keeps two messages (slots 0 and 1) and the pump fills the next one before
// it writes the current one: when it is ready, the current write carries
// gRPC's buffer hint, so a burst goes out in one HTTP/2 write and only its
// last message flushes (a hinted write completes at once while less than the
// transport's write buffer is queued). Batched streams use slot 0 only.
// The reactors reuse both messages, so steady state does not allocate.
//
// Ownership: at any moment exactly one of these drives the stream: the code
// that created it (Begin), the write in flight (WriteDone), or the hub's
// dispatcher (Wake, once parked). Cancel and Stop only set a flag and poke the
// dispatcher, so no reaction ever blocks or races another. gRPC calls
// (StartWrite, Finish) are made without holding any lock, and nothing touches
// the pump's state after StartWrite or Finish.

#include <atomic>
#include <cstddef>
#include <optional>
#include <string>

#include <grpcpp/grpcpp.h>

#include "absl/time/clock.h"
#include "server/api/ring.h"
#include "server/api/subscriber_registry.h"
#include "server/api/wake_list.h"

namespace saker::api {

// The options of a stream write: `more` (another message follows at once)
// sets the buffer hint, so the transport holds it for the next one.
inline grpc::WriteOptions CoalescedWrite(bool more) {
  grpc::WriteOptions options;
  if (more) {
    options.set_buffer_hint();
  }
  return options;
}

template <class Record>
class StreamPump : public Waiter, public Subscription {
 public:
  struct Config {
    Ring<Record>* ring = nullptr;
    SubscriberRegistry* registry = nullptr;
    StartAt start;
    bool finish_when_caught_up = false;  // one-shot dump (Falco get)
    size_t max_items = 1;                // records per message
    bool gap_notices = true;             // the protocol has a gap message
    StreamKind kind = StreamKind::kAlerts;
    std::string peer;
    std::string identity;
    grpc::Status stop_status;  // the status a server shutdown ends it with
  };

  explicit StreamPump(Config config)
      : config_(std::move(config)),
        cursor_(config_.ring, config_.start),
        since_ns_(absl::GetCurrentTimeNanos()) {
    if (config_.max_items == 0) {
      config_.max_items = 1;
    }
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
  // What Accept did with a record.
  enum class Take {
    kSkip,   // filtered out
    kAdded,  // added to the message
    kFull,   // added, and the message can take no more (size budget)
  };
  // Empties message `slot` (0 or 1) before the pump fills it.
  virtual void BeginMessage(int slot) = 0;
  // Adds `r` as record `index` of message `slot`, or skips it. Runs under the
  // ring slot's reader lock: copy what is needed and return.
  virtual Take Accept(const Record& r, int slot, size_t index) = 0;
  // Makes message `slot` a gap notice (only when Config::gap_notices).
  virtual void AcceptGap(const Gap& gap, int slot) = 0;
  // Writes message `slot`; `more`: another message is ready to follow at once
  // (write with the buffer hint).
  virtual void StartNextWrite(int slot, bool more) = 0;
  virtual void FinishStream(const grpc::Status& status) = 0;

  // Starts the loop (from the reactor's constructor, after its own setup).
  void Begin() {
    auto id = config_.registry->Add(this, config_.peer, config_.identity);
    if (!id.ok()) {
      FinishStream(id.status().code() == absl::StatusCode::kResourceExhausted
                       ? grpc::Status(grpc::StatusCode::RESOURCE_EXHAUSTED,
                                      std::string(id.status().message()))
                       : config_.stop_status);
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

  // Fills message `slot` from the cursor; false when nothing was waiting.
  bool Fill(int slot) {
    BeginMessage(slot);
    if (pending_gap_.has_value()) {
      AcceptGap(*pending_gap_, slot);
      pending_gap_.reset();
      return true;
    }
    size_t n = 0;
    while (n < config_.max_items) {
      Gap gap;
      Take take = Take::kSkip;
      auto step = cursor_.Next(
          [&](const Record& r) {
            take = Accept(r, slot, n);
            return take != Take::kSkip;
          },
          &gap);
      if (step == Cursor<Record>::Step::kItem) {
        n++;
        if (take == Take::kFull) {
          break;
        }
        continue;
      }
      if (step == Cursor<Record>::Step::kGap) {
        if (!config_.gap_notices) {
          continue;  // counted by the cursor; the protocol cannot say it
        }
        if (n > 0) {
          pending_gap_ = gap;  // the next message, after these records
          break;
        }
        AcceptGap(gap, slot);
        return true;
      }
      break;  // caught up
    }
    return n > 0;
  }

  void Pump() {
    for (;;) {
      if (Ended()) {
        End();
        return;
      }
      if (!ready_) {
        ready_ = Fill(slot_);
      }
      if (ready_) {
        const int slot = slot_;
        slot_ ^= 1;
        // Look ahead (one record per message only: a batch already
        // coalesces, and a second one waiting would double what a stalled
        // subscriber holds): is the burst going on?
        ready_ = config_.max_items == 1 && Fill(slot_);
        // Never hint the first write: it carries the initial metadata, which
        // the transport would hold with it until a later write, and that
        // write waits for this one to complete.
        const bool more = ready_ && wrote_;
        wrote_ = true;
        StartNextWrite(slot, more);
        return;
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
  int slot_ = 0;       // the message the next write sends
  bool ready_ = false;  // message slot_ is filled (by the look-ahead)
  bool wrote_ = false;  // a write was started (initial metadata sent)
  std::optional<Gap> pending_gap_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> cancelled_{false};
  std::atomic<bool> failed_{false};
};

}  // namespace saker::api
