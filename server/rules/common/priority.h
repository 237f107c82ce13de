// Falco rule priorities (falco_common.cpp): lower number = more severe.
#pragma once

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace saker::rules {

enum class Priority : int {
  kEmergency = 0,
  kAlert = 1,
  kCritical = 2,
  kError = 3,
  kWarning = 4,
  kNotice = 5,
  kInformational = 6,
  kDebug = 7,
};

// Case-insensitive: emergency alert critical error warning notice
// informational|info debug. nullopt for anything else.
std::optional<Priority> ParsePriority(absl::string_view s);
// The capitalised output name: "Emergency" ... "Informational", "Debug".
absl::string_view PriorityName(Priority p);

}  // namespace saker::rules
