// Typed values of the Saker API, free of gRPC and protobuf types.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace saker::client {

// A rule's priority, least severe first (so a minimum compares with >=).
// The values are those of saker.alerts.v1.Priority.
enum class Priority {
  kUnspecified = 0,
  kDebug = 1,
  kInformational = 2,
  kNotice = 3,
  kWarning = 4,
  kError = 5,
  kCritical = 6,
  kAlert = 7,
  kEmergency = 8,
};

// Falco's upper-case name: "WARNING"; "UNSPECIFIED" for kUnspecified.
std::string_view PriorityName(Priority p);
// Parses a Falco priority name, case-insensitively ("warning", "Info",
// "informational", "CRITICAL"). nullopt for anything else.
std::optional<Priority> ParsePriority(std::string_view name);

// One alert raised by a rule.
struct Alert {
  uint64_t sequence = 0;  // the server's alert sequence number
  absl::Time time;        // time of the event that raised it
  Priority priority = Priority::kUnspecified;
  std::string rule;
  std::string output;  // the formatted output line
  std::map<std::string, std::string> output_fields;
  std::string hostname;
  std::vector<std::string> tags;
  std::string source;     // "syscall", "internal", a plugin source
  absl::Time publish_time;  // when the server published it
};

// One raw syscall event.
struct Event {
  uint64_t sequence = 0;
  absl::Time time;
  uint32_t cpu = 0;
  std::string type;  // evt.type: "execve", "connect", ...
  int64_t res = 0;
  int64_t pid = 0;
  int64_t tid = 0;
  int64_t ppid = 0;
  std::string proc_name;
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint64_t cgroup_id = 0;
  std::vector<std::pair<std::string, std::string>> args;  // in syscall order

  // The value of the first argument with this name, or nullptr.
  const std::string* Arg(std::string_view name) const;
};

// Why a range of sequence numbers was not delivered.
enum class GapReason {
  kUnspecified = 0,
  kSubscriberOverflow = 1,  // this subscriber fell behind the server
  kHistoryExpired = 2,      // a resume asked for what the history no longer holds
};
std::string_view GapReasonName(GapReason r);

// Items [from_sequence, to_sequence] were lost for this subscriber.
struct Gap {
  uint64_t from_sequence = 0;
  uint64_t to_sequence = 0;
  uint64_t count = 0;
  GapReason reason = GapReason::kUnspecified;
};

// The subscription is over: Cancel() (CANCELLED), an error that a reconnect
// cannot fix (e.g. INVALID_ARGUMENT for a bad condition), or the reconnect
// attempts ran out (the last error).
struct End {
  absl::Status status;
};

using AlertItem = std::variant<Alert, Gap, End>;
using EventItem = std::variant<Event, Gap, End>;

// falco.version.service/version.
struct Version {
  std::string version;  // e.g. "0.1.0"
  uint32_t major = 0, minor = 0, patch = 0;
  std::string engine_version;
};

// One rule, as the server holds it.
struct Rule {
  std::string name;
  Priority priority = Priority::kUnspecified;
  std::vector<std::string> tags;
  std::vector<std::string> event_types;
  std::string source;
  bool enabled = false;
  uint64_t match_count = 0;
};

// One stream subscribed on the server.
struct Subscriber {
  uint64_t id = 0;
  std::string peer;
  std::string identity;
  std::string kind;  // "alerts", "events", "falco"
  uint64_t queue_depth = 0, delivered = 0, dropped = 0;
};

// A server's alert or event history.
struct HubStatus {
  uint64_t published = 0, capacity = 0, oldest_sequence = 0, newest_sequence = 0;
};

// saker.status.v1.StatusService/GetStatus.
struct Status {
  absl::Time start_time;
  absl::Duration uptime;
  bool probe_loaded = false;
  uint64_t events_captured = 0;
  std::map<std::string, uint64_t> kernel_drops;
  std::vector<Rule> rules;
  HubStatus alerts, events;
  std::vector<Subscriber> subscribers;
};

// saker.rules.v1.RuleService/ReloadRules.
struct ReloadResult {
  uint32_t rule_count = 0;
  std::vector<std::string> warnings;
};

}  // namespace saker::client
