#include "server/daemon/stats.h"

#include <sys/resource.h>

#include "absl/strings/str_cat.h"

namespace saker::daemon {
namespace {

std::string PerCategory(const uint64_t (&v)[SAKER_CAT__COUNT]) {
  std::string out = "{";
  for (int i = 0; i < SAKER_CAT__COUNT; ++i) {
    absl::StrAppend(&out, i ? "," : "", "\"", driver::CategoryName(i), "\":", v[i]);
  }
  out.push_back('}');
  return out;
}

}  // namespace

std::string StatsJson(uint64_t delivered, const driver::DriverCounters& c) {
  rusage ru = {};
  getrusage(RUSAGE_SELF, &ru);
  const double cpu = ru.ru_utime.tv_sec + ru.ru_stime.tv_sec +
                     (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e-6;
  return absl::StrCat("{\"events\":", delivered, ",\"kernel_sent\":", c.total_sent(),
                      ",\"sent\":", PerCategory(c.sent), ",\"drops\":", c.total_dropped(),
                      ",\"dropped\":", PerCategory(c.dropped), ",\"oversize\":", c.oversize,
                      ",\"truncated\":", c.truncated, ",\"read_faults\":", c.read_faults,
                      ",\"cpu_seconds\":", absl::SixDigits(cpu), ",\"max_rss_kib\":",
                      ru.ru_maxrss, "}");
}

void PrintStats(FILE* out, uint64_t delivered, const driver::DriverCounters& c) {
  std::fprintf(out, "sakerd stats: %s\n", StatsJson(delivered, c).c_str());
}

}  // namespace saker::daemon
