#include "server/rules/output/formatter.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/common/json.h"
#include "server/rules/condition/parser.h"
#include "server/rules/compiler/values.h"

namespace saker::rules {
namespace {

bool IsFieldChar(char c) {
  return absl::ascii_isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

// Parses a token body as an operand by reusing the condition grammar
// ("<body> exists"). Returns false if `body` is not a field/transformer.
bool ParseOperand(const std::string& body, const Position& pos, ValueExpr* out) {
  SourceText st = SourceText::Synthetic(body + " exists", pos);
  auto node = ParseCondition(st);
  if (!node.ok() || node->kind != Node::Kind::kCheck) {
    return false;
  }
  *out = node->lhs;
  return true;
}

// The longest prefix of `s` (starting at a field name) that parses as a
// field: name segments, then an optional [arg]; trailing dots dropped.
size_t FieldTokenLength(absl::string_view s) {
  size_t n = 0;
  while (n < s.size() && IsFieldChar(s[n])) {
    ++n;
  }
  while (n > 0 && s[n - 1] == '.') {
    --n;
  }
  if (n < s.size() && s[n] == '[') {
    size_t close = s.find(']', n);
    if (close != absl::string_view::npos) {
      n = close + 1;
    }
  }
  return n;
}

size_t TransformerLength(absl::string_view s) {
  size_t open = s.find('(');
  if (open == absl::string_view::npos) {
    return 0;
  }
  int depth = 0;
  for (size_t i = open; i < s.size(); ++i) {
    if (s[i] == '(') ++depth;
    if (s[i] == ')' && --depth == 0) return i + 1;
  }
  return 0;
}

}  // namespace

void AppendTimeOfDay(uint64_t ts_ns, const absl::TimeZone& tz, std::string* out) {
  absl::Time t = absl::FromUnixNanos(static_cast<int64_t>(ts_ns));
  absl::StrAppend(out, absl::FormatTime("%H:%M:%S", t, tz));
  absl::StrAppend(out, absl::StrFormat(".%09d", ts_ns % 1000000000ULL));
}

void AppendIso8601(uint64_t ts_ns, std::string* out) {
  absl::Time t = absl::FromUnixNanos(static_cast<int64_t>(ts_ns));
  absl::StrAppend(out, absl::FormatTime("%Y-%m-%dT%H:%M:%S", t, absl::UTCTimeZone()));
  absl::StrAppend(out, absl::StrFormat(".%09dZ", ts_ns % 1000000000ULL));
}

absl::StatusOr<OutputFormat> OutputFormat::Compile(const SourceText& format,
                                                   ConditionCompiler* compiler,
                                                   Position* error_pos,
                                                   std::vector<std::string>* warnings) {
  OutputFormat f;
  const std::string& s = format.text();
  std::string literal;
  for (size_t i = 0; i < s.size();) {
    if (s[i] != '%') {
      literal.push_back(s[i++]);
      continue;
    }
    size_t start = i++;
    if (i >= s.size()) {
      *error_pos = format.Locate(start);
      return absl::InvalidArgumentError("invalid formatting token: '%' at the end of the output");
    }
    int width = 0;
    while (i < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) {
      width = width * 10 + (s[i++] - '0');
    }
    std::string body;
    absl::string_view rest(s.data() + i, s.size() - i);
    if (!rest.empty() && rest[0] == '(') {
      size_t close = rest.find(')');
      if (close == absl::string_view::npos) {
        *error_pos = format.Locate(start);
        return absl::InvalidArgumentError("invalid formatting token: unterminated '%('");
      }
      body = std::string(rest.substr(1, close - 1));
      i += close + 1;
    } else {
      size_t n = FieldTokenLength(rest);
      if (n < rest.size() && rest[n] == '(') {
        n = TransformerLength(rest);
      }
      body = std::string(rest.substr(0, n));
      i += n;
    }
    Token t;
    t.literal = std::move(literal);
    literal.clear();
    t.has_field = true;
    t.width = width;
    t.key = body;
    ValueExpr expr;
    if (body == "container.info") {
      t.special = Special::kEmpty;
      t.has_field = false;
      if (warnings != nullptr) {
        warnings->push_back("%container.info is deprecated and renders as an empty string");
      }
    } else if (body == "evt.time") {
      t.special = Special::kEvtTime;
    } else if (body == "evt.time.iso8601") {
      t.special = Special::kEvtTimeIso;
    } else if (body.empty() || !ParseOperand(body, format.Locate(start), &expr)) {
      *error_pos = format.Locate(start);
      return absl::InvalidArgumentError(
          absl::StrCat("invalid formatting token: '%", body.empty() ? rest.substr(0, 1) : body,
                       "'"));
    } else {
      Position pos;
      auto op = compiler->CompileOperand(expr, true, &pos);
      if (!op.ok()) {
        *error_pos = format.Locate(start + 1);
        return op.status();
      }
      t.operand = std::move(*op);
    }
    f.tokens_.push_back(std::move(t));
  }
  if (!literal.empty()) {
    Token t;
    t.literal = std::move(literal);
    f.tokens_.push_back(std::move(t));
  }
  std::vector<size_t> order;
  for (size_t k = 0; k < f.tokens_.size(); ++k) {
    if (f.tokens_[k].has_field) {
      order.push_back(k);
    }
  }
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return f.tokens_[a].key < f.tokens_[b].key; });
  for (size_t k : order) {
    if (f.json_order_.empty() || f.tokens_[f.json_order_.back()].key != f.tokens_[k].key) {
      f.json_order_.push_back(k);
    }
  }
  return f;
}

