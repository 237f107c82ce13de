// The engine's resource limits (RuleLimits, saker.rules.limits.*): hostile
// rule files fail fast with `file:line:col` naming the item and the limit;
// large legal ones load in memory linear in their text (macros are shared,
// not copied: measured by counting allocations, not by timing).
#include <atomic>
#include <cstdlib>
#include <new>
#include <string>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "server/rules/compiler/test_extractor.h"
#include "server/rules/engine/engine.h"

// Allocation counters for this test binary: the replaceable (non-aligned)
// operator new family, all of it, so that every delete matches its new.
static std::atomic<size_t> g_allocs{0};
static std::atomic<size_t> g_bytes{0};

static void* Allocate(size_t n) noexcept {
  g_allocs.fetch_add(1, std::memory_order_relaxed);
  g_bytes.fetch_add(n, std::memory_order_relaxed);
  return std::malloc(n == 0 ? 1 : n);
}
static void* AllocateOrThrow(size_t n) {
  if (void* p = Allocate(n)) {
    return p;
  }
  throw std::bad_alloc();
}
void* operator new(size_t n) { return AllocateOrThrow(n); }
void* operator new[](size_t n) { return AllocateOrThrow(n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept { return Allocate(n); }
void* operator new[](size_t n, const std::nothrow_t&) noexcept { return Allocate(n); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }
void operator delete[](void* p, size_t) noexcept { std::free(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }

namespace saker::rules {
namespace {

struct Usage {
  size_t allocs;
  size_t bytes;
};

std::string Rule(const std::string& condition) {
  return absl::StrCat("- rule: r\n  desc: d\n  condition: ", condition,
                      "\n  output: o\n  priority: WARNING\n");
}

std::string Macro(const std::string& name, const std::string& condition) {
  return absl::StrCat("- macro: ", name, "\n  condition: ", condition, "\n");
}

// `inner` wrapped `levels` times in `proc.name = b and (...)`.
std::string Nest(int levels, const std::string& inner) {
  std::string s;
  for (int i = 0; i < levels; ++i) {
    s += "proc.name = b and (";
  }
  return s + inner + std::string(levels, ')');
}

absl::Status Load(const std::string& yaml, RuleLimits limits = {}, Diagnostic* d = nullptr) {
  EngineOptions o;
  o.limits = limits;
  Engine e(o);
  return e.LoadContents({{"x.yaml", yaml}}, d);
}

// The reviewer's file: 8 chained macros, each nesting the previous 999
// levels deep (160 KB). The parser stops the first at the depth limit.
TEST(Limits, ChainedDeepMacrosFailAtTheParserLimit) {
  std::string yaml = Macro("m_0", "proc.name = b");
  for (int i = 1; i <= 8; ++i) {
    yaml += Macro(absl::StrCat("m_", i), Nest(999, absl::StrCat("m_", i - 1)));
  }
  yaml += Rule("evt.type = open and m_8");
  ASSERT_GT(yaml.size(), 150000u);
  Diagnostic d;
  absl::Status st = Load(yaml, {}, &d);
  EXPECT_EQ(d.item_name, "m_1");
  EXPECT_EQ(d.item_kind, "macro");
  EXPECT_NE(st.message().find("x.yaml:4:"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("limit of 100 (saker.rules.limits.max_depth)"), std::string::npos)
      << st.message();
}

// Each macro alone is within the limit; the expansion is not: reported at
// the reference in the first macro that crosses it.
TEST(Limits, ChainedMacrosFailAtTheExpansionLimit) {
  std::string yaml = Macro("m_0", "proc.name = b");
  for (int i = 1; i <= 8; ++i) {
    yaml += Macro(absl::StrCat("m_", i), Nest(40, absl::StrCat("m_", i - 1)));
  }
  yaml += Rule("evt.type = open and m_8");
  Diagnostic d;
  absl::Status st = Load(yaml, {}, &d);
  EXPECT_EQ(d.item_name, "m_3");
  // m_3's line is 8; the reference follows 40 "proc.name = b and (".
  EXPECT_EQ(d.pos.ToString(), absl::StrCat("x.yaml:8:", 14 + 40 * 19));
  EXPECT_NE(st.message().find("macro 'm_2'"), std::string::npos) << st.message();
  EXPECT_NE(st.message().find("limit of 100 (saker.rules.limits.max_depth)"), std::string::npos)
      << st.message();
}

// Exactly at the limit loads; one level more does not.
TEST(Limits, DepthAtAndPastTheBound) {
  RuleLimits limits;
  limits.max_depth = 30;
  // A rule `evt.type = open and (M)`: the rule's and (1), the macro
  // reference (1), then the macro's levels.
  auto file = [](int levels) {
    return Macro("m", Nest(levels, "proc.name = c")) + Rule("evt.type = open and m");
  };
  // m spans levels + 1 (its and's and the last check): 2 + levels + 1 <= 30.
  EXPECT_TRUE(Load(file(27), limits).ok()) << Load(file(27), limits);
  Diagnostic d;
  absl::Status st = Load(file(28), limits, &d);
  EXPECT_EQ(d.item_name, "r");
  EXPECT_EQ(d.pos.ToString(), "x.yaml:5:34");
  EXPECT_NE(st.message().find("nests the condition 31 levels deep, past the limit of 30"),
            std::string::npos)
      << st.message();
}

// The reviewer's second file: each list doubles the previous (40 levels,
// 1.3 KB of YAML, 2^40 items).
TEST(Limits, DoublingListsFailAtTheListLimit) {
  std::string yaml = "- list: l_0\n  items: [a]\n";
  for (int i = 1; i <= 40; ++i) {
    yaml += absl::StrCat("- list: l_", i, "\n  items: [l_", i - 1, ", l_", i - 1, "]\n");
  }
  yaml += Rule("proc.name in (l_40)");
  ASSERT_LT(yaml.size(), 1500u);
  Diagnostic d;
  absl::Status st = Load(yaml, {}, &d);
  EXPECT_EQ(d.item_kind, "list");
  EXPECT_EQ(d.item_name, "l_14");  // 16384 items > 10000
  EXPECT_EQ(d.pos.ToString(), "x.yaml:29:3");
  EXPECT_NE(st.message().find("list 'l_14' expands past the limit of 10000 items "
                              "(saker.rules.limits.max_list_items)"),
            std::string::npos)
      << st.message();
}

TEST(Limits, ListItemsAtAndPastTheBound) {
  RuleLimits limits;
  limits.max_list_items = 4;
  const std::string base = "- list: a\n  items: [x, y]\n";
  auto file = [&](const std::string& items) {
    return base + "- list: b\n  items: [" + items + "]\n" + Rule("proc.name in (b)");
  };
  EXPECT_TRUE(Load(file("a, a"), limits).ok());
  Diagnostic d;
  EXPECT_FALSE(Load(file("a, a, z"), limits, &d).ok());
  EXPECT_EQ(d.pos.ToString(), "x.yaml:3:3");
  EXPECT_EQ(d.item_name, "b");
}

// A list substituted many times is charged every time: the rule set's
// node budget bounds what substitution may build.
TEST(Limits, NodesAtAndPastTheBound) {
  const std::string yaml = "- list: l\n  items: [a, b, c, d]\n" +
                           Rule("proc.name in (l) or proc.pname in (l) or proc.aname in (l)");
  // The list (4), the rule's or and 3 checks (4) and the 12 items substituted.
  RuleLimits limits;
  limits.max_nodes = 20;
  EXPECT_TRUE(Load(yaml, limits).ok()) << Load(yaml, limits);
  limits.max_nodes = 19;
  Diagnostic d;
  absl::Status st = Load(yaml, limits, &d);
  EXPECT_EQ(d.item_name, "r");
  EXPECT_NE(st.message().find("past the limit of 19 nodes (saker.rules.limits.max_nodes)"),
            std::string::npos)
      << st.message();
  // Past the bound while substituting: at the list that crosses it.
  limits.max_nodes = 10;
  st = Load(yaml, limits, &d);
  EXPECT_EQ(d.pos.ToString(), "x.yaml:5:49") << st;  // the second (l)
}

// The reviewer's third file: m_i = m_{i-1} or m_{i-1}. Written out, m_n
// has 2^n checks; shared, n + 1 bodies.
std::string OrChain(int n) {
  std::string yaml = Macro("m_0", "proc.name = b");
  for (int i = 1; i <= n; ++i) {
    yaml += Macro(absl::StrCat("m_", i), absl::StrCat("m_", i - 1, " or m_", i - 1));
  }
  return yaml + Rule(absl::StrCat("evt.type = open and m_", n));
}

Usage Measure(const std::string& yaml, std::string* expanded) {
  Usage before{g_allocs.load(), g_bytes.load()};
  Engine e;
  absl::Status st = e.LoadContents({{"x.yaml", yaml}});
  EXPECT_TRUE(st.ok()) << st;
  Usage used{g_allocs.load() - before.allocs, g_bytes.load() - before.bytes};
  if (st.ok()) {
    *expanded = e.rule_set()->rules()[0]->expanded_condition();
    // Evaluation is linear too: each macro evaluates once per event (the
    // unshared tree would take 2^n steps and never finish).
    TestEvent ev;
    ev.type = "open";
    ev.Set("proc.name", "a");
    MapExtractor ex;
    ex.SetEvent(&ev);
    std::vector<const CompiledRule*> matches;
    EXPECT_EQ(e.Evaluate(e.event_types().Code("open"), &ex, &matches), 0u);
    ev.Set("proc.name", "b");
    EXPECT_EQ(e.Evaluate(e.event_types().Code("open"), &ex, &matches), 1u);
  }
  return used;
}

TEST(Limits, OrDoublingChainLoadsInLinearMemory) {
  std::string expanded;
  // 44 levels of macros (2 * 44 + 3 levels) is within the depth limit.
  Usage u11 = Measure(OrChain(11), &expanded);
  Usage u22 = Measure(OrChain(22), &expanded);
  Usage u44 = Measure(OrChain(44), &expanded);
  // Twice the macros, about twice the allocations beyond the fixed part
  // (field registry, event tables) that all three share.
  const size_t step1 = u22.allocs - u11.allocs;
  const size_t step2 = u44.allocs - u22.allocs;
  EXPECT_LT(step2, 2 * step1 + step1 / 4) << step1 << " " << step2;
  EXPECT_LT(u44.bytes - u22.bytes, 3 * (u22.bytes - u11.bytes));
  // Per macro: a bounded number of allocations (copying took 2^n).
  EXPECT_LT(step2 / 22, 200u) << step2;
  // The debugging rendering is cut, not unfolded.
  EXPECT_LE(expanded.size(), 64u * 1024 + 3);
  EXPECT_EQ(expanded.substr(expanded.size() - 3), "...");
  std::printf(
      "allocations (bytes): 11 macros %zu (%zu), 22 macros %zu (%zu), 44 macros %zu (%zu)\n",
      u11.allocs, u11.bytes, u22.allocs, u22.bytes, u44.allocs, u44.bytes);
}

}  // namespace
}  // namespace saker::rules
