// The flags every live command shares: how long, which syscalls, and the
// probe's knobs.
#pragma once

#include "server/daemon/flags.h"
#include "server/driver/driver.h"

namespace saker::daemon {

void AddDriverFlags(FlagSet* flags, double* duration, driver::DriverOptions* options);

}  // namespace saker::daemon
