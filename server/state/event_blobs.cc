#include "server/state/event_blobs.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>

namespace saker::state {

bool ParseSockaddr(absl::string_view data, SockAddr* out) {
  out->family = 0;
  out->ep = Endpoint();
  out->unix_path.clear();
  if (data.size() < 2) {
    return false;
  }
  std::memcpy(&out->family, data.data(), 2);
  if (out->family == AF_INET && data.size() >= sizeof(sockaddr_in)) {
    sockaddr_in in;
    std::memcpy(&in, data.data(), sizeof(in));
    out->ep.port = ntohs(in.sin_port);
    std::memcpy(out->ep.addr, &in.sin_addr, 4);
    return true;
  }
  if (out->family == AF_INET6 && data.size() >= sizeof(sockaddr_in6)) {
    sockaddr_in6 in6;
    std::memcpy(&in6, data.data(), sizeof(in6));
    out->ep.port = ntohs(in6.sin6_port);
    std::memcpy(out->ep.addr, &in6.sin6_addr, 16);
    return true;
  }
  if (out->family == AF_UNIX) {
    absl::string_view path = data.substr(2);
    if (!path.empty() && path[0] == '\0') {
      out->unix_path = "@";
      path.remove_prefix(1);
    }
    absl::string_view name = path.substr(0, path.find('\0'));
    out->unix_path.append(name.data(), name.size());
    return true;
  }
  return false;
}

}  // namespace saker::state
