#include "server/daemon/api_bridge.h"

#include <cstdio>

#include "server/driver/syscalls/syscall_table.h"
#include "server/state/json_scan.h"

namespace saker::daemon {

void ApiAlertPublisher::Publish(const AlertView& a, std::string_view output) {
  a.engine->FormatOutputFields(*a.rule, a.evt_type, a.time_ns, a.extractor, &fields_);
  field_views_.clear();
  for (const auto& [k, v] : fields_) {
    field_views_.emplace_back(k, v);
  }
  tags_.clear();
  for (const std::string& t : a.rule->tags()) {
    tags_.push_back(t);
  }
  api::AlertInput in;
  in.time_ns = a.time_ns;
  in.priority = static_cast<api::Priority>(static_cast<int>(a.rule->priority()));
  in.rule = a.rule->name();
  in.output = output;
  in.source = a.rule->source().empty() ? std::string_view("syscall") : a.rule->source();
  in.output_fields = field_views_;
  in.tags = tags_;
  hub_->Publish(in);
}

void ApiEventPublisher::OnEvent(uint64_t, const EventView& ev) {
  // One relaxed atomic load: nothing is decoded while nobody subscribes.
  if (server_->subscribers() == 0) {
    return;
  }
  args_json_.clear();
  AppendArgsJson(ev, &args_json_);
  size_t n = 0;
  state::JsonForEachMember(args_json_, [&](absl::string_view k, absl::string_view v) {
    if (values_.size() <= n) {
      values_.emplace_back();
    }
    std::string& value = values_[n];
    if (!state::JsonIsString(v) || !state::JsonUnescape(v, &value)) {
      value.assign(v.data(), v.size());
    }
    if (args_.size() <= n) {
      args_.emplace_back();
    }
    args_[n] = {std::string_view(k.data(), k.size()), value};
    ++n;
    return true;
  });
  const saker_event_header& h = ev.hdr();
  api::EventInput in;
  in.time_ns = boot_time_ns_ + static_cast<int64_t>(h.ts_ns);
  in.cpu = h.cpu;
  absl::string_view type = EventTypeName(ev);
  in.type = std::string_view(type.data(), type.size());
  in.res = h.ret;
  in.pid = h.pid;
  in.tid = h.tid;
  in.ppid = h.ppid;
  absl::string_view comm = ev.comm();
  in.proc_name = std::string_view(comm.data(), comm.size());
  in.uid = h.uid;
  in.gid = h.gid;
  in.cgroup_id = h.cgroup_id;
  in.args = absl::MakeConstSpan(args_.data(), n);
  server_->events().Publish(in);
}

std::vector<api::RuleInfo> ApiRulesControl::ListRules() {
  return rules_->With([](rules::Engine& engine) {
    std::vector<api::RuleInfo> out;
    const rules::RuleSet* set = engine.rule_set();
    if (set == nullptr) {
      return out;
    }
    for (const auto& r : set->rules()) {
      api::RuleInfo info;
      info.name = r->name();
      info.priority = static_cast<api::Priority>(static_cast<int>(r->priority()));
      info.tags.assign(r->tags().begin(), r->tags().end());
      info.event_types = engine.event_types().Names(r->event_types());
      info.source = r->source().empty() ? "syscall" : r->source();
      info.enabled = r->enabled();
      info.match_count = r->matches();
      out.push_back(std::move(info));
    }
    return out;
  });
}

api::DriverInfo ApiDriverStatus::GetDriverStatus() {
  api::DriverInfo info;
  info.probe_loaded = true;
  const driver::DriverCounters c = driver_->ReadCounters();
  info.events_captured = c.total_sent();
  for (int i = 0; i < SAKER_CAT__COUNT; ++i) {
    info.kernel_drops.emplace_back(driver::CategoryName(i), c.dropped[i]);
  }
  return info;
}

api::VersionInfo SakerVersion() {
  api::VersionInfo v;
  v.version = "0.1.0";
  v.engine_version = "0.57.0";  // the Falco rules-language level the engine implements
  // FNV-1a over the supported field names: changes when the field set does.
  rules::FieldRegistry registry;
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < registry.size(); ++i) {
    for (char c : absl::string_view(registry.at(static_cast<int>(i)).name)) {
      h = (h ^ static_cast<uint8_t>(c)) * 1099511628211ull;
    }
    h = (h ^ 0xff) * 1099511628211ull;
  }
  char hex[17];
  snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(h));
  v.engine_fields_checksum = hex;
  return v;
}

}  // namespace saker::daemon
