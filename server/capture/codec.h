// Little-endian encoding helpers for the capture header and the /proc
// snapshot: fixed-width integers, LEB128 varints and length-prefixed byte
// strings. The decoder is bounds-checked everywhere and never allocates more
// than the bytes it has been given.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace saker::capture {

// Appends encoded values to a string it does not own.
class Encoder {
 public:
  explicit Encoder(std::string* out) : out_(out) {}

  void U8(uint8_t v) { out_->push_back(static_cast<char>(v)); }
  void Fixed32(uint32_t v);
  void Fixed64(uint64_t v);
  void Varint(uint64_t v);
  // A varint length, then the bytes.
  void Bytes(absl::string_view v);

 private:
  std::string* out_;
};

// Reads encoded values from a byte range it does not own. Every read fails
// with DataLossError instead of reading past the end.
class Decoder {
 public:
  explicit Decoder(absl::string_view in) : in_(in) {}

  absl::StatusOr<uint8_t> U8();
  absl::StatusOr<uint32_t> Fixed32();
  absl::StatusOr<uint64_t> Fixed64();
  absl::StatusOr<uint64_t> Varint();
  // A varint that must fit in 32 bits.
  absl::StatusOr<uint32_t> Varint32();
  // A length-prefixed byte string; the view points into the input.
  absl::StatusOr<absl::string_view> Bytes();
  // A count of items that each take at least `min_item_bytes`: rejected when
  // the remaining input cannot hold that many, so callers may reserve().
  absl::StatusOr<size_t> Count(size_t min_item_bytes);

  size_t remaining() const { return in_.size() - pos_; }
  size_t position() const { return pos_; }
  bool done() const { return pos_ == in_.size(); }

 private:
  absl::Status Short(const char* what, size_t need) const;

  absl::string_view in_;
  size_t pos_ = 0;
};

// Little-endian loads/stores on raw memory (no alignment required).
uint32_t LoadLe32(const uint8_t* p);
uint64_t LoadLe64(const uint8_t* p);
void StoreLe32(uint8_t* p, uint32_t v);
void StoreLe64(uint8_t* p, uint64_t v);

}  // namespace saker::capture
