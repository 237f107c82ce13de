// What the state knows about one open file descriptor.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"

namespace saker::state {

// libsinsp's scap_fd_type, as far as Saker can tell them apart.
enum class FdType : uint8_t {
  kUnknown = 0,
  kFile,
  kDirectory,
  kIpv4,
  kIpv6,
  kUnix,
  kPipe,
  kEvent,
  kSignalfd,
  kEventpoll,
  kInotify,
  kTimerfd,
  kNetlink,
  kBpf,
  kUserfaultfd,
  kIoUring,
  kMemfd,
};

// fd.type: "file", "ipv4", ...; fd.typechar: 'f', '4', ...
absl::string_view FdTypeName(FdType t);
char FdTypeChar(FdType t);

// fd.l4proto of a socket.
enum class L4Proto : uint8_t { kUnknown = 0, kTcp, kUdp, kIcmp, kRaw };
absl::string_view L4ProtoName(L4Proto p);

// One endpoint of an IP socket. Addresses are in network order; IPv4 uses
// the first 4 bytes (as struct saker_tuple does).
struct Endpoint {
  uint8_t addr[16] = {};
  uint16_t port = 0;  // host order
};

struct FdEntry {
  FdType type = FdType::kUnknown;
  L4Proto l4proto = L4Proto::kUnknown;
  bool cloexec = false;    // closed by a successful execve
  bool is_server = false;  // accepted, listening or bound-and-listening socket
  bool connected = false;  // a connected TCP/UDP socket
  bool has_tuple = false;  // local/remote are known
  uint32_t open_flags = 0;
  uint64_t ino = 0;
  Endpoint local;
  Endpoint remote;
  // Files, directories, memfds ("memfd:NAME"), unix sockets (the path) and
  // anything read from /proc (its link target). IP sockets print their
  // tuple instead (see AppendFdName).
  std::string name;
  // The path as the syscall got it (fd.nameraw), for files opened by an
  // event; empty otherwise (fd.nameraw then falls back to `name`).
  std::string nameraw;

  bool is_ip_socket() const { return type == FdType::kIpv4 || type == FdType::kIpv6; }
  bool is_socket() const { return is_ip_socket() || type == FdType::kUnix; }
  // Client and server ends, as Falco orders them.
  const Endpoint& client() const { return is_server ? remote : local; }
  const Endpoint& server() const { return is_server ? local : remote; }
};

// Appends an IP address as text ("10.0.0.1", "::1").
void AppendIp(const uint8_t (&addr)[16], bool v6, std::string* out);
// Appends fd.name: the path, or "cip:cport->sip:sport" for IP sockets.
void AppendFdName(const FdEntry& fd, std::string* out);

}  // namespace saker::state
