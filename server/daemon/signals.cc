#include "server/daemon/signals.h"

#include <signal.h>

#include <atomic>

#include "server/daemon/deadline.h"
#include "server/driver/driver.h"

namespace saker::daemon {
namespace {

// The one piece of process-wide state: a signal handler has no other way to
// reach the source it must stop.
std::atomic<EventSource*> g_target{nullptr};

std::atomic<bool> g_reload{false};

void OnSighup(int) { g_reload.store(true); }

void OnSignal(int) {
  if (EventSource* s = g_target.load()) {
    s->Stop();
  }
}

}  // namespace

StopOnSignals::StopOnSignals(EventSource* source) {
  g_target.store(source);
  signal(SIGINT, OnSignal);
  signal(SIGTERM, OnSignal);
}

StopOnSignals::~StopOnSignals() {
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  g_target.store(nullptr);
}

ReloadOnSighup::ReloadOnSighup() {
  g_reload.store(false);
  signal(SIGHUP, OnSighup);
}

ReloadOnSighup::~ReloadOnSighup() { signal(SIGHUP, SIG_DFL); }

bool ReloadOnSighup::TakeRequest() {
  return g_reload.load(std::memory_order_relaxed) && g_reload.exchange(false);
}

absl::Status RunLive(driver::Driver* driver, EventSink* sink, double duration_s) {
  absl::Status st;
  {
    StopOnSignals signals(driver);
    Deadline deadline(driver, duration_s);
    st = driver->Run(sink);
  }
  driver->Detach();
  if (st.ok()) {
    st = driver->Drain(sink);
  }
  return st;
}

}  // namespace saker::daemon
