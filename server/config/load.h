// Loading sakerd's configuration: the YAML file, then the `-o` overrides,
// validated in one pass. Every error is reported, each as
// `FILE:LINE:COL: KEY: expected WHAT, got "VALUE"` (or `-o ARG: KEY: ...`),
// in one absl::InvalidArgumentError, one error a line.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "server/config/config.h"

namespace saker::config {

// Reads `path` (empty = no file: the defaults) and applies `overrides`
// (`-o` values, Falco's syntax: `a.b=v`, `a[N]=v`, `a[]=v`).
absl::StatusOr<Config> LoadConfig(const std::string& path,
                                  const std::vector<std::string>& overrides = {});

// The same from text; `file_name` is used in messages.
absl::StatusOr<Config> ParseConfig(std::string_view text, std::string_view file_name,
                                   const std::vector<std::string>& overrides = {});

}  // namespace saker::config
