// Fuzz target for the API's filter compiler: a subscriber's condition (any
// bytes) is compiled as an alert filter and as a raw-event filter, by the
// daemon's rules-engine compilers through CompiledAlertRequest and
// CompiledEventRequest, and each filter that compiles is evaluated on sample
// records. A condition gives a filter or INVALID_ARGUMENT, never a crash, a
// hang or a leak. ci/fuzz runs it under libFuzzer; filter_fuzz_test drives it
// deterministically in ordinary test runs.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/api/records.h"
#include "server/api/v1_filters.h"
#include "server/daemon/api_bridge.h"

namespace {

using saker::api::AlertRecord;
using saker::api::EventRecord;
using saker::api::FieldView;

AlertRecord SampleAlert() {
  const FieldView fields[] = {
      {"evt.type", "openat"},     {"proc.name", "bash"}, {"proc.pid", "4242"},
      {"fd.name", "/etc/shadow"}, {"user.uid", "0"},     {"fd.sip", "10.0.0.1"},
      {"proc.args", "-c id"},     {"evt.res", "<NA>"},
  };
  const std::string_view tags[] = {"filesystem", "mitre_credential_access"};
  saker::api::AlertInput in;
  in.priority = saker::api::Priority::kWarning;
  in.rule = "Read sensitive file untrusted";
  in.output = "sensitive file opened";
  in.output_fields = fields;
  in.tags = tags;
  AlertRecord r;
  r.Assign(in);
  return r;
}

EventRecord SampleEvent() {
  const FieldView args[] = {{"fd", "3"}, {"name", "/etc/passwd"}, {"flags", "O_RDONLY"}};
  saker::api::EventInput in;
  in.type = "openat";
  in.res = 3;
  in.pid = 4242;
  in.tid = 4242;
  in.ppid = 1;
  in.proc_name = "cat";
  in.args = args;
  EventRecord r;
  r.Assign(in);
  return r;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string condition(reinterpret_cast<const char*>(data), size);
  if (condition.empty()) {
    return 0;  // no condition: nothing is compiled
  }
  volatile size_t sink = 0;

  saker::alerts::v1::SubscribeRequest alert_request;
  alert_request.mutable_filter()->set_condition(condition);
  saker::daemon::ApiAlertFilterCompiler alert_compiler;
  auto alerts = saker::api::CompiledAlertRequest::Compile(alert_request, &alert_compiler);
  if (alerts.ok()) {
    const AlertRecord alert = SampleAlert();
    if ((*alerts)->Matches(alert)) {
      saker::alerts::v1::Alert out;
      (*alerts)->Fill(alert, "host", &out);
      sink = sink + out.output_fields_size();
    }
  } else {
    sink = sink + alerts.status().message().size();
  }

  saker::events::v1::SubscribeRequest event_request;
  event_request.mutable_filter()->set_condition(condition);
  saker::daemon::ApiEventFilterCompiler event_compiler;
  auto events = saker::api::CompiledEventRequest::Compile(event_request, &event_compiler);
  if (events.ok()) {
    sink = sink + (*events)->Matches(SampleEvent());
  } else {
    sink = sink + events.status().message().size();
  }
  (void)sink;
  return 0;
}
