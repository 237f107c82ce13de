// StateExtractor: dispatch, evt.* fields and the event-type map.
#include "server/state/extract/extractor.h"

#include <fcntl.h>

#include <cstdio>
#include <ctime>

#include "absl/strings/str_cat.h"
#include "server/driver/syscalls/syscall_table.h"
#include "server/state/event_blobs.h"

namespace saker::state {

using rules::FieldRef;
using rules::FieldValues;

namespace {

bool InRange(Field f, Field first, Field last) {
  return static_cast<uint16_t>(f) >= static_cast<uint16_t>(first) &&
         static_cast<uint16_t>(f) <= static_cast<uint16_t>(last);
}

bool IsOpen(uint16_t sc) {
  return sc == SAKER_SYS_open || sc == SAKER_SYS_openat || sc == SAKER_SYS_openat2 ||
         sc == SAKER_SYS_creat;
}

absl::string_view CategoryName(const EventView& ev) {
  if (ev.kind() == SAKER_EVENT_PROCEXIT) {
    return "process";
  }
  const syscalls::SyscallSpec* s = syscalls::FindSyscall(ev.syscall());
  switch (s != nullptr ? s->category : SAKER_CAT__COUNT) {
    case SAKER_CAT_PROCESS: return "process";
    case SAKER_CAT_FILE: return "file";
    case SAKER_CAT_NETWORK: return "net";
    default: return "other";
  }
}

}  // namespace

StateExtractor::StateExtractor(const StateUpdater* updater, UserDb* users,
                               ContainerRegistry* containers, ExtractorOptions options)
    : updater_(updater), users_(users), containers_(containers), options_(std::move(options)) {}

void StateExtractor::SetEvent(const EventContext& ctx) {
  ctx_ = &ctx;
  args_.Reset(&ctx);
  container_.reset();
  container_resolved_ = false;
}

Field StateExtractor::CodeOf(const FieldRef& ref) {
  if (ref.field_id < 0) {
    return FieldCodeOf(ref.name());
  }
  size_t id = static_cast<size_t>(ref.field_id);
  if (id >= codes_.size()) {
    codes_.resize(id + 1, static_cast<Field>(0xffff));
  }
  if (codes_[id] == static_cast<Field>(0xffff)) {
    codes_[id] = FieldCodeOf(ref.name());
  }
  return codes_[id];
}

bool StateExtractor::Extract(const FieldRef& ref, FieldValues* out) {
  if (ctx_ == nullptr || ctx_->event == nullptr || ref.field == nullptr) {
    return false;
  }
  Field f = CodeOf(ref);
  if (f == Field::kUnknown) {
    return false;
  }
  if (InRange(f, Field::kEvtNum, Field::kEvtAbspath)) {
    return Evt(f, ref, out);
  }
  if (InRange(f, Field::kProcName, Field::kProcIsReadiness)) {
    return Proc(f, ref, out);
  }
  if (InRange(f, Field::kThreadTid, Field::kGroupName)) {
    return ThreadUser(f, ref, out);
  }
  if (InRange(f, Field::kFdNum, Field::kFdContainerdirectory)) {
    return Fd(f, ref, out);
  }
  if (InRange(f, Field::kFsPathName, Field::kFsPathTargetraw)) {
    return FsPath(f, out);
  }
  return Container(f, ref, out);
}

bool StateExtractor::Evt(Field f, const FieldRef& ref, FieldValues* out) {
  const EventView& ev = *ctx_->event;
  const bool syscall = ev.kind() == SAKER_EVENT_SYSCALL;
  switch (f) {
    case Field::kEvtNum: out->AddUint(ctx_->evt_num); return true;
    case Field::kEvtType:
    case Field::kSyscallType: out->AddString(EventTypeName(ev)); return true;
    case Field::kEvtDir: out->AddString("<"); return true;
    case Field::kEvtCpu: out->AddInt(ev.hdr().cpu); return true;
    case Field::kEvtCategory: out->AddString(CategoryName(ev)); return true;
    case Field::kEvtRes:
      if (!syscall) {
        return false;
      }
      out->AddString(ResultName(ev.ret()));
      return true;
    case Field::kEvtRawres:
      if (!syscall) {
        return false;
      }
      out->AddInt(ev.ret());
      return true;
    case Field::kEvtFailed: out->AddBool(syscall && ev.ret() < 0); return true;
    case Field::kEvtArgs:
    case Field::kEvtInfo: return args_.All(*updater_, users_, out);
    case Field::kEvtArg:
      return ref.has_arg &&
             args_.Text(ref.arg, ref.arg_index, *updater_, users_, out);
    case Field::kEvtRawarg: return ref.has_arg && args_.Raw(ref.arg, out);
    case Field::kEvtBuffer: {
      auto data = syscall ? BlobData(ev, 1, SAKER_BLOB_BYTES) : std::nullopt;
      if (!data) {
        return false;
      }
      out->AddString(*data);
      return true;
    }
    case Field::kEvtBuflen:
      if (!syscall || ev.ret() < 0 || !BlobData(ev, 1, SAKER_BLOB_BYTES)) {
        return false;
      }
      out->AddUint(static_cast<uint64_t>(ev.ret()));
      return true;
    case Field::kEvtHostname:
      out->AddString(options_.hostname);
      return !options_.hostname.empty();
    case Field::kEvtSource: out->AddString("syscall"); return true;
    case Field::kEvtIsAsync: out->AddBool(false); return true;
    case Field::kEvtIsOpenRead:
    case Field::kEvtIsOpenWrite:
    case Field::kEvtIsOpenExec:
    case Field::kEvtIsOpenCreate: return EvtOpen(f, out);
    default: return EvtTime(f, out);
  }
}

bool StateExtractor::EvtOpen(Field f, FieldValues* out) {
  const EventView& ev = *ctx_->event;
  if (ev.kind() != SAKER_EVENT_SYSCALL || !IsOpen(ev.syscall())) {
    out->AddBool(false);
    return true;
  }
  uint64_t flags = 0;
  uint64_t mode = 0;
  switch (ev.syscall()) {
    case SAKER_SYS_open: flags = ev.arg(1); mode = ev.arg(2); break;
    case SAKER_SYS_openat: flags = ev.arg(2); mode = ev.arg(3); break;
    case SAKER_SYS_openat2: {
      uint64_t how[3] = {0, 0, 0};
      BlobStruct(ev, 2, 0, &how);
      flags = how[0];
      mode = how[1];
      break;
    }
    default: flags = O_CREAT | O_WRONLY | O_TRUNC; mode = ev.arg(1); break;
  }
  uint64_t acc = flags & O_ACCMODE;
  bool create = (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
  bool v = false;
  switch (f) {
    case Field::kEvtIsOpenRead: v = acc == O_RDONLY || acc == O_RDWR; break;
    case Field::kEvtIsOpenWrite: v = acc == O_WRONLY || acc == O_RDWR; break;
    case Field::kEvtIsOpenExec: v = create && (mode & 0111) != 0; break;
    default: v = create; break;
  }
  out->AddBool(v);
  return true;
}

bool StateExtractor::EvtTime(Field f, FieldValues* out) {
  const uint64_t ts = static_cast<uint64_t>(
      static_cast<int64_t>(ctx_->event->hdr().ts_ns) + options_.boot_time_ns);
  const time_t secs = static_cast<time_t>(ts / 1000000000);
  const uint64_t ns = ts % 1000000000;
  switch (f) {
    case Field::kEvtRawtime: out->AddUint(ts); return true;
    case Field::kEvtRawtimeS: out->AddUint(static_cast<uint64_t>(secs)); return true;
    case Field::kEvtRawtimeNs: out->AddUint(ns); return true;
    default: break;
  }
  const bool iso = f == Field::kEvtTimeIso;
  struct tm tm;
  if (iso || options_.utc) {
    gmtime_r(&secs, &tm);
  } else {
    localtime_r(&secs, &tm);
  }
  char buf[64];
  int n = 0;
  switch (f) {
    case Field::kEvtTime:
      n = snprintf(buf, sizeof(buf), "%02d:%02d:%02d.%09llu", tm.tm_hour, tm.tm_min, tm.tm_sec,
                   static_cast<unsigned long long>(ns));
      break;
    case Field::kEvtTimeS:
      n = snprintf(buf, sizeof(buf), "%02d:%02d:%02d", tm.tm_hour, tm.tm_min, tm.tm_sec);
      break;
    case Field::kEvtTimeIso:
    case Field::kEvtDatetime:
    case Field::kEvtDatetimeS:
      n = static_cast<int>(strftime(buf, sizeof(buf), iso ? "%Y-%m-%dT%H:%M:%S" : "%Y-%m-%d %H:%M:%S", &tm));
      if (f != Field::kEvtDatetimeS) {
        n += snprintf(buf + n, sizeof(buf) - n, ".%09llu%s", static_cast<unsigned long long>(ns),
                      iso ? "Z" : "");
      }
      break;
    default: return false;  // evt.abspath and others not provided
  }
  out->AddCopiedString(absl::string_view(buf, static_cast<size_t>(n)));
  return true;
}

void EventTypeCodes::Init(absl::FunctionRef<uint16_t(absl::string_view)> code_of) {
  by_syscall_.assign(SAKER_SYS__MAX, 0xffff);
  for (uint16_t id = 0; id < SAKER_SYS__MAX; ++id) {
    if (const syscalls::SyscallSpec* s = syscalls::FindSyscall(id); s != nullptr) {
      by_syscall_[id] = code_of(s->name);
    }
  }
  procexit_ = code_of("procexit");
}

uint16_t EventTypeCodes::Of(const EventView& ev) const {
  if (ev.kind() == SAKER_EVENT_PROCEXIT) {
    return procexit_;
  }
  return ev.syscall() < by_syscall_.size() ? by_syscall_[ev.syscall()] : 0xffff;
}

}  // namespace saker::state
