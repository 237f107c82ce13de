#include "server/rules/compiler/matchers.h"

#include <fnmatch.h>

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "re2/re2.h"

namespace saker::rules {

std::optional<CmpOp> ParseCmpOp(absl::string_view op) {
  static const std::pair<const char*, CmpOp> kOps[] = {
      {"=", CmpOp::kEq},           {"==", CmpOp::kEq},
      {"!=", CmpOp::kNe},          {"<", CmpOp::kLt},
      {"<=", CmpOp::kLe},          {">", CmpOp::kGt},
      {">=", CmpOp::kGe},          {"contains", CmpOp::kContains},
      {"icontains", CmpOp::kIContains}, {"startswith", CmpOp::kStartsWith},
      {"endswith", CmpOp::kEndsWith},   {"glob", CmpOp::kGlob},
      {"iglob", CmpOp::kIGlob},    {"regex", CmpOp::kRegex},
      {"bcontains", CmpOp::kBContains}, {"bstartswith", CmpOp::kBStartsWith},
      {"in", CmpOp::kIn},          {"intersects", CmpOp::kIntersects},
      {"pmatch", CmpOp::kPmatch},  {"exists", CmpOp::kExists}};
  for (const auto& [name, v] : kOps) {
    if (op == name) {
      return v;
    }
  }
  return std::nullopt;
}

absl::string_view CmpOpName(CmpOp op) {
  static const char* kNames[] = {"=",         "!=",         "<",          "<=",
                                 ">",         ">=",         "contains",   "icontains",
                                 "startswith", "endswith",  "glob",       "iglob",
                                 "regex",     "bcontains",  "bstartswith", "in",
                                 "intersects", "pmatch",    "exists"};
  return kNames[static_cast<int>(op)];
}

GlobPattern::GlobPattern(std::string pattern, bool casefold)
    : pattern_(std::move(pattern)), flags_(casefold ? FNM_CASEFOLD : 0) {}

bool GlobPattern::Match(absl::string_view value) {
  scratch_.assign(value.data(), value.size());
  return ::fnmatch(pattern_.c_str(), scratch_.c_str(), flags_) == 0;
}

namespace {

bool HasGlobChars(absl::string_view s) { return s.find_first_of("*?[") != absl::string_view::npos; }

}  // namespace

void PathPrefixSet::Add(absl::string_view path) {
  int node = 0;
  for (absl::string_view comp : absl::StrSplit(path, '/', absl::SkipEmpty())) {
    int next = -1;
    if (HasGlobChars(comp)) {
      next = static_cast<int>(nodes_.size());
      nodes_[node].globs.emplace_back(std::make_unique<GlobPattern>(std::string(comp), false),
                                      next);
      nodes_.emplace_back();
    } else {
      auto it = nodes_[node].children.find(comp);
      if (it != nodes_[node].children.end()) {
        next = it->second;
      } else {
        next = static_cast<int>(nodes_.size());
        nodes_[node].children.emplace(std::string(comp), next);
        nodes_.emplace_back();
      }
    }
    node = next;
  }
  nodes_[node].terminal = true;
}

bool PathPrefixSet::MatchFrom(int node, absl::string_view rest) {
  if (nodes_[node].terminal) {
    return true;
  }
  while (!rest.empty() && rest[0] == '/') {
    rest.remove_prefix(1);
  }
  if (rest.empty()) {
    return false;
  }
  size_t slash = rest.find('/');
  absl::string_view comp = rest.substr(0, slash);
  absl::string_view tail = slash == absl::string_view::npos ? absl::string_view() : rest.substr(slash);
  auto it = nodes_[node].children.find(comp);
  if (it != nodes_[node].children.end() && MatchFrom(it->second, tail)) {
    return true;
  }
  for (auto& [glob, child] : nodes_[node].globs) {
    if (glob->Match(comp) && MatchFrom(child, tail)) {
      return true;
    }
  }
  return false;
}

bool PathPrefixSet::Match(absl::string_view path) { return MatchFrom(0, path); }

namespace {

bool IContains(absl::string_view hay, absl::string_view needle) {
  if (needle.empty()) {
    return true;
  }
  if (needle.size() > hay.size()) {
    return false;
  }
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    if (absl::EqualsIgnoreCase(hay.substr(i, needle.size()), needle)) {
      return true;
    }
  }
  return false;
}

class StringMatcher : public Matcher {
 public:
  StringMatcher(CmpOp op, std::string value) : op_(op), value_(std::move(value)) {}
  bool Match(const FieldValue& v) override {
    absl::string_view s = ValueToString(v, &scratch_);
    switch (op_) {
      case CmpOp::kEq:
      case CmpOp::kIn:
      case CmpOp::kIntersects:
        return s == value_;
      case CmpOp::kNe:
        return s != value_;
      case CmpOp::kLt:
        return s < value_;
      case CmpOp::kLe:
        return s <= value_;
      case CmpOp::kGt:
        return s > value_;
      case CmpOp::kGe:
        return s >= value_;
      case CmpOp::kContains:
      case CmpOp::kBContains:
        return absl::StrContains(s, value_);
      case CmpOp::kIContains:
        return IContains(s, value_);
      case CmpOp::kStartsWith:
      case CmpOp::kBStartsWith:
        return absl::StartsWith(s, value_);
      case CmpOp::kEndsWith:
        return absl::EndsWith(s, value_);
      default:
        return false;
    }
  }

