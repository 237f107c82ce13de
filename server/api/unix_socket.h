#pragma once

// Claiming a unix socket path before binding it, so that a second server on
// the same path refuses to start instead of removing a live server's socket
// (gRPC unlinks any socket at the path when it binds).
//
// Only a socket nobody listens on (connect() refused: stale, left by a server
// that died) is removed. A live listener, a file that is not a socket, or a
// socket that cannot be probed is an error naming the path, and nothing is
// touched. Servers starting at the same moment serialise on a lock of the
// socket's directory, held from the check until the socket is listening.

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace saker::api {

// What is at a unix socket path now.
enum class SocketPathState {
  kAbsent,  // nothing: free to bind
  kStale,   // a socket nobody listens on
};

// Probes `path` without changing anything: kAbsent or kStale, else an error
// (FAILED_PRECONDITION: a live listener, or not a socket; others name the
// cause).
absl::StatusOr<SocketPathState> ProbeUnixSocketPath(const std::string& path);

// Makes `path` free to bind: removes a stale socket, refuses everything else
// as ProbeUnixSocketPath does (before touching anything).
absl::Status ClaimUnixSocketPath(const std::string& path);

// The identity of a socket file once bound, so that the server removes it at
// shutdown only if it is still its own (not a socket another server made
// there since).
struct SocketFile {
  std::string path;
  dev_t dev = 0;
  ino_t ino = 0;
};
absl::StatusOr<SocketFile> IdentifySocketFile(const std::string& path);
// Unlinks the file only while it is the same socket (same device and inode).
void RemoveSocketFileIfOurs(const SocketFile& file);

// An exclusive lock (flock) of the directories holding the sockets, held while
// they are probed and bound. Each directory is locked once, however it is
// spelled. Released on destruction.
class SocketDirLocks {
 public:
  SocketDirLocks() = default;
  ~SocketDirLocks();
  SocketDirLocks(const SocketDirLocks&) = delete;
  SocketDirLocks& operator=(const SocketDirLocks&) = delete;

  // Locks the directory of socket `path`, waiting at most `wait` for another
  // holder (a server starting on the same directory holds it for
  // milliseconds); the error names the directory.
  absl::Status LockDirOf(const std::string& path, absl::Duration wait = absl::Seconds(5));

 private:
  struct Held {
    int fd;
    dev_t dev;
    ino_t ino;
  };
  std::vector<Held> held_;
};

}  // namespace saker::api
