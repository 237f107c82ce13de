// Drives the fuzz target with its committed seed corpus, then ~20k
// deterministic mutations of a valid capture: bit flips, truncations,
// length-field edits (with and without fixed-up checksums, so they reach the
// deeper checks), splices and garbage.
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "server/capture/codec.h"
#include "server/capture/reader.h"
#include "server/capture/test_util.h"
#include "server/rules/testing/corpus.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace saker::capture {
namespace {

class Mutator {
 public:
  Mutator(const std::string& seed, uint64_t rng_seed) : seed_(seed), rng_(rng_seed) {
    blocks_ = BlockOffsets(seed);
  }

  std::string Next() {
    std::string s = seed_;
    int rounds = 1 + static_cast<int>(Below(3));
    for (int i = 0; i < rounds; ++i) {
      switch (Below(6)) {
        case 0:
          FlipBits(&s);
          break;
        case 1:
          s.resize(Below(s.size() + 1));
          break;
        case 2:
          EditBlockHeader(&s);
          break;
        case 3:
          EditEvent(&s);
          break;
        case 4:
          Splice(&s);
          break;
        default:
          EditFileHeader(&s);
          break;
      }
    }
    return s;
  }

 private:
  uint64_t Below(uint64_t n) { return n == 0 ? 0 : rng_() % n; }
  uint32_t Interesting() {
    static constexpr uint32_t kValues[] = {0, 1, 7, 8, 135, 136, 137, 4096, 0x7fffffff,
                                           0x80000000, 0xfffffff8, 0xffffffff};
    return Below(2) ? kValues[Below(sizeof(kValues) / 4)] : static_cast<uint32_t>(rng_());
  }

  void FlipBits(std::string* s) {
    for (uint64_t n = 1 + Below(8); n > 0 && !s->empty(); --n) {
      (*s)[Below(s->size())] ^= static_cast<char>(1 << Below(8));
    }
  }

  // Rewrites a field of a block header, then (usually) fixes its checksum.
  void EditBlockHeader(std::string* s) {
    uint64_t off = blocks_[Below(blocks_.size())];
    if (off + kBlockHeaderSize > s->size()) {
      return;
    }
    auto* p = reinterpret_cast<uint8_t*>(s->data()) + off;
    BlockHeader h;
    (void)DecodeBlockHeader(p, &h);
    switch (Below(4)) {
      case 0:
        h.payload_len = Interesting();
        break;
      case 1:
        h.event_count = Interesting();
        break;
      case 2:
        h.first_event = Below(2) ? Interesting() : h.first_event + 1;
        break;
      default:
        h.magic = Below(2) ? kTrailerMagic : Interesting();
        break;
    }
    if (Below(4) != 0) {
      EncodeBlockHeader(h, p);
    } else {
      StoreLe32(p + 4, h.payload_len);
    }
  }

  // Rewrites an event's size or a blob length inside a block, then fixes the
  // payload checksum so the event parser sees it.
  void EditEvent(std::string* s) {
    size_t b = Below(blocks_.size() - 1);  // not the trailer
    uint64_t off = blocks_[b];
    if (blocks_[b + 1] > s->size()) {
      return;
    }
    auto* p = reinterpret_cast<uint8_t*>(s->data()) + off;
    // The seed's length: an earlier edit may have changed the header's.
    uint32_t len = static_cast<uint32_t>(blocks_[b + 1] - off - kBlockHeaderSize);
    uint8_t* payload = p + kBlockHeaderSize;
    uint64_t at = 8 * Below(len / 8);
    switch (Below(3)) {
      case 0:  // the first event's size
        StoreLe32(payload + 4, Interesting());
        break;
      case 1:  // anything 8-aligned: a blob header's len, a version, nblobs
        payload[at + Below(8)] = static_cast<uint8_t>(rng_());
        break;
      default:
        StoreLe32(payload + at, Interesting());
        break;
    }
    BlockHeader h;
    (void)DecodeBlockHeader(p, &h);
    h.payload_crc = Crc32(payload, len);
    EncodeBlockHeader(h, p);
  }

  void EditFileHeader(std::string* s) {
    if (s->size() < kFileHeaderSize) {
      return;
    }
    auto* p = reinterpret_cast<uint8_t*>(s->data());
    uint64_t field = 8 + 4 * Below(4);  // version, length, crc, flags
    StoreLe32(p + field, Interesting());
  }

  // Copies a chunk of the seed (or random bytes) over, into or out of `s`.
  void Splice(std::string* s) {
    size_t from = Below(seed_.size());
    std::string chunk = seed_.substr(from, Below(512));
    if (Below(4) == 0) {
      for (char& c : chunk) {
        c = static_cast<char>(rng_());
      }
    }
    size_t at = Below(s->size() + 1);
    switch (Below(3)) {
      case 0:
        s->insert(at, chunk);
        break;
      case 1:
        s->replace(at, std::min(chunk.size(), s->size() - at), chunk);
        break;
      default:
        s->erase(at, Below(512));
        break;
    }
  }

  std::string seed_;
  std::mt19937_64 rng_;
  std::vector<uint64_t> blocks_;
};

std::string SeedCapture() {
  CaptureHeader header = SampleHeader();
  header.snapshot.processes.resize(1);
  EventBuffer events;
  for (uint64_t i = 0; i < 40; ++i) {
    events.AddRealistic(i);
  }
  return WriteCapture(TempPath("fuzz-seed.scap"), header, events, 1024);
}

// The committed seed corpus (fuzz_corpus/, what ci/fuzz starts from).
TEST(ReaderFuzzTest, SeedCorpusDoesNotCrash) {
  std::vector<std::string> corpus = rules::testing::ReadCorpus("server/capture/fuzz_corpus");
  ASSERT_GE(corpus.size(), 2u) << "the committed corpus is missing";
  for (const std::string& s : corpus) {
    EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(s.data()), s.size()), 0);
  }
}

TEST(ReaderFuzzTest, TwentyThousandMutationsDoNotCrash) {
  std::string seed = SeedCapture();
  // Saved for libFuzzer's seed corpus (see FORMAT.md): bazel zips it into
  // bazel-testlogs/server/capture/reader_fuzz_test/test.outputs/.
  if (const char* out = std::getenv("TEST_UNDECLARED_OUTPUTS_DIR")) {
    std::ofstream(std::string(out) + "/seed.scap", std::ios::binary) << seed;
  }
  ASSERT_GT(BlockOffsets(seed).size(), 5u);
  EXPECT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(seed.data()), seed.size()), 0);

  Mutator m(seed, 20240229);
  int opened = 0;
  int event_errors = 0;
  int clean = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string input = m.Next();
    ASSERT_EQ(LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(input.data()), input.size()),
              0);
    // Classify, to show the mutations reach every layer of the reader.
    absl::StatusOr<std::unique_ptr<CaptureReader>> r = CaptureReader::FromBuffer(input, "f");
    if (!r.ok()) {
      continue;
    }
    ++opened;
    EventView ev;
    absl::StatusOr<bool> more;
    while ((more = (*r)->Next(&ev)).ok() && *more) {
    }
    if (more.ok()) {
      ++clean;
    } else if (absl::StrContains(more.status().message(), ": event at offset ") ||
               absl::StrContains(more.status().message(), "header announces")) {
      ++event_errors;
    }
  }
  EXPECT_GT(opened, 5000);
  EXPECT_GT(event_errors, 500);
  EXPECT_GT(clean, 100);
}

}  // namespace
}  // namespace saker::capture
