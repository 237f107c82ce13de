// Tails alerts over mutual TLS:
//   tail_alerts_mtls --address=HOST:PORT --ca=ca.pem --cert=client.pem --key=client.key
//                    [--min_priority=WARNING] [--count=N] [--duration=30s]
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
  auto client = saker::examples::ConnectFromFlags(/*require_tls=*/true);
  if (!min || !client.ok()) {
    std::fprintf(stderr, "%s\n", min ? client.status().ToString().c_str() : "unknown priority");
    return 2;
  }
  // Fail fast on a refused certificate instead of retrying in the background.
  if (absl::Status s = (*client)->WaitForConnected(absl::Seconds(5)); !s.ok()) {
    std::fprintf(stderr, "cannot connect to %s: %s\n", (*client)->address().c_str(),
                 s.ToString().c_str());
    return 1;
  }
  sc::AlertSubscribeOptions opts;
  opts.filter.min_priority = *min;
  auto sub = (*client)->SubscribeAlerts(opts);
  std::fprintf(stderr, "tailing alerts >= %s from %s (mTLS)\n",
               std::string(sc::PriorityName(*min)).c_str(), (*client)->address().c_str());
  const absl::Time until = absl::Now() + absl::GetFlag(FLAGS_duration);
  for (int n = 0; absl::GetFlag(FLAGS_count) == 0 || n < absl::GetFlag(FLAGS_count);) {
    auto item = sub->Next(until - absl::Now());
    if (!item) {
      break;
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
