#include "server/rules/engine/name_pattern.h"

namespace saker::rules {

// The greedy two-pointer match: on a mismatch, go back to the last star and
// let it swallow one more character of the name. Only the last star is ever
// revisited: whatever an earlier star matched, a later one can absorb, so the
// name is scanned at most once per pattern position.
bool NameMatches(absl::string_view pattern, absl::string_view name) {
  size_t p = 0;
  size_t n = 0;
  size_t star = absl::string_view::npos;  // the pattern position after the last star
  size_t resume = 0;                      // where that star's match ends in the name
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = ++p;
      resume = n;
    } else if (p < pattern.size() && pattern[p] == name[n]) {
      ++p;
      ++n;
    } else if (star != absl::string_view::npos) {
      p = star;
      n = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

}  // namespace saker::rules
