#include "server/driver/syscalls/syscall_table.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/mount.h>
#include <sys/un.h>

#include <cstring>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "saker/wire.h"
#include "server/driver/event_view.h"

namespace saker {
namespace {

// Builds one event in memory, laid out as the probe writes it.
class EventBuilder {
 public:
  EventBuilder(uint16_t syscall, int64_t ret, uint16_t kind = SAKER_EVENT_SYSCALL) {
    saker_event ev;
    std::memset(&ev, 0, sizeof(ev));
    ev.hdr.kind = kind;
    ev.hdr.version = SAKER_WIRE_VERSION;
    ev.hdr.syscall = syscall;
    ev.hdr.ret = ret;
    ev.hdr.tid = 101;
    ev.hdr.pid = 100;
    ev.hdr.ppid = 1;
    ev.hdr.uid = 1000;
    ev.hdr.gid = 1001;
    std::memcpy(ev.hdr.comm, "tester", 6);
    Append(&ev, sizeof(ev));
  }

  EventBuilder& Arg(int i, uint64_t v) {
    reinterpret_cast<saker_event*>(bytes_.data())->args[i] = v;
    return *this;
  }

  EventBuilder& Blob(uint16_t param, uint16_t type, const void* data, size_t len,
                     uint16_t flags = 0) {
    saker_blob b = {param, type, static_cast<uint16_t>(len), flags};
    Append(&b, sizeof(b));
    Append(data, len);
    bytes_.resize(EventView::Padded(bytes_.size()), 0);
    ++nblobs_;
    return *this;
  }

  EventBuilder& Str(uint16_t param, const std::string& s, uint16_t flags = 0) {
    return Blob(param, SAKER_BLOB_STR, s.data(), s.size(), flags);
  }

  // The finished event (valid while the builder lives).
  EventView View() {
    auto* hdr = reinterpret_cast<saker_event_header*>(bytes_.data());
    hdr->size = bytes_.size();
    hdr->nblobs = nblobs_;
    storage_.assign((bytes_.size() + 7) / 8, 0);
    std::memcpy(storage_.data(), bytes_.data(), bytes_.size());
    auto v = EventView::Parse(absl::MakeConstSpan(
        reinterpret_cast<const uint8_t*>(storage_.data()), bytes_.size()));
    EXPECT_TRUE(v.ok()) << v.status();
    return *v;
  }

  std::string Json() {
    EventView v = View();
    std::string out;
    AppendArgsJson(v, &out);
    return out;
  }

 private:
  void Append(const void* p, size_t n) {
    const auto* c = static_cast<const uint8_t*>(p);
    bytes_.insert(bytes_.end(), c, c + n);
  }