 private:
  CmpOp op_;
  std::string value_;
  std::string scratch_;
};

class GlobMatcher : public Matcher {
 public:
  GlobMatcher(const std::string& pattern, bool casefold) : glob_(pattern, casefold) {}
  bool Match(const FieldValue& v) override { return glob_.Match(ValueToString(v, &scratch_)); }

 private:
  GlobPattern glob_;
  std::string scratch_;
};

class RegexMatcher : public Matcher {
 public:
  explicit RegexMatcher(std::unique_ptr<re2::RE2> re) : re_(std::move(re)) {}
  bool Match(const FieldValue& v) override {
    absl::string_view s = ValueToString(v, &scratch_);
    return re2::RE2::FullMatch(re2::StringPiece(s.data(), s.size()), *re_);
  }

 private:
  std::unique_ptr<re2::RE2> re_;
  std::string scratch_;
};

class StringSetMatcher : public Matcher {
 public:
  explicit StringSetMatcher(const std::vector<std::string>& values)
      : set_(values.begin(), values.end()) {}
  bool Match(const FieldValue& v) override { return set_.contains(ValueToString(v, &scratch_)); }

 private:
  absl::flat_hash_set<std::string> set_;
  std::string scratch_;
};

class PmatchMatcher : public Matcher {
 public:
  explicit PmatchMatcher(const std::vector<std::string>& values) {
    for (const std::string& v : values) {
      set_.Add(v);
    }
  }
  bool Match(const FieldValue& v) override { return set_.Match(ValueToString(v, &scratch_)); }

 private:
  PathPrefixSet set_;
  std::string scratch_;
};

bool CompareOrdered(CmpOp op, int c) {
  switch (op) {
    case CmpOp::kEq:
    case CmpOp::kIn:
    case CmpOp::kIntersects:
      return c == 0;
    case CmpOp::kNe:
      return c != 0;
    case CmpOp::kLt:
      return c < 0;
    case CmpOp::kLe:
      return c <= 0;
    case CmpOp::kGt:
      return c > 0;
    case CmpOp::kGe:
      return c >= 0;
    default:
      return false;
  }
}

class IntMatcher : public Matcher {
 public:
  IntMatcher(CmpOp op, std::vector<__int128> values) : op_(op), values_(std::move(values)) {}
  bool Match(const FieldValue& v) override {
    __int128 x = 0;
    if (!ValueToInt128(v, &x)) {
      return false;
    }
    if (op_ == CmpOp::kIn || op_ == CmpOp::kIntersects) {
      return std::find(values_.begin(), values_.end(), x) != values_.end();
    }
    __int128 y = values_[0];
    return CompareOrdered(op_, x < y ? -1 : (x > y ? 1 : 0));
  }

 private:
  CmpOp op_;
  std::vector<__int128> values_;
};

class DoubleMatcher : public Matcher {
 public:
  DoubleMatcher(CmpOp op, std::vector<double> values) : op_(op), values_(std::move(values)) {}
  bool Match(const FieldValue& v) override {
    double x = 0;
    if (!ValueToDouble(v, &x)) {
      return false;
    }
    if (op_ == CmpOp::kIn || op_ == CmpOp::kIntersects) {
      return std::find(values_.begin(), values_.end(), x) != values_.end();
    }
    double y = values_[0];
    return CompareOrdered(op_, x < y ? -1 : (x > y ? 1 : 0));
  }

 private:
  CmpOp op_;
  std::vector<double> values_;
};

class BoolMatcher : public Matcher {
 public:
  BoolMatcher(CmpOp op, std::vector<bool> values) : op_(op), values_(std::move(values)) {}
  bool Match(const FieldValue& v) override {
    bool b = false;
    if (!ValueToBool(v, &b)) {
      return false;
    }
    bool found = std::find(values_.begin(), values_.end(), b) != values_.end();
    return op_ == CmpOp::kNe ? !found : found;
  }

