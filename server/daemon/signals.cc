#include "server/daemon/signals.h"

#include <signal.h>

#include <atomic>

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

}  // namespace saker::daemon
