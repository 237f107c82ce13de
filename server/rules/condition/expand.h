// Stage 3b: list substitution (textual, before parsing) and macro expansion
// (on the AST, after parsing), per spec §2.4.
#pragma once

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "server/rules/common/source.h"
#include "server/rules/condition/ast.h"

namespace saker::rules {

// Returns the (already resolved) items of list `name`, or nullptr if there
// is no such list.
using ListLookup = std::function<const std::vector<std::string>*(const std::string& name)>;

// Replaces every occurrence of a list name bounded by start/end or one of
// ` \t\n\r(),=` with its items joined by ", " (items containing a space are
// wrapped in double quotes). An empty list also removes one adjacent comma.
// Replaced characters keep the position of the list name. `used` (optional)
// receives the names substituted.
SourceText SubstituteLists(const SourceText& text, const ListLookup& lookup,
                           std::vector<std::string>* used = nullptr);

// A parsed macro as seen by expansion. `index` is its definition order,
// `visibility` the counter value at its last (re)definition or append: a
// macro may only reference macros with index < its visibility.
struct MacroDef {
  std::string name;
  const Node* ast = nullptr;
  size_t index = 0;
  size_t visibility = 0;
};

using MacroLookup = std::function<const MacroDef*(const std::string& name)>;

// Replaces every kMacroRef in `node` by a clone of the macro's AST,
// recursively. Only macros with index < `max_index` are visible (use
// SIZE_MAX for rules). Errors: "Undefined macro 'x' used in filter." and
// reference loops; `*error_pos` receives the reference's position.
// `used` (optional) receives the names of the macros expanded.
absl::Status ExpandMacros(Node* node, const MacroLookup& lookup, size_t max_index,
                          Position* error_pos, std::vector<std::string>* used = nullptr);

}  // namespace saker::rules
