#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "server/api/hub.h"
#include "server/api/synthetic_alerts.h"

namespace saker::api {
namespace {

std::vector<uint64_t> Drain(Cursor<AlertRecord>& c, std::vector<Gap>* gaps) {
  std::vector<uint64_t> seqs;
  Gap gap;
  for (;;) {
    uint64_t seq = 0;
    auto step = c.Next([&](const AlertRecord& r) { seq = r.sequence; return true; }, &gap);
    if (step == Cursor<AlertRecord>::Step::kCaughtUp) {
      return seqs;
    }
    if (step == Cursor<AlertRecord>::Step::kGap) {
      gaps->push_back(gap);
    } else {
      seqs.push_back(seq);
    }
  }
}

TEST(HubTest, SequencesStartAtOneAndCursorsReadEverything) {
  AlertHub hub(16);
  Cursor<AlertRecord> live(&hub, StartAt{});
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(PublishSyntheticAlert(hub, i), static_cast<uint64_t>(i + 1));
  }
  std::vector<Gap> gaps;
  auto seqs = Drain(live, &gaps);
  ASSERT_EQ(seqs.size(), 10u);
  EXPECT_EQ(seqs.front(), 1u);
  EXPECT_EQ(seqs.back(), 10u);
  EXPECT_TRUE(gaps.empty());
  EXPECT_EQ(live.delivered(), 10u);
}

TEST(HubTest, LappedCursorGetsOneGapWithCountAndRange) {
  AlertHub hub(8);
  Cursor<AlertRecord> slow(&hub, StartAt{});
  for (int i = 0; i < 20; ++i) {
    PublishSyntheticAlert(hub, i);
  }
  EXPECT_EQ(slow.depth(), 8u);
  std::vector<Gap> gaps;
  auto seqs = Drain(slow, &gaps);
  ASSERT_EQ(gaps.size(), 1u);
  // It resumes 3/4 of the ring behind the newest (6 of 8), not at the tail.
  EXPECT_EQ(gaps[0].from, 1u);
  EXPECT_EQ(gaps[0].to, 14u);
  EXPECT_EQ(gaps[0].count, 14u);
  EXPECT_EQ(gaps[0].reason, Gap::Reason::kOverflow);
  ASSERT_EQ(seqs.size(), 6u);
  EXPECT_EQ(seqs.front(), 15u);
  EXPECT_EQ(slow.dropped(), 14u);
}

TEST(HubTest, ResumeOlderThanHistoryReportsExpired) {
  AlertHub hub(4);
  for (int i = 0; i < 10; ++i) {
    PublishSyntheticAlert(hub, i);
  }
  Cursor<AlertRecord> c(&hub, StartAt{StartAt::Kind::kSequence, 2});
  std::vector<Gap> gaps;
  auto seqs = Drain(c, &gaps);
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].reason, Gap::Reason::kExpired);
  // The history holds 7..10: all of it comes, the gap is exactly 2..6.
  EXPECT_EQ(gaps[0].from, 2u);
  EXPECT_EQ(gaps[0].to, 6u);
  EXPECT_EQ(gaps[0].count, 5u);
  EXPECT_EQ(seqs, (std::vector<uint64_t>{7, 8, 9, 10}));
  EXPECT_EQ(c.dropped(), 5u);
}

TEST(HubTest, ResumeAtTheOldestHasNoGapAndOneBeforeAGapOfOne) {
  AlertHub hub(4);
  for (int i = 0; i < 10; ++i) {
    PublishSyntheticAlert(hub, i);
  }
  Cursor<AlertRecord> at(&hub, StartAt{StartAt::Kind::kSequence, 7});
  std::vector<Gap> gaps;
  EXPECT_EQ(Drain(at, &gaps), (std::vector<uint64_t>{7, 8, 9, 10}));
  EXPECT_TRUE(gaps.empty());

  Cursor<AlertRecord> before(&hub, StartAt{StartAt::Kind::kSequence, 6});
  EXPECT_EQ(Drain(before, &gaps), (std::vector<uint64_t>{7, 8, 9, 10}));
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].from, 6u);
  EXPECT_EQ(gaps[0].to, 6u);
  EXPECT_EQ(gaps[0].count, 1u);
  EXPECT_EQ(gaps[0].reason, Gap::Reason::kExpired);
}

