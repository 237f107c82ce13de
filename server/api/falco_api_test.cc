// Falco's API over real connections: version, get, sub (push, fan-out,
// polling clients), legacy subscribe, field 3/9, hostname.

#include <cstdlib>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "output.grpc.pb.h"
#include "outputs.grpc.pb.h"
#include "saker/v1/alerts.grpc.pb.h"
#include "server/api/api_test_util.h"
#include "server/api/synthetic_alerts.h"
#include "version.grpc.pb.h"

namespace saker::api {
namespace {

using testing::TestServer;
using testing::WaitFor;

class FalcoApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { setenv("FALCO_HOSTNAME", "falco-host-override", 1); }
};

TEST_F(FalcoApiTest, VersionFillsEveryFieldAndEngineMinorInField7) {
  TestServer ts({}, [](ApiServerOptions& o) {
    o.version.version = "1.2.3-rc.1+build5";
    o.version.engine_version = "0.43.7";
    o.version.engine_fields_checksum = "abc123";
  });
  for (auto channel : {ts.Unix(), ts.Tls()}) {
    auto stub = falco::version::service::NewStub(channel);
    grpc::ClientContext ctx;
    falco::version::request req;
    falco::version::response resp;
    ASSERT_TRUE(stub->version(&ctx, req, &resp).ok());
    EXPECT_EQ(resp.version(), "1.2.3-rc.1+build5");
    EXPECT_EQ(resp.major(), 1u);
    EXPECT_EQ(resp.minor(), 2u);
    EXPECT_EQ(resp.patch(), 3u);
    EXPECT_EQ(resp.prerelease(), "rc.1");
    EXPECT_EQ(resp.build(), "build5");
    EXPECT_EQ(resp.engine_minor(), 43u);
    EXPECT_EQ(resp.engine_major(), 0u);
    EXPECT_EQ(resp.engine_patch(), 7u);
    EXPECT_EQ(resp.engine_version(), "0.43.7");
    EXPECT_EQ(resp.engine_fields_checksum(), "abc123");
  }
}

std::vector<falco::outputs::response> Get(std::shared_ptr<grpc::Channel> ch, grpc::Status* st) {
  auto stub = falco::outputs::service::NewStub(ch);
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  auto reader = stub->get(&ctx, falco::outputs::request());
  std::vector<falco::outputs::response> out;
  falco::outputs::response r;
  while (reader->Read(&r)) {
    out.push_back(r);
  }
  *st = reader->Finish();
  return out;
}

TEST_F(FalcoApiTest, GetWithEmptyHistorySendsNothingThenOk) {
  TestServer ts;
  grpc::Status st;
  EXPECT_TRUE(Get(ts.Unix(), &st).empty());
  EXPECT_TRUE(st.ok()) << st.error_message();
}

TEST_F(FalcoApiTest, GetSendsTheHistoryThenOkWithBothSourceFields) {
  TestServer ts({.alert_history = 8});
  for (int i = 0; i < 12; ++i) {
    PublishSyntheticAlert(ts.alerts(), i);
  }
  grpc::Status st;
  auto got = Get(ts.Tls(), &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(got.size(), 8u);  // the bounded history
  // Alert n=4 (first held) is synthetic kind 0: syscall.
  EXPECT_EQ(got[0].source(), "syscall");
  EXPECT_EQ(got[0].source_deprecated(), falco::schema::SYSCALL);
  EXPECT_EQ(got[0].priority(), falco::schema::CRITICAL);
  EXPECT_EQ(got[0].rule(), "Synthetic rule 0");
  EXPECT_EQ(got[0].output_fields().at("evt.num"), "4");
  EXPECT_EQ(got[0].hostname(), "falco-host-override");
  EXPECT_EQ(std::vector<std::string>(got[0].tags().begin(), got[0].tags().end()),
            (std::vector<std::string>{"mitre_execution", "test"}));
  EXPECT_GT(got[0].time().seconds(), 1600000000);
  EXPECT_EQ(got[2].source(), "k8s_audit");
  EXPECT_EQ(got[2].source_deprecated(), falco::schema::K8S_AUDIT);
  EXPECT_EQ(got[3].source(), "okta");
  EXPECT_EQ(got[3].source_deprecated(), falco::schema::PLUGIN);
  // get does not consume: a second get sees the same.
  EXPECT_EQ(Get(ts.Unix(), &st).size(), 8u);
}

struct SubClient {
  SubClient(std::shared_ptr<grpc::Channel> ch, bool poll = false)
      : stub(falco::outputs::service::NewStub(ch)) {
    stream = stub->sub(&ctx);
    if (poll) {
      poller = std::thread([this] {
        while (!stop && stream->Write(falco::outputs::request())) {
          std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
      });
    }
  }
  ~SubClient() {
    stop = true;
    ctx.TryCancel();
    if (poller.joinable()) {
      poller.join();
    }
    falco::outputs::response r;
    while (stream->Read(&r)) {
    }
    stream->Finish();
  }
  std::unique_ptr<falco::outputs::service::Stub> stub;
  grpc::ClientContext ctx;
  std::unique_ptr<grpc::ClientReaderWriter<falco::outputs::request, falco::outputs::response>>
      stream;
  std::thread poller;
  std::atomic<bool> stop{false};
};

TEST_F(FalcoApiTest, SubPushesEachAlertWithoutWaitingForAPoll) {
  TestServer ts;
  SubClient c(ts.Unix());
  ASSERT_TRUE(WaitFor([&] { return ts.server().subscribers() == 1; }));
  std::vector<double> ms;
  for (int i = 0; i < 20; ++i) {
    absl::Time t0 = absl::Now();
    PublishSyntheticAlert(ts.alerts(), i);
    falco::outputs::response r;
    ASSERT_TRUE(c.stream->Read(&r));
    ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - t0));
    EXPECT_EQ(r.output_fields().at("evt.num"), std::to_string(i));
  }
  std::sort(ms.begin(), ms.end());
  // Falco waited for the client's next poll (100 ms to 1 s); push is ~instant.
  EXPECT_LT(ms[ms.size() / 2], 20.0) << "median push latency (ms)";
}

TEST_F(FalcoApiTest, SubFansOutEveryAlertToEveryClientIncludingPollingOnes) {
  TestServer ts;
  std::vector<std::unique_ptr<SubClient>> clients;
  clients.push_back(std::make_unique<SubClient>(ts.Unix()));
  clients.push_back(std::make_unique<SubClient>(ts.Unix(), /*poll=*/true));
  clients.push_back(std::make_unique<SubClient>(ts.Tls("client1")));
  clients.push_back(std::make_unique<SubClient>(ts.Tls("client2"), /*poll=*/true));
  ASSERT_TRUE(WaitFor([&] { return ts.server().subscribers() == 4; }));
  for (int i = 0; i < 200; ++i) {
    PublishSyntheticAlert(ts.alerts(), i);
  }
  for (auto& c : clients) {
    for (int i = 0; i < 200; ++i) {
      falco::outputs::response r;
      ASSERT_TRUE(c->stream->Read(&r));
      ASSERT_EQ(r.output_fields().at("evt.num"), std::to_string(i));
    }
  }
}

// A burst goes out as coalesced writes (buffer hint on all but the last
// message); every alert still arrives once, in order, one per message, on
// both transports, and the last one of the burst is not held back.
TEST_F(FalcoApiTest, SubCoalescedBurstDeliversEveryAlertOnceInOrder) {
  TestServer ts;
  std::vector<std::unique_ptr<SubClient>> clients;
  clients.push_back(std::make_unique<SubClient>(ts.Unix()));
  clients.push_back(std::make_unique<SubClient>(ts.Tls("client1")));
  ASSERT_TRUE(WaitFor([&] { return ts.server().subscribers() == 2; }));
  constexpr int kAlerts = 20000;
  for (int round = 0; round < 2; ++round) {
    for (int i = 0; i < kAlerts; ++i) {
      PublishSyntheticAlert(ts.alerts(), round * kAlerts + i);
    }
    for (auto& c : clients) {
      for (int i = 0; i < kAlerts; ++i) {
        falco::outputs::response r;
        ASSERT_TRUE(c->stream->Read(&r));
        ASSERT_EQ(r.output_fields().at("evt.num"), std::to_string(round * kAlerts + i));
        ASSERT_EQ(r.rule(), "Synthetic rule " + std::to_string(i % 4));
        ASSERT_EQ(r.tags_size(), 2);
      }
    }
  }
}

TEST_F(FalcoApiTest, GetCoalescedSendsTheWholeHistoryInOrder) {
  TestServer ts({.alert_history = 10000});
  for (int i = 0; i < 12000; ++i) {
    PublishSyntheticAlert(ts.alerts(), i);
  }
  grpc::Status st;
  auto got = Get(ts.Unix(), &st);
  ASSERT_TRUE(st.ok()) << st.error_message();
  ASSERT_EQ(got.size(), 10000u);
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i].output_fields().at("evt.num"), std::to_string(2000 + i));
  }
}

