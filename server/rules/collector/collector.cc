#include "server/rules/collector/collector.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace saker::rules {
namespace {

// "append" for `key` either via `append: true` or `override: {key: append}`.
bool IsAppend(const Item& item, const std::string& key) {
  if (item.append.value_or(false)) {
    return true;
  }
  auto it = item.overrides.find(key);
  return it != item.overrides.end() && it->second == "append";
}

bool IsReplace(const Item& item, const std::string& key) {
  auto it = item.overrides.find(key);
  return it != item.overrides.end() && it->second == "replace";
}

void AppendText(SourceText* dst, const SourceText& add, const Position& sep_pos) {
  dst->AppendSynthetic(" ", sep_pos);
  dst->Append(add);
}

}  // namespace

absl::Status Collector::Fail(const Item& item, const Position& pos, const std::string& msg,
                             Diagnostic* error) {
  Diagnostic d;
  d.severity = Severity::kError;
  d.code = "LOAD_ERR_VALIDATE";
  d.pos = pos;
  d.message = msg;
  d.item_kind = std::string(ItemKindName(item.kind));
  d.item_name = item.name;
  if (error != nullptr) {
    *error = d;
  }
  return absl::InvalidArgumentError(d.ToString());
}

absl::Status Collector::Collect(const RulesFile& file, Diagnostic* error) {
  for (const Item& item : file.items) {
    absl::Status st;
    switch (item.kind) {
      case ItemKind::kRequiredEngineVersion:
        st = CheckEngineVersion(item, error);
        break;
      case ItemKind::kRequiredPluginVersions:
        st = CheckPlugins(item, error);
        break;
      case ItemKind::kList:
        st = AddList(item, error);
        break;
      case ItemKind::kMacro:
        st = AddMacro(item, error);
        break;
      case ItemKind::kRule:
        st = AddRule(item, error);
        break;
    }
    if (!st.ok()) {
      return st;
    }
    ++counter_;
  }
  return absl::OkStatus();
}

absl::Status Collector::CheckEngineVersion(const Item& item, Diagnostic* error) {
  std::optional<Version> req;
  const std::string& v = item.engine_version;
  if (!v.empty() && v.find_first_not_of("0123456789") == std::string::npos) {
    req = Version{0, std::stoi(v.substr(0, 9)), 0};
  } else {
    req = Version::Parse(v);
  }
  Position pos = item.KeyPos("required_engine_version");
  if (!req) {
    return Fail(item, pos, absl::StrCat("Unable to parse engine version '", v, "'"), error);
  }
  if (!options_.engine_version.CompatibleWith(*req)) {
    return Fail(item, pos,
                absl::StrCat("Rules require engine version ", req->ToString(),
                             ", but engine version is ", options_.engine_version.ToString()),
                error);
  }
  return absl::OkStatus();
}

absl::Status Collector::CheckPlugins(const Item& item, Diagnostic* error) {
  for (const PluginRequirement& req : item.plugins) {
    std::vector<std::pair<std::string, std::string>> options = {{req.name, req.version}};
    for (const PluginAlternative& alt : req.alternatives) {
      options.emplace_back(alt.name, alt.version);
    }
    bool ok = false;
    std::vector<std::string> wanted;
    for (const auto& [name, version] : options) {
      wanted.push_back(absl::StrCat(name, " (>= ", version, ")"));
      std::optional<Version> rv = Version::Parse(version);
      if (!rv) {
        return Fail(item, req.pos,
                    absl::StrCat("Unable to parse version '", version, "' of plugin '", name,
                                 "'"),
                    error);
      }
      auto it = options_.native_plugins.find(name);
      if (it != options_.native_plugins.end() && it->second.CompatibleWith(*rv)) {
        ok = true;
      }
    }
    if (!ok) {
      return Fail(item, req.pos,
                  absl::StrCat("Plugin requirement not satisfied, must load one of: ",
                               absl::StrJoin(wanted, ", ")),
                  error);
    }
  }
  return absl::OkStatus();
}

