// Captures a scripted child that makes every syscall of SAKER_SYSCALLS (and
// exits, for procexit) and checks each event's decoded arguments and return
// value. Root: loads the probe into the running kernel.
//
// The child records, in shared memory, what each event must look like (its
// pid, evt.type, return value and the JSON of AppendArgsJson, or fragments
// of it when some values are not known in advance); the parent captures
// with the Driver and matches every expectation against the events.
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "saker/wire.h"
#include "server/driver/driver.h"
#include "server/driver/syscalls/syscall_table.h"

namespace saker::driver {
namespace {

// One expected event, written by the child.
struct Expect {
  int pid;
  long ret;
  bool exact;       // json is the whole args object, else '\n'-separated fragments
  char type[24];
  char json[1000];
};

struct Script {
  int count;
  Expect expects[256];
};

Script* script;

void Add(const char* type, long ret, bool exact, const char* fmt, va_list ap) {
  Expect& e = script->expects[script->count++];
  e.pid = getpid();
  e.ret = ret;
  e.exact = exact;
  snprintf(e.type, sizeof(e.type), "%s", type);
  vsnprintf(e.json, sizeof(e.json), fmt, ap);
}

// The event's args JSON must equal the formatted string.
void Exact(const char* type, long ret, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  Add(type, ret, true, fmt, ap);
  va_end(ap);
}

// The event's args JSON must contain each '\n'-separated fragment.
void Contains(const char* type, long ret, const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  Add(type, ret, false, fmt, ap);
  va_end(ap);
}

// Raw syscalls, so libc cannot substitute another one (open -> openat).
long Sys(long nr, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0, long f = 0) {
  long r = syscall(nr, a, b, c, d, e, f);
  return r < 0 ? -errno : r;
}

long L(const void* p) { return reinterpret_cast<long>(p); }

void ProcessSteps(const char* dir) {
  long r = Sys(SYS_clone, SIGCHLD, 0, 0, 0, 0);
  if (r == 0) {
    _exit(0);
  }
  Exact("clone", r, R"({"res":%ld,"flags":"0"})", r);
  waitpid(r, nullptr, 0);

  struct clone_args_v0 {
    uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls;
  } ca = {};
  ca.flags = 0x100000000ull;  // CLONE_CLEAR_SIGHAND
  ca.exit_signal = SIGCHLD;
  r = Sys(SYS_clone3, L(&ca), sizeof(ca));
  if (r == 0) {
    _exit(0);
  }
  Exact("clone3", r, R"({"res":%ld,"flags":"CLONE_CLEAR_SIGHAND","size":64})", r);
  waitpid(r, nullptr, 0);

  r = Sys(SYS_fork);
  if (r == 0) {
    _exit(0);
  }
  Exact("fork", r, R"({"res":%ld})", r);
  waitpid(r, nullptr, 0);

  pid_t v = vfork();
  if (v == 0) {
    _exit(0);
  }
  Exact("vfork", v, R"({"res":%d})", v);
  waitpid(v, nullptr, 0);

  // execve / execveat: success in grandchildren, failure here.
  char exe[PATH_MAX];
  ASSERT_NE(realpath("/bin/true", exe), nullptr);
  struct stat st;
  ASSERT_EQ(stat(exe, &st), 0);
  const char* argv[] = {"true", "saker-arg", nullptr};
  const char* envp[] = {"SAKER_T=1", nullptr};
  pid_t g = fork();
  if (g == 0) {
    syscall(SYS_execve, "/bin/true", argv, envp);
    _exit(127);
  }
  Contains("execve", 0,
           "\"res\":0,\"exe\":\"true\",\"args\":[\"saker-arg\"]\n\"cwd\":\"%s\"\n"
           "\"env\":[\"SAKER_T=1\"]\n\"exe_ino\":%llu,\n\"trusted_exepath\":\"%s\"",
           dir, static_cast<unsigned long long>(st.st_ino), exe);
  script->expects[script->count - 1].pid = g;
  waitpid(g, nullptr, 0);
  int exe_fd = open(exe, O_RDONLY | O_CLOEXEC);
  g = fork();
  if (g == 0) {
    syscall(SYS_execveat, exe_fd, "", argv, envp, AT_EMPTY_PATH);
    _exit(127);
  }
  // The kernel reports a successful execveat with orig_ax == __NR_execve.
  Contains("execve", 0, "\"res\":0,\"exe\":\"true\",\"args\":[\"saker-arg\"]\n"
           "\"trusted_exepath\":\"%s\"", exe);
  script->expects[script->count - 1].pid = g;
  waitpid(g, nullptr, 0);
  close(exe_fd);
  r = Sys(SYS_execve, L("/nonexistent/saker-exe"), L(argv), L(envp));
  Contains("execve", r, "{\"res\":-2,\n\"filename\":\"/nonexistent/saker-exe\"}");
  r = Sys(SYS_execveat, AT_FDCWD, L("/nonexistent/saker-exeat"), L(argv), L(envp), 0);
  Contains("execveat", r,
           "\"dirfd\":-100,\"filename\":\"/nonexistent/saker-exeat\",\"flags\":\"0\"}");

  r = Sys(SYS_setuid, 0);
  Exact("setuid", r, R"({"res":%ld,"uid":0})", r);
  r = Sys(SYS_setgid, 0);
  Exact("setgid", r, R"({"res":%ld,"gid":0})", r);
  r = Sys(SYS_setreuid, -1, -1);
  Exact("setreuid", r, R"({"res":%ld,"ruid":4294967295,"euid":4294967295})", r);
  r = Sys(SYS_setregid, -1, 0);
  Exact("setregid", r, R"({"res":%ld,"rgid":4294967295,"egid":0})", r);
  r = Sys(SYS_setresuid, -1, 0, -1);
  Exact("setresuid", r, R"({"res":%ld,"ruid":4294967295,"euid":0,"suid":4294967295})", r);
  r = Sys(SYS_setresgid, 0, -1, -1);
  Exact("setresgid", r, R"({"res":%ld,"rgid":0,"egid":4294967295,"sgid":4294967295})", r);

  __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  ASSERT_EQ(Sys(SYS_capget, L(&hdr), L(data)), 0);
  r = Sys(SYS_capset, L(&hdr), L(data));
  unsigned long long eff = data[0].effective | (uint64_t{data[1].effective} << 32);
  unsigned long long prm = data[0].permitted | (uint64_t{data[1].permitted} << 32);
  unsigned long long inh = data[0].inheritable | (uint64_t{data[1].inheritable} << 32);
  Exact("capset", r,
        R"({"res":%ld,"cap_inheritable":%llu,"cap_permitted":%llu,"cap_effective":%llu})", r,
        inh, prm, eff);

  static const char kName[] = "saker-cov";
  r = Sys(SYS_prctl, PR_SET_NAME, L(kName));
  Exact("prctl", r, R"({"res":%ld,"option":"PR_SET_NAME","arg2_str":"saker-cov","arg2_int":%ld})",
        r, L(kName));
  r = Sys(SYS_ptrace, PTRACE_ATTACH, -1, 0, 0);
  Exact("ptrace", r,
        R"({"res":%ld,"request":"PTRACE_ATTACH","pid":-1,"addr":"0x0","data":"0x0"})", r);

  // A grandchild killed by SIGKILL: kill + its procexit.
  g = fork();
  if (g == 0) {
    for (;;) {
      pause();
    }
  }
  r = Sys(SYS_kill, g, SIGKILL);
  Exact("kill", r, R"({"res":%ld,"pid":%d,"sig":"SIGKILL"})", r, g);
  waitpid(g, nullptr, 0);
  Exact("procexit", 0, R"({"status":9,"ret":0,"sig":"SIGKILL","core":false,"group_dead":true})");
  script->expects[script->count - 1].pid = g;

  int tid = static_cast<int>(syscall(SYS_gettid));
  r = Sys(SYS_tkill, tid, 0);
  Exact("tkill", r, R"({"res":%ld,"tid":%d,"sig":0})", r, tid);
  r = Sys(SYS_tgkill, getpid(), tid, SIGCONT);
  Exact("tgkill", r, R"({"res":%ld,"pid":%d,"tid":%d,"sig":"SIGCONT"})", r, getpid(), tid);
  r = Sys(SYS_unshare, CLONE_NEWUTS);
  Exact("unshare", r, R"({"res":%ld,"flags":"CLONE_NEWUTS"})", r);
  int ns = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);
  r = Sys(SYS_setns, ns, CLONE_NEWUTS);
  Exact("setns", r, R"({"res":%ld,"fd":%d,"nstype":"CLONE_NEWUTS"})", r, ns);
  close(ns);
  r = Sys(SYS_chdir, L(dir));
  Exact("chdir", r, R"({"res":%ld,"path":"%s"})", r, dir);
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  r = Sys(SYS_fchdir, dfd);
  Exact("fchdir", r, R"({"res":%ld,"fd":%d})", r, dfd);
  close(dfd);
  r = Sys(SYS_chroot, L("/nonexistent-saker-root"));
  Exact("chroot", r, R"({"res":-2,"path":"/nonexistent-saker-root"})");
}

void FileSteps(const std::string& d) {
  std::string f1 = d + "/f1", f2 = d + "/f2", f3 = d + "/f3", f4 = d + "/f4";
  long fd = Sys(SYS_open, L(f1.c_str()), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  Exact("open", fd, R"({"fd":%ld,"name":"%s","flags":"O_WRONLY|O_CREAT|O_TRUNC","mode":420})",
        fd, f1.c_str());
  long r = Sys(SYS_openat, AT_FDCWD, L("/nonexistent/saker"), O_RDONLY | O_CLOEXEC, 0);
  Exact("openat", r,
        R"({"fd":-2,"dirfd":-100,"name":"/nonexistent/saker","flags":"O_RDONLY|O_CLOEXEC","mode":0})");
  open_how how = {};
  how.flags = O_RDONLY;
  how.resolve = RESOLVE_NO_SYMLINKS;
  long fd2 = Sys(SYS_openat2, AT_FDCWD, L(f1.c_str()), L(&how), sizeof(how));
  Exact("openat2", fd2,
        R"({"fd":%ld,"dirfd":-100,"name":"%s","flags":"O_RDONLY","mode":0,"resolve":"RESOLVE_NO_SYMLINKS"})",
        fd2, f1.c_str());
  long fd3 = Sys(SYS_creat, L(f2.c_str()), 0600);
  Exact("creat", fd3, R"({"fd":%ld,"name":"%s","mode":384})", fd3, f2.c_str());
  r = Sys(SYS_close, fd3);
  Exact("close", r, R"({"res":0,"fd":%ld})", fd3);
  r = Sys(SYS_dup, fd);
  Exact("dup", r, R"({"res":%ld,"oldfd":%ld})", r, fd);
  r = Sys(SYS_dup2, fd, 100);
  Exact("dup2", r, R"({"res":100,"oldfd":%ld,"newfd":100})", fd);
  r = Sys(SYS_dup3, fd, 101, O_CLOEXEC);
  Exact("dup3", r, R"({"res":101,"oldfd":%ld,"newfd":101,"flags":"O_CLOEXEC"})", fd);
  r = Sys(SYS_fcntl, fd, F_DUPFD_CLOEXEC, 200);
  Exact("fcntl", r, R"({"res":%ld,"fd":%ld,"cmd":"F_DUPFD_CLOEXEC"})", r, fd);

  r = Sys(SYS_rename, L(f1.c_str()), L(f3.c_str()));
  Exact("rename", r, R"({"res":0,"oldpath":"%s","newpath":"%s"})", f1.c_str(), f3.c_str());
  r = Sys(SYS_renameat, AT_FDCWD, L(f3.c_str()), AT_FDCWD, L(f4.c_str()));
  Exact("renameat", r,
        R"({"res":0,"olddirfd":-100,"oldpath":"%s","newdirfd":-100,"newpath":"%s"})",
        f3.c_str(), f4.c_str());
  r = Sys(SYS_renameat2, AT_FDCWD, L(f2.c_str()), AT_FDCWD, L(f4.c_str()), 1);
  Exact("renameat2", r,
        R"({"res":-17,"olddirfd":-100,"oldpath":"%s","newdirfd":-100,"newpath":"%s","flags":"RENAME_NOREPLACE"})",
        f2.c_str(), f4.c_str());
  r = Sys(SYS_unlink, L(f2.c_str()));
  Exact("unlink", r, R"({"res":0,"path":"%s"})", f2.c_str());
  r = Sys(SYS_unlink, L(f2.c_str()));
  Exact("unlink", r, R"({"res":-2,"path":"%s"})", f2.c_str());
  std::string sub = d + "/sub";
  r = Sys(SYS_mkdir, L(sub.c_str()), 0755);
  Exact("mkdir", r, R"({"res":0,"path":"%s","mode":"0755"})", sub.c_str());
  r = Sys(SYS_rmdir, L(sub.c_str()));
  Exact("rmdir", r, R"({"res":0,"path":"%s"})", sub.c_str());
  int dfd = open(d.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  r = Sys(SYS_mkdirat, dfd, L("sub2"), 0700);
  Exact("mkdirat", r, R"({"res":0,"dirfd":%d,"path":"sub2","mode":"0700"})", dfd);
  r = Sys(SYS_unlinkat, dfd, L("sub2"), AT_REMOVEDIR);
  Exact("unlinkat", r, R"({"res":0,"dirfd":%d,"name":"sub2","flags":"AT_REMOVEDIR"})", dfd);
  std::string f5 = d + "/f5", f6 = d + "/f6", f7 = d + "/f7";
  r = Sys(SYS_link, L(f4.c_str()), L(f5.c_str()));
  Exact("link", r, R"({"res":0,"oldpath":"%s","newpath":"%s"})", f4.c_str(), f5.c_str());
  r = Sys(SYS_linkat, AT_FDCWD, L(f4.c_str()), dfd, L("f6"), 0);
  Exact("linkat", r,
        R"({"res":0,"olddir":-100,"oldpath":"%s","newdir":%d,"newpath":"f6","flags":"0"})",
        f4.c_str(), dfd);
  r = Sys(SYS_symlink, L("target-x"), L(f7.c_str()));
  Exact("symlink", r, R"({"res":0,"target":"target-x","linkpath":"%s"})", f7.c_str());
  r = Sys(SYS_symlinkat, L("target-y"), dfd, L("s2"));
  Exact("symlinkat", r, R"({"res":0,"target":"target-y","linkdirfd":%d,"linkpath":"s2"})", dfd);
  r = Sys(SYS_chmod, L(f4.c_str()), 0600);
  Exact("chmod", r, R"({"res":0,"filename":"%s","mode":"0600"})", f4.c_str());
  r = Sys(SYS_fchmod, fd, 0640);
  Exact("fchmod", r, R"({"res":0,"fd":%ld,"mode":"0640"})", fd);
  r = Sys(SYS_fchmodat, dfd, L("f4"), 04755);
  Exact("fchmodat", r, R"({"res":0,"dirfd":%d,"filename":"f4","mode":"04755"})", dfd);
  r = Sys(SYS_chown, L(f4.c_str()), 0, 0);
  Exact("chown", r, R"({"res":0,"path":"%s","uid":0,"gid":0})", f4.c_str());
  r = Sys(SYS_fchown, fd, -1, -1);
  Exact("fchown", r, R"({"res":0,"fd":%ld,"uid":4294967295,"gid":4294967295})", fd);
  r = Sys(SYS_fchownat, dfd, L("f7"), 0, 0, AT_SYMLINK_NOFOLLOW);
  Exact("fchownat", r,
        R"({"res":0,"dirfd":%d,"pathname":"f7","uid":0,"gid":0,"flags":"AT_SYMLINK_NOFOLLOW"})",
        dfd);
  r = Sys(SYS_lchown, L(f7.c_str()), 0, 0);
  Exact("lchown", r, R"({"res":0,"path":"%s","uid":0,"gid":0})", f7.c_str());
  r = Sys(SYS_mount, L("none"), L("/nonexistent-saker-mnt"), L("tmpfs"), MS_NOSUID, 0);
  Exact("mount", r,
        R"({"res":%ld,"dev":"none","dir":"/nonexistent-saker-mnt","type":"tmpfs","flags":"MS_NOSUID"})",
        r);
  r = Sys(SYS_umount2, L("/nonexistent-saker-mnt"), MNT_DETACH);
  Exact("umount2", r, R"({"res":%ld,"name":"/nonexistent-saker-mnt","flags":"MNT_DETACH"})", r);
  r = Sys(SYS_memfd_create, L("saker-memfd"), MFD_CLOEXEC);
  Exact("memfd_create", r, R"({"fd":%ld,"name":"saker-memfd","flags":"MFD_CLOEXEC"})", r);
  int p[2];
  r = Sys(SYS_pipe, L(p));
  Exact("pipe", r, R"({"res":0,"fd1":%d,"fd2":%d})", p[0], p[1]);
  r = Sys(SYS_pipe2, L(p), O_CLOEXEC);
  Exact("pipe2", r, R"({"res":0,"fd1":%d,"fd2":%d,"flags":"O_CLOEXEC"})", p[0], p[1]);
  r = Sys(SYS_truncate, L(f4.c_str()), 10);
  Exact("truncate", r, R"({"res":0,"path":"%s","length":10})", f4.c_str());
  close(dfd);
}

sockaddr_in Loopback(uint16_t port) {
  sockaddr_in sa = {};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return sa;
}

uint16_t LocalPort(int fd) {
  sockaddr_in sa = {};
  socklen_t len = sizeof(sa);
  getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  return ntohs(sa.sin_port);
}

void NetworkSteps(const std::string& d) {
  long l = Sys(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  Exact("socket", l, R"({"fd":%ld,"domain":"AF_INET","type":"SOCK_STREAM|SOCK_CLOEXEC","proto":0})",
        l);
  sockaddr_in any = Loopback(0);
  long r = Sys(SYS_bind, l, L(&any), sizeof(any));
  Exact("bind", r, R"({"res":0,"addr":"127.0.0.1:0","fd":%ld})", l);
  r = Sys(SYS_listen, l, 5);
  Exact("listen", r, R"({"res":0,"fd":%ld,"backlog":5})", l);
  uint16_t port = LocalPort(l);
  sockaddr_in to = Loopback(port);

  int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  r = Sys(SYS_connect, c, L(&to), sizeof(to));
  uint16_t cport = LocalPort(c);
  Exact("connect", r,
        R"({"res":0,"tuple":"127.0.0.1:%u->127.0.0.1:%u","fd":%d,"addr":"127.0.0.1:%u"})", cport,
        port, c, port);
  long a = Sys(SYS_accept, l, 0, 0);
  Exact("accept", a, R"({"fd":%ld,"tuple":"127.0.0.1:%u->127.0.0.1:%u"})", a, cport, port);
  int c2 = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  connect(c2, reinterpret_cast<sockaddr*>(&to), sizeof(to));
  uint16_t c2port = LocalPort(c2);
  long a2 = Sys(SYS_accept4, l, 0, 0, SOCK_CLOEXEC);
  Exact("accept4", a2, R"({"fd":%ld,"tuple":"127.0.0.1:%u->127.0.0.1:%u","flags":"SOCK_CLOEXEC"})",
        a2, c2port, port);

  r = Sys(SYS_sendto, c, L("ping"), 4, MSG_NOSIGNAL, 0, 0);
  Exact("sendto", r,
        R"({"res":4,"data":"ping","fd":%d,"size":4,"tuple":"127.0.0.1:%u->127.0.0.1:%u","flags":"MSG_NOSIGNAL"})",
        c, cport, port);
  char buf[64] = {};
  r = Sys(SYS_recvfrom, a, L(buf), 16, 0, 0, 0);
  Exact("recvfrom", r,
        R"({"res":4,"data":"ping","tuple":"127.0.0.1:%u->127.0.0.1:%u","fd":%ld,"size":16,"flags":"0"})",
        port, cport, a);
  iovec iov = {const_cast<char*>("hello"), 5};
  msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  r = Sys(SYS_sendmsg, c, L(&msg), 0);
  Exact("sendmsg", r,
        R"({"res":5,"data":"hello","fd":%d,"tuple":"127.0.0.1:%u->127.0.0.1:%u","flags":"0"})", c,
        cport, port);
  iovec riov = {buf, 16};
  msghdr rmsg = {};
  rmsg.msg_iov = &riov;
  rmsg.msg_iovlen = 1;
  r = Sys(SYS_recvmsg, a, L(&rmsg), 0);
  Exact("recvmsg", r,
        R"({"res":5,"data":"hello","tuple":"127.0.0.1:%u->127.0.0.1:%u","fd":%ld,"flags":"0"})",
        port, cport, a);
  r = Sys(SYS_shutdown, c, SHUT_WR);
  Exact("shutdown", r, R"({"res":0,"fd":%d,"how":"SHUT_WR"})", c);

  int sv[2];
  r = Sys(SYS_socketpair, AF_UNIX, SOCK_STREAM, 0, L(sv));
  Exact("socketpair", r,
        R"({"res":0,"fd1":%d,"fd2":%d,"domain":"AF_UNIX","type":"SOCK_STREAM","proto":0})",
        sv[0], sv[1]);

  // AF_UNIX: the tuple names the listening socket's path.
  std::string path = d + "/s.sock";
  sockaddr_un sun = {};
  sun.sun_family = AF_UNIX;
  snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path.c_str());
  int ul = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  bind(ul, reinterpret_cast<sockaddr*>(&sun), sizeof(sun));
  listen(ul, 1);
  int uc = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  socklen_t ulen = offsetof(sockaddr_un, sun_path) + path.size() + 1;
  r = Sys(SYS_connect, uc, L(&sun), ulen);
  Exact("connect", r, R"({"res":0,"tuple":"%s","fd":%d,"addr":"%s"})", path.c_str(), uc,
        path.c_str());
}

void KernelSteps(const std::string& d) {
  static const char kImage[16] = "\x7f" "ELFjunk";
  long r = Sys(SYS_init_module, L(kImage), sizeof(kImage), L("saker=1"));
  Exact("init_module", r, R"({"res":%ld,"length":16,"uargs":"saker=1"})", r);
  std::string junk = d + "/junk.ko";
  int fd = open(junk.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  write(fd, kImage, sizeof(kImage));
  r = Sys(SYS_finit_module, fd, L("saker=2"), 0);
  Exact("finit_module", r, R"({"res":%ld,"fd":%d,"uargs":"saker=2","flags":"0"})", r, fd);
  close(fd);
  r = Sys(SYS_delete_module, L("saker_no_such_module"), O_NONBLOCK);
  Exact("delete_module", r, R"({"res":%ld,"name":"saker_no_such_module","flags":"O_NONBLOCK"})",
        r);
  r = Sys(SYS_bpf, 0 /* BPF_MAP_CREATE */, 0, 0);
  Exact("bpf", r, R"({"fd":%ld,"cmd":"BPF_MAP_CREATE"})", r);
  r = Sys(SYS_userfaultfd, O_CLOEXEC);
  Exact("userfaultfd", r, R"({"res":%ld,"flags":"O_CLOEXEC"})", r);
  uint32_t params[30] = {};  // struct io_uring_params, flags (params[2]) = 0
  r = Sys(SYS_io_uring_setup, 4, L(params));
  Exact("io_uring_setup", r, R"({"res":%ld,"entries":4,"flags":"0"})", r);
}

// The child: waits for the capture to start, runs every step, exits 0.
void RunChild(int go_fd, const std::string& dir) {
  char c;
  if (read(go_fd, &c, 1) != 1) {
    _exit(2);
  }
  if (chdir(dir.c_str()) != 0) {
    _exit(2);
  }
  ProcessSteps(dir.c_str());
  FileSteps(dir);
  NetworkSteps(dir);
  KernelSteps(dir);
  Exact("procexit", 0, R"({"status":0,"ret":0,"core":false,"group_dead":true})");
  _exit(::testing::Test::HasFailure() ? 3 : 0);
}

struct Captured {
  uint32_t pid;
  int64_t ret;
  std::string type;
  std::string json;
};

class FamilySink : public EventSink {
 public:
  explicit FamilySink(pid_t child) : child_(child) {}
  void OnEvent(uint64_t, const EventView& ev) override {
    const saker_event_header& h = ev.hdr();
    if (h.pid != static_cast<uint32_t>(child_) && h.ppid != static_cast<uint32_t>(child_)) {
      return;
    }
    Captured c{h.pid, h.ret, std::string(EventTypeName(ev)), ""};
    AppendArgsJson(ev, &c.json);
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(std::move(c));
  }
  std::vector<Captured> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::move(events_);
  }

 private:
  pid_t child_;
  std::mutex mu_;
  std::vector<Captured> events_;
};

bool Matches(const Expect& e, const Captured& c) {
  if (static_cast<uint32_t>(e.pid) != c.pid || c.type != e.type || c.ret != e.ret) {
    return false;
  }
  if (e.exact) {
    return c.json == e.json;
  }
  for (absl::string_view frag : absl::StrSplit(e.json, '\n')) {
    if (c.json.find(std::string(frag)) == std::string::npos) {
      return false;
    }
  }
  return true;
}

TEST(CoverageRootTest, EverySyscallIsCapturedAndDecoded) {
  ASSERT_EQ(geteuid(), 0u) << "needs root: loads the probe";
  script = static_cast<Script*>(
      mmap(nullptr, sizeof(Script), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0));
  ASSERT_NE(script, MAP_FAILED);
  char tmpl[] = "/tmp/saker-coverage-XXXXXX";
  ASSERT_NE(mkdtemp(tmpl), nullptr);
  const std::string dir = tmpl;

  // Fork before the driver starts its thread: the child may then use libc
  // freely.
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(go[1]);
    RunChild(go[0], dir);
  }
  close(go[0]);

  DriverOptions opts;
  opts.snaplen = 16;
  opts.ring_bytes_per_cpu = 16u << 20;
  auto d = Driver::Open(opts);
  if (!d.ok()) {
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    FAIL() << d.status();
  }
  FamilySink sink(child);
  std::thread runner([&] { EXPECT_TRUE((*d)->Run(&sink).ok()); });
  ASSERT_EQ(write(go[1], "g", 1), 1);
  int status = 0;
  ASSERT_EQ(waitpid(child, &status, 0), child);
  usleep(200 * 1000);
  (*d)->Stop();
  runner.join();
  (*d)->Detach();
  ASSERT_TRUE((*d)->Drain(&sink).ok());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child status " << status;

  std::vector<Captured> events = sink.Take();
  std::vector<bool> used(events.size(), false);
  std::set<std::string> covered;
  for (int i = 0; i < script->count; ++i) {
    const Expect& e = script->expects[i];
    bool found = false;
    for (size_t j = 0; j < events.size() && !found; ++j) {
      if (!used[j] && Matches(e, events[j])) {
        used[j] = true;
        found = true;
      }
    }
    if (found) {
      covered.insert(e.type);
      continue;
    }
    std::string seen;
    std::string others;
    for (const Captured& c : events) {
      if (c.pid != static_cast<uint32_t>(e.pid)) {
        continue;
      }
      if (c.type == e.type) {
        seen += "\n  ret=" + std::to_string(c.ret) + " " + c.json;
      } else {
        others += " " + c.type;
      }
    }
    ADD_FAILURE() << "no " << e.type << " event from pid " << e.pid << " with ret " << e.ret
                  << " and args " << (e.exact ? "" : "containing ") << e.json
                  << "\nseen:" << (seen.empty() ? " none" : seen)
                  << "\nother events of that pid:" << others;
  }

  // Every syscall of the X-macro, and procexit, was expected and seen.
#define SAKER_X_COVERED(id_, sys, nr_, cat_) EXPECT_TRUE(covered.count(#sys)) << #sys;
  SAKER_SYSCALLS(SAKER_X_COVERED)
#undef SAKER_X_COVERED
  EXPECT_TRUE(covered.count("procexit"));

  DriverCounters counters = (*d)->ReadCounters();
  EXPECT_EQ(counters.total_dropped(), 0u);
  EXPECT_GT(counters.procexit_sent, 0u);
  munmap(script, sizeof(Script));
  std::string cleanup = "rm -rf " + dir;
  EXPECT_EQ(system(cleanup.c_str()), 0);
}

}  // namespace
}  // namespace saker::driver
