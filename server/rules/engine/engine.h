// Stage 6: the rules engine API. Loads rule files (in order, like one
// concatenated file), validates and compiles them, indexes rules by event
// type, evaluates events and formats alerts.
//
// Wiring (server/state implements the extractor):
//   Engine engine(options);
//   absl::Status st = engine.LoadFiles({"/etc/saker/falco_rules.yaml", ...});
//   EventTypeCode openat = engine.event_types().Code("openat");  // once
//   ... per event:
//   engine.Evaluate(openat, &my_extractor, &matches);
//   for (const CompiledRule* r : matches) sink(engine.FormatAlert(*r, ev));
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/rules/collector/collector.h"
#include "server/rules/common/priority.h"
#include "server/rules/common/source.h"
#include "server/rules/compiler/compiler.h"
#include "server/rules/compiler/event_types.h"
#include "server/rules/compiler/extractor.h"
#include "server/rules/compiler/field_registry.h"
#include "server/rules/condition/parser.h"
#include "server/rules/output/formatter.h"

namespace saker::rules {

enum class RuleMatching { kFirst, kAll };

struct AlertOptions {
  bool json_output = false;
  bool json_include_output_property = true;
  bool json_include_output_fields_property = true;
  bool json_include_tags_property = true;
  bool json_include_message_property = false;
  bool time_format_iso_8601 = false;
  std::string hostname;
  absl::TimeZone time_zone = absl::LocalTimeZone();
};

// One item of Falco's `rules:` selection (falco.yaml): enable or disable
// the rules whose name matches `rule` (`*` matches any run of characters)
// or that carry `tag`. Items apply in order, after the files' own
// `enabled:`; `priority` still applies on top.
struct RuleSelector {
  bool enable = true;
  std::string rule;  // a name pattern, or empty
  std::string tag;   // a tag, or empty
};

// Bounds on what rule files may expand to (saker.rules.limits.*). Loading
// a file past one fails with `file:line:col: ...` naming the item, the
// limit and its key; the defaults leave Falco's upstream rules 10x room.
struct RuleLimits {
  // Nesting of a condition: parentheses and transformers as written, and
  // and/or/not, macro references and transformers after macro expansion
  // (what the compiler and the evaluator recurse on).
  int max_depth = kDefaultMaxDepth;
  // Condition nodes (and/or/not, checks, macro references) plus the list
  // items substituted into conditions and resolved into lists, all rule
  // files together; an expanded macro counts once however often it is used.
  size_t max_nodes = 200000;
  // Items of one list after expanding the lists it names.
  size_t max_list_items = 10000;
};

struct EngineOptions {
  CollectorOptions collector;
  RuleLimits limits;
  std::vector<RuleSelector> selection;
  RuleMatching rule_matching = RuleMatching::kFirst;
  // Falco's `priority:`: only rules at least this severe are enabled.
  Priority min_priority = Priority::kDebug;
  // Falco's default `append_output: [{suggested_output: true}]`: appends
  // ` container_id=%container.id container_name=%container.name`.
  bool suggested_output = true;
  AlertOptions alerts;
};

// One rule file's name (for positions) and text.
struct RuleFileContent {
  std::string name;
  std::string content;
};

struct LoadSummary {
  size_t rules = 0;
  size_t enabled_rules = 0;
  size_t macros = 0;
  size_t lists = 0;
  size_t list_items = 0;
  std::vector<Diagnostic> warnings;
};

class CompiledRule {
 public:
  const std::string& name() const { return name_; }
  const std::string& desc() const { return desc_; }
  Priority priority() const { return priority_; }
  const std::string& source() const { return source_; }
  const std::set<std::string>& tags() const { return tags_; }
  bool enabled() const { return enabled_; }
  const Position& pos() const { return pos_; }
  // Event types the condition can match (without the async event).
  const EventTypeSet& event_types() const { return evttypes_; }
  // Fully expanded condition, for debugging.
  const std::string& expanded_condition() const { return expanded_; }
  uint64_t matches() const { return matches_; }

