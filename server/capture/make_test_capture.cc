// make_test_capture OUT N BLOCK_BYTES: writes a closed capture of N sample
// events (test_util's SampleEvents) in blocks of about BLOCK_BYTES, and
// prints each block's (and the trailer's) file offset and the number of
// events before it, "OFFSET EVENTS" a line. For the shell tests that cut a
// capture at a block boundary without needing root.
#include <cstdio>
#include <string>

#include "absl/strings/numbers.h"
#include "server/capture/codec.h"
#include "server/capture/test_util.h"

int main(int argc, char** argv) {
  using namespace saker::capture;
  uint64_t n = 0;
  uint64_t block_bytes = 0;
  if (argc != 4 || !absl::SimpleAtoi(argv[2], &n) || !absl::SimpleAtoi(argv[3], &block_bytes)) {
    std::fprintf(stderr, "usage: make_test_capture OUT N BLOCK_BYTES\n");
    return 2;
  }
  const std::string file = WriteCapture(argv[1], SampleHeader(), SampleEvents(n), block_bytes);
  for (uint64_t off : BlockOffsets(file)) {
    if (off == file.size()) {
      break;
    }
    const auto* p = reinterpret_cast<const uint8_t*>(file.data()) + off;
    const uint64_t first = LoadLe64(p + 16);
    const uint64_t before = LoadLe32(p) == kTrailerMagic ? first : first - 1;
    std::printf("%llu %llu\n", static_cast<unsigned long long>(off),
                static_cast<unsigned long long>(before));
  }
  return 0;
}