  std::vector<uint8_t> bytes_;
  std::vector<uint64_t> storage_;
  uint16_t nblobs_ = 0;
};

std::string Ipv4Sockaddr(const char* ip, uint16_t port) {
  sockaddr_in sa;
  std::memset(&sa, 0, sizeof(sa));
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  inet_pton(AF_INET, ip, &sa.sin_addr);
  return std::string(reinterpret_cast<const char*>(&sa), sizeof(sa));
}

saker_tuple Ipv4Tuple(const char* sip, uint16_t sport, const char* dip, uint16_t dport) {
  saker_tuple t;
  std::memset(&t, 0, sizeof(t));
  t.family = AF_INET;
  t.proto = IPPROTO_TCP;
  t.sport = sport;
  t.dport = dport;
  inet_pton(AF_INET, sip, t.saddr);
  inet_pton(AF_INET, dip, t.daddr);
  return t;
}

TEST(SyscallTableTest, EveryCapturedSyscallHasASpec) {
#define SAKER_X_CHECK(id_, sys, nr_, cat_)                                      \
  {                                                                             \
    const syscalls::SyscallSpec* s = syscalls::FindSyscall(id_);                \
    ASSERT_NE(s, nullptr) << #sys;                                              \
    EXPECT_STREQ(s->name, #sys);                                                \
    EXPECT_EQ(s->category, cat_) << #sys;                                       \
    EXPECT_EQ(syscalls::FindSyscallByName(#sys), s);                            \
    EventBuilder b(id_, 0);                                                     \
    EXPECT_EQ(EventTypeName(b.View()), #sys);                                   \
  }
  SAKER_SYSCALLS(SAKER_X_CHECK)
#undef SAKER_X_CHECK
  EXPECT_EQ(syscalls::FindSyscall(0), nullptr);
  EXPECT_EQ(syscalls::FindSyscall(200), nullptr);
  EXPECT_EQ(syscalls::FindSyscallByName("nosuch"), nullptr);
}

TEST(SyscallTableTest, Openat) {
  EventBuilder b(SAKER_SYS_openat, 3);
  b.Arg(0, static_cast<uint64_t>(-100)).Arg(2, O_RDONLY | O_CLOEXEC).Arg(3, 0);
  b.Str(1, "/etc/hosts");
  EXPECT_EQ(b.Json(),
            R"({"fd":3,"dirfd":-100,"name":"/etc/hosts","flags":"O_RDONLY|O_CLOEXEC","mode":0})");
  EXPECT_EQ(ResultName(3), "SUCCESS");
}

TEST(SyscallTableTest, OpenFailureAndFlags) {
  EventBuilder b(SAKER_SYS_open, -ENOENT);
  b.Arg(1, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_NONBLOCK).Arg(2, 0644);
  b.Str(0, "/nonexistent/x");
  EXPECT_EQ(b.Json(),
            R"({"fd":-2,"name":"/nonexistent/x",)"
            R"("flags":"O_WRONLY|O_CREAT|O_TRUNC|O_APPEND|O_NONBLOCK","mode":420})");
  EXPECT_EQ(ResultName(-ENOENT), "ENOENT");
  EXPECT_EQ(ResultName(-EACCES), "EACCES");
  EXPECT_EQ(ResultName(-9999), "EUNKNOWN");
}

TEST(SyscallTableTest, TruncatedAndFaultedBlobs) {
  EventBuilder t(SAKER_SYS_unlink, 0);
  t.Str(0, "/very/long", SAKER_BLOB_TRUNCATED);
  EXPECT_EQ(t.Json(), R"({"res":0,"path":"/very/long","path_truncated":true})");

  EventBuilder f(SAKER_SYS_unlink, -EFAULT);
  f.Blob(0, SAKER_BLOB_STR, "", 0, SAKER_BLOB_FAULT);
  EXPECT_EQ(f.Json(), R"({"res":-14,"path":null})");

  // No blob (e.g. a NULL pointer the probe skipped): the key is left out.
  EventBuilder n(SAKER_SYS_mount, 0);
  n.Arg(3, 0xc0ed0000 | MS_REMOUNT | MS_RDONLY).Str(1, "/mnt");
  EXPECT_EQ(n.Json(), R"({"res":0,"dir":"/mnt","flags":"MS_RDONLY|MS_REMOUNT"})");
}

TEST(SyscallTableTest, StringsAreEscaped) {
  EventBuilder b(SAKER_SYS_mkdir, 0);
  b.Str(0, "/tmp/a\"b\\c\n").Arg(1, 0755);
  EXPECT_EQ(b.Json(), R"({"res":0,"path":"/tmp/a\"b\\c\n","mode":"0755"})");
}

TEST(SyscallTableTest, ProcessSyscalls) {
  EventBuilder k(SAKER_SYS_kill, -ESRCH);
  k.Arg(0, 4242).Arg(1, 9);
  EXPECT_EQ(k.Json(), R"({"res":-3,"pid":4242,"sig":"SIGKILL"})");

  EventBuilder p(SAKER_SYS_ptrace, -EPERM);
  p.Arg(0, 16).Arg(1, 1).Arg(2, 0).Arg(3, 0);
  EXPECT_EQ(p.Json(),
            R"({"res":-1,"request":"PTRACE_ATTACH","pid":1,"addr":"0x0","data":"0x0"})");

  EventBuilder c(SAKER_SYS_clone, 777);
  c.Arg(0, 0x01200011);  // CHILD_SETTID | CHILD_CLEARTID | SIGCHLD
  EXPECT_EQ(c.Json(), R"({"res":777,"flags":"CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID"})");

  EventBuilder c3(SAKER_SYS_clone3, 0);
  uint64_t flags = 0x80 | 0x40000000;  // NEWTIME | NEWNET
  c3.Blob(0, SAKER_BLOB_U64, &flags, 8).Arg(1, 88);
  EXPECT_EQ(c3.Json(), R"({"res":0,"flags":"CLONE_NEWNET|CLONE_NEWTIME","size":88})");

  EventBuilder u(SAKER_SYS_unshare, 0);
  u.Arg(0, 0x40000000 | 0x20000);
  EXPECT_EQ(u.Json(), R"({"res":0,"flags":"CLONE_NEWNS|CLONE_NEWNET"})");

  EventBuilder s(SAKER_SYS_setresuid, 0);
  s.Arg(0, 0xffffffff).Arg(1, 0).Arg(2, 1000);
  EXPECT_EQ(s.Json(), R"({"res":0,"ruid":4294967295,"euid":0,"suid":1000})");

  EventBuilder pr(SAKER_SYS_prctl, 0);
  pr.Arg(0, 15).Arg(1, 0x1234).Str(1, "worker");
  EXPECT_EQ(pr.Json(),
            R"({"res":0,"option":"PR_SET_NAME","arg2_str":"worker","arg2_int":4660})");

  EventBuilder sig(SAKER_SYS_tgkill, 0);
  sig.Arg(0, 1).Arg(1, 2).Arg(2, 36);
  EXPECT_EQ(sig.Json(), R"({"res":0,"pid":1,"tid":2,"sig":"SIGRTMIN+2"})");
}

TEST(SyscallTableTest, ExecveSuccessReadsTheNewProgram) {
  EventBuilder b(SAKER_SYS_execve, 0);
  saker_exec_info info;
  std::memset(&info, 0, sizeof(info));
  info.cap_effective = 0x1ff;
  info.exe_ino = 42;
  info.exe_ctime_ns = 5;
  info.exe_mtime_ns = 6;
  info.tty = 34816;
  info.loginuid = 1000;
  info.exe_flags = SAKER_EXE_UPPER_LAYER | SAKER_EXE_WRITABLE;
  info.pgid = 7;
  info.sid = 8;
  b.Blob(SAKER_PARAM_EXEC_INFO, SAKER_BLOB_EXEC, &info, sizeof(info));
  b.Str(SAKER_PARAM_EXEPATH, "/usr/bin/ls");
  std::string argv("ls\0-l\0/tmp", 10);
  b.Blob(SAKER_PARAM_ARGV, SAKER_BLOB_STRLIST, argv.data(), argv.size());
  std::string env("A=1\0B=2", 7);
  b.Blob(SAKER_PARAM_ENV, SAKER_BLOB_STRLIST, env.data(), env.size());
  b.Str(SAKER_PARAM_CWD, "/home/u");
  b.Str(SAKER_PARAM_CGROUP, "/user.slice");
  EXPECT_EQ(b.Json(),
            R"({"res":0,"exe":"ls","args":["-l","/tmp"],"tid":101,"pid":100,"ptid":1,)"
            R"("cwd":"/home/u","comm":"tester","cgroups":"/user.slice","env":["A=1","B=2"],)"
            R"("tty":34816,"pgid":7,"sid":8,"loginuid":1000,)"
            R"("flags":"EXE_UPPER_LAYER|EXE_WRITABLE","cap_inheritable":0,"cap_permitted":0,)"
            R"("cap_effective":511,"exe_ino":42,"exe_ino_ctime":5,"exe_ino_mtime":6,)"
            R"("exe_writable":true,"exe_upper_layer":true,"exe_from_memfd":false,)"
            R"("uid":1000,"gid":1001,"trusted_exepath":"/usr/bin/ls"})");
}

TEST(SyscallTableTest, ExecveFailureHasTheFilename) {
  EventBuilder b(SAKER_SYS_execveat, -ENOENT);
  b.Arg(0, static_cast<uint64_t>(-100)).Arg(4, 0x1000).Str(1, "/no/such");
  EXPECT_EQ(b.Json(),
            R"({"res":-2,"tid":101,"pid":100,"ptid":1,"comm":"tester","uid":1000,"gid":1001,)"
            R"("dirfd":-100,"filename":"/no/such","flags":"AT_EMPTY_PATH"})");
}

TEST(SyscallTableTest, FileSyscalls) {
  EventBuilder ch(SAKER_SYS_fchmodat, 0);
  ch.Arg(0, static_cast<uint64_t>(-100)).Arg(2, 04755).Str(1, "x");
  EXPECT_EQ(ch.Json(), R"({"res":0,"dirfd":-100,"filename":"x","mode":"04755"})");

  EventBuilder ul(SAKER_SYS_unlinkat, 0);
  ul.Arg(0, 3).Arg(2, 0x200).Str(1, "d");
  EXPECT_EQ(ul.Json(), R"({"res":0,"dirfd":3,"name":"d","flags":"AT_REMOVEDIR"})");

  EventBuilder rn(SAKER_SYS_renameat2, 0);
  rn.Arg(0, 3).Arg(2, 4).Arg(4, 1).Str(1, "a").Str(3, "b");
  EXPECT_EQ(rn.Json(),
            R"({"res":0,"olddirfd":3,"oldpath":"a","newdirfd":4,"newpath":"b",)"
            R"("flags":"RENAME_NOREPLACE"})");

  EventBuilder p(SAKER_SYS_pipe2, 0);
  int32_t fds[2] = {5, 6};
  p.Blob(0, SAKER_BLOB_FDPAIR, fds, sizeof(fds)).Arg(1, O_CLOEXEC | O_NONBLOCK);
  EXPECT_EQ(p.Json(), R"({"res":0,"fd1":5,"fd2":6,"flags":"O_NONBLOCK|O_CLOEXEC"})");

  EventBuilder fc(SAKER_SYS_fcntl, 7);
  fc.Arg(0, 3).Arg(1, 1030);
  EXPECT_EQ(fc.Json(), R"({"res":7,"fd":3,"cmd":"F_DUPFD_CLOEXEC"})");

  EventBuilder o2(SAKER_SYS_openat2, 4);
  uint64_t how[3] = {O_RDWR | O_CREAT, 0600, 0x8};
  o2.Arg(0, static_cast<uint64_t>(-100)).Str(1, "f").Blob(2, SAKER_BLOB_BYTES, how, 24);
  EXPECT_EQ(o2.Json(),
            R"({"fd":4,"dirfd":-100,"name":"f","flags":"O_RDWR|O_CREAT","mode":384,)"
            R"("resolve":"RESOLVE_BENEATH"})");

  EventBuilder m(SAKER_SYS_memfd_create, 3);
  m.Str(0, "x").Arg(1, 1);
  EXPECT_EQ(m.Json(), R"({"fd":3,"name":"x","flags":"MFD_CLOEXEC"})");

  EventBuilder d3(SAKER_SYS_dup3, 9);
  d3.Arg(0, 3).Arg(1, 9).Arg(2, 0);
  EXPECT_EQ(d3.Json(), R"({"res":9,"oldfd":3,"newfd":9,"flags":"0"})");
}

TEST(SyscallTableTest, NetworkSyscalls) {
  EventBuilder s(SAKER_SYS_socket, 3);
  s.Arg(0, AF_INET).Arg(1, SOCK_STREAM | SOCK_CLOEXEC).Arg(2, 0);
  EXPECT_EQ(s.Json(), R"({"fd":3,"domain":"AF_INET","type":"SOCK_STREAM|SOCK_CLOEXEC","proto":0})");

  EventBuilder c(SAKER_SYS_connect, -ECONNREFUSED);
  saker_tuple t = Ipv4Tuple("127.0.0.1", 40000, "127.0.0.1", 8080);
  std::string sa = Ipv4Sockaddr("127.0.0.1", 8080);
  c.Arg(0, 3).Blob(SAKER_PARAM_TUPLE, SAKER_BLOB_TUPLE, &t, sizeof(t));
  c.Blob(1, SAKER_BLOB_SOCKADDR, sa.data(), sa.size());
  EXPECT_EQ(c.Json(),
            R"({"res":-111,"tuple":"127.0.0.1:40000->127.0.0.1:8080","fd":3,)"
            R"("addr":"127.0.0.1:8080"})");
  EXPECT_EQ(ResultName(-ECONNREFUSED), "ECONNREFUSED");

  EventBuilder a(SAKER_SYS_accept4, 5);
  saker_tuple server = Ipv4Tuple("10.0.0.1", 8080, "10.0.0.2", 51000);
  a.Arg(3, SOCK_CLOEXEC).Blob(SAKER_PARAM_TUPLE, SAKER_BLOB_TUPLE, &server, sizeof(server));
  EXPECT_EQ(a.Json(),
            R"({"fd":5,"tuple":"10.0.0.2:51000->10.0.0.1:8080","flags":"SOCK_CLOEXEC"})");

  EventBuilder six(SAKER_SYS_bind, 0);
  sockaddr_in6 sa6;
  std::memset(&sa6, 0, sizeof(sa6));
  sa6.sin6_family = AF_INET6;
  sa6.sin6_port = htons(443);
  sa6.sin6_addr = in6addr_loopback;
  six.Arg(0, 4).Blob(1, SAKER_BLOB_SOCKADDR, &sa6, sizeof(sa6));
  EXPECT_EQ(six.Json(), R"({"res":0,"addr":"::1:443","fd":4})");

  EventBuilder u(SAKER_SYS_connect, 0);
  saker_tuple ut;
  std::memset(&ut, 0, sizeof(ut));
  ut.family = AF_UNIX;
  sockaddr_un sun;
  std::memset(&sun, 0, sizeof(sun));
  sun.sun_family = AF_UNIX;
  std::strcpy(sun.sun_path, "/run/x.sock");
  u.Arg(0, 3).Blob(SAKER_PARAM_TUPLE, SAKER_BLOB_TUPLE, &ut, sizeof(ut));
  u.Str(SAKER_PARAM_TUPLE, "/run/x.sock");
  u.Blob(1, SAKER_BLOB_SOCKADDR, &sun, 2 + 12);
  EXPECT_EQ(u.Json(), R"({"res":0,"tuple":"/run/x.sock","fd":3,"addr":"/run/x.sock"})");

  EventBuilder st(SAKER_SYS_sendto, 5);
  st.Arg(0, 3).Arg(2, 5).Arg(3, 0x4000).Str(1, "hello");
  st.Blob(1, SAKER_BLOB_BYTES, "hello", 5);
  EXPECT_EQ(st.Json(), R"({"res":5,"data":"hello","fd":3,"size":5,"flags":"MSG_NOSIGNAL"})");

  EventBuilder sh(SAKER_SYS_shutdown, 0);
  sh.Arg(0, 3).Arg(1, 2);
  EXPECT_EQ(sh.Json(), R"({"res":0,"fd":3,"how":"SHUT_RDWR"})");
}

TEST(SyscallTableTest, KernelSyscalls) {
  EventBuilder b(SAKER_SYS_bpf, -EPERM);
  b.Arg(0, 5);
  EXPECT_EQ(b.Json(), R"({"fd":-1,"cmd":"BPF_PROG_LOAD"})");

  EventBuilder io(SAKER_SYS_io_uring_setup, 4);
  uint64_t flags = 2;
  io.Arg(0, 8).Blob(1, SAKER_BLOB_U64, &flags, 8);
  EXPECT_EQ(io.Json(), R"({"res":4,"entries":8,"flags":"IORING_SETUP_SQPOLL"})");

  EventBuilder dm(SAKER_SYS_delete_module, -ENOENT);
  dm.Str(0, "nosuch").Arg(1, O_NONBLOCK);
  EXPECT_EQ(dm.Json(), R"({"res":-2,"name":"nosuch","flags":"O_NONBLOCK"})");
}

TEST(SyscallTableTest, Procexit) {
  EventBuilder b(0, 0, SAKER_EVENT_PROCEXIT);
  b.Arg(0, 3 << 8).Arg(1, 1);
  EventView v = b.View();
  EXPECT_EQ(EventTypeName(v), "procexit");
  EXPECT_EQ(b.Json(), R"({"status":768,"ret":3,"core":false,"group_dead":true})");

  EventBuilder k(0, 0, SAKER_EVENT_PROCEXIT);
  k.Arg(0, 9).Arg(1, 0);
  EXPECT_EQ(k.Json(), R"({"status":9,"ret":0,"sig":"SIGKILL","core":false,"group_dead":false})");
}

TEST(SyscallTableTest, AppendsToTheCallersString) {
  EventBuilder b(SAKER_SYS_close, 0);
  b.Arg(0, 3);
  EventView v = b.View();
  std::string out = "prefix ";
  AppendArgsJson(v, &out);
  EXPECT_EQ(out, R"(prefix {"res":0,"fd":3})");
}

}  // namespace
}  // namespace saker
