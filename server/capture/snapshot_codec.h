// The binary encoding of a ProcSnapshot inside a capture header (see
// FORMAT.md, "Snapshot encoding"): a version, then varints and
// length-prefixed strings in a fixed order.
#pragma once

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/capture/proc_snapshot.h"

namespace saker::capture {

constexpr uint32_t kSnapshotVersion = 1;

// Appends the encoding of `snap` to `out`.
void EncodeSnapshot(const ProcSnapshot& snap, std::string* out);

// Decodes exactly `in` (trailing bytes are an error). DataLossError when
// malformed, UnimplementedError for an unknown snapshot version.
absl::Status DecodeSnapshot(absl::string_view in, ProcSnapshot* out);

}  // namespace saker::capture
