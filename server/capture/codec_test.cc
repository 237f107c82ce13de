#include "server/capture/codec.h"

#include "gtest/gtest.h"

namespace saker::capture {
namespace {

TEST(CodecTest, RoundTripsEveryKind) {
  std::string buf;
  Encoder e(&buf);
  const uint64_t varints[] = {0, 1, 127, 128, 16383, 16384, UINT32_MAX, UINT64_MAX};
  for (uint64_t v : varints) {
    e.Varint(v);
  }
  e.U8(0xab);
  e.Fixed32(0xdeadbeef);
  e.Fixed64(0x0123456789abcdefull);
  e.Bytes(std::string("a\0b", 3));
  e.Bytes("");

  Decoder d(buf);
  for (uint64_t v : varints) {
    EXPECT_EQ(d.Varint().value(), v);
  }
  EXPECT_EQ(d.U8().value(), 0xab);
  EXPECT_EQ(d.Fixed32().value(), 0xdeadbeefu);
  EXPECT_EQ(d.Fixed64().value(), 0x0123456789abcdefull);
  EXPECT_EQ(d.Bytes().value(), std::string("a\0b", 3));
  EXPECT_EQ(d.Bytes().value(), "");
  EXPECT_TRUE(d.done());
  EXPECT_EQ(d.U8().status().code(), absl::StatusCode::kDataLoss);
}

TEST(CodecTest, RejectsOverlongAndOverflowingVarints) {
  EXPECT_FALSE(Decoder(std::string(11, '\x80')).Varint().ok());
  EXPECT_FALSE(Decoder(std::string(9, '\xff') + '\x02').Varint().ok());
  EXPECT_FALSE(Decoder("\x80").Varint().ok());
  std::string big;
  Encoder(&big).Varint(uint64_t{1} << 32);
  EXPECT_FALSE(Decoder(big).Varint32().ok());
}

TEST(CodecTest, LengthsAndCountsAreBoundedByTheInput) {
  std::string buf;
  Encoder e(&buf);
  e.Varint(1000);
  buf += "short";
  EXPECT_EQ(Decoder(buf).Bytes().status().code(), absl::StatusCode::kDataLoss);
  EXPECT_FALSE(Decoder(buf).Count(1).ok());  // 1000 items in 5 bytes
  std::string ok;
  Encoder(&ok).Varint(2);
  ok += "xxxx";
  EXPECT_EQ(Decoder(ok).Count(2).value(), 2u);
  EXPECT_FALSE(Decoder(ok).Count(3).ok());
}

}  // namespace
}  // namespace saker::capture
