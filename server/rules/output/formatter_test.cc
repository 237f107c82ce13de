#include "server/rules/output/formatter.h"

#include "gtest/gtest.h"
#include "server/rules/compiler/test_extractor.h"

namespace saker::rules {
namespace {

class FormatterTest : public ::testing::Test {
 protected:
  std::string Render(const std::string& fmt, const TestEvent& ev) {
    ConditionCompiler compiler(&registry_, &types_, &refs_);
    Position pos;
    auto f = OutputFormat::Compile(SourceText::Synthetic(fmt, Position{"o", 1, 1}), &compiler,
                                   &pos);
    if (!f.ok()) {
      return "ERROR " + pos.ToString() + ": " + std::string(f.status().message());
    }
    MapExtractor ex;
    ex.SetEvent(&ev);
    EvalContext ctx{types_.Code(ev.type), &ex, &types_};
    std::string out;
    f->Render(OutputEvent{&ctx, 1718000011726060287ULL}, absl::UTCTimeZone(), &out);
    return out;
  }

  FieldRegistry registry_;
  EventTypeTable types_;
  FieldRefTable refs_;
};

TEST_F(FormatterTest, TokensAndMissingValues) {
  TestEvent ev;
  ev.Set("proc.name", "cat").Set("evt.arg[flags]", "O_RDONLY").Set("proc.tty", "0");
  ev.SetList("proc.aname", {"bash", "sshd"}).SetList("fd.types", {"file", "ipv4"});
  EXPECT_EQ(Render("p=%proc.name.", ev), "p=cat.");
  EXPECT_EQ(Render("(%proc.name)", ev), "(cat)");
  EXPECT_EQ(Render("f=%evt.arg.flags, m=%evt.arg.mode", ev), "f=O_RDONLY, m=<NA>");
  EXPECT_EQ(Render("%(proc.name)x", ev), "catx");
  EXPECT_EQ(Render("[%6proc.name][%2proc.name]", ev), "[cat   ][ca]");
  EXPECT_EQ(Render("a=%proc.aname t=%proc.tty", ev), "a=bash sshd t=0");
  EXPECT_EQ(Render("%fd.types", ev), "(file,ipv4)");
  EXPECT_EQ(Render("%evt.type %evt.time", ev), "openat 06:13:31.726060287");
  EXPECT_EQ(Render("%tolower(proc.name)", ev), "cat");
  EXPECT_EQ(Render("x%container.info", ev), "x");
}

TEST_F(FormatterTest, Errors) {
  TestEvent ev;
  EXPECT_EQ(Render("a %", ev),
            "ERROR o:1:1: invalid formatting token: '%' at the end of the output");
  EXPECT_EQ(Render("a %proc.nme", ev), "ERROR o:1:1: nonexistent field 'proc.nme'");
  EXPECT_EQ(Render("a %fd.ip", ev),
            "ERROR o:1:1: field 'fd.ip' can only be used in conditions");
}

}  // namespace
}  // namespace saker::rules
