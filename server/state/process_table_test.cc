#include "server/state/process_table.h"

#include <gtest/gtest.h>
#include <sys/socket.h>

namespace saker::state {
namespace {

capture::ProcessInfo Proc(uint32_t pid, uint32_t ppid, const std::string& comm) {
  capture::ProcessInfo p;
  p.pid = pid;
  p.ppid = ppid;
  p.comm = comm;
  p.exe = p.exepath = "/usr/bin/" + comm;
  p.argv = {comm, "-x"};
  p.env = {"HOME=/root", "PATH=/bin"};
  p.cwd = "/root";
  p.tty = 34816;
  p.loginuid = 1000;
  p.session = pid;
  p.creds.uid = p.creds.euid = 1000;
  p.creds.cap_permitted = 1ull << 21;
  capture::ThreadInfo t;
  t.tid = pid;
  t.creds = p.creds;
  p.threads.push_back(t);
  return p;
}

capture::ProcSnapshot Snapshot() {
  capture::ProcSnapshot s;
  s.processes.push_back(Proc(1, 0, "systemd"));
  s.processes.push_back(Proc(100, 1, "sshd"));
  s.processes.push_back(Proc(200, 100, "bash"));
  capture::ProcessInfo curl = Proc(300, 200, "curl");
  curl.cgroups = {"0::/system.slice/docker-3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e.scope"};
  capture::ThreadInfo t2;
  t2.tid = 301;
  curl.threads.push_back(t2);
  capture::FdInfo file;
  file.fd = 3;
  file.type = capture::FdType::kFile;
  file.target = "/etc/hosts";
  capture::FdInfo sock;
  sock.fd = 4;
  sock.type = capture::FdType::kSocket;
  sock.has_tuple = true;
  sock.tuple.family = AF_INET;
  sock.tuple.proto = 6;
  sock.tuple.saddr = std::string("\x0a\x00\x00\x01", 4);
  sock.tuple.daddr = std::string("\x5d\xb8\xd8\x22", 4);
  sock.tuple.sport = 40000;
  sock.tuple.dport = 443;
  sock.tuple.state = 1;
  capture::FdInfo pipe;
  pipe.fd = 5;
  pipe.type = capture::FdType::kPipe;
  pipe.target = "pipe:[123]";
  curl.fds = {file, sock, pipe};
  s.processes.push_back(curl);
  return s;
}

TEST(ProcessTableTest, SeedsEveryProcessThreadAndFd) {
  ProcessTable t;
  t.Seed(Snapshot());
  EXPECT_EQ(t.process_count(), 4u);
  EXPECT_EQ(t.thread_count(), 5u);
  const ProcessState* curl = t.FindProcess(300);
  ASSERT_NE(curl, nullptr);
  EXPECT_EQ(curl->comm, "curl");
  EXPECT_EQ(curl->exe(), "curl");
  EXPECT_EQ(curl->exepath, "/usr/bin/curl");
  EXPECT_EQ(curl->argv, std::string("curl\0-x", 7));
  EXPECT_EQ(curl->cwd, "/root");
  EXPECT_EQ(curl->tty, 34816u);
  EXPECT_EQ(curl->loginuid, 1000u);
  EXPECT_EQ(curl->container_id, "3ad7b26ded6d");
  EXPECT_EQ(curl->container_runtime, ContainerRuntime::kDocker);
  ASSERT_EQ(curl->fds.size(), 3u);
  EXPECT_EQ(curl->FindFd(3)->type, FdType::kFile);
  EXPECT_EQ(curl->FindFd(3)->name, "/etc/hosts");
  const FdEntry* s = curl->FindFd(4);
  EXPECT_EQ(s->type, FdType::kIpv4);
  EXPECT_FALSE(s->is_server);
  EXPECT_TRUE(s->connected);
  std::string name;
  AppendFdName(*s, &name);
  EXPECT_EQ(name, "10.0.0.1:40000->93.184.216.34:443");
  EXPECT_EQ(curl->FindFd(5)->type, FdType::kPipe);
  ASSERT_NE(t.FindThread(301), nullptr);
  EXPECT_EQ(t.FindThread(301)->process, curl);
  EXPECT_EQ(t.FindThread(300)->creds.cap_permitted, 1ull << 21);
}

TEST(ProcessTableTest, AncestorsAtAnyDepth) {
  ProcessTable t;
  t.Seed(Snapshot());
  const ProcessState& curl = *t.FindProcess(300);
  EXPECT_EQ(t.Ancestor(curl, 0)->comm, "curl");
  EXPECT_EQ(t.Ancestor(curl, 1)->comm, "bash");
  EXPECT_EQ(t.Ancestor(curl, 2)->comm, "sshd");
  EXPECT_EQ(t.Ancestor(curl, 3)->comm, "systemd");
  EXPECT_EQ(t.Ancestor(curl, 4), nullptr);
}

TEST(ProcessTableTest, ExitReparentsToSubreaperOrInit) {
  ProcessTable t;
  t.Seed(Snapshot());
  t.RemoveProcess(200);  // bash exits: curl goes to init
  EXPECT_EQ(t.FindProcess(300)->ppid, 1u);
  EXPECT_EQ(t.FindThread(200), nullptr);

  ProcessTable t2;
  t2.Seed(Snapshot());
  t2.FindProcess(100)->is_subreaper = true;
  t2.RemoveProcess(200);  // ... or to the nearest subreaper ancestor
  EXPECT_EQ(t2.FindProcess(300)->ppid, 100u);
}

TEST(ProcessTableTest, LastThreadTakesTheProcess) {
  ProcessTable t;
  t.Seed(Snapshot());
  t.RemoveThread(300);
  ASSERT_NE(t.FindProcess(300), nullptr);  // 301 still runs
  t.RemoveThread(301);
  EXPECT_EQ(t.FindProcess(300), nullptr);
}

TEST(ProcessTableTest, BoundedByEvictingLeastRecentlySeen) {
  TableOptions opts;
  opts.max_threads = 64;
  ProcessTable t(opts);
  for (uint32_t pid = 1000; pid < 1200; ++pid) {
    ProcessState* p = t.AddProcess(pid, 1);
    ThreadState* th = t.AddThread(pid, p);
    th->last_seen_ns = pid;
  }
  EXPECT_LE(t.thread_count(), 64u);
  EXPECT_GT(t.stats().threads_evicted, 0u);
  EXPECT_NE(t.FindThread(1199), nullptr);  // the newest survive
  EXPECT_EQ(t.FindThread(1000), nullptr);
  EXPECT_EQ(t.process_count(), t.thread_count());
}

}  // namespace
}  // namespace saker::state
