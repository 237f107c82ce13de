#include "server/state/fd_entry.h"

#include <arpa/inet.h>

#include "absl/strings/str_cat.h"

namespace saker::state {

absl::string_view FdTypeName(FdType t) {
  switch (t) {
    case FdType::kFile: return "file";
    case FdType::kDirectory: return "directory";
    case FdType::kIpv4: return "ipv4";
    case FdType::kIpv6: return "ipv6";
    case FdType::kUnix: return "unix";
    case FdType::kPipe: return "pipe";
    case FdType::kEvent: return "event";
    case FdType::kSignalfd: return "signalfd";
    case FdType::kEventpoll: return "eventpoll";
    case FdType::kInotify: return "inotify";
    case FdType::kTimerfd: return "timerfd";
    case FdType::kNetlink: return "netlink";
    case FdType::kBpf: return "bpf";
    case FdType::kUserfaultfd: return "userfaultfd";
    case FdType::kIoUring: return "io_uring";
    case FdType::kMemfd: return "memfd";
    case FdType::kUnknown: break;
  }
  return "<unknown>";
}

char FdTypeChar(FdType t) {
  switch (t) {
    case FdType::kFile: return 'f';
    case FdType::kDirectory: return 'd';
    case FdType::kIpv4: return '4';
    case FdType::kIpv6: return '6';
    case FdType::kUnix: return 'u';
    case FdType::kPipe: return 'p';
    case FdType::kEvent: return 'e';
    case FdType::kSignalfd: return 's';
    case FdType::kEventpoll: return 'l';
    case FdType::kInotify: return 'i';
    case FdType::kTimerfd: return 't';
    case FdType::kNetlink: return 'n';
    case FdType::kBpf: return 'b';
    case FdType::kUserfaultfd: return 'u';
    case FdType::kIoUring: return 'r';
    case FdType::kMemfd: return 'm';
    case FdType::kUnknown: break;
  }
  return 'o';
}

absl::string_view L4ProtoName(L4Proto p) {
  switch (p) {
    case L4Proto::kTcp: return "tcp";
    case L4Proto::kUdp: return "udp";
    case L4Proto::kIcmp: return "icmp";
    case L4Proto::kRaw: return "raw";
    case L4Proto::kUnknown: break;
  }
  return "<unknown>";
}

void AppendIp(const uint8_t (&addr)[16], bool v6, std::string* out) {
  char buf[INET6_ADDRSTRLEN];
  if (inet_ntop(v6 ? AF_INET6 : AF_INET, addr, buf, sizeof(buf)) != nullptr) {
    out->append(buf);
  }
}

void AppendFdName(const FdEntry& fd, std::string* out) {
  if (!fd.is_ip_socket()) {
    out->append(fd.name);
    return;
  }
  if (!fd.has_tuple) {
    return;
  }
  bool v6 = fd.type == FdType::kIpv6;
  const Endpoint& c = fd.client();
  const Endpoint& s = fd.server();
  AppendIp(c.addr, v6, out);
  absl::StrAppend(out, ":", c.port, "->");
  AppendIp(s.addr, v6, out);
  absl::StrAppend(out, ":", s.port);
}

}  // namespace saker::state
