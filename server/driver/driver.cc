#include "server/driver/driver.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <time.h>
#include <unistd.h>

#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "bpf/saker_probe.skel.h"
#include "server/driver/kernel_features.h"
#include "server/driver/libbpf_status.h"
#include "server/driver/ring_reader.h"

namespace saker::driver {
namespace {

struct SyscallEntry {
  uint16_t id;
  const char* name;
  int nr;
  int category;
};

constexpr SyscallEntry kSyscalls[] = {
#define SAKER_X_ENTRY(id, name, nr, cat) {id, #name, nr, cat},
    SAKER_SYSCALLS(SAKER_X_ENTRY)
#undef SAKER_X_ENTRY
};

constexpr char kProcexit[] = "procexit";

struct SkelDeleter {
  void operator()(saker_probe* s) const { saker_probe__destroy(s); }
};

int64_t Nanos(clockid_t clock) {
  timespec ts;
  clock_gettime(clock, &ts);
  return static_cast<int64_t>(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// CLOCK_REALTIME - CLOCK_BOOTTIME, from the tightest of a few samples.
int64_t MeasureBootTime() {
  int64_t best_gap = INT64_MAX;
  int64_t best = 0;
  for (int i = 0; i < 5; ++i) {
    const int64_t a = Nanos(CLOCK_REALTIME);
    const int64_t b = Nanos(CLOCK_BOOTTIME);
    const int64_t c = Nanos(CLOCK_REALTIME);
    if (c - a < best_gap) {
      best_gap = c - a;
      best = a + (c - a) / 2 - b;
    }
  }
  return best;
}

// Which syscalls (by x86_64 number) to enable, and whether procexit is on.
absl::Status SelectSyscalls(const std::vector<std::string>& names, bool enabled[],
                            bool* procexit) {
  if (names.empty()) {
    for (size_t i = 0; i < std::size(kSyscalls); ++i) {
      enabled[i] = true;
    }
    *procexit = true;
    return absl::OkStatus();
  }
  for (const std::string& name : names) {
    if (name == kProcexit || name == "exit" || name == "exit_group") {
      *procexit = true;
      continue;
    }
    bool found = false;
    for (size_t i = 0; i < std::size(kSyscalls); ++i) {
      if (name == kSyscalls[i].name) {
        enabled[i] = found = true;
      }
    }
    if (!found) {
      std::vector<std::string> known;
      for (const auto& s : kSyscalls) {
        known.push_back(s.name);
      }
      known.push_back(kProcexit);
      return absl::InvalidArgumentError(absl::StrCat("unknown syscall \"", name,
                                                     "\"; capturable: ",
                                                     absl::StrJoin(known, ",")));
    }
  }
  return absl::OkStatus();
}

const SyscallEntry* FindByName(const char* name) {
  for (const auto& s : kSyscalls) {
    if (std::strcmp(s.name, name) == 0) {
      return &s;
    }
  }
  return nullptr;
}

}  // namespace

uint64_t DriverCounters::total_sent() const {
  uint64_t n = 0;
  for (uint64_t v : sent) {
    n += v;
  }
  return n;
}

uint64_t DriverCounters::total_dropped() const {
  uint64_t n = 0;
  for (uint64_t v : dropped) {
    n += v;
  }
  return n;
}

const char* CategoryName(int category) {
  switch (category) {
    case SAKER_CAT_PROCESS:
      return "process";
    case SAKER_CAT_FILE:
      return "file";
    case SAKER_CAT_NETWORK:
      return "network";
    case SAKER_CAT_KERNEL:
      return "kernel";
    default:
      return "unknown";
  }
}

struct Driver::Impl {
  std::unique_ptr<saker_probe, SkelDeleter> skel;
  std::unique_ptr<RingSet> rings;
  std::vector<int> ring_fds;
  int ncpus = 0;
  long coalesce_ns = 0;
  std::atomic<bool> stop{false};

  ~Impl() {
    rings.reset();
    for (int fd : ring_fds) {
      close(fd);
    }
  }

  absl::Status Configure(const DriverOptions& o, bool procexit);
  absl::Status FillTables(const bool enabled[]);
  absl::Status CreateRings(uint32_t size);
  // Delivers what the rings hold; with `stoppable`, returns early once
  // Stop() is called even if the producers keep the rings full.
  absl::Status Deliver(EventSink* sink, uint64_t* next_evt_num, bool stoppable);
};

absl::Status Driver::Impl::Configure(const DriverOptions& o, bool procexit) {
  auto* rodata = skel->rodata;
  rodata->saker_self_tgid = o.exclude_self ? static_cast<uint32_t>(getpid()) : 0;
  rodata->saker_snaplen = o.snaplen;
  rodata->saker_argv_max = o.argv_max;
  rodata->saker_env_max = o.env_max;
  rodata->saker_capture_procexit = procexit ? 1 : 0;

  ncpus = libbpf_num_possible_cpus();
  if (ncpus <= 0) {
    return LibbpfError(ncpus, "counting possible CPUs");
  }
  bpf_map* outer = skel->maps.rings;
  if (int err = bpf_map__set_max_entries(outer, ncpus); err != 0) {
    return LibbpfError(err, "sizing the ring buffer array");
  }
  // The inner template keeps the probe's size: the kernel accepts inner
  // ring buffers of any size (it compares type, key, value and flags only),
  // and libbpf 1.1 cannot resize an inner template (it has no owning object).
  // Handlers are reached by tail call from the dispatcher, never attached.
  bpf_program* prog;
  bpf_object__for_each_program(prog, skel->obj) {
    if (std::strncmp(bpf_program__name(prog), "sys_", 4) == 0) {
      bpf_program__set_autoattach(prog, false);
    }
  }
  return absl::OkStatus();
}

absl::Status Driver::Impl::FillTables(const bool enabled[]) {
  const int handlers_fd = bpf_map__fd(skel->maps.handlers);
  bpf_program* prog;
  bpf_object__for_each_program(prog, skel->obj) {
    const char* name = bpf_program__name(prog);
    if (std::strncmp(name, "sys_", 4) != 0) {
      continue;
    }
    const SyscallEntry* s = FindByName(name + 4);
    if (s == nullptr) {
      return absl::InternalError(absl::StrCat("probe program ", name, " names no syscall"));
    }
    uint32_t key = s->id;
    int fd = bpf_program__fd(prog);
    if (int err = bpf_map_update_elem(handlers_fd, &key, &fd, BPF_ANY); err != 0) {
      return LibbpfError(err, absl::StrCat("installing the handler ", name));
    }
  }
  const int cfg_fd = bpf_map__fd(skel->maps.syscall_cfg);
  for (size_t i = 0; i < std::size(kSyscalls); ++i) {
    saker_syscall_cfg cfg = {};
    cfg.id = kSyscalls[i].id;
    cfg.enabled = enabled[i] ? 1 : 0;
    cfg.category = static_cast<uint8_t>(kSyscalls[i].category);
    uint32_t key = static_cast<uint32_t>(kSyscalls[i].nr);
    if (int err = bpf_map_update_elem(cfg_fd, &key, &cfg, BPF_ANY); err != 0) {
      return LibbpfError(err, absl::StrCat("enabling ", kSyscalls[i].name));
    }
  }
  return absl::OkStatus();
}

absl::Status Driver::Impl::CreateRings(uint32_t size) {
  auto set = RingSet::Create();
  if (!set.ok()) {
    return set.status();
  }
  rings = *std::move(set);
  const int outer_fd = bpf_map__fd(skel->maps.rings);
  for (int cpu = 0; cpu < ncpus; ++cpu) {
    const std::string name = absl::StrCat("saker_rb", cpu);
    int fd = bpf_map_create(BPF_MAP_TYPE_RINGBUF, name.c_str(), 0, 0, size, nullptr);
    if (fd < 0) {
      return LibbpfError(fd, absl::StrCat("creating the ring buffer of CPU ", cpu));
    }
    ring_fds.push_back(fd);
    uint32_t key = static_cast<uint32_t>(cpu);
    if (int err = bpf_map_update_elem(outer_fd, &key, &fd, BPF_ANY); err != 0) {
      return LibbpfError(err, absl::StrCat("installing the ring buffer of CPU ", cpu));
    }
    if (auto st = rings->Add(fd, size); !st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
}

absl::Status Driver::Impl::Deliver(EventSink* sink, uint64_t* next_evt_num,
                                   bool stoppable) {
  size_t ring = 0;
  for (uint32_t n = 1;; ++n) {
    if (stoppable && (n & 1023) == 0 && stop.load(std::memory_order_relaxed)) {
      rings->PublishAll();
      return absl::OkStatus();
    }
    absl::Span<const uint8_t> rec = rings->PeekEarliest(&ring);
    if (rec.empty()) {
      rings->PublishAll();
      return absl::OkStatus();
    }
    auto ev = EventView::Parse(rec);
    if (ev.ok()) {
      sink->OnEvent((*next_evt_num)++, *ev);
    } else {
      // The probe and this daemon share one header; a malformed record is a
      // bug, reported rather than crashed on.
      return absl::InternalError(
          absl::StrCat("malformed event from the probe: ", ev.status().message()));
    }
    rings->Consume(ring);
  }
}

Driver::Driver(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Driver::~Driver() = default;

absl::StatusOr<std::unique_ptr<Driver>> Driver::Open(const DriverOptions& options) {
  if (auto st = CheckKernelFeatures(); !st.ok()) {
    return st;
  }
  const uint32_t rb = options.ring_bytes_per_cpu;
  if (rb < static_cast<uint32_t>(sysconf(_SC_PAGESIZE)) || (rb & (rb - 1)) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("ring buffer size ", rb, " must be a power of two of at least a page"));
  }
  bool enabled[std::size(kSyscalls)] = {};
  bool procexit = false;
  if (auto st = SelectSyscalls(options.syscalls, enabled, &procexit); !st.ok()) {
    return st;
  }
  InstallLibbpfLogger();
  auto impl = std::make_unique<Impl>();
  impl->skel.reset(saker_probe__open());
  if (!impl->skel) {
    return LibbpfError(-errno, "opening the probe");
  }
  if (auto st = impl->Configure(options, procexit); !st.ok()) {
    return st;
  }
  if (int err = saker_probe__load(impl->skel.get()); err != 0) {
    return LibbpfError(err, "loading the probe into the kernel (verifier or BTF mismatch)");
  }
  if (auto st = impl->FillTables(enabled); !st.ok()) {
    return st;
  }
  if (auto st = impl->CreateRings(rb); !st.ok()) {
    return st;
  }
  if (int err = saker_probe__attach(impl->skel.get()); err != 0) {
    return LibbpfError(err, "attaching the probe to sys_exit and sched_process_exit");
  }
  impl->coalesce_ns = static_cast<long>(options.coalesce_us) * 1000;
  std::unique_ptr<Driver> d(new Driver(std::move(impl)));
  d->boot_time_ns_ = MeasureBootTime();
  return d;
}

absl::Status Driver::Run(EventSink* sink) {
  while (!impl_->stop.load(std::memory_order_relaxed)) {
    if (auto st = impl_->Deliver(sink, &next_evt_num_, true); !st.ok()) {
      return st;
    }
    auto more = impl_->rings->Wait();
    if (!more.ok()) {
      return more.status();
    }
    // The kernel wakes a consumer that has caught up on every new record,
    // and each wakeup costs the producing syscall an interrupt. Letting a
    // burst gather for a moment turns thousands of wakeups into one: while
    // the rings hold unconsumed records, the kernel sends none.
    if (*more && impl_->coalesce_ns > 0) {
      timespec ts = {0, impl_->coalesce_ns};
      nanosleep(&ts, nullptr);
    }
  }
  return absl::OkStatus();
}

void Driver::Stop() {
  impl_->stop.store(true, std::memory_order_relaxed);
  impl_->rings->Wake();
}

absl::Status Driver::Drain(EventSink* sink) { return impl_->Deliver(sink, &next_evt_num_, false); }

void Driver::Detach() { saker_probe__detach(impl_->skel.get()); }

absl::Status Driver::Attach() {
  if (int err = saker_probe__attach(impl_->skel.get()); err != 0) {
    return LibbpfError(err, "attaching the probe to sys_exit and sched_process_exit");
  }
  return absl::OkStatus();
}

DriverCounters Driver::ReadCounters() const {
  DriverCounters total;
  std::vector<saker_counters> per_cpu(impl_->ncpus);
  uint32_t key = 0;
  if (bpf_map_lookup_elem(bpf_map__fd(impl_->skel->maps.counters), &key, per_cpu.data()) != 0) {
    return total;
  }
  for (const saker_counters& c : per_cpu) {
    for (int i = 0; i < SAKER_CAT__COUNT; ++i) {
      total.sent[i] += c.sent[i];
      total.dropped[i] += c.dropped[i];
    }
    total.oversize += c.oversize;
    total.truncated += c.truncated;
    total.read_faults += c.read_faults;
    total.procexit_sent += c.procexit_sent;
  }
  return total;
}

}  // namespace saker::driver
