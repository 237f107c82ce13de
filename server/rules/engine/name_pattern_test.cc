#include "server/rules/engine/name_pattern.h"

#include <string>

#include "gtest/gtest.h"

namespace saker::rules {
namespace {

TEST(NameMatches, Literal) {
  EXPECT_TRUE(NameMatches("Read sensitive file", "Read sensitive file"));
  EXPECT_FALSE(NameMatches("Read sensitive file", "Read sensitive files"));
  EXPECT_FALSE(NameMatches("Read sensitive files", "Read sensitive file"));
  EXPECT_FALSE(NameMatches("read", "Read"));  // case matters, as in Falco
  EXPECT_TRUE(NameMatches("", ""));
  EXPECT_FALSE(NameMatches("", "a"));
  EXPECT_FALSE(NameMatches("a", ""));
}

TEST(NameMatches, Stars) {
  EXPECT_TRUE(NameMatches("*", ""));
  EXPECT_TRUE(NameMatches("*", "anything at all"));
  EXPECT_TRUE(NameMatches("**", ""));
  EXPECT_TRUE(NameMatches("Read*", "Read"));
  EXPECT_TRUE(NameMatches("Read*", "Read sensitive file"));
  EXPECT_FALSE(NameMatches("Read*", "Write"));
  EXPECT_TRUE(NameMatches("*file", "Read sensitive file"));
  EXPECT_FALSE(NameMatches("*file", "Read sensitive files"));
  EXPECT_TRUE(NameMatches("*sensitive*", "Read sensitive file"));
  EXPECT_TRUE(NameMatches("R*s*e", "Read sensitive file"));
  EXPECT_FALSE(NameMatches("R*x*e", "Read sensitive file"));
  EXPECT_TRUE(NameMatches("a*a", "aa"));
  EXPECT_FALSE(NameMatches("a*a", "a"));
  EXPECT_TRUE(NameMatches("a*b*c", "axxbyybzzc"));
  EXPECT_TRUE(NameMatches("*ab", "aab"));     // the star must give back a character
  EXPECT_TRUE(NameMatches("*aab", "aaaab"));  // ... several times
  EXPECT_FALSE(NameMatches("*a*b", "bbbba"));
  EXPECT_TRUE(NameMatches("a**b", "ab"));
}

// The old recursive matcher took time exponential in the number of stars: a
// configured pattern like this hung sakerd's start. The test's size bounds
// its time (60 s); the match itself is some thousands of steps.
TEST(NameMatches, ManyStarsAgainstALongNameFinish) {
  const std::string name(4096, 'a');
  const std::string stars(64, '*');
  EXPECT_FALSE(NameMatches(stars + "Q", name));
  EXPECT_TRUE(NameMatches(stars + "a", name));
  EXPECT_FALSE(NameMatches("**********Q", name));
  std::string alternating;
  for (int i = 0; i < 200; ++i) {
    alternating += "*a";
  }
  EXPECT_TRUE(NameMatches(alternating, name));
  EXPECT_FALSE(NameMatches(alternating + "*b", name));
}

}  // namespace
}  // namespace saker::rules
