#include "server/state/extract/event_args.h"

#include <fcntl.h>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/driver/syscalls/syscall_table.h"
#include "server/state/event_blobs.h"
#include "server/state/json_scan.h"
#include "server/state/path_params.h"

namespace saker::state {
namespace {

using syscalls::Format;
using syscalls::ParamSpec;
using syscalls::Source;

const ParamSpec* FindParam(const EventView& ev, absl::string_view name) {
  if (ev.kind() != SAKER_EVENT_SYSCALL) {
    return nullptr;
  }
  const syscalls::SyscallSpec* spec = syscalls::FindSyscall(ev.syscall());
  for (uint8_t i = 0; spec != nullptr && i < spec->num_params; ++i) {
    if (name == spec->params[i].name) {
      return &spec->params[i];
    }
  }
  return nullptr;
}

bool IsFdParam(absl::string_view name) {
  return name == "fd" || name == "oldfd" || name == "newfd" || name == "dirfd" ||
         name == "olddirfd" || name == "newdirfd" || name == "linkdirfd" || name == "olddir" ||
         name == "newdir";
}

bool IsSetuidFamily(uint16_t sc) {
  return sc == SAKER_SYS_setuid || sc == SAKER_SYS_setreuid || sc == SAKER_SYS_setresuid;
}

bool IsSetgidFamily(uint16_t sc) {
  return sc == SAKER_SYS_setgid || sc == SAKER_SYS_setregid || sc == SAKER_SYS_setresgid;
}

// The path parameter `blob` of this syscall, if it is one.
const PathParam* PathParamFor(uint16_t sc, uint8_t blob) {
  const PathParams& pp = PathParamsOf(sc);
  for (const PathParam* p : {&pp.name, &pp.source, &pp.target}) {
    if (p->present() && p->blob == blob) {
      return p;
    }
  }
  return nullptr;
}

}  // namespace

void AppendModeFlags(uint64_t mode, std::string* out) {
  static constexpr struct {
    uint64_t bit;
    const char* name;
  } kModes[] = {{01, "S_IXOTH"},  {02, "S_IWOTH"},  {04, "S_IROTH"},  {010, "S_IXGRP"},
                {020, "S_IWGRP"}, {040, "S_IRGRP"}, {0100, "S_IXUSR"}, {0200, "S_IWUSR"},
                {0400, "S_IRUSR"}, {01000, "S_ISVTX"}, {02000, "S_ISGID"}, {04000, "S_ISUID"}};
  bool first = true;
  for (const auto& m : kModes) {
    if (mode & m.bit) {
      if (!first) {
        out->push_back('|');
      }
      first = false;
      out->append(m.name);
    }
  }
  if (first) {
    out->push_back('0');
  }
}

void AppendCapNames(uint64_t caps, std::string* out) {
  static constexpr const char* kCaps[] = {
      "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
      "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
      "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
      "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
      "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE",
      "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
      "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE",
      "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
      "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"};
  bool first = true;
  for (size_t i = 0; i < sizeof(kCaps) / sizeof(kCaps[0]); ++i) {
    if (caps & (uint64_t{1} << i)) {
      if (!first) {
        out->push_back(' ');
      }
      first = false;
      out->append(kCaps[i]);
    }
  }
}

const std::string& EventArgs::Json() {
  if (!rendered_) {
    json_.clear();
    AppendArgsJson(*ctx_->event, &json_);
    rendered_ = true;
  }
  return json_;
}

absl::string_view EventArgs::Member(absl::string_view name, int64_t index,
                                    absl::string_view* key) {
  absl::string_view found;
  int64_t i = 0;
  JsonForEachMember(Json(), [&](absl::string_view k, absl::string_view v) {
    if (index >= 0 ? i++ == index : k == name) {
      found = v;
      *key = k;
      return false;
    }
    return true;
  });
  return found;
}

void EventArgs::AppendValueText(absl::string_view raw, std::string* out) {
  if (JsonIsString(raw)) {
    JsonUnescape(raw, &tmp_);
    out->append(tmp_);
    return;
  }
  if (!raw.empty() && raw[0] == '[') {
    bool first = true;
    JsonForEachItem(raw, [&](absl::string_view item) {
      if (!first) {
        out->push_back(' ');
      }
      first = false;
      JsonUnescape(item, &tmp_);
      out->append(tmp_);
      return true;
    });
    return;
  }
  out->append(raw.data(), raw.size());
}

// Falco's resolved forms; false when the parameter has none.
bool EventArgs::Resolved(absl::string_view key, const StateUpdater& updater, UserDb* users,
                         std::string* out) {
  const EventView& ev = *ctx_->event;
  const ParamSpec* p = FindParam(ev, key);
  if (p == nullptr) {
    return false;
  }
  const uint16_t sc = ev.syscall();
  const ProcessState* proc = ctx_->process;
  if (p->source == Source::kArg && p->format == Format::kModeOctal) {
    AppendModeFlags(ev.arg(p->index), out);
    return true;
  }
  if (p->source == Source::kArg && p->format == Format::kUint32 &&
      (IsSetuidFamily(sc) || IsSetgidFamily(sc))) {
    uint32_t id = static_cast<uint32_t>(ev.arg(p->index));
    absl::string_view cid = proc->container_id;
    if (IsSetuidFamily(sc)) {
      const UserInfo* u = users != nullptr ? users->FindUser(id, cid, proc->pid) : nullptr;
      if (u != nullptr) {
        out->append(u->name);
        return true;
      }
    } else if (const std::string* g = users != nullptr ? users->FindGroup(id, cid, proc->pid)
                                                        : nullptr) {
      out->append(*g);
      return true;
    }
    return false;
  }
  if ((p->source == Source::kArg || p->source == Source::kRet) && IsFdParam(key)) {
    int64_t fd = p->source == Source::kRet ? ev.ret() : static_cast<int32_t>(ev.arg(p->index));
    if (fd == AT_FDCWD) {
      out->append("AT_FDCWD");
      return true;
    }
    const FdEntry* f = proc->FindFd(fd);
    if (f == nullptr) {
      return false;
    }
    absl::StrAppend(out, fd, "(<");
    out->push_back(FdTypeChar(f->type));
    out->push_back('>');
    AppendFdName(*f, out);
    out->push_back(')');
    return true;
  }
  if (p->source == Source::kBlob && p->format == Format::kStr) {
    const PathParam* pp = PathParamFor(sc, p->index);
    auto raw = BlobData(ev, p->index);
    if (pp == nullptr || !raw) {
      return false;
    }
    int64_t dirfd = pp->dirfd >= 0 ? static_cast<int32_t>(ev.arg(pp->dirfd)) : AT_FDCWD;
    updater.ResolveAt(*proc, dirfd, *raw, &tmp_);
    out->append(tmp_);
    return true;
  }
  return false;
}

bool EventArgs::Text(absl::string_view name, int64_t index, const StateUpdater& updater,
                     UserDb* users, rules::FieldValues* out) {
  if (ctx_ == nullptr || ctx_->event == nullptr) {
    return false;
  }
  absl::string_view key;
  absl::string_view raw = Member(name, index, &key);
  if (raw.empty() || raw == "null") {
    return false;
  }
  std::string* s = out->Scratch();
  if (!Resolved(key, updater, users, s)) {
    AppendValueText(raw, s);
  }
  out->AddString(*s);
  return true;
}

bool EventArgs::Raw(absl::string_view name, rules::FieldValues* out) {
  if (ctx_ == nullptr || ctx_->event == nullptr) {
    return false;
  }
  const EventView& ev = *ctx_->event;
  const ParamSpec* p = FindParam(ev, name);
  if (p == nullptr) {
    return false;
  }
  uint64_t v = 0;
  switch (p->source) {
    case Source::kRet:
      out->AddInt(ev.ret());
      return true;
    case Source::kArgIfFailed:
      if (ev.ret() == 0) {
        return false;
      }
      [[fallthrough]];
    case Source::kArg:
      v = ev.arg(p->index);
      break;
    case Source::kHeader:
    case Source::kBlob: {
      absl::string_view key;
      absl::string_view raw = Member(name, -1, &key);
      if (raw.empty() || raw == "null") {
        return false;
      }
      std::string* s = out->Scratch();
      AppendValueText(raw, s);
      out->AddString(*s);
      return true;
    }
  }
  switch (p->format) {
    case Format::kInt:
      out->AddInt(static_cast<int64_t>(v));
      break;
    case Format::kInt32:
      out->AddInt(static_cast<int32_t>(v));
      break;
    case Format::kUint32:
      out->AddUint(static_cast<uint32_t>(v));
      break;
    default:
      out->AddUint(v);
      break;
  }
  return true;
}

bool EventArgs::All(const StateUpdater& updater, UserDb* users, rules::FieldValues* out) {
  if (ctx_ == nullptr || ctx_->event == nullptr) {
    return false;
  }
  std::string* s = out->Scratch();
  JsonForEachMember(Json(), [&](absl::string_view k, absl::string_view v) {
    if (!s->empty()) {
      s->push_back(' ');
    }
    s->append(k.data(), k.size());
    s->push_back('=');
    if (!Resolved(k, updater, users, s)) {
      AppendValueText(v, s);
    }
    return true;
  });
  out->AddString(*s);
  return true;
}

}  // namespace saker::state
