// The writer must not allocate per event in steady state. This binary
// replaces operator new to count allocations (its only global state).
#include <atomic>
#include <cstdlib>
#include <new>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "server/capture/flushing_sink.h"
#include "server/capture/synthetic_events.h"
#include "server/capture/test_util.h"
#include "server/capture/writer.h"

namespace {
std::atomic<uint64_t> g_allocations{0};
}  // namespace

void* operator new(size_t n) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(n == 0 ? 1 : n)) {
    return p;
  }
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace saker::capture {
namespace {

TEST(WriterAllocTest, AppendDoesNotAllocateInSteadyState) {
  EventBuffer events;
  for (uint64_t i = 0; i < 1000; ++i) {
    events.AddRealistic(i);
  }
  std::vector<EventView> views = events.Views();
  absl::StatusOr<std::unique_ptr<CaptureWriter>> w =
      CaptureWriter::Create(TempPath("alloc.scap"), SampleHeader());
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Append(views[0]).ok());
  uint64_t before = g_allocations.load();
  ASSERT_GT(before, 0u) << "the counting operator new is not in use";
  for (int round = 0; round < 50; ++round) {  // ~12 MB: dozens of blocks
    for (const EventView& ev : views) {
      if (!(*w)->Append(ev).ok()) {
        FAIL();
      }
    }
  }
  ASSERT_TRUE((*w)->Flush().ok());
  EXPECT_EQ(g_allocations.load() - before, 0u);
  EXPECT_EQ((*w)->events_written(), 50001u);
  ASSERT_TRUE((*w)->Close().ok());
}

// The same through the FlushingSink, with its timer writing partial blocks
// in between: still no allocation per event (or per timed write).
TEST(WriterAllocTest, FlushingSinkDoesNotAllocateInSteadyState) {
  EventBuffer events;
  for (uint64_t i = 0; i < 1000; ++i) {
    events.AddRealistic(i);
  }
  std::vector<EventView> views = events.Views();
  absl::StatusOr<std::unique_ptr<CaptureWriter>> w =
      CaptureWriter::Create(TempPath("alloc_sink.scap"), SampleHeader());
  ASSERT_TRUE(w.ok());
  FlushingSink sink(w->get(), absl::Milliseconds(10));
  sink.OnEvent(1, views[0]);
  uint64_t before = g_allocations.load();
  uint64_t n = 1;
  for (int round = 0; round < 20; ++round) {
    for (size_t i = 0; i < 50; ++i) {
      sink.OnEvent(++n, views[i]);
    }
    // Let the timer write the partial block.
    const uint64_t flushes = sink.timed_flushes();
    const absl::Time give_up = absl::Now() + absl::Seconds(30);
    while (sink.timed_flushes() == flushes && absl::Now() < give_up) {
      absl::SleepFor(absl::Milliseconds(1));
    }
  }
  EXPECT_EQ(g_allocations.load() - before, 0u);
  EXPECT_GE(sink.timed_flushes(), 20u);
  EXPECT_TRUE(sink.status().ok());
  sink.Stop();
  EXPECT_EQ((*w)->events_written(), n);
  ASSERT_TRUE((*w)->Close().ok());
}

}  // namespace
}  // namespace saker::capture
