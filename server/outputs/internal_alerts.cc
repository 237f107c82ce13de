#include "server/outputs/internal_alerts.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/common/json.h"
#include "server/rules/common/priority.h"
#include "server/rules/output/formatter.h"

namespace saker::outputs {
namespace {

uint64_t Increase(uint64_t now, uint64_t before) { return now >= before ? now - before : now; }

uint64_t Previous(const std::vector<std::pair<std::string, uint64_t>>& before,
                  const std::string& key) {
  for (const auto& [k, v] : before) {
    if (k == key) {
      return v;
    }
  }
  return 0;
}

}  // namespace

InternalAlerts::InternalAlerts(InternalAlertOptions options, Clock* clock, Emit emit)
    : options_(std::move(options)),
      clock_(clock),
      emit_(std::move(emit)),
      bucket_(options_.limit, clock->MonotonicNs()),
      last_counters_ns_(clock->MonotonicNs()) {}

Alert InternalAlerts::Build(absl::string_view rule, int priority, const std::string& output,
                            const std::vector<InternalField>& fields, int64_t time_ns) const {
  Alert a;
  a.rule = std::string(rule);
  a.priority = priority;
  a.source = "internal";
  a.time_ns = time_ns;
  uint64_t ts = static_cast<uint64_t>(time_ns);
  if (options_.time_format_iso_8601) {
    rules::AppendIso8601(ts, &a.text);
  } else {
    rules::AppendTimeOfDay(ts, options_.time_zone, &a.text);
  }
  absl::string_view prio = rules::PriorityName(static_cast<rules::Priority>(priority));
  absl::StrAppend(&a.text, ": ", prio, " ", output);

  std::string& j = a.json;
  j = "{";
  AppendJsonKey(&j, "hostname");
  AppendJsonString(&j, options_.hostname);
  j.push_back(',');
  AppendJsonKey(&j, "output");
  AppendJsonString(&j, a.text);
  j.push_back(',');
  AppendJsonKey(&j, "output_fields");
  j.push_back('{');
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) {
      j.push_back(',');
    }
    AppendJsonString(&j, fields[i].key);
    j.push_back(':');
    if (fields[i].is_number) {
      j.append(fields[i].text);
    } else {
      AppendJsonString(&j, fields[i].text);
    }
  }
  j.append("},");
  AppendJsonKey(&j, "priority");
  AppendJsonString(&j, prio);
  j.push_back(',');
  AppendJsonKey(&j, "rule");
  AppendJsonString(&j, a.rule);
  j.push_back(',');
  AppendJsonKey(&j, "source");
  AppendJsonString(&j, a.source);
  j.push_back(',');
  AppendJsonKey(&j, "tags");
  j.append("[],");
  AppendJsonKey(&j, "time");
  std::string iso;
  rules::AppendIso8601(ts, &iso);
  AppendJsonString(&j, iso);
  j.push_back('}');
  return a;
}

void InternalAlerts::Raise(absl::string_view rule, int priority, const std::string& output,
                           const std::vector<InternalField>& fields,
                           absl::string_view skip_output) {
  {
    absl::MutexLock l(&mu_);
    if (!bucket_.TryTake(clock_->MonotonicNs())) {
      ++suppressed_;
      return;
    }
    ++emitted_;
  }
  if (emit_) {
    Alert a = Build(rule, priority, output, fields, clock_->WallNs());
    a.skip_output = std::string(skip_output);
    emit_(a);
  }
}

void InternalAlerts::OnDriverCounters(
    uint64_t total_drops, const std::vector<std::pair<std::string, uint64_t>>& by_category) {
  int64_t now = clock_->MonotonicNs();
  uint64_t n;
  int64_t interval_ns;
  std::vector<InternalField> fields;
  std::string detail;
  {
    absl::MutexLock l(&mu_);
    n = Increase(total_drops, last_total_);
    interval_ns = now - last_counters_ns_;
    if (n > 0) {
      for (const auto& [category, count] : by_category) {
        uint64_t d = Increase(count, Previous(last_by_category_, category));
        if (d == 0) {
          continue;
        }
        fields.push_back({absl::StrCat("n_drops_", category), absl::StrCat(d), true});
        absl::StrAppend(&detail, detail.empty() ? "" : ", ", category, " ", d);
      }
    }
    last_total_ = total_drops;
    last_by_category_ = by_category;
    last_counters_ns_ = now;
  }
  if (n == 0) {
    return;
  }
  // Whole milliseconds: "1s", "1.5s".
  std::string interval = absl::FormatDuration(absl::Milliseconds(interval_ns / 1000000));
  fields.insert(fields.begin(), {{"n_drops", absl::StrCat(n), true},
                                 {"n_drops_total", absl::StrCat(total_drops), true},
                                 {"interval", interval, false}});
  std::string output =
      absl::StrCat("Saker internal: ", n, n == 1 ? " kernel event" : " kernel events",
                   " dropped in the last ", interval, " (ring full");
  if (!detail.empty()) {
    absl::StrAppend(&output, "; ", detail);
  }
  output.push_back(')');
  Raise(kDropsRule, static_cast<int>(rules::Priority::kCritical), output, fields);
}

void InternalAlerts::OnOutputFailure(absl::string_view output, const absl::Status& error) {
  std::string text = absl::StrCat("Saker internal: output ", output, " failed: ", error.message());
  Raise(kOutputFailureRule, static_cast<int>(rules::Priority::kError), text,
        {{"output", std::string(output), false},
         {"error", std::string(error.message()), false},
         {"code", std::string(absl::StatusCodeToString(error.code())), false}},
        output);
}

InternalAlertStats InternalAlerts::Stats() const {
  absl::MutexLock l(&mu_);
  return {emitted_, suppressed_};
}

}  // namespace saker::outputs
