#include "server/outputs/dispatcher.h"

#include <algorithm>
#include <utility>

namespace saker::outputs {

Dispatcher::Dispatcher(std::vector<std::unique_ptr<AlertOutput>> outputs, DispatcherOptions options,
                       Clock* clock)
    : outputs_(std::move(outputs)),
      capacity_(options.queue_capacity),
      limiter_(std::move(options.rate_limits), clock) {}

Dispatcher::~Dispatcher() { Stop(absl::ZeroDuration()); }

void Dispatcher::SetFailureHandler(OutputFailureHandler handler) {
  on_failure_ = std::move(handler);
  for (auto& out : outputs_) {
    out->SetFailureHandler(on_failure_);
  }
}

void Dispatcher::Start() {
  absl::MutexLock l(&mu_);
  if (!worker_.joinable() && !stopping_) {
    worker_ = std::thread([this] { Run(); });
  }
}

bool Dispatcher::Submit(Alert alert) {
  if (!limiter_.Allow(alert.rule)) {
    return false;
  }
  Enqueue(std::move(alert));
  return true;
}

void Dispatcher::SubmitInternal(Alert alert) { Enqueue(std::move(alert)); }

void Dispatcher::Enqueue(Alert alert) {
  absl::MutexLock l(&mu_);
  if (capacity_ > 0 && queue_.size() >= capacity_) {
    ++dropped_;
    return;
  }
  queue_.push_back(std::move(alert));
  ++queued_;
}

void Dispatcher::Reopen() {
  absl::MutexLock l(&mu_);
  reopen_ = true;
}

void Dispatcher::Fail(const AlertOutput& output, const absl::Status& status) {
  if (on_failure_) {
    on_failure_(output.Name(), status);
  }
}

void Dispatcher::Run() {
  std::vector<Alert> batch;
  for (;;) {
    bool reopen = false;
    {
      absl::MutexLock l(&mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
        return !queue_.empty() || reopen_ || stopping_;
      };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty() && !reopen_ && stopping_) {
        return;
      }
      batch.swap(queue_);
      reopen = reopen_;
      reopen_ = false;
      busy_ = true;
    }
    if (reopen) {
      for (auto& out : outputs_) {
        if (absl::Status s = out->Reopen(); !s.ok()) {
          Fail(*out, s);
        }
      }
    }
    for (const Alert& alert : batch) {
      for (auto& out : outputs_) {
        if (!alert.skip_output.empty() && alert.skip_output == out->Name()) {
          continue;
        }
        if (absl::Status s = out->Write(alert); !s.ok()) {
          Fail(*out, s);
        }
      }
    }
    batch.clear();  // keeps its capacity for the next swap
    absl::MutexLock l(&mu_);
    busy_ = false;
  }
}

bool Dispatcher::Flush(absl::Duration timeout) {
  absl::Time deadline = absl::Now() + timeout;
  {
    absl::MutexLock l(&mu_);
    auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return queue_.empty() && !busy_; };
    if (!worker_.joinable() && !queue_.empty()) {
      return false;  // nobody would empty it
    }
    if (!mu_.AwaitWithDeadline(absl::Condition(&idle), deadline)) {
      return false;
    }
  }
  bool done = true;
  for (auto& out : outputs_) {
    done = out->Flush(std::max(absl::ZeroDuration(), deadline - absl::Now())) && done;
  }
  return done;
}

void Dispatcher::Stop(absl::Duration drain_timeout) {
  if (drain_timeout > absl::ZeroDuration()) {
    Flush(drain_timeout);
  }
  std::thread worker;
  {
    absl::MutexLock l(&mu_);
    stopping_ = true;
    worker.swap(worker_);
  }
  if (worker.joinable()) {
    worker.join();
  }
  // No failure handler runs after Stop returns: the daemon may then destroy
  // what the handler uses (InternalAlerts).
  for (auto& out : outputs_) {
    out->SetFailureHandler(nullptr);
  }
}

DispatcherStats Dispatcher::Stats() const {
  DispatcherStats s;
  {
    absl::MutexLock l(&mu_);
    s.queued = queued_;
    s.queue_depth = queue_.size();
    s.dropped = dropped_;
  }
  s.rate_limited = limiter_.suppressed_total();
  s.rate_limited_by_rule = limiter_.Suppressed();
  for (const auto& out : outputs_) {
    s.outputs.push_back({out->Name(), out->Counters()});
  }
  return s;
}

}  // namespace saker::outputs
