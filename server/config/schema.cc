#include "server/config/schema.h"

#include <cmath>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"

namespace saker::config::internal {
namespace {

// Levenshtein distance, for "did you mean" on unknown keys.
size_t Distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

}  // namespace

void Diagnostics::Error(std::string_view where, std::string_view key, std::string_view message) {
  errors_.push_back(absl::StrCat(AV(where), ": ", AV(key), ": ", AV(message)));
  keys_.insert(std::string(key));
}

void Diagnostics::Warning(std::string_view where, std::string_view key, std::string_view message) {
  warnings_.push_back(absl::StrCat(AV(where), ": ", AV(key), ": ", AV(message)));
}

void Origins::AddOverride(const YAML::Node& node, std::string source) {
  overrides_.emplace_back(node, std::move(source));
}

std::string Origins::OverrideOf(const YAML::Node& node) const {
  for (const auto& [n, source] : overrides_) {
    if (n.is(node)) {
      return source;
    }
  }
  return "";
}

std::string Origins::Position(const YAML::Mark& mark) const {
  if (mark.is_null()) {
    return file_name_;
  }
  return absl::StrCat(file_name_, ":", mark.line + 1, ":", mark.column + 1);
}

Value Value::Child(const YAML::Node& child, std::string child_key,
                   const YAML::Mark& key_mark) const {
  Value c;
  c.node = child;
  c.key = std::move(child_key);
  c.origins = origins;
  // The override that set this very node, else the one that set its parent
  // (a map or list it created): `-o a.b=1 -o a.c=x` blames a.c's own.
  if (std::string o = origins->OverrideOf(child); !o.empty()) {
    c.where = std::move(o);
    c.from_override = true;
    return c;
  }
  c.from_override = from_override;
  if (from_override) {
    c.where = where;
    return c;
  }
  // A null value's own mark points at the next token; cite its key instead.
  const bool own_mark = !IsAbsent(child) && !child.Mark().is_null();
  c.where = origins->Position(own_mark ? child.Mark() : key_mark);
  return c;
}

std::string Describe(const YAML::Node& node) {
  if (IsAbsent(node)) {
    return "null";
  }
  if (node.IsSequence()) {
    return "a list";
  }
  if (node.IsMap()) {
    return "a map";
  }
  return absl::StrCat("\"", absl::CEscape(node.Scalar()), "\"");
}

void Expected(const Value& v, std::string_view what, Context* ctx) {
  ctx->diag->Error(v.where, v.key, absl::StrCat("expected ", AV(what), ", got ", Describe(v.node)));
}

void Record(const Value& v, Context* ctx) { ctx->config->positions[v.key] = v.where; }

std::optional<bool> ParseBool(std::string_view text) {
  const std::string t = absl::AsciiStrToLower(AV(text));
  if (t == "true" || t == "yes" || t == "on" || t == "y") {
    return true;
  }
  if (t == "false" || t == "no" || t == "off" || t == "n") {
    return false;
  }
  return std::nullopt;
}

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t n = 0;
  if (text.empty() || !absl::SimpleAtoi(absl::string_view(text.data(), text.size()), &n)) {
    return std::nullopt;
  }
  return n;
}

std::optional<double> ParseDouble(std::string_view text) {
  double d = 0;
  if (text.empty() || !absl::SimpleAtod(absl::string_view(text.data(), text.size()), &d) ||
      !std::isfinite(d)) {
    return std::nullopt;
  }
  return d;
}

std::string IntRange(int64_t min, int64_t max) {
  if (max == INT64_MAX) {
    return absl::StrCat("an integer >= ", min);
  }
  return absl::StrCat("an integer from ", min, " to ", max);
}

std::string NameList(const std::vector<std::string>& names) {
  if (names.size() <= 1) {
    return names.empty() ? "" : names[0];
  }
  std::vector<std::string> head(names.begin(), names.end() - 1);
  return absl::StrCat(absl::StrJoin(head, ", "), " or ", names.back());
}

std::optional<bool> BoolValue(const Value& v, Context* ctx) {
  if (v.node.IsScalar()) {
    if (auto b = ParseBool(v.node.Scalar())) {
      return b;
    }
  }
  Expected(v, "true or false", ctx);
  return std::nullopt;
}

std::optional<int64_t> IntValue(const Value& v, int64_t min, int64_t max, Context* ctx) {
  if (v.node.IsScalar()) {
    if (auto n = ParseInt(v.node.Scalar()); n && *n >= min && *n <= max) {
      return n;
    }
  }
  Expected(v, IntRange(min, max), ctx);
  return std::nullopt;
}

std::optional<double> DoubleValue(const Value& v, double min, double max, Context* ctx) {
  if (v.node.IsScalar()) {
    if (auto d = ParseDouble(v.node.Scalar()); d && *d >= min && *d <= max) {
      return d;
    }
  }
  if (std::isinf(max)) {
    Expected(v, absl::StrCat("a number >= ", min), ctx);
  } else {
    Expected(v, absl::StrCat("a number from ", min, " to ", max), ctx);
  }
  return std::nullopt;
}

