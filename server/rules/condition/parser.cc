#include "server/rules/condition/parser.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace saker::rules {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\b' || c == '\r' || c == '\n'; }
bool IsAlpha(char c) { return absl::ascii_isalpha(static_cast<unsigned char>(c)); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsIdentChar(char c) { return IsAlpha(c) || IsDigit(c) || c == '_'; }
bool IsBareStrChar(char c) {
  return !IsBlank(c) && c != '(' && c != ')' && c != '"' && c != '\'' && c != '=' && c != ',';
}

constexpr const char* kTransformers[] = {"tolower", "toupper", "b64",    "basename",
                                         "len",     "join",    "concat", "getopt"};
// Word operators need a following blank; symbol operators do not.
constexpr const char* kNumOps[] = {"<=", "<", ">=", ">"};
constexpr const char* kStrSymOps[] = {"==", "=", "!="};
constexpr const char* kStrWordOps[] = {"bcontains", "bstartswith", "contains",   "endswith", "glob",
                                       "icontains", "iglob",       "startswith", "regex"};
constexpr const char* kListOps[] = {"intersects", "in", "pmatch"};
constexpr const char* kModifiers[] = {"oneof", "anyof", "allof"};

class Parser {
 public:
  Parser(const SourceText& text, const ParseOptions& opts)
      : src_(text), s_(text.text()), opts_(opts) {}

  absl::StatusOr<Node> Run(Position* error_pos);

 private:
  // Errors are recorded once (the first, deepest); parsing then unwinds.
  bool Fail(size_t at, std::string msg) {
    if (!failed_) {
      failed_ = true;
      err_at_ = at;
      err_ = std::move(msg);
    }
    return false;
  }
  Position Here(size_t at) const { return src_.Locate(at); }
  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek(size_t ahead = 0) const { return pos_ + ahead < s_.size() ? s_[pos_ + ahead] : '\0'; }
  void SkipBlanks() {
    while (!AtEnd() && IsBlank(s_[pos_])) {
      ++pos_;
    }
  }
  bool StartsWith(absl::string_view w) const {
    return s_.compare(pos_, w.size(), w.data(), w.size()) == 0;
  }
  // `w` followed by a blank (or by one of `also`, or the end when allowed).
  bool Keyword(absl::string_view w, absl::string_view also = "", bool end_ok = false) const {
    if (!StartsWith(w)) {
      return false;
    }
    size_t n = pos_ + w.size();
    if (n >= s_.size()) {
      return end_ok;
    }
    return IsBlank(s_[n]) || also.find(s_[n]) != absl::string_view::npos;
  }
  std::string Snippet(size_t at) const {
    if (at >= s_.size()) {
      return "end of condition";
    }
    size_t end = at;
    while (end < s_.size() && end - at < 20 && !IsBlank(s_[end])) {
      ++end;
    }
    return absl::StrCat("'", s_.substr(at, std::max<size_t>(end - at, 1)), "'");
  }

  bool Enter() {
    if (++depth_ > opts_.max_depth) {
      return Fail(pos_, absl::StrCat("exceeded max depth limit of ", opts_.max_depth,
                                     " (saker.rules.limits.max_depth)"));
    }
    return true;
  }
  void Leave() { --depth_; }

  bool ParseOr(Node* out);
  bool ParseAnd(Node* out);
  bool ParseNary(Node* out, absl::string_view keyword, Node::Kind kind,
                 bool (Parser::*operand)(Node*));
  bool ParseNot(Node* out);
  void WrapNot(Node* out, size_t start);
  void MakeParent(Node* out, Node::Kind kind, size_t start, std::vector<Node> children);
  bool ParseCheck(Node* out);
  bool ParseGroup(Node* out);
  bool FailUnclosed();
  bool ParseLeaf(Node* out);
  bool ParseCondition(Node* out);
  bool ParseFieldName(std::string* name);
  bool ParseField(ValueExpr* out);
  bool ParseFieldArg(std::string* arg, bool* quoted);
  bool MatchTransformer(std::string* name) const;
  bool ParseTransformer(ValueExpr* out);
  bool ParseTransformerArg(ValueExpr* out);
  bool ParseTransformerOrVal(ValueExpr* out);
  bool ParseQuoted(std::string* out);
  bool ParseStrValue(std::string* out, bool* quoted);
  bool ParseNumValue(std::string* out);
  bool ParseListValue(std::vector<std::string>* out, bool allow_identifier);

  const SourceText& src_;
  const std::string& s_;
  ParseOptions opts_;
  size_t pos_ = 0;
  int depth_ = 0;
  bool failed_ = false;
  size_t err_at_ = 0;
  std::string err_;
};

absl::StatusOr<Node> Parser::Run(Position* error_pos) {
  Node root;
  SkipBlanks();
  bool ok = ParseOr(&root);
  if (ok) {
    SkipBlanks();
    if (!AtEnd()) {
      ok = Fail(pos_, absl::StrCat("unexpected token ", Snippet(pos_),
                                   ", expecting 'or', 'and' or the end of the condition"));
    }
  }
  if (!ok) {
    if (error_pos != nullptr) {
      *error_pos = Here(err_at_);
    }
    return absl::InvalidArgumentError(err_);
  }
  return root;
}

bool Parser::ParseOr(Node* out) { return ParseNary(out, "or", Node::Kind::kOr, &Parser::ParseAnd); }

bool Parser::ParseAnd(Node* out) {
  return ParseNary(out, "and", Node::Kind::kAnd, &Parser::ParseNot);
}

// operand (keyword operand)*: one n-ary node, or the lone operand itself.
bool Parser::ParseNary(Node* out, absl::string_view keyword, Node::Kind kind,
                       bool (Parser::*operand)(Node*)) {
  // Operands are parsed straight into the heap (`out`, then `children`):
  // a Node on this recursive frame would cost its size per nesting level.
  size_t start = pos_;
  if (!(this->*operand)(out)) {
    return false;
  }
  std::vector<Node> children;
  for (;;) {
    SkipBlanks();
    if (!Keyword(keyword, "(")) {
      break;
    }
    pos_ += keyword.size();
    SkipBlanks();
    if (children.empty()) {
      children.push_back(std::move(*out));
    }
    children.emplace_back();
    if (!(this->*operand)(&children.back())) {
      return false;
    }
  }
  if (!children.empty()) {
    MakeParent(out, kind, start, std::move(children));
  }
  return true;
}

void Parser::WrapNot(Node* out, size_t start) {
  std::vector<Node> inner;
  inner.push_back(std::move(*out));
  MakeParent(out, Node::Kind::kNot, start, std::move(inner));
}

// Out of line, so that its temporaries stay off the recursive frames.
void Parser::MakeParent(Node* out, Node::Kind kind, size_t start, std::vector<Node> children) {
  *out = Node();
  out->kind = kind;
  out->pos = Here(start);
  out->children = std::move(children);
}

bool Parser::ParseNot(Node* out) {
  size_t start = pos_;
  int nots = 0;
  for (;;) {
    if (Keyword("not")) {
      pos_ += 3;
      SkipBlanks();
      ++nots;
      continue;
    }
    if (StartsWith("not(")) {
      pos_ += 3;
      ++nots;
    }
    break;
  }
  if (!ParseCheck(out)) {
    return false;
  }
  if (nots % 2 == 1) {
    WrapNot(out, start);
  }
  return true;
}

// The recursion runs ParseOr -> ParseNary -> ParseAnd -> ParseNary ->
// ParseNot -> ParseCheck -> ParseGroup -> ParseOr per parenthesis: these
// frames hold no strings or Nodes (errors are built out of line).
bool Parser::ParseCheck(Node* out) {
  if (Peek() == '(') {
    return ParseGroup(out);
  }
  return ParseLeaf(out);
}

bool Parser::ParseGroup(Node* out) {
  // Depth counts nesting levels (parentheses and transformers).
  if (!Enter()) {
    return false;
  }
  ++pos_;
  SkipBlanks();
  if (!ParseOr(out)) {
    return false;
  }
  SkipBlanks();
  if (Peek() != ')') {
    return FailUnclosed();
  }
  ++pos_;
  Leave();
  return true;
}

bool Parser::FailUnclosed() {
  return Fail(pos_, absl::StrCat("expected ')' but found ", Snippet(pos_)));
}

bool Parser::ParseLeaf(Node* out) {
  size_t start = pos_;
  out->pos = Here(start);
  std::string name;
  size_t save = pos_;
  if (ParseFieldName(&name)) {
    pos_ = save;
    out->kind = Node::Kind::kCheck;
    if (!ParseField(&out->lhs)) {
      return false;
    }
  } else if (MatchTransformer(&name)) {
    out->kind = Node::Kind::kCheck;
    if (!ParseTransformer(&out->lhs)) {
      return false;
    }
  } else if (IsAlpha(Peek())) {
    while (!AtEnd() && IsIdentChar(s_[pos_])) {
      ++pos_;
    }
    out->kind = Node::Kind::kMacroRef;
    out->macro = s_.substr(start, pos_ - start);
    return true;
  } else {
    return Fail(pos_, absl::StrCat("expected a field, a macro or '(' but found ", Snippet(pos_)));
  }
  return ParseCondition(out);
}

bool Parser::ParseFieldName(std::string* name) {
  size_t start = pos_;
  int segments = 0;
  for (;;) {
    if (!IsAlpha(Peek())) {
      break;
    }
    while (!AtEnd() && IsIdentChar(s_[pos_])) {
      ++pos_;
    }
    ++segments;
    if (Peek() == '.' && IsAlpha(Peek(1))) {
      ++pos_;
      continue;
    }
    break;
  }
  if (segments < 2) {
    pos_ = start;
    return false;
  }
  *name = s_.substr(start, pos_ - start);
  return true;
}

bool Parser::ParseField(ValueExpr* out) {
  out->kind = ValueExpr::Kind::kField;
  out->pos = Here(pos_);
  if (!ParseFieldName(&out->name)) {
    return Fail(pos_, absl::StrCat("expected a field name but found ", Snippet(pos_)));
  }
  if (Peek() == '[') {
    ++pos_;
    out->has_arg = true;
    if (!ParseFieldArg(&out->arg, &out->arg_quoted)) {
      return false;
    }
    if (Peek() != ']') {
      return Fail(pos_, absl::StrCat("expected ']' after the argument of field '", out->name, "'"));
    }
    ++pos_;
  }
  return true;
}

bool Parser::ParseFieldArg(std::string* arg, bool* quoted) {
  if (Peek() == '"' || Peek() == '\'') {
    *quoted = true;
    return ParseQuoted(arg);
  }
  size_t start = pos_;
  while (!AtEnd()) {
    char c = s_[pos_];
    if (c == '[' || c == ']' || c == '"' || c == '\'' || IsBlank(c)) {
      break;
    }
    ++pos_;
  }
  if (pos_ == start) {
    return Fail(pos_, "expected a field argument");
  }
  *arg = s_.substr(start, pos_ - start);
  return true;
}

bool Parser::MatchTransformer(std::string* name) const {
  for (const char* t : kTransformers) {
    size_t n = std::char_traits<char>::length(t);
    if (StartsWith(t) && pos_ + n < s_.size() && s_[pos_ + n] == '(') {
      *name = t;
      return true;
    }
  }
  return false;
}

bool Parser::ParseTransformer(ValueExpr* out) {
  if (!Enter()) {
    return false;
  }
  out->kind = ValueExpr::Kind::kTransformer;
  out->pos = Here(pos_);
  if (!MatchTransformer(&out->name)) {
    return Fail(pos_, "expected a transformer");
  }
  pos_ += out->name.size() + 1;
  SkipBlanks();
  for (;;) {
    out->args.emplace_back();  // parsed in place: no ValueExpr on this recursive frame
    if (!ParseTransformerArg(&out->args.back())) {
      return false;
    }
    SkipBlanks();
    if (Peek() == ',') {
      ++pos_;
      SkipBlanks();
      continue;
    }
    break;
  }
  if (Peek() != ')') {
    return Fail(pos_, absl::StrCat("expected ')' to close transformer '", out->name, "' but found ",
                                   Snippet(pos_)));
  }
  ++pos_;
  if (Peek() == '[') {
    ++pos_;
    out->has_arg = true;
    if (!ParseFieldArg(&out->arg, &out->arg_quoted)) {
      return false;
    }
    if (Peek() != ']') {
      return Fail(pos_, "expected ']'");
    }
    ++pos_;
  }
  Leave();
  return true;
}

bool Parser::ParseTransformerArg(ValueExpr* out) {
  std::string name;
  out->pos = Here(pos_);
  if (MatchTransformer(&name)) {
    return ParseTransformer(out);
  }
  size_t save = pos_;
  if (ParseFieldName(&name)) {
    pos_ = save;
    return ParseField(out);
  }
  if (Peek() == '"' || Peek() == '\'') {
    out->kind = ValueExpr::Kind::kLiteral;
    out->quoted = true;
    return ParseQuoted(&out->literal);
  }
  if (Peek() == '(') {
    out->kind = ValueExpr::Kind::kList;
    return ParseListValue(&out->list, false);
  }
  out->kind = ValueExpr::Kind::kLiteral;
  if (!ParseNumValue(&out->literal)) {
    return Fail(pos_, absl::StrCat("expected a transformer argument but found ", Snippet(pos_)));
  }
  return true;
}

bool Parser::ParseTransformerOrVal(ValueExpr* out) {
  if (StartsWith("val(")) {
    pos_ += 4;
    SkipBlanks();
    if (!ParseField(out)) {
      return false;
    }
    if (out->has_arg) {
      // val() takes a plain field; its argument is kept for the compiler to
      // reject with a clear message.
    }
    out->is_val = true;
    SkipBlanks();
    if (Peek() != ')') {
      return Fail(pos_, "expected ')' to close val(");
    }
    ++pos_;
    return true;
  }
  return ParseTransformer(out);
}

bool Parser::ParseCondition(Node* out) {
  SkipBlanks();
  out->op_pos = Here(pos_);
  if (Keyword("exists", ")", true)) {
    out->op = "exists";
    pos_ += 6;
    return true;
  }
  for (const char* op : kNumOps) {
    if (StartsWith(op)) {
      out->op = op;
      pos_ += out->op.size();
      SkipBlanks();
      out->value_pos = Here(pos_);
      std::string t;
      if (StartsWith("val(") || MatchTransformer(&t)) {
        out->rhs_kind = Node::RhsKind::kOperand;
        return ParseTransformerOrVal(&out->rhs);
      }
      out->rhs_kind = Node::RhsKind::kValue;
      return ParseNumValue(&out->value);
    }
  }
  bool is_str_op = false;
  for (const char* op : kStrSymOps) {
    if (StartsWith(op)) {
      out->op = op;
      pos_ += out->op.size();
      is_str_op = true;
      break;
    }
  }
  if (!is_str_op) {
    for (const char* op : kStrWordOps) {
      if (Keyword(op)) {
        out->op = op;
        pos_ += out->op.size();
        is_str_op = true;
        break;
      }
    }
  }
  if (out->op == "==") {
    out->op = "=";
  }
  if (is_str_op) {
    SkipBlanks();
    out->value_pos = Here(pos_);
    for (const char* m : kModifiers) {
      if (Keyword(m, "(")) {
        out->modifier = m;
        pos_ += out->modifier.size();
        SkipBlanks();
        out->value_pos = Here(pos_);
        out->rhs_kind = Node::RhsKind::kList;
        return ParseListValue(&out->list, true);
      }
    }
    std::string t;
    if (StartsWith("val(") || MatchTransformer(&t)) {
      out->rhs_kind = Node::RhsKind::kOperand;
      return ParseTransformerOrVal(&out->rhs);
    }
    out->rhs_kind = Node::RhsKind::kValue;
    return ParseStrValue(&out->value, &out->value_quoted);
  }
  for (const char* op : kListOps) {
    if (StartsWith(op)) {
      size_t n = std::char_traits<char>::length(op);
      char next = pos_ + n < s_.size() ? s_[pos_ + n] : '\0';
      if (next != '(' && !IsBlank(next)) {
        continue;
      }
      out->op = op;
      pos_ += n;
      SkipBlanks();
      out->value_pos = Here(pos_);
      std::string t;
      if (StartsWith("val(") || MatchTransformer(&t)) {
        out->rhs_kind = Node::RhsKind::kOperand;
        return ParseTransformerOrVal(&out->rhs);
      }
      out->rhs_kind = Node::RhsKind::kList;
      return ParseListValue(&out->list, true);
    }
  }
  return Fail(pos_, absl::StrCat("expected an operator after '", out->lhs.ToString(),
                                 "' but found ", Snippet(pos_)));
}

bool Parser::ParseQuoted(std::string* out) {
  size_t start = pos_;
  char q = Peek();
  ++pos_;
  out->clear();
  while (!AtEnd()) {
    char c = s_[pos_];
    if (c == q) {
      ++pos_;
      return true;
    }
    if (c != '\\') {
      out->push_back(c);
      ++pos_;
      continue;
    }
    char e = Peek(1);
    size_t esc_at = pos_;
    pos_ += 2;
    switch (e) {
      case 'b':
        out->push_back('\b');
        break;
      case 'f':
        out->push_back('\f');
        break;
      case 'n':
        out->push_back('\n');
        break;
      case 'r':
        out->push_back('\r');
        break;
      case 't':
        out->push_back('\t');
        break;
      case '\\':
        out->push_back('\\');
        break;
      case '/':
        out->push_back('/');
        break;
      case '\'':
        out->push_back('\'');
        break;
      case ' ':
        out->append("\\ ");
        break;
      case '"':
        if (q == '\'') {
          return Fail(esc_at, "invalid escape sequence '\\\"' in a single-quoted string");
        }
        out->push_back('"');
        break;
      case 'x': {
        auto hex = [](char h) -> int {
          if (h >= '0' && h <= '9') return h - '0';
          if (h >= 'a' && h <= 'f') return h - 'a' + 10;
          if (h >= 'A' && h <= 'F') return h - 'A' + 10;
          return -1;
        };
        int hi = hex(Peek());
        int lo = hex(Peek(1));
        if (hi < 0 || lo < 0) {
          return Fail(esc_at, "invalid \\x escape: expected two hex digits");
        }
        out->push_back(static_cast<char>(hi * 16 + lo));
        pos_ += 2;
        break;
      }
      default:
        return Fail(esc_at, absl::StrCat("invalid escape sequence in string at ", Snippet(esc_at)));
    }
  }
  return Fail(start, "unterminated quoted string");
}

bool Parser::ParseStrValue(std::string* out, bool* quoted) {
  if (Peek() == '"' || Peek() == '\'') {
    *quoted = true;
    return ParseQuoted(out);
  }
  size_t start = pos_;
  while (!AtEnd() && IsBareStrChar(s_[pos_])) {
    ++pos_;
  }
  if (pos_ == start) {
    return Fail(pos_, absl::StrCat("expected a value but found ", Snippet(pos_)));
  }
  *out = s_.substr(start, pos_ - start);
  return true;
}

bool Parser::ParseNumValue(std::string* out) {
  size_t start = pos_;
  if (Peek() == '0' && (Peek(1) == 'x' || Peek(1) == 'X') &&
      absl::ascii_isxdigit(static_cast<unsigned char>(Peek(2)))) {
    pos_ += 2;
    while (!AtEnd() && absl::ascii_isxdigit(static_cast<unsigned char>(s_[pos_]))) {
      ++pos_;
    }
  } else {
    if (Peek() == '+' || Peek() == '-') {
      ++pos_;
    }
    if (!IsDigit(Peek())) {
      pos_ = start;
      return Fail(pos_, absl::StrCat("expected a number but found ", Snippet(pos_)));
    }
    while (IsDigit(Peek())) {
      ++pos_;
    }
    if (Peek() == '.') {
      ++pos_;
      while (IsDigit(Peek())) {
        ++pos_;
      }
    }
    if ((Peek() == 'e' || Peek() == 'E') && (Peek(1) == '+' || Peek(1) == '-') &&
        IsDigit(Peek(2))) {
      pos_ += 2;
      while (IsDigit(Peek())) {
        ++pos_;
      }
    }
  }
  if (!AtEnd() && IsBareStrChar(s_[pos_])) {
    return Fail(pos_, absl::StrCat("expected a number but found ", Snippet(start)));
  }
  *out = s_.substr(start, pos_ - start);
  return true;
}

bool Parser::ParseListValue(std::vector<std::string>* out, bool allow_identifier) {
  if (Peek() != '(') {
    if (allow_identifier && IsAlpha(Peek())) {
      size_t start = pos_;
      while (!AtEnd() && IsIdentChar(s_[pos_])) {
        ++pos_;
      }
      out->push_back(s_.substr(start, pos_ - start));
      return true;
    }
    return Fail(pos_, absl::StrCat("expected a list '(...)' but found ", Snippet(pos_)));
  }
  ++pos_;
  SkipBlanks();
  if (Peek() == ')') {
    ++pos_;
    return true;
  }
  for (;;) {
    std::string v;
    bool quoted = false;
    if (!ParseStrValue(&v, &quoted)) {
      return false;
    }
    out->push_back(std::move(v));
    SkipBlanks();
    if (Peek() == ',') {
      ++pos_;
      SkipBlanks();
      continue;
    }
    if (Peek() == ')') {
      ++pos_;
      return true;
    }
    return Fail(pos_, absl::StrCat("expected ',' or ')' in list but found ", Snippet(pos_)));
  }
}

}  // namespace

