#include "server/capture/test_util.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

#include "gtest/gtest.h"
#include "server/capture/codec.h"
#include "server/capture/writer.h"

namespace saker::capture {

std::string TempPath(const std::string& name) {
  const char* dir = std::getenv("TEST_TMPDIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/" + name;
}

CaptureHeader SampleHeader() {
  CaptureHeader h;
  h.hostname = "host-1.example";
  h.machine = "x86_64";
  h.kernel_release = "6.1.0-18-amd64";
  h.kernel_version = "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1";
  h.boot_time_ns = 1700000000123456789;
  h.start_time_ns = 1700000100987654321;
  h.snapshot.taken_at_ns = 99000000000;
  for (uint32_t pid : {1u, 742u, 70000u}) {
    ProcessInfo p;
    p.pid = pid;
    p.ppid = pid == 1 ? 0 : 1;
    p.vpid = pid % 100;
    p.pgid = pid;
    p.session = pid;
    p.tty = 34816;
    p.loginuid = 1000;
    p.flags = kExeDeleted | kEnvTruncated;
    p.comm = "proc" + std::to_string(pid);
    p.exe = "/usr/bin/thing (deleted)";
    p.exepath = "/usr/bin/thing";
    p.argv = {"thing", "--flag", "", "last arg"};
    p.env = {"PATH=/usr/bin", "HOME=/root"};
    p.cwd = "/var/lib";
    p.creds = {1000, 1001, 0, 1002, 0, 0x1ffffffffffull, 0xa80425fbull};
    p.cgroups = {"0::/system.slice/thing.service"};
    p.start_time_ns = 123450000000ull * pid;
    p.exe_ino = 0xfedcba9876543210ull;
    p.exe_ctime_ns = 1690000000000000001ull;
    p.exe_mtime_ns = 1690000000000000002ull;
    p.threads.push_back({pid, p.vpid, p.comm, p.start_time_ns, p.creds});
    p.threads.push_back({pid + 1, p.vpid + 1, "worker", p.start_time_ns + 5, {}});
    FdInfo file;
    file.fd = 3;
    file.type = FdType::kFile;
    file.target = "/var/log/thing.log";
    file.ino = 77;
    FdInfo sock;
    sock.fd = 4;
    sock.type = FdType::kSocket;
    sock.target = "socket:[12345]";
    sock.ino = 12345;
    sock.has_tuple = true;
    sock.tuple.family = AF_INET6;
    sock.tuple.proto = IPPROTO_TCP;
    sock.tuple.sport = 8080;
    sock.tuple.dport = 51234;
    sock.tuple.saddr = std::string(16, '\x01');
    sock.tuple.daddr = std::string(16, '\xfe');
    sock.tuple.state = 1;
    FdInfo unix_sock = sock;
    unix_sock.fd = 5;
    unix_sock.tuple = {};
    unix_sock.tuple.family = AF_UNIX;
    unix_sock.tuple.unix_path = "@/abstract name";
    FdInfo ev;
    ev.fd = 6;
    ev.type = FdType::kEventfd;
    ev.target = "anon_inode:[eventfd]";
    p.fds = {file, sock, unix_sock, ev};
    h.snapshot.processes.push_back(std::move(p));
  }
  return h;
}

EventBuffer SampleEvents(size_t n) {
  EventBuffer buf;
  for (size_t i = 0; i < n; ++i) {
    saker_event_header h = {};
    h.kind = i % 7 == 0 ? SAKER_EVENT_PROCEXIT : SAKER_EVENT_SYSCALL;
    h.syscall = h.kind == SAKER_EVENT_SYSCALL ? SAKER_SYS_openat : 0;
    h.ts_ns = 1000 + i;
    h.tid = static_cast<uint32_t>(100 + i);
    h.pid = 100;
    h.ret = -static_cast<int64_t>(i % 5);
    // "evt<i>", cut to a comm's 15 characters; h = {} left it NUL-padded.
    std::string comm = ("evt" + std::to_string(i)).substr(0, sizeof(h.comm) - 1);
    std::memcpy(h.comm, comm.data(), comm.size());
    uint64_t args[6] = {i, ~i, 0, 1, 2, 3};
    std::vector<BlobSpec> blobs;
    switch (i % 5) {
      case 0:
        break;  // no blobs
      case 1:
        blobs.push_back({1, SAKER_BLOB_STR, "", 0});
        break;
      case 2:
        blobs.push_back({1, SAKER_BLOB_STR, std::string(1 + i % 8, 'a' + i % 26), 0});
        blobs.push_back({2, SAKER_BLOB_BYTES, std::string(i % 64, '\0'), SAKER_BLOB_TRUNCATED});
        break;
      case 3:
        blobs.push_back({0, SAKER_BLOB_STRLIST, std::string("a\0bb\0ccc", 8), 0});
        break;
      case 4:
        blobs.push_back({1, SAKER_BLOB_STR, std::string(i % 23 == 4 ? 30000 : 300, 'p'), 0});
        break;
    }
    buf.Add(h, args, blobs);
  }
  return buf;
}

std::string WriteCapture(const std::string& path, const CaptureHeader& header,
                         const EventBuffer& events, size_t block_bytes, bool close) {
  CaptureWriter::Options opts;
  opts.block_bytes = block_bytes;
  absl::StatusOr<std::unique_ptr<CaptureWriter>> w = CaptureWriter::Create(path, header, opts);
  EXPECT_TRUE(w.ok()) << w.status();
  if (!w.ok()) {
    return "";
  }
  for (const EventView& ev : events.Views()) {
    absl::Status st = (*w)->Append(ev);
    EXPECT_TRUE(st.ok()) << st;
  }
  absl::Status st = close ? (*w)->Close() : (*w)->Flush();
  EXPECT_TRUE(st.ok()) << st;
  std::string bytes = ReadFileBytes(path);
  if (!close) {
    // The bytes are the file as a crash would leave it: no trailer. (The
    // writer's destructor adds one to the file on disk afterwards.)
    w->reset();
  }
  return bytes;
}

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<uint64_t> BlockOffsets(const std::string& file) {
  const auto* p = reinterpret_cast<const uint8_t*>(file.data());
  uint64_t off = (kFileHeaderSize + LoadLe32(p + 12) + 7) & ~uint64_t{7};
  std::vector<uint64_t> out;
  while (off + kBlockHeaderSize <= file.size()) {
    out.push_back(off);
    off += kBlockHeaderSize + LoadLe32(p + off + 4);
  }
  return out;
}

}  // namespace saker::capture
