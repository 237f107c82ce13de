// Command-line flags that stand for keys (FlagSetting): applied after -o,
// checked by the key's handler and the cross-key checks, named in errors.
// Each bound is tested at and past its limit, both as a flag and as a key.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "server/config/load.h"
#include "server/config/test_util.h"

namespace saker::config {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using Op = FlagSetting::Op;

FlagSetting Flag(std::string flag, std::string key, std::string value, Op op = Op::kSet) {
  std::vector<std::string> parts = absl::StrSplit(key, '.');
  return {std::move(flag), std::move(parts), std::move(value), op};
}

std::vector<std::string> FlagErrors(std::vector<FlagSetting> flags, std::string file = "") {
  return ErrorLines(ParseConfig(file, "s.yaml", {}, flags));
}

// A key and the flag that stands for it, with its bounds.
struct Bound {
  std::string flag;
  std::string key;
  std::string ok;     // at the limit: accepted
  std::string bad;    // past it: refused
  std::string range;  // what the error says was expected
};

const std::vector<Bound>& Bounds() {
  static const auto* b = new std::vector<Bound>{
      {"--grpc-alert-history", "saker.api.alert_history", "16777216", "16777217",
       "an integer from 1 to 16777216"},
      {"--grpc-alert-history", "saker.api.alert_history", "1", "0",
       "an integer from 1 to 16777216"},
      {"--grpc-alert-history", "saker.api.alert_history", "1", "100000000000",
       "an integer from 1 to 16777216"},
      {"--grpc-event-history", "saker.api.event_history", "16777216", "16777217",
       "an integer from 1 to 16777216"},
      {"--grpc-event-history", "saker.api.event_history", "1", "0",
       "an integer from 1 to 16777216"},
      {"--grpc-keepalive-time-ms", "saker.api.keepalive_time_ms", "86400000", "86400001",
       "an integer from 1000 to 86400000"},
      {"--grpc-keepalive-time-ms", "saker.api.keepalive_time_ms", "10000", "0",
       "an integer from 1000 to 86400000"},
      {"--grpc-keepalive-timeout-ms", "saker.api.keepalive_timeout_ms", "100", "99",
       "an integer from 100 to 86400000"},
      {"--snaplen", "saker.driver.snaplen", "65536", "999999", "an integer from 0 to 65536"},
      {"--snaplen", "saker.driver.snaplen", "0", "-1", "an integer from 0 to 65536"},
      {"--coalesce-us", "saker.driver.coalesce_us", "1000000", "1000001",
       "an integer from 0 to 1000000"},
      {"--ring-bytes", "saker.driver.ring_bytes", "1073741824", "2147483648",
       "a power of two from 4096 to 1073741824"},
      {"--flush-interval-ms", "saker.capture.flush_interval_ms", "10", "9",
       "an integer from 10 to 600000"},
      {"--flush-interval-ms", "saker.capture.flush_interval_ms", "600000", "600001",
       "an integer from 10 to 600000"},
  };
  return *b;
}

TEST(FlagSettings, EveryBoundAsAFlag) {
  for (const Bound& b : Bounds()) {
    EXPECT_THAT(FlagErrors({Flag(b.flag, b.key, b.ok)}), IsEmpty()) << b.flag << " " << b.ok;
    EXPECT_THAT(FlagErrors({Flag(b.flag, b.key, b.bad)}),
                ElementsAre(absl::StrCat(b.flag, ": ", b.key, ": expected ", b.range, ", got \"",
                                         b.bad, "\"")));
  }
}

TEST(FlagSettings, EveryBoundAsAKey) {
  for (const Bound& b : Bounds()) {
    std::vector<std::string> parts = absl::StrSplit(b.key, '.');
    ASSERT_EQ(parts.size(), 3u);
    auto file = [&](const std::string& v) {
      return absl::StrCat(parts[0], ":\n  ", parts[1], ":\n    ", parts[2], ": ", v, "\n");
    };
    EXPECT_THAT(ErrorLines(ParseConfig(file(b.ok), "s.yaml")), IsEmpty()) << b.key << " " << b.ok;
    EXPECT_THAT(ErrorLines(ParseConfig(file(b.bad), "s.yaml")),
                ElementsAre(absl::StrCat("s.yaml:3:", parts[2].size() + 7, ": ", b.key,
                                         ": expected ", b.range, ", got \"", b.bad, "\"")));
  }
}

TEST(FlagSettings, AFlagOverridesTheFileAndO) {
  auto c = ParseConfig("saker:\n  api:\n    alert_history: 10\n", "s.yaml",
                       {"saker.api.alert_history=20"},
                       {Flag("--grpc-alert-history", "saker.api.alert_history", "30")});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->saker.api.alert_history, 30u);
  EXPECT_EQ(c->Where("saker.api.alert_history"), "--grpc-alert-history");
}

