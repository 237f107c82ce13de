// ConditionCompiler: checks (operator/type matrix, values, matchers).
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/rules/compiler/compiler.h"
#include "server/rules/compiler/values.h"

namespace saker::rules {
namespace {

bool IsStringOp(CmpOp op) {
  switch (op) {
    case CmpOp::kEq:
    case CmpOp::kNe:
    case CmpOp::kContains:
    case CmpOp::kIContains:
    case CmpOp::kStartsWith:
    case CmpOp::kEndsWith:
    case CmpOp::kGlob:
    case CmpOp::kIGlob:
    case CmpOp::kRegex:
    case CmpOp::kBContains:
    case CmpOp::kBStartsWith:
      return true;
    default:
      return false;
  }
}

// flt_is_comparable (spec §1.4).
bool IsComparable(FieldType t, CmpOp op) {
  if (op == CmpOp::kExists) {
    return true;
  }
  bool eq_set = op == CmpOp::kEq || op == CmpOp::kNe || op == CmpOp::kIn ||
                op == CmpOp::kIntersects;
  bool ordered = op == CmpOp::kLt || op == CmpOp::kLe || op == CmpOp::kGt || op == CmpOp::kGe;
  switch (t) {
    case FieldType::kCHARBUF:
      return op != CmpOp::kBContains && op != CmpOp::kBStartsWith;
    case FieldType::kBYTEBUF:
      return eq_set || op == CmpOp::kContains || op == CmpOp::kStartsWith ||
             op == CmpOp::kEndsWith || op == CmpOp::kBContains || op == CmpOp::kBStartsWith;
    case FieldType::kBOOL:
    case FieldType::kIPADDR:
    case FieldType::kIPNET:
      return eq_set;
    case FieldType::kDYN:
      return eq_set || ordered;
    default:
      return IsNumericType(t) && (eq_set || ordered);
  }
}

}  // namespace

absl::Status ConditionCompiler::CheckOperator(const Node& n, const Operand& lhs) {
  std::optional<CmpOp> op = ParseCmpOp(n.op);
  std::string lhs_text = n.lhs.ToString();
  if (!op) {
    return Error(n.op_pos, absl::StrCat("unknown operator '", n.op, "'"));
  }
  if (!IsComparable(lhs.type(), *op)) {
    return Error(n.op_pos, absl::StrCat("operator '", n.op, "' is not supported for field '",
                                        lhs_text, "' of type ", FieldTypeName(lhs.type())));
  }
  if (lhs.is_list() && *op != CmpOp::kIn && *op != CmpOp::kIntersects && *op != CmpOp::kExists) {
    return Error(n.op_pos, absl::StrCat("list field '", lhs_text,
                                        "' only supports in, intersects and exists"));
  }
  if (!n.modifier.empty() && !IsStringOp(*op)) {
    return Error(n.op_pos, absl::StrCat("modifier '", n.modifier, "' cannot be used with '",
                                        n.op, "'"));
  }
  if (!n.modifier.empty() && lhs.type() != FieldType::kCHARBUF &&
      lhs.type() != FieldType::kBYTEBUF) {
    return Error(n.op_pos, absl::StrCat("modifier '", n.modifier,
                                        "' requires a string field, not ",
                                        FieldTypeName(lhs.type())));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<Filter>> ConditionCompiler::CompileCheck(const Node& n) {
  if (n.lhs.kind == ValueExpr::Kind::kField && !n.lhs.has_arg &&
      (n.lhs.name == "evt.type" || n.lhs.name == "syscall.type")) {
    return CompileEvtTypeCheck(n);
  }
  if (n.lhs.kind == ValueExpr::Kind::kField && n.lhs.name == "evt.dir" &&
      n.rhs_kind == Node::RhsKind::kValue && (n.op == "=" || n.op == "!=")) {
    if (warnings_ != nullptr) {
      warnings_->push_back("evt.dir is deprecated: '>' matches nothing and '<' everything");
    }
    return MakeConst((n.value == "<") == (n.op == "="));
  }
  auto lhs = Operand_(n.lhs, false, false);
  if (!lhs.ok()) {
    return lhs.status();
  }
  absl::Status st = CheckOperator(n, **lhs);
  if (!st.ok()) {
    return st;
  }
  if (n.op == "exists") {
    return MakeExists(std::move(*lhs));
  }
  if (n.rhs_kind == Node::RhsKind::kOperand) {
    return CompileFieldCompare(n, std::move(*lhs));
  }
  auto m = CompileMatcher(n, **lhs);
  if (!m.ok()) {
    return m.status();
  }
  CmpOp op = *ParseCmpOp(n.op);
  const FieldRef* ref = (*lhs)->ref();
  Aggregation agg = Aggregation::kAny;
  if (ref != nullptr && ref->both_endpoints && op == CmpOp::kNe) {
    agg = Aggregation::kAll;
  }
  if ((*lhs)->is_list() && op == CmpOp::kIn) {
    agg = Aggregation::kAll;
  }
  return MakeCheck(std::move(*lhs), std::move(*m), agg);
}

absl::StatusOr<std::unique_ptr<Matcher>> ConditionCompiler::CompileMatcher(const Node& n,
                                                                           const Operand& lhs) {
  CmpOp op = *ParseCmpOp(n.op);
  std::vector<std::string> values =
      n.rhs_kind == Node::RhsKind::kList ? n.list : std::vector<std::string>{n.value};
  FieldType t = lhs.type();
  absl::StatusOr<std::unique_ptr<Matcher>> m;
  if (t == FieldType::kCHARBUF || t == FieldType::kBYTEBUF) {
    if (!n.modifier.empty()) {
      std::vector<std::unique_ptr<Matcher>> items;
      for (const std::string& v : values) {
        auto one = MakeStringMatcher(op, v);
        if (!one.ok()) {
          return Error(n.value_pos, std::string(one.status().message()));
        }
        items.push_back(std::move(*one));
      }
      return MakeModifierMatcher(n.modifier, std::move(items));
    }
    if (op == CmpOp::kIn || op == CmpOp::kIntersects) {
      return MakeStringSetMatcher(values);
    }
    if (op == CmpOp::kPmatch) {
      return MakePmatchMatcher(values);
    }
    m = MakeStringMatcher(op, values[0]);
  } else if (t == FieldType::kBOOL) {
    m = MakeBoolMatcher(op, values);
  } else if (t == FieldType::kIPADDR || t == FieldType::kIPNET) {
    m = MakeIpMatcher(op, t, values);
  } else if (t == FieldType::kDYN) {
    m = MakeDynMatcher(op, values);
  } else {
    m = MakeNumericMatcher(op, t, values);
  }
  if (!m.ok()) {
    return Error(n.value_pos, absl::StrCat(m.status().message(), " (field '",
                                           n.lhs.ToString(), "')"));
  }
  return m;
}

absl::StatusOr<std::unique_ptr<Filter>> ConditionCompiler::CompileEvtTypeCheck(const Node& n) {
  std::optional<CmpOp> op = ParseCmpOp(n.op);
  if (!op) {
    return Error(n.op_pos, absl::StrCat("unknown operator '", n.op, "'"));
  }
  if (*op == CmpOp::kExists) {
    return MakeConst(true);
  }
  if (n.rhs_kind == Node::RhsKind::kOperand) {
    return Error(n.value_pos, "evt.type cannot be compared with another field or transformer");
  }
  bool set_op = *op == CmpOp::kEq || *op == CmpOp::kNe || *op == CmpOp::kIn ||
                *op == CmpOp::kIntersects;
  if (!set_op || !n.modifier.empty()) {
    auto lhs = MakeEvtTypeOperand();
    absl::Status st = CheckOperator(n, *lhs);
    if (!st.ok()) {
      return st;
    }
    auto m = CompileMatcher(n, *lhs);
    if (!m.ok()) {
      return m.status();
    }
    return MakeCheck(std::move(lhs), std::move(*m), Aggregation::kAny);
  }
  std::vector<std::string> values =
      n.rhs_kind == Node::RhsKind::kList ? n.list : std::vector<std::string>{n.value};
  EventTypeSet set;
  for (const std::string& v : values) {
    EventTypeCode c = types_->Code(v);
    if (c == EventTypeTable::kUnknown) {
      return Error(n.value_pos, absl::StrCat("unknown event type ", v));
    }
    set.set(c);
  }
  if (*op == CmpOp::kNe) {
    set.flip();
  }
  return MakeEvtTypeFilter(set);
}

absl::StatusOr<std::unique_ptr<Filter>> ConditionCompiler::CompileFieldCompare(
    const Node& n, std::unique_ptr<Operand> lhs) {
  CmpOp op = *ParseCmpOp(n.op);
  if (op == CmpOp::kPmatch || op == CmpOp::kRegex) {
    return Error(n.op_pos, absl::StrCat("operator '", n.op, "' cannot take a field on its right"));
  }
  if (!n.modifier.empty()) {
    return Error(n.op_pos, "modifiers cannot take a field on their right");
  }
  if (lhs->type() == FieldType::kIPNET) {
    return Error(n.op_pos, "IPNET fields cannot be compared with another field");
  }
  const FieldRef* lref = lhs->ref();
  if (lref != nullptr && lref->field->Has(FieldFlag::kNoRhs)) {
    return Error(n.lhs.pos, absl::StrCat("field '", lref->field->name,
                                         "' cannot be compared with another field"));
  }
  if (n.rhs.kind == ValueExpr::Kind::kField && n.rhs.has_arg && n.rhs.is_val) {
    return Error(n.value_pos, "val() takes a field without an argument");
  }
  auto rhs = Operand_(n.rhs, false, n.rhs.kind == ValueExpr::Kind::kTransformer);
  if (!rhs.ok()) {
    return rhs.status();
  }
  const FieldRef* rref = (*rhs)->ref();
  if (rref != nullptr && rref->field->Has(FieldFlag::kNoRhs)) {
    return Error(n.value_pos, absl::StrCat("field '", rref->field->name,
                                           "' cannot be used on the right-hand side"));
  }
  bool lnum = IsNumericType(lhs->type()) || lhs->type() == FieldType::kBOOL;
  bool rnum = IsNumericType((*rhs)->type()) || (*rhs)->type() == FieldType::kBOOL;
  if (lnum != rnum) {
    return Error(n.value_pos, absl::StrCat("cannot compare ", FieldTypeName(lhs->type()),
                                           " with ", FieldTypeName((*rhs)->type())));
  }
  Aggregation agg = lref != nullptr && lref->both_endpoints && op == CmpOp::kNe
                        ? Aggregation::kAll
                        : Aggregation::kAny;
  return MakeFieldCompare(std::move(lhs), op, std::move(*rhs), agg);
}

}  // namespace saker::rules
