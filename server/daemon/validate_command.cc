// `sakerd validate [-c FILE] [-o KEY=VALUE] -r FILE [-r FILE ...]`: loads
// and compiles rule files (within the configuration's saker.rules.limits),
// prints what was loaded and every warning; exits non-zero on an error.
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/daemon/commands.h"
#include "server/daemon/exception_status.h"
#include "server/daemon/flags.h"
#include "server/daemon/run_config.h"
#include "server/rules/engine/engine.h"

namespace saker::daemon {

int RunValidate(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  std::string config_path;
  std::vector<std::string> overrides;
  FlagSet flags("validate");
  flags.Strings("--rules", "-r", "a rules file to load (repeatable, in order)", &files);
  flags.String("--config", "-c", "a configuration file: its saker.rules.limits apply",
               &config_path);
  flags.Strings("--option", "-o", "override one configuration key: KEY=VALUE (repeatable)",
                &overrides);
  std::vector<std::string> positional;
  if (auto st = flags.Parse(args, &positional); !st.ok()) {
    std::fprintf(stderr, "sakerd: %s\n", std::string(st.message()).c_str());
    return 2;
  }
  for (const std::string& p : positional) {
    files.push_back(p);  // `sakerd validate a.yaml b.yaml` works too
  }
  if (files.empty()) {
    std::fprintf(stderr, "sakerd: validate needs at least one rules file\n%s",
                 flags.Usage().c_str());
    return 2;
  }
  auto limits = RuleLimitsOf(config_path, overrides);
  if (!limits.ok()) {
    std::fprintf(stderr, "sakerd: %s\n", std::string(limits.status().message()).c_str());
    return 2;
  }
  rules::EngineOptions options;
  options.limits = *limits;
  rules::Engine engine(options);
  rules::Diagnostic error;
  const std::string names = absl::StrJoin(files, ", ");
  // An exception (std::bad_alloc on a file too large to expand) is an error
  // like any other, not an abort.
  absl::Status st = StatusOfExceptions(absl::StrCat("loading the rules from ", names),
                                       [&] { return engine.LoadFiles(files, &error); });
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n%s: invalid\n", std::string(st.message()).c_str(), names.c_str());
    return 1;
  }
  const rules::LoadSummary& s = engine.summary();
  for (const rules::Diagnostic& w : s.warnings) {
    std::printf("warning: %s\n", w.ToString().c_str());
  }
  std::printf("%s: ok: %zu rules (%zu enabled), %zu macros, %zu lists, %zu warnings\n",
              names.c_str(), s.rules, s.enabled_rules, s.macros, s.lists, s.warnings.size());
  return 0;
}

}  // namespace saker::daemon
