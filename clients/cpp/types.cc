#include "clients/cpp/types.h"

#include "absl/strings/match.h"

namespace saker::client {
namespace {

constexpr std::string_view kPriorityNames[] = {
    "UNSPECIFIED", "DEBUG", "INFORMATIONAL", "NOTICE",   "WARNING",
    "ERROR",       "CRITICAL", "ALERT",      "EMERGENCY",
};

bool Same(std::string_view a, std::string_view b) {
  return absl::EqualsIgnoreCase(absl::string_view(a.data(), a.size()),
                                absl::string_view(b.data(), b.size()));
}

}  // namespace

std::string_view PriorityName(Priority p) {
  auto i = static_cast<size_t>(p);
  return i < std::size(kPriorityNames) ? kPriorityNames[i] : "UNSPECIFIED";
}

std::optional<Priority> ParsePriority(std::string_view name) {
  if (Same(name, "info")) {
    return Priority::kInformational;
  }
  if (Same(name, "warn")) {
    return Priority::kWarning;
  }
  for (size_t i = 1; i < std::size(kPriorityNames); ++i) {
    if (Same(name, kPriorityNames[i])) {
      return static_cast<Priority>(i);
    }
  }
  return std::nullopt;
}

std::string_view GapReasonName(GapReason r) {
  switch (r) {
    case GapReason::kSubscriberOverflow:
      return "subscriber overflow";
    case GapReason::kHistoryExpired:
      return "history expired";
    default:
      return "unspecified";
  }
}

const std::string* Event::Arg(std::string_view name) const {
  for (const auto& [k, v] : args) {
    if (k == name) {
      return &v;
    }
  }
  return nullptr;
}

}  // namespace saker::client
