#include "server/api/unix_socket.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace saker::api {
namespace {

std::string Errno(int err) { return std::strerror(err); }

// Connects to the socket at `path`: 0 when a listener took the connection,
// else the errno (ECONNREFUSED: nobody listens).
int TryConnect(const std::string& path) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, path.data(), path.size());
  // Non-blocking: a live listener with a full backlog answers EAGAIN at once.
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    return errno;
  }
  const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
  const int err = rc == 0 ? 0 : errno;
  ::close(fd);
  return err;
}

absl::Status Live(const std::string& path) {
  return absl::FailedPreconditionError(
      absl::StrCat("another server is listening on the unix socket ", path,
                   " (is sakerd already running?); not replacing it"));
}

}  // namespace

absl::StatusOr<SocketPathState> ProbeUnixSocketPath(const std::string& path) {
  if (path.empty() || path.size() >= sizeof(sockaddr_un{}.sun_path)) {
    return absl::InvalidArgumentError(absl::StrCat("unix socket path ", path, ": longer than ",
                                                   sizeof(sockaddr_un{}.sun_path) - 1,
                                                   " bytes or empty"));
  }
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) {
      return SocketPathState::kAbsent;
    }
    return absl::FailedPreconditionError(
        absl::StrCat("unix socket path ", path, ": ", Errno(errno)));
  }
  if (!S_ISSOCK(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("unix socket path ", path, " exists and is not a socket; not removing it"));
  }
  switch (const int err = TryConnect(path)) {
    case 0:
      return Live(path);
    case ECONNREFUSED:
      return SocketPathState::kStale;
    case ENOENT:
      return SocketPathState::kAbsent;  // removed meanwhile
    case EAGAIN:
      return Live(path);  // a listener whose backlog is full
    default:
      return absl::FailedPreconditionError(absl::StrCat("unix socket path ", path,
                                                        ": cannot tell whether a server listens (",
                                                        Errno(err), "); not replacing it"));
  }
}

absl::Status ClaimUnixSocketPath(const std::string& path) {
  auto state = ProbeUnixSocketPath(path);
  if (!state.ok()) {
    return state.status();
  }
  if (*state == SocketPathState::kStale && ::unlink(path.c_str()) != 0 && errno != ENOENT) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot remove the stale unix socket ", path, ": ", Errno(errno)));
  }
  return absl::OkStatus();
}

absl::StatusOr<SocketFile> IdentifySocketFile(const std::string& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) {
    return absl::InternalError(absl::StrCat("the unix socket ", path, " is not there after bind"));
  }
  return SocketFile{path, st.st_dev, st.st_ino};
}

void RemoveSocketFileIfOurs(const SocketFile& file) {
  struct stat st {};
  if (::lstat(file.path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == file.dev &&
      st.st_ino == file.ino) {
    ::unlink(file.path.c_str());
  }
}

SocketDirLocks::~SocketDirLocks() {
  for (const Held& h : held_) {
    ::close(h.fd);  // releases the flock
  }
}

absl::Status SocketDirLocks::LockDirOf(const std::string& path, absl::Duration wait) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) {
    dir = ".";
  }
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot open the socket directory ", dir, ": ", Errno(errno)));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    const int err = errno;
    ::close(fd);
    return absl::FailedPreconditionError(absl::StrCat("stat ", dir, ": ", Errno(err)));
  }
  for (const Held& h : held_) {
    if (h.dev == st.st_dev && h.ino == st.st_ino) {
      ::close(fd);  // already held (a second socket in the same directory)
      return absl::OkStatus();
    }
  }
  const absl::Time deadline = absl::Now() + wait;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    const int err = errno;
    if ((err != EWOULDBLOCK && err != EINTR) || absl::Now() >= deadline) {
      ::close(fd);
      return absl::UnavailableError(absl::StrCat(
          "cannot lock the socket directory ", dir, " within ", absl::FormatDuration(wait), ": ",
          err == EWOULDBLOCK ? "another process holds it" : Errno(err)));
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  held_.push_back(Held{fd, st.st_dev, st.st_ino});
  return absl::OkStatus();
}

}  // namespace saker::api
