// `sakerd capture [--json] [-w FILE] [--duration SEC] [--syscalls a,b,...]`
#include <signal.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "server/capture/writer.h"
#include "server/daemon/commands.h"
#include "server/daemon/event_output.h"
#include "server/daemon/flags.h"
#include "server/daemon/stats.h"
#include "server/driver/driver.h"

namespace saker::daemon {
namespace {

// The one source a signal may stop; set while a capture runs.
std::atomic<EventSource*> g_signal_target{nullptr};

void OnSignal(int) {
  if (EventSource* s = g_signal_target.load()) {
    s->Stop();
  }
}

// Writes events to a capture file, remembering the first error.
class WriterSink : public EventSink {
 public:
  explicit WriterSink(capture::CaptureWriter* w) : writer_(w) {}
  void OnEvent(uint64_t, const EventView& ev) override {
    if (status_.ok()) {
      status_ = writer_->Append(ev);
    }
  }
  const absl::Status& status() const { return status_; }

 private:
  capture::CaptureWriter* writer_;
  absl::Status status_;
};

// Stops `source` after `seconds` unless cancelled first.
class Deadline {
 public:
  Deadline(EventSource* source, double seconds) {
    if (seconds <= 0) {
      return;
    }
    thread_ = std::thread([this, source, seconds] {
      std::unique_lock<std::mutex> lock(mu_);
      if (!cv_.wait_for(lock, std::chrono::duration<double>(seconds),
                        [this] { return cancelled_; })) {
        source->Stop();
      }
    });
  }
  ~Deadline() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      cancelled_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) {
      thread_.join();
    }
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  bool cancelled_ = false;
  std::thread thread_;
};

struct CaptureFlags {
  bool json = false;
  bool quiet = false;
  std::string write_path;
  double duration = 0;
  driver::DriverOptions driver;
};

absl::Status ParseCaptureFlags(const std::vector<std::string>& args, CaptureFlags* f) {
  FlagSet flags("capture");
  flags.Bool("--json", "print one JSON object per event on stdout", &f->json);
  flags.Bool("--quiet", "print no events (count them; with -w, only record)", &f->quiet);
  flags.Value("--write", "-w", "record the events to a capture file",
              [f](absl::string_view v) {
                f->write_path = std::string(v);
                return absl::OkStatus();
              });
  flags.Value("--duration", "", "stop after this many seconds (default: until SIGINT)",
              [f](absl::string_view v) { return ParseSeconds("--duration", v, &f->duration); });
  flags.Value("--syscalls", "", "comma-separated evt.types to capture (default: all)",
              [f](absl::string_view v) {
                for (absl::string_view s : absl::StrSplit(v, ',', absl::SkipEmpty())) {
                  f->driver.syscalls.emplace_back(s);
                }
                return absl::OkStatus();
              });
  flags.Value("--ring-bytes", "", "ring buffer bytes per CPU (power of two)",
              [f](absl::string_view v) {
                uint64_t n = 0;
                auto st = ParseUint("--ring-bytes", v, &n);
                f->driver.ring_bytes_per_cpu = static_cast<uint32_t>(n);
                return st;
              });
  flags.Value("--snaplen", "", "bytes of send/recv payload to capture (default 0)",
              [f](absl::string_view v) {
                uint64_t n = 0;
                auto st = ParseUint("--snaplen", v, &n);
                f->driver.snaplen = static_cast<uint32_t>(n);
                return st;
              });
  std::vector<std::string> positional;
  if (auto st = flags.Parse(args, &positional); !st.ok()) {
    return st;
  }
  if (!positional.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("capture: unexpected argument \"", positional[0], "\"\n", flags.Usage()));
  }
  return absl::OkStatus();
}

}  // namespace

int RunCapture(const std::vector<std::string>& args) {
  CaptureFlags f;
  if (auto st = ParseCaptureFlags(args, &f); !st.ok()) {
    std::fprintf(stderr, "sakerd: %s\n", std::string(st.message()).c_str());
    return 2;
  }
  auto drv = driver::Driver::Open(f.driver);
  if (!drv.ok()) {
    std::fprintf(stderr, "sakerd: %s\n", std::string(drv.status().message()).c_str());
    return 1;
  }
  driver::Driver& d = **drv;
  // Tests and scripts wait for this line: the probe is attached from here on.
  std::fprintf(stderr, "sakerd: capturing\n");
  std::fflush(stderr);

  TeeSink tee;
  CountingSink counter;
  tee.Add(&counter);
  LinePrinter printer(stdout, f.json, d.boot_time_ns());
  if (!f.quiet) {
    tee.Add(&printer);
  }
  std::unique_ptr<capture::CaptureWriter> writer;
  std::unique_ptr<WriterSink> writer_sink;
  if (!f.write_path.empty()) {
    auto w = capture::CaptureWriter::Create(f.write_path,
                                            capture::CaptureHeader::ForThisMachine(d.boot_time_ns()));
    if (!w.ok()) {
      std::fprintf(stderr, "sakerd: %s\n", std::string(w.status().message()).c_str());
      return 1;
    }
    writer = *std::move(w);
    writer_sink = std::make_unique<WriterSink>(writer.get());
    tee.Add(writer_sink.get());
  }

  g_signal_target.store(&d);
  signal(SIGINT, OnSignal);
  signal(SIGTERM, OnSignal);
  absl::Status st;
  {
    Deadline deadline(&d, f.duration);
    st = d.Run(&tee);
  }
  g_signal_target.store(nullptr);
  // Events already in the rings belong to the capture: detach, then drain.
  d.Detach();
  if (st.ok()) {
    st = d.Drain(&tee);
  }
  std::fflush(stdout);
  if (writer_sink != nullptr) {
    if (st.ok()) {
      st = writer_sink->status();
    }
    if (auto cst = writer->Close(); st.ok()) {
      st = cst;
    }
  }
  PrintStats(stderr, counter.events(), d.ReadCounters());
  if (!st.ok()) {
    std::fprintf(stderr, "sakerd: %s\n", std::string(st.message()).c_str());
    return 1;
  }
  return 0;
}

}  // namespace saker::daemon
