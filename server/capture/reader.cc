#include "server/capture/reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "server/capture/codec.h"
#include "server/capture/proc_util.h"

namespace saker::capture {

absl::StatusOr<std::unique_ptr<CaptureReader>> CaptureReader::Open(const std::string& path) {
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return ErrnoStatus(errno, absl::StrCat("cannot open ", path));
  }
  struct stat st;
  if (fstat(fd, &st) != 0) {
    int err = errno;
    close(fd);
    return ErrnoStatus(err, absl::StrCat("cannot stat ", path));
  }
  (void)posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  std::unique_ptr<CaptureReader> r(
      new CaptureReader(fd, std::string(), static_cast<uint64_t>(st.st_size), path));
  absl::Status s = r->ReadHeader();
  if (!s.ok()) {
    return s;
  }
  return r;
}

absl::StatusOr<std::unique_ptr<CaptureReader>> CaptureReader::FromBuffer(std::string bytes,
                                                                         std::string name) {
  uint64_t size = bytes.size();
  std::unique_ptr<CaptureReader> r(new CaptureReader(-1, std::move(bytes), size, std::move(name)));
  absl::Status s = r->ReadHeader();
  if (!s.ok()) {
    return s;
  }
  return r;
}

CaptureReader::CaptureReader(int fd, std::string mem, uint64_t size, std::string name)
    : fd_(fd), mem_(std::move(mem)), size_(size), name_(std::move(name)) {}

CaptureReader::~CaptureReader() {
  if (fd_ >= 0) {
    close(fd_);
  }
}

absl::Status CaptureReader::ReadAt(uint64_t off, void* dst, size_t len) {
  if (off > size_ || len > size_ - off) {
    return absl::DataLossError(absl::StrCat(name_, ": read of ", len, " bytes at offset ", off,
                                            " runs past the end of the file (", size_, " bytes)"));
  }
  if (fd_ < 0) {
    std::memcpy(dst, mem_.data() + off, len);
    return absl::OkStatus();
  }
  auto* p = static_cast<char*>(dst);
  while (len > 0) {
    ssize_t n = pread(fd_, p, len, static_cast<off_t>(off));
    if (n < 0) {
      if (errno == EINTR) {
        continue;
      }
      return ErrnoStatus(errno, absl::StrCat(name_, ": read at offset ", off));
    }
    if (n == 0) {
      return absl::DataLossError(
          absl::StrCat(name_, ": file shrank: unexpected end at offset ", off));
    }
    p += n;
    off += static_cast<uint64_t>(n);
    len -= static_cast<size_t>(n);
  }
  return absl::OkStatus();
}

absl::Status CaptureReader::ReadHeader() {
  uint8_t fh[kFileHeaderSize];
  if (size_ < kFileHeaderSize) {
    return absl::DataLossError(absl::StrCat(name_,
                                            ": file header at offset 0: truncated (file has ",
                                            size_, " of ", kFileHeaderSize, " bytes)"));
  }
  if (absl::Status s = ReadAt(0, fh, sizeof(fh)); !s.ok()) {
    return s;
  }
  if (std::memcmp(fh, kFileMagic, sizeof(kFileMagic)) != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(name_, ": not a Saker capture (bad magic at offset 0)"));
  }
  uint32_t version = LoadLe32(fh + 8);
  if (version != kFormatVersion) {
    return absl::UnimplementedError(absl::StrCat(name_, ": capture format version ", version,
                                                 " is not supported (this build reads ",
                                                 kFormatVersion, ")"));
  }
  uint32_t len = LoadLe32(fh + 12);
  uint32_t crc = LoadLe32(fh + 16);
  if (LoadLe32(fh + 20) != 0) {
    return absl::UnimplementedError(absl::StrCat(name_, ": unknown header flags at offset 20"));
  }
  uint64_t end = (kFileHeaderSize + uint64_t{len} + 7) & ~uint64_t{7};
  if (len > kMaxHeaderSection || end > size_) {
    return absl::DataLossError(absl::StrCat(name_, ": header section at offset ", kFileHeaderSize,
                                            ": length ", len, " runs past the end of the file (",
                                            size_, " bytes) or the limit"));
  }
  std::string section(len, '\0');
  if (absl::Status s = ReadAt(kFileHeaderSize, section.data(), len); !s.ok()) {
    return s;
  }
  if (kVerifyChecksums && Crc32(section.data(), section.size()) != crc) {
    return absl::DataLossError(
        absl::StrCat(name_, ": header section at offset ", kFileHeaderSize, ": checksum mismatch"));
  }
  if (absl::Status s = DecodeHeaderSection(section, &header_); !s.ok()) {
    return absl::Status(s.code(), absl::StrCat(name_, ": header section at offset ",
                                               kFileHeaderSize, ": ", s.message()));
  }
  if (header_.wire_version != SAKER_WIRE_VERSION) {
    return absl::UnimplementedError(absl::StrCat(name_, ": events use wire version ",
                                                 header_.wire_version, ", this build reads ",
                                                 SAKER_WIRE_VERSION));
  }
  next_off_ = end;
  return absl::OkStatus();
}

absl::Status CaptureReader::BlockError(uint64_t off, absl::string_view what) const {
  return absl::DataLossError(absl::StrCat(name_, ": block at offset ", off, ": ", what));
}

