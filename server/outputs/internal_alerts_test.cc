#include "server/outputs/internal_alerts.h"

#include <cstdlib>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "server/outputs/dispatcher.h"
#include "server/outputs/file_output.h"
#include "server/outputs/http_output.h"
#include "server/outputs/stdout_output.h"
#include "server/outputs/test_util.h"

namespace saker::outputs {
namespace {

using testing::ReadLines;

struct Collected {
  absl::Mutex mu;
  std::vector<Alert> alerts;
  InternalAlerts::Emit Emit() {
    return [this](const Alert& a) {
      absl::MutexLock l(&mu);
      alerts.push_back(a);
    };
  }
};

// Checks `json` with Python's parser: an object with Falco's eight keys.
void ExpectFalcoJson(const std::string& json) {
  std::string path = testing::NewTempDir() + "/alert.json";
  std::ofstream(path) << json;
  std::string cmd =
      "/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); "
      "assert sorted(d)==[\"hostname\",\"output\",\"output_fields\",\"priority\",\"rule\","
      "\"source\",\"tags\",\"time\"], sorted(d); assert isinstance(d[\"output_fields\"], dict)' " +
      path;
  EXPECT_EQ(std::system(cmd.c_str()), 0) << json;
}

InternalAlertOptions Utc(RateLimit limit = {1.0 / 30, 5}) {
  InternalAlertOptions o;
  o.limit = limit;
  o.hostname = "host1";
  o.time_zone = absl::UTCTimeZone();
  return o;
}

TEST(InternalAlertsTest, KernelDropsAlertOnTheIncrease) {
  FakeClock clock;  // wall clock at 2024-06-10T06:13:20Z
  Collected got;
  InternalAlerts internal(Utc(), &clock, got.Emit());
  internal.OnDriverCounters(0, {{"file", 0}, {"net", 0}});
  clock.Advance(absl::Seconds(1));
  internal.OnDriverCounters(10, {{"file", 3}, {"net", 7}});
  clock.Advance(absl::Seconds(1));
  internal.OnDriverCounters(10, {{"file", 3}, {"net", 7}});  // nothing new
  clock.Advance(absl::Milliseconds(1500));
  internal.OnDriverCounters(12, {{"file", 5}, {"net", 7}});
  absl::MutexLock l(&got.mu);
  ASSERT_EQ(got.alerts.size(), 2u);
  const Alert& a = got.alerts[0];
  EXPECT_EQ(a.rule, "Saker internal: kernel event drops");
  EXPECT_EQ(a.priority, 2);
  EXPECT_EQ(a.source, "internal");
  EXPECT_EQ(a.text,
            "06:13:21.000000000: Critical Saker internal: 10 kernel events dropped in the last 1s "
            "(ring full; file 3, net 7)");
  EXPECT_EQ(a.json,
            "{\"hostname\":\"host1\",\"output\":\"" + a.text +
                "\",\"output_fields\":{\"n_drops\":10,\"n_drops_total\":10,\"interval\":\"1s\","
                "\"n_drops_file\":3,\"n_drops_net\":7},\"priority\":\"Critical\",\"rule\":\"Saker "
                "internal: kernel event drops\",\"source\":\"internal\",\"tags\":[],\"time\":"
                "\"2024-06-10T06:13:21.000000000Z\"}");
  ExpectFalcoJson(a.json);
  EXPECT_TRUE(absl::StrContains(got.alerts[1].text,
                                "2 kernel events dropped in the last 1.5s "
                                "(ring full; file 2)"))
      << got.alerts[1].text;
  EXPECT_EQ(internal.Stats().emitted, 2u);
}

TEST(InternalAlertsTest, RateLimitedByTheirOwnBucket) {
  FakeClock clock;
  Collected got;
  InternalAlerts internal(Utc({1.0 / 30, 2}), &clock, got.Emit());
  for (int i = 0; i < 5; ++i) {
    internal.OnOutputFailure("http", absl::UnavailableError("connection refused"));
  }
  EXPECT_EQ(internal.Stats().emitted, 2u);
  EXPECT_EQ(internal.Stats().suppressed, 3u);
  clock.Advance(absl::Seconds(10));
  internal.OnDriverCounters(5, {});
  EXPECT_EQ(internal.Stats().suppressed, 4u);
  clock.Advance(absl::Seconds(20));
  internal.OnDriverCounters(6, {});
  EXPECT_EQ(internal.Stats().emitted, 3u);
  absl::MutexLock l(&got.mu);
  ASSERT_EQ(got.alerts.size(), 3u);
  EXPECT_EQ(got.alerts[0].rule, "Saker internal: output failure");
  EXPECT_EQ(got.alerts[0].priority, 3);
  EXPECT_EQ(got.alerts[0].text,
            "06:13:20.000000000: Error Saker internal: output http failed: connection refused");
  EXPECT_TRUE(absl::StrContains(got.alerts[0].json,
                                "\"output_fields\":{\"output\":\"http\",\"error\":\"connection "
                                "refused\",\"code\":\"UNAVAILABLE\"}"));
  ExpectFalcoJson(got.alerts[0].json);
  EXPECT_TRUE(absl::StrContains(got.alerts[2].text, "1 kernel event dropped in the last 20s"));
}

TEST(InternalAlertsTest, IsoTimeAndEscaping) {
  FakeClock clock;
  Collected got;
  InternalAlertOptions o = Utc();
  o.time_format_iso_8601 = true;
  InternalAlerts internal(o, &clock, got.Emit());
  internal.OnOutputFailure("file", absl::UnavailableError("cannot open \"/x\"\n"));
  absl::MutexLock l(&got.mu);
  ASSERT_EQ(got.alerts.size(), 1u);
  EXPECT_TRUE(absl::StartsWith(got.alerts[0].text, "2024-06-10T06:13:20.000000000Z: Error "));
  ExpectFalcoJson(got.alerts[0].json);
}

// Wired as the daemon will: a failing output raises an internal alert that
// reaches every output, including the healthy one.
TEST(InternalAlertsTest, OutputFailureReachesEveryOutput) {
  std::string dir = testing::NewTempDir();
  SystemClock clock;
  std::vector<std::unique_ptr<AlertOutput>> outs;
  outs.push_back(std::make_unique<FileOutput>(FileOutputOptions{.filename = dir + "/nodir/f"}));
  FILE* good = fopen((dir + "/good").c_str(), "w");
  ASSERT_NE(good, nullptr);
  outs.push_back(std::make_unique<StdoutOutput>(good, /*json=*/true));
  Dispatcher d(std::move(outs), {}, &clock);
  Collected api;
  InternalAlerts internal(Utc({1.0 / 30, 1}), &clock, [&](const Alert& a) {
    d.SubmitInternal(a);
    api.Emit()(a);
  });
  d.SetFailureHandler([&](absl::string_view output, const absl::Status& s) {
    internal.OnOutputFailure(output, s);
  });
  d.Start();
  d.Submit(testing::MakeAlert("r", 1));
  ASSERT_TRUE(testing::WaitFor([&] { return ReadLines(dir + "/good").size() == 2; }));
  ASSERT_TRUE(d.Flush(absl::Seconds(60)));
  std::vector<std::string> lines = ReadLines(dir + "/good");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0], testing::MakeAlert("r", 1).json);
  EXPECT_TRUE(absl::StrContains(lines[1], "\"rule\":\"Saker internal: output failure\""));
  EXPECT_TRUE(absl::StrContains(lines[1], "cannot open " + dir + "/nodir/f")) << lines[1];
  // The internal alert was not written to the failing output (it would
  // have failed again and raised another).
  EXPECT_EQ(internal.Stats().emitted, 1u);
  EXPECT_EQ(internal.Stats().suppressed, 0u);
  EXPECT_EQ(d.Stats().outputs[0].counters.failed, 1u);
  {
    absl::MutexLock l(&api.mu);
    EXPECT_EQ(api.alerts.size(), 1u);
  }
  d.Stop(absl::ZeroDuration());
  fclose(good);
}

