#include "server/daemon/event_output.h"

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "server/common/json.h"
#include "server/driver/syscalls/syscall_table.h"

namespace saker::daemon {

void AppendEventJson(uint64_t evt_num, const EventView& ev, int64_t boot_time_ns,
                     std::string* out) {
  const saker_event_header& h = ev.hdr();
  out->append("{\"evt.num\":");
  AppendJsonUint(out, evt_num);
  out->append(",\"evt.time\":");
  AppendJsonInt(out, boot_time_ns + static_cast<int64_t>(h.ts_ns));
  out->append(",\"evt.cpu\":");
  AppendJsonUint(out, h.cpu);
  out->append(",\"evt.type\":");
  AppendJsonString(out, EventTypeName(ev));
  out->append(",\"evt.res\":");
  AppendJsonString(out, ResultName(h.ret));
  out->append(",\"evt.rawres\":");
  AppendJsonInt(out, h.ret);
  out->append(",\"proc.pid\":");
  AppendJsonUint(out, h.pid);
  out->append(",\"thread.tid\":");
  AppendJsonUint(out, h.tid);
  out->append(",\"proc.ppid\":");
  AppendJsonUint(out, h.ppid);
  out->append(",\"proc.name\":");
  AppendJsonString(out, ev.comm());
  out->append(",\"user.uid\":");
  AppendJsonUint(out, h.uid);
  out->append(",\"group.gid\":");
  AppendJsonUint(out, h.gid);
  out->append(",\"user.euid\":");
  AppendJsonUint(out, h.euid);
  out->append(",\"group.egid\":");
  AppendJsonUint(out, h.egid);
  out->append(",\"thread.cgroup_id\":");
  AppendJsonUint(out, h.cgroup_id);
  if (h.flags & SAKER_EVENT_TRUNCATED) {
    out->append(",\"evt.truncated\":true");
  }
  out->append(",\"evt.args\":");
  AppendArgsJson(ev, out);
  out->push_back('}');
}

void AppendEventText(uint64_t evt_num, const EventView& ev, int64_t boot_time_ns,
                     std::string* out) {
  const saker_event_header& h = ev.hdr();
  const absl::Time t = absl::FromUnixNanos(boot_time_ns + static_cast<int64_t>(h.ts_ns));
  absl::StrAppend(out, evt_num, " ",
                  absl::FormatTime("%H:%M:%E9S", t, absl::LocalTimeZone()), " ", h.cpu, " ",
                  ev.comm(), " (", h.tid, ") ", EventTypeName(ev), " ", ResultName(h.ret), " ");
  AppendArgsJson(ev, out);
}

void LinePrinter::OnEvent(uint64_t evt_num, const EventView& ev) {
  line_.clear();
  if (json_) {
    AppendEventJson(evt_num, ev, boot_time_ns_, &line_);
  } else {
    AppendEventText(evt_num, ev, boot_time_ns_, &line_);
  }
  line_.push_back('\n');
  fwrite(line_.data(), 1, line_.size(), out_);
}

}  // namespace saker::daemon
