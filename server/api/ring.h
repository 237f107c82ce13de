#pragma once

// A bounded history of pre-allocated records with sequence numbers, read by
// any number of cursors. This is the whole fan-out: a subscriber's bounded
// queue is the window between its cursor and the newest record, at most the
// ring's capacity. Publishing overwrites the oldest slot in place; a cursor
// the ring has lapped gets a Gap (count and range) and moves on; a start older
// than the history gets a Gap for exactly what is gone, then all it holds. The
// publisher never waits for a subscriber, and memory does not grow with the
// number of subscribers or with how far behind they are.

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>

#include "server/api/wake_list.h"

namespace saker::api {

struct Gap {
  enum class Reason { kOverflow, kExpired };
  uint64_t from = 0;  // first lost sequence
  uint64_t to = 0;    // last lost sequence (inclusive)
  uint64_t count = 0;
  Reason reason = Reason::kOverflow;
};

template <class Record>
class Ring {
 public:
  explicit Ring(size_t capacity)
      : capacity_(std::max<size_t>(capacity, 1)), slots_(new Slot[capacity_]) {}
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  // Publishes one record: `fill(Record&)` writes it in place. Returns its
  // sequence number (from 1). Safe from several threads (they serialise on
  // a short lock that readers never take).
  template <class Fill>
  uint64_t PublishWith(Fill&& fill) {
    uint64_t seq;
    {
      std::lock_guard<std::mutex> l(publish_mu_);
      seq = next_.load(std::memory_order_relaxed);
      Slot& s = slots_[seq % capacity_];
      {
        std::unique_lock<std::shared_mutex> sl(s.mu);
        fill(s.record);
        s.record.sequence = seq;
        s.seq = seq;
      }
      next_.store(seq + 1, std::memory_order_seq_cst);
    }
    waiters_.Notify();
    return seq;
  }

  // Runs `read(const Record&)` on record `seq` under the slot's reader lock.
  // False when the slot no longer (or does not yet) hold it.
  template <class Read>
  bool ReadAt(uint64_t seq, Read&& read) const {
    const Slot& s = slots_[seq % capacity_];
    std::shared_lock<std::shared_mutex> sl(s.mu);
    if (s.seq != seq) {
      return false;
    }
    read(s.record);
    return true;
  }

  // The sequence the next publish will get (1 when nothing was published).
  uint64_t next() const { return next_.load(std::memory_order_seq_cst); }
  // The oldest sequence the ring holds (== next() when empty).
  uint64_t oldest() const {
    uint64_t n = next();
    return n - 1 > capacity_ ? n - capacity_ : 1;
  }
  uint64_t published() const { return next() - 1; }
  size_t capacity() const { return capacity_; }
  WakeList& waiters() { return waiters_; }

 private:
  struct Slot {
    // A plain rwlock: taken once per record read, by every reader, so it
    // must stay cheap (absl::Mutex's debug deadlock detection, on in the
    // system build, costs more than the rest of the delivery).
    mutable std::shared_mutex mu;
    uint64_t seq = 0;  // 0: never written
    Record record;
  };

  const size_t capacity_;
  std::unique_ptr<Slot[]> slots_;
  std::mutex publish_mu_;
  std::atomic<uint64_t> next_{1};
  WakeList waiters_;
};

// Where a cursor starts.
struct StartAt {
  enum class Kind { kLive, kOldest, kSequence };
  Kind kind = Kind::kLive;
  uint64_t sequence = 0;
};

// One subscriber's position in a ring, with its delivered/dropped counters.
template <class Record>
class Cursor {
 public:
  enum class Step { kItem, kGap, kCaughtUp };

  Cursor(const Ring<Record>* ring, StartAt start) : ring_(ring) {
    uint64_t next = ring_->next();
    switch (start.kind) {
      case StartAt::Kind::kLive:
        pos_ = next;
        break;
      case StartAt::Kind::kOldest:
        pos_ = ring_->oldest();
        break;
      case StartAt::Kind::kSequence:
        // A start beyond the newest (e.g. a server restarted since) is live.
        pos_ = std::min(std::max<uint64_t>(start.sequence, 1), next);
        expired_reason_ = true;
        break;
    }
    end_ = next;
  }

  // Bounds the cursor to the records that exist now (for a one-shot dump).
  void StopAtCurrentEnd() { bounded_ = true; }

  bool HasMore() const { return pos_ < Limit(); }

  // Advances to the next record `accept(const Record&)` takes (true), or
  // reports a gap, or that it has caught up. accept runs under the slot's
  // reader lock: it should copy what it needs and return.
  template <class Accept>
  Step Next(Accept&& accept, Gap* gap) {
    for (;;) {
      uint64_t limit = Limit();
      if (pos_ >= limit) {
        return Step::kCaughtUp;
      }
      uint64_t oldest = ring_->oldest();
      if (pos_ < oldest) {
        // A requested start older than the history (a resume): everything
        // the ring still holds is delivered, the gap is exactly what is
        // gone. Lapped while streaming: resume a quarter of the ring behind
        // the newest, not at the oldest slot the publisher is about to
        // overwrite (which would make a slow reader chase the tail, one gap
        // per record).
        uint64_t resume =
            expired_reason_
                ? oldest
                : std::max(oldest,
                           limit - std::min<uint64_t>(limit - oldest, ring_->capacity() / 4 * 3));
        gap->from = pos_;
        gap->to = resume - 1;
        gap->count = resume - pos_;
        gap->reason = expired_reason_ ? Gap::Reason::kExpired : Gap::Reason::kOverflow;
        expired_reason_ = false;
        dropped_.fetch_add(gap->count, std::memory_order_relaxed);
        pos_ = resume;
        return Step::kGap;
      }
      bool accepted = false;
      if (!ring_->ReadAt(pos_, [&](const Record& r) { accepted = accept(r); })) {
        continue;  // overwritten while we looked: the next round reports the gap
      }
      expired_reason_ = false;
      pos_++;
      if (accepted) {
        delivered_.fetch_add(1, std::memory_order_relaxed);
        return Step::kItem;
      }
    }
  }

  uint64_t position() const { return pos_.load(std::memory_order_relaxed); }
  uint64_t delivered() const { return delivered_.load(std::memory_order_relaxed); }
  uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
  // Records between the cursor and the newest (what this subscriber's queue
  // holds), and those the ring has already lapped (pending drops).
  uint64_t depth() const {
    uint64_t next = ring_->next();
    uint64_t pos = std::max(pos_.load(std::memory_order_relaxed), ring_->oldest());
    return next > pos ? next - pos : 0;
  }

 private:
  uint64_t Limit() const { return bounded_ ? end_ : ring_->next(); }

  const Ring<Record>* ring_;
  std::atomic<uint64_t> pos_{1};  // written by the owner only; read by status
  uint64_t end_ = 1;
  bool bounded_ = false;
  bool expired_reason_ = false;
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> dropped_{0};
};

}  // namespace saker::api
