// Stage 3a: the condition grammar of libsinsp's filter parser (spec §1).
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "server/rules/common/source.h"
#include "server/rules/condition/ast.h"

namespace saker::rules {

struct ParseOptions {
  int max_depth = 1000;  // Falco's value (libsinsp default is 100)
};

// Parses a whole condition. On failure the status message describes the
// problem and `*error_pos` (if non-null) is the position of the offending
// character, mapped through `text` to the YAML file.
absl::StatusOr<Node> ParseCondition(const SourceText& text, const ParseOptions& options = {},
                                    Position* error_pos = nullptr);

// True if `s` matches the Identifier production ([a-zA-Z]+[a-zA-Z0-9_]*).
bool IsConditionIdentifier(const std::string& s);

}  // namespace saker::rules
