// A live status line on stderr for a person watching a long operation:
// redrawn in place a few times a second, and cleared before a record is
// printed so that it never mixes into the output. Off unless stderr is a
// terminal or --progress forces it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/time/time.h"

namespace saker::cli {

// Received items per second over a sliding window of about `window`.
class RateMeter {
 public:
  explicit RateMeter(absl::Duration window = absl::Seconds(2)) : window_(window) {}
  // Records the running total at time `now`.
  void Observe(uint64_t total, absl::Time now);
  // Items per second between the window's start and the last observation.
  double rate() const { return rate_; }

 private:
  absl::Duration window_;
  absl::Time mark_time_ = absl::InfinitePast();
  uint64_t mark_total_ = 0;
  double rate_ = 0;
};

struct StreamProgress {
  const char* noun = "alerts";  // "alerts" or "events"
  uint64_t received = 0;
  double rate = 0;  // per second
  uint64_t lost = 0;
  std::string state;  // "connected", "reconnecting", ...
};

// "alerts: 12 received, 3.0/s, 0 lost, connected".
std::string FormatStreamProgress(const StreamProgress& p);

// The status line itself, written to `out` (stderr).
class ProgressLine {
 public:
  // `enabled` false makes every call a no-op. `min_interval` throttles Draw.
  ProgressLine(FILE* out, bool enabled, absl::Duration min_interval = absl::Milliseconds(200));
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  bool enabled() const { return enabled_; }
  // Replaces the line with `text` (cut to the terminal's width) unless the
  // last draw was less than min_interval before `now`; force draws anyway.
  void Draw(const std::string& text, absl::Time now, bool force = false);
  // Erases the line (call before printing a record or a notice).
  void Clear();

  // Whether the progress line should show: forced, or stderr is a terminal.
  static bool Wanted(bool forced, bool disabled);

 private:
  FILE* const out_;
  const bool enabled_;
  const absl::Duration min_interval_;
  absl::Time last_draw_ = absl::InfinitePast();
  bool shown_ = false;
  size_t width_;
};

}  // namespace saker::cli
