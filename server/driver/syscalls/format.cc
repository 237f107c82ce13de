// AppendArgsJson: walks the syscall's ParamSpecs and prints each value.
#include <cstring>
#include <optional>

#include "saker/wire.h"
#include "server/common/json.h"
#include "server/driver/syscalls/names.h"
#include "server/driver/syscalls/net.h"
#include "server/driver/syscalls/syscall_table.h"

namespace saker {
namespace syscalls {
namespace {

class ArgsWriter {
 public:
  ArgsWriter(const EventView& ev, std::string* out) : ev_(ev), out_(out) {}

  void Key(absl::string_view name) {
    if (!first_) {
      out_->push_back(',');
    }
    first_ = false;
    AppendJsonKey(out_, name);
  }

  void Bool(absl::string_view name, bool v) {
    Key(name);
    out_->append(v ? "true" : "false");
  }

  void Uint(absl::string_view name, uint64_t v) {
    Key(name);
    AppendJsonUint(out_, v);
  }

  void Param(const ParamSpec& p);

 private:
  void Number(const ParamSpec& p, uint64_t v);
  void Blob(const ParamSpec& p, const BlobView& b);
  void Header(const ParamSpec& p);
  void StrList(absl::string_view list, size_t skip);
  void OpenHow(const ParamSpec& p, absl::string_view how);
  void ExecInfo(absl::string_view data);

