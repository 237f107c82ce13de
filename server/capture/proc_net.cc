#include "server/capture/proc_net.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "server/capture/proc_util.h"

namespace saker::capture {
namespace {

constexpr size_t kMaxTableBytes = 64 << 20;

// "0100007F:0035": the address words as the kernel printed them (%08X of each
// native 32-bit word), then the port in host order.
bool ParseEndpoint(absl::string_view s, size_t addr_len, std::string* addr, uint16_t* port) {
  size_t colon = s.find(':');
  if (colon != addr_len * 2 || s.size() != colon + 5) {
    return false;
  }
  addr->assign(addr_len, '\0');
  for (size_t w = 0; w < addr_len / 4; ++w) {
    uint32_t word = 0;
    if (!absl::SimpleHexAtoi(s.substr(w * 8, 8), &word)) {
      return false;
    }
    std::memcpy(addr->data() + w * 4, &word, 4);
  }
  uint32_t p = 0;
  if (!absl::SimpleHexAtoi(s.substr(colon + 1), &p) || p > 0xffff) {
    return false;
  }
  *port = static_cast<uint16_t>(p);
  return true;
}

}  // namespace

void ParseInetTable(absl::string_view text, uint16_t family, uint16_t proto, SocketTable* out) {
  size_t addr_len = family == AF_INET6 ? 16 : 4;
  bool first = true;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipWhitespace())) {
    if (first) {  // the column titles
      first = false;
      continue;
    }
    std::vector<absl::string_view> f = absl::StrSplit(line, ' ', absl::SkipWhitespace());
    // sl local rem st tx:rx tr:tm retrnsmt uid timeout inode ...
    if (f.size() < 10) {
      continue;
    }
    SocketTuple t;
    t.family = family;
    t.proto = proto;
    uint32_t state = 0;
    uint64_t ino = 0;
    if (!ParseEndpoint(f[1], addr_len, &t.saddr, &t.sport) ||
        !ParseEndpoint(f[2], addr_len, &t.daddr, &t.dport) ||
        !absl::SimpleHexAtoi(f[3], &state) || !absl::SimpleAtoi(f[9], &ino) || ino == 0) {
      continue;
    }
    t.state = state;
    (*out)[ino] = std::move(t);
  }
}

void ParseUnixTable(absl::string_view text, SocketTable* out) {
  bool first = true;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipWhitespace())) {
    if (first) {
      first = false;
      continue;
    }
    // Num RefCount Protocol Flags Type St Inode [Path]; the inode is padded
    // with spaces and the path may hold spaces: take seven tokens, then the
    // rest of the line.
    std::vector<absl::string_view> f;
    absl::string_view rest = line;
    while (f.size() < 7) {
      while (!rest.empty() && rest.front() == ' ') {
        rest.remove_prefix(1);
      }
      if (rest.empty()) {
        break;
      }
      size_t end = std::min(rest.find(' '), rest.size());
      f.push_back(rest.substr(0, end));
      rest.remove_prefix(end);
    }
    if (f.size() < 7) {
      continue;
    }
    while (!rest.empty() && rest.front() == ' ') {
      rest.remove_prefix(1);
    }
    SocketTuple t;
    t.family = AF_UNIX;
    uint32_t state = 0;
    uint64_t ino = 0;
    if (!absl::SimpleHexAtoi(f[5], &state) || !absl::SimpleAtoi(f[6], &ino) || ino == 0) {
      continue;
    }
    t.state = state;
    t.unix_path = std::string(rest);
    (*out)[ino] = std::move(t);
  }
}

SocketTable ReadSocketTable(const std::string& net_dir) {
  struct Table {
    const char* name;
    uint16_t family;
    uint16_t proto;
  };
  static constexpr Table kTables[] = {
      {"tcp", AF_INET, IPPROTO_TCP},
      {"tcp6", AF_INET6, IPPROTO_TCP},
      {"udp", AF_INET, IPPROTO_UDP},
      {"udp6", AF_INET6, IPPROTO_UDP},
  };
  SocketTable out;
  std::string text;
  for (const Table& t : kTables) {
    if (ReadProcFile(net_dir + "/" + t.name, kMaxTableBytes, &text).ok()) {
      ParseInetTable(text, t.family, t.proto, &out);
    }
  }
  if (ReadProcFile(net_dir + "/unix", kMaxTableBytes, &text).ok()) {
    ParseUnixTable(text, &out);
  }
  return out;
}

}  // namespace saker::capture
