#include "server/rules/engine/builder.h"

#include <algorithm>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "server/rules/compiler/evttype.h"
#include "server/rules/condition/parser.h"
#include "server/rules/engine/name_pattern.h"

namespace saker::rules {

namespace {

constexpr const char kNodesKey[] = "saker.rules.limits.max_nodes";
constexpr const char kListItemsKey[] = "saker.rules.limits.max_list_items";
// CompiledRule::expanded_condition() is cut here (an expansion shares
// macros; written out it can be exponentially longer than the rules).
constexpr size_t kMaxExpandedText = 64 * 1024;

// Nodes of a condition as parsed (macro references count one).
size_t CountNodes(const Node& n) {
  size_t count = 1;
  for (const Node& c : n.children) {
    count += CountNodes(c);
  }
  return count;
}

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

absl::Status RuleSetBuilder::Charge(size_t nodes, const Position& pos, const char* kind,
                                    const std::string& name, Diagnostic* error) {
  const size_t max = options_->limits.max_nodes;
  if (nodes > max - std::min(nodes_, max)) {
    return Fail(pos,
                absl::StrCat("the rules' conditions and lists expand past the limit of ", max,
                             " nodes (", kNodesKey, ")"),
                kind, name, error);
  }
  nodes_ += nodes;
  return absl::OkStatus();
}

absl::Status RuleSetBuilder::ResolveLists(const Collector& c, Diagnostic* error) {
  // Items naming an earlier list (index < this list's visibility) expand.
  std::map<std::string, const ListInfo*> infos;
  for (const ListInfo& l : c.lists()) {
    infos[l.name] = &l;
  }
  const size_t max = options_->limits.max_list_items;
  for (const ListInfo& l : c.lists()) {
    std::vector<std::string> items;
    for (const std::string& item : l.items) {
      auto it = infos.find(item);
      const bool nested =
          it != infos.end() && it->second->index < l.visibility && lists_.count(item) > 0;
      const size_t more = nested ? lists_[item].size() : 1;
      if (more > max - items.size()) {
        return Fail(l.pos,
                    absl::StrCat("list '", l.name, "' expands past the limit of ", max, " items (",
                                 kListItemsKey, ")"),
                    "list", l.name, error);
      }
      if (nested) {
        const std::vector<std::string>& sub = lists_[item];
        items.insert(items.end(), sub.begin(), sub.end());
        used_lists_.insert(item);
      } else {
        items.push_back(item);
      }
    }
    absl::Status st = Charge(items.size(), l.pos, "list", l.name, error);
    if (!st.ok()) {
      return st;
    }
    set_->summary_.list_items += items.size();
    lists_[l.name] = std::move(items);
  }
  return absl::OkStatus();
}

absl::StatusOr<Node> RuleSetBuilder::Parse(const SourceText& text, const char* kind,
                                           const std::string& name, Diagnostic* error) {
  const size_t max = options_->limits.max_nodes;
  std::vector<std::string> used;
  size_t items = 0;
  Position pos;
  auto substituted = SubstituteLists(
      text,
      [this](const std::string& n) -> const std::vector<std::string>* {
        auto it = lists_.find(n);
        return it == lists_.end() ? nullptr : &it->second;
      },
      max - std::min(nodes_, max), &items, &used, &pos);
  if (!substituted.ok()) {
    return Charge(items, pos, kind, name, error);  // fails: past the budget
  }
  used_lists_.insert(used.begin(), used.end());
  ParseOptions po;
  po.max_depth = options_->limits.max_depth;
  auto ast = ParseCondition(*substituted, po, &pos);
  if (!ast.ok()) {
    return Fail(pos, std::string(ast.status().message()), kind, name, error);
  }
  absl::Status st = Charge(items + CountNodes(*ast), text.Locate(0), kind, name, error);
  if (!st.ok()) {
    return st;
  }
  return ast;
}

absl::Status RuleSetBuilder::ParseMacros(const Collector& c, Diagnostic* error) {
  for (const MacroInfo& m : c.macros()) {
    auto ast = Parse(m.condition, "macro", m.name, error);
    if (!ast.ok()) {
      return ast.status();
    }
    macro_asts_.push_back(std::make_unique<Node>(std::move(*ast)));
    macro_defs_[m.name] = MacroDef{m.name, macro_asts_.back().get(), m.index, m.visibility};
  }
  expander_ = std::make_unique<MacroExpander>(
      [this](const std::string& n) -> const MacroDef* {
        auto it = macro_defs_.find(n);
        return it == macro_defs_.end() ? nullptr : &it->second;
      },
      options_->limits.max_depth);
  // Every macro is checked, used or not (as Falco does); each macro's body
  // is expanded once, on first reference, and shared.
  for (const MacroInfo& m : c.macros()) {
    Position pos;
    absl::Status st = expander_->ExpandMacro(m.name, &pos);
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
  auto ast = Parse(*with_ex, "rule", info.name, error);
  if (!ast.ok()) {
    return ast.status();
  }
  absl::Status st = expander_->Expand(&*ast, SIZE_MAX, &pos, &rule_macro_refs_);
  if (!st.ok()) {
    return Fail(pos, std::string(st.message()), "rule", info.name, error);
  }
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
  rule->evttypes_ =
      info.source == "syscall" ? ComputeEventTypes(*ast, *types_, &evttype_memo_) : EventTypeSet();
  rule->expanded_ = ast->ToString(kMaxExpandedText);
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
  absl::Status st = ResolveLists(c, error);
  if (!st.ok()) {
    return st;
  }
  st = ParseMacros(c, error);
  if (!st.ok()) {
    return st;
  }
  for (const RuleInfo& r : c.rules()) {
    st = CompileRule(r, error);
    if (!st.ok()) {
      return st;
    }
  }
  const std::set<std::string> used_macros = expander_->Closure(rule_macro_refs_);
  for (const MacroInfo& m : c.macros()) {
    if (used_macros.count(m.name) == 0) {
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
  set_->refs_.macro_filters().clear();  // compiled; the rules hold what they use
  return std::move(set_);
}

}  // namespace saker::rules