absl::Status CaptureReader::ReadTrailer(uint64_t off, const BlockHeader& h) {
  if (h.payload_len != 0 || h.event_count != 0 || h.payload_crc != 0 || h.reserved != 0) {
    return BlockError(off, "malformed trailer");
  }
  if (h.first_event != events_read_) {
    return BlockError(off, absl::StrCat("trailer counts ", h.first_event,
                                        " events, the file holds ", events_read_));
  }
  if (off + kBlockHeaderSize != size_) {
    return BlockError(off,
                      absl::StrCat(size_ - off - kBlockHeaderSize, " bytes follow the trailer"));
  }
  return absl::OkStatus();
}

absl::StatusOr<bool> CaptureReader::LoadBlock() {
  const uint64_t off = next_off_;
  if (off == size_) {
    return false;  // ends at a block boundary, without a trailer
  }
  if (size_ - off < kBlockHeaderSize) {
    cut_inside_block_ = true;
    return BlockError(off, absl::StrCat("truncated block header (", size_ - off, " of ",
                                        kBlockHeaderSize, " bytes)"));
  }
  uint8_t raw[kBlockHeaderSize];
  if (absl::Status s = ReadAt(off, raw, sizeof(raw)); !s.ok()) {
    return s;
  }
  BlockHeader h;
  if (absl::Status s = DecodeBlockHeader(raw, &h); !s.ok()) {
    return BlockError(off, s.message());
  }
  if (h.magic == kTrailerMagic) {
    if (absl::Status s = ReadTrailer(off, h); !s.ok()) {
      return s;
    }
    has_trailer_ = true;
    return false;
  }
  if (h.magic != kBlockMagic) {
    return BlockError(off, absl::StrFormat("bad block magic 0x%08x", h.magic));
  }
  if (h.payload_len % 8 != 0 || h.payload_len > kMaxBlockPayload || h.reserved != 0 ||
      h.event_count == 0 || h.payload_len / sizeof(saker_event) < h.event_count) {
    return BlockError(off, absl::StrCat("malformed block header (", h.payload_len, " bytes, ",
                                        h.event_count, " events)"));
  }
  if (h.first_event != events_read_ + 1) {
    return BlockError(
        off, absl::StrCat("starts at event ", h.first_event, ", expected ", events_read_ + 1));
  }
  if (h.payload_len > size_ - off - kBlockHeaderSize) {
    cut_inside_block_ = true;  // the header's checksum held: a cut, not damage
    return BlockError(off,
                      absl::StrCat("truncated block: payload of ", h.payload_len, " bytes, only ",
                                   size_ - off - kBlockHeaderSize, " left in the file"));
  }
  size_t words = h.payload_len / 8;
  if (words > buf_words_) {
    buf_.reset(new uint64_t[words]);
    buf_words_ = words;
  }
  if (absl::Status s = ReadAt(off + kBlockHeaderSize, buf_.get(), h.payload_len); !s.ok()) {
    return s;
  }
  if (kVerifyChecksums && Crc32(buf_.get(), h.payload_len) != h.payload_crc) {
    return BlockError(off, "checksum mismatch");
  }
  payload_len_ = h.payload_len;
  cursor_ = 0;
  block_count_ = h.event_count;
  block_seen_ = 0;
  block_off_ = off;
  next_off_ = off + kBlockHeaderSize + h.payload_len;
  return true;
}

absl::StatusOr<bool> CaptureReader::Next(EventView* out) {
  if (!error_.ok()) {
    return error_;
  }
  if (ended_) {
    return false;
  }
  if (cursor_ == payload_len_) {
    absl::StatusOr<bool> more = LoadBlock();
    if (!more.ok()) {
      error_ = more.status();
      return error_;
    }
    if (!*more) {
      ended_ = true;
      return false;
    }
  }
  const auto* base = reinterpret_cast<const uint8_t*>(buf_.get());
  absl::StatusOr<EventView> ev =
      EventView::Parse(absl::MakeConstSpan(base + cursor_, payload_len_ - cursor_));
  if (!ev.ok()) {
    error_ = BlockError(
        block_off_, absl::StrCat("event at offset ", block_off_ + kBlockHeaderSize + cursor_, ": ",
                                 ev.status().message()));
    return error_;
  }
  cursor_ += ev->bytes().size();
  ++block_seen_;
  if ((block_seen_ == block_count_) != (cursor_ == payload_len_)) {
    error_ = BlockError(block_off_, absl::StrCat("header announces ", block_count_,
                                                 " events, the payload holds a different number"));
    return error_;
  }
  ++events_read_;
  *out = *ev;
  return true;
}

static_assert(std::atomic<bool>::is_always_lock_free, "Stop() must be async-signal-safe");

absl::StatusOr<std::unique_ptr<CaptureSource>> CaptureSource::Open(const std::string& path) {
  absl::StatusOr<std::unique_ptr<CaptureReader>> reader = CaptureReader::Open(path);
  if (!reader.ok()) {
    return reader.status();
  }
  return std::make_unique<CaptureSource>(*std::move(reader));
}

CaptureSource::CaptureSource(std::unique_ptr<CaptureReader> reader) : reader_(std::move(reader)) {}

absl::Status CaptureSource::Run(EventSink* sink) {
  EventView ev;
  while (!stop_.load(std::memory_order_relaxed)) {
    absl::StatusOr<bool> more = reader_->Next(&ev);
    if (!more.ok()) {
      return more.status();
    }
    if (!*more) {
      return absl::OkStatus();
    }
    sink->OnEvent(++evt_num_, ev);
  }
  return absl::OkStatus();
}

void CaptureSource::Stop() { stop_.store(true, std::memory_order_relaxed); }

int64_t CaptureSource::boot_time_ns() const { return reader_->header().boot_time_ns; }

}  // namespace saker::capture
