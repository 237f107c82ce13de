// ApiServer::subscriber_stats(): each open stream's kind, peer, queue depth
// and losses, as the metrics see them, over real connections.

#include <algorithm>
#include <optional>
#include <vector>

#include "gtest/gtest.h"
#include "saker/v1/alerts.grpc.pb.h"
#include "saker/v1/events.grpc.pb.h"
#include "server/api/api_test_util.h"
#include "server/api/synthetic_alerts.h"

namespace saker::api {
namespace {

namespace av1 = saker::alerts::v1;
namespace ev1 = saker::events::v1;
using testing::TestServer;
using testing::WaitFor;

// A copy, not a pointer: subscriber_stats() returns a fresh vector each call,
// and a pointer into it would dangle once that temporary is gone.
std::optional<SubscriberSnapshot> Find(const std::vector<SubscriberSnapshot>& v, StreamKind kind) {
  auto it = std::find_if(v.begin(), v.end(), [kind](const auto& s) { return s.kind == kind; });
  if (it == v.end()) {
    return std::nullopt;
  }
  return *it;
}

TEST(SubscriberStatsTest, KindPeerDepthAndDrops) {
  constexpr int kAlerts = 100000;
  TestServer ts({.alert_history = 256, .event_history = 64});
  EXPECT_TRUE(ts.server().subscriber_stats().empty());

  auto alerts = av1::AlertService::NewStub(ts.Unix());
  grpc::ClientContext actx;
  auto areader = alerts->Subscribe(&actx, av1::SubscribeRequest());
  auto events = ev1::EventService::NewStub(ts.Tls());
  grpc::ClientContext ectx;
  auto ereader = events->Subscribe(&ectx, ev1::SubscribeRequest());
  ASSERT_TRUE(WaitFor([&] { return ts.server().subscriber_stats().size() == 2; }));

  auto stats = ts.server().subscriber_stats();
  const std::optional<SubscriberSnapshot> a = Find(stats, StreamKind::kAlerts);
  const std::optional<SubscriberSnapshot> e = Find(stats, StreamKind::kEvents);
  ASSERT_TRUE(a.has_value());
  ASSERT_TRUE(e.has_value());
  EXPECT_NE(a->id, e->id);
  EXPECT_FALSE(a->peer.empty());
  EXPECT_NE(e->peer.find("127.0.0.1"), std::string::npos) << e->peer;
  EXPECT_EQ(a->queue_depth, 0u);
  EXPECT_EQ(a->dropped, 0u);
  EXPECT_STREQ(StreamKindName(a->kind), "alerts");
  EXPECT_STREQ(StreamKindName(e->kind), "events");

  // The alert subscriber does not read: its queue fills and it falls behind.
  for (int i = 0; i < kAlerts; ++i) {
    PublishSyntheticAlert(ts.alerts(), i);
  }
  ASSERT_TRUE(WaitFor([&] {
    const auto s = Find(ts.server().subscriber_stats(), StreamKind::kAlerts);
    return s.has_value() && s->queue_depth > 0;
  }));

  // Reading everything: the losses it was told about are the ones counted.
  uint64_t lost = 0, seen = 0;
  av1::SubscribeResponse r;
  while (seen + lost < kAlerts && areader->Read(&r)) {
    if (r.has_gap()) {
      lost += r.gap().count();
    } else {
      seen++;
    }
  }
  EXPECT_GT(lost, 0u);
  ASSERT_TRUE(WaitFor([&] {
    const auto s = Find(ts.server().subscriber_stats(), StreamKind::kAlerts);
    return s.has_value() && s->dropped == lost && s->delivered == seen && s->queue_depth == 0;
  }));
  const auto ev = Find(ts.server().subscriber_stats(), StreamKind::kEvents);
  ASSERT_TRUE(ev.has_value());
  EXPECT_EQ(ev->dropped, 0u);

  actx.TryCancel();
  ectx.TryCancel();
  while (areader->Read(&r)) {
  }
  areader->Finish();
  ev1::SubscribeResponse er;
  while (ereader->Read(&er)) {
  }
  ereader->Finish();
  EXPECT_TRUE(WaitFor([&] { return ts.server().subscriber_stats().empty(); }));
}

}  // namespace
}  // namespace saker::api
