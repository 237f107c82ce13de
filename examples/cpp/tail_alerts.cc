// Tails alerts at or above a priority:
//   tail_alerts --min_priority=WARNING [--address=...] [--count=N] [--duration=30s]
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "examples/cpp/connect.h"

ABSL_FLAG(std::string, min_priority, "WARNING", "the least severe priority to show");
ABSL_FLAG(int, count, 0, "exit after this many alerts (0: never)");
ABSL_FLAG(absl::Duration, duration, absl::InfiniteDuration(), "exit after this long");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  namespace sc = saker::client;
  auto min = sc::ParsePriority(absl::GetFlag(FLAGS_min_priority));
  if (!min) {
    std::fprintf(stderr, "unknown priority %s\n", absl::GetFlag(FLAGS_min_priority).c_str());
    return 2;
  }
  auto client = saker::examples::ConnectFromFlags();
  if (!client.ok()) {
    std::fprintf(stderr, "%s\n", client.status().ToString().c_str());
    return 2;
  }
  sc::AlertSubscribeOptions opts;
  opts.filter.min_priority = *min;
  auto sub = (*client)->SubscribeAlerts(opts);
  std::fprintf(stderr, "tailing alerts >= %s from %s\n",
               std::string(sc::PriorityName(*min)).c_str(), (*client)->address().c_str());
  const absl::Time until = absl::Now() + absl::GetFlag(FLAGS_duration);
  for (int n = 0; absl::GetFlag(FLAGS_count) == 0 || n < absl::GetFlag(FLAGS_count);) {
    auto item = sub->Next(until - absl::Now());
    if (!item) {
      break;  // --duration elapsed
    }
    if (auto* a = std::get_if<sc::Alert>(&*item)) {
      saker::examples::PrintAlert(*a);
      ++n;
    } else if (auto* g = std::get_if<sc::Gap>(&*item)) {
      saker::examples::PrintGap(*g);
    } else {
      std::fprintf(stderr, "stream ended: %s\n", std::get<sc::End>(*item).status.ToString().c_str());
      return 1;
    }
  }
  return 0;
}
