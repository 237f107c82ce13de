// Stage 3a: the condition grammar of libsinsp's filter parser (spec §1).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "server/rules/common/source.h"
#include "server/rules/condition/ast.h"

namespace saker::rules {

// The default nesting limit (saker.rules.limits.max_depth): libsinsp's
// default, 10x the deepest of Falco's upstream rules (9 after expansion).
// Every level costs about 0.7 KiB of stack on each thread that parses,
// compiles or evaluates (//server/rules/engine:depth_stack_test).
inline constexpr int kDefaultMaxDepth = 100;

struct ParseOptions {
  // Parentheses and transformers nested deeper than this are an error.
  int max_depth = kDefaultMaxDepth;
};

// Parses a whole condition. On failure the status message describes the
// problem and `*error_pos` (if non-null) is the position of the offending
// character, mapped through `text` to the YAML file.
absl::StatusOr<Node> ParseCondition(const SourceText& text, const ParseOptions& options = {},
                                    Position* error_pos = nullptr);

// True if `s` matches the Identifier production ([a-zA-Z]+[a-zA-Z0-9_]*).
bool IsConditionIdentifier(const std::string& s);

}  // namespace saker::rules
