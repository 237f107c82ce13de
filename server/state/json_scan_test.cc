#include "server/state/json_scan.h"

#include <gtest/gtest.h>

#include <vector>

namespace saker::state {
namespace {

TEST(JsonScanTest, WalksMembersAndItems) {
  const char* doc = R"({"a":1, "b":"x\"y\u0041", "c":[1,"two",{"d":[]}], "e":{"f":null}})";
  std::vector<std::string> keys;
  EXPECT_TRUE(JsonForEachMember(doc, [&](absl::string_view k, absl::string_view) {
    keys.emplace_back(k);
    return true;
  }));
  EXPECT_EQ(keys, (std::vector<std::string>{"a", "b", "c", "e"}));
  std::string s;
  ASSERT_TRUE(JsonUnescape(JsonMember(doc, "b"), &s));
  EXPECT_EQ(s, "x\"yA");
  int items = 0;
  EXPECT_TRUE(JsonForEachItem(JsonMember(doc, "c"), [&](absl::string_view) {
    ++items;
    return true;
  }));
  EXPECT_EQ(items, 3);
  EXPECT_EQ(JsonMember(JsonMember(doc, "e"), "f"), "null");
  EXPECT_EQ(JsonMember(doc, "zz"), "");
  EXPECT_FALSE(JsonForEachMember("{\"a\":", [](absl::string_view, absl::string_view) {
    return true;
  }));
}

}  // namespace
}  // namespace saker::state
