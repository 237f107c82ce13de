// `sakerd capture [-c FILE] [-o KEY=VALUE] [--json] [-w FILE] [--duration SEC]
// [--syscalls a,b,...] [--flush-interval-ms MS]`
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "server/capture/flushing_sink.h"
#include "server/capture/writer.h"
#include "server/daemon/commands.h"
#include "server/daemon/driver_flags.h"
#include "server/daemon/event_output.h"
#include "server/daemon/flags.h"
#include "server/daemon/signals.h"
#include "server/daemon/stats.h"
#include "server/driver/driver.h"

namespace saker::daemon {
namespace {

struct CaptureFlags {
  bool json = false;
  bool quiet = false;
  std::string write_path;
  double duration = 0;
  driver::DriverOptions driver;
  uint64_t flush_interval_ms = 0;
};

// The flags, then the configuration they override (saker.driver.*,
// saker.capture.*): every value is checked before the probe loads.
absl::Status ParseCaptureFlags(const std::vector<std::string>& args, CaptureFlags* f) {
  FlagSet flags("capture");
  ConfigSources src;
  AddConfigFlags(&flags, &src);
  flags.Bool("--json", "print one JSON object per event on stdout", &f->json);
  flags.Bool("--quiet", "print no events (count them; with -w, only record)", &f->quiet);
  flags.String("--write", "-w", "record the events to a capture file", &f->write_path);
  AddKeyFlag(&flags, "--flush-interval-ms",
             "with -w, write buffered events at least this often (default 1000; "
             "saker.capture.flush_interval_ms)",
             "saker.capture.flush_interval_ms", &src);
  AddDriverFlags(&flags, &f->duration, &src);
  if (auto st = flags.ParseFlagsOnly(args); !st.ok()) {
    return st;
  }
  auto c = src.Load();
  if (!c.ok()) {
    return c.status();
  }
  f->driver = DriverOptionsOf(*c);
  f->flush_interval_ms = c->saker.capture.flush_interval_ms;
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

  TeeSink tee;
  CountingSink counter;
  tee.Add(&counter);
  LinePrinter printer(stdout, f.json, d.boot_time_ns());
  if (!f.quiet) {
    tee.Add(&printer);
  }
  std::unique_ptr<capture::CaptureWriter> writer;
  std::unique_ptr<capture::FlushingSink> writer_sink;
  if (!f.write_path.empty()) {
    auto w = capture::CaptureWriter::Create(
        f.write_path, capture::CaptureHeader::ForThisMachine(d.boot_time_ns()));
    if (!w.ok()) {
      std::fprintf(stderr, "sakerd: %s\n", std::string(w.status().message()).c_str());
      return 1;
    }
    writer = *std::move(w);
    writer_sink = std::make_unique<capture::FlushingSink>(
        writer.get(), absl::Milliseconds(static_cast<int64_t>(f.flush_interval_ms)));
    tee.Add(writer_sink.get());
  }
  // Tests and scripts wait for this line: the probe is attached and the
  // capture file, if any, is being written from here on.
  std::fprintf(stderr, "sakerd: capturing\n");
  std::fflush(stderr);

  absl::Status st = RunLive(&d, &tee, f.duration);
  std::fflush(stdout);
  if (writer_sink != nullptr) {
    writer_sink->Stop();
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
