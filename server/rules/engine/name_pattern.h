// Falco's rule-name patterns (falco.yaml `rules: [{disable: {rule: P}}]`):
// `*` matches any run of characters, every other character itself.
#pragma once

#include "absl/strings/string_view.h"

namespace saker::rules {

// Whether `name` matches `pattern`, in O(|pattern| * |name|) time at worst
// and no recursion: a pattern of many stars against a long name (hostile or
// mistyped configuration) cannot stall a start or a reload.
bool NameMatches(absl::string_view pattern, absl::string_view name);

}  // namespace saker::rules
