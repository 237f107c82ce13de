#include "server/api/synthetic_alerts.h"

#include <cstdio>
#include <string_view>

#include "absl/time/clock.h"

namespace saker::api {

uint64_t PublishSyntheticAlert(AlertHub& hub, uint64_t n) {
  static constexpr std::string_view kRules[] = {"Synthetic rule 0", "Synthetic rule 1",
                                                "Synthetic rule 2", "Synthetic rule 3"};
  static constexpr Priority kPriorities[] = {Priority::kCritical, Priority::kWarning,
                                             Priority::kNotice, Priority::kDebug};
  static constexpr std::string_view kSources[] = {"syscall", "syscall", "k8s_audit", "okta"};
  char num[32];
  int len = snprintf(num, sizeof(num), "%llu", static_cast<unsigned long long>(n));
  std::string_view nv(num, len);
  const FieldView fields[] = {{"proc.name", "synthetic"}, {"evt.num", nv}};
  const std::string_view tags0[] = {"test", "mitre_execution"};
  const std::string_view tags1[] = {"test", "network"};
  size_t k = n % 4;
  AlertInput in;
  in.time_ns = absl::GetCurrentTimeNanos();
  in.priority = kPriorities[k];
  in.rule = kRules[k];
  in.output = "Synthetic alert (proc.name=synthetic)";
  in.source = kSources[k];
  in.output_fields = fields;
  in.tags = (k % 2 == 0) ? absl::MakeConstSpan(tags0) : absl::MakeConstSpan(tags1);
  return hub.Publish(in);
}

uint64_t PublishSyntheticEvent(EventHub& hub, uint64_t n) {
  static constexpr std::string_view kTypes[] = {"execve", "connect", "openat"};
  const FieldView args[] = {{"name", "/bin/true"}, {"flags", "O_RDONLY"}};
  EventInput in;
  in.time_ns = absl::GetCurrentTimeNanos();
  in.cpu = static_cast<uint32_t>(n % 2);
  in.type = kTypes[n % 3];
  in.pid = 1000 + static_cast<int64_t>(n % 7);
  in.tid = in.pid;
  in.ppid = 1;
  in.proc_name = (n % 2 == 0) ? "bash" : "sshd";
  in.args = args;
  return hub.Publish(in);
}

}  // namespace saker::api
