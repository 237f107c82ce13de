#include "server/capture/proc_util.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace saker::capture {

absl::Status ErrnoStatus(int err, const std::string& what) {
  std::string msg = absl::StrCat(what, ": ", std::strerror(err));
  switch (err) {
    case ENOENT:
    case ESRCH:
      return absl::NotFoundError(msg);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(msg);
    default:
      return absl::InternalError(msg);
  }
}

absl::Status ReadProcFile(const std::string& path, size_t limit, std::string* out) {
  out->clear();
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return ErrnoStatus(errno, path);
  }
  char buf[4096];
  while (out->size() < limit) {
    size_t want = std::min(sizeof(buf), limit - out->size());
    ssize_t n = read(fd, buf, want);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      int err = errno;
      close(fd);
      return ErrnoStatus(err, path);
    }
    if (n == 0) {
      break;
    }
    out->append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return absl::OkStatus();
}

absl::StatusOr<std::string> ReadLink(const std::string& path) {
  std::string out(256, '\0');
  for (;;) {
    ssize_t n = readlink(path.c_str(), out.data(), out.size());
    if (n < 0) {
      return ErrnoStatus(errno, path);
    }
    if (static_cast<size_t>(n) < out.size()) {
      out.resize(static_cast<size_t>(n));
      return out;
    }
    if (out.size() >= 65536) {
      return absl::OutOfRangeError(absl::StrCat(path, ": link target too long"));
    }
    out.resize(out.size() * 2);
  }
}

}  // namespace saker::capture
