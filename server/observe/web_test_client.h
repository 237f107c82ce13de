#pragma once

// Clients for the web server tests: libcurl for whole requests, raw sockets
// on 127.0.0.1 for the edge cases (idle, slow, half-sent requests).

#include <curl/curl.h>

#include <string>

#include "absl/time/time.h"

namespace saker::observe::testing {

struct HttpResult {
  CURLcode code = CURLE_OK;
  long status = 0;
  std::string body;
  std::string content_type;
  absl::Duration elapsed;  // connect to the last byte
};

// Requests through one libcurl handle, each on a new connection (as a
// kubelet probes); the handle keeps what a client loads once (the CA file).
class Prober {
 public:
  Prober();
  ~Prober();
  Prober(const Prober&) = delete;
  Prober& operator=(const Prober&) = delete;
  // `ca` for https; `method` "" is GET.
  HttpResult Get(const std::string& url, const std::string& ca = "", const std::string& method = "",
                 absl::Duration timeout = absl::Seconds(60));

 private:
  CURL* curl_;
};

// One request through libcurl; `ca` for https; `method` "" is GET.
HttpResult Get(const std::string& url, const std::string& ca = "", const std::string& method = "",
               absl::Duration timeout = absl::Seconds(60));

std::string Url(int port, const std::string& path, const std::string& scheme = "http",
                const std::string& host = "127.0.0.1");

// A blocking TCP connection to 127.0.0.1:port with a 60 s receive timeout
// (so a broken server fails a test rather than hangs it); -1 on failure.
int Connect(int port);
// Everything until the server closes (or the receive timeout).
std::string ReadAll(int fd);
// Sends `request` on a fresh connection and returns everything the server sent.
std::string Raw(int port, const std::string& request);
// Falco's ssl_certificate for the test certificates (server.key and
// server.pem, for localhost and 127.0.0.1, in one file): its path.
std::string ServerPem();
// True once the server has closed `fd` (EOF or reset) within `wait`.
bool ClosedByServer(int fd, absl::Duration wait);

}  // namespace saker::observe::testing
