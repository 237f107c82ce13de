#pragma once

// Real servers and real connections for the API tests: a unix socket and a
// mutual-TLS TCP port on 127.0.0.1, certificates from
// testdata/certs/make_certs.sh generated once per test binary.

#include <grpcpp/grpcpp.h>

#include <functional>
#include <memory>
#include <string>

#include "absl/time/time.h"
#include "server/api/api_server.h"
#include "testdata/certs/cert_dir.h"

namespace saker::api::testing {

// The directory make_certs.sh wrote into (ca.pem, server.pem, client1.pem...).
using testdata::CertDir;
std::string ReadFile(const std::string& path);

// A TLS channel to 127.0.0.1:port named "localhost"; client = "client1",
// "expired", "rogue", ... or "" for no client certificate. Every channel
// gets its own connection.
std::shared_ptr<grpc::Channel> TlsChannel(int port, const std::string& client,
                                          const std::string& ca = "ca");
std::shared_ptr<grpc::Channel> UnixChannel(const std::string& target);

class TestServer {
 public:
  explicit TestServer(ApiServer::HubOptions hubs = {},
                      const std::function<void(ApiServerOptions&)>& customize = {});
  ~TestServer();

  ApiServer& server() { return *server_; }
  AlertHub& alerts() { return server_->alerts(); }
  EventHub& events() { return server_->events(); }
  const std::string& unix_target() const { return unix_target_; }
  int tls_port() const { return server_->ports()[1]; }

  std::shared_ptr<grpc::Channel> Unix() const { return UnixChannel(unix_target_); }
  std::shared_ptr<grpc::Channel> Tls(const std::string& client = "client1") const {
    return TlsChannel(tls_port(), client);
  }

 private:
  std::unique_ptr<ApiServer> server_;
  std::string unix_target_;
};

// Polls `cond` until true or the timeout.
bool WaitFor(const std::function<bool()>& cond, absl::Duration timeout = absl::Seconds(10));

}  // namespace saker::api::testing
