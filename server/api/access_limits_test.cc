// Access control that fails closed, over real mutual TLS and unix sockets: an
// allow-list naming an unknown service is refused (at start and on
// replacement, the list in force stays); a replaced list applies to new
// calls; the caps on open streams (per connection, per identity, overall)
// answer RESOURCE_EXHAUSTED and are counted.

#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "saker/v1/alerts.grpc.pb.h"
#include "saker/v1/rules.grpc.pb.h"
#include "saker/v1/status.grpc.pb.h"
#include "server/api/api_test_util.h"
#include "server/api/synthetic_alerts.h"

namespace saker::api {
namespace {

namespace av1 = saker::alerts::v1;
using testing::CertDir;
using testing::TestServer;
using testing::WaitFor;

grpc::StatusCode GetStatus(std::shared_ptr<grpc::Channel> ch) {
  auto stub = saker::status::v1::StatusService::NewStub(ch);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  saker::status::v1::GetStatusResponse resp;
  return stub->GetStatus(&ctx, {}, &resp).error_code();
}

TEST(AccessTest, UnknownServiceInTheAllowListIsAStartError) {
  char dir[] = "/tmp/saker-acl-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  ApiServer server;
  ApiServerOptions o;
  o.listeners.push_back(*ParseBind(absl::StrCat("unix://", dir, "/api.sock")));
  o.allow["saker.rules.v1.RulesService"] = {"client-one"};  // RuleService, misspelt
  absl::Status st = server.Start(o);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("unknown service \"saker.rules.v1.RulesService\""), std::string::npos)
      << st;
  // The valid names are listed.
  for (const std::string& name : AccessControlledServices()) {
    EXPECT_NE(st.message().find(name), std::string::npos) << name << ": " << st;
  }
}

TEST(AccessTest, TheServicesAreTheOnesServed) {
  EXPECT_EQ(AccessControlledServices(),
            (std::vector<std::string>{"falco.output.service", "falco.outputs.service",
                                      "falco.version.service", "saker.alerts.v1.AlertService",
                                      "saker.events.v1.EventService", "saker.rules.v1.RuleService",
                                      "saker.status.v1.StatusService"}));
  EXPECT_TRUE(CheckServiceName("saker.status.v1.StatusService", "k").ok());
  EXPECT_FALSE(CheckServiceName("saker.status.v1.StatusServic", "k").ok());
  EXPECT_FALSE(CheckServiceName("", "k").ok());
  // Methods, from the generated descriptors.
  EXPECT_TRUE(CheckServiceName("saker.status.v1.StatusService/GetStatus", "k").ok());
  EXPECT_TRUE(CheckServiceName("falco.outputs.service/sub", "k").ok());
  absl::Status st = CheckServiceName("saker.rules.v1.RuleService/Reload", "where");
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(st.message().find("where: unknown method \"saker.rules.v1.RuleService/Reload\""),
            std::string::npos)
      << st;
  EXPECT_NE(st.message().find("saker.rules.v1.RuleService/ReloadRules"), std::string::npos) << st;
  EXPECT_FALSE(CheckServiceName("saker.rules.v1.RuleService/", "k").ok());
}

TEST(AccessTest, AReplacedAllowListAppliesToNewCalls) {
  TestServer ts(
      {}, [](ApiServerOptions& o) { o.allow["saker.status.v1.StatusService"] = {"client-one"}; });
  EXPECT_EQ(GetStatus(ts.Tls("client1")), grpc::StatusCode::OK);
  EXPECT_EQ(GetStatus(ts.Tls("client2")), grpc::StatusCode::PERMISSION_DENIED);

  ASSERT_TRUE(
      ts.server().ReplaceAllowList({{"saker.status.v1.StatusService", {"client-two"}}}).ok());
  EXPECT_EQ(GetStatus(ts.Tls("client1")), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(GetStatus(ts.Tls("client2")), grpc::StatusCode::OK);

  // A list with an unknown service is refused whole: the one in force stays.
  absl::Status bad = ts.server().ReplaceAllowList(
      {{"saker.status.v1.StatusService", {"client-one"}}, {"saker.status.v1.Status", {"x"}}});
  EXPECT_EQ(bad.code(), absl::StatusCode::kInvalidArgument) << bad;
  EXPECT_EQ(GetStatus(ts.Tls("client1")), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_EQ(GetStatus(ts.Tls("client2")), grpc::StatusCode::OK);

  // An empty list opens the service to every verified client again.
  ASSERT_TRUE(ts.server().ReplaceAllowList({}).ok());
  EXPECT_EQ(GetStatus(ts.Tls("client1")), grpc::StatusCode::OK);
}

class OneRule : public RulesControl {
 public:
  std::vector<RuleInfo> ListRules() override { return {RuleInfo{.name = "r"}}; }
  absl::StatusOr<ReloadResult> Reload() override { return ReloadResult{.rule_count = 1}; }
};

TEST(AccessTest, AMethodEntryDecidesForItsMethod) {
  OneRule rules;
  TestServer ts({}, [&](ApiServerOptions& o) {
    o.rules = &rules;
    o.allow["saker.rules.v1.RuleService/ReloadRules"] = {"client-one"};
  });
  auto call = [](std::shared_ptr<grpc::Channel> ch, bool reload) {
    auto stub = saker::rules::v1::RuleService::NewStub(ch);
    grpc::ClientContext ctx;
    if (reload) {
      saker::rules::v1::ReloadRulesResponse resp;
      return stub->ReloadRules(&ctx, {}, &resp);
    }
    saker::rules::v1::ListRulesResponse resp;
    return stub->ListRules(&ctx, {}, &resp);
  };
  EXPECT_TRUE(call(ts.Tls("client1"), true).ok());
  grpc::Status denied = call(ts.Tls("client2"), true);
  EXPECT_EQ(denied.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_NE(denied.error_message().find("saker.rules.v1.RuleService/ReloadRules"),
            std::string::npos);
  EXPECT_TRUE(call(ts.Tls("client2"), false).ok());  // ListRules: no entry
  // With a service entry too, the method's still decides for its method.
  ASSERT_TRUE(ts.server()
                  .ReplaceAllowList({{"saker.rules.v1.RuleService", {"client-two"}},
                                     {"saker.rules.v1.RuleService/ReloadRules", {"client-one"}}})
                  .ok());
  EXPECT_TRUE(call(ts.Tls("client1"), true).ok());
  EXPECT_EQ(call(ts.Tls("client1"), false).error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_TRUE(call(ts.Tls("client2"), false).ok());
  EXPECT_EQ(call(ts.Tls("client2"), true).error_code(), grpc::StatusCode::PERMISSION_DENIED);
}

// Streams that stay open without reading past their first message.
class Streams {
 public:
  ~Streams() {
    for (auto& s : streams_) {
      s->ctx.TryCancel();
    }
  }
  // Opens a stream from the oldest alert (the server holds one): an accepted
  // stream delivers it (OK); a refused one ends with its status.
  grpc::Status Open(std::shared_ptr<grpc::Channel> ch) {
    auto s = std::make_unique<Stream>();
    s->stub = av1::AlertService::NewStub(ch);
    av1::SubscribeRequest req;
    req.set_from_oldest(true);
    s->reader = s->stub->Subscribe(&s->ctx, req);
    av1::SubscribeResponse r;
    grpc::Status st = s->reader->Read(&r) ? grpc::Status::OK : s->reader->Finish();
    streams_.push_back(std::move(s));
    return st;
  }

 private:
  struct Stream {
    std::unique_ptr<av1::AlertService::Stub> stub;
    grpc::ClientContext ctx;
    std::unique_ptr<grpc::ClientReader<av1::SubscribeResponse>> reader;
  };
  std::vector<std::unique_ptr<Stream>> streams_;
};

void ExpectExhausted(const grpc::Status& st, const std::string& limit) {
  EXPECT_EQ(st.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << st.error_message();
  EXPECT_NE(st.error_message().find(limit), std::string::npos) << st.error_message();
}

TEST(LimitsTest, StreamsPerConnection) {
  auto ts = std::make_unique<TestServer>(ApiServer::HubOptions{}, [](ApiServerOptions& o) {
    o.limits = {.max_subscribers = 100, .max_per_identity = 100, .max_per_connection = 3};
  });
  PublishSyntheticAlert(ts->alerts(), 0);
  Streams streams;
  auto conn = ts->Tls("client1");
  for (int i = 0; i < 3; ++i) {  // at the cap
    ASSERT_TRUE(streams.Open(conn).ok()) << i;
  }
  ExpectExhausted(streams.Open(conn),
                  "saker.api.max_streams_per_connection streams on this "
                  "connection (3)");
  EXPECT_EQ(ts->server().rejected(Rejection::kConnection), 1u);
  ExpectExhausted(streams.Open(conn), "(3)");
  EXPECT_EQ(ts->server().rejected(Rejection::kConnection), 2u);
  // Unary calls still get through on the full connection (HTTP/2 headroom).
  EXPECT_EQ(GetStatus(conn), grpc::StatusCode::OK);
  // Another connection of the same client is not affected.
  EXPECT_TRUE(streams.Open(ts->Tls("client1")).ok());
  EXPECT_EQ(ts->server().subscribers(), 4u);
  EXPECT_EQ(ts->server().rejected(Rejection::kIdentity), 0u);
  EXPECT_EQ(ts->server().rejected(Rejection::kSubscribers), 0u);
}

TEST(LimitsTest, StreamsPerIdentity) {
  auto ts = std::make_unique<TestServer>(ApiServer::HubOptions{}, [](ApiServerOptions& o) {
    o.limits = {.max_subscribers = 100, .max_per_identity = 2, .max_per_connection = 100};
  });
  PublishSyntheticAlert(ts->alerts(), 0);
  Streams streams;
  // Two connections of client-one: at the cap.
  ASSERT_TRUE(streams.Open(ts->Tls("client1")).ok());
  ASSERT_TRUE(streams.Open(ts->Tls("client1")).ok());
  ExpectExhausted(streams.Open(ts->Tls("client1")),
                  "saker.api.max_subscribers_per_identity streams of this client identity (2)");
  EXPECT_EQ(ts->server().rejected(Rejection::kIdentity), 1u);
  // Another identity, and the unix socket (no identity), still get streams.
  EXPECT_TRUE(streams.Open(ts->Tls("client2")).ok());
  EXPECT_TRUE(streams.Open(ts->Unix()).ok());
  EXPECT_EQ(ts->server().subscribers(), 4u);
}

TEST(LimitsTest, StreamsOverall) {
  auto ts = std::make_unique<TestServer>(ApiServer::HubOptions{}, [](ApiServerOptions& o) {
    o.limits = {.max_subscribers = 3, .max_per_identity = 100, .max_per_connection = 100};
  });
  PublishSyntheticAlert(ts->alerts(), 0);
  Streams streams;
  auto unix_conn = ts->Unix();
  ASSERT_TRUE(streams.Open(unix_conn).ok());
  ASSERT_TRUE(streams.Open(unix_conn).ok());
  ASSERT_TRUE(streams.Open(ts->Tls("client2")).ok());
  ExpectExhausted(streams.Open(unix_conn), "saker.api.max_subscribers streams of all clients (3)");
  ExpectExhausted(streams.Open(ts->Tls("client1")), "(3)");
  EXPECT_EQ(ts->server().rejected(Rejection::kSubscribers), 2u);
  EXPECT_EQ(ts->server().subscribers(), 3u);
}

TEST(LimitsTest, AClosedStreamFreesItsPlace) {
  auto ts = std::make_unique<TestServer>(ApiServer::HubOptions{}, [](ApiServerOptions& o) {
    o.limits = {.max_subscribers = 100, .max_per_identity = 1, .max_per_connection = 1};
  });
  PublishSyntheticAlert(ts->alerts(), 0);
  auto conn = ts->Tls("client1");
  {
    Streams streams;
    ASSERT_TRUE(streams.Open(conn).ok());
    ExpectExhausted(streams.Open(conn), "(1)");
  }  // cancelled
  ASSERT_TRUE(WaitFor([&] { return ts->server().subscribers() == 0; }));
  Streams again;
  EXPECT_TRUE(again.Open(conn).ok());
}

}  // namespace
}  // namespace saker::api