std::optional<std::string> StringValue(const Value& v, Context* ctx) {
  if (IsAbsent(v.node)) {
    return std::string();
  }
  if (v.node.IsScalar()) {
    return v.node.Scalar();
  }
  Expected(v, "a string", ctx);
  return std::nullopt;
}

std::string CheckUrl(std::string_view s) {
  if ((absl::StartsWith(AV(s), "http://") && s.size() > 7) ||
      (absl::StartsWith(AV(s), "https://") && s.size() > 8)) {
    return "";
  }
  return "an http:// or https:// URL";
}

std::string CheckBind(std::string_view s) {
  constexpr std::string_view kWant = "unix:///PATH or HOST:PORT";
  if (absl::StartsWith(AV(s), "unix://")) {
    return s.size() > 8 && s[7] == '/' ? "" : std::string(kWant);
  }
  const size_t colon = s.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return std::string(kWant);
  }
  int64_t port = 0;
  std::string_view port_text = s.substr(colon + 1);
  if (!absl::SimpleAtoi(absl::string_view(port_text.data(), port_text.size()), &port) || port < 0 ||
      port > 65535) {
    return std::string(kWant);
  }
  return CheckHost(s.substr(0, colon)).empty() ? "" : std::string(kWant);
}

std::string CheckEndpoint(std::string_view s) {
  if (!s.empty() && s[0] == '/' && s.find_first_of(" \t?#") == std::string_view::npos) {
    return "";
  }
  return "a path starting with /";
}

std::string CheckHost(std::string_view s) {
  if (s.size() >= 2 && s.front() == '[' && s.back() == ']') {
    s = s.substr(1, s.size() - 2);
  }
  if (s.empty()) {
    return "an IP address or host name";
  }
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-' && c != ':' &&
        c != '_' && c != '%') {
      return "an IP address or host name";
    }
  }
  return "";
}

std::string CheckNonEmpty(std::string_view s) { return s.empty() ? "a non-empty string" : ""; }

Handler Bool(Field<bool> field) {
  return [field](const Value& v, Context* ctx) {
    if (auto b = BoolValue(v, ctx)) {
      field(*ctx->config) = *b;
    }
  };
}

Handler Double(Field<double> field, double min, double max) {
  return [field, min, max](const Value& v, Context* ctx) {
    if (auto d = DoubleValue(v, min, max, ctx)) {
      field(*ctx->config) = *d;
    }
  };
}

Handler String(Field<std::string> field, Check check) {
  return [field, check](const Value& v, Context* ctx) {
    auto s = StringValue(v, ctx);
    if (!s) {
      return;
    }
    if (check) {
      if (std::string want = check(*s); !want.empty()) {
        Expected(v, want, ctx);
        return;
      }
    }
    field(*ctx->config) = *s;
  };
}

Handler StringList(Field<std::vector<std::string>> field, Check check) {
  return [field, check](const Value& v, Context* ctx) {
    std::vector<std::string> out;
    if (IsAbsent(v.node)) {
      field(*ctx->config) = out;
      return;
    }
    if (!v.node.IsSequence()) {
      Expected(v, "a list", ctx);
      return;
    }
    bool ok = true;
    for (size_t i = 0; i < v.node.size(); ++i) {
      Value item = v.Child(v.node[i], absl::StrCat(v.key, "[", i, "]"), v.node.Mark());
      auto s = item.node.IsScalar() ? std::optional<std::string>(item.node.Scalar())
                                    : std::optional<std::string>();
      std::string want = !s ? "a string" : (check ? check(*s) : "");
      if (!want.empty()) {
        Expected(item, want, ctx);
        ok = false;
        continue;
      }
      Record(item, ctx);
      out.push_back(*s);
    }
    if (ok) {
      field(*ctx->config) = std::move(out);
    }
  };
}

void Schema::Add(std::string path, Handler handler) {
  for (size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', dot + 1)) {
    sections_.insert(path.substr(0, dot));
  }
  keys_[std::move(path)] = std::move(handler);
}

const Handler* Schema::Find(std::string_view path) const {
  auto it = keys_.find(path);
  return it == keys_.end() ? nullptr : &it->second;
}

std::vector<std::string> Schema::Keys() const {
  std::vector<std::string> out;
  for (const auto& [k, h] : keys_) {
    out.push_back(k);
  }
  return out;
}

bool Schema::IsSection(std::string_view path) const { return sections_.count(path) != 0; }

std::string Schema::Suggest(std::string_view path) const {
  std::string best;
  size_t best_distance = std::max<size_t>(2, path.size() / 4) + 1;
  auto consider = [&](const std::string& candidate) {
    size_t d = Distance(path, candidate);
    if (d < best_distance) {
      best_distance = d;
      best = candidate;
    }
  };
  for (const auto& [k, h] : keys_) {
    consider(k);
  }
  for (const auto& s : sections_) {
    consider(s);
  }
  return best;
}

}  // namespace saker::config::internal
