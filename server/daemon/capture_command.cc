// `sakerd capture [--json] [-w FILE] [--duration SEC] [--syscalls a,b,...]`
#include <cstdio>

#include "absl/strings/str_cat.h"
#include "server/capture/writer.h"
#include "server/daemon/commands.h"
#include "server/daemon/event_output.h"
#include "server/daemon/driver_flags.h"
#include "server/daemon/flags.h"
#include "server/daemon/signals.h"
#include "server/daemon/stats.h"
#include "server/driver/driver.h"

namespace saker::daemon {
namespace {

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
  flags.String("--write", "-w", "record the events to a capture file", &f->write_path);
  AddDriverFlags(&flags, &f->duration, &f->driver);
  return flags.ParseFlagsOnly(args);
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

  absl::Status st = RunLive(&d, &tee, f.duration);
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
