// Stage 3b: list substitution (textual, before parsing) and macro expansion
// (on the AST, after parsing), per spec §2.4.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/rules/common/source.h"
#include "server/rules/condition/ast.h"
#include "server/rules/condition/parser.h"

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

// The same, bounded: fails (before building anything) when the lists would
// insert more than `max_items` items. `*items` receives how many they insert.
// `*error_pos` receives the position of the list that crosses the bound.
absl::StatusOr<SourceText> SubstituteLists(const SourceText& text, const ListLookup& lookup,
                                           size_t max_items, size_t* items,
                                           std::vector<std::string>* used, Position* error_pos);

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

// Expands macros into a DAG: each macro's body is expanded once, on first
// use, and every reference shares it (Node::expansion), so a rule set's
// expansion is linear in its text however its macros nest. The expansion's
// depth (nesting of and/or/not, macro references and transformers, which
// the compiler and the evaluator recurse on) is bounded by `max_depth`.
class MacroExpander {
 public:
  MacroExpander(MacroLookup lookup, int max_depth)
      : lookup_(std::move(lookup)), max_depth_(max_depth) {}

  // Points every kMacroRef in `node` (a rule's or macro's own AST) at its
  // macro's shared expansion. Only macros with index < `max_index` are
  // visible (SIZE_MAX for rules). Errors: "Undefined macro 'x' used in
  // filter.", reference loops and the depth limit; `*error_pos` receives a
  // position in `node`'s own text when the error is there or in a macro it
  // references (the reference's). `used` (optional) receives the names of
  // the macros `node` references directly.
  absl::Status Expand(Node* node, size_t max_index, Position* error_pos,
                      std::vector<std::string>* used = nullptr);

  // Expands macro `name`'s own body into the shared cache (if not there
  // yet), as if referenced from a rule; errors are positioned in its text.
  absl::Status ExpandMacro(const std::string& name, Position* error_pos);

  // `names` and every macro their expansions reference, transitively.
  std::set<std::string> Closure(const std::vector<std::string>& names) const;

  // Macro bodies expanded so far (each at most once).
  size_t expanded_bodies() const { return cache_.size(); }

 private:
  struct Body {
    std::shared_ptr<Node> node;
    int height = 0;
    bool done = false;  // false while its expansion is in progress (a loop)
    std::vector<std::string> refs;
  };
  absl::Status Walk(Node* node, size_t max_index, int depth, int* height,
                    std::vector<std::string>* refs);
  absl::Status WalkRef(Node* node, size_t max_index, int depth, int* height);
  absl::Status Error(const Position& pos, std::string msg, bool limit);
  absl::Status ExpandBody(const MacroDef& def, int depth);

  MacroLookup lookup_;
  int max_depth_;
  std::map<std::string, Body> cache_;
  std::vector<std::string> stack_;  // macros being expanded, outermost first
  size_t top_ = 0;                  // stack_'s size in the item's own text
  Position* error_pos_ = nullptr;
  bool error_set_ = false;
};

// Expands `node` with a fresh MacroExpander (no sharing across calls).
absl::Status ExpandMacros(Node* node, const MacroLookup& lookup, size_t max_index,
                          Position* error_pos, std::vector<std::string>* used = nullptr,
                          int max_depth = kDefaultMaxDepth);

}  // namespace saker::rules
