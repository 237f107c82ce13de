#include "server/capture/format.h"

#include <unistd.h>

#include "gtest/gtest.h"
#include "server/capture/codec.h"
#include "server/capture/snapshot_codec.h"
#include "server/capture/test_util.h"

namespace saker::capture {
namespace {

absl::string_view Section(const std::string& file) {
  uint32_t len = LoadLe32(reinterpret_cast<const uint8_t*>(file.data()) + 12);
  return absl::string_view(file).substr(kFileHeaderSize, len);
}

TEST(FormatTest, HeaderRoundTrips) {
  CaptureHeader h = SampleHeader();
  h.snapshot_error = "permission denied";
  std::string file = EncodeFileHeader(h);
  EXPECT_EQ(file.size() % 8, 0u);
  EXPECT_EQ(file.substr(0, 8), "SAKERCAP");
  CaptureHeader got;
  ASSERT_TRUE(DecodeHeaderSection(Section(file), &got).ok());
  EXPECT_EQ(got, h);
  EXPECT_EQ(got.hostname, "host-1.example");
  EXPECT_EQ(got.boot_time_ns, 1700000000123456789);
}

TEST(FormatTest, UnknownHeaderFieldsAreSkipped) {
  std::string file = EncodeFileHeader(SampleHeader());
  std::string section(Section(file));
  Encoder e(&section);
  e.Varint(1000);
  e.Bytes("from the future");
  CaptureHeader got;
  ASSERT_TRUE(DecodeHeaderSection(section, &got).ok());
  EXPECT_EQ(got, SampleHeader());
}

TEST(FormatTest, HeaderWithoutWireVersionIsRejected) {
  std::string section;
  Encoder e(&section);
  e.Varint(1);
  e.Bytes("host");
  CaptureHeader got;
  EXPECT_EQ(DecodeHeaderSection(section, &got).code(), absl::StatusCode::kDataLoss);
}

TEST(FormatTest, SnapshotRoundTripsAndEveryTruncationFails) {
  ProcSnapshot snap = SampleHeader().snapshot;
  std::string enc;
  EncodeSnapshot(snap, &enc);
  ProcSnapshot got;
  ASSERT_TRUE(DecodeSnapshot(enc, &got).ok());
  EXPECT_EQ(got, snap);
  for (size_t cut = 0; cut < enc.size(); ++cut) {
    EXPECT_FALSE(DecodeSnapshot(absl::string_view(enc).substr(0, cut), &got).ok()) << cut;
  }
  EXPECT_FALSE(DecodeSnapshot(enc + "x", &got).ok());
}

TEST(FormatTest, SnapshotEqualityNoticesEveryField) {
  ProcSnapshot a = SampleHeader().snapshot;
  ProcSnapshot b = a;
  b.processes[1].fds[1].tuple.dport++;
  EXPECT_NE(a, b);
  b = a;
  b.processes[2].threads[1].creds.cap_effective = 1;
  EXPECT_NE(a, b);
  b = a;
  b.processes[0].exe_mtime_ns++;
  EXPECT_NE(a, b);
}

TEST(FormatTest, RealSnapshotRoundTrips) {
  absl::StatusOr<ProcSnapshot> snap = ReadProcSnapshot();
  ASSERT_TRUE(snap.ok()) << snap.status();
  std::string enc;
  EncodeSnapshot(*snap, &enc);
  ProcSnapshot got;
  ASSERT_TRUE(DecodeSnapshot(enc, &got).ok());
  EXPECT_EQ(got, *snap);
}

TEST(FormatTest, UnknownSnapshotVersionIsUnimplemented) {
  std::string enc;
  Encoder(&enc).Varint(kSnapshotVersion + 1);
  ProcSnapshot got;
  EXPECT_EQ(DecodeSnapshot(enc, &got).code(), absl::StatusCode::kUnimplemented);
}

TEST(FormatTest, BlockHeaderRoundTripsAndDetectsDamage) {
  BlockHeader h;
  h.payload_len = 4096;
  h.event_count = 17;
  h.payload_crc = 0x12345678;
  h.first_event = 1ull << 40;
  uint8_t raw[kBlockHeaderSize];
  EncodeBlockHeader(h, raw);
  BlockHeader got;
  ASSERT_TRUE(DecodeBlockHeader(raw, &got).ok());
  EXPECT_EQ(got.magic, kBlockMagic);
  EXPECT_EQ(got.payload_len, 4096u);
  EXPECT_EQ(got.event_count, 17u);
  EXPECT_EQ(got.payload_crc, 0x12345678u);
  EXPECT_EQ(got.first_event, 1ull << 40);
  EXPECT_EQ(std::string(reinterpret_cast<char*>(raw), 4), "SBLK");
  raw[5] ^= 1;
  EXPECT_FALSE(DecodeBlockHeader(raw, &got).ok());
}

TEST(FormatTest, ForThisMachineFillsTheHeader) {
  CaptureHeader h = CaptureHeader::ForThisMachine(BootTimeNsNow());
  EXPECT_FALSE(h.hostname.empty());
  EXPECT_FALSE(h.machine.empty());
  EXPECT_FALSE(h.kernel_release.empty());
  EXPECT_GT(h.boot_time_ns, 0);
  EXPECT_GT(h.start_time_ns, h.boot_time_ns);
  EXPECT_EQ(h.wire_version, static_cast<uint32_t>(SAKER_WIRE_VERSION));
  EXPECT_TRUE(h.snapshot_error.empty()) << h.snapshot_error;
  EXPECT_NE(h.snapshot.Find(static_cast<uint32_t>(getpid())), nullptr);
}

}  // namespace
}  // namespace saker::capture
