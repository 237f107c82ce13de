#include "testdata/certs/cert_dir.h"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>

#include "absl/strings/str_cat.h"

namespace saker::testdata {

const std::string& CertDir() {
  static const std::string* dir = [] {
    const char* tmp = std::getenv("TEST_TMPDIR");
    auto* d = new std::string(absl::StrCat(tmp ? tmp : "/tmp", "/certs-", getpid()));
    std::string cmd = absl::StrCat("testdata/certs/make_certs.sh ", *d, " >/dev/null");
    if (std::system(cmd.c_str()) != 0) {
      fprintf(stderr, "make_certs.sh failed\n");
      std::abort();
    }
    return d;
  }();
  return *dir;
}

}  // namespace saker::testdata
