#include "server/outputs/dispatcher.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <thread>
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "server/outputs/file_output.h"
#include "server/outputs/stdout_output.h"
#include "server/outputs/test_util.h"

namespace saker::outputs {
namespace {

using testing::MakeAlert;
using testing::ReadLines;
using testing::WaitFor;

std::vector<std::unique_ptr<AlertOutput>> Outputs(std::unique_ptr<AlertOutput> a,
                                                  std::unique_ptr<AlertOutput> b = nullptr) {
  std::vector<std::unique_ptr<AlertOutput>> v;
  v.push_back(std::move(a));
  if (b) {
    v.push_back(std::move(b));
  }
  return v;
}

TEST(DispatcherTest, WritesEveryAlertToEveryOutput) {
  std::string dir = testing::NewTempDir();
  FILE* out = fopen((dir + "/stdout").c_str(), "w");
  SystemClock clock;
  Dispatcher d(Outputs(std::make_unique<StdoutOutput>(out, false),
                       std::make_unique<FileOutput>(
                           FileOutputOptions{.filename = dir + "/f.json", .json = true})),
               {}, &clock);
  d.Start();
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(d.Submit(MakeAlert("r", i)));
  }
  ASSERT_TRUE(d.Flush(absl::Seconds(60)));
  std::vector<std::string> text = ReadLines(dir + "/stdout");
  std::vector<std::string> json = ReadLines(dir + "/f.json");
  ASSERT_EQ(text.size(), 100u);
  ASSERT_EQ(json.size(), 100u);
  EXPECT_EQ(text[42], MakeAlert("r", 42).text);
  EXPECT_EQ(json[99], MakeAlert("r", 99).json);
  DispatcherStats s = d.Stats();
  EXPECT_EQ(s.queued, 100u);
  EXPECT_EQ(s.dropped, 0u);
  EXPECT_EQ(s.queue_depth, 0u);
  ASSERT_EQ(s.outputs.size(), 2u);
  EXPECT_EQ(s.outputs[0].name, "stdout");
  EXPECT_EQ(s.outputs[0].counters.sent, 100u);
  EXPECT_EQ(s.outputs[1].name, "file");
  EXPECT_EQ(s.outputs[1].counters.sent, 100u);
  d.Stop(absl::Seconds(10));
  fclose(out);
}

// The file output writes into a FIFO nobody reads: the worker blocks in
// open(2), a real stuck output. Submit keeps returning at once, the queue
// fills, and the rest is dropped and counted.
TEST(DispatcherTest, FullQueueDropsAndSubmitNeverBlocks) {
  std::string dir = testing::NewTempDir();
  std::string fifo = dir + "/fifo";
  ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
  SystemClock clock;
  auto d = std::make_unique<Dispatcher>(
      Outputs(std::make_unique<FileOutput>(FileOutputOptions{.filename = fifo, .keep_alive = true})),
      DispatcherOptions{.queue_capacity = 10}, &clock);
  d->Start();
  ASSERT_TRUE(d->Submit(MakeAlert("r", 0)));
  // The worker took alert 0 and is stuck opening the FIFO.
  ASSERT_TRUE(WaitFor([&] { return d->Stats().queue_depth == 0; }));
  for (int i = 1; i <= 1000; ++i) {
    EXPECT_TRUE(d->Submit(MakeAlert("r", i)));  // passed the (absent) rate limit
  }
  DispatcherStats s = d->Stats();
  EXPECT_EQ(s.queue_depth, 10u);
  EXPECT_EQ(s.queued, 11u);
  EXPECT_EQ(s.dropped, 990u);
  // A reader unblocks the output: the queued alerts flow.
  std::string got;
  std::thread reader([&] {
    int fd = open(fifo.c_str(), O_RDONLY);
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
      got.append(buf, n);
    }
    close(fd);
  });
  ASSERT_TRUE(d->Flush(absl::Seconds(60)));
  EXPECT_EQ(d->Stats().outputs[0].counters.sent, 11u);
  d.reset();      // closes the FIFO: the reader sees EOF
  reader.join();
  EXPECT_EQ(std::count(got.begin(), got.end(), '\n'), 11);
  EXPECT_EQ(got.substr(0, got.find('\n')), MakeAlert("r", 0).text);
}

