#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace saker::outputs {

// `data` as one gzip member (RFC 1952), for Content-Encoding: gzip.
absl::StatusOr<std::string> Gzip(absl::string_view data);

}  // namespace saker::outputs
