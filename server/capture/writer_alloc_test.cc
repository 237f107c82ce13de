// The writer must not allocate per event in steady state. This binary
// replaces operator new to count allocations (its only global state).
#include <atomic>
#include <cstdlib>
#include <new>

#include "gtest/gtest.h"
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

}  // namespace
}  // namespace saker::capture
