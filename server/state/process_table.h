// The thread/process table: every known process (pid, parent, program,
// credentials, cwd, open fds...) and its threads, seeded from a /proc
// snapshot and kept current by the StateUpdater (updater.h).
//
// Threads of one process share its ProcessState (fds, cwd, exe, argv...),
// as CLONE_THREAD threads share them in the kernel. Credentials are kept per
// thread. The table is bounded: past `max_threads`, the least recently seen
// threads are evicted in batches.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "server/capture/proc_snapshot.h"
#include "server/state/container_id.h"
#include "server/state/fd_entry.h"

namespace saker::state {

struct Credentials {
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t euid = 0;
  uint32_t egid = 0;
  uint64_t cap_inheritable = 0;
  uint64_t cap_permitted = 0;
  uint64_t cap_effective = 0;
};

constexpr uint32_t kNoLoginUid = UINT32_MAX;

struct ProcessState {
  uint32_t pid = 0;
  uint32_t ppid = 0;
  uint32_t vpid = 0;
  uint32_t pgid = 0;
  uint32_t sid = 0;
  uint32_t tty = 0;
  uint32_t loginuid = kNoLoginUid;
  uint32_t exe_flags = 0;   // enum saker_exe_flags
  uint32_t children = 0;    // processes whose ppid is this pid
  bool is_subreaper = false;
  bool incomplete = false;  // created from an event header alone
  uint64_t start_ts_ns = 0;  // CLOCK_BOOTTIME at fork
  uint64_t exe_ino = 0;
  uint64_t exe_ctime_ns = 0;  // CLOCK_REALTIME
  uint64_t exe_mtime_ns = 0;
  std::string comm;
  std::string exepath;
  std::string argv;     // NUL-separated, argv[0] first
  std::string env;      // NUL-separated
  std::string cwd;      // absolute, no trailing slash (but "/")
  std::string cgroups;  // NUL-separated "hierarchy:controllers:path" lines
  std::string container_id;  // 12 hex digits; empty on the host
  ContainerRuntime container_runtime = ContainerRuntime::kNone;
  absl::flat_hash_map<int32_t, FdEntry> fds;
  std::vector<uint32_t> tids;  // known threads

  // argv[0] (proc.exe), or "" when argv is unknown.
  absl::string_view exe() const;
  const FdEntry* FindFd(int64_t fd) const;
  FdEntry* FindFd(int64_t fd);
  // Sets container_id/container_runtime from `cgroups`.
  void UpdateContainer();
};

struct ThreadState {
  uint32_t tid = 0;
  uint32_t vtid = 0;
  ProcessState* process = nullptr;
  Credentials creds;
  uint64_t start_ts_ns = 0;
  uint64_t last_seen_ns = 0;  // CLOCK_BOOTTIME of its last event
};

struct TableOptions {
  // Evict least recently seen threads beyond this many.
  size_t max_threads = 262144;
  // Fds kept per process; opens beyond are not recorded.
  size_t max_fds_per_process = 65536;
};

struct TableStats {
  uint64_t threads_evicted = 0;
  uint64_t processes_removed = 0;
  uint64_t fds_dropped = 0;  // past max_fds_per_process
};

class ProcessTable {
 public:
  explicit ProcessTable(TableOptions options = {});
  ProcessTable(const ProcessTable&) = delete;
  ProcessTable& operator=(const ProcessTable&) = delete;

  // Replaces the table with the processes, threads and fds of `snapshot`.
  void Seed(const capture::ProcSnapshot& snapshot);

  ThreadState* FindThread(uint32_t tid);
  const ThreadState* FindThread(uint32_t tid) const;
  ProcessState* FindProcess(uint32_t pid);
  const ProcessState* FindProcess(uint32_t pid) const;

  // A new, empty process `pid` (an existing one is removed first).
  ProcessState* AddProcess(uint32_t pid, uint32_t ppid);
  // A new thread `tid` of `process` (an existing `tid` is removed first).
  // May evict least recently seen threads to stay within max_threads.
  ThreadState* AddThread(uint32_t tid, ProcessState* process);
  // Removes a thread; its process goes with its last thread.
  void RemoveThread(uint32_t tid);
  // Removes a process and its threads; its children are reparented to the
  // nearest subreaper ancestor, else to pid 1, as the kernel does.
  void RemoveProcess(uint32_t pid);
  // Sets p's parent, keeping the parents' child counts.
  void SetParent(ProcessState* p, uint32_t ppid);
  // Adds or replaces an fd, within max_fds_per_process. nullptr if dropped.
  FdEntry* PutFd(ProcessState* p, int32_t fd);

  // Ancestor `n` of `p` (0 = p itself, 1 = parent...), or nullptr.
  const ProcessState* Ancestor(const ProcessState& p, int n) const;
  const ProcessState* Parent(const ProcessState& p) const { return Ancestor(p, 1); }

  size_t thread_count() const { return threads_.size(); }
  size_t process_count() const { return processes_.size(); }
  const TableStats& stats() const { return stats_; }
  const TableOptions& options() const { return options_; }

  template <typename Fn>
  void ForEachProcess(Fn fn) const {
    for (const auto& [pid, p] : processes_) {
      fn(*p);
    }
  }

 private:
  void EvictOldest();
  void Reparent(const ProcessState& dying);

  TableOptions options_;
  absl::flat_hash_map<uint32_t, std::unique_ptr<ThreadState>> threads_;
  absl::flat_hash_map<uint32_t, std::unique_ptr<ProcessState>> processes_;
  std::vector<std::pair<uint64_t, uint32_t>> eviction_scratch_;
  TableStats stats_;
};

// Fills `p`'s program, identity and fds from one snapshot process (threads
// and parent are left to the caller).
void FillProcessFromSnapshot(const capture::ProcessInfo& in, ProcessState* p);

}  // namespace saker::state
