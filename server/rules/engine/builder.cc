#include "server/rules/engine/builder.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/rules/compiler/evttype.h"
#include "server/rules/condition/parser.h"
#include "server/rules/engine/name_pattern.h"

namespace saker::rules {

namespace {

// The rule's `enabled:`, then the selection's items in order.
bool Selected(const RuleInfo& info, const std::vector<RuleSelector>& selection) {
  bool enabled = info.enabled;
  for (const RuleSelector& s : selection) {
    const bool by_name = !s.rule.empty() && NameMatches(s.rule, info.name);
    const bool by_tag = !s.tag.empty() && info.tags.count(s.tag) > 0;
    if (by_name || by_tag) {
      enabled = s.enable;
    }
  }
  return enabled;
}

}  // namespace

absl::Status RuleSetBuilder::Fail(const Position& pos, const std::string& msg, const char* kind,
                                  const std::string& name, Diagnostic* error) {
  Diagnostic d;
  d.severity = Severity::kError;
  d.code = "LOAD_ERR_COMPILE_CONDITION";
  d.pos = pos;
  d.message = msg;
  d.item_kind = kind;
  d.item_name = name;
  if (error != nullptr) {
    *error = d;
  }
  return absl::InvalidArgumentError(d.ToString());
}

void RuleSetBuilder::Warn(const Position& pos, const char* code, std::string msg, const char* kind,
                          const std::string& name) {
  Diagnostic d;
  d.severity = Severity::kWarning;
  d.code = code;
  d.pos = pos;
  d.message = std::move(msg);
  d.item_kind = kind;
  d.item_name = name;
  set_->summary_.warnings.push_back(std::move(d));
}

void RuleSetBuilder::ResolveLists(const Collector& c) {
  // Items naming an earlier list (index < this list's visibility) expand.
  std::map<std::string, const ListInfo*> infos;
  for (const ListInfo& l : c.lists()) {
    infos[l.name] = &l;
  }
  for (const ListInfo& l : c.lists()) {
    std::vector<std::string> items;
    for (const std::string& item : l.items) {
      auto it = infos.find(item);
      if (it != infos.end() && it->second->index < l.visibility && lists_.count(item) > 0) {
        const std::vector<std::string>& sub = lists_[item];
        items.insert(items.end(), sub.begin(), sub.end());
        used_lists_.insert(item);
      } else {
        items.push_back(item);
      }
    }
    set_->summary_.list_items += items.size();
    lists_[l.name] = std::move(items);
  }
}

SourceText RuleSetBuilder::Substitute(const SourceText& text) {
  std::vector<std::string> used;
  SourceText out = SubstituteLists(
      text,
      [this](const std::string& n) -> const std::vector<std::string>* {
        auto it = lists_.find(n);
        return it == lists_.end() ? nullptr : &it->second;
      },
      &used);
  used_lists_.insert(used.begin(), used.end());
  return out;
}

absl::Status RuleSetBuilder::ParseMacros(const Collector& c, Diagnostic* error) {
  for (const MacroInfo& m : c.macros()) {
    Position pos;
    auto ast = ParseCondition(Substitute(m.condition), ParseOptions{}, &pos);
    if (!ast.ok()) {
      return Fail(pos, std::string(ast.status().message()), "macro", m.name, error);
    }
    macro_asts_.push_back(std::make_unique<Node>(std::move(*ast)));
    macro_defs_[m.name] = MacroDef{m.name, macro_asts_.back().get(), m.index, m.visibility};
  }
  auto lookup = [this](const std::string& n) -> const MacroDef* {
    auto it = macro_defs_.find(n);
    return it == macro_defs_.end() ? nullptr : &it->second;
  };
  for (const MacroInfo& m : c.macros()) {
    Node copy = *macro_defs_[m.name].ast;
    Position pos;
    absl::Status st = ExpandMacros(&copy, lookup, m.visibility, &pos);
    if (!st.ok()) {
      return Fail(pos, std::string(st.message()), "macro", m.name, error);
    }
  }
  return absl::OkStatus();
}

bool RuleSetBuilder::SkipUnknown(const RuleInfo& info, const absl::Status& st,
                                 const Position& pos) {
  if (!info.skip_if_unknown_filter) {
    return false;
  }
  absl::string_view m = st.message();
  if (absl::StrContains(m, "nonexistent field") ||
      absl::StrContains(m, "invalid formatting token") ||
      absl::StrContains(m, "unknown event type") || absl::StrContains(m, "unknown filter:")) {
    Warn(pos, "LOAD_COMPILE_CONDITION", absl::StrCat("Rule skipped (skip-if-unknown-filter): ", m),
         "rule", info.name);
    return true;
  }
  return false;
}

absl::Status RuleSetBuilder::CompileRule(const RuleInfo& info, Diagnostic* error) {
  Position pos;
  auto with_ex = BuildConditionWithExceptions(info, &pos);
  if (!with_ex.ok()) {
    return Fail(pos, std::string(with_ex.status().message()), "rule", info.name, error);
  }
  auto ast = ParseCondition(Substitute(*with_ex), ParseOptions{}, &pos);
  if (!ast.ok()) {
    return Fail(pos, std::string(ast.status().message()), "rule", info.name, error);
  }
  std::vector<std::string> used;
  absl::Status st = ExpandMacros(
      &*ast,
      [this](const std::string& n) -> const MacroDef* {
        auto it = macro_defs_.find(n);
        return it == macro_defs_.end() ? nullptr : &it->second;
      },
      SIZE_MAX, &pos, &used);
  if (!st.ok()) {
    return Fail(pos, std::string(st.message()), "rule", info.name, error);
  }
  used_macros_.insert(used.begin(), used.end());
  auto rule = std::make_unique<CompiledRule>();
  ConditionCompiler compiler(registry_, types_, &set_->refs_);
  std::vector<std::string> notes;
  auto filter = compiler.Compile(*ast, &pos, &notes);
  if (!filter.ok()) {
    return SkipUnknown(info, filter.status(), pos)
               ? absl::OkStatus()
               : Fail(pos, std::string(filter.status().message()), "rule", info.name, error);
  }
  for (std::string& n : notes) {
    Warn(info.pos, "LOAD_DEPRECATED_ITEM", std::move(n), "rule", info.name);
  }
  SourceText output = info.output;
  if (options_->suggested_output && info.source == "syscall") {
    output.AppendSynthetic(" container_id=%container.id container_name=%container.name",
                           info.output.Locate(info.output.size()));
  }
  notes.clear();
  auto fmt = OutputFormat::Compile(output, &compiler, &pos, &notes);
  if (!fmt.ok()) {
    return SkipUnknown(info, fmt.status(), pos)
               ? absl::OkStatus()
               : Fail(pos, std::string(fmt.status().message()), "rule", info.name, error);
  }
  for (std::string& n : notes) {
    Warn(info.pos, "LOAD_DEPRECATED_ITEM", std::move(n), "rule", info.name);
  }
  rule->name_ = info.name;
  rule->desc_ = info.desc;
  rule->priority_ = info.priority;
  rule->source_ = info.source;
  rule->tags_ = info.tags;
  rule->enabled_ = Selected(info, options_->selection) && info.priority <= options_->min_priority;
  rule->pos_ = info.pos;
  rule->evttypes_ = info.source == "syscall" ? ComputeEventTypes(*ast, *types_) : EventTypeSet();
  rule->expanded_ = ast->ToString();
  rule->filter_ = std::move(*filter);
  rule->output_ = std::move(*fmt);
  if (info.source == "syscall" && info.warn_evttypes && rule->evttypes_.count() > 100) {
    Warn(info.pos, "LOAD_NO_EVTTYPE",
         "Rule matches too many evt.type values. This has a significant performance penalty.",
         "rule", info.name);
  }
  set_->rules_.push_back(std::move(rule));
  return absl::OkStatus();
}

void RuleSetBuilder::Index() {
  set_->by_type_.assign(types_->size(), {});
  for (auto& r : set_->rules_) {
    if (!r->enabled_) {
      continue;
    }
    EventTypeSet set = r->evttypes_;
    if (r->source_ == "syscall") {
      set.set(types_->async_code());
    } else {
      set.set(types_->plugin_code());
    }
    if (set.none()) {
      set_->all_types_.push_back(r.get());
      continue;
    }
    for (size_t c = 0; c < types_->size(); ++c) {
      if (set.test(c)) {
        set_->by_type_[c].push_back(r.get());
      }
    }
  }
}

absl::StatusOr<std::unique_ptr<RuleSet>> RuleSetBuilder::Build(const Collector& c,
                                                               Diagnostic* error) {
  set_ = std::make_unique<RuleSet>();
  set_->summary_.warnings = c.warnings();
  ResolveLists(c);
  absl::Status st = ParseMacros(c, error);
  if (!st.ok()) {
    return st;
  }
  for (const RuleInfo& r : c.rules()) {
    st = CompileRule(r, error);
    if (!st.ok()) {
      return st;
    }
  }
  for (const MacroInfo& m : c.macros()) {
    if (used_macros_.count(m.name) == 0) {
      Warn(m.pos, "LOAD_UNUSED_MACRO", "Macro not referred to by any other rule/macro", "macro",
           m.name);
    }
  }
  for (const ListInfo& l : c.lists()) {
    if (used_lists_.count(l.name) == 0) {
      Warn(l.pos, "LOAD_UNUSED_LIST", "List not referred to by any other rule/macro/list", "list",
           l.name);
    }
  }
  LoadSummary& s = set_->summary_;
  s.rules = set_->rules_.size();
  for (const auto& r : set_->rules_) {
    s.enabled_rules += r->enabled_ ? 1 : 0;
  }
  s.macros = c.macros().size();
  s.lists = c.lists().size();
  Index();
  set_->cache_.Resize(set_->refs_.refs().size());
  return std::move(set_);
}

}  // namespace saker::rules
