#include "server/capture/reader.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "server/capture/synthetic_events.h"
#include "server/capture/test_util.h"

namespace saker::capture {
namespace {

using ::testing::HasSubstr;

class RecordingSink : public EventSink {
 public:
  void OnEvent(uint64_t evt_num, const EventView& event) override {
    nums.push_back(evt_num);
    bytes.emplace_back(reinterpret_cast<const char*>(event.bytes().data()), event.bytes().size());
    if (stop_after != 0 && nums.size() == stop_after) {
      source->Stop();
    }
  }
  std::vector<uint64_t> nums;
  std::vector<std::string> bytes;
  size_t stop_after = 0;
  EventSource* source = nullptr;
};

TEST(CaptureSourceTest, ReplaysEveryEventNumberedFromOne) {
  EventBuffer events = SampleEvents(100);
  std::string path = TempPath("source.scap");
  WriteCapture(path, SampleHeader(), events, 2048);
  absl::StatusOr<std::unique_ptr<CaptureSource>> src = CaptureSource::Open(path);
  ASSERT_TRUE(src.ok()) << src.status();
  EXPECT_EQ((*src)->boot_time_ns(), SampleHeader().boot_time_ns);
  EXPECT_EQ((*src)->header().hostname, "host-1.example");
  RecordingSink sink;
  ASSERT_TRUE((*src)->Run(&sink).ok());
  ASSERT_EQ(sink.nums.size(), 100u);
  for (size_t i = 0; i < 100; ++i) {
    EXPECT_EQ(sink.nums[i], i + 1);
    absl::Span<const uint8_t> want = events.event(i);
    EXPECT_EQ(sink.bytes[i], std::string(reinterpret_cast<const char*>(want.data()), want.size()));
  }
}

TEST(CaptureSourceTest, CorruptFileReturnsTheReadersError) {
  EventBuffer events = SampleEvents(100);
  std::string file = WriteCapture(TempPath("c.scap"), SampleHeader(), events, 2048);
  std::vector<uint64_t> blocks = BlockOffsets(file);
  file[blocks[3] + kBlockHeaderSize + 9] ^= 0x40;
  absl::StatusOr<std::unique_ptr<CaptureReader>> r = CaptureReader::FromBuffer(file, "c.scap");
  ASSERT_TRUE(r.ok());
  CaptureSource src(*std::move(r));
  RecordingSink sink;
  absl::Status st = src.Run(&sink);
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(st.message()), HasSubstr("checksum mismatch"));
  EXPECT_GT(sink.nums.size(), 0u);
  EXPECT_LT(sink.nums.size(), 100u);
}

TEST(CaptureSourceTest, StopEndsRunSoon) {
  std::string path = TempPath("stop.scap");
  WriteCapture(path, SampleHeader(), SampleEvents(100), 2048);
  absl::StatusOr<std::unique_ptr<CaptureSource>> src = CaptureSource::Open(path);
  ASSERT_TRUE(src.ok());
  RecordingSink sink;
  sink.stop_after = 10;
  sink.source = src->get();
  ASSERT_TRUE((*src)->Run(&sink).ok());
  EXPECT_EQ(sink.nums.size(), 10u);
}

}  // namespace
}  // namespace saker::capture
