#include "server/rules/compiler/extractor.h"

#include <cstring>

namespace saker::rules {

IpAddr IpAddr::V4(uint32_t host_order) {
  IpAddr ip;
  ip.bytes[10] = 0xff;
  ip.bytes[11] = 0xff;
  ip.bytes[12] = static_cast<uint8_t>(host_order >> 24);
  ip.bytes[13] = static_cast<uint8_t>(host_order >> 16);
  ip.bytes[14] = static_cast<uint8_t>(host_order >> 8);
  ip.bytes[15] = static_cast<uint8_t>(host_order);
  return ip;
}

bool IpAddr::operator==(const IpAddr& o) const {
  return std::memcmp(bytes, o.bytes, sizeof(bytes)) == 0;
}

FieldValue& FieldValues::Next(ValueKind kind) {
  if (size_ == values_.size()) {
    values_.emplace_back();
  }
  FieldValue& v = values_[size_++];
  v.kind = kind;
  return v;
}

std::string* FieldValues::Scratch() {
  if (copies_used_ == copies_.size()) {
    copies_.push_back(std::make_unique<std::string>());
  }
  std::string* s = copies_[copies_used_++].get();
  s->clear();
  return s;
}

void FieldValues::AddCopiedString(absl::string_view s) {
  std::string* dst = Scratch();
  dst->assign(s.data(), s.size());
  AddString(*dst);
}

}  // namespace saker::rules
