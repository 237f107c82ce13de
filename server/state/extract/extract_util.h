// Helpers shared by the extractor's field families (internal).
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "server/rules/compiler/extractor.h"
#include "server/state/fd_entry.h"
#include "server/state/process_table.h"

namespace saker::state::extract_internal {

// Calls fn(item) for each item of a NUL-separated list.
template <typename Fn>
void ForEachItem(absl::string_view list, Fn fn) {
  if (list.empty()) {
    return;
  }
  size_t pos = 0;
  while (true) {
    size_t nul = list.find('\0', pos);
    if (nul == absl::string_view::npos) {
      fn(list.substr(pos));
      return;
    }
    fn(list.substr(pos, nul - pos));
    pos = nul + 1;
  }
}

// argv[1..] joined by spaces (proc.args).
inline void AppendArgs(const ProcessState& p, std::string* out) {
  int i = 0;
  bool first = true;
  ForEachItem(p.argv, [&](absl::string_view a) {
    if (i++ == 0) {
      return;
    }
    if (!first) {
      out->push_back(' ');
    }
    first = false;
    out->append(a.data(), a.size());
  });
}

// `head` then the args (proc.cmdline: head = comm; proc.exeline: head = exe).
inline void AppendCommandLine(const ProcessState& p, absl::string_view head, std::string* out) {
  out->append(head.data(), head.size());
  size_t before = out->size();
  out->push_back(' ');
  AppendArgs(p, out);
  if (out->size() == before + 1) {
    out->resize(before);
  }
}

inline rules::IpAddr ToIp(const uint8_t (&addr)[16], bool v6) {
  rules::IpAddr ip;
  if (v6) {
    std::memcpy(ip.bytes, addr, 16);
    ip.v6 = true;
    return ip;
  }
  uint32_t host = (uint32_t{addr[0]} << 24) | (uint32_t{addr[1]} << 16) |
                  (uint32_t{addr[2]} << 8) | addr[3];
  return rules::IpAddr::V4(host);
}

}  // namespace saker::state::extract_internal
