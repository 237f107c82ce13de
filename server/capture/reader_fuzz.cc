// Fuzz target for the capture reader: any bytes must give events or a clean
// error, never a crash, a hang or an unbounded allocation. Build with
// clang -fsanitize=fuzzer (see FORMAT.md); reader_fuzz_test drives it
// deterministically in ordinary test runs.
#include <cstddef>
#include <cstdint>
#include <string>

#include "server/capture/reader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using saker::capture::CaptureReader;
  absl::StatusOr<std::unique_ptr<CaptureReader>> reader =
      CaptureReader::FromBuffer(std::string(reinterpret_cast<const char*>(data), size), "<fuzz>");
  if (!reader.ok()) {
    return 0;
  }
  // Touch everything a consumer would.
  volatile size_t sink = (*reader)->header().snapshot.processes.size();
  saker::EventView ev;
  for (;;) {
    absl::StatusOr<bool> more = (*reader)->Next(&ev);
    if (!more.ok() || !*more) {
      break;
    }
    size_t n = ev.comm().size() + ev.hdr().size + static_cast<size_t>(ev.arg(5));
    ev.ForEachBlob([&n](const saker::BlobView& b) {
      n += b.data.empty() ? 0 : static_cast<uint8_t>(b.data.back());
    });
    sink = sink + n;
  }
  (void)sink;
  return 0;
}
