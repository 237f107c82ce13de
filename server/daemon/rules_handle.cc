#include "server/daemon/rules_handle.h"

#include "server/daemon/detection.h"

namespace saker::daemon {

RulesHandle::RulesHandle(rules::EngineOptions options, std::vector<std::string> files)
    : options_(std::move(options)),
      files_(std::move(files)),
      engine_(std::make_unique<rules::Engine>(options_)) {}

absl::Status RulesHandle::Load() {
  rules::EngineOptions options;
  std::vector<std::string> files;
  {
    absl::MutexLock lock(&mu_);
    options = options_;
    files = files_;
  }
  return Load(std::move(options), std::move(files));
}

absl::Status RulesHandle::Load(rules::EngineOptions options, std::vector<std::string> files) {
  // Compiled outside the lock: detection goes on meanwhile.
  auto fresh = std::make_unique<rules::Engine>(options);
  if (absl::Status st = LoadRules(fresh.get(), files); !st.ok()) {
    return st;
  }
  absl::MutexLock lock(&mu_);
  engine_.swap(fresh);
  options_ = std::move(options);
  files_ = std::move(files);
  return absl::OkStatus();
}

}  // namespace saker::daemon
