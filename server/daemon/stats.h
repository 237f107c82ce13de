#pragma once

#include <cstdint>
#include <cstdio>
#include <string>

#include "server/driver/driver.h"

namespace saker::daemon {

// One JSON object with what was delivered, sent and lost, by category.
std::string StatsJson(uint64_t delivered, const driver::DriverCounters& c);

// Writes "sakerd stats: {...}" and a newline.
void PrintStats(FILE* out, uint64_t delivered, const driver::DriverCounters& c);

}  // namespace saker::daemon
