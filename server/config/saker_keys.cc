// Saker's own settings, under the top-level `saker:` map.
#include <cmath>

#include "server/config/schema.h"

namespace saker::config::internal {
namespace {

// An octal mode written as 0660, "0660" or 660; at most 0777.
std::optional<uint32_t> ParseMode(const std::string& text) {
  if (text.empty() || text.size() > 4) {
    return std::nullopt;
  }
  uint32_t mode = 0;
  for (char c : text) {
    if (c < '0' || c > '7') {
      return std::nullopt;
    }
    mode = mode * 8 + static_cast<uint32_t>(c - '0');
  }
  return mode <= 0777 ? std::optional<uint32_t>(mode) : std::nullopt;
}

void AddApiKeys(Schema* s) {
  auto a = [](Config& c) -> Api& { return c.saker.api; };
  s->Add("saker.api.enabled", Bool([a](Config & c) -> auto& { return a(c).enabled; }));
  s->Add("saker.api.binds", StringList(
                                [a](Config & c) -> auto& { return a(c).binds; }, CheckBind));
  s->Add("saker.api.tls.cert", String([a](Config & c) -> auto& { return a(c).tls.cert; }));
  s->Add("saker.api.tls.key", String([a](Config & c) -> auto& { return a(c).tls.key; }));
  s->Add("saker.api.tls.ca", String([a](Config & c) -> auto& { return a(c).tls.ca; }));
  s->Add("saker.api.socket_mode", [a](const Value& v, Context* ctx) {
    auto mode = v.node.IsScalar() ? ParseMode(v.node.Scalar()) : std::nullopt;
    if (!mode) {
      Expected(v, "an octal mode from 0000 to 0777", ctx);
      return;
    }
    a(*ctx->config).socket_mode = *mode;
  });
  s->Add("saker.api.socket_group", String([a](Config & c) -> auto& { return a(c).socket_group; }));
  s->Add("saker.api.allow", [a](const Value& v, Context* ctx) {
    std::map<std::string, std::vector<std::string>> allow;
    if (!IsAbsent(v.node) && !v.node.IsMap()) {
      Expected(v, "a map of service name to a list of client identities", ctx);
      return;
    }
    for (auto it = v.node.begin(); !IsAbsent(v.node) && it != v.node.end(); ++it) {
      const std::string service = it->first.Scalar();
      Value ids = v.Child(it->second, absl::StrCat(v.key, ".", service), it->first.Mark());
      if (!ids.node.IsSequence()) {
        Expected(ids, "a list of client identities", ctx);
        continue;
      }
      Record(ids, ctx);
      std::vector<std::string>& out = allow[service];
      for (size_t i = 0; i < ids.node.size(); ++i) {
        Value id = ids.Child(ids.node[i], absl::StrCat(ids.key, "[", i, "]"), ids.node.Mark());
        if (!id.node.IsScalar() || id.node.Scalar().empty()) {
          Expected(id, "a client identity (certificate CN or SAN)", ctx);
          continue;
        }
        out.push_back(id.node.Scalar());
      }
    }
    a(*ctx->config).allow = std::move(allow);
  });
  constexpr int64_t kMaxHistory = 1 << 24;
  s->Add("saker.api.alert_history",
         Int<uint64_t>(
             [a](Config & c) -> auto& { return a(c).alert_history; }, 1, kMaxHistory));
  s->Add("saker.api.event_history",
         Int<uint64_t>(
             [a](Config & c) -> auto& { return a(c).event_history; }, 1, kMaxHistory));
  s->Add("saker.api.keepalive_time_ms",
         Int<uint64_t>(
             [a](Config & c) -> auto& { return a(c).keepalive_time_ms; }, 1000, 86400000));
  s->Add("saker.api.keepalive_timeout_ms",
         Int<uint64_t>(
             [a](Config & c) -> auto& { return a(c).keepalive_timeout_ms; }, 100, 86400000));
  constexpr int64_t kMaxStreams = 1 << 20;
  s->Add("saker.api.max_subscribers",
         Int<uint64_t>([a](Config & c) -> auto& { return a(c).max_subscribers; }, 1, kMaxStreams));
  s->Add("saker.api.max_subscribers_per_identity",
         Int<uint64_t>(
             [a](Config & c) -> auto& { return a(c).max_subscribers_per_identity; }, 1,
             kMaxStreams));
  s->Add("saker.api.max_streams_per_connection",
         Int<uint64_t>(
             [a](Config & c) -> auto& { return a(c).max_streams_per_connection; }, 1,
             kMaxStreams));
}

void AddOutputKeys(Schema* s) {
  auto f = [](Config& c) -> SakerFileOutput& { return c.saker.file_output; };
  s->Add("saker.file_output.max_size_mb",
         Int<uint64_t>(
             [f](Config & c) -> auto& { return f(c).max_size_mb; }, 0, 1 << 20));
  s->Add("saker.file_output.max_files",
         Int<uint32_t>(
             [f](Config & c) -> auto& { return f(c).max_files; }, 0, 1000));
  auto h = [](Config& c) -> SakerHttpOutput& { return c.saker.http_output; };
  s->Add("saker.http_output.queue_capacity",
         Int<uint64_t>(
             [h](Config & c) -> auto& { return h(c).queue_capacity; }, 1, 10000000));
  s->Add("saker.http_output.max_retries",
         Int<uint32_t>(
             [h](Config & c) -> auto& { return h(c).max_retries; }, 0, 1000));
  s->Add("saker.http_output.retry_backoff_ms",
         Int<uint64_t>(
             [h](Config & c) -> auto& { return h(c).retry_backoff_ms; }, 1, 3600000));
  s->Add("saker.http_output.retry_backoff_max_ms",
         Int<uint64_t>(
             [h](Config & c) -> auto& { return h(c).retry_backoff_max_ms; }, 1, 3600000));
  s->Add("saker.http_output.timeout_ms",
         Int<uint64_t>(
             [h](Config & c) -> auto& { return h(c).timeout_ms; }, 1, 3600000));
}

void AddRateKeys(Schema* s) {
  auto r = [](Config& c) -> RateLimit& { return c.saker.rate_limit; };
  s->Add("saker.rate_limit.rate", Double(
                                      [r](Config & c) -> auto& { return r(c).rate; }, 0, INFINITY));
  s->Add("saker.rate_limit.max_burst",
         Int<uint32_t>(
             [r](Config & c) -> auto& { return r(c).max_burst; }, 1, UINT32_MAX));
  s->Add("saker.rate_limit.rules", [r](const Value& v, Context* ctx) {
    std::map<std::string, RuleRateLimit> rules;
    if (!IsAbsent(v.node) && !v.node.IsMap()) {
      Expected(v, "a map of rule name to {rate, max_burst}", ctx);
      return;
    }
    for (auto it = v.node.begin(); !IsAbsent(v.node) && it != v.node.end(); ++it) {
      const std::string rule = it->first.Scalar();
      Value entry = v.Child(it->second, absl::StrCat(v.key, ".", rule), it->first.Mark());
      if (!entry.node.IsMap()) {
        Expected(entry, "a map with rate and max_burst", ctx);
        continue;
      }
      RuleRateLimit& out = rules[rule];
      for (auto f = entry.node.begin(); f != entry.node.end(); ++f) {
        const std::string name = f->first.Scalar();
        Value field = entry.Child(f->second, absl::StrCat(entry.key, ".", name), f->first.Mark());
        if (name == "rate") {
          out.rate = DoubleValue(field, 0, INFINITY, ctx);
        } else if (name == "max_burst") {
          auto n = IntValue(field, 1, UINT32_MAX, ctx);
          out.max_burst = n ? std::optional<uint32_t>(static_cast<uint32_t>(*n)) : std::nullopt;
        } else {
          ctx->diag->Warning(field.where, field.key, "not supported by saker, ignored");
          continue;
        }
        Record(field, ctx);
      }
    }
    r(*ctx->config).rules = std::move(rules);
  });
  auto i = [](Config& c) -> InternalAlerts& { return c.saker.internal_alerts; };
  s->Add("saker.internal_alerts.enabled", Bool([i](Config & c) -> auto& { return i(c).enabled; }));
  s->Add("saker.internal_alerts.rate",
         Double(
             [i](Config & c) -> auto& { return i(c).rate; }, 0, INFINITY));
  s->Add("saker.internal_alerts.max_burst",
         Int<uint32_t>(
             [i](Config & c) -> auto& { return i(c).max_burst; }, 1, UINT32_MAX));
}

void AddProcessKeys(Schema* s) {
  s->Add("saker.log_format",
         Enum<LogFormat>([](Config & c) -> auto& { return c.saker.log_format; },
                         {{"text", LogFormat::kText}, {"json", LogFormat::kJson}}));
  s->Add("saker.user", String([](Config & c) -> auto& { return c.saker.user; }));
  s->Add("saker.group", String([](Config & c) -> auto& { return c.saker.group; }));
  auto d = [](Config& c) -> Driver& { return c.saker.driver; };
  s->Add("saker.driver.ring_bytes", [d](const Value& v, Context* ctx) {
    auto n = v.node.IsScalar() ? ParseInt(v.node.Scalar()) : std::nullopt;
    if (!n || *n < 4096 || *n > (int64_t{1} << 30) || (*n & (*n - 1)) != 0) {
      Expected(v, "a power of two from 4096 to 1073741824", ctx);
      return;
    }
    d(*ctx->config).ring_bytes = static_cast<uint32_t>(*n);
  });
  s->Add("saker.driver.coalesce_us",
         Int<uint32_t>(
             [d](Config & c) -> auto& { return d(c).coalesce_us; }, 0, 1000000));
  s->Add("saker.driver.snaplen", Int<uint32_t>(
                                     [d](Config & c) -> auto& { return d(c).snaplen; }, 0, 65536));
  s->Add("saker.driver.syscalls",
         StringList(
             [d](Config & c) -> auto& { return d(c).syscalls; }, CheckNonEmpty));
  s->Add("saker.capture.flush_interval_ms",
         Int<uint64_t>(
             [](Config & c) -> auto& { return c.saker.capture.flush_interval_ms; }, 10, 600000));
  s->Add("saker.webserver.readyz_endpoint",
         String(
             [](Config & c) -> auto& { return c.saker.webserver.readyz_endpoint; }, CheckEndpoint));
  auto w = [](Config& c) -> SakerWebserver& { return c.saker.webserver; };
  s->Add("saker.webserver.header_timeout_ms",
         Int<uint64_t>(
             [w](Config & c) -> auto& { return w(c).header_timeout_ms; }, 100, 600000));
  s->Add("saker.webserver.idle_timeout_ms",
         Int<uint64_t>(
             [w](Config & c) -> auto& { return w(c).idle_timeout_ms; }, 100, 600000));
  s->Add("saker.webserver.max_connections",
         Int<uint32_t>(
             [w](Config & c) -> auto& { return w(c).max_connections; }, 1, 65536));
}

void AddRulesKeys(Schema* s) {
  s->Add("saker.rules.allow_empty",
         Bool([](Config & c) -> auto& { return c.saker.rules.allow_empty; }));
  auto l = [](Config& c) -> RulesLimits& { return c.saker.rules.limits; };
  // Each level costs about 0.7 KiB of stack on the compiling and evaluating threads.
  s->Add("saker.rules.limits.max_depth",
         Int<uint32_t>(
             [l](Config & c) -> auto& { return l(c).max_depth; }, 1, 1000));
  s->Add("saker.rules.limits.max_nodes",
         Int<uint64_t>(
             [l](Config & c) -> auto& { return l(c).max_nodes; }, 1, 100000000));
  s->Add("saker.rules.limits.max_list_items",
         Int<uint64_t>(
             [l](Config & c) -> auto& { return l(c).max_list_items; }, 1, 100000000));
}

}  // namespace

void AddSakerKeys(Schema* s) {
  AddApiKeys(s);
  AddOutputKeys(s);
  AddRateKeys(s);
  AddProcessKeys(s);
  AddRulesKeys(s);
}

}  // namespace saker::config::internal
