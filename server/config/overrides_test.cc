// -o overrides: dotted keys, list index and append, flow values, bad values.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/config/load.h"
#include "server/config/test_util.h"

namespace saker::config {
namespace {

using ::testing::ElementsAre;

constexpr char kFile[] =
    "rules_files:\n"
    "  - /etc/saker/a.yaml\n"
    "  - /etc/saker/b.yaml\n"
    "http_output:\n"
    "  enabled: false\n";

TEST(Overrides, DottedKeys) {
  auto c = ParseConfig(kFile, "s.yaml",
                       {"http_output.enabled=true", "http_output.url=http://collector:2801/x",
                        "saker.api.alert_history=128"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->http_output.enabled);
  EXPECT_EQ(c->http_output.url, "http://collector:2801/x");
  EXPECT_EQ(c->saker.api.alert_history, 128u);
  EXPECT_EQ(c->Where("http_output.enabled"), "-o http_output.enabled=true");
  EXPECT_EQ(c->Where("saker.api.alert_history"), "-o saker.api.alert_history=128");
  EXPECT_EQ(c->Where("rules_files[0]"), "s.yaml:2:5");
}

TEST(Overrides, IndexAndAppend) {
  auto c = ParseConfig(kFile, "s.yaml", {"rules_files[1]=/x.yaml", "rules_files[]=/y.yaml"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->rules_files, ElementsAre("/etc/saker/a.yaml", "/x.yaml", "/y.yaml"));
  EXPECT_EQ(c->Where("rules_files[0]"), "s.yaml:2:5");
  EXPECT_EQ(c->Where("rules_files[1]"), "-o rules_files[1]=/x.yaml");
  EXPECT_EQ(c->Where("rules_files[2]"), "-o rules_files[]=/y.yaml");
}

TEST(Overrides, AppendCreatesTheList) {
  auto c = ParseConfig("", "s.yaml",
                       {"saker.driver.syscalls[]=execve", "saker.driver.syscalls[]=connect"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->saker.driver.syscalls, ElementsAre("execve", "connect"));
}

TEST(Overrides, FlowValues) {
  auto c =
      ParseConfig(kFile, "s.yaml",
                  {"rules_files=[/a.yaml,/b.yaml]", "webserver={enabled: false, listen_port: 9000}",
                   "saker.api.allow={saker.rules.v1.RuleService: [admin, ops]}"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->rules_files, ElementsAre("/a.yaml", "/b.yaml"));
  EXPECT_FALSE(c->webserver.enabled);
  EXPECT_EQ(c->webserver.listen_port, 9000u);
  EXPECT_THAT(c->saker.api.allow.at("saker.rules.v1.RuleService"), ElementsAre("admin", "ops"));
  EXPECT_EQ(c->Where("webserver.listen_port"), "-o webserver={enabled: false, listen_port: 9000}");
}

TEST(Overrides, LaterOverridesWin) {
  auto c = ParseConfig("", "s.yaml", {"priority=error", "priority=warning"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->priority, Priority::kWarning);
}

TEST(Overrides, WithoutAFile) {
  auto c = LoadConfig("", {"json_output=true"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->json_output);
}

TEST(Overrides, BadValuesNameTheOverride) {
  auto c = ParseConfig(kFile, "s.yaml", {"http_output.enabled=maybe", "webserver.listen_port=x"});
  EXPECT_THAT(ErrorLines(c),
              ElementsAre("-o http_output.enabled=maybe: http_output.enabled: expected true or "
                          "false, got \"maybe\"",
                          "-o webserver.listen_port=x: webserver.listen_port: expected an integer "
                          "from 0 to 65535, got \"x\""));
}

TEST(Overrides, RequiredSubKeyCitesTheOverride) {
  auto c = ParseConfig(kFile, "s.yaml", {"http_output.enabled=true"});
  EXPECT_THAT(ErrorLines(c), ElementsAre("-o http_output.enabled=true: http_output.url: required "
                                         "when http_output.enabled is true"));
}

TEST(Overrides, BadSyntax) {
  EXPECT_THAT(ErrorLines(ParseConfig("", "s.yaml", {"json_output"})),
              ElementsAre("-o json_output: expected KEY=VALUE"));
  EXPECT_THAT(ErrorLines(ParseConfig("", "s.yaml", {"a..b=1"})),
              ElementsAre("-o a..b=1: expected KEY as name.name, name[N] or name[]"));
  EXPECT_THAT(ErrorLines(ParseConfig("", "s.yaml", {"rules_files=[a"})),
              ElementsAre(::testing::StartsWith("-o rules_files=[a: the value is not valid YAML")));
  EXPECT_THAT(ErrorLines(ParseConfig(kFile, "s.yaml", {"rules_files[5]=/z.yaml"})),
              ElementsAre("-o rules_files[5]=/z.yaml: rules_files[5]: index out of range "
                          "(rules_files has 2 items)"));
  EXPECT_THAT(ErrorLines(ParseConfig(kFile, "s.yaml", {"http_output[]=x"})),
              ElementsAre("-o http_output[]=x: http_output[]: http_output is a map, not a list"));
  EXPECT_THAT(ErrorLines(ParseConfig("priority: debug\n", "s.yaml", {"priority.x=1"})),
              ElementsAre("-o priority.x=1: priority is a scalar, not a map"));
}

TEST(Overrides, UnknownKeyWarnsWithTheOverride) {
  auto c = ParseConfig("", "s.yaml", {"metrics.enabled=true"});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->warnings,
              ElementsAre("-o metrics.enabled=true: metrics: not supported by saker, ignored"));
}

}  // namespace
}  // namespace saker::config
