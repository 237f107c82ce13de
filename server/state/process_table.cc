#include "server/state/process_table.h"

#include <algorithm>

namespace saker::state {

absl::string_view ProcessState::exe() const {
  absl::string_view a(argv);
  return a.substr(0, a.find('\0'));
}

const FdEntry* ProcessState::FindFd(int64_t fd) const {
  if (fd < 0 || fd > INT32_MAX) {
    return nullptr;
  }
  auto it = fds.find(static_cast<int32_t>(fd));
  return it == fds.end() ? nullptr : &it->second;
}

FdEntry* ProcessState::FindFd(int64_t fd) {
  return const_cast<FdEntry*>(static_cast<const ProcessState*>(this)->FindFd(fd));
}

void ProcessState::UpdateContainer() {
  ContainerRef ref;
  FindContainerInCgroups(cgroups, &ref);
  container_runtime = ref.runtime;
  container_id.assign(ref.short_id().data(), ref.short_id().size());
}

ProcessTable::ProcessTable(TableOptions options) : options_(options) {
  if (options_.max_threads < 16) {
    options_.max_threads = 16;
  }
}

ThreadState* ProcessTable::FindThread(uint32_t tid) {
  auto it = threads_.find(tid);
  return it == threads_.end() ? nullptr : it->second.get();
}

const ThreadState* ProcessTable::FindThread(uint32_t tid) const {
  auto it = threads_.find(tid);
  return it == threads_.end() ? nullptr : it->second.get();
}

ProcessState* ProcessTable::FindProcess(uint32_t pid) {
  auto it = processes_.find(pid);
  return it == processes_.end() ? nullptr : it->second.get();
}

const ProcessState* ProcessTable::FindProcess(uint32_t pid) const {
  auto it = processes_.find(pid);
  return it == processes_.end() ? nullptr : it->second.get();
}

void ProcessTable::SetParent(ProcessState* p, uint32_t ppid) {
  if (p->ppid == ppid) {
    return;
  }
  if (ProcessState* old = FindProcess(p->ppid); old != nullptr && old->children > 0) {
    --old->children;
  }
  p->ppid = ppid;
  if (ProcessState* parent = FindProcess(ppid); parent != nullptr && parent != p) {
    ++parent->children;
  }
}

ProcessState* ProcessTable::AddProcess(uint32_t pid, uint32_t ppid) {
  if (processes_.contains(pid)) {
    RemoveProcess(pid);
  }
  auto p = std::make_unique<ProcessState>();
  p->pid = pid;
  p->vpid = pid;
  ProcessState* raw = p.get();
  processes_[pid] = std::move(p);
  // Children already known (seen before their parent) are not counted:
  // their next event's header re-links them anyway.
  SetParent(raw, ppid);
  return raw;
}

ThreadState* ProcessTable::AddThread(uint32_t tid, ProcessState* process) {
  if (threads_.contains(tid)) {
    RemoveThread(tid);
  }
  if (threads_.size() >= options_.max_threads) {
    // Never evict the process we are adding to.
    process->tids.push_back(tid);
    EvictOldest();
    process->tids.pop_back();
  }
  auto t = std::make_unique<ThreadState>();
  t->tid = tid;
  t->vtid = tid;
  t->process = process;
  ThreadState* raw = t.get();
  threads_[tid] = std::move(t);
  process->tids.push_back(tid);
  return raw;
}

void ProcessTable::RemoveThread(uint32_t tid) {
  auto it = threads_.find(tid);
  if (it == threads_.end()) {
    return;
  }
  ProcessState* p = it->second->process;
  threads_.erase(it);
  auto& tids = p->tids;
  tids.erase(std::remove(tids.begin(), tids.end(), tid), tids.end());
  if (tids.empty()) {
    RemoveProcess(p->pid);
  }
}

void ProcessTable::Reparent(const ProcessState& dying) {
  // The kernel's find_new_reaper: the nearest ancestor that set
  // PR_SET_CHILD_SUBREAPER, else the init of the pid namespace (pid 1 here).
  uint32_t reaper = 1;
  for (const ProcessState* a = Parent(dying); a != nullptr; a = Parent(*a)) {
    if (a->is_subreaper) {
      reaper = a->pid;
      break;
    }
    if (a->pid == 1) {
      break;
    }
  }
  for (auto& [pid, c] : processes_) {
    if (c->ppid == dying.pid && c.get() != &dying) {
      SetParent(c.get(), reaper);
    }
  }
}

void ProcessTable::RemoveProcess(uint32_t pid) {
  auto it = processes_.find(pid);
  if (it == processes_.end()) {
    return;
  }
  ProcessState* p = it->second.get();
  if (p->children > 0) {
    Reparent(*p);
  }
  SetParent(p, 0);
  for (uint32_t tid : p->tids) {
    threads_.erase(tid);
  }
  processes_.erase(pid);
  ++stats_.processes_removed;
}

FdEntry* ProcessTable::PutFd(ProcessState* p, int32_t fd) {
  auto it = p->fds.find(fd);
  if (it != p->fds.end()) {
    it->second = FdEntry();
    return &it->second;
  }
  if (p->fds.size() >= options_.max_fds_per_process) {
    ++stats_.fds_dropped;
    return nullptr;
  }
  return &p->fds[fd];
}

const ProcessState* ProcessTable::Ancestor(const ProcessState& p, int n) const {
  const ProcessState* cur = &p;
  for (int i = 0; i < n && cur != nullptr; ++i) {
    if (cur->ppid == cur->pid || cur->ppid == 0) {
      return nullptr;
    }
    cur = FindProcess(cur->ppid);
  }
  return cur;
}

void ProcessTable::EvictOldest() {
  // Drop the least recently seen eighth, so eviction costs O(1) amortized
  // per new thread.
  eviction_scratch_.clear();
  for (const auto& [tid, t] : threads_) {
    eviction_scratch_.emplace_back(t->last_seen_ns, tid);
  }
  size_t n = std::max<size_t>(1, eviction_scratch_.size() / 8);
  std::nth_element(eviction_scratch_.begin(), eviction_scratch_.begin() + (n - 1),
                   eviction_scratch_.end());
  for (size_t i = 0; i < n; ++i) {
    ++stats_.threads_evicted;
    RemoveThread(eviction_scratch_[i].second);
  }
}

}  // namespace saker::state
