// Event parameters as text (evt.arg, evt.args) and typed (evt.rawarg).
// Reuses the syscall table's rendering (AppendArgsJson: flag names, errnos,
// tuples, exec info...) rendered once per event on first use, then adds
// Falco's resolutions on top: uids as user names, fds as "<f>/path",
// relative paths made absolute, file modes as S_I* flags.
#pragma once

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "server/driver/event_view.h"
#include "server/rules/compiler/extractor.h"
#include "server/state/updater.h"
#include "server/state/users.h"

namespace saker::state {

class EventArgs {
 public:
  void Reset(const EventContext* ctx) {
    ctx_ = ctx;
    rendered_ = false;
  }

  // evt.arg.NAME (by_index false) or evt.arg[N]: the resolved text. False
  // when the event has no such parameter (or it faulted).
  bool Text(absl::string_view name, int64_t index, const StateUpdater& updater, UserDb* users,
            rules::FieldValues* out);
  // evt.rawarg.NAME: the raw value, typed (numbers as numbers).
  bool Raw(absl::string_view name, rules::FieldValues* out);
  // evt.args: "name=value name=value ...".
  bool All(const StateUpdater& updater, UserDb* users, rules::FieldValues* out);

 private:
  const std::string& Json();
  // The raw JSON text of a member (by name or index); "" if absent.
  absl::string_view Member(absl::string_view name, int64_t index, absl::string_view* key);
  bool Resolved(absl::string_view key, const StateUpdater& updater, UserDb* users,
                std::string* out);
  void AppendValueText(absl::string_view raw, std::string* out);

  const EventContext* ctx_ = nullptr;
  bool rendered_ = false;
  std::string json_;
  std::string tmp_;
};

// "S_IRUSR|S_IWUSR|..." for a file mode (Falco's PT_MODE rendering).
void AppendModeFlags(uint64_t mode, std::string* out);
// "CAP_CHOWN CAP_SYS_ADMIN ..." for a capability mask.
void AppendCapNames(uint64_t caps, std::string* out);

}  // namespace saker::state
