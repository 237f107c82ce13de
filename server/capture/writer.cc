#include "server/capture/writer.h"

#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "server/capture/proc_util.h"

namespace saker::capture {
namespace {

// Writes all of `iov`, retrying short writes and EINTR.
absl::Status WriteAll(int fd, struct iovec* iov, int iovcnt, const std::string& path) {
  while (iovcnt > 0) {
    ssize_t n = writev(fd, iov, iovcnt);
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return ErrnoStatus(errno, absl::StrCat(path, ": write"));
    }
    size_t left = static_cast<size_t>(n);
    while (iovcnt > 0 && left >= iov->iov_len) {
      left -= iov->iov_len;
      ++iov;
      --iovcnt;
    }
    if (iovcnt > 0) {
      iov->iov_base = static_cast<char*>(iov->iov_base) + left;
      iov->iov_len -= left;
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<CaptureWriter>> CaptureWriter::Create(const std::string& path,
                                                                     const CaptureHeader& header) {
  return Create(path, header, Options());
}

absl::StatusOr<std::unique_ptr<CaptureWriter>> CaptureWriter::Create(const std::string& path,
                                                                     const CaptureHeader& header,
                                                                     const Options& options) {
  if (options.block_bytes == 0 || options.block_bytes > kMaxBlockPayload - kMaxEventBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("block_bytes ", options.block_bytes, " out of range"));
  }
  std::string head = EncodeFileHeader(header);
  if (head.size() - kFileHeaderSize > kMaxHeaderSection) {
    return absl::InvalidArgumentError(absl::StrCat("capture header of ", head.size(),
                                                   " bytes exceeds the limit of ",
                                                   kMaxHeaderSection));
  }
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) {
    return ErrnoStatus(errno, absl::StrCat("cannot create ", path));
  }
  std::unique_ptr<CaptureWriter> w(new CaptureWriter(fd, path, options));
  struct iovec iov = {head.data(), head.size()};
  absl::Status st = WriteAll(fd, &iov, 1, path);
  if (!st.ok()) {
    return st;
  }
  w->offset_ = head.size();
  return w;
}

CaptureWriter::CaptureWriter(int fd, std::string path, const Options& options)
    : fd_(fd), path_(std::move(path)), options_(options) {
  block_.reserve(options_.block_bytes + kMaxEventBytes);
}

CaptureWriter::~CaptureWriter() { (void)Close(); }

absl::Status CaptureWriter::Fail(absl::Status st) {
  if (error_.ok()) {
    error_ = st;
  }
  return error_;
}

absl::Status CaptureWriter::Append(const EventView& ev) {
  if (closed_) {
    return absl::FailedPreconditionError(absl::StrCat(path_, ": append after close"));
  }
  if (!error_.ok()) {
    return error_;
  }
  absl::Span<const uint8_t> b = ev.bytes();
  if (b.size() < sizeof(saker_event) || b.size() % 8 != 0 || b.size() > kMaxEventBytes) {
    return absl::InvalidArgumentError(absl::StrCat("event of ", b.size(), " bytes cannot be stored"));
  }
  block_.insert(block_.end(), b.begin(), b.end());  // within the reserved capacity
  ++block_events_;
  if (block_.size() >= options_.block_bytes) {
    return Flush();
  }
  return absl::OkStatus();
}

absl::Status CaptureWriter::Flush() {
  if (!error_.ok()) {
    return error_;
  }
  if (block_events_ == 0) {
    return absl::OkStatus();
  }
  absl::Status st = WriteBlock(kBlockMagic, block_.data(), block_.size(), block_events_, next_event_);
  if (!st.ok()) {
    return Fail(st);
  }
  next_event_ += block_events_;
  block_events_ = 0;
  block_.clear();
  return absl::OkStatus();
}

absl::Status CaptureWriter::WriteBlock(uint32_t magic, const uint8_t* payload, size_t len,
                                       uint32_t count, uint64_t first_event) {
  BlockHeader h;
  h.magic = magic;
  h.payload_len = static_cast<uint32_t>(len);
  h.event_count = count;
  h.payload_crc = Crc32(payload, len);
  h.first_event = first_event;
  uint8_t head[kBlockHeaderSize];
  EncodeBlockHeader(h, head);
  struct iovec iov[2] = {{head, sizeof(head)}, {const_cast<uint8_t*>(payload), len}};
  absl::Status st = WriteAll(fd_, iov, len > 0 ? 2 : 1, path_);
  if (st.ok()) {
    offset_ += sizeof(head) + len;
  }
  return st;
}

absl::Status CaptureWriter::Close() {
  if (closed_) {
    return close_status_;
  }
  closed_ = true;
  absl::Status st = Flush();
  if (st.ok()) {
    // The trailer: a block header with no payload whose first_event holds
    // the number of events in the file.
    st = WriteBlock(kTrailerMagic, nullptr, 0, 0, next_event_ - 1);
  }
  if (st.ok() && fsync(fd_) != 0) {
    st = ErrnoStatus(errno, absl::StrCat(path_, ": fsync"));
  }
  if (close(fd_) != 0 && st.ok()) {
    st = ErrnoStatus(errno, absl::StrCat(path_, ": close"));
  }
  fd_ = -1;
  close_status_ = st;
  return st;
}

}  // namespace saker::capture
