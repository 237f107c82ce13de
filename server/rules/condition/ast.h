// The condition AST (stage 3). Produced by the parser, rewritten by macro
// expansion, consumed by the compiler and the event-type indexer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "server/rules/common/source.h"

namespace saker::rules {

// An operand: a field, a transformer applied to operands, a literal or a
// list literal (the last two only as transformer arguments).
struct ValueExpr {
  enum class Kind { kField, kTransformer, kLiteral, kList };
  Kind kind = Kind::kField;
  Position pos;
  std::string name;  // field name ("proc.aname") or transformer ("tolower")
  bool has_arg = false;
  std::string arg;  // field argument ("2" in proc.aname[2]); for a transformer, its [arg]
  bool arg_quoted = false;
  std::vector<ValueExpr> args;    // transformer arguments
  std::string literal;            // kLiteral
  bool quoted = false;            // kLiteral was a quoted string
  std::vector<std::string> list;  // kList
  bool is_val = false;            // written as val(field) on the RHS

  // Canonical text: "proc.aname[2]", "tolower(proc.name)", "val(proc.pname)".
  std::string ToString() const;
};

struct Node {
  enum class Kind { kAnd, kOr, kNot, kCheck, kMacroRef };
  enum class RhsKind { kNone, kValue, kList, kOperand };

  Kind kind = Kind::kCheck;
  Position pos;
  std::vector<Node> children;  // kAnd/kOr (n-ary, >= 2), kNot (1)

  // kCheck
  ValueExpr lhs;
  std::string op;        // "=", "!=", "<", "<=", ">", ">=", "contains", ..., "in", "exists"
  std::string modifier;  // "", "oneof", "anyof", "allof"
  RhsKind rhs_kind = RhsKind::kNone;
  std::string value;  // kValue (unescaped)
  bool value_quoted = false;
  std::vector<std::string> list;  // kList (also an Identifier after a list op: one item)
  ValueExpr rhs;                  // kOperand: val(field) or a transformer
  Position op_pos;
  Position value_pos;

  // kMacroRef
  std::string macro;
  // After expansion: the macro's expanded body, shared by every reference
  // (a rule set's conditions form a DAG, linear in their text).
  std::shared_ptr<const Node> expansion;

  // A compact, fully parenthesised rendering for tests and debugging, with
  // expanded macros written out. Stops (ending in "...") once longer than
  // `max_len`, so a DAG that would unfold exponentially renders cheaply.
  std::string ToString(size_t max_len = SIZE_MAX) const;
};

}  // namespace saker::rules
