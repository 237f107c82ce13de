// libbpf reports errors as negative errno values; the daemon speaks
// absl::Status. This is the one place where one becomes the other.
#pragma once

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace saker::driver {

// `err` is a libbpf return value (negative errno) or -errno; `what` says
// what was being done ("loading the probe").
absl::Status LibbpfError(int err, absl::string_view what);

// Routes libbpf's own messages to stderr, warnings and errors only (debug
// output when SAKER_LIBBPF_DEBUG is set).
void InstallLibbpfLogger();

}  // namespace saker::driver
