#include "server/api/tls_credentials.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include <grpcpp/security/tls_certificate_provider.h>
#include <grpcpp/security/tls_credentials_options.h>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace saker::api {
namespace {

struct FileCloser {
  void operator()(FILE* f) const { fclose(f); }
};
using File = std::unique_ptr<FILE, FileCloser>;

absl::StatusOr<File> Open(const std::string& path, const char* what) {
  FILE* f = fopen(path.c_str(), "r");
  if (f == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read the TLS ", what, " file ", path, ": ", strerror(errno)));
  }
  return File(f);
}

std::string OpensslError() {
  unsigned long e = ERR_get_error();
  char buf[256];
  ERR_error_string_n(e, buf, sizeof(buf));
  ERR_clear_error();
  return buf;
}

}  // namespace

absl::Status ValidateTlsFiles(const std::string& cert, const std::string& key,
                              const std::string& ca) {
  if (cert.empty() || key.empty() || ca.empty()) {
    return absl::InvalidArgumentError(
        "a TCP address needs --tls-cert, --tls-key and --tls-ca (mutual TLS is required; "
        "use a unix:// address for local clients)");
  }
  auto cf = Open(cert, "certificate");
  if (!cf.ok()) {
    return cf.status();
  }
  std::unique_ptr<X509, decltype(&X509_free)> x509(PEM_read_X509(cf->get(), nullptr, nullptr, nullptr),
                                                  X509_free);
  if (x509 == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("TLS certificate ", cert, " is not a PEM certificate: ", OpensslError()));
  }
  auto kf = Open(key, "key");
  if (!kf.ok()) {
    return kf.status();
  }
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> pkey(
      PEM_read_PrivateKey(kf->get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  if (pkey == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("TLS key ", key, " is not an unencrypted PEM private key: ", OpensslError()));
  }
  if (X509_check_private_key(x509.get(), pkey.get()) != 1) {
    ERR_clear_error();
    return absl::InvalidArgumentError(
        absl::StrCat("TLS key ", key, " does not match the certificate ", cert));
  }
  auto af = Open(ca, "CA");
  if (!af.ok()) {
    return af.status();
  }
  std::unique_ptr<X509, decltype(&X509_free)> cax(PEM_read_X509(af->get(), nullptr, nullptr, nullptr),
                                                 X509_free);
  if (cax == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("TLS CA ", ca, " is not a PEM certificate: ", OpensslError()));
  }
  return absl::OkStatus();
}

std::shared_ptr<grpc::ServerCredentials> MutualTlsCredentials(const std::string& cert,
                                                              const std::string& key,
                                                              const std::string& ca,
                                                              unsigned refresh_seconds) {
  auto provider = std::make_shared<grpc::experimental::FileWatcherCertificateProvider>(
      key, cert, ca, refresh_seconds);
  grpc::experimental::TlsServerCredentialsOptions options(provider);
  options.watch_root_certs();
  options.watch_identity_key_cert_pairs();
  options.set_cert_request_type(GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY);
  return grpc::experimental::TlsServerCredentials(options);
}

}  // namespace saker::api
