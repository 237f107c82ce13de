// A small JSON reader that walks text in place: no tree, no allocation
// (strings are unescaped into a caller's reused buffer). Used for the
// syscall table's rendered arguments and container runtimes' metadata files.
#pragma once

#include <string>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"

namespace saker::state {

// Calls fn(key, value) for each member of the object `obj` ("{...}"): `key`
// is the raw key text without quotes, `value` the raw value text (a string
// keeps its quotes). Returning false from fn stops the walk. Returns false
// when `obj` is not a well-formed object.
bool JsonForEachMember(absl::string_view obj,
                       absl::FunctionRef<bool(absl::string_view, absl::string_view)> fn);
// Calls fn(value) for each item of the array `arr` ("[...]").
bool JsonForEachItem(absl::string_view arr, absl::FunctionRef<bool(absl::string_view)> fn);

// The raw value of member `key` of `obj`, or "" when absent.
absl::string_view JsonMember(absl::string_view obj, absl::string_view key);

// If `raw` is a JSON string, writes its unescaped content to `*out` and
// returns true.
bool JsonUnescape(absl::string_view raw, std::string* out);
// True when `raw` is a JSON string.
inline bool JsonIsString(absl::string_view raw) { return !raw.empty() && raw[0] == '"'; }

}  // namespace saker::state
