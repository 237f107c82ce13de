// StateExtractor: the rules engine's FieldExtractor (server/rules/compiler/
// extractor.h) over the current event and the process state.
//
// Per event, after StateUpdater::Apply():
//   extractor.SetEvent(updater.context());
//   engine.Evaluate(type_codes.Of(ev), &extractor, &matches);
//
// Fields that cannot exist for this event (fd.* without an fd, proc.pname
// without a known parent, container metadata not yet looked up...) are not
// extractable: Extract returns false, checks are false, outputs print <NA>.
// Steady-state extraction allocates nothing: values point into the state or
// into the FieldValues' reused scratch strings.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "server/rules/compiler/extractor.h"
#include "server/state/container_registry.h"
#include "server/state/extract/event_args.h"
#include "server/state/extract/field_codes.h"
#include "server/state/updater.h"
#include "server/state/users.h"

namespace saker::state {

struct ExtractorOptions {
  std::string hostname;      // evt.hostname
  int64_t boot_time_ns = 0;  // CLOCK_REALTIME - CLOCK_BOOTTIME (EventSource::boot_time_ns)
  bool utc = false;          // evt.time/evt.datetime in UTC instead of local time
};

class StateExtractor : public rules::FieldExtractor {
 public:
  // `users` and `containers` may be null (user.name, container metadata
  // then not extractable). All must outlive the extractor.
  StateExtractor(const StateUpdater* updater, UserDb* users, ContainerRegistry* containers,
                 ExtractorOptions options = {});

  // The event to describe (the updater's context after Apply()).
  void SetEvent(const EventContext& ctx);
  bool Extract(const rules::FieldRef& ref, rules::FieldValues* out) override;

 private:
  Field CodeOf(const rules::FieldRef& ref);
  bool Evt(Field f, const rules::FieldRef& ref, rules::FieldValues* out);
  bool EvtTime(Field f, rules::FieldValues* out);
  bool EvtOpen(Field f, rules::FieldValues* out);
  bool Proc(Field f, const rules::FieldRef& ref, rules::FieldValues* out);
  bool ProcMore(Field f, const rules::FieldRef& ref, rules::FieldValues* out);
  bool ProcRelative(Field f, const rules::FieldRef& ref, rules::FieldValues* out);
  bool Ancestors(Field f, const rules::FieldRef& ref, rules::FieldValues* out);
  bool ThreadUser(Field f, const rules::FieldRef& ref, rules::FieldValues* out);
  bool Fd(Field f, const rules::FieldRef& ref, rules::FieldValues* out);
  bool FdSocket(Field f, const rules::FieldRef& ref, rules::FieldValues* out);
  bool FsPath(Field f, rules::FieldValues* out);
  bool Container(Field f, const rules::FieldRef& ref, rules::FieldValues* out);
  bool ContainerMountField(Field f, const rules::FieldRef& ref, const ContainerInfo& c,
                           rules::FieldValues* out);
  const ContainerInfo* ContainerMeta();

  const StateUpdater* updater_;
  UserDb* users_;
  ContainerRegistry* containers_;
  ExtractorOptions options_;
  const EventContext* ctx_ = nullptr;
  EventArgs args_;
  std::vector<Field> codes_;  // by FieldRef::field_id
  std::shared_ptr<const ContainerInfo> container_;
  bool container_resolved_ = false;
};

// evt.type codes of the rules engine by saker syscall id, resolved once.
class EventTypeCodes {
 public:
  template <typename Table>
  explicit EventTypeCodes(const Table& event_types) {
    Init([&event_types](absl::string_view n) { return event_types.Code(n); });
  }
  // The code of `ev`'s evt.type (EventTypeTable::kUnknown if none).
  uint16_t Of(const EventView& ev) const;

 private:
  void Init(absl::FunctionRef<uint16_t(absl::string_view)> code_of);
  std::vector<uint16_t> by_syscall_;
  uint16_t procexit_ = 0xffff;
};

}  // namespace saker::state