TEST_F(FalcoApiTest, SubEndsWithOkOnShutdown) {
  auto ts = std::make_unique<TestServer>();
  auto stub = falco::outputs::service::NewStub(ts->Unix());
  grpc::ClientContext ctx;
  auto stream = stub->sub(&ctx);
  ASSERT_TRUE(WaitFor([&] { return ts->server().subscribers() == 1; }));
  ts->server().Shutdown();
  falco::outputs::response r;
  while (stream->Read(&r)) {
  }
  EXPECT_TRUE(stream->Finish().ok());
}

TEST_F(FalcoApiTest, LegacySubscribeKeepaliveStreamsLiveAndWithoutSendsHistory) {
  TestServer ts;
  for (int i = 0; i < 3; ++i) {
    PublishSyntheticAlert(ts.alerts(), i);
  }
  auto stub = falco::output::service::NewStub(ts.Tls());
  {
    grpc::ClientContext ctx;
    falco::output::request req;
    auto reader = stub->subscribe(&ctx, req);
    falco::output::response r;
    int n = 0;
    while (reader->Read(&r)) {
      EXPECT_EQ(r.hostname(), "falco-host-override");
      n++;
    }
    EXPECT_EQ(n, 3);
    EXPECT_TRUE(reader->Finish().ok());
  }
  // The history stream's OnDone may still be pending: wait for it so that
  // the count below is the live stream's.
  ASSERT_TRUE(WaitFor([&] { return ts.server().subscribers() == 0; }));
  grpc::ClientContext ctx;
  falco::output::request req;
  req.set_keepalive(true);
  auto reader = stub->subscribe(&ctx, req);
  ASSERT_TRUE(WaitFor([&] { return ts.server().subscribers() == 1; }));
  PublishSyntheticAlert(ts.alerts(), 6);  // kind 2: k8s_audit
  falco::output::response r;
  ASSERT_TRUE(reader->Read(&r));
  EXPECT_EQ(r.source(), falco::schema::K8S_AUDIT);
  EXPECT_EQ(r.output_fields().at("evt.num"), "6");
  ctx.TryCancel();
  while (reader->Read(&r)) {
  }
  EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::CANCELLED);
}

