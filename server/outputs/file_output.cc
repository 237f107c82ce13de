#include "server/outputs/file_output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace saker::outputs {
namespace {

absl::Status Errno(absl::string_view what, const std::string& path, int err) {
  return absl::UnavailableError(absl::StrCat("file output: ", what, " ", path, ": ", strerror(err)));
}

}  // namespace

FileOutput::~FileOutput() { Close(); }

absl::Status FileOutput::Open() {
  if (fd_ >= 0) {
    return absl::OkStatus();
  }
  int fd = open(options_.filename.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, options_.mode);
  if (fd < 0) {
    return Errno("cannot open", options_.filename, errno);
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return Errno("cannot stat", options_.filename, err);
  }
  fd_ = fd;
  size_ = static_cast<uint64_t>(st.st_size);
  return absl::OkStatus();
}

void FileOutput::Close() {
  if (fd_ >= 0) {
    close(fd_);
    fd_ = -1;
  }
}

absl::Status FileOutput::Rotate() {
  Close();
  const std::string& f = options_.filename;
  if (options_.keep <= 0) {
    if (unlink(f.c_str()) != 0 && errno != ENOENT) {
      return Errno("cannot remove", f, errno);
    }
    return Open();
  }
  // f.(keep-1) -> f.keep ... f.1 -> f.2, then f -> f.1 (rename replaces).
  for (int i = options_.keep - 1; i >= 1; --i) {
    std::string from = absl::StrCat(f, ".", i);
    std::string to = absl::StrCat(f, ".", i + 1);
    if (rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT) {
      return Errno("cannot rename", from, errno);
    }
  }
  std::string first = absl::StrCat(f, ".1");
  if (rename(f.c_str(), first.c_str()) != 0 && errno != ENOENT) {
    return Errno("cannot rename", f, errno);
  }
  return Open();
}

absl::Status FileOutput::WriteLine(const std::string& line) {
  if (absl::Status s = Open(); !s.ok()) {
    return s;
  }
  if (options_.max_bytes > 0 && size_ > 0 && size_ + line.size() > options_.max_bytes) {
    if (absl::Status s = Rotate(); !s.ok()) {
      return s;
    }
  }
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = write(fd_, line.data() + done, line.size() - done);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      int err = errno;
      Close();  // the next alert opens it again
      return Errno("cannot write", options_.filename, err);
    }
    done += static_cast<size_t>(n);
    size_ += static_cast<uint64_t>(n);
  }
  return absl::OkStatus();
}

absl::Status FileOutput::Write(const Alert& alert) {
  line_.assign(options_.json ? alert.json : alert.text);
  line_.push_back('\n');
  absl::Status s = WriteLine(line_);
  if (!options_.keep_alive) {
    Close();
  }
  if (!s.ok()) {
    failed_.fetch_add(1, std::memory_order_relaxed);
    return s;
  }
  sent_.fetch_add(1, std::memory_order_relaxed);
  return absl::OkStatus();
}

absl::Status FileOutput::Reopen() {
  Close();
  return absl::OkStatus();
}

OutputCounters FileOutput::Counters() const {
  OutputCounters c;
  c.sent = sent_.load(std::memory_order_relaxed);
  c.failed = failed_.load(std::memory_order_relaxed);
  return c;
}

}  // namespace saker::outputs
