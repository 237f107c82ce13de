// A zero-copy view over one event as the probe wrote it (bpf/include/saker/
// wire.h). The bytes live in a ring buffer or a capture block; the view is
// valid as long as they are.
#pragma once

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "saker/wire.h"

namespace saker {

// One blob of an event: a path, a sockaddr, argv, ...
struct BlobView {
  uint16_t param = 0;  // parameter slot it fills (see the syscall table)
  uint16_t type = 0;   // enum saker_blob_type
  uint16_t flags = 0;  // enum saker_blob_flags
  absl::string_view data;

  bool truncated() const { return (flags & SAKER_BLOB_TRUNCATED) != 0; }
};

class EventView {
 public:
  EventView() = default;

  // Checks that `bytes` hold one well-formed event: size within bounds and a
  // multiple of 8, a known version, and every blob inside the event. Never
  // reads past `bytes`. `bytes` must be 8-byte aligned.
  static absl::StatusOr<EventView> Parse(absl::Span<const uint8_t> bytes);

  const saker_event_header& hdr() const { return *hdr_; }
  uint64_t arg(int i) const { return args_[i]; }
  uint16_t kind() const { return hdr_->kind; }
  uint16_t syscall() const { return hdr_->syscall; }
  int64_t ret() const { return hdr_->ret; }
  absl::string_view comm() const;
  // The whole event, as captured.
  absl::Span<const uint8_t> bytes() const { return bytes_; }

  // The first blob filling `param`, optionally of one `type` (0 = any).
  std::optional<BlobView> FindBlob(uint16_t param, uint16_t type = 0) const;

  // Calls fn(const BlobView&) for every blob, in order.
  template <typename Fn>
  void ForEachBlob(Fn fn) const {
    size_t off = sizeof(saker_event);
    for (uint16_t i = 0; i < hdr_->nblobs; ++i) {
      BlobView b = BlobAt(off);
      fn(b);
      off += sizeof(saker_blob) + Padded(b.data.size());
    }
  }

  static constexpr size_t Padded(size_t n) { return (n + 7) & ~size_t{7}; }

 private:
  BlobView BlobAt(size_t off) const;

  const saker_event_header* hdr_ = nullptr;
  const uint64_t* args_ = nullptr;
  absl::Span<const uint8_t> bytes_;
};

}  // namespace saker
