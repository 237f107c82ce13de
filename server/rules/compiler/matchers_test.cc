#include "server/rules/compiler/matchers.h"

#include "gtest/gtest.h"
#include "server/rules/compiler/values.h"

namespace saker::rules {
namespace {

FieldValue Str(absl::string_view s) {
  FieldValue v;
  v.str = s;
  return v;
}

TEST(PathPrefixSet, ComponentsAndGlobs) {
  PathPrefixSet set;
  set.Add("/var/run");
  set.Add("/proc/*/mem");
  EXPECT_TRUE(set.Match("/var/run/docker.sock"));
  EXPECT_TRUE(set.Match("/var/run"));
  EXPECT_FALSE(set.Match("/var/runx"));
  EXPECT_FALSE(set.Match("/var"));
  EXPECT_TRUE(set.Match("/proc/12/mem"));
  EXPECT_FALSE(set.Match("/proc/12/maps"));
}

TEST(Values, IpAndNets) {
  auto net = ParseIpNet("127.0.0.0/8");
  ASSERT_TRUE(net);
  EXPECT_TRUE(net->Contains(*ParseIp("127.1.2.3")));
  EXPECT_FALSE(net->Contains(*ParseIp("128.0.0.1")));
  auto v6 = ParseIpNet("fd00::/8");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->Contains(*ParseIp("fd12::1")));
  EXPECT_FALSE(ParseIpNet("10.0.0.0/33"));
  EXPECT_EQ(*Unhex("cafe"), std::string("\xca\xfe"));
  EXPECT_FALSE(Unhex("caf"));
  EXPECT_EQ(*ParseInt64("0x10"), 16);
  EXPECT_EQ(*ParseInt64("-5"), -5);
}

TEST(Matchers, StringMatcherOps) {
  auto m = MakeStringMatcher(CmpOp::kIContains, "SHADOW");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE((*m)->Match(Str("/etc/shadow")));
  auto g = MakeStringMatcher(CmpOp::kGlob, "/etc/*");
  EXPECT_TRUE((*g)->Match(Str("/etc/a/b")));
  auto set = MakeStringSetMatcher({"a", "b c"});
  EXPECT_TRUE(set->Match(Str("b c")));
  EXPECT_FALSE(set->Match(Str("b")));
}

}  // namespace
}  // namespace saker::rules
