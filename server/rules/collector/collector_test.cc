#include "server/rules/collector/collector.h"

#include "gtest/gtest.h"
#include "server/rules/reader/reader.h"

namespace saker::rules {
namespace {

absl::Status Collect(Collector* c, const std::string& yaml, const std::string& name = "c.yaml") {
  auto f = ReadRulesFile(yaml, name);
  if (!f.ok()) {
    return f.status();
  }
  return c->Collect(*f);
}

const char* kBase =
    "- list: shells\n  items: [bash, sh]\n"
    "- macro: spawned\n  condition: evt.type = execve\n"
    "- rule: Shell\n  desc: d\n  condition: spawned\n  output: o\n  priority: WARNING\n"
    "  tags: [a]\n"
    "- rule: Other\n  desc: d2\n  condition: spawned\n  output: o2\n  priority: INFO\n";

TEST(Collector, AppendAndOverride) {
  Collector c;
  ASSERT_TRUE(Collect(&c, kBase).ok());
  ASSERT_TRUE(Collect(&c,
                      "- list: shells\n  items: [zsh]\n  append: true\n"
                      "- macro: spawned\n  condition: or evt.type = execveat\n"
                      "  override:\n    condition: append\n"
                      "- rule: Shell\n  condition: and proc.name in (shells)\n"
                      "  output: more\n  tags: [b]\n"
                      "  override:\n    condition: append\n    output: append\n    tags: append\n"
                      "- rule: Other\n  priority: ERROR\n  enabled: false\n"
                      "  override:\n    priority: replace\n    enabled: replace\n")
                  .ok());
  EXPECT_EQ(c.FindList("shells")->items, (std::vector<std::string>{"bash", "sh", "zsh"}));
  EXPECT_EQ(c.FindMacro("spawned")->condition.text(), "evt.type = execve or evt.type = execveat");
  const RuleInfo* shell = c.FindRule("Shell");
  EXPECT_EQ(shell->condition.text(), "spawned and proc.name in (shells)");
  EXPECT_EQ(shell->output.text(), "o more");
  EXPECT_EQ(shell->tags, (std::set<std::string>{"a", "b"}));
  const RuleInfo* other = c.FindRule("Other");
  EXPECT_EQ(other->priority, Priority::kError);
  EXPECT_FALSE(other->enabled);
  // Positions of appended text point into the second file.
  EXPECT_EQ(shell->condition.Locate(shell->condition.text().find("and")).file, "c.yaml");
}

TEST(Collector, ReplaceAndRedefinitionKeepOrder) {
  Collector c;
  ASSERT_TRUE(Collect(&c, kBase).ok());
  ASSERT_TRUE(Collect(&c,
                      "- list: shells\n  items: [ksh]\n  override:\n    items: replace\n"
                      "- rule: Shell\n  desc: new\n  condition: spawned\n  output: o\n"
                      "  priority: DEBUG\n")
                  .ok());
  EXPECT_EQ(c.FindList("shells")->items, (std::vector<std::string>{"ksh"}));
  ASSERT_EQ(c.rules().size(), 2u);
  EXPECT_EQ(c.rules()[0].name, "Shell");  // redefined in place
  EXPECT_EQ(c.rules()[0].desc, "new");
  EXPECT_EQ(c.rules()[0].priority, Priority::kDebug);
}

TEST(Collector, EnabledToggleAndErrors) {
  Collector c;
  ASSERT_TRUE(Collect(&c, kBase).ok());
  ASSERT_TRUE(Collect(&c, "- rule: Shell\n  enabled: false\n").ok());
  EXPECT_FALSE(c.FindRule("Shell")->enabled);
  EXPECT_EQ(Collect(&c, "- rule: Nope\n  enabled: false\n").message(),
            "c.yaml:1:3: Rule uses 'enabled' key but no rule by that name already exists "
            "(rule \"Nope\")");
  EXPECT_EQ(Collect(&c, "- rule: Nope\n  condition: x\n  append: true\n").message(),
            "c.yaml:1:3: Rule uses 'append' key but no rule by that name already exists "
            "(rule \"Nope\")");
  EXPECT_EQ(Collect(&c, "- list: nope\n  items: [a]\n  append: true\n").message(),
            "c.yaml:1:3: List has 'append' key but no list by that name already exists "
            "(list \"nope\")");
  EXPECT_EQ(Collect(&c, "- macro: nope\n  condition: a\n  override:\n    condition: replace\n")
                .message(),
            "c.yaml:1:3: Macro has 'override' key but no macro by that name already exists "
            "(macro \"nope\")");
}

TEST(Collector, Sources) {
  Collector c;
  ASSERT_TRUE(Collect(&c, "- rule: K\n  desc: d\n  condition: a\n  output: o\n  priority: INFO\n"
                          "  source: k8s_audit\n")
                  .ok());
  EXPECT_EQ(c.rules().size(), 0u);
  ASSERT_EQ(c.warnings().size(), 1u);
  EXPECT_EQ(c.warnings()[0].code, "LOAD_UNKNOWN_SOURCE");
  CollectorOptions opts;
  opts.sources = {"syscall", "aws_cloudtrail"};
  Collector c2(opts);
  ASSERT_TRUE(Collect(&c2, kBase).ok());
  EXPECT_EQ(Collect(&c2, "- rule: Shell\n  desc: d\n  condition: a\n  output: o\n"
                         "  priority: INFO\n  source: aws_cloudtrail\n")
                .message(),
            "c.yaml:6:3: Rule has been re-defined with a different source (rule \"Shell\")");
}

TEST(Collector, RequiredVersions) {
  Collector c;
  EXPECT_TRUE(Collect(&c, "- required_engine_version: 0.57.0\n").ok());
  EXPECT_TRUE(Collect(&c, "- required_engine_version: 12\n").ok());  // 0.12.0
  EXPECT_EQ(Collect(&c, "- required_engine_version: 0.99.0\n").message(),
            "c.yaml:1:3: Rules require engine version 0.99.0, but engine version is 0.57.0");
  EXPECT_FALSE(Collect(&c, "- required_engine_version: 1.0.0\n").ok());  // major differs
  EXPECT_TRUE(Collect(&c, "- required_plugin_versions:\n  - name: container\n"
                          "    version: 0.4.0\n")
                  .ok());
  EXPECT_FALSE(Collect(&c, "- required_plugin_versions:\n  - name: container\n"
                           "    version: 0.5.0\n")
                   .ok());
  EXPECT_FALSE(Collect(&c, "- required_plugin_versions:\n  - name: k8saudit\n"
                           "    version: 0.1.0\n")
                   .ok());
  EXPECT_TRUE(Collect(&c, "- required_plugin_versions:\n  - name: k8saudit\n"
                          "    version: 0.1.0\n    alternatives:\n      - name: container\n"
                          "        version: 0.1.0\n")
                  .ok());
  CollectorOptions opts;
  opts.native_plugins["k8saudit"] = Version{0, 3, 0};
  Collector c2(opts);
  EXPECT_TRUE(Collect(&c2, "- required_plugin_versions:\n  - name: k8saudit\n"
                           "    version: 0.1.0\n")
                  .ok());
}

TEST(Collector, Exceptions) {
  Collector c;
  ASSERT_TRUE(Collect(&c,
                      "- rule: R\n  desc: d\n  condition: evt.type = open\n  output: o\n"
                      "  priority: INFO\n  exceptions:\n"
                      "    - name: pairs\n      fields: [proc.name, fd.name]\n"
                      "      comps: [=, startswith]\n      values:\n        - [cat, /etc]\n"
                      "    - name: names\n      fields: proc.pname\n      values: [a, \"b c\"]\n"
                      "    - name: empty\n      fields: [proc.name]\n")
                  .ok());
  absl::Status st = Collect(&c,
                            "- rule: R\n  exceptions:\n    - name: pairs\n      values:\n"
                            "        - [[vi, vim], /tmp]\n  append: true\n");
  ASSERT_TRUE(st.ok()) << st;
  Position pos;
  auto cond = BuildConditionWithExceptions(*c.FindRule("R"), &pos);
  ASSERT_TRUE(cond.ok()) << cond.status();
  EXPECT_EQ(cond->text(),
            "(evt.type = open) and not ((proc.name = cat and fd.name startswith /etc) or "
            "(proc.name = (vi, vim) and fd.name startswith /tmp)) and not "
            "(proc.pname in (a, \"b c\"))");
  EXPECT_FALSE(Collect(&c,
                       "- rule: R\n  exceptions:\n    - name: pairs\n      fields: [x.y]\n"
                       "  append: true\n")
                   .ok());
}

}  // namespace
}  // namespace saker::rules
