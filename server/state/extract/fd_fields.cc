// StateExtractor: fd.* and fs.path.* fields.
#include <fcntl.h>

#include "absl/strings/str_cat.h"
#include "server/state/event_blobs.h"
#include "server/state/extract/extract_util.h"
#include "server/state/extract/extractor.h"
#include "server/state/path_params.h"
#include "server/state/paths.h"

namespace saker::state {

using extract_internal::ToIp;
using rules::FieldRef;
using rules::FieldValues;

namespace {

bool IsPathType(FdType t) {
  return t == FdType::kFile || t == FdType::kDirectory;
}

}  // namespace

bool StateExtractor::Fd(Field f, const FieldRef& ref, FieldValues* out) {
  const ProcessState* p = ctx_->process;
  if (f == Field::kFdTypes) {
    if (p == nullptr) {
      return false;
    }
    if (ref.has_arg) {
      const FdEntry* e = p->FindFd(ref.arg_index);
      if (e != nullptr) {
        out->AddString(FdTypeName(e->type));
      }
      return e != nullptr;
    }
    uint32_t seen = 0;  // one bit per FdType
    for (const auto& [num, e] : p->fds) {
      uint32_t bit = 1u << static_cast<uint32_t>(e.type);
      if (!(seen & bit)) {
        seen |= bit;
        out->AddString(FdTypeName(e.type));
      }
    }
    return true;
  }
  if (!ctx_->has_fd) {
    return false;
  }
  if (f == Field::kFdNum) {
    out->AddInt(ctx_->fd_num);
    return true;
  }
  if (f == Field::kFdNameChanged) {
    out->AddBool(ctx_->fd_name_changed);
    return true;
  }
  const FdEntry* e = ctx_->fd;
  if (e == nullptr) {
    return false;
  }
  switch (f) {
    case Field::kFdType: out->AddString(FdTypeName(e->type)); return true;
    case Field::kFdTypechar: {
      static constexpr char kChars[] = "fd46upeslitnbumro";
      char c = FdTypeChar(e->type);
      const char* at = std::char_traits<char>::find(kChars, sizeof(kChars) - 1, c);
      out->AddString(absl::string_view(at != nullptr ? at : "o", 1));
      return true;
    }
    case Field::kFdName:
    case Field::kFdContainername: {
      std::string* s = out->Scratch();
      if (f == Field::kFdContainername) {
        absl::StrAppend(s, p->container_id.empty() ? "host" : p->container_id, ":");
      }
      AppendFdName(*e, s);
      out->AddString(*s);
      return true;
    }
    case Field::kFdNameraw:
      if (!IsPathType(e->type)) {
        return false;
      }
      out->AddString(e->nameraw.empty() ? e->name : e->nameraw);
      return true;
    case Field::kFdDirectory:
    case Field::kFdContainerdirectory: {
      if (!IsPathType(e->type) || e->name.empty()) {
        return false;
      }
      absl::string_view dir = e->type == FdType::kDirectory ? absl::string_view(e->name)
                                                            : PathDirectory(e->name);
      if (f == Field::kFdDirectory) {
        out->AddString(dir);
      } else {
        std::string* s = out->Scratch();
        absl::StrAppend(s, p->container_id.empty() ? "host" : p->container_id, ":", dir);
        out->AddString(*s);
      }
      return true;
    }
    case Field::kFdFilename:
      if (e->type != FdType::kFile || e->name.empty()) {
        return false;
      }
      out->AddString(PathFilename(e->name));
      return true;
    case Field::kFdIno: out->AddInt(static_cast<int64_t>(e->ino)); return e->ino != 0;
    case Field::kFdUid: {
      std::string* s = out->Scratch();
      absl::StrAppend(s, ctx_->thread->tid, ctx_->fd_num);
      out->AddString(*s);
      return true;
    }
    case Field::kFdConnected: out->AddBool(e->connected); return true;
    default: return FdSocket(f, ref, out);
  }
}

bool StateExtractor::FdSocket(Field f, const FieldRef& ref, FieldValues* out) {
  const FdEntry& e = *ctx_->fd;
  switch (f) {
    case Field::kFdSockfamily:
      if (!e.is_socket()) {
        return false;
      }
      out->AddString(e.type == FdType::kUnix ? "unix" : "ip");
      return true;
    case Field::kFdIsServer:
      if (!e.is_socket()) {
        return false;
      }
      out->AddBool(e.is_server);
      return true;
    case Field::kFdL4proto:
      if (!e.is_ip_socket()) {
        return false;
      }
      out->AddString(L4ProtoName(e.l4proto));
      return true;
    default: break;
  }
  if (!e.is_ip_socket() || !e.has_tuple) {
    return false;
  }
  const bool v6 = e.type == FdType::kIpv6;
  switch (f) {
    case Field::kFdIp:
    case Field::kFdNet:
      out->AddIp(ToIp(e.client().addr, v6));
      out->AddIp(ToIp(e.server().addr, v6));
      return true;
    case Field::kFdPort:
      out->AddUint(e.client().port);
      out->AddUint(e.server().port);
      return true;
    case Field::kFdCip:
    case Field::kFdCnet: out->AddIp(ToIp(e.client().addr, v6)); return true;
    case Field::kFdSip:
    case Field::kFdSnet: out->AddIp(ToIp(e.server().addr, v6)); return true;
    case Field::kFdLip:
    case Field::kFdLnet: out->AddIp(ToIp(e.local.addr, v6)); return true;
    case Field::kFdRip:
    case Field::kFdRnet: out->AddIp(ToIp(e.remote.addr, v6)); return true;
    case Field::kFdCport: out->AddUint(e.client().port); return true;
    case Field::kFdSport: out->AddUint(e.server().port); return true;
    case Field::kFdLport: out->AddUint(e.local.port); return true;
    case Field::kFdRport: out->AddUint(e.remote.port); return true;
    default: return false;
  }
}

// fs.path.*: the path(s) a path-taking syscall names, resolved or raw.
bool StateExtractor::FsPath(Field f, FieldValues* out) {
  const EventView& ev = *ctx_->event;
  if (ev.kind() != SAKER_EVENT_SYSCALL || ctx_->process == nullptr) {
    return false;
  }
  const PathParams& pp = PathParamsOf(ev.syscall());
  const bool raw = f == Field::kFsPathNameraw || f == Field::kFsPathSourceraw ||
                   f == Field::kFsPathTargetraw;
  const PathParam& which = (f == Field::kFsPathName || f == Field::kFsPathNameraw) ? pp.name
                           : (f == Field::kFsPathSource || f == Field::kFsPathSourceraw)
                               ? pp.source
                               : pp.target;
  if (!which.present()) {
    return false;
  }
  auto path = BlobData(ev, static_cast<uint16_t>(which.blob), SAKER_BLOB_STR);
  if (!path) {
    return false;
  }
  if (raw) {
    out->AddString(*path);
    return true;
  }
  int64_t dirfd = which.dirfd >= 0 ? static_cast<int32_t>(ev.arg(which.dirfd)) : AT_FDCWD;
  std::string* s = out->Scratch();
  updater_->ResolveAt(*ctx_->process, dirfd, *path, s);
  out->AddString(*s);
  return true;
}

}  // namespace saker::state
