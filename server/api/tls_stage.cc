#include "server/api/tls_stage.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "server/api/tls_credentials.h"

namespace saker::api {
namespace {

absl::StatusOr<std::string> ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::InvalidArgumentError(absl::StrCat("cannot read ", path, ": ", strerror(errno)));
  }
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// Writes `to` through a temporary file and a rename, so the watcher never
// reads half a file.
absl::Status CopyAtomically(const std::string& from, const std::string& to) {
  auto text = ReadAll(from);
  if (!text.ok()) {
    return text.status();
  }
  const std::string tmp = to + ".new";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << *text;
    if (!out.flush()) {
      return absl::InternalError(absl::StrCat("cannot write ", tmp, ": ", strerror(errno)));
    }
  }
  chmod(tmp.c_str(), 0600);
  if (rename(tmp.c_str(), to.c_str()) != 0) {
    return absl::InternalError(absl::StrCat("cannot rename ", tmp, ": ", strerror(errno)));
  }
  return absl::OkStatus();
}

}  // namespace

TlsStage::TlsStage(std::string cert, std::string key, std::string ca, std::string dir)
    : src_cert_(std::move(cert)),
      src_key_(std::move(key)),
      src_ca_(std::move(ca)),
      dir_(std::move(dir)) {}

TlsStage::~TlsStage() {
  for (const std::string& f : {cert(), key(), ca()}) {
    unlink(f.c_str());
  }
  rmdir(dir_.c_str());
}

absl::StatusOr<std::unique_ptr<TlsStage>> TlsStage::Create(const std::string& cert,
                                                           const std::string& key,
                                                           const std::string& ca,
                                                           const std::string& parent) {
  if (auto st = ValidateTlsFiles(cert, key, ca); !st.ok()) {
    return st;
  }
  std::string base = parent;
  if (base.empty()) {
    const char* tmpdir = getenv("TMPDIR");
    base = tmpdir != nullptr && *tmpdir != '\0' ? tmpdir : "/tmp";
  }
  std::string tmpl = base + "/saker-tls.XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) {
    return absl::InternalError(absl::StrCat("cannot make a directory for the TLS files under ",
                                            base, ": ", strerror(errno)));
  }
  std::unique_ptr<TlsStage> stage(new TlsStage(cert, key, ca, tmpl));
  if (auto st = stage->Commit(); !st.ok()) {
    return st;
  }
  return stage;
}

absl::Status TlsStage::Validate() const { return ValidateTlsFiles(src_cert_, src_key_, src_ca_); }

absl::Status TlsStage::Commit() {
  // Key before certificate: the watcher pairs what it reads, and a reload
  // that lands between the two renames is fixed by the next read a second
  // later.
  if (auto st = CopyAtomically(src_key_, key()); !st.ok()) {
    return st;
  }
  if (auto st = CopyAtomically(src_cert_, cert()); !st.ok()) {
    return st;
  }
  return CopyAtomically(src_ca_, ca());
}

}  // namespace saker::api
