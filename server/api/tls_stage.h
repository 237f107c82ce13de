#pragma once

#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace saker::api {

// The certificate files one mTLS listener serves, as private copies that
// gRPC's file watcher re-reads every second. The copies change only in
// Reload(), after the operator's files were validated: a certificate renewed
// in place is picked up on a reload (SIGHUP or the API), and a bad new file
// is refused with its error while the running certificates stay.
class TlsStage {
 public:
  // Validates the files and copies them into a new 0700 directory under
  // `parent` (empty: $TMPDIR, else /tmp).
  static absl::StatusOr<std::unique_ptr<TlsStage>> Create(const std::string& cert,
                                                          const std::string& key,
                                                          const std::string& ca,
                                                          const std::string& parent = "");
  ~TlsStage();
  TlsStage(const TlsStage&) = delete;
  TlsStage& operator=(const TlsStage&) = delete;

  // Checks the operator's files again; on success replaces the copies (each
  // by an atomic rename). On error nothing changes.
  absl::Status Validate() const;
  absl::Status Commit();

  std::string cert() const { return dir_ + "/cert.pem"; }
  std::string key() const { return dir_ + "/key.pem"; }
  std::string ca() const { return dir_ + "/ca.pem"; }

 private:
  TlsStage(std::string cert, std::string key, std::string ca, std::string dir);
  std::string src_cert_, src_key_, src_ca_;
  std::string dir_;
};

}  // namespace saker::api
