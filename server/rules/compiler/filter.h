// The compiled evaluator: a tree of Filter nodes over Operands. Built by the
// compiler (compiler.h); evaluated once per event for each indexed rule.
// Nodes own reusable buffers, so a compiled tree is NOT thread-safe: use
// one compiled rule set per evaluating thread.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "server/rules/compiler/event_types.h"
#include "server/rules/compiler/extractor.h"
#include "server/rules/compiler/matchers.h"

namespace saker::rules {

// What the evaluator knows about the current event.
struct EvalContext {
  EventTypeCode evt_type = EventTypeTable::kUnknown;
  FieldExtractor* extractor = nullptr;
  const EventTypeTable* types = nullptr;
};

// A value source: a field, evt.type, or a transformer over operands.
class Operand {
 public:
  virtual ~Operand() = default;
  // The current values, or nullptr when they cannot be extracted.
  virtual const FieldValues* Get(EvalContext& ctx) = 0;
  FieldType type() const { return type_; }
  // The field reference of a plain field operand (nullptr otherwise).
  const FieldRef* ref() const { return ref_; }
  bool is_list() const { return is_list_; }

 protected:
  FieldType type_ = FieldType::kCHARBUF;
  const FieldRef* ref_ = nullptr;
  bool is_list_ = false;
};

std::unique_ptr<Operand> MakeFieldOperand(const FieldRef* ref);
std::unique_ptr<Operand> MakeEvtTypeOperand();

enum class TransformKind { kToLower, kToUpper, kB64, kBasename, kLen, kJoin, kConcat };

// `args` are operands; `literals[i]` is used where args[i] is null.
std::unique_ptr<Operand> MakeTransformOperand(TransformKind kind, FieldType out_type,
                                              std::vector<std::unique_ptr<Operand>> args,
                                              std::vector<std::string> literals);

class Filter {
 public:
  virtual ~Filter() = default;
  virtual bool Eval(EvalContext& ctx) = 0;
};

std::unique_ptr<Filter> MakeAnd(std::vector<std::unique_ptr<Filter>> children);
std::unique_ptr<Filter> MakeOr(std::vector<std::unique_ptr<Filter>> children);
std::unique_ptr<Filter> MakeNot(std::unique_ptr<Filter> child);
std::unique_ptr<Filter> MakeConst(bool value);
std::unique_ptr<Filter> MakeExists(std::unique_ptr<Operand> operand);
// True iff the current event type is in `set`.
std::unique_ptr<Filter> MakeEvtTypeFilter(const EventTypeSet& set);

enum class Aggregation {
  kAny,  // some value matches (single values, ancestors, either endpoint)
  kAll,  // every value matches (both endpoints for !=, list fields with `in`)
};

std::unique_ptr<Filter> MakeCheck(std::unique_ptr<Operand> lhs, std::unique_ptr<Matcher> matcher,
                                  Aggregation agg);
// Field-to-field: `lhs op rhs-operand`. For `in`/`intersects` the RHS values
// form the set; otherwise the first RHS value is compared.
std::unique_ptr<Filter> MakeFieldCompare(std::unique_ptr<Operand> lhs, CmpOp op,
                                         std::unique_ptr<Operand> rhs, Aggregation agg);

}  // namespace saker::rules
