// Seeded byte-level mutations for deterministic fuzz drivers in cc_tests.
#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace saker::rules::testing {

class Mutator {
 public:
  // `dictionary` holds tokens that are spliced in (keywords, operators).
  Mutator(uint64_t seed, std::vector<std::string> dictionary);

  // Returns a mutation of `input` (1..4 edits: flip, insert, delete,
  // duplicate a slice, splice a dictionary token, truncate).
  std::string Mutate(const std::string& input);

 private:
  std::mt19937_64 rng_;
  std::vector<std::string> dict_;
};

}  // namespace saker::rules::testing
