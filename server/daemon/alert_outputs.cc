#include "server/daemon/alert_outputs.h"

#include "absl/strings/str_cat.h"
#include "server/outputs/file_output.h"
#include "server/outputs/http_output.h"
#include "server/outputs/stdout_output.h"
#include "server/state/json_scan.h"

namespace saker::daemon {

absl::StatusOr<std::vector<std::unique_ptr<outputs::AlertOutput>>> BuildOutputs(
    const config::Config& c, FILE* out) {
  std::vector<std::unique_ptr<outputs::AlertOutput>> v;
  if (c.stdout_output.enabled) {
    v.push_back(std::make_unique<outputs::StdoutOutput>(out, c.json_output, c.buffered_outputs));
  }
  if (c.file_output.enabled) {
    outputs::FileOutputOptions f;
    f.filename = c.file_output.filename;
    f.keep_alive = c.file_output.keep_alive;
    f.json = c.json_output;
    f.max_bytes = c.saker.file_output.max_size_mb << 20;
    f.keep = static_cast<int>(c.saker.file_output.max_files);
    v.push_back(std::make_unique<outputs::FileOutput>(f));
  }
  if (c.http_output.enabled) {
    const config::HttpOutput& h = c.http_output;
    const config::SakerHttpOutput& s = c.saker.http_output;
    outputs::HttpOutputOptions o;
    o.url = h.url;
    o.user_agent = h.user_agent;
    o.insecure = h.insecure;
    o.ca_cert = h.ca_cert;
    o.ca_bundle = h.ca_bundle;
    o.ca_path = h.ca_path;
    o.mtls = h.mtls;
    o.client_cert = h.client_cert;
    o.client_key = h.client_key;
    o.echo = h.echo;
    o.echo_to = out;
    o.compress_uploads = h.compress_uploads;
    o.keep_alive = h.keep_alive;
    o.queue_capacity = s.queue_capacity;
    o.max_retries = static_cast<int>(s.max_retries);
    o.initial_backoff = absl::Milliseconds(s.retry_backoff_ms);
    o.max_backoff = absl::Milliseconds(s.retry_backoff_max_ms);
    o.timeout = absl::Milliseconds(s.timeout_ms);
    auto http = outputs::HttpOutput::Create(o);
    if (!http.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(c.Where("http_output"), ": http_output: ", http.status().message()));
    }
    v.push_back(*std::move(http));
  }
  return v;
}

outputs::RuleRateLimitOptions RateLimitsOf(const config::Config& c) {
  outputs::RuleRateLimitOptions o;
  const config::RateLimit& r = c.saker.rate_limit;
  o.default_limit = {r.rate, static_cast<double>(r.max_burst)};
  for (const auto& [rule, limit] : r.rules) {
    auto [rate, burst] = r.For(rule);
    o.overrides.emplace_back(rule, outputs::RateLimit{rate, static_cast<double>(burst)});
  }
  return o;
}

AlertFanout::AlertFanout(const config::Config& c, outputs::RuleRateLimiter* limiter,
                         outputs::Dispatcher* dispatcher, ApiAlertPublisher* api)
    : limiter_(limiter), dispatcher_(dispatcher), api_(api) {
  const bool lines = c.stdout_output.enabled || c.file_output.enabled;
  text_ = lines && !c.json_output;
  json_ = (lines && c.json_output) || c.http_output.enabled;
}

void AlertFanout::OnAlert(const AlertView& a) {
  if (limiter_ != nullptr && !limiter_->Allow(a.rule->name())) {
    return;
  }
  alerts_.fetch_add(1, std::memory_order_relaxed);
  // The text line serves the text outputs and the API's `output` alike.
  std::string text;
  if (api_ != nullptr || (dispatcher_ != nullptr && text_)) {
    text = a.engine->FormatTextAlert(*a.rule, a.evt_type, a.time_ns, a.extractor);
  }
  if (api_ != nullptr) {
    api_->Publish(a, text);
  }
  if (dispatcher_ != nullptr) {
    outputs::Alert out;
    out.rule = a.rule->name();
    out.priority = static_cast<int>(a.rule->priority());
    out.source = a.rule->source().empty() ? "syscall" : a.rule->source();
    out.time_ns = a.time_ns;
    if (text_) {
      out.text = std::move(text);
    }
    if (json_) {
      out.json = a.engine->FormatJsonAlert(*a.rule, a.evt_type, a.time_ns, a.extractor);
    }
    dispatcher_->Submit(std::move(out));
  }
}

void PublishInternalAlert(const outputs::Alert& alert, api::AlertHub* hub) {
  std::string output;
  std::vector<std::pair<std::string, std::string>> fields;
  state::JsonForEachMember(alert.json, [&](absl::string_view k, absl::string_view v) {
    if (k == "output") {
      state::JsonUnescape(v, &output);
    } else if (k == "output_fields") {
      state::JsonForEachMember(v, [&](absl::string_view fk, absl::string_view fv) {
        std::string value;
        if (!state::JsonIsString(fv) || !state::JsonUnescape(fv, &value)) {
          value.assign(fv.data(), fv.size());
        }
        fields.emplace_back(std::string(fk), std::move(value));
        return true;
      });
    }
    return true;
  });
  std::vector<api::FieldView> views;
  for (const auto& [k, v] : fields) {
    views.emplace_back(k, v);
  }
  api::AlertInput in;
  in.time_ns = alert.time_ns;
  in.priority = static_cast<api::Priority>(alert.priority);
  in.rule = alert.rule;
  in.output = output;
  in.source = alert.source;
  in.output_fields = views;
  hub->Publish(in);
}

void WriteOutputMetrics(const outputs::DispatcherStats& d, const outputs::InternalAlertStats& i,
                        const std::vector<std::pair<std::string, uint64_t>>& rate_limited,
                        observe::metrics::Writer& w) {
  w.Gauge("saker_outputs_queue_depth", "Alerts waiting for the outputs.", {}, d.queue_depth);
  w.Counter("saker_outputs_queue_dropped_total", "Alerts lost because the outputs queue was full.",
            {}, d.dropped);
  for (const outputs::OutputStats& o : d.outputs) {
    const observe::metrics::Labels l = {{"output", o.name}};
    w.Counter("saker_output_sent_total", "Alerts an output wrote or delivered.", l,
              o.counters.sent);
    w.Counter("saker_output_failures_total",
              "Failed writes of an output (HTTP: given up after retries).", l, o.counters.failed);
    w.Counter("saker_output_dropped_total", "Alerts an output lost (its queue full, or given up).",
              l, o.counters.dropped);
    w.Counter("saker_output_retries_total", "Extra delivery attempts of an output.", l,
              o.counters.retries);
    w.Gauge("saker_output_queue_depth", "Alerts waiting in an output's own queue.", l,
            o.counters.queue_depth);
  }
  for (const auto& [rule, n] : rate_limited) {
    w.Counter("saker_alerts_rate_limited_total", "Alerts suppressed by the per-rule rate limit.",
              {{"rule", rule}}, n);
  }
  w.Counter("saker_internal_alerts_total", "Internal alerts (drops, output failures) raised.", {},
            i.emitted);
  w.Counter("saker_internal_alerts_suppressed_total",
            "Internal alerts held back by their rate limit.", {}, i.suppressed);
}

}  // namespace saker::daemon
