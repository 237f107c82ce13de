// Consumes a set of BPF ring buffers (one per CPU) directly through their
// shared memory, so that the head of every ring can be looked at before it
// is consumed: that is what merging the per-CPU streams in timestamp order
// needs, and libbpf 1.1's callback API cannot do. Records are handed out
// in place (the data area is mapped twice, so a record never wraps): no
// copy, no allocation.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace saker::driver {

class Ring {
 public:
  // Maps the ring buffer map `map_fd` whose data area is `size` bytes.
  static absl::StatusOr<std::unique_ptr<Ring>> Map(int map_fd, uint32_t size);
  ~Ring();

  // The next committed record, skipping discarded ones; empty if none.
  absl::Span<const uint8_t> Peek();
  // Consumes the record Peek() returned (its position is published lazily).
  void Consume();
  // Publishes the consumer position to the kernel (frees the space).
  void Publish();
  int fd() const { return map_fd_; }

 private:
  Ring() = default;

  int map_fd_ = -1;
  uint64_t mask_ = 0;
  size_t page_size_ = 0;
  uint8_t* consumer_page_ = nullptr;  // rw: consumer_pos
  uint8_t* producer_area_ = nullptr;  // ro: producer_pos page + data twice
  uint64_t cons_pos_ = 0;
  uint64_t prod_pos_ = 0;             // cached
  uint32_t head_len_ = 0;             // length of the record Peek() returned
  uint32_t unpublished_ = 0;
};

// Every ring of the probe, the epoll set that waits on them and an eventfd
// that wakes the wait for Stop().
class RingSet {
 public:
  static absl::StatusOr<std::unique_ptr<RingSet>> Create();
  ~RingSet();

  absl::Status Add(int map_fd, uint32_t size);

  // The earliest record (by the ts_ns every event starts with at byte 8)
  // among the rings' heads; empty when every ring is empty. `ring` receives
  // its index for Consume().
  absl::Span<const uint8_t> PeekEarliest(size_t* ring);
  void Consume(size_t ring) { rings_[ring]->Consume(); }
  void PublishAll();

  // Blocks until a ring has data or Wake() is called. Returns false if woken.
  absl::StatusOr<bool> Wait();
  // Async-signal-safe.
  void Wake();

 private:
  RingSet() = default;

  std::vector<std::unique_ptr<Ring>> rings_;
  int epoll_fd_ = -1;
  int wake_fd_ = -1;
};

}  // namespace saker::driver
