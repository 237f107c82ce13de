#include "server/rules/compiler/filter.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"

namespace saker::rules {
namespace {

class FieldOperand : public Operand {
 public:
  explicit FieldOperand(const FieldRef* ref) {
    ref_ = ref;
    type_ = ref->field->type;
    is_list_ = ref->field->Has(FieldFlag::kIsList);
  }
  const FieldValues* Get(EvalContext& ctx) override {
    if (ctx.cache != nullptr) {
      return ctx.cache->Get(*ref_, ctx.extractor);
    }
    buf_.Clear();
    if (ctx.extractor == nullptr || !ctx.extractor->Extract(*ref_, &buf_) || buf_.empty()) {
      return nullptr;
    }
    return &buf_;
  }

 private:
  FieldValues buf_;
};

class EvtTypeOperand : public Operand {
 public:
  const FieldValues* Get(EvalContext& ctx) override {
    buf_.Clear();
    if (ctx.types == nullptr || ctx.evt_type >= ctx.types->size()) {
      return nullptr;
    }
    buf_.AddString(ctx.types->Name(ctx.evt_type));
    return &buf_;
  }

 private:
  FieldValues buf_;
};

class TransformOperand : public Operand {
 public:
  TransformOperand(TransformKind kind, FieldType out_type,
                   std::vector<std::unique_ptr<Operand>> args, std::vector<std::string> literals)
      : kind_(kind), args_(std::move(args)), literals_(std::move(literals)) {
    type_ = out_type;
  }

  const FieldValues* Get(EvalContext& ctx) override {
    buf_.Clear();
    switch (kind_) {
      case TransformKind::kJoin:
        return Join(ctx);
      case TransformKind::kConcat:
        return Concat(ctx);
      default:
        break;
    }
    const FieldValues* in = args_[0]->Get(ctx);
    if (in == nullptr) {
      return nullptr;
    }
    if (kind_ == TransformKind::kLen && args_[0]->is_list()) {
      buf_.AddUint(in->size());
      return &buf_;
    }
    for (size_t i = 0; i < in->size(); ++i) {
      absl::string_view s = ValueToString((*in)[i], &tmp_);
      if (kind_ == TransformKind::kLen) {
        buf_.AddUint(s.size());
        continue;
      }
      std::string* out = buf_.Scratch();
      Apply(s, out);
      buf_.AddString(*out);
    }
    return &buf_;
  }

 private:
  void Apply(absl::string_view s, std::string* out) {
    switch (kind_) {
      case TransformKind::kToLower:
        out->assign(s.data(), s.size());
        absl::AsciiStrToLower(out);
        break;
      case TransformKind::kToUpper:
        out->assign(s.data(), s.size());
        absl::AsciiStrToUpper(out);
        break;
      case TransformKind::kB64:
        if (!absl::Base64Unescape(s, out)) {
          out->clear();
        }
        break;
      case TransformKind::kBasename: {
        size_t slash = s.rfind('/');
        absl::string_view b = slash == absl::string_view::npos ? s : s.substr(slash + 1);
        out->assign(b.data(), b.size());
        break;
      }
      default:
        break;
    }
  }

  const FieldValues* Join(EvalContext& ctx) {
    const FieldValues* in = args_[1]->Get(ctx);
    if (in == nullptr) {
      return nullptr;
    }
    std::string* out = buf_.Scratch();
    for (size_t i = 0; i < in->size(); ++i) {
      if (i > 0) {
        out->append(literals_[0]);
      }
      absl::string_view s = ValueToString((*in)[i], &tmp_);
      out->append(s.data(), s.size());
    }
    buf_.AddString(*out);
    return &buf_;
  }

  const FieldValues* Concat(EvalContext& ctx) {
    std::string* out = buf_.Scratch();
    for (size_t i = 0; i < args_.size(); ++i) {
      if (args_[i] == nullptr) {
        out->append(literals_[i]);
        continue;
      }
      const FieldValues* in = args_[i]->Get(ctx);
      if (in == nullptr) {
        return nullptr;
      }
      absl::string_view s = ValueToString((*in)[0], &tmp_);
      out->append(s.data(), s.size());
    }
    buf_.AddString(*out);
    return &buf_;
  }

