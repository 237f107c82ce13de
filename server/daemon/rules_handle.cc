#include "server/daemon/rules_handle.h"

#include "server/daemon/detection.h"

namespace saker::daemon {

RulesHandle::RulesHandle(rules::EngineOptions options, std::vector<std::string> files)
    : options_(std::move(options)),
      files_(std::move(files)),
      engine_(std::make_unique<rules::Engine>(options_)) {}

absl::Status RulesHandle::Load() {
  auto fresh = std::make_unique<rules::Engine>(options_);
  if (absl::Status st = LoadRules(fresh.get(), files_); !st.ok()) {
    return st;
  }
  absl::MutexLock lock(&mu_);
  engine_.swap(fresh);
  return absl::OkStatus();
}

}  // namespace saker::daemon
