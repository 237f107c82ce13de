#include "server/daemon/housekeeping.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace saker::daemon {

Housekeeping::Housekeeping(HousekeepingTargets t, config::SyscallEventDrops drops)
    : t_(t),
      drops_(std::move(drops)),
      notices_(outputs::RateLimit{drops_.rate, static_cast<double>(drops_.max_burst)},
               t.clock->MonotonicNs()) {}

void Housekeeping::Start() {
  const driver::DriverCounters c = t_.driver->ReadCounters();
  last_sent_ = c.total_sent();
  last_dropped_ = c.total_dropped();
  last_round_ns_.store(absl::GetCurrentTimeNanos());
  thread_ = std::thread([this] { Run(); });
  if (t_.sighup != nullptr) {
    reload_thread_ = std::thread([this] { RunReloads(); });
  }
}

void Housekeeping::Stop() {
  if (!thread_.joinable()) {
    return;
  }
  if (!stop_.HasBeenNotified()) {
    stop_.Notify();
  }
  thread_.join();
  if (reload_thread_.joinable()) {
    reload_thread_.join();  // after a reload in progress ends
  }
}

bool Housekeeping::Has(config::DropAction a) const {
  return std::find(drops_.actions.begin(), drops_.actions.end(), a) != drops_.actions.end();
}

void Housekeeping::Run() {
  absl::Time next_check = absl::Now() + absl::Seconds(1);
  while (!stop_.WaitForNotificationWithTimeout(absl::Milliseconds(100))) {
    last_round_ns_.store(absl::GetCurrentTimeNanos(), std::memory_order_relaxed);
    if (absl::Now() >= next_check) {
      next_check += absl::Seconds(1);
      CheckDrops();
    }
  }
}

void Housekeeping::RunReloads() {
  while (!stop_.WaitForNotificationWithTimeout(absl::Milliseconds(100))) {
    if (t_.sighup->TakeRequest()) {
      (void)t_.reloader->Reload();  // never throws; logs and counts its own result
    }
  }
}

void Housekeeping::CheckDrops() {
  const driver::DriverCounters c = t_.driver->ReadCounters();
  const uint64_t sent = c.total_sent() - last_sent_;
  const uint64_t dropped = c.total_dropped() - last_dropped_;
  last_sent_ = c.total_sent();
  last_dropped_ = c.total_dropped();
  if (dropped == 0 || Has(config::DropAction::kIgnore)) {
    return;
  }
  const double share = static_cast<double>(dropped) / static_cast<double>(sent + dropped);
  if (share < drops_.threshold || !notices_.TryTake(t_.clock->MonotonicNs())) {
    return;
  }
  if (Has(config::DropAction::kLog)) {
    t_.logger->Warning(absl::StrCat("kernel event drops: ", dropped,
                                    " events dropped in the last "
                                    "second (ring full)"),
                       {{"dropped", static_cast<int64_t>(dropped)}, {"share", share}});
  }
  if (Has(config::DropAction::kAlert) && t_.internal != nullptr) {
    std::vector<std::pair<std::string, uint64_t>> by_category;
    for (int i = 0; i < SAKER_CAT__COUNT; ++i) {
      by_category.emplace_back(driver::CategoryName(i), c.dropped[i]);
    }
    t_.internal->OnDriverCounters(c.total_dropped(), by_category);
  }
  if (Has(config::DropAction::kExit)) {
    t_.logger->Critical("kernel event drops: exiting, as syscall_event_drops.actions asks");
    exited_on_drops_.store(true);
    t_.driver->Stop();
  }
}

}  // namespace saker::daemon
