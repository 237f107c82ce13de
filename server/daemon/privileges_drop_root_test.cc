// DropPrivileges on the real process: each case forks, drops in the child
// (it cannot be undone) and reports what the kernel shows back over a pipe.
// Root: it needs the capabilities it drops.
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <string>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gtest/gtest.h"
#include "server/daemon/privileges.h"

namespace saker::daemon {
namespace {

// Runs `fn` in a forked child; returns what it returned ("" = success).
std::string InChild(const std::function<std::string()>& fn) {
  int fds[2];
  if (pipe(fds) != 0) {
    return "pipe failed";
  }
  const pid_t pid = fork();
  if (pid == 0) {
    close(fds[0]);
    std::string result = fn();
    if (result.empty()) {
      result = "OK";
    }
    size_t off = 0;
    while (off < result.size()) {
      const ssize_t n = write(fds[1], result.data() + off, result.size() - off);
      if (n <= 0) {
        break;
      }
      off += static_cast<size_t>(n);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string out;
  char buf[512];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)) {
    if (n > 0) {
      out.append(buf, static_cast<size_t>(n));
    }
  }
  close(fds[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::StrCat("child died (status ", status, "): ", out);
  }
  return out == "OK" ? "" : out;
}

// /proc/self/status as key -> value (tabs between fields kept).
std::map<std::string, std::string> Status() {
  std::map<std::string, std::string> m;
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    const size_t colon = line.find(':');
    if (colon == std::string::npos) {
      continue;
    }
    size_t v = colon + 1;
    while (v < line.size() && (line[v] == '\t' || line[v] == ' ')) {
      ++v;
    }
    m[line.substr(0, colon)] = line.substr(v);
  }
  return m;
}

std::string Mask(std::initializer_list<int> caps) {
  unsigned long long m = 0;
  for (int c : caps) {
    m |= 1ull << c;
  }
  return absl::StrFormat("%016x", m);
}

// "" when /proc/self/status shows `want` for every key.
std::string CheckStatus(const std::map<std::string, std::string>& want) {
  const auto have = Status();
  std::string diff;
  for (const auto& [k, v] : want) {
    auto it = have.find(k);
    const std::string got = it == have.end() ? "(missing)" : it->second;
    if (got != v) {
      absl::StrAppend(&diff, k, ": got \"", got, "\", want \"", v, "\"; ");
    }
  }
  return diff;
}

// errno of an operation, 0 on success.
int ChownErrno() {
  char path[] = "/tmp/saker-privileges-XXXXXX";
  const int fd = mkstemp(path);
  if (fd < 0) {
    return -1;
  }
  const int rc = fchown(fd, 12345, 12345);
  const int err = rc == 0 ? 0 : errno;
  close(fd);
  return err;
}

int BindPort80Errno() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(80);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int rc = bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a));
  const int err = rc == 0 ? 0 : errno;
  close(fd);
  return err;
}

// Ports below this need cap_net_bind_service (0: any port is open to all).
int UnprivilegedPortStart() {
  std::ifstream in("/proc/sys/net/ipv4/ip_unprivileged_port_start");
  int v = 1024;
  in >> v;
  return v;
}

