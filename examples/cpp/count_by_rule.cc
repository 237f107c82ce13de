// Counts alerts by rule for a while, then prints a table:
//   count_by_rule [--duration=60s] [--address=...]
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "examples/cpp/connect.h"

ABSL_FLAG(absl::Duration, duration, absl::Minutes(1), "how long to count");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  namespace sc = saker::client;
  auto client = saker::examples::ConnectFromFlags();
  if (!client.ok()) {
    std::fprintf(stderr, "%s\n", client.status().ToString().c_str());
    return 2;
  }
  std::map<std::string, uint64_t> counts;
  uint64_t lost = 0;
  sc::AlertSubscribeOptions opts;
  opts.alert_fields = {"rule"};  // only what the table needs
  opts.max_batch = 256;
  auto sub = (*client)->SubscribeAlerts(opts);
  const absl::Time until = absl::Now() + absl::GetFlag(FLAGS_duration);
  while (auto item = sub->Next(until - absl::Now())) {
    if (auto* a = std::get_if<sc::Alert>(&*item)) {
      ++counts[a->rule];
    } else if (auto* g = std::get_if<sc::Gap>(&*item)) {
      lost += g->count;
    } else {
      std::fprintf(stderr, "stream ended: %s\n", std::get<sc::End>(*item).status.ToString().c_str());
      return 1;
    }
  }
  std::vector<std::pair<std::string, uint64_t>> rows(counts.begin(), counts.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    return a.second != b.second ? a.second > b.second : a.first < b.first;
  });
  size_t width = 4;
  for (const auto& [rule, n] : rows) {
    width = std::max(width, rule.size());
  }
  std::printf("%-*s  %8s\n", static_cast<int>(width), "RULE", "ALERTS");
  for (const auto& [rule, n] : rows) {
    std::printf("%-*s  %8llu\n", static_cast<int>(width), rule.c_str(),
                static_cast<unsigned long long>(n));
  }
  if (lost > 0) {
    std::printf("(%llu alerts lost to gaps, not counted)\n", static_cast<unsigned long long>(lost));
  }
  return 0;
}
