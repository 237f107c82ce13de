// Small helpers for reading /proc files: they read whole files with bounded
// size and map "the process went away" to NotFound.
#pragma once

#include <cstddef>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace saker::capture {

// Reads at most `limit` bytes of `path` into `out`. ENOENT and ESRCH (the
// process exited) become NotFound; other errors keep their errno meaning.
absl::Status ReadProcFile(const std::string& path, size_t limit, std::string* out);

// readlink(2) into a string, with the same error mapping.
absl::StatusOr<std::string> ReadLink(const std::string& path);

// Maps an errno to a Status that names `path`.
absl::Status ErrnoStatus(int err, const std::string& what);

}  // namespace saker::capture
