#include "server/config/load.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_join.h"
#include "server/config/overrides.h"
#include "server/config/walk.h"

namespace saker::config {
namespace {

using internal::Context;
using internal::Diagnostics;

Config Finish(Config c, Context* ctx) {
  if (!ctx->legacy_rules_file_where.empty()) {
    if (c.positions.count("rules_files") != 0) {
      ctx->diag->Warning(ctx->legacy_rules_file_where, "rules_file", "ignored, rules_files is set");
    } else {
      c.rules_files = ctx->legacy_rules_file;
    }
  }
  return c;
}

}  // namespace

absl::StatusOr<Config> ParseConfig(std::string_view text, std::string_view file_name,
                                   const std::vector<std::string>& overrides,
                                   const std::vector<FlagSetting>& flags) {
  internal::Origins origins{std::string(file_name)};
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat(origins.Position(e.mark), ": not valid YAML: ", e.msg));
  }
  Diagnostics diag;
  if (!root.IsNull() && root.IsDefined() && !root.IsMap()) {
    diag.RawError(absl::StrCat(origins.Position(root.Mark()),
                               ": expected a map of keys at the top level, got ",
                               internal::Describe(root)));
    return absl::InvalidArgumentError(absl::StrJoin(diag.errors(), "\n"));
  }
  for (const std::string& arg : overrides) {
    auto o = internal::ParseOverride(arg);
    absl::Status st = o.ok() ? internal::ApplyOverride(*o, &root, &origins) : o.status();
    if (!st.ok()) {
      diag.RawError(std::string(st.message()));
    }
  }
  for (const FlagSetting& flag : flags) {
    if (absl::Status st = internal::ApplyOverride(internal::FlagOverride(flag), &root, &origins);
        !st.ok()) {
      diag.RawError(std::string(st.message()));
    }
  }
  internal::Schema schema;
  internal::AddFalcoKeys(&schema);
  internal::AddSakerKeys(&schema);
  Config config;
  Context ctx{&config, &diag, {}, {}};
  try {
    internal::WalkDocument(schema, root, origins, &ctx);
  } catch (const YAML::Exception& e) {  // not expected: every node is checked before use
    diag.RawError(absl::StrCat(origins.Position(e.mark), ": cannot read the document: ", e.msg));
  }
  config = Finish(std::move(config), &ctx);
  internal::CheckConfig(config, &diag);
  if (!diag.errors().empty()) {
    return absl::InvalidArgumentError(absl::StrJoin(diag.errors(), "\n"));
  }
  config.warnings = std::move(diag.warnings());
  return config;
}

absl::StatusOr<Config> LoadConfig(const std::string& path,
                                  const std::vector<std::string>& overrides,
                                  const std::vector<FlagSetting>& flags) {
  if (path.empty()) {
    return ParseConfig("", "(no file)", overrides, flags);
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": cannot read the configuration file: ", std::strerror(errno)));
  }
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": cannot read the configuration file: ", std::strerror(errno)));
  }
  return ParseConfig(text.str(), path, overrides, flags);
}

}  // namespace saker::config