  const EventView& ev_;
  std::string* out_;
  bool first_ = true;
};

// A value of up to 8 bytes from a blob (U64 blobs hold one __u64).
uint64_t BlobU64(absl::string_view data) {
  uint64_t v = 0;
  std::memcpy(&v, data.data(), std::min(data.size(), sizeof(v)));
  return v;
}

bool IsBlobFormat(Format f) {
  switch (f) {
    case Format::kStr:
    case Format::kBytes:
    case Format::kStrList:
    case Format::kArgv0:
    case Format::kArgvRest:
    case Format::kSockaddr:
    case Format::kTuple:
    case Format::kTupleAccepted:
    case Format::kFdPairFirst:
    case Format::kFdPairSecond:
    case Format::kOpenHow:
    case Format::kExecInfo:
      return true;
    default:
      return false;
  }
}

void ArgsWriter::Param(const ParamSpec& p) {
  switch (p.source) {
    case Source::kRet:
      Number(p, static_cast<uint64_t>(ev_.ret()));
      return;
    case Source::kArgIfFailed:
      if (ev_.ret() == 0) {
        return;
      }
      [[fallthrough]];
    case Source::kArg:
      Number(p, ev_.arg(p.index));
      return;
    case Source::kHeader:
      Header(p);
      return;
    case Source::kBlob: {
      // A tuple's AF_UNIX path is a STR blob in the same slot: take the
      // TUPLE one here.
      uint16_t type = (p.format == Format::kTuple || p.format == Format::kTupleAccepted)
                          ? SAKER_BLOB_TUPLE
                          : 0;
      std::optional<BlobView> b = ev_.FindBlob(p.index, type);
      if (!b) {
        return;  // the probe had nothing to read (NULL pointer, failed call)
      }
      if (b->flags & SAKER_BLOB_FAULT) {
        Key(p.name);
        out_->append("null");
        return;
      }
      if (IsBlobFormat(p.format)) {
        Blob(p, *b);
      } else {
        Number(p, BlobU64(b->data));
      }
      if (b->truncated()) {
        Key(p.name);
        out_->resize(out_->size() - 2);  // reopen the key: "name_truncated":
        out_->append("_truncated\":true");
      }
      return;
    }
  }
}

void ArgsWriter::Header(const ParamSpec& p) {
  const saker_event_header& h = ev_.hdr();
  Key(p.name);
  switch (p.index) {
    case kTid:
      AppendJsonUint(out_, h.tid);
      break;
    case kPid:
      AppendJsonUint(out_, h.pid);
      break;
    case kPpid:
      AppendJsonUint(out_, h.ppid);
      break;
    case kUid:
      AppendJsonUint(out_, h.uid);
      break;
    case kGid:
      AppendJsonUint(out_, h.gid);
      break;
    default:
      AppendJsonString(out_, ev_.comm());
      break;
  }
}

void ArgsWriter::Number(const ParamSpec& p, uint64_t v) {
  Key(p.name);
  std::string* o = out_;
  switch (p.format) {
    case Format::kInt:
      AppendJsonInt(o, static_cast<int64_t>(v));
      break;
    case Format::kInt32:
      AppendJsonInt(o, static_cast<int32_t>(v));
      break;
    case Format::kUint:
      AppendJsonUint(o, v);
      break;
    case Format::kUint32:
      AppendJsonUint(o, static_cast<uint32_t>(v));
      break;
    case Format::kHex: {
      char buf[24];
      int n = snprintf(buf, sizeof(buf), "\"0x%llx\"", static_cast<unsigned long long>(v));
      o->append(buf, n);
      break;
    }
    case Format::kOpenFlags:
      AppendOpenFlagsJson(v, o);
      break;
    case Format::kFdFlags:
      AppendFlagsJson(kFdFlags, v, o);
      break;
    case Format::kModeOctal:
      AppendModeJson(v, o);
      break;
    case Format::kCloneFlags:
      // clone() keeps the exit signal in the low byte; clone3 has no such
      // byte, but CLONE_NEWTIME (0x80) lives there.
      AppendFlagsJson(kCloneFlags, p.source == Source::kBlob ? v : (v & ~uint64_t{0xff}), o);
      break;
    case Format::kNsFlags:
      AppendFlagsJson(kNsFlags, v, o);
      break;
    case Format::kSignal:
      AppendSignalJson(v, o);
      break;
    case Format::kPtraceRequest:
      AppendEnumJson(kPtraceRequests, v, o);
      break;
    case Format::kPrctlOption:
      AppendEnumJson(kPrctlOptions, v, o);
      break;
    case Format::kFcntlCmd:
      AppendEnumJson(kFcntlCmds, v, o);
      break;
    case Format::kMountFlags:
      // The historic magic in the top 16 bits carries no flags.
      if ((v & 0xffff0000) == 0xc0ed0000) {
        v &= 0xffff;
      }
      AppendFlagsJson(kMountFlags, v, o);
      break;
    case Format::kUmountFlags:
      AppendFlagsJson(kUmountFlags, v, o);
      break;
    case Format::kAtFlags:
      AppendFlagsJson(kAtFlags, v, o);
      break;
    case Format::kRenameFlags:
      AppendFlagsJson(kRenameFlags, v, o);
      break;
    case Format::kSocketFamily:
      AppendEnumJson(kSocketFamilies, v, o);
      break;
    case Format::kSocketType:
      AppendSocketTypeJson(v, o);
      break;
    case Format::kSocketFlags:
      AppendFlagsJson(kSocketTypeFlags, v, o);
      break;
    case Format::kMsgFlags:
      AppendFlagsJson(kMsgFlags, v, o);
      break;
    case Format::kShutdownHow:
      AppendEnumJson(kShutdownHow, v, o);
      break;
    case Format::kBpfCmd:
      AppendEnumJson(kBpfCmds, v, o);
      break;
    case Format::kMemfdFlags:
      AppendFlagsJson(kMemfdFlags, v, o);
      break;
    case Format::kUffdFlags:
      AppendFlagsJson(kUffdFlags, v, o);
      break;
    case Format::kIoUringFlags:
      AppendFlagsJson(kIoUringSetupFlags, v, o);
      break;
    case Format::kFinitModuleFlags:
      AppendFlagsJson(kFinitModuleFlags, v, o);
      break;
    case Format::kDeleteModuleFlags:
      AppendFlagsJson(kDeleteModuleFlags, v, o);
      break;
    default:
      AppendJsonUint(o, v);
      break;
  }
}

void ArgsWriter::StrList(absl::string_view list, size_t skip) {
  out_->push_back('[');
  bool first = true;
  size_t index = 0;
  while (!list.empty() || index == 0) {
    size_t nul = list.find('\0');
    absl::string_view item = list.substr(0, nul);
    if (index++ >= skip) {
      if (!first) {
        out_->push_back(',');
      }
      first = false;
      AppendJsonString(out_, item);
    }
    if (nul == absl::string_view::npos) {
      break;
    }
    list.remove_prefix(nul + 1);
  }
  out_->push_back(']');
}

void ArgsWriter::OpenHow(const ParamSpec& p, absl::string_view how) {
  uint64_t f[3] = {0, 0, 0};  // struct open_how: flags, mode, resolve
  std::memcpy(f, how.data(), std::min(how.size(), sizeof(f)));
  Key("flags");
  AppendOpenFlagsJson(f[0], out_);
  Uint("mode", f[1]);
  Key("resolve");
  AppendFlagsJson(kResolveFlags, f[2], out_);
}

void ArgsWriter::ExecInfo(absl::string_view data) {
  saker_exec_info info;
  std::memset(&info, 0, sizeof(info));
  std::memcpy(&info, data.data(), std::min(data.size(), sizeof(info)));
  Uint("tty", info.tty);
  Uint("pgid", info.pgid);
  Uint("sid", info.sid);
  Uint("loginuid", info.loginuid);
  Key("flags");
  AppendFlagsJson(kExeFlags, info.exe_flags, out_);
  Uint("cap_inheritable", info.cap_inheritable);
  Uint("cap_permitted", info.cap_permitted);
  Uint("cap_effective", info.cap_effective);
  Uint("exe_ino", info.exe_ino);
  Uint("exe_ino_ctime", info.exe_ctime_ns);
  Uint("exe_ino_mtime", info.exe_mtime_ns);
  Bool("exe_writable", (info.exe_flags & SAKER_EXE_WRITABLE) != 0);
  Bool("exe_upper_layer", (info.exe_flags & SAKER_EXE_UPPER_LAYER) != 0);
  Bool("exe_from_memfd", (info.exe_flags & SAKER_EXE_MEMFD) != 0);
}

void ArgsWriter::Blob(const ParamSpec& p, const BlobView& b) {
  switch (p.format) {
    case Format::kOpenHow:
      OpenHow(p, b.data);
      return;
    case Format::kExecInfo:
      ExecInfo(b.data);
      return;
    default:
      break;
  }
  Key(p.name);
  switch (p.format) {
    case Format::kStrList:
      StrList(b.data, 0);
      break;
    case Format::kArgvRest:
      StrList(b.data, 1);
      break;
    case Format::kArgv0:
      AppendJsonString(out_, b.data.substr(0, b.data.find('\0')));
      break;
    case Format::kSockaddr:
      AppendSockaddrJson(b.data, out_);
      break;
    case Format::kTuple:
    case Format::kTupleAccepted: {
      std::optional<BlobView> path = ev_.FindBlob(p.index, SAKER_BLOB_STR);
      AppendTupleJson(b.data, path ? path->data : absl::string_view(),
                      p.format == Format::kTupleAccepted, out_);
      break;
    }
    case Format::kFdPairFirst:
    case Format::kFdPairSecond: {
      int32_t fds[2] = {-1, -1};
      std::memcpy(fds, b.data.data(), std::min(b.data.size(), sizeof(fds)));
      AppendJsonInt(out_, fds[p.format == Format::kFdPairFirst ? 0 : 1]);
      break;
    }
    default:  // kStr, kBytes
      AppendJsonString(out_, b.data);
      break;
  }
}

// procexit: args[0] is the wait status (task->exit_code), args[1] says
// whether the whole thread group is gone.
void AppendProcexit(const EventView& ev, ArgsWriter* w, std::string* out) {
  uint64_t status = ev.arg(0) & 0xffffffff;
  w->Uint("status", status);
  uint64_t sig = status & 0x7f;
  w->Uint("ret", (status >> 8) & 0xff);
  if (sig != 0) {
    w->Key("sig");
    AppendSignalJson(sig, out);
  }
  w->Bool("core", (status & 0x80) != 0);
  w->Bool("group_dead", ev.arg(1) != 0);
}

}  // namespace
}  // namespace syscalls

absl::string_view EventTypeName(const EventView& ev) {
  if (ev.kind() == SAKER_EVENT_PROCEXIT) {
    return "procexit";
  }
  const syscalls::SyscallSpec* spec = syscalls::FindSyscall(ev.syscall());
  return spec != nullptr ? spec->name : "unknown";
}

void AppendArgsJson(const EventView& ev, std::string* out) {
  out->push_back('{');
  syscalls::ArgsWriter w(ev, out);
  if (ev.kind() == SAKER_EVENT_PROCEXIT) {
    syscalls::AppendProcexit(ev, &w, out);
  } else if (ev.kind() == SAKER_EVENT_SYSCALL) {
    const syscalls::SyscallSpec* spec = syscalls::FindSyscall(ev.syscall());
    if (spec != nullptr) {
      for (uint8_t i = 0; i < spec->num_params; ++i) {
        w.Param(spec->params[i]);
      }
    }
  }
  out->push_back('}');
}

absl::string_view ResultName(int64_t ret) {
  if (ret >= 0) {
    return "SUCCESS";
  }
  absl::string_view name = syscalls::ErrnoName(-ret);
  return name.empty() ? "EUNKNOWN" : name;
}

}  // namespace saker
