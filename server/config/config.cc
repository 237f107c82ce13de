#include "server/config/config.h"

#include <algorithm>

namespace saker::config {

std::string_view PriorityName(Priority p) {
  constexpr std::string_view kNames[] = {"emergency", "alert",  "critical",      "error",
                                         "warning",   "notice", "informational", "debug"};
  return kNames[static_cast<int>(p)];
}

std::string_view LogLevelName(LogLevel l) {
  constexpr std::string_view kNames[] = {"emergency", "alert",  "critical", "error",
                                         "warning",   "notice", "info",     "debug"};
  return kNames[static_cast<int>(l)];
}

std::string_view DropActionName(DropAction a) {
  constexpr std::string_view kNames[] = {"ignore", "log", "alert", "exit"};
  return kNames[static_cast<int>(a)];
}

std::pair<double, uint32_t> RateLimit::For(std::string_view rule) const {
  auto it = rules.find(std::string(rule));
  if (it == rules.end()) {
    return {rate, max_burst};
  }
  return {it->second.rate.value_or(rate), it->second.max_burst.value_or(max_burst)};
}

std::string Config::Where(std::string_view key) const {
  if (auto it = positions.find(key); it != positions.end()) {
    return it->second;
  }
  // A section: where its first key set was.
  const std::string prefix = std::string(key) + ".";
  if (auto it = positions.lower_bound(prefix);
      it != positions.end() && it->first.compare(0, prefix.size(), prefix) == 0) {
    return it->second;
  }
  return "default";
}

std::vector<std::string> Config::ApiBinds() const {
  std::vector<std::string> out;
  if (saker.api.enabled) {
    for (const std::string& b : saker.api.binds) {
      if (std::find(out.begin(), out.end(), b) == out.end()) {
        out.push_back(b);
      }
    }
  }
  if (grpc.enabled && std::find(out.begin(), out.end(), grpc.bind_address) == out.end()) {
    out.push_back(grpc.bind_address);
  }
  return out;
}

}  // namespace saker::config
