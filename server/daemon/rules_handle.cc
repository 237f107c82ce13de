#include "server/daemon/rules_handle.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/daemon/detection.h"
#include "server/daemon/exception_status.h"

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
  auto compiled = Compile(std::move(options), std::move(files));
  if (!compiled.ok()) {
    return compiled.status();
  }
  Swap(*std::move(compiled));
  return absl::OkStatus();
}

absl::StatusOr<RulesHandle::Compiled> RulesHandle::Compile(rules::EngineOptions options,
                                                           std::vector<std::string> files) {
  const std::string what =
      files.empty() ? "loading the built-in rules"
                    : absl::StrCat("loading the rules from ", absl::StrJoin(files, ", "));
  return StatusOfExceptions(what, [&]() -> absl::StatusOr<Compiled> {
    auto fresh = std::make_unique<rules::Engine>(options);
    if (absl::Status st = LoadRules(fresh.get(), files); !st.ok()) {
      return st;
    }
    return Compiled{std::move(fresh), std::move(options), std::move(files)};
  });
}

void RulesHandle::Swap(Compiled compiled) {
  absl::MutexLock lock(&mu_);
  engine_.swap(compiled.engine);
  options_ = std::move(compiled.options);
  files_ = std::move(compiled.files);
}

}  // namespace saker::daemon
