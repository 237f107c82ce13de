#include "server/outputs/rate_limiter.h"

#include <algorithm>

namespace saker::outputs {

bool TokenBucket::TryTake(int64_t now_ns) {
  if (limit_.rate <= 0) {
    return true;
  }
  if (now_ns > last_ns_) {
    tokens_ = std::min(limit_.max_burst, tokens_ + limit_.rate * (now_ns - last_ns_) / 1e9);
    last_ns_ = now_ns;
  }
  if (tokens_ >= 1) {
    tokens_ -= 1;
    return true;
  }
  return false;
}

RuleRateLimiter::RuleRateLimiter(RuleRateLimitOptions options, Clock* clock)
    : clock_(clock), default_limit_(options.default_limit) {
  for (auto& [rule, limit] : options.overrides) {
    overrides_[rule] = limit;
  }
}

RateLimit RuleRateLimiter::LimitFor(absl::string_view rule) const {
  auto it = overrides_.find(rule);
  return it == overrides_.end() ? default_limit_ : it->second;
}

bool RuleRateLimiter::Allow(absl::string_view rule) {
  RateLimit limit = LimitFor(rule);
  if (limit.rate <= 0) {
    return true;  // no bucket to keep
  }
  int64_t now = clock_->MonotonicNs();
  absl::MutexLock l(&mu_);
  auto it = rules_.find(rule);
  if (it == rules_.end()) {
    it = rules_.emplace(std::string(rule), State{TokenBucket(limit, now)}).first;
  }
  if (it->second.bucket.TryTake(now)) {
    return true;
  }
  ++it->second.suppressed;
  ++suppressed_total_;
  return false;
}

uint64_t RuleRateLimiter::suppressed_total() const {
  absl::MutexLock l(&mu_);
  return suppressed_total_;
}

std::vector<std::pair<std::string, uint64_t>> RuleRateLimiter::Suppressed() const {
  std::vector<std::pair<std::string, uint64_t>> out;
  {
    absl::MutexLock l(&mu_);
    for (const auto& [rule, state] : rules_) {
      if (state.suppressed > 0) {
        out.emplace_back(rule, state.suppressed);
      }
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace saker::outputs
