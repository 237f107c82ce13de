// What connects sakerd's pipeline to the gRPC API (server/api): alerts and
// raw events published to the hubs, the rules listed and reloaded, the
// driver's status, and rules-language filters over alerts and events.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "server/api/api_server.h"
#include "server/api/interfaces.h"
#include "server/daemon/detection.h"
#include "server/daemon/rules_handle.h"
#include "server/driver/driver.h"
#include "server/driver/event_source.h"

namespace saker::daemon {

// Publishes alerts to the API's alert hub (never blocks). `output` is the
// alert's text line, formatted once by the caller for every destination.
class ApiAlertPublisher {
 public:
  explicit ApiAlertPublisher(api::AlertHub* hub) : hub_(hub) {}
  void Publish(const AlertView& alert, std::string_view output);

 private:
  api::AlertHub* hub_;
  std::vector<std::pair<std::string, std::string>> fields_;
  std::vector<api::FieldView> field_views_;
  std::vector<std::string_view> tags_;
};

// Publishes raw events to the API's event hub while anyone is subscribed
// (decoding every event for nobody would cost more than the rest of the
// pipeline).
class ApiEventPublisher : public EventSink {
 public:
  ApiEventPublisher(api::ApiServer* server, int64_t boot_time_ns)
      : server_(server), boot_time_ns_(boot_time_ns) {}
  void OnEvent(uint64_t evt_num, const EventView& ev) override;

 private:
  api::ApiServer* server_;
  int64_t boot_time_ns_;
  std::string args_json_;
  std::vector<std::string> values_;
  std::vector<api::FieldView> args_;
};

// Lists the rules for the API; a reload runs `reload` (sakerd's Reloader:
// the whole configuration, not only the rules).
class ApiRulesControl : public api::RulesControl {
 public:
  using ReloadFn = std::function<absl::StatusOr<api::ReloadResult>()>;
  ApiRulesControl(RulesHandle* rules, ReloadFn reload)
      : rules_(rules), reload_(std::move(reload)) {}
  std::vector<api::RuleInfo> ListRules() override;
  absl::StatusOr<api::ReloadResult> Reload() override { return reload_(); }

 private:
  RulesHandle* rules_;
  ReloadFn reload_;
};

// The driver's counters for the API's status call.
class ApiDriverStatus : public api::DriverStatusSource {
 public:
  explicit ApiDriverStatus(const driver::Driver* driver) : driver_(driver) {}
  api::DriverInfo GetDriverStatus() override;

 private:
  const driver::Driver* driver_;
};

// Compiles rules-language conditions over an alert's fields (its
// output_fields, plus rule and priority under the names `rule`... see
// api_filters.cc) and over raw events.
class ApiAlertFilterCompiler : public api::AlertFilterCompiler {
 public:
  absl::StatusOr<std::unique_ptr<api::AlertPredicate>> Compile(std::string_view condition) override;
};

class ApiEventFilterCompiler : public api::EventFilterCompiler {
 public:
  absl::StatusOr<std::unique_ptr<api::EventPredicate>> Compile(std::string_view condition) override;
};

// Falco's API version fields for this build.
api::VersionInfo SakerVersion();

}  // namespace saker::daemon