TEST(FlagSettings, KeepaliveTimeoutAboveTheTimeNamesTheFlagThatSetIt) {
  // Both set: the timeout is blamed.
  EXPECT_THAT(
      FlagErrors({Flag("--grpc-keepalive-time-ms", "saker.api.keepalive_time_ms", "5000"),
                  Flag("--grpc-keepalive-timeout-ms", "saker.api.keepalive_timeout_ms", "6000")}),
      ElementsAre("--grpc-keepalive-timeout-ms: saker.api.keepalive_timeout_ms: expected "
                  "at most saker.api.keepalive_time_ms (5000), got \"6000\""));
  // Equal is fine.
  EXPECT_THAT(
      FlagErrors({Flag("--grpc-keepalive-time-ms", "saker.api.keepalive_time_ms", "5000"),
                  Flag("--grpc-keepalive-timeout-ms", "saker.api.keepalive_timeout_ms", "5000")}),
      IsEmpty());
  // Only the time set, below the default timeout (10000): the time is blamed.
  EXPECT_THAT(FlagErrors({Flag("--grpc-keepalive-time-ms", "saker.api.keepalive_time_ms", "5000")}),
              ElementsAre("--grpc-keepalive-time-ms: saker.api.keepalive_time_ms: expected at "
                          "least saker.api.keepalive_timeout_ms (10000), got \"5000\""));
  // The same from the file.
  EXPECT_THAT(FlagErrors({}, "saker:\n  api:\n    keepalive_timeout_ms: 40000\n"),
              ElementsAre("s.yaml:3:27: saker.api.keepalive_timeout_ms: expected at most "
                          "saker.api.keepalive_time_ms (30000), got \"40000\""));
}

TEST(FlagSettings, ListsReplaceThenAppend) {
  auto c = ParseConfig("rules_files: [/etc/a.yaml]\n", "s.yaml", {},
                       {Flag("--rules", "rules_files", "/b.yaml", Op::kList),
                        Flag("--rules", "rules_files", "/c.yaml", Op::kAppend)});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->rules_files, ElementsAre("/b.yaml", "/c.yaml"));
  EXPECT_EQ(c->Where("rules_files[1]"), "--rules");
  EXPECT_THAT(FlagErrors({Flag("--syscalls", "saker.driver.syscalls", "", Op::kList)}),
              ElementsAre("--syscalls: saker.driver.syscalls[0]: expected a non-empty string, "
                          "got \"\""));
}

TEST(FlagSettings, KeyPartsMayHoldDots) {
  FlagSetting allow{"--grpc-allow",
                    {"saker", "api", "allow", "saker.rules.v1.RuleService"},
                    "admin",
                    Op::kAppend};
  auto c = ParseConfig("", "s.yaml", {}, {allow});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_THAT(c->saker.api.allow.at("saker.rules.v1.RuleService"), ElementsAre("admin"));
}

TEST(FlagSettings, ValuesAreTextNotYaml) {
  auto c = ParseConfig("", "s.yaml", {}, {Flag("--user", "saker.user", "a: b")});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->saker.user, "a: b");
  EXPECT_THAT(FlagErrors({Flag("--grpc-alert-history", "saker.api.alert_history", "[1]")}),
              ElementsAre("--grpc-alert-history: saker.api.alert_history: expected an integer "
                          "from 1 to 16777216, got \"[1]\""));
}

TEST(FlagSettings, ASectionThatIsNotAMapNamesTheFlag) {
  EXPECT_THAT(FlagErrors({Flag("--snaplen", "saker.driver.snaplen", "80")}, "saker: 3\n"),
              ElementsAre("--snaplen: saker is a scalar, not a map",
                          "s.yaml:1:8: saker: expected a map, got \"3\""));
}

// Each key set by one of several overrides names its own, even when an
// earlier one created the map that holds it.
TEST(FlagSettings, EachKeyNamesItsOwnOverride) {
  EXPECT_THAT(ErrorLines(ParseConfig("", "s.yaml",
                                     {"saker.api.alert_history=5", "saker.api.event_history=0"})),
              ElementsAre("-o saker.api.event_history=0: saker.api.event_history: expected an "
                          "integer from 1 to 16777216, got \"0\""));
  EXPECT_THAT(FlagErrors({Flag("--grpc-alert-history", "saker.api.alert_history", "5"),
                          Flag("--grpc-event-history", "saker.api.event_history", "0")}),
              ElementsAre("--grpc-event-history: saker.api.event_history: expected an integer "
                          "from 1 to 16777216, got \"0\""));
}

}  // namespace
}  // namespace saker::config
