#include "server/capture/synthetic_events.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace saker::capture {

void EventBuffer::Add(saker_event_header hdr, const uint64_t (&args)[6],
                      const std::vector<BlobSpec>& blobs) {
  size_t size = sizeof(saker_event);
  for (const BlobSpec& b : blobs) {
    size += sizeof(saker_blob) + EventView::Padded(b.data.size());
  }
  hdr.version = SAKER_WIRE_VERSION;
  hdr.size = static_cast<uint32_t>(size);
  hdr.nblobs = static_cast<uint16_t>(blobs.size());
  size_t start = words_.size() * 8;
  words_.resize(words_.size() + size / 8, 0);
  auto* p = reinterpret_cast<uint8_t*>(words_.data()) + start;
  std::memcpy(p, &hdr, sizeof(hdr));
  std::memcpy(p + sizeof(hdr), args, sizeof(args));
  size_t off = sizeof(saker_event);
  for (const BlobSpec& b : blobs) {
    saker_blob blob = {b.param, b.type, static_cast<uint16_t>(b.data.size()), b.flags};
    std::memcpy(p + off, &blob, sizeof(blob));
    std::memcpy(p + off + sizeof(blob), b.data.data(), b.data.size());
    off += sizeof(blob) + EventView::Padded(b.data.size());
  }
  offsets_.push_back(start);
}

void EventBuffer::AddRealistic(uint64_t seed) {
  // splitmix64: a cheap, well-mixed function of the seed.
  auto next = [&seed]() {
    uint64_t z = (seed += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  };
  static constexpr const char* kComms[] = {"nginx", "bash", "python3", "containerd", "sshd"};
  static constexpr const char* kDirs[] = {"/etc/", "/usr/lib/x86_64-linux-gnu/", "/var/log/",
                                          "/proc/self/", "/home/user/projects/saker/"};
  uint64_t r = next();
  saker_event_header h = {};
  h.kind = SAKER_EVENT_SYSCALL;
  h.ts_ns = 1000000000ull + (r & 0xffffff);
  h.pid = 1000 + static_cast<uint32_t>(r % 5);
  h.tid = h.pid + static_cast<uint32_t>((r >> 8) % 3);
  h.ppid = 1;
  h.cpu = static_cast<uint32_t>((r >> 12) % 2);
  h.cgroup_id = 4242;
  std::strncpy(h.comm, kComms[r % 5], sizeof(h.comm));
  uint64_t args[6] = {r, r >> 1, 0, 0, 0, 0};
  std::string path = absl::StrCat(kDirs[(r >> 16) % 5], "file-", next() % 100000);
  path.resize(path.size() + (r >> 20) % 160, 'x');  // 150..400 bytes in all
  std::vector<BlobSpec> blobs;
  switch ((r >> 32) % 8) {
    case 0: {  // execve: path, argv
      h.syscall = SAKER_SYS_execve;
      blobs.push_back({0, SAKER_BLOB_STR, path, 0});
      blobs.push_back({1, SAKER_BLOB_STRLIST, std::string("ls\0-la\0/tmp", 11), 0});
      break;
    }
    case 1: {  // connect: sockaddr and tuple
      h.syscall = SAKER_SYS_connect;
      saker_tuple t = {};
      t.family = AF_INET;
      t.sport = 40000;
      t.dport = 443;
      t.proto = IPPROTO_TCP;
      blobs.push_back({1, SAKER_BLOB_SOCKADDR, std::string(16, '\x02'), 0});
      blobs.push_back({1, SAKER_BLOB_TUPLE, std::string(reinterpret_cast<char*>(&t), sizeof(t)), 0});
      break;
    }
    case 2:  // procexit: no blobs
      h.kind = SAKER_EVENT_PROCEXIT;
      args[0] = r % 256;
      break;
    default:  // openat: the common case
      h.syscall = SAKER_SYS_openat;
      h.ret = static_cast<int64_t>(r % 64);
      blobs.push_back({1, SAKER_BLOB_STR, path, (r & 1) ? uint16_t{0} : uint16_t{SAKER_BLOB_TRUNCATED}});
      break;
  }
  Add(h, args, blobs);
}

absl::Span<const uint8_t> EventBuffer::bytes() const {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(words_.data()), words_.size() * 8);
}

absl::Span<const uint8_t> EventBuffer::event(size_t i) const {
  absl::Span<const uint8_t> all = bytes();
  size_t end = i + 1 < offsets_.size() ? offsets_[i + 1] : all.size();
  return all.subspan(offsets_[i], end - offsets_[i]);
}

std::vector<EventView> EventBuffer::Views() const {
  std::vector<EventView> out;
  out.reserve(count());
  for (size_t i = 0; i < count(); ++i) {
    absl::StatusOr<EventView> v = EventView::Parse(event(i));
    if (!v.ok()) {
      std::abort();  // Add() only builds well-formed events
    }
    out.push_back(*v);
  }
  return out;
}

}  // namespace saker::capture
