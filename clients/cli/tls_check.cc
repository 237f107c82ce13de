#include "clients/cli/tls_check.h"

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"

namespace saker::cli {
namespace {

struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};
struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
struct KeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
using File = std::unique_ptr<FILE, FileCloser>;
using Cert = std::unique_ptr<X509, X509Free>;
using Key = std::unique_ptr<EVP_PKEY, KeyFree>;

absl::StatusOr<File> Open(const std::string& path, const char* what) {
  File f(std::fopen(path.c_str(), "r"));
  if (!f) {
    return absl::NotFoundError(
        absl::StrCat("cannot read the ", what, " ", path, ": ", std::strerror(errno)));
  }
  return f;
}

absl::StatusOr<Cert> ReadCert(const std::string& path, const char* what) {
  auto f = Open(path, what);
  if (!f.ok()) {
    return f.status();
  }
  Cert c(PEM_read_X509(f->get(), nullptr, nullptr, nullptr));
  if (!c) {
    return absl::InvalidArgumentError(
        absl::StrCat("the ", what, " ", path, " is not a PEM certificate"));
  }
  return c;
}

// "2024-01-01 00:00:00 GMT".
std::string TimeText(const ASN1_TIME* t) {
  BIO* bio = BIO_new(BIO_s_mem());
  ASN1_TIME_print(bio, t);
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  std::string out(data, static_cast<size_t>(n));
  BIO_free(bio);
  return out;
}

}  // namespace

absl::Status CheckCertificateFiles(const std::string& cert_path, const std::string& key_path,
                                   const std::string& ca_path) {
  auto ca = ReadCert(ca_path, "CA certificate");
  if (!ca.ok()) {
    return ca.status();
  }
  auto cert = ReadCert(cert_path, "client certificate");
  if (!cert.ok()) {
    return cert.status();
  }
  auto kf = Open(key_path, "client key");
  if (!kf.ok()) {
    return kf.status();
  }
  Key key(PEM_read_PrivateKey(kf->get(), nullptr, nullptr, nullptr));
  if (!key) {
    return absl::InvalidArgumentError(
        absl::StrCat("the client key ", key_path, " is not a PEM private key (or is encrypted)"));
  }
  if (X509_check_private_key(cert->get(), key.get()) != 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("the client key ", key_path, " does not match the certificate ", cert_path));
  }
  const ASN1_TIME* not_after = X509_get0_notAfter(cert->get());
  if (X509_cmp_current_time(not_after) <= 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("the client certificate ", cert_path, " expired on ", TimeText(not_after),
                     "; the server will refuse it: get a new one"));
  }
  const ASN1_TIME* not_before = X509_get0_notBefore(cert->get());
  if (X509_cmp_current_time(not_before) >= 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the client certificate ", cert_path, " is not valid before ", TimeText(not_before)));
  }
  return absl::OkStatus();
}

}  // namespace saker::cli
