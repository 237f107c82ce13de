#include "server/rules/common/source.h"

#include "gtest/gtest.h"

namespace saker::rules {
namespace {

TEST(SourceText, FoldedScalarMapsToLines) {
  std::string raw = "- macro: m\n  condition: >\n    a and\n      b\n";
  size_t mark = raw.find('>');
  SourceText st = SourceText::FromYamlScalar("a and\n  b\n", raw, mark, "f.yaml");
  EXPECT_EQ(st.Locate(0).ToString(), "f.yaml:3:5");
  EXPECT_EQ(st.Locate(2).ToString(), "f.yaml:3:7");
  EXPECT_EQ(st.Locate(8).ToString(), "f.yaml:4:7");
}

TEST(SourceText, ConcatKeepsFiles) {
  SourceText a = SourceText::Synthetic("x", Position{"a.yaml", 1, 2});
  SourceText b = SourceText::Synthetic("yz", Position{"b.yaml", 3, 4});
  a.AppendSynthetic(" ", Position{"a.yaml", 1, 2});
  a.Append(b);
  EXPECT_EQ(a.text(), "x yz");
  EXPECT_EQ(a.Locate(0).ToString(), "a.yaml:1:2");
  EXPECT_EQ(a.Locate(3).ToString(), "b.yaml:3:4");
}

TEST(Diagnostic, Format) {
  Diagnostic d;
  d.pos = Position{"r.yaml", 4, 14};
  d.message = "Undefined macro 'foo' used in filter.";
  d.item_kind = "rule";
  d.item_name = "My Rule";
  EXPECT_EQ(d.ToString(), "r.yaml:4:14: Undefined macro 'foo' used in filter. (rule \"My Rule\")");
}

}  // namespace
}  // namespace saker::rules
