#include <cstring>
#include <random>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/capture/codec.h"
#include "server/capture/flushing_sink.h"
#include "server/capture/format.h"
#include "server/capture/reader.h"
#include "server/capture/synthetic_events.h"
#include "server/capture/test_util.h"
#include "server/capture/writer.h"

namespace saker::capture {
namespace {

using ::testing::HasSubstr;

// Reads every event; returns the error (OK at a clean end) and the events.
absl::Status ReadAll(CaptureReader* r, std::vector<std::string>* events) {
  EventView ev;
  for (;;) {
    absl::StatusOr<bool> more = r->Next(&ev);
    if (!more.ok()) {
      return more.status();
    }
    if (!*more) {
      return absl::OkStatus();
    }
    EXPECT_EQ(reinterpret_cast<uintptr_t>(ev.bytes().data()) % 8, 0u);
    events->emplace_back(reinterpret_cast<const char*>(ev.bytes().data()), ev.bytes().size());
  }
}

std::string EventBytes(const EventBuffer& buf, size_t i) {
  absl::Span<const uint8_t> b = buf.event(i);
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

// The number of the first event of the block (or trailer) at `off`, minus 1:
// how many events precede it.
uint64_t EventsBefore(const std::string& file, uint64_t off) {
  const auto* p = reinterpret_cast<const uint8_t*>(file.data()) + off;
  uint64_t first = LoadLe64(p + 16);
  return LoadLe32(p) == kTrailerMagic ? first : first - 1;
}

TEST(WriterReaderTest, RoundTripKeepsBytesOrderAndHeader) {
  CaptureHeader header = SampleHeader();
  EventBuffer events = SampleEvents(500);
  std::string path = TempPath("roundtrip.scap");
  std::string file = WriteCapture(path, header, events, 4096);
  ASSERT_GT(BlockOffsets(file).size(), 10u);

  absl::StatusOr<std::unique_ptr<CaptureReader>> r = CaptureReader::Open(path);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)->header(), header);
  EXPECT_EQ((*r)->header().snapshot, header.snapshot);
  std::vector<std::string> got;
  ASSERT_TRUE(ReadAll(r->get(), &got).ok());
  ASSERT_EQ(got.size(), events.count());
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i], EventBytes(events, i)) << "event " << i;
  }
  EXPECT_TRUE((*r)->has_trailer());
  EXPECT_EQ((*r)->events_read(), 500u);
  EventView ev;
  absl::StatusOr<bool> again = (*r)->Next(&ev);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE(*again);
}

TEST(WriterReaderTest, DefaultBlockSizeAndBlobsSurvive) {
  CaptureHeader header = SampleHeader();
  EventBuffer events;
  for (uint64_t i = 0; i < 4000; ++i) {
    events.AddRealistic(i);
  }
  std::string path = TempPath("default.scap");
  absl::StatusOr<std::unique_ptr<CaptureWriter>> w = CaptureWriter::Create(path, header);
  ASSERT_TRUE(w.ok()) << w.status();
  for (const EventView& ev : events.Views()) {
    ASSERT_TRUE((*w)->Append(ev).ok());
  }
  ASSERT_TRUE((*w)->Close().ok());
  std::vector<uint64_t> blocks = BlockOffsets(ReadFileBytes(path));
  EXPECT_GE(blocks.size(), 4u);  // ~1 MB in 256 KiB blocks, plus the trailer

  absl::StatusOr<std::unique_ptr<CaptureReader>> r = CaptureReader::Open(path);
  ASSERT_TRUE(r.ok()) << r.status();
  std::vector<EventView> want = events.Views();
  EventView ev;
  size_t i = 0;
  for (; (*r)->Next(&ev).value_or(false); ++i) {
    ASSERT_LT(i, want.size());
    EXPECT_EQ(ev.hdr().ts_ns, want[i].hdr().ts_ns);
    std::optional<BlobView> got_path = ev.FindBlob(1, SAKER_BLOB_STR);
    std::optional<BlobView> want_path = want[i].FindBlob(1, SAKER_BLOB_STR);
    ASSERT_EQ(got_path.has_value(), want_path.has_value());
    if (got_path) {
      EXPECT_EQ(got_path->data, want_path->data);
      EXPECT_EQ(got_path->flags, want_path->flags);
    }
  }
  EXPECT_EQ(i, want.size());
}