// grpc_output.enabled: false refuses Falco's alert streams, saying why; the
// version service and Saker's own alert stream are unaffected.
TEST_F(FalcoApiTest, FalcoOutputsDisabledRefusesTheAlertStreamsSayingWhy) {
  TestServer ts({}, [](ApiServerOptions& o) { o.falco_outputs = false; });
  PublishSyntheticAlert(ts.alerts(), 0);
  grpc::Status st;
  EXPECT_TRUE(Get(ts.Unix(), &st).empty());
  EXPECT_EQ(st.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(st.error_message().find("grpc_output.enabled is false"), std::string::npos)
      << st.error_message();
  {
    auto stub = falco::outputs::service::NewStub(ts.Unix());
    grpc::ClientContext ctx;
    auto stream = stub->sub(&ctx);
    falco::outputs::response r;
    EXPECT_FALSE(stream->Read(&r));
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  }
  {
    auto stub = falco::output::service::NewStub(ts.Unix());
    grpc::ClientContext ctx;
    auto reader = stub->subscribe(&ctx, falco::output::request());
    falco::output::response r;
    EXPECT_FALSE(reader->Read(&r));
    EXPECT_EQ(reader->Finish().error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  }
  auto version = falco::version::service::NewStub(ts.Unix());
  grpc::ClientContext vctx;
  falco::version::response vr;
  EXPECT_TRUE(version->version(&vctx, falco::version::request(), &vr).ok());
  auto v1 = saker::alerts::v1::AlertService::NewStub(ts.Unix());
  grpc::ClientContext actx;
  saker::alerts::v1::SubscribeRequest req;
  req.set_from_sequence(1);
  auto reader = v1->Subscribe(&actx, req);
  saker::alerts::v1::SubscribeResponse ar;
  ASSERT_TRUE(reader->Read(&ar));
  EXPECT_EQ(ar.alert().sequence(), 1u);
  actx.TryCancel();
  while (reader->Read(&ar)) {
  }
  reader->Finish();
}

}  // namespace
}  // namespace saker::api