// HTTP gives up on its own thread: the internal alert still reaches the
// other outputs, and Stop() detaches the handler before `internal` goes.
TEST(InternalAlertsTest, HttpGivingUpRaisesAnInternalAlert) {
  std::string dir = testing::NewTempDir();
  testing::Receiver dead({});
  ASSERT_TRUE(dead.Start());
  dead.Stop();
  HttpOutputOptions ho;
  ho.url = dead.Url();
  ho.max_retries = 1;
  ho.initial_backoff = absl::Milliseconds(10);
  absl::StatusOr<std::unique_ptr<HttpOutput>> http = HttpOutput::Create(ho);
  ASSERT_TRUE(http.ok()) << http.status();
  SystemClock clock;
  std::vector<std::unique_ptr<AlertOutput>> outs;
  outs.push_back(std::move(*http));
  outs.push_back(std::make_unique<FileOutput>(FileOutputOptions{.filename = dir + "/good"}));
  auto d = std::make_unique<Dispatcher>(std::move(outs), DispatcherOptions{}, &clock);
  auto internal = std::make_unique<InternalAlerts>(Utc(), &clock,
                                                   [&](const Alert& a) { d->SubmitInternal(a); });
  d->SetFailureHandler([&](absl::string_view output, const absl::Status& s) {
    internal->OnOutputFailure(output, s);
  });
  d->Start();
  d->Submit(testing::MakeAlert("r", 1));
  ASSERT_TRUE(testing::WaitFor([&] { return ReadLines(dir + "/good").size() >= 2; }));
  std::vector<std::string> lines = ReadLines(dir + "/good");
  EXPECT_EQ(lines[0], testing::MakeAlert("r", 1).text);
  EXPECT_TRUE(absl::StrContains(lines[1],
                                "Error Saker internal: output http failed: "
                                "http_output: POST " +
                                    dead.Url()))
      << lines[1];
  EXPECT_TRUE(absl::StrContains(lines[1], "(gave up after 2 attempts)")) << lines[1];
  DispatcherStats s = d->Stats();
  EXPECT_EQ(s.outputs[0].name, "http");
  EXPECT_GE(s.outputs[0].counters.failed, 1u);
  EXPECT_GE(s.outputs[0].counters.retries, 1u);
  d->Stop(absl::ZeroDuration());
  internal.reset();
  d.reset();
}

}  // namespace
}  // namespace saker::outputs
