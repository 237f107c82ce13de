// Local checks of mutual-TLS files before connecting, so a bad certificate
// is named precisely instead of failing as an anonymous handshake error.
#pragma once

#include <string>

#include "absl/status/status.h"

namespace saker::cli {

// OK when `cert` and `ca` hold PEM certificates, `key` a PEM private key that
// matches `cert`, and `cert` is valid now. Otherwise an error naming the file
// and what is wrong with it (unreadable, not PEM, mismatched, expired).
absl::Status CheckCertificateFiles(const std::string& cert, const std::string& key,
                                   const std::string& ca);

}  // namespace saker::cli
