// Falco's file_output (filename, keep_alive; JSON lines when json, else text
// lines), plus rotation by size: f -> f.1 -> f.2 ... keeping `keep` files.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

#include "server/outputs/output.h"

namespace saker::outputs {

struct FileOutputOptions {
  std::string filename;
  // Falco's keep_alive: keep the file open between alerts; false opens,
  // appends and closes it for every alert.
  bool keep_alive = false;
  bool json = false;
  // Rotate before a write would make the file larger than this; 0 never.
  uint64_t max_bytes = 0;
  // Rotated files kept (f.1 newest ... f.keep oldest); 0 keeps none.
  int keep = 5;
  int mode = 0640;  // permission bits of a new file (before the umask)
};

class FileOutput : public AlertOutput {
 public:
  explicit FileOutput(FileOutputOptions options) : options_(std::move(options)) {}
  ~FileOutput() override;
  FileOutput(const FileOutput&) = delete;
  FileOutput& operator=(const FileOutput&) = delete;

  absl::Status Write(const Alert& alert) override;
  std::string Name() const override { return "file"; }
  // Closes the file; the next alert opens `filename` afresh (logrotate).
  absl::Status Reopen() override;
  OutputCounters Counters() const override;

 private:
  absl::Status Open();
  void Close();
  absl::Status Rotate();
  absl::Status WriteLine(const std::string& line);

  FileOutputOptions options_;
  int fd_ = -1;
  uint64_t size_ = 0;  // bytes in the open file
  std::string line_;   // reused buffer
  std::atomic<uint64_t> sent_{0};
  std::atomic<uint64_t> failed_{0};
};

}  // namespace saker::outputs
