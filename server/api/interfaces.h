#pragma once

// The seams between the API and the rest of the daemon. Each is injected into
// ApiServer through ApiServerOptions; any may be null.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "server/api/records.h"

namespace saker::api {

// A compiled condition over an alert.
class AlertPredicate {
 public:
  virtual ~AlertPredicate() = default;
  virtual bool Matches(const AlertRecord& alert) const = 0;
};

// Compiles a rules-language condition over an alert's fields (the rules
// engine implements it). Errors are returned to the client as
// INVALID_ARGUMENT with the status message.
class AlertFilterCompiler {
 public:
  virtual ~AlertFilterCompiler() = default;
  virtual absl::StatusOr<std::unique_ptr<AlertPredicate>> Compile(std::string_view condition) = 0;
};

// A compiled condition over a raw event, applied before serialisation.
class EventPredicate {
 public:
  virtual ~EventPredicate() = default;
  virtual bool Matches(const EventRecord& event) const = 0;
};

class EventFilterCompiler {
 public:
  virtual ~EventFilterCompiler() = default;
  virtual absl::StatusOr<std::unique_ptr<EventPredicate>> Compile(std::string_view condition) = 0;
};

// One loaded rule, as the rules engine reports it.
struct RuleInfo {
  std::string name;
  Priority priority = Priority::kDebug;
  std::vector<std::string> tags;
  std::vector<std::string> event_types;
  std::string source = "syscall";
  bool enabled = true;
  uint64_t match_count = 0;
};

struct ReloadResult {
  size_t rule_count = 0;
  std::vector<std::string> warnings;
};

// Lists and reloads the rules. Reload must keep the running rules when the
// files have errors, and return them (joined) in an error status.
class RulesControl {
 public:
  virtual ~RulesControl() = default;
  virtual std::vector<RuleInfo> ListRules() = 0;
  virtual absl::StatusOr<ReloadResult> Reload() = 0;
};

struct DriverInfo {
  bool probe_loaded = false;
  uint64_t events_captured = 0;
  std::vector<std::pair<std::string, uint64_t>> kernel_drops;  // by category
};

// What the kernel driver is doing.
class DriverStatusSource {
 public:
  virtual ~DriverStatusSource() = default;
  virtual DriverInfo GetDriverStatus() = 0;
};

}  // namespace saker::api
