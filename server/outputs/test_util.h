// Test helpers: temp dirs, files, polling, a real HTTP(S) receiver process.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "server/outputs/alert.h"
#include "testdata/certs/cert_dir.h"

namespace saker::outputs::testing {

// A fresh directory under $TEST_TMPDIR.
std::string NewTempDir();
std::string ReadFile(const std::string& path);
std::vector<std::string> ReadLines(const std::string& path);
bool FileExists(const std::string& path);
// Polls `done` every 10 ms until true or `timeout`.
bool WaitFor(const std::function<bool()>& done, absl::Duration timeout = absl::Seconds(60));
// Certificates made by testdata/certs/make_certs.sh, once per test binary.
using testdata::CertDir;
// An alert for `rule` whose text and JSON carry `n`.
Alert MakeAlert(const std::string& rule, int n);

struct ReceiverOptions {
  int port = 0;                  // 0: any free port
  std::string statuses = "200";  // answered in turn, the last repeats
  bool tls = false;              // serve with server.pem/key
  bool mtls = false;             // and require a client certificate from ca.pem
  int retry_after = 0;           // > 0: a Retry-After header (seconds) on non-2xx answers
};

// test_receiver.py in a child process; each request is a JSON line in log().
class Receiver {
 public:
  explicit Receiver(ReceiverOptions options);
  ~Receiver();
  // Starts it and waits until it listens; false on failure.
  bool Start();
  void Stop();
  int port() const { return port_; }
  const std::string& log() const { return log_; }
  std::vector<std::string> Requests() const { return ReadLines(log_); }
  std::string Url() const;

 private:
  ReceiverOptions options_;
  std::string dir_;
  std::string log_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace saker::outputs::testing
