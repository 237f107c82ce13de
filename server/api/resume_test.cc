// Resuming from a sequence the history no longer holds, over real gRPC
// connections (alerts and events, one record per message and batched): one
// HISTORY_EXPIRED gap counting exactly oldest held - requested, then every
// record the history still holds, in order, then live.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
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

constexpr uint64_t kHistory = 8;
constexpr uint64_t kPublished = 20;                      // more than the history
constexpr uint64_t kOldest = kPublished - kHistory + 1;  // 13: the oldest held

// What a stream delivered, flattened: a record's sequence, or a gap.
struct Item {
  bool gap = false;
  uint64_t seq = 0;    // the record's sequence, or the gap's from_sequence
  uint64_t to = 0;     // gap only
  uint64_t count = 0;  // gap only
  bool expired = false;
};

std::string Describe(const std::vector<Item>& items) {
  std::string s;
  for (const Item& i : items) {
    absl::StrAppend(
        &s,
        i.gap ? absl::StrCat("gap(", i.seq, "..", i.to, " n=", i.count, ")") : absl::StrCat(i.seq),
        " ");
  }
  return s;
}

// One subscription of either service.
class Stream {
 public:
  Stream(TestServer& ts, bool events, uint64_t from, uint32_t max_batch) : events_(events) {
    // A stream delivering fewer records than expected fails, not hangs.
    ctx_.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(20));
    if (events) {
      estub_ = ev1::EventService::NewStub(ts.Unix());
      ev1::SubscribeRequest req;
      req.set_from_sequence(from);
      req.set_max_batch(max_batch);
      ereader_ = estub_->Subscribe(&ctx_, req);
    } else {
      astub_ = av1::AlertService::NewStub(ts.Tls());
      av1::SubscribeRequest req;
      req.set_from_sequence(from);
      req.set_max_batch(max_batch);
      areader_ = astub_->Subscribe(&ctx_, req);
    }
  }
  ~Stream() { ctx_.TryCancel(); }

  // Reads messages until `n` items arrived or the stream ended.
  std::vector<Item> Read(size_t n) {
    std::vector<Item> out;
    while (out.size() < n && (events_ ? ReadEvent(&out) : ReadAlert(&out))) {
    }
    return out;
  }

 private:
  template <class Gap>
  static Item GapItem(const Gap& g, bool expired) {
    return Item{true, g.from_sequence(), g.to_sequence(), g.count(), expired};
  }
  bool ReadAlert(std::vector<Item>* out) {
    av1::SubscribeResponse r;
    if (!areader_->Read(&r)) {
      return false;
    }
    if (r.has_gap()) {
      out->push_back(GapItem(r.gap(), r.gap().reason() == av1::GAP_REASON_HISTORY_EXPIRED));
    } else if (r.has_alert()) {
      out->push_back(Item{false, r.alert().sequence()});
    }
    for (const av1::Alert& a : r.batch().alerts()) {
      out->push_back(Item{false, a.sequence()});
    }
    return true;
  }
  bool ReadEvent(std::vector<Item>* out) {
    ev1::SubscribeResponse r;
    if (!ereader_->Read(&r)) {
      return false;
    }
    if (r.has_gap()) {
      out->push_back(GapItem(r.gap(), r.gap().reason() == ev1::GAP_REASON_HISTORY_EXPIRED));
    } else if (r.has_event()) {
      out->push_back(Item{false, r.event().sequence()});
    }
    for (const ev1::Event& e : r.batch().events()) {
      out->push_back(Item{false, e.sequence()});
    }
    return true;
  }

  const bool events_;
  grpc::ClientContext ctx_;
  std::unique_ptr<av1::AlertService::Stub> astub_;
  std::unique_ptr<ev1::EventService::Stub> estub_;
  std::unique_ptr<grpc::ClientReader<av1::SubscribeResponse>> areader_;
  std::unique_ptr<grpc::ClientReader<ev1::SubscribeResponse>> ereader_;
};

struct Case {
  bool events;
  uint32_t max_batch;
};

class ResumeTest : public ::testing::TestWithParam<Case> {
 protected:
  ResumeTest() : ts_({.alert_history = kHistory, .event_history = kHistory}) {
    for (uint64_t i = 0; i < kPublished; ++i) {
      Publish(i);
    }
  }
  void Publish(uint64_t n) {
    if (GetParam().events) {
      PublishSyntheticEvent(ts_.events(), n);
    } else {
      PublishSyntheticAlert(ts_.alerts(), n);
    }
  }

  // Resumes from `from`: expects the gap (when from < kOldest), every held
  // record kOldest..kPublished in order, then a live one and nothing between.
  void ExpectResume(uint64_t from) {
    Stream s(ts_, GetParam().events, from, GetParam().max_batch);
    const uint64_t lost = from < kOldest ? kOldest - from : 0;
    const size_t want = (lost > 0 ? 1 : 0) + kHistory;
    std::vector<Item> got = s.Read(want);
    ASSERT_EQ(got.size(), want) << Describe(got);
    size_t i = 0;
    if (lost > 0) {
      ASSERT_TRUE(got[0].gap) << Describe(got);
      EXPECT_TRUE(got[0].expired);
      EXPECT_EQ(got[0].seq, from);
      EXPECT_EQ(got[0].to, kOldest - 1);
      EXPECT_EQ(got[0].count, lost);  // exactly oldest held - requested
      i = 1;
    }
    for (uint64_t seq = kOldest; seq <= kPublished; ++seq, ++i) {
      ASSERT_FALSE(got[i].gap) << Describe(got);
      ASSERT_EQ(got[i].seq, seq) << Describe(got);
    }
    Publish(kPublished);  // sequence kPublished + 1, live
    got = s.Read(1);
    ASSERT_EQ(got.size(), 1u);
    EXPECT_FALSE(got[0].gap) << Describe(got);
    EXPECT_EQ(got[0].seq, kPublished + 1);
  }

  TestServer ts_;
};

TEST_P(ResumeTest, FromTheFirstSequence) { ExpectResume(1); }
TEST_P(ResumeTest, FromOlderThanTheHistory) { ExpectResume(kOldest - 5); }
TEST_P(ResumeTest, FromOneBeforeTheOldestHeldIsAGapOfOne) { ExpectResume(kOldest - 1); }
TEST_P(ResumeTest, FromTheOldestHeldHasNoGap) { ExpectResume(kOldest); }

INSTANTIATE_TEST_SUITE_P(AlertsAndEvents, ResumeTest,
                         ::testing::Values(Case{false, 0}, Case{false, 64}, Case{true, 0},
                                           Case{true, 64}),
                         [](const ::testing::TestParamInfo<Case>& c) {
                           return absl::StrCat(c.param.events ? "Events" : "Alerts",
                                               c.param.max_batch > 1 ? "Batched" : "Single");
                         });

}  // namespace
}  // namespace saker::api
