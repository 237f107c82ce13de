// The exposition text, exactly, for each type; escaping; validation;
// grouping of interleaved families; the registry.

#include "server/observe/metrics.h"

#include <cmath>
#include <limits>

#include "gtest/gtest.h"

namespace saker::observe::metrics {
namespace {

TEST(MetricsTest, CounterAndGaugeText) {
  Writer w;
  w.Counter("saker_events_total", "Events delivered.", {}, uint64_t{18446744073709551615u});
  w.Gauge("saker_subscribers", "Open streams.", {{"kind", "alerts"}}, 3);
  w.Gauge("saker_load", "", {}, 0.25);
  w.Gauge("saker_neg", "Negative.", {}, -7);
  EXPECT_EQ(w.Text(),
            "# HELP saker_events_total Events delivered.\n"
            "# TYPE saker_events_total counter\n"
            "saker_events_total 18446744073709551615\n"
            "# HELP saker_subscribers Open streams.\n"
            "# TYPE saker_subscribers gauge\n"
            "saker_subscribers{kind=\"alerts\"} 3\n"
            "# TYPE saker_load gauge\n"
            "saker_load 0.25\n"
            "# HELP saker_neg Negative.\n"
            "# TYPE saker_neg gauge\n"
            "saker_neg -7\n");
  EXPECT_TRUE(w.errors().empty());
}

TEST(MetricsTest, HistogramText) {
  Writer w;
  std::vector<double> bounds = {0.005, 0.5, 1, 2.5};
  std::vector<uint64_t> cumulative = {1, 3, 3, 6};
  w.Histogram("saker_eval_seconds", "Rule time.", {{"rule", "r1"}}, bounds, cumulative, 7.25, 8);
  EXPECT_EQ(w.Text(),
            "# HELP saker_eval_seconds Rule time.\n"
            "# TYPE saker_eval_seconds histogram\n"
            "saker_eval_seconds_bucket{rule=\"r1\",le=\"0.005\"} 1\n"
            "saker_eval_seconds_bucket{rule=\"r1\",le=\"0.5\"} 3\n"
            "saker_eval_seconds_bucket{rule=\"r1\",le=\"1\"} 3\n"
            "saker_eval_seconds_bucket{rule=\"r1\",le=\"2.5\"} 6\n"
            "saker_eval_seconds_bucket{rule=\"r1\",le=\"+Inf\"} 8\n"
            "saker_eval_seconds_sum{rule=\"r1\"} 7.25\n"
            "saker_eval_seconds_count{rule=\"r1\"} 8\n");
}

TEST(MetricsTest, HistogramWithoutLabels) {
  Writer w;
  std::vector<double> bounds = {1};
  std::vector<uint64_t> cumulative = {0};
  w.Histogram("h", "", {}, bounds, cumulative, 0, 0);
  EXPECT_EQ(w.Text(),
            "# TYPE h histogram\n"
            "h_bucket{le=\"1\"} 0\n"
            "h_bucket{le=\"+Inf\"} 0\n"
            "h_sum 0\n"
            "h_count 0\n");
}

TEST(MetricsTest, EscapesLabelValuesAndHelp) {
  Writer w;
  w.Gauge("g", "a \\ help\nline", {{"path", "C:\\x \"q\"\nnext"}}, 1);
  EXPECT_EQ(w.Text(),
            "# HELP g a \\\\ help\\nline\n"
            "# TYPE g gauge\n"
            "g{path=\"C:\\\\x \\\"q\\\"\\nnext\"} 1\n");
}

TEST(MetricsTest, InterleavedCollectorsAreGroupedByFamily) {
  Writer w;
  w.Counter("a_total", "A.", {{"x", "1"}}, 1);
  w.Gauge("b", "B.", {}, 2);
  w.Counter("a_total", "A again.", {{"x", "2"}}, 3);
  EXPECT_EQ(w.Text(),
            "# HELP a_total A.\n"
            "# TYPE a_total counter\n"
            "a_total{x=\"1\"} 1\n"
            "a_total{x=\"2\"} 3\n"
            "# HELP b B.\n"
            "# TYPE b gauge\n"
            "b 2\n");
}

TEST(MetricsTest, RefusesInvalidNamesAndTypeClashes) {
  Writer w;
  w.Counter("events", "no _total", {}, 1);
  w.Gauge("9lives", "", {}, 1);
  w.Gauge("bad-name", "", {}, 1);
  w.Gauge("ok", "", {{"__reserved", "v"}}, 1);
  w.Gauge("ok", "", {{"bad label", "v"}}, 1);
  std::vector<double> b = {1};
  std::vector<uint64_t> c = {1};
  w.Histogram("h", "", {{"le", "x"}}, b, c, 1, 1);
  std::vector<double> unsorted = {2, 1};
  std::vector<uint64_t> c2 = {1, 1};
  w.Histogram("h2", "", {}, unsorted, c2, 1, 1);
  w.Histogram("h3", "", {}, b, c2, 1, 1);
  w.Gauge("x_total", "", {}, 1);
  w.Counter("x_total", "", {}, 1);
  w.Gauge("ns:ok_colon", "", {}, 5);
  EXPECT_EQ(w.errors().size(), 9u);
  EXPECT_EQ(w.Text(),
            "# TYPE x_total gauge\n"
            "x_total 1\n"
            "# TYPE ns:ok_colon gauge\n"
            "ns:ok_colon 5\n");
}

TEST(MetricsTest, NumberFormatting) {
  EXPECT_EQ(FormatDouble(0.1), "0.1");
  EXPECT_EQ(FormatDouble(1e-9), "1e-09");
  EXPECT_EQ(FormatDouble(250 / 1e9), "2.5e-07");
  EXPECT_EQ(FormatDouble(123456789.0), "123456789");
  EXPECT_EQ(FormatDouble(1e300), "1e+300");
  EXPECT_EQ(FormatDouble(-0.0), "0");
  EXPECT_EQ(FormatDouble(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatDouble(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatDouble(std::nan("")), "NaN");
  EXPECT_EQ(Number(int64_t{-9223372036854775807 - 1}).Format(), "-9223372036854775808");
  EXPECT_EQ(Number(1.5).Format(), "1.5");
}

TEST(MetricsTest, RegistryScrapesInOrderAndRemoves) {
  Registry r;
  int calls = 0;
  uint64_t a = r.Add([&](Writer& w) {
    calls++;
    w.Gauge("first", "", {}, 1);
  });
  r.Add([](Writer& w) {
    w.Gauge("second", "", {}, 2);
    w.Gauge("bad name", "", {}, 2);
  });
  std::vector<std::string> errors;
  EXPECT_EQ(r.Scrape(&errors), "# TYPE first gauge\nfirst 1\n# TYPE second gauge\nsecond 2\n");
  EXPECT_EQ(errors.size(), 1u);
  r.Remove(a);
  EXPECT_EQ(r.Scrape(), "# TYPE second gauge\nsecond 2\n");
  EXPECT_EQ(calls, 1);
}

}  // namespace
}  // namespace saker::observe::metrics
