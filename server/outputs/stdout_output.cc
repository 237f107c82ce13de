#include "server/outputs/stdout_output.h"

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace saker::outputs {

absl::Status StdoutOutput::Write(const Alert& alert) {
  const std::string& line = json_ ? alert.json : alert.text;
  bool ok = fwrite(line.data(), 1, line.size(), out_) == line.size() && fputc('\n', out_) != EOF &&
            (buffered_ || fflush(out_) == 0);
  if (!ok) {
    int err = errno;
    clearerr(out_);
    failed_.fetch_add(1, std::memory_order_relaxed);
    return absl::UnavailableError(absl::StrCat("stdout: write failed: ", strerror(err)));
  }
  sent_.fetch_add(1, std::memory_order_relaxed);
  return absl::OkStatus();
}

OutputCounters StdoutOutput::Counters() const {
  OutputCounters c;
  c.sent = sent_.load(std::memory_order_relaxed);
  c.failed = failed_.load(std::memory_order_relaxed);
  return c;
}

}  // namespace saker::outputs
