// Reloading sakerd's configuration in place (SIGHUP or the API's rules
// reload): the configuration file, -o and the flags are read again, then the
// rules, the certificates, the log level and the outputs' files are renewed.
// Anything invalid is refused with its errors and the running configuration
// stays; settings that only a restart can change are named in a warning.
// Any failure, an exception included (std::bad_alloc on rules too large for
// the process), is an error status: logged, counted in
// saker_reloads_total{result="failed"} and returned; the daemon goes on with
// the running rules. Rules that leave no rule enabled are refused unless
// saker.rules.allow_empty.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "server/api/api_server.h"
#include "server/api/interfaces.h"
#include "server/daemon/daemon_metrics.h"
#include "server/daemon/rules_handle.h"
#include "server/daemon/run_config.h"
#include "server/observe/logger.h"
#include "server/outputs/dispatcher.h"

namespace saker::daemon {

struct ReloadTargets {
  const RunInvocation* invocation = nullptr;
  std::string hostname;
  RulesHandle* rules = nullptr;
  api::ApiServer* api = nullptr;              // null: no API
  outputs::Dispatcher* dispatcher = nullptr;  // null: no outputs
  observe::Logger* logger = nullptr;
  ReloadCounters* counters = nullptr;
  // Compiles the rules: RulesHandle::Compile. A seam for tests that make
  // compiling fail in ways real files cannot cheaply (an exception).
  std::function<absl::StatusOr<RulesHandle::Compiled>(rules::EngineOptions,
                                                      std::vector<std::string>)>
      compile = RulesHandle::Compile;
};

class Reloader {
 public:
  Reloader(ReloadTargets targets, config::Config running)
      : t_(std::move(targets)), running_(std::move(running)) {}
  // Thread-safe; reloads run one at a time. The result names the rules
  // loaded and the warnings; an error lists every problem.
  absl::StatusOr<api::ReloadResult> Reload() ABSL_LOCKS_EXCLUDED(mu_);

 private:
  absl::StatusOr<api::ReloadResult> ReloadLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  const ReloadTargets t_;
  absl::Mutex mu_;
  config::Config running_ ABSL_GUARDED_BY(mu_);
};

// The settings a reload cannot change (listeners, outputs, driver, user...)
// as (key, value) pairs, to name what changed.
std::vector<std::pair<std::string, std::string>> RestartOnlySettings(const config::Config& c);

}  // namespace saker::daemon
