#include "server/rules/compiler/evttype.h"

namespace saker::rules {
namespace {

bool IsEvtTypeLeaf(const Node& n) {
  return n.kind == Node::Kind::kCheck && n.lhs.kind == ValueExpr::Kind::kField && !n.lhs.has_arg &&
         (n.lhs.name == "evt.type" || n.lhs.name == "syscall.type");
}

EventTypeSet Leaf(const Node& n, bool negated, const EventTypeTable& types) {
  const EventTypeSet& all = types.all_syscall();
  if (IsEvtTypeLeaf(n)) {
    bool eq = n.op == "=" || n.op == "==" || n.op == "in";
    bool ne = n.op == "!=";
    if ((eq || ne) && n.modifier.empty() && n.rhs_kind != Node::RhsKind::kOperand) {
      EventTypeSet named;
      const std::vector<std::string>& vals =
          n.rhs_kind == Node::RhsKind::kList ? n.list : std::vector<std::string>{n.value};
      for (const std::string& v : vals) {
        EventTypeCode c = types.Code(v);
        if (c != EventTypeTable::kUnknown) {
          named.set(c);
        }
      }
      bool complement = ne != negated;
      return complement ? (all & ~named) : named;
    }
    return all;
  }
  if (!negated && n.kind == Node::Kind::kCheck && n.lhs.kind == ValueExpr::Kind::kField &&
      n.lhs.name == "evt.num" && !n.lhs.has_arg && n.rhs_kind == Node::RhsKind::kValue &&
      n.op == "=" && n.value == "0") {
    return EventTypeSet();
  }
  return all;
}

EventTypeSet Compute(const Node& n, bool negated, const EventTypeTable& types,
                     EventTypeMemo* memo) {
  switch (n.kind) {
    case Node::Kind::kAnd:
    case Node::Kind::kOr: {
      // De Morgan: a negated and is an or of negations, and vice versa.
      bool intersect = (n.kind == Node::Kind::kAnd) != negated;
      EventTypeSet acc = intersect ? types.all_syscall() : EventTypeSet();
      for (const Node& c : n.children) {
        EventTypeSet s = Compute(c, negated, types, memo);
        acc = intersect ? (acc & s) : (acc | s);
      }
      return acc;
    }
    case Node::Kind::kNot:
      return Compute(n.children[0], !negated, types, memo);
    case Node::Kind::kMacroRef: {
      if (n.expansion == nullptr) {
        return types.all_syscall();
      }
      if (memo == nullptr) {
        return Compute(*n.expansion, negated, types, memo);
      }
      auto key = std::make_pair(n.expansion.get(), negated);
      auto it = memo->find(key);
      if (it == memo->end()) {
        it = memo->emplace(key, Compute(*n.expansion, negated, types, memo)).first;
      }
      return it->second;
    }
    case Node::Kind::kCheck:
      break;
  }
  return Leaf(n, negated, types);
}

}  // namespace

EventTypeSet ComputeEventTypes(const Node& ast, const EventTypeTable& types, EventTypeMemo* memo) {
  return Compute(ast, false, types, memo);
}

}  // namespace saker::rules