absl::Status Collector::AddList(const Item& item, Diagnostic* error) {
  auto it = list_by_name_.find(item.name);
  bool append = IsAppend(item, "items");
  bool replace = IsReplace(item, "items");
  if (append || replace) {
    if (it == list_by_name_.end()) {
      return Fail(item, item.pos,
                  absl::StrCat("List has '", append ? "append" : "override",
                               "' key but no list by that name already exists"),
                  error);
    }
    ListInfo& prev = lists_[it->second];
    if (replace) {
      prev.items = item.items;
    } else {
      prev.items.insert(prev.items.end(), item.items.begin(), item.items.end());
    }
    prev.visibility = counter_;
    return absl::OkStatus();
  }
  ListInfo info{item.name, item.pos, item.items, counter_, counter_};
  if (it != list_by_name_.end()) {
    info.index = lists_[it->second].index;
    lists_[it->second] = std::move(info);
  } else {
    list_by_name_[item.name] = lists_.size();
    lists_.push_back(std::move(info));
  }
  return absl::OkStatus();
}

absl::Status Collector::AddMacro(const Item& item, Diagnostic* error) {
  auto it = macro_by_name_.find(item.name);
  bool append = IsAppend(item, "condition");
  bool replace = IsReplace(item, "condition");
  if (append || replace) {
    if (it == macro_by_name_.end()) {
      return Fail(item, item.pos,
                  absl::StrCat("Macro has '", append ? "append" : "override",
                               "' key but no macro by that name already exists"),
                  error);
    }
    MacroInfo& prev = macros_[it->second];
    if (replace) {
      prev.condition = item.condition;
    } else {
      AppendText(&prev.condition, item.condition, item.KeyPos("condition"));
    }
    prev.visibility = counter_;
    return absl::OkStatus();
  }
  MacroInfo info{item.name, item.pos, item.condition, counter_, counter_};
  if (it != macro_by_name_.end()) {
    info.index = macros_[it->second].index;
    macros_[it->second] = std::move(info);
  } else {
    macro_by_name_[item.name] = macros_.size();
    macros_.push_back(std::move(info));
  }
  return absl::OkStatus();
}

absl::Status Collector::AddRule(const Item& item, Diagnostic* error) {
  if (!item.source.empty() && options_.sources.count(item.source) == 0) {
    Diagnostic d;
    d.severity = Severity::kWarning;
    d.code = "LOAD_UNKNOWN_SOURCE";
    d.pos = item.KeyPos("source");
    d.message = absl::StrCat("Unknown source ", item.source, ", skipping");
    d.item_kind = "rule";
    d.item_name = item.name;
    warnings_.push_back(std::move(d));
    return absl::OkStatus();
  }
  auto it = rule_by_name_.find(item.name);
  bool modifies = item.append.value_or(false) || !item.overrides.empty();
  bool toggle_only = !modifies && !item.Has("condition") && !item.Has("output") &&
                     !item.Has("desc") && !item.Has("priority");
  if (!modifies && !toggle_only) {
    return DefineRule(item, error);
  }
  if (it == rule_by_name_.end()) {
    std::string what = item.append.value_or(false) ? "'append' key"
                       : toggle_only               ? "'enabled' key"
                                                   : "'override' key";
    return Fail(item, item.pos,
                absl::StrCat("Rule uses ", what,
                             " but no rule by that name already exists"),
                error);
  }
  RuleInfo* prev = &rules_[it->second];
  if (!item.source.empty() && item.source != prev->source) {
    return Fail(item, item.KeyPos("source"),
                "Rule has been re-defined with a different source", error);
  }
  if (toggle_only) {
    prev->enabled = item.enabled.value_or(prev->enabled);
    return absl::OkStatus();
  }
  return ModifyRule(item, prev, error);
}

absl::Status Collector::DefineRule(const Item& item, Diagnostic* error) {
  RuleInfo info;
  info.name = item.name;
  info.pos = item.pos;
  info.condition = item.condition;
  info.output = item.output;
  // Output is trimmed.
  std::string out = info.output.text();
  size_t b = out.find_first_not_of(" \t\r\n");
  size_t e = out.find_last_not_of(" \t\r\n");
  if (b != std::string::npos && (b > 0 || e + 1 < out.size())) {
    SourceText trimmed;
    trimmed.AppendFrom(info.output, b, e + 1);
    info.output = trimmed;
  }
  info.desc = item.desc;
  info.priority = item.priority.value_or(Priority::kDebug);
  info.source = item.source.empty() ? "syscall" : item.source;
  info.enabled = item.enabled.value_or(true);
  info.tags.insert(item.tags.begin(), item.tags.end());
  info.exceptions = item.exceptions;
  info.capture = item.capture.value_or(false);
  info.capture_duration = item.capture_duration.value_or(0);
  info.warn_evttypes = item.warn_evttypes.value_or(true);
  info.skip_if_unknown_filter = item.skip_if_unknown_filter.value_or(false);
  info.index = counter_;
  info.visibility = counter_;
  auto it = rule_by_name_.find(item.name);
  if (it != rule_by_name_.end()) {
    RuleInfo& prev = rules_[it->second];
    if (!item.source.empty() && prev.source != info.source) {
      return Fail(item, item.KeyPos("source"),
                  "Rule has been re-defined with a different source", error);
    }
    info.index = prev.index;
    prev = std::move(info);
  } else {
    rule_by_name_[item.name] = rules_.size();
    rules_.push_back(std::move(info));
  }
  return absl::OkStatus();
}

