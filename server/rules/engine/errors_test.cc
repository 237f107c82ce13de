// Every kind of load error is reported as `file:line:column: message
// (rule "NAME")` pointing into the YAML file.
#include "gtest/gtest.h"
#include "server/rules/engine/engine.h"

namespace saker::rules {
namespace {

std::string LoadError(const std::string& yaml) {
  Engine engine;
  absl::Status st = engine.LoadContents({{"bad.yaml", yaml}});
  return st.ok() ? "OK" : std::string(st.message());
}

const char* kHeader = "- macro: spawned\n  condition: evt.type in (execve, execveat)\n";

std::string Rule(const std::string& cond) {
  return std::string(kHeader) + "- rule: My Rule\n  desc: d\n  condition: " + cond +
         "\n  output: o %proc.name\n  priority: WARNING\n";
}

TEST(LoadErrors, YamlSyntax) {
  EXPECT_EQ(LoadError("- rule: x\n  desc: [\n"),
            "bad.yaml:3:1: YAML parse error: end of sequence flow not found");
}

TEST(LoadErrors, UndefinedMacro) {
  EXPECT_EQ(LoadError(Rule("spawned and not shell_procs")),
            "bad.yaml:5:30: Undefined macro 'shell_procs' used in filter. (rule \"My Rule\")");
}

TEST(LoadErrors, UndefinedListIsAnUndefinedMacro) {
  // A list name that does not exist stays an identifier: outside a list
  // literal it is a macro reference.
  EXPECT_EQ(LoadError(Rule("spawned and proc.name in (bash) and known_shells")),
            "bad.yaml:5:50: Undefined macro 'known_shells' used in filter. (rule \"My Rule\")");
}

TEST(LoadErrors, UnknownField) {
  EXPECT_EQ(LoadError(Rule("spawned and proc.nmae = bash")),
            "bad.yaml:5:26: nonexistent field 'proc.nmae' (rule \"My Rule\")");
}

TEST(LoadErrors, TypeMismatch) {
  EXPECT_EQ(LoadError(Rule("spawned and proc.tty contains 3")),
            "bad.yaml:5:35: operator 'contains' is not supported for field 'proc.tty' of type "
            "UINT32 (rule \"My Rule\")");
  EXPECT_EQ(LoadError(Rule("spawned and fd.num >= abc")),
            "bad.yaml:5:36: expected a number but found 'abc' (rule \"My Rule\")");
  EXPECT_EQ(LoadError(Rule("spawned and evt.is_open_read = yes")),
            "bad.yaml:5:45: 'yes' is not a valid boolean: use true or false (field "
            "'evt.is_open_read') (rule \"My Rule\")");
}

TEST(LoadErrors, UnknownEventType) {
  EXPECT_EQ(LoadError(Rule("evt.type = opne")),
            "bad.yaml:5:25: unknown event type opne (rule \"My Rule\")");
}

TEST(LoadErrors, InsideMacroPointsAtMacroText) {
  std::string yaml =
      "- macro: bad_macro\n  condition: >\n    proc.name = x and\n    fd.nme = y\n"
      "- rule: R\n  desc: d\n  condition: bad_macro\n  output: o\n  priority: INFO\n";
  EXPECT_EQ(LoadError(yaml), "bad.yaml:4:5: nonexistent field 'fd.nme' (rule \"R\")");
}

TEST(LoadErrors, SyntaxErrorInFoldedCondition) {
  std::string yaml =
      "- rule: R\n  desc: d\n  condition: >\n    evt.type = open and\n      (proc.name = x\n"
      "  output: o\n  priority: INFO\n";
  EXPECT_EQ(LoadError(yaml),
            "bad.yaml:5:21: expected ')' but found end of condition (rule \"R\")");
}

TEST(LoadErrors, MacroSyntaxError) {
  EXPECT_EQ(LoadError("- macro: m\n  condition: proc.name contains\"x\"\n"),
            "bad.yaml:2:24: expected an operator after 'proc.name' but found "
            "'contains\"x\"' (macro \"m\")");
}

TEST(LoadErrors, UnknownOutputField) {
  std::string yaml = "- rule: R\n  desc: d\n  condition: evt.type = open\n"
                     "  output: file=%fd.nme user=%user.name\n  priority: INFO\n";
  EXPECT_EQ(LoadError(yaml), "bad.yaml:4:17: nonexistent field 'fd.nme' (rule \"R\")");
}

TEST(LoadErrors, SkipIfUnknownFilter) {
  Engine engine;
  std::string yaml = "- rule: R\n  desc: d\n  condition: evt.type = open and fd.nme = x\n"
                     "  output: o\n  priority: INFO\n  skip-if-unknown-filter: true\n";
  ASSERT_TRUE(engine.LoadContents({{"s.yaml", yaml}}).ok());
  EXPECT_EQ(engine.summary().rules, 0u);
  ASSERT_FALSE(engine.summary().warnings.empty());
}

TEST(LoadErrors, StructuredDiagnostic) {
  Engine engine;
  Diagnostic d;
  ASSERT_FALSE(engine.LoadContents({{"bad.yaml", Rule("spawned and proc.nmae = bash")}}, &d).ok());
  EXPECT_EQ(d.pos.ToString(), "bad.yaml:5:26");
  EXPECT_EQ(d.item_kind, "rule");
  EXPECT_EQ(d.item_name, "My Rule");
}

}  // namespace
}  // namespace saker::rules
