// A paced load generator for the end-to-end latency figure in ci/bench:
// opens PATH (normally a missing file: ENOENT is fine, the openat syscall is
// what the rule sees) RATE times per second for SECONDS, on an absolute
// schedule (open i is due at start + i / RATE). It sleeps until shortly
// before each open is due and spins the rest, so the rate is steady; an open
// that is late goes at once (no skipping, no bursts beyond the lateness).
//   paced_opens RATE SECONDS PATH
// Prints one line: opens made, wall seconds, achieved rate, and how late the
// opens were (p99 and max, µs).
#include <fcntl.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

int64_t NowNs() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// Sleep until `due` minus a margin (the wakeup's own latency), then spin.
constexpr int64_t kSpinNs = 60000;

void WaitUntil(int64_t due) {
  int64_t now = NowNs();
  if (due - now > kSpinNs) {
    const int64_t wake = due - kSpinNs;
    timespec ts = {static_cast<time_t>(wake / 1000000000), static_cast<long>(wake % 1000000000)};
    clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
  }
  while (NowNs() < due) {
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: paced_opens RATE SECONDS PATH\n");
    return 2;
  }
  const double rate = std::atof(argv[1]);
  const double seconds = std::atof(argv[2]);
  const char* path = argv[3];
  if (rate <= 0 || seconds <= 0) {
    std::fprintf(stderr, "paced_opens: RATE and SECONDS must be positive\n");
    return 2;
  }
  // The default 50 µs timer slack would make every sleep overshoot.
  prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
  const int64_t total = static_cast<int64_t>(rate * seconds);
  std::vector<int32_t> late_ns;
  late_ns.reserve(static_cast<size_t>(total));
  const int64_t start = NowNs() + 1000000;  // 1 ms to settle
  for (int64_t i = 0; i < total; ++i) {
    const int64_t due = start + static_cast<int64_t>(static_cast<double>(i) * 1e9 / rate);
    WaitUntil(due);
    const int64_t at = NowNs();
    int fd = open(path, O_RDONLY);
    if (fd >= 0) {
      close(fd);
    }
    late_ns.push_back(static_cast<int32_t>(std::min<int64_t>(at - due, INT32_MAX)));
  }
  const double wall = (NowNs() - start) / 1e9;
  std::sort(late_ns.begin(), late_ns.end());
  auto pct = [&](double q) {
    return late_ns.empty()
               ? 0.0
               : late_ns[std::min(late_ns.size() - 1, static_cast<size_t>(q * late_ns.size()))] /
                     1e3;
  };
  std::printf("paced_opens: %lld opens of %s in %.3f s = %.0f/s (target %.0f/s); "
              "lateness p50 %.1f us, p99 %.1f us, max %.1f us\n",
              static_cast<long long>(total), path, wall, total / wall, rate, pct(0.5), pct(0.99),
              late_ns.empty() ? 0.0 : late_ns.back() / 1e3);
  return 0;
}
