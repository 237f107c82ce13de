#include "server/capture/codec.h"

#include "absl/strings/str_cat.h"

namespace saker::capture {

uint32_t LoadLe32(const uint8_t* p) {
  return static_cast<uint32_t>(p[0]) | static_cast<uint32_t>(p[1]) << 8 |
         static_cast<uint32_t>(p[2]) << 16 | static_cast<uint32_t>(p[3]) << 24;
}

uint64_t LoadLe64(const uint8_t* p) {
  return static_cast<uint64_t>(LoadLe32(p)) | static_cast<uint64_t>(LoadLe32(p + 4)) << 32;
}

void StoreLe32(uint8_t* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) {
    p[i] = static_cast<uint8_t>(v >> (8 * i));
  }
}

void StoreLe64(uint8_t* p, uint64_t v) {
  StoreLe32(p, static_cast<uint32_t>(v));
  StoreLe32(p + 4, static_cast<uint32_t>(v >> 32));
}

void Encoder::Fixed32(uint32_t v) {
  uint8_t b[4];
  StoreLe32(b, v);
  out_->append(reinterpret_cast<const char*>(b), sizeof(b));
}

void Encoder::Fixed64(uint64_t v) {
  uint8_t b[8];
  StoreLe64(b, v);
  out_->append(reinterpret_cast<const char*>(b), sizeof(b));
}

void Encoder::Varint(uint64_t v) {
  while (v >= 0x80) {
    out_->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out_->push_back(static_cast<char>(v));
}

void Encoder::Bytes(absl::string_view v) {
  Varint(v.size());
  out_->append(v.data(), v.size());
}

absl::Status Decoder::Short(const char* what, size_t need) const {
  return absl::DataLossError(absl::StrCat("truncated ", what, " at byte ", pos_, ": need ", need,
                                          " bytes, ", remaining(), " left"));
}

absl::StatusOr<uint8_t> Decoder::U8() {
  if (remaining() < 1) {
    return Short("u8", 1);
  }
  return static_cast<uint8_t>(in_[pos_++]);
}

absl::StatusOr<uint32_t> Decoder::Fixed32() {
  if (remaining() < 4) {
    return Short("fixed32", 4);
  }
  uint32_t v = LoadLe32(reinterpret_cast<const uint8_t*>(in_.data() + pos_));
  pos_ += 4;
  return v;
}

absl::StatusOr<uint64_t> Decoder::Fixed64() {
  if (remaining() < 8) {
    return Short("fixed64", 8);
  }
  uint64_t v = LoadLe64(reinterpret_cast<const uint8_t*>(in_.data() + pos_));
  pos_ += 8;
  return v;
}

absl::StatusOr<uint64_t> Decoder::Varint() {
  uint64_t v = 0;
  for (int shift = 0; shift < 64; shift += 7) {
    if (remaining() < 1) {
      return Short("varint", 1);
    }
    uint8_t b = static_cast<uint8_t>(in_[pos_++]);
    if (shift == 63 && b > 1) {
      return absl::DataLossError(absl::StrCat("varint overflows 64 bits at byte ", pos_ - 1));
    }
    v |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      return v;
    }
  }
  return absl::DataLossError(absl::StrCat("varint longer than 10 bytes at byte ", pos_));
}

absl::StatusOr<uint32_t> Decoder::Varint32() {
  size_t start = pos_;
  absl::StatusOr<uint64_t> v = Varint();
  if (!v.ok()) {
    return v.status();
  }
  if (*v > UINT32_MAX) {
    return absl::DataLossError(absl::StrCat("value ", *v, " at byte ", start, " exceeds 32 bits"));
  }
  return static_cast<uint32_t>(*v);
}

absl::StatusOr<absl::string_view> Decoder::Bytes() {
  size_t start = pos_;
  absl::StatusOr<uint64_t> len = Varint();
  if (!len.ok()) {
    return len.status();
  }
  if (*len > remaining()) {
    return absl::DataLossError(absl::StrCat("string at byte ", start, " claims ", *len,
                                            " bytes, ", remaining(), " left"));
  }
  absl::string_view v = in_.substr(pos_, *len);
  pos_ += *len;
  return v;
}

absl::StatusOr<size_t> Decoder::Count(size_t min_item_bytes) {
  size_t start = pos_;
  absl::StatusOr<uint64_t> n = Varint();
  if (!n.ok()) {
    return n.status();
  }
  if (min_item_bytes == 0) {
    min_item_bytes = 1;
  }
  if (*n > remaining() / min_item_bytes) {
    return absl::DataLossError(absl::StrCat("count ", *n, " at byte ", start,
                                            " cannot fit in the ", remaining(), " bytes left"));
  }
  return static_cast<size_t>(*n);
}

}  // namespace saker::capture
