#include "server/outputs/rate_limiter.h"

#include "gtest/gtest.h"

namespace saker::outputs {
namespace {

TEST(TokenBucketTest, BurstThenRate) {
  TokenBucket b({.rate = 2, .max_burst = 3}, 0);
  EXPECT_TRUE(b.TryTake(0));
  EXPECT_TRUE(b.TryTake(0));
  EXPECT_TRUE(b.TryTake(0));
  EXPECT_FALSE(b.TryTake(0));
  EXPECT_FALSE(b.TryTake(400000000));  // 0.8 token
  EXPECT_TRUE(b.TryTake(500000000));   // 1 token
  EXPECT_FALSE(b.TryTake(500000000));
  // Ten idle seconds refill only up to max_burst.
  int ok = 0;
  for (int i = 0; i < 10; ++i) {
    ok += b.TryTake(10500000000) ? 1 : 0;
  }
  EXPECT_EQ(ok, 3);
}

TEST(TokenBucketTest, ZeroRateIsUnlimited) {
  TokenBucket b({.rate = 0, .max_burst = 1}, 0);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_TRUE(b.TryTake(0));
  }
}

TEST(RuleRateLimiterTest, PerRuleBucketsOverridesAndCounts) {
  FakeClock clock;
  RuleRateLimiter limiter({.default_limit = {.rate = 1, .max_burst = 2},
                           .overrides = {{"noisy", {.rate = 1, .max_burst = 1}},
                                         {"free", {.rate = 0, .max_burst = 0}}}},
                          &clock);
  EXPECT_TRUE(limiter.Allow("a"));
  EXPECT_TRUE(limiter.Allow("a"));
  EXPECT_FALSE(limiter.Allow("a"));
  EXPECT_TRUE(limiter.Allow("b"));  // its own bucket
  EXPECT_TRUE(limiter.Allow("noisy"));
  EXPECT_FALSE(limiter.Allow("noisy"));
  EXPECT_FALSE(limiter.Allow("noisy"));
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(limiter.Allow("free"));
  }
  clock.Advance(absl::Seconds(1));
  EXPECT_TRUE(limiter.Allow("a"));
  EXPECT_TRUE(limiter.Allow("noisy"));
  EXPECT_FALSE(limiter.Allow("noisy"));
  EXPECT_EQ(limiter.suppressed_total(), 4u);
  std::vector<std::pair<std::string, uint64_t>> want = {{"a", 1}, {"noisy", 3}};
  EXPECT_EQ(limiter.Suppressed(), want);
}

}  // namespace
}  // namespace saker::outputs
