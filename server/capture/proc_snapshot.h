// A snapshot of every process, thread and open fd, read from /proc when a
// capture starts, so a replay knows the processes that existed before the
// first event. Best effort by nature: processes come and go while it is read.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace saker::capture {

// Credentials, kept per thread (a thread may setuid on its own).
struct Credentials {
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t euid = 0;
  uint32_t egid = 0;
  uint64_t cap_inheritable = 0;
  uint64_t cap_permitted = 0;
  uint64_t cap_effective = 0;

  bool operator==(const Credentials& o) const;
  bool operator!=(const Credentials& o) const { return !(*this == o); }
};

struct ThreadInfo {
  uint32_t tid = 0;
  uint32_t vtid = 0;            // last NSpid entry: the tid in its own pid ns
  std::string comm;
  uint64_t start_time_ns = 0;   // since boot (stat field 22)
  Credentials creds;

  bool operator==(const ThreadInfo& o) const;
  bool operator!=(const ThreadInfo& o) const { return !(*this == o); }
};

// Endpoints of a socket, from /proc/net/{tcp,tcp6,udp,udp6,unix}.
struct SocketTuple {
  uint16_t family = 0;   // AF_INET, AF_INET6, AF_UNIX
  uint16_t proto = 0;    // IPPROTO_TCP, IPPROTO_UDP, 0 for AF_UNIX
  uint16_t sport = 0;    // host order
  uint16_t dport = 0;
  std::string saddr;     // 4 or 16 bytes, network order; empty for AF_UNIX
  std::string daddr;
  std::string unix_path; // AF_UNIX bound path; abstract names start with '@'
  uint32_t state = 0;    // the kernel's st column (TCP state, unix state)

  bool operator==(const SocketTuple& o) const;
  bool operator!=(const SocketTuple& o) const { return !(*this == o); }
};

enum class FdType : uint8_t {
  kOther = 0,
  kFile = 1,
  kDir = 2,
  kSocket = 3,
  kPipe = 4,
  kMemfd = 5,
  kEventfd = 6,
  kAnon = 7,  // any other anon_inode: epoll, timerfd, signalfd, bpf-map, ...
};
constexpr uint8_t kFdTypeMax = 7;

struct FdInfo {
  int32_t fd = 0;
  FdType type = FdType::kOther;
  std::string target;     // readlink of /proc/PID/fd/N
  uint64_t ino = 0;       // socket or pipe inode; the file's inode otherwise
  bool has_tuple = false; // sockets whose inode was found in /proc/net
  SocketTuple tuple;

  bool operator==(const FdInfo& o) const;
  bool operator!=(const FdInfo& o) const { return !(*this == o); }
};

enum ProcessFlags : uint32_t {
  kExeDeleted = 1 << 0,     // readlink of exe ended in " (deleted)"
  kExeUpperLayer = 1 << 1,  // exe on an overlayfs upper layer (best effort)
  kExeMemfd = 1 << 2,       // exe is a memfd
  kEnvTruncated = 1 << 3,   // env was longer than kMaxEnvBytes
  kArgvTruncated = 1 << 4,  // argv was longer than kMaxArgvBytes
};

struct ProcessInfo {
  uint32_t pid = 0;
  uint32_t ppid = 0;
  uint32_t vpid = 0;       // last NSpid entry: the pid in its own pid ns
  uint32_t pgid = 0;
  uint32_t session = 0;
  uint32_t tty = 0;        // tty_nr, 0 if none
  uint32_t loginuid = UINT32_MAX;
  uint32_t flags = 0;      // ProcessFlags
  std::string comm;
  std::string exe;         // readlink of /proc/PID/exe, verbatim
  std::string exepath;     // exe without the kernel's " (deleted)" suffix
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::string cwd;
  Credentials creds;       // of the main thread
  std::vector<std::string> cgroups;  // /proc/PID/cgroup lines
  uint64_t start_time_ns = 0;        // since boot
  uint64_t exe_ino = 0;
  uint64_t exe_ctime_ns = 0;         // CLOCK_REALTIME
  uint64_t exe_mtime_ns = 0;
  std::vector<ThreadInfo> threads;   // every thread, the main one included
  std::vector<FdInfo> fds;

  bool operator==(const ProcessInfo& o) const;
  bool operator!=(const ProcessInfo& o) const { return !(*this == o); }
};

struct ProcSnapshot {
  uint64_t taken_at_ns = 0;  // CLOCK_BOOTTIME when reading started
  std::vector<ProcessInfo> processes;  // sorted by pid

  bool operator==(const ProcSnapshot& o) const;
  bool operator!=(const ProcSnapshot& o) const { return !(*this == o); }
  const ProcessInfo* Find(uint32_t pid) const;
};

// Bounds on what one process may contribute.
constexpr size_t kMaxArgvBytes = 16 * 1024;
constexpr size_t kMaxEnvBytes = 8 * 1024;
constexpr size_t kMaxFdsPerProcess = 65536;

// Reads every process under `proc_root`. Processes and threads that vanish
// while being read are skipped; unreadable details (another user's environ
// or fds without privileges) are left empty. Fails only when `proc_root`
// itself cannot be listed.
absl::StatusOr<ProcSnapshot> ReadProcSnapshot(const std::string& proc_root = "/proc");

}  // namespace saker::capture
