// Small readers of event blobs shared by the updater and the extractor.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "absl/strings/string_view.h"
#include "saker/wire.h"
#include "server/driver/event_view.h"
#include "server/state/fd_entry.h"

namespace saker::state {

// The data of the first blob in slot `param` (of `type`, 0 = any) if it
// was read successfully.
inline std::optional<absl::string_view> BlobData(const EventView& ev, uint16_t param,
                                                 uint16_t type = 0) {
  std::optional<BlobView> b = ev.FindBlob(param, type);
  if (!b || (b->flags & SAKER_BLOB_FAULT) != 0) {
    return std::nullopt;
  }
  return b->data;
}

// A fixed-size struct from a blob (zero-filled when short).
template <typename T>
bool BlobStruct(const EventView& ev, uint16_t param, uint16_t type, T* out) {
  std::optional<absl::string_view> d = BlobData(ev, param, type);
  std::memset(out, 0, sizeof(T));
  if (!d) {
    return false;
  }
  std::memcpy(out, d->data(), std::min(d->size(), sizeof(T)));
  return true;
}

inline std::optional<uint64_t> BlobU64(const EventView& ev, uint16_t param) {
  std::optional<absl::string_view> d = BlobData(ev, param);
  if (!d) {
    return std::nullopt;
  }
  uint64_t v = 0;
  std::memcpy(&v, d->data(), std::min(d->size(), sizeof(v)));
  return v;
}

// A STRLIST without its trailing NUL.
inline absl::string_view TrimStrList(absl::string_view s) {
  if (!s.empty() && s.back() == '\0') {
    s.remove_suffix(1);
  }
  return s;
}

// A struct sockaddr as the caller passed it: family, and the endpoint (IP)
// or the path (AF_UNIX; abstract names get a leading '@').
struct SockAddr {
  uint16_t family = 0;
  Endpoint ep;
  std::string unix_path;
};
bool ParseSockaddr(absl::string_view data, SockAddr* out);

}  // namespace saker::state
