#include "clients/cli/interrupt.h"

#include <pthread.h>
#include <signal.h>

#include <ctime>

namespace saker::cli {

Interrupt::Interrupt() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  // A background job of a non-interactive shell starts with SIGINT ignored;
  // an ignored signal is discarded before sigtimedwait could take it.
  signal(SIGINT, SIG_DFL);
  signal(SIGTERM, SIG_DFL);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  watcher_ = std::thread([this, set] {
    const timespec tick{0, 100 * 1000 * 1000};
    while (!stop_.load()) {
      if (sigtimedwait(&set, nullptr, &tick) > 0) {
        requested_.store(true);
      }
    }
  });
}

Interrupt::~Interrupt() {
  stop_.store(true);
  watcher_.join();
}

}  // namespace saker::cli
