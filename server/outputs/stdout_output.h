// Falco's stdout_output: one line per alert (text or JSON), flushed.
#pragma once

#include <atomic>
#include <cstdio>

#include "server/outputs/output.h"

namespace saker::outputs {

class StdoutOutput : public AlertOutput {
 public:
  // `out` is not owned (stdout in the daemon, a temp file in tests).
  // `buffered` (Falco's buffered_outputs) leaves flushing to stdio's buffer
  // instead of flushing after every alert.
  StdoutOutput(FILE* out, bool json, bool buffered = false)
      : out_(out), json_(json), buffered_(buffered) {}

  absl::Status Write(const Alert& alert) override;
  std::string Name() const override { return "stdout"; }
  OutputCounters Counters() const override;

 private:
  FILE* out_;
  bool json_;
  bool buffered_;
  std::atomic<uint64_t> sent_{0};
  std::atomic<uint64_t> failed_{0};
};

}  // namespace saker::outputs
