// Stage 4: type-checks an expanded condition AST against the FieldRegistry
// and compiles it to a Filter tree (filter.h). Also compiles single operands
// for the output formatter.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "server/rules/compiler/event_types.h"
#include "server/rules/compiler/extractor.h"
#include "server/rules/compiler/field_registry.h"
#include "server/rules/compiler/filter.h"
#include "server/rules/condition/ast.h"

namespace saker::rules {

// Owns the FieldRefs of one compiled rule set, one per distinct
// (field, argument, mode); assigns dense slots.
class FieldRefTable {
 public:
  const FieldRef* Intern(const ResolvedField& f, bool all_ancestors, bool both_endpoints,
                         const std::string& display);
  const std::vector<std::unique_ptr<FieldRef>>& refs() const { return refs_; }
  // Compiled leaf checks shared across rules, by canonical text.
  absl::flat_hash_map<std::string, std::shared_ptr<Filter>>& shared_checks() {
    return shared_checks_;
  }
  // Compiled macro expansions (Node::expansion) shared across rules: each
  // macro compiles once and evaluates at most once per event.
  struct MacroFilter {
    std::shared_ptr<const Node> body;  // keeps the key alive
    std::shared_ptr<Filter> filter;
    std::vector<std::string> notes;
  };
  absl::flat_hash_map<const Node*, MacroFilter>& macro_filters() { return macro_filters_; }

 private:
  absl::flat_hash_map<std::string, std::shared_ptr<Filter>> shared_checks_;
  absl::flat_hash_map<const Node*, MacroFilter> macro_filters_;
  std::vector<std::unique_ptr<FieldRef>> refs_;
  absl::flat_hash_map<std::string, FieldRef*> by_key_;
};

class ConditionCompiler {
 public:
  ConditionCompiler(const FieldRegistry* registry, const EventTypeTable* types, FieldRefTable* refs)
      : registry_(registry), types_(types), refs_(refs) {}

  // Compiles a macro-expanded AST. Errors: "nonexistent field 'x'",
  // "unknown event type x", type/operator mismatches, bad values; the
  // position of the offending token goes to `*error_pos`. Deprecation
  // notes (evt.dir) are appended to `warnings`.
  absl::StatusOr<std::unique_ptr<Filter>> Compile(const Node& ast, Position* error_pos,
                                                  std::vector<std::string>* warnings = nullptr);

  // A field or transformer operand (`for_output` rejects filter-only fields
  // and accepts print-only ones).
  absl::StatusOr<std::unique_ptr<Operand>> CompileOperand(const ValueExpr& expr, bool for_output,
                                                          Position* error_pos);

 private:
  absl::StatusOr<std::unique_ptr<Filter>> CompileNode(const Node& n);
  absl::StatusOr<std::unique_ptr<Filter>> CompileMacro(const Node& n);
  absl::StatusOr<std::unique_ptr<Filter>> CompileCheck(const Node& n);
  absl::StatusOr<std::unique_ptr<Filter>> CompileEvtTypeCheck(const Node& n);
  absl::StatusOr<std::unique_ptr<Filter>> CompileFieldCompare(const Node& n,
                                                              std::unique_ptr<Operand> lhs);
  absl::StatusOr<std::unique_ptr<Matcher>> CompileMatcher(const Node& n, const Operand& lhs);
  absl::StatusOr<std::unique_ptr<Operand>> Operand_(const ValueExpr& e, bool for_output,
                                                    bool transformed);
  absl::StatusOr<std::unique_ptr<Operand>> FieldOperand(const ValueExpr& e, bool for_output,
                                                        bool transformed);
  absl::StatusOr<std::unique_ptr<Operand>> Transformer(const ValueExpr& e, bool for_output);
  absl::StatusOr<std::unique_ptr<Operand>> FinishTransformer(
      const ValueExpr& e, TransformKind kind, std::vector<std::unique_ptr<Operand>> args,
      std::vector<std::string> literals);
  absl::Status CheckOperator(const Node& n, const Operand& lhs);
  absl::Status Error(const Position& pos, std::string msg);

  const FieldRegistry* registry_;
  const EventTypeTable* types_;
  FieldRefTable* refs_;
  Position* error_pos_ = nullptr;
  std::vector<std::string>* warnings_ = nullptr;
};

}  // namespace saker::rules