TEST(DispatcherTest, RateLimitsPerRuleBeforeTheQueue) {
  std::string dir = testing::NewTempDir();
  FakeClock clock;
  Dispatcher d(
      Outputs(std::make_unique<FileOutput>(FileOutputOptions{.filename = dir + "/f"})),
      {.rate_limits = {.default_limit = {.rate = 1, .max_burst = 2},
                       .overrides = {{"quiet", {.rate = 0.5, .max_burst = 1}}}}},
      &clock);
  d.Start();
  EXPECT_TRUE(d.Submit(MakeAlert("loud", 1)));
  EXPECT_TRUE(d.Submit(MakeAlert("loud", 2)));
  EXPECT_FALSE(d.Submit(MakeAlert("loud", 3)));
  EXPECT_TRUE(d.Submit(MakeAlert("quiet", 4)));
  EXPECT_FALSE(d.Submit(MakeAlert("quiet", 5)));
  clock.Advance(absl::Seconds(1));
  EXPECT_TRUE(d.Submit(MakeAlert("loud", 6)));
  EXPECT_FALSE(d.Submit(MakeAlert("quiet", 7)));  // needs 2 s
  clock.Advance(absl::Seconds(1));
  EXPECT_TRUE(d.Submit(MakeAlert("quiet", 8)));
  // Internal alerts skip the rule limits.
  for (int i = 0; i < 5; ++i) {
    d.SubmitInternal(MakeAlert("loud", 100 + i));
  }
  ASSERT_TRUE(d.Flush(absl::Seconds(60)));
  EXPECT_EQ(ReadLines(dir + "/f").size(), 10u);
  DispatcherStats s = d.Stats();
  EXPECT_EQ(s.rate_limited, 3u);
  std::vector<std::pair<std::string, uint64_t>> want = {{"loud", 1}, {"quiet", 2}};
  EXPECT_EQ(s.rate_limited_by_rule, want);
  EXPECT_EQ(s.queued, 10u);
}

TEST(DispatcherTest, OutputFailuresCountedPerOutputAndReported) {
  std::string dir = testing::NewTempDir();
  SystemClock clock;
  Dispatcher d(Outputs(std::make_unique<FileOutput>(
                           FileOutputOptions{.filename = dir + "/no-such-dir/f"}),
                       std::make_unique<FileOutput>(FileOutputOptions{.filename = dir + "/ok"})),
               {}, &clock);
  absl::Mutex mu;
  std::vector<std::string> failures;
  d.SetFailureHandler([&](absl::string_view name, const absl::Status& s) {
    absl::MutexLock l(&mu);
    failures.push_back(absl::StrCat(name, ": ", s.message()));
  });
  d.Start();
  for (int i = 0; i < 3; ++i) {
    d.Submit(MakeAlert("r", i));
  }
  ASSERT_TRUE(d.Flush(absl::Seconds(60)));
  DispatcherStats s = d.Stats();
  EXPECT_EQ(s.outputs[0].counters.failed, 3u);
  EXPECT_EQ(s.outputs[0].counters.sent, 0u);
  EXPECT_EQ(s.outputs[1].counters.failed, 0u);
  EXPECT_EQ(s.outputs[1].counters.sent, 3u);
  absl::MutexLock l(&mu);
  ASSERT_EQ(failures.size(), 3u);
  EXPECT_NE(failures[0].find("file: file output: cannot open"), std::string::npos) << failures[0];
}

TEST(DispatcherTest, ReopenReachesTheOutputs) {
  std::string dir = testing::NewTempDir();
  std::string f = dir + "/alerts.log";
  SystemClock clock;
  Dispatcher d(Outputs(std::make_unique<FileOutput>(
                   FileOutputOptions{.filename = f, .keep_alive = true})),
               {}, &clock);
  d.Start();
  d.Submit(MakeAlert("r", 1));
  ASSERT_TRUE(d.Flush(absl::Seconds(60)));
  ASSERT_EQ(rename(f.c_str(), (f + ".1").c_str()), 0);
  d.Reopen();
  d.Submit(MakeAlert("r", 2));
  ASSERT_TRUE(d.Flush(absl::Seconds(60)));
  EXPECT_EQ(ReadLines(f), std::vector<std::string>{MakeAlert("r", 2).text});
  EXPECT_EQ(ReadLines(f + ".1"), std::vector<std::string>{MakeAlert("r", 1).text});
}

TEST(DispatcherTest, StopDeliversWhatIsQueued) {
  std::string dir = testing::NewTempDir();
  SystemClock clock;
  Dispatcher d(Outputs(std::make_unique<FileOutput>(FileOutputOptions{.filename = dir + "/f"})),
               {}, &clock);
  for (int i = 0; i < 50; ++i) {
    d.Submit(MakeAlert("r", i));  // before Start: they wait
  }
  EXPECT_EQ(d.Stats().queue_depth, 50u);
  d.Start();
  d.Stop(absl::Seconds(60));
  EXPECT_EQ(ReadLines(dir + "/f").size(), 50u);
}

}  // namespace
}  // namespace saker::outputs
