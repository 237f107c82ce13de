#include "server/capture/flushing_sink.h"

namespace saker::capture {

FlushingSink::FlushingSink(CaptureWriter* writer, absl::Duration flush_interval) : writer_(writer) {
  timer_ = std::thread([this, flush_interval] { TimerLoop(flush_interval); });
}

FlushingSink::~FlushingSink() { Stop(); }

void FlushingSink::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (timer_.joinable()) {
    timer_.join();
  }
}

void FlushingSink::OnEvent(uint64_t, const EventView& ev) {
  std::lock_guard<std::mutex> lock(mu_);
  if (!status_.ok()) {
    return;
  }
  status_ = writer_->Append(ev);
}

absl::Status FlushingSink::status() const {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

uint64_t FlushingSink::timed_flushes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return timed_flushes_;
}

void FlushingSink::TimerLoop(absl::Duration interval) {
  const auto period = absl::ToChronoNanoseconds(interval);
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    // Every period, from the last tick: a partial block waits at most one
    // period, however the events arrive.
    if (cv_.wait_for(lock, period, [this] { return stopping_; })) {
      break;
    }
    if (writer_->events_buffered() == 0 || !status_.ok()) {
      continue;
    }
    status_ = writer_->Flush();
    ++timed_flushes_;
  }
}

}  // namespace saker::capture