  TransformKind kind_;
  std::vector<std::unique_ptr<Operand>> args_;
  std::vector<std::string> literals_;
  FieldValues buf_;
  std::string tmp_;
};

class AndFilter : public Filter {
 public:
  explicit AndFilter(std::vector<std::unique_ptr<Filter>> c) : children_(std::move(c)) {}
  bool Eval(EvalContext& ctx) override {
    for (auto& c : children_) {
      if (!c->Eval(ctx)) {
        return false;
      }
    }
    return true;
  }

 private:
  std::vector<std::unique_ptr<Filter>> children_;
};

class OrFilter : public Filter {
 public:
  explicit OrFilter(std::vector<std::unique_ptr<Filter>> c) : children_(std::move(c)) {}
  bool Eval(EvalContext& ctx) override {
    for (auto& c : children_) {
      if (c->Eval(ctx)) {
        return true;
      }
    }
    return false;
  }

 private:
  std::vector<std::unique_ptr<Filter>> children_;
};

class NotFilter : public Filter {
 public:
  explicit NotFilter(std::unique_ptr<Filter> c) : child_(std::move(c)) {}
  bool Eval(EvalContext& ctx) override { return !child_->Eval(ctx); }

 private:
  std::unique_ptr<Filter> child_;
};

class ConstFilter : public Filter {
 public:
  explicit ConstFilter(bool v) : v_(v) {}
  bool Eval(EvalContext&) override { return v_; }

 private:
  bool v_;
};

class ExistsFilter : public Filter {
 public:
  explicit ExistsFilter(std::unique_ptr<Operand> op) : op_(std::move(op)) {}
  bool Eval(EvalContext& ctx) override { return op_->Get(ctx) != nullptr; }

 private:
  std::unique_ptr<Operand> op_;
};

class EvtTypeFilter : public Filter {
 public:
  explicit EvtTypeFilter(const EventTypeSet& set) : set_(set) {}
  bool Eval(EvalContext& ctx) override {
    return ctx.evt_type < kMaxEventTypes && set_.test(ctx.evt_type);
  }

 private:
  EventTypeSet set_;
};

class CheckFilter : public Filter {
 public:
  CheckFilter(std::unique_ptr<Operand> lhs, std::unique_ptr<Matcher> m, Aggregation agg)
      : lhs_(std::move(lhs)), m_(std::move(m)), agg_(agg) {}
  bool Eval(EvalContext& ctx) override {
    const FieldValues* v = lhs_->Get(ctx);
    if (v == nullptr) {
      return false;  // not extractable: false for every operator
    }
    size_t n = v->size();
    if (agg_ == Aggregation::kAll) {
      for (size_t i = 0; i < n; ++i) {
        if (!m_->Match((*v)[i])) {
          return false;
        }
      }
      return true;
    }
    for (size_t i = 0; i < n; ++i) {
      if (m_->Match((*v)[i])) {
        return true;
      }
    }
    return false;
  }

 private:
  std::unique_ptr<Operand> lhs_;
  std::unique_ptr<Matcher> m_;
  Aggregation agg_;
};

class FieldCompareFilter : public Filter {
 public:
  FieldCompareFilter(std::unique_ptr<Operand> lhs, CmpOp op, std::unique_ptr<Operand> rhs,
                     Aggregation agg)
      : lhs_(std::move(lhs)), rhs_(std::move(rhs)), op_(op), agg_(agg) {}
  bool Eval(EvalContext& ctx) override {
    const FieldValues* l = lhs_->Get(ctx);
    if (l == nullptr) {
      return false;
    }
    const FieldValues* r = rhs_->Get(ctx);
    if (r == nullptr) {
      return false;
    }
    bool set_op = op_ == CmpOp::kIn || op_ == CmpOp::kIntersects;
    for (size_t i = 0; i < l->size(); ++i) {
      bool hit = false;
      if (set_op) {
        for (size_t j = 0; j < r->size() && !hit; ++j) {
          hit = CompareValues(CmpOp::kEq, lhs_->type(), (*l)[i], (*r)[j], &a_, &b_);
        }
      } else {
        hit = CompareValues(op_, lhs_->type(), (*l)[i], (*r)[0], &a_, &b_);
      }
      if (agg_ == Aggregation::kAll && !hit) {
        return false;
      }
      if (agg_ == Aggregation::kAny && hit) {
        return true;
      }
    }
    return agg_ == Aggregation::kAll;
  }

