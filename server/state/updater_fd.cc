// StateUpdater: file and socket events.
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>

#include "absl/strings/match.h"
#include "saker/wire.h"
#include "server/state/event_blobs.h"
#include "server/state/updater.h"

namespace saker::state {
namespace {

constexpr uint64_t kMfdCloexec = 1;

uint32_t OpenFlags(const EventView& ev) {
  switch (ev.syscall()) {
    case SAKER_SYS_open:
      return static_cast<uint32_t>(ev.arg(1));
    case SAKER_SYS_openat:
      return static_cast<uint32_t>(ev.arg(2));
    case SAKER_SYS_openat2:
      return static_cast<uint32_t>(BlobU64(ev, 2).value_or(0));
    default:  // creat
      return O_CREAT | O_WRONLY | O_TRUNC;
  }
}

L4Proto L4Of(uint64_t type, uint64_t proto) {
  switch (type & 0xf) {
    case SOCK_STREAM:
      return L4Proto::kTcp;
    case SOCK_DGRAM:
      return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6 ? L4Proto::kIcmp : L4Proto::kUdp;
    case SOCK_RAW:
      return proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6 ? L4Proto::kIcmp : L4Proto::kRaw;
    default:
      return L4Proto::kUnknown;
  }
}

FdType TypeOfFamily(uint64_t family) {
  switch (family) {
    case AF_INET: return FdType::kIpv4;
    case AF_INET6: return FdType::kIpv6;
    case AF_UNIX: return FdType::kUnix;
    case AF_NETLINK: return FdType::kNetlink;
    default: return FdType::kUnknown;
  }
}

bool SameEndpoint(const Endpoint& a, const Endpoint& b) {
  return a.port == b.port && std::memcmp(a.addr, b.addr, sizeof(a.addr)) == 0;
}

bool IsZero(const uint8_t (&addr)[16]) {
  for (uint8_t b : addr) {
    if (b != 0) {
      return false;
    }
  }
  return true;
}

Endpoint LocalOf(const saker_tuple& t) {
  Endpoint e;
  std::memcpy(e.addr, t.saddr, sizeof(e.addr));
  e.port = t.sport;
  return e;
}

Endpoint RemoteOf(const saker_tuple& t) {
  Endpoint e;
  std::memcpy(e.addr, t.daddr, sizeof(e.addr));
  e.port = t.dport;
  return e;
}

// Sets a socket entry's endpoints; true when they changed.
bool SetEndpoints(FdEntry* f, const Endpoint& local, const Endpoint& remote) {
  bool changed = !f->has_tuple || !SameEndpoint(f->local, local) ||
                 !SameEndpoint(f->remote, remote);
  f->local = local;
  f->remote = remote;
  f->has_tuple = true;
  return changed;
}

// Clears an entry but keeps its strings' capacity (the transient fd is
// reused by every failed open).
void ResetKeepingBuffers(FdEntry* f) {
  std::string name = std::move(f->name);
  std::string raw = std::move(f->nameraw);
  *f = FdEntry();
  name.clear();
  raw.clear();
  f->name = std::move(name);
  f->nameraw = std::move(raw);
}

}  // namespace

void StateUpdater::UseFd(int64_t fd) {
  ctx_.has_fd = true;
  ctx_.fd_num = fd;
  ctx_.fd = ctx_.process->FindFd(fd);
}

void StateUpdater::OnOpen(const EventView& ev) {
  const bool at = ev.syscall() == SAKER_SYS_openat || ev.syscall() == SAKER_SYS_openat2;
  auto raw = BlobData(ev, at ? 1 : 0);
  int64_t dirfd = at ? static_cast<int32_t>(ev.arg(0)) : AT_FDCWD;
  uint32_t flags = OpenFlags(ev);
  FdEntry* f = &transient_fd_;
  ctx_.has_fd = true;
  ctx_.fd_num = ev.ret() >= 0 ? ev.ret() : -1;
  if (ev.ret() >= 0) {
    f = table_->PutFd(ctx_.process, static_cast<int32_t>(ev.ret()));
    if (f == nullptr) {
      f = &transient_fd_;
    }
  }
  ResetKeepingBuffers(f);
  f->type = (flags & O_DIRECTORY) ? FdType::kDirectory : FdType::kFile;
  f->open_flags = flags;
  f->cloexec = (flags & O_CLOEXEC) != 0;
  if (raw) {
    f->nameraw.assign(raw->data(), raw->size());
    ResolveAt(*ctx_.process, dirfd, *raw, &f->name);
  }
  ctx_.fd = f;
}

void StateUpdater::OnDup(const EventView& ev) {
  int32_t oldfd = static_cast<int32_t>(ev.arg(0));
  UseFd(oldfd);
  bool cloexec = false;
  if (ev.syscall() == SAKER_SYS_fcntl) {
    uint64_t cmd = ev.arg(1);
    if (cmd != F_DUPFD && cmd != F_DUPFD_CLOEXEC) {
      return;
    }
    cloexec = cmd == F_DUPFD_CLOEXEC;
  } else if (ev.syscall() == SAKER_SYS_dup3) {
    cloexec = (ev.arg(2) & O_CLOEXEC) != 0;
  }
  int64_t newfd = ev.ret();
  if (newfd < 0 || newfd == oldfd) {
    return;
  }
  const FdEntry* src = ctx_.process->FindFd(oldfd);
  if (src == nullptr) {
    ctx_.process->fds.erase(static_cast<int32_t>(newfd));
    return;
  }
  FdEntry copy = *src;  // PutFd may rehash the fd map
  copy.cloexec = cloexec;
  if (FdEntry* dst = table_->PutFd(ctx_.process, static_cast<int32_t>(newfd)); dst != nullptr) {
    *dst = std::move(copy);
  }
  ctx_.fd = ctx_.process->FindFd(oldfd);
}

void StateUpdater::OnFdPair(const EventView& ev, int param, FdType type, bool cloexec) {
  int32_t fds[2] = {-1, -1};
  if (ev.ret() != 0 || !BlobStruct(ev, static_cast<uint16_t>(param), SAKER_BLOB_FDPAIR, &fds)) {
    return;
  }
  for (int32_t fd : fds) {
    if (fd < 0) {
      continue;
    }
    if (FdEntry* f = table_->PutFd(ctx_.process, fd); f != nullptr) {
      f->type = type;
      f->cloexec = cloexec;
    }
  }
}

void StateUpdater::OnMemfd(const EventView& ev) {
  ctx_.has_fd = true;
  ctx_.fd_num = ev.ret() >= 0 ? ev.ret() : -1;
  if (ev.ret() < 0) {
    return;
  }
  FdEntry* f = table_->PutFd(ctx_.process, static_cast<int32_t>(ev.ret()));
  if (f == nullptr) {
    return;
  }
  f->type = FdType::kMemfd;
  f->cloexec = (ev.arg(1) & kMfdCloexec) != 0;
  f->name = "memfd:";
  if (auto name = BlobData(ev, 0)) {
    f->name.append(name->data(), name->size());
  }
  ctx_.fd = f;
}

// Best effort: the caller's own fds on the renamed path (or under it, for
// a directory) take the new name. Other processes' fds keep the old one.
void StateUpdater::OnRename(const EventView& ev) {
  bool plain = ev.syscall() == SAKER_SYS_rename;
  auto from = BlobData(ev, plain ? 0 : 1);
  auto to = BlobData(ev, plain ? 1 : 3);
  if (ev.ret() != 0 || !from || !to) {
    return;
  }
  ProcessState* p = ctx_.process;
  ResolveAt(*p, plain ? AT_FDCWD : static_cast<int32_t>(ev.arg(0)), *from, &path_a_);
  ResolveAt(*p, plain ? AT_FDCWD : static_cast<int32_t>(ev.arg(2)), *to, &path_b_);
  for (auto& [num, f] : p->fds) {
    if (f.type != FdType::kFile && f.type != FdType::kDirectory) {
      continue;
    }
    absl::string_view name = f.name;
    if (name == path_a_) {
      f.name = path_b_;
    } else if (absl::StartsWith(name, path_a_) && name.size() > path_a_.size() &&
               name[path_a_.size()] == '/') {
      f.name = path_b_ + std::string(name.substr(path_a_.size()));
    }
  }
}

void StateUpdater::OnSocket(const EventView& ev) {
  ctx_.has_fd = true;
  ctx_.fd_num = ev.ret() >= 0 ? ev.ret() : -1;
  if (ev.ret() < 0) {
    return;
  }
  FdEntry* f = table_->PutFd(ctx_.process, static_cast<int32_t>(ev.ret()));
  if (f == nullptr) {
    return;
  }
  f->type = TypeOfFamily(ev.arg(0));
  if (f->is_ip_socket()) {
    f->l4proto = L4Of(ev.arg(1), ev.arg(2));
  }
  f->cloexec = (ev.arg(1) & SOCK_CLOEXEC) != 0;
  ctx_.fd = f;
}

// The entry of socket `fd`, created from the event's tuple if unknown.
FdEntry* StateUpdater::SocketFd(int64_t fd) {
  UseFd(fd);
  FdEntry* f = ctx_.process->FindFd(fd);
  if (f == nullptr && fd >= 0 && fd <= INT32_MAX) {
    saker_tuple t;
    if (!BlobStruct(*ctx_.event, SAKER_PARAM_TUPLE, SAKER_BLOB_TUPLE, &t)) {
      return nullptr;
    }
    f = table_->PutFd(ctx_.process, static_cast<int32_t>(fd));
    if (f != nullptr) {
      f->type = TypeOfFamily(t.family);
      f->l4proto = t.proto == IPPROTO_TCP   ? L4Proto::kTcp
                   : t.proto == IPPROTO_UDP ? L4Proto::kUdp
                                            : L4Proto::kUnknown;
    }
  }
  ctx_.fd = f;
  return f;
}

void StateUpdater::OnConnect(const EventView& ev) {
  FdEntry* f = SocketFd(static_cast<int32_t>(ev.arg(0)));
  if (f == nullptr || (ev.ret() != 0 && ev.ret() != -EINPROGRESS)) {
    return;
  }
  saker_tuple t;
  bool has_tuple = BlobStruct(ev, SAKER_PARAM_TUPLE, SAKER_BLOB_TUPLE, &t);
  SockAddr addr;
  auto sa = BlobData(ev, 1, SAKER_BLOB_SOCKADDR);
  bool has_addr = sa && ParseSockaddr(*sa, &addr);
  f->is_server = false;
  f->connected = true;
  if (f->type == FdType::kUnix) {
    auto path = BlobData(ev, SAKER_PARAM_TUPLE, SAKER_BLOB_STR);
    std::string name = path ? std::string(*path) : (has_addr ? addr.unix_path : f->name);
    ctx_.fd_name_changed = name != f->name;
    f->name = std::move(name);
    return;
  }
  Endpoint remote = has_tuple ? RemoteOf(t) : Endpoint();
  if ((!has_tuple || IsZero(remote.addr)) && has_addr) {
    remote = addr.ep;  // not connected yet: the address asked for
  }
  ctx_.fd_name_changed = SetEndpoints(f, has_tuple ? LocalOf(t) : f->local, remote);
}

void StateUpdater::OnAccept(const EventView& ev) {
  ctx_.has_fd = true;
  ctx_.fd_num = ev.ret() >= 0 ? ev.ret() : -1;
  saker_tuple t;
  if (ev.ret() < 0 || !BlobStruct(ev, SAKER_PARAM_TUPLE, SAKER_BLOB_TUPLE, &t)) {
    return;
  }
  FdEntry* f = table_->PutFd(ctx_.process, static_cast<int32_t>(ev.ret()));
  if (f == nullptr) {
    return;
  }
  f->type = TypeOfFamily(t.family);
  f->l4proto = t.proto == IPPROTO_UDP ? L4Proto::kUdp : L4Proto::kTcp;
  f->is_server = true;
  f->connected = true;
  f->cloexec = ev.syscall() == SAKER_SYS_accept4 && (ev.arg(3) & SOCK_CLOEXEC) != 0;
  if (f->type == FdType::kUnix) {
    auto path = BlobData(ev, SAKER_PARAM_TUPLE, SAKER_BLOB_STR);
    f->name = path ? std::string(*path) : std::string();
  } else {
    SetEndpoints(f, LocalOf(t), RemoteOf(t));
  }
  ctx_.fd = f;
}

void StateUpdater::OnBind(const EventView& ev) {
  UseFd(static_cast<int32_t>(ev.arg(0)));
  FdEntry* f = ctx_.process->FindFd(ctx_.fd_num);
  SockAddr addr;
  auto sa = BlobData(ev, 1, SAKER_BLOB_SOCKADDR);
  if (f == nullptr || ev.ret() != 0 || !sa || !ParseSockaddr(*sa, &addr)) {
    return;
  }
  if (f->type == FdType::kUnix) {
    f->name = addr.unix_path;
    return;
  }
  f->local = addr.ep;
  f->has_tuple = true;
}

void StateUpdater::OnSendRecv(const EventView& ev, int addr_param) {
  FdEntry* f = SocketFd(static_cast<int32_t>(ev.arg(0)));
  if (f == nullptr || !f->is_ip_socket() || ev.ret() < 0) {
    return;
  }
  saker_tuple t;
  if (!BlobStruct(ev, SAKER_PARAM_TUPLE, SAKER_BLOB_TUPLE, &t)) {
    return;
  }
  Endpoint remote = RemoteOf(t);
  SockAddr addr;
  auto sa = BlobData(ev, static_cast<uint16_t>(addr_param), SAKER_BLOB_SOCKADDR);
  if (IsZero(remote.addr) && sa && ParseSockaddr(*sa, &addr) && addr.family != AF_UNIX) {
    remote = addr.ep;  // an unconnected datagram socket: this datagram's peer
  }
  if (IsZero(remote.addr) && remote.port == 0) {
    return;
  }
  ctx_.fd_name_changed = SetEndpoints(f, LocalOf(t), remote);
}

}  // namespace saker::state
