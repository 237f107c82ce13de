// What `sakerd run` runs with: the configuration file (-c), the -o
// overrides, then the command-line flags, each overriding the one before.
// A flag that stands for a key is an override of that key, validated by the
// same schema (config::FlagSetting). Read once at start and again, the same
// way, on every reload.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/api/api_server.h"
#include "server/config/config.h"
#include "server/driver/driver.h"
#include "server/rules/engine/engine.h"

namespace saker::daemon {

struct RunConfig {
  config::Config config;
  driver::DriverOptions driver;
  double duration = 0;  // seconds; 0 = until a signal
};

// The command line of `sakerd run`, kept to be read again on reload.
class RunInvocation {
 public:
  explicit RunInvocation(std::vector<std::string> args) : args_(std::move(args)) {}
  // Reads the configuration file and applies -o and the flags. Errors list
  // every problem (file:line:column for the file); usage errors name the
  // flag.
  absl::StatusOr<RunConfig> Load() const;
  std::string Usage() const;

 private:
  std::vector<std::string> args_;
};

// The pieces of the configuration each part takes.
rules::EngineOptions EngineOptionsOf(const config::Config& c, const std::string& hostname);
rules::RuleLimits RuleLimitsOf(const config::Config& c);
// `validate` and `replay`: the rule limits of the configuration file and
// -o overrides they were given (empty: the defaults).
absl::StatusOr<rules::RuleLimits> RuleLimitsOf(const std::string& config_path,
                                               const std::vector<std::string>& overrides);
absl::StatusOr<api::ApiServerOptions> ApiOptionsOf(const config::Config& c);
// saker.api.allow (and --grpc-allow), applied at start and on every reload.
api::AllowList AllowListOf(const config::Config& c);

// Rules that leave no rule enabled (all below `priority`, disabled by
// `rules:` or by the files, or no rule at all) mean detection is off: an
// error (FAILED_PRECONDITION) at start and on reload unless
// saker.rules.allow_empty says it is intended.
absl::Status CheckEnabledRules(const rules::LoadSummary& summary, const config::Config& c);

}  // namespace saker::daemon
