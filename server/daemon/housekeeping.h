// sakerd's housekeeping: one thread that once a second reads the driver's
// drop counters and applies Falco's syscall_event_drops actions (log, alert,
// exit) when the share of dropped events passes the threshold, at most as
// often as its rate allows, and beats the heartbeat /healthz reads; another
// that takes SIGHUP reload requests. A reload may take long (large rule
// files) while detection goes on with the running rules: it must neither
// hold up the drop actions nor make the daemon look dead.
#pragma once

#include <atomic>
#include <cstdint>
#include <thread>

#include "absl/synchronization/notification.h"
#include "server/config/config.h"
#include "server/daemon/reloader.h"
#include "server/daemon/signals.h"
#include "server/driver/driver.h"
#include "server/observe/logger.h"
#include "server/outputs/clock.h"
#include "server/outputs/internal_alerts.h"
#include "server/outputs/rate_limiter.h"

namespace saker::daemon {

struct HousekeepingTargets {
  driver::Driver* driver = nullptr;
  Reloader* reloader = nullptr;
  ReloadOnSighup* sighup = nullptr;
  outputs::InternalAlerts* internal = nullptr;  // null: internal alerts off
  observe::Logger* logger = nullptr;
  outputs::Clock* clock = nullptr;
};

class Housekeeping {
 public:
  Housekeeping(HousekeepingTargets t, config::SyscallEventDrops drops);
  ~Housekeeping() { Stop(); }
  void Start();
  void Stop();
  // Set when the `exit` drop action stopped the driver.
  bool exited_on_drops() const { return exited_on_drops_.load(); }
  // Heartbeat for /healthz: the wall-clock ns of the last round.
  int64_t last_round_ns() const { return last_round_ns_.load(std::memory_order_relaxed); }

 private:
  void Run();
  void RunReloads();
  void CheckDrops();
  bool Has(config::DropAction a) const;

  const HousekeepingTargets t_;
  const config::SyscallEventDrops drops_;
  outputs::TokenBucket notices_;
  uint64_t last_sent_ = 0;
  uint64_t last_dropped_ = 0;
  std::atomic<bool> exited_on_drops_{false};
  std::atomic<int64_t> last_round_ns_{0};
  absl::Notification stop_;
  std::thread thread_;
  std::thread reload_thread_;
};

}  // namespace saker::daemon