TEST(WriterReaderTest, EmptyCaptureHasHeaderAndTrailer) {
  std::string path = TempPath("empty.scap");
  WriteCapture(path, SampleHeader(), EventBuffer(), 1024);
  absl::StatusOr<std::unique_ptr<CaptureReader>> r = CaptureReader::Open(path);
  ASSERT_TRUE(r.ok()) << r.status();
  EventView ev;
  absl::StatusOr<bool> more = (*r)->Next(&ev);
  ASSERT_TRUE(more.ok()) << more.status();
  EXPECT_FALSE(*more);
  EXPECT_TRUE((*r)->has_trailer());
}

TEST(WriterReaderTest, FileWithoutTrailerReadsToLastBlock) {
  EventBuffer events = SampleEvents(60);
  std::string file = WriteCapture(TempPath("notrailer.scap"), SampleHeader(), events, 1024,
                                  /*close=*/false);
  absl::StatusOr<std::unique_ptr<CaptureReader>> r = CaptureReader::FromBuffer(file);
  ASSERT_TRUE(r.ok()) << r.status();
  std::vector<std::string> got;
  ASSERT_TRUE(ReadAll(r->get(), &got).ok());
  EXPECT_EQ(got.size(), 60u);
  EXPECT_FALSE((*r)->has_trailer());
  EXPECT_TRUE((*r)->truncated());
  EXPECT_EQ((*r)->good_end_offset(), file.size());
}

TEST(WriterReaderTest, ClosedFileIsNotTruncated) {
  std::string file = WriteCapture(TempPath("closed.scap"), SampleHeader(), SampleEvents(60), 1024);
  absl::StatusOr<std::unique_ptr<CaptureReader>> r = CaptureReader::FromBuffer(file);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_FALSE((*r)->truncated()) << "nothing read yet";
  std::vector<std::string> got;
  ASSERT_TRUE(ReadAll(r->get(), &got).ok());
  EXPECT_TRUE((*r)->has_trailer());
  EXPECT_FALSE((*r)->truncated());
}

// A file that holds only its header (the writer was killed before its first
// block) is truncated at the end of the header.
TEST(WriterReaderTest, HeaderOnlyFileIsTruncated) {
  std::string file = WriteCapture(TempPath("head.scap"), SampleHeader(), EventBuffer(), 1024);
  const uint64_t header_end = BlockOffsets(file)[0];
  absl::StatusOr<std::unique_ptr<CaptureReader>> r =
      CaptureReader::FromBuffer(file.substr(0, header_end));
  ASSERT_TRUE(r.ok()) << r.status();
  std::vector<std::string> got;
  ASSERT_TRUE(ReadAll(r->get(), &got).ok());
  EXPECT_TRUE(got.empty());
  EXPECT_TRUE((*r)->truncated());
  EXPECT_EQ((*r)->good_end_offset(), header_end);
}

// Flush() writes a short block: a file read while its writer is still open
// holds every event flushed so far, and the writer goes on after it.
TEST(WriterReaderTest, FlushWritesAPartialBlockThatReadsBack) {
  std::string path = TempPath("partial.scap");
  EventBuffer events = SampleEvents(30);
  std::vector<EventView> views = events.Views();
  absl::StatusOr<std::unique_ptr<CaptureWriter>> w = CaptureWriter::Create(path, SampleHeader());
  ASSERT_TRUE(w.ok()) << w.status();
  for (size_t i = 0; i < 10; ++i) {
    ASSERT_TRUE((*w)->Append(views[i]).ok());
  }
  EXPECT_EQ((*w)->events_buffered(), 10u);
  EXPECT_EQ((*w)->events_written(), 0u);
  ASSERT_TRUE((*w)->Flush().ok());
  EXPECT_EQ((*w)->events_buffered(), 0u);
  EXPECT_EQ((*w)->events_written(), 10u);
  {
    absl::StatusOr<std::unique_ptr<CaptureReader>> r = CaptureReader::Open(path);
    ASSERT_TRUE(r.ok()) << r.status();
    std::vector<std::string> got;
    ASSERT_TRUE(ReadAll(r->get(), &got).ok());
    EXPECT_EQ(got.size(), 10u);
    EXPECT_TRUE((*r)->truncated());
  }
  for (size_t i = 10; i < 30; ++i) {
    ASSERT_TRUE((*w)->Append(views[i]).ok());
  }
  ASSERT_TRUE((*w)->Close().ok());
  absl::StatusOr<std::unique_ptr<CaptureReader>> r = CaptureReader::Open(path);
  ASSERT_TRUE(r.ok()) << r.status();
  std::vector<std::string> got;
  ASSERT_TRUE(ReadAll(r->get(), &got).ok());
  ASSERT_EQ(got.size(), 30u);
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i], EventBytes(events, i));
  }
  EXPECT_FALSE((*r)->truncated());
}

