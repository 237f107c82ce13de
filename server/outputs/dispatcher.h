// Owns the outputs: Submit() rate-limits per rule and enqueues without ever
// blocking; one worker thread writes each alert to every output.
#pragma once

#include <cstddef>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/outputs/alert.h"
#include "server/outputs/clock.h"
#include "server/outputs/output.h"
#include "server/outputs/rate_limiter.h"
#include "server/outputs/stats.h"

namespace saker::outputs {

struct DispatcherOptions {
  // Falco's outputs_queue.capacity: alerts waiting for the outputs; a full
  // queue drops (counted). 0 means unbounded, as in Falco.
  size_t queue_capacity = 10000;
  RuleRateLimitOptions rate_limits;  // default: no limit
};

class Dispatcher {
 public:
  // `clock` is not owned and must outlive the Dispatcher.
  Dispatcher(std::vector<std::unique_ptr<AlertOutput>> outputs, DispatcherOptions options,
             Clock* clock);
  ~Dispatcher();  // Stop(absl::ZeroDuration()) if still running
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  // Called (on the worker or an output's thread) for each failed write or
  // asynchronous failure, e.g. InternalAlerts::OnOutputFailure. Set it
  // before Start().
  void SetFailureHandler(OutputFailureHandler handler);
  void Start();

  // From the detection thread; never blocks on an output. Applies the
  // per-rule rate limit: false if the alert was rate-limited (not queued;
  // the daemon should not publish it to the API either). true if it passed
  // (it may still be dropped, counted, when the queue is full).
  bool Submit(Alert alert);
  // Internal alerts: no per-rule limit (InternalAlerts has its own).
  void SubmitInternal(Alert alert);

  // Asks the worker to reopen every output (SIGHUP / logrotate).
  void Reopen();
  // Waits until every queued alert has been handed to the outputs and the
  // outputs have delivered them (or given up); true if done within timeout.
  bool Flush(absl::Duration timeout);
  // Delivers what is queued (up to `drain_timeout`), then stops the worker
  // and detaches the failure handler: once it returns no handler runs.
  void Stop(absl::Duration drain_timeout);

  DispatcherStats Stats() const;

 private:
  void Enqueue(Alert alert);
  void Run();
  void Fail(const AlertOutput& output, const absl::Status& status);

  std::vector<std::unique_ptr<AlertOutput>> outputs_;
  const size_t capacity_;
  RuleRateLimiter limiter_;
  OutputFailureHandler on_failure_;  // set before Start, then read-only

  mutable absl::Mutex mu_;
  std::vector<Alert> queue_ ABSL_GUARDED_BY(mu_);
  bool busy_ ABSL_GUARDED_BY(mu_) = false;  // the worker holds a batch
  bool reopen_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  uint64_t queued_ ABSL_GUARDED_BY(mu_) = 0;
  uint64_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread worker_;
};

}  // namespace saker::outputs
