// Steady-state extraction allocates nothing: after one warm-up event, a
// second event of the same shape extracts every common field without a
// single call to operator new.
#include <atomic>
#include <cstdlib>
#include <new>

#include "server/state/extract/test_fixture.h"

namespace {
std::atomic<bool> g_counting{false};
std::atomic<int> g_allocs{0};
}  // namespace

void* operator new(size_t n) {
  if (g_counting.load(std::memory_order_relaxed)) {
    g_allocs.fetch_add(1, std::memory_order_relaxed);
  }
  void* p = std::malloc(n == 0 ? 1 : n);
  if (p == nullptr) {
    throw std::bad_alloc();
  }
  return p;
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace saker::state {
namespace {

const char* const kFields[] = {
    "evt.type", "evt.num", "evt.res", "evt.rawres", "evt.arg.flags", "evt.arg.name",
    "evt.is_open_read", "evt.time", "proc.name", "proc.exepath", "proc.cmdline", "proc.args",
    "proc.pname", "proc.pcmdline", "proc.aname", "proc.aname[2]", "proc.tty", "proc.duration",
    "thread.cap_permitted", "user.name", "user.uid", "user.loginuid", "fd.name", "fd.typechar",
    "fd.directory", "fd.num", "container.id", "container.image.repository"};

class AllocTest : public ExtractorFixture {};

TEST_F(AllocTest, ExtractionAllocatesNothingInSteadyState) {
  for (const char* f : kFields) {  // resolve the refs (test-side allocations)
    One(f);
  }
  std::vector<const rules::FieldRef*> refs;
  for (auto& r : refs_) {
    refs.push_back(r.get());
  }
  auto run = [&]() {
    for (const rules::FieldRef* r : refs) {
      values_.Clear();
      extractor_->Extract(*r, &values_);
    }
  };
  Apply(Ev(SAKER_SYS_openat).Ret(5).Arg(0, AT_FDCWD).Arg(2, O_RDONLY)
            .Str(1, "/etc/some/long/path/name/passwd").Build());
  run();  // warm-up: scratch buffers grow
  Apply(Ev(SAKER_SYS_openat).Ret(6).Arg(0, AT_FDCWD).Arg(2, O_RDONLY)
            .Str(1, "/etc/some/long/path/name/shadow").Build());
  g_allocs = 0;
  g_counting = true;
  run();
  g_counting = false;
  EXPECT_EQ(g_allocs.load(), 0);
}

}  // namespace
}  // namespace saker::state
