#include "server/api/api_test_util.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace saker::api::testing {

std::string ReadFile(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

std::shared_ptr<grpc::Channel> TlsChannel(int port, const std::string& client,
                                          const std::string& ca) {
  grpc::SslCredentialsOptions ssl;
  ssl.pem_root_certs = ReadFile(CertDir() + "/" + ca + ".pem");
  if (!client.empty()) {
    ssl.pem_private_key = ReadFile(CertDir() + "/" + client + ".key");
    ssl.pem_cert_chain = ReadFile(CertDir() + "/" + client + ".pem");
  }
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  args.SetSslTargetNameOverride("localhost");
  return grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", port), grpc::SslCredentials(ssl),
                                   args);
}

std::shared_ptr<grpc::Channel> UnixChannel(const std::string& target) {
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_USE_LOCAL_SUBCHANNEL_POOL, 1);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

TestServer::TestServer(ApiServer::HubOptions hubs,
                       const std::function<void(ApiServerOptions&)>& customize) {
  // Short and unique across concurrently running test binaries (each in its
  // own PID namespace, so the pid is not enough): sun_path has 108 bytes.
  char dir[] = "/tmp/saker-api-XXXXXX";
  if (mkdtemp(dir) == nullptr) {
    std::abort();
  }
  unix_target_ = absl::StrCat("unix://", dir, "/api.sock");
  server_ = std::make_unique<ApiServer>(hubs);
  ApiServerOptions options;
  options.listeners.push_back(*ParseBind(unix_target_));
  options.listeners.push_back(*ParseBind("127.0.0.1:0", CertDir() + "/server.pem",
                                         CertDir() + "/server.key", CertDir() + "/ca.pem"));
  options.shutdown_grace = absl::Seconds(1);
  if (customize) {
    customize(options);
  }
  auto st = server_->Start(options);
  if (!st.ok()) {
    fprintf(stderr, "TestServer: %s\n", std::string(st.message()).c_str());
    std::abort();
  }
}

TestServer::~TestServer() { server_->Shutdown(); }

bool WaitFor(const std::function<bool()>& cond, absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  while (absl::Now() < deadline) {
    if (cond()) {
      return true;
    }
    absl::SleepFor(absl::Milliseconds(5));
  }
  return cond();
}

}  // namespace saker::api::testing
