#include "server/driver/syscalls/net.h"

#include <arpa/inet.h>

#include <cstdint>
#include <cstring>

#include "saker/wire.h"
#include "server/common/json.h"
#include "server/driver/syscalls/names.h"

namespace saker::syscalls {
namespace {

constexpr uint16_t kAfUnix = 1;
constexpr uint16_t kAfInet = 2;
constexpr uint16_t kAfInet6 = 10;

// Appends "addr:port" (no quotes) for an IPv4 or IPv6 address.
void AppendEndpoint(int family, const void* addr, uint16_t port, std::string* out) {
  char buf[INET6_ADDRSTRLEN];
  if (inet_ntop(family, addr, buf, sizeof(buf)) == nullptr) {
    buf[0] = '\0';
  }
  out->append(buf);
  out->push_back(':');
  AppendJsonUint(out, port);
}

uint16_t LoadBe16(const char* p) {
  return static_cast<uint16_t>((static_cast<uint8_t>(p[0]) << 8) | static_cast<uint8_t>(p[1]));
}

// sun_path: a path up to its NUL, or an abstract name ("@name").
absl::string_view UnixPath(absl::string_view path, char* abstract_buf, size_t buf_size) {
  if (!path.empty() && path[0] == '\0') {
    size_t n = std::min(path.size(), buf_size);
    abstract_buf[0] = '@';
    std::memcpy(abstract_buf + 1, path.data() + 1, n - 1);
    return absl::string_view(abstract_buf, n);
  }
  size_t nul = path.find('\0');
  return nul == absl::string_view::npos ? path : path.substr(0, nul);
}

}  // namespace

void AppendSockaddrJson(absl::string_view sa, std::string* out) {
  if (sa.size() < 2) {
    out->append("null");
    return;
  }
  uint16_t family;
  std::memcpy(&family, sa.data(), sizeof(family));
  if (family == kAfInet && sa.size() >= 8) {
    out->push_back('"');
    AppendEndpoint(AF_INET, sa.data() + 4, LoadBe16(sa.data() + 2), out);
    out->push_back('"');
  } else if (family == kAfInet6 && sa.size() >= 24) {
    out->push_back('"');
    AppendEndpoint(AF_INET6, sa.data() + 8, LoadBe16(sa.data() + 2), out);
    out->push_back('"');
  } else if (family == kAfUnix) {
    char buf[SAKER_MAX_SOCKADDR];
    AppendJsonString(out, UnixPath(sa.substr(2), buf, sizeof(buf)));
  } else {
    AppendEnumJson(kSocketFamilies, family, out);
  }
}

void AppendTupleJson(absl::string_view tuple, absl::string_view unix_path, bool remote_first,
                     std::string* out) {
  saker_tuple t;
  if (tuple.size() < sizeof(t)) {
    out->append("null");
    return;
  }
  std::memcpy(&t, tuple.data(), sizeof(t));
  if (t.family == kAfUnix) {
    char buf[SAKER_MAX_SOCKADDR];
    AppendJsonString(out, UnixPath(unix_path, buf, sizeof(buf)));
    return;
  }
  if (t.family != kAfInet && t.family != kAfInet6) {
    AppendEnumJson(kSocketFamilies, t.family, out);
    return;
  }
  int af = t.family == kAfInet ? AF_INET : AF_INET6;
  const uint8_t* first = remote_first ? t.daddr : t.saddr;
  const uint8_t* second = remote_first ? t.saddr : t.daddr;
  out->push_back('"');
  AppendEndpoint(af, first, remote_first ? t.dport : t.sport, out);
  out->append("->");
  AppendEndpoint(af, second, remote_first ? t.sport : t.dport, out);
  out->push_back('"');
}

}  // namespace saker::syscalls