// Another user's process: a child that switched to uid/gid 4242 and waits
// (which also makes it non-dumpable). Its /proc/PID/exe link takes ptrace
// access: cap_sys_ptrace for a process of another user.
class OtherUsersProcess {
 public:
  OtherUsersProcess() {
    pid_ = fork();
    if (pid_ == 0) {
      if (setgroups(0, nullptr) != 0 || setresgid(4242, 4242, 4242) != 0 ||
          setresuid(4242, 4242, 4242) != 0) {
        _exit(1);
      }
      for (;;) {
        pause();
      }
    }
    // Wait until it is another user's (polled: the machine may be loaded).
    for (int i = 0; i < 3000; ++i) {
      std::ifstream in(absl::StrCat("/proc/", pid_, "/status"));
      std::string line;
      while (std::getline(in, line)) {
        if (line.rfind("Uid:\t4242", 0) == 0) {
          return;
        }
      }
      usleep(10000);
    }
  }
  ~OtherUsersProcess() {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_;
};

int ReadlinkExeErrno(pid_t pid) {
  char buf[4096];
  return readlink(absl::StrCat("/proc/", pid, "/exe").c_str(), buf, sizeof(buf)) >= 0 ? 0 : errno;
}

int OpenShadowErrno() {
  const int fd = open("/etc/shadow", O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return errno;
  }
  close(fd);
  return 0;
}

const std::string kDefaultMask = Mask({CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH});

TEST(DropPrivileges, KeepsOnlyTheDefaultCapabilities) {
  EXPECT_EQ(InChild([] {
              if (auto st = DropPrivileges(PrivilegeOptions{}); !st.ok()) {
                return st.ToString();
              }
              std::string err = CheckStatus({{"CapEff", kDefaultMask},
                                             {"CapPrm", kDefaultMask},
                                             {"CapBnd", kDefaultMask},
                                             {"CapInh", Mask({})},
                                             {"CapAmb", Mask({})},
                                             {"NoNewPrivs", "1"},
                                             {"Uid", "0\t0\t0\t0"}});
              if (DescribeCapabilities() != "cap_dac_read_search,cap_sys_ptrace=ep") {
                absl::StrAppend(&err, "described as ", DescribeCapabilities(), "; ");
              }
              if (int e = ChownErrno(); e != EPERM) {
                absl::StrAppend(&err, "chown without cap_chown: ", std::strerror(e), "; ");
              }
              if (UnprivilegedPortStart() > 80) {
                if (int e = BindPort80Errno(); e != EACCES) {
                  absl::StrAppend(&err, "bind :80 without cap_net_bind_service: ",
                                  e == 0 ? "succeeded" : std::strerror(e), "; ");
                }
              }
              return err;
            }),
            "");
}

TEST(DropPrivileges, SwitchesToNobodyAndTheKeptCapabilitiesStillWork) {
  OtherUsersProcess other;
  ASSERT_EQ(ReadlinkExeErrno(other.pid()), 0);
  EXPECT_EQ(InChild([&other] {
              PrivilegeOptions o;
              o.user = "nobody";
              if (auto st = DropPrivileges(o); !st.ok()) {
                return st.ToString();
              }
              std::string err = CheckStatus({{"CapEff", kDefaultMask},
                                             {"CapPrm", kDefaultMask},
                                             {"CapBnd", kDefaultMask},
                                             {"CapInh", Mask({})},
                                             {"CapAmb", Mask({})},
                                             {"NoNewPrivs", "1"},
                                             {"Uid", "65534\t65534\t65534\t65534"},
                                             {"Gid", "65534\t65534\t65534\t65534"}});
              // cap_sys_ptrace: another user's /proc entries.
              if (int e = ReadlinkExeErrno(other.pid()); e != 0) {
                absl::StrAppend(&err, "readlink /proc/PID/exe of uid 4242: ", std::strerror(e),
                                "; ");
              }
              // cap_dac_read_search: a root-only file.
              if (int e = OpenShadowErrno(); e != 0 && e != ENOENT) {
                absl::StrAppend(&err, "open /etc/shadow: ", std::strerror(e), "; ");
              }
              if (setuid(0) == 0) {
                absl::StrAppend(&err, "setuid(0) succeeded; ");
              }
              if (int e = ChownErrno(); e != EPERM) {
                absl::StrAppend(&err, "chown without cap_chown: ", std::strerror(e), "; ");
              }
              return err;
            }),
            "");
}

// The control for the case above: without the kept capabilities the same
// reads fail, so they are what made them work.
TEST(DropPrivileges, NobodyWithoutCapabilitiesCannotReadOtherProcesses) {
  OtherUsersProcess other;
  ASSERT_EQ(ReadlinkExeErrno(other.pid()), 0);
  EXPECT_EQ(InChild([&other] {
              PrivilegeOptions o;
              o.user = "nobody";
              o.keep.clear();
              if (auto st = DropPrivileges(o); !st.ok()) {
                return st.ToString();
              }
              std::string err = CheckStatus({{"CapEff", Mask({})},
                                             {"CapPrm", Mask({})},
                                             {"CapBnd", Mask({})},
                                             {"NoNewPrivs", "1"}});
              if (DescribeCapabilities() != "=") {
                absl::StrAppend(&err, "described as ", DescribeCapabilities(), "; ");
              }
              if (int e = ReadlinkExeErrno(other.pid()); e != EACCES) {
                absl::StrAppend(&err, "readlink /proc/PID/exe of uid 4242: ",
                                e == 0 ? "worked" : std::strerror(e), "; ");
              }
              if (int e = OpenShadowErrno(); e != EACCES && e != ENOENT) {
                absl::StrAppend(&err, "open /etc/shadow: ", e == 0 ? "worked" : std::strerror(e),
                                "; ");
              }
              return err;
            }),
            "");
}

TEST(DropPrivileges, RefusesWhenAnotherThreadRuns) {
  EXPECT_EQ(InChild([] {
              int release[2];
              if (pipe(release) != 0) {
                return std::string("pipe failed");
              }
              std::thread t([&] {
                char c;
                while (read(release[0], &c, 1) < 0 && errno == EINTR) {
                }
              });
              const std::string before = Status()["CapEff"];
              const absl::Status st = DropPrivileges(PrivilegeOptions{});
              close(release[1]);
              t.join();
              std::string err;
              if (st.code() != absl::StatusCode::kFailedPrecondition ||
                  st.message().find("2 threads") == absl::string_view::npos) {
                absl::StrAppend(&err, "status: ", st.ToString(), "; ");
              }
              absl::StrAppend(&err, CheckStatus({{"CapEff", before}, {"NoNewPrivs", "0"}}));
              return err;
            }),
            "");
}

TEST(DropPrivileges, NamesAnUnknownUserAndChangesNothing) {
  EXPECT_EQ(InChild([] {
              PrivilegeOptions o;
              o.user = "saker-no-such-user";
              const std::string before = Status()["CapEff"];
              const absl::Status st = DropPrivileges(o);
              std::string err;
              if (st.code() != absl::StatusCode::kNotFound ||
                  st.message().find("\"saker-no-such-user\"") == absl::string_view::npos) {
                absl::StrAppend(&err, "status: ", st.ToString(), "; ");
              }
              absl::StrAppend(&err, CheckStatus({{"CapEff", before}, {"NoNewPrivs", "0"}}));
              return err;
            }),
            "");
}

TEST(DropPrivileges, CannotKeepWhatItDoesNotHold) {
  EXPECT_EQ(InChild([] {
              PrivilegeOptions first;
              first.keep = {CAP_SYS_PTRACE};
              if (auto st = DropPrivileges(first); !st.ok()) {
                return st.ToString();
              }
              PrivilegeOptions second;
              second.keep = {CAP_NET_ADMIN};
              const absl::Status st = DropPrivileges(second);
              if (st.code() != absl::StatusCode::kFailedPrecondition ||
                  st.message().find("cap_net_admin") == absl::string_view::npos) {
                return absl::StrCat("status: ", st.ToString());
              }
              return CheckStatus({{"CapEff", Mask({CAP_SYS_PTRACE})}});
            }),
            "");
}

TEST(ParseCapabilities, NamesInAnyCase) {
  auto caps = ParseCapabilities("cap_sys_ptrace, CAP_DAC_READ_SEARCH,cap_sys_ptrace");
  ASSERT_TRUE(caps.ok()) << caps.status();
  EXPECT_EQ(*caps, (std::vector<int>{CAP_SYS_PTRACE, CAP_DAC_READ_SEARCH}));
  auto none = ParseCapabilities("");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto bad = ParseCapabilities("cap_sys_ptrace,cap_nonsense");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("cap_nonsense"), absl::string_view::npos);
  EXPECT_FALSE(ParseCapabilities("19").ok());
}

}  // namespace
}  // namespace saker::daemon
