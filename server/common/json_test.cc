#include "server/common/json.h"

#include <gtest/gtest.h>

namespace saker {
namespace {

TEST(JsonTest, EscapesQuotesControlAndInvalidUtf8) {
  std::string out;
  AppendJsonString(&out, absl::string_view("a\"b\\c\n\x01\xff\xc3\xa9", 10));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\\u00ff\xc3\xa9\"");
}

TEST(JsonTest, Numbers) {
  std::string out;
  AppendJsonInt(&out, -2);
  out.push_back(',');
  AppendJsonUint(&out, 18446744073709551615ull);
  EXPECT_EQ(out, "-2,18446744073709551615");
}

}  // namespace
}  // namespace saker
