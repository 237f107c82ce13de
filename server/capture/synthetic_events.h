// Builds wire-format events in memory, for tests, the fuzz driver and the
// benchmark.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "server/driver/event_view.h"

namespace saker::capture {

struct BlobSpec {
  uint16_t param = 0;
  uint16_t type = SAKER_BLOB_STR;
  std::string data;  // at most 65535 bytes
  uint16_t flags = 0;
};

// A run of events back to back, 8-byte aligned, as a ring buffer holds them.
class EventBuffer {
 public:
  // Appends one event. `hdr.size`, `version` and `nblobs` are filled in.
  void Add(saker_event_header hdr, const uint64_t (&args)[6], const std::vector<BlobSpec>& blobs);
  // Appends an event of a plausible shape, chosen by `seed`: an openat,
  // execve, connect or procexit from one of a few processes, 150 to 400
  // bytes, mostly with path blobs.
  void AddRealistic(uint64_t seed);

  size_t count() const { return offsets_.size(); }
  absl::Span<const uint8_t> bytes() const;
  // The i-th event's bytes.
  absl::Span<const uint8_t> event(size_t i) const;
  // Parsed views of every event; valid until the next Add.
  std::vector<EventView> Views() const;

 private:
  std::vector<uint64_t> words_;
  std::vector<size_t> offsets_;  // byte offset of each event
};

}  // namespace saker::capture
