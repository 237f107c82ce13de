// StateUpdater: process events (clone, execve, procexit, credentials...).
#include "server/state/updater.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <linux/prctl.h>
#include <signal.h>
#include <sched.h>

#include "server/state/testing/event_builder.h"

namespace saker::state {
namespace {

using testing::EventBuilder;
using testing::OwnedEvent;

class UpdaterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    capture::ProcSnapshot s;
    capture::ProcessInfo init;
    init.pid = 1;
    init.comm = "systemd";
    init.cwd = "/";
    capture::ProcessInfo bash;
    bash.pid = 100;
    bash.ppid = 1;
    bash.comm = "bash";
    bash.exepath = "/usr/bin/bash";
    bash.argv = {"-bash"};
    bash.cwd = "/home/alice";
    bash.creds.uid = bash.creds.euid = 1000;
    capture::FdInfo f;
    f.fd = 0;
    f.type = capture::FdType::kFile;
    f.target = "/dev/pts/0";
    bash.fds = {f};
    s.processes = {init, bash};
    table_.Seed(s);
  }

  const EventContext& Apply(const OwnedEvent& ev) { return updater_.Apply(++num_, ev.view()); }

  ProcessTable table_;
  StateUpdater updater_{&table_};
  uint64_t num_ = 0;
};

TEST_F(UpdaterTest, ForkParentSideCreatesChildInheritingEverything) {
  OwnedEvent fork = EventBuilder(SAKER_SYS_clone).Thread(100, 100, 1).Arg(0, SIGCHLD)
                        .Ret(200).Creds(1000, 1000, 1000, 1000).Ts(5000).Build();
  Apply(fork);
  const ProcessState* child = table_.FindProcess(200);
  ASSERT_NE(child, nullptr);
  EXPECT_EQ(child->ppid, 100u);
  EXPECT_EQ(child->comm, "bash");
  EXPECT_EQ(child->exepath, "/usr/bin/bash");
  EXPECT_EQ(child->cwd, "/home/alice");
  EXPECT_EQ(child->start_ts_ns, 5000u);
  ASSERT_NE(child->FindFd(0), nullptr);
  EXPECT_EQ(child->FindFd(0)->name, "/dev/pts/0");
  EXPECT_EQ(table_.FindThread(200)->creds.euid, 1000u);
  // The child's own return finds it.
  const EventContext& c = Apply(EventBuilder(SAKER_SYS_clone).Thread(200, 200, 100).Ret(0).Build());
  EXPECT_EQ(c.process, child);
  EXPECT_EQ(updater_.stats().lazy_threads, 0u);
}

TEST_F(UpdaterTest, ChildSideFirstAndThreads) {
  const EventContext& c =
      Apply(EventBuilder(SAKER_SYS_fork).Thread(300, 300, 100).Ret(0).Ts(7000).Build());
  EXPECT_EQ(c.process->pid, 300u);
  EXPECT_EQ(c.process->ppid, 100u);
  EXPECT_EQ(c.process->comm, "bash");
  EXPECT_EQ(updater_.stats().clones_child_first, 1u);
  // The parent's late return does not replace it.
  Apply(EventBuilder(SAKER_SYS_fork).Thread(100, 100, 1).Ret(300).Build());
  EXPECT_EQ(table_.FindProcess(300)->start_ts_ns, 7000u);
  // A thread shares its process.
  Apply(EventBuilder(SAKER_SYS_clone).Thread(100, 100, 1)
            .Arg(0, CLONE_VM | CLONE_THREAD | CLONE_SIGHAND | CLONE_FILES).Ret(101).Build());
  ASSERT_NE(table_.FindThread(101), nullptr);
  EXPECT_EQ(table_.FindThread(101)->process, table_.FindProcess(100));
}

TEST_F(UpdaterTest, ExecveReplacesTheProgram) {
  Apply(EventBuilder(SAKER_SYS_fork).Thread(100, 100, 1).Ret(200).Build());
  Apply(EventBuilder(SAKER_SYS_openat).Thread(200, 200, 100).Ret(3).Arg(0, AT_FDCWD)
            .Arg(2, O_RDONLY | O_CLOEXEC).Str(1, "/etc/passwd").Build());
  Apply(EventBuilder(SAKER_SYS_openat).Thread(200, 200, 100).Ret(4).Arg(0, AT_FDCWD)
            .Arg(2, O_RDONLY).Str(1, "/etc/hosts").Build());
  saker_exec_info info{};
  info.cap_permitted = 0x3;
  info.tty = 34817;
  info.loginuid = 1000;
  info.exe_flags = SAKER_EXE_UPPER_LAYER;
  info.sid = 100;
  const EventContext& c =
      Apply(EventBuilder(SAKER_SYS_execve).Thread(200, 200, 100).Ret(0).Comm("curl")
                .StrList(SAKER_PARAM_ARGV, {"curl", "-s", "http://x"})
                .StrList(SAKER_PARAM_ENV, {"A=1"}).Str(SAKER_PARAM_EXEPATH, "/usr/bin/curl")
                .Str(SAKER_PARAM_CWD, "/tmp")
                .Str(SAKER_PARAM_CGROUP, "/system.slice/crio-3ad7b26ded6d8e7b23da7d48fe889434573036c27ae5a74837233de441c3601e.scope")
                .ExecInfo(info).Build());
  const ProcessState& p = *c.process;
  EXPECT_EQ(p.comm, "curl");
  EXPECT_EQ(p.argv, std::string("curl\0-s\0http://x", 16));
  EXPECT_EQ(p.env, "A=1");
  EXPECT_EQ(p.exepath, "/usr/bin/curl");
  EXPECT_EQ(p.cwd, "/tmp");
  EXPECT_EQ(p.container_id, "3ad7b26ded6d");
  EXPECT_EQ(p.container_runtime, ContainerRuntime::kCrio);
  EXPECT_EQ(p.tty, 34817u);
  EXPECT_EQ(p.exe_flags, static_cast<uint32_t>(SAKER_EXE_UPPER_LAYER));
  EXPECT_EQ(c.thread->creds.cap_permitted, 0x3u);
  EXPECT_EQ(p.FindFd(3), nullptr) << "close-on-exec fd survived";
  EXPECT_NE(p.FindFd(4), nullptr);
  // A failed execve changes nothing.
  Apply(EventBuilder(SAKER_SYS_execve).Thread(200, 200, 100).Ret(-2).Comm("curl").Build());
  EXPECT_EQ(table_.FindProcess(200)->comm, "curl");
}

