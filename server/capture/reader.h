// Reads a capture file block by block. Every block is checksummed before
// any of its events is returned; errors name the file and the byte offset.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/capture/format.h"
#include "server/driver/event_source.h"
#include "server/driver/event_view.h"

namespace saker::capture {

class CaptureReader {
 public:
  // Opens `path` and reads its header. DataLossError for a truncated or
  // corrupt header, InvalidArgumentError for a file that is not a capture,
  // UnimplementedError for a format or wire version this build cannot read.
  static absl::StatusOr<std::unique_ptr<CaptureReader>> Open(const std::string& path);
  // The same over bytes in memory (tests, fuzzing). `name` prefixes errors.
  static absl::StatusOr<std::unique_ptr<CaptureReader>> FromBuffer(std::string bytes,
                                                                   std::string name = "<buffer>");
  ~CaptureReader();

  CaptureReader(const CaptureReader&) = delete;
  CaptureReader& operator=(const CaptureReader&) = delete;

  const CaptureHeader& header() const { return header_; }

  // The next event: true and `*out` set, false at a clean end (a trailer, or
  // end of file exactly at a block boundary), or an error. The view is valid
  // until the next call. Errors are sticky.
  absl::StatusOr<bool> Next(EventView* out);

  // Whether the clean end was a trailer (the writer was closed) rather than
  // a file that simply stops after a block (a crash, or still being written).
  bool has_trailer() const { return has_trailer_; }
  // The file ends before its trailer (it was cut, or its writer was killed)
  // and may lack events: Next() either ended cleanly at a block boundary or
  // failed with DataLossError because the file ends inside a block (a torn
  // last write). Callers must say so (sakerd replay warns, and fails without
  // --allow-truncated). Damage other than a cut is an error, never this.
  bool truncated() const { return (ended_ && !has_trailer_) || cut_inside_block_; }
  // The offset just past the last complete block read: where a truncated
  // file's good part ends.
  uint64_t good_end_offset() const { return next_off_; }
  uint64_t events_read() const { return events_read_; }

 private:
  CaptureReader(int fd, std::string mem, uint64_t size, std::string name);
  absl::Status ReadHeader();
  // Loads and verifies the next block; false at a clean end.
  absl::StatusOr<bool> LoadBlock();
  absl::Status ReadTrailer(uint64_t off, const BlockHeader& h);
  absl::Status ReadAt(uint64_t off, void* dst, size_t len);
  absl::Status BlockError(uint64_t off, absl::string_view what) const;

  int fd_;  // -1 when reading from mem_
  std::string mem_;
  uint64_t size_;  // file size, fixed at open
  std::string name_;
  CaptureHeader header_;

  std::unique_ptr<uint64_t[]> buf_;  // current payload, 8-byte aligned
  size_t buf_words_ = 0;
  size_t payload_len_ = 0;
  size_t cursor_ = 0;         // next event in the payload
  uint32_t block_count_ = 0;  // events the block header announces
  uint32_t block_seen_ = 0;   // events returned from this block
  uint64_t block_off_ = 0;    // file offset of the current block
  uint64_t next_off_ = 0;     // file offset of the next block
  uint64_t events_read_ = 0;
  bool ended_ = false;
  bool has_trailer_ = false;
  bool cut_inside_block_ = false;  // the file ends inside the block at next_off_
  absl::Status error_;
};

// Replays a capture file as an EventSource.
class CaptureSource : public EventSource {
 public:
  static absl::StatusOr<std::unique_ptr<CaptureSource>> Open(const std::string& path);
  explicit CaptureSource(std::unique_ptr<CaptureReader> reader);

  // Delivers every event, numbered from 1, until the end of the file or
  // Stop(). Returns the reader's error for a corrupt file or one cut inside a
  // block, after delivering the events before the damage. A file cut at a
  // block boundary returns OK with truncated() true.
  absl::Status Run(EventSink* sink) override;
  void Stop() override;
  int64_t boot_time_ns() const override;

  const CaptureHeader& header() const { return reader_->header(); }
  const CaptureReader& reader() const { return *reader_; }

 private:
  std::unique_ptr<CaptureReader> reader_;
  std::atomic<bool> stop_{false};
  uint64_t evt_num_ = 0;
};

}  // namespace saker::capture
