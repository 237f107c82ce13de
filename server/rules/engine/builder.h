// Builds a RuleSet from collected items: list resolution, macro parsing and
// expansion, rule compilation, output compilation and event-type indexing
// (spec §2.4, §2.5). Internal to the engine package.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "server/rules/collector/collector.h"
#include "server/rules/compiler/evttype.h"
#include "server/rules/condition/ast.h"
#include "server/rules/condition/expand.h"
#include "server/rules/engine/engine.h"

namespace saker::rules {

class RuleSetBuilder {
 public:
  RuleSetBuilder(const EngineOptions* options, const FieldRegistry* registry,
                 const EventTypeTable* types)
      : options_(options), registry_(registry), types_(types) {}

  absl::StatusOr<std::unique_ptr<RuleSet>> Build(const Collector& collector, Diagnostic* error);

 private:
  absl::Status Fail(const Position& pos, const std::string& msg, const char* kind,
                    const std::string& name, Diagnostic* error);
  void Warn(const Position& pos, const char* code, std::string msg, const char* kind,
            const std::string& name);
  absl::Status ResolveLists(const Collector& c, Diagnostic* error);
  absl::Status ParseMacros(const Collector& c, Diagnostic* error);
  absl::Status CompileRule(const RuleInfo& info, Diagnostic* error);
  bool SkipUnknown(const RuleInfo& info, const absl::Status& st, const Position& pos);
  void Index();
  // Substitutes lists and parses the condition of item `kind` `name`,
  // charging its nodes to the rule set's budget.
  absl::StatusOr<Node> Parse(const SourceText& text, const char* kind, const std::string& name,
                             Diagnostic* error);
  absl::Status Charge(size_t nodes, const Position& pos, const char* kind, const std::string& name,
                      Diagnostic* error);

  const EngineOptions* options_;
  const FieldRegistry* registry_;
  const EventTypeTable* types_;
  std::unique_ptr<RuleSet> set_;
  std::map<std::string, std::vector<std::string>> lists_;
  std::map<std::string, MacroDef> macro_defs_;
  std::vector<std::unique_ptr<Node>> macro_asts_;
  std::unique_ptr<MacroExpander> expander_;
  EventTypeMemo evttype_memo_;
  size_t nodes_ = 0;  // charged against options_->limits.max_nodes
  std::set<std::string> used_lists_;
  std::vector<std::string> rule_macro_refs_;
};

}  // namespace saker::rules
