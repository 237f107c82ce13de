// Claiming a unix socket path with real sockets: absent and stale paths are
// free (a stale socket is removed), a live listener, a regular file, a
// directory and a symlink are refused untouched; shutdown removes only its
// own socket; the directory lock.

#include "server/api/unix_socket.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace saker::api {
namespace {

// A socket bound at `path`, listening or not.
class BoundSocket {
 public:
  BoundSocket(const std::string& path, bool listen) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path.data(), path.size());
    ok_ = fd_ >= 0 && ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
          (!listen || ::listen(fd_, 16) == 0);
  }
  ~BoundSocket() { Close(); }
  bool ok() const { return ok_; }
  // Closes without unlinking: the file stays, stale.
  void Close() {
    if (fd_ >= 0) {
      ::close(fd_);
      fd_ = -1;
    }
  }

 private:
  int fd_ = -1;
  bool ok_ = false;
};

bool IsSocket(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode);
}

bool Exists(const std::string& path) {
  struct stat st {};
  return ::lstat(path.c_str(), &st) == 0;
}

class UnixSocketTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Short: sun_path has 108 bytes, Bazel's TEST_TMPDIR may be longer.
    char dir[] = "/tmp/saker-sock-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    dir_ = dir;
    path_ = dir_ + "/s.sock";
  }
  void TearDown() override { std::system(("rm -rf " + dir_).c_str()); }

  std::string dir_;
  std::string path_;
};

TEST_F(UnixSocketTest, AbsentPathIsFree) {
  auto state = ProbeUnixSocketPath(path_);
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(*state, SocketPathState::kAbsent);
  EXPECT_TRUE(ClaimUnixSocketPath(path_).ok());
  EXPECT_FALSE(Exists(path_));
}

TEST_F(UnixSocketTest, StaleSocketIsRemovedByClaimOnly) {
  BoundSocket s(path_, /*listen=*/true);
  ASSERT_TRUE(s.ok());
  s.Close();  // a server that died: the file stays, nobody listens
  ASSERT_TRUE(IsSocket(path_));
  auto state = ProbeUnixSocketPath(path_);
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(*state, SocketPathState::kStale);
  EXPECT_TRUE(IsSocket(path_));  // probing changes nothing
  EXPECT_TRUE(ClaimUnixSocketPath(path_).ok());
  EXPECT_FALSE(Exists(path_));
  BoundSocket again(path_, true);
  EXPECT_TRUE(again.ok());
}

TEST_F(UnixSocketTest, BoundButNotListeningIsStale) {
  BoundSocket s(path_, /*listen=*/false);
  ASSERT_TRUE(s.ok());
  EXPECT_TRUE(ClaimUnixSocketPath(path_).ok());
  EXPECT_FALSE(Exists(path_));
}

TEST_F(UnixSocketTest, LiveListenerIsRefusedAndKept) {
  BoundSocket live(path_, /*listen=*/true);
  ASSERT_TRUE(live.ok());
  absl::Status st = ClaimUnixSocketPath(path_);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(st.message(), path_)) << st;
  EXPECT_TRUE(absl::StrContains(st.message(), "another server is listening")) << st;
  EXPECT_EQ(ProbeUnixSocketPath(path_).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(IsSocket(path_));
  // Still the live one: a second probe connects again.
  EXPECT_FALSE(ClaimUnixSocketPath(path_).ok());
}

TEST_F(UnixSocketTest, LiveListenerWithAFullBacklogIsRefused) {
  BoundSocket live(path_, /*listen=*/true);
  ASSERT_TRUE(live.ok());
  // Fill the backlog (never accepted) until a non-blocking connect says EAGAIN.
  std::vector<int> fds;
  for (int i = 0; i < 64; ++i) {
    int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::memcpy(addr.sun_path, path_.data(), path_.size());
    fds.push_back(fd);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      break;
    }
  }
  absl::Status st = ClaimUnixSocketPath(path_);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition) << st;
  EXPECT_TRUE(IsSocket(path_));
  for (int fd : fds) {
    ::close(fd);
  }
}

TEST_F(UnixSocketTest, RegularFileDirectoryAndSymlinkAreRefusedAndKept) {
  std::ofstream(path_) << "not a socket";
  absl::Status st = ClaimUnixSocketPath(path_);
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(absl::StrContains(st.message(), path_ + " exists and is not a socket")) << st;
  EXPECT_TRUE(Exists(path_));

  const std::string sub = dir_ + "/d.sock";
  ASSERT_EQ(::mkdir(sub.c_str(), 0700), 0);
  EXPECT_FALSE(ClaimUnixSocketPath(sub).ok());
  EXPECT_TRUE(Exists(sub));

  // A symlink to a stale socket is not followed, nor removed.
  const std::string target = dir_ + "/t.sock";
  BoundSocket stale(target, true);
  ASSERT_TRUE(stale.ok());
  stale.Close();
  const std::string link = dir_ + "/l.sock";
  ASSERT_EQ(::symlink(target.c_str(), link.c_str()), 0);
  EXPECT_FALSE(ClaimUnixSocketPath(link).ok());
  EXPECT_TRUE(Exists(link));
  EXPECT_TRUE(IsSocket(target));
}

TEST_F(UnixSocketTest, TooLongPathIsRefused) {
  const std::string path = dir_ + "/" + std::string(120, 'x');
  absl::Status st = ClaimUnixSocketPath(path);
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StrContains(st.message(), "107 bytes")) << st;
}

TEST_F(UnixSocketTest, ShutdownRemovesOnlyItsOwnSocket) {
  BoundSocket mine(path_, true);
  ASSERT_TRUE(mine.ok());
  auto file = IdentifySocketFile(path_);
  ASSERT_TRUE(file.ok()) << file.status();

  // Another server replaced it meanwhile: ours is not there any more.
  ASSERT_EQ(::unlink(path_.c_str()), 0);
  BoundSocket theirs(path_, true);
  ASSERT_TRUE(theirs.ok());
  RemoveSocketFileIfOurs(*file);
  EXPECT_TRUE(IsSocket(path_));
  EXPECT_EQ(ClaimUnixSocketPath(path_).code(), absl::StatusCode::kFailedPrecondition);

  // Its own: removed.
  auto their_file = IdentifySocketFile(path_);
  ASSERT_TRUE(their_file.ok());
  RemoveSocketFileIfOurs(*their_file);
  EXPECT_FALSE(Exists(path_));
}

TEST_F(UnixSocketTest, DirectoryLockIsExclusiveAndTakenOncePerDirectory) {
  auto first = std::make_unique<SocketDirLocks>();
  ASSERT_TRUE(first->LockDirOf(path_).ok());
  // The same directory spelled differently, for a second socket: held already.
  ASSERT_TRUE(first->LockDirOf(dir_ + "/./other.sock").ok());

  // Another holder (its own open file description) waits, then gives up.
  SocketDirLocks second;
  absl::Status st = second.LockDirOf(path_, absl::Milliseconds(50));
  EXPECT_EQ(st.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(absl::StrContains(st.message(), "cannot lock the socket directory " + dir_)) << st;
  EXPECT_TRUE(absl::StrContains(st.message(), "another process holds it")) << st;

  first.reset();  // released
  EXPECT_TRUE(second.LockDirOf(path_, absl::Milliseconds(50)).ok());
}

}  // namespace
}  // namespace saker::api
