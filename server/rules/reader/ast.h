// The rules-file AST: what the reader (stage 1) hands to the collector.
// Every item and every key carries its source position.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "server/rules/common/priority.h"
#include "server/rules/common/source.h"

namespace saker::rules {

enum class ItemKind {
  kRequiredEngineVersion,
  kRequiredPluginVersions,
  kList,
  kMacro,
  kRule,
};

absl::string_view ItemKindName(ItemKind k);

struct PluginAlternative {
  std::string name;
  std::string version;
  Position pos;
};

struct PluginRequirement {
  std::string name;
  std::string version;
  Position pos;
  std::vector<PluginAlternative> alternatives;
};

// One value in an exception's `values` row: a scalar or a list of scalars.
struct ExceptionValue {
  bool is_list = false;
  std::vector<std::string> items;  // one element when !is_list
};

struct ExceptionDef {
  std::string name;
  Position pos;
  bool has_fields = false;
  bool fields_is_list = false;
  std::vector<std::string> fields;  // one element when !fields_is_list
  bool has_comps = false;
  bool comps_is_list = false;
  std::vector<std::string> comps;
  // Rows. For list `fields`, each row has one value per field. For a scalar
  // `fields`, each row is a single value.
  std::vector<std::vector<ExceptionValue>> values;
};

// One top-level item. Only the members relevant to `kind` are meaningful;
// `keys` lists the keys present (with the position of each key).
struct Item {
  ItemKind kind = ItemKind::kRule;
  Position pos;
  std::string name;
  std::map<std::string, Position> keys;

  bool Has(const std::string& key) const { return keys.count(key) > 0; }
  Position KeyPos(const std::string& key) const {
    auto it = keys.find(key);
    return it == keys.end() ? pos : it->second;
  }

  // list
  std::vector<std::string> items;
  // macro, rule
  SourceText condition;
  // rule
  SourceText output;
  std::string desc;
  std::optional<Priority> priority;
  std::string source;  // empty = not given (default "syscall")
  std::optional<bool> enabled;
  std::vector<std::string> tags;
  std::vector<ExceptionDef> exceptions;
  std::optional<bool> capture;
  std::optional<int64_t> capture_duration;
  std::optional<bool> warn_evttypes;
  std::optional<bool> skip_if_unknown_filter;
  // list, macro, rule
  std::optional<bool> append;
  std::map<std::string, std::string> overrides;  // key -> "append" | "replace"
  // required_engine_version
  std::string engine_version;
  // required_plugin_versions
  std::vector<PluginRequirement> plugins;
};

struct RulesFile {
  std::string name;
  std::vector<Item> items;
  std::vector<Diagnostic> warnings;
};

}  // namespace saker::rules
