// The key table behind the loader: each supported key (a dotted path) maps to
// a handler that checks one YAML value and stores it in the Config. Handlers
// report `WHERE: KEY: expected WHAT, got "VALUE"` to Diagnostics and never stop.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "server/config/config.h"

namespace saker::config::internal {

class Diagnostics {
 public:
  void Error(std::string_view where, std::string_view key, std::string_view message);
  void Warning(std::string_view where, std::string_view key, std::string_view message);
  void RawError(std::string line) { errors_.push_back(std::move(line)); }

  const std::vector<std::string>& errors() const { return errors_; }
  // Whether `key` already has an error (later checks stay quiet about it).
  bool HasError(std::string_view key) const { return keys_.count(key) != 0; }
  std::vector<std::string>& warnings() { return warnings_; }

 private:
  std::vector<std::string> errors_;
  std::vector<std::string> warnings_;
  std::set<std::string, std::less<>> keys_;
};

// Tells which YAML nodes came from `-o` or a flag and turns marks into
// "FILE:LINE:COL".
class Origins {
 public:
  explicit Origins(std::string file_name) : file_name_(std::move(file_name)) {}

  // `source` names the override in messages: "-o ARG" or "--flag".
  void AddOverride(const YAML::Node& node, std::string source);
  // Its source when `node` was set by an override, else "".
  std::string OverrideOf(const YAML::Node& node) const;
  // "FILE:LINE:COL" of a mark (1-based).
  std::string Position(const YAML::Mark& mark) const;

 private:
  std::string file_name_;
  std::vector<std::pair<YAML::Node, std::string>> overrides_;
};

// One value being loaded: the node, its dotted key and where it came from.
struct Value {
  YAML::Node node;
  std::string key;
  std::string where;
  bool from_override = false;
  const Origins* origins = nullptr;

  // A child node (map value or list item) named `child_key`; `key_mark` is
  // the position to cite when the child has none of its own (a null value).
  Value Child(const YAML::Node& child, std::string child_key, const YAML::Mark& key_mark) const;
};

// What the handlers write to: the config, the diagnostics and scratch state.
struct Context {
  Config* config;
  Diagnostics* diag;
  std::vector<std::string> legacy_rules_file;  // Falco's old `rules_file`
  std::string legacy_rules_file_where;
};

using Handler = std::function<void(const Value&, Context*)>;

// Debian's abseil has its own string_view: views for absl::StrCat and friends.
inline absl::string_view AV(std::string_view s) { return absl::string_view(s.data(), s.size()); }

// A missing or null value (`key:` with nothing after it).
inline bool IsAbsent(const YAML::Node& n) { return !n.IsDefined() || n.IsNull(); }

// "\"text\"", "a list", "a map" or "null": how a value is quoted in errors.
std::string Describe(const YAML::Node& node);
// Reports `WHERE: KEY: expected WHAT, got DESCRIBED`.
void Expected(const Value& v, std::string_view what, Context* ctx);
// Records where v's key was set.
void Record(const Value& v, Context* ctx);

// Scalar parsers: nullopt when the text is not one.
std::optional<bool> ParseBool(std::string_view text);
std::optional<int64_t> ParseInt(std::string_view text);
std::optional<double> ParseDouble(std::string_view text);
std::string IntRange(int64_t min, int64_t max);  // "an integer from 1 to 65535"

// Value checks for strings: return "" when fine, else what was expected.
using Check = std::function<std::string(std::string_view)>;
std::string CheckUrl(std::string_view s);       // http:// or https://
std::string CheckBind(std::string_view s);      // unix:///PATH or HOST:PORT
std::string CheckEndpoint(std::string_view s);  // /path
std::string CheckHost(std::string_view s);      // an address or host name
std::string CheckNonEmpty(std::string_view s);

template <typename T>
using Field = std::function<T&(Config&)>;

Handler Bool(Field<bool> field);
Handler Double(Field<double> field, double min, double max);
Handler String(Field<std::string> field, Check check = nullptr);
Handler StringList(Field<std::vector<std::string>> field, Check check = nullptr);

// Reads an integer in [min, max] from v; reports and returns nullopt otherwise.
std::optional<int64_t> IntValue(const Value& v, int64_t min, int64_t max, Context* ctx);
std::optional<double> DoubleValue(const Value& v, double min, double max, Context* ctx);
std::optional<bool> BoolValue(const Value& v, Context* ctx);
std::optional<std::string> StringValue(const Value& v, Context* ctx);

template <typename T>
Handler Int(Field<T> field, int64_t min, int64_t max) {
  return [field, min, max](const Value& v, Context* ctx) {
    if (auto n = IntValue(v, min, max, ctx)) {
      field(*ctx->config) = static_cast<T>(*n);
    }
  };
}

// A case-insensitive name from a fixed set; the message lists the names.
template <typename E>
using Names = std::vector<std::pair<std::string, E>>;

std::string NameList(const std::vector<std::string>& names);  // "first or all", "a, b or c"

template <typename E>
std::optional<E> EnumValue(const Value& v, const Names<E>& names, Context* ctx) {
  std::vector<std::string> listed;
  for (const auto& [name, e] : names) {
    listed.push_back(name);
  }
  if (v.node.IsScalar()) {
    for (const auto& [name, e] : names) {
      if (absl::AsciiStrToLower(v.node.Scalar()) == name) {
        return e;
      }
    }
  }
  Expected(v, NameList(listed), ctx);
  return std::nullopt;
}

template <typename E>
Handler Enum(Field<E> field, Names<E> names) {
  return [field, names](const Value& v, Context* ctx) {
    if (auto e = EnumValue(v, names, ctx)) {
      field(*ctx->config) = *e;
    }
  };
}

// The supported keys, and the sections (maps) that hold them.
class Schema {
 public:
  void Add(std::string path, Handler handler);
  const Handler* Find(std::string_view path) const;
  bool IsSection(std::string_view path) const;
  std::vector<std::string> Keys() const;
  // The closest supported key or section to a misspelt one, or "".
  std::string Suggest(std::string_view path) const;

 private:
  std::map<std::string, Handler, std::less<>> keys_;
  std::set<std::string, std::less<>> sections_;
};

void AddFalcoKeys(Schema* schema);  // falco_keys.cc
void AddSakerKeys(Schema* schema);  // saker_keys.cc
// Falco keys (or sections) Saker knowingly ignores.
bool IsUnsupportedFalcoKey(std::string_view path);

}  // namespace saker::config::internal