void OutputFormat::RenderFields(const OutputEvent& ev, const absl::TimeZone& tz,
                                std::vector<std::pair<std::string, std::string>>* out) {
  out->resize(json_order_.size());
  for (size_t i = 0; i < json_order_.size(); ++i) {
    Token& t = tokens_[json_order_[i]];
    auto& [key, value] = (*out)[i];
    key = t.key;
    value.clear();
    if (!RenderValue(t, ev, tz, &value)) {
      value = "<NA>";
    }
  }
}

bool OutputFormat::RenderValue(Token& t, const OutputEvent& ev, const absl::TimeZone& tz,
                               std::string* out) {
  switch (t.special) {
    case Special::kEvtTime:
      AppendTimeOfDay(ev.ts_ns, tz, out);
      return true;
    case Special::kEvtTimeIso:
      AppendIso8601(ev.ts_ns, out);
      return true;
    case Special::kEmpty:
      return true;
    case Special::kNone:
      break;
  }
  if (t.operand == nullptr || ev.ctx == nullptr) {
    return false;
  }
  const FieldValues* v = t.operand->Get(*ev.ctx);
  if (v == nullptr) {
    return false;
  }
  bool list = t.operand->is_list();
  if (list) {
    out->push_back('(');
  }
  for (size_t i = 0; i < v->size(); ++i) {
    if (i > 0) {
      out->push_back(list ? ',' : ' ');
    }
    absl::string_view s = ValueToString((*v)[i], &scratch_);
    out->append(s.data(), s.size());
  }
  if (list) {
    out->push_back(')');
  }
  return true;
}

void OutputFormat::Render(const OutputEvent& ev, const absl::TimeZone& tz, std::string* out) {
  for (Token& t : tokens_) {
    out->append(t.literal);
    if (!t.has_field) {
      continue;
    }
    size_t before = out->size();
    if (!RenderValue(t, ev, tz, out)) {
      out->resize(before);
      out->append("<NA>");
    }
    if (t.width > 0) {
      size_t len = out->size() - before;
      if (len > static_cast<size_t>(t.width)) {
        out->resize(before + static_cast<size_t>(t.width));
      } else {
        out->append(static_cast<size_t>(t.width) - len, ' ');
      }
    }
  }
}

void OutputFormat::AppendJsonValue(Token& t, const OutputEvent& ev, const absl::TimeZone& tz,
                                   std::string* out) {
  if (t.special == Special::kEvtTime) {
    AppendJsonUint(out, ev.ts_ns);
    return;
  }
  const FieldValues* v =
      t.operand != nullptr && ev.ctx != nullptr ? t.operand->Get(*ev.ctx) : nullptr;
  if (t.special == Special::kNone && v == nullptr) {
    out->append("null");
    return;
  }
  FieldType type = t.operand != nullptr ? t.operand->type() : FieldType::kCHARBUF;
  if (v != nullptr && v->size() == 1 && !t.operand->is_list() &&
      (IsNumericType(type) || type == FieldType::kBOOL)) {
    const FieldValue& fv = (*v)[0];
    if (type == FieldType::kBOOL) {
      bool b = false;
      out->append(ValueToBool(fv, &b) && b ? "true" : "false");
      return;
    }
    __int128 n = 0;
    if (type != FieldType::kDOUBLE && ValueToInt128(fv, &n)) {
      if (n < 0) {
        AppendJsonInt(out, static_cast<int64_t>(n));
      } else {
        AppendJsonUint(out, static_cast<uint64_t>(n));
      }
      return;
    }
  }
  std::string text;
  RenderValue(t, ev, tz, &text);
  AppendJsonString(out, text);
}

void OutputFormat::AppendJsonFields(const OutputEvent& ev, const absl::TimeZone& tz,
                                    const std::vector<std::pair<std::string, std::string>>& extra,
                                    std::string* out) {
  out->push_back('{');
  bool first = true;
  auto sep = [&]() {
    if (!first) {
      out->push_back(',');
    }
    first = false;
  };
  size_t e = 0;
  for (size_t k : json_order_) {
    Token& t = tokens_[k];
    for (; e < extra.size() && extra[e].first <= t.key; ++e) {
      if (extra[e].first == t.key) {
        continue;
      }
      sep();
      AppendJsonString(out, extra[e].first);
      out->push_back(':');
      out->append(extra[e].second);
    }
    sep();
    AppendJsonString(out, t.key);
    out->push_back(':');
    AppendJsonValue(t, ev, tz, out);
  }
  for (; e < extra.size(); ++e) {
    sep();
    AppendJsonString(out, extra[e].first);
    out->push_back(':');
    out->append(extra[e].second);
  }
  out->push_back('}');
}

std::vector<std::string> OutputFormat::FieldKeys() const {
  std::vector<std::string> keys;
  for (size_t k : json_order_) {
    keys.push_back(tokens_[k].key);
  }
  return keys;
}

}  // namespace saker::rules
