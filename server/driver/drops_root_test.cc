// Overflows the ring buffers on purpose and checks that the probe's counters
// account for every event that did not arrive. Root: loads the probe.
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "server/driver/driver.h"

namespace saker::driver {
namespace {

constexpr int kCalls = 100000;
constexpr char kPath[] = "/nonexistent/saker-drop-test";

class ChildCounter : public EventSink {
 public:
  explicit ChildCounter(pid_t child) : child_(child) {}
  void OnEvent(uint64_t, const EventView& ev) override {
    ++total;
    if (ev.hdr().pid == static_cast<uint32_t>(child_)) {
      ++from_child;
    }
    if (ev.hdr().ts_ns < last_ts_) {
      ++out_of_order;
    }
    last_ts_ = ev.hdr().ts_ns;
  }
  uint64_t total = 0;
  uint64_t from_child = 0;
  uint64_t out_of_order = 0;

 private:
  pid_t child_;
  uint64_t last_ts_ = 0;
};

TEST(DropsRootTest, CountersAccountForEveryMissingEvent) {
  DriverOptions opts;
  opts.syscalls = {"openat"};
  opts.ring_bytes_per_cpu = 64 * 1024;  // a few hundred events: overflows
  auto d = Driver::Open(opts);
  ASSERT_TRUE(d.ok()) << d.status();

  // Nothing consumes while the child runs: the rings must overflow.
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    for (int i = 0; i < kCalls; ++i) {
      syscall(SYS_openat, AT_FDCWD, kPath, O_RDONLY);
    }
    _exit(0);
  }
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  (*d)->Detach();

  ChildCounter sink(child);
  ASSERT_TRUE((*d)->Drain(&sink).ok());
  const DriverCounters c = (*d)->ReadCounters();

  EXPECT_GT(c.dropped[SAKER_CAT_FILE], 0u) << "the rings did not overflow";
  // Everything the probe says it sent arrived.
  EXPECT_EQ(sink.total, c.total_sent());
  // Every openat the child made either arrived or was counted as dropped
  // (other processes' openat calls may add to the drops, never remove).
  EXPECT_GE(sink.from_child + c.dropped[SAKER_CAT_FILE], static_cast<uint64_t>(kCalls));
  EXPECT_LE(sink.from_child, static_cast<uint64_t>(kCalls));
  // Only openat was captured: no other category can have lost anything.
  EXPECT_EQ(c.dropped[SAKER_CAT_PROCESS] + c.dropped[SAKER_CAT_NETWORK] +
                c.dropped[SAKER_CAT_KERNEL],
            0u);
}

TEST(DropsRootTest, NoDropsWhenConsumed) {
  DriverOptions opts;
  opts.syscalls = {"openat"};
  auto d = Driver::Open(opts);
  ASSERT_TRUE(d.ok()) << d.status();
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    for (int i = 0; i < 10000; ++i) {
      syscall(SYS_openat, AT_FDCWD, kPath, O_RDONLY);
    }
    _exit(0);
  }
  ChildCounter counted(child);
  // 10k events fit in the default 8 MiB rings: drain after the child.
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  (*d)->Detach();
  ASSERT_TRUE((*d)->Drain(&counted).ok());
  const DriverCounters c = (*d)->ReadCounters();
  EXPECT_EQ(c.total_dropped(), 0u);
  EXPECT_EQ(counted.from_child, 10000u);
  EXPECT_EQ(counted.total, c.total_sent());
  EXPECT_EQ(counted.out_of_order, 0u) << "the per-CPU merge must be in timestamp order";
}

TEST(DropsRootTest, UnknownSyscallIsAClearError) {
  DriverOptions opts;
  opts.syscalls = {"openat", "bogus"};
  auto d = Driver::Open(opts);
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("unknown syscall \"bogus\""), std::string::npos)
      << d.status();
}

}  // namespace
}  // namespace saker::driver
