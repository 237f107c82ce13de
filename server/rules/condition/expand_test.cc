#include "server/rules/condition/expand.h"

#include <map>

#include "gtest/gtest.h"
#include "server/rules/condition/parser.h"

namespace saker::rules {
namespace {

std::string Subst(const std::string& cond,
                  const std::map<std::string, std::vector<std::string>>& lists) {
  SourceText st = SourceText::Synthetic(cond, Position{"f", 1, 1});
  return SubstituteLists(st,
                         [&](const std::string& n) -> const std::vector<std::string>* {
                           auto it = lists.find(n);
                           return it == lists.end() ? nullptr : &it->second;
                         })
      .text();
}

TEST(ListSubstitution, Basic) {
  std::map<std::string, std::vector<std::string>> l = {
      {"shells", {"bash", "sh"}}, {"empty", {}}, {"spaced", {"a b", "c"}}, {"sshd", {"x"}}};
  EXPECT_EQ(Subst("proc.name in (shells)", l), "proc.name in (bash, sh)");
  EXPECT_EQ(Subst("proc.name in (shells, zsh)", l), "proc.name in (bash, sh, zsh)");
  EXPECT_EQ(Subst("proc.name in (empty, zsh)", l), "proc.name in ( zsh)");
  EXPECT_EQ(Subst("proc.name in (zsh, empty)", l), "proc.name in (zsh )");
  EXPECT_EQ(Subst("proc.name in (empty)", l), "proc.name in ()");
  EXPECT_EQ(Subst("proc.name in (spaced)", l), "proc.name in (\"a b\", c)");
  // Substitution also happens outside lists (a known Falco trap).
  EXPECT_EQ(Subst("proc.name=sshd", l), "proc.name=x");
  // Not inside other tokens.
  EXPECT_EQ(Subst("proc.name=sshd2 and shells_x", l), "proc.name=sshd2 and shells_x");
}

TEST(ListSubstitution, KeepsPositions) {
  SourceText st;
  std::string cond = "a in (shells) and b";
  for (size_t i = 0; i < cond.size(); ++i) {
    st.AppendSynthetic(cond.substr(i, 1), Position{"f.yaml", 3, static_cast<int>(i) + 5});
  }
  std::vector<std::string> shells = {"bash", "sh"};
  SourceText out =
      SubstituteLists(st, [&](const std::string& n) { return n == "shells" ? &shells : nullptr; });
  EXPECT_EQ(out.text(), "a in (bash, sh) and b");
  EXPECT_EQ(out.Locate(out.text().find("and")).ToString(), "f.yaml:3:19");
  EXPECT_EQ(out.Locate(out.text().find("sh)")).ToString(), "f.yaml:3:11");
}

TEST(MacroExpansion, ReplacesReferencesRecursively) {
  auto parse = [](const std::string& s) {
    return *ParseCondition(SourceText::Synthetic(s, Position{"m", 1, 1}));
  };
  Node inner = parse("evt.type in (execve, execveat)");
  Node outer = parse("spawned_process and proc.name = bash");
  std::map<std::string, MacroDef> defs = {{"spawned_process", {"spawned_process", &inner, 0, 1}},
                                          {"shell_spawn", {"shell_spawn", &outer, 1, 2}}};
  auto lookup = [&](const std::string& n) -> const MacroDef* {
    auto it = defs.find(n);
    return it == defs.end() ? nullptr : &it->second;
  };
  Node rule = parse("shell_spawn and not container");
  Position err;
  absl::Status st = ExpandMacros(&rule, lookup, SIZE_MAX, &err);
  EXPECT_EQ(st.message(), "Undefined macro 'container' used in filter.");
  Node rule2 = parse("shell_spawn or x.y exists");
  ASSERT_TRUE(ExpandMacros(&rule2, lookup, SIZE_MAX, &err).ok());
  EXPECT_EQ(rule2.ToString(),
            "((evt.type in (execve, execveat) and proc.name = bash) or x.y exists)");
}

TEST(MacroExpansion, VisibilityAndLoops) {
  auto parse = [](const std::string& s) {
    return *ParseCondition(SourceText::Synthetic(s, Position{"m", 1, 1}));
  };
  Node a = parse("b");
  Node b = parse("x.y exists");
  // a (index 0, visibility 1) references b (index 1): not visible.
  std::map<std::string, MacroDef> defs = {{"a", {"a", &a, 0, 1}}, {"b", {"b", &b, 1, 2}}};
  auto lookup = [&](const std::string& n) -> const MacroDef* {
    auto it = defs.find(n);
    return it == defs.end() ? nullptr : &it->second;
  };
  Node r = parse("a");
  Position err;
  EXPECT_EQ(ExpandMacros(&r, lookup, SIZE_MAX, &err).message(),
            "Undefined macro 'b' used in filter.");
  Node self = parse("loop");
  std::map<std::string, MacroDef> d2 = {{"loop", {"loop", &self, 0, 5}}};
  Node r2 = parse("loop");
  absl::Status st = ExpandMacros(
      &r2, [&](const std::string& n) { return d2.count(n) ? &d2[n] : nullptr; }, SIZE_MAX, &err);
  EXPECT_NE(st.message().find("loop"), absl::string_view::npos);
}

// Every reference shares one expansion: m_n = m_{n-1} or m_{n-1} costs n
// bodies, not 2^n copies.
TEST(MacroExpansion, SharesBodies) {
  auto parse = [](const std::string& s) {
    return *ParseCondition(SourceText::Synthetic(s, Position{"m", 1, 1}));
  };
  std::vector<Node> asts;
  asts.reserve(31);
  asts.push_back(parse("x.y exists"));
  std::map<std::string, MacroDef> defs = {{"m_0", {"m_0", &asts[0], 0, 1}}};
  for (size_t i = 1; i <= 30; ++i) {
    asts.push_back(parse("m_" + std::to_string(i - 1) + " or m_" + std::to_string(i - 1)));
    defs["m_" + std::to_string(i)] = {"m_" + std::to_string(i), &asts[i], i, i + 1};
  }
  MacroExpander expander(
      [&](const std::string& n) -> const MacroDef* {
        auto it = defs.find(n);
        return it == defs.end() ? nullptr : &it->second;
      },
      kDefaultMaxDepth);
  Node rule = parse("m_30 and m_29");
  Position err;
  std::vector<std::string> used;
  ASSERT_TRUE(expander.Expand(&rule, SIZE_MAX, &err, &used).ok());
  EXPECT_EQ(expander.expanded_bodies(), 31u);
  const Node& m30 = *rule.children[0].expansion;
  EXPECT_EQ(m30.children[0].expansion, m30.children[1].expansion);
  EXPECT_EQ(m30.children[0].expansion, rule.children[1].expansion);
  EXPECT_EQ(expander.Closure(used).size(), 31u);
  // Rendering is cut, not unfolded (2^30 checks).
  EXPECT_EQ(rule.ToString(100).size(), 103u);
}

// m_i = (x.y exists and m_{i-1}): each level adds 2 (the and, the
// reference). A rule past the limit fails at its reference, naming the
// macro, its depth and the limit.
TEST(MacroExpansion, DepthLimitAtTheReference) {
  auto parse = [](const std::string& s) {
    return *ParseCondition(SourceText::Synthetic(s, Position{"m", 1, 1}));
  };
  std::vector<Node> asts;
  asts.reserve(10);
  asts.push_back(parse("x.y exists"));
  std::map<std::string, MacroDef> defs = {{"m_0", {"m_0", &asts[0], 0, 1}}};
  for (size_t i = 1; i < 10; ++i) {
    asts.push_back(parse("x.y exists and m_" + std::to_string(i - 1)));
    defs["m_" + std::to_string(i)] = {"m_" + std::to_string(i), &asts[i], i, i + 1};
  }
  auto lookup = [&](const std::string& n) -> const MacroDef* {
    auto it = defs.find(n);
    return it == defs.end() ? nullptr : &it->second;
  };
  // m_9 spans 1 + 2 * 9 = 19 levels; with its reference, 20.
  Node at = *ParseCondition(SourceText::Synthetic("m_9", Position{"r.yaml", 4, 14}));
  Position err;
  EXPECT_TRUE(ExpandMacros(&at, lookup, SIZE_MAX, &err, nullptr, 20).ok());
  Node past = *ParseCondition(SourceText::Synthetic("m_9", Position{"r.yaml", 4, 14}));
  absl::Status st = ExpandMacros(&past, lookup, SIZE_MAX, &err, nullptr, 19);
  EXPECT_EQ(err.ToString(), "r.yaml:4:14");
  EXPECT_EQ(st.message(),
            "macro 'm_9': condition nested deeper than the limit of 19 "
            "(saker.rules.limits.max_depth)");
}

}  // namespace
}  // namespace saker::rules