TEST(HubTest, ResumeBeyondNewestIsLive) {
  AlertHub hub(4);
  PublishSyntheticAlert(hub, 0);
  Cursor<AlertRecord> c(&hub, StartAt{StartAt::Kind::kSequence, 1000});
  EXPECT_FALSE(c.HasMore());
  PublishSyntheticAlert(hub, 1);
  std::vector<Gap> gaps;
  EXPECT_EQ(Drain(c, &gaps), (std::vector<uint64_t>{2}));
}

TEST(HubTest, SlotsAreReusedWithoutGrowing) {
  AlertHub hub(4);
  for (int i = 0; i < 8; ++i) {
    PublishSyntheticAlert(hub, i);
  }
  const char* before = nullptr;
  hub.ReadAt(5, [&](const AlertRecord& r) { before = r.rule.data(); });
  PublishSyntheticAlert(hub, 4);  // overwrites seq 5's slot with same-sized data
  const char* after = nullptr;
  hub.ReadAt(9, [&](const AlertRecord& r) { after = r.rule.data(); });
  EXPECT_EQ(before, after);
}

TEST(HubTest, TagsAreSortedAndUnique) {
  AlertHub hub(4);
  const std::string_view tags[] = {"b", "a", "b"};
  AlertInput in;
  in.rule = "r";
  in.tags = tags;
  hub.Publish(in);
  hub.ReadAt(1, [](const AlertRecord& r) {
    ASSERT_EQ(r.tags.size(), 2u);
    EXPECT_EQ(r.tags[0], "a");
    EXPECT_EQ(r.tags[1], "b");
  });
}

class CountingWaiter : public Waiter {
 public:
  void Wake() override { woken++; }
  std::atomic<int> woken{0};
};

TEST(HubTest, ParkedWaiterIsWokenByPublish) {
  AlertHub hub(4);
  CountingWaiter w;
  hub.waiters().Park(&w);
  PublishSyntheticAlert(hub, 0);
  for (int i = 0; i < 1000 && w.woken == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  EXPECT_EQ(w.woken, 1);
  EXPECT_FALSE(hub.waiters().Unpark(&w));
}

TEST(HubTest, ConcurrentReadersAndPublisher) {
  AlertHub hub(64);
  std::atomic<bool> done{false};
  std::vector<std::thread> readers;
  std::atomic<uint64_t> total{0};
  std::vector<std::unique_ptr<Cursor<AlertRecord>>> cursors;
  for (int t = 0; t < 4; ++t) {
    cursors.push_back(std::make_unique<Cursor<AlertRecord>>(&hub, StartAt{}));
  }
  for (int t = 0; t < 4; ++t) {
    readers.emplace_back([&, t] {
      Cursor<AlertRecord>& c = *cursors[t];
      Gap gap;
      uint64_t seen = 0;
      while (!done || c.HasMore()) {
        auto step = c.Next([](const AlertRecord& r) { return !r.rule.empty(); }, &gap);
        seen += step == Cursor<AlertRecord>::Step::kItem ? 1 : 0;
        seen += step == Cursor<AlertRecord>::Step::kGap ? gap.count : 0;
      }
      total += seen;
    });
  }
  for (int i = 0; i < 100000; ++i) {
    PublishSyntheticAlert(hub, i);
  }
  done = true;
  for (auto& r : readers) {
    r.join();
  }
  // Every reader accounts for every published alert: delivered or in a gap.
  EXPECT_EQ(total.load(), 4u * 100000u);
}

}  // namespace
}  // namespace saker::api
