// Records events to a CaptureWriter and writes the partial block at least
// every `flush_interval`, from its own timer, whether or not events arrive:
// a process killed at any moment (kill -9) leaves at most that long of
// events unwritten. The block written on a timer is simply a shorter block
// (FORMAT.md); the file stays valid.
#pragma once

#include <condition_variable>
#include <mutex>
#include <thread>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "server/capture/writer.h"
#include "server/driver/event_source.h"

namespace saker::capture {

class FlushingSink : public EventSink {
 public:
  // `writer` must outlive the sink. The timer starts at once.
  FlushingSink(CaptureWriter* writer, absl::Duration flush_interval);
  // Stops the timer (the writer is left open).
  ~FlushingSink() override;

  FlushingSink(const FlushingSink&) = delete;
  FlushingSink& operator=(const FlushingSink&) = delete;

  // Appends the event; no allocation. After an error, events are dropped
  // and status() keeps the first error.
  void OnEvent(uint64_t evt_num, const EventView& ev) override;
  // The first error of an append or a timed flush.
  absl::Status status() const;
  // Timed flushes so far (the ones that found events to write).
  uint64_t timed_flushes() const;
  // Stops the timer; later calls do nothing.
  void Stop();

 private:
  void TimerLoop(absl::Duration interval);

  CaptureWriter* writer_;
  mutable std::mutex mu_;  // guards the writer and the fields below
  std::condition_variable cv_;
  bool stopping_ = false;
  uint64_t timed_flushes_ = 0;
  absl::Status status_;
  std::thread timer_;
};

}  // namespace saker::capture
