// saker: the command-line client of sakerd. See clients/cli/README.md.
#include <csignal>
#include <string>
#include <vector>

#include "clients/cli/dispatch.h"
#include "clients/cli/interrupt.h"

int main(int argc, char** argv) {
  // First, before gRPC starts threads: they inherit the blocked signals.
  saker::cli::Interrupt interrupt;
  std::signal(SIGPIPE, SIG_IGN);  // a closed pipe is a write error (EPIPE), handled
  saker::cli::Context ctx;
  ctx.interrupt = &interrupt;
  return saker::cli::Dispatch(std::vector<std::string>(argv + 1, argv + argc), ctx);
}
