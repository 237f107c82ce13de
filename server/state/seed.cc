// ProcessTable::Seed: the table from a /proc snapshot.
#include <sys/socket.h>

#include <algorithm>
#include <cstring>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "saker/wire.h"
#include "server/state/process_table.h"

namespace saker::state {
namespace {

constexpr uint32_t kTcpEstablished = 1;
constexpr uint32_t kTcpListen = 10;
constexpr uint16_t kIpprotoTcp = 6;
constexpr uint16_t kIpprotoUdp = 17;

void AppendJoined(const std::vector<std::string>& items, std::string* out) {
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) {
      out->push_back('\0');
    }
    out->append(items[i]);
  }
}

FdType AnonType(absl::string_view target) {
  if (absl::StrContains(target, "eventpoll")) {
    return FdType::kEventpoll;
  }
  if (absl::StrContains(target, "signalfd")) {
    return FdType::kSignalfd;
  }
  if (absl::StrContains(target, "inotify")) {
    return FdType::kInotify;
  }
  if (absl::StrContains(target, "timerfd")) {
    return FdType::kTimerfd;
  }
  if (absl::StrContains(target, "bpf")) {
    return FdType::kBpf;
  }
  if (absl::StrContains(target, "userfaultfd")) {
    return FdType::kUserfaultfd;
  }
  if (absl::StrContains(target, "io_uring")) {
    return FdType::kIoUring;
  }
  return FdType::kUnknown;
}

void CopyAddr(const std::string& from, uint8_t (&to)[16]) {
  std::memcpy(to, from.data(), std::min(from.size(), sizeof(to)));
}

void SeedSocket(const capture::FdInfo& in, const absl::flat_hash_set<uint16_t>& listening,
                FdEntry* out) {
  const capture::SocketTuple& t = in.tuple;
  if (!in.has_tuple) {
    out->type = FdType::kUnknown;  // netlink, packet... not in /proc/net
    return;
  }
  if (t.family == AF_UNIX) {
    out->type = FdType::kUnix;
    out->name = t.unix_path;
    return;
  }
  out->type = t.family == AF_INET6 ? FdType::kIpv6 : FdType::kIpv4;
  out->l4proto = t.proto == kIpprotoTcp   ? L4Proto::kTcp
                 : t.proto == kIpprotoUdp ? L4Proto::kUdp
                                          : L4Proto::kRaw;
  out->has_tuple = true;
  CopyAddr(t.saddr, out->local.addr);
  CopyAddr(t.daddr, out->remote.addr);
  out->local.port = t.sport;
  out->remote.port = t.dport;
  bool tcp = t.proto == kIpprotoTcp;
  // A connection whose local port is one we listen on was accepted.
  out->is_server = (tcp && t.state == kTcpListen) || (t.dport != 0 && listening.contains(t.sport));
  out->connected = tcp ? t.state == kTcpEstablished : t.dport != 0;
}

void SeedFd(const capture::FdInfo& in, const absl::flat_hash_set<uint16_t>& listening,
            FdEntry* out) {
  out->ino = in.ino;
  switch (in.type) {
    case capture::FdType::kFile:
      out->type = FdType::kFile;
      out->name = in.target;
      return;
    case capture::FdType::kDir:
      out->type = FdType::kDirectory;
      out->name = in.target;
      return;
    case capture::FdType::kSocket:
      SeedSocket(in, listening, out);
      return;
    case capture::FdType::kPipe:
      out->type = FdType::kPipe;
      break;
    case capture::FdType::kMemfd:
      out->type = FdType::kMemfd;
      break;
    case capture::FdType::kEventfd:
      out->type = FdType::kEvent;
      break;
    case capture::FdType::kAnon:
      out->type = AnonType(in.target);
      break;
    case capture::FdType::kOther:
      out->type = FdType::kUnknown;
      break;
  }
  out->name = in.target;
}

void SeedProcess(const capture::ProcessInfo& in, ProcessState* p) {
  p->vpid = in.vpid != 0 ? in.vpid : in.pid;
  p->pgid = in.pgid;
  p->sid = in.session;
  p->tty = in.tty;
  p->loginuid = in.loginuid;
  p->exe_flags = 0;
  if (in.flags & capture::kExeUpperLayer) {
    p->exe_flags |= SAKER_EXE_UPPER_LAYER;
  }
  if (in.flags & capture::kExeMemfd) {
    p->exe_flags |= SAKER_EXE_MEMFD;
  }
  p->start_ts_ns = in.start_time_ns;
  p->exe_ino = in.exe_ino;
  p->exe_ctime_ns = in.exe_ctime_ns;
  p->exe_mtime_ns = in.exe_mtime_ns;
  p->comm = in.comm;
  p->exepath = in.exepath;
  AppendJoined(in.argv, &p->argv);
  AppendJoined(in.env, &p->env);
  p->cwd = in.cwd;
  AppendJoined(in.cgroups, &p->cgroups);
  p->UpdateContainer();
}

Credentials FromSnapshot(const capture::Credentials& c) {
  Credentials out;
  out.uid = c.uid;
  out.gid = c.gid;
  out.euid = c.euid;
  out.egid = c.egid;
  out.cap_inheritable = c.cap_inheritable;
  out.cap_permitted = c.cap_permitted;
  out.cap_effective = c.cap_effective;
  return out;
}

}  // namespace

void FillProcessFromSnapshot(const capture::ProcessInfo& in, ProcessState* p) {
  SeedProcess(in, p);
  absl::flat_hash_set<uint16_t> none;
  for (const capture::FdInfo& f : in.fds) {
    SeedFd(f, none, &p->fds[f.fd]);
  }
}

void ProcessTable::Seed(const capture::ProcSnapshot& snapshot) {
  threads_.clear();
  processes_.clear();
  // Local ports with a listening TCP socket anywhere: connections on them
  // are the server side.
  absl::flat_hash_set<uint16_t> listening;
  for (const capture::ProcessInfo& in : snapshot.processes) {
    for (const capture::FdInfo& f : in.fds) {
      if (f.has_tuple && f.tuple.state == kTcpListen && f.tuple.proto == kIpprotoTcp) {
        listening.insert(f.tuple.sport);
      }
    }
  }
  for (const capture::ProcessInfo& in : snapshot.processes) {
    ProcessState* p = AddProcess(in.pid, 0);
    SeedProcess(in, p);
    for (const capture::FdInfo& f : in.fds) {
      if (FdEntry* e = PutFd(p, f.fd); e != nullptr) {
        SeedFd(f, listening, e);
      }
    }
    for (const capture::ThreadInfo& t : in.threads) {
      ThreadState* th = AddThread(t.tid, p);
      th->vtid = t.vtid != 0 ? t.vtid : t.tid;
      th->creds = FromSnapshot(t.creds);
      th->start_ts_ns = t.start_time_ns;
      th->last_seen_ns = snapshot.taken_at_ns;
    }
    if (p->tids.empty()) {  // no thread list: the main thread
      ThreadState* th = AddThread(in.pid, p);
      th->creds = FromSnapshot(in.creds);
      th->start_ts_ns = in.start_time_ns;
      th->last_seen_ns = snapshot.taken_at_ns;
    }
  }
  // Parents last: every parent exists now, so child counts are right.
  for (const capture::ProcessInfo& in : snapshot.processes) {
    if (ProcessState* p = FindProcess(in.pid); p != nullptr) {
      SetParent(p, in.ppid);
    }
  }
}

}  // namespace saker::state
