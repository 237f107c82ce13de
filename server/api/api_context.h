#pragma once

#include <cstdint>
#include <string>

#include "server/api/access.h"
#include "server/api/hub.h"
#include "server/api/interfaces.h"
#include "server/api/subscriber_registry.h"

namespace saker::api {

// The server's version as Falco's version service reports it.
struct VersionInfo {
  std::string version = "0.1.0";         // whole semver of sakerd
  std::string engine_version = "0.1.0";  // semver of the rules engine
  std::string engine_fields_checksum;    // hex digest of the field set
};

// What every service and reactor shares; owned by ApiServer, outlives every
// call. Pointers to injected interfaces may be null.
struct ApiContext {
  AlertHub* alerts = nullptr;
  EventHub* events = nullptr;
  SubscriberRegistry registry;
  Access access;
  std::string hostname;
  VersionInfo version;
  int64_t start_time_ns = 0;
  AlertFilterCompiler* alert_filter_compiler = nullptr;
  EventFilterCompiler* event_filter_compiler = nullptr;
  RulesControl* rules = nullptr;
  DriverStatusSource* driver = nullptr;
  // Falco's grpc_output.enabled: false refuses Falco's alert streams
  // (FAILED_PRECONDITION) instead of leaving them silent; Saker v1 streams
  // are not affected.
  bool falco_outputs = true;
};

}  // namespace saker::api
