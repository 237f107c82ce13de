// Finds the shared/ directory next to the repository (spec data and the
// upstream Falco rule files used by compatibility tests).
#pragma once

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace saker::rules {

// $SAKER_SHARED if set; otherwise walks up from the current directory (and
// from the Bazel test's source tree) looking for a sibling `shared/` dir that
// contains `compat/` or `spec/`. nullopt when none is found.
std::optional<std::string> FindSharedDir();

// Convenience: FindSharedDir() + "/compat/falco-rules" if that folder exists.
std::optional<std::string> FindFalcoRulesDir();

// The path of `relative` (e.g. "compat/falco-rules/falco_rules.yaml") inside
// the shared/ directory, or NotFound with a message naming the missing file and
// how to provide it: what a test that needs it passes to GTEST_SKIP.
absl::StatusOr<std::string> LocateSharedFile(absl::string_view relative);

// Reads a whole file; nullopt on error.
std::optional<std::string> ReadWholeFile(const std::string& path);

}  // namespace saker::rules
