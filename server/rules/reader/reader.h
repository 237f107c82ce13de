// Stage 1: YAML rules file -> AST (reader/ast.h) with source positions.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/rules/common/source.h"
#include "server/rules/reader/ast.h"

namespace saker::rules {

// Reads one rules file (a YAML stream of documents, each a sequence of
// maps). Unknown keys and unknown top-level items are warnings (in the
// result); YAML syntax errors, wrong value types, missing required keys and
// invalid priorities are errors. On error `*error` (if non-null) receives
// the structured diagnostic and the status message is its ToString():
// `file:line:column: message (rule "NAME")`.
absl::StatusOr<RulesFile> ReadRulesFile(absl::string_view content, const std::string& filename,
                                        Diagnostic* error = nullptr);

}  // namespace saker::rules
