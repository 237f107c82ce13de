// Mutual TLS with real handshakes: refusals (no certificate, expired, other
// CA, plaintext, TLS 1.1), the allowed client, per-service authorisation by
// CN/SAN, and certificate reload without dropping open streams.

#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "outputs.grpc.pb.h"
#include "saker/v1/alerts.grpc.pb.h"
#include "saker/v1/rules.grpc.pb.h"
#include "server/api/api_test_util.h"
#include "server/api/synthetic_alerts.h"
#include "version.grpc.pb.h"

namespace saker::api {
namespace {

using testing::CertDir;
using testing::TestServer;
using testing::TlsChannel;
using testing::WaitFor;

grpc::Status Version(std::shared_ptr<grpc::Channel> ch) {
  auto stub = falco::version::service::NewStub(ch);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(5));
  falco::version::response resp;
  return stub->version(&ctx, {}, &resp);
}

TEST(SecurityTest, ClientWithCertificateFromTheCaIsAccepted) {
  TestServer ts;
  EXPECT_TRUE(Version(ts.Tls("client1")).ok());
  EXPECT_TRUE(Version(ts.Tls("client2")).ok());
}

TEST(SecurityTest, HandshakeRefusals) {
  TestServer ts;
  for (const char* client : {"", "expired", "rogue"}) {
    grpc::Status st = Version(TlsChannel(ts.tls_port(), client));
    EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE)
        << "client '" << client << "': " << st.error_message();
  }
  // Plaintext to the TLS port.
  grpc::Status st =
      Version(grpc::CreateChannel(absl::StrCat("127.0.0.1:", ts.tls_port()),
                                  grpc::InsecureChannelCredentials()));
  EXPECT_EQ(st.error_code(), grpc::StatusCode::UNAVAILABLE) << st.error_message();
}

int OpensslHandshake(int port, const std::string& version_flag) {
  const std::string& d = CertDir();
  std::string cmd = absl::StrCat("openssl s_client -connect 127.0.0.1:", port, " ", version_flag,
                                 " -cert ", d, "/client1.pem -key ", d, "/client1.key -CAfile ",
                                 d, "/ca.pem -verify_return_error -alpn h2 </dev/null >/dev/null 2>&1");
  return std::system(cmd.c_str());
}

TEST(SecurityTest, TlsOlderThan12IsRefused) {
  TestServer ts;
  EXPECT_EQ(OpensslHandshake(ts.tls_port(), "-tls1_2"), 0);
  EXPECT_EQ(OpensslHandshake(ts.tls_port(), "-tls1_3"), 0);
  EXPECT_NE(OpensslHandshake(ts.tls_port(), "-tls1_1"), 0);
}

class OneRule : public RulesControl {
 public:
  std::vector<RuleInfo> ListRules() override { return {RuleInfo{.name = "r"}}; }
  absl::StatusOr<ReloadResult> Reload() override { return ReloadResult{.rule_count = 1}; }
};

TEST(SecurityTest, PerServiceAllowListByCommonNameAndSan) {
  OneRule rules;
  TestServer ts({}, [&](ApiServerOptions& o) {
    o.rules = &rules;
    o.allow["saker.rules.v1.RuleService"] = {"client-one"};                   // CN
    o.allow["falco.outputs.service"] = {"spiffe://saker/client-two"};         // SAN
  });
  auto reload = [](std::shared_ptr<grpc::Channel> ch) {
    auto stub = saker::rules::v1::RuleService::NewStub(ch);
    grpc::ClientContext ctx;
    saker::rules::v1::ReloadRulesResponse resp;
    return stub->ReloadRules(&ctx, {}, &resp).error_code();
  };
  auto get = [](std::shared_ptr<grpc::Channel> ch) {
    auto stub = falco::outputs::service::NewStub(ch);
    grpc::ClientContext ctx;
    auto reader = stub->get(&ctx, {});
    falco::outputs::response r;
    while (reader->Read(&r)) {
    }
    return reader->Finish().error_code();
  };
  EXPECT_EQ(reload(ts.Tls("client1")), grpc::StatusCode::OK);
  EXPECT_EQ(reload(ts.Tls("client2")), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(get(ts.Tls("client1")), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(get(ts.Tls("client2")), grpc::StatusCode::OK);
  // Services without a list admit every verified client.
  EXPECT_TRUE(Version(ts.Tls("client2")).ok());
  // The unix socket is governed by its file mode.
  EXPECT_EQ(reload(ts.Unix()), grpc::StatusCode::OK);
  EXPECT_EQ(get(ts.Unix()), grpc::StatusCode::OK);
}

TEST(SecurityTest, CertificatesReloadWithoutDroppingOpenStreams) {
  namespace fs = std::filesystem;
  fs::path dir = fs::path(CertDir()) / "reload";
  fs::create_directories(dir);
  for (const char* f : {"server.pem", "server.key", "ca.pem"}) {
    fs::copy_file(fs::path(CertDir()) / f, dir / f, fs::copy_options::overwrite_existing);
  }
  TestServer ts({}, [&](ApiServerOptions& o) {
    o.listeners[1] = *ParseBind("127.0.0.1:0", (dir / "server.pem").string(),
                                (dir / "server.key").string(), (dir / "ca.pem").string());
  });
  // An open stream from client1 (trusted by the current CA).
  auto stub = saker::alerts::v1::AlertService::NewStub(ts.Tls("client1"));
  grpc::ClientContext ctx;
  auto reader = stub->Subscribe(&ctx, {});
  ASSERT_TRUE(WaitFor([&] { return ts.server().subscribers() == 1; }));
  EXPECT_NE(Version(TlsChannel(ts.tls_port(), "rogue")).error_code(), grpc::StatusCode::OK);

  // A broken CA file is refused on reload, and the running files stay.
  fs::copy_file(dir / "ca.pem", dir / "ca.pem.good");
  { std::ofstream(dir / "ca.pem", std::ios::trunc) << "not a certificate\n"; }
  absl::Status bad = ts.server().ReloadCertificates();
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find((dir / "ca.pem").string()), std::string::npos) << bad;
  absl::SleepFor(absl::Seconds(2));  // two watcher refreshes
  EXPECT_TRUE(Version(ts.Tls("client1")).ok());

  // Trust the other CA instead: picked up on reload.
  fs::copy_file(fs::path(CertDir()) / "other-ca.pem", dir / "ca.pem",
                fs::copy_options::overwrite_existing);
  ASSERT_TRUE(ts.server().ReloadCertificates().ok());
  ASSERT_TRUE(WaitFor([&] { return Version(TlsChannel(ts.tls_port(), "rogue")).ok(); },
                      absl::Seconds(15)));
  EXPECT_NE(Version(TlsChannel(ts.tls_port(), "client1")).error_code(), grpc::StatusCode::OK);

  // The stream opened before the reload still delivers.
  PublishSyntheticAlert(ts.alerts(), 0);
  saker::alerts::v1::SubscribeResponse r;
  ASSERT_TRUE(reader->Read(&r));
  EXPECT_EQ(r.alert().sequence(), 1u);
  ctx.TryCancel();
  while (reader->Read(&r)) {
  }
  reader->Finish();
}

}  // namespace
}  // namespace saker::api
