// StateUpdater: dispatch, thread lookup and the process events. File and
// socket events are in updater_fd.cc.
#include "server/state/updater.h"

#include <fcntl.h>
#include <linux/prctl.h>
#include <sched.h>
#include <sys/socket.h>

#include "saker/wire.h"
#include "server/state/event_blobs.h"
#include "server/state/paths.h"

namespace saker::state {
namespace {

bool IsCloneFamily(uint16_t sc) {
  return sc == SAKER_SYS_clone || sc == SAKER_SYS_clone3 || sc == SAKER_SYS_fork ||
         sc == SAKER_SYS_vfork;
}

uint64_t CloneFlags(const EventView& ev) {
  switch (ev.syscall()) {
    case SAKER_SYS_clone:
      return ev.arg(0);
    case SAKER_SYS_clone3:
      return BlobU64(ev, 0).value_or(0);
    case SAKER_SYS_vfork:
      return CLONE_VM | CLONE_VFORK;
    default:
      return 0;
  }
}

void CopyProgram(const ProcessState& from, ProcessState* to) {
  to->vpid = to->pid;
  to->pgid = from.pgid;
  to->sid = from.sid;
  to->tty = from.tty;
  to->loginuid = from.loginuid;
  to->exe_flags = from.exe_flags;
  to->exe_ino = from.exe_ino;
  to->exe_ctime_ns = from.exe_ctime_ns;
  to->exe_mtime_ns = from.exe_mtime_ns;
  to->comm = from.comm;
  to->exepath = from.exepath;
  to->argv = from.argv;
  to->env = from.env;
  to->cwd = from.cwd;
  to->cgroups = from.cgroups;
  to->container_id = from.container_id;
  to->container_runtime = from.container_runtime;
  to->incomplete = from.incomplete;
}

}  // namespace

StateUpdater::StateUpdater(ProcessTable* table, StatefulEventSink* next,
                           ProcessInfoSource* proc_source)
    : table_(table), next_(next), proc_source_(proc_source) {}

void StateUpdater::OnEvent(uint64_t evt_num, const EventView& event) {
  const EventContext& ctx = Apply(evt_num, event);
  if (next_ != nullptr) {
    next_->OnStatefulEvent(ctx);
  }
}

void StateUpdater::ApplyPending() {
  if (pending_close_fd_ >= 0) {
    if (ProcessState* p = table_->FindProcess(pending_close_pid_); p != nullptr) {
      p->fds.erase(pending_close_fd_);
    }
    pending_close_fd_ = -1;
  }
  if (pending_exit_tid_ != 0) {
    ThreadState* t = table_->FindThread(pending_exit_tid_);
    if (pending_group_dead_) {
      table_->RemoveProcess(pending_exit_pid_);
    } else if (t != nullptr) {
      table_->RemoveThread(pending_exit_tid_);
    }
    pending_exit_tid_ = 0;
  }
}

const EventContext& StateUpdater::Apply(uint64_t evt_num, const EventView& ev) {
  ApplyPending();
  ++stats_.events;
  ctx_ = EventContext();
  ctx_.evt_num = evt_num;
  ctx_.event = &ev;
  const saker_event_header& h = ev.hdr();
  ThreadState* t = ThreadFor(ev);
  ctx_.thread = t;
  ctx_.process = t->process;
  // The header carries the credentials and parent as they are at exit:
  // setuid & co. and reparenting need nothing more.
  t->last_seen_ns = h.ts_ns;
  t->creds.uid = h.uid;
  t->creds.gid = h.gid;
  t->creds.euid = h.euid;
  t->creds.egid = h.egid;
  if (h.ppid != 0 && h.ppid != t->process->pid) {
    table_->SetParent(t->process, h.ppid);
  }
  if (ev.kind() == SAKER_EVENT_PROCEXIT) {
    OnProcexit(ev);
    return ctx_;
  }
  switch (ev.syscall()) {
    case SAKER_SYS_clone:
    case SAKER_SYS_clone3:
    case SAKER_SYS_fork:
    case SAKER_SYS_vfork: OnClone(ev); break;
    case SAKER_SYS_execve:
    case SAKER_SYS_execveat: OnExecve(ev); break;
    case SAKER_SYS_prctl: OnPrctl(ev); break;
    case SAKER_SYS_capset: OnCapset(ev); break;
    case SAKER_SYS_chdir:
    case SAKER_SYS_fchdir: OnChdir(ev); break;
    case SAKER_SYS_open:
    case SAKER_SYS_openat:
    case SAKER_SYS_openat2:
    case SAKER_SYS_creat: OnOpen(ev); break;
    case SAKER_SYS_close:
      UseFd(static_cast<int32_t>(ev.arg(0)));
      if (ev.ret() == 0) {
        pending_close_pid_ = ctx_.process->pid;
        pending_close_fd_ = static_cast<int32_t>(ev.arg(0));
      }
      break;
    case SAKER_SYS_dup:
    case SAKER_SYS_dup2:
    case SAKER_SYS_dup3:
    case SAKER_SYS_fcntl: OnDup(ev); break;
    case SAKER_SYS_pipe: OnFdPair(ev, 0, FdType::kPipe, false); break;
    case SAKER_SYS_pipe2: OnFdPair(ev, 0, FdType::kPipe, (ev.arg(1) & O_CLOEXEC) != 0); break;
    case SAKER_SYS_socketpair:
      OnFdPair(ev, 3, ev.arg(0) == AF_UNIX ? FdType::kUnix : FdType::kUnknown,
               (ev.arg(1) & SOCK_CLOEXEC) != 0);
      break;
    case SAKER_SYS_memfd_create: OnMemfd(ev); break;
    case SAKER_SYS_rename:
    case SAKER_SYS_renameat:
    case SAKER_SYS_renameat2: OnRename(ev); break;
    case SAKER_SYS_socket: OnSocket(ev); break;
    case SAKER_SYS_connect: OnConnect(ev); break;
    case SAKER_SYS_accept:
    case SAKER_SYS_accept4: OnAccept(ev); break;
    case SAKER_SYS_bind: OnBind(ev); break;
    case SAKER_SYS_listen:
      UseFd(static_cast<int32_t>(ev.arg(0)));
      if (FdEntry* f = ctx_.process->FindFd(ctx_.fd_num); f != nullptr && ev.ret() == 0) {
        f->is_server = true;
      }
      break;
    case SAKER_SYS_sendto:
    case SAKER_SYS_recvfrom: OnSendRecv(ev, 4); break;
    case SAKER_SYS_sendmsg:
    case SAKER_SYS_recvmsg: OnSendRecv(ev, 2); break;
    case SAKER_SYS_shutdown:
    case SAKER_SYS_fchmod:
    case SAKER_SYS_fchown:
    case SAKER_SYS_finit_module:
    case SAKER_SYS_setns: UseFd(static_cast<int32_t>(ev.arg(0))); break;
    default: break;
  }
  return ctx_;
}

ThreadState* StateUpdater::ThreadFor(const EventView& ev) {
  if (ThreadState* t = table_->FindThread(ev.hdr().tid); t != nullptr) {
    // A thread whose pid changed was replaced unseen (pid reuse, or a
    // non-leader thread that exec'ed and took the leader's tid).
    if (t->process->pid == ev.hdr().pid) {
      return t;
    }
    table_->RemoveThread(ev.hdr().tid);
  }
  if (ev.kind() == SAKER_EVENT_SYSCALL && IsCloneFamily(ev.syscall()) && ev.ret() == 0) {
    if (ThreadState* t = CloneChild(ev); t != nullptr) {
      return t;
    }
  }
  return LazyThread(ev);
}

// A process known only from an event: the header, and /proc if allowed.
ThreadState* StateUpdater::LazyThread(const EventView& ev) {
  const saker_event_header& h = ev.hdr();
  ++stats_.lazy_threads;
  ProcessState* p = table_->FindProcess(h.pid);
  if (p == nullptr) {
    p = table_->AddProcess(h.pid, h.ppid);
    if (proc_source_ != nullptr && proc_source_->Lookup(h.pid, &lookup_scratch_)) {
      ++stats_.proc_lookups;
      FillProcessFromSnapshot(lookup_scratch_, p);
    } else {
      p->incomplete = true;
      p->comm = std::string(ev.comm());
      p->start_ts_ns = 0;  // unknown: proc.duration is not extractable
    }
  }
  return table_->AddThread(h.tid, p);
}

ProcessState* StateUpdater::InheritProcess(const ProcessState& parent, uint32_t pid,
                                           uint32_t ppid, uint64_t ts) {
  // Copy first: AddProcess replaces any stale process `pid`.
  ProcessState copy;
  copy.pid = pid;
  CopyProgram(parent, &copy);
  copy.fds = parent.fds;
  ProcessState* p = table_->AddProcess(pid, ppid);
  copy.ppid = p->ppid;
  copy.children = p->children;
  copy.tids = p->tids;
  *p = std::move(copy);
  p->start_ts_ns = ts;
  return p;
}

// The child's own return from clone, seen before (or without) the parent's.
ThreadState* StateUpdater::CloneChild(const EventView& ev) {
  const saker_event_header& h = ev.hdr();
  uint64_t flags = CloneFlags(ev);
  ProcessState* p = table_->FindProcess(h.pid);
  const ThreadState* creator = nullptr;
  if (p == nullptr || !(flags & CLONE_THREAD)) {
    ProcessState* parent = table_->FindProcess(h.ppid);
    if (parent == nullptr) {
      return nullptr;
    }
    creator = parent->tids.empty() ? nullptr : table_->FindThread(parent->tids.front());
    p = InheritProcess(*parent, h.pid, h.ppid, h.ts_ns);
  } else {
    creator = p->tids.empty() ? nullptr : table_->FindThread(p->tids.front());
  }
  Credentials creds = creator != nullptr ? creator->creds : Credentials();
  ThreadState* t = table_->AddThread(h.tid, p);
  t->creds = creds;
  t->start_ts_ns = h.ts_ns;
  ++stats_.clones_child_first;
  return t;
}

void StateUpdater::OnClone(const EventView& ev) {
  int64_t child = ev.ret();
  ProcessState* parent = ctx_.process;
  // A caller in another pid namespace returns the child's virtual pid:
  // leave those to the child's own event.
  if (child <= 0 || parent->vpid != parent->pid || !parent->container_id.empty() ||
      table_->FindThread(static_cast<uint32_t>(child)) != nullptr) {
    return;
  }
  uint64_t flags = CloneFlags(ev);
  uint32_t tid = static_cast<uint32_t>(child);
  Credentials creds = ctx_.thread->creds;
  ProcessState* p = parent;
  if (!(flags & CLONE_THREAD)) {
    uint32_t ppid = (flags & CLONE_PARENT) ? parent->ppid : parent->pid;
    p = InheritProcess(*parent, tid, ppid, ev.hdr().ts_ns);
  }
  ThreadState* t = table_->AddThread(tid, p);
  t->creds = creds;
  t->start_ts_ns = ev.hdr().ts_ns;
  t->last_seen_ns = ev.hdr().ts_ns;
  // AddThread/AddProcess may have rehashed: refresh the context.
  ctx_.thread = table_->FindThread(ev.hdr().tid);
  ctx_.process = ctx_.thread != nullptr ? ctx_.thread->process : nullptr;
  if (ctx_.thread == nullptr) {  // evicted: recreate minimal
    ctx_.thread = LazyThread(ev);
    ctx_.process = ctx_.thread->process;
  }
}

void StateUpdater::OnExecve(const EventView& ev) {
  if (ev.ret() != 0) {
    return;
  }
  ProcessState* p = ctx_.process;
  ThreadState* t = ctx_.thread;
  // de_thread(): every other thread is gone; the exec'ing one is the leader.
  for (size_t i = 0; i < p->tids.size();) {
    uint32_t tid = p->tids[i];
    if (tid != t->tid) {
      table_->RemoveThread(tid);  // never the last: `t` remains
    } else {
      ++i;
    }
  }
  p->incomplete = false;
  p->comm = std::string(ev.comm());
  if (auto argv = BlobData(ev, SAKER_PARAM_ARGV)) {
    absl::string_view v = TrimStrList(*argv);
    p->argv.assign(v.data(), v.size());
  }
  if (auto env = BlobData(ev, SAKER_PARAM_ENV)) {
    absl::string_view v = TrimStrList(*env);
    p->env.assign(v.data(), v.size());
  }
  if (auto exepath = BlobData(ev, SAKER_PARAM_EXEPATH)) {
    p->exepath.assign(exepath->data(), exepath->size());
  }
  if (auto cwd = BlobData(ev, SAKER_PARAM_CWD)) {
    p->cwd.assign(cwd->data(), cwd->size());
  }
  if (auto cg = BlobData(ev, SAKER_PARAM_CGROUP)) {
    p->cgroups.assign("0::");
    p->cgroups.append(cg->data(), cg->size());
    p->UpdateContainer();
  }
  saker_exec_info info;
  if (BlobStruct(ev, SAKER_PARAM_EXEC_INFO, SAKER_BLOB_EXEC, &info)) {
    t->creds.cap_inheritable = info.cap_inheritable;
    t->creds.cap_permitted = info.cap_permitted;
    t->creds.cap_effective = info.cap_effective;
    p->tty = info.tty;
    p->loginuid = info.loginuid;
    p->pgid = info.pgid;
    p->sid = info.sid;
    p->exe_flags = info.exe_flags;
    p->exe_ino = info.exe_ino;
    p->exe_ctime_ns = info.exe_ctime_ns;
    p->exe_mtime_ns = info.exe_mtime_ns;
  }
  // Close-on-exec fds are gone.
  absl::erase_if(p->fds, [](const auto& kv) { return kv.second.cloexec; });
}

void StateUpdater::OnProcexit(const EventView& ev) {
  pending_exit_tid_ = ctx_.thread->tid;
  pending_exit_pid_ = ctx_.process->pid;
  pending_group_dead_ = ev.arg(1) != 0;
}

void StateUpdater::OnPrctl(const EventView& ev) {
  if (ev.ret() == 0 && ev.arg(0) == PR_SET_CHILD_SUBREAPER) {
    ctx_.process->is_subreaper = ev.arg(1) != 0;
  }
}

void StateUpdater::OnCapset(const EventView& ev) {
  if (ev.ret() != 0) {
    return;
  }
  Credentials& c = ctx_.thread->creds;
  c.cap_inheritable = BlobU64(ev, SAKER_PARAM_CAP_INHERITABLE).value_or(c.cap_inheritable);
  c.cap_permitted = BlobU64(ev, SAKER_PARAM_CAP_PERMITTED).value_or(c.cap_permitted);
  c.cap_effective = BlobU64(ev, SAKER_PARAM_CAP_EFFECTIVE).value_or(c.cap_effective);
}

void StateUpdater::OnChdir(const EventView& ev) {
  ProcessState* p = ctx_.process;
  if (ev.syscall() == SAKER_SYS_fchdir) {
    UseFd(static_cast<int32_t>(ev.arg(0)));
    if (ev.ret() == 0 && ctx_.fd != nullptr && !ctx_.fd->name.empty()) {
      p->cwd = ctx_.fd->name;
    }
    return;
  }
  auto path = BlobData(ev, 0);
  if (ev.ret() == 0 && path) {
    ResolveAt(*p, AT_FDCWD, *path, &path_a_);
    p->cwd = path_a_;
  }
}

bool StateUpdater::ResolveAt(const ProcessState& p, int64_t dirfd, absl::string_view path,
                             std::string* out) const {
  if (!path.empty() && path[0] == '/') {
    ResolvePath("/", path, out);
    return true;
  }
  absl::string_view base = p.cwd;
  bool known = !p.cwd.empty();
  if (dirfd != AT_FDCWD && dirfd >= 0) {
    const FdEntry* d = p.FindFd(dirfd);
    known = d != nullptr && !d->name.empty() && d->name[0] == '/';
    base = known ? absl::string_view(d->name) : absl::string_view();
  }
  if (!known) {
    out->assign(path.data(), path.size());
    return false;
  }
  ResolvePath(base, path, out);
  return true;
}

}  // namespace saker::state
