// StateUpdater: file and socket events.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <cerrno>

#include "server/state/testing/event_builder.h"
#include "server/state/updater.h"

namespace saker::state {
namespace {

using testing::EventBuilder;
using testing::OwnedEvent;

class UpdaterFdTest : public ::testing::Test {
 protected:
  void SetUp() override {
    capture::ProcSnapshot s;
    capture::ProcessInfo p;
    p.pid = 100;
    p.ppid = 1;
    p.comm = "app";
    p.cwd = "/srv/app";
    s.processes = {p};
    table_.Seed(s);
  }
  const EventContext& Apply(const OwnedEvent& ev) { return updater_.Apply(++num_, ev.view()); }
  EventBuilder Ev(uint16_t sc) { return std::move(EventBuilder(sc).Thread(100, 100, 1)); }
  const ProcessState& proc() { return *table_.FindProcess(100); }
  std::string Name(int fd) {
    std::string s;
    AppendFdName(*proc().FindFd(fd), &s);
    return s;
  }

  ProcessTable table_;
  StateUpdater updater_{&table_};
  uint64_t num_ = 0;
};

TEST_F(UpdaterFdTest, OpenResolvesAgainstCwdAndDirfd) {
  const EventContext& c = Apply(Ev(SAKER_SYS_openat).Ret(3).Arg(0, AT_FDCWD)
                                    .Arg(2, O_RDONLY | O_DIRECTORY).Str(1, "conf").Build());
  EXPECT_EQ(c.fd_num, 3);
  ASSERT_NE(c.fd, nullptr);
  EXPECT_EQ(c.fd->name, "/srv/app/conf");
  EXPECT_EQ(c.fd->type, FdType::kDirectory);
  const EventContext& d = Apply(Ev(SAKER_SYS_openat).Ret(4).Arg(0, 3).Arg(2, O_WRONLY | O_CREAT)
                                    .Str(1, "../x/../app.yaml").Build());
  EXPECT_EQ(d.fd->name, "/srv/app/app.yaml");
  EXPECT_EQ(d.fd->nameraw, "../x/../app.yaml");
  EXPECT_EQ(proc().FindFd(4)->open_flags, static_cast<uint32_t>(O_WRONLY | O_CREAT));
  Apply(Ev(SAKER_SYS_open).Ret(5).Arg(1, O_RDONLY).Str(0, "/etc/../etc/hosts").Build());
  EXPECT_EQ(Name(5), "/etc/hosts");
  Apply(Ev(SAKER_SYS_creat).Ret(6).Str(0, "out.log").Build());
  EXPECT_EQ(Name(6), "/srv/app/out.log");
  Apply(Ev(SAKER_SYS_openat2).Ret(7).Arg(0, AT_FDCWD).Str(1, "b").U64(2, O_RDWR).Build());
  EXPECT_EQ(Name(7), "/srv/app/b");
}

TEST_F(UpdaterFdTest, FailedOpenDescribesThePathWithoutAnFd) {
  const EventContext& c = Apply(Ev(SAKER_SYS_openat).Ret(-ENOENT).Arg(0, AT_FDCWD)
                                    .Str(1, "missing").Build());
  EXPECT_EQ(c.fd_num, -1);
  ASSERT_NE(c.fd, nullptr);
  EXPECT_EQ(c.fd->name, "/srv/app/missing");
  EXPECT_TRUE(proc().fds.empty());
}

TEST_F(UpdaterFdTest, CloseIsDeferredToTheNextEvent) {
  Apply(Ev(SAKER_SYS_open).Ret(3).Str(0, "/a").Build());
  const EventContext& c = Apply(Ev(SAKER_SYS_close).Ret(0).Arg(0, 3).Build());
  ASSERT_NE(c.fd, nullptr);
  EXPECT_EQ(c.fd->name, "/a");
  Apply(Ev(SAKER_SYS_close).Ret(-EBADF).Arg(0, 99).Build());
  EXPECT_EQ(proc().FindFd(3), nullptr);
}

TEST_F(UpdaterFdTest, DupFamily) {
  Apply(Ev(SAKER_SYS_open).Ret(3).Str(0, "/a").Build());
  const EventContext& c = Apply(Ev(SAKER_SYS_dup2).Ret(1).Arg(0, 3).Arg(1, 1).Build());
  EXPECT_EQ(c.fd_num, 3);
  EXPECT_EQ(Name(1), "/a");
  Apply(Ev(SAKER_SYS_dup).Ret(8).Arg(0, 3).Build());
  EXPECT_EQ(Name(8), "/a");
  Apply(Ev(SAKER_SYS_dup3).Ret(9).Arg(0, 3).Arg(1, 9).Arg(2, O_CLOEXEC).Build());
  EXPECT_TRUE(proc().FindFd(9)->cloexec);
  Apply(Ev(SAKER_SYS_fcntl).Ret(10).Arg(0, 3).Arg(1, F_DUPFD_CLOEXEC).Build());
  EXPECT_EQ(Name(10), "/a");
  Apply(Ev(SAKER_SYS_fcntl).Ret(0).Arg(0, 3).Arg(1, F_SETFL).Build());
  EXPECT_EQ(proc().FindFd(0), nullptr);
}

TEST_F(UpdaterFdTest, PipesSocketpairsMemfds) {
  Apply(Ev(SAKER_SYS_pipe2).Ret(0).FdPair(0, 3, 4).Arg(1, O_CLOEXEC).Build());
  EXPECT_EQ(proc().FindFd(3)->type, FdType::kPipe);
  EXPECT_TRUE(proc().FindFd(4)->cloexec);
  Apply(Ev(SAKER_SYS_socketpair).Ret(0).Arg(0, AF_UNIX).Arg(1, SOCK_STREAM).FdPair(3, 5, 6).Build());
  EXPECT_EQ(proc().FindFd(6)->type, FdType::kUnix);
  const EventContext& m = Apply(Ev(SAKER_SYS_memfd_create).Ret(7).Str(0, "payload").Build());
  EXPECT_EQ(m.fd->type, FdType::kMemfd);
  EXPECT_EQ(m.fd->name, "memfd:payload");
}

TEST_F(UpdaterFdTest, ClientSocketConnect) {
  Apply(Ev(SAKER_SYS_socket).Ret(3).Arg(0, AF_INET).Arg(1, SOCK_STREAM).Arg(2, 0).Build());
  EXPECT_EQ(proc().FindFd(3)->l4proto, L4Proto::kTcp);
  const EventContext& c = Apply(Ev(SAKER_SYS_connect).Ret(-EINPROGRESS).Arg(0, 3)
                                    .Tuple("10.0.0.5", 51000, "1.2.3.4", 443)
                                    .Sockaddr4(1, "1.2.3.4", 443).Build());
  ASSERT_NE(c.fd, nullptr);
  EXPECT_TRUE(c.fd_name_changed);
  EXPECT_FALSE(c.fd->is_server);
  EXPECT_EQ(Name(3), "10.0.0.5:51000->1.2.3.4:443");
}

TEST_F(UpdaterFdTest, ServerSocketBindListenAccept) {
  Apply(Ev(SAKER_SYS_socket).Ret(3).Arg(0, AF_INET6).Arg(1, SOCK_STREAM).Build());
  Apply(Ev(SAKER_SYS_bind).Ret(0).Arg(0, 3).Sockaddr4(1, "0.0.0.0", 8080).Build());
  Apply(Ev(SAKER_SYS_listen).Ret(0).Arg(0, 3).Build());
  EXPECT_TRUE(proc().FindFd(3)->is_server);
  const EventContext& c = Apply(Ev(SAKER_SYS_accept4).Ret(4).Arg(3, SOCK_CLOEXEC)
                                    .Tuple("10.0.0.5", 8080, "10.0.0.9", 40000).Build());
  EXPECT_EQ(c.fd_num, 4);
  EXPECT_TRUE(c.fd->is_server);
  EXPECT_TRUE(c.fd->cloexec);
  EXPECT_EQ(Name(4), "10.0.0.9:40000->10.0.0.5:8080");
}

TEST_F(UpdaterFdTest, UnixConnectAndUdpSendto) {
  Apply(Ev(SAKER_SYS_socket).Ret(3).Arg(0, AF_UNIX).Arg(1, SOCK_STREAM).Build());
  Apply(Ev(SAKER_SYS_connect).Ret(0).Arg(0, 3).UnixTuple("/run/docker.sock")
            .SockaddrUnix(1, "/run/docker.sock").Build());
  EXPECT_EQ(Name(3), "/run/docker.sock");
  Apply(Ev(SAKER_SYS_socket).Ret(4).Arg(0, AF_INET).Arg(1, SOCK_DGRAM).Build());
  const EventContext& a = Apply(Ev(SAKER_SYS_sendto).Ret(10).Arg(0, 4)
                                    .Tuple("0.0.0.0", 5353, "0.0.0.0", 0, 17)
                                    .Sockaddr4(4, "8.8.8.8", 53).Build());
  EXPECT_TRUE(a.fd_name_changed);
  EXPECT_FALSE(a.fd->connected);
  EXPECT_EQ(Name(4), "0.0.0.0:5353->8.8.8.8:53");
  const EventContext& b = Apply(Ev(SAKER_SYS_sendto).Ret(10).Arg(0, 4)
                                    .Tuple("0.0.0.0", 5353, "0.0.0.0", 0, 17)
                                    .Sockaddr4(4, "8.8.8.8", 53).Build());
  EXPECT_FALSE(b.fd_name_changed);
}

TEST_F(UpdaterFdTest, RenameOfAnOpenFile) {
  Apply(Ev(SAKER_SYS_open).Ret(3).Str(0, "data/a.tmp").Build());
  Apply(Ev(SAKER_SYS_open).Ret(4).Str(0, "data/dir/b").Build());
  Apply(Ev(SAKER_SYS_renameat2).Ret(0).Arg(0, AT_FDCWD).Str(1, "data/a.tmp").Arg(2, AT_FDCWD)
            .Str(3, "data/a").Build());
  EXPECT_EQ(Name(3), "/srv/app/data/a");
  Apply(Ev(SAKER_SYS_rename).Ret(0).Str(0, "/srv/app/data/dir").Str(1, "/srv/app/data/d2").Build());
  EXPECT_EQ(Name(4), "/srv/app/data/d2/b");
}

}  // namespace
}  // namespace saker::state