bool IsConditionIdentifier(const std::string& s) {
  if (s.empty() || !IsAlpha(s[0])) {
    return false;
  }
  for (char c : s) {
    if (!IsIdentChar(c)) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<Node> ParseCondition(const SourceText& text, const ParseOptions& options,
                                    Position* error_pos) {
  Parser p(text, options);
  return p.Run(error_pos);
}

std::string ValueExpr::ToString() const {
  switch (kind) {
    case Kind::kField: {
      std::string s = has_arg ? absl::StrCat(name, "[", arg, "]") : name;
      return is_val ? absl::StrCat("val(", s, ")") : s;
    }
    case Kind::kTransformer: {
      std::vector<std::string> parts;
      for (const ValueExpr& a : args) {
        parts.push_back(a.ToString());
      }
      std::string s = absl::StrCat(name, "(", absl::StrJoin(parts, ", "), ")");
      if (has_arg) {
        absl::StrAppend(&s, "[", arg, "]");
      }
      return s;
    }
    case Kind::kLiteral:
      return quoted ? absl::StrCat("\"", literal, "\"") : literal;
    case Kind::kList:
      return absl::StrCat("(", absl::StrJoin(list, ", "), ")");
  }
  return "";
}

namespace {

// Appends `n` to `out` until `out` is longer than `max_len`.
void AppendNode(const Node& n, size_t max_len, std::string* out) {
  if (out->size() > max_len) {
    return;
  }
  switch (n.kind) {
    case Node::Kind::kAnd:
    case Node::Kind::kOr:
      out->push_back('(');
      for (size_t i = 0; i < n.children.size() && out->size() <= max_len; ++i) {
        if (i > 0) {
          out->append(n.kind == Node::Kind::kAnd ? " and " : " or ");
        }
        AppendNode(n.children[i], max_len, out);
      }
      out->push_back(')');
      return;
    case Node::Kind::kNot:
      out->append("not ");
      if (!n.children.empty()) {
        AppendNode(n.children[0], max_len, out);
      }
      return;
    case Node::Kind::kMacroRef:
      if (n.expansion != nullptr) {
        AppendNode(*n.expansion, max_len, out);
      } else {
        out->append(n.macro);
      }
      return;
    case Node::Kind::kCheck:
      break;
  }
  absl::StrAppend(out, n.lhs.ToString(), " ", n.op);
  if (!n.modifier.empty()) {
    absl::StrAppend(out, " ", n.modifier);
  }
  switch (n.rhs_kind) {
    case Node::RhsKind::kNone:
      break;
    case Node::RhsKind::kValue:
      absl::StrAppend(out, " ", n.value_quoted ? absl::StrCat("\"", n.value, "\"") : n.value);
      break;
    case Node::RhsKind::kList:
      absl::StrAppend(out, " (", absl::StrJoin(n.list, ", "), ")");
      break;
    case Node::RhsKind::kOperand:
      absl::StrAppend(out, " ", n.rhs.ToString());
      break;
  }
}

}  // namespace

std::string Node::ToString(size_t max_len) const {
  std::string out;
  AppendNode(*this, max_len, &out);
  if (out.size() > max_len) {
    out.resize(max_len);
    out.append("...");
  }
  return out;
}

}  // namespace saker::rules