 private:
  CmpOp op_;
  std::vector<bool> values_;
};

class IpMatcher : public Matcher {
 public:
  IpMatcher(CmpOp op, std::vector<IpNet> nets) : op_(op), nets_(std::move(nets)) {}
  bool Match(const FieldValue& v) override {
    IpAddr ip;
    if (!ValueToIp(v, &ip)) {
      return false;
    }
    bool found = false;
    for (const IpNet& n : nets_) {
      if (n.Contains(ip)) {
        found = true;
        break;
      }
    }
    return op_ == CmpOp::kNe ? !found : found;
  }

 private:
  CmpOp op_;
  std::vector<IpNet> nets_;
};

class ModifierMatcher : public Matcher {
 public:
  ModifierMatcher(std::string mod, std::vector<std::unique_ptr<Matcher>> items)
      : mod_(std::move(mod)), items_(std::move(items)) {}
  bool Match(const FieldValue& v) override {
    size_t hits = 0;
    for (auto& m : items_) {
      if (m->Match(v)) {
        ++hits;
        if (mod_ == "anyof") {
          return true;
        }
        if (mod_ == "oneof" && hits > 1) {
          return false;
        }
      } else if (mod_ == "allof") {
        return false;
      }
    }
    if (mod_ == "oneof") {
      return hits == 1;
    }
    if (mod_ == "allof") {
      return true;
    }
    return false;
  }

 private:
  std::string mod_;
  std::vector<std::unique_ptr<Matcher>> items_;
};

class DynMatcher : public Matcher {
 public:
  DynMatcher(CmpOp op, std::vector<std::string> values) : op_(op), text_(std::move(values)) {
    for (const std::string& t : text_) {
      auto i = ParseInt64(t);
      numeric_.push_back(i.has_value());
      nums_.push_back(i.value_or(0));
    }
  }
  bool Match(const FieldValue& v) override {
    bool set_op = op_ == CmpOp::kIn || op_ == CmpOp::kIntersects;
    __int128 x = 0;
    bool is_num = v.kind != ValueKind::kString && v.kind != ValueKind::kIp &&
                  ValueToInt128(v, &x);
    absl::string_view s = is_num ? absl::string_view() : ValueToString(v, &scratch_);
    for (size_t i = 0; i < text_.size(); ++i) {
      int c = 0;
      if (is_num && numeric_[i]) {
        c = x < nums_[i] ? -1 : (x > nums_[i] ? 1 : 0);
      } else if (!is_num) {
        c = s.compare(text_[i]);
      } else {
        continue;
      }
      bool r = CompareOrdered(set_op ? CmpOp::kEq : op_, c);
      if (r || !set_op) {
        return r;
      }
    }
    return false;
  }

