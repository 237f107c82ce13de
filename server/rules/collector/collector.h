// Stage 2: Falco's semantics for lists, macros and rules across one or more
// files: definition order, redefinition in place, append/override (per
// key), enabled toggles, sources, required engine/plugin versions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/rules/common/priority.h"
#include "server/rules/common/source.h"
#include "server/rules/common/version.h"
#include "server/rules/reader/ast.h"

namespace saker::rules {

struct CollectorOptions {
  // The rules-language (engine) version this build implements.
  Version engine_version{0, 57, 0};
  // Plugins provided natively (name -> version), e.g. {"container", 0.4.0}:
  // required_plugin_versions naming them (or an alternative) are satisfied.
  std::map<std::string, Version> native_plugins = {{"container", Version{0, 4, 0}}};
  // Event sources this engine can evaluate. Rules for other sources are
  // skipped with a warning.
  std::set<std::string> sources = {"syscall"};
};

struct ListInfo {
  std::string name;
  Position pos;
  std::vector<std::string> items;
  size_t index = 0;
  size_t visibility = 0;
};

struct MacroInfo {
  std::string name;
  Position pos;
  SourceText condition;
  size_t index = 0;
  size_t visibility = 0;
};

struct RuleInfo {
  std::string name;
  Position pos;
  SourceText condition;
  SourceText output;
  std::string desc;
  Priority priority = Priority::kDebug;
  std::string source = "syscall";
  bool enabled = true;
  std::set<std::string> tags;
  std::vector<ExceptionDef> exceptions;
  bool capture = false;
  int64_t capture_duration = 0;
  bool warn_evttypes = true;
  bool skip_if_unknown_filter = false;
  size_t index = 0;
  size_t visibility = 0;
};

// Accumulates items from files loaded in order. The first error aborts the
// file being collected (state may then hold part of it: callers that need
// atomicity collect into a copy).
class Collector {
 public:
  explicit Collector(CollectorOptions options = {}) : options_(std::move(options)) {}

  // Adds every item of `file`. Warnings are appended to warnings(). On error
  // the status message is `file:line:column: message (kind "name")` and
  // `*error` (if non-null) the structured diagnostic.
  absl::Status Collect(const RulesFile& file, Diagnostic* error = nullptr);

  // In definition order (redefinitions keep the original slot).
  const std::vector<ListInfo>& lists() const { return lists_; }
  const std::vector<MacroInfo>& macros() const { return macros_; }
  const std::vector<RuleInfo>& rules() const { return rules_; }
  const std::vector<Diagnostic>& warnings() const { return warnings_; }
  const ListInfo* FindList(const std::string& name) const;
  const MacroInfo* FindMacro(const std::string& name) const;
  const RuleInfo* FindRule(const std::string& name) const;
  const CollectorOptions& options() const { return options_; }

 private:
  absl::Status Fail(const Item& item, const Position& pos, const std::string& msg,
                    Diagnostic* error);
  absl::Status CheckEngineVersion(const Item& item, Diagnostic* error);
  absl::Status CheckPlugins(const Item& item, Diagnostic* error);
  absl::Status AddList(const Item& item, Diagnostic* error);
  absl::Status AddMacro(const Item& item, Diagnostic* error);
  absl::Status AddRule(const Item& item, Diagnostic* error);
  absl::Status DefineRule(const Item& item, Diagnostic* error);
  absl::Status ModifyRule(const Item& item, RuleInfo* prev, Diagnostic* error);
  absl::Status AppendExceptions(const Item& item, RuleInfo* prev, Diagnostic* error);

  CollectorOptions options_;
  size_t counter_ = 0;
  std::vector<ListInfo> lists_;
  std::vector<MacroInfo> macros_;
  std::vector<RuleInfo> rules_;
  std::map<std::string, size_t> list_by_name_;
  std::map<std::string, size_t> macro_by_name_;
  std::map<std::string, size_t> rule_by_name_;
  std::vector<Diagnostic> warnings_;
};

// Spec §2.4.1: the rule's condition with its exceptions appended as
// `(cond) and not (...)`. Positions of generated text point at the exception.
// Errors (mismatched fields/comps/values, invalid comps) set `*error_pos`.
absl::StatusOr<SourceText> BuildConditionWithExceptions(const RuleInfo& rule,
                                                        Position* error_pos);

}  // namespace saker::rules