// The events a FlushingSink takes reach the file on its timer, with no
// further event and no Close(): what a kill -9 leaves. No timing is
// asserted: the test waits (up to 30 s) for the timer's write.
TEST(WriterReaderTest, FlushingSinkWritesOnItsTimerWithoutMoreEvents) {
  std::string path = TempPath("timer.scap");
  EventBuffer events = SampleEvents(50);
  std::vector<EventView> views = events.Views();
  absl::StatusOr<std::unique_ptr<CaptureWriter>> w = CaptureWriter::Create(path, SampleHeader());
  ASSERT_TRUE(w.ok()) << w.status();
  FlushingSink sink(w->get(), absl::Milliseconds(20));
  for (size_t i = 0; i < views.size(); ++i) {
    sink.OnEvent(i + 1, views[i]);
  }
  std::vector<std::string> got;
  const absl::Time give_up = absl::Now() + absl::Seconds(30);
  while (got.size() < 50 && absl::Now() < give_up) {
    absl::SleepFor(absl::Milliseconds(10));
    absl::StatusOr<std::unique_ptr<CaptureReader>> r = CaptureReader::Open(path);
    ASSERT_TRUE(r.ok()) << r.status();
    got.clear();
    ASSERT_TRUE(ReadAll(r->get(), &got).ok());
    EXPECT_TRUE((*r)->truncated());
  }
  ASSERT_EQ(got.size(), 50u) << "the timer did not write the partial block";
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_EQ(got[i], EventBytes(events, i));
  }
  EXPECT_GE(sink.timed_flushes(), 1u);
  EXPECT_TRUE(sink.status().ok());
  sink.Stop();
  sink.Stop();  // idempotent
  ASSERT_TRUE((*w)->Close().ok());
  absl::StatusOr<std::unique_ptr<CaptureReader>> r = CaptureReader::Open(path);
  ASSERT_TRUE(r.ok());
  got.clear();
  ASSERT_TRUE(ReadAll(r->get(), &got).ok());
  EXPECT_EQ(got.size(), 50u);
  EXPECT_FALSE((*r)->truncated());
}

// Every cut either ends cleanly exactly at a block boundary (after the
// events of the complete blocks) or fails with DataLoss naming the offset of
// the block it cut, after the events of the complete blocks before it. Cuts
// inside the header fail at Open.
TEST(WriterReaderTest, TruncationAtEveryCutPoint) {
  EventBuffer events = SampleEvents(40);
  std::string file = WriteCapture(TempPath("cut.scap"), SampleHeader(), events, 1024);
  std::vector<uint64_t> blocks = BlockOffsets(file);
  ASSERT_GT(blocks.size(), 5u);
  for (size_t cut = 0; cut <= file.size(); ++cut) {
    absl::StatusOr<std::unique_ptr<CaptureReader>> r =
        CaptureReader::FromBuffer(file.substr(0, cut), "trace.scap");
    if (cut < blocks[0]) {
      ASSERT_FALSE(r.ok()) << cut;
      EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss) << cut << r.status();
      EXPECT_THAT(r.status().message(), HasSubstr("trace.scap: ")) << r.status();
      EXPECT_THAT(r.status().message(), HasSubstr(" offset ")) << r.status();
      continue;
    }
    ASSERT_TRUE(r.ok()) << cut << ": " << r.status();
    std::vector<std::string> got;
    absl::Status st = ReadAll(r->get(), &got);
    auto it = std::upper_bound(blocks.begin(), blocks.end(), cut);
    uint64_t block = *(it - 1);  // the block the cut falls in (or starts)
    if (cut == file.size()) {
      ASSERT_TRUE(st.ok()) << st;
      EXPECT_TRUE((*r)->has_trailer());
      EXPECT_FALSE((*r)->truncated());
      ASSERT_EQ(got.size(), events.count());
    } else if (cut == block) {
      ASSERT_TRUE(st.ok()) << cut << ": " << st;
      EXPECT_FALSE((*r)->has_trailer());
      EXPECT_TRUE((*r)->truncated()) << cut;
      EXPECT_EQ((*r)->good_end_offset(), cut);
      ASSERT_EQ(got.size(), EventsBefore(file, block)) << cut;
    } else {
      ASSERT_EQ(st.code(), absl::StatusCode::kDataLoss) << cut << ": " << st;
      EXPECT_THAT(st.message(),
                  HasSubstr(absl::StrCat("trace.scap: block at offset ", block, ": truncated")));
      ASSERT_EQ(got.size(), EventsBefore(file, block)) << cut;
      // A torn last block is a cut, not damage: truncated, good up to it.
      EXPECT_TRUE((*r)->truncated()) << cut;
      EXPECT_EQ((*r)->good_end_offset(), block) << cut;
    }
    for (size_t i = 0; i < got.size(); ++i) {
      ASSERT_EQ(got[i], EventBytes(events, i));
    }
  }
}

