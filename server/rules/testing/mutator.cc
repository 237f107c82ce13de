#include "server/rules/testing/mutator.h"

#include <utility>

namespace saker::rules::testing {

Mutator::Mutator(uint64_t seed, std::vector<std::string> dictionary)
    : rng_(seed), dict_(std::move(dictionary)) {}

std::string Mutator::Mutate(const std::string& input) {
  std::string s = input;
  int edits = 1 + static_cast<int>(rng_() % 4);
  for (int e = 0; e < edits; ++e) {
    size_t pos = s.empty() ? 0 : rng_() % (s.size() + 1);
    switch (rng_() % 7) {
      case 0:
        if (!s.empty() && pos < s.size()) {
          s[pos] = static_cast<char>(s[pos] ^ (1u << (rng_() % 8)));
        }
        break;
      case 1:
        s.insert(pos, 1, static_cast<char>(rng_() % 256));
        break;
      case 2:
        if (pos < s.size()) {
          s.erase(pos, 1 + rng_() % 8);
        }
        break;
      case 3:
        if (pos < s.size()) {
          size_t len = 1 + rng_() % 32;
          std::string slice = s.substr(pos, len);
          s.insert(rng_() % (s.size() + 1), slice);
        }
        break;
      case 4:
      case 5:
        if (!dict_.empty()) {
          s.insert(pos, dict_[rng_() % dict_.size()]);
        }
        break;
      default:
        if (pos < s.size() && rng_() % 4 == 0) {
          s.resize(pos);
        }
        break;
    }
  }
  if (s.size() > (1u << 16)) {
    s.resize(1u << 16);
  }
  return s;
}

}  // namespace saker::rules::testing
