// StateExtractor: fd.* and fs.path.*.
#include "server/state/extract/test_fixture.h"

namespace saker::state {
namespace {

class ExtractorFdTest : public ExtractorFixture {};

TEST_F(ExtractorFdTest, FileFields) {
  Apply(Ev(SAKER_SYS_openat).Ret(5).Arg(0, AT_FDCWD).Arg(2, O_RDONLY).Str(1, "../bob/.ssh/id_rsa")
            .Build());
  EXPECT_EQ(One("fd.num"), "5");
  EXPECT_EQ(One("fd.type"), "file");
  EXPECT_EQ(One("fd.typechar"), "f");
  EXPECT_EQ(One("fd.name"), "/home/bob/.ssh/id_rsa");
  EXPECT_EQ(One("fd.nameraw"), "../bob/.ssh/id_rsa");
  EXPECT_EQ(One("fd.directory"), "/home/bob/.ssh");
  EXPECT_EQ(One("fd.filename"), "id_rsa");
  EXPECT_EQ(One("fd.name_changed"), "false");
  EXPECT_EQ(One("fd.l4proto"), "<NA>");
  EXPECT_EQ(One("fd.sip"), "<NA>");
  EXPECT_EQ(One("fd.containername"), "host:/home/bob/.ssh/id_rsa");
  EXPECT_EQ(One("fs.path.name"), "/home/bob/.ssh/id_rsa");
  EXPECT_EQ(One("fs.path.nameraw"), "../bob/.ssh/id_rsa");
  EXPECT_EQ(One("fs.path.source"), "<NA>");
  EXPECT_EQ(One("fd.types"), "file");
  EXPECT_EQ(One("proc.fdopencount"), "1");
  // Failed: fd.num -1, the path still there (open_file_failed).
  Apply(Ev(SAKER_SYS_open).Ret(-13).Arg(1, O_WRONLY).Str(0, "/etc/shadow").Build());
  EXPECT_EQ(One("fd.num"), "-1");
  EXPECT_EQ(One("fd.typechar"), "f");
  EXPECT_EQ(One("fd.name"), "/etc/shadow");
  EXPECT_EQ(One("evt.res"), "EACCES");
  // No fd at all.
  Apply(Ev(SAKER_SYS_execve).Ret(-2).Str(0, "/x").Build());
  EXPECT_EQ(One("fd.num"), "<NA>");
  EXPECT_EQ(One("fd.name"), "<NA>");
  EXPECT_EQ(One("fd.name_changed"), "<NA>");
}

TEST_F(ExtractorFdTest, ClientSocketFields) {
  Apply(Ev(SAKER_SYS_socket).Ret(3).Arg(0, AF_INET).Arg(1, SOCK_STREAM).Build());
  Apply(Ev(SAKER_SYS_connect).Ret(0).Arg(0, 3).Tuple("10.0.0.5", 51000, "93.184.216.34", 443)
            .Sockaddr4(1, "93.184.216.34", 443).Build());
  EXPECT_EQ(One("fd.num"), "3");
  EXPECT_EQ(One("fd.type"), "ipv4");
  EXPECT_EQ(One("fd.typechar"), "4");
  EXPECT_EQ(One("fd.name"), "10.0.0.5:51000->93.184.216.34:443");
  EXPECT_EQ(One("fd.cip"), "10.0.0.5");
  EXPECT_EQ(One("fd.sip"), "93.184.216.34");
  EXPECT_EQ(One("fd.lip"), "10.0.0.5");
  EXPECT_EQ(One("fd.rip"), "93.184.216.34");
  EXPECT_EQ(One("fd.cport"), "51000");
  EXPECT_EQ(One("fd.sport"), "443");
  EXPECT_EQ(One("fd.lport"), "51000");
  EXPECT_EQ(One("fd.rport"), "443");
  EXPECT_EQ(One("fd.ip"), "10.0.0.5 93.184.216.34");
  EXPECT_EQ(One("fd.port"), "51000 443");
  EXPECT_EQ(One("fd.snet"), "93.184.216.34");
  EXPECT_EQ(One("fd.l4proto"), "tcp");
  EXPECT_EQ(One("fd.sockfamily"), "ip");
  EXPECT_EQ(One("fd.is_server"), "false");
  EXPECT_EQ(One("fd.connected"), "true");
  EXPECT_EQ(One("fd.name_changed"), "true");
  EXPECT_EQ(One("fd.directory"), "<NA>");
  EXPECT_EQ(One("fd.sip.name"), "<NA>");
  EXPECT_EQ(One("evt.arg.tuple"), "10.0.0.5:51000->93.184.216.34:443");
  EXPECT_EQ(One("evt.arg.fd"), "3(<4>10.0.0.5:51000->93.184.216.34:443)");
}

TEST_F(ExtractorFdTest, ServerSocketAndDupRedirect) {
  Apply(Ev(SAKER_SYS_accept).Ret(4).Tuple("::1", 22, "::2", 50000).Build());
  EXPECT_EQ(One("fd.type"), "ipv6");
  EXPECT_EQ(One("fd.is_server"), "true");
  EXPECT_EQ(One("fd.name"), "::2:50000->::1:22");
  EXPECT_EQ(One("fd.sip"), "::1");
  EXPECT_EQ(One("fd.cport"), "50000");
  // "Redirect STDOUT/STDIN to Network Connection": dup2(sock, 1).
  Apply(Ev(SAKER_SYS_dup2).Ret(1).Arg(0, 4).Arg(1, 1).Build());
  EXPECT_EQ(One("evt.rawres"), "1");
  EXPECT_EQ(One("fd.type"), "ipv6");
  EXPECT_EQ(One("fd.num"), "4");
  EXPECT_EQ(One("proc.stdout.type"), "ipv6");
}

TEST_F(ExtractorFdTest, TwoPathSyscalls) {
  Apply(Ev(SAKER_SYS_symlinkat).Ret(0).Str(0, "/etc/shadow").Arg(1, AT_FDCWD).Str(2, "s").Build());
  EXPECT_EQ(One("fs.path.source"), "/etc/shadow");
  EXPECT_EQ(One("fs.path.target"), "/home/alice/s");
  EXPECT_EQ(One("fs.path.targetraw"), "s");
  EXPECT_EQ(One("evt.arg.target"), "/etc/shadow");
  EXPECT_EQ(One("evt.arg.linkpath"), "/home/alice/s");
  Apply(Ev(SAKER_SYS_renameat2).Ret(0).Arg(0, AT_FDCWD).Str(1, "a").Arg(2, AT_FDCWD).Str(3, "/b")
            .Build());
  EXPECT_EQ(One("fs.path.source"), "/home/alice/a");
  EXPECT_EQ(One("fs.path.target"), "/b");
  EXPECT_EQ(One("fs.path.name"), "<NA>");
}

TEST_F(ExtractorFdTest, SteadyStateExtractionDoesNotGrow) {
  Apply(Ev(SAKER_SYS_openat).Ret(5).Arg(0, AT_FDCWD).Arg(2, O_RDONLY).Str(1, "x").Build());
  for (int i = 0; i < 3; ++i) {
    One("proc.cmdline");
    One("fd.name");
    One("evt.arg.flags");
    One("proc.aname");
  }
  SUCCEED();
}

}  // namespace
}  // namespace saker::state
