// Token buckets: one per rule name (with per-rule overrides), and the one
// internal alerts use.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "server/outputs/clock.h"

namespace saker::outputs {

// `rate` tokens per second, at most `max_burst` saved up. rate <= 0 means no
// limit.
struct RateLimit {
  double rate = 0;
  double max_burst = 1000;
};

// Not thread-safe; the owner locks.
class TokenBucket {
 public:
  TokenBucket(RateLimit limit, int64_t now_ns)
      : limit_(limit), tokens_(limit.max_burst), last_ns_(now_ns) {}
  // Takes one token if there is one.
  bool TryTake(int64_t now_ns);

 private:
  RateLimit limit_;
  double tokens_;
  int64_t last_ns_;
};

struct RuleRateLimitOptions {
  RateLimit default_limit;  // every rule without an override
  std::vector<std::pair<std::string, RateLimit>> overrides;  // by rule name
};

// Thread-safe.
class RuleRateLimiter {
 public:
  RuleRateLimiter(RuleRateLimitOptions options, Clock* clock);
  // True if `rule` may alert now; false counts a suppressed alert.
  bool Allow(absl::string_view rule);
  uint64_t suppressed_total() const;
  // (rule, suppressed) for every rule that has been suppressed, sorted.
  std::vector<std::pair<std::string, uint64_t>> Suppressed() const;

 private:
  struct State {
    TokenBucket bucket;
    uint64_t suppressed = 0;
  };
  RateLimit LimitFor(absl::string_view rule) const;

  Clock* clock_;
  absl::flat_hash_map<std::string, RateLimit> overrides_;
  RateLimit default_limit_;
  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, State> rules_ ABSL_GUARDED_BY(mu_);
  uint64_t suppressed_total_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace saker::outputs
