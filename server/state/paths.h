// Path helpers shared by the state updater and the field extractor: Falco's
// "concatenate and sanitize" of a relative path against a directory, and the
// directory/file split of fd.directory and fd.filename.
#pragma once

#include <string>

#include "absl/strings/string_view.h"

namespace saker::state {

// Writes to `*out` the absolute, normalized form of `path`: relative paths
// are taken against `base` (an absolute directory; "/" when empty), repeated
// slashes, "." and ".." components are folded (".." never climbs above "/").
// `*out` is overwritten; its capacity is reused.
void ResolvePath(absl::string_view base, absl::string_view path, std::string* out);

// "/etc" for "/etc/passwd", "/" for "/passwd", "" for "" (no directory).
absl::string_view PathDirectory(absl::string_view path);
// "passwd" for "/etc/passwd", the whole path when it has no slash.
absl::string_view PathFilename(absl::string_view path);

}  // namespace saker::state
