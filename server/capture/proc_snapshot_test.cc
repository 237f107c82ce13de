#include "server/capture/proc_snapshot.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include <atomic>
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace saker::capture {
namespace {

std::string TmpDir() {
  const char* d = std::getenv("TEST_TMPDIR");
  return d != nullptr ? d : "/tmp";
}

const FdInfo* FindFd(const ProcessInfo& p, int fd) {
  for (const FdInfo& f : p.fds) {
    if (f.fd == fd) {
      return &f;
    }
  }
  return nullptr;
}

TEST(ProcSnapshotTest, ContainsThisProcessWithItsFds) {
  std::string path = TmpDir() + "/snapshot-file.txt";
  int file_fd = open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  ASSERT_GE(file_fd, 0);
  int dir_fd = open(TmpDir().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  ASSERT_GE(dir_fd, 0);
  int sock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(sock, 0);
  sockaddr_in addr = {};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(sock, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(sock, 1), 0);
  socklen_t len = sizeof(addr);
  ASSERT_EQ(getsockname(sock, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  int pipe_fds[2];
  ASSERT_EQ(pipe2(pipe_fds, O_CLOEXEC), 0);
  // A second thread, named, that lives through the snapshot.
  std::atomic<bool> done{false};
  std::atomic<pid_t> worker_tid{0};
  std::thread worker([&] {
    prctl(PR_SET_NAME, "snap-worker");
    worker_tid = static_cast<pid_t>(syscall(SYS_gettid));
    while (!done) {
      std::this_thread::yield();
    }
  });
  while (worker_tid == 0) {
    std::this_thread::yield();
  }

  absl::StatusOr<ProcSnapshot> snap = ReadProcSnapshot();
  done = true;
  worker.join();
  ASSERT_TRUE(snap.ok()) << snap.status();
  const ProcessInfo* me = snap->Find(static_cast<uint32_t>(getpid()));
  ASSERT_NE(me, nullptr);

  char comm[17] = {};
  prctl(PR_GET_NAME, comm);
  char cwd[4096];
  ASSERT_NE(getcwd(cwd, sizeof(cwd)), nullptr);
  EXPECT_EQ(me->pid, static_cast<uint32_t>(getpid()));
  EXPECT_EQ(me->ppid, static_cast<uint32_t>(getppid()));
  EXPECT_EQ(me->comm, comm);
  EXPECT_EQ(me->cwd, cwd);
  EXPECT_EQ(me->creds.uid, getuid());
  EXPECT_EQ(me->creds.euid, geteuid());
  EXPECT_EQ(me->creds.gid, getgid());
  EXPECT_EQ(me->pgid, static_cast<uint32_t>(getpgrp()));
  EXPECT_EQ(me->session, static_cast<uint32_t>(getsid(0)));
  EXPECT_GT(me->vpid, 0u);
  EXPECT_GT(me->start_time_ns, 0u);
  EXPECT_FALSE(me->argv.empty());
  EXPECT_FALSE(me->cgroups.empty());
  EXPECT_FALSE(me->exe.empty());
  EXPECT_EQ(me->exe.front(), '/');
  struct stat exe_st;
  ASSERT_EQ(stat("/proc/self/exe", &exe_st), 0);
  EXPECT_EQ(me->exe_ino, exe_st.st_ino);
  EXPECT_GT(me->exe_mtime_ns, 0u);
  EXPECT_EQ(me->flags & kExeMemfd, 0u);
  EXPECT_EQ(me->tty, 0u) << "bazel tests run without a controlling tty";

  // Threads: the main one and the named worker.
  bool saw_main = false;
  bool saw_worker = false;
  for (const ThreadInfo& t : me->threads) {
    saw_main |= t.tid == me->pid && t.comm == me->comm;
    saw_worker |= t.tid == static_cast<uint32_t>(worker_tid.load()) && t.comm == "snap-worker";
  }
  EXPECT_TRUE(saw_main);
  EXPECT_TRUE(saw_worker);

  const FdInfo* f = FindFd(*me, file_fd);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->type, FdType::kFile);
  char real[4096];
  ASSERT_NE(realpath(path.c_str(), real), nullptr);
  EXPECT_EQ(f->target, real);

  const FdInfo* d = FindFd(*me, dir_fd);
  ASSERT_NE(d, nullptr);
  EXPECT_EQ(d->type, FdType::kDir);

  const FdInfo* p = FindFd(*me, pipe_fds[0]);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->type, FdType::kPipe);

  const FdInfo* s = FindFd(*me, sock);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->type, FdType::kSocket);
  struct stat sock_st;
  ASSERT_EQ(fstat(sock, &sock_st), 0);
  EXPECT_EQ(s->ino, sock_st.st_ino);
  EXPECT_EQ(s->target, absl::StrCat("socket:[", sock_st.st_ino, "]"));
  ASSERT_TRUE(s->has_tuple);
  EXPECT_EQ(s->tuple.family, AF_INET);
  EXPECT_EQ(s->tuple.proto, IPPROTO_TCP);
  EXPECT_EQ(s->tuple.sport, ntohs(addr.sin_port));
  EXPECT_EQ(s->tuple.saddr, std::string("\x7f\x00\x00\x01", 4));
  EXPECT_EQ(s->tuple.state, 10u);  // TCP_LISTEN

  close(file_fd);
  close(dir_fd);
  close(sock);
  close(pipe_fds[0]);
  close(pipe_fds[1]);
}

TEST(ProcSnapshotTest, ResolvesUnixSocketsAndEventfds) {
  int sock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(sock, 0);
  // An abstract name: TEST_TMPDIR paths can exceed sun_path.
  std::string name = absl::StrCat("saker-snap-", getpid());
  sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path + 1, name.data(), name.size());
  socklen_t addr_len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  ASSERT_EQ(bind(sock, reinterpret_cast<sockaddr*>(&addr), addr_len), 0);
  int memfd = static_cast<int>(syscall(SYS_memfd_create, "snap-memfd", 0));
  ASSERT_GE(memfd, 0);

  absl::StatusOr<ProcSnapshot> snap = ReadProcSnapshot();
  ASSERT_TRUE(snap.ok()) << snap.status();
  const ProcessInfo* me = snap->Find(static_cast<uint32_t>(getpid()));
  ASSERT_NE(me, nullptr);
  const FdInfo* s = FindFd(*me, sock);
  ASSERT_NE(s, nullptr);
  ASSERT_TRUE(s->has_tuple);
  EXPECT_EQ(s->tuple.family, AF_UNIX);
  EXPECT_EQ(s->tuple.unix_path, "@" + name);
  const FdInfo* m = FindFd(*me, memfd);
  ASSERT_NE(m, nullptr);
  EXPECT_EQ(m->type, FdType::kMemfd);
  close(sock);
  close(memfd);
}

// A fake /proc: a process whose files vanished is skipped, a complete one
// is read, and a missing root is an error.
TEST(ProcSnapshotTest, SkipsVanishedProcesses) {
  std::string root = TmpDir() + "/fakeproc";
  mkdir(root.c_str(), 0700);
  mkdir((root + "/12").c_str(), 0700);  // vanished: no stat
  mkdir((root + "/34").c_str(), 0700);
  mkdir((root + "/self").c_str(), 0700);
  std::ofstream(root + "/34/stat")
      << "34 (a b) c) S 7 34 34 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 250 0 0\n";
  std::ofstream(root + "/34/status")
      << "Name:\tab\nUid:\t1\t2\t3\t4\nGid:\t5\t6\t7\t8\nCapEff:\t00000000000000ff\nNSpid:\t34\t3\n";
  absl::StatusOr<ProcSnapshot> snap = ReadProcSnapshot(root);
  ASSERT_TRUE(snap.ok()) << snap.status();
  ASSERT_EQ(snap->processes.size(), 1u);
  const ProcessInfo& p = snap->processes[0];
  EXPECT_EQ(p.pid, 34u);
  EXPECT_EQ(p.comm, "a b) c");
  EXPECT_EQ(p.ppid, 7u);
  EXPECT_EQ(p.vpid, 3u);
  EXPECT_EQ(p.creds.uid, 1u);
  EXPECT_EQ(p.creds.euid, 2u);
  EXPECT_EQ(p.creds.egid, 6u);
  EXPECT_EQ(p.creds.cap_effective, 0xffu);
  EXPECT_EQ(p.start_time_ns, 250u * (1000000000u / sysconf(_SC_CLK_TCK)));

  EXPECT_FALSE(ReadProcSnapshot(root + "/nonexistent").ok());
}

}  // namespace
}  // namespace saker::capture
