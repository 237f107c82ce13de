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

// Per-event memo of extracted fields, indexed by FieldRef::slot: every
// field is extracted at most once per event however many rules test it.
// NextEvent() invalidates everything in O(1).
class FieldCache {
 public:
  void Resize(size_t slots) {
    values_.resize(slots);
    stamp_.assign(slots, 0);
    ok_.assign(slots, 0);
  }
  void NextEvent() { ++generation_; }
  uint64_t generation() const { return generation_; }
  // The cached values of `ref`, extracting them on first use this event.
  const FieldValues* Get(const FieldRef& ref, FieldExtractor* extractor) {
    size_t slot = static_cast<size_t>(ref.slot);
    if (stamp_[slot] != generation_) {
      stamp_[slot] = generation_;
      FieldValues& v = values_[slot];
      v.Clear();
      ok_[slot] = extractor != nullptr && extractor->Extract(ref, &v) && !v.empty();
    }
    return ok_[slot] ? &values_[slot] : nullptr;
  }
  size_t size() const { return values_.size(); }

 private:
  std::vector<FieldValues> values_;
  std::vector<uint64_t> stamp_;
  std::vector<uint8_t> ok_;
  uint64_t generation_ = 1;
};

// What the evaluator knows about the current event.
struct EvalContext {
  EventTypeCode evt_type = EventTypeTable::kUnknown;
  FieldExtractor* extractor = nullptr;
  const EventTypeTable* types = nullptr;
  FieldCache* cache = nullptr;  // optional; must cover every slot when set
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

// Identical leaf checks (same field, operator and values) are shared by all
// rules of a rule set and evaluated at most once per event (when a
// FieldCache is present: its generation identifies the event).
std::unique_ptr<Filter> MakeShared(std::shared_ptr<Filter> check);
std::shared_ptr<Filter> MakeMemo(std::unique_ptr<Filter> inner);

std::unique_ptr<Filter> MakeCheck(std::unique_ptr<Operand> lhs, std::unique_ptr<Matcher> matcher,
                                  Aggregation agg);
// Field-to-field: `lhs op rhs-operand`. For `in`/`intersects` the RHS values
// form the set; otherwise the first RHS value is compared.
std::unique_ptr<Filter> MakeFieldCompare(std::unique_ptr<Operand> lhs, CmpOp op,
                                         std::unique_ptr<Operand> rhs, Aggregation agg);

}  // namespace saker::rules
