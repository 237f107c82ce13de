#include "clients/cli/progress.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace saker::cli {

void RateMeter::Observe(uint64_t total, absl::Time now) {
  if (mark_time_ == absl::InfinitePast()) {
    mark_time_ = now;
    mark_total_ = total;
    return;
  }
  const absl::Duration span = now - mark_time_;
  if (span <= absl::ZeroDuration()) {
    return;
  }
  rate_ = static_cast<double>(total - mark_total_) / absl::ToDoubleSeconds(span);
  if (span >= window_) {  // start the next window here
    mark_time_ = now;
    mark_total_ = total;
  }
}

std::string FormatStreamProgress(const StreamProgress& p) {
  return absl::StrFormat("%s: %d received, %.1f/s, %d lost, %s", p.noun, p.received, p.rate, p.lost,
                         p.state);
}

namespace {

size_t TerminalWidth(FILE* out) {
  winsize ws{};
  if (ioctl(fileno(out), TIOCGWINSZ, &ws) == 0 && ws.ws_col > 1) {
    return ws.ws_col;
  }
  return 80;
}

}  // namespace

ProgressLine::ProgressLine(FILE* out, bool enabled, absl::Duration min_interval)
    : out_(out), enabled_(enabled), min_interval_(min_interval), width_(TerminalWidth(out)) {}

ProgressLine::~ProgressLine() { Clear(); }

void ProgressLine::Draw(const std::string& text, absl::Time now, bool force) {
  if (!enabled_ || (!force && now - last_draw_ < min_interval_)) {
    return;
  }
  last_draw_ = now;
  // One column short of the width, so the cursor never wraps to a new line.
  std::string line = text.substr(0, width_ - 1);
  std::fprintf(out_, "\r\033[K%s", line.c_str());
  std::fflush(out_);
  shown_ = true;
}

void ProgressLine::Clear() {
  if (!enabled_ || !shown_) {
    return;
  }
  std::fputs("\r\033[K", out_);
  std::fflush(out_);
  shown_ = false;
}

bool ProgressLine::Wanted(bool forced, bool disabled) {
  if (disabled) {
    return false;
  }
  return forced || isatty(STDERR_FILENO) == 1;
}

}  // namespace saker::cli
