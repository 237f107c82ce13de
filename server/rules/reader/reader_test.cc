#include "server/rules/reader/reader.h"

#include "gtest/gtest.h"

namespace saker::rules {
namespace {

std::string Err(const std::string& yaml) {
  auto f = ReadRulesFile(yaml, "bad.yaml");
  return f.ok() ? "OK" : std::string(f.status().message());
}

TEST(Reader, ItemsKeysAndPositions) {
  std::string yaml =
      "- required_engine_version: 0.57.0\n"
      "- list: shells\n"
      "  items: [bash, sh, 42]\n"
      "- condition: proc.name in (shells)\n"
      "  macro: shell_procs\n"
      "- rule: Shell\n"
      "  desc: d\n"
      "  condition: >\n"
      "    shell_procs and\n"
      "      evt.type = execve\n"
      "  output: \"shell %proc.name\"\n"
      "  priority: info\n"
      "  tags: [a, b]\n"
      "  bogus: 1\n";
  auto f = ReadRulesFile(yaml, "r.yaml");
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->items.size(), 4u);
  EXPECT_EQ(f->items[0].kind, ItemKind::kRequiredEngineVersion);
  EXPECT_EQ(f->items[0].engine_version, "0.57.0");
  const Item& list = f->items[1];
  EXPECT_EQ(list.kind, ItemKind::kList);
  EXPECT_EQ(list.items, (std::vector<std::string>{"bash", "sh", "42"}));
  EXPECT_EQ(list.pos.ToString(), "r.yaml:2:3");
  const Item& macro = f->items[2];
  EXPECT_EQ(macro.kind, ItemKind::kMacro);  // key order does not matter
  EXPECT_EQ(macro.name, "shell_procs");
  EXPECT_EQ(macro.KeyPos("macro").ToString(), "r.yaml:5:3");
  const Item& rule = f->items[3];
  EXPECT_EQ(rule.kind, ItemKind::kRule);
  EXPECT_EQ(rule.priority, Priority::kInformational);
  EXPECT_EQ(rule.condition.text(), "shell_procs and\n  evt.type = execve\n");
  EXPECT_EQ(rule.condition.Locate(0).ToString(), "r.yaml:9:5");
  EXPECT_EQ(rule.condition.Locate(rule.condition.text().find("evt")).ToString(), "r.yaml:10:7");
  EXPECT_EQ(rule.output.Locate(0).ToString(), "r.yaml:11:12");
  EXPECT_EQ(rule.KeyPos("tags").ToString(), "r.yaml:13:3");
  ASSERT_EQ(f->warnings.size(), 1u);
  EXPECT_EQ(f->warnings[0].code, "LOAD_UNKNOWN_KEY");
  EXPECT_EQ(f->warnings[0].ToString(),
            "r.yaml:14:3: Unknown key 'bogus'. The key will be ignored. (rule \"Shell\")");
}

TEST(Reader, MultipleDocumentsNullItemsUnknownItems) {
  auto f = ReadRulesFile("- list: a\n  items: []\n-\n---\n- foo: bar\n- list: b\n  items: [x]\n",
                         "m.yaml");
  ASSERT_TRUE(f.ok()) << f.status();
  EXPECT_EQ(f->items.size(), 2u);
  ASSERT_EQ(f->warnings.size(), 1u);
  EXPECT_EQ(f->warnings[0].code, "LOAD_UNKNOWN_ITEM");
  EXPECT_EQ(f->warnings[0].pos.ToString(), "m.yaml:5:3");
}

TEST(Reader, Errors) {
  EXPECT_EQ(Err("- rule: [unclosed\n"),
            "bad.yaml:2:1: YAML parse error: end of sequence flow not found");
  // yaml-cpp 0.7 would loop forever on this; the reader rejects it first.
  EXPECT_EQ(Err("- rule: a\n, b\n"),
            "bad.yaml:2:1: YAML parse error: unexpected ',' outside a flow collection");
  EXPECT_EQ(Err("rule: x\n"), "bad.yaml:1:1: Rules content is not yaml array of objects");
  EXPECT_EQ(Err("- just a string\n"),
            "bad.yaml:1:3: Unexpected element type. Each element should be a yaml associative "
            "array.");
  EXPECT_EQ(Err("- list: a\n  items: notalist\n"),
            "bad.yaml:2:10: Value of 'items' must be a sequence (list \"a\")");
  EXPECT_EQ(Err("- macro: m\n"), "bad.yaml:1:3: Item has no mapping for key 'condition' (macro \"m\")");
  EXPECT_EQ(Err("- rule: r\n  condition: a\n  output: o\n  desc: d\n"),
            "bad.yaml:1:3: Item has no mapping for key 'priority' (rule \"r\")");
  EXPECT_EQ(Err("- rule: r\n  condition: a\n  output: o\n  desc: d\n  priority: loud\n"),
            "bad.yaml:5:13: Invalid priority 'loud' (rule \"r\")");
  EXPECT_EQ(Err("- rule: r\n  enabled: maybe\n"),
            "bad.yaml:2:12: Value of 'enabled' must be a boolean (rule \"r\")");
  EXPECT_EQ(Err("- rule: r\n  tags: [[a]]\n"),
            "bad.yaml:2:10: Elements of 'tags' must be strings or numbers (rule \"r\")");
  EXPECT_EQ(Err("- rule: r\n  condition: a\n  append: true\n  override:\n    condition: append\n"),
            "bad.yaml:4:3: Keys 'override' and 'append: true' cannot be used together. Add an "
            "'append' entry (e.g. 'condition: append') under 'override' instead. (rule \"r\")");
  EXPECT_EQ(Err("- rule: r\n  condition: a\n  override:\n    output: append\n"),
            "bad.yaml:4:5: An override is defined for 'output' but the key is not present in "
            "the item (rule \"r\")");
  EXPECT_EQ(Err("- rule: r\n  condition: a\n  priority: INFO\n  override:\n    condition: "
                "append\n"),
            "bad.yaml:3:3: Key 'priority' is present but not listed under 'override' (rule \"r\")");
  EXPECT_EQ(Err("- rule: r\n  priority: INFO\n  override:\n    priority: append\n"),
            "bad.yaml:4:15: Key 'priority' cannot be appended to, it can only be replaced "
            "(rule \"r\")");
}

TEST(Reader, ExceptionsAndPlugins) {
  std::string yaml =
      "- required_plugin_versions:\n"
      "  - name: container\n"
      "    version: 0.4.0\n"
      "    alternatives:\n"
      "      - name: k8smeta\n"
      "        version: 0.1.0\n"
      "- rule: r\n"
      "  condition: evt.type = open\n"
      "  output: o\n"
      "  desc: d\n"
      "  priority: WARNING\n"
      "  exceptions:\n"
      "    - name: procs\n"
      "      fields: [proc.name, fd.name]\n"
      "      comps: [=, startswith]\n"
      "      values:\n"
      "        - [cat, /etc]\n"
      "        - [[a, b], /tmp]\n"
      "    - name: single\n"
      "      fields: proc.pname\n"
      "      values: [x, y]\n";
  auto f = ReadRulesFile(yaml, "e.yaml");
  ASSERT_TRUE(f.ok()) << f.status();
  ASSERT_EQ(f->items[0].plugins.size(), 1u);
  EXPECT_EQ(f->items[0].plugins[0].alternatives[0].name, "k8smeta");
  const Item& r = f->items[1];
  ASSERT_EQ(r.exceptions.size(), 2u);
  EXPECT_TRUE(r.exceptions[0].fields_is_list);
  EXPECT_EQ(r.exceptions[0].values.size(), 2u);
  EXPECT_TRUE(r.exceptions[0].values[1][0].is_list);
  EXPECT_FALSE(r.exceptions[1].fields_is_list);
  EXPECT_EQ(r.exceptions[1].values.size(), 2u);
}

}  // namespace
}  // namespace saker::rules