TEST(WriterReaderTest, CorruptPayloadIsChecksumMismatchAtItsBlock) {
  EventBuffer events = SampleEvents(40);
  std::string file = WriteCapture(TempPath("corrupt.scap"), SampleHeader(), events, 1024);
  std::vector<uint64_t> blocks = BlockOffsets(file);
  for (size_t b = 0; b + 1 < blocks.size(); ++b) {  // the last is the trailer
    for (uint64_t where : {blocks[b] + kBlockHeaderSize, blocks[b + 1] - 1,
                           (blocks[b] + kBlockHeaderSize + blocks[b + 1]) / 2}) {
      std::string bad = file;
      bad[where] ^= 0x10;
      absl::StatusOr<std::unique_ptr<CaptureReader>> r =
          CaptureReader::FromBuffer(bad, "trace.scap");
      ASSERT_TRUE(r.ok());
      std::vector<std::string> got;
      absl::Status st = ReadAll(r->get(), &got);
      EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
      EXPECT_EQ(st.message(),
                absl::StrCat("trace.scap: block at offset ", blocks[b], ": checksum mismatch"));
      EXPECT_EQ(got.size(), EventsBefore(file, blocks[b]));
      // Errors are sticky.
      EventView ev;
      EXPECT_EQ((*r)->Next(&ev).status(), st);
    }
  }
}

// Damage is never mistaken for a cut: a bad checksum in the last block is an
// error with truncated() false.
TEST(WriterReaderTest, CorruptLastBlockIsNotTruncation) {
  std::string file =
      WriteCapture(TempPath("lastbad.scap"), SampleHeader(), SampleEvents(40), 1024, false);
  std::vector<uint64_t> blocks = BlockOffsets(file);
  file[blocks.back() + kBlockHeaderSize + 9] ^= 0x40;
  absl::StatusOr<std::unique_ptr<CaptureReader>> r = CaptureReader::FromBuffer(file, "t.scap");
  ASSERT_TRUE(r.ok()) << r.status();
  std::vector<std::string> got;
  absl::Status st = ReadAll(r->get(), &got);
  EXPECT_THAT(st.message(), HasSubstr("checksum mismatch"));
  EXPECT_FALSE((*r)->truncated());
}

TEST(WriterReaderTest, CorruptBlockHeaderIsDetected) {
  std::string file = WriteCapture(TempPath("hdr.scap"), SampleHeader(), SampleEvents(40), 1024);
  std::vector<uint64_t> blocks = BlockOffsets(file);
  for (size_t field = 0; field < kBlockHeaderSize; ++field) {
    std::string bad = file;
    bad[blocks[2] + field] ^= 0x01;
    absl::StatusOr<std::unique_ptr<CaptureReader>> r = CaptureReader::FromBuffer(bad, "t");
    ASSERT_TRUE(r.ok());
    std::vector<std::string> got;
    absl::Status st = ReadAll(r->get(), &got);
    EXPECT_EQ(st.message(),
              absl::StrCat("t: block at offset ", blocks[2], ": block header checksum mismatch"));
  }
}

// A block header with a valid checksum but a huge length must be rejected
// against the file size, not allocated.
TEST(WriterReaderTest, HugeLengthsAreRejectedBeforeAllocating) {
  std::string file = WriteCapture(TempPath("huge.scap"), SampleHeader(), SampleEvents(40), 1024);
  std::vector<uint64_t> blocks = BlockOffsets(file);
  for (uint32_t len : {0xfffffff8u, 16u << 20, 8u << 20}) {
    std::string bad = file;
    auto* p = reinterpret_cast<uint8_t*>(bad.data()) + blocks[1];
    BlockHeader h;
    ASSERT_TRUE(DecodeBlockHeader(p, &h).ok());
    h.payload_len = len;
    EncodeBlockHeader(h, p);
    absl::StatusOr<std::unique_ptr<CaptureReader>> r = CaptureReader::FromBuffer(bad, "t");
    ASSERT_TRUE(r.ok());
    std::vector<std::string> got;
    absl::Status st = ReadAll(r->get(), &got);
    EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
    EXPECT_THAT(st.message(), HasSubstr(absl::StrCat("t: block at offset ", blocks[1])));
  }
  std::string bad = file;
  StoreLe32(reinterpret_cast<uint8_t*>(bad.data()) + 12, 0xffffffffu);
  absl::StatusOr<std::unique_ptr<CaptureReader>> r = CaptureReader::FromBuffer(bad, "t");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(r.status().message(), HasSubstr("header section at offset 24"));
}

