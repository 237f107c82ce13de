#pragma once

#include <memory>
#include <string>

#include <grpcpp/security/server_credentials.h>

#include "absl/status/status.h"

namespace saker::api {

// Checks at startup what a handshake would otherwise fail on silently: the
// files are readable PEM, the key matches the certificate, the CA parses.
// The error names the file and the fix.
absl::Status ValidateTlsFiles(const std::string& cert, const std::string& key,
                              const std::string& ca);

// Mutual TLS: the client must present a certificate that verifies against
// `ca` (GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY); TLS 1.2
// or newer (gRPC's minimum). The files are re-read every `refresh_seconds`
// (FileWatcherCertificateProvider): new handshakes use the new certificates,
// connections already open keep theirs.
std::shared_ptr<grpc::ServerCredentials> MutualTlsCredentials(const std::string& cert,
                                                              const std::string& key,
                                                              const std::string& ca,
                                                              unsigned refresh_seconds);

}  // namespace saker::api
