// StateExtractor: proc.*, thread.*, user.* and group.* fields.
#include "absl/strings/str_cat.h"
#include "server/state/extract/extract_util.h"
#include "server/state/extract/extractor.h"

namespace saker::state {

using extract_internal::AppendArgs;
using extract_internal::AppendCommandLine;
using extract_internal::ForEachItem;
using rules::FieldRef;
using rules::FieldValues;

namespace {

constexpr int kMaxAncestors = 256;

// The value of a "per process" field (proc.name, exe, exepath, cmdline,
// pid) for process `p`: shared by proc.X, proc.pX and proc.aX[N].
bool ProcessValue(Field base, const ProcessState& p, FieldValues* out) {
  switch (base) {
    case Field::kProcName:
      out->AddString(p.comm);
      return true;
    case Field::kProcExe:
      if (p.argv.empty()) {
        return false;
      }
      out->AddString(p.exe());
      return true;
    case Field::kProcExepath:
      if (p.exepath.empty()) {
        return false;
      }
      out->AddString(p.exepath);
      return true;
    case Field::kProcCmdline: {
      std::string* s = out->Scratch();
      AppendCommandLine(p, p.comm, s);
      out->AddString(*s);
      return true;
    }
    case Field::kProcPid:
      out->AddInt(p.pid);
      return true;
    case Field::kProcEnv: {
      std::string* s = out->Scratch();
      ForEachItem(p.env, [s](absl::string_view e) {
        if (!s->empty()) {
          s->push_back(' ');
        }
        s->append(e.data(), e.size());
      });
      out->AddString(*s);
      return true;
    }
    default:
      return false;
  }
}

// proc.aname -> proc.name, proc.pexe -> proc.exe, ...
Field BaseOf(Field f) {
  switch (f) {
    case Field::kProcPname:
    case Field::kProcAname: return Field::kProcName;
    case Field::kProcPexe:
    case Field::kProcAexe: return Field::kProcExe;
    case Field::kProcPexepath:
    case Field::kProcAexepath: return Field::kProcExepath;
    case Field::kProcPcmdline:
    case Field::kProcAcmdline: return Field::kProcCmdline;
    case Field::kProcPpid:
    case Field::kProcApid: return Field::kProcPid;
    case Field::kProcAenv: return Field::kProcEnv;
    default: return f;
  }
}

bool EnvValue(const ProcessState& p, absl::string_view name, FieldValues* out) {
  bool found = false;
  ForEachItem(p.env, [&](absl::string_view e) {
    if (!found && e.size() > name.size() && e[name.size()] == '=' &&
        e.substr(0, name.size()) == name) {
      out->AddString(e.substr(name.size() + 1));
      found = true;
    }
  });
  return found;
}

}  // namespace

bool StateExtractor::Proc(Field f, const FieldRef& ref, FieldValues* out) {
  const ProcessState* p = ctx_->process;
  if (p == nullptr) {
    return false;
  }
  switch (f) {
    case Field::kProcName:
    case Field::kProcExe:
    case Field::kProcExepath:
    case Field::kProcCmdline:
    case Field::kProcPid: return ProcessValue(f, *p, out);
    case Field::kProcEnv:
      return ref.has_arg ? EnvValue(*p, ref.arg, out) : ProcessValue(f, *p, out);
    case Field::kProcArgs: {
      if (!ref.has_arg) {
        std::string* s = out->Scratch();
        AppendArgs(*p, s);
        out->AddString(*s);
        return true;
      }
      int64_t i = -1;
      bool found = false;
      ForEachItem(p->argv, [&](absl::string_view a) {
        if (!found && i++ == ref.arg_index) {
          out->AddString(a);
          found = true;
        }
      });
      return found;
    }
    case Field::kProcExeline: {
      if (p->argv.empty()) {
        return false;
      }
      std::string* s = out->Scratch();
      AppendCommandLine(*p, p->exe(), s);
      out->AddString(*s);
      return true;
    }
    case Field::kProcCwd:
      if (p->cwd.empty()) {
        return false;
      }
      out->AddString(p->cwd);
      return true;
    case Field::kProcTty: out->AddUint(p->tty); return true;
    case Field::kProcVpid: out->AddInt(p->vpid); return true;
    case Field::kProcSid: out->AddInt(p->sid); return true;
    case Field::kProcPgid:
    case Field::kProcVpgid: out->AddInt(p->pgid); return true;
    default: return ProcMore(f, ref, out);
  }
}

bool StateExtractor::ProcMore(Field f, const FieldRef& ref, FieldValues* out) {
  const ProcessState& p = *ctx_->process;
  const uint64_t now = ctx_->event->hdr().ts_ns;
  switch (f) {
    case Field::kProcCmdnargs: {
      uint64_t n = 0;
      ForEachItem(p.argv, [&n](absl::string_view) { ++n; });
      out->AddUint(n > 0 ? n - 1 : 0);
      return true;
    }
    case Field::kProcCmdlenargs: {
      std::string* s = out->Scratch();
      AppendArgs(p, s);
      out->AddUint(s->size());
      return true;
    }
    case Field::kProcDuration:
      if (p.start_ts_ns == 0 || now < p.start_ts_ns) {
        return false;
      }
      out->AddUint(now - p.start_ts_ns);
      return true;
    case Field::kProcPidTs:
      if (p.start_ts_ns == 0) {
        return false;
      }
      out->AddUint(p.start_ts_ns + static_cast<uint64_t>(options_.boot_time_ns));
      return true;
    case Field::kProcIsSidLeader: out->AddBool(p.sid == p.pid); return true;
    case Field::kProcIsVpgidLeader:
    case Field::kProcIsPgidLeader: out->AddBool(p.pgid == p.pid); return true;
    case Field::kProcIsExeWritable: out->AddBool(p.exe_flags & SAKER_EXE_WRITABLE); return true;
    case Field::kProcIsExeUpperLayer:
      out->AddBool(p.exe_flags & SAKER_EXE_UPPER_LAYER);
      return true;
    case Field::kProcIsExeLowerLayer:
      out->AddBool(!p.container_id.empty() && !(p.exe_flags & SAKER_EXE_UPPER_LAYER));
      return true;
    case Field::kProcIsExeFromMemfd: out->AddBool(p.exe_flags & SAKER_EXE_MEMFD); return true;
    case Field::kProcExeIno: out->AddInt(static_cast<int64_t>(p.exe_ino)); return p.exe_ino != 0;
    case Field::kProcExeInoCtime: out->AddUint(p.exe_ctime_ns); return p.exe_ctime_ns != 0;
    case Field::kProcExeInoMtime: out->AddUint(p.exe_mtime_ns); return p.exe_mtime_ns != 0;
    case Field::kProcExeInoCtimeDuration: {
      uint64_t start = p.start_ts_ns + static_cast<uint64_t>(options_.boot_time_ns);
      if (p.exe_ctime_ns == 0 || p.start_ts_ns == 0 || start < p.exe_ctime_ns) {
        return false;
      }
      out->AddUint(start - p.exe_ctime_ns);
      return true;
    }
    case Field::kProcFdopencount: out->AddUint(p.fds.size()); return true;
    case Field::kProcNthreads: out->AddUint(p.tids.size()); return true;
    case Field::kProcNchilds: out->AddUint(p.tids.empty() ? 0 : p.tids.size() - 1); return true;
    case Field::kProcIsHealthcheck:
    case Field::kProcIsLiveness:
    case Field::kProcIsReadiness: out->AddBool(false); return true;
    default: return ProcRelative(f, ref, out);
  }
}

// Fields about another process: parent, session leader, process group,
// ancestors, and the std fds.
bool StateExtractor::ProcRelative(Field f, const FieldRef& ref, FieldValues* out) {
  const ProcessTable& table = updater_->table();
  const ProcessState& p = *ctx_->process;
  const ProcessState* parent = table.Parent(p);
  switch (f) {
    case Field::kProcPname:
    case Field::kProcPexe:
    case Field::kProcPexepath:
    case Field::kProcPcmdline:
      return parent != nullptr && ProcessValue(BaseOf(f), *parent, out);
    case Field::kProcPpid:
      if (p.ppid == 0) {
        return false;
      }
      out->AddInt(p.ppid);
      return true;
    case Field::kProcPvpid:
      if (parent == nullptr) {
        return false;
      }
      out->AddInt(parent->vpid);
      return true;
    case Field::kProcPpidTs:
    case Field::kProcPpidDuration: {
      if (parent == nullptr || parent->start_ts_ns == 0) {
        return false;
      }
      uint64_t now = ctx_->event->hdr().ts_ns;
      out->AddUint(f == Field::kProcPpidTs
                       ? parent->start_ts_ns + static_cast<uint64_t>(options_.boot_time_ns)
                       : (now > parent->start_ts_ns ? now - parent->start_ts_ns : 0));
      return true;
    }
    case Field::kProcSname:
    case Field::kProcSidExe:
    case Field::kProcSidExepath: {
      // The session leader, else the eldest ancestor in the same session.
      const ProcessState* leader = table.FindProcess(p.sid);
      if (leader == nullptr) {
        for (const ProcessState* a = &p; a != nullptr && a->sid == p.sid; a = table.Parent(*a)) {
          leader = a;
        }
      }
      Field base = f == Field::kProcSname ? Field::kProcName
                   : f == Field::kProcSidExe ? Field::kProcExe : Field::kProcExepath;
      return leader != nullptr && ProcessValue(base, *leader, out);
    }
    case Field::kProcPgidName:
    case Field::kProcVpgidName: {
      const ProcessState* leader = table.FindProcess(p.pgid);
      return leader != nullptr && ProcessValue(Field::kProcName, *leader, out);
    }
    case Field::kProcStdinType:
    case Field::kProcStdoutType:
    case Field::kProcStderrType:
    case Field::kProcStdinName:
    case Field::kProcStdoutName:
    case Field::kProcStderrName: {
      int fd = (f == Field::kProcStdinType || f == Field::kProcStdinName)     ? 0
               : (f == Field::kProcStdoutType || f == Field::kProcStdoutName) ? 1 : 2;
      const FdEntry* e = p.FindFd(fd);
      if (e == nullptr) {
        return false;
      }
      bool type = f == Field::kProcStdinType || f == Field::kProcStdoutType ||
                  f == Field::kProcStderrType;
      if (type) {
        out->AddString(FdTypeName(e->type));
      } else {
        std::string* s = out->Scratch();
        AppendFdName(*e, s);
        out->AddString(*s);
      }
      return true;
    }
    default: return Ancestors(f, ref, out);
  }
}

// proc.aname[N] (0 = self) or, without an index, every ancestor from the
// parent upward (one value each).
bool StateExtractor::Ancestors(Field f, const FieldRef& ref, FieldValues* out) {
  const ProcessTable& table = updater_->table();
  const ProcessState& p = *ctx_->process;
  Field base = BaseOf(f);
  if (base == f) {
    return false;  // not an ancestor field
  }
  if (base == Field::kProcEnv && ref.has_arg && ref.arg_index < 0) {
    // proc.aenv[NAME]: the first ancestor (parent upward) that has it.
    for (const ProcessState* a = table.Parent(p); a != nullptr; a = table.Parent(*a)) {
      if (EnvValue(*a, ref.arg, out)) {
        return true;
      }
    }
    return false;
  }
  if (ref.has_arg && ref.arg_index >= 0 && !ref.all_ancestors) {
    const ProcessState* a = table.Ancestor(p, static_cast<int>(ref.arg_index));
    return a != nullptr && ProcessValue(base, *a, out);
  }
  int n = 0;
  for (const ProcessState* a = table.Parent(p); a != nullptr && n < kMaxAncestors;
       a = table.Parent(*a), ++n) {
    ProcessValue(base, *a, out);
  }
  return !out->empty();
}

bool StateExtractor::ThreadUser(Field f, const FieldRef& ref, FieldValues* out) {
  const ThreadState* t = ctx_->thread;
  const ProcessState* p = ctx_->process;
  if (t == nullptr || p == nullptr) {
    return false;
  }
  switch (f) {
    case Field::kThreadTid: out->AddInt(t->tid); return true;
    case Field::kThreadVtid: out->AddInt(t->vtid); return true;
    case Field::kThreadIsmain: out->AddBool(t->tid == p->pid); return true;
    case Field::kThreadCapPermitted:
    case Field::kThreadCapEffective:
    case Field::kThreadCapInheritable: {
      uint64_t caps = f == Field::kThreadCapPermitted   ? t->creds.cap_permitted
                      : f == Field::kThreadCapEffective ? t->creds.cap_effective
                                                        : t->creds.cap_inheritable;
      std::string* s = out->Scratch();
      AppendCapNames(caps, s);
      out->AddString(*s);
      return true;
    }
    case Field::kThreadCgroups:
    case Field::kThreadCgroup: {
      // Lines are "hierarchy:controllers:path"; cgroup v2 has no controllers.
      std::string* s = out->Scratch();
      bool found = false;
      ForEachItem(p->cgroups, [&](absl::string_view line) {
        size_t c1 = line.find(':');
        size_t c2 = c1 == absl::string_view::npos ? c1 : line.find(':', c1 + 1);
        if (c2 == absl::string_view::npos) {
          return;
        }
        absl::string_view ctrl = line.substr(c1 + 1, c2 - c1 - 1);
        absl::string_view path = line.substr(c2 + 1);
        if (f == Field::kThreadCgroup) {
          if (!found && (ctrl == ref.arg || (ctrl.empty() && ref.arg == "unified"))) {
            s->append(path.data(), path.size());
            found = true;
          }
          return;
        }
        absl::StrAppend(s, s->empty() ? "" : " ", ctrl.empty() ? "unified" : ctrl, "=", path);
        found = true;
      });
      out->AddString(*s);
      return found;
    }
    case Field::kUserUid: out->AddUint(t->creds.euid); return true;
    case Field::kUserLoginuid:
      out->AddInt(p->loginuid == kNoLoginUid ? -1 : static_cast<int64_t>(p->loginuid));
      return true;
    case Field::kGroupGid: out->AddUint(t->creds.egid); return true;
    default: break;
  }
  if (users_ == nullptr) {
    return false;
  }
  if (f == Field::kGroupName) {
    const std::string* g = users_->FindGroup(t->creds.egid, p->container_id, p->pid);
    if (g != nullptr) {
      out->AddString(*g);
    }
    return g != nullptr;
  }
  uint32_t uid = f == Field::kUserLoginname ? p->loginuid : t->creds.euid;
  if (f == Field::kUserLoginname && uid == kNoLoginUid) {
    return false;
  }
  const UserInfo* u = users_->FindUser(uid, p->container_id, p->pid);
  if (u == nullptr) {
    return false;
  }
  out->AddString(f == Field::kUserHomedir ? u->homedir
                 : f == Field::kUserShell ? u->shell
                                          : u->name);
  return true;
}

}  // namespace saker::state