TEST(WriterReaderTest, BadMagicAndVersion) {
  std::string file = WriteCapture(TempPath("magic.scap"), SampleHeader(), SampleEvents(3), 1024);
  std::string bad = file;
  bad[0] = 'X';
  absl::StatusOr<std::unique_ptr<CaptureReader>> r = CaptureReader::FromBuffer(bad, "t");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "t: not a Saker capture (bad magic at offset 0)");

  bad = file;
  StoreLe32(reinterpret_cast<uint8_t*>(bad.data()) + 8, 2);
  r = CaptureReader::FromBuffer(bad, "t");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(r.status().message(), HasSubstr("format version 2 is not supported"));

  bad = file;
  bad[kFileHeaderSize + 3] ^= 1;
  r = CaptureReader::FromBuffer(bad, "t");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(r.status().message(), "t: header section at offset 24: checksum mismatch");
}

TEST(WriterReaderTest, OtherWireVersionIsRefused) {
  CaptureHeader header = SampleHeader();
  header.wire_version = SAKER_WIRE_VERSION + 1;
  std::string path = TempPath("wire.scap");
  WriteCapture(path, header, EventBuffer(), 1024);
  absl::StatusOr<std::unique_ptr<CaptureReader>> r = CaptureReader::Open(path);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(r.status().message(), HasSubstr("wire version"));
}

TEST(WriterReaderTest, BytesAfterTrailerAreAnError) {
  std::string file = WriteCapture(TempPath("after.scap"), SampleHeader(), SampleEvents(10), 1024);
  uint64_t trailer = BlockOffsets(file).back();
  absl::StatusOr<std::unique_ptr<CaptureReader>> r =
      CaptureReader::FromBuffer(file + std::string(8, '\0'), "t");
  ASSERT_TRUE(r.ok());
  std::vector<std::string> got;
  absl::Status st = ReadAll(r->get(), &got);
  EXPECT_EQ(st.message(),
            absl::StrCat("t: block at offset ", trailer, ": 8 bytes follow the trailer"));
  EXPECT_EQ(got.size(), 10u);
}

TEST(WriterReaderTest, RandomGarbageNeverCrashes) {
  std::mt19937_64 rng(7);
  std::string valid = WriteCapture(TempPath("g.scap"), SampleHeader(), SampleEvents(5), 1024);
  size_t header_end = BlockOffsets(valid)[0];
  for (int i = 0; i < 2000; ++i) {
    std::string garbage(rng() % 4096, '\0');
    for (char& c : garbage) {
      c = static_cast<char>(rng());
    }
    // Half of them behind a valid header, to reach the block reader.
    std::string input = i % 2 ? valid.substr(0, header_end) + garbage : garbage;
    absl::StatusOr<std::unique_ptr<CaptureReader>> r = CaptureReader::FromBuffer(input, "g");
    if (i % 2 == 0) {
      EXPECT_FALSE(r.ok());
      continue;
    }
    ASSERT_TRUE(r.ok());
    std::vector<std::string> got;
    absl::Status st = ReadAll(r->get(), &got);
    if (!garbage.empty()) {
      EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
      EXPECT_THAT(st.message(), HasSubstr(absl::StrCat("g: block at offset ", header_end)));
    }
    EXPECT_TRUE(got.empty());
  }
}

TEST(WriterReaderTest, AppendAfterCloseFails) {
  std::string path = TempPath("closed.scap");
  absl::StatusOr<std::unique_ptr<CaptureWriter>> w = CaptureWriter::Create(path, SampleHeader());
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->Close().ok());
  EXPECT_TRUE((*w)->Close().ok());
  EventBuffer events = SampleEvents(1);
  EXPECT_EQ((*w)->Append(events.Views()[0]).code(), absl::StatusCode::kFailedPrecondition);
}

TEST(WriterReaderTest, OpenErrors) {
  EXPECT_EQ(CaptureReader::Open(TempPath("missing.scap")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(CaptureWriter::Create("/nonexistent-dir/x.scap", SampleHeader()).status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace saker::capture
