// The rules engine as the daemon shares it: the pipeline evaluates on its
// thread while the API lists and reloads from gRPC threads, so every use
// goes through one mutex (uncontended on the event path). A reload compiles
// a fresh engine outside the lock and swaps it in, so detection pauses only
// for the swap.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/rules/engine/engine.h"

namespace saker::daemon {

class RulesHandle {
 public:
  // `files` empty: Saker's built-in rules.
  RulesHandle(rules::EngineOptions options, std::vector<std::string> files);

  // Loads (or reloads) the files. On error the running rules stay and the
  // error names file:line:column.
  absl::Status Load() ABSL_LOCKS_EXCLUDED(mu_);
  // Loads other files and options (a configuration reload); they replace
  // the current ones only on success.
  absl::Status Load(rules::EngineOptions options, std::vector<std::string> files)
      ABSL_LOCKS_EXCLUDED(mu_);

  // The two halves of Load: compile (detection goes on meanwhile), then swap
  // in what compiled, so that a caller can renew other things in between.
  // Compile never throws: an exception while reading or compiling (e.g.
  // std::bad_alloc) is an error status (server/daemon/exception_status.h).
  struct Compiled {
    std::unique_ptr<rules::Engine> engine;
    rules::EngineOptions options;
    std::vector<std::string> files;
  };
  static absl::StatusOr<Compiled> Compile(rules::EngineOptions options,
                                          std::vector<std::string> files);
  void Swap(Compiled compiled) ABSL_LOCKS_EXCLUDED(mu_);

  // Runs fn(rules::Engine&) under the lock.
  template <typename Fn>
  auto With(Fn fn) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return fn(*engine_);
  }

  std::vector<std::string> files() const ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    return files_;
  }

 private:
  mutable absl::Mutex mu_;
  rules::EngineOptions options_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> files_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<rules::Engine> engine_ ABSL_GUARDED_BY(mu_);
};

}  // namespace saker::daemon