 private:
  friend class RuleSetBuilder;
  friend class Engine;
  std::string name_;
  std::string desc_;
  Priority priority_ = Priority::kDebug;
  std::string source_;
  std::set<std::string> tags_;
  bool enabled_ = true;
  Position pos_;
  EventTypeSet evttypes_;
  std::string expanded_;
  std::unique_ptr<Filter> filter_;
  mutable OutputFormat output_;  // holds reusable render buffers
  uint64_t matches_ = 0;
};

// A compiled, indexed set of rules (immutable except counters and buffers).
class RuleSet {
 public:
  const std::vector<std::unique_ptr<CompiledRule>>& rules() const { return rules_; }
  const CompiledRule* Find(const std::string& name) const;
  const LoadSummary& summary() const { return summary_; }
  // Every FieldRef the conditions and outputs use (slot order).
  std::vector<const FieldRef*> field_refs() const;

 private:
  friend class RuleSetBuilder;
  friend class Engine;
  FieldRefTable refs_;
  std::vector<std::unique_ptr<CompiledRule>> rules_;
  std::vector<std::vector<CompiledRule*>> by_type_;  // per EventTypeCode, load order
  std::vector<CompiledRule*> all_types_;             // rules with an empty type set
  FieldCache cache_;                                 // per-event extraction memo
  LoadSummary summary_;
};

class Engine {
 public:
  explicit Engine(EngineOptions options = {});

  // Loads files (or contents) in order, replacing the active rule set only
  // on success: on error the previous rules stay active (reload). The error
  // message is `file:line:column: message (rule "NAME")`; `*error` gets the
  // structured form.
  absl::Status LoadFiles(const std::vector<std::string>& paths, Diagnostic* error = nullptr);
  absl::Status LoadContents(const std::vector<RuleFileContent>& files, Diagnostic* error = nullptr);
  // Compiles without activating (validation).
  absl::StatusOr<std::unique_ptr<RuleSet>> Compile(const std::vector<RuleFileContent>& files,
                                                   Diagnostic* error = nullptr) const;

  bool loaded() const { return active_ != nullptr; }
  const RuleSet* rule_set() const { return active_.get(); }
  const LoadSummary& summary() const;
  const EventTypeTable& event_types() const { return types_; }
  const FieldRegistry& fields() const { return registry_; }
  const EngineOptions& options() const { return options_; }

  // Runs the rules indexed for `evt_type` (in load order), then (only if
  // none matched) the rules indexed for all types. `matches` is cleared and
  // receives the matching rules: at most one with RuleMatching::kFirst.
  // Returns the number of matches. Increments per-rule counters.
  size_t Evaluate(EventTypeCode evt_type, FieldExtractor* extractor,
                  std::vector<const CompiledRule*>* matches);

  // Alerts (spec §3.3). `ts_ns` is the event time; the extractor must still
  // describe the event that matched.
  std::string FormatOutput(const CompiledRule& rule, EventTypeCode evt_type, uint64_t ts_ns,
                           FieldExtractor* extractor);
  std::string FormatTextAlert(const CompiledRule& rule, EventTypeCode evt_type, uint64_t ts_ns,
                              FieldExtractor* extractor);
  std::string FormatJsonAlert(const CompiledRule& rule, EventTypeCode evt_type, uint64_t ts_ns,
                              FieldExtractor* extractor);
  // The rule's output fields as (key, text) pairs sorted by key, <NA> where
  // a value cannot be extracted: the form Falco's gRPC API carries.
  void FormatOutputFields(const CompiledRule& rule, EventTypeCode evt_type, uint64_t ts_ns,
                          FieldExtractor* extractor,
                          std::vector<std::pair<std::string, std::string>>* out);

 private:
  EngineOptions options_;
  FieldRegistry registry_;
  EventTypeTable types_;
  std::unique_ptr<RuleSet> active_;
  LoadSummary empty_summary_;
};

}  // namespace saker::rules
