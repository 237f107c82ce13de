// Writes a capture file: the header, then events buffered into checksummed
// blocks of about 256 KiB, then a trailer on Close(). Flush() writes a
// partial block (FlushingSink calls it on a timer), so a crash loses only
// the events still buffered. Not thread-safe.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "server/capture/format.h"
#include "server/driver/event_view.h"

namespace saker::capture {

class CaptureWriter {
 public:
  struct Options {
    // A block is written once its payload reaches this size. Small values
    // are for tests; at most kMaxBlockPayload - kMaxEventBytes.
    size_t block_bytes = kDefaultBlockBytes;
  };

  // Creates (or truncates) `path` and writes the header.
  static absl::StatusOr<std::unique_ptr<CaptureWriter>> Create(const std::string& path,
                                                               const CaptureHeader& header);
  static absl::StatusOr<std::unique_ptr<CaptureWriter>> Create(const std::string& path,
                                                               const CaptureHeader& header,
                                                               const Options& options);
  // Closes the file (with Close()) if the caller has not.
  ~CaptureWriter();

  CaptureWriter(const CaptureWriter&) = delete;
  CaptureWriter& operator=(const CaptureWriter&) = delete;

  // Copies the event into the current block; writes the block when full.
  // No allocation in steady state.
  absl::Status Append(const EventView& ev);
  // Writes the current partial block, if any, to the file (no fsync).
  absl::Status Flush();
  // Flushes, writes the trailer, fsyncs and closes. Later calls return the
  // first result.
  absl::Status Close();

  // Events in blocks written to the file, and events in the partial block
  // not yet written.
  uint64_t events_written() const { return next_event_ - 1; }
  uint32_t events_buffered() const { return block_events_; }

 private:
  CaptureWriter(int fd, std::string path, const Options& options);
  absl::Status WriteBlock(uint32_t magic, const uint8_t* payload, size_t len, uint32_t count,
                          uint64_t first_event);
  absl::Status Fail(absl::Status st);

  int fd_;
  std::string path_;
  Options options_;
  std::vector<uint8_t> block_;  // payload of the block being filled
  uint32_t block_events_ = 0;
  uint64_t next_event_ = 1;  // number of the next event appended
  uint64_t offset_ = 0;      // bytes written to the file so far
  absl::Status error_;       // sticky: the first write error
  bool closed_ = false;
  absl::Status close_status_;
};

}  // namespace saker::capture
