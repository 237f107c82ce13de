// Decode throughput of a capture file: read, checksum and EventView::Parse
// every event of a ~1M-event capture of realistic events (150-400 bytes,
// mostly with path blobs). The file is written once, outside the timing.
//
//   bazel run -c opt //bench:capture_decode_bench
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "benchmark/benchmark.h"
#include "server/capture/format.h"
#include "server/capture/reader.h"
#include "server/capture/synthetic_events.h"
#include "server/capture/writer.h"

namespace saker::capture {
namespace {

constexpr size_t kEvents = 1000000;
constexpr size_t kDistinct = 4096;  // events built once, appended round-robin

// Writes the capture on first use; removes it at exit.
class BenchCapture {
 public:
  BenchCapture() {
    const char* dir = std::getenv("TMPDIR");
    path_ = std::string(dir != nullptr ? dir : "/tmp") + "/saker-capture-bench-" +
            std::to_string(getpid()) + ".scap";
    EventBuffer events;
    for (uint64_t i = 0; i < kDistinct; ++i) {
      events.AddRealistic(i);
    }
    std::vector<EventView> views = events.Views();
    CaptureHeader header;
    header.hostname = "bench";
    absl::StatusOr<std::unique_ptr<CaptureWriter>> w = CaptureWriter::Create(path_, header);
    if (!w.ok()) {
      std::fprintf(stderr, "%s\n", w.status().ToString().c_str());
      std::abort();
    }
    for (size_t i = 0; i < kEvents; ++i) {
      bytes_ += views[i % kDistinct].bytes().size();
      if (!(*w)->Append(views[i % kDistinct]).ok()) {
        std::abort();
      }
    }
    if (!(*w)->Close().ok()) {
      std::abort();
    }
  }
  ~BenchCapture() { unlink(path_.c_str()); }

  const std::string& path() const { return path_; }
  size_t bytes() const { return bytes_; }

 private:
  std::string path_;
  size_t bytes_ = 0;
};

const BenchCapture& Capture() {
  static const BenchCapture* capture = new BenchCapture();  // lives until exit
  return *capture;
}

void BM_CaptureDecode(benchmark::State& state) {
  const BenchCapture& capture = Capture();
  uint64_t events = 0;
  for (auto _ : state) {
    absl::StatusOr<std::unique_ptr<CaptureReader>> r = CaptureReader::Open(capture.path());
    if (!r.ok()) {
      state.SkipWithError(r.status().ToString().c_str());
      return;
    }
    EventView ev;
    uint64_t sum = 0;
    absl::StatusOr<bool> more;
    while ((more = (*r)->Next(&ev)).ok() && *more) {
      sum += ev.hdr().ts_ns + ev.hdr().nblobs;
      ++events;
    }
    if (!more.ok()) {
      state.SkipWithError(more.status().ToString().c_str());
      return;
    }
    benchmark::DoNotOptimize(sum);
  }
  state.counters["events_per_second"] =
      benchmark::Counter(static_cast<double>(events), benchmark::Counter::kIsRate);
  state.counters["events"] = static_cast<double>(kEvents);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * capture.bytes()));
}
BENCHMARK(BM_CaptureDecode)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace
}  // namespace saker::capture
