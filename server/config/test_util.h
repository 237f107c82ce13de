// Helpers for the config tests: the error lines of a failed load.
#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_split.h"
#include "server/config/config.h"

namespace saker::config {

inline std::vector<std::string> ErrorLines(const absl::StatusOr<Config>& c) {
  if (c.ok()) {
    return {};
  }
  return absl::StrSplit(std::string(c.status().message()), '\n');
}

}  // namespace saker::config
