// Prints exec events as they happen:
//   watch_exec [--condition='proc.name != sshd'] [--count=N] [--duration=30s]
#include <cstdio>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "examples/cpp/connect.h"

ABSL_FLAG(std::string, condition, "", "more of the filter, ANDed with evt.type = execve");
ABSL_FLAG(int, count, 0, "exit after this many events (0: never)");
ABSL_FLAG(absl::Duration, duration, absl::InfiniteDuration(), "exit after this long");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  namespace sc = saker::client;
  auto client = saker::examples::ConnectFromFlags();
  if (!client.ok()) {
    std::fprintf(stderr, "%s\n", client.status().ToString().c_str());
    return 2;
  }
  sc::EventSubscribeOptions opts;
  opts.condition = "evt.type = execve";
  if (!absl::GetFlag(FLAGS_condition).empty()) {
    opts.condition = absl::StrCat(opts.condition, " and (", absl::GetFlag(FLAGS_condition), ")");
  }
  auto sub = (*client)->SubscribeEvents(opts);
  const absl::Time until = absl::Now() + absl::GetFlag(FLAGS_duration);
  for (int n = 0; absl::GetFlag(FLAGS_count) == 0 || n < absl::GetFlag(FLAGS_count);) {
    auto item = sub->Next(until - absl::Now());
    if (!item) {
      break;
    }
    if (auto* e = std::get_if<sc::Event>(&*item)) {
      const std::string* exe = e->Arg("exe");
      const std::string* args = e->Arg("args");
      std::printf("exec pid=%lld ppid=%lld uid=%u %s %s %s\n", static_cast<long long>(e->pid),
                  static_cast<long long>(e->ppid), e->uid, e->proc_name.c_str(),
                  exe ? exe->c_str() : "", args ? args->c_str() : "");
      std::fflush(stdout);
      ++n;
    } else if (auto* g = std::get_if<sc::Gap>(&*item)) {
      std::fprintf(stderr, "gap: %llu events lost\n", static_cast<unsigned long long>(g->count));
    } else {
      std::fprintf(stderr, "stream ended: %s\n", std::get<sc::End>(*item).status.ToString().c_str());
      return 1;
    }
  }
  return 0;
}
