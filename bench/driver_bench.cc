// Measures what the capture driver costs the traced workload and what it
// costs to drain, in one run, as ratios against the same loop untraced:
//   1. a syscall outside the captured set (getppid), per call;
//   2. a captured syscall pair (openat of a missing file, then close);
//   3. drain: a tight loop of captured syscalls pinned to one CPU while the
//      consumer runs on another: events/s, drops, consumer CPU, RSS.
// Needs root (loads the probe). Prints one line per figure.
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "server/driver/driver.h"

namespace {

using saker::EventSink;
using saker::EventView;
using saker::driver::Driver;
using saker::driver::DriverOptions;

double Now(clockid_t c = CLOCK_MONOTONIC) {
  timespec ts;
  clock_gettime(c, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

void Pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  sched_setaffinity(0, sizeof(set), &set);
}

// ns per iteration of `body`, best of `rounds` rounds of `iters`.
template <typename Fn>
double NsPerIter(long iters, int rounds, Fn body) {
  double best = 1e18;
  for (int r = 0; r < rounds; ++r) {
    const double t0 = Now();
    for (long i = 0; i < iters; ++i) {
      body();
    }
    const double dt = (Now() - t0) * 1e9 / iters;
    best = dt < best ? dt : best;
  }
  return best;
}

void Getppid() { syscall(SYS_getppid); }

void CloseBad() { syscall(SYS_close, -1); }

void OpenMissing() {
  syscall(SYS_openat, AT_FDCWD, "/nonexistent/saker-bench", O_RDONLY);
}

void OpenMissingClose() {
  int fd = static_cast<int>(syscall(SYS_openat, AT_FDCWD, "/nonexistent/saker-bench", O_RDONLY));
  syscall(SYS_close, fd);  // fails with EBADF: still one captured syscall
}

class Counter : public EventSink {
 public:
  void OnEvent(uint64_t, const EventView&) override { n.fetch_add(1, std::memory_order_relaxed); }
  std::atomic<uint64_t> n{0};
};

long RssKiB() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      return std::atol(line.c_str() + 6);
    }
  }
  return -1;
}

struct Consumer {
  Driver* d;
  Counter sink;
  std::thread t;

  void Start(int cpu) {
    t = std::thread([this, cpu] {
      Pin(cpu);
      (void)d->Run(&sink);
    });
  }
  // CPU seconds the consumer thread has used so far.
  double CpuSeconds() {
    clockid_t clock;
    pthread_getcpuclockid(t.native_handle(), &clock);
    return Now(clock);
  }
  void Stop() {
    d->Stop();
    t.join();
  }
};

}  // namespace

int main(int argc, char** argv) {
  const long iters = argc > 1 ? std::atol(argv[1]) : 200000;
  const double drain_seconds = argc > 2 ? std::atof(argv[2]) : 5.0;
  Pin(0);

  DriverOptions opts;
  opts.exclude_self = false;  // the loops run in this process
  const long rss0 = RssKiB();
  auto d = Driver::Open(opts);
  if (!d.ok()) {
    std::fprintf(stderr, "driver_bench: %s\n", std::string(d.status().message()).c_str());
    return 1;
  }
  Consumer c{d->get()};
  c.Start(1);

  // Untraced and traced alternate, so that drift on this noisy machine hits
  // both; each figure is the best round.
  double base_ppid = 1e18, traced_ppid = 1e18, base_open = 1e18, traced_open = 1e18;
  double base_close = 1e18, traced_close = 1e18, base_openat = 1e18, traced_openat = 1e18;
  auto min_into = [](double* best, double v) { *best = v < *best ? v : *best; };
  for (int round = 0; round < 3; ++round) {
    (*d)->Detach();
    min_into(&base_ppid, NsPerIter(iters, 2, Getppid));
    min_into(&base_open, NsPerIter(iters, 2, OpenMissingClose) / 2);
    min_into(&base_close, NsPerIter(iters, 2, CloseBad));
    min_into(&base_openat, NsPerIter(iters, 2, OpenMissing));
    if (auto st = (*d)->Attach(); !st.ok()) {
      std::fprintf(stderr, "driver_bench: %s\n", std::string(st.message()).c_str());
      return 1;
    }
    min_into(&traced_ppid, NsPerIter(iters, 2, Getppid));
    min_into(&traced_open, NsPerIter(iters, 2, OpenMissingClose) / 2);
    min_into(&traced_close, NsPerIter(iters, 2, CloseBad));
    min_into(&traced_openat, NsPerIter(iters, 2, OpenMissing));
  }

  // Drain: captured syscalls as fast as one CPU makes them.
  const auto before = (*d)->ReadCounters();
  const uint64_t delivered0 = c.sink.n.load();
  const double cpu0 = c.CpuSeconds();
  const double t0 = Now();
  long loops = 0;
  while (Now() - t0 < drain_seconds) {
    for (int i = 0; i < 1000; ++i) {
      OpenMissingClose();
    }
    loops += 1000;
  }
  const double wall = Now() - t0;
  // Let the consumer finish what is buffered, then stop it.
  for (int i = 0; i < 100; ++i) {
    const auto now = (*d)->ReadCounters();
    if (c.sink.n.load() - delivered0 >= now.total_sent() - before.total_sent()) {
      break;
    }
    usleep(10000);
  }
  const double consumer_cpu = c.CpuSeconds() - cpu0;
  c.Stop();
  const auto after = (*d)->ReadCounters();
  const long rss1 = RssKiB();
  const uint64_t events = c.sink.n.load() - delivered0;
  const uint64_t drops = after.total_dropped() - before.total_dropped();
  const double rate = events / wall;
  const double consumer_cores = consumer_cpu / wall;

  std::printf("syscall outside the set (getppid): %.0f ns untraced, %.0f ns traced: +%.0f ns, ratio %.3f\n",
              base_ppid, traced_ppid, traced_ppid - base_ppid, traced_ppid / base_ppid);
  std::printf("captured syscall (openat ENOENT, close EBADF): %.0f ns untraced, %.0f ns traced: +%.0f ns per syscall, ratio %.3f\n",
              base_open, traced_open, traced_open - base_open, traced_open / base_open);
  std::printf("  of which close(-1) alone (no blob): +%.0f ns; openat alone (path blob): +%.0f ns\n",
              traced_close - base_close, traced_openat - base_openat);
  std::printf("drain: %ld syscalls in %.2f s, %llu events delivered (%.0f events/s), %llu dropped\n",
              loops * 2, wall, static_cast<unsigned long long>(events), rate,
              static_cast<unsigned long long>(drops));
  std::printf("drain: consumer CPU %.3f cores at %.0f events/s = %.3f cores per 100k events/s\n",
              consumer_cores, rate, consumer_cores / (rate / 1e5));
  std::printf("rss: %ld KiB before loading the probe, %ld KiB after draining\n", rss0, rss1);
  return 0;
}