TEST_F(UpdaterTest, ProcexitIsDeferredAndReparents) {
  Apply(EventBuilder(SAKER_SYS_fork).Thread(100, 100, 1).Ret(200).Build());
  Apply(EventBuilder(SAKER_SYS_fork).Thread(200, 200, 100).Ret(300).Build());
  ASSERT_EQ(table_.FindProcess(300)->ppid, 200u);
  const EventContext& c = Apply(EventBuilder::Procexit(true).Thread(200, 200, 100).Build());
  EXPECT_EQ(c.process->pid, 200u) << "procexit still describes the exiting process";
  ASSERT_NE(table_.FindProcess(200), nullptr);
  Apply(EventBuilder(SAKER_SYS_close).Thread(100, 100, 1).Ret(-9).Arg(0, 55).Build());
  EXPECT_EQ(table_.FindProcess(200), nullptr);
  EXPECT_EQ(table_.FindProcess(300)->ppid, 1u);
}

TEST_F(UpdaterTest, SubreaperViaPrctl) {
  Apply(EventBuilder(SAKER_SYS_prctl).Thread(100, 100, 1).Ret(0)
            .Arg(0, PR_SET_CHILD_SUBREAPER).Arg(1, 1).Build());
  Apply(EventBuilder(SAKER_SYS_fork).Thread(100, 100, 1).Ret(200).Build());
  Apply(EventBuilder(SAKER_SYS_fork).Thread(200, 200, 100).Ret(300).Build());
  Apply(EventBuilder::Procexit(true).Thread(200, 200, 100).Build());
  Apply(EventBuilder(SAKER_SYS_close).Thread(100, 100, 1).Ret(-9).Build());
  EXPECT_EQ(table_.FindProcess(300)->ppid, 100u);
}

TEST_F(UpdaterTest, LazyFromHeaderAndCredentials) {
  const EventContext& c = Apply(EventBuilder(SAKER_SYS_setuid).Thread(777, 776, 1).Comm("nginx")
                                    .Creds(33, 33, 33, 33).Ret(0).Arg(0, 33).Build());
  EXPECT_EQ(c.thread->tid, 777u);
  EXPECT_EQ(c.process->pid, 776u);
  EXPECT_EQ(c.process->comm, "nginx");
  EXPECT_TRUE(c.process->incomplete);
  EXPECT_EQ(c.thread->creds.euid, 33u);
  EXPECT_EQ(updater_.stats().lazy_threads, 1u);
  Apply(EventBuilder(SAKER_SYS_capset).Thread(777, 776, 1).Ret(0)
            .U64(SAKER_PARAM_CAP_PERMITTED, 0x5).U64(SAKER_PARAM_CAP_EFFECTIVE, 0x1).Build());
  EXPECT_EQ(table_.FindThread(777)->creds.cap_permitted, 0x5u);
  EXPECT_EQ(table_.FindThread(777)->creds.cap_effective, 0x1u);
}

TEST_F(UpdaterTest, ReparentingSeenInTheHeader) {
  Apply(EventBuilder(SAKER_SYS_fork).Thread(100, 100, 1).Ret(200).Build());
  Apply(EventBuilder(SAKER_SYS_close).Thread(200, 200, 1).Ret(0).Arg(0, 9).Build());
  EXPECT_EQ(table_.FindProcess(200)->ppid, 1u);
}

TEST_F(UpdaterTest, ChdirAndFchdir) {
  Apply(EventBuilder(SAKER_SYS_chdir).Thread(100, 100, 1).Ret(0).Str(0, "../bob/./src").Build());
  EXPECT_EQ(table_.FindProcess(100)->cwd, "/home/bob/src");
  Apply(EventBuilder(SAKER_SYS_open).Thread(100, 100, 1).Ret(5).Arg(1, O_DIRECTORY)
            .Str(0, "/var/log").Build());
  Apply(EventBuilder(SAKER_SYS_fchdir).Thread(100, 100, 1).Ret(0).Arg(0, 5).Build());
  EXPECT_EQ(table_.FindProcess(100)->cwd, "/var/log");
}

}  // namespace
}  // namespace saker::state
