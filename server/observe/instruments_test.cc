// Histogram math, the counters, and exact totals under concurrent writers.

#include "server/observe/instruments.h"

#include <thread>
#include <vector>

#include "gtest/gtest.h"

namespace saker::observe::metrics {
namespace {

TEST(InstrumentsTest, HistogramBucketsAreInclusiveUpperBounds) {
  Histogram h({1, 10, 100});
  for (double v : {0.5, 1.0, 1.5, 10.0, 99.0, 100.0, 100.5, 1e9}) {
    h.Observe(v);
  }
  Histogram::Snapshot s = h.Take();
  EXPECT_EQ(s.cumulative, (std::vector<uint64_t>{2, 4, 6}));
  EXPECT_EQ(s.count, 8u);
  EXPECT_DOUBLE_EQ(s.sum, 0.5 + 1 + 1.5 + 10 + 99 + 100 + 100.5 + 1e9);
}

TEST(InstrumentsTest, HistogramCleansBounds) {
  Histogram h({10, 1, 10, std::numeric_limits<double>::infinity()});
  EXPECT_EQ(h.bounds(), (std::vector<double>{1, 10}));
}

TEST(InstrumentsTest, HistogramWritesNanosecondsAsSeconds) {
  Histogram h({250, 1000});
  h.Observe(100);
  h.Observe(500);
  h.Observe(5000);
  Writer w;
  h.Write(w, "saker_rule_eval_seconds", "Rule evaluation time.", {}, 1e9);
  EXPECT_EQ(w.Text(),
            "# HELP saker_rule_eval_seconds Rule evaluation time.\n"
            "# TYPE saker_rule_eval_seconds histogram\n"
            "saker_rule_eval_seconds_bucket{le=\"2.5e-07\"} 1\n"
            "saker_rule_eval_seconds_bucket{le=\"1e-06\"} 2\n"
            "saker_rule_eval_seconds_bucket{le=\"+Inf\"} 3\n"
            "saker_rule_eval_seconds_sum 5.6e-06\n"
            "saker_rule_eval_seconds_count 3\n");
}

TEST(InstrumentsTest, BoundHelpers) {
  EXPECT_EQ(ExponentialBounds(1, 2, 4), (std::vector<double>{1, 2, 4, 8}));
  EXPECT_EQ(LinearBounds(5, 5, 3), (std::vector<double>{5, 10, 15}));
}

TEST(InstrumentsTest, CounterGaugeAndArrayWrite) {
  Counter c;
  c.Inc();
  c.Inc(4);
  Gauge g;
  g.Set(10);
  g.Add(-3);
  CounterArray a(2);
  a.Inc(0);
  a.Inc(1, 2);
  a.Inc(7);
  EXPECT_EQ(a.value(0), 1u);
  EXPECT_EQ(a.value(1), 2u);
  EXPECT_EQ(a.value(7), 0u);
  EXPECT_EQ(a.overflow(), 1u);
  Writer w;
  c.Write(w, "c_total", "C.");
  g.Write(w, "g", "G.", {{"k", "v"}});
  EXPECT_EQ(w.Text(),
            "# HELP c_total C.\n# TYPE c_total counter\nc_total 5\n"
            "# HELP g G.\n# TYPE g gauge\ng{k=\"v\"} 7\n");
}

TEST(InstrumentsTest, ConcurrentWritersTotalsAreExact) {
  constexpr int kThreads = 4;
  constexpr int kPerThread = 200000;
  Counter c;
  CounterArray a(3);
  Histogram h({10, 100});
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        c.Inc();
        a.Inc(i % 3);
        h.Observe(t == 0 ? 5 : 50);  // whole numbers: the sum stays exact
      }
    });
  }
  // A scrape while they run sees a self-consistent histogram.
  Histogram::Snapshot mid = h.Take();
  EXPECT_GE(mid.count, mid.cumulative.back());
  for (auto& th : threads) {
    th.join();
  }
  EXPECT_EQ(c.value(), uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(a.value(0) + a.value(1) + a.value(2), uint64_t{kThreads} * kPerThread);
  Histogram::Snapshot s = h.Take();
  EXPECT_EQ(s.count, uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(s.cumulative[0], uint64_t{kPerThread});
  EXPECT_EQ(s.cumulative[1], uint64_t{kThreads} * kPerThread);
  EXPECT_EQ(s.sum, 5.0 * kPerThread + 50.0 * (kThreads - 1) * kPerThread);
}

}  // namespace
}  // namespace saker::observe::metrics
