// Saker v1 over real connections: each filter, field selection, resume, gap
// notices with a slow consumer, events, status, rules.

#include <algorithm>
#include <stdexcept>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "saker/v1/alerts.grpc.pb.h"
#include "saker/v1/events.grpc.pb.h"
#include "saker/v1/rules.grpc.pb.h"
#include "saker/v1/status.grpc.pb.h"
#include "server/api/api_test_util.h"
#include "server/api/synthetic_alerts.h"

namespace saker::api {
namespace {

namespace av1 = saker::alerts::v1;
namespace ev1 = saker::events::v1;
using testing::TestServer;
using testing::WaitFor;

// A stream reader that collects messages on its own thread.
struct AlertStream {
  AlertStream(std::shared_ptr<grpc::Channel> ch, const av1::SubscribeRequest& req)
      : stub(av1::AlertService::NewStub(ch)) {
    reader = stub->Subscribe(&ctx, req);
  }
  // Reads n messages (alerts or gaps) or fails.
  std::vector<av1::SubscribeResponse> Read(size_t n) {
    std::vector<av1::SubscribeResponse> out;
    av1::SubscribeResponse r;
    while (out.size() < n && reader->Read(&r)) {
      out.push_back(r);
    }
    return out;
  }
  grpc::Status Finish() {
    if (finished) {
      return status;
    }
    finished = true;
    av1::SubscribeResponse r;
    while (reader->Read(&r)) {
    }
    status = reader->Finish();
    return status;
  }
  ~AlertStream() {
    ctx.TryCancel();
    Finish();
  }
  std::unique_ptr<av1::AlertService::Stub> stub;
  grpc::ClientContext ctx;
  std::unique_ptr<grpc::ClientReader<av1::SubscribeResponse>> reader;
  bool finished = false;
  grpc::Status status;
};

int64_t Nanos(const google::protobuf::Timestamp& t) {
  return t.seconds() * 1000000000 + t.nanos();
}

std::vector<std::string> Rules(const std::vector<av1::SubscribeResponse>& msgs) {
  std::vector<std::string> out;
  for (const auto& m : msgs) {
    out.push_back(m.has_alert() ? m.alert().rule() : "GAP");
  }
  return out;
}

// Publishes 8 synthetic alerts (kinds 0,1,2,3,0,1,2,3) and reads what passes.
std::vector<av1::SubscribeResponse> Filtered(TestServer& ts, const av1::SubscribeRequest& req,
                                             size_t expect) {
  AlertStream s(ts.Unix(), req);
  EXPECT_TRUE(WaitFor([&] { return ts.server().subscribers() == 1; }));
  for (int i = 0; i < 8; ++i) {
    PublishSyntheticAlert(ts.alerts(), i);
  }
  auto got = s.Read(expect);
  EXPECT_EQ(got.size(), expect);
  return got;
}

TEST(V1ApiTest, FilterMinPriority) {
  TestServer ts;
  av1::SubscribeRequest req;
  req.mutable_filter()->set_min_priority(av1::PRIORITY_WARNING);  // critical, warning
  auto got = Filtered(ts, req, 4);
  EXPECT_EQ(Rules(got), (std::vector<std::string>{"Synthetic rule 0", "Synthetic rule 1",
                                                  "Synthetic rule 0", "Synthetic rule 1"}));
  EXPECT_EQ(got[0].alert().priority(), av1::PRIORITY_CRITICAL);
  EXPECT_EQ(got[0].alert().sequence(), 1u);
  EXPECT_EQ(got[1].alert().sequence(), 2u);
  EXPECT_EQ(got[2].alert().sequence(), 5u);
}

TEST(V1ApiTest, FilterRuleNames) {
  TestServer ts;
  av1::SubscribeRequest req;
  req.mutable_filter()->add_rules("Synthetic rule 2");
  auto got = Filtered(ts, req, 2);
  EXPECT_EQ(got[0].alert().sequence(), 3u);
  EXPECT_EQ(got[1].alert().sequence(), 7u);
}

TEST(V1ApiTest, FilterTags) {
  TestServer ts;
  av1::SubscribeRequest req;
  req.mutable_filter()->add_tags("network");
  req.mutable_filter()->add_tags("nonexistent");
  auto got = Filtered(ts, req, 4);
  for (const auto& m : got) {
    EXPECT_EQ(m.alert().sequence() % 2, 0u);
  }
}

TEST(V1ApiTest, FilterSources) {
  TestServer ts;
  av1::SubscribeRequest req;
  req.mutable_filter()->add_sources("okta");
  auto got = Filtered(ts, req, 2);
  EXPECT_EQ(got[0].alert().source(), "okta");
  EXPECT_EQ(got[1].alert().sequence(), 8u);
}

TEST(V1ApiTest, ConditionWithoutARulesEngineIsUnimplemented) {
  TestServer ts;
  av1::SubscribeRequest req;
  req.mutable_filter()->set_condition("proc.name = nginx");
  AlertStream s(ts.Unix(), req);
  EXPECT_EQ(s.Finish().error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

class RuleEquals : public AlertPredicate {
 public:
  explicit RuleEquals(std::string rule) : rule_(std::move(rule)) {}
  bool Matches(const AlertRecord& a) const override { return a.rule == rule_; }

 private:
  std::string rule_;
};

// A stand-in for the rules engine's compiler: `rule = NAME` only.
class TinyCompiler : public AlertFilterCompiler {
 public:
  absl::StatusOr<std::unique_ptr<AlertPredicate>> Compile(std::string_view c) override {
    if (c.rfind("rule = ", 0) != 0) {
      return absl::InvalidArgumentError("syntax error at column 1");
    }
    return std::make_unique<RuleEquals>(std::string(c.substr(7)));
  }
};

TEST(V1ApiTest, ConditionIsCompiledByTheInjectedCompiler) {
  TinyCompiler compiler;
  TestServer ts({}, [&](ApiServerOptions& o) { o.alert_filter_compiler = &compiler; });
  av1::SubscribeRequest req;
  req.mutable_filter()->set_condition("rule = Synthetic rule 3");
  auto got = Filtered(ts, req, 2);
  EXPECT_EQ(got[0].alert().sequence(), 4u);

  req.mutable_filter()->set_condition("proc.name ==");
  AlertStream bad(ts.Unix(), req);
  grpc::Status st = bad.Finish();
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(st.error_message(), "syntax error")) << st.error_message();
}

TEST(V1ApiTest, FieldSelection) {
  TestServer ts;
  av1::SubscribeRequest req;
  req.mutable_fields()->mutable_alert_fields()->add_paths("rule");
  req.mutable_fields()->mutable_alert_fields()->add_paths("output_fields");
  req.mutable_fields()->add_output_fields("evt.num");
  auto got = Filtered(ts, req, 8);
  const av1::Alert& a = got[0].alert();
  EXPECT_EQ(a.sequence(), 1u);
  EXPECT_EQ(a.rule(), "Synthetic rule 0");
  EXPECT_TRUE(a.output().empty());
  EXPECT_TRUE(a.hostname().empty());
  EXPECT_FALSE(a.has_time());
  ASSERT_EQ(a.output_fields_size(), 1);
  EXPECT_EQ(a.output_fields().at("evt.num"), "0");

  req.mutable_fields()->mutable_alert_fields()->add_paths("no_such_field");
  AlertStream bad(ts.Unix(), req);
  EXPECT_EQ(bad.Finish().error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST(V1ApiTest, ResumeFromSequenceThenLive) {
  TestServer ts;
  for (int i = 0; i < 10; ++i) {
    PublishSyntheticAlert(ts.alerts(), i);
  }
  av1::SubscribeRequest req;
  req.set_from_sequence(6);
  AlertStream s(ts.Tls(), req);
  auto got = s.Read(5);
  ASSERT_EQ(got.size(), 5u);
  EXPECT_EQ(got[0].alert().sequence(), 6u);
  EXPECT_EQ(got[4].alert().sequence(), 10u);
  PublishSyntheticAlert(ts.alerts(), 10);
  got = s.Read(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].alert().sequence(), 11u);
}

TEST(V1ApiTest, ResumeOlderThanHistoryGetsExpiredGapFirst) {
  TestServer ts({.alert_history = 8});
  for (int i = 0; i < 20; ++i) {
    PublishSyntheticAlert(ts.alerts(), i);
  }
  av1::SubscribeRequest req;
  req.set_from_sequence(3);
  AlertStream s(ts.Unix(), req);
  // The history holds 13..20: all of it comes after the gap (3..12).
  auto got = s.Read(9);
  ASSERT_EQ(got.size(), 9u);
  ASSERT_TRUE(got[0].has_gap());
  EXPECT_EQ(got[0].gap().from_sequence(), 3u);
  EXPECT_EQ(got[0].gap().to_sequence(), 12u);
  EXPECT_EQ(got[0].gap().count(), 10u);
  EXPECT_EQ(got[0].gap().reason(), av1::GAP_REASON_HISTORY_EXPIRED);
  EXPECT_EQ(got[1].alert().sequence(), 13u);
  EXPECT_EQ(got[8].alert().sequence(), 20u);

  av1::SubscribeRequest oldest;
  oldest.set_from_oldest(true);
  AlertStream o(ts.Unix(), oldest);
  got = o.Read(1);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].alert().sequence(), 13u);
}

TEST(V1ApiTest, SlowConsumerGetsGapNoticesAndOthersDoNotWait) {
  constexpr int kAlerts = 200000;
  TestServer ts({.alert_history = 256});
  // The slow one: subscribed, not reading yet.
  AlertStream slow(ts.Unix(), av1::SubscribeRequest());
  ASSERT_TRUE(WaitFor([&] { return ts.server().subscribers() == 1; }));
  absl::Time t0 = absl::Now();
  for (int i = 0; i < kAlerts; ++i) {
    PublishSyntheticAlert(ts.alerts(), i);
  }
  double publish_s = absl::ToDoubleSeconds(absl::Now() - t0);
  EXPECT_LT(publish_s, 5.0);  // the publisher never waited for the subscriber

  // Everything is accounted for, in order: alerts + gap counts == published.
  uint64_t expect = 1, gaps = 0, lost = 0;
  av1::SubscribeResponse r;
  while (expect <= kAlerts && slow.reader->Read(&r)) {
    if (r.has_gap()) {
      ASSERT_EQ(r.gap().from_sequence(), expect);
      ASSERT_EQ(r.gap().count(), r.gap().to_sequence() - r.gap().from_sequence() + 1);
      EXPECT_EQ(r.gap().reason(), av1::GAP_REASON_SUBSCRIBER_OVERFLOW);
      expect = r.gap().to_sequence() + 1;
      gaps++;
      lost += r.gap().count();
    } else {
      ASSERT_EQ(r.alert().sequence(), expect);
      expect++;
    }
  }
  EXPECT_EQ(expect, kAlerts + 1u);
  EXPECT_GE(gaps, 1u);
  EXPECT_GT(lost, 0u);

  // The loss is counted in status.
  auto stub = saker::status::v1::StatusService::NewStub(ts.Unix());
  grpc::ClientContext ctx;
  saker::status::v1::GetStatusResponse st;
  ASSERT_TRUE(stub->GetStatus(&ctx, {}, &st).ok());
  ASSERT_EQ(st.subscribers_size(), 1);
  EXPECT_EQ(st.subscribers(0).dropped(), lost);
  EXPECT_EQ(st.subscribers(0).kind(), saker::status::v1::STREAM_KIND_ALERTS);
  EXPECT_EQ(st.alerts().published(), static_cast<uint64_t>(kAlerts));
  EXPECT_EQ(st.alerts().capacity(), 256u);
}

// max_batch > 1: the alerts waiting go several per message, only in
// `batch`, each exactly once and in order; gap notices still come alone.
TEST(V1ApiTest, BatchedFormDeliversEveryAlertOnceInOrder) {
  TestServer ts({.alert_history = 8192});  // holds all 5000: no gaps
  constexpr int kBefore = 3000, kLive = 2000;
  for (int i = 0; i < kBefore; ++i) {
    PublishSyntheticAlert(ts.alerts(), i);
  }
  av1::SubscribeRequest req;
  req.set_from_oldest(true);
  req.set_max_batch(64);
  AlertStream s(ts.Unix(), req);
  std::thread live([&] {
    for (int i = kBefore; i < kBefore + kLive; ++i) {
      PublishSyntheticAlert(ts.alerts(), i);
    }
  });
  uint64_t expect = 1;
  int messages = 0, largest = 0;
  av1::SubscribeResponse r;
  while (expect <= kBefore + kLive && s.reader->Read(&r)) {
    ASSERT_TRUE(r.has_batch()) << r.DebugString();
    ASSERT_GE(r.batch().alerts_size(), 1);
    ASSERT_LE(r.batch().alerts_size(), 64);
    for (const av1::Alert& a : r.batch().alerts()) {
      ASSERT_EQ(a.sequence(), expect);
      ASSERT_EQ(a.output_fields().at("evt.num"), std::to_string(expect - 1));
      ASSERT_EQ(a.rule(), absl::StrCat("Synthetic rule ", (expect - 1) % 4));
      ASSERT_GE(Nanos(a.publish_time()), Nanos(a.time()));
      expect++;
    }
    messages++;
    largest = std::max(largest, r.batch().alerts_size());
  }
  live.join();
  EXPECT_EQ(expect, static_cast<uint64_t>(kBefore + kLive + 1));
  EXPECT_EQ(largest, 64);  // the history was waiting: full batches
  EXPECT_LT(messages, kBefore + kLive);
}

TEST(V1ApiTest, BatchedFormKeepsFiltersAndSendsGapsAlone) {
  TestServer ts({.alert_history = 16});
  for (int i = 0; i < 40; ++i) {
    PublishSyntheticAlert(ts.alerts(), i);
  }
  av1::SubscribeRequest req;
  req.set_from_sequence(1);
  req.set_max_batch(1000);
  req.mutable_filter()->add_rules("Synthetic rule 1");
  AlertStream s(ts.Unix(), req);
  auto got = s.Read(2);
  ASSERT_EQ(got.size(), 2u);
  // The history holds 25..40: all of it is read after the gap (1..24).
  ASSERT_TRUE(got[0].has_gap());
  EXPECT_EQ(got[0].gap().from_sequence(), 1u);
  EXPECT_EQ(got[0].gap().to_sequence(), 24u);
  EXPECT_EQ(got[0].gap().count(), 24u);
  EXPECT_EQ(got[0].gap().reason(), av1::GAP_REASON_HISTORY_EXPIRED);
  ASSERT_TRUE(got[1].has_batch());
  std::vector<uint64_t> seqs;
  for (const auto& a : got[1].batch().alerts()) {
    seqs.push_back(a.sequence());
  }
  EXPECT_EQ(seqs, (std::vector<uint64_t>{26, 30, 34, 38}));  // rule 1: n % 4 == 1
  PublishSyntheticAlert(ts.alerts(), 41);  // sequence 41, rule 1: live
  got = s.Read(1);
  ASSERT_EQ(got.size(), 1u);
  ASSERT_TRUE(got[0].has_batch());
  ASSERT_EQ(got[0].batch().alerts_size(), 1);
  EXPECT_EQ(got[0].batch().alerts(0).sequence(), 41u);
}

TEST(V1ApiTest, DefaultFormIsOneAlertPerMessageWithPublishTime) {
  TestServer ts;
  av1::SubscribeRequest req;
  req.set_max_batch(1);
  auto got = Filtered(ts, req, 8);
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_TRUE(got[i].has_alert());
    EXPECT_EQ(got[i].alert().sequence(), i + 1);
    EXPECT_GE(Nanos(got[i].alert().publish_time()), Nanos(got[i].alert().time()));
    EXPECT_GT(got[i].alert().publish_time().seconds(), 1600000000);
  }
}

TEST(V1ApiTest, EventsBatchedForm) {
  TestServer ts({.alert_history = 16, .event_history = 1024});
  for (int i = 0; i < 600; ++i) {
    PublishSyntheticEvent(ts.events(), i);
  }
  auto stub = ev1::EventService::NewStub(ts.Unix());
  ev1::SubscribeRequest req;
  req.set_from_oldest(true);
  req.set_max_batch(100);
  grpc::ClientContext ctx;
  auto reader = stub->Subscribe(&ctx, req);
  uint64_t expect = 1;
  ev1::SubscribeResponse r;
  while (expect <= 600 && reader->Read(&r)) {
    ASSERT_TRUE(r.has_batch());
    ASSERT_LE(r.batch().events_size(), 100);
    for (const auto& e : r.batch().events()) {
      ASSERT_EQ(e.sequence(), expect++);
      ASSERT_EQ(e.args_size(), 2);
    }
  }
  EXPECT_EQ(expect, 601u);
  ctx.TryCancel();
}

TEST(V1ApiTest, EventsWithTypeFilterResumeAndGap) {
  TestServer ts({.alert_history = 16, .event_history = 16});
  for (int i = 0; i < 40; ++i) {
    PublishSyntheticEvent(ts.events(), i);
  }
  auto stub = ev1::EventService::NewStub(ts.Tls());
  ev1::SubscribeRequest req;
  req.mutable_filter()->add_types("connect");
  req.set_from_sequence(1);
  grpc::ClientContext ctx;
  auto reader = stub->Subscribe(&ctx, req);
  ev1::SubscribeResponse r;
  ASSERT_TRUE(reader->Read(&r));
  ASSERT_TRUE(r.has_gap());
  EXPECT_EQ(r.gap().count(), 24u);  // holds 25..40: 1..24 are gone
  EXPECT_EQ(r.gap().reason(), ev1::GAP_REASON_HISTORY_EXPIRED);
  ASSERT_TRUE(reader->Read(&r));
  EXPECT_EQ(r.event().type(), "connect");
  EXPECT_EQ(r.event().sequence(), 26u);  // n=25: 25 % 3 == 1
  EXPECT_EQ(r.event().args_size(), 2);
  EXPECT_EQ(r.event().args(0).name(), "name");
  EXPECT_EQ(r.event().args(0).value(), "/bin/true");
  ctx.TryCancel();

  ev1::SubscribeRequest cond;
  cond.mutable_filter()->set_condition("evt.type in (execve, connect) and proc.name != sshd");
  grpc::ClientContext ctx2;
  auto r2 = stub->Subscribe(&ctx2, cond);
  while (r2->Read(&r)) {
  }
  EXPECT_EQ(r2->Finish().error_code(), grpc::StatusCode::UNIMPLEMENTED);
}

class FakeRules : public RulesControl {
 public:
  std::vector<RuleInfo> ListRules() override {
    RuleInfo r;
    r.name = "Shell in container";
    r.priority = Priority::kWarning;
    r.tags = {"container", "shell"};
    r.event_types = {"execve"};
    r.match_count = 7;
    return {r};
  }
  absl::StatusOr<ReloadResult> Reload() override {
    if (throws) {
      throw std::runtime_error("boom");
    }
    if (fail) {
      return absl::InvalidArgumentError("rules.yaml:3:5: unknown field proc.nme");
    }
    return ReloadResult{.rule_count = 1, .warnings = {"unused macro m"}};
  }
  bool fail = false;
  bool throws = false;
};

TEST(V1ApiTest, RulesListAndReload) {
  FakeRules rules;
  TestServer ts({}, [&](ApiServerOptions& o) { o.rules = &rules; });
  auto stub = saker::rules::v1::RuleService::NewStub(ts.Unix());
  {
    grpc::ClientContext ctx;
    saker::rules::v1::ListRulesResponse resp;
    ASSERT_TRUE(stub->ListRules(&ctx, {}, &resp).ok());
    ASSERT_EQ(resp.rules_size(), 1);
    EXPECT_EQ(resp.rules(0).name(), "Shell in container");
    EXPECT_EQ(resp.rules(0).priority(), av1::PRIORITY_WARNING);
    EXPECT_EQ(resp.rules(0).match_count(), 7u);
  }
  {
    grpc::ClientContext ctx;
    saker::rules::v1::ReloadRulesResponse resp;
    ASSERT_TRUE(stub->ReloadRules(&ctx, {}, &resp).ok());
    EXPECT_EQ(resp.rule_count(), 1u);
    EXPECT_EQ(resp.warnings(0), "unused macro m");
  }
  rules.fail = true;
  grpc::ClientContext ctx;
  saker::rules::v1::ReloadRulesResponse resp;
  grpc::Status st = stub->ReloadRules(&ctx, {}, &resp);
  EXPECT_EQ(st.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(st.error_message(), "rules.yaml:3:5")) << st.error_message();
}

// An exception escaping the reload is INTERNAL with its text (gRPC alone
// would answer UNIMPLEMENTED with no message), and the server goes on.
TEST(V1ApiTest, RulesReloadThatThrowsIsInternalWithItsMessage) {
  FakeRules rules;
  rules.throws = true;
  TestServer ts({}, [&](ApiServerOptions& o) { o.rules = &rules; });
  auto stub = saker::rules::v1::RuleService::NewStub(ts.Unix());
  {
    grpc::ClientContext ctx;
    saker::rules::v1::ReloadRulesResponse resp;
    grpc::Status st = stub->ReloadRules(&ctx, {}, &resp);
    EXPECT_EQ(st.error_code(), grpc::StatusCode::INTERNAL);
    EXPECT_EQ(st.error_message(), "rules reload failed: boom");
  }
  grpc::ClientContext ctx;
  saker::rules::v1::ListRulesResponse resp;
  ASSERT_TRUE(stub->ListRules(&ctx, {}, &resp).ok());
  EXPECT_EQ(resp.rules_size(), 1);
}

TEST(V1ApiTest, RulesWithoutEngineAndStatusWithoutDriver) {
  TestServer ts;
  auto stub = saker::rules::v1::RuleService::NewStub(ts.Unix());
  grpc::ClientContext ctx;
  saker::rules::v1::ListRulesResponse resp;
  EXPECT_EQ(stub->ListRules(&ctx, {}, &resp).error_code(), grpc::StatusCode::UNIMPLEMENTED);

  auto status = saker::status::v1::StatusService::NewStub(ts.Unix());
  grpc::ClientContext sctx;
  saker::status::v1::GetStatusResponse st;
  ASSERT_TRUE(status->GetStatus(&sctx, {}, &st).ok());
  EXPECT_FALSE(st.driver().probe_loaded());
  EXPECT_GT(st.start_time().seconds(), 0);
  EXPECT_EQ(st.subscribers_size(), 0);
}

TEST(V1ApiTest, HealthServiceServesUntilShutdown) {
  auto ts = std::make_unique<TestServer>();
  auto stub = grpc::health::v1::Health::NewStub(ts->Tls());
  grpc::ClientContext ctx;
  grpc::health::v1::HealthCheckResponse resp;
  ASSERT_TRUE(stub->Check(&ctx, {}, &resp).ok());
  EXPECT_EQ(resp.status(), grpc::health::v1::HealthCheckResponse::SERVING);
}

}  // namespace
}  // namespace saker::api
