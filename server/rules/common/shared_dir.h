// Finds the shared/ directory next to the repository (spec data and the
// upstream Falco rule files used by compatibility tests).
#pragma once

#include <optional>
#include <string>

namespace saker::rules {

// $SAKER_SHARED if set; otherwise walks up from the current directory (and
// from the Bazel test's source tree) looking for a sibling `shared/` dir that
// contains `compat/` or `spec/`. nullopt when none is found.
std::optional<std::string> FindSharedDir();

// Convenience: FindSharedDir() + "/compat/falco-rules" if that folder exists.
std::optional<std::string> FindFalcoRulesDir();

// Reads a whole file; nullopt on error.
std::optional<std::string> ReadWholeFile(const std::string& path);

}  // namespace saker::rules
