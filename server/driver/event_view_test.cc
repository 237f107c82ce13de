#include "server/driver/event_view.h"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

namespace saker {
namespace {

// Builds an event with one string blob, 8-byte aligned.
std::vector<uint64_t> MakeEvent(absl::string_view path) {
  const size_t size = sizeof(saker_event) + sizeof(saker_blob) + EventView::Padded(path.size());
  std::vector<uint64_t> words(size / 8, 0);
  auto* ev = reinterpret_cast<saker_event*>(words.data());
  ev->hdr.kind = SAKER_EVENT_SYSCALL;
  ev->hdr.version = SAKER_WIRE_VERSION;
  ev->hdr.size = static_cast<uint32_t>(size);
  ev->hdr.syscall = SAKER_SYS_openat;
  ev->hdr.ret = -2;
  ev->hdr.nblobs = 1;
  std::memcpy(ev->hdr.comm, "cat", 3);
  ev->args[1] = 42;
  auto* blob = reinterpret_cast<saker_blob*>(ev + 1);
  blob->param = 2;
  blob->type = SAKER_BLOB_STR;
  blob->len = static_cast<uint16_t>(path.size());
  std::memcpy(blob + 1, path.data(), path.size());
  return words;
}

absl::Span<const uint8_t> Bytes(const std::vector<uint64_t>& w) {
  return {reinterpret_cast<const uint8_t*>(w.data()), w.size() * 8};
}

TEST(EventViewTest, ParsesHeaderArgsAndBlobs) {
  auto words = MakeEvent("/etc/shadow");
  auto ev = EventView::Parse(Bytes(words));
  ASSERT_TRUE(ev.ok()) << ev.status();
  EXPECT_EQ(ev->syscall(), SAKER_SYS_openat);
  EXPECT_EQ(ev->ret(), -2);
  EXPECT_EQ(ev->arg(1), 42u);
  EXPECT_EQ(ev->comm(), "cat");
  auto blob = ev->FindBlob(2, SAKER_BLOB_STR);
  ASSERT_TRUE(blob.has_value());
  EXPECT_EQ(blob->data, "/etc/shadow");
  EXPECT_FALSE(ev->FindBlob(3).has_value());
}

TEST(EventViewTest, RejectsBlobPastTheEnd) {
  auto words = MakeEvent("/etc/shadow");
  auto* blob = reinterpret_cast<saker_blob*>(reinterpret_cast<saker_event*>(words.data()) + 1);
  blob->len = 500;
  EXPECT_FALSE(EventView::Parse(Bytes(words)).ok());
}

TEST(EventViewTest, RejectsShortAndWrongVersion) {
  auto words = MakeEvent("x");
  EXPECT_FALSE(EventView::Parse(Bytes(words).subspan(0, 40)).ok());
  reinterpret_cast<saker_event*>(words.data())->hdr.version = 99;
  EXPECT_FALSE(EventView::Parse(Bytes(words)).ok());
}

TEST(EventViewTest, RejectsSizeLargerThanBuffer) {
  auto words = MakeEvent("x");
  reinterpret_cast<saker_event*>(words.data())->hdr.size += 8;
  EXPECT_FALSE(EventView::Parse(Bytes(words)).ok());
}

}  // namespace
}  // namespace saker
