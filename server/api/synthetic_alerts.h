#pragma once

#include <cstdint>

#include "server/api/hub.h"

namespace saker::api {

// Publishes synthetic alert number `n` (rules "Synthetic rule 0..3", rotating
// priorities, tags and sources); for the test server, tests and benches.
uint64_t PublishSyntheticAlert(AlertHub& hub, uint64_t n);

// Publishes synthetic event number `n` (types execve, connect, openat).
uint64_t PublishSyntheticEvent(EventHub& hub, uint64_t n);

}  // namespace saker::api