 private:
  std::unique_ptr<Operand> lhs_;
  std::unique_ptr<Operand> rhs_;
  CmpOp op_;
  Aggregation agg_;
  std::string a_;
  std::string b_;
};

class SharedFilter : public Filter {
 public:
  explicit SharedFilter(std::shared_ptr<Filter> impl) : impl_(std::move(impl)) {}
  bool Eval(EvalContext& ctx) override { return impl_->Eval(ctx); }

 private:
  std::shared_ptr<Filter> impl_;
};

// The shared instance: memoizes its result per event.
class MemoFilter : public Filter {
 public:
  explicit MemoFilter(std::unique_ptr<Filter> inner) : inner_(std::move(inner)) {}
  bool Eval(EvalContext& ctx) override {
    if (ctx.cache == nullptr) {
      return inner_->Eval(ctx);
    }
    uint64_t gen = ctx.cache->generation();
    if (stamp_ != gen) {
      stamp_ = gen;
      result_ = inner_->Eval(ctx);
    }
    return result_;
  }

 private:
  std::unique_ptr<Filter> inner_;
  uint64_t stamp_ = 0;
  bool result_ = false;
};

}  // namespace

std::unique_ptr<Filter> MakeShared(std::shared_ptr<Filter> check) {
  return std::make_unique<SharedFilter>(std::move(check));
}

std::shared_ptr<Filter> MakeMemo(std::unique_ptr<Filter> inner) {
  return std::make_shared<MemoFilter>(std::move(inner));
}

std::unique_ptr<Operand> MakeFieldOperand(const FieldRef* ref) {
  return std::make_unique<FieldOperand>(ref);
}

std::unique_ptr<Operand> MakeEvtTypeOperand() { return std::make_unique<EvtTypeOperand>(); }

std::unique_ptr<Operand> MakeTransformOperand(TransformKind kind, FieldType out_type,
                                              std::vector<std::unique_ptr<Operand>> args,
                                              std::vector<std::string> literals) {
  return std::make_unique<TransformOperand>(kind, out_type, std::move(args), std::move(literals));
}

std::unique_ptr<Filter> MakeAnd(std::vector<std::unique_ptr<Filter>> children) {
  return std::make_unique<AndFilter>(std::move(children));
}
std::unique_ptr<Filter> MakeOr(std::vector<std::unique_ptr<Filter>> children) {
  return std::make_unique<OrFilter>(std::move(children));
}
std::unique_ptr<Filter> MakeNot(std::unique_ptr<Filter> child) {
  return std::make_unique<NotFilter>(std::move(child));
}
std::unique_ptr<Filter> MakeConst(bool value) { return std::make_unique<ConstFilter>(value); }
std::unique_ptr<Filter> MakeExists(std::unique_ptr<Operand> operand) {
  return std::make_unique<ExistsFilter>(std::move(operand));
}
std::unique_ptr<Filter> MakeEvtTypeFilter(const EventTypeSet& set) {
  return std::make_unique<EvtTypeFilter>(set);
}
std::unique_ptr<Filter> MakeCheck(std::unique_ptr<Operand> lhs, std::unique_ptr<Matcher> matcher,
                                  Aggregation agg) {
  return std::make_unique<CheckFilter>(std::move(lhs), std::move(matcher), agg);
}
std::unique_ptr<Filter> MakeFieldCompare(std::unique_ptr<Operand> lhs, CmpOp op,
                                         std::unique_ptr<Operand> rhs, Aggregation agg) {
  return std::make_unique<FieldCompareFilter>(std::move(lhs), op, std::move(rhs), agg);
}

}  // namespace saker::rules