absl::Status Collector::ModifyRule(const Item& item, RuleInfo* prev, Diagnostic* error) {
  auto text_key = [&](const char* key, SourceText* dst, const SourceText& src) {
    if (!item.Has(key)) {
      return;
    }
    if (IsAppend(item, key)) {
      AppendText(dst, src, item.KeyPos(key));
    } else if (IsReplace(item, key)) {
      *dst = src;
    }
  };
  text_key("condition", &prev->condition, item.condition);
  text_key("output", &prev->output, item.output);
  if (item.Has("desc")) {
    if (IsAppend(item, "desc")) {
      prev->desc += " " + item.desc;
    } else if (IsReplace(item, "desc")) {
      prev->desc = item.desc;
    }
  }
  if (item.Has("tags")) {
    if (IsReplace(item, "tags")) {
      prev->tags.clear();
    }
    prev->tags.insert(item.tags.begin(), item.tags.end());
  }
  if (item.Has("exceptions")) {
    if (IsReplace(item, "exceptions")) {
      prev->exceptions = item.exceptions;
    } else {
      absl::Status st = AppendExceptions(item, prev, error);
      if (!st.ok()) {
        return st;
      }
    }
  }
  auto replace_opt = [&](const char* key, auto* dst, const auto& src) {
    if (item.Has(key) && IsReplace(item, key) && src) {
      *dst = *src;
    }
  };
  replace_opt("priority", &prev->priority, item.priority);
  replace_opt("enabled", &prev->enabled, item.enabled);
  replace_opt("capture", &prev->capture, item.capture);
  replace_opt("capture_duration", &prev->capture_duration, item.capture_duration);
  replace_opt("warn_evttypes", &prev->warn_evttypes, item.warn_evttypes);
  replace_opt("skip-if-unknown-filter", &prev->skip_if_unknown_filter,
              item.skip_if_unknown_filter);
  // Legacy `append: true` with `enabled` toggles as well.
  if (item.append.value_or(false) && item.enabled) {
    prev->enabled = *item.enabled;
  }
  prev->visibility = counter_;
  return absl::OkStatus();
}

absl::Status Collector::AppendExceptions(const Item& item, RuleInfo* prev, Diagnostic* error) {
  for (const ExceptionDef& ex : item.exceptions) {
    ExceptionDef* existing = nullptr;
    for (ExceptionDef& p : prev->exceptions) {
      if (p.name == ex.name) {
        existing = &p;
      }
    }
    if (existing == nullptr) {
      prev->exceptions.push_back(ex);
      continue;
    }
    if (ex.has_fields || ex.has_comps) {
      return Fail(item, ex.pos,
                  absl::StrCat("Can not append exception fields or comps to existing exception '",
                               ex.name, "', only values"),
                  error);
    }
    existing->values.insert(existing->values.end(), ex.values.begin(), ex.values.end());
  }
  return absl::OkStatus();
}

const ListInfo* Collector::FindList(const std::string& name) const {
  auto it = list_by_name_.find(name);
  return it == list_by_name_.end() ? nullptr : &lists_[it->second];
}

const MacroInfo* Collector::FindMacro(const std::string& name) const {
  auto it = macro_by_name_.find(name);
  return it == macro_by_name_.end() ? nullptr : &macros_[it->second];
}

const RuleInfo* Collector::FindRule(const std::string& name) const {
  auto it = rule_by_name_.find(name);
  return it == rule_by_name_.end() ? nullptr : &rules_[it->second];
}

}  // namespace saker::rules
