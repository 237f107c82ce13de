#include "server/rules/compiler/compiler.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/rules/compiler/values.h"

namespace saker::rules {

const FieldRef* FieldRefTable::Intern(const ResolvedField& f, bool all_ancestors,
                                      bool both_endpoints, const std::string& display) {
  std::string key = f.has_arg ? absl::StrCat(f.info->name, "[", f.arg, "]") : f.info->name;
  if (all_ancestors) {
    absl::StrAppend(&key, "#all");
  }
  auto it = by_key_.find(key);
  if (it != by_key_.end()) {
    return it->second;
  }
  auto ref = std::make_unique<FieldRef>();
  ref->field = f.info;
  ref->field_id = f.id;
  ref->has_arg = f.has_arg;
  ref->arg = f.arg;
  if (auto idx = ParseInt64(f.arg); f.has_arg && idx && *idx >= 0) {
    ref->arg_index = *idx;
  }
  ref->all_ancestors = all_ancestors;
  ref->both_endpoints = both_endpoints;
  ref->slot = static_cast<int>(refs_.size());
  ref->key = f.has_arg ? absl::StrCat(f.info->name, "[", f.arg, "]") : f.info->name;
  ref->display = display;
  FieldRef* raw = ref.get();
  refs_.push_back(std::move(ref));
  by_key_.emplace(key, raw);
  return raw;
}

absl::Status ConditionCompiler::Error(const Position& pos, std::string msg) {
  if (error_pos_ != nullptr) {
    *error_pos_ = pos;
  }
  return absl::InvalidArgumentError(std::move(msg));
}

absl::StatusOr<std::unique_ptr<Filter>> ConditionCompiler::Compile(
    const Node& ast, Position* error_pos, std::vector<std::string>* warnings) {
  error_pos_ = error_pos;
  warnings_ = warnings;
  return CompileNode(ast);
}

absl::StatusOr<std::unique_ptr<Operand>> ConditionCompiler::CompileOperand(const ValueExpr& expr,
                                                                           bool for_output,
                                                                           Position* error_pos) {
  error_pos_ = error_pos;
  return Operand_(expr, for_output, false);
}

absl::StatusOr<std::unique_ptr<Filter>> ConditionCompiler::CompileNode(const Node& n) {
  switch (n.kind) {
    case Node::Kind::kAnd:
    case Node::Kind::kOr: {
      std::vector<std::unique_ptr<Filter>> children;
      for (const Node& c : n.children) {
        auto f = CompileNode(c);
        if (!f.ok()) {
          return f.status();
        }
        children.push_back(std::move(*f));
      }
      return n.kind == Node::Kind::kAnd ? MakeAnd(std::move(children))
                                        : MakeOr(std::move(children));
    }
    case Node::Kind::kNot: {
      auto f = CompileNode(n.children[0]);
      if (!f.ok()) {
        return f.status();
      }
      return MakeNot(std::move(*f));
    }
    case Node::Kind::kMacroRef:
      if (n.expansion != nullptr) {
        return CompileMacro(n);
      }
      return Error(n.pos, absl::StrCat("Undefined macro '", n.macro, "' used in filter."));
    case Node::Kind::kCheck:
      break;
  }
  // Share identical checks across rules (evaluated once per event).
  std::string key = absl::StrCat(
      n.lhs.ToString(), "\x01", n.op, "\x01", n.modifier, "\x01", static_cast<int>(n.rhs_kind),
      "\x01", n.rhs_kind == Node::RhsKind::kOperand ? n.rhs.ToString() : "", "\x01", n.value);
  for (const std::string& v : n.list) {
    absl::StrAppend(&key, "\x02", v);
  }
  auto& shared = refs_->shared_checks();
  auto it = shared.find(key);
  if (it != shared.end()) {
    return MakeShared(it->second);
  }
  auto f = CompileCheck(n);
  if (!f.ok()) {
    return f.status();
  }
  std::shared_ptr<Filter> memo = MakeMemo(std::move(*f));
  shared.emplace(std::move(key), memo);
  return MakeShared(std::move(memo));
}

absl::StatusOr<std::unique_ptr<Filter>> ConditionCompiler::CompileMacro(const Node& n) {
  auto& cache = refs_->macro_filters();
  auto it = cache.find(n.expansion.get());
  if (it == cache.end()) {
    std::vector<std::string> notes;
    std::vector<std::string>* outer = warnings_;
    warnings_ = &notes;
    auto f = CompileNode(*n.expansion);
    warnings_ = outer;
    if (!f.ok()) {
      return f.status();
    }
    FieldRefTable::MacroFilter entry{n.expansion, MakeMemo(std::move(*f)), std::move(notes)};
    it = cache.emplace(n.expansion.get(), std::move(entry)).first;
  }
  if (warnings_ != nullptr) {
    warnings_->insert(warnings_->end(), it->second.notes.begin(), it->second.notes.end());
  }
  return MakeShared(it->second.filter);
}

absl::StatusOr<std::unique_ptr<Operand>> ConditionCompiler::Operand_(const ValueExpr& e,
                                                                     bool for_output,
                                                                     bool transformed) {
  // Transformers recurse (up to the depth limit): keep this frame small and
  // the field's checks, with their temporaries, in a frame of their own.
  if (e.kind == ValueExpr::Kind::kTransformer) {
    return Transformer(e, for_output);
  }
  return FieldOperand(e, for_output, transformed);
}

absl::StatusOr<std::unique_ptr<Operand>> ConditionCompiler::FieldOperand(const ValueExpr& e,
                                                                         bool for_output,
                                                                         bool transformed) {
  if (e.kind != ValueExpr::Kind::kField) {
    return Error(e.pos, absl::StrCat("expected a field but found '", e.ToString(), "'"));
  }
  ResolvedField rf;
  if (!registry_->Resolve(e.name, e.has_arg, e.arg, &rf)) {
    return Error(e.pos, absl::StrCat("nonexistent field '", e.ToString(), "'"));
  }
  const FieldInfo& fi = *rf.info;
  std::string shown = e.has_arg ? absl::StrCat(e.name, "[", e.arg, "]") : e.name;
  if (fi.Has(FieldFlag::kArgRequired) && !rf.has_arg) {
    return Error(e.pos, absl::StrCat("field '", fi.name, "' requires an argument"));
  }
  if (rf.has_arg && !fi.Has(FieldFlag::kArgRequired) && !fi.Has(FieldFlag::kArgAllowed)) {
    return Error(e.pos, absl::StrCat("field '", fi.name, "' does not take an argument"));
  }
  if (rf.has_arg && fi.Has(FieldFlag::kArgIndex) && !fi.Has(FieldFlag::kArgKey) &&
      !ParseInt64(rf.arg).has_value() && !fi.Has(FieldFlag::kPlugin)) {
    return Error(e.pos, absl::StrCat("the argument of '", fi.name, "' must be a number, not '",
                                     rf.arg, "'"));
  }
  if (transformed && fi.Has(FieldFlag::kNoTransformer)) {
    return Error(e.pos, absl::StrCat("field '", fi.name, "' cannot be used with transformers"));
  }
  if (for_output && fi.Has(FieldFlag::kFilterOnly)) {
    return Error(e.pos, absl::StrCat("field '", fi.name, "' can only be used in conditions"));
  }
  if (!for_output && fi.Has(FieldFlag::kPrintOnly)) {
    return Error(e.pos, absl::StrCat("field '", fi.name, "' can only be used in outputs"));
  }
  if (!rf.has_arg &&
      (std::string(fi.name) == "evt.type" || std::string(fi.name) == "syscall.type")) {
    return MakeEvtTypeOperand();
  }
  bool all = fi.Has(FieldFlag::kAnyAncestor) && !rf.has_arg;
  const FieldRef* ref = refs_->Intern(rf, all, fi.Has(FieldFlag::kEitherEndpoint),
                                      e.name == fi.name ? shown : e.name);
  return MakeFieldOperand(ref);
}

absl::StatusOr<std::unique_ptr<Operand>> ConditionCompiler::Transformer(const ValueExpr& e,
                                                                        bool for_output) {
  static const std::pair<const char*, TransformKind> kKinds[] = {
      {"tolower", TransformKind::kToLower}, {"toupper", TransformKind::kToUpper},
      {"b64", TransformKind::kB64},         {"basename", TransformKind::kBasename},
      {"len", TransformKind::kLen},         {"join", TransformKind::kJoin},
      {"concat", TransformKind::kConcat}};
  std::optional<TransformKind> kind;
  for (const auto& [name, k] : kKinds) {
    if (e.name == name) {
      kind = k;
    }
  }
  if (!kind) {
    return Error(e.pos, absl::StrCat("transformer '", e.name, "' is not supported"));
  }
  if (e.has_arg) {
    return Error(e.pos, absl::StrCat("an index on the result of '", e.name, "' is not supported"));
  }
  std::vector<std::unique_ptr<Operand>> args;
  std::vector<std::string> literals;
  for (const ValueExpr& a : e.args) {
    if (a.kind == ValueExpr::Kind::kLiteral) {
      args.push_back(nullptr);
      literals.push_back(a.literal);
      continue;
    }
    if (a.kind == ValueExpr::Kind::kList) {
      return Error(a.pos, absl::StrCat("list arguments to '", e.name, "' are not supported"));
    }
    auto op = Operand_(a, for_output, true);
    if (!op.ok()) {
      return op.status();
    }
    args.push_back(std::move(*op));
    literals.emplace_back();
  }
  return FinishTransformer(e, *kind, std::move(args), std::move(literals));
}

absl::StatusOr<std::unique_ptr<Operand>> ConditionCompiler::FinishTransformer(
    const ValueExpr& e, TransformKind kind, std::vector<std::unique_ptr<Operand>> args,
    std::vector<std::string> literals) {
  FieldType out = FieldType::kCHARBUF;
  bool single = kind != TransformKind::kJoin && kind != TransformKind::kConcat;
  if (single) {
    if (args.size() != 1 || args[0] == nullptr) {
      return Error(e.pos, absl::StrCat("transformer '", e.name, "' takes exactly one field"));
    }
    FieldType in = args[0]->type();
    bool str = in == FieldType::kCHARBUF;
    bool bytes = in == FieldType::kBYTEBUF;
    bool ok = (kind == TransformKind::kB64 || kind == TransformKind::kLen) ? (str || bytes) : str;
    if (!ok && !(kind == TransformKind::kLen && args[0]->is_list())) {
      return Error(e.pos, absl::StrCat("transformer '", e.name, "' cannot be applied to a ",
                                       FieldTypeName(in), " field"));
    }
    out = kind == TransformKind::kLen   ? FieldType::kUINT64
          : kind == TransformKind::kB64 ? in
                                        : FieldType::kCHARBUF;
  } else if (kind == TransformKind::kJoin) {
    if (args.size() != 2 || args[0] != nullptr || args[1] == nullptr) {
      return Error(e.pos, "join takes a separator string and a field");
    }
  } else if (args.size() < 2) {
    return Error(e.pos, "concat takes at least two arguments");
  }
  return MakeTransformOperand(kind, out, std::move(args), std::move(literals));
}

}  // namespace saker::rules