 private:
  CmpOp op_;
  std::vector<std::string> text_;
  std::vector<bool> numeric_;
  std::vector<int64_t> nums_;
  std::string scratch_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Matcher>> MakeStringMatcher(CmpOp op, const std::string& value) {
  switch (op) {
    case CmpOp::kGlob:
    case CmpOp::kIGlob:
      return std::unique_ptr<Matcher>(new GlobMatcher(value, op == CmpOp::kIGlob));
    case CmpOp::kRegex: {
      re2::RE2::Options opts;
      opts.set_posix_syntax(true);
      opts.set_log_errors(false);
      auto re = std::make_unique<re2::RE2>(value, opts);
      if (!re->ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("invalid regular expression '", value, "': ", re->error()));
      }
      return std::unique_ptr<Matcher>(new RegexMatcher(std::move(re)));
    }
    case CmpOp::kBContains:
    case CmpOp::kBStartsWith: {
      auto bytes = Unhex(value);
      if (!bytes) {
        return absl::InvalidArgumentError(
            absl::StrCat("invalid hex value '", value, "' for ", CmpOpName(op)));
      }
      return std::unique_ptr<Matcher>(new StringMatcher(op, *bytes));
    }
    default:
      return std::unique_ptr<Matcher>(new StringMatcher(op, value));
  }
}

std::unique_ptr<Matcher> MakeStringSetMatcher(const std::vector<std::string>& values) {
  return std::make_unique<StringSetMatcher>(values);
}

std::unique_ptr<Matcher> MakePmatchMatcher(const std::vector<std::string>& values) {
  return std::make_unique<PmatchMatcher>(values);
}

absl::StatusOr<std::unique_ptr<Matcher>> MakeNumericMatcher(
    CmpOp op, FieldType type, const std::vector<std::string>& values) {
  if (type == FieldType::kDOUBLE) {
    std::vector<double> ds;
    for (const std::string& v : values) {
      auto d = ParseDouble(v);
      if (!d) {
        return absl::InvalidArgumentError(absl::StrCat("'", v, "' is not a valid number"));
      }
      ds.push_back(*d);
    }
    return std::unique_ptr<Matcher>(new DoubleMatcher(op, std::move(ds)));
  }
  std::vector<__int128> ns;
  for (const std::string& v : values) {
    std::optional<__int128> n;
    if (type == FieldType::kPORT) {
      if (auto p = ParsePort(v)) n = *p;
    } else if (auto i = ParseInt64(v)) {
      n = *i;
    } else if (auto u = ParseUint64(v)) {
      n = *u;
    }
    if (!n) {
      return absl::InvalidArgumentError(
          absl::StrCat("'", v, "' is not a valid number for a ", FieldTypeName(type), " field"));
    }
    ns.push_back(*n);
  }
  return std::unique_ptr<Matcher>(new IntMatcher(op, std::move(ns)));
}

absl::StatusOr<std::unique_ptr<Matcher>> MakeBoolMatcher(CmpOp op,
                                                         const std::vector<std::string>& values) {
  std::vector<bool> bs;
  for (const std::string& v : values) {
    if (v != "true" && v != "false") {
      return absl::InvalidArgumentError(
          absl::StrCat("'", v, "' is not a valid boolean: use true or false"));
    }
    bs.push_back(v == "true");
  }
  return std::unique_ptr<Matcher>(new BoolMatcher(op, std::move(bs)));
}

absl::StatusOr<std::unique_ptr<Matcher>> MakeIpMatcher(CmpOp op, FieldType type,
                                                       const std::vector<std::string>& values) {
  std::vector<IpNet> nets;
  for (const std::string& v : values) {
    std::optional<IpNet> n;
    if (type == FieldType::kIPNET) {
      n = ParseIpNet(v);
    } else if (auto ip = ParseIp(v)) {
      n = IpNet{*ip, 128};
    }
    if (!n) {
      return absl::InvalidArgumentError(absl::StrCat(
          "'", v, "' is not a valid ", type == FieldType::kIPNET ? "network" : "IP address"));
    }
    nets.push_back(*n);
  }
  return std::unique_ptr<Matcher>(new IpMatcher(op, std::move(nets)));
}

std::unique_ptr<Matcher> MakeModifierMatcher(std::string modifier,
                                             std::vector<std::unique_ptr<Matcher>> per_item) {
  return std::make_unique<ModifierMatcher>(std::move(modifier), std::move(per_item));
}

absl::StatusOr<std::unique_ptr<Matcher>> MakeDynMatcher(CmpOp op,
                                                        const std::vector<std::string>& values) {
  return std::unique_ptr<Matcher>(new DynMatcher(op, values));
}

bool CompareValues(CmpOp op, FieldType type, const FieldValue& lhs, const FieldValue& rhs,
                   std::string* scratch_a, std::string* scratch_b) {
  if (IsNumericType(type) || type == FieldType::kBOOL) {
    __int128 a = 0;
    __int128 b = 0;
    if (!ValueToInt128(lhs, &a) || !ValueToInt128(rhs, &b)) {
      return false;
    }
    return CompareOrdered(op, a < b ? -1 : (a > b ? 1 : 0));
  }
  if (type == FieldType::kIPADDR) {
    IpAddr a;
    IpAddr b;
    if (!ValueToIp(lhs, &a) || !ValueToIp(rhs, &b)) {
      return false;
    }
    return CompareOrdered(op, a == b ? 0 : 1);
  }
  absl::string_view a = ValueToString(lhs, scratch_a);
  absl::string_view b = ValueToString(rhs, scratch_b);
  switch (op) {
    case CmpOp::kContains:
    case CmpOp::kBContains:
      return absl::StrContains(a, b);
    case CmpOp::kIContains:
      return IContains(a, b);
    case CmpOp::kStartsWith:
    case CmpOp::kBStartsWith:
      return absl::StartsWith(a, b);
    case CmpOp::kEndsWith:
      return absl::EndsWith(a, b);
    case CmpOp::kGlob:
    case CmpOp::kIGlob: {
      std::string p(b);
      std::string s(a);
      return ::fnmatch(p.c_str(), s.c_str(), op == CmpOp::kIGlob ? FNM_CASEFOLD : 0) == 0;
    }
    default:
      return CompareOrdered(op, a.compare(b) < 0 ? -1 : (a.compare(b) > 0 ? 1 : 0));
  }
}

}  // namespace saker::rules
