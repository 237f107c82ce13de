// Falco's http_output: POSTs each alert's Falco JSON to `url` with
// Content-Type: application/json (what Falcosidekick receives), through
// libcurl, on its own thread with its own bounded queue, retrying with
// exponential backoff on connection errors, 5xx and 429.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/outputs/output.h"

namespace saker::outputs {

struct HttpOutputOptions {
  // Falco's keys.
  std::string url;  // http:// or https://
  std::string user_agent = "saker";
  bool insecure = false;  // skip verifying the server's certificate and name
  std::string ca_cert;    // CA file (CURLOPT_CAINFO); wins over ca_bundle
  std::string ca_bundle;  // CA bundle file (CURLOPT_CAINFO)
  std::string ca_path;    // directory of hashed CA certs (CURLOPT_CAPATH)
  bool mtls = false;      // present client_cert / client_key
  std::string client_cert;
  std::string client_key;
  bool echo = false;  // print the receiver's response bodies to echo_to
  FILE* echo_to = stdout;
  bool compress_uploads = false;  // gzip the body, Content-Encoding: gzip
  bool keep_alive = false;        // reuse one handle and its connection
  // Saker's.
  size_t queue_capacity = 1000;  // alerts waiting for the receiver; full drops
  int max_retries = 5;           // attempts after the first, per alert
  absl::Duration initial_backoff = absl::Milliseconds(200);
  absl::Duration max_backoff = absl::Seconds(10);
  absl::Duration timeout = absl::Seconds(5);  // per attempt (connect + transfer)
};

class HttpOutput : public AlertOutput {
 public:
  // Checks the options (URL scheme, readable certificate files) and starts
  // the worker thread.
  static absl::StatusOr<std::unique_ptr<HttpOutput>> Create(HttpOutputOptions options);
  // Stops the worker; alerts still queued are dropped (counted). Call
  // Flush() first to deliver them.
  ~HttpOutput() override;
  HttpOutput(const HttpOutput&) = delete;
  HttpOutput& operator=(const HttpOutput&) = delete;

  // Enqueues the alert's JSON; never waits for the receiver.
  absl::Status Write(const Alert& alert) override;
  std::string Name() const override { return "http"; }
  OutputCounters Counters() const override;
  void SetFailureHandler(OutputFailureHandler handler) override;
  bool Flush(absl::Duration timeout) override;

 private:
  struct Curl;  // the libcurl handle and header list
  explicit HttpOutput(HttpOutputOptions options);
  void Run();
  // Delivers one body, retrying; returns when sent or given up.
  void Deliver(const std::string& json);
  // One POST. `retryable` says whether another attempt could succeed.
  absl::Status Post(const std::string& body, bool* retryable, absl::Duration* retry_after);
  // Sleeps `d` unless stopping; false if stopping.
  bool Backoff(absl::Duration d);

  const HttpOutputOptions options_;
  std::unique_ptr<Curl> curl_;  // worker thread only
  std::string response_;        // worker thread only

  mutable absl::Mutex mu_;
  std::deque<std::string> queue_ ABSL_GUARDED_BY(mu_);
  bool in_flight_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Held while the handler runs, so that replacing it waits for a call in
  // progress (after Dispatcher::Stop no handler runs).
  absl::Mutex handler_mu_;
  OutputFailureHandler on_failure_ ABSL_GUARDED_BY(handler_mu_);

  std::atomic<uint64_t> sent_{0};
  std::atomic<uint64_t> failed_{0};
  std::atomic<uint64_t> dropped_{0};
  std::atomic<uint64_t> retries_{0};
  std::thread worker_;
};

}  // namespace saker::outputs
