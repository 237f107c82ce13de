// StateExtractor: evt.*, proc.*, thread.*, user.*, group.*, container.*.
#include "server/state/extract/test_fixture.h"

namespace saker::state {
namespace {

using testing::EventBuilder;

class ExtractorTest : public ExtractorFixture {};

TEST_F(ExtractorTest, EvtFields) {
  Apply(Ev(SAKER_SYS_openat).Ret(3).Arg(0, AT_FDCWD).Arg(2, O_RDWR | O_CREAT | O_CLOEXEC)
            .Arg(3, 0755).Str(1, "f.sh").Cpu(3).Build());
  EXPECT_EQ(One("evt.num"), "1");
  EXPECT_EQ(One("evt.type"), "openat");
  EXPECT_EQ(One("evt.dir"), "<");
  EXPECT_EQ(One("evt.cpu"), "3");
  EXPECT_EQ(One("evt.category"), "file");
  EXPECT_EQ(One("evt.res"), "SUCCESS");
  EXPECT_EQ(One("evt.rawres"), "3");
  EXPECT_EQ(One("evt.failed"), "false");
  EXPECT_EQ(One("evt.is_open_read"), "true");
  EXPECT_EQ(One("evt.is_open_write"), "true");
  EXPECT_EQ(One("evt.is_open_exec"), "true");
  EXPECT_EQ(One("evt.is_open_create"), "true");
  EXPECT_EQ(One("evt.arg.flags"), "O_RDWR|O_CREAT|O_CLOEXEC");
  EXPECT_EQ(One("evt.arg[3]"), "O_RDWR|O_CREAT|O_CLOEXEC");
  EXPECT_EQ(One("evt.arg.name"), "/home/alice/f.sh");
  EXPECT_EQ(One("evt.arg.dirfd"), "AT_FDCWD");
  EXPECT_EQ(One("evt.rawarg.fd"), "3");
  EXPECT_EQ(One("evt.rawarg.dirfd"), "-100");
  EXPECT_EQ(One("evt.arg.nosuch"), "<NA>");
  EXPECT_EQ(One("evt.args"),
            "fd=3(<f>/home/alice/f.sh) dirfd=AT_FDCWD name=/home/alice/f.sh "
            "flags=O_RDWR|O_CREAT|O_CLOEXEC mode=493");
  // 1700000000 s after the epoch + 2 s since boot.
  EXPECT_EQ(One("evt.rawtime"), "1700000002000000000");
  EXPECT_EQ(One("evt.time"), "22:13:22.000000000");
  EXPECT_EQ(One("evt.time.s"), "22:13:22");
  EXPECT_EQ(One("evt.datetime"), "2023-11-14 22:13:22.000000000");
  EXPECT_EQ(One("evt.time.iso8601"), "2023-11-14T22:13:22.000000000Z");
  EXPECT_EQ(One("evt.hostname"), "node1");
  EXPECT_EQ(One("evt.buffer"), "<NA>");
}

TEST_F(ExtractorTest, EvtArgResolutions) {
  Apply(Ev(SAKER_SYS_open).Ret(-2).Arg(1, O_RDONLY).Str(0, "/nope").Build());
  EXPECT_EQ(One("evt.res"), "ENOENT");
  EXPECT_EQ(One("evt.rawres"), "-2");
  EXPECT_EQ(One("evt.failed"), "true");
  EXPECT_EQ(One("evt.is_open_write"), "false");
  Apply(Ev(SAKER_SYS_setuid).Ret(0).Arg(0, 1000).Build());
  EXPECT_EQ(One("evt.arg.uid"), "alice");
  EXPECT_EQ(One("evt.rawarg.uid"), "1000");
  EXPECT_EQ(One("evt.is_open_read"), "false");
  Apply(Ev(SAKER_SYS_chmod).Ret(0).Str(0, "x").Arg(1, 04755).Build());
  EXPECT_EQ(One("evt.arg.mode"), "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID");
  Apply(Ev(SAKER_SYS_ptrace).Ret(0).Arg(0, 16).Arg(1, 300).Build());
  EXPECT_EQ(One("evt.arg.request"), "PTRACE_ATTACH");
  Apply(Ev(SAKER_SYS_socket).Ret(3).Arg(0, AF_PACKET).Arg(1, SOCK_RAW).Build());
  EXPECT_EQ(One("evt.arg.domain"), "AF_PACKET");
  saker_exec_info info{};
  info.exe_flags = SAKER_EXE_WRITABLE | SAKER_EXE_UPPER_LAYER;
  Apply(Ev(SAKER_SYS_execve).Ret(0).Comm("sh").StrList(SAKER_PARAM_ARGV, {"sh", "-c", "id"})
            .ExecInfo(info).Str(0, "/bin/sh").Build());
  EXPECT_NE(One("evt.arg.flags").find("EXE_WRITABLE"), std::string::npos) << One("evt.arg.flags");
  EXPECT_EQ(One("evt.arg.filename"), "/bin/sh");
}

TEST_F(ExtractorTest, ProcFieldsAfterExecve) {
  saker_exec_info info{};
  info.tty = 34817;
  info.loginuid = 1000;
  info.sid = 100;
  info.pgid = 201;
  info.cap_permitted = (1ull << 21) | 1;  // CAP_SYS_ADMIN, CAP_CHOWN
  info.cap_effective = 1ull << 21;
  info.exe_flags = SAKER_EXE_MEMFD;
  info.exe_ctime_ns = 1700000000000000000ull;
  Apply(Ev(SAKER_SYS_clone, 200).Ret(201).Arg(0, SIGCHLD).Ts(1500000000).Build());
  Apply(Ev(SAKER_SYS_execve, 201).Thread(201, 201, 200).Ret(0).Comm("curl")
            .StrList(SAKER_PARAM_ARGV, {"curl", "-s", "http://x"})
            .StrList(SAKER_PARAM_ENV, {"HOME=/home/alice", "TERM=xterm"})
            .Str(SAKER_PARAM_EXEPATH, "/usr/bin/curl").Str(SAKER_PARAM_CWD, "/tmp")
            .ExecInfo(info).Build());
  EXPECT_EQ(One("proc.name"), "curl");
  EXPECT_EQ(One("proc.exe"), "curl");
  EXPECT_EQ(One("proc.exepath"), "/usr/bin/curl");
  EXPECT_EQ(One("proc.args"), "-s http://x");
  EXPECT_EQ(One("proc.args[1]"), "http://x");
  EXPECT_EQ(One("proc.cmdline"), "curl -s http://x");
  EXPECT_EQ(One("proc.exeline"), "curl -s http://x");
  EXPECT_EQ(One("proc.cmdnargs"), "2");
  EXPECT_EQ(One("proc.env"), "HOME=/home/alice TERM=xterm");
  EXPECT_EQ(One("proc.env[TERM]"), "xterm");
  EXPECT_EQ(One("proc.cwd"), "/tmp");
  EXPECT_EQ(One("proc.tty"), "34817");
  EXPECT_EQ(One("proc.pid"), "201");
  EXPECT_EQ(One("proc.ppid"), "200");
  EXPECT_EQ(One("proc.vpid"), "201");
  EXPECT_EQ(One("proc.sid"), "100");
  EXPECT_EQ(One("proc.sname"), "sshd");
  EXPECT_EQ(One("proc.is_vpgid_leader"), "true");
  EXPECT_EQ(One("proc.duration"), "500000000");
  EXPECT_EQ(One("proc.pid.ts"), "1700000001500000000");
  EXPECT_EQ(One("proc.exe_ino.ctime_duration_proc_start"), "1500000000");
  EXPECT_EQ(One("proc.is_exe_from_memfd"), "true");
  EXPECT_EQ(One("proc.is_exe_upper_layer"), "false");
  EXPECT_EQ(One("proc.is_exe_writable"), "false");
  EXPECT_EQ(One("proc.is_container_healthcheck"), "false");
  EXPECT_EQ(One("proc.pname"), "bash");
  EXPECT_EQ(One("proc.pexe"), "-bash");
  EXPECT_EQ(One("proc.pexepath"), "/usr/bin/bash");
  EXPECT_EQ(One("proc.pcmdline"), "bash");
  EXPECT_EQ(One("proc.aname[0]"), "curl");
  EXPECT_EQ(One("proc.aname[2]"), "sshd");
  EXPECT_EQ(One("proc.aname[3]"), "systemd");
  EXPECT_EQ(One("proc.aname[4]"), "<NA>");
  EXPECT_EQ(One("proc.aname"), "bash sshd systemd");
  EXPECT_EQ(One("proc.apid"), "200 100 1");
  EXPECT_EQ(One("proc.acmdline[2]"), "sshd alice");
  EXPECT_EQ(One("proc.aexepath[3]"), "/usr/bin/systemd");
  EXPECT_EQ(One("thread.tid"), "201");
  EXPECT_EQ(One("thread.ismain"), "true");
  EXPECT_EQ(One("thread.cap_permitted"), "CAP_CHOWN CAP_SYS_ADMIN");
  EXPECT_EQ(One("thread.cap_effective"), "CAP_SYS_ADMIN");
  EXPECT_EQ(One("user.uid"), "1000");
  EXPECT_EQ(One("user.name"), "alice");
  EXPECT_EQ(One("user.homedir"), "/home/alice");
  EXPECT_EQ(One("user.shell"), "/bin/zsh");
  EXPECT_EQ(One("user.loginuid"), "1000");
  EXPECT_EQ(One("user.loginname"), "alice");
  EXPECT_EQ(One("group.gid"), "1000");
  EXPECT_EQ(One("group.name"), "alice");
}

TEST_F(ExtractorTest, ProcWithoutParentAndUnknownUser) {
  Apply(Ev(SAKER_SYS_close, 900).Thread(900, 900, 0).Comm("ghost").Creds(4242, 4242, 4242, 4242)
            .Ret(0).Arg(0, 1).Build());
  EXPECT_EQ(One("proc.name"), "ghost");
  EXPECT_EQ(One("proc.pname"), "<NA>");
  EXPECT_EQ(One("proc.exe"), "<NA>");
  EXPECT_EQ(One("proc.duration"), "<NA>");
  EXPECT_EQ(One("user.name"), "<NA>");
  EXPECT_EQ(One("user.uid"), "4242");
  EXPECT_EQ(One("user.loginuid"), "-1");
  EXPECT_EQ(One("fd.num"), "1");
  EXPECT_EQ(One("fd.name"), "<NA>");
}

TEST_F(ExtractorTest, ContainerFields) {
  Apply(Ev(SAKER_SYS_close, 200).Ret(0).Arg(0, 9).Build());
  EXPECT_EQ(One("container.id"), "host");
  EXPECT_EQ(One("container.name"), "host");
  EXPECT_EQ(One("container.image.repository"), "");
  EXPECT_EQ(One("container.privileged"), "false");
  EXPECT_EQ(One("k8s.ns.name"), "<NA>");
  Apply(Ev(SAKER_SYS_close, 300).Ret(0).Arg(0, 9).Build());
  EXPECT_EQ(One("container.id"), "3ad7b26ded6d");
  EXPECT_EQ(One("container.type"), "docker");
  EXPECT_EQ(One("container.name"), "web");
  EXPECT_EQ(One("container.image"), "docker.io/library/nginx:1.25");
  EXPECT_EQ(One("container.image.repository"), "docker.io/library/nginx");
  EXPECT_EQ(One("container.image.tag"), "1.25");
  EXPECT_EQ(One("container.privileged"), "true");
  EXPECT_EQ(One("container.mount.dest[/proc*]"), "/host/proc");
  EXPECT_EQ(One("container.mount.dest[0]"), "/host/proc");
  EXPECT_EQ(One("container.mount.dest[/var/run/docker.sock]"), "<NA>");
  EXPECT_EQ(One("container.mounts"), "/proc:/host/proc::false:rprivate");
  EXPECT_EQ(One("k8s.ns.name"), "prod");
  EXPECT_EQ(One("k8s.pod.name"), "<NA>");
  EXPECT_EQ(One("thread.cgroups").substr(0, 8), "unified=");
}

}  // namespace
}  // namespace saker::state
