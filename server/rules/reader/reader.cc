#include "server/rules/reader/reader.h"

#include <set>
#include <utility>

#include <yaml-cpp/yaml.h>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "server/rules/reader/yaml_documents.h"

namespace saker::rules {

absl::string_view ItemKindName(ItemKind k) {
  switch (k) {
    case ItemKind::kRequiredEngineVersion:
      return "required_engine_version";
    case ItemKind::kRequiredPluginVersions:
      return "required_plugin_versions";
    case ItemKind::kList:
      return "list";
    case ItemKind::kMacro:
      return "macro";
    case ItemKind::kRule:
      return "rule";
  }
  return "item";
}

namespace {

const std::set<std::string>& AllowedKeys(ItemKind k) {
  static const auto* kEngine = new std::set<std::string>{"required_engine_version"};
  static const auto* kPlugins = new std::set<std::string>{"required_plugin_versions"};
  static const auto* kList = new std::set<std::string>{"list", "items", "append", "override"};
  static const auto* kMacro =
      new std::set<std::string>{"macro", "condition", "append", "override"};
  static const auto* kRule = new std::set<std::string>{
      "rule",    "condition", "output",           "desc",          "priority",
      "source",  "enabled",   "tags",             "exceptions",    "capture",
      "capture_duration",     "warn_evttypes",    "skip-if-unknown-filter",
      "append",  "override"};
  switch (k) {
    case ItemKind::kRequiredEngineVersion:
      return *kEngine;
    case ItemKind::kRequiredPluginVersions:
      return *kPlugins;
    case ItemKind::kList:
      return *kList;
    case ItemKind::kMacro:
      return *kMacro;
    case ItemKind::kRule:
      break;
  }
  return *kRule;
}

// Keys that `override` may name, per item kind, and whether they can be
// appended (true) or only replaced.
const std::map<std::string, bool>& OverridableKeys(ItemKind k) {
  static const auto* kList = new std::map<std::string, bool>{{"items", true}};
  static const auto* kMacro = new std::map<std::string, bool>{{"condition", true}};
  static const auto* kRule = new std::map<std::string, bool>{
      {"condition", true},      {"output", true},         {"desc", true},
      {"tags", true},           {"exceptions", true},     {"priority", false},
      {"capture", false},       {"capture_duration", false}, {"enabled", false},
      {"warn_evttypes", false}, {"skip-if-unknown-filter", false}};
  if (k == ItemKind::kList) return *kList;
  if (k == ItemKind::kMacro) return *kMacro;
  return *kRule;
}

bool IsIdentifier(absl::string_view s) {
  if (s.empty() || !absl::ascii_isalpha(static_cast<unsigned char>(s[0]))) {
    return false;
  }
  for (char c : s) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return true;
}

bool IsBareStr(absl::string_view s) {
  if (s.empty()) {
    return false;
  }
  for (char c : s) {
    if (c == '(' || c == ')' || c == '"' || c == '\'' || c == '=' || c == ',' || c == ' ' ||
        c == '\t' || c == '\n' || c == '\r') {
      return false;
    }
  }
  return true;
}

// yaml-cpp 0.7 loops forever (allocating until OOM) on a flow entry ','
// at column 0 outside any flow collection ("- a\n,"). Such a line is never
// valid in a rules file, so reject it before handing the text to yaml-cpp.
// Returns the byte offset of the offending ',' or npos. Quote and flow
// tracking is approximate; it can only miss a case, not reject valid YAML
// whose column-0 ',' sits inside a quoted scalar or a flow collection.
size_t FindColumnZeroFlowEntry(absl::string_view raw) {
  int flow = 0;
  char quote = 0;
  bool comment = false;
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    char prev = i == 0 ? '\n' : raw[i - 1];
    if (c == '\n') {
      comment = false;
      continue;
    }
    if (comment) {
      continue;
    }
    if (quote != 0) {
      if (quote == '"' && c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    bool boundary = prev == '\n' || prev == ' ' || prev == '\t' || prev == '[' ||
                    prev == '{' || prev == ',' || prev == ':' || prev == '-';
    if (c == '#' && (prev == '\n' || prev == ' ' || prev == '\t')) {
      comment = true;
    } else if ((c == '\'' || c == '"') && boundary) {
      quote = c;
    } else if ((c == '[' || c == '{') && boundary) {
      ++flow;
    } else if ((c == ']' || c == '}') && flow > 0) {
      --flow;
    } else if (c == ',' && prev == '\n' && flow == 0) {
      return i;
    }
  }
  return absl::string_view::npos;
}

class Reader {
 public:
  Reader(absl::string_view content, const std::string& file)
      : raw_(content), file_(file), lines_(content) {}

  bool Run(RulesFile* out);
  const Diagnostic& error() const { return error_; }

 private:
  Position Pos(const YAML::Mark& m) const {
    if (m.line < 0) {
      return Position{file_, 0, 0};
    }
    return Position{file_, m.line + 1, m.column + 1};
  }
  bool Fail(const Position& pos, std::string msg, const Item* item = nullptr) {
    error_.severity = Severity::kError;
    error_.code = "LOAD_ERR_YAML_VALIDATE";
    error_.pos = pos;
    error_.message = std::move(msg);
    if (item != nullptr) {
      error_.item_kind = std::string(ItemKindName(item->kind));
      error_.item_name = item->name;
    }
    return false;
  }
  void Warn(RulesFile* out, const Position& pos, const char* code, std::string msg,
            const Item* item) {
    Diagnostic d;
    d.severity = Severity::kWarning;
    d.code = code;
    d.pos = pos;
    d.message = std::move(msg);
    if (item != nullptr) {
      d.item_kind = std::string(ItemKindName(item->kind));
      d.item_name = item->name;
    }
    out->warnings.push_back(std::move(d));
  }

  bool ReadDocument(const YAML::Node& doc, RulesFile* out);
  bool ReadItem(const YAML::Node& node, RulesFile* out);
  bool ReadKeys(const YAML::Node& node, Item* item, RulesFile* out);
  bool GetString(const YAML::Node& node, const std::string& key, Item* item, std::string* dst,
                 bool allow_empty = true);
  bool GetText(const YAML::Node& node, const std::string& key, Item* item, SourceText* dst);
  bool GetBool(const YAML::Node& node, const std::string& key, Item* item,
               std::optional<bool>* dst);
  bool GetScalarSeq(const YAML::Node& node, const std::string& key, Item* item,
                    std::vector<std::string>* dst);
  bool ReadList(const YAML::Node& node, Item* item);
  bool ReadMacro(const YAML::Node& node, Item* item);
  bool ReadRule(const YAML::Node& node, Item* item);
  bool ReadRuleValues(const YAML::Node& node, Item* item);
  bool ReadOverride(const YAML::Node& node, Item* item);
  bool CheckAppendOverride(Item* item);
  bool ReadExceptions(const YAML::Node& node, Item* item);
  bool ReadException(const YAML::Node& node, Item* item, ExceptionDef* ex);
  bool ReadPlugins(const YAML::Node& node, Item* item);

  absl::string_view raw_;
  std::string file_;
  LineIndex lines_;
  Diagnostic error_;
};

bool Reader::Run(RulesFile* out) {
  out->name = file_;
  std::vector<YAML::Node> docs;
  size_t bad = FindColumnZeroFlowEntry(raw_);
  if (bad != absl::string_view::npos) {
    error_.code = "LOAD_ERR_YAML_PARSE";
    error_.pos.file = file_;
    lines_.Lookup(bad, &error_.pos.line, &error_.pos.column);
    error_.message = "YAML parse error: unexpected ',' outside a flow collection";
    return false;
  }
  try {
    docs = LoadAllDocuments(std::string(raw_));
  } catch (const YAML::Exception& e) {
    error_.code = "LOAD_ERR_YAML_PARSE";
    error_.pos = Pos(e.mark);
    error_.message = absl::StrCat("YAML parse error: ", e.msg);
    return false;
  }
  for (const YAML::Node& doc : docs) {
    try {
      if (!ReadDocument(doc, out)) {
        return false;
      }
    } catch (const YAML::Exception& e) {
      return Fail(Pos(e.mark), absl::StrCat("YAML error: ", e.msg));
    }
  }
  return true;
}

bool Reader::ReadDocument(const YAML::Node& doc, RulesFile* out) {
  if (!doc.IsDefined() || doc.IsNull()) {
    return true;
  }
  if (!doc.IsSequence()) {
    return Fail(Pos(doc.Mark()), "Rules content is not yaml array of objects");
  }
  for (const YAML::Node& node : doc) {
    if (!ReadItem(node, out)) {
      return false;
    }
  }
  return true;
}

bool Reader::ReadItem(const YAML::Node& node, RulesFile* out) {
  if (!node.IsDefined() || node.IsNull()) {
    return true;
  }
  if (!node.IsMap()) {
    return Fail(Pos(node.Mark()),
                "Unexpected element type. Each element should be a yaml associative array.");
  }
  Item item;
  item.pos = Pos(node.Mark());
  static const std::pair<const char*, ItemKind> kOrder[] = {
      {"required_engine_version", ItemKind::kRequiredEngineVersion},
      {"required_plugin_versions", ItemKind::kRequiredPluginVersions},
      {"list", ItemKind::kList},
      {"macro", ItemKind::kMacro},
      {"rule", ItemKind::kRule}};
  bool found = false;
  for (const auto& [key, kind] : kOrder) {
    if (node[key].IsDefined()) {
      item.kind = kind;
      found = true;
      break;
    }
  }
  if (!found) {
    Warn(out, item.pos, "LOAD_UNKNOWN_ITEM", "Unknown top level item", nullptr);
    return true;
  }
  if (!ReadKeys(node, &item, out)) {
    return false;
  }
  bool ok = false;
  switch (item.kind) {
    case ItemKind::kRequiredEngineVersion: {
      const YAML::Node v = node["required_engine_version"];
      if (!v.IsScalar() || v.Scalar().empty()) {
        return Fail(Pos(v.Mark()), "Value of required_engine_version must be a scalar", &item);
      }
      item.engine_version = v.Scalar();
      ok = true;
      break;
    }
    case ItemKind::kRequiredPluginVersions:
      ok = ReadPlugins(node, &item);
      break;
    case ItemKind::kList:
      ok = ReadList(node, &item);
      break;
    case ItemKind::kMacro:
      ok = ReadMacro(node, &item);
      break;
    case ItemKind::kRule:
      ok = ReadRule(node, &item);
      break;
  }
  if (!ok) {
    return false;
  }
  if (item.kind == ItemKind::kList && !IsBareStr(item.name)) {
    Warn(out, item.KeyPos("list"), "LOAD_INVALID_LIST_NAME",
         "List has an invalid name. List names should match a regular expression: "
         "[^()\"'[:space:]=,]+",
         &item);
  }
  if (item.kind == ItemKind::kMacro && !IsIdentifier(item.name)) {
    Warn(out, item.KeyPos("macro"), "LOAD_INVALID_MACRO_NAME",
         "Macro has an invalid name. Macro names should match a regular expression: "
         "[a-zA-Z]+[a-zA-Z0-9_]*",
         &item);
  }
  out->items.push_back(std::move(item));
  return true;
}

bool Reader::ReadKeys(const YAML::Node& node, Item* item, RulesFile* out) {
  const std::set<std::string>& allowed = AllowedKeys(item->kind);
  const char* name_key = item->kind == ItemKind::kList    ? "list"
                         : item->kind == ItemKind::kMacro ? "macro"
                         : item->kind == ItemKind::kRule  ? "rule"
                                                          : nullptr;
  if (name_key != nullptr) {
    const YAML::Node n = node[name_key];
    if (!n.IsScalar() || n.Scalar().empty()) {
      return Fail(Pos(n.Mark()), absl::StrCat("Mapping for key '", name_key,
                                              "' is empty or not a string"),
                  item);
    }
    item->name = n.Scalar();
  }
  for (auto it = node.begin(); it != node.end(); ++it) {
    if (!it->first.IsScalar()) {
      return Fail(Pos(it->first.Mark()), "Item keys must be strings", item);
    }
    const std::string& key = it->first.Scalar();
    Position pos = Pos(it->first.Mark());
    if (allowed.count(key) == 0) {
      Warn(out, pos, "LOAD_UNKNOWN_KEY",
           absl::StrCat("Unknown key '", key, "'. The key will be ignored."), item);
      continue;
    }
    item->keys.emplace(key, pos);
  }
  return true;
}

bool Reader::GetString(const YAML::Node& node, const std::string& key, Item* item,
                       std::string* dst, bool allow_empty) {
  const YAML::Node v = node[key];
  if (!v.IsDefined()) {
    return true;
  }
  if (!v.IsScalar() || (!allow_empty && v.Scalar().empty())) {
    return Fail(Pos(v.Mark()), absl::StrCat("Value of '", key, "' must be a ",
                                            allow_empty ? "string" : "non-empty string"),
                item);
  }
  *dst = v.Scalar();
  return true;
}

bool Reader::GetText(const YAML::Node& node, const std::string& key, Item* item,
                     SourceText* dst) {
  const YAML::Node v = node[key];
  if (!v.IsDefined()) {
    return true;
  }
  if (!v.IsScalar()) {
    return Fail(Pos(v.Mark()), absl::StrCat("Value of '", key, "' must be a string"), item);
  }
  size_t offset = v.Mark().pos < 0 ? 0 : static_cast<size_t>(v.Mark().pos);
  *dst = SourceText::FromYamlScalar(v.Scalar(), raw_, lines_, offset, file_);
  return true;
}

bool Reader::GetBool(const YAML::Node& node, const std::string& key, Item* item,
                     std::optional<bool>* dst) {
  const YAML::Node v = node[key];
  if (!v.IsDefined()) {
    return true;
  }
  bool b = false;
  if (!v.IsScalar() || !YAML::convert<bool>::decode(v, b)) {
    return Fail(Pos(v.Mark()), absl::StrCat("Value of '", key, "' must be a boolean"), item);
  }
  *dst = b;
  return true;
}

bool Reader::GetScalarSeq(const YAML::Node& node, const std::string& key, Item* item,
                          std::vector<std::string>* dst) {
  const YAML::Node v = node[key];
  if (!v.IsDefined() || v.IsNull()) {
    return true;
  }
  if (!v.IsSequence()) {
    return Fail(Pos(v.Mark()), absl::StrCat("Value of '", key, "' must be a sequence"), item);
  }
  for (const YAML::Node& e : v) {
    if (!e.IsScalar()) {
      return Fail(Pos(e.Mark()),
                  absl::StrCat("Elements of '", key, "' must be strings or numbers"), item);
    }
    dst->push_back(e.Scalar());
  }
  return true;
}

bool Reader::ReadList(const YAML::Node& node, Item* item) {
  if (!item->Has("items")) {
    return Fail(item->pos, "Item has no mapping for key 'items'", item);
  }
  return GetScalarSeq(node, "items", item, &item->items) &&
         GetBool(node, "append", item, &item->append) && ReadOverride(node, item) &&
         CheckAppendOverride(item);
}

bool Reader::ReadMacro(const YAML::Node& node, Item* item) {
  if (!item->Has("condition")) {
    return Fail(item->pos, "Item has no mapping for key 'condition'", item);
  }
  if (!GetText(node, "condition", item, &item->condition)) {
    return false;
  }
  return GetBool(node, "append", item, &item->append) && ReadOverride(node, item) &&
         CheckAppendOverride(item);
}

bool Reader::ReadOverride(const YAML::Node& node, Item* item) {
  const YAML::Node ov = node["override"];
  if (!ov.IsDefined()) {
    return true;
  }
  if (!ov.IsMap()) {
    return Fail(Pos(ov.Mark()), "Value of 'override' must be a map", item);
  }
  const auto& overridable = OverridableKeys(item->kind);
  for (auto it = ov.begin(); it != ov.end(); ++it) {
    if (!it->first.IsScalar() || !it->second.IsScalar()) {
      return Fail(Pos(it->first.Mark()), "Keys and values of 'override' must be strings", item);
    }
    const std::string& key = it->first.Scalar();
    const std::string& mode = it->second.Scalar();
    auto ok = overridable.find(key);
    if (ok == overridable.end()) {
      return Fail(Pos(it->first.Mark()),
                  absl::StrCat("Key '", key, "' cannot be overridden"), item);
    }
    if (mode != "append" && mode != "replace") {
      return Fail(Pos(it->second.Mark()),
                  absl::StrCat("Invalid override mode '", mode,
                               "' for key '", key, "': must be 'append' or 'replace'"),
                  item);
    }
    if (mode == "append" && !ok->second) {
      return Fail(Pos(it->second.Mark()),
                  absl::StrCat("Key '", key, "' cannot be appended to, it can only be replaced"),
                  item);
    }
    if (!item->Has(key)) {
      return Fail(Pos(it->first.Mark()),
                  absl::StrCat("An override is defined for '", key,
                               "' but the key is not present in the item"),
                  item);
    }
    item->overrides[key] = mode;
  }
  for (const auto& [key, pos] : item->keys) {
    if (overridable.count(key) > 0 && item->overrides.count(key) == 0) {
      return Fail(pos,
                  absl::StrCat("Key '", key,
                               "' is present but not listed under 'override'"),
                  item);
    }
  }
  return true;
}

bool Reader::CheckAppendOverride(Item* item) {
  if (item->append.value_or(false) && item->Has("override")) {
    return Fail(item->KeyPos("override"),
                "Keys 'override' and 'append: true' cannot be used together. Add an "
                "'append' entry (e.g. 'condition: append') under 'override' instead.",
                item);
  }
  return true;
}

bool Reader::ReadRule(const YAML::Node& node, Item* item) {
  if (!ReadRuleValues(node, item) || !ReadOverride(node, item) || !CheckAppendOverride(item)) {
    return false;
  }
  if (item->append.value_or(false)) {
    if (!item->Has("condition") && !item->Has("exceptions") && !item->Has("output") &&
        !item->Has("desc") && !item->Has("tags")) {
      return Fail(item->pos, "Appended rule must have exceptions or condition property", item);
    }
    return true;
  }
  if (item->Has("override")) {
    return true;
  }
  bool any = item->Has("condition") || item->Has("output") || item->Has("desc") ||
             item->Has("priority");
  if (!any) {
    if (!item->Has("enabled")) {
      return Fail(item->pos, "Item has no mapping for key 'condition'", item);
    }
    return true;
  }
  for (const char* key : {"condition", "output", "desc", "priority"}) {
    if (!item->Has(key)) {
      return Fail(item->pos, absl::StrCat("Item has no mapping for key '", key, "'"), item);
    }
  }
  return true;
}

bool Reader::ReadRuleValues(const YAML::Node& node, Item* item) {
  std::string priority;
  if (!GetText(node, "condition", item, &item->condition) ||
      !GetText(node, "output", item, &item->output) ||
      !GetString(node, "desc", item, &item->desc) ||
      !GetString(node, "priority", item, &priority) ||
      !GetString(node, "source", item, &item->source, false) ||
      !GetBool(node, "enabled", item, &item->enabled) ||
      !GetBool(node, "append", item, &item->append) ||
      !GetBool(node, "capture", item, &item->capture) ||
      !GetBool(node, "warn_evttypes", item, &item->warn_evttypes) ||
      !GetBool(node, "skip-if-unknown-filter", item, &item->skip_if_unknown_filter) ||
      !GetScalarSeq(node, "tags", item, &item->tags)) {
    return false;
  }
  if (item->Has("priority")) {
    item->priority = ParsePriority(priority);
    if (!item->priority) {
      return Fail(Pos(node["priority"].Mark()),
                  absl::StrCat("Invalid priority '", priority, "'"), item);
    }
  }
  if (item->Has("capture_duration")) {
    const YAML::Node v = node["capture_duration"];
    int64_t d = 0;
    if (!v.IsScalar() || !YAML::convert<int64_t>::decode(v, d)) {
      return Fail(Pos(v.Mark()), "Value of 'capture_duration' must be an integer", item);
    }
    item->capture_duration = d;
  }
  if (item->Has("condition") && item->condition.empty() && !item->append.value_or(false)) {
    return Fail(item->KeyPos("condition"), "Value of 'condition' must be a non-empty string",
                item);
  }
  return ReadExceptions(node, item);
}

bool Reader::ReadExceptions(const YAML::Node& node, Item* item) {
  const YAML::Node v = node["exceptions"];
  if (!v.IsDefined() || v.IsNull()) {
    return true;
  }
  if (!v.IsSequence()) {
    return Fail(Pos(v.Mark()), "Value of 'exceptions' must be a sequence", item);
  }
  for (const YAML::Node& e : v) {
    ExceptionDef ex;
    if (!ReadException(e, item, &ex)) {
      return false;
    }
    item->exceptions.push_back(std::move(ex));
  }
  return true;
}

bool Reader::ReadException(const YAML::Node& e, Item* item, ExceptionDef* ex) {
  if (!e.IsMap()) {
    return Fail(Pos(e.Mark()), "Exceptions must be maps", item);
  }
  ex->pos = Pos(e.Mark());
  const YAML::Node name = e["name"];
  if (!name.IsDefined() || !name.IsScalar() || name.Scalar().empty()) {
    return Fail(ex->pos, "Exception has no mapping for key 'name'", item);
  }
  ex->name = name.Scalar();
  auto read_strs = [&](const char* key, bool* has, bool* is_list,
                       std::vector<std::string>* dst) {
    const YAML::Node f = e[key];
    if (!f.IsDefined()) {
      return true;
    }
    *has = true;
    if (f.IsScalar()) {
      dst->push_back(f.Scalar());
      return true;
    }
    if (!f.IsSequence()) {
      return Fail(Pos(f.Mark()),
                  absl::StrCat("Value of exception '", key, "' must be a string or a sequence"),
                  item);
    }
    *is_list = true;
    for (const YAML::Node& s : f) {
      if (!s.IsScalar()) {
        return Fail(Pos(s.Mark()), absl::StrCat("Elements of exception '", key,
                                                "' must be strings"),
                    item);
      }
      dst->push_back(s.Scalar());
    }
    return true;
  };
  if (!read_strs("fields", &ex->has_fields, &ex->fields_is_list, &ex->fields) ||
      !read_strs("comps", &ex->has_comps, &ex->comps_is_list, &ex->comps)) {
    return false;
  }
  const YAML::Node values = e["values"];
  if (!values.IsDefined() || values.IsNull()) {
    return true;
  }
  if (!values.IsSequence()) {
    return Fail(Pos(values.Mark()), "Value of exception 'values' must be a sequence", item);
  }
  auto read_value = [&](const YAML::Node& n, ExceptionValue* out) {
    if (n.IsScalar()) {
      out->items.push_back(n.Scalar());
      return true;
    }
    if (!n.IsSequence()) {
      return Fail(Pos(n.Mark()), "Exception values must be strings or sequences", item);
    }
    out->is_list = true;
    for (const YAML::Node& s : n) {
      if (!s.IsScalar()) {
        return Fail(Pos(s.Mark()), "Exception value lists must contain strings", item);
      }
      out->items.push_back(s.Scalar());
    }
    return true;
  };
  for (const YAML::Node& row : values) {
    std::vector<ExceptionValue> parsed;
    // Without `fields` (values appended to an existing exception), a
    // sequence row is a row of values.
    bool row_of_values = ex->fields_is_list || (!ex->has_fields && row.IsSequence());
    if (row_of_values) {
      if (!row.IsSequence()) {
        return Fail(Pos(row.Mark()),
                    "Exception values must be sequences when 'fields' is a sequence", item);
      }
      for (const YAML::Node& n : row) {
        ExceptionValue val;
        if (!read_value(n, &val)) {
          return false;
        }
        parsed.push_back(std::move(val));
      }
    } else {
      ExceptionValue val;
      if (!read_value(row, &val)) {
        return false;
      }
      parsed.push_back(std::move(val));
    }
    ex->values.push_back(std::move(parsed));
  }
  return true;
}

bool Reader::ReadPlugins(const YAML::Node& node, Item* item) {
  const YAML::Node v = node["required_plugin_versions"];
  if (!v.IsSequence()) {
    return Fail(Pos(v.Mark()), "Value of required_plugin_versions must be a sequence", item);
  }
  auto read_one = [&](const YAML::Node& p, std::string* name, std::string* version) {
    if (!p.IsMap() || !p["name"].IsScalar() || !p["version"].IsScalar()) {
      return Fail(Pos(p.Mark()), "Plugin requirements must be maps with 'name' and 'version'",
                  item);
    }
    *name = p["name"].Scalar();
    *version = p["version"].Scalar();
    return true;
  };
  for (const YAML::Node& p : v) {
    PluginRequirement req;
    req.pos = Pos(p.Mark());
    if (!read_one(p, &req.name, &req.version)) {
      return false;
    }
    const YAML::Node alts = p["alternatives"];
    if (alts.IsDefined() && !alts.IsNull()) {
      if (!alts.IsSequence()) {
        return Fail(Pos(alts.Mark()), "Value of 'alternatives' must be a sequence", item);
      }
      for (const YAML::Node& a : alts) {
        PluginAlternative alt;
        alt.pos = Pos(a.Mark());
        if (!read_one(a, &alt.name, &alt.version)) {
          return false;
        }
        req.alternatives.push_back(std::move(alt));
      }
    }
    item->plugins.push_back(std::move(req));
  }
  return true;
}

}  // namespace

absl::StatusOr<RulesFile> ReadRulesFile(absl::string_view content, const std::string& filename,
                                        Diagnostic* error) {
  Reader reader(content, filename);
  RulesFile out;
  if (!reader.Run(&out)) {
    if (error != nullptr) {
      *error = reader.error();
    }
    return absl::InvalidArgumentError(reader.error().ToString());
  }
  return out;
}

}  // namespace saker::rules
