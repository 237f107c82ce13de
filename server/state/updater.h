// StateUpdater: the EventSink that keeps the ProcessTable current, event by
// event, and describes each event (its thread, process and fd) for the field
// extractor.
//
// Ordering (Falco's, documented in README.md): an event's effects are
// applied BEFORE it is handed on, so rules see the state after the event:
//   execve/execveat  proc.* is the new program;
//   open*, socket, accept*, memfd_create  fd.* is the new fd (a failed open
//                    still describes the path it tried, with fd.num = -1);
//   connect, bind, listen, send*, recv*  fd.* has the new tuple/role;
//   clone*, fork, vfork  the child exists (parent side and child side);
//   chdir/fchdir, setuid family, capset  the new cwd and credentials.
// Except removals, which are deferred to the start of the next event so the
// event that causes them can still be described:
//   close            fd.* is the fd being closed;
//   procexit         proc.* is the exiting process.
#pragma once

#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "server/capture/proc_snapshot.h"
#include "server/driver/event_source.h"
#include "server/driver/event_view.h"
#include "server/state/process_table.h"

namespace saker::state {

// What one event refers to, after its effects were applied.
struct EventContext {
  uint64_t evt_num = 0;
  const EventView* event = nullptr;
  ThreadState* thread = nullptr;
  ProcessState* process = nullptr;
  bool has_fd = false;          // the event works on an fd: fd.num exists
  int64_t fd_num = -1;
  const FdEntry* fd = nullptr;  // its entry, or null when unknown
  bool fd_name_changed = false;
};

// Looks a process up outside the table (e.g. in /proc) when an event comes
// from one the table does not know. Optional: off for replays, which must
// not depend on the machine they run on.
class ProcessInfoSource {
 public:
  virtual ~ProcessInfoSource() = default;
  virtual bool Lookup(uint32_t pid, capture::ProcessInfo* out) = 0;
};

// Reads one process from /proc (no fds).
class ProcFsProcessSource : public ProcessInfoSource {
 public:
  explicit ProcFsProcessSource(std::string proc_root = "/proc")
      : proc_root_(std::move(proc_root)) {}
  bool Lookup(uint32_t pid, capture::ProcessInfo* out) override;

 private:
  std::string proc_root_;
};

// Receives each event with its context, after the state was updated.
class StatefulEventSink {
 public:
  virtual ~StatefulEventSink() = default;
  virtual void OnStatefulEvent(const EventContext& ctx) = 0;
};

struct UpdaterStats {
  uint64_t events = 0;
  uint64_t lazy_threads = 0;     // threads first seen in an event
  uint64_t proc_lookups = 0;     // ...and found via the ProcessInfoSource
  uint64_t clones_child_first = 0;
};

class StateUpdater : public EventSink {
 public:
  // `table` must outlive the updater; `next` and `proc_source` may be null.
  StateUpdater(ProcessTable* table, StatefulEventSink* next = nullptr,
               ProcessInfoSource* proc_source = nullptr);

  // Apply(), then next->OnStatefulEvent().
  void OnEvent(uint64_t evt_num, const EventView& event) override;
  // Applies one event's effects; the context stays valid until the next call.
  const EventContext& Apply(uint64_t evt_num, const EventView& event);
  const EventContext& context() const { return ctx_; }

  // Writes the absolute form of `path`, relative to directory fd `dirfd`
  // (AT_FDCWD or -1: the cwd) of process `p`. False (raw path written) when
  // the directory is unknown.
  bool ResolveAt(const ProcessState& p, int64_t dirfd, absl::string_view path,
                 std::string* out) const;

  const ProcessTable& table() const { return *table_; }
  const UpdaterStats& stats() const { return stats_; }

 private:
  void ApplyPending();
  ThreadState* ThreadFor(const EventView& ev);
  ThreadState* LazyThread(const EventView& ev);
  ThreadState* CloneChild(const EventView& ev);
  ProcessState* InheritProcess(const ProcessState& parent, uint32_t pid, uint32_t ppid,
                               uint64_t ts);
  void OnClone(const EventView& ev);
  void OnExecve(const EventView& ev);
  void OnProcexit(const EventView& ev);
  void OnPrctl(const EventView& ev);
  void OnCapset(const EventView& ev);
  void OnChdir(const EventView& ev);
  void OnOpen(const EventView& ev);
  void OnDup(const EventView& ev);
  void OnFdPair(const EventView& ev, int param, FdType type, bool cloexec);
  void OnMemfd(const EventView& ev);
  void OnRename(const EventView& ev);
  void OnSocket(const EventView& ev);
  void OnConnect(const EventView& ev);
  void OnAccept(const EventView& ev);
  void OnBind(const EventView& ev);
  void OnSendRecv(const EventView& ev, int addr_param);
  void UseFd(int64_t fd);
  FdEntry* SocketFd(int64_t fd);

  ProcessTable* table_;
  StatefulEventSink* next_;
  ProcessInfoSource* proc_source_;
  EventContext ctx_;
  UpdaterStats stats_;
  // Deferred removals (see the ordering note above).
  uint32_t pending_exit_tid_ = 0;
  uint32_t pending_exit_pid_ = 0;
  bool pending_group_dead_ = false;
  uint32_t pending_close_pid_ = 0;
  int32_t pending_close_fd_ = -1;
  // A failed open's would-be fd; scratch strings, reused.
  FdEntry transient_fd_;
  std::string path_a_;
  std::string path_b_;
  capture::ProcessInfo lookup_scratch_;
};

}  // namespace saker::state
