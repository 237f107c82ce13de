// A condition nested to the depth limit loads (parse, list substitution,
// macro expansion, compilation, event-type indexing), evaluates and is
// destroyed on a thread with a small stack: the API compiles subscription
// filters on gRPC threads and evaluates them on publishing threads, whose
// stacks are not the main thread's. Every recursion in the engine is
// bounded by RuleLimits::max_depth; this measures what that costs.
#include <pthread.h>
#include <sys/mman.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <functional>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/rules/compiler/test_extractor.h"
#include "server/rules/engine/engine.h"

namespace saker::rules {
namespace {

// A small stack, 1/32 of what sakerd's threads have (glibc's default,
// 8 MiB, which gRPC's threads take too). AddressSanitizer's redzones make
// every frame larger (3.3x here): its builds get 4x.
#if defined(__SANITIZE_ADDRESS__)
constexpr size_t kSmallStack = 1024 * 1024;
#else
constexpr size_t kSmallStack = 256 * 1024;
#endif
constexpr size_t kGuard = 64 * 1024;
constexpr unsigned char kPaint = 0xa5;

struct Job {
  std::function<void()> fn;
};

void* RunJob(void* arg) {
  static_cast<Job*>(arg)->fn();
  return nullptr;
}

// Lowest painted byte still intact: the stack grows down from the top.
__attribute__((no_sanitize("address"))) size_t Untouched(const unsigned char* p, size_t n) {
  size_t i = 0;
  while (i < n && p[i] == kPaint) {
    ++i;
  }
  return i;
}

// Runs `fn` on a thread whose stack is `size` bytes above an inaccessible
// guard (an overflow is a crash, not a silent corruption); returns the
// bytes of stack it used.
size_t RunOnStack(size_t size, std::function<void()> fn) {
  void* mem =
      mmap(nullptr, kGuard + size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  EXPECT_NE(mem, MAP_FAILED);
  auto* base = static_cast<unsigned char*>(mem);
  EXPECT_EQ(mprotect(base, kGuard, PROT_NONE), 0);
  unsigned char* stack = base + kGuard;
  std::memset(stack, kPaint, size);
  pthread_attr_t attr;
  pthread_attr_init(&attr);
  pthread_attr_setstack(&attr, stack, size);
  Job job{std::move(fn)};
  pthread_t t;
  EXPECT_EQ(pthread_create(&t, &attr, RunJob, &job), 0);
  pthread_join(t, nullptr);
  pthread_attr_destroy(&attr);
  const size_t used = size - Untouched(stack, size);
  munmap(mem, kGuard + size);
  return used;
}

std::string Rule(const std::string& condition) {
  return absl::StrCat("- rule: r\n  desc: d\n  condition: ", condition,
                      "\n  output: o %proc.name\n  priority: WARNING\n");
}

std::string Nest(int levels, const std::string& inner) {
  std::string s;
  for (int i = 0; i < levels; ++i) {
    s += "proc.name = b and (";
  }
  return s + inner + std::string(levels, ')');
}

// Files nested exactly to `depth`, one per way of nesting.
std::vector<std::string> DeepFiles(int depth) {
  std::vector<std::string> files;
  // Parentheses alone (parser depth).
  files.push_back(Rule(std::string(depth, '(') + "proc.name = b" + std::string(depth, ')')));
  // and (an and per level: depth - 1 of them, then the check).
  files.push_back(Rule(Nest(depth - 1, "proc.name = b")));
  // not (a not per level).
  std::string nots;
  for (int i = 1; i < depth; ++i) {
    nots += "not (";
  }
  files.push_back(Rule(nots + "proc.name = c" + std::string(depth - 1, ')')));
  // Transformers.
  std::string t;
  for (int i = 0; i < depth; ++i) {
    t += "tolower(";
  }
  files.push_back(Rule(t + "proc.name" + std::string(depth, ')') + " = b"));
  // Macros: m_i = proc.name = b and (m_{i-1}); the rule references m_n.
  const int n = (depth - 2) / 2;
  std::string macros = "- macro: m_0\n  condition: proc.name = b\n";
  for (int i = 1; i <= n; ++i) {
    macros += absl::StrCat("- macro: m_", i, "\n  condition: proc.name = b and (m_", i - 1, ")\n");
  }
  files.push_back(macros + Rule(absl::StrCat("m_", n)));
  return files;
}

// Loads, evaluates (every level true but the leaf, so all are visited)
// and destroys `yaml`'s engine; true if it loaded.
bool LoadAndEvaluate(const std::string& yaml, int depth) {
  EngineOptions o;
  o.limits.max_depth = depth;
  Engine engine(o);
  absl::Status st = engine.LoadContents({{"deep.yaml", yaml}});
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", std::string(st.message()).c_str());
    return false;
  }
  TestEvent ev;
  ev.Set("proc.name", "b");
  MapExtractor ex;
  ex.SetEvent(&ev);
  std::vector<const CompiledRule*> matches;
  engine.Evaluate(engine.event_types().Code("openat"), &ex, &matches);
  engine.FormatOutput(*engine.rule_set()->rules()[0], engine.event_types().Code("openat"), 0, &ex);
  return true;
}

TEST(DepthStack, MaxDepthFitsASmallStack) {
  const int depth = kDefaultMaxDepth;
  const std::vector<std::string> at_max = DeepFiles(depth);
  const std::vector<std::string> at_half = DeepFiles(depth / 2);
  for (size_t i = 0; i < at_max.size(); ++i) {
    bool ok = false;
    const size_t used = RunOnStack(kSmallStack, [&] { ok = LoadAndEvaluate(at_max[i], depth); });
    EXPECT_TRUE(ok) << "shape " << i;
    EXPECT_LT(used, kSmallStack / 2) << "shape " << i;  // 2x margin
    const size_t half = RunOnStack(kSmallStack, [&] { LoadAndEvaluate(at_half[i], depth); });
    std::printf("shape %zu: depth %d uses %zu bytes of stack, depth %d %zu (%zu per level)\n", i,
                depth, used, depth / 2, half, (used - std::min(used, half)) / (depth - depth / 2));
  }
}

// Past the limit, the error comes at the limit: input nested 100x deeper
// costs no more stack.
TEST(DepthStack, DeeperInputFailsWithinTheSameStack) {
  const int depth = kDefaultMaxDepth;
  for (const std::string& yaml : DeepFiles(depth * 100)) {
    bool ok = true;
    RunOnStack(kSmallStack, [&] { ok = LoadAndEvaluate(yaml, depth); });
    EXPECT_FALSE(ok);
  }
}

}  // namespace
}  // namespace saker::rules
