#include "server/rules/common/priority.h"

#include "absl/strings/ascii.h"

namespace saker::rules {

std::optional<Priority> ParsePriority(absl::string_view s) {
  std::string l = absl::AsciiStrToLower(s);
  if (l == "emergency") return Priority::kEmergency;
  if (l == "alert") return Priority::kAlert;
  if (l == "critical") return Priority::kCritical;
  if (l == "error") return Priority::kError;
  if (l == "warning") return Priority::kWarning;
  if (l == "notice") return Priority::kNotice;
  if (l == "informational" || l == "info") return Priority::kInformational;
  if (l == "debug") return Priority::kDebug;
  return std::nullopt;
}

absl::string_view PriorityName(Priority p) {
  switch (p) {
    case Priority::kEmergency:
      return "Emergency";
    case Priority::kAlert:
      return "Alert";
    case Priority::kCritical:
      return "Critical";
    case Priority::kError:
      return "Error";
    case Priority::kWarning:
      return "Warning";
    case Priority::kNotice:
      return "Notice";
    case Priority::kInformational:
      return "Informational";
    case Priority::kDebug:
      return "Debug";
  }
  return "Debug";
}

}  // namespace saker::rules
