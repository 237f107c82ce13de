// Event-type names and the small integer codes the engine indexes rules by.
// The caller passes the current event's code to the engine; codes come from
// EventTypeTable::Code("openat") (resolve them once, not per event).
#pragma once

#include <bitset>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"

namespace saker::rules {

using EventTypeCode = uint16_t;
constexpr size_t kMaxEventTypes = 512;
using EventTypeSet = std::bitset<kMaxEventTypes>;

// The libs event-table names (syscalls and meta events), one code each
// (enter and exit share the name and the code).
class EventTypeTable {
 public:
  EventTypeTable();

  static constexpr EventTypeCode kUnknown = 0xffff;
  // kUnknown for a name that is not in the table.
  EventTypeCode Code(absl::string_view name) const;
  absl::string_view Name(EventTypeCode code) const;
  size_t size() const { return names_.size(); }

  // Meta events: the async event (always added to every rule's set) and the
  // plugin event (the set of rules of non-syscall sources).
  EventTypeCode async_code() const { return async_; }
  EventTypeCode plugin_code() const { return plugin_; }
  // Every syscall/meta code except the plugin event.
  const EventTypeSet& all_syscall() const { return all_; }

  // Names of the codes in `set`, sorted, without the async/plugin events.
  std::vector<std::string> Names(const EventTypeSet& set) const;

 private:
  std::vector<std::string> names_;
  absl::flat_hash_map<std::string, EventTypeCode> codes_;
  EventTypeCode async_ = 0;
  EventTypeCode plugin_ = 0;
  EventTypeSet all_;
};

}  // namespace saker::rules
