// Minimal, allocation-free-in-steady-state JSON text helpers: the caller owns
// a std::string buffer that is reused across events.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace saker {

// Appends `s` as a quoted JSON string, escaping quotes, backslashes and
// control bytes; bytes >= 0x80 that are not valid UTF-8 become \u00XX.
void AppendJsonString(std::string* out, absl::string_view s);

void AppendJsonInt(std::string* out, int64_t v);
void AppendJsonUint(std::string* out, uint64_t v);

// Appends `"key":` (key is assumed to need no escaping).
inline void AppendJsonKey(std::string* out, absl::string_view key) {
  out->push_back('"');
  out->append(key.data(), key.size());
  out->append("\":");
}

}  // namespace saker
